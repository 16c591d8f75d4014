"""A second opinion on every query: cvc5 re-solves Z3's SMT-LIB 2 text.

Used by `pcheck --cross-check` (optional dependency: `pip install 'pcheck[cvc5]'`).
A query on which the two solvers give opposite definite answers means one of
them, or the SMT-LIB export, is wrong; the obligation is then reported as an
internal error, never as a verdict.
"""

from __future__ import annotations


class CrossCheckUnavailable(Exception):
    """cvc5 is not installed."""


def available() -> bool:
    try:
        import cvc5  # noqa: F401
    except ImportError:
        return False
    return True


def cvc5_answer(smt2: str, timeout_s: float | None = None) -> str:
    """'sat', 'unsat' or 'unknown' for an SMT-LIB 2 script ending in (check-sat)."""
    try:
        import cvc5
    except ImportError as exc:
        raise CrossCheckUnavailable("--cross-check needs cvc5: pip install 'pcheck[cvc5]'") from exc
    solver = cvc5.Solver()
    solver.setLogic("ALL")
    if timeout_s is not None:
        solver.setOption("tlimit-per", str(max(1, int(timeout_s * 1000))))
    parser = cvc5.InputParser(solver)
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, smt2, "query")
    symbols = parser.getSymbolManager()
    answer = "unknown"
    while True:
        command = parser.nextCommand()
        if command.isNull():
            break
        output = command.invoke(solver, symbols).strip()
        if output in ("sat", "unsat", "unknown"):
            answer = output
    return answer
