"""checker.data.frozen: attrs' frozen classes, with a shared repr that prints what attrs' would."""

import attrs
import pytest
from attrs import field

from checker.data import frozen
from checker.spec import Cpu, Kernel, Region


def _twin(cls):
    """The same fields, built by plain attrs.frozen, for comparing reprs."""
    body = {a.name: attrs.field(default=a.default, repr=a.repr) for a in attrs.fields(cls)}
    return attrs.make_class(cls.__name__, body, frozen=True)


def test_repr_is_the_one_attrs_would_write():
    kernel = Kernel("a", (Cpu("c0", 0x100),), ram=(Region("ram", 0x4000_0000, 0x1000),))
    twin = _twin(Kernel)(**{a.name: getattr(kernel, a.name) for a in attrs.fields(Kernel)})
    assert repr(kernel) == repr(twin)
    assert repr(kernel).startswith("Kernel(name='a', cores=(Cpu(")


def test_fields_left_out_of_repr_stay_out_and_custom_reprs_apply():
    @frozen
    class Secret:
        shown: int
        hidden: str = field(default="x", repr=False)
        hexed: int = field(default=255, repr=hex)

    assert repr(Secret(1)) == "Secret(shown=1, hexed=0xff)"
    assert repr(Secret(1)) == repr(_twin(Secret)(1))


def test_classes_stay_frozen_comparable_and_hashable():
    a, b = Region("r", 0x1000, 0x1000), Region("r", 0x1000, 0x1000)
    assert a == b and hash(a) == hash(b) and a is not b
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.base = 0  # type: ignore[misc]
