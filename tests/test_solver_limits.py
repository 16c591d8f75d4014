"""Unknown is never proved; SMT-LIB dumps are complete queries; cvc5 agrees with Z3."""

import io
import os

import pytest
import z3

import checker
from checker.cli import main
from checker.crosscheck import available, cvc5_answer
from checker.result import FAILED, PROVED, UNKNOWN
from tests.corpus import ROOT, system_specs

FAILING = "specs/qemu-v2-two-stock-sel4.mk"


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        return main(list(argv), out, err), out.getvalue(), err.getvalue()
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("spec", ["specs/imx8mm-two-kernels.mk", FAILING])
def test_a_solver_that_gives_up_is_unknown_never_proved(spec):
    loaded = checker.load(os.path.join(ROOT, spec))
    starved = checker.check(loaded.spec, checker.Options(rlimit=1))
    full = {(r.id, r.subject): r.status for r in checker.check(loaded.spec).results}
    unknown = [r for r in starved.results if r.status == UNKNOWN]
    assert unknown, "a resource limit of 1 must stop the solver on some query"
    assert all("not a proof" in r.message for r in unknown)
    # What the starved solver still decided (by simplification alone) agrees with the full run.
    for r in starved.results:
        if r.status != UNKNOWN and (r.id, r.subject) in full:
            assert r.status == full[(r.id, r.subject)]
    assert starved.status in ("unknown", "failed")


def test_unknown_exits_3_and_says_so():
    status, out, _ = run_cli("specs/imx8mm-two-kernels.mk", "--rlimit", "1")
    assert status == 3
    assert "UNKNOWN" in out and ": UNKNOWN:" in out


def test_tiny_timeout_is_never_a_pass():
    status, out, _ = run_cli("specs/rock3b-mailbox.mk", "--timeout", "0.001")
    # Z3 may still answer the easy queries within a millisecond; whatever it
    # could not decide must be UNKNOWN and the run must not exit 0 unless all proved.
    lines = [l for l in out.splitlines() if l.startswith("PROVED ") or ": UNKNOWN " in l or ": FAILED " in l]
    assert lines
    if any(": UNKNOWN " in l for l in lines):
        assert status == 3
    else:
        assert status == 0


def test_dumped_queries_reproduce_every_verdict(tmp_path):
    status, out, _ = run_cli(FAILING, "--dump-smt", str(tmp_path))
    assert status == 1
    files = sorted(tmp_path.glob("*.smt2"))
    assert len(files) >= 5
    answers = {}
    for f in files:
        text = f.read_text()
        assert text.startswith("; pcheck query") and "; obligation " in text and "(check-sat)" in text
        solver = z3.Solver()
        solver.from_string(text)
        answers[f.name] = str(solver.check())
    # A proved obligation's query is unsat; every failure has at least one sat query.
    assert set(answers.values()) <= {"sat", "unsat"}
    for obligation in ("MEM-EXPOSE", "GIC-INIT", "IRQ-ROUTE"):
        assert any(v == "sat" for k, v in answers.items() if obligation in k)
    assert any(v == "unsat" for k, v in answers.items() if "MEM-DISJOINT" in k)


@pytest.mark.skipif(not available(), reason="cvc5 is an optional extra (CI installs it)")
def test_cvc5_reads_the_dumps():
    assert cvc5_answer("(declare-fun x () Int)(assert (> x 2))(check-sat)") == "sat"
    assert cvc5_answer("(declare-fun x () Int)(assert (> x 2))(assert (< x 1))(check-sat)") == "unsat"


@pytest.mark.skipif(not available(), reason="cvc5 is an optional extra (CI installs it)")
@pytest.mark.parametrize("path", system_specs()[::3], ids=lambda p: os.path.relpath(p, ROOT))
def test_cross_check_agrees_on_the_corpus(path):
    loaded = checker.load(path)
    report = checker.check(loaded.spec, checker.Options(cross_check=True, replay=False))
    assert not [r.message for r in report.results if r.status == "internal-error"]


def test_a_disagreement_is_an_internal_error(monkeypatch):
    import checker.crosscheck as cross

    flip = {"sat": "unsat", "unsat": "sat"}
    real = cross.cvc5_answer if available() else None
    monkeypatch.setattr(cross, "cvc5_answer", lambda text, timeout=None: flip[real(text, timeout)] if real else "sat")
    loaded = checker.load(os.path.join(ROOT, "specs/imx8mm-two-kernels.mk"))
    report = checker.check(loaded.spec, checker.Options(cross_check=True, only=("MEM-DISJOINT",), replay=False))
    assert report.has_internal_error
    assert any("cvc5 answered" in r.message for r in report.results)


def test_cross_check_without_cvc5_is_a_usage_error(monkeypatch):
    import checker.crosscheck as cross

    monkeypatch.setattr(cross, "available", lambda: False)
    status, _, err = run_cli(FAILING, "--cross-check")
    assert status == 2 and "pip install" in err
