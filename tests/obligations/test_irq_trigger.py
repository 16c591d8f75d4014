"""IRQ-TRIGGER: no two kernels race on one GICD_ICFGR word at run time (checker/obligations/irq_trigger.py)."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import EQUAL_KEYS
from checker.obligations import irq_trigger
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IRQ-TRIGGER"

# i.MX 8M Mini words: uart1 (SPI 26), uart2 (27), uart3 (28) in word 3; i2c1 (35), i2c2 (36) in 4; gpt1 (55) in 5.
IMX = """
include "platforms/imx8mm.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile ld extends mk {{ trigger_config loader }}
loader {{ gic_init }}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M devices {d0} }}
kernel k1 {{ profile {p1} cores a1 ram at 0x5000_0000 size 256M devices {d1} }}
{more}
"""

# Kernels that own only `irq` lines, on QEMU virt GICv2 (288 INTIDs).
LINES = """
include "platforms/qemu-virt-gicv2.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
loader {{ gic_init }}
kernel k0 {{ profile mk cores a0 ram at 0x4000_0000 size 256M irq {i0} }}
kernel k1 {{ profile mk cores a1 ram at 0x5000_0000 size 256M irq {i1} }}
"""


def imx(d0="uart2", d1="gpt1", p0="mk", p1="mk", more=""):
    return IMX.format(d0=d0, d1=d1, p0=p0, p1=p1, more=more)


def stale_writes(spec, interleaving):
    """The trigger-lost violations of booting the two kernels and running only `interleaving`."""
    kernels = list(dict.fromkeys(e["kernel"] for e in interleaving))
    steps = [{"op": "boot", "kernel": k} for k in kernels] + list(interleaving)
    run = replay.run(replay.machine_config(spec), steps)
    return [v for v in run.violations if v.kind == "trigger-lost"]


def assert_race_confirmed(spec, r):
    """The failure replays, and its interleaving alone loses the update the counterexample names,
    while the same four accesses one kernel after the other lose nothing."""
    cex = r.counterexample
    lost = cex["lost"]
    assert r.expect == {"kind": "trigger-lost", "intid": lost["intid"], "kernel": lost["kernel"]}
    hit = violation(spec, r)
    assert hit is not None and hit.details["intid"] == lost["intid"] and hit.details["kernel"] == lost["kernel"]
    assert hit.details["register"] == cex["register"] == f"GICD_ICFGR[{cex['word']}]"
    assert replays_from_file(spec, r)
    inter = cex["interleaving"]
    assert len(inter) == 4 and {e["intid"] // 16 for e in inter} == {cex["word"]}
    for kernel in {e["kernel"] for e in inter}:
        ops = [e["op"] for e in inter if e["kernel"] == kernel]
        assert ops == ["trigger_read", "trigger_write"]  # each kernel reads, then writes
    assert any(v.details["intid"] == lost["intid"] for v in stale_writes(spec, inter))
    serial = sorted(inter, key=lambda e: e["kernel"])  # k0 reads and writes, then k1
    assert stale_writes(spec, serial) == []


# ---------------------------------------------------------------- passing


def test_runtime_triggers_in_different_words_are_proved_by_grouping():
    results = check(imx("uart2", "gpt1"), ID)
    assert [(r.subject, r.status) for r in results] == [("all", PROVED)]
    assert results[0].message == "no two kernels configure triggers in one ICFGR word"
    assert results[0].method == "facts" and results[0].lemma == EQUAL_KEYS.name


@pytest.mark.parametrize("p0, p1", [("ld", "ld"), ("mk", "ld"), ("ld", "mk")])
def test_fewer_than_two_runtime_configurers_are_proved_by_grouping(p0, p1):
    results = check(imx("uart2", "uart1", p0, p1), ID)
    assert [(r.subject, r.status) for r in results] == [("all", PROVED)]
    assert results[0].method == "facts" and results[0].lemma == EQUAL_KEYS.name


def test_one_kernel_s_own_spis_in_one_word_do_not_race():
    assert failing(check(imx("uart2, uart1, uart3", "gpt1"), ID)) == set()


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("text, word, intids", [
    (imx("uart2", "uart1"), 3, {58, 59}),
    (LINES.format(i0="spi 1 level", i1="spi 7 level"), 2, {33, 39}),  # GICv2
])
def test_two_kernels_configuring_one_word_at_run_time_race(text, word, intids):
    spec = load(text)
    results = check(spec, ID)
    assert failing(results) == {"k0,k1"}
    (r,) = results
    assert r.counterexample["word"] == word
    assert {e["intid"] for e in r.counterexample["interleaving"]} == intids
    assert r.counterexample["lost"]["intid"] in intids
    assert f"share GICD_ICFGR[{word}]" in r.message and "stale word" in r.message and "is lost" in r.message
    assert r.method == "facts" and r.lemma == EQUAL_KEYS.name
    assert_race_confirmed(spec, r)


def test_every_racing_pair_of_three_kernels_is_a_failure():
    spec = load(imx("uart2", "uart1", more="kernel k2 { profile mk cores a2 ram at 0x6000_0000 size 256M devices uart3 }"))
    results = check(spec, ID)
    assert failing(results) == {"k0,k1", "k0,k2", "k1,k2"}
    assert len(results) == 3
    for r in results:
        assert set(r.subject.split(",")) == {e["kernel"] for e in r.counterexample["interleaving"]}
        assert_race_confirmed(spec, r)


def test_a_loader_configured_kernel_does_not_race_but_a_third_runtime_one_does():
    spec = load(imx("uart2", "uart1", "mk", "ld", more="kernel k2 { profile mk cores a2 ram at 0x6000_0000 size 256M devices uart3 }"))
    assert failing(check(spec, ID)) == {"k0,k2"}


# ---------------------------------------------------------------- the catalogue claims


@pytest.mark.parametrize("i0, i1, fails", [
    ("spi 15 edge", "spi 16 edge", False),  # INTIDs 47 and 48: words 2 and 3
    ("spi 16 edge", "spi 31 edge", True),   # INTIDs 48 and 63: both word 3
    ("spi 31 edge", "spi 32 edge", False),  # INTIDs 63 and 64: words 3 and 4
])
def test_the_catalogue_claim_16_intids_per_word(i0, i1, fails):
    """"SPIs that share one GICD_ICFGR word (16 INTIDs per word)": the word boundaries."""
    assert "16 INTIDs per word" in irq_trigger.ENTRY.proves
    assert failing(check(LINES.format(i0=i0, i1=i1), ID)) == ({"k0,k1"} if fails else set())


def test_the_catalogue_claim_at_run_time_only():
    """"configure trigger modes at run time": `trigger_config loader` leaves a kernel out, and so
    does an SPI with no trigger declared (no setIRQTrigger)."""
    assert "at run time" in irq_trigger.ENTRY.proves
    assert failing(check(imx("uart2", "uart1", "ld", "mk"), ID)) == set()
    assert failing(check(LINES.format(i0="spi 8", i1="spi 9 edge"), ID)) == set()
    assert failing(check(LINES.format(i0="spi 8 level", i1="spi 9 edge"), ID)) == {"k0,k1"}


def test_spis_beyond_lines_do_not_race():
    """seL4 refuses setIRQTrigger above maxIRQ before touching GICD_ICFGR (the module docstring):
    SPIs 300 and 301 share a word number, but the word does not exist on a 288-line GIC."""
    assert failing(check(LINES.format(i0="spi 300 edge", i1="spi 301 edge"), ID)) == set()


def test_the_single_instance_is_all_when_proved():
    assert [r.subject for r in check(imx("uart2", "gpt1"), ID)] == ["all"]


# ---------------------------------------------------------------- the reduction


@pytest.mark.parametrize("d0, d1", [
    ("uart2, i2c1", "uart1, i2c2"),    # the pair shares words 3 and 4
    ("uart2, uart3", "uart1"),         # several entry pairs in word 3
])
def test_one_failure_per_racing_kernel_pair_however_many_words_it_shares(d0, d1):
    spec = load(imx(d0, d1))
    results = check(spec, ID)
    assert [r.subject for r in results] == ["k0,k1"]
    assert results[0].status == FAILED
    assert_race_confirmed(spec, results[0])


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
