"""Platforms read from device trees (checker/dts.py): `pcheck import dts` and `platform ... from dts`.

The fixtures in tests/dts/ are pcheck's own, one rule each. The real boards (seL4's tools/dts)
are read from ../shared/data/dts when it is there; those tests skip cleanly without it.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess

import pytest
from attrs import evolve

import checker
from checker import dts
from checker.cli import main
from tests.corpus import ROOT

FIXTURES = os.path.join(ROOT, "tests", "dts")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data", "dts")
shared_data = pytest.mark.skipif(not os.path.isdir(SHARED), reason="../shared/data/dts is not here")


def fixture(name: str) -> str:
    return os.path.join(FIXTURES, name)


def board(*names: str) -> dts.Board:
    return dts.read_dts([fixture(n) for n in names])


def devices(b: dts.Board) -> dict[str, tuple]:
    return {d.name: (d.base, d.size, tuple((i.kind, i.number, i.trigger) for i in d.irqs), d.disabled) for d in b.devices}


def noted(b: dts.Board, words: str) -> bool:
    return any(words in n.message for n in b.notes)


# ---------------------------------------------------------------- the rules, one fixture each


def test_cpus_memory_holes_and_the_gicv2_of_a_board():
    b = board("board-v2.dts")
    assert [(c.name, c.mpidr) for c in b.cpus] == [("cpu0", 0), ("cpu1", 1)]  # idle-states is no cpu
    # Two adjacent `reg` tuples are one bank (seL4's merge_memory_regions); the bank above 4 GiB stays apart.
    assert [(m.base, m.size) for m in b.memory] == [(0x4000_0000, 0x4000_0000), (0x1_0000_0000, 0x4000_0000)]
    assert noted(b, "continues the bank before it and is merged")
    # no-map children are holes; a reusable CMA pool and a pool without reg are not.
    assert [(h.name, h.base, h.size) for h in b.holes] == [("secmon", 0x4000_0000, 0x20_0000)]
    assert noted(b, "cma@50000000 has no `no-map`") and noted(b, "pool has no reg")
    assert noted(b, "/memreserve/ entries are ignored: seL4 does not read them (seL4 issue #899)")
    g = b.gic
    assert g.version == 2 and (g.distributor.base, g.distributor.size) == (0x800_0000, 0x1000)
    assert (g.cpu_interface.base, g.cpu_interface.size) == (0x801_0000, 0x2000)


def test_devices_addresses_and_interrupts_of_a_board():
    got = devices(board("board-v2.dts"))
    assert got == {
        "serial": (0x900_0000, 0x1000, (("spi", 1, "level"),), False),
        # two reg entries: two regions, the interrupts with the first; a repeated line listed once
        "timer": (0x900_2000, 0x100, (("spi", 10, "edge"), ("spi", 11, "level")), False),
        "timer_r1": (0x900_3000, 0x100, (), False),
        # status = "disabled" is kept (seL4 ignores it) and marked; flags 0 give no trigger
        "gpio": (0x900_4000, 0x1000, (("spi", 12, None),), True),
        "pmu-regs": (0x900_5000, 0x100, (("ppi", 7, "level"),), False),
        "hdmi": (0x900_6000, 0x1000, (("spi", 20, "level"),), False),
        # through bus@c000000's ranges (0 -> 0xc000000); the bus itself is not a device
        "spi": (0xc00_2000, 0x100, (("spi", 30, "level"),), False),
        "i2c": (0x900_7000, 0x100, (("spi", 31, "level"),), False),
        # an empty `ranges` is the identity
        "rtc": (0xa00_0000, 0x1000, (("spi", 40, "level"),), False),
    }


def test_what_a_board_leaves_out_is_noted():
    b = board("board-v2.dts")
    assert noted(b, "/soc/serial@9001000 is a kernel device (/chosen seL4,kernel-devices)")  # by alias
    assert noted(b, "1 bus nodes with `reg` and `ranges` (e.g. /soc/bus@c000000)")
    # i2c's eeprom@50 and no-ranges-bus/thing@1000: not CPU-addressable
    assert noted(b, "2 nodes with `reg` are not CPU-addressable")
    assert noted(b, "/soc/timer@9002000 lists an interrupt more than once")
    # two nodes for one register block: reported, and the second left out (no MEM-DISJOINT failure)
    assert noted(b, "/soc/hdmi-audio@9006000 [0x9006000, +0x1000) overlaps /soc/hdmi@9006000")


def test_a_gicv3_board_with_a_gpc_interrupts_extended_and_an_interrupt_map():
    b = board("board-v3.dts")
    g = b.gic
    assert g.version == 3 and (g.redistributors.base, g.stride) == (0x3888_0000, 0x4_0000)
    got = devices(b)
    # uart's interrupt-parent is the (inherited) GPC, a three-cell controller under the GIC: passed on
    assert got["uart"][2] == (("spi", 26, "level"),)
    # interrupts-extended: a GIC line, and one through gpio1 (not the GIC), which is noted
    assert got["button"][2] == (("spi", 27, "edge"),) and noted(b, "an interrupt through /gpio@30200000 (not the GIC)")
    # the PCIe nexus maps INTB (2) to SPI 124
    assert got["nic"][2] == (("spi", 124, "level"),)
    assert noted(b, "DynamIQ cores (cpu0, cpu1, cpu2) have `reg` 0x0, 0x1, 0x2, which looks packed")


def test_overlays_merge_as_the_sel4_build_appends_them():
    b = board("base.dts", "overlay-memory.dts", "overlay-devices.dts")
    assert [(m.base, m.size) for m in b.memory] == [(0x4000_0000, 0x4000_0000)]  # /delete-node/ and a new node
    got = devices(b)
    assert got["serial"][2] == (("spi", 5, "edge"),)  # &uart0 replaced its interrupts
    assert got["serial_9001800"][:3] == (0x900_1800, 0x800, ())  # &{/serial@9001000}: a new reg, /delete-property/
    assert "watchdog" not in got  # /delete-node/
    assert got["rng"][2] == (("spi", 6, "level"),)  # from an /include/d file
    by_name = {d.name: d for d in b.devices}
    # Each item is located where its value was last written.
    assert by_name["serial"].irqs[0].span.file.endswith("overlay-devices.dts")
    assert by_name["serial_9001800"].span.file.endswith("overlay-devices.dts")
    assert by_name["rng"].span.file.endswith("overlay-included.dtsi")


def test_without_the_memory_overlay_the_base_has_no_memory():
    with pytest.raises(dts.DtsError) as exc:
        board("base.dts")
    assert exc.value.code == "E402" and "no memory node with a non-empty reg" in exc.value.message


@pytest.mark.skipif(shutil.which("dtc") is None, reason="needs dtc to make a .dtb")
def test_a_dtb_reads_like_its_dts(tmp_path):
    blob = tmp_path / "board.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(blob), fixture("board-v2.dts")], check=True)
    from_dtb = dts.read_dts([str(blob)])
    from_dts = board("board-v2.dts")
    assert devices(from_dtb) == devices(from_dts)
    assert [(m.base, m.size) for m in from_dtb.memory] == [(m.base, m.size) for m in from_dts.memory]
    assert [(c.name, c.mpidr) for c in from_dtb.cpus] == [(c.name, c.mpidr) for c in from_dts.cpus]


# ---------------------------------------------------------------- the generated .mk and `from dts`


SYSTEM = """
kernel k0 {{ cores cpu0  ram at 0x4020_0000 size 256M  devices serial, timer }}
kernel k1 {{ cores cpu1  ram at 0x6000_0000 size 256M  devices rtc, spi }}
"""


def from_dts(tmp_path, body: str = "lines 96  max_irq 95", system: str = SYSTEM) -> checker.Loaded:
    spec = tmp_path / "system.mk"
    spec.write_text(f'platform b from dts "{fixture("board-v2.dts")}" {{ {body} }}\n' + system.format())
    return checker.load(str(spec))


def test_the_generated_mk_is_deterministic_and_is_the_from_dts_platform(tmp_path):
    b = board("board-v2.dts")
    text = dts.to_mk(b, "b", 96, 95)
    assert text == dts.to_mk(board("board-v2.dts"), "b", 96, 95)
    written = tmp_path / "b.mk"
    written.write_text(text + SYSTEM.format())
    imported = checker.load(str(written))
    direct = from_dts(tmp_path)
    assert imported.ok and direct.ok, (imported.diagnostics, direct.diagnostics)

    def plain(platform):
        strip = lambda r: evolve(r, span=None)  # noqa: E731
        return evolve(platform, span=None, dts=(), cpus=tuple(evolve(c, span=None) for c in platform.cpus),
                      memory=tuple(map(strip, platform.memory)), reserved=tuple(map(strip, platform.reserved)),
                      gic=evolve(platform.gic, span=None, distributor=strip(platform.gic.distributor),
                                 cpu_interface=strip(platform.gic.cpu_interface)),
                      devices=tuple(evolve(d, span=None, region=strip(d.region), irqs=tuple(evolve(i, span=None) for i in d.irqs))
                                    for d in platform.devices))

    assert plain(imported.spec.platform) == plain(direct.spec.platform)
    verdicts = lambda spec: [(r.id, r.subject, r.status) for r in checker.check(spec).results]  # noqa: E731
    assert verdicts(imported.spec) == verdicts(direct.spec)


def test_a_failure_on_a_platform_from_dts_points_into_the_dts(tmp_path):
    """seL4's maxIRQ below the timer's SPI 11: IRQ-RANGE fails it, at the `interrupts` line of the DTS."""
    loaded = from_dts(tmp_path, "lines 96  max_irq 42")
    assert loaded.ok
    report = checker.check(loaded.spec, checker.Options(only=("IRQ-RANGE",)))
    failed = [r for r in report.results if r.status == "failed"]
    assert failed
    for r in failed:
        assert r.location.file == fixture("board-v2.dts")
        line = open(fixture("board-v2.dts"), encoding="utf-8").read().split("\n")[r.location.line - 1]
        assert "interrupts" in line, line
    out = io.StringIO()
    main([str(tmp_path / "system.mk")], out, io.StringIO())
    assert f"{fixture('board-v2.dts')}:" in out.getvalue()


def test_a_cpu_line_corrects_a_packed_dynamiq_reg(tmp_path):
    spec = tmp_path / "s.mk"
    spec.write_text(f'platform b from dts "{fixture("board-v3.dts")}" {{ lines 160  max_irq 159  cpu cpu1 mpidr 0x100  cpu cpu2 mpidr 0x200 }}\n'
                    "kernel k0 { cores cpu0, cpu1 profile sel4-smp ram at 0x8000_0000 size 256M devices uart }\n")
    loaded = checker.load(str(spec))
    assert loaded.ok, loaded.diagnostics
    assert [c.mpidr for c in loaded.spec.platform.cpus] == [0x0, 0x100, 0x200]
    assert loaded.spec.platform.cpus[1].span.file == str(spec)  # the correction is the user's line


def test_lines_and_max_irq_must_be_given(tmp_path):
    loaded = from_dts(tmp_path, "paddr_bits 40")
    (d,) = [d for d in loaded.diagnostics if d.is_error]
    assert d.code == "E304" and "`lines N`" in d.message and "`max_irq N`" in d.message


# ---------------------------------------------------------------- pcheck import dts


def test_pcheck_import_dts_writes_a_platform_and_notes(tmp_path):
    target = tmp_path / "platforms" / "b.mk"
    target.parent.mkdir()
    out, err = io.StringIO(), io.StringIO()
    assert main(["import", "dts", fixture("base.dts"), fixture("overlay-memory.dts"), fixture("overlay-devices.dts"),
                 "--lines", "96", "--max-irq", "95", "-o", str(target)], out, err) == 0
    text = target.read_text()
    assert text.startswith("// board: imported by `pcheck import dts`") and "platform base {" in text
    assert "device rng            at 0x900_3000 size 0x100 irq spi 6 level   // /rng@9003000" in text


def test_pcheck_import_dts_needs_lines_and_max_irq():
    err = io.StringIO()
    assert main(["import", "dts", fixture("board-v2.dts")], io.StringIO(), err) == 2
    assert "--lines and --max-irq are needed" in err.getvalue()


def test_pcheck_import_dts_reports_a_bad_tree_located_with_its_line():
    err = io.StringIO()
    bad = os.path.join(ROOT, "tests", "invalid", "dts", "E403-bad-reg.dts")
    assert main(["import", "dts", bad, "--lines", "96", "--max-irq", "95"], io.StringIO(), err) == 2
    text = err.getvalue()
    assert text.startswith(f"{bad}:7:3: error[E403]: ") and "    7 |   reg = <0x9000000 0x1000 0x0>;" in text
    assert "Traceback" not in text


def test_pcheck_import_dts_will_not_overwrite_its_input(tmp_path):
    copy = tmp_path / "b.dts"
    copy.write_text(open(fixture("board-v2.dts"), encoding="utf-8").read())
    err = io.StringIO()
    assert main(["import", "dts", str(copy), "--lines", "96", "--max-irq", "95", "-o", str(copy)], io.StringIO(), err) == 2
    assert "one of the device trees being read" in err.getvalue()


# ---------------------------------------------------------------- seL4's boards (../shared/data/dts)


# The DTS lists seL4's build uses (src/plat/*/config.cmake, seL4 16.0.0), each with the platform
# pcheck ships for it, if any.
STACKS = {
    "rpi4": (["rpi4.dts", "ov-rpi4.dts", "ov-rpi4-am.dts", "ov-rpi4-8gb.dts"], "rpi4"),
    "imx8mm-evk": (["imx8mm-evk.dts"], "imx8mm"),
    "imx8mq-evk": (["imx8mq-evk.dts"], None),
    "maaxboard": (["maaxboard.dts"], None),
    "odroidc2": (["odroidc2.dts"], None),
    "odroidc4": (["odroidc4.dts"], "odroidc4"),
    "zynqmp": (["zynqmp.dts"], "zynqmp"),
}


def shared(names):
    return [os.path.join(SHARED, n) for n in names]


@shared_data
@pytest.mark.parametrize("name", sorted(STACKS))
def test_each_sel4_board_imports_parses_and_checks(tmp_path, name):
    files, _ = STACKS[name]
    b = dts.read_dts(shared(files))
    text = dts.to_mk(b, "board", 1024, 1019)
    bank = max(b.memory, key=lambda m: m.size)
    kernel = f"kernel k0 {{ cores {b.cpus[0].name} ram at {bank.base + bank.size - 0x100_0000:#x} size 16M }}\n"
    path = tmp_path / "board.mk"
    path.write_text(text + kernel)
    loaded = checker.load(str(path))
    assert loaded.ok, [f"{d.span}: {d.message}" for d in loaded.diagnostics if d.is_error][:5]
    assert checker.check(loaded.spec).status == "proved"
    # And the same platform straight from the device trees.
    direct = tmp_path / "direct.mk"
    quoted = ", ".join(f'"{f}"' for f in shared(files))
    direct.write_text(f"platform board from dts {quoted} {{ lines 1024  max_irq 1019 }}\n" + kernel)
    assert checker.check(checker.load(str(direct)).spec).status == "proved"


# What the hand-written platforms say that the device trees do not, and why (see the README).
KNOWN = {
    ("odroidc4", "cpus"): "DynamIQ: the DT reg is 0..3, the hand-written file has the real MPIDRs 0x000..0x300",
    ("imx8mm", "gpt1"): "gpt1 is not in seL4's imx8mm-evk.dts; the hand-written file takes it from Linux's",
}


@shared_data
@pytest.mark.parametrize("name", [n for n, (_, plat) in sorted(STACKS.items()) if plat])
def test_the_device_tree_agrees_with_the_hand_written_platform(name):
    files, plat = STACKS[name]
    b = dts.read_dts(shared(files))
    hand = checker.load_text(open(os.path.join(ROOT, "specs", "platforms", f"{plat}.mk"), encoding="utf-8").read()
                             + f"kernel k0 {{ cores {_first_cpu(plat)} }}\n", os.path.join(ROOT, "specs", "platforms", f"{plat}.mk"))
    p = hand.spec.platform
    if (plat, "cpus") not in KNOWN:
        assert [c.mpidr for c in p.cpus] == [c.mpidr for c in b.cpus]
    assert [(m.base, m.size) for m in p.memory] == [(m.base, m.size) for m in b.memory]
    assert {(h.base, h.size) for h in p.reserved} <= {(h.base, h.size) for h in b.holes}
    assert (p.gic.distributor.base, p.gic.distributor.size) == (b.gic.distributor.base, b.gic.distributor.size)
    if p.gic.version == 2:
        assert (p.gic.cpu_interface.base, p.gic.cpu_interface.size) == (b.gic.cpu_interface.base, b.gic.cpu_interface.size)
    else:
        assert (p.gic.redistributors.base, p.gic.redistributor_stride) == (b.gic.redistributors.base, b.gic.stride)
    by_base = {d.base: d for d in b.devices}
    for d in p.devices:
        if (plat, d.name) in KNOWN:
            assert d.region.base not in by_base
            continue
        found = by_base.get(d.region.base)
        assert found is not None, f"{d.name} at {d.region.base:#x} is not in the device tree"
        assert found.size == d.region.size, d.name
        assert sorted(i.intid - 32 for i in d.irqs) == sorted(i.number for i in found.irqs if i.kind == "spi"), d.name
        assert [i.trigger for i in sorted(d.irqs, key=lambda i: i.intid)] == [
            i.trigger for i in sorted(found.irqs, key=lambda i: i.number)], d.name


def _first_cpu(plat: str) -> str:
    text = open(os.path.join(ROOT, "specs", "platforms", f"{plat}.mk"), encoding="utf-8").read()
    return next(line.split()[1] for line in text.splitlines() if line.strip().startswith("cpu "))


RPI4_FROM_DTS = """platform rpi4 from dts {files} {{
    lines 256
    max_irq 216
    paddr_bits 44
}}
"""


@shared_data
@pytest.mark.parametrize("spec", ["rpi4-two-kernels.mk", "rpi4-sgi-collision.mk", "rpi4-sgi-mailbox.mk"])
def test_an_rpi4_system_on_the_device_tree_gets_the_verdicts_of_its_hand_written_twin(tmp_path, spec):
    """The same system with `platform rpi4 from dts` and the DT's names (cores cpuN, devices by node
    name) instead of the hand-written platform: every kernel-, region- and channel-level result is the same."""
    text = open(os.path.join(ROOT, "specs", spec), encoding="utf-8").read()
    hand = checker.load(os.path.join(ROOT, "specs", spec))
    b = dts.read_dts(shared(STACKS["rpi4"][0]))
    by_base = {d.base: d.name for d in b.devices}
    rename = {d.name: by_base[d.region.base] for d in hand.spec.platform.devices}
    rename.update({c.name: f"cpu{n}" for n, c in enumerate(hand.spec.platform.cpus)})
    import re

    twin_text = text.replace('include "platforms/rpi4.mk"',
                             RPI4_FROM_DTS.format(files=", ".join(f'"{f}"' for f in shared(STACKS["rpi4"][0]))))
    twin_text = re.sub(r"\b(" + "|".join(map(re.escape, sorted(rename, key=len, reverse=True))) + r")\b",
                       lambda m: rename[m[1]], twin_text)
    twin_path = tmp_path / spec
    twin_path.write_text(twin_text)
    twin = checker.load(str(twin_path))
    assert twin.ok, [d.message for d in twin.diagnostics if d.is_error]
    a, b2 = checker.check(hand.spec), checker.check(twin.spec)
    assert a.status == b2.status
    kernels = {k.name for k in hand.spec.kernels} | {s.name for s in hand.spec.shared} | {c.name for c in hand.spec.channels}

    def system_level(report):
        keep = set()
        for r in report.results:
            names = set(r.subject.replace(",", " ").split())
            if names & kernels or r.subject.startswith("k") and "." in r.subject or r.subject in ("system", "all"):
                keep.add((r.id, r.subject, r.status))
        return keep

    assert system_level(a) == system_level(b2)
    failed = lambda r: sorted((x.id, x.subject) for x in r.results if x.status == "failed")  # noqa: E731
    renamed = sorted((i, re.sub(r"\b(" + "|".join(map(re.escape, rename)) + r")\b", lambda m: rename[m[1]], s)) for i, s in failed(a))
    assert renamed == failed(b2)
