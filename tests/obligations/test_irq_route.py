"""IRQ-ROUTE: for every boot order, each owned SPI ends enabled and routed only to its owner (checker/obligations/irq_route.py)."""

from __future__ import annotations

import os
import re

import pytest

import checker
import model
from checker import replay
from checker.lemmas import EQUAL_KEYS
from checker.obligations import irq_route
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IRQ-ROUTE"

# Two kernels on QEMU virt (GICv2): k0 owns uart (SPI 1) and gpio (SPI 7), k1 owns virtio0 (SPI 16).
QEMU_V2 = """
include "platforms/qemu-virt-gicv2.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
{extra}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 512M devices uart, gpio }}
kernel k1 {{ profile {p1} cores a1 ram at 0x6000_0000 size 512M devices virtio0 {k1_extra} }}
"""

# Three stock kernels on the ROCK 3B (GICv3, Cortex-A55 affinities 0x000, 0x100, 0x200).
ROCK3B_STOCK = """
include "platforms/rock3b.mk"
kernel k0 { cores c0 ram at 0x0020_0000 size 0x1fe0_0000 devices uart2 }
kernel k1 { cores c1 ram at 0x4000_0000 size 512M devices sata0 }
kernel k2 { cores c2 ram at 0x6000_0000 size 512M devices gmac0 }
"""

# k0 always resets the distributor (a "primary" build), k1 is a plain multikernel build.
ZYNQMP_PRIMARY = """
include "platforms/zynqmp.mk"
profile mk extends sel4-mk { dist_init first boot_mask own irq_route yes device_untypeds declared }
profile primary extends mk { dist_init always }
%s
kernel k0 { profile primary cores c0 ram at 0x1000_0000 size 1G devices uart0 }
kernel k1 { profile mk cores c1 ram at 0x8_0000_0000 size 2G devices gem3, usb0 }
"""

# An smp kernel derived from upstream SMP seL4, on two cores of a GICv2, routing its SPIs.
ZYNQMP_SMP = """
include "platforms/zynqmp.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-smp extends sel4-smp {{ dist_init first boot_mask own device_untypeds declared }}
loader {{ gic_init }}
kernel k0 {{ profile mk cores c0 ram at 0x1000_0000 size 256M devices uart0 }}
kernel k2 {{ profile mk-smp cores {cores} ram at 0x8_0000_0000 size 1G devices gem3, gem2 {routes} }}
"""


def qemu_v2(p0="mk", p1="mk", extra="", k1_extra=""):
    return QEMU_V2.format(p0=p0, p1=p1, extra=extra, k1_extra=k1_extra)


def final_state(spec, order, intid):
    """Boot the kernels in `order` on the model, each acquiring its SPIs right after its boot:
    is the SPI enabled at the end, and which cores does its routing reach?"""
    steps = []
    for name in order:
        steps.append({"op": "boot", "kernel": name})
        owned = dict.fromkeys(irq.intid for irq in spec.kernel(name).owned_spis)
        steps += [{"op": "acquire_irq", "kernel": name, "intid": i} for i in owned]
    machine = model.Machine(replay.machine_config(spec))
    machine.run(model.scenario_from_json(steps))
    return machine.gic.spi_enabled(intid), set(machine.gic.spi_targets(intid))


def ends_at_owner(spec, order, intid, owner):
    enabled, targets = final_state(spec, order, intid)
    return enabled and bool(targets) and targets <= {c.name for c in spec.kernel(owner).cores}


def cores_of_route(spec, route):
    return {c.name for c in spec.platform.cpus if irq_route.route_value(spec, c) == route}


def assert_confirmed(spec, r):
    """The failure's own scenario reproduces it, from a counterexample file too, and its boot
    order, replayed alone, leaves the SPI disabled or away from its owner as the counterexample says."""
    intid = r.counterexample["intid"]
    assert r.expect == {"kind": "spi-misrouted", "intid": intid}
    hit = violation(spec, r)
    assert hit is not None and hit.details["intid"] == intid
    assert replays_from_file(spec, r)
    (owner,) = r.counterexample["owners"]
    order = r.counterexample["boot_order"]
    assert not ends_at_owner(spec, order, intid, owner)
    enabled, targets = final_state(spec, order, intid)
    assert enabled == r.counterexample["enabled"]
    assert targets == cores_of_route(spec, r.counterexample["route"])


# ---------------------------------------------------------------- passing


