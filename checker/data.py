"""`frozen`: the decorator of pcheck's data classes, attrs' frozen classes with a shared `__repr__`.

attrs compiles the source of every generated method when a class is built,
and the `__repr__` is half of that source. `pcheck` builds 53 data classes
before it reads a spec, and their reprs took about 25 ms of a 0.4 s run. One
`__repr__` written here, shared by every class, prints the same text as
attrs' (`Kernel(name='a', cores=(...), ...)`), and nothing but debugging and
test failure output ever calls it. Equality, hashing and `__init__` are
still attrs' own.
"""

from __future__ import annotations

from typing import Any, TypeVar

import attrs

C = TypeVar("C", bound=type)


def frozen(cls: C) -> C:
    """`attrs.frozen(cls)`, except that the repr is the shared one below."""
    built = attrs.frozen(cls, repr=False)
    built.__repr__ = _repr  # type: ignore[method-assign]
    return built


def _repr(self: Any) -> str:
    fields = ", ".join(
        f"{a.name}={a.repr(getattr(self, a.name)) if callable(a.repr) else repr(getattr(self, a.name))}"
        for a in type(self).__attrs_attrs__
        if a.repr
    )
    name = type(self).__qualname__.rsplit(">.", 1)[-1]  # as attrs: `f.<locals>.C` shows as `C`
    return f"{name}({fields})"
