"""pcheck's exceptions: one root, each subclass for one documented situation.

Nothing here is shown to a user as a traceback. The framework turns
`InternalError` into an `internal-error` result (exit 4) and `Undecided`
into an `unknown` one (exit 3); the command line turns `UsageError` and
`CounterexampleError` into a message and exit 2.
"""

from __future__ import annotations


class PcheckError(Exception):
    """The root of every exception pcheck raises on purpose."""


class InternalError(PcheckError):
    """A bug in pcheck: two of its parts disagree. Never a verdict about the system."""


class WitnessMismatch(InternalError):
    """A counterexample computed in Python does not satisfy the violation query it was derived from."""


class EncodingMismatch(InternalError):
    """A Python lemma and the solver disagree (e.g. the solver finds an overlap the address sweep does not)."""


class Undecided(PcheckError):
    """The solver gave up on a query (unknown, timeout, resource limit): never a proof."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UsageError(PcheckError):
    """The command line is wrong."""


class CounterexampleError(PcheckError):
    """A counterexample file is malformed or does not fit its own machine."""


def first(items, what: str):
    """The first of `items`; an InternalError naming `what` when there is none (never a bare StopIteration)."""
    for item in items:
        return item
    raise InternalError(f"no {what}")
