"""The obligation catalogue: stable IDs, what each proves, and how to fix a failure.

Each entry lives beside its obligation's code (`checker/obligations/<id>.py`);
this module only gathers them, for the resolver (to check `allow` IDs) and
the command line (`pcheck list`, `pcheck explain`). Neither z3 nor lark is
loaded to read it.
"""

from checker.obligations import BY_ID, CATALOGUE, OBLIGATION_IDS
from checker.obligations.base import Entry

__all__ = ["BY_ID", "CATALOGUE", "OBLIGATION_IDS", "Entry"]
