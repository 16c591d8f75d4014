"""Both ways a session solves give the same report: a fresh solver per query
(large specs) and one incremental solver per family (small specs, see
"Two ways to solve" in checker/encode.py)."""

import pytest

import checker
from checker import prove
from tests.corpus import system_specs


def _report(spec):
    results = checker.check(spec, checker.Options(replay=False)).results
    return [(r.id, r.subject, r.status, r.message, r.counterexample) for r in results]


@pytest.mark.parametrize("path", system_specs(), ids=lambda p: p.rsplit("/", 1)[-1])
def test_fresh_and_incremental_solvers_give_the_same_report(path, monkeypatch):
    spec = checker.load(path).spec
    assert spec is not None
    assert prove.size(spec) < prove.INCREMENTAL_BELOW  # the corpus is checked incrementally by default
    incremental = _report(spec)
    monkeypatch.setattr(prove, "INCREMENTAL_BELOW", 0)
    assert _report(spec) == incremental
