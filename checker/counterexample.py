"""Counterexample files: writing them (`pcheck --cex-dir`) and replaying them (`pcheck replay`).

This module reads, writes and renders; the command line (`checker.cli`) parses
argv and prints.

A counterexample file is self-contained: it holds the model configuration of
the spec, the scenario and the violation the scenario must produce, so it
replays even after the spec has changed. The format is documented in the
README under "Counterexample files".
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any

import attrs

import model

from checker.errors import CounterexampleError
from checker.sources import NotRegular, read_regular
from checker.replay import machine_config, reproduces, run
from checker.report.json import location
from checker.result import FAILED, Report, Result
from checker.spec import Spec

FORMAT = "pcheck-counterexample"
VERSION = 1


def document(spec: Spec, result: Result) -> dict[str, Any]:
    """The versioned JSON document of one failed result."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "obligation": result.id,
        "subject": result.subject,
        "message": result.message,
        "spec": spec.path,
        "location": location(result.location),
        "counterexample": dict(result.counterexample or {}),
        "machine": model.config_to_json(machine_config(spec)),
        "scenario": list(result.scenario or ()),
        "expect": dict(result.expect or {}),
    }


def _file_name(result: Result) -> str:
    subject = re.sub(r"[^A-Za-z0-9_.-]+", "_", result.subject)
    return f"{result.id}-{subject}.json"


def write_all(reports: Sequence[Report], directory: str, specs: dict[str, Spec]) -> list[str]:
    """Write one file per failed result; returns the paths written."""
    os.makedirs(directory, exist_ok=True)
    written = []
    bases: dict[str, int] = {}
    for report in reports:
        spec = specs.get(report.spec)
        if spec is None:
            continue
        base = os.path.splitext(os.path.basename(report.spec))[0]
        # Two specs with one file name (a/x.mk, b/x.mk) keep their own files: x.…, x-2.…
        bases[base] = bases.get(base, 0) + 1
        if bases[base] > 1:
            base = f"{base}-{bases[base]}"
        for result in report.results:
            if result.status != FAILED or result.expect is None:
                continue
            path = os.path.join(directory, f"{base}.{_file_name(result)}")
            with open(path, "w", encoding="utf-8") as out:
                json.dump(document(spec, result), out, indent=2)
                out.write("\n")
            written.append(path)
    return written


# ------------------------------------------------------------------ replay


MAX_BYTES = 64 << 20  # the largest counterexample file read (a 256-kernel one is under 2 MiB)


