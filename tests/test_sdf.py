"""`pcheck import sdf`: Microkit multikernel SDFs as system specs (checker/sdf.py).

The SDFs are this project's own (tests/sdf/, tests/invalid/sdf/). Each seeded mistake of the
issue fails with a counterexample the model reproduces.
"""

from __future__ import annotations

import glob
import os
import re
import subprocess
import sys

import pytest

import checker
from checker import sdf
from checker.diagnostics import render
from checker.result import FAILED, PROVED
from tests.corpus import ROOT
from tests.obligations.support import violation

SDF = os.path.join(ROOT, "tests", "sdf")
INVALID = os.path.join(ROOT, "tests", "invalid", "sdf")
PLATFORMS = os.path.join(ROOT, "specs", "platforms")
IMX8MM = os.path.join(PLATFORMS, "imx8mm.mk")  # GICv3, Cortex-A53 (core n at Aff0 = n)
ROCK3B = os.path.join(PLATFORMS, "rock3b.mk")  # GICv3, Cortex-A55 (core n at Aff1 = n)


def imported(name: str, platform: str = IMX8MM, tmp_path=None, **kwargs):
    """(the spec text, the loaded spec, its report) of tests/sdf/NAME.system imported onto a platform."""
    out_dir = str(tmp_path) if tmp_path is not None else ROOT
    text = checker.import_sdf(os.path.join(SDF, name + ".system"), platform, out_dir=out_dir, **kwargs)
    loaded = checker.load_text(text, os.path.join(out_dir, "imported.mk"), out_dir)
    assert loaded.spec is not None, [d.message for d in loaded.diagnostics]
    return text, loaded.spec, checker.check(loaded.spec)


def failures(report, obligation=None):
    return [r for r in report.results if r.status == FAILED and (obligation is None or r.id == obligation)]


# ---------------------------------------------------------------- the reference system


def test_the_four_core_system_imports_checks_and_proves():
    text, spec, report = imported("four-core")
    assert not failures(report), [r.message for r in failures(report)]
    assert all(r.status == PROVED for r in report.results)
    assert [k.name for k in spec.kernels] == ["k0", "k1", "k2", "k3"]
    assert [c.name for k in spec.kernels for c in k.cores] == ["a0", "a1", "a2", "a3"]
    (call,) = spec.calls
    assert (call.client.name, call.server.name, [p.name for p in call.proxies], call.buffer.name) == \
        ("client", "server", ["client_proxy", "server_proxy"], "rpc_buf")
    (queue,) = spec.queues
    assert (queue.producer.name, queue.consumer.name, queue.ring.name, queue.index.name) == \
        ("producer", "consumer", "jobs_ring", "jobs_acks")
    # Cross-core channels: numbered per receiving core in channel order, target = the core's index.
    cross = {c.name: (c.receiving_core.name, c.sgi, c.target) for c in spec.channels}
    assert cross == {
        "client_proxy_to_server_proxy": ("a1", 0, 1),
        "server_proxy_to_client_proxy": ("a0", 0, 0),
        "producer_to_consumer": ("a3", 0, 3),
        "client_to_consumer": ("a3", 1, 3),
    }
    # The device region goes to the kernel whose PD maps it; the PD's irq 58 is SPI 26.
    assert [d.name for d in spec.kernel("k1").devices] == ["uart1"]
    assert any(i.intid == 58 and i.trigger == "level" for i in spec.kernel("k1").owned_irqs)
    assert [(i.intid, i.trigger) for i in spec.pds[3].irqs] == [(58, "level")]
    # Every obligation the issue adds has instances here.
    ids = {r.id for r in report.results}
    assert {"RPC-PROXY", "QUEUE-ACCESS", "QUEUE-DOORBELL", "QUEUE-INDEX", "SGI-BUDGET"} <= ids


def test_the_imported_text_is_a_spec_a_user_can_read(tmp_path):
    text, _, _ = imported("four-core", tmp_path=tmp_path)
    assert f'include "{os.path.relpath(IMX8MM, tmp_path)}"' in text
    assert "call client -> server via client_proxy, server_proxy in rpc_buf" in text
    assert "queue jobs_ring_queue from producer to consumer in jobs_ring slots 64 index jobs_acks notify producer_to_consumer" in text
    assert "boot order k0, k1, k2, k3" in text


# ---------------------------------------------------------------- the seeded mistakes


