"""The multikernel fork as the model runs it (au-ts/seL4 c99714a6, profile sel4-mk; docs/sel4-facts.md).

dist_init only checks GICD_CTLR and halts; init_irqs masks INTIDs 0..32 on
every kernel and every SPI on node 0; acquisition does not route; node 0's
SetIrqTargetCore does (GICv2 BIT(target), GICv3 the MPIDR table)."""

from __future__ import annotations

import attrs
import pytest

from model import SEL4, SEL4_MK, AcquireIrq, Boot, Machine, SetIrqTarget, startup_scenario
from model.trace import Refusal
from tests.model.machines import machine_config

NOROUTE_MASK_OWN = attrs.evolve(SEL4_MK, name="fork-mask-own", boot_mask="own")


def _enabled(machine: Machine, intid: int) -> bool:
    return machine.gic.spi_enabled(intid)


@pytest.mark.parametrize("version", [2, 3])
def test_dist_init_check_halts_without_an_enabled_distributor(version):
    run = Machine(machine_config(version, SEL4_MK)).run((Boot("k0"),))
    machine = Machine(machine_config(version, SEL4_MK))
    machine.run((Boot("k0"),))
    k0 = machine.kernels["k0"]
    assert not k0.booted and k0.halted_uninitialised and "GICD_CTLR not initialised" in k0.halted
    problems = [v.details["problem"] for v in run.violations if v.kind == "dist-init"]
    assert problems == ["uninitialised"]


@pytest.mark.parametrize("version", [2, 3])
def test_dist_init_check_boots_after_the_loader_and_writes_no_gicd_ctlr(version):
    run = Machine(machine_config(version, SEL4_MK, loader=True)).run((Boot("k0"), Boot("k1")))
    writes = [e for e in run.trace if getattr(e, "register", None) == "GICD_CTLR" and e.op == "W" and e.actor != "loader"]
    assert writes == []
    assert not [v for v in run.violations if v.kind in ("dist-init", "dist-clobber")]


@pytest.mark.parametrize("version", [2, 3])
def test_dist_init_check_boots_after_an_upstream_reset(version):
    config = machine_config(version, SEL4, k1_profile=SEL4_MK)
    machine = Machine(config)
    machine.run((Boot("k0"), Boot("k1")))
    assert machine.kernels["k1"].booted
    machine = Machine(config)
    machine.run((Boot("k1"),))
    assert machine.kernels["k1"].halted_uninitialised


@pytest.mark.parametrize("version", [2, 3])
def test_every_kernel_masks_spi_0_and_node_0_masks_every_spi(version):
    config = machine_config(version, SEL4_MK, loader=True)
    machine = Machine(config)
    machine.run((Boot("k0"), AcquireIrq("k0", 33), AcquireIrq("k0", 72)))
    # SPI 0 (INTID 32) enabled too, as its owner's acquisition would; k1's boot masks only it.
    machine.kernels["k0"].driver.set_enabled("c0", 32, True)
    machine.run((Boot("k1"),))
    assert not _enabled(machine, 32) and _enabled(machine, 33) and _enabled(machine, 72)
    # Node 0 booting after k1 masks everything k1 enabled.
    machine = Machine(config)
    machine.run((Boot("k1"), AcquireIrq("k1", 34), Boot("k0")))
    assert not _enabled(machine, 34)
    assert machine.kernels["k0"].node0 and not machine.kernels["k1"].node0


@pytest.mark.parametrize("version", [2, 3])
def test_acquisition_does_not_route_and_node_0_sets_the_target(version):
    config = machine_config(version, SEL4_MK, loader=True, a55=True)
    machine = Machine(config)
    machine.run((Boot("k0"), Boot("k1"), AcquireIrq("k1", 34)))
    gic = machine.gic
    # The loader's reset routed every SPI to c0; k1's acquisition left it there.
    assert gic.spi_targets(34) == ("c0",)
    machine.run((SetIrqTarget("k0", 34, 1),))
    assert gic.spi_targets(34) == ("c1",)
    if version == 3:
        assert gic.route_of(34) == 0x100  # the MPIDR table's entry for logical cpu 1 (A55: Aff1 = 1)
    else:
        assert gic.target_byte(34) == 0x02  # BIT(1)


def test_gicv2_target_is_the_logical_index_taken_as_the_cpu_interface():
    config = machine_config(2, SEL4_MK, loader=True)
    cores = tuple(attrs.evolve(c, gic_cpu=3 - n) for n, c in enumerate(config.cores))
    config = attrs.evolve(config, cores=cores)
    machine = Machine(config)
    machine.run((Boot("k0"), Boot("k1"), AcquireIrq("k1", 34), SetIrqTarget("k0", 34, 1)))
    # BIT(1) names CPU interface 1, which is c2 here, not k1's c1.
    assert machine.gic.target_byte(34) == 0x02 and machine.gic.spi_targets(34) == ("c2",)
    assert [v.kind for v in machine.violations if v.kind == "spi-misrouted"]


@pytest.mark.parametrize("intid, target, error", [
    (34, 8, "seL4_InvalidArgument"), (27, 1, "not an SPI"), (200, 1, "seL4_RangeError"),
])
def test_set_irq_target_refusals(intid, target, error):
    machine = Machine(attrs.evolve(machine_config(2, SEL4_MK, loader=True), max_irq=159))
    machine.run((Boot("k0"), SetIrqTarget("k0", intid, target)))
    refusals = [e for e in machine.trace if isinstance(e, Refusal)]
    assert refusals and error in refusals[-1].error


def test_set_irq_target_needs_the_multikernel_invocation():
    machine = Machine(machine_config(2, SEL4))
    machine.run((Boot("k0"), SetIrqTarget("k0", 34, 1)))
    assert [e.error for e in machine.trace if isinstance(e, Refusal)] == ["seL4_IllegalOperation (no multikernel support)"]


@pytest.mark.parametrize("version", [2, 3])
def test_startup_routes_other_kernels_spis_from_node_0_and_proves_in_node_0_first_order(version):
    config = machine_config(version, SEL4_MK, loader=True)
    steps = startup_scenario(config, ("k0", "k1"))
    assert [s for s in steps if isinstance(s, SetIrqTarget)] == [SetIrqTarget("k0", 34, 1), SetIrqTarget("k0", 41, 1)]
    run = Machine(config).run(steps)
    assert not [v for v in run.violations if v.kind in ("spi-misrouted", "dist-clobber")]
    late = Machine(config).run(startup_scenario(config, ("k1", "k0")))
    assert {v.details["intid"] for v in late.violations if v.kind == "spi-misrouted"} == {34, 41}


def test_an_spi_waiting_for_node_0_is_not_misrouted_until_node_0_had_its_turn():
    # Node 0 that masks only its own lines: k1's SPIs, enabled before node 0 routes them, end right.
    config = machine_config(3, NOROUTE_MASK_OWN, loader=True)
    run = Machine(config).run(startup_scenario(config, ("k1", "k0")))
    assert not [v for v in run.violations if v.kind == "spi-misrouted"]
    # Node 0 never booting leaves them waiting: nothing is judged yet.
    machine = Machine(config)
    machine.run((Boot("k1"), AcquireIrq("k1", 34)))
    assert not [v for v in machine.violations if v.kind == "spi-misrouted"]
