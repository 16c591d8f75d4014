"""Results of a check, as plain data the reports and the library API read."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from attrs import field

from checker.data import frozen
from checker.diagnostics import Diagnostic
from checker.span import Span


class _Word(str, enum.Enum):
    """An enum whose members are their own text: "proved" == Status.PROVED, in JSON and f-strings alike."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class Status(_Word):
    """The verdict of one obligation instance."""

    PROVED = "proved"
    FAILED = "failed"
    WAIVED = "waived"
    UNKNOWN = "unknown"
    # The encoding and the reference model (or two parts of pcheck) disagree: a bug in pcheck, never a verdict.
    INTERNAL_ERROR = "internal-error"


class Method(_Word):
    """How a verdict was reached."""

    SOLVER = "solver"  # a Z3 query that was not a constant after simplification
    FACTS = "facts"  # decided in Python from the spec's values, by the lemma the result names
    EVALUATED = "evaluated"  # a counterexample Python proposed, checked by evaluating the Z3 violation at it


PROVED, FAILED, WAIVED, UNKNOWN, INTERNAL_ERROR = Status
STATUSES = tuple(Status)


@frozen
class Place:
    """A spec location that takes part in a counterexample, with its role in words."""

    what: str
    span: Span | None


@frozen
class Result:
    """One obligation instance: its verdict, how it was reached, and for a failure the counterexample."""

    id: str
    subject: str
    status: Status
    message: str
    location: Span | None
    counterexample: Mapping[str, Any] | None = None
    places: tuple[Place, ...] = ()
    waiver: str | None = None
    # The model scenario that shows the failure and the model violation it must
    # produce (plain data; see checker/replay.py).
    scenario: tuple[Mapping[str, Any], ...] | None = None
    expect: Mapping[str, Any] | None = None
    seconds: float = 0.0
    method: Method | None = None  # None for results no decision was made for (unknown, internal errors)
    lemma: str | None = None  # the Python step the verdict rests on, by name (see checker/lemmas.py)
    cause: Place | None = None  # a failure's cause in the system spec, in words and where (checker/obligations/base.py Failure)

    def subject_names(self) -> tuple[str, ...]:
        """The names a waiver may use to match this result (`k0.ram,k1.ram` -> k0.ram, k0, k1.ram, k1)."""
        names: list[str] = []
        for part in self.subject.split(","):
            part = part.strip()
            names.append(part)
            head = part.split(".")[0].split("[")[0]
            if head != part:
                names.append(head)
        return tuple(names)


@frozen
class Report:
    """Everything one spec check produced."""

    spec: str
    results: tuple[Result, ...]
    diagnostics: tuple[Diagnostic, ...]
    seconds: float
    sources: Mapping[str, str] = field(factory=dict, eq=False)

    @property
    def status(self) -> str:
        """error (the spec was rejected or pcheck failed), failed, unknown or proved.

        A definite failure outranks an unknown: the system is broken either way,
        and the failure is what the user can act on.
        """
        if any(d.is_error for d in self.diagnostics) or self.has_internal_error:
            return "error"
        if any(r.status == FAILED for r in self.results):
            return "failed"
        if any(r.status == UNKNOWN for r in self.results):
            return "unknown"
        return "proved"

    def counts(self) -> dict[str, int]:
        counts = {str(status): 0 for status in STATUSES}
        for r in self.results:
            counts[str(r.status)] += 1
        return counts

    @property
    def has_internal_error(self) -> bool:
        return any(r.status == INTERNAL_ERROR for r in self.results)