@pytest.mark.parametrize("name, platform, obligation, subject, kind", [
    ("shared-proxy", IMX8MM, "RPC-PROXY", "client.server", "rpc-shared-proxy"),
    ("third-ring-mapper", IMX8MM, "QUEUE-ACCESS", "jobs_ring_queue", "queue-ring-exposed"),
    ("seventeen-into-one-core", IMX8MM, "SGI-BUDGET", "a3", "sgi-over-budget"),
    ("four-core", ROCK3B, "IPI-TARGET", "client_proxy_to_server_proxy", "sgi-misdelivered"),
    ("four-core", ROCK3B, "QUEUE-DOORBELL", "jobs_ring_queue", "queue-doorbell"),
])
def test_each_seeded_mistake_fails_with_a_replayed_counterexample(name, platform, obligation, subject, kind):
    _, spec, report = imported(name, platform)
    hits = [r for r in failures(report, obligation) if r.subject == subject]
    assert hits, [f"{r.id} {r.subject}" for r in failures(report)]
    r = hits[0]
    assert r.expect["kind"] == kind
    assert violation(spec, r) is not None
    assert not [x for x in report.results if x.status not in (PROVED, FAILED)]


def test_the_a55_misroute_is_the_core_index_as_affinity():
    _, spec, report = imported("four-core", ROCK3B)
    r = next(r for r in failures(report, "IPI-TARGET") if r.subject == "producer_to_consumer")
    assert r.counterexample["target"] == 3 and r.counterexample["reached"] == []
    assert "c3 (MPIDR 0x300) is target 0x300" in r.message


def test_a_board_whose_gic_the_loader_does_not_know_gets_a_note():
    text, _, _ = imported("four-core", ROCK3B)
    assert "// Note: the Microkit loader initialises the GIC only on" in text and "0xfd40_0000" in text
    text, _, _ = imported("four-core")  # imx8mm: its GIC sits where MaaXBoard's (i.MX8MQ) does
    assert "// Note:" not in text


def test_seventeen_notifications_need_seventeen_sgis():
    _, _, report = imported("seventeen-into-one-core")
    (r,) = failures(report, "SGI-BUDGET")
    assert r.counterexample["needed"] == 17 and r.counterexample["budget"] == 16


def test_a_pp_channel_across_cores_is_a_call_that_fails_with_the_reason(tmp_path):
    path = tmp_path / "pp.system"
    path.write_text(
        '<system>\n'
        '  <protection_domain name="client" priority="1" cpu="0" />\n'
        '  <protection_domain name="server" priority="9" cpu="1" />\n'
        '  <channel><end pd="client" id="0" pp="true" /><end pd="server" id="0" /></channel>\n'
        '</system>\n')
    text = checker.import_sdf(str(path), IMX8MM, out_dir=str(tmp_path))
    assert "call client -> server\n" in text
    loaded = checker.load_text(text, str(tmp_path / "pp.mk"), str(tmp_path))
    report = checker.check(loaded.spec)
    (r,) = failures(report, "RPC-PROXY")
    assert "seL4 endpoints do not cross kernels" in r.message and violation(loaded.spec, r) is not None


# ---------------------------------------------------------------- the au-ts rules


def _system(cpus: dict[str, int], channels: list[tuple[str, bool, str, bool]]) -> sdf.System:
    span = checker.Span.point("x.system", 1, 1)
    pds = tuple(sdf.SdfPd(name, cpu, 0, (), (), span) for name, cpu in cpus.items())
    chans = tuple(sdf.SdfChannel(sdf.SdfEnd(a, n, na, False, span), sdf.SdfEnd(b, n, nb, False, span), span)
                  for n, (a, na, b, nb) in enumerate(channels))
    return sdf.System(pds, (), chans)


def test_sgis_are_numbered_per_receiving_core_in_channel_order():
    system = _system({"a": 0, "b": 1, "c": 2, "d": 1},
                     [("a", True, "b", True), ("c", True, "b", False), ("b", True, "d", True), ("c", False, "a", True)])
    got = [(s.pd, r.pd, n) for s, r, n in sdf.sgi_numbers(system)]
    # a->b then b->a (same channel, a first), c->b next on cpu 1; b<->d is one core; a->c on cpu 2.
    assert got == [("a", "b", 0), ("b", "a", 0), ("c", "b", 1), ("a", "c", 0)]


