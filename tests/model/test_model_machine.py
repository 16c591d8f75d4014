"""Machine-level behaviour: memory reach and ownership, monitors for SPI
delivery and SGI channels, scenario JSON."""

from __future__ import annotations

import attrs
import pytest

from tests.model.machines import MK_FIRST, machine_config
from model import (SEL4, STEP_TYPES, Access, AcquireIrq, BindChannel, Boot, Channel,
                   ConfigError, Core, Deliver, ErrorEvent, Kernel, Machine, MemAccess, Mmio, RaiseSpi,
                   Region, SendChannel, scenario_from_json, scenario_to_json, startup_scenario,
                   sgi_target_for, step_from_json)

DECLARED = attrs.evolve(MK_FIRST, name="hardened", device_untypeds="declared")


# ---------------------------------------------------------------- memory
def test_all_device_untypeds_reach_other_kernels_ram() -> None:
    machine = Machine(machine_config(2, MK_FIRST))
    assert machine.can_reach("k1", 0x4000_1000) == "device untyped [0x8012000, 0x50000000)"
    run = machine.run((Access("k1", 0x4000_1000),))
    assert run.violation.kind == "memory-expose"
    assert run.violation.details["route"] == "device untyped [0x8012000, 0x50000000)"
    assert run.violation.details["reason"] == "ram k0.ram belongs to k0"


def test_device_untypeds_skip_own_ram_and_gic_frames() -> None:
    machine = Machine(machine_config(2, MK_FIRST))
    assert machine.can_reach("k0", 0x4000_0000) == "RAM untyped k0.ram [0x40000000, 0x50000000)"
    assert machine.can_reach("k0", 0x0800_0000) is None          # GICD
    assert machine.can_reach("k0", 0x0801_1000) is None          # GICC


def test_declared_untypeds_deny_foreign_ram() -> None:
    machine = Machine(machine_config(2, DECLARED))
    run = machine.run((Access("k1", 0x4000_1000), Access("k0", 0x0900_0010)))
    accesses = [e for e in run.trace if isinstance(e, MemAccess)]
    assert [(a.allowed, a.route) for a in accesses] == [
        (False, None), (True, "device page uart0 [0x9000000, 0x9001000)")]
    assert run.violations == ()


def test_device_page_rounding_exposes_a_neighbour() -> None:
    config = attrs.evolve(machine_config(2, DECLARED), page=0x10000)
    machine = Machine(config)
    run = machine.run((Access("k0", 0x0900_1000),))                # uart1 (k1) in uart0's page
    assert run.violation.kind == "memory-expose"
    assert run.violation.details["route"] == "device page uart0 [0x9000000, 0x9010000)"
    assert run.violation.details["reason"] == "device uart1 belongs to k1"


def test_shared_region_modes() -> None:
    machine = Machine(machine_config(2, DECLARED))
    run = machine.run((Access("k1", 0x6000_0000), Access("k1", 0x6000_0000, write=True)))
    assert [(a.allowed, a.write) for a in run.trace if isinstance(a, MemAccess)] == [(True, False), (False, True)]
    assert run.violations == ()
    stock = Machine(machine_config(2, MK_FIRST)).run((Access("k1", 0x6000_0000, write=True),))
    assert stock.violation.details["reason"] == "shared region mq is read-only for k1"


def test_overlap_is_reported_at_construction_with_owners() -> None:
    config = machine_config(2, MK_FIRST)
    k0, k1 = config.kernels
    k1 = attrs.evolve(k1, ram=(Region("k1.ram", 0x4FFF_0000, 0x1000_0000),))
    machine = Machine(attrs.evolve(config, kernels=(k0, k1)))
    assert [(o.name, o.owner) for o in machine.owners_of(0x4FFF_8000)] == [("k0.ram", "k0"), ("k1.ram", "k1")]
    run = machine.result()
    assert run.violation.kind == "memory-overlap" and run.violation.step == -1
    assert run.violation.details["address"] == 0x4FFF_0000


# ---------------------------------------------------------------- SPIs
def test_spi_delivered_to_wrong_kernel() -> None:
    machine = Machine(machine_config(2, SEL4))
    run = machine.run((Boot("k0"), Boot("k1"), AcquireIrq("k0", 33), RaiseSpi(33), Deliver()))
    kinds = [(v.step, v.kind) for v in run.violations]
    assert (2, "spi-misrouted") in kinds
    wrong = [v for v in run.violations if v.kind == "spi-delivered-to-wrong-kernel"]
    assert wrong[0].step == 4
    assert wrong[0].details == {"intid": 33, "owner": "k0", "kernel": "k1", "core": "c1"}
    # k1 has no handler: it masks the line, so k0 never sees it again.
    assert not machine.gic.spi_enabled(33)


