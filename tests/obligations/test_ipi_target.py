"""IPI-TARGET: the sender's target reaches the receiving core and no other (checker/obligations/ipi_target.py)."""

from __future__ import annotations

import os

import pytest
from attrs import evolve

from checker import replay
from checker.lemmas import EQUAL_KEYS
from checker.obligations import ipi_target
from checker.obligations.sgi import sends, target_class
from checker.result import FAILED, PROVED
from model.trace import SgiPended
from tests.obligations.support import SPECS, check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-TARGET"

# ODROID-C4: Cortex-A55 on a GICv2; c0..c3 have MPIDR 0x000..0x300 and CPU interfaces 0..3.
ODROID = """
include "platforms/odroidc4.mk"
profile mk extends sel4-mk { dist_init first boot_mask own irq_route yes device_untypeds declared }
loader { gic_init }
kernel k0 { profile mk cores c0 ram at 0x1000_0000 size 256M devices uart_ao }
kernel k1 { profile mk cores c2 ram at 0x2000_0000 size 1G devices eth }
%s
"""

# ROCK 3B: Cortex-A55 on a GICv3; core n has affinity 0x{n}00.
ROCK = """
include "platforms/rock3b.mk"
profile mk extends sel4-mk { dist_init first boot_mask own irq_route yes device_untypeds declared }
kernel k0 { profile mk cores c0 ram at 0x0020_0000 size 0x1fe0_0000 devices uart2 }
kernel k1 { profile mk cores c2 ram at 0x4000_0000 size 1G devices gmac0 }
kernel k2 { profile mk cores c3 ram at 0x8000_0000 size 512M devices sata0 }
%s
"""


def pended(spec, channel):
    """The cores the channel's SGI becomes pending on when the model sends it once."""
    c = next(c for c in spec.channels if c.name == channel)
    run = replay.run(replay.machine_config(spec), sends(spec, c))
    return {e.core for e in run.trace if isinstance(e, SgiPended)}


def assert_confirmed(spec, r):
    cex = r.counterexample
    assert r.expect == {"kind": "sgi-misdelivered", "channel": cex["channel"], "reached": cex["reached"]}
    hit = violation(spec, r)
    assert hit is not None
    assert hit.details["value"] == cex["value"] and hit.details["register"] == (cex["register"] if cex["value"] is not None else None)
    assert list(hit.details["reached"]) == cex["reached"]
    assert replays_from_file(spec, r)
    assert pended(spec, cex["channel"]) == set(cex["reached"])


# ---------------------------------------------------------------- passing


def test_gicv2_targets_are_cpu_interface_numbers():
    spec = load(ODROID % "channel a { from k0 to k1 sgi 7 }  channel b { from k1 to k0 sgi 7 target 0 }  channel c { from k0 to k1 sgi 3 target 2 }")
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("a", PROVED), ("b", PROVED), ("c", PROVED)}
    assert all(r.lemma == EQUAL_KEYS.name and r.method in ("solver", "facts") for r in results)
    assert {r.subject: r.method for r in results}["a"] == "solver"
    assert next(r for r in results if r.subject == "a").message == "target 0x2 reaches exactly c2"
    assert pended(spec, "a") == {"c2"} and pended(spec, "b") == {"c0"}


def test_gicv3_targets_are_affinities():
    spec = load(ROCK % "channel a { from k0 to k1 sgi 7 }  channel b { from k1 to k0 sgi 7 target 0 }  channel c { from k0 to k2 sgi 3 target 0x300 }")
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("a", PROVED), ("b", PROVED), ("c", PROVED)}
    assert all(r.method == "solver" and r.lemma == EQUAL_KEYS.name for r in results)
    assert next(r for r in results if r.subject == "a").message == "target 0x200 reaches exactly c2"
    assert pended(spec, "a") == {"c2"} and pended(spec, "c") == {"c3"}


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("target, value, reached, words", [
    # the MPIDR of c2 instead of its CPU interface: > 7, seL4_InvalidArgument, nothing written
    ("0x200", None, [], ["writes nothing (seL4_InvalidArgument: target 0x200 > 7)", "c2 is CPU interface 2"]),
    # Aff0 of c2 (0 on a DynamIQ core): (1 << 0) << 16 | 7, which is c0
    ("0", 0x1_0007, ["c0"], ["GICD_SGIR := 0x1_0007", "reaches c0, not c2"]),
    # CPU interface 7 exists in the register but no core has it: (1 << 7) << 16 | 7
    ("7", 0x80_0007, [], ["GICD_SGIR := 0x80_0007", "reaches no core"]),
    # 8 is the first target seL4 refuses
    ("8", None, [], ["writes nothing (seL4_InvalidArgument: target 0x8 > 7)"]),
])
def test_a_wrong_gicv2_target_fails(target, value, reached, words):
    spec = load(ODROID % f"channel kick {{ from k0 to k1 sgi 7 target {target} }}")
    results = check(spec, ID)
    assert failing(results) == {"kick"}
    (r,) = results
    assert r.counterexample == {"channel": "kick", "target": int(target, 0), "register": "GICD_SGIR", "value": value,
                                "reached": reached, "expected": "c2"}
    for word in words:
        assert word in r.message
    assert r.lemma == EQUAL_KEYS.name
    assert_confirmed(spec, r)
    if value is None:
        assert violation(spec, r).details["refused"] == "seL4_InvalidArgument"


