"""What every obligation module shares: the registry and result helpers.

An obligation is a function `(spec, session) -> list[Result]` registered under
its catalogue ID. It decides its own instances (a region, a kernel, a pair...),
asks the session one query per instance (or per family, with an argument in
its docstring) and turns each answer into a Result: unsat -> PROVED, sat -> a
FAILED result with a counterexample recomputed from the model's values,
unknown -> UNKNOWN (never PROVED).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from checker.data import frozen
from checker.encode import Outcome, Session
from checker.catalogue import BY_ID
from checker.result import FAILED, PROVED, UNKNOWN, Place, Result
from checker.span import Span
from checker.spec import Region, Spec

CheckFn = Callable[[Spec, Session], list[Result]]


@frozen
class Obligation:
    id: str
    family: str  # obligations of one family share a solver session and a worker
    check: CheckFn

    @property
    def title(self) -> str:
        return BY_ID[self.id].title


REGISTRY: dict[str, Obligation] = {}


def obligation(id_: str, family: str) -> Callable[[CheckFn], CheckFn]:
    """Register `fn` as the checker of catalogue entry `id_`."""
    assert id_ in BY_ID, id_

    def register(fn: CheckFn) -> CheckFn:
        REGISTRY[id_] = Obligation(id_, family, fn)
        return fn

    return register


def hexaddr(value: int) -> str:
    """0x4000_0000 style: groups of four hex digits, as specs write addresses."""
    digits = f"{value:x}"
    groups = []
    while digits:
        groups.append(digits[-4:])
        digits = digits[:-4]
    return "0x" + "_".join(reversed(groups))


def size_words(value: int) -> str:
    for unit, shift in (("T", 40), ("G", 30), ("M", 20), ("K", 10)):
        if value >= 1 << shift and value % (1 << shift) == 0:
            return f"{value >> shift}{unit}"
    return hexaddr(value)


def at(span: Span | None) -> str:
    """` (file:line:col)` for messages, or nothing for programmatic specs."""
    return f" ({span})" if span else ""


def region_words(region: Region) -> str:
    return f"{region.name}{at(region.span)}"


def proved(id_: str, subject: str, location: Span | None, message: str = "") -> Result:
    return Result(id_, subject, PROVED, message or BY_ID[id_].title, location)


def failed(
    id_: str,
    subject: str,
    message: str,
    location: Span | None,
    counterexample: dict[str, Any],
    places: Iterable[Place] = (),
    scenario: Iterable[dict[str, Any]] = (),
    expect: dict[str, Any] | None = None,
) -> Result:
    """A FAILED result. `scenario` (model steps) and `expect` (the model violation
    they must produce) let checker.replay confirm it on the reference model."""
    return Result(
        id_,
        subject,
        FAILED,
        message,
        location,
        counterexample,
        tuple(places),
        scenario=tuple(scenario),
        expect=expect,
    )


def unknown(id_: str, subject: str, location: Span | None, outcome: Outcome) -> Result:
    reason = outcome.reason or "no reason given"
    return Result(id_, subject, UNKNOWN, f"the solver could not decide ({reason}); this is not a proof", location)
