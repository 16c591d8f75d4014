"""How results write numbers, sizes and places: `0x4000_0000`, `512M`, ` (file:line:col)`."""

from __future__ import annotations

from checker.result import Place
from checker.span import Span
from checker.spec import Kernel, Region


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


def profile_cause(kernel: Kernel) -> Place:
    """A failure's cause when one kernel's profile choice makes it (see Failure.cause): in words,
    at the kernel's line in the system spec."""
    return Place(f"kernel {kernel.name}'s profile '{kernel.profile.name}'", kernel.span)
