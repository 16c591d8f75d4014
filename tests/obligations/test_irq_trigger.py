"""IRQ-TRIGGER: every SPI ends with its declared trigger (checker/obligations/irq_trigger.py).

Each failure cause (unset, reset, stale) and each way to a proof, on inline
specs; every failure is replayed on the model, from its scenario and from a
counterexample file, and the model must show the field ending wrong."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import TRIGGER_WRITES
from checker.obligations import irq_trigger
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IRQ-TRIGGER"

# i.MX 8M Mini (GICv3, 160 lines): uart1 (SPI 26), uart2 (27), uart3 (28) in GICD_ICFGR word 3,
# all level; `irq` lines add edge SPIs where a test wants them.
IMX = """
include "platforms/imx8mm.mk"
profile mk extends sel4-mk {{ device_untypeds declared }}
profile ld extends mk {{ trigger_config loader }}
profile gn extends mk {{ trigger_config none }}
profile up extends sel4 {{ device_untypeds declared }}
loader {{ {loader} }}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M {x0} }}
kernel k1 {{ profile {p1} cores a1 ram at 0x5000_0000 size 256M {x1} }}
{more}
"""

# QEMU virt GICv2, 288 lines: upstream dist_init writes GICD_ICFGR words 2 .. 8 only (INTIDs 32..143).
LINES = """
include "platforms/qemu-virt-gicv2.mk"
profile up extends sel4 {{ device_untypeds declared }}
profile mk extends sel4-mk {{ device_untypeds declared }}
loader {{ gic_init }}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M irq {i0} }}
kernel k1 {{ profile {p1} cores a1 ram at 0x5000_0000 size 256M irq {i1} }}
{more}
"""


def imx(x0="devices uart2", x1="devices uart1", p0="mk", p1="mk", loader="gic_init", more=""):
    return IMX.format(x0=x0, x1=x1, p0=p0, p1=p1, loader=loader, more=more)


def assert_ends_wrong(spec, r):
    """The failure replays (from its scenario and from a file), and the model's trigger-wrong
    violation is the SPI the result names, ending level where edge is declared."""
    assert r.status == FAILED and r.expect["kind"] == "trigger-wrong"
    hit = violation(spec, r)
    assert hit is not None
    assert (hit.details["intid"], hit.details["expected"], hit.details["actual"]) == (r.counterexample["intid"], "edge", "level")
    assert f"spi {hit.details['intid'] - 32}" == r.subject
    assert replays_from_file(spec, r)
    # The last step of the scenario is the one that leaves the field wrong.
    assert hit.step == len(r.scenario) - 1


def run_steps(spec, steps):
    return replay.run(replay.machine_config(spec), steps)


# ---------------------------------------------------------------- proved


def test_level_spis_sharing_a_word_at_run_time_are_proved():
    """The four-board trial's false alarm: stale read-modify-writes of level fields put back level."""
    results = check(imx(), ID)
    assert [(r.subject, r.status) for r in results] == [("spi 27", PROVED), ("spi 26", PROVED)]
    assert results[0].message == "ends level as declared (k0 sets it at run time)"
    assert all(r.method == "facts" and r.lemma == TRIGGER_WRITES.name for r in results)


def test_the_model_agrees_that_a_stale_copy_of_a_level_field_changes_nothing():
    spec = load(imx())
    run = run_steps(spec, [{"op": "boot", "kernel": "k0"}, {"op": "boot", "kernel": "k1"},
                           {"op": "trigger_read", "kernel": "k1", "intid": 58},
                           {"op": "trigger_read", "kernel": "k0", "intid": 59},
                           {"op": "trigger_write", "kernel": "k0", "intid": 59},
                           {"op": "trigger_write", "kernel": "k1", "intid": 58}])
    assert "trigger-wrong" not in run.kinds()


def test_an_edge_spi_alone_in_its_word_is_proved():
    assert failing(check(imx(x0="devices uart2 irq spi 40 edge"), ID)) == set()


def test_an_edge_spi_set_by_the_loader_is_proved():
    spec = imx(x0="devices uart2 irq spi 30 edge", p0="ld", p1="ld", loader="gic_init triggers")
    results = check(spec, ID)
    assert failing(results) == set()
    assert "ends edge as declared (the loader sets it)" in [r.message for r in results]


def test_one_kernel_s_own_edge_and_level_spis_in_one_word_do_not_race():
    assert failing(check(imx(x0="devices uart2, uart1, uart3 irq spi 30 edge", x1="devices gpt1"), ID)) == set()


def test_the_loader_sets_an_edge_spi_beside_another_kernel_s_run_time_writes():
    """The stale writer reads the loader's edge and writes it back: nothing changes."""
    spec = imx(x0="devices uart2 irq spi 30 edge", p0="ld", loader="gic_init triggers")
    assert failing(check(spec, ID)) == set()


def test_an_spi_without_a_declared_trigger_is_no_instance():
    assert [r.subject for r in check(LINES.format(p0="mk", p1="mk", i0="spi 8", i1="spi 9 level", more=""), ID)] == ["spi 9"]


def test_an_spi_two_kernels_own_is_left_to_irq_excl():
    spec = LINES.format(p0="mk", p1="mk", i0="spi 8 edge", i1="spi 8 edge", more="")
    assert check(spec, ID) == []


# ---------------------------------------------------------------- unset


def test_an_edge_spi_nobody_sets_ends_level():
    spec = load(imx(x0="devices uart2 irq spi 40 edge", p0="gn"))
    results = check(spec, ID)
    assert failing(results) == {"spi 40"}
    (r,) = [r for r in results if r.status == FAILED]
    assert r.counterexample["cause"] == "unset" and "`trigger_config none`" in r.message
    # At k0's claim of the SPI in the system spec; k0's profile is the cause, at k0's line.
    assert r.location == spec.kernel("k0").spi_claim(72) != spec.kernel("k0").span and r.location.file == "inline.mk"
    assert r.cause is not None and r.cause.span == spec.kernel("k0").span
    assert_ends_wrong(spec, r)