@pytest.mark.parametrize("target, value, reached", [
    ("0x2", 0x700_0004, []),         # core index 2 instead of affinity 0x200: Aff0 = 2, no such core
    ("0x300", 0x703_0001, ["c3"]),   # the neighbouring core
    ("0x400", 0x704_0001, []),       # Aff1 = 4: no core at all
])
def test_a_wrong_gicv3_target_fails(target, value, reached):
    """ICC_SGI1R_EL1 = SGI << 24 | Aff1 << 16 | 1 << Aff0 (TargetList) for these targets."""
    spec = load(ROCK % f"channel kick {{ from k0 to k1 sgi 7 target {target} }}")
    results = check(spec, ID)
    assert failing(results) == {"kick"}
    r = next(r for r in results if r.subject == "kick")
    assert r.counterexample == {"channel": "kick", "target": int(target, 0), "register": "ICC_SGI1R_EL1", "value": value,
                                "reached": reached, "expected": "c2"}
    assert f"reaches {', '.join(reached) or 'no core'}, not c2" in r.message
    assert "c2 (MPIDR 0x200) is target 0x200" in r.message
    assert r.method == "solver" and r.lemma == EQUAL_KEYS.name
    assert_confirmed(spec, r)


def test_a_target_reaching_two_cores_fails():
    """"exactly the receiving core": two cpus that share CPU interface 2 (a CPU-IDENT mistake) both take the SGI."""
    with open(os.path.join(SPECS, "zynqmp-draft-port-dup-gic-cpu.mk"), encoding="utf-8") as f:
        text = f.read()
    spec = load(text + "\nchannel c { from k0 to k2 sgi 4 }\n")
    (r,) = check(spec, ID)
    assert r.status == FAILED
    assert r.counterexample["reached"] == ["c2", "c3"] and r.counterexample["expected"] == "c3"
    assert r.counterexample["value"] == (1 << 2) << 16 | 4
    assert_confirmed(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_the_channels():
    spec = load(ROCK % "channel a { from k0 to k1 sgi 7 }  channel b { from k1 to k0 sgi 7 }  channel c { from k2 to k0 sgi 2 }")
    assert [r.subject for r in check(spec, ID)] == ["a", "b", "c"]


def test_the_catalogue_claim_that_core_exists():
    """"and that core exists": a receiver without a core (built directly, as CPU-EXCL would
    report) has no right target; the sender's default 0 reaches c0 instead."""
    assert "that core exists" in ipi_target.ENTRY.proves
    spec = load(ROCK % "channel kick { from k0 to k1 sgi 7 }")
    k1 = evolve(spec.kernel("k1"), cores=())
    coreless = evolve(spec, kernels=(spec.kernels[0], k1, spec.kernels[2]), channels=(evolve(spec.channels[0], receiver=k1),))
    (r,) = check(coreless, ID)
    assert r.status == FAILED and r.counterexample["expected"] is None and r.counterexample["reached"] == ["c0"]
    assert "it has none" in r.message
    assert violation(coreless, r) is not None and replays_from_file(coreless, r)


# ---------------------------------------------------------------- the reduction


@pytest.mark.parametrize("spec_text, register_sgi", [
    (ROCK % "channel a { from k0 to k1 sgi 3 target 0x2 }  channel b { from k0 to k1 sgi 9 target 0x2 }", lambda v: v >> 24 & 0xF),
    (ODROID % "channel a { from k0 to k1 sgi 3 target 1 }  channel b { from k0 to k1 sgi 9 target 1 }", lambda v: v & 0xF),
])
def test_one_target_class_one_verdict_but_each_failure_writes_its_own_sgi(spec_text, register_sgi):
    """Channels with the same raw target and receiving core share a query; the failure of each
    still shows the register value its own send writes, with its own SGI number."""
    spec = load(spec_text)
    a, b = spec.channels
    assert target_class(spec, a) == target_class(spec, b)
    results = check(spec, ID)
    assert failing(results) == {"a", "b"}
    values = {r.subject: r.counterexample["value"] for r in results}
    assert register_sgi(values["a"]) == 3 and register_sgi(values["b"]) == 9
    assert values["a"] & ~0x0F00_000F == values["b"] & ~0x0F00_000F  # the same cores are named
    for r in results:
        assert_confirmed(spec, r)


def test_the_same_target_to_different_receiving_cores_is_a_different_class():
    spec = load(ROCK % "channel a { from k0 to k1 sgi 3 target 0x200 }  channel b { from k0 to k2 sgi 4 target 0x200 }")
    a, b = spec.channels
    assert target_class(spec, a) != target_class(spec, b)
    assert {r.subject: r.status for r in check(spec, ID)} == {"a": PROVED, "b": FAILED}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
