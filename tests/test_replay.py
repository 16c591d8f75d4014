"""Counterexamples replay on the model; disagreements are internal errors; `pcheck replay`."""

import io
import json
import os

import pytest
from attrs import evolve

import checker
from checker.cli import main
from checker.replay import confirm, machine_config
from checker.result import FAILED, INTERNAL_ERROR
from tests.corpus import ROOT, expectations, system_specs
from tests.golden import assert_golden

from checker.obligations import REGISTRY
from checker.result import WAIVED

FAILING_SPECS = [
    p for p in system_specs() if any(e.verdict in ("failed", "waived") and e.id in REGISTRY for e in expectations(p))
]


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        status = main(list(argv), out, err)
    finally:
        os.chdir(cwd)
    return status, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", FAILING_SPECS, ids=lambda p: os.path.relpath(p, ROOT))
def test_every_failure_of_the_corpus_replays(path):
    loaded = checker.load(path)
    report = checker.check(loaded.spec, checker.Options(replay=False))
    failures = [evolve(r, status=FAILED) for r in report.results if r.status in (FAILED, WAIVED)]
    assert failures
    config = machine_config(loaded.spec)
    for result in failures:
        assert result.expect is not None, f"{result.id} {result.subject} carries no replay"
        assert confirm(config, result).status == FAILED, f"{result.id} {result.subject} does not replay"


def _first_failure(path, obligation):
    loaded = checker.load(os.path.join(ROOT, path))
    report = checker.check(loaded.spec, checker.Options(replay=False))
    return loaded.spec, next(r for r in report.results if r.id == obligation and r.status == FAILED)


def test_corrupted_counterexample_is_a_disagreement():
    spec, result = _first_failure("specs/imx8mm-resized-ram.mk", "MEM-EXPOSE")
    address = result.expect["address"]
    # Point the access at k0's own RAM: the model sees no exposure there.
    own = spec.kernel(result.subject).ram[0].base
    corrupted = evolve(
        result,
        scenario=({**result.scenario[0], "address": own},),
        expect={**result.expect, "address": own},
    )
    assert address != own
    confirmed = confirm(machine_config(spec), corrupted)
    assert confirmed.status == INTERNAL_ERROR
    assert "disagree" in confirmed.message


def test_wrong_region_pair_is_a_disagreement():
    spec, result = _first_failure("specs/imx8mm-resized-ram.mk", "MEM-DISJOINT")
    corrupted = evolve(result, expect={**result.expect, "regions": ["k0.ram", "uart2"]})
    assert confirm(machine_config(spec), corrupted).status == INTERNAL_ERROR


def test_a_failure_without_replay_is_an_internal_error():
    spec, result = _first_failure("specs/imx8mm-resized-ram.mk", "MEM-DISJOINT")
    assert confirm(machine_config(spec), evolve(result, expect=None)).status == INTERNAL_ERROR


def test_internal_error_gives_exit_4(monkeypatch, tmp_path):
    import checker.replay as replay

    monkeypatch.setattr(replay, "_matches", lambda violation, expect: False)  # the model never shows it
    status, out, _ = run_cli("specs/imx8mm-resized-ram.mk")
    assert status == 4
    assert ": ERROR MEM-DISJOINT " in out and "disagree" in out


def _cex(tmp_path, spec, name):
    status, _, err = run_cli(spec, "--cex-dir", str(tmp_path))
    assert status == 1
    path = tmp_path / name
    assert str(path) in err
    return path


def test_replay_mem_expose_golden(tmp_path):
    path = _cex(tmp_path, "specs/qemu-v2-two-stock-sel4.mk", "qemu-v2-two-stock-sel4.MEM-EXPOSE-k0.json")
    status, out, _ = run_cli("replay", str(path))
    assert status == 1
    assert_golden("replay-mem-expose.txt", out)


def test_replay_mem_disjoint_golden(tmp_path):
    path = _cex(tmp_path, "specs/imx8mm-resized-ram.mk", "imx8mm-resized-ram.MEM-DISJOINT-k0.ram_k1.ram.json")
    status, out, _ = run_cli("replay", str(path), "--no-registers")
    assert status == 1
    assert_golden("replay-mem-disjoint.txt", out)


@pytest.mark.parametrize(
    "spec,name",
    [
        ("qemu-v2-two-stock-sel4", "GIC-INIT-system"),
        ("qemu-v2-two-stock-sel4", "IRQ-ROUTE-spi_1"),
        ("imx8mm-icfgr-word", "IRQ-TRIGGER-spi_30"),
        ("qemu-v3-sgi1-to-smp", "IPI-RANGE-wake"),
        ("qemu-v3-smp-sender", "IPI-CAP-done"),
        ("rock3b-core-index-target", "IPI-TARGET-net_kick"),
        ("odroidc4-aff0-target", "IPI-TARGET-notify"),
        ("qemu-v3-sgi-collision", "IPI-UNIQUE-blk_done_net_done"),
        ("zynqmp-mailbox-sender-r", None),
        ("qemu-v3-mailbox-third-kernel", None),
    ],
)
def test_replay_golden_per_obligation(tmp_path, spec, name):
    if name is None:  # the spec's only failure
        run_cli(f"specs/{spec}.mk", "--cex-dir", str(tmp_path))
        (found,) = tmp_path.iterdir()
        name = found.name.removeprefix(f"{spec}.").removesuffix(".json")
    path = _cex(tmp_path, f"specs/{spec}.mk", f"{spec}.{name}.json")
    status, out, _ = run_cli("replay", str(path))
    assert status == 1 and "REPRODUCED" in out
    assert_golden(f"replay-{spec}.{name}.txt", out)