def test_multikernel_kernels_are_proved_by_the_solver():
    results = check(qemu_v2(), ID)
    assert {(r.subject, r.status) for r in results} == {("spi 1", PROVED), ("spi 7", PROVED), ("spi 16", PROVED)}
    assert all(r.method == "solver" and r.lemma == EQUAL_KEYS.name for r in results)
    assert next(r for r in results if r.subject == "spi 1").message == "SPI 1 (INTID 33) always ends at k0"
    assert next(r for r in results if r.subject == "spi 16").message == "SPI 16 (INTID 48) always ends at k1"


def test_a_loader_reset_and_multikernel_kernels_make_constant_queries_decided_by_facts():
    """With the loader initialising and no kernel able to reset, every boot order ends the same:
    the class queries simplify to constants."""
    results = check(qemu_v2(extra="loader { gic_init }"), ID)
    assert {(r.subject, r.status) for r in results} == {("spi 1", PROVED), ("spi 7", PROVED), ("spi 16", PROVED)}
    assert all(r.method == "facts" and r.lemma == EQUAL_KEYS.name for r in results)


def test_an_smp_kernel_on_gicv3_routes_by_affinity_and_is_proved():
    """GICv3 IROUTER takes the core's affinity, so an smp `route` to c3 really ends at c3 (IRM=0)."""
    spec = load("""
include "platforms/rock3b.mk"
profile mk extends sel4-mk { dist_init first boot_mask own irq_route yes device_untypeds declared }
profile mk-smp extends sel4-smp { dist_init first boot_mask own device_untypeds declared }
loader { gic_init }
kernel k0 { profile mk cores c0 ram at 0x0020_0000 size 0x1fe0_0000 devices uart2 }
kernel k2 { profile mk-smp cores c2, c3 ram at 0x4000_0000 size 1G devices gmac0  route spi 27 to c3 }
""")
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("spi 24", PROVED), ("spi 27", PROVED), ("spi 118", PROVED)}
    enabled, targets = final_state(spec, ["k0", "k2"], 59)
    assert enabled and targets == {"c3"}
    machine = model.Machine(replay.machine_config(spec))
    machine.run(model.scenario_from_json([{"op": "boot", "kernel": "k2"}, {"op": "acquire_irq", "kernel": "k2", "intid": 59}]))
    assert machine.gic.route_of(59) == 0x300  # Aff1 = 3, IRM (bit 31) clear


# ---------------------------------------------------------------- failing


def test_stock_kernels_steal_each_others_spis_and_the_last_boot_wins():
    """Upstream seL4 resets and masks the whole distributor at every boot and cannot route:
    whoever boots last owns every SPI's routing."""
    spec = load(ROCK3B_STOCK)
    results = check(spec, ID)
    assert failing(results) == {"spi 24", "spi 27", "spi 95", "spi 118"}
    for r in results:
        order = r.counterexample["boot_order"]
        (owner,) = r.counterexample["owners"]
        last = spec.kernel(order[-1])
        assert order[-1] != owner
        assert r.counterexample["route"] == irq_route.route_value(spec, last.cores[0])
        assert r.counterexample["enabled"] is False
        assert f"{order[-1]}'s distributor reset" in r.message and "IROUTER" in r.message
        assert r.method == "solver" and r.lemma == EQUAL_KEYS.name
        assert_confirmed(spec, r)


def test_the_declaration_order_is_the_counterexample_when_it_fails():
    """k0 boots first in declaration order, so k1's reset takes k0's SPIs in that order; k1's own
    SPI survives the declaration order, so its counterexample is the other order."""
    spec = load(qemu_v2("sel4", "sel4"))
    results = check(spec, ID)
    assert failing(results) == {"spi 1", "spi 7", "spi 16"}
    orders = {r.subject: r.counterexample["boot_order"] for r in results}
    assert orders == {"spi 1": ["k0", "k1"], "spi 7": ["k0", "k1"], "spi 16": ["k1", "k0"]}
    assert ends_at_owner(spec, ["k0", "k1"], 48, "k1")  # the declaration order does not fail spi 16
    for r in results:
        assert r.message.startswith(f"boot order {' -> '.join(r.counterexample['boot_order'])}: ")
        assert_confirmed(spec, r)