def test_raised_spi_stays_pending_while_masked() -> None:
    machine = Machine(machine_config(3, MK_FIRST))
    run = machine.run((Boot("k0"), RaiseSpi(33), Deliver(), AcquireIrq("k0", 33), Deliver()))
    deliveries = [(e.step, e.intid) for e in run.trace if type(e).__name__ == "Delivery"]
    assert deliveries == [(4, 33)]


# ---------------------------------------------------------------- SGIs
def channels(*specs: tuple[str, str, str, str, int, int]) -> tuple[Channel, ...]:
    return tuple(Channel(*spec) for spec in specs)


def test_a55_gicv3_core_number_as_aff0_is_lost() -> None:
    chans = channels(("bad", "k0", "k1", "c1", 5, 0x1), ("good", "k0", "k1", "c1", 6, 0x100))
    config = machine_config(3, MK_FIRST, a55=True, channels=chans)
    run = Machine(config).run((Boot("k0"), Boot("k1"), SendChannel("bad"), SendChannel("good")))
    (bad,) = run.violations
    assert bad.kind == "sgi-misdelivered" and bad.step == 2
    assert bad.details["reached"] == () and bad.details["register"] == "ICC_SGI1R_EL1"
    assert bad.details["value"] == 5 << 24 | 1 << 1
    assert bad.details["lost"] == "no core has affinity 0.0.0.1"


def test_a55_gicv2_target_is_the_interface_number() -> None:
    chans = channels(("ch", "k0", "k1", "c1", 5, 1))
    config = machine_config(2, MK_FIRST, a55=True, channels=chans)
    config = attrs.evolve(config, cores=tuple(Core(f"c{i}", i << 8, gic_cpu=i) for i in range(4)))
    run = Machine(config).run((Boot("k0"), Boot("k1"), BindChannel("ch"), SendChannel("ch"), Deliver()))
    assert run.violations == ()
    assert [(e.core, e.notification, e.source) for e in run.trace if type(e).__name__ == "Delivery"] == \
        [("c1", "ch", 0)]


def test_v2_wrong_interface_reaches_another_core() -> None:
    chans = channels(("ch", "k0", "k1", "c1", 5, 2))
    run = Machine(machine_config(2, MK_FIRST, channels=chans)).run((Boot("k0"), SendChannel("ch")))
    assert run.violation.kind == "sgi-misdelivered"
    assert run.violation.details["reached"] == ("c2",)


@pytest.mark.parametrize("version", [2, 3])
def test_two_channels_on_one_sgi_merge(version: int) -> None:
    chans = channels(("a", "k0", "k1", "c1", 5, 1), ("b", "k0", "k1", "c1", 5, 1))
    run = Machine(machine_config(version, MK_FIRST, channels=chans)).run(
        (Boot("k0"), Boot("k1"), SendChannel("a"), SendChannel("b")))
    assert run.violation.kind == "sgi-merged" and run.violation.step == 3
    assert run.violation.details["channels"] == ("a", "b")
    assert run.violation.details["phase"] == "send"


def test_mailbox_with_distinct_tags_is_not_merged() -> None:
    chans = (Channel("a", "k0", "k1", "c1", 5, 1, "mq", 1), Channel("b", "k0", "k1", "c1", 5, 1, "mq", 2))
    run = Machine(machine_config(3, MK_FIRST, channels=chans)).run(
        (Boot("k0"), Boot("k1"), SendChannel("a"), SendChannel("b")))
    assert run.violations == ()


def test_v2_different_sources_merge_in_the_notification() -> None:
    config = machine_config(2, MK_FIRST)
    k2 = Kernel("k2", MK_FIRST, ("c2",), (Region("k2.ram", 0x5800_0000, 0x100_0000),))
    k1 = attrs.evolve(config.kernels[1], ram=(Region("k1.ram", 0x5000_0000, 0x800_0000),))
    chans = channels(("a", "k0", "k1", "c1", 5, 1), ("b", "k2", "k1", "c1", 5, 1))
    config = attrs.evolve(config, kernels=(config.kernels[0], k1, k2), channels=chans)
    run = Machine(config).run((Boot("k0"), Boot("k1"), Boot("k2"), BindChannel("a"),
                               SendChannel("a"), SendChannel("b"), Deliver()))
    assert [v.kind for v in run.violations] == ["sgi-merged"]
    assert run.violation.step == 6 and run.violation.details["phase"] == "deliver"
    sources = [e.source for e in run.trace if type(e).__name__ == "Delivery"]
    assert sources == [0, 2]                       # two interrupts, the kernel drops the source


