"""IPI-CAP: the sender's kernel lets user level send SGIs and the receiver's can bind them (checker/obligations/ipi_cap.py)."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations import ipi_cap
from checker.obligations.sgi import sends
from checker.result import PROVED
from model.trace import SgiPended
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-CAP"

# k0 is a non-smp multikernel kernel; k1 runs the profile under test (on a1, a2 when smp).
SPEC = """
include "platforms/{platform}.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-smp extends sel4-smp {{ dist_init first boot_mask own device_untypeds declared }}
profile nosig extends mk {{ sgi_signal no }}
loader {{ gic_init group1 }}  // group1: on QEMU GICv3 nobody else puts interrupts into Group 1
kernel k0 {{ profile mk cores a0 ram at 0x4000_0000 size 256M devices uart }}
kernel k1 {{ profile {profile} cores {cores} ram at 0x5000_0000 size 1G devices virtio0 }}
channel to_k1 {{ from k0 to k1 sgi 5 }}
channel to_k0 {{ from k1 to k0 sgi 6 }}
"""


def text(profile="mk", platform="qemu-virt-gicv3"):
    cores = "a1, a2" if profile == "mk-smp" else "a1"
    return SPEC.format(profile=profile, platform=platform, cores=cores)


def pended(spec, channel):
    """The cores the channel's SGI becomes pending on when the model boots both ends, binds and sends it."""
    c = next(c for c in spec.channels if c.name == channel)
    run = replay.run(replay.machine_config(spec), sends(spec, c))
    return {e.core for e in run.trace if isinstance(e, SgiPended)}


@pytest.mark.parametrize("profile", ["mk", "sel4", "sel4-mk"])
def test_non_smp_senders_are_proved_by_the_capability_table(profile):
    spec = load(text(profile))
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("to_k1", PROVED), ("to_k0", PROVED)}
    assert all(r.method == "facts" and r.lemma == CAPABILITY_TABLE.name for r in results)
    assert next(r for r in results if r.subject == "to_k0").message == "k1 can send SGIs"
    assert pended(spec, "to_k0") == {"a0"}


@pytest.mark.parametrize("platform", ["qemu-virt-gicv3", "qemu-virt-gicv2"])
@pytest.mark.parametrize("profile", ["mk-smp", "nosig"])
def test_a_sender_without_sgi_signal_fails_and_its_kernel_refuses_the_send(platform, profile):
    """SMP seL4 has no seL4_IRQControl_IssueSGISignal; a custom `sgi_signal no` build neither."""
    spec = load(text(profile, platform))
    results = check(spec, ID)
    assert failing(results) == {"to_k0"}
    r = next(r for r in results if r.subject == "to_k0")
    assert r.counterexample == {"channel": "to_k0", "kernel": "k1", "missing": "sgi_signal"}
    assert f"sender k1 runs profile {profile} (sgi_signal no)" in r.message and "SGISignal" in r.message
    assert r.method == "facts" and r.lemma == CAPABILITY_TABLE.name
    assert r.expect == {"kind": "sgi-misdelivered", "channel": "to_k0", "reached": []}
    hit = violation(spec, r)
    assert hit is not None and hit.details["refused"].startswith("seL4_IllegalOperation")
    assert hit.details["reached"] == () and hit.details["register"] is None  # nothing is written
    assert replays_from_file(spec, r)
    assert pended(spec, "to_k0") == set()


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_the_channels():
    """Every channel is an instance, whichever way it goes."""
    assert [r.subject for r in check(text(), ID)] == ["to_k1", "to_k0"]


@pytest.mark.parametrize("profile", ["mk-smp", "nosig", "sel4"])
def test_the_catalogue_claim_the_receiving_kernel_can_bind_them(profile):
    """"the receiving kernel's can bind them": every profile can bind an SGI, smp and
    `sgi_signal no` builds included, so a channel into them passes and the model delivers it."""
    assert "the receiving kernel's can bind them" in ipi_cap.ENTRY.proves
    spec = load(text(profile))
    assert {r.subject: r.status for r in check(spec, ID)}["to_k1"] == PROVED
    assert pended(spec, "to_k1") == {"a1"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
