"""GICv3 register semantics pinned against docs/sel4-facts.md and IHI0069."""

from __future__ import annotations

import pytest

from tests.model.machines import GICD3, GICR3, v3_cores
from model import (Gic, GicV3, MmioError, SgiLost, SgiPended, SysregError, irouter_value,
                   sgi1r_fields, sgi1r_from_target)

D = GICD3.base
R = GICR3.base


def make(a55: bool = False) -> GicV3:
    return GicV3(Gic(3, GICD3, None, GICR3, lines=128), v3_cores(a55))


def enable_cpu(gic: GicV3, core: str) -> None:
    """What seL4's gicr_init and cpu_iface_init do for a core: wake its redistributor
    (GICR_WAKER resets asleep), unmask priorities, enable Group 1."""
    frame = R + 0x20000 * gic.core_index[core]
    gic.write(core, frame + 0x14, 4, 0)
    gic.sysreg_write(core, "ICC_PMR_EL1", 0xFF)
    gic.sysreg_write(core, "ICC_IGRPEN1_EL1", 1)


def pended(gic: GicV3) -> tuple[str, ...]:
    return tuple(e.core for e in gic.drain() if isinstance(e, SgiPended))


def sgi1r(intid: int, targetlist: int, aff1: int = 0, aff2: int = 0, aff3: int = 0,
          rs: int = 0, irm: int = 0) -> int:
    return (aff3 << 48 | rs << 44 | irm << 40 | aff2 << 32 | intid << 24 | aff1 << 16 | targetlist)


def test_gicr_typer_carries_affinity_and_last() -> None:
    gic = make(a55=True)
    typer = gic.read("c0", R + 2 * 0x20000 + 0x8, 8)
    assert typer >> 32 == 0x200
    assert not typer & 1 << 4
    assert gic.read("c0", R + 3 * 0x20000 + 0x8, 8) & 1 << 4


def test_irouter_routes_by_affinity() -> None:
    gic = make()
    gic.write("c0", D + 0x6000 + 8 * 40, 8, irouter_value(2))
    assert gic.spi_targets(40) == ("c2",)
    gic.write("c0", D + 0x6000 + 8 * 40, 8, 0x7)            # affinity no core has
    assert gic.spi_targets(40) == ()


def test_irouter_irm_means_any_participating_core() -> None:
    gic = make()
    enable_cpu(gic, "c1")
    enable_cpu(gic, "c3")
    gic.write("c0", D + 0x6000 + 8 * 40, 8, 1 << 31)
    assert gic.spi_targets(40) == ("c1", "c3")


def test_irouter_32_bit_halves_and_aff3() -> None:
    gic = make()
    gic.write("c0", D + 0x6000 + 8 * 40 + 4, 4, 0x12)      # Aff3 in [39:32]
    assert gic.route_of(40) == 0x12 << 32
    with pytest.raises(MmioError, match="illegal 8-bit"):
        gic.write("c0", D + 0x6000 + 8 * 40, 1, 1)


def test_ctlr_ones_are_the_architected_bits() -> None:
    gic = make()
    gic.write("c0", D, 4, 0xFFFF_FFFF)
    assert gic.read("c0", D, 4) == 0x13


def test_ctlr_gates_delivery_but_keeps_pending() -> None:
    gic = make()
    enable_cpu(gic, "c1")
    gic.write("c0", D + 0x104, 4, 1 << 8)
    gic.write("c0", D + 0x6000 + 8 * 40, 8, irouter_value(1))
    gic.write("c0", D + 0x400 + 40, 1, 0xA0)
    gic.raise_spi(40)
    assert gic.acknowledge("c1") == 1023 and gic.spi_pending(40)
    gic.write("c0", D, 4, 0x12)                              # ARE_NS | EnableGrp1NS
    assert gic.acknowledge("c1") == 40


def test_distributor_sgi_ppi_words_are_raz_wi_under_affinity_routing() -> None:
    gic = make()
    gic.write("c0", D + 0x100, 4, 0xFFFF_FFFF)
    assert gic.read("c0", D + 0x100, 4) == 0
    assert gic.read("c0", R + 0x10100, 4) == 0


def test_redistributor_registers_are_per_core() -> None:
    gic = make()
    gic.write("c0", R + 0x20000 + 0x10100, 4, 1 << 5)       # c1's frame, written from c0
    assert gic.read("c0", R + 0x20000 + 0x10100, 4) == 1 << 5
    assert gic.read("c0", R + 0x10100, 4) == 0
    assert gic.drain()[0].register == "GICR_ISENABLER0(c1)"


