"""MEM-ALIGN: RAM slices and shared regions are page aligned (checker/obligations/mem_align.py)."""

from __future__ import annotations

import pytest

from checker.obligations import mem_align
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "MEM-ALIGN"

SPEC = """
include "platforms/qemu-virt-gicv2.mk"
kernel k0 {{ cores a0  ram at {base} size {size}  devices fw_cfg }}
kernel k1 {{ cores a1  ram at 0x5000_0000 size 16M }}
shared q at {shared} size 64K {{ k0 rw, k1 r }}
"""


def text(base="0x4000_0000", size="16M", shared="0x6000_0000"):
    return SPEC.format(base=base, size=size, shared=shared)


def test_aligned_regions_are_proved_by_facts():
    results = check(text(), ID)
    assert {(r.subject, r.status) for r in results} == {("k0.ram", PROVED), ("k1.ram", PROVED), ("q", PROVED)}
    assert all(r.method == "facts" and r.lemma == "concrete arithmetic" for r in results)
    assert results[0].message == "k0.ram is 4K-page aligned"


@pytest.mark.parametrize("base, size, base_offset, size_offset", [
    ("0x4000_0800", "16M", 0x800, 0),
    ("0x4000_0000", "0x100_0100", 0, 0x100),
    ("0x4000_0010", "0x100_0001", 0x10, 1),
])
def test_a_misaligned_slice_fails_with_its_remainders_and_the_model_agrees(base, size, base_offset, size_offset):
    spec = load(text(base=base, size=size))
    results = check(spec, ID)
    assert failing(results) == {"k0.ram"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample["base_offset"] == base_offset and r.counterexample["size_offset"] == size_offset
    assert r.counterexample["page"] == 0x1000
    assert ("past a 4K page boundary" in r.message) == bool(base_offset)
    assert ("is not a multiple of 4K" in r.message) == bool(size_offset)
    assert r.method == "facts"
    assert r.expect == {"kind": "region-misaligned", "region": "k0.ram", "base_offset": base_offset, "size_offset": size_offset}
    hit = violation(spec, r)
    assert hit is not None and hit.details["base_offset"] == base_offset
    assert replays_from_file(spec, r)


def test_a_misaligned_shared_region_fails():
    assert failing(check(text(shared="0x6000_0200"), ID)) == {"q"}


def test_the_catalogue_claim_devices_are_not_instances():
    """"devices may be smaller than a page": a 0x18-byte device is no MEM-ALIGN instance; RAM and shared regions are."""
    spec = load(text())
    results = check(spec, ID)
    assert {r.subject for r in results} == {"k0.ram", "k1.ram", "q"}
    assert "fw_cfg" in {d.name for d in spec.platform.devices}
    assert "devices may be smaller than a page" in mem_align.ENTRY.proves


def test_the_page_granule_is_the_platform_s():
    spec = load(text(base="0x4000_4000").replace('include "platforms/qemu-virt-gicv2.mk"', 'include "platforms/qemu-virt-gicv2.mk"'))
    assert failing(check(spec, ID)) == set()  # 16 KiB offsets are 4 KiB aligned
    from attrs import evolve

    coarse = evolve(spec, platform=evolve(spec.platform, page=0x10000))
    assert failing(check(coarse, ID)) == {"k0.ram"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
