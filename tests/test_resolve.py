"""The resolver: defaults, profiles, interrupts as INTIDs, includes, names."""

from __future__ import annotations

import os

import pytest

import checker
from checker.spec import SEL4, SEL4_MK, SEL4_SMP
from tests.corpus import ROOT

PLATFORM = """
platform board {
    cpu c0 mpidr 0x0
    cpu c1 mpidr 0x1
    cpu c2 mpidr 0x100
    memory dram at 0x4000_0000 size 2G
    gic v3 {
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 288
    }
    device uart at 0x0900_0000 size 4K irq spi 27 level
    device eth at 0x0a00_0000 size 64K irq spi 118 level, spi 119 edge, ppi 7
}
"""


def load(text: str) -> checker.Spec:
    loaded = checker.load_text(PLATFORM + text, "t.mk")
    assert loaded.ok, [checker.render(d, loaded.sources) for d in loaded.diagnostics]
    return loaded.spec


def test_defaults():
    spec = load("kernel k0 { cores c0 }")
    assert spec.platform.paddr_bits == 40
    assert spec.platform.page == 4096
    assert spec.platform.gic.version == 3 and spec.platform.gic.lines == 288
    (k0,) = spec.kernels
    assert k0.profile == SEL4 and k0.ram == () and k0.routes == ()
    assert spec.boot_order is None and spec.loader_gic_init is False
    # GICv3 redistributors: one frame of `stride` bytes per cpu.
    assert spec.platform.gic.redistributors.size == 3 * 128 * 1024


def test_spi_and_ppi_become_intids():
    spec = load("kernel k0 { cores c0 devices uart irq spi 40 edge, ppi 14 }")
    uart = spec.platform.devices[0]
    assert [(i.intid, i.trigger) for i in uart.irqs] == [(59, "level")]
    eth = spec.platform.devices[1]
    assert [i.intid for i in eth.irqs] == [150, 151, 23]
    k0 = spec.kernels[0]
    assert [(i.intid, i.trigger) for i in k0.irqs] == [(72, "edge"), (30, None)]
    assert [i.intid for i in k0.owned_spis] == [59, 72]


def test_builtin_profiles_match_the_table():
    spec = load("kernel a { cores c0 profile sel4 } kernel b { cores c1 profile sel4-smp } kernel c { cores c2 profile sel4-mk }"
                " loader { gic_init }")
    a, b, c = (k.profile for k in spec.kernels)
    table = {
        "dist_init": ("always", "always", "check"),
        "boot_mask": ("all", "all", "primary"),
        "device_untypeds": ("all", "all", "all"),
        "sgi_signal": (True, False, True),
        "irq_route": ("no", "yes", "primary"),
        "smp": (False, True, False),
        "trigger_config": ("runtime", "runtime", "runtime"),
    }
    for flag, values in table.items():
        assert (getattr(a, flag), getattr(b, flag), getattr(c, flag)) == values, flag
    assert (a, b, c) == (SEL4, SEL4_SMP, SEL4_MK)


def test_extends_chain_in_any_order():
    spec = load(
        """
        profile c extends b { smp yes }
        profile b extends a { trigger_config loader }
        profile a extends sel4-mk { device_untypeds declared }
        profile plain { boot_mask own }
        kernel k0 { cores c0 profile c }
        kernel k1 { cores c1 profile plain }
        loader { gic_init }
        """
    )
    c = spec.kernels[0].profile
    assert c.name == "c"
    assert (c.dist_init, c.boot_mask, c.device_untypeds, c.trigger_config, c.smp, c.irq_route, c.sgi_signal) == (
        "check", "primary", "declared", "loader", True, "primary", True,
    )
    plain = spec.kernels[1].profile
    assert (plain.dist_init, plain.boot_mask, plain.irq_route) == ("always", "own", "no")  # extends sel4 by default


def test_ram_slice_names():
    spec = load(
        """
        kernel k0 { cores c0 ram at 0x4000_0000 size 256M }
        kernel k1 { cores c1 ram at 0x5000_0000 size 256M ram at 0x6000_0000 size 4K }
        """
    )
    k0, k1 = spec.kernels
    assert [r.name for r in k0.ram] == ["k0.ram"]
    assert [(r.name, r.base, r.size) for r in k1.ram] == [("k1.ram[0]", 0x5000_0000, 256 << 20), ("k1.ram[1]", 0x6000_0000, 4096)]