def read(path: str) -> dict[str, Any]:
    """A counterexample document, checked for form; CounterexampleError says what is wrong."""
    try:
        data = read_regular(path, MAX_BYTES)
        if len(data) > MAX_BYTES:
            raise CounterexampleError(f"{path} is larger than {MAX_BYTES >> 20} MiB; no counterexample is that big")
        doc = json.loads(data.decode("utf-8"))
    except NotRegular as exc:
        raise CounterexampleError(f"{exc}; a counterexample must be a file") from exc
    except OSError as exc:
        raise CounterexampleError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CounterexampleError(f"{path} is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise CounterexampleError(f"{path} nests too deeply to be a counterexample") from exc
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CounterexampleError(f"{path} is not a pcheck counterexample (no \"format\": \"{FORMAT}\")")
    if type(doc.get("version")) is not int or doc["version"] != VERSION:  # `true` is not version 1
        raise CounterexampleError(f"{path} has format version {doc.get('version')!r}; this pcheck reads version {VERSION}")
    for key, kind in (("machine", dict), ("scenario", list), ("expect", dict), ("obligation", str)):
        if not isinstance(doc.get(key), kind):
            raise CounterexampleError(f"{path}: field '{key}' is missing or not a {kind.__name__}")
    if not isinstance(doc["expect"].get("kind"), str) or not doc["expect"]["kind"]:
        raise CounterexampleError(f"{path}: 'expect' names no violation kind")
    return doc


def _check_names(config: model.MachineConfig, scenario: list) -> None:
    """Every kernel, channel, core, protection domain and queue a step names exists in the machine."""
    pds = {p.name for p in config.pds}
    known = {
        "kernel": {k.name for k in config.kernels},
        "channel": {c.name for c in config.channels},
        "core": {c.name for c in config.cores},
        "pd": pds, "client": pds, "server": pds, "client_proxy": pds, "server_proxy": pds,
        "queue": {q.name for q in config.queues},
    }
    for index, step in enumerate(scenario):
        if not isinstance(step, dict):
            raise CounterexampleError(f"step {index} is not an object")
        for field, names in known.items():
            if step.get(field) is not None and step[field] not in names:
                raise ScenarioMismatch(f"step {index} names {field} '{step[field]}', which the machine does not have")


class ScenarioMismatch(CounterexampleError):
    """The scenario names a kernel, channel, core, PD or queue the machine it is run on does not have."""


def replay_document(doc: dict[str, Any], config: model.MachineConfig | None = None) -> tuple[model.Run, model.Violation | None]:
    """Run a document's scenario on its machine (or on `config`, a fixed spec's): the run and the
    expected violation if it happened."""
    try:
        config = config or model.config_from_json(doc["machine"])
        _check_names(config, doc["scenario"])
        outcome = run(config, doc["scenario"])
    except ScenarioMismatch:
        raise
    except (model.ModelError, ValueError, TypeError, KeyError) as exc:
        raise CounterexampleError(f"the scenario does not fit its machine: {exc}") from exc
    return outcome, reproduces(outcome, doc["expect"])


def render_text(doc: dict[str, Any], outcome: model.Run, hit: model.Violation | None, registers: bool | str = "brief",
                every: bool = False, on: str | None = None) -> str:
    """The trace with the replayed violation (every monitor's with `every`); `on`: the fixed spec
    whose machine ran the scenario instead of the stored one."""
    lines = [
        f"counterexample: {doc['obligation']} {doc.get('subject', '')}",
        f"  from {doc.get('spec', '?')}: {doc.get('message', '')}",
        f"  expected model violation: {doc['expect']['kind']}",
    ]
    if on is not None:
        lines.append(f"  replayed on the machine of {on}")
    shown = outcome if every else attrs.evolve(outcome, violations=(hit,) if hit is not None else ())
    lines += ["", model.format_trace(shown, registers=registers, marked=hit).rstrip("\n"), ""]
    others = len(outcome.violations) - (hit is not None)
    if hit is not None:
        where = "at setup" if hit.step < 0 else f"at step {hit.step}"
        lines.append(("STILL REPRODUCED" if on else "REPRODUCED") + f" {where}: {hit.kind}: {hit.message}")
    elif on is not None:
        lines.append(f"FIXED: the scenario runs on {on}'s machine without the {doc['expect']['kind']} violation "
                     "(one scenario is not a proof: check the spec with pcheck too)")
    else:
        lines.append(f"NOT REPRODUCED: the scenario ran without a {doc['expect']['kind']} violation on its own "
                     "machine: an internal error (a pcheck bug, or the file was edited)")
    if others > 0 and not every:
        lines.append(f"({others} other violation{'s' if others != 1 else ''} of other monitors not shown; -v shows them)")
    return "\n".join(lines) + "\n"


def render_json(doc: dict[str, Any], outcome: model.Run, hit: model.Violation | None, every: bool = False,
                on: str | None = None) -> str:
    data = {
        "version": VERSION,
        "obligation": doc["obligation"],
        "subject": doc.get("subject"),
        "machine": "stored" if on is None else on,
        "reproduced": hit is not None,
        "violation": hit.to_json() if hit else None,
        "violations": [v.to_json() for v in outcome.violations] if every else ([hit.to_json()] if hit else []),
        "trace": model.format_trace(outcome, marked=hit).splitlines(),
    }
    return json.dumps(data, indent=2) + "\n"
