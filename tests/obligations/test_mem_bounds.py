"""MEM-BOUNDS: every region is non-empty, does not wrap, ends by 2^paddr_bits, and sits where its kind may
(checker/obligations/mem_bounds.py; model: model/monitors/mem_bounds.py, region-out-of-bounds)."""

from __future__ import annotations

import pytest

from checker.obligations import mem_bounds
from checker.regions import all_regions
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "MEM-BOUNDS"
U64 = 1 << 64

# Two contiguous banks, lo = [0x4000_0000, 0x8000_0000) and hi = [0x8000_0000, 0xC000_0000),
# with a firmware hole in lo. The GIC frames: distributor [0x0800_0000, +64K), redistributors
# [0x0808_0000, +2 x 128K).
BOARD = """
platform board {{
    paddr_bits 40
    cpu c0 mpidr 0x0
    cpu c1 mpidr 0x1
    memory lo at 0x4000_0000 size 1G
    memory hi at 0x8000_0000 size 1G
    reserved fw at 0x7000_0000 size 64K
    gic v3 {{
        distributor at {dist} size 64K
        redistributors at 0x0808_0000 stride 128K
        lines 128
    }}
    device uart at {uart} size {uart_size} irq spi 1 level
}}
kernel k0 {{ cores c0  ram at {ram} size {ram_size}  devices uart }}
shared q at {shared} size {shared_size} {{ k0 rw }}
"""

REGIONS = ["uart", "gic.distributor", "gic.redistributors", "k0.ram", "q"]


def text(dist="0x0800_0000", uart="0x0900_0000", uart_size="4K", ram="0x4000_0000", ram_size="256M",
         shared="0x6000_0000", shared_size="64K"):
    return BOARD.format(dist=dist, uart=uart, uart_size=uart_size, ram=ram, ram_size=ram_size,
                        shared=shared, shared_size=shared_size)


def the_failure(results):
    failed = [r for r in results if r.status == FAILED]
    assert len(failed) == 1, [(r.subject, r.status, r.message) for r in results]
    return failed[0]


def assert_confirmed(spec, r):
    """The model reports the same region and problem at the counterexample's address, also from a file."""
    cex = r.counterexample
    assert r.expect == {"kind": "region-out-of-bounds", "region": cex["region"], "problem": cex["problem"]}
    hit = violation(spec, r)
    assert hit is not None
    assert hit.details["region"] == cex["region"] and hit.details["problem"] == cex["problem"]
    assert hit.details["address"] == cex.get("address")
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- passing


def test_regions_where_they_may_be_are_proved_by_interval_meet():
    results = check(text(), ID)
    assert {(r.subject, r.status) for r in results} == {(name, PROVED) for name in REGIONS}
    assert all(r.method == "facts" and r.lemma == "interval meet" for r in results)
    by = {r.subject: r for r in results}
    assert by["k0.ram"].message == "k0.ram lies where a ram region may"
    assert by["uart"].message == "uart lies where a device region may"
    assert by["gic.distributor"].message == "gic.distributor lies where a gic region may"
    assert by["q"].message == "q lies where a shared region may"


# ---------------------------------------------------------------- failing

CASES = [
    # id, spec, failing region, problem, address (None: none), hole or bank named, method, words of the message
    ("empty", dict(ram_size="0"), "k0.ram", "empty", None, None, "facts", ["is empty (size 0)"]),
    ("wraps", dict(shared="0xffff_ffff_ffff_f000", shared_size="0x2000"), "q", "wraps", U64 - 1, None, "facts",
     ["wraps past 2^64", "0xffff_ffff_ffff_f000"]),
    # Also in no bank: "beyond" comes first in the order of PROBLEMS.
    ("beyond", dict(shared="0xff_ffff_0000", shared_size="128K"), "q", "beyond", 1 << 40, None, "facts",
     ["0x100_0000_0000", "2^40", "paddr_bits 40"]),
    ("beyond-device", dict(uart="0xff_ffff_f000", uart_size="8K"), "uart", "beyond", 1 << 40, None, "facts", ["2^40"]),
    ("reserved", dict(ram="0x6000_0000", ram_size="0x1001_0000"), "k0.ram", "reserved", 0x7000_0000, "fw", "solver",
     ["0x7000_0000", "reserved hole fw"]),
    ("outside-past-bank", dict(ram="0xb800_0000", ram_size="256M"), "k0.ram", "outside", 0xC000_0000, None, "solver",
     ["0xc000_0000", "past the end of memory bank hi"]),
    ("outside-no-bank", dict(ram="0x2000_0000", ram_size="16M"), "k0.ram", "outside", 0x2000_0000, None, "solver",
     ["0x2000_0000", "in no memory bank"]),
    ("in-ram-device", dict(uart="0x7fff_f000"), "uart", "in-ram", 0x7FFF_F000, "lo", "solver",
     ["device", "in RAM bank lo"]),
    ("in-ram-gic", dict(dist="0x3fff_8000"), "gic.distributor", "in-ram", 0x4000_0000, "lo", "solver",
     ["0x4000_0000", "in RAM bank lo"]),
]


