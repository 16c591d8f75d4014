"""MEM-DISJOINT: no address is in two regions of one class
(checker/obligations/mem_disjoint.py; model: model/monitors/mem_disjoint.py, memory-overlap)."""

from __future__ import annotations

import pytest

from checker.obligations import mem_disjoint
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "MEM-DISJOINT"

# A GICv2 board whose device, GIC frame, RAM and shared region placements the tests move.
BOARD = """
platform board {{
    cpu c0 mpidr 0x0 gic_cpu 0
    cpu c1 mpidr 0x1 gic_cpu 1
    memory dram at 0x4000_0000 size 1G
    gic v2 {{
        distributor at 0x0800_0000 size 64K
        cpu_interface at {cpuif} size 64K
        lines 128
    }}
    device uart at 0x0900_0000 size 4K irq spi 1 level
    device rtc at {rtc} size 4K
}}
kernel k0 {{ cores c0  ram at 0x4000_0000 size 16M {ram} devices uart }}
kernel k1 {{ cores c1  ram at {k1} size 16M  devices rtc }}
shared q at {q} size 64K {{ k0 rw, k1 r }}
shared p at {p} size 64K {{ k0 rw, k1 r }}
"""


def text(cpuif="0x0801_0000", rtc="0x0901_0000", ram="", k1="0x4100_0000", q="0x6000_0000", p="0x6001_0000"):
    return BOARD.format(cpuif=cpuif, rtc=rtc, ram=ram, k1=k1, q=q, p=p)


def assert_confirmed(spec, r):
    """Expect, scenario (each owner touches the address) and model agree with the counterexample."""
    cex = r.counterexample
    assert r.expect == {"kind": "memory-overlap", "regions": cex["regions"], "address": cex["address"]}
    owners = [o for o in dict.fromkeys(cex["owners"]) if o]
    assert [(s["op"], s["kernel"], s["address"]) for s in r.scenario] == [("access", o, cex["address"]) for o in owners]
    hit = violation(spec, r)
    assert hit is not None
    assert hit.details["address"] == cex["address"] and list(hit.details["regions"]) == cex["regions"]
    assert list(hit.details["owners"]) == cex["owners"]
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- passing


def test_disjoint_regions_are_one_instance_proved_by_the_address_order_sweep():
    """Regions that touch (k0.ram ends where k1.ram starts, q where p starts) do not overlap."""
    results = check(text(), ID)
    assert [(r.subject, r.status) for r in results] == [("all", PROVED)]
    r = results[0]
    assert r.message == "no two regions overlap"
    assert (r.method, r.lemma) == ("solver", "address-order sweep")


# ---------------------------------------------------------------- failing

CASES = [
    # id, spec, subject, address, owners
    ("ram-ram", dict(k1="0x4080_0000"), "k0.ram,k1.ram", 0x4080_0000, ["k0", "k1"]),
    ("ram-shared", dict(q="0x40ff_0000"), "k0.ram,q", 0x40FF_0000, ["k0", None]),
    ("shared-shared", dict(p="0x6000_8000"), "q,p", 0x6000_8000, [None, None]),
    ("one-kernel-slices", dict(ram="ram at 0x40f0_0000 size 1M"), "k0.ram[0],k0.ram[1]", 0x40F0_0000, ["k0", "k0"]),
    ("device-device", dict(rtc="0x0900_0800"), "uart,rtc", 0x0900_0800, ["k0", "k1"]),
    ("device-gic", dict(rtc="0x0800_8000"), "rtc,gic.distributor", 0x0800_8000, ["k1", None]),
    ("gic-gic", dict(cpuif="0x0800_f000"), "gic.distributor,gic.cpu_interface", 0x0800_F000, [None, None]),
]


@pytest.mark.parametrize("kwargs, subject, address, owners", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_two_overlapping_regions_of_one_class_fail_and_the_model_agrees(kwargs, subject, address, owners):
    spec = load(text(**kwargs))
    results = check(spec, ID)
    assert failing(results) == {subject}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"address": address, "regions": subject.split(","), "owners": owners}
    first, second = subject.split(",")
    assert f"is in {first}" in r.message and f"and in {second}" in r.message
    assert (r.method, r.lemma) == ("solver", "address-order sweep")
    assert_confirmed(spec, r)


