"""GIC-INIT and IRQ-ROUTE on the multikernel fork, the built-in `sel4-mk` (au-ts/seL4 c99714a6):
`dist_init check`, `boot_mask primary`, `irq_route primary` (checker/sel4.py, boot_order.py,
irq_route.py; model/kernel.py). Every failure is replayed on the model by `check`."""

from __future__ import annotations

import pytest

import checker
from checker import replay
from checker.obligations.boot_order import boot_steps
from checker.result import FAILED, PROVED
from checker.sel4 import comes_up
from tests.obligations.support import SPECS, check, failing, load, violation

# k0 boots on a0, the platform's first cpu: node 0.
SPEC = """
include "platforms/qemu-virt-gicv3.mk"
loader {{ {loader} }}
profile mk extends sel4-mk {{ device_untypeds declared {flags} }}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M devices uart {k0_irqs} }}
kernel k1 {{ profile mk cores a1 ram at 0x5000_0000 size 256M devices virtio0 {k1_irqs} }}
{extra}
"""


def text(loader="gic_init group1", flags="", extra="boot order k0, k1", k0_irqs="", k1_irqs="", p0="mk"):
    return SPEC.format(loader=loader, flags=flags, extra=extra, k0_irqs=k0_irqs, k1_irqs=k1_irqs, p0=p0)


def statuses(spec_text: str, only: str) -> dict[str, str]:
    return {r.subject: r.status for r in check(spec_text, only)}


def test_node_0_first_with_the_loader_is_proved():
    assert set(statuses(text(), "GIC-INIT").values()) == {PROVED}
    assert set(statuses(text(), "IRQ-ROUTE").values()) == {PROVED}


def test_without_the_loader_every_fork_kernel_halts():
    (r,) = check(text(loader="group1", extra=""), "GIC-INIT")
    assert r.status == FAILED and r.counterexample["problem"] == "never"
    routes = check(text(loader="group1", extra=""), "IRQ-ROUTE")
    assert {x.status for x in routes} == {FAILED}
    assert all("dist_init check" in x.message for x in routes)


@pytest.mark.parametrize("extra", ["", "boot order k1, k0"], ids=["unpinned", "node-0-last"])
def test_node_0_booting_late_masks_the_other_kernels_spis(extra):
    (r,) = check(text(extra=extra), "GIC-INIT")
    assert r.status == FAILED and r.counterexample["boot_order"] == ["k1", "k0"]
    assert "boot_mask primary on node 0" in r.message
    routes = {x.subject: x for x in check(text(extra=extra), "IRQ-ROUTE")}
    assert routes["spi 16"].status == FAILED and routes["spi 16"].counterexample["enabled"] is False
    assert routes["spi 1"].status == PROVED  # node 0's own SPI: acquired after its own mask


@pytest.mark.parametrize("owner, expected", [("k0", FAILED), ("k1", PROVED)])
def test_every_kernel_masks_spi_0(owner, expected):
    """init_irqs masks INTIDs 0..NUM_PPI inclusive on every kernel: SPI 0 survives only at the last to boot."""
    irqs = {"k0_irqs": "irq spi 0"} if owner == "k0" else {"k1_irqs": "irq spi 0"}
    results = {r.subject: r for r in check(text(**irqs), "IRQ-ROUTE")}
    assert results["spi 0"].status == expected
    if expected == FAILED:
        assert results["spi 0"].counterexample["enabled"] is False
    # GIC-INIT does not count that mask: it is not distributor-wide.
    assert check(text(**irqs), "GIC-INIT")[0].status == PROVED


def test_node_0_without_set_irq_target_leaves_the_others_spis_at_the_loaders_cpu():
    extra = "profile noroute extends mk { irq_route no }\nboot order k0, k1"
    results = {r.subject: r for r in check(text(extra=extra, p0="noroute"), "IRQ-ROUTE")}
    assert results["spi 16"].status == FAILED and results["spi 16"].counterexample["route"] == 0  # a0's affinity
    assert results["spi 1"].status == PROVED


def test_gicv2_set_irq_target_takes_the_logical_index_as_the_cpu_interface():
    """Logical cpu 1 (the second declared cpu) has CPU interface 2 here: BIT(1) reaches interface 1."""
    spec_text = """
platform p {
    paddr_bits 40
    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 2
    cpu c2 mpidr 0x2 gic_cpu 1
    memory dram at 0x4000_0000 size 1G
    gic v2 { distributor at 0x0800_0000 size 4K cpu_interface at 0x0801_0000 size 8K lines 64 }
    device d0 at 0x0900_0000 size 4K irq spi 1 level
    device d1 at 0x0900_1000 size 4K irq spi 2 level
    max_irq 63
}
loader { gic_init }
kernel k0 { profile sel4-mk cores c0 ram at 0x4000_0000 size 16M devices d0 }
kernel k1 { profile sel4-mk cores c1 ram at 0x5000_0000 size 16M devices d1 }
boot order k0, k1
"""
    results = {r.subject: r for r in check(spec_text, "IRQ-ROUTE")}
    r = results["spi 2"]
    assert r.status == FAILED and r.counterexample["route"] == 1 and "SetIrqTargetCore" in r.message
    assert violation(load(spec_text), r).details["targets"] == ("c2",)
    assert results["spi 1"].status == PROVED


def test_a_boot_that_depends_on_the_order_is_refused():
    loaded = checker.load_text(text(loader="group1", extra="", p0="sel4"), "inline.mk", base_dir=SPECS)
    assert [d.code for d in loaded.diagnostics if d.is_error] == ["E313"]


@pytest.mark.parametrize("order, up", [("k0, k1", True), ("k1, k0", False)])
def test_a_pinned_upstream_reset_before_it_lets_a_fork_kernel_boot(order, up):
    spec_text = text(loader="group1", p0="sel4", extra=f"boot order {order}")
    spec = load(spec_text)
    assert comes_up(spec, spec.kernel("k1")) is up
    # The model boots what the scenarios boot for k1 alone: the pinned prefix when it needs it.
    run = replay.run(replay.machine_config(spec), boot_steps(spec, ["k1"]))
    halted = [e for e in run.trace if getattr(e, "text", "").startswith("halt: GICD_CTLR not initialised")]
    assert bool(halted) is not up
    assert failing(check(spec_text, "GIC-INIT")) == (set() if up else {"system"})