@pytest.mark.parametrize("kwargs, region, problem, address, other, method, words", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_each_way_to_be_misplaced_fails_and_the_model_agrees(kwargs, region, problem, address, other, method, words):
    spec = load(text(**kwargs))
    results = check(spec, ID)
    assert failing(results) == {region}
    r = the_failure(results)
    cex = r.counterexample
    assert cex["region"] == region and cex["problem"] == problem
    placed = {o.region.name: o.region for o in all_regions(spec)}[region]
    assert (cex["base"], cex["size"]) == (placed.base, placed.size)
    assert cex.get("address") == address
    assert cex.get("other") == other
    assert r.method == method and r.lemma == "interval meet"
    for word in words:
        assert word in r.message
    assert_confirmed(spec, r)


def test_a_region_that_breaks_several_rules_is_named_for_the_first_only():
    """A region that wraps is also beyond 2^40 and in no bank: one failure, `wraps`."""
    results = check(text(ram="0xffff_ffff_0000_0000", ram_size="8G"), ID)
    failed = [r for r in results if r.status == FAILED]
    assert [(r.subject, r.counterexample["problem"]) for r in failed] == [("k0.ram", "wraps")]


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_every_region_is_an_instance():
    """Instances: "every region (devices, GIC frames, RAM slices, shared regions)", in that order,
    GICv2 CPU interface and every RAM slice of a kernel included."""
    spec = load("""
include "platforms/qemu-virt-gicv2.mk"
kernel k0 { cores a0  ram at 0x4000_0000 size 16M  ram at 0x4200_0000 size 16M }
kernel k1 { cores a1  ram at 0x5000_0000 size 16M }
shared q at 0x6000_0000 size 64K { k0 rw, k1 r }
""")
    results = check(spec, ID)
    devices = [d.name for d in spec.platform.devices]
    assert len(devices) == 10
    assert [r.subject for r in results] == devices + ["gic.distributor", "gic.cpu_interface", "k0.ram[0]", "k0.ram[1]", "k1.ram", "q"]
    assert all(r.status == PROVED for r in results)
    assert "every device and GIC frame lies outside RAM" in mem_bounds.ENTRY.proves


def test_the_catalogue_claim_inside_one_bank_not_across_two():
    """"Every kernel RAM slice and shared region lies inside one memory bank": a slice across the
    seam of two contiguous banks is inside their union but in neither, and fails at the seam."""
    spec = load(text(ram="0x7800_0000", ram_size="256M"))  # [0x7800_0000, 0x8800_0000): lo, then hi
    r = the_failure(check(spec, ID))
    assert (r.subject, r.counterexample["problem"], r.counterexample["address"]) == ("k0.ram", "outside", 0x8000_0000)
    assert "past the end of memory bank lo" in r.message
    assert_confirmed(spec, r)
    assert "lies inside one memory bank" in mem_bounds.ENTRY.proves


@pytest.mark.parametrize("size, fails", [("4K", False), ("0x1001", True)])
def test_the_catalogue_claim_ends_at_or_below_2_to_the_paddr_bits(size, fails):
    """"ends at or below 2^paddr_bits": a device whose last byte is 2^40 - 1 is proved; one byte more is beyond."""
    spec = load(text(uart="0xff_ffff_f000", uart_size=size))
    results = check(spec, ID)
    assert failing(results) == ({"uart"} if fails else set())
    if fails:
        r = the_failure(results)
        assert r.counterexample["problem"] == "beyond" and r.counterexample["address"] == 1 << 40
        assert_confirmed(spec, r)
    assert "ends at or below 2^paddr_bits" in mem_bounds.ENTRY.proves


# ---------------------------------------------------------------- the lemma: interval meet


@pytest.mark.parametrize("kwargs, region", [
    (dict(ram="0x6000_0000", ram_size="0x1000_0000"), "k0.ram"),  # ends where the hole fw starts
    (dict(ram="0x7001_0000", ram_size="0x0fff_0000"), "k0.ram"),  # starts where the hole fw ends
    (dict(uart="0x3fff_f000"), "uart"),  # ends where bank lo starts
    (dict(uart="0xc000_0000"), "uart"),  # starts where bank hi ends
])
def test_a_hole_or_bank_that_only_touches_the_region_is_left_out(kwargs, region):
    """Half-open intervals that touch do not meet: the hole or bank is left out and the region is proved
    with a constant query (facts); one byte further in, it is kept and the solver finds the address."""
    results = check(text(**kwargs), ID)
    r = next(r for r in results if r.subject == region)
    assert (r.status, r.method, r.lemma) == (PROVED, "facts", "interval meet")


@pytest.mark.parametrize("kwargs, region, address", [
    (dict(ram="0x6000_0000", ram_size="0x1000_0001"), "k0.ram", 0x7000_0000),
    (dict(ram="0x7000_ffff", ram_size="0x1000_0000"), "k0.ram", 0x7000_FFFF),
    (dict(uart="0x3fff_f001"), "uart", 0x4000_0000),
    (dict(uart="0xbfff_ffff", uart_size="1"), "uart", 0xBFFF_FFFF),
])
def test_a_hole_or_bank_that_meets_the_region_by_one_byte_is_kept(kwargs, region, address):
    spec = load(text(**kwargs))
    r = the_failure(check(spec, ID))
    assert r.subject == region and r.counterexample["address"] == address and r.method == "solver"
    assert_confirmed(spec, r)


TOUCHING_HOLE = """
platform board {
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    memory hi at 0x8000_0000 size 1G
    reserved touching at 0x4ff0_0000 size 1M
    reserved inside at 0x5800_0000 size 64K
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x0808_0000 stride 128K
        lines 128
    }
    device uart at 0x8000_0000 size 4K
}
kernel k0 { cores c0  ram at 0x5000_0000 size 256M }
"""


def test_a_hole_or_bank_that_only_touches_is_not_the_one_named():
    """The first hole in declaration order ends where the slice starts, and the first bank ends where
    the device starts: the failures name the hole and the bank that meet, at their first shared byte."""
    spec = load(TOUCHING_HOLE)
    failed = {r.subject: r for r in check(spec, ID) if r.status == FAILED}
    assert set(failed) == {"k0.ram", "uart"}
    assert (failed["k0.ram"].counterexample["other"], failed["k0.ram"].counterexample["address"]) == ("inside", 0x5800_0000)
    assert (failed["uart"].counterexample["other"], failed["uart"].counterexample["address"]) == ("hi", 0x8000_0000)
    for r in failed.values():
        assert_confirmed(spec, r)


TWO_HOLES = """
platform board {
    cpu c0 mpidr 0x0
    memory dram at 0x4000_0000 size 1G
    reserved fw_high at 0x4800_0000 size 64K
    reserved fw_low at 0x4400_0000 size 64K
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x0808_0000 stride 128K
        lines 128
    }
}
kernel k0 { cores c0  ram at 0x4000_0000 size 256M }
"""


def test_the_witness_is_the_lowest_address_of_the_first_problem():
    """"Witness: the first case, in the order above, that the region breaks, at its lowest address":
    with two holes in the slice, declared high one first, the lowest address in a hole is fw_low's base."""
    spec = load(TWO_HOLES)
    r = the_failure(check(spec, ID))
    assert r.counterexample["problem"] == "reserved"
    assert (r.counterexample["address"], r.counterexample["other"]) == (0x4400_0000, "fw_low")


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
