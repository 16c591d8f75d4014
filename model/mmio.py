"""Register maps: named registers with offset, size, count and legal widths.

A map turns (offset in a frame, access width) into the register, its index
in the register array and the byte offset inside it, or raises MmioError.
"""

from __future__ import annotations

from attrs import frozen

from model.errors import MmioError

__all__ = ["Register", "Decoded", "RegisterMap", "lane_mask"]


@frozen
class Register:
    """A register or an array of `count` registers of `size` bytes each.

    kind: 'rw', 'ro' (writes ignored), 'wo' (reads are errors).
    `first` is the architectural index of the first element (IROUTER<32>).
    `side_effects` marks reads that change state (IAR), which are never peeked.
    """

    name: str
    offset: int
    size: int = 4
    count: int = 1
    widths: frozenset[int] = frozenset({4})
    kind: str = "rw"
    first: int = 0
    side_effects: bool = False

    @property
    def end(self) -> int:
        """First offset after the register array."""
        return self.offset + self.size * self.count

    def label(self, index: int) -> str:
        """Human name: `GICD_CTLR` or `GICD_ITARGETSR[8]`."""
        if self.count == 1:
            return self.name
        return f"{self.name}[{index}]"


@frozen
class Decoded:
    """Result of decoding one access: which register, which element, which byte."""

    register: Register
    index: int
    byte: int

    @property
    def label(self) -> str:
        """The register name of the element accessed."""
        return self.register.label(self.index)


def lane_mask(byte: int, width: int) -> int:
    """Bit mask of the byte lanes [byte, byte + width) of a register."""
    return ((1 << (8 * width)) - 1) << (8 * byte)


class RegisterMap:
    """A frame's registers; decode() is the only way in."""

    def __init__(self, name: str, size: int, registers: tuple[Register, ...]) -> None:
        self.name = name
        self.size = size
        self.registers = tuple(sorted(registers, key=lambda r: r.offset))
        self._check_disjoint()

    def _check_disjoint(self) -> None:
        # A map with overlapping registers would decode ambiguously.
        for before, after in zip(self.registers, self.registers[1:]):
            if before.end > after.offset:
                raise ValueError(f"{self.name}: {before.name} overlaps {after.name}")

    def decode(self, offset: int, width: int) -> Decoded:
        """Decode an access of `width` bytes at `offset` into the frame."""
        register = self._find(offset, width)
        relative = offset - register.offset
        byte = relative % register.size
        if width not in register.widths:
            raise MmioError(offset, width, f"illegal {8 * width}-bit access to {register.name}")
        if byte % width:
            raise MmioError(offset, width, f"misaligned access to {register.name}")
        return Decoded(register, register.first + relative // register.size, byte)

    def _find(self, offset: int, width: int) -> Register:
        for register in self.registers:
            if register.offset <= offset < register.end:
                return register
        raise MmioError(offset, width, f"unmapped offset {offset:#x} in {self.name}")
