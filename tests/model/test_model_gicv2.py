"""GICv2 register semantics pinned against gic-sel4-facts.md and IHI0048."""

from __future__ import annotations

import pytest

from tests.model.machines import GICC2, GICD2, v2_cores
from model import ConfigError, Core, Gic, GicV2, MmioError, SgiLost, SgiPended

D = GICD2.base
C = GICC2.base


@pytest.fixture
def gic() -> GicV2:
    return GicV2(Gic(2, GICD2, GICC2, None, lines=128), v2_cores())


def enable_cpu(gic: GicV2, core: str, pmr: int = 0xF0) -> None:
    gic.write(core, C + 0x00, 4, 1)
    gic.write(core, C + 0x04, 4, pmr)


def test_typer_reports_lines_and_cpus(gic: GicV2) -> None:
    assert gic.read("c0", D + 0x004, 4) == (128 // 32 - 1) | (3 << 5)


def test_itargetsr_byte_lanes(gic: GicV2) -> None:
    gic.write("c0", D + 0x800 + 41, 1, 0x04)       # INTID 41 -> cpu 2
    assert gic.read("c0", D + 0x800 + 40, 4) == 0x0000_0400
    gic.write("c0", D + 0x800 + 40, 4, 0x0102_0408)
    assert [gic.target_byte(i) for i in range(40, 44)] == [0x08, 0x04, 0x02, 0x01]
    assert gic.spi_targets(42) == ("c1",)


def test_itargetsr_bits_of_absent_interfaces_are_raz(gic: GicV2) -> None:
    gic.write("c0", D + 0x800 + 40, 1, 0xF1)
    assert gic.target_byte(40) == 0x01


def test_ipriorityr_byte_lanes(gic: GicV2) -> None:
    gic.write("c0", D + 0x400 + 42, 1, 0xA0)
    assert gic.read("c0", D + 0x400 + 40, 4) == 0x00A0_0000
    assert gic.read("c0", D + 0x400 + 42, 1) == 0xA0


@pytest.mark.parametrize("core,bit", [("c0", 0x01), ("c1", 0x02), ("c3", 0x08)])
def test_banked_itargetsr_reads_own_bit_and_ignores_writes(gic: GicV2, core: str, bit: int) -> None:
    assert gic.read(core, D + 0x800, 4) == bit * 0x01010101
    gic.write(core, D + 0x81C, 4, 0xFFFF_FFFF)
    assert gic.read(core, D + 0x81C, 4) == bit * 0x01010101
    assert gic.read(core, D + 0x81F, 1) == bit


def test_enable_is_write_one_to_set_and_clear(gic: GicV2) -> None:
    gic.write("c0", D + 0x104, 4, 0b1010)       # set 33, 35
    gic.write("c0", D + 0x104, 4, 0b0100)       # set 34: 33, 35 untouched
    assert gic.read("c0", D + 0x104, 4) == 0b1110
    gic.write("c0", D + 0x184, 4, 0b0010)       # clear 33 only
    assert gic.read("c0", D + 0x184, 4) == 0b1100
    gic.write("c0", D + 0x184, 4, 0)            # writing zeros changes nothing
    assert gic.read("c0", D + 0x104, 4) == 0b1100


def test_pending_is_write_one_to_set_and_clear(gic: GicV2) -> None:
    gic.write("c0", D + 0x204, 4, 1 << 8)
    assert gic.spi_pending(40)
    gic.write("c0", D + 0x284, 4, 1 << 8)
    assert not gic.spi_pending(40)


def test_word0_enable_is_banked_per_core(gic: GicV2) -> None:
    gic.write("c0", D + 0x100, 4, 1 << 27)      # PPI 27 on c0 only
    assert gic.read("c0", D + 0x100, 4) & 1 << 27
    assert not gic.read("c1", D + 0x100, 4) & 1 << 27


def test_icfgr_is_word_only(gic: GicV2) -> None:
    with pytest.raises(MmioError, match="illegal 8-bit access to GICD_ICFGR"):
        gic.write("c0", D + 0xC08, 1, 0x2)
    gic.write("c0", D + 0xC08, 4, 0x0000_0008)  # INTID 33 edge
    assert gic.is_edge(33) and not gic.is_edge(32)


def test_sgir_is_write_only(gic: GicV2) -> None:
    with pytest.raises(MmioError, match="write-only"):
        gic.read("c0", D + 0xF00, 4)


def test_unmapped_offset_raises(gic: GicV2) -> None:
    with pytest.raises(MmioError, match="unmapped"):
        gic.read("c0", D + 0xD00, 4)


@pytest.mark.parametrize("value,reached", [
    (0b00 << 24 | 0b0110 << 16 | 3, ("c1", "c2")),     # list
    (0b01 << 24 | 3, ("c1", "c2", "c3")),              # all but self (sender c0)
    (0b10 << 24 | 0b1000 << 16 | 3, ("c0",)),          # self only, list ignored
    (0b00 << 24 | 0b1000_0000 << 16 | 3, ()),          # cpu 7 does not exist
    (0b11 << 24 | 0b0010 << 16 | 3, ()),               # reserved filter
])
def test_sgir_filters(gic: GicV2, value: int, reached: tuple[str, ...]) -> None:
    gic.write("c0", D + 0xF00, 4, value)
    events = gic.drain()
    assert tuple(e.core for e in events if isinstance(e, SgiPended)) == reached
    assert any(isinstance(e, SgiLost) for e in events) == (not reached)


def test_sgi_pending_is_per_source_and_iar_reports_it(gic: GicV2) -> None:
    gic.write("c0", D + 0x000, 4, 1)
    enable_cpu(gic, "c2")
    gic.write("c1", D + 0xF00, 4, 0b0100 << 16 | 7)     # from cpu 1
    gic.write("c3", D + 0xF00, 4, 0b0100 << 16 | 7)     # from cpu 3: not merged
    assert gic.sgi_pending_sources("c2", 7) == {1, 3}
    assert gic.read("c2", D + 0xF20 + 7, 1) == 0b1010   # SPENDSGIR byte of SGI 7
    first = gic.acknowledge("c2")
    assert (first & 0x3FF, first >> 10 & 7) == (7, 1)
    gic.end_of_interrupt("c2", first)
    second = gic.acknowledge("c2")
    assert (second & 0x3FF, second >> 10 & 7) == (7, 3)
    gic.end_of_interrupt("c2", second)
    assert gic.acknowledge("c2") == 1023


def test_same_source_sgi_merges(gic: GicV2) -> None:
    gic.write("c1", D + 0xF00, 4, 0b0100 << 16 | 7)
    gic.write("c1", D + 0xF00, 4, 0b0100 << 16 | 7)
    pended = [e for e in gic.drain() if isinstance(e, SgiPended)]
    assert [e.merged for e in pended] == [False, True]


def test_cpendsgir_clears_one_source(gic: GicV2) -> None:
    gic.write("c1", D + 0xF00, 4, 0b0100 << 16 | 7)
    gic.write("c3", D + 0xF00, 4, 0b0100 << 16 | 7)
    gic.write("c2", D + 0xF10 + 7, 1, 0b0010)  # CPENDSGIR byte of SGI 7
    assert gic.sgi_pending_sources("c2", 7) == {3}


def test_ctlr_gates_delivery_but_keeps_pending(gic: GicV2) -> None:
    enable_cpu(gic, "c1")
    gic.write("c0", D + 0x104, 4, 1 << 8)               # enable INTID 40
    gic.write("c0", D + 0x800 + 40, 1, 0x02)            # to cpu 1
    gic.raise_spi(40)
    assert gic.deliverable("c1") is None                # GICD_CTLR = 0
    assert gic.acknowledge("c1") == 1023
    assert gic.spi_pending(40)
    gic.write("c0", D + 0x000, 4, 1)
    assert gic.deliverable("c1") == (40, None)
    assert gic.acknowledge("c1") == 40
    assert not gic.spi_pending(40)


def test_priority_must_beat_pmr(gic: GicV2) -> None:
    gic.write("c0", D + 0x000, 4, 1)
    enable_cpu(gic, "c0", pmr=0x80)
    gic.write("c0", D + 0x104, 4, 1 << 8)
    gic.write("c0", D + 0x800 + 40, 1, 0x01)
    gic.write("c0", D + 0x400 + 40, 1, 0x80)
    gic.raise_spi(40)
    assert gic.deliverable("c0") is None
    gic.write("c0", D + 0x400 + 40, 1, 0x70)
    assert gic.deliverable("c0") == (40, None)


def test_spi_to_other_core_is_not_deliverable_here(gic: GicV2) -> None:
    gic.write("c0", D + 0x000, 4, 1)
    enable_cpu(gic, "c0")
    enable_cpu(gic, "c1")
    gic.write("c0", D + 0x104, 4, 1 << 8)
    gic.write("c0", D + 0x800 + 40, 1, 0x02)
    gic.raise_spi(40)
    assert gic.deliverable("c0") is None
    assert gic.deliverable("c1") == (40, None)


def test_every_access_is_recorded_by_name(gic: GicV2) -> None:
    gic.drain()
    gic.write("c0", D + 0x800 + 41, 1, 0x02)
    (event,) = gic.drain()
    assert (event.register, event.byte, event.width, event.before, event.after) == \
        ("GICD_ITARGETSR[10]", 1, 1, 0x00, 0x02)


def test_a_core_with_no_cpu_interface_is_not_connected_to_the_gic() -> None:
    """A GICv2 has at most 8 CPU interfaces; a core numbered 8 has none: its banked registers and its
    GICC read as zero (IAR spurious), its SGIs reach nothing, nothing reaches it, and target words read as zero."""
    gic = GicV2(Gic(2, GICD2, GICC2, None, lines=64), (Core("c0", 0, gic_cpu=0), Core("c8", 8, gic_cpu=8)))
    assert gic.interface_of("c8") is None and gic.implemented == frozenset({0})
    gic.write("c0", GICD2.base + 0x800 + 32, 4, 0x01010101)  # SPIs 32..35 to interface 0
    assert gic.read("c0", GICD2.base + 0x800 + 32, 4) == 0x01010101
    assert gic.read("c8", GICD2.base + 0x800 + 32, 4) == 0  # every target word reads as zero for it
    assert gic.read("c8", GICD2.base + 0x800, 4) == 0  # banked ITARGETSR0
    gic.write("c8", GICD2.base + 0x100, 4, 0xFFFF)  # banked ISENABLER0: ignored
    assert gic.read("c0", GICD2.base + 0x100, 4) & 0xFFFF0000 == 0
    gic.drain()
    gic.write("c8", GICD2.base + 0xF00, 4, 1 << 16 | 3)  # GICD_SGIR to interface 0
    assert [type(e).__name__ for e in gic.drain()] == ["RegAccess", "SgiLost"]
    gic.write("c0", GICD2.base + 0xF00, 4, 0b11 << 16 | 3)  # to interfaces 0 and 1: only c0 has one
    assert gic.sgi_pending_sources("c0", 3) == {0} and gic.sgi_pending_sources("c8", 3) == frozenset()
    assert gic.read("c8", GICC2.base + 0x0C, 4) == 1023  # GICC_IAR: spurious, nothing to take
