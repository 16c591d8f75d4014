"""GICv3 interrupt groups in IRQ-ROUTE and IPI-TARGET (checker/sel4.py: group1_before_boot,
sets_group1, takes_group1_sgis; model/gicv3.py).

seL4 takes only Group 1 interrupts and sends Group 1 SGIs; who puts interrupts into
Group 1 is a fact of the platform (`gic v3 { group1 firmware|sel4|none }`), of the
loader (`loader { group1 }`) and of the kernel build (profile `group1 port|never`).
Every failure here is replayed on the model by `check` (a replay that does not
reproduce is an internal error, not a FAILED result).
"""

from __future__ import annotations

import pytest

from checker.result import FAILED, PROVED
from tests.obligations.support import check, failing, load, replays_from_file, violation

# A QEMU-virt-like GICv3 platform whose `group1` fact is a parameter; two kernels and one channel.
SPEC = """
platform q {{
    cpu a0 mpidr 0x0
    cpu a1 mpidr 0x1
    memory dram at 0x4000_0000 size 1G
    gic v3 {{
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080A_0000 stride 128K
        lines 96
        {group1}
    }}
    device uart at 0x0900_0000 size 4K irq spi 1 level
    device blk  at 0x0a00_0000 size 4K irq spi 16 edge
    max_irq 95
}}
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-port extends mk {{ group1 port }}
profile up extends sel4 {{ device_untypeds declared boot_mask own dist_init first irq_route yes }}
{extra}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M devices uart }}
kernel k1 {{ profile {p1} cores a1 ram at 0x5000_0000 size 256M devices blk }}
channel kick {{ from k0 to k1 sgi 3 }}
"""


def spec(group1="", p0="mk", p1="mk", extra="loader { gic_init }"):
    return SPEC.format(group1=group1, p0=p0, p1=p1, extra=extra)


@pytest.mark.parametrize("group1, extra", [
    ("", "loader { gic_init }"),                     # firmware by default (TF-A)
    ("group1 firmware", "loader { gic_init }"),
    ("group1 none", "loader { gic_init group1 }"),   # the loader does what firmware would
    ("group1 sel4", "loader { group1 gic_init }"),
])
def test_group1_before_any_boot_proves_both(group1, extra):
    text = spec(group1, extra=extra)
    for obligation in ("IRQ-ROUTE", "IPI-TARGET"):
        assert {r.status for r in check(text, obligation)} == {PROVED}, (group1, obligation)


@pytest.mark.parametrize("group1", ["group1 none", "group1 sel4"])
def test_nobody_sets_group1_fails_both_with_replayed_counterexamples(group1):
    text = spec(group1)
    loaded = load(text)
    routes = check(text, "IRQ-ROUTE")
    assert failing(routes) == {"spi 1", "spi 16"}
    for r in routes:
        assert "stays in Group 0" in r.message and r.counterexample["group"] == 0
        assert violation(loaded, r) is not None and replays_from_file(loaded, r)
    (target,) = check(text, "IPI-TARGET")
    assert target.status == FAILED and "SGI 3 stays in Group 0 there" in target.message
    assert target.counterexample["reached"] == [] and target.counterexample["named"] == ["a1"]
    assert violation(loaded, target) is not None and replays_from_file(loaded, target)


def test_upstream_sel4_on_qemu_sets_group1_itself():
    """`group1 sel4` and the upstream profile (`group1 port`): dist_init and gicr_init write the groups."""
    text = spec("group1 sel4", p0="up", p1="up", extra="boot order k0, k1")
    assert {r.status for r in check(text, "IRQ-ROUTE")} == {PROVED}
    assert {r.status for r in check(text, "IPI-TARGET")} == {PROVED}


def test_a_port_kernel_sets_only_its_own_cores_sgis():
    """The receiver k1 is a fork kernel: k0 (port) puts its own SGIs into Group 1, not a1's."""
    text = spec("group1 sel4", p0="mk-port", p1="mk", extra="loader { gic_init }")
    (target,) = check(text, "IPI-TARGET")
    assert target.status == FAILED and "stays in Group 0" in target.message
    swapped = spec("group1 sel4", p0="mk", p1="mk-port", extra="loader { gic_init }")
    assert {r.status for r in check(swapped, "IPI-TARGET")} == {PROVED}


def test_spis_end_in_group1_only_in_the_orders_where_a_port_kernel_resets_the_distributor():
    """Both run `dist_init first` (no loader reset): only the first kernel resets. If k1 (port) is
    first it puts every SPI into Group 1; if k0 (never) is first nobody does."""
    any_order = spec("group1 sel4", p0="mk", p1="mk-port", extra="")
    routes = check(any_order, "IRQ-ROUTE")
    assert failing(routes) == {"spi 1", "spi 16"}
    assert all(r.counterexample["boot_order"][0] == "k0" for r in routes)
    port_first = spec("group1 sel4", p0="mk", p1="mk-port", extra="boot order k1, k0")
    assert {r.status for r in check(port_first, "IRQ-ROUTE")} == {PROVED}


def test_a_third_kernel_that_may_boot_later_does_not_count():
    """k2 (`group1 port`) shares the receiving core a1 (a CPU-EXCL failure), so its boot would put a1's
    SGIs into Group 1; but k0 can send as soon as k0 and k1 are up, before k2 boots. Found by the
    differential tests: counting k2 proved a channel the model shows dropped."""
    text = spec("group1 sel4", p0="mk", p1="mk") + "kernel k2 { profile mk-port cores a1 ram at 0x6000_0000 size 256M }\n"
    loaded = load(text)
    (target,) = check(text, "IPI-TARGET")
    assert target.status == FAILED and "stays in Group 0" in target.message
    assert violation(loaded, target) is not None