def test_a_level_spi_nobody_sets_is_proved():
    results = check(imx(p0="gn", p1="gn"), ID)
    assert [r.status for r in results] == [PROVED, PROVED]
    assert results[0].message == "ends level as declared (nobody sets it)"


# ---------------------------------------------------------------- reset


def test_an_upstream_kernel_booting_later_resets_an_edge_spi_to_level():
    spec = load(imx(x0="irq spi 30 edge", x1="", p0="mk", p1="up", loader="gic_init"))
    results = check(spec, ID)
    assert failing(results) == {"spi 30"}
    (r,) = results
    assert r.counterexample["cause"] == "reset" and "k1 can boot after k0" in r.message
    assert r.location == spec.kernel("k0").spi_claim(62) != spec.kernel("k0").span  # k0's `irq spi 30 edge`; the culprit k1 is the cause
    assert r.cause is not None and r.cause.span == spec.kernel("k1").span
    assert [s["op"] for s in r.scenario][-2:] == ["configure_trigger", "boot"]
    assert_ends_wrong(spec, r)


def test_a_boot_order_that_boots_the_resetting_kernel_first_proves_it():
    spec = imx(x0="irq spi 30 edge", x1="", p0="mk", p1="up", loader="gic_init", more="boot order k1, k0")
    assert failing(check(spec, ID)) == set()


def test_a_kernel_resetting_after_the_loader_sets_an_edge_spi():
    spec = load(imx(x0="irq spi 30 edge", x1="", p0="ld", p1="up", loader="gic_init triggers"))
    (r,) = check(spec, ID)
    assert r.status == FAILED and "the loader sets it" in r.message and r.counterexample["set_by"] == "loader"
    assert_ends_wrong(spec, r)


def test_the_gicv2_reset_quirk_leaves_the_upper_words_alone():
    """Upstream GICv2 dist_init writes words 2 .. lines/32-1: INTID 48 (word 3) is reset, INTID 160
    (word 10, beyond 288/32 = 9) is not, so a later upstream boot puts back level only the first."""
    for spi, fails in ((16, True), (128, False)):
        spec = load(LINES.format(p0="mk", p1="up", i0=f"spi {spi} edge", i1="spi 200 level", more=""))
        results = check(spec, ID)
        assert (f"spi {spi}" in failing(results)) == fails
        for r in results:
            if r.status == FAILED:
                assert_ends_wrong(spec, r)
    assert irq_trigger.reset_covers(spec, 8) and not irq_trigger.reset_covers(spec, 9)


def test_a_first_kernel_resets_after_a_never_kernel_came_up():
    more = "profile nv extends mk { dist_init never }\nprofile fi extends mk { dist_init first }"
    spec = load(imx(x0="irq spi 30 edge", x1="", p0="nv", p1="fi", loader="", more=more).replace("loader {  }\n", ""))
    (r,) = check(spec, ID)
    assert r.counterexample["cause"] == "reset"
    assert_ends_wrong(spec, r)


# ---------------------------------------------------------------- stale


@pytest.mark.parametrize("text, intid", [
    (imx(x0="devices uart2 irq spi 30 edge"), 62),  # GICv3, word 3 with k1's uart1
    (LINES.format(p0="mk", p1="mk", i0="spi 1 edge", i1="spi 7 level", more=""), 33),  # GICv2, word 2
])
def test_another_kernel_s_stale_write_puts_an_edge_spi_back_to_level(text, intid):
    spec = load(text)
    results = check(spec, ID)
    assert failing(results) == {f"spi {intid - 32}"}
    (r,) = [r for r in results if r.status == FAILED]
    assert r.counterexample["cause"] == "stale"
    assert [w["op"] for w in r.counterexample["writes"]] == ["trigger_read", "trigger_read", "trigger_write", "trigger_write"]
    assert "writes back the word it read" in r.message and "move" not in r.message.lower()
    assert_ends_wrong(spec, r)
    # The same four accesses one kernel after the other leave the field edge.
    steps = [s for s in r.scenario if s["op"] == "boot"]
    ops = r.scenario[len(steps):]
    serial = [ops[1], ops[2], ops[0], ops[3]]  # the owner reads and writes, then the other kernel
    assert "trigger-wrong" not in run_steps(spec, list(steps) + serial).kinds()


def test_the_catalogue_claim_16_intids_per_word():
    """"16 INTIDs per word": an edge SPI fails beside another kernel's SPI of its word only."""
    assert "16 INTIDs per word" in irq_trigger.ENTRY.proves
    for i0, i1, fails in (("spi 15 edge", "spi 16 level", False), ("spi 16 edge", "spi 31 level", True),
                          ("spi 31 edge", "spi 32 level", False)):
        assert bool(failing(check(LINES.format(p0="mk", p1="mk", i0=i0, i1=i1, more=""), ID))) == fails


def test_spis_beyond_lines_are_not_set():
    """seL4 refuses setIRQTrigger above maxIRQ before touching GICD_ICFGR: no instance."""
    assert check(LINES.format(p0="mk", p1="mk", i0="spi 300 edge", i1="spi 301 edge", more=""), ID) == []


def test_the_fixes_name_real_fixes():
    fixes = " ".join(irq_trigger.ENTRY.fixes)
    assert "loader { gic_init triggers }" in fixes and "one kernel" in fixes
    assert "another ICFGR word" not in fixes  # SPI numbers are fixed in silicon


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
