"""Z3 against the reference model, obligation by obligation, on random specs.

For every obligation the solver's set of failing subjects (with replay off,
so the model never vetoes it) must equal the set the model finds by brute
force (model_verdicts.py). A disagreement fails with the shrunk spec printed
as `.mk` text and, per disagreeing obligation, both sets and the solver's
messages.

CI runs a fixed, derandomized number of examples; PCHECK_SLOW=1 runs many
more with fresh randomness. conftest.py prints how many examples compared
each obligation (and how many of those failed) at the end of the session.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings

import checker

from tests.differential.counts import COUNTS
from tests.differential.model_verdicts import model_verdicts
from tests.differential.strategies import Case, cases, pd_cases, render

SLOW = os.environ.get("PCHECK_SLOW", "") not in ("", "0")

PAIRWISE = {"MEM-DISJOINT", "CPU-IDENT", "IPI-UNIQUE"}

LAYOUT = ("MEM-BOUNDS", "MEM-ALIGN", "MEM-DISJOINT", "MEM-EXPOSE", "CPU-EXCL", "CPU-IDENT", "DEV-EXCL", "IRQ-EXCL",
          "IRQ-RANGE")
PDS = ("SGI-BUDGET", "RPC-PROXY", "QUEUE-ACCESS", "QUEUE-DOORBELL", "QUEUE-INDEX")
DYNAMIC = ("GIC-INIT", "IRQ-ROUTE", "IRQ-TRIGGER", "IPI-RANGE", "IPI-CAP", "IPI-TARGET", "IPI-UNIQUE", "IPI-MAILBOX",
           "IPI-SMP")


def _settings(ci_examples: int, slow_examples: int):
    common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    if SLOW:
        return settings(max_examples=slow_examples, **common)
    return settings(max_examples=ci_examples, derandomize=True, database=None, print_blob=False, **common)


def _subject(ob: str, subject: str):
    return frozenset(subject.split(",")) if ob in PAIRWISE else subject


def solver_verdicts(spec, only) -> tuple[dict[str, set], dict[str, list[str]]]:
    """Failing subjects per obligation, and the failure messages (for reports)."""
    report = checker.check(spec, checker.Options(only=tuple(only), replay=False))
    odd = [f"{r.id} {r.subject}: {r.status}: {r.message}" for r in report.results if r.status not in ("proved", "failed")]
    assert not odd, "the solver did not decide:\n" + "\n".join(odd)
    verdicts: dict[str, set] = {ob: set() for ob in only}
    messages: dict[str, list[str]] = {ob: [] for ob in only}
    for r in report.results:
        if r.status == "failed":
            verdicts[r.id].add(_subject(r.id, r.subject))
            messages[r.id].append(f"{r.subject}: {r.message}")
    return verdicts, messages


def _show(value) -> str:
    if value is None:
        return "undecided"
    return "{" + ", ".join(sorted(",".join(sorted(v)) if isinstance(v, frozenset) else str(v) for v in value)) + "}"


def compare(case: Case, only) -> None:
    spec = case.spec
    solver, messages = solver_verdicts(spec, only)
    model = model_verdicts(spec, only)
    problems = []
    for ob in only:
        if model.get(ob) is None:
            continue
        COUNTS[ob][0] += 1
        COUNTS[ob][1] += bool(model[ob])
        if solver[ob] != model[ob]:
            problems.append(f"{ob}: solver fails {_show(solver[ob])}, model fails {_show(model[ob])}"
                            + "".join(f"\n    solver: {m}" for m in messages[ob]))
    assert not problems, "the solver and the model disagree on\n" + render(spec) + "\n\n" + "\n".join(problems)


@_settings(ci_examples=1200, slow_examples=20_000)
@given(cases())
def test_layout_obligations_agree(case):
    """Where regions lie, who owns what, what each kernel can reach."""
    compare(case, LAYOUT)


@_settings(ci_examples=300, slow_examples=8_000)
@given(cases())
def test_run_time_obligations_agree(case):
    """Boot orders, trigger races and SGI channels, run on the model."""
    compare(case, DYNAMIC)


@_settings(ci_examples=250, slow_examples=5_000)
@given(pd_cases())
def test_pd_obligations_agree(case):
    """Protection domains' mappings, calls through proxies, queues and SGI budgets, run on the model's PDs."""
    compare(case, PDS)
