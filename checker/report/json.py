"""The JSON report (format version 1), documented in README.md under "JSON output"."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checker.diagnostics import Diagnostic
from checker.result import Report, Result
from checker.span import Span

VERSION = 1


def location(span: Span | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {"file": span.file, "line": span.line, "column": span.column, "end_line": span.end_line, "end_column": span.end_column}


def result_data(r: Result) -> dict[str, Any]:
    return {
        "id": r.id,
        "subject": r.subject,
        "status": r.status,
        "message": r.message,
        "location": location(r.location),
        "counterexample": dict(r.counterexample) if r.counterexample is not None else None,
        "related": [{"what": p.what, "location": location(p.span)} for p in r.places],
        "waiver": r.waiver,
        "method": r.method,
        "lemma": r.lemma,
        "cause": None if r.cause is None else {"what": r.cause.what, "location": location(r.cause.span)},
        "seconds": round(r.seconds, 6),
    }


def diagnostic_data(d: Diagnostic) -> dict[str, Any]:
    return {
        "severity": d.severity,
        "code": d.code,
        "message": d.message,
        "location": location(d.span),
        "notes": [{"message": n.message, "location": location(n.span)} for n in d.notes],
    }


def report_data(report: Report) -> dict[str, Any]:
    """One spec's report as the documented JSON document."""
    counts = report.counts()
    return {
        "version": VERSION,
        "spec": report.spec,
        "status": report.status,
        "results": [result_data(r) for r in report.results],
        "diagnostics": [diagnostic_data(d) for d in report.diagnostics],
        "summary": {**counts, "total": len(report.results), "seconds": round(report.seconds, 6)},
    }


def to_json(reports: Sequence[Report]) -> str:
    """One JSON document per spec, one per line (a single spec gives a single document)."""
    return "".join(json.dumps(report_data(r), sort_keys=False) + "\n" for r in reports)
