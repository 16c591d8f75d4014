"""The text report: one line per obligation instance, diagnostics with carets, a summary."""

from __future__ import annotations

from collections.abc import Sequence

from checker.diagnostics import render
from checker.result import FAILED, INTERNAL_ERROR, Report

_LABEL = {
    "proved": "PROVED",
    "failed": "FAILED",
    "waived": "WAIVED",
    "unknown": "UNKNOWN",
    INTERNAL_ERROR: "ERROR",
}


def how(r) -> str:
    """`solver`, `solver, shaped by LEMMA` or `facts: LEMMA`: how the verdict was reached (shown with -v)."""
    if r.method is None:
        return ""
    if r.method == "facts":
        return f"facts: {r.lemma}" if r.lemma else "facts"
    return f"solver, shaped by {r.lemma}" if r.lemma else "solver"


def _result_lines(report: Report, verbose: bool) -> list[str]:
    lines = []
    for r in report.results:
        where = f"{r.location}: " if r.location and r.status != "proved" else ""
        head = f"{_LABEL[r.status]:<7} {r.id:<12} {r.subject}"
        if verbose and how(r):
            head += f"  [{how(r)}]"
        if r.status == "proved":
            lines.append(head)
            continue
        lines.append(f"{head}\n        {where}{r.message}")
        if r.waiver:
            lines.append(f"        waived: {r.waiver}")
        if r.status == FAILED and verbose:
            lines += [f"        {p.what}: {p.span}" for p in r.places if p.span]
    return lines


def summary_line(report: Report) -> str:
    counts = report.counts()
    parts = [f"{counts[k]} {k}" for k in ("proved", "failed", "waived", "unknown") if counts[k] or k in ("proved", "failed")]
    if counts[INTERNAL_ERROR]:
        parts.append(f"{counts[INTERNAL_ERROR]} internal errors")
    errors = sum(1 for d in report.diagnostics if d.is_error)
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''} in the spec")
    return f"{report.spec}: {report.status.upper()}: " + ", ".join(parts) + f" in {report.seconds:.2f}s"


def to_text(reports: Sequence[Report], verbose: bool = False) -> str:
    """Human-readable report for terminals and CI logs."""
    out = []
    for report in reports:
        for diag in report.diagnostics:
            out.append(render(diag, report.sources))
        out += _result_lines(report, verbose)
        out.append(summary_line(report))
    return "\n".join(out) + "\n"
