"""Generated specs of every profile mix (bench/generate.py) are decided and replayed.

The classes that once gave internal errors or UNKNOWN (issue 12): cores beyond
the 1 MiB redistributor window seL4 searches, upstream kernels everywhere
(every SPI fails IRQ-ROUTE), no loader (the boot-order obligations), smp
kernels' own IPIs, run-time trigger configuration with neighbours' SPIs in one
ICFGR word. Sizes are small here; bench/run.py measures the large ones.
"""

from __future__ import annotations

import importlib.util
import os

import pytest

import checker
from checker.replay import _accesses, _is_access, _is_send, _Replays, _together, confirm, machine_config, run
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN
from tests.corpus import ROOT

_spec = importlib.util.spec_from_file_location("generate", os.path.join(ROOT, "bench", "generate.py"))
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

CASES = [(mix, gic, k) for mix in generate.MIXES for gic, k in ((3, 12), (2, 4))]


def _load(mix: str, gic: int, kernels: int):
    size = generate.Size(kernels=kernels, regions=16 * kernels, spis=8 * kernels, channels=4 * kernels, gic=gic, mix=mix)
    loaded = checker.load_text(generate.generate(size), f"<{mix}-v{gic}-{kernels}>")
    assert loaded.spec is not None, [d.message for d in loaded.diagnostics]
    return loaded.spec


@pytest.mark.parametrize("mix, gic, kernels", CASES, ids=lambda v: str(v))
def test_every_mix_is_decided_and_every_failure_replays(mix, gic, kernels):
    report = checker.check(_load(mix, gic, kernels))
    bad = [f"{r.id} {r.subject}: {r.message}" for r in report.results if r.status in (UNKNOWN, INTERNAL_ERROR)]
    assert not bad, bad[:5]
    failed = {r.id for r in report.results if r.status == FAILED}
    if gic == 3 and kernels > 8:
        assert "CPU-IDENT" in failed  # the kernels beyond the redistributor window halt at boot
    if mix == "upstream":
        assert {"IRQ-ROUTE", "GIC-INIT", "MEM-EXPOSE"} <= failed
    if mix == "runtime-triggers":
        assert "IRQ-TRIGGER" in failed
    if mix == "loader" and gic == 2:
        assert not failed  # clean by construction where the platform allows it


@pytest.mark.parametrize("group", ["sends", "accesses"])
@pytest.mark.parametrize("mix, gic, kernels", CASES, ids=lambda v: str(v))
def test_what_one_combined_run_confirms_each_scenario_shows_alone(mix, gic, kernels, group):
    """checker.replay's argument for combined runs, checked: a channel failure (or a memory
    failure shown by an access) that the combined run of many confirms is also reproduced by
    its own scenario on a fresh machine."""
    spec = _load(mix, gic, kernels)
    report = checker.check(spec, checker.Options(replay=False))
    chosen, combine = (_is_send, _together) if group == "sends" else (_is_access, _accesses)
    members = [r for r in report.results if r.status == FAILED and r.expect is not None and chosen(r)]
    if len(members) < 2:
        pytest.skip(f"fewer than two {group} failures")
    config = machine_config(spec)
    replays = _Replays(config, run(config, ()))
    _, combined = replays.run(combine(members))
    confirmed = [r for r in members if combined.first(r.expect) is not None]
    assert confirmed
    for r in confirmed:
        assert confirm(config, r).status == FAILED, f"{r.id} {r.subject} is confirmed together but not alone"