def test_replay_json_format(tmp_path):
    path = _cex(tmp_path, "specs/qemu-v2-two-stock-sel4.mk", "qemu-v2-two-stock-sel4.MEM-EXPOSE-k1.json")
    status, out, _ = run_cli("replay", str(path), "--format", "json")
    doc = json.loads(out)
    assert status == 1 and doc["reproduced"] is True
    assert doc["violation"]["kind"] == "memory-expose"
    assert doc["violation"]["details"]["kernel"] == "k1"


def test_replay_that_does_not_reproduce_on_its_own_machine_is_an_internal_error(tmp_path):
    path = _cex(tmp_path, "specs/qemu-v2-two-stock-sel4.mk", "qemu-v2-two-stock-sel4.MEM-EXPOSE-k0.json")
    doc = json.loads(path.read_text())
    own = doc["machine"]["kernels"][0]["ram"][0]["base"]
    doc["scenario"][0]["address"] = own
    path.write_text(json.dumps(doc))
    status, out, _ = run_cli("replay", str(path))
    assert status == 4 and "NOT REPRODUCED" in out and "internal error" in out


# The IRQ-TRIGGER failure of imx8mm-icfgr-word.mk and the spec with its fix: triggers set by the loader.
def _fixed_icfgr(tmp_path, fix: bool = True):
    with open(os.path.join(ROOT, "specs", "imx8mm-icfgr-word.mk"), encoding="utf-8") as f:
        text = f.read()
    text = text.replace('include "platforms/', f'include "{os.path.join(ROOT, "specs", "platforms")}/')
    if fix:
        text = text.replace("loader { gic_init }", "loader { gic_init triggers }").replace(
            "    device_untypeds declared\n", "    device_untypeds declared\n    trigger_config loader\n", 1)
    fixed = tmp_path / ("fixed.mk" if fix else "same.mk")
    fixed.write_text(text)
    return fixed


def test_replay_on_a_fixed_spec_exits_0_when_the_violation_is_gone(tmp_path):
    path = _cex(tmp_path, "specs/imx8mm-icfgr-word.mk", "imx8mm-icfgr-word.IRQ-TRIGGER-spi_30.json")
    fixed = _fixed_icfgr(tmp_path)
    assert checker.check_path(str(fixed)).status == "proved"
    status, out, _ = run_cli("replay", str(path), "--spec", str(fixed))
    assert status == 0 and "FIXED" in out and f"replayed on the machine of {fixed}" in out


def test_replay_on_an_unfixed_spec_exits_1(tmp_path):
    path = _cex(tmp_path, "specs/imx8mm-icfgr-word.mk", "imx8mm-icfgr-word.IRQ-TRIGGER-spi_30.json")
    status, out, _ = run_cli("replay", str(path), "--spec", str(_fixed_icfgr(tmp_path, fix=False)))
    assert status == 1 and "STILL REPRODUCED at step" in out
    status, out, _ = run_cli("replay", str(path), "--spec", str(_fixed_icfgr(tmp_path, fix=False)), "--format", "json")
    doc = json.loads(out)
    assert status == 1 and doc["reproduced"] and doc["machine"].endswith("same.mk")


def test_replay_on_a_spec_without_the_scenario_s_kernel_or_with_errors_exits_2(tmp_path):
    path = _cex(tmp_path, "specs/imx8mm-icfgr-word.mk", "imx8mm-icfgr-word.IRQ-TRIGGER-spi_30.json")
    renamed = tmp_path / "renamed.mk"
    renamed.write_text(_fixed_icfgr(tmp_path).read_text().replace("kernel k1", "kernel other").replace(
        "boot order k0, k1", "boot order k0, other"))
    status, _, err = run_cli("replay", str(path), "--spec", str(renamed))
    assert status == 2 and "cannot run on" in err and "'k1'" in err
    broken = tmp_path / "broken.mk"
    broken.write_text("kernel k0 { cores }\n")
    status, _, err = run_cli("replay", str(path), "--spec", str(broken))
    assert status == 2 and "error[E104]" in err and f"{broken}:1:" in err


def test_replay_shows_the_replayed_violation_and_v_shows_every_monitor_s(tmp_path):
    path = _cex(tmp_path, "specs/imx8mm-resized-ram.mk", "imx8mm-resized-ram.MEM-DISJOINT-k0.ram_k1.ram.json")
    status, out, _ = run_cli("replay", str(path), "--no-registers")
    assert status == 1 and out.count("!! ") == 1 and "other violations of other monitors not shown" in out
    status, every, _ = run_cli("replay", str(path), "--no-registers", "-v")
    assert status == 1 and every.count("!! ") > 1 and "memory-expose" in every


@pytest.mark.parametrize(
    "content",
    ["not json", json.dumps({"format": "other"}), json.dumps({"format": "pcheck-counterexample", "version": 99})],
)
def test_replay_malformed_file_exit_2(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    status, _, err = run_cli("replay", str(path))
    assert status == 2 and "error" in err


def test_replay_mismatched_scenario_exit_2(tmp_path):
    path = _cex(tmp_path, "specs/qemu-v2-two-stock-sel4.mk", "qemu-v2-two-stock-sel4.MEM-EXPOSE-k0.json")
    doc = json.loads(path.read_text())
    doc["scenario"][0]["kernel"] = "nobody"
    path.write_text(json.dumps(doc))
    status, _, err = run_cli("replay", str(path))
    assert status == 2
