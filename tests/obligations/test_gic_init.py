"""GIC-INIT: the distributor is initialised once, before any kernel runs, and never clobbered (checker/obligations/gic_init.py)."""

from __future__ import annotations

import itertools

import pytest
from attrs import evolve

from checker import replay
from checker.lemmas import BOOT_BEHAVIOUR, CONCRETE
from checker.obligations import gic_init
from checker.result import FAILED, PROVED
from checker.spec import SEL4, Kernel
from tests.obligations.support import check, corpus_verdicts, load, replays_from_file, violation

ID = "GIC-INIT"

SPEC = """
include "platforms/imx8mm.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile nev extends mk {{ dist_init never }}
profile alw extends mk {{ dist_init always }}
profile maskall extends mk {{ boot_mask all }}
{extra}
kernel k0 {{ profile {p0} cores a0 ram at 0x4000_0000 size 256M devices uart2 }}
kernel k1 {{ profile {p1} cores a1 ram at 0x5000_0000 size 256M devices gpt1 }}
"""

LOADER = "loader { gic_init }"


def text(p0="mk", p1="mk", extra=""):
    return SPEC.format(p0=p0, p1=p1, extra=extra)


def boot_violations(spec, order):
    """The GIC-INIT violations (kind, problem or kernel) the model shows when booting `order` alone."""
    run = replay.run(replay.machine_config(spec), [{"op": "boot", "kernel": k} for k in order])
    return {(v.kind, v.details.get("problem") or v.details.get("kernel")) for v in run.violations
            if v.kind in ("dist-clobber", "dist-init")}


def only(results):
    (r,) = results
    assert r.subject == "system"
    return r


# ---------------------------------------------------------------- passing


@pytest.mark.parametrize("p0, p1, extra, method", [
    ("nev", "nev", LOADER, "facts"),   # the loader initialises, nobody else can
    ("mk", "mk", LOADER, "facts"),     # dist_init first finds the loader's GICD_CTLR enabled
    ("mk", "mk", "", "solver"),        # whoever boots first initialises, the other leaves it alone
    ("alw", "mk", "boot order k0, k1", "solver"),  # the always-resetting kernel is pinned first
])
def test_one_initialiser_is_proved(p0, p1, extra, method):
    r = only(check(text(p0, p1, extra), ID))
    assert r.status == PROVED
    assert r.message == "the distributor is initialised once, before any kernel runs"
    assert r.method == method and r.lemma == BOOT_BEHAVIOUR.name


def test_a_spec_without_kernels_is_proved_by_concrete_arithmetic():
    spec = evolve(load(text()), kernels=())
    r = only(check(spec, ID))
    assert r.status == PROVED and r.message == "no kernel boots"
    assert r.method == "facts" and r.lemma == CONCRETE.name


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("p0, p1, extra, problem, culprit, initialisers, words, expect, method", [
    # two upstream kernels: the second boot resets the distributor under the first
    ("sel4", "sel4", "", "clobber", "k1", ["k0", "k1"], ["GICD_CTLR := 0", "while k0 is live"],
     {"kind": "dist-clobber", "kernel": "k1"}, "solver"),
    # boot_mask all masks every line, the first kernel's included, without a reset
    ("nev", "maskall", LOADER, "clobber", "k1", ["the loader"], ["GICD_ICENABLER", "boot_mask all", "while k0 is live"],
     {"kind": "dist-clobber", "kernel": "k1"}, "solver"),
    # nobody initialises the distributor: `never` is named, not the first uninitialised boot
    ("nev", "nev", "", "never", None, [], ["nothing initialises the distributor"],
     {"kind": "dist-init", "problem": "never"}, "facts"),  # every boot order fails
    # the loader and a dist_init always kernel
    ("alw", "nev", LOADER, "twice", "k0", ["the loader", "k0"], ["initialised 2 times", "the loader, k0"],
     {"kind": "dist-init", "problem": "twice"}, "solver"),
])
def test_each_way_to_fail_is_reported_and_replayed(p0, p1, extra, problem, culprit, initialisers, words, expect, method):
    spec = load(text(p0, p1, extra))
    r = only(check(spec, ID))
    assert r.status == FAILED
    cex = r.counterexample
    assert cex["boot_order"] == ["k0", "k1"]  # the declaration order fails: it is preferred
    assert cex["problem"] == problem and cex["kernel"] == culprit and cex["initialisers"] == initialisers
    assert r.message.startswith("boot order k0 -> k1: ")
    for word in words:
        assert word in r.message
    assert r.method == method and r.lemma == BOOT_BEHAVIOUR.name
    assert r.expect == expect
    hit = violation(spec, r)
    assert hit is not None
    if problem == "clobber":
        assert hit.details["kernel"] == culprit and hit.details["live"] == ("k0",)
    else:
        assert hit.details["problem"] == problem and hit.details["kernel"] == culprit
    assert replays_from_file(spec, r)
    assert boot_violations(spec, cex["boot_order"])


