"""A solver query and its answer, as the obligations and the framework see them.

A `Query` holds z3 terms, but this module does not import z3: the terms are
built by `checker.encode.Session`, the only module that does. An `Answer` is
plain data (ints), so nothing from z3 leaves the encoding layer.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from attrs import field

from checker.data import frozen
from checker.errors import Undecided
from checker.lemmas import Lemma


@frozen
class Query:
    """Is `violation` satisfiable? On sat, `reads` are evaluated in the model.

    `lemma` names the Python step the query was shaped by (what was left out,
    what was grouped), if any: a query that simplifies to a constant was in
    fact decided by that step. `assumption` is asserted for the query (and
    shared by every query that uses the same assumption object). `predicted`
    is what the lemma says the answer must be, when it says: a definite
    answer that differs is a bug in pcheck (the lemma and the solver disagree).

    `candidate` is a counterexample Python proposes, a value for every read:
    when the violation, with the reads replaced by those values, simplifies
    to true, the answer is SAT with those values, and no solver is needed
    (z3 evaluates a ground term exactly). Otherwise the query is solved as
    usual; a candidate never makes a query UNSAT.
    """

    violation: Any = field(eq=False)
    reads: Mapping[str, Any] = field(factory=dict, eq=False)
    lemma: Lemma | None = None
    assumption: Any = field(default=None, eq=False)
    label: str = ""
    predicted: "Sat | None" = None
    candidate: Mapping[str, int] | None = field(default=None, eq=False)


class Sat(enum.Enum):
    """What the solver said about a violation."""

    SAT = "sat"  # a counterexample exists
    UNSAT = "unsat"  # the property holds
    UNKNOWN = "unknown"  # the solver gave up: never a proof


@frozen
class Answer:
    """A solver answer as plain data: `values` holds the read-back ints when it is SAT.

    `trivial` is set when the violation was a constant after simplification:
    Python, not the solver, decided it (the query's lemma says how).
    `evaluated` is set when the query's candidate satisfied the violation.
    """

    sat: Sat
    values: Mapping[str, int] = field(factory=dict)
    reason: str = ""
    trivial: bool = False
    evaluated: bool = False

    def holds(self) -> bool:
        """True when the property holds (unsat), False when violated (sat); Undecided when the solver gave up.

        The one place where an unknown answer turns into control flow: an
        obligation that needs a definite answer calls this, and the framework
        reports the instance as UNKNOWN when it raises.
        """
        if self.sat is Sat.UNKNOWN:
            raise Undecided(self.reason or "no reason given")
        return self.sat is Sat.UNSAT

    def witness(self) -> Mapping[str, int] | None:
        """The model's values when violated, else None (held, or the solver gave up): for optional refinements only."""
        return self.values if self.sat is Sat.SAT else None
