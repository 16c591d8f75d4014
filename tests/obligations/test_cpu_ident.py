"""CPU-IDENT: MPIDRs are distinct; GICv2 CPU-interface numbers are distinct and in 0..7; GICv3 frames are findable
(checker/obligations/cpu_ident.py; model: model/monitors/cpu_ident.py, core-ident)."""

from __future__ import annotations

import pytest

import model
from checker import replay
from checker.obligations import cpu_ident
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, load, replays_from_file, violation

ID = "CPU-IDENT"


def v3(mpidrs, stride="128K"):
    """A GICv3 board with one cpu c<i> per MPIDR, redistributors at 0x080a_0000."""
    cpus = "\n".join(f"    cpu c{i} mpidr {m}" for i, m in enumerate(mpidrs))
    return f"""
platform board {{
{cpus}
    memory dram at 0x4000_0000 size 1G
    gic v3 {{
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride {stride}
        lines 128
    }}
}}
kernel k0 {{ cores c0 ram at 0x4000_0000 size 16M }}
"""


def v2(interfaces, mpidrs=None):
    """A GICv2 board with one cpu c<i> per CPU-interface number (MPIDR i unless given)."""
    mpidrs = mpidrs or [hex(i) for i in range(len(interfaces))]
    cpus = "\n".join(f"    cpu c{i} mpidr {m} gic_cpu {g}" for i, (m, g) in enumerate(zip(mpidrs, interfaces)))
    return f"""
platform board {{
{cpus}
    memory dram at 0x4000_0000 size 1G
    gic v2 {{
        distributor at 0x0800_0000 size 64K
        cpu_interface at 0x0801_0000 size 64K
        lines 128
    }}
}}
kernel k0 {{ cores c0 ram at 0x4000_0000 size 16M }}
"""


def failures(results):
    return [(r.subject, r.counterexample["field"]) for r in results if r.status == FAILED]


def assert_confirmed(spec, r):
    cex = r.counterexample
    assert r.expect == {"kind": "core-ident", "cpus": cex["cpus"], "field": cex["field"]}
    hit = violation(spec, r)
    assert hit is not None and list(hit.details["cpus"]) == cex["cpus"] and hit.details["field"] == cex["field"]
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- passing


@pytest.mark.parametrize("text", [
    'include "platforms/qemu-virt-gicv2.mk"\nkernel k0 { cores a0 ram at 0x4000_0000 size 16M }',
    'include "platforms/qemu-virt-gicv3.mk"\nkernel k0 { cores a0 ram at 0x4000_0000 size 16M }',
    'include "platforms/rock3b.mk"\nkernel k0 { cores c0 ram at 0x4000_0000 size 16M }',
], ids=["gicv2", "gicv3", "gicv3-dynamiq"])
def test_distinct_cores_are_one_instance_proved_by_grouping(text):
    results = check(text, ID)
    assert [(r.subject, r.status) for r in results] == [("all", PROVED)]
    assert results[0].message == "every core is identified uniquely"
    assert (results[0].method, results[0].lemma) == ("facts", "grouping by equal keys")


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("text, subject, field, value, words", [
    (v3(["0x0", "0x100", "0x100"]), "c1,c2", "MPIDR", 0x100, ["have the same MPIDR 0x100"]),
    (v2([0, 1, 1]), "c1,c2", "CPU-interface number", 1, ["have the same CPU-interface number 1"]),
], ids=["same-mpidr", "same-gicv2-interface"])
def test_two_cpus_the_gic_cannot_tell_apart_fail_and_the_model_agrees(text, subject, field, value, words):
    spec = load(text)
    results = check(spec, ID)
    assert failures(results) == [(subject, field)]
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"cpus": subject.split(","), "field": field, "value": value}
    for word in words:
        assert word in r.message
    assert (r.method, r.lemma) == ("facts", "grouping by equal keys")
    assert_confirmed(spec, r)


@pytest.mark.parametrize("mpidrs, stride, cpu, frame", [
    ([hex(i) for i in range(9)], "128K", "c8", 0x080A_0000 + 8 * 0x20000),
    ([hex(i) for i in range(5)], "256K", "c4", 0x080A_0000 + 4 * 0x40000),
], ids=["ninth-frame-of-128K", "fifth-frame-of-256K"])
def test_a_gicv3_redistributor_past_the_1_mib_window_fails_and_the_model_agrees(mpidrs, stride, cpu, frame):
    spec = load(v3(mpidrs, stride))
    results = check(spec, ID)
    assert failures(results) == [(cpu, "redistributor frame")]
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"cpus": [cpu], "field": "redistributor frame", "value": frame}
    assert f"redistributor frame is at {frame:#_x}" in r.message
    assert "outside the 1 MiB window [0x80a_0000, 0x81a_0000)" in r.message
    assert r.method == "facts"
    assert_confirmed(spec, r)


