"""How to check: which obligations, per-query limits, where to dump queries, parallelism."""

from __future__ import annotations

from collections.abc import Callable

from attrs import field

from checker.data import frozen


@frozen
class Options:
    """How to check: which obligations, per-query timeout, where to dump SMT-LIB."""

    only: tuple[str, ...] = ()
    timeout: float | None = 30.0
    dump_smt: str | None = None
    replay: bool = True
    cross_check: bool = False  # re-solve every query with cvc5
    rlimit: int | None = None  # z3 resource limit per query (deterministic, unlike a timeout)
    jobs: int | None = None  # worker processes for independent families; None: one per core
    progress: Callable[[str], None] | None = field(default=None, eq=False)  # told each obligation as it starts