def test_ram_is_split_as_the_au_ts_tool_splits_it():
    banks = [(0x4000_0000, 0xC000_0000)]
    split = sdf.split_ram(banks, [(0xBFFF_F000, 0xC000_0000)], 4)
    images = [parts[0] for parts in split]
    assert images == [(0x4000_0000 + i * 0x20_0000, 0x4020_0000 + i * 0x20_0000) for i in range(4)]
    rest = 0x8000_0000 - 0x1000 - 4 * 0x20_0000
    sizes = [sum(e - b for b, e in parts[1:]) for parts in split]
    assert sizes == [rest // 4 // 0x1000 * 0x1000] * 4
    flat = sorted(i for parts in split for i in parts)
    assert all(a[1] <= b[0] for a, b in zip(flat, flat[1:]))  # disjoint
    assert all(b % 0x1000 == 0 and e % 0x1000 == 0 for b, e in flat)


def test_the_split_avoids_reserved_memory_and_unaligned_starts():
    split = sdf.split_ram([(0x4000_1000, 0x5000_0000)], [(0x4800_0000, 0x4810_0000)], 2, kernel_image=0x10_0000)
    # core 0's kernel image at the first 2 MiB-aligned base, the page-aligned start going to the rest
    assert any(b <= 0x4020_0000 and 0x4030_0000 <= e for b, e in split[0])
    assert split[0][0][0] == 0x4000_1000
    flat = [i for parts in split for i in parts]
    assert not any(b < 0x4810_0000 and 0x4800_0000 < e for b, e in flat)


def test_explicit_ram_is_written_as_given(tmp_path):
    ram = {f"k{i}": [(0x4000_0000 + i * 0x1000_0000, 0x4000_0000 + (i + 1) * 0x1000_0000)] for i in range(4)}
    text, spec, _ = imported("four-core", tmp_path=tmp_path, ram=ram)
    assert [(r.base, r.size) for r in spec.kernel("k2").ram] == [(0x6000_0000, 0x1000_0000)]
    assert "RAM: shared regions out" not in text


def test_a_device_tree_board_works_too(tmp_path):
    dts = os.path.join(ROOT, "tests", "dts", "board-v2.dts")
    text = checker.import_sdf(os.path.join(SDF, "two-core-v2.system"), dts=[dts], lines=288, max_irq=287, out_dir=str(tmp_path))
    assert text.count("from dts") == 1
    loaded = checker.load_text(text, str(tmp_path / "v2.mk"), str(tmp_path))
    report = checker.check(loaded.spec)
    assert all(r.status == PROVED for r in report.results), [r.message for r in failures(report)]
    assert [d.name for d in loaded.spec.kernel("k1").devices] == ["serial"]
    # secmon (no-map) is left out of the split.
    assert all(r.base >= 0x4020_0000 for k in loaded.spec.kernels for r in k.ram)


# ---------------------------------------------------------------- errors


_EXPECT = re.compile(r"expect: error (E\d{3}) (\d+):(\d+)")
INVALID_SDFS = sorted(glob.glob(os.path.join(INVALID, "*.system")))


@pytest.mark.parametrize("path", INVALID_SDFS, ids=os.path.basename)
def test_invalid_sdf(path):
    text = open(path, encoding="utf-8").read()
    wanted = {(c, int(line), int(col)) for c, line, col in _EXPECT.findall(text)}
    assert wanted and os.path.basename(path).split("-")[0] in {c for c, _, _ in wanted}
    with pytest.raises(sdf.SdfError) as raised:
        checker.import_sdf(path, IMX8MM)
    got = {(d.code, d.span.line, d.span.column) for d in raised.value.diagnostics}
    assert got == wanted, "\n".join(render(d, raised.value.sources) for d in raised.value.diagnostics)
    for d in raised.value.diagnostics:
        shown = render(d, raised.value.sources)
        assert shown.startswith(f"{path}:{d.span.line}:{d.span.column}: error[{d.code}]: ")
        assert "^" in shown  # the source line with a caret


def test_the_cli_shows_every_error_and_exits_2():
    path = os.path.join(INVALID, "E504-invalid-value.system")
    run = subprocess.run([sys.executable, "-m", "checker", "import", "sdf", path, "--platform", IMX8MM],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2
    assert run.stderr.count("error[E504]") == 6 and "Traceback" not in run.stderr
    assert "6 errors in" in run.stderr


@pytest.mark.parametrize("args, words", [
    (["--platform", IMX8MM, "--dts", "x.dts"], "not allowed with"),
    (["--dts", os.path.join(ROOT, "tests", "dts", "board-v2.dts")], "--dts needs --lines and --max-irq"),
    (["--platform", IMX8MM, "--ram", "k0=zz:1M"], "write KERNEL=BASE:SIZE"),
    (["--platform", os.path.join(ROOT, "specs", "imx8mm-two-kernels.mk")], "is a system spec, not a platform"),
    (["--platform", os.path.join(ROOT, "tests", "invalid", "E201-undefined-name.mk")], "has errors"),
])
def test_cli_usage_errors(args, words):
    path = os.path.join(SDF, "four-core.system")
    run = subprocess.run([sys.executable, "-m", "checker", "import", "sdf", path, *args],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2 and words in run.stderr and "Traceback" not in run.stderr


def test_a_missing_sdf_is_a_clear_error(tmp_path):
    run = subprocess.run([sys.executable, "-m", "checker", "import", "sdf", str(tmp_path / "none.system"), "--platform", IMX8MM],
                         capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 2 and "cannot read" in run.stderr and "Traceback" not in run.stderr


def test_the_cli_writes_a_spec_that_checks(tmp_path):
    out = tmp_path / "sub" / "system.mk"
    run = subprocess.run([sys.executable, "-m", "checker", "import", "sdf", os.path.join(SDF, "four-core.system"),
                          "--platform", IMX8MM, "-o", str(out)], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert run.returncode == 0, run.stderr
    check = subprocess.run([sys.executable, "-m", "checker", str(out)], capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


# ---------------------------------------------------------------- hostile SDFs


def _import_cli(path, *extra):
    return subprocess.run([sys.executable, "-m", "checker", "import", "sdf", str(path), "--platform", IMX8MM, *extra],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


HOSTILE = {
    "billion-laughs": ('<?xml version="1.0"?>\n<!DOCTYPE system [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
                       '<system><protection_domain name="&b;" /></system>\n', "E501"),
    "external-entity": ('<?xml version="1.0"?>\n<!DOCTYPE system [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
                        '<system><protection_domain name="&x;" /></system>\n', "E501"),
    "deep-nesting": ("<system>" + '<protection_domain name="p" id="1">' * 3000 + "</protection_domain>" * 3000 + "</system>\n", "E504"),
    "terminal-escape": ('<system><protection_domain name="\x9b2Jx" /><protection_domain name="\x9b2Jx" /></system>\n', "E506"),
    "raw-escape": ('<system><protection_domain name="\x1b[2Jx" /></system>\n', "E501"),
    "not-xml": ("\x00\x01binary", "E501"),
    "empty": ("", "E501"),
    "other-root": ("<sdf/>\n", "E502"),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.hostile("SDF files")) for n in HOSTILE])
def test_a_hostile_sdf_is_a_located_error(tmp_path, name):
    text, code = HOSTILE[name]
    path = tmp_path / f"{name}.system"
    path.write_text(text, encoding="utf-8")
    run = _import_cli(path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert f"error[{code}]" in run.stderr and "Traceback" not in run.stderr
    assert "\x1b" not in run.stderr and "\x9b" not in run.stderr  # control characters are shown escaped
    assert "root:" not in run.stderr + run.stdout  # no entity was expanded


@pytest.mark.hostile("SDF files")
def test_bad_utf8_and_oversized_sdfs_are_errors(tmp_path):
    bad = tmp_path / "bad.system"
    bad.write_bytes(b"<system>\n<protection_domain name=\"\xff\" />\n</system>\n")
    run = _import_cli(bad)
    assert run.returncode == 2 and "error[E501]" in run.stderr and "not valid UTF-8" in run.stderr
    big = tmp_path / "big.system"
    with open(big, "wb") as f:
        f.write(b"<system>" + b" " * (sdf.MAX_SDF_BYTES + 1) + b"</system>")
    run = _import_cli(big)
    assert run.returncode == 2 and "error[E005]" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.hostile("SDF files")
def test_a_fifo_or_directory_is_refused(tmp_path):
    fifo = tmp_path / "fifo.system"
    os.mkfifo(fifo)
    run = _import_cli(fifo)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    run = _import_cli(tmp_path)
    assert run.returncode == 2 and "cannot read" in run.stderr and "Traceback" not in run.stderr


def test_a_child_pd_runs_on_its_parents_core(tmp_path):
    path = tmp_path / "child.system"
    path.write_text('<system>\n  <protection_domain name="parent" cpu="2">\n'
                    '    <protection_domain name="child" id="1" />\n  </protection_domain>\n</system>\n')
    text = checker.import_sdf(str(path), IMX8MM, out_dir=str(tmp_path))
    assert "pd child on k2 " in text and "pd parent on k2 " in text
    path.write_text('<system>\n  <protection_domain name="parent" cpu="2">\n'
                    '    <protection_domain name="child" id="1" cpu="1" />\n  </protection_domain>\n</system>\n')
    with pytest.raises(sdf.SdfError) as raised:
        checker.import_sdf(str(path), IMX8MM, out_dir=str(tmp_path))
    (d,) = raised.value.diagnostics
    assert d.code == "E504" and "a child runs on its parent's core" in d.message and (d.span.line, d.span.column) == (3, 44)
