"""IPI-SMP: an smp kernel's own IPIs reach its cores (checker/obligations/ipi_smp.py; model: model/monitors/ipi_smp.py)."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import CONCRETE, SMP_IPI_WRITES
from checker.obligations import ipi_smp
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-SMP"


def smp(platform: str, cores: str, more: str = "") -> str:
    return (f'include "platforms/{platform}.mk"\n'
            f"kernel k0 {{ profile sel4-smp cores {cores} ram at 0x6000_0000 size 16M }}\n{more}")


def model_reached(spec, kernel: str, core: str) -> tuple[str, ...]:
    """The cores the model's seL4 pends the IPI on, booting only that kernel."""
    run = replay.run(replay.machine_config(spec), [{"op": "boot", "kernel": kernel}, {"op": "smp_ipi", "kernel": kernel, "core": core}])
    return tuple(e.core for e in run.trace if type(e).__name__ == "SgiPended" and e.step == 1)


@pytest.mark.parametrize("platform, cores", [
    ("qemu-virt-gicv2", "a0, a1"),  # CPU interfaces 0 and 1: the logical mask is right
    ("imx8mm", "a2, a3"),  # GICv3, Cortex-A53: Aff1 0 for every core
    ("rock3b", "c0, c1"),  # GICv3, Cortex-A55: Aff1 = logical index survives the loop
    ("rock3b", "c0, c1, c2, c3"),
])
def test_ipis_that_reach_their_cores_are_proved_by_the_solver(platform, cores):
    spec = load(smp(platform, cores))
    results = check(spec, ID)
    assert [(r.subject, r.status) for r in results] == [("k0", PROVED)]
    assert results[0].method == "solver" and results[0].lemma == SMP_IPI_WRITES.name
    assert results[0].message == "every IPI of k0 reaches the core it is meant for"
    for core in (c.strip() for c in cores.split(",")):
        assert model_reached(spec, "k0", core) == (core,)


def test_a_one_core_smp_kernel_sends_itself_no_ipi():
    results = check(smp("rock3b", "c3"), ID)
    assert [(r.status, r.method, r.lemma) for r in results] == [(PROVED, "facts", CONCRETE.name)]


@pytest.mark.parametrize("platform, cores, core, reached, values, words", [
    # GICv2: logical index 0 is CPU interface 0, which is a0, not a2
    ("qemu-virt-gicv2", "a2, a3", "a2", ["a0"], [0x1_0001], ["GICD_SGIR := 0x1_0001", "logical index", "a2 is CPU interface 2"]),
    # GICv3 A55 on c2, c3: Aff1 2 is not below the 2 cores: seL4 asserts and writes nothing
    ("rock3b", "c2, c3", "c2", [], [], ["assert(aff1 < CONFIG_MAX_NUM_NODES) fails", "reaches no core"]),
    # GICv3 A55 on c1, c2: c1's entry sgi1r[1] is reset at iteration 1: no write at all
    ("rock3b", "c1, c2", "c1", [], [], ["no ICC_SGI1R_EL1 at all", "resets sgi1r[1]"]),
])
def test_ipis_seL4_misdirects_fail_and_the_model_agrees(platform, cores, core, reached, values, words):
    spec = load(smp(platform, cores))
    (r,) = check(spec, ID)
    assert r.status == FAILED and r.subject == "k0" and r.method == "solver"
    cex = r.counterexample
    assert (cex["core"], cex["reached"], cex["values"]) == (core, reached, values)
    for word in words:
        assert word in r.message
    assert r.expect == {"kind": "ipi-misdelivered", "kernel": "k0", "core": core, "reached": reached}
    hit = violation(spec, r)
    assert hit is not None and list(hit.details["reached"]) == reached
    assert replays_from_file(spec, r)
    assert list(model_reached(spec, "k0", core)) == reached


def test_the_ipis_of_the_other_cores_are_named_too():
    (r,) = check(smp("qemu-virt-gicv2", "a2, a3"), ID)
    assert r.counterexample["also"] == ["a3"] and "the IPIs to a3 miss too" in r.message


def test_a_misdirected_ipi_lands_on_another_kernel_s_core():
    """The GICv2 case that matters: k0's reschedule IPIs land on a0, k1's core, as if it were a channel."""
    more = "kernel k1 { profile sel4 cores a0 ram at 0x4000_0000 size 16M }\n"
    spec = load(smp("qemu-virt-gicv2", "a2, a3", more))
    (r,) = check(spec, ID)
    assert r.counterexample["reached"] == ["a0"]


def test_the_catalogue_claim_instances_are_the_smp_kernels():
    """"The SGIs an smp kernel sends to its own cores": every kernel with an smp profile, and no other."""
    more = "kernel k1 { profile sel4-mk cores a0 ram at 0x4000_0000 size 16M }\nloader { gic_init }\n"
    results = check(smp("qemu-virt-gicv2", "a1, a2", more), ID)
    assert [r.subject for r in results] == ["k0"]
    assert "computed as seL4's ipi_send_target computes them" in ipi_smp.ENTRY.proves


def test_the_writes_are_seL4_s():
    """ipi_writes follows gic_v3.c's loop: with cores of MPIDR 0x000 and 0x100 the IPI to logical 1 is one
    write with Aff1 1 and TargetList bit 0 (Aff0 0); the SGI is the reschedule SGI 1."""
    spec = load(smp("rock3b", "c0, c1"))
    w = ipi_smp.ipi_writes(spec, spec.kernel("k0"), 1)
    assert w.register == "ICC_SGI1R_EL1" and w.values == (1 << 24 | 1 << 16 | 1,) and w.fault is None


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves


def test_an_smp_kernel_listing_a_core_twice_never_comes_up_and_sends_no_ipi():
    """seL4's boot core waits in release_secondary_cpus for every node: a core listed twice is
    already running and never joins, so the kernel sends no IPI (checker/sel4.py), and the model's
    boot halts the same way."""
    from attrs import evolve

    from checker import sel4

    spec = load(smp("rock3b", "c0, c1"))  # `c0, c1, c0` is E307 in a spec; a Spec built in Python can hold it
    k0 = spec.kernels[0]
    spec = evolve(spec, kernels=(evolve(k0, cores=k0.cores + k0.cores[:1]),) + tuple(spec.kernels[1:]))
    assert sel4.boots(spec, spec.kernels[0]) and not sel4.comes_up(spec, spec.kernels[0])
    results = check(spec, ID)
    assert [(r.status, r.method) for r in results] == [(PROVED, "facts")]
    run = replay.run(replay.machine_config(spec), [{"op": "boot", "kernel": "k0"}])
    assert any("already running" in getattr(e, "text", "") for e in run.trace)
