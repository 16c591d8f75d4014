"""`per_spec`: a function of a Spec (and hashable arguments) computed once per spec object.

Specs are frozen, so anything computed from one alone stays valid; hashing a
whole Spec is slow, so the cache goes by identity and keeps the specs it
answered for alive (a few at a time: a check reads one spec).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

R = TypeVar("R")

KEEP = 4  # specs remembered per function


def per_spec(fn: Callable[..., R]) -> Callable[..., R]:
    """Memoise `fn(spec, *args)` by the identity of `spec` and the value of `args`."""
    cache: OrderedDict[int, tuple[Any, dict]] = OrderedDict()

    @functools.wraps(fn)
    def wrapper(spec, *args):
        entry = cache.get(id(spec))
        if entry is None or entry[0] is not spec:
            entry = cache[id(spec)] = (spec, {})
            if len(cache) > KEEP:
                cache.popitem(last=False)
        results = entry[1]
        if args not in results:
            results[args] = fn(spec, *args)
        return results[args]

    return wrapper