def test_a_gicv2_interface_above_7_fails_and_the_model_s_construction_checks_agree():
    """The model cannot build a GICv2 with interface 8 (ConfigError), so the failure is confirmed by
    its construction checks (model.static_violations), as checker.replay.confirm_all does."""
    spec = load(v2([0, 8]))
    results = check(spec, ID)
    assert failures(results) == [("c1", "CPU-interface number")]
    r = next(r for r in results if r.status == FAILED)  # FAILED, not ERROR: the check's own replay agreed
    assert r.counterexample == {"cpus": ["c1"], "field": "CPU-interface number", "value": 8}
    assert "has CPU-interface number 8" in r.message and "0..7" in r.message
    assert r.expect == {"kind": "core-ident", "cpus": ["c1"], "field": "CPU-interface number"}
    static = model.static_violations(replay.machine_config(spec))
    assert any(replay.reproduces(model.Run((), (), (v,)), r.expect) for v in static)


def test_a_gicv2_interface_above_7_counterexample_replays_from_its_file():
    spec = load(v2([0, 8]))
    r = next(r for r in check(spec, ID) if r.status == FAILED)
    assert replays_from_file(spec, r)


@pytest.mark.parametrize("text", [v2([0, 8]), v3([hex(i) for i in range(9)])], ids=["interface", "redistributor"])
def test_a_limit_failure_names_concrete_arithmetic(text):
    """"Limits: a GICv2 interface number above 7, and a GICv3 cpu whose redistributor frame ... ends
    past the 1 MiB window ... (lemma: concrete arithmetic)"."""
    r = next(r for r in check(text, ID) if r.status == FAILED)
    assert r.lemma == "concrete arithmetic"


# ---------------------------------------------------------------- the catalogue claims


@pytest.mark.parametrize("n, stride, fails", [(8, "128K", False), (9, "128K", True), (4, "256K", False), (5, "256K", True)])
def test_the_catalogue_claim_the_1_mib_window_holds_8_frames_of_128K(n, stride, fails):
    """"GICv3: every cpu's redistributor frame lies inside the 1 MiB window seL4's gicr_init searches
    (8 frames of 128K)": the 8th frame of 128K (and the 4th of 256K) ends exactly at the window's end."""
    results = check(v3([hex(i) for i in range(n)], stride), ID)
    assert failures(results) == ([(f"c{n - 1}", "redistributor frame")] if fails else [])
    assert "8 frames of 128K" in cpu_ident.ENTRY.proves


@pytest.mark.parametrize("interface, fails", [(7, False), (8, True)])
def test_the_catalogue_claim_gicv2_interfaces_are_in_0_to_7(interface, fails):
    """"GICv2: every cpu has a distinct `gic_cpu` in 0..7"."""
    results = check(v2([0, interface]), ID)
    assert failures(results) == ([("c1", "CPU-interface number")] if fails else [])


def test_the_catalogue_claim_on_gicv2_both_values_must_be_distinct():
    """Two GICv2 cpus with the same MPIDR and the same interface number fail once for each value."""
    spec = load(v2([3, 3], ["0x5", "0x5"]))
    results = check(spec, ID)
    assert sorted(failures(results)) == [("c0,c1", "CPU-interface number"), ("c0,c1", "MPIDR")]
    for r in results:
        assert_confirmed(spec, r)


# ---------------------------------------------------------------- the lemma: grouping by equal keys


def test_every_pair_of_one_group_collides_and_only_those():
    """c0, c2 and c3 share MPIDR 0x100; c1 differs and lies between them in declaration order."""
    spec = load(v3(["0x100", "0x200", "0x100", "0x100"]))
    results = check(spec, ID)
    assert failures(results) == [("c0,c2", "MPIDR"), ("c0,c3", "MPIDR"), ("c2,c3", "MPIDR")]
    for r in results:
        assert_confirmed(spec, r)


def test_gicv3_cpus_with_the_same_affinity_cannot_be_told_apart():
    """"cores can be told apart by the GIC": a GICv3 addresses cores (IROUTER, ICC_SGI1R_EL1, GICR_TYPER)
    by Aff3.Aff2.Aff1.Aff0 only."""
    results = check(v3(["0x0", "0x100_0000"]), ID)
    assert {r.subject for r in results if r.status == FAILED} == {"c0,c1"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
