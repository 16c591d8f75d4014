"""MEM-ALIGN: RAM slices and shared regions are page aligned (checker/obligations/mem_align.py)."""

from __future__ import annotations

import os

import pytest

from checker.obligations import mem_align
from checker.result import FAILED, PROVED
from tests.corpus import ROOT
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
    assert {(r.subject, r.status) for r in results} == {("k0.ram", PROVED), ("k1.ram", PROVED), ("q", PROVED), ("fw_cfg", PROVED)}
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


def test_the_catalogue_claim_devices_may_be_smaller_than_a_page():
    """"devices may be smaller than a page": a 0x18-byte device proves; only devices a kernel owns are instances."""
    spec = load(text())
    results = check(spec, ID)
    assert {r.subject for r in results} == {"k0.ram", "k1.ram", "q", "fw_cfg"}
    assert next(r for r in results if r.subject == "fw_cfg").message == "the 4K pages of fw_cfg hold no GIC kernel frame"
    assert "devices may be smaller than a page" in mem_align.ENTRY.proves


# seL4 keeps the first 4 KiB of a GICv2 distributor and CPU interface (the first 64 KiB of a GICv3
# distributor, 1 MiB of its redistributors) out of every untyped: a device whose page holds one of
# those pages cannot be mapped with that page size.
PAGED = """
include "platforms/qemu-virt-gic{v}.mk"
kernel k0 {{ cores a0  ram at 0x4000_0000 size 1G  devices {device} }}
"""


def paged(tmp_path, version, page, device):
    src = open(os.path.join(ROOT, "specs", "platforms", f"qemu-virt-gic{version}.mk"), encoding="utf-8").read()
    assert "    page 4K\n" in src
    (tmp_path / "platforms").mkdir(exist_ok=True)
    (tmp_path / "platforms" / f"qemu-virt-gic{version}.mk").write_text(src.replace("    page 4K\n", f"    page {page}\n"))
    import checker

    loaded = checker.load_text(PAGED.format(v=version, device=device), "inline.mk", base_dir=str(tmp_path))
    assert not [d for d in loaded.diagnostics if d.is_error], loaded.diagnostics
    return loaded.spec


@pytest.mark.parametrize("version, page, device, frame", [
    ("v2", "1G", "uart", "gic.distributor"),     # [0, 1G) holds the distributor at 0x0800_0000
    ("v2", "64K", "gpio", None),                # 0x0903_0000's 64K page is the GPIO's own
    ("v2", "2M", "uart", None),                 # [0x0900_0000, 0x0920_0000): no GIC page in it
    ("v3", "1G", "uart", "gic.distributor"),
    ("v3", "2M", "uart", None),
])
def test_a_device_sharing_a_page_with_a_gic_kernel_frame_cannot_be_mapped(tmp_path, version, page, device, frame):
    spec = paged(tmp_path, version, page, device)
    results = [r for r in check(spec, ID) if r.subject == device]
    assert len(results) == 1
    r = results[0]
    if frame is None:
        assert r.status == PROVED and r.method == "facts"
        return
    assert r.status == FAILED and r.method == "facts"
    assert f"cannot be mapped with {page} pages" in r.message and f"holds {frame}'s kernel frame" in r.message
    assert r.expect == {"kind": "device-page-unmappable", "device": device, "frame": frame}
    assert r.counterexample["frame"] == frame and r.counterexample["page"] == spec.platform.page
    hit = violation(spec, r)
    assert hit is not None and hit.details["frame"] == frame
    assert replays_from_file(spec, r)


def test_kernel_frames_follow_sel4_kernel_sizes():
    """hardware.yml kernel_size: 4K of each GICv2 frame, 64K of a GICv3 distributor, 1M of its
    redistributors; a region smaller than that is kept whole, widened to 4 KiB pages."""
    from checker.sel4 import kernel_frames

    v2 = load(text())
    assert [(f.name, f.base, f.size) for f in kernel_frames(v2)] == [
        ("gic.distributor", 0x0800_0000, 0x1000), ("gic.cpu_interface", 0x0801_0000, 0x1000)]
    from attrs import evolve

    gic = v2.platform.gic
    small = evolve(v2, platform=evolve(v2.platform, gic=evolve(gic, distributor=evolve(gic.distributor, base=0x0800_0800, size=0x100))))
    assert kernel_frames(small)[0].base == 0x0800_0000 and kernel_frames(small)[0].size == 0x1000


def test_the_page_granule_is_the_platform_s():
    spec = load(text(base="0x4000_4000").replace('include "platforms/qemu-virt-gicv2.mk"', 'include "platforms/qemu-virt-gicv2.mk"'))
    assert failing(check(spec, ID)) == set()  # 16 KiB offsets are 4 KiB aligned
    from attrs import evolve

    coarse = evolve(spec, platform=evolve(spec.platform, page=0x10000))
    assert failing(check(coarse, ID)) == {"k0.ram"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