def test_the_pair_is_named_in_declaration_order_at_the_lowest_shared_address():
    """k1's slice lies below k0's and contains it: the subject still lists k0 first, and the
    address is the higher base (the lowest address in both)."""
    spec = load("""
include "platforms/qemu-virt-gicv2.mk"
kernel k0 { cores a0  ram at 0x4800_0000 size 16M }
kernel k1 { cores a1  ram at 0x4000_0000 size 256M }
""")
    results = check(spec, ID)
    assert failing(results) == {"k0.ram,k1.ram"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample["address"] == 0x4800_0000 and r.counterexample["regions"] == ["k0.ram", "k1.ram"]
    assert_confirmed(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_the_two_classes_are_checked_apart():
    """"Kernel RAM slices are pairwise disjoint and disjoint from shared regions; ...; devices and GIC
    frames are pairwise disjoint": a device inside a RAM slice is no MEM-DISJOINT failure (MEM-BOUNDS
    reports it in RAM)."""
    spec = load(text(rtc="0x4000_0000"))  # rtc inside k0.ram
    assert [(r.subject, r.status) for r in check(spec, ID)] == [("all", PROVED)]
    assert failing(check(spec, "MEM-BOUNDS")) == {"rtc"}
    assert "devices and GIC frames are pairwise disjoint" in mem_disjoint.ENTRY.proves


def test_the_catalogue_claim_shared_regions_are_pairwise_disjoint_even_with_the_same_kernels():
    """"shared regions are pairwise disjoint": q and p list the same kernels and still may not overlap."""
    spec = load(text(p="0x6000_0000"))
    assert failing(check(spec, ID)) == {"q,p"}
    assert "shared regions are pairwise disjoint" in mem_disjoint.ENTRY.proves


# ---------------------------------------------------------------- the lemma: address-order sweep

THREE = """
include "platforms/qemu-virt-gicv2.mk"
kernel k0 {{ cores a0  ram at {a} }}
kernel k1 {{ cores a1  ram at {b} }}
kernel k2 {{ cores a2  ram at {c} }}
"""


def test_an_overlap_of_regions_not_adjacent_in_declaration_order_is_found():
    """k0 and k2 overlap; k1, declared between them, lies elsewhere."""
    spec = load(THREE.format(a="0x4000_0000 size 256M", b="0x6000_0000 size 16M", c="0x4800_0000 size 16M"))
    results = check(spec, ID)
    assert failing(results) == {"k0.ram,k2.ram"}
    assert_confirmed(spec, next(r for r in results if r.status == FAILED))


def test_every_overlapping_pair_is_listed_not_only_the_adjacent_ones():
    """Sorted by base, k0 is followed by k1 then k2; k0 contains both, so k0,k2 overlap without being
    adjacent in address order, and the sweep still lists it, at its own address."""
    spec = load(THREE.format(a="0x4000_0000 size 256M", b="0x4100_0000 size 16M", c="0x4800_0000 size 16M"))
    results = check(spec, ID)
    failed = {r.subject: r for r in results if r.status == FAILED}
    assert set(failed) == {"k0.ram,k1.ram", "k0.ram,k2.ram"}
    assert failed["k0.ram,k1.ram"].counterexample["address"] == 0x4100_0000
    assert failed["k0.ram,k2.ram"].counterexample["address"] == 0x4800_0000
    for r in failed.values():
        assert_confirmed(spec, r)


def test_an_empty_region_holds_no_address_and_hides_no_overlap():
    """An empty region inside a slice overlaps nothing; sorted between two overlapping slices it does not
    stand between them (empty regions are left out before adjacent pairs are taken)."""
    inside = load("""
include "platforms/qemu-virt-gicv2.mk"
kernel k0 { cores a0  ram at 0x4000_0000 size 16M }
shared e at 0x4010_0000 size 0 { k0 rw }
""")
    assert [(r.subject, r.status) for r in check(inside, ID)] == [("all", PROVED)]
    between = load("""
include "platforms/qemu-virt-gicv2.mk"
kernel k0 { cores a0  ram at 0x4000_0000 size 16M }
kernel k1 { cores a1  ram at 0x4080_0000 size 16M }
shared e at 0x4010_0000 size 0 { k0 rw }
""")
    assert failing(check(between, ID)) == {"k0.ram,k1.ram"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
