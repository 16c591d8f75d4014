"""What the per-obligation tests share: check a small spec written inline, replay a failure, read the corpus.

    results = check(TEXT, "MEM-ALIGN")               # that obligation's results, replayed on the model
    failing(results) == {"k0.ram"}                   # subjects of FAILED results
    violation(spec, result)                          # the model violation the result's scenario produces

Inline specs `include` the boards of specs/platforms/ by name, e.g.
`include "platforms/qemu-virt-gicv2.mk"`.
"""

from __future__ import annotations

import os

import checker
from checker import counterexample, replay
from checker.result import FAILED, Result
from checker.spec import Spec
from tests.corpus import ROOT, expectations, system_specs

SPECS = os.path.join(ROOT, "specs")


def load(text: str) -> Spec:
    """A spec from inline text whose includes are read from specs/; fails the test on any error."""
    loaded = checker.load_text(text, "inline.mk", base_dir=SPECS)
    errors = [d for d in loaded.diagnostics if d.is_error]
    assert not errors, [f"{d.code} {d.message}" for d in errors]
    return loaded.spec


def check(text_or_spec: str | Spec, only: str, replay_failures: bool = True) -> list[Result]:
    """The results of one obligation on a spec (text or Spec), failures confirmed on the model."""
    spec = load(text_or_spec) if isinstance(text_or_spec, str) else text_or_spec
    report = checker.check(spec, checker.Options(only=(only,), replay=replay_failures))
    return [r for r in report.results if r.id == only]


def failing(results: list[Result]) -> set[str]:
    return {r.subject for r in results if r.status == FAILED}


def violation(spec: Spec, result: Result):
    """The model violation a failed result's own scenario produces, matched against its `expect` (None: none)."""
    run = replay.run(replay.machine_config(spec), result.scenario or ())
    return replay.reproduces(run, result.expect)


def replays_from_file(spec: Spec, result: Result) -> bool:
    """The failure, written as a counterexample document and read back, is reproduced by `pcheck replay`'s code."""
    doc = counterexample.document(spec, result)
    _, hit = counterexample.replay_document(doc)
    return hit is not None


def corpus_verdicts(obligation: str) -> tuple[list[str], list[str]]:
    """Corpus specs that expect `obligation` to fail somewhere, and those that expect every obligation proved."""
    fails, proves = [], []
    for path in system_specs():
        expected = expectations(path)
        if any(e.verdict == "failed" and e.id == obligation for e in expected):
            fails.append(path)
        elif all(e.verdict == "proved" for e in expected):
            proves.append(path)
    return fails, proves