def test_same_channel_twice_is_not_a_merge() -> None:
    chans = channels(("a", "k0", "k1", "c1", 5, 1))
    run = Machine(machine_config(3, MK_FIRST, channels=chans)).run(
        (Boot("k0"), Boot("k1"), SendChannel("a"), SendChannel("a")))
    assert run.violations == ()


# ---------------------------------------------------------------- scenarios
def test_every_step_round_trips_through_json() -> None:
    config = machine_config(2, MK_FIRST, channels=channels(("a", "k0", "k1", "c1", 5, 1)))
    scenario = startup_scenario(config) + (RaiseSpi(33), SendChannel("a"), Deliver(),
                                           Access("k0", 0x10, write=True))
    forms = scenario_to_json(scenario)
    assert all(set(form) >= {"op"} for form in forms)
    assert scenario_from_json(forms) == scenario
    assert {form["op"] for form in forms} <= set(STEP_TYPES)


def test_bad_step_json_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown scenario op 'reboot'"):
        step_from_json({"op": "reboot"})
    with pytest.raises(ValueError, match="bad arguments for boot"):
        step_from_json({"op": "boot", "core": "c0"})


def test_startup_scenario_order() -> None:
    config = machine_config(2, MK_FIRST, channels=channels(("a", "k0", "k1", "c1", 5, 1)))
    ops = [step.to_json() for step in startup_scenario(config, ("k1", "k0"))]
    assert ops[0] == {"op": "boot", "kernel": "k1"}
    assert {"op": "bind_channel", "channel": "a"} in ops
    assert ops.index({"op": "boot", "kernel": "k0"}) > ops.index({"op": "bind_channel", "channel": "a"})


def test_dangling_names_are_config_errors() -> None:
    config = machine_config(2, MK_FIRST)
    bad = attrs.evolve(config.kernels[0], cores=("c9",), devices=("nope",))
    with pytest.raises(ConfigError, match="kernel k0: no core c9; kernel k0: no device nope"):
        Machine(attrs.evolve(config, kernels=(bad, config.kernels[1])))


def test_mmio_errors_are_recorded_and_the_run_goes_on() -> None:
    machine = Machine(machine_config(2, MK_FIRST))
    run = machine.run((Mmio("c0", 0x0800_0C00, 1, 0xFF), Boot("k0")))
    errors = [e for e in run.trace if isinstance(e, ErrorEvent)]
    assert [(e.step, e.message) for e in errors] == [
        (0, "illegal 8-bit access to GICD_ICFGR (address 0x8000c00, width 1)")]
    assert machine.kernels["k0"].booted


def test_v3_sgi_sent_before_bind_waits_masked() -> None:
    chans = channels(("a", "k0", "k1", "c1", 5, 1))
    machine = Machine(machine_config(3, MK_FIRST, channels=chans))
    run = machine.run((Boot("k0"), Boot("k1"), SendChannel("a"), Deliver(), BindChannel("a"), Deliver()))
    assert [(e.step, e.notification) for e in run.trace if type(e).__name__ == "Delivery"] == [(5, "a")]
    assert run.violations == ()


def test_violation_json_is_plain() -> None:
    run = Machine(machine_config(2, SEL4)).run((Boot("k0"), Boot("k1")))
    form = run.violation.to_json()
    assert form["kind"] == "dist-clobber" and form["details"]["live"] == ["k0"]


@pytest.mark.parametrize("version,a55,core,target", [
    (2, False, "c2", 2), (2, True, "c2", 2), (3, False, "c2", 0x2), (3, True, "c2", 0x200),
])
def test_sgi_target_for_reaches_the_core(version: int, a55: bool, core: str, target: int) -> None:
    config = machine_config(version, MK_FIRST, a55=a55)
    assert sgi_target_for(config, core) == target
    chans = (Channel("x", "k0", "k1", core, 5, target),)
    run = Machine(attrs.evolve(config, channels=chans)).run((Boot("k0"), SendChannel("x")))
    assert run.violations == ()


def test_no_target_reaches_an_aff3_core() -> None:
    config = machine_config(3, MK_FIRST)
    cores = config.cores[:3] + (Core("c3", 1 << 32),)
    assert sgi_target_for(attrs.evolve(config, cores=cores), "c3") is None