def test_an_spi_beyond_lines_can_never_be_enabled():
    spec = load(qemu_v2(k1_extra="irq spi 300 edge"))
    results = check(spec, ID)
    assert failing(results) == {"spi 300"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample["intid"] == 332 and r.counterexample["spi"] == 300 and r.counterexample["owners"] == ["k1"]
    assert r.counterexample["enabled"] is False
    assert "not implemented (lines 288)" in r.message
    assert r.method == "facts"
    assert r.expect == {"kind": "spi-misrouted", "intid": 332}
    hit = violation(spec, r)
    assert hit is not None and hit.details["register"] is None  # the kernel refuses to hand it out
    assert replays_from_file(spec, r)


@pytest.mark.parametrize("boot_order, failures", [
    ("", {"spi 63", "spi 65"}),
    ("boot order k0, k1", set()),
    ("boot order k1, k0", {"spi 63", "spi 65"}),
])
def test_a_boot_order_fixes_or_breaks_a_dist_init_always_kernel(boot_order, failures):
    """k0 resets the distributor at boot: booting it first is safe, booting it after k1 takes k1's SPIs."""
    spec = load(ZYNQMP_PRIMARY % boot_order)
    results = check(spec, ID)
    assert failing(results) == failures
    for r in results:
        if r.status == FAILED:
            assert r.counterexample["boot_order"] == ["k1", "k0"]
            assert r.counterexample["route"] == 0 and "k0's distributor reset" in r.message
            assert_confirmed(spec, r)
    if not failures:
        assert ends_at_owner(spec, ["k0", "k1"], 95, "k1")


def test_a_pinned_boot_order_is_the_only_one_considered():
    """Two stock kernels with `boot order k0, k1`: only k0's SPIs lose their route; k1's, which
    fail in the order k1, k0, are proved because that order is not considered."""
    spec = load(qemu_v2("sel4", "sel4", extra="boot order k0, k1"))
    results = check(spec, ID)
    assert failing(results) == {"spi 1", "spi 7"}
    assert all(r.counterexample["boot_order"] == ["k0", "k1"] for r in results if r.status == FAILED)
    assert not ends_at_owner(spec, ["k1", "k0"], 48, "k1")  # the order left out would fail spi 16
    for r in results:
        if r.status == FAILED:
            assert_confirmed(spec, r)


def test_an_smp_gicv2_kernel_routes_by_logical_index():
    """Upstream SMP setIRQTarget on GICv2 writes ITARGETSR = 1 << (logical core index): routing
    to c3 of a kernel on c2, c3 writes bit 1, which is c1's CPU interface."""
    spec = load(ZYNQMP_SMP.format(cores="c2, c3", routes="route spi 63 to c3  route spi 61 to c3"))
    results = check(spec, ID)
    assert failing(results) == {"spi 61", "spi 63"}
    r = next(r for r in results if r.subject == "spi 63")
    assert r.counterexample["route"] == 1 and r.counterexample["enabled"] is True
    assert "k2's IRQ acquisition" in r.message and "ITARGETSR byte 0x02" in r.message and "core c1" in r.message
    hit = violation(spec, r)
    assert hit.details["value"] == 0x02 and hit.details["targets"] == ("c1",)
    assert_confirmed(spec, r)


def test_a_kernel_that_cannot_route_keeps_only_what_the_reset_gave_it():
    """`irq_route no` kernels behind a loader reset: every SPI stays where the loader routed it,
    at the first cpu, so only the kernel on that cpu keeps its SPIs, in every boot order."""
    spec = load(qemu_v2("nr", "nr", extra="profile nr extends mk { irq_route no dist_init never }  loader { gic_init }"))
    results = check(spec, ID)
    assert failing(results) == {"spi 16"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample["enabled"] is True and r.counterexample["route"] == 0
    assert "the loader's distributor reset" in r.message and "core a0" in r.message
    assert r.method == "facts"
    assert_confirmed(spec, r)
    assert not ends_at_owner(spec, ["k1", "k0"], 48, "k1")


def test_a_later_boot_mask_all_leaves_an_spi_routed_right_but_disabled():
    """"every owned SPI is enabled": a kernel with `boot_mask all` masks every line at its boot."""
    spec = load("""
include "platforms/rock3b.mk"
profile mk extends sel4-mk { dist_init first boot_mask own irq_route yes device_untypeds declared }
profile mk-maskall extends mk { boot_mask all }
loader { gic_init }
kernel k0 { profile mk cores c0 ram at 0x0020_0000 size 0x1fe0_0000 devices uart2 }
kernel k1 { profile mk-maskall cores c2 ram at 0x4000_0000 size 1G devices gmac0 }
""")
    results = check(spec, ID)
    assert failing(results) == {"spi 118"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample["boot_order"] == ["k0", "k1"]
    assert r.counterexample["enabled"] is False and r.counterexample["route"] == 0  # still routed to c0
    assert "ends disabled" in r.message
    assert final_state(spec, ["k0", "k1"], 150) == (False, {"c0"})
    assert_confirmed(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_the_owned_spis():
    """"every owned SPI": the instances are exactly the SPIs some kernel owns, each once: not the
    platform's unowned device SPIs, not a PPI, and an SPI listed twice by its owner is one instance."""
    spec = load(qemu_v2(extra="loader { gic_init }", k1_extra="irq ppi 3 level  irq spi 16 edge  irq spi 40 level"))
    results = check(spec, ID)
    assert [r.subject for r in results] == ["spi 1", "spi 7", "spi 16", "spi 40"]
    assert "every owned SPI" in irq_route.ENTRY.proves


def test_the_catalogue_claim_every_boot_order_considered():
    """"For every boot order considered": without `boot order`, a failure in any one of the
    orders fails the SPI (here only the order k1, k0 fails spi 16)."""
    spec = load(qemu_v2("sel4", "sel4"))
    assert ends_at_owner(spec, ["k0", "k1"], 48, "k1") and not ends_at_owner(spec, ["k1", "k0"], 48, "k1")
    assert "spi 16" in failing(check(spec, ID))
    assert "For every boot order considered" in irq_route.ENTRY.proves


def test_the_catalogue_claim_routed_only_to_a_core_of_its_owner():
    """"routed only to a core of its owner": an smp kernel on c1, c2 routing spi 61 to c2 writes
    logical index 1, i.e. c1, which is still its own core (proved), while routing spi 63 to c1
    writes logical index 0, i.e. c0, another kernel's core (failed)."""
    spec = load(ZYNQMP_SMP.format(cores="c1, c2", routes="route spi 63 to c1  route spi 61 to c2"))
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("spi 21", PROVED), ("spi 61", PROVED), ("spi 63", FAILED)}
    assert final_state(spec, ["k0", "k2"], 93) == (True, {"c1"})
    assert final_state(spec, ["k0", "k2"], 95) == (True, {"c0"})
    assert "routed only to a core of its owner" in irq_route.ENTRY.proves


# ---------------------------------------------------------------- the reductions


def test_spis_of_one_class_share_one_query_and_get_the_same_verdict(tmp_path):
    """k0's three SPIs have the same owner and routing writes: one query for the class, one
    verdict and one failing boot order; k1's SPI is a class of its own."""
    text = qemu_v2("sel4", "sel4").replace("devices uart, gpio", "devices uart, gpio, rtc")
    spec = load(text)
    keys = {irq_route.route_class(spec, s) for s in irq_route.owned_spis(spec) if s.owners[0].name == "k0"}
    assert len(keys) == 1
    checker.check(spec, checker.Options(only=(ID,), dump_smt=str(tmp_path), replay=False))
    subjects = []
    for name in os.listdir(tmp_path):
        head = (tmp_path / name).read_text()
        subjects += re.findall(r"^; obligation IRQ-ROUTE, subject (spi \d+)$", head, re.M)
    assert sorted(subjects) == ["spi 1", "spi 16"]
    results = check(spec, ID)
    k0 = [r for r in results if r.counterexample.get("owners") == ["k0"]]
    assert {r.subject for r in k0} == {"spi 1", "spi 2", "spi 7"}
    assert {(r.status, tuple(r.counterexample["boot_order"])) for r in k0} == {(FAILED, ("k0", "k1"))}


def test_spis_of_different_owners_do_not_share_a_query():
    """With k0 booting first, k1's reset takes k0's SPI while k1's own survives: the two owners'
    SPIs get different verdicts, which one shared query could not give."""
    spec = load(qemu_v2("sel4", "sel4", extra="boot order k0, k1"))
    verdicts = {r.subject: r.status for r in check(spec, ID)}
    assert verdicts["spi 1"] == FAILED and verdicts["spi 16"] == PROVED
    classes = {irq_route.route_class(spec, s) for s in irq_route.owned_spis(spec)}
    assert len(classes) == 2


def test_the_routing_write_and_implementedness_are_part_of_the_class():
    """One owner, different `route`s (smp GICv2: different logical indices) or one SPI beyond
    `lines`: different classes, different verdicts."""
    smp = load(ZYNQMP_SMP.format(cores="c1, c2", routes="route spi 63 to c1  route spi 61 to c2"))
    by_intid = {s.intid: s for s in irq_route.owned_spis(smp)}
    assert irq_route.route_class(smp, by_intid[93]) != irq_route.route_class(smp, by_intid[95])
    verdicts = {r.subject: r.status for r in check(smp, ID)}
    assert verdicts["spi 61"] == PROVED and verdicts["spi 63"] == FAILED
    beyond = check(qemu_v2(k1_extra="irq spi 300 edge"), ID)
    assert {r.subject: r.status for r in beyond if r.subject in ("spi 16", "spi 300")} == {"spi 16": PROVED, "spi 300": FAILED}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
