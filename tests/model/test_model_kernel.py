"""Kernel instances executing profiles: boot writes, quirks, acquiring,
trigger configuration and SGI sends, read back from the trace."""

from __future__ import annotations

import attrs
import pytest

from tests.model.machines import MK_FIRST, GICD2, GICD3, machine_config
from model.kernel import KERNEL_TIMER_IRQ
from model import (SEL4, SEL4_MK, SEL4_SMP, AcquireIrq, Boot, ConfigureTrigger, Deliver, ErrorEvent,
                   Kernel, Machine, Mmio, RaiseSpi, Refusal, RegAccess, Region, SendSgi, TriggerRead,
                   TriggerWrite, irouter_value, startup_scenario)


def writes(run, step: int, actor: str | None = None) -> list[RegAccess]:
    return [e for e in run.trace if isinstance(e, RegAccess) and e.step == step and e.op == "W"
            and (actor is None or e.actor == actor)]


@pytest.mark.parametrize("version", [2, 3])
def test_second_stock_boot_takes_every_spi(version: int) -> None:
    machine = Machine(machine_config(version, SEL4))
    run = machine.run((Boot("k0"), AcquireIrq("k0", 33), AcquireIrq("k0", 72), Boot("k1")))
    k1 = writes(run, 3, "k1")
    # k1 turns the distributor off while k0 runs ...
    first = [e for e in k1 if e.activity == "dist_init"][0]
    assert (first.register, first.value) == ("GICD_CTLR", 0) and first.before != 0
    # ... disables k0's SPIs 33 and 72 with blanket ICENABLER writes ...
    blanket = {e.register: e for e in k1 if e.register.startswith("GICD_ICENABLER") and e.value == 0xFFFFFFFF}
    assert blanket["GICD_ICENABLER[1]"].before & 1 << 1
    assert blanket["GICD_ICENABLER[1]"].after == 0
    assert blanket["GICD_ICENABLER[2]"].before & 1 << 8
    # ... and routes every SPI to its own core.
    if version == 2:
        targets = [e for e in k1 if e.register.startswith("GICD_ITARGETSR")]
        assert {e.value for e in targets} == {0x02020202}
        assert len(targets) == 128 // 4
    else:
        routes = [e for e in k1 if e.register.startswith("GICD_IROUTER")]
        assert {e.value for e in routes} == {irouter_value(1)}
        assert len(routes) == 128 - 32
    assert all(machine.gic.spi_targets(i) == ("c1",) for i in range(32, 128))
    assert not machine.gic.spi_enabled(33)
    assert run.violation.kind == "dist-clobber" and run.violation.step == 3
    assert run.violation.details["register"] == "GICD_CTLR"
    assert run.violation.details["live"] == ("k0",)
    misrouted = {v.details["intid"] for v in run.violations if v.kind == "spi-misrouted"}
    assert misrouted == {33, 72}


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("loader", [True, False])
def test_multikernel_profiles_isolate(version: int, loader: bool) -> None:
    config = machine_config(version, MK_FIRST, loader=loader)
    machine = Machine(config)
    run = machine.run(startup_scenario(config) + (RaiseSpi(33), RaiseSpi(34), Deliver()))
    assert run.violations == ()
    taken = [(d.intid, d.core, d.kernel, d.notification) for d in machine.result().trace
             if type(d).__name__ == "Delivery"]
    assert taken == [(33, "c0", "k0", "irq33"), (34, "c1", "k1", "irq34")]
    assert machine.gic.is_edge(34) and machine.gic.is_edge(40) and not machine.gic.is_edge(33)
    # A booted sel4-mk kernel never writes GICD_CTLR after the first.
    assert not [e for e in run.trace if isinstance(e, RegAccess) and e.actor == "k1"
                and e.op == "W" and e.register == "GICD_CTLR"]


def test_loader_init_means_no_kernel_dist_init() -> None:
    run = Machine(machine_config(2, MK_FIRST, loader=True)).run((Boot("k0"), Boot("k1")))
    setup = [e for e in run.trace if e.step == -1 and isinstance(e, RegAccess)]
    assert setup[0].actor == "loader"
    notes = [e.text for e in run.trace if type(e).__name__ == "Note"]
    assert notes.count("dist_init skipped: GICD_CTLR already enabled") == 2


