"""SARIF 2.1.0: one rule per obligation ID (and per diagnostic code), results on spec regions."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from checker.catalogue import CATALOGUE
from checker.diagnostics import CODES
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, WAIVED, Report
from checker.span import Span

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
# An internal error is no result about the spec (it is a pcheck bug): a tool execution notification.
_LEVEL = {FAILED: "error", UNKNOWN: "warning", WAIVED: "note"}


def _region(span: Span) -> dict[str, Any]:
    return {"startLine": span.line, "startColumn": span.column, "endLine": span.end_line, "endColumn": span.end_column}


# The base of every relative artifact URI, defined in the run's originalUriBaseIds (SARIF 2.1.0
# 3.14.14): the working directory, or `--sarif-root`. Code scanning maps it to the checkout.
BASE_ID = "SRCROOT"


def _base_uri(root: str) -> str:
    uri = Path(os.path.abspath(root)).as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _artifact(file: str, root: str) -> dict[str, Any] | None:
    """`{"uri": "specs/x.mk", "uriBaseId": "SRCROOT"}` for a file under `root`, an absolute
    `file://` URI for one outside it; None for a name that is no file (`<stdin>`)."""
    if file.startswith("<"):
        return None
    path = os.path.abspath(file)
    rel = os.path.relpath(path, os.path.abspath(root))
    if rel == os.pardir or rel.startswith(os.pardir + os.sep) or os.path.isabs(rel):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(rel).as_posix()), "uriBaseId": BASE_ID}


def _location(span: Span | None, root: str) -> list[dict[str, Any]]:
    artifact = None if span is None else _artifact(span.file, root)
    if artifact is None:
        return []
    return [{"physicalLocation": {"artifactLocation": artifact, "region": _region(span)}}]


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


def _results(report: Report, root: str) -> list[dict[str, Any]]:
    out = []
    for r in report.results:
        if r.status not in _LEVEL:
            continue
        item: dict[str, Any] = {
            "ruleId": r.id,
            "level": _LEVEL[r.status],
            "message": {"text": f"{r.subject}: {r.message}"},
            "locations": _location(r.location, root),
            "relatedLocations": [
                {"id": n, "message": {"text": p.what}, **_location(p.span, root)[0]}
                for n, p in enumerate(r.places) if _location(p.span, root)
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
                "locations": _location(d.span, root),
            }
        )
    return out


def to_sarif(reports: Sequence[Report], root: str | None = None) -> str:
    """One SARIF log with one run holding every spec's results; file URIs relative to `root`
    (default: the working directory), given as the run's SRCROOT."""
    root = os.getcwd() if root is None else root
    bugs = [r for report in reports for r in report.results if r.status == INTERNAL_ERROR]
    run = {
        "tool": {"driver": {"name": "pcheck", "rules": _rules()}},
        "originalUriBaseIds": {BASE_ID: {"uri": _base_uri(root)}},
        # SARIF 3.20.14: whether the tool did its job; pcheck's own bugs are notifications (3.20.21).
        "invocations": [{
            "executionSuccessful": not bugs,
            "toolExecutionNotifications": [
                {"level": "error", "message": {"text": f"internal error in pcheck, not a verdict: {r.id} {r.subject}: {r.message}"},
                 "locations": _location(r.location, root), "descriptor": {"id": r.id}}
                for r in bugs
            ],
        }],
        "results": [item for report in reports for item in _results(report, root)],
    }
    return json.dumps({"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}, indent=2) + "\n"
