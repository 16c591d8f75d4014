"""GICv3 interrupt groups and redistributor waking in the model (issue 13, item 3).

Architecture: ARM IHI 0069 (GICD_IGROUPR, GICD_IGRPMODR, GICR_WAKER,
ICC_IGRPEN0/1_EL1, ICC_IAR0/1_EL1, ICC_SGI0R/1R_EL1). seL4: 16.0.0
src/arch/arm/machine/gic_v3.c (dist_init and gicr_init write the group
registers only when CONFIG_PLAT_QEMU_ARM_VIRT). The three `Gic.group1` facts:
"firmware" (TF-A has put everything into Group 1 and woken the redistributors),
"sel4" (nobody did; seL4's port does it itself), "none" (nobody does).
"""

from __future__ import annotations

import attrs
import pytest

from tests.model.machines import machine_config
from model import SEL4, SEL4_MK, BindChannel, Boot, Channel, Machine, RegAccess, SendChannel, SgiLost, irouter_value
from model.gicv3 import GicV3


def _gic(group1: str) -> GicV3:
    gic = Machine(machine_config(3, SEL4, group1=group1)).gic
    assert isinstance(gic, GicV3)
    return gic


def _enable_both_groups(gic: GicV3, core: str) -> None:
    gic.write(core, gic.dist_address(0), 4, 0x13)  # ARE | EnableGrp1 | EnableGrp0
    gic.write(core, gic.redist_address(gic.core_index[core], 0x14), 4, 0)  # wake
    gic.sysreg_write(core, "ICC_PMR_EL1", 0xFF)
    gic.sysreg_write(core, "ICC_IGRPEN0_EL1", 1)
    gic.sysreg_write(core, "ICC_IGRPEN1_EL1", 1)


def _igroupr0(gic: GicV3, core: str) -> int:
    return gic.read(core, gic.redist_address(gic.core_index[core], 0x10080), 4)


def test_architectural_reset_is_group0_asleep_and_one_security_state():
    gic = _gic("none")
    assert _igroupr0(gic, "c0") == 0
    assert gic.read("c0", gic.dist_address(0x084), 4) == 0
    assert gic.waker == [0x6] * 4
    assert gic.read("c0", gic.dist_address(0), 4) == 0x50  # ARE (RAO: no legacy operation), DS: one security state


def test_firmware_leaves_group1_and_awake_redistributors():
    gic = _gic("firmware")
    assert _igroupr0(gic, "c3") == 0xFFFF_FFFF
    assert gic.read("c0", gic.dist_address(0x084), 4) == 0xFFFF_FFFF
    assert gic.waker == [0] * 4
    assert gic.read("c0", gic.dist_address(0), 4) == 0x10  # ARE only


def test_igrpmodr_is_raz_wi_from_the_kernels_security_state():
    gic = _gic("none")
    gic.write("c0", gic.dist_address(0xD04), 4, 0xFFFF_FFFF)
    gic.write("c0", gic.redist_address(0, 0x10D00), 4, 0xFFFF_FFFF)
    assert gic.read("c0", gic.dist_address(0xD04), 4) == 0
    assert gic.read("c0", gic.redist_address(0, 0x10D00), 4) == 0


def test_sgi1r_is_not_forwarded_to_a_core_where_the_sgi_is_group0():
    gic = _gic("none")
    _enable_both_groups(gic, "c1")
    gic.write("c1", gic.redist_address(1, 0x10100), 4, 1 << 5)  # enable SGI 5
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", 5 << 24 | 1 << 1)  # SGI 5 to affinity 0.0.0.1 (c1)
    lost = [e for e in gic.drain() if isinstance(e, SgiLost)]
    assert len(lost) == 1 and "Group 0 at c1" in lost[0].reason
    assert gic.acknowledge("c1") == 1023
    # ICC_SGI0R_EL1 generates the Group 0 SGI: signalled as FIQ, taken only through IAR0.
    gic.sysreg_write("c0", "ICC_SGI0R_EL1", 5 << 24 | 1 << 1)
    assert gic.signals("c1") == (False, True)
    assert gic.sysreg_read("c1", "ICC_IAR1_EL1") == 1023
    assert gic.sysreg_read("c1", "ICC_IAR0_EL1") == 5
    # In Group 1 the same SGI1R write arrives.
    gic.sysreg_write("c1", "ICC_EOIR0_EL1", 5)
    gic.write("c1", gic.redist_address(1, 0x10080), 4, 1 << 5)
    gic.sysreg_write("c0", "ICC_SGI1R_EL1", 5 << 24 | 1 << 1)
    assert gic.signals("c1") == (True, False)
    assert gic.acknowledge("c1") == 5


