"""`pcheck build` and `pcheck map` (checker/build/): what a proved spec is turned into, checked with
the real tools: dtc compiles each overlay appended to its base, the C compiler takes every header,
the device-tree importer reads the merged tree back, and MEM-EXPOSE is recomputed from boot.json."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess

import pytest

import checker
from checker import build as building
from checker import dts
from checker.build import boot_table
from checker.cli import main
from checker.regions import page_span
from tests.corpus import ROOT, expectations, system_specs
from tests.golden import GOLDEN, assert_golden

FIXTURES = os.path.join(ROOT, "tests", "dts")
SYSTEMS = {"system-v2": os.path.join(FIXTURES, "system-v2.mk"), "system-v3": os.path.join(FIXTURES, "system-v3.mk")}
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "dts")
CC = shutil.which("cc") or shutil.which("gcc")
CROSS = shutil.which("aarch64-linux-gnu-gcc")
needs_dtc = pytest.mark.skipif(shutil.which("dtc") is None, reason="needs dtc (Debian: device-tree-compiler)")


def built(path: str, base_dts=()) -> tuple[checker.Spec, building.Build]:
    loaded, report = checker.load_and_check(path)
    assert loaded.ok and report.status == "proved", [(r.id, r.subject) for r in report.results if r.status != "proved"]
    return loaded.spec, building.build(loaded.spec, report, base_dts)


# ---------------------------------------------------------------- the command


def test_a_spec_that_does_not_prove_is_not_built_unless_forced(tmp_path):
    spec = os.path.join(ROOT, "specs", "imx8mm-resized-ram.mk")
    out, err = io.StringIO(), io.StringIO()
    assert main(["build", spec, "-o", str(tmp_path / "out")], out, err) == 1
    assert not (tmp_path / "out").exists() and "nothing was written" in err.getvalue()
    assert main(["build", spec, "-o", str(tmp_path / "out"), "--force"], io.StringIO(), io.StringIO()) == 0
    files = sorted(p for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert files
    for p in files:
        assert "NOT PROVED" in p.read_text().split("\n", 3)[1] + p.read_text()[:400], p


def test_the_same_spec_gives_the_same_bytes_and_each_file_names_the_spec_and_its_hash(tmp_path):
    first = built(SYSTEMS["system-v2"])[1].files
    again = built(SYSTEMS["system-v2"])[1].files
    assert first == again
    loaded, report = checker.load_and_check(SYSTEMS["system-v2"])
    stamp = building.stamp_of(loaded.spec, report)
    for name, text in first.items():
        assert f"from system-v2.mk (sha256 {stamp.sha256})" in text[:600], name
    # The hash covers the included device tree too.
    copy = tmp_path / "dts"
    shutil.copytree(FIXTURES, copy)
    (copy / "board-v2.dts").write_text((copy / "board-v2.dts").read_text() + "\n// one more line\n")
    loaded2, report2 = checker.load_and_check(str(copy / "system-v2.mk"))
    assert building.stamp_of(loaded2.spec, report2).sha256 != stamp.sha256


def test_pcheck_build_writes_every_artefact_and_pcheck_map_the_svg(tmp_path):
    out = io.StringIO()
    assert main(["build", SYSTEMS["system-v3"], "-o", str(tmp_path / "b")], out, io.StringIO()) == 0
    names = sorted(str(p.relative_to(tmp_path / "b")) for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert names == ["big/overlay.dts", "big/pcheck_system.h", "boot.json", "boot_table.h", "memory-map.svg", "report.html",
                     "small/overlay.dts", "small/pcheck_system.h"]
    assert main(["map", SYSTEMS["system-v3"], "-o", str(tmp_path / "m.svg")], io.StringIO(), io.StringIO()) == 0
    assert (tmp_path / "m.svg").read_text() == (tmp_path / "b" / "memory-map.svg").read_text()


@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_golden_build_output(name):
    """One spec per GIC version; the goldens change only with --update-goldens."""
    _, b = built(SYSTEMS[name])
    for relative, text in b.files.items():
        assert_golden(os.path.join("build", name, relative), text, GOLDEN)


# ---------------------------------------------------------------- overlays, with dtc and the importer


def merged(base_files, overlay_text: str, tmp_path, name: str) -> str:
    """Base, overlays and the kernel's overlay appended into one file, as seL4's CMake does."""
    text = "".join(open(f, encoding="utf-8").read() + "\n" for f in base_files) + overlay_text
    path = tmp_path / f"{name}.dts"
    # /include/s of the fixtures are relative to them: keep the merged file beside them.
    path.write_text(text)
    return str(path)


def check_overlays(spec, b, base_files, tmp_path):
    for kernel in spec.kernels:
        path = merged(base_files, b.files[f"{kernel.name}/overlay.dts"], tmp_path, kernel.name)
        if shutil.which("dtc"):
            subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", os.devnull, path], check=True,
                           cwd=os.path.dirname(base_files[0]))
        back = dts.read_dts([path])
        ram = []
        for r in sorted(kernel.ram, key=lambda r: r.base):  # adjacent slices read back as one bank
            if ram and ram[-1][0] + ram[-1][1] == r.base:
                ram[-1] = (ram[-1][0], ram[-1][1] + r.size)
            else:
                ram.append((r.base, r.size))
        assert [(m.base, m.size) for m in back.memory] == ram, kernel.name
        inside = {(h.base, h.size) for h in back.holes if any(h.base < r.end and r.base < h.base + h.size for r in kernel.ram)}
        wanted = {(h.base, h.size) for h in spec.platform.reserved if any(h.base < r.end and r.base < h.end for r in kernel.ram)}
        assert inside == wanted, kernel.name


@needs_dtc
@pytest.mark.parametrize("name", sorted(SYSTEMS))
def test_each_overlay_compiles_appended_to_its_base_and_reads_back_as_its_kernel(tmp_path, name):
    spec, b = built(SYSTEMS[name])
    base = list(spec.platform.dts)
    # The fixtures' /include/s are relative: merge next to them.
    local = tmp_path / "dts"
    shutil.copytree(FIXTURES, local)
    check_overlays(spec, b, [str(local / os.path.basename(f)) for f in base], local)


def test_a_first_slice_off_2_mib_is_noted(tmp_path):
    text = open(SYSTEMS["system-v2"], encoding="utf-8").read().replace("ram at 0x4020_0000 size 256M", "ram at 0x4030_0000 size 255M")
    path = tmp_path / "s.mk"
    path.write_text(text.replace('"board-v2.dts"', f'"{os.path.join(FIXTURES, "board-v2.dts")}"'))
    spec, b = built(str(path))
    assert any("not on 2 MiB" in n and "0x4040_0000" in n for n in b.notes)
    assert "not on 2 MiB" in b.files["k0/overlay.dts"]


RPI4 = ["rpi4.dts", "ov-rpi4.dts", "ov-rpi4-am.dts", "ov-rpi4-8gb.dts"]
BOARDS = {"rpi4-two-kernels.mk": RPI4, "imx8mm-two-kernels.mk": ["imx8mm-evk.dts"], "odroidc4-two-kernels.mk": ["odroidc4.dts"],
          "zynqmp-icfgr-loader.mk": ["zynqmp.dts"]}


@needs_dtc
@pytest.mark.skipif(not os.path.isdir(SHARED), reason="../shared/data/dts is not here")
@pytest.mark.parametrize("spec_name", sorted(BOARDS))
def test_overlays_for_sel4_s_own_device_trees(tmp_path, spec_name):
    files = [os.path.join(SHARED, f) for f in BOARDS[spec_name]]
    spec, b = built(os.path.join(ROOT, "specs", spec_name), files)
    check_overlays(spec, b, files, tmp_path)


# ---------------------------------------------------------------- boot table and headers


def _inside(region: tuple[int, int], cover: list[tuple[int, int]]) -> bool:
    """[base, end) is covered by the union of `cover`."""
    base, end = region
    for b, e in sorted(cover):
        if b <= base < e:
            base = e
        if base >= end:
            return True
    return base >= end


@pytest.mark.parametrize("path", system_specs(), ids=os.path.basename)
def test_boot_json_s_reserved_regions_keep_mem_expose_true(path):
    """MEM-EXPOSE recomputed from the emitted table: under `device_untypeds declared` a kernel reaches
    only what is not reserved for it, so every forbidden region must be reserved, and nothing of its
    own (RAM, devices, listed shared regions) may be."""
    loaded = checker.load(path)
    spec = loaded.spec
    if any(e.verdict == "failed" and e.id in ("MEM-DISJOINT", "MEM-BOUNDS") for e in expectations(path)):
        pytest.skip("overlapping regions, or a region in a hole: a region is both a kernel's and reserved")
    doc = json.loads(boot_table.to_json(spec, building.Stamp("x", "0", True)))
    for k, entry in zip(spec.kernels, doc["kernels"]):
        reserved = [(b, b + s) for b, s, _ in entry["reserved"]]
        forbidden = [(r.base, r.end) for o in spec.kernels if o.name != k.name for r in o.ram]
        forbidden += [page_span(d.region, spec.platform.page) for o in spec.kernels if o.name != k.name for d in o.devices if d not in k.devices]
        forbidden += [(s.region.base, s.region.end) for s in spec.shared if s.mode_of(k.name) is None]
        for region in forbidden:
            assert _inside(region, reserved), (k.name, region)
        own = [(r.base, r.end) for r in k.ram] + [(s.region.base, s.region.end) for s in spec.shared if s.mode_of(k.name)]
        for a, b in own:
            assert not any(x < b and a < y for x, y in reserved), (k.name, (a, b))
        assert entry["image_base"] is None or entry["image_base"] % 0x20_0000 == 0


def _compile(cc: str, header_dir: str, include: str, tmp_path) -> None:
    source = tmp_path / "t.c"
    source.write_text(f'#include "{include}"\nint main(void) {{ return 0; }}\n')
    subprocess.run([cc, "-std=c11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror", "-I", header_dir, str(source)], check=True,
                   capture_output=True)


@pytest.mark.skipif(CC is None, reason="needs a C compiler")
@pytest.mark.parametrize("path", [p for p in system_specs() if all(e.verdict == "proved" for e in expectations(p))] + sorted(SYSTEMS.values()),
                         ids=os.path.basename)
def test_every_header_compiles(tmp_path, path):
    loaded, report = checker.load_and_check(path)
    b = building.build(loaded.spec, report)
    out = tmp_path / "out"
    for relative, text in b.files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_text(text)
    for cc in [CC] + ([CROSS] if CROSS else []):
        _compile(cc, str(out), "boot_table.h", tmp_path)
        for k in loaded.spec.kernels:
            _compile(cc, str(out / k.name), "pcheck_system.h", tmp_path)


def test_a_header_names_a_channel_s_sgi_target_and_mailbox():
    spec, b = built(SYSTEMS["system-v2"])
    k0 = b.files["k0/pcheck_system.h"]
    channel = spec.channels[0]
    assert "#define PCHECK_SEND_KICK_SGI 5" in k0
    assert f"#define PCHECK_SEND_KICK_TARGET 0x{checker.default_target(spec, channel):x}" in k0
    assert "#define PCHECK_SEND_KICK_MAILBOX 0x70000000ULL" in k0 and "#define PCHECK_SEND_KICK_TAG 1" in k0
    k1 = b.files["k1/pcheck_system.h"]
    assert "#define PCHECK_RECV_KICK_SGI 5" in k1 and "#define PCHECK_SHARED_RING_WRITABLE 0" in k1
    assert "#define PCHECK_SPI_RTC_40_INTID 72" in k1
