"""Every example spec gets exactly the verdicts its `// expect:` lines state."""

import os

import pytest

import checker
from checker.obligations import REGISTRY
from tests.corpus import ROOT, expectations, system_specs


@pytest.mark.parametrize("path", system_specs(), ids=lambda p: os.path.relpath(p, ROOT))
def test_spec_verdicts(path):
    expected = expectations(path)
    report = checker.check_path(path)
    assert not [d for d in report.diagnostics if d.is_error], [d.message for d in report.diagnostics]
    unknown = sorted({e.id for e in expected if e.verdict != "proved" and e.id not in REGISTRY})
    assert not unknown, f"the spec expects verdicts of obligations pcheck does not have: {unknown}"
    wanted = {(e.verdict, e.id, e.subject) for e in expected if e.verdict != "proved"}
    got = {(r.status, r.id, r.subject) for r in report.results if r.status != "proved"}
    assert got == wanted, "\n".join(f"{r.status} {r.id} {r.subject}: {r.message}" for r in report.results if r.status != "proved")


def test_corpus_has_failing_and_clean_specs_for_every_platform():
    platforms = [p for p in os.listdir(os.path.join(ROOT, "specs", "platforms")) if p.endswith(".mk")]
    assert len(platforms) >= 6
    specs = system_specs()
    assert any(all(e.verdict == "proved" for e in expectations(p)) for p in specs)
    assert any(any(e.verdict == "failed" for e in expectations(p)) for p in specs)