def test_a_group0_spi_is_fiq_and_invisible_to_iar1():
    gic = _gic("none")
    _enable_both_groups(gic, "c0")
    gic.write("c0", gic.dist_address(0x6000 + 8 * 40), 8, irouter_value(0))
    gic.write("c0", gic.dist_address(0x104), 4, 1 << 8)  # enable INTID 40
    gic.raise_spi(40)
    assert gic.signals("c0") == (False, True)
    assert gic.acknowledge("c0") == 1023
    gic.sysreg_write("c0", "ICC_IGRPEN0_EL1", 0)  # Group 0 off at the core: nothing is signalled
    assert gic.signals("c0") == (False, False)
    gic.write("c0", gic.dist_address(0x084), 4, 1 << 8)  # INTID 40 into Group 1
    assert gic.signals("c0") == (True, False) and gic.acknowledge("c0") == 40


def test_the_highest_priority_pending_interrupt_of_the_other_group_blocks_iar1():
    gic = _gic("none")
    _enable_both_groups(gic, "c0")
    for intid, group, priority in ((40, 0, 0x10), (41, 1, 0x80)):
        gic.write("c0", gic.dist_address(0x6000 + 8 * intid), 8, irouter_value(0))
        gic.write("c0", gic.dist_address(0x400 + intid), 1, priority)
        if group:
            gic.write("c0", gic.dist_address(0x084), 4, 1 << (intid - 32))
        gic.write("c0", gic.dist_address(0x104), 4, 1 << (intid - 32) | gic.read("c0", gic.dist_address(0x104), 4))
        gic.raise_spi(intid)
    assert gic.sysreg_read("c0", "ICC_HPPIR1_EL1") == 1023 and gic.sysreg_read("c0", "ICC_HPPIR0_EL1") == 40
    assert gic.sysreg_read("c0", "ICC_IAR1_EL1") == 1023
    assert gic.sysreg_read("c0", "ICC_IAR0_EL1") == 40  # active: the Group 1 one is next (lower priority)
    gic.sysreg_write("c0", "ICC_EOIR0_EL1", 40)
    assert gic.sysreg_read("c0", "ICC_IAR1_EL1") == 41


def _group_writes(run) -> list[str]:
    return [e.register for e in run.trace if isinstance(e, RegAccess) and e.op == "W" and "IGROUPR" in e.register]


def test_sel4_on_qemu_arm_virt_puts_interrupts_into_group1_itself():
    machine = Machine(machine_config(3, SEL4, group1="sel4"))
    run = machine.run((Boot("k0"),))
    writes = _group_writes(run)
    assert "GICR_IGROUPR0(c0)" in writes and any(w.startswith("GICD_IGROUPR") for w in writes)
    gic = machine.gic
    assert _igroupr0(gic, "c0") == 0xFFFF_FFFF and _igroupr0(gic, "c1") == 0  # k1 has not booted
    assert gic.read("c0", gic.dist_address(0x084), 4) == 0xFFFF_FFFF


@pytest.mark.parametrize("group1", ["none", "firmware"])
def test_sel4_elsewhere_never_writes_a_group_register(group1):
    assert _group_writes(Machine(machine_config(3, SEL4, group1=group1)).run((Boot("k0"),))) == []


def test_the_fork_never_writes_a_group_register_even_on_qemu():
    assert SEL4_MK.group1 == "never"
    config = machine_config(3, SEL4_MK, group1="sel4", loader=True)
    assert _group_writes(Machine(config).run((Boot("k0"),))) == []


def test_the_loader_group1_step_wakes_every_redistributor_and_sets_group1():
    config = attrs.evolve(machine_config(3, SEL4_MK, group1="none"), loader_group1=True)
    machine = Machine(config)
    gic = machine.gic
    assert gic.waker == [0] * 4
    assert all(_igroupr0(gic, f"c{i}") == 0xFFFF_FFFF for i in range(4))
    assert gic.read("c0", gic.dist_address(0x08C), 4) == 0xFFFF_FFFF
    assert [e.actor for e in machine.trace if isinstance(e, RegAccess) and e.op == "W"] == ["loader"] * (3 + 2 * 4)


def test_an_sgi_between_two_sel4_kernels_on_firmwareless_qemu():
    """seL4's port sets Group 1 at both ends: the SGI arrives; with `none` nobody does and it is dropped."""
    channel = Channel("ch", "k0", "k1", "c1", 3, 1)
    for group1, arrives in (("sel4", True), ("none", False)):
        machine = Machine(machine_config(3, SEL4, group1=group1, channels=(channel,)))
        run = machine.run((Boot("k1"), Boot("k0"), BindChannel("ch"), SendChannel("ch")))
        lost = [e for e in run.trace if isinstance(e, SgiLost)]
        assert bool(lost) is not arrives
        assert any(v.kind == "sgi-misdelivered" for v in run.violations) is not arrives