def test_a_clobbering_reset_writes_gicd_ctlr_and_a_clobbering_mask_writes_icenabler():
    reset = load(text("sel4", "sel4"))
    hit = violation(reset, only(check(reset, ID)))
    assert hit.details["register"] == "GICD_CTLR" and hit.details["activity"] == "dist_init"
    mask = load(text("nev", "maskall", LOADER))
    hit = violation(mask, only(check(mask, ID)))
    assert hit.details["register"].startswith("GICD_ICENABLER[") and hit.details["activity"] == "init_irqs"


def test_nothing_initialising_is_reported_as_never():
    """Every kernel `dist_init never` and no loader: nobody ever initialises the distributor.
    Every order also has a first kernel booting uninitialised, but `never` says more and is
    named; the model, run to the end of that order, reports both."""
    spec = load(text("nev", "nev"))
    r = only(check(spec, ID))
    assert r.counterexample["problem"] == "never" and r.method == "facts"
    assert boot_violations(spec, r.counterexample["boot_order"]) == {("dist-init", "uninitialised"), ("dist-init", "never")}


def test_the_solver_s_boot_order_is_reported_when_the_declaration_order_passes():
    """k0 (dist_init first) and k1 (never), no loader: k0, k1 is fine; k1, k0 boots k1
    uninitialised and then has k0 reset the distributor under it."""
    spec = load(text("mk", "nev"))
    assert boot_violations(spec, ["k0", "k1"]) == set()
    r = only(check(spec, ID))
    assert r.counterexample["boot_order"] == ["k1", "k0"]
    assert r.counterexample["problem"] == "clobber" and r.counterexample["kernel"] == "k0"
    assert r.method == "solver"
    assert ("dist-clobber", "k0") in boot_violations(spec, ["k1", "k0"])
    assert violation(spec, r) is not None and replays_from_file(spec, r)


@pytest.mark.parametrize("extra, fails", [("", True), ("boot order k0, k1", False), ("boot order k1, k0", True)])
def test_a_boot_order_makes_a_dist_init_always_kernel_safe_or_not(extra, fails):
    spec = load(text("alw", "mk", extra))
    r = only(check(spec, ID))
    assert (r.status == FAILED) == fails
    if fails:
        assert r.counterexample["boot_order"] == ["k1", "k0"] and r.counterexample["kernel"] == "k0"
        assert boot_violations(spec, ["k1", "k0"]) and violation(spec, r) is not None


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_the_single_instance_is_system():
    """GIC-INIT has the single instance `system`, proved or failed, however many kernels."""
    for spec_text in (text(), text("sel4", "sel4"), text("nev", "nev", LOADER)):
        assert [r.subject for r in check(spec_text, ID)] == ["system"]


def test_the_catalogue_claim_initialised_exactly_once():
    """"initialised exactly once": twice (loader and a kernel) fails, once (the loader) passes."""
    assert "initialised exactly once" in gic_init.ENTRY.proves
    assert only(check(text("alw", "nev", LOADER), ID)).counterexample["problem"] == "twice"
    assert only(check(text("nev", "nev", LOADER), ID)).status == PROVED


def test_the_catalogue_claim_before_any_kernel_takes_interrupts():
    """"before any kernel takes interrupts": a kernel that boots before the only initialiser fails,
    even though the distributor is initialised exactly once afterwards."""
    assert "before any kernel takes interrupts" in gic_init.ENTRY.proves
    r = only(check(text("nev", "mk", "boot order k0, k1"), ID))
    assert r.status == FAILED and r.counterexample["initialisers"] == ["k1"]
    assert ("dist-init", "uninitialised") in boot_violations(load(text("nev", "mk")), ["k0", "k1"])


def test_the_catalogue_claim_no_distributor_wide_writes_once_another_is_live():
    """"no kernel makes distributor-wide writes after another kernel is live": masking every
    line counts as well as a reset, and a kernel that boots first may do either."""
    assert "no kernel makes distributor-wide writes after another kernel is live" in gic_init.ENTRY.proves
    assert only(check(text("nev", "maskall", LOADER), ID)).counterexample["problem"] == "clobber"
    assert only(check(text("maskall", "nev", LOADER + " boot order k0, k1"), ID)).status == PROVED


# ---------------------------------------------------------------- the reduction


def test_a_kernel_without_a_core_is_left_out_because_it_never_boots():
    """Boot behaviour by profile: a coreless upstream kernel would reset the distributor if it
    booted, but it never does, on the model either."""
    spec = load(text())
    coreless = evolve(spec, kernels=spec.kernels + (Kernel("k9", (), SEL4),))
    assert only(check(coreless, ID)).status == PROVED
    for order in itertools.permutations(["k0", "k1", "k9"]):
        assert boot_violations(coreless, order) == set()
    with_cores = evolve(spec, kernels=spec.kernels + (Kernel("k9", (spec.platform.cpus[2],), SEL4),))
    assert only(check(with_cores, ID)).status == FAILED


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