def test_sgi_icfgr0_is_read_only_edge() -> None:
    gic = make()
    gic.write("c0", R + 0x10C00, 4, 0)
    assert gic.read("c0", R + 0x10C00, 4) == 0xAAAA_AAAA


@pytest.mark.parametrize("a55,value,reached", [
    (False, sgi1r(3, 0b0100), ("c2",)),                      # A53: Aff0 = core
    (False, sgi1r(3, 0b1010), ("c1", "c3")),
    (True, sgi1r(3, 0b0001, aff1=2), ("c2",)),               # A55: core in Aff1
    (True, sgi1r(3, 0b0100), ()),                            # A55 core 2 as Aff0=2: lost
    (False, sgi1r(3, 0b0001, rs=1), ()),                     # Aff0 16 exists nowhere
    (False, sgi1r(3, 0, irm=1), ("c1", "c2", "c3")),         # IRM: all but self
])
def test_sgi1r_affinity_matching(a55: bool, value: int, reached: tuple[str, ...]) -> None:
    gic = make(a55)
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", value)
    events = gic.drain()
    assert tuple(e.core for e in events if isinstance(e, SgiPended)) == reached
    lost = [e for e in events if isinstance(e, SgiLost)]
    assert bool(lost) == (not reached)


def test_lost_sgi_names_the_affinity() -> None:
    gic = make(a55=True)
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", sgi1r(3, 0b0100))
    (lost,) = [e for e in gic.drain() if isinstance(e, SgiLost)]
    assert lost.reason == "no core has affinity 0.0.0.2"


def test_sgis_coalesce_without_sender() -> None:
    gic = make()
    gic.write("c1", R + 0x10100, 4, 0xFFFF)                  # c0's SGIs enabled (frame 0)
    enable_cpu(gic, "c0")
    gic.write("c0", D, 4, 0x12)
    gic.sysreg_write("c1", "ICC_SGI1R_EL1", sgi1r(9, 0b0001))
    gic.sysreg_write("c2", "ICC_SGI1R_EL1", sgi1r(9, 0b0001))
    assert [e.merged for e in gic.drain() if isinstance(e, SgiPended)] == [False, True]
    assert gic.sgi_pending_sources("c0", 9) == {None}
    assert gic.acknowledge("c0") == 9
    gic.end_of_interrupt("c0", 9)
    assert gic.acknowledge("c0") == 1023                      # one interrupt for two sends


def test_eoimode_splits_drop_and_deactivate() -> None:
    gic = make()
    gic.write("c0", R + 0x10100, 4, 1 << 4)
    enable_cpu(gic, "c0")
    gic.write("c0", D, 4, 0x12)
    gic.sysreg_write("c0", "ICC_CTLR_EL1", 0x2)               # EOImode = 1
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", sgi1r(4, 0b0001))
    assert gic.acknowledge("c0") == 4
    gic.end_of_interrupt("c0", 4)
    assert gic.read("c0", R + 0x10300, 4) == 1 << 4          # still active
    gic.sysreg_write("c0", "ICC_DIR_EL1", 4)
    assert gic.read("c0", R + 0x10300, 4) == 0


def test_unknown_or_write_only_sysregs_raise() -> None:
    gic = make()
    with pytest.raises(SysregError, match="unknown"):
        gic.sysreg_write("c0", "ICC_SGI0R_EL2", 0)
    with pytest.raises(SysregError, match="write-only"):
        gic.sysreg_read("c0", "ICC_SGI1R_EL1")


@pytest.mark.parametrize("target,fields", [
    (0x0000_0003, {"targetlist": 1 << 3, "aff1": 0, "aff2": 0, "rs": 0}),
    (0x0000_0100, {"targetlist": 1, "aff1": 1, "aff2": 0, "rs": 0}),
    (0x0000_0013, {"targetlist": 1 << 3, "rs": 1}),
    (0x0002_0000, {"aff2": 2, "aff3": 0}),
    (0x0500_0000, {"aff2": 5, "aff3": 0}),                   # seL4: Aff3 lands in Aff2
])
def test_sel4_sgi1r_encoding(target: int, fields: dict[str, int]) -> None:
    decoded = sgi1r_fields(sgi1r_from_target(6, target))
    assert decoded["intid"] == 6 and decoded["irm"] == 0
    for name, value in fields.items():
        assert decoded[name] == value, name
