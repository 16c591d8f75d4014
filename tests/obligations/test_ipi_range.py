"""IPI-RANGE: each channel's SGI is in 0..15 and not one an smp receiver keeps for itself (checker/obligations/ipi_range.py)."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations import ipi_range
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-RANGE"

# k0, k2: non-smp multikernel kernels; k1: an smp kernel on a1, a2.
SPEC = """
include "platforms/qemu-virt-gicv3.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-smp extends {smp_base} {{ dist_init first boot_mask own device_untypeds declared {smp_flag} }}
loader {{ gic_init }}
kernel k0 {{ profile mk cores a0 ram at 0x4000_0000 size 256M devices uart }}
kernel k1 {{ profile mk-smp cores a1, a2 ram at 0x5000_0000 size 1G devices virtio0 }}
kernel k2 {{ profile mk cores a3 ram at 0x9000_0000 size 256M }}
{channels}
"""


def text(channels, smp_base="sel4-smp", smp_flag=""):
    return SPEC.format(channels=channels, smp_base=smp_base, smp_flag=smp_flag)


def binds(spec, channel):
    """The receiver boots and binds the channel's SGI on the model without a refusal."""
    c = next(c for c in spec.channels if c.name == channel)
    run = replay.run(replay.machine_config(spec), [{"op": "boot", "kernel": c.receiver.name}, {"op": "bind_channel", "channel": channel}])
    return not [v for v in run.violations if v.kind == "sgi-unbound"]


def test_usable_sgis_are_proved_by_the_capability_table():
    spec = load(text("""
channel lo { from k0 to k2 sgi 0 }
channel hi { from k0 to k2 sgi 15 }
channel smp { from k0 to k1 on a2 sgi 2 }
"""))
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {("lo", PROVED), ("hi", PROVED), ("smp", PROVED)}
    assert all(r.method == "facts" and r.lemma == CAPABILITY_TABLE.name for r in results)
    assert next(r for r in results if r.subject == "smp").message == "SGI 2 is free at k1"
    assert all(binds(spec, c) for c in ("lo", "hi", "smp"))


@pytest.mark.parametrize("channel, receiver, sgi, words, reason", [
    ("from k0 to k2 sgi 16", "k2", 16, "SGI 16 does not exist: SGIs are 0..15", "seL4_RangeError"),
    ("from k0 to k1 on a2 sgi 16", "k1", 16, "SGI 16 does not exist: SGIs are 0..15", "seL4_RangeError"),
    ("from k0 to k1 on a2 sgi 0", "k1", 0, "SGI 0 is reserved by smp kernel k1", "seL4_RevokeFirst"),
    ("from k0 to k1 sgi 1", "k1", 1, "SGI 1 is reserved by smp kernel k1", "seL4_RevokeFirst"),
])
def test_an_unusable_sgi_fails_and_the_receiver_refuses_to_bind_it(channel, receiver, sgi, words, reason):
    spec = load(text(f"channel c {{ {channel} }}"))
    results = check(spec, ID)
    assert failing(results) == {"c"}
    (r,) = results
    assert r.counterexample == {"channel": "c", "sgi": sgi, "receiver": receiver}
    assert words in r.message
    assert r.method == "facts" and r.lemma == CAPABILITY_TABLE.name
    assert r.expect == {"kind": "sgi-unbound", "channel": "c"}
    hit = violation(spec, r)
    assert hit is not None and hit.details["kernel"] == receiver and hit.details["reason"] == reason
    assert replays_from_file(spec, r)


def test_only_the_bad_channel_fails():
    results = check(text("channel ok { from k0 to k1 on a2 sgi 2 }  channel bad { from k0 to k1 on a2 sgi 1 }"), ID)
    assert {(r.subject, r.status) for r in results} == {("ok", PROVED), ("bad", FAILED)}


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_the_channels():
    """"Every channel's SGI": one instance per channel, with or without a mailbox."""
    spec = load(text("""
shared mb at 0xb000_0000 size 64K { k0 rw, k2 r }
channel a { from k0 to k2 sgi 3 mailbox mb tag 1 }
channel b { from k2 to k0 sgi 3 }
channel c { from k0 to k1 on a2 sgi 4 }
"""))
    assert [r.subject for r in check(spec, ID)] == ["a", "b", "c"]
    assert "Every channel's SGI" in ipi_range.ENTRY.proves


@pytest.mark.parametrize("sgi, fails", [(15, False), (16, True), (255, True)])
def test_the_catalogue_claim_sgis_are_0_to_15(sgi, fails):
    """"in 0..15"."""
    assert "0..15" in ipi_range.ENTRY.proves
    assert failing(check(text(f"channel c {{ from k0 to k2 sgi {sgi} }}"), ID)) == ({"c"} if fails else set())


def test_the_catalogue_claim_reserved_by_the_receiving_kernel():
    """"not reserved by the receiving kernel (smp: 0 and 1)": SGIs 0 and 1 are fine for a
    non-smp receiver, also when the sender is smp; the reservation is the receiver's."""
    assert "not reserved by the receiving kernel (smp: 0 and 1)" in ipi_range.ENTRY.proves
    spec = load(text("channel c0 { from k1 to k0 sgi 0 }  channel c1 { from k0 to k2 sgi 1 }  channel c2 { from k0 to k1 on a1 sgi 2 }"))
    assert failing(check(spec, ID)) == set()
    assert binds(spec, "c0") and binds(spec, "c1")
    assert failing(check(text("channel c { from k0 to k1 on a1 sgi 0 }"), ID)) == {"c"}


def test_the_reservation_follows_the_smp_flag_not_the_profile_name():
    """The capability table reads the profile's `smp` flag: a custom smp profile reserves 0 and 1 too."""
    spec = load(text("channel c { from k0 to k1 on a2 sgi 1 }", smp_base="sel4-mk", smp_flag="smp yes"))
    assert spec.kernel("k1").profile.smp and spec.kernel("k1").profile.sgi_signal
    assert failing(check(spec, ID)) == {"c"}


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
