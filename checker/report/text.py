"""The text report, for people and for CI and editor error matchers.

Per spec: diagnostics with carets; then every failure, waiver, unknown and
internal error on one line that starts with its location
(`spec.mk:30:9: FAILED MEM-DISJOINT k0.ram,k1.ram: ...`), related locations
indented under it; failures with one cause in the system spec (one kernel's
profile) gathered under a `note:` line that names the cause and the
`pcheck explain` pages; proved instances summarised per obligation (`-v`
lists each, with how it was decided); a summary line.
"""

from __future__ import annotations

from collections.abc import Sequence

from checker.diagnostics import render
from checker.result import FAILED, INTERNAL_ERROR, PROVED, Report, Result

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


def _where(r: Result, report: Report) -> str:
    return str(r.location) if r.location else report.spec


def _result_lines(r: Result, report: Report, verbose: bool) -> list[str]:
    """One non-proved result: its line, then what belongs to it, indented."""
    head = f"{_where(r, report)}: {_LABEL[r.status]} {r.id} {r.subject}: {r.message}"
    if verbose and how(r):
        head += f" [{how(r)}]"
    lines = [head]
    if r.waiver:
        lines.append(f"    waived: {r.waiver}")
    if r.status == FAILED:
        lines += [f"    related: {p.span}: {p.what}" for p in r.places if p.span and p.span != r.location]
    return lines


def _cause_key(r: Result) -> tuple:
    assert r.cause is not None
    return (r.cause.what, str(r.cause.span))


def _causes(results: Sequence[Result]) -> dict[tuple, list[Result]]:
    """Failures by their cause in the system spec (location and words), for causes shared by two or more."""
    by: dict[tuple, list[Result]] = {}
    for r in results:
        if r.status == FAILED and r.cause is not None:
            by.setdefault(_cause_key(r), []).append(r)
    return {key: members for key, members in by.items() if len(members) > 1}


def _problems(report: Report, verbose: bool) -> list[str]:
    """Failures, waivers, unknowns and internal errors in report order, a group at its first member."""
    groups = _causes(report.results)
    grouped = {id(r) for members in groups.values() for r in members}
    lines: list[str] = []
    shown: set[tuple] = set()
    for r in report.results:
        if r.status == PROVED:
            continue
        if id(r) not in grouped:
            lines += _result_lines(r, report, verbose)
            continue
        key = _cause_key(r)
        if key in shown:
            continue
        shown.add(key)
        members = groups[key]
        ids = list(dict.fromkeys(m.id for m in members))
        explain = ", ".join(f"`pcheck explain {i}`" for i in ids)
        assert r.cause is not None
        where = str(r.cause.span) if r.cause.span else report.spec
        lines.append(f"{where}: note: {len(members)} failures come from {r.cause.what}; see {explain}")
        for m in members:
            lines += _result_lines(m, report, verbose)
    return lines


def _proved_lines(report: Report, verbose: bool) -> list[str]:
    """Each proved instance with -v; else one line per obligation with its count."""
    proved = [r for r in report.results if r.status == PROVED]
    if verbose:
        return [f"PROVED {r.id} {r.subject}" + (f" [{how(r)}]" if how(r) else "") for r in proved]
    counts: dict[str, list[int]] = {}
    for r in report.results:
        tally = counts.setdefault(r.id, [0, 0])
        tally[0] += r.status == PROVED
        tally[1] += 1
    width = max((len(i) for i in counts), default=0)
    out = []
    for id_, (n, total) in counts.items():
        if n:
            rest = f" of {total}" if n != total else ""
            out.append(f"PROVED {id_:<{width}}  {n}{rest} instance{'s' if total != 1 else ''}")
    return out


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
    """Human-readable report for terminals, CI logs and editors."""
    out = []
    for report in reports:
        for diag in report.diagnostics:
            out.append(render(diag, report.sources))
        out += _problems(report, verbose)
        out += _proved_lines(report, verbose)
        if any(r.status == FAILED for r in report.results):
            out.append("`pcheck explain ID` says what an obligation proves and how to fix its failures "
                       "(-v lists every proved instance)")
        out.append(summary_line(report))
    return "\n".join(out) + "\n"