def test_routes_channels_loader_boot_order_waivers():
    spec = load(
        """
        shared box at 0x7000_0000 size 4K { k0 rw, k1 r }
        kernel k0 { profile sel4-smp cores c0, c1 devices eth route spi 119 to c1 }
        kernel k1 { profile sel4-mk cores c2 devices uart }
        channel ping { from k1 to k0 on c1 sgi 7 target 0x1 mailbox box tag 3 }
        loader { gic_init }
        boot order k1, k0
        allow MEM-EXPOSE for k1 "audited"
        """
    )
    k0, k1 = spec.kernels
    assert [(r.intid, r.cpu.name) for r in k0.routes] == [(151, "c1")]
    assert k0.route_core(150).name == "c0" and k0.route_core(151).name == "c1"
    (ping,) = spec.channels
    assert (ping.sender.name, ping.receiver.name, ping.on.name, ping.sgi, ping.target, ping.mailbox.name, ping.tag) == (
        "k1", "k0", "c1", 7, 1, "box", 3,
    )
    assert spec.loader_gic_init is True
    assert [k.name for k in spec.boot_order] == ["k1", "k0"]
    assert [(w.obligation, w.subject, w.reason) for w in spec.waivers] == [("MEM-EXPOSE", "k1", "audited")]
    assert [(a.kernel.name, a.mode) for a in spec.shared[0].access] == [("k0", "rw"), ("k1", "r")]


def test_platform_settings():
    loaded = checker.load_text(PLATFORM.replace("cpu c0", "paddr_bits 48 page 64K cpu c0") + "kernel k { cores c0 }", "t.mk")
    assert loaded.ok
    assert (loaded.spec.platform.paddr_bits, loaded.spec.platform.page) == (48, 64 << 10)


# ---------------------------------------------------------------- includes


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_diamond_include_is_read_once_and_relative_to_the_includer(tmp_path):
    write(tmp_path / "common" / "board.mk", PLATFORM)
    write(tmp_path / "left" / "a.mk", 'include "../common/board.mk"\ninclude "k.mk"\n')
    write(tmp_path / "left" / "k.mk", "kernel k0 { cores c0 }\n")
    write(tmp_path / "right" / "b.mk", 'include "../common/board.mk"\ninclude "./../common/../common/board.mk"\n')
    write(tmp_path / "k.mk", "this is not the file left/a.mk means {\n")  # a decoy next to the root
    write(tmp_path / "root.mk", 'include "left/a.mk"\ninclude "right/b.mk"\nkernel k1 { cores c1 }\n')
    loaded = checker.load(str(tmp_path / "root.mk"))
    assert loaded.ok, [checker.render(d, loaded.sources) for d in loaded.diagnostics]
    assert [k.name for k in loaded.spec.kernels] == ["k1", "k0"]
    board = [p for p in loaded.sources if p.endswith("board.mk")]
    assert len(board) == 1  # read once
    assert not any(p == str(tmp_path / "k.mk") for p in loaded.sources)


def test_include_cycle_is_harmless(tmp_path):
    write(tmp_path / "a.mk", 'include "b.mk"\n' + PLATFORM)
    write(tmp_path / "b.mk", 'include "a.mk"\nkernel k0 { cores c0 }\n')
    loaded = checker.load(str(tmp_path / "a.mk"))
    assert loaded.ok, [d.message for d in loaded.diagnostics]


def test_load_text_includes_relative_to_base_dir(tmp_path):
    write(tmp_path / "plat" / "board.mk", PLATFORM)
    loaded = checker.load_text('include "plat/board.mk"\nkernel k0 { cores c0 }', "<stdin>", base_dir=str(tmp_path))
    assert loaded.ok


def test_corpus_platforms_resolve():
    for name in os.listdir(os.path.join(ROOT, "specs", "platforms")):
        path = os.path.join(ROOT, "specs", "platforms", name)
        loaded = checker.load(path)
        assert loaded.ok, (name, [d.message for d in loaded.diagnostics])


# ---------------------------------------------------------------- names


@pytest.mark.parametrize(
    "text, code",
    [
        ("kernel k0 { cores c9 }", "E201"),
        ("kernel uart { cores c0 }", "E202"),
        ("kernel k0 { cores uart }", "E203"),
        ("kernel k0 { cores c0 } allow NOPE for k0 \"x\"", "E204"),
        ("profile p extends p { } kernel k0 { cores c0 }", "E308"),
        ("kernel k0 { cores c0 route spi 27 to c0 }", "E310"),
    ],
)
def test_name_errors(text, code):
    loaded = checker.load_text(PLATFORM + text, "t.mk")
    assert not loaded.ok
    assert code in [d.code for d in loaded.diagnostics]


def test_v3_gic_without_redistributors_is_an_error_not_a_crash():
    text = PLATFORM.replace("redistributors at 0x080a_0000 stride 128K", "")
    loaded = checker.load_text(text + "kernel k0 { cores c0 }", "t.mk")
    errors = [d for d in loaded.diagnostics if d.is_error]
    assert [d.code for d in errors] == ["E304"]
    assert "needs 'redistributors'" in errors[0].message