def test_v2_icfgr_quirk_covers_only_half_the_lines() -> None:
    config = machine_config(2, SEL4)
    machine = Machine(config)
    base = GICD2.base
    run = machine.run((
        Mmio("c0", base + 0xC00 + 4 * (40 // 16), 4, 0x2 << 2 * (40 % 16)),   # 40 edge
        Mmio("c0", base + 0xC00 + 4 * (72 // 16), 4, 0x2 << 2 * (72 % 16)),   # 72 edge
        Boot("k0"),
    ))
    icfgr = [e.register for e in writes(run, 2) if "ICFGR" in e.register]
    assert icfgr == ["GICD_ICFGR[2]", "GICD_ICFGR[3]"]           # INTIDs 32..63 = 32..nirqs/2-1
    assert {e.value for e in writes(run, 2) if "ICFGR" in e.register} == {0x55555555}
    assert not machine.gic.is_edge(40)                            # reset to level
    assert machine.gic.is_edge(72)                                # never touched


def test_v3_dist_init_resets_every_spi_config() -> None:
    machine = Machine(machine_config(3, SEL4))
    run = machine.run((Boot("k0"),))
    icfgr = [e.register for e in writes(run, 0) if e.register.startswith("GICD_ICFGR")]
    assert icfgr == [f"GICD_ICFGR[{w}]" for w in range(2, 128 // 16)]
    prios = {e.value for e in writes(run, 0) if e.register.startswith("GICD_IPRIORITYR")}
    assert prios == {0xA0A0A0A0}


@pytest.mark.parametrize("version", [2, 3])
def test_boot_mask_all_masks_other_kernels_spis(version: int) -> None:
    kernel_profile = attrs.evolve(MK_FIRST, name="mask-all", boot_mask="all")
    config = machine_config(version, MK_FIRST, k1_profile=kernel_profile)
    run = Machine(config).run((Boot("k0"), AcquireIrq("k0", 33), Boot("k1")))
    masks = [e for e in writes(run, 2, "k1") if e.register == "GICD_ICENABLER[1]" and e.value == 1 << 1]
    assert masks and masks[0].before & 1 << 1 and not masks[0].after & 1 << 1
    # Masking another kernel's SPI at boot is a distributor-wide write (GIC-INIT).
    assert [v.kind for v in run.violations] == ["dist-clobber", "spi-misrouted"]
    assert run.violations[0].details["kernel"] == "k1"
    assert run.violations[1].details["enabled"] is False


def test_a_stale_write_that_puts_an_edge_field_back_to_level_is_trigger_wrong() -> None:
    """k0's INTID 40 is edge: k1 read word 2 before k0 set it and writes back the level it read."""
    config = machine_config(2, MK_FIRST)
    machine = Machine(config)
    run = machine.run((Boot("k0"), Boot("k1"),
                       TriggerRead("k0", 40), TriggerRead("k1", 41),
                       TriggerWrite("k0", 40), TriggerWrite("k1", 41)))
    assert run.violation.kind == "trigger-wrong"
    assert run.violation.step == 5
    assert run.violation.details == {
        "intid": 40, "kernel": "k0", "expected": "edge", "actual": "level",
        "register": "GICD_ICFGR[2]", "writer": "k1"}
    assert not machine.gic.is_edge(40)


def test_a_stale_write_that_changes_no_field_is_no_violation() -> None:
    """k0's INTID 33 is level, like the field's reset value: k1's stale copy of it is level too."""
    config = machine_config(2, MK_FIRST)
    assert dict(config.kernel("k0").spis)[33] == "level"
    run = Machine(config).run((Boot("k0"), Boot("k1"),
                               TriggerRead("k0", 33), TriggerRead("k1", 41),
                               TriggerWrite("k0", 33), TriggerWrite("k1", 41)))
    assert "trigger-wrong" not in run.kinds()


def test_a_later_distributor_reset_puts_an_edge_field_back_to_level() -> None:
    config = machine_config(3, SEL4)
    run = Machine(config).run((Boot("k0"), ConfigureTrigger("k0", 40), Boot("k1")))
    wrong = [v for v in run.violations if v.kind == "trigger-wrong"]
    assert [(v.step, v.details["intid"], v.details["writer"]) for v in wrong] == [(2, 40, "k1")]


def test_an_edge_spi_nobody_sets_is_wrong_once_acquired() -> None:
    none = attrs.evolve(MK_FIRST, name="none", trigger_config="none")
    config = machine_config(2, none)
    run = Machine(config).run((Boot("k0"), ConfigureTrigger("k0", 40), AcquireIrq("k0", 40)))
    refusals = [e for e in run.trace if isinstance(e, Refusal)]
    assert refusals[0].error.startswith("its root task sets no trigger")
    wrong = [v for v in run.violations if v.kind == "trigger-wrong"]
    assert [(v.step, v.details["expected"], v.details["actual"]) for v in wrong] == [(2, "edge", "level")]


def test_sequential_trigger_configuration_keeps_both() -> None:
    run = Machine(machine_config(3, MK_FIRST)).run((
        Boot("k0"), Boot("k1"), ConfigureTrigger("k0", 40), ConfigureTrigger("k1", 41)))
    assert run.violations == ()


def test_v3_trigger_write_is_read_modify_write_of_two_bits() -> None:
    machine = Machine(machine_config(3, MK_FIRST))
    run = machine.run((Boot("k0"), ConfigureTrigger("k0", 40)))
    read, = [e for e in run.trace if e.step == 1 and isinstance(e, RegAccess) and e.op == "R"]
    write, = writes(run, 1)
    assert read.register == write.register == "GICD_ICFGR[2]"
    assert write.value == read.value | 2 << 2 * (40 % 16)


@pytest.mark.parametrize("version,kernel,sgi,target,error", [
    (2, "k0", 3, 8, "seL4_InvalidArgument"),
    (2, "k0", 16, 1, "seL4_RangeError"),
    (3, "k0", 16, 1, "seL4_RangeError"),
])
def test_sgi_send_refusals(version: int, kernel: str, sgi: int, target: int, error: str) -> None:
    run = Machine(machine_config(version, MK_FIRST)).run((Boot("k0"), SendSgi(kernel, sgi, target)))
    refusals = [e for e in run.trace if isinstance(e, Refusal)]
    assert [r.error for r in refusals] == [error]
    assert not writes(run, 1)


def test_v3_accepts_any_target_and_the_sgi_is_lost() -> None:
    run = Machine(machine_config(3, MK_FIRST)).run((Boot("k0"), SendSgi("k0", 3, 0x0909)))
    (write,) = writes(run, 1)
    assert write.register == "ICC_SGI1R_EL1"
    assert [type(e).__name__ for e in run.trace if e.step == 1][-1] == "SgiLost"


def test_smp_profile_cannot_send_sgis() -> None:
    config = machine_config(2, SEL4_SMP)
    run = Machine(config).run((Boot("k0"), SendSgi("k0", 3, 1)))
    assert [e.error for e in run.trace if isinstance(e, Refusal)] == \
        ["seL4_IllegalOperation (no SGISignal in this build)"]


def test_v2_sends_sgir_from_raw_target() -> None:
    run = Machine(machine_config(2, MK_FIRST)).run((Boot("k0"), SendSgi("k0", 5, 2)))
    (write,) = writes(run, 1)
    assert (write.register, write.value) == ("GICD_SGIR", 0x0004_0005)


def test_gicr_scan_finds_own_frame_by_affinity() -> None:
    run = Machine(machine_config(3, SEL4, a55=True)).run((Boot("k1"),))
    scans = [e for e in run.trace if isinstance(e, RegAccess) and e.register.startswith("GICR_TYPER")]
    assert [e.register for e in scans] == ["GICR_TYPER(c0)", "GICR_TYPER(c1)"]
    assert scans[-1].value >> 32 == 0x100


def test_gicr_scan_on_vlpi_stride_reads_res0_and_finds_its_frame() -> None:
    # GICv4 256 KiB stride: seL4 steps 128 KiB, so it reads offset 8 of a VLPI frame, which is
    # reserved (RAZ): no affinity matches there and the scan goes on to the core's own frame.
    # (The model used to leave VLPI frames unmapped and abort the boot on that read.)
    config = machine_config(3, SEL4)
    gic = attrs.evolve(config.gic, redistributors=Region("gicr", 0x3888_0000, 4 * 0x40000),
                       redist_stride=0x40000)
    machine = Machine(attrs.evolve(config, gic=gic))
    run = machine.run((Boot("k1"),))
    assert not [e for e in run.trace if isinstance(e, ErrorEvent)]
    assert machine.kernels["k1"].booted
    assert any(isinstance(e, RegAccess) and e.register.startswith("GICR_VLPI_RES0") for e in run.trace)


def test_smp_v2_routes_by_logical_index() -> None:
    # Upstream setIRQTarget writes 1 << logical core index into ITARGETSR.
    config = machine_config(2, SEL4)
    smp = Kernel("k1", SEL4_SMP, ("c2", "c3"), (Region("k1.ram", 0x5000_0000, 0x1000_0000),),
                 ("uart1",), ((34, "edge"),), ((34, "c3"),))
    config = attrs.evolve(config, kernels=(config.kernels[0], smp))
    machine = Machine(config)
    run = machine.run((Boot("k1"), AcquireIrq("k1", 34)))
    (route,) = [e for e in writes(run, 1) if e.register.startswith("GICD_ITARGETSR")]
    assert (route.register, route.byte, route.width, route.value) == ("GICD_ITARGETSR[8]", 2, 1, 0x02)
    assert machine.gic.spi_targets(34) == ("c1",)
    assert run.violation.kind == "spi-misrouted"


def test_smp_v3_routes_by_mpidr() -> None:
    config = machine_config(3, SEL4, a55=True)
    smp = Kernel("k1", SEL4_SMP, ("c2", "c3"), (Region("k1.ram", 0x5000_0000, 0x1000_0000),),
                 ("uart1",), ((34, "edge"),), ((34, "c3"),))
    machine = Machine(attrs.evolve(config, kernels=(config.kernels[0], smp)))
    run = machine.run((Boot("k1"), AcquireIrq("k1", 34)))
    assert machine.gic.spi_targets(34) == ("c3",)
    assert run.violations == ()
    # Both cores initialised their redistributor; IPIs 0 and 1 enabled on each.
    assert machine.gic.read("c2", GICD3.base + 0x0, 4) & 0x2
    for frame in (2, 3):
        assert machine.gic.read("c2", machine.gic.redist_address(frame, 0x10100), 4) == 0b11 | 1 << KERNEL_TIMER_IRQ


def test_unbooted_kernel_refuses() -> None:
    run = Machine(machine_config(2, SEL4)).run((AcquireIrq("k0", 33),))
    assert [e.error for e in run.trace if isinstance(e, Refusal)] == ["kernel not booted"]
