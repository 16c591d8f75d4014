"""The model's seL4 paths pinned to seL4 16.0.0, one test per behaviour (issue 13).

Sources, all seL4 16.0.0 (https://github.com/seL4/seL4/tree/16.0.0):
init_irqs and try_init_kernel_secondary_core in src/arch/arm/kernel/boot.c
(the timer PPI), KERNEL_TIMER_IRQ in tools/hardware.yml, cpu_iface_init and
gicr_enable_rdist in src/arch/arm/machine/gic_v3.c, ackInterrupt in
include/arch/arm/arch/machine/gic_v2.h.
"""

from __future__ import annotations

import attrs
import pytest

from tests.model.machines import GICD2, machine_config
from model import SEL4, SEL4_MK, SEL4_SMP, AcquireIrq, Boot, Deliver, Machine, RaiseSpi, RegAccess, irouter_value
from model.kernel import KERNEL_TIMER_IRQ


def _accesses(run, step: int) -> list[RegAccess]:
    return [e for e in run.trace if isinstance(e, RegAccess) and e.step == step]


def _ppi_enabled(machine: Machine, core: str, intid: int) -> bool:
    gic = machine.gic
    if gic.version == 2:
        return bool(gic.read(core, GICD2.base + 0x100, 4) >> intid & 1)
    frame = gic.core_index[core]
    return bool(gic.read(core, gic.redist_address(frame, 0x10100), 4) >> intid & 1)


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("profile", [SEL4, SEL4_MK], ids=["sel4", "sel4-mk"])
def test_boot_enables_the_timer_ppi_on_its_core_only(version, profile):
    # The fork's dist_init halts unless the loader enabled the distributor.
    machine = Machine(machine_config(version, profile, loader=profile is SEL4_MK))
    machine.run((Boot("k0"),))
    assert KERNEL_TIMER_IRQ == 27
    assert _ppi_enabled(machine, "c0", 27)
    assert not _ppi_enabled(machine, "c1", 27)  # k1 has not booted
    assert not any(_ppi_enabled(machine, "c0", ppi) for ppi in range(16, 32) if ppi != 27)


@pytest.mark.parametrize("version", [2, 3])
def test_an_smp_kernel_enables_the_timer_on_every_core(version):
    config = machine_config(version, SEL4_SMP)
    smp = attrs.evolve(config.kernels[0], cores=("c0", "c1"))
    machine = Machine(attrs.evolve(config, kernels=(smp,), shared=()))
    machine.run((Boot("k0"),))
    assert _ppi_enabled(machine, "c0", 27) and _ppi_enabled(machine, "c1", 27)


def test_gicv3_cpu_interface_init_sets_eoimode_drop_and_sre():
    machine = Machine(machine_config(3, SEL4))
    run = machine.run((Boot("k0"),))
    assert machine.gic.sysreg_read("c0", "ICC_CTLR_EL1") & 0x2  # EOImode: EOI drops priority, DIR deactivates
    writes = {e.register: e.value for e in _accesses(run, 0) if e.op == "W" and e.register.startswith("ICC_")}
    assert writes["ICC_SRE_EL1"] == 0x7 and writes["ICC_CTLR_EL1"] & 0x2 and writes["ICC_IGRPEN1_EL1"] == 1


def test_gicv3_redistributors_reset_asleep_and_a_boot_wakes_its_own():
    machine = Machine(machine_config(3, SEL4, group1="sel4"))
    assert machine.gic.waker == [0x6] * len(machine.gic.cores)  # ProcessorSleep | ChildrenAsleep
    run = machine.run((Boot("k0"),))
    assert machine.gic.waker[0] == 0 and machine.gic.waker[1] == 0x6
    waker = [e for e in _accesses(run, 0) if e.register.startswith("GICR_WAKER")]
    # gicr_locate_interface reads it; gicr_enable_rdist reads it again, clears ProcessorSleep, polls.
    assert [(e.op, e.value) for e in waker] == [("R", 0x6), ("R", 0x6), ("W", 0x4), ("R", 0)]


def test_a_redistributor_that_never_wakes_halts_the_kernel():
    machine = Machine(machine_config(3, SEL4, group1="sel4"))
    reader, _ = machine.gic.handlers["GICR_WAKER"]
    machine.gic.handlers["GICR_WAKER"] = (reader, lambda bank, index, value, mask: None)
    machine.run((Boot("k0"),))
    assert machine.kernels["k0"].halted and "GICR_WAKER" in machine.kernels["k0"].halted


def test_an_asleep_redistributor_holds_its_cores_interrupts():
    """An SPI routed to a core whose kernel never booted (its redistributor asleep) is not taken."""
    machine = Machine(machine_config(3, SEL4, group1="sel4"))
    machine.run((Boot("k0"), AcquireIrq("k0", 33)))
    gic = machine.gic
    gic.write("c0", gic.dist_address(0x6000 + 8 * 33), 8, irouter_value(gic.cores[1].mpidr))  # SPI 33 to c1
    gic.sysreg_write("c1", "ICC_PMR_EL1", 0xFF)
    gic.sysreg_write("c1", "ICC_IGRPEN1_EL1", 1)
    gic.raise_spi(33)
    assert gic.acknowledge("c1") == 1023
    gic.write("c1", gic.redist_address(1, 0x14), 4, 0)  # wake c1's redistributor
    assert gic.acknowledge("c1") == 33


@pytest.mark.parametrize("trigger_intid", [33, 40])  # level, edge
def test_gicv2_acknowledge_is_one_eoir_write(trigger_intid):
    """ackInterrupt (16.0.0): GICC_EOIR with the IAR value; no GICD_ICFGR read, no GICD_ICPENDR write."""
    machine = Machine(machine_config(2, SEL4))
    run = machine.run((Boot("k0"), AcquireIrq("k0", trigger_intid), RaiseSpi(trigger_intid), Deliver()))
    taken = _accesses(run, 3)
    registers = [e.register for e in taken if e.actor == "k0"]
    assert "GICC_EOIR" in registers
    assert not [r for r in registers if r.startswith(("GICD_ICFGR", "GICD_ICPENDR"))]
