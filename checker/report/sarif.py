"""SARIF 2.1.0: one rule per obligation ID (and per diagnostic code), results on spec regions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from checker.catalogue import CATALOGUE
from checker.diagnostics import CODES
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, WAIVED, Report
from checker.span import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {FAILED: "error", UNKNOWN: "warning", INTERNAL_ERROR: "error", WAIVED: "note"}


def _region(span: Span) -> dict[str, Any]:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


def _location(span: Span | None) -> list[dict[str, Any]]:
    if span is None:
        return []
    return [{"physicalLocation": {"artifactLocation": {"uri": span.file}, "region": _region(span)}}]


def _rules() -> list[dict[str, Any]]:
    rules = [
        {
            "id": e.id,
            "name": e.id.replace("-", ""),
            "shortDescription": {"text": e.title},
            "fullDescription": {"text": e.proves},
            "help": {"text": "\n".join(e.fixes)},
            "defaultConfiguration": {"level": "error"},
        }
        for e in CATALOGUE
    ]
    rules += [{"id": code, "shortDescription": {"text": title}} for code, title in CODES.items()]
    return rules


def _results(report: Report) -> list[dict[str, Any]]:
    out = []
    for r in report.results:
        if r.status not in _LEVEL:
            continue
        item: dict[str, Any] = {
            "ruleId": r.id,
            "level": _LEVEL[r.status],
            "message": {"text": f"{r.subject}: {r.message}"},
            "locations": _location(r.location),
            "relatedLocations": [
                {"id": n, "message": {"text": p.what}, **_location(p.span)[0]} for n, p in enumerate(r.places) if p.span
            ],
        }
        if r.method is not None:
            item["properties"] = {"method": str(r.method), "lemma": r.lemma}
        if r.status == WAIVED:
            item["suppressions"] = [{"kind": "inSource", "justification": r.waiver or ""}]
        out.append(item)
    for d in report.diagnostics:
        out.append(
            {
                "ruleId": d.code,
                "level": "error" if d.is_error else "warning",
                "message": {"text": d.message},
                "locations": _location(d.span),
            }
        )
    return out


def to_sarif(reports: Sequence[Report]) -> str:
    """One SARIF log with one run holding every spec's results."""
    run = {
        "tool": {"driver": {"name": "pcheck", "informationUri": "https://example.invalid/pcheck", "rules": _rules()}},
        "results": [item for report in reports for item in _results(report)],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
