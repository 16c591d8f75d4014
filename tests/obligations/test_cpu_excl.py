"""CPU-EXCL: every cpu has at most one kernel; every kernel has one cpu, or 1..8 if smp
(checker/obligations/cpu_excl.py; model: model/monitors/cpu_excl.py, core-shared and kernel-cores)."""

from __future__ import annotations

import pytest

from checker.obligations import cpu_excl
from checker.result import FAILED, PROVED
from tests.obligations.support import SPECS, check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "CPU-EXCL"

QEMU = """
include "platforms/qemu-virt-gicv2.mk"
kernel k0 {{ {p0} {c0} ram at 0x4000_0000 size 16M }}
kernel k1 {{ {p1} {c1} ram at 0x5000_0000 size 16M }}
"""


def qemu(c0="cores a0", c1="profile sel4-smp cores a1, a2", p0="", p1=""):
    return QEMU.format(c0=c0, c1=c1, p0=p0, p1=p1)


def many(n_cores):
    """A GICv3 board with 9 cpus (c0..c8) and one smp kernel on the first n_cores of them."""
    cpus = "\n".join(f"    cpu c{i} mpidr {i:#x}" for i in range(9))
    cores = ", ".join(f"c{i}" for i in range(n_cores))
    return f"""
platform board {{
{cpus}
    memory dram at 0x4000_0000 size 1G
    gic v3 {{
        distributor at 0x0800_0000 size 64K
        redistributors at 0x080a_0000 stride 128K
        lines 128
    }}
}}
kernel k0 {{ profile sel4-smp cores {cores} ram at 0x4000_0000 size 16M }}
"""


# ---------------------------------------------------------------- passing


def test_one_kernel_per_cpu_and_the_right_number_of_cores_are_proved_by_facts():
    results = check(qemu(), ID)
    assert [(r.subject, r.status) for r in results] == [(n, PROVED) for n in ("a0", "a1", "a2", "a3", "k0", "k1")]
    by = {r.subject: r for r in results}
    assert all((by[c].method, by[c].lemma) == ("facts", "owner count") for c in ("a0", "a1", "a2", "a3"))
    assert all((by[k].method, by[k].lemma) == ("facts", "concrete arithmetic") for k in ("k0", "k1"))
    assert by["a0"].message == "cpu a0 has at most one kernel"
    assert by["k1"].message == "kernel k1 has 2 core(s)"


# ---------------------------------------------------------------- failing


def test_a_cpu_two_kernels_claim_fails_and_the_model_agrees():
    spec = load(qemu(c1="cores a0"))
    results = check(spec, ID)
    assert failing(results) == {"a0"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"cpu": "a0", "kernels": ["k0", "k1"]}
    assert "is claimed by kernel k0" in r.message and "and by kernel k1" in r.message
    assert (r.method, r.lemma) == ("facts", "owner count")
    assert r.expect == {"kind": "core-shared", "cpu": "a0"}
    hit = violation(spec, r)
    assert hit is not None and hit.details["cpu"] == "a0" and list(hit.details["kernels"]) == ["k0", "k1"]
    assert replays_from_file(spec, r)


@pytest.mark.parametrize("text, problem, cores, words", [
    (qemu(c0=""), "none", [], ["has no cpu"]),
    (qemu(c0="cores a0, a3"), "several", ["a0", "a3"], ["has 2 cores (a0, a3)", "profile sel4 is not smp"]),
    (qemu(c0="cores a0, a3", p0="profile sel4-mk") + "loader { gic_init }\n", "several", ["a0", "a3"], ["profile sel4-mk is not smp"]),
    (many(9), "too-many", [f"c{i}" for i in range(9)], ["has 9 cores", "at most 8"]),
], ids=["no-cpu", "several-without-smp", "several-with-sel4-mk", "too-many-smp"])
def test_a_kernel_with_the_wrong_number_of_cores_fails_and_the_model_agrees(text, problem, cores, words):
    spec = load(text)
    results = check(spec, ID)
    assert failing(results) == {"k0"}
    r = next(r for r in results if r.status == FAILED)
    assert r.counterexample == {"kernel": "k0", "problem": problem, "cores": cores}
    for word in words:
        assert word in r.message
    assert (r.method, r.lemma) == ("facts", "concrete arithmetic")
    assert r.expect == {"kind": "kernel-cores", "kernel": "k0", "problem": problem}
    hit = violation(spec, r)
    assert hit is not None and (hit.details["kernel"], hit.details["problem"]) == ("k0", problem)
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_every_cpu_then_every_kernel():
    """Instances: "every cpu, then every kernel", cpus no kernel uses included."""
    spec = load(qemu())
    assert [r.subject for r in check(spec, ID)] == [c.name for c in spec.platform.cpus] + ["k0", "k1"]


@pytest.mark.parametrize("n, fails", [(1, False), (8, False), (9, True)])
def test_the_catalogue_claim_an_smp_kernel_has_at_most_8(n, fails):
    """"an smp kernel at most 8": 1 and 8 cores are proved, 9 fail."""
    assert failing(check(many(n), ID)) == ({"k0"} if fails else set())
    assert "an smp kernel at most 8" in cpu_excl.ENTRY.proves


def test_the_catalogue_claim_a_cpu_claimed_by_three_kernels_is_one_failure():
    """"Every cpu belongs to at most one kernel": a third claimant adds no second failure of the cpu."""
    spec = load(qemu(c1="cores a0") + "kernel k2 { cores a0 ram at 0x6000_0000 size 16M }")
    failed = [r for r in check(spec, ID) if r.status == FAILED]
    assert [(r.subject, r.counterexample["kernels"]) for r in failed] == [("a0", ["k0", "k1"])]


# ---------------------------------------------------------------- the lemma: owner count


def test_a_kernel_listing_a_cpu_twice_is_a_spec_error():
    """`cores a1, a1` is E307 at the repeat (it used to be a second claim, or two cores)."""
    import checker

    loaded = checker.load_text(qemu(c1="profile sel4-smp cores a1, a1"), "inline.mk", base_dir=SPECS)
    assert [(d.code, d.message) for d in loaded.diagnostics if d.is_error] == [
        ("E307", "cpu 'a1' is listed twice in the cores of kernel 'k1'")]


@pytest.mark.parametrize("smp", [False, True])
def test_a_spec_built_in_python_with_a_repeated_cpu_counts_it_once(smp):
    """Owner count and core count both count distinct cpus, so a Spec built without the front end
    gets exact verdicts too: `cores a0, a0` is one core (a non-smp kernel is fine), and nine
    distinct cpus reached through repeats are still nine."""
    from attrs import evolve

    spec = load(qemu())
    k0 = spec.kernels[0]
    a0 = k0.cores[0]
    doubled = evolve(spec, kernels=(evolve(k0, cores=(a0,) * 65_536),) + tuple(spec.kernels[1:]))
    results = check(doubled, ID)
    assert failing(results) == set()
    if smp:
        cpus = tuple(evolve(a0, name=f"x{i}", mpidr=0x100 + i) for i in range(9))
        nine = evolve(spec, platform=evolve(spec.platform, cpus=spec.platform.cpus + cpus),
                      kernels=(evolve(k0, cores=cpus * 3, profile=evolve(k0.profile, smp=True)),) + tuple(spec.kernels[1:]))
        assert failing(check(nine, ID)) == {k0.name}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
