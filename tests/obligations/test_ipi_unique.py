"""IPI-UNIQUE: no two channels arrive as the same (core, SGI) unless one mailbox with distinct tags tells them apart (checker/obligations/ipi_unique.py)."""

from __future__ import annotations

import pytest
from attrs import evolve

from checker import replay
from checker.lemmas import EQUAL_KEYS
from checker.obligations import ipi_unique
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-UNIQUE"

# Three multikernel kernels, one core each; k0 receives. mb is shared by k1 and k2 towards k0, mb2 by k2 only.
SPEC = """
include "platforms/{platform}.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-smp extends sel4-smp {{ dist_init first boot_mask own device_untypeds declared }}
loader {{ gic_init group1 }}  // group1: on QEMU GICv3 nobody else puts interrupts into Group 1
kernel k0 {{ profile mk cores {c}0 ram at 0x4000_0000 size 256M }}
kernel k1 {{ profile mk cores {c}1 ram at 0x5000_0000 size 256M }}
kernel k2 {{ profile {p2} cores {c}2 ram at 0x6000_0000 size 256M }}
shared mb at 0x7000_0000 size 64K {{ k0 r, k1 rw, k2 rw }}
shared mb2 at 0x7001_0000 size 64K {{ k0 r, k2 rw }}
{channels}
"""

PLATFORMS = {"rpi4": "c", "qemu-virt-gicv3": "a"}  # GICv2 and GICv3, with the name of their cores


def text(channels, platform="rpi4", p2="mk"):
    return SPEC.format(platform=platform, c=PLATFORMS[platform], p2=p2, channels=channels)


def merged_on_model(spec):
    """Every kernel boots, every channel is bound and sent once, then the SGIs are delivered:
    the channel sets the model reports as merged."""
    steps = [{"op": "boot", "kernel": k.name} for k in spec.kernels]
    steps += [{"op": "bind_channel", "channel": c.name} for c in spec.channels]
    steps += [{"op": "send_channel", "channel": c.name} for c in spec.channels] + [{"op": "deliver"}]
    run = replay.run(replay.machine_config(spec), steps)
    return {frozenset(v.details["channels"]) for v in run.violations if v.kind == "sgi-merged"}


def assert_confirmed(spec, r):
    pair = r.counterexample["channels"]
    assert r.subject == ",".join(pair)
    assert r.expect == {"kind": "sgi-merged", "channels": pair}
    hit = violation(spec, r)
    assert hit is not None and set(hit.details["channels"]) == set(pair)
    assert hit.details["core"] == r.counterexample["core"] and hit.details["sgi"] == r.counterexample["sgi"]
    assert replays_from_file(spec, r)


# ---------------------------------------------------------------- passing


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_distinct_arrivals_are_proved_by_grouping(platform):
    """Same SGI on different cores, and different SGIs on one core, are different arrivals."""
    spec = load(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k0 sgi 6 }  channel d3 { from k0 to k1 sgi 5 }", platform))
    results = check(spec, ID)
    assert [(r.subject, r.status) for r in results] == [("all", PROVED)]
    assert results[0].method == "facts" and results[0].lemma == EQUAL_KEYS.name
    assert results[0].message == "every channel arrives as its own (core, SGI)"
    assert merged_on_model(spec) == set()


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_one_mailbox_with_distinct_tags_tells_two_channels_apart(platform):
    spec = load(text("channel d1 { from k1 to k0 sgi 5 mailbox mb tag 1 }  channel d2 { from k2 to k0 sgi 5 mailbox mb tag 2 }", platform))
    assert [(r.subject, r.status) for r in check(spec, ID)] == [("all", PROVED)]
    assert merged_on_model(spec) == set()


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("d1, d2, why", [
    ("", "", "no mailbox tells them apart"),
    ("mailbox mb tag 1", "mailbox mb tag 1", "they share mailbox mb with the same tag 1"),
    ("mailbox mb tag 1", "mailbox mb2 tag 2", "they do not go through the same mailbox"),
    ("mailbox mb tag 1", "", "they do not go through the same mailbox"),
])
def test_two_channels_to_one_core_with_one_sgi_collide(platform, d1, d2, why):
    spec = load(text(f"channel d1 {{ from k1 to k0 sgi 5 {d1} }}  channel d2 {{ from k2 to k0 sgi 5 {d2} }}", platform))
    results = check(spec, ID)
    assert failing(results) == {"d1,d2"}
    (r,) = results
    assert r.counterexample == {"channels": ["d1", "d2"], "core": f"{PLATFORMS[platform]}0", "sgi": 5}
    assert "both arrive as SGI 5" in r.message and why in r.message
    assert r.method == "facts" and r.lemma == EQUAL_KEYS.name
    assert_confirmed(spec, r)
    assert merged_on_model(spec) == {frozenset({"d1", "d2"})}


def test_every_colliding_pair_is_a_failure():
    spec = load(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k0 sgi 5 }  channel d3 { from k2 to k0 sgi 5 target 0 }"))
    results = check(spec, ID)
    assert failing(results) == {"d1,d2", "d1,d3", "d2,d3"}
    for r in results:
        assert_confirmed(spec, r)


def test_a_misdirected_channel_collides_where_it_really_arrives():
    """d2 is meant for k1 on c1, but target 0 sends it to c0, where d1 arrives with the same SGI."""
    spec = load(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k1 sgi 5 target 0 }"))
    (r,) = check(spec, ID)
    assert r.status == FAILED and r.counterexample["core"] == "c0"
    assert_confirmed(spec, r)


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_the_instance_is_all_or_one_per_pair():
    assert [r.subject for r in check(text("channel d1 { from k1 to k0 sgi 5 }"), ID)] == ["all"]
    assert [r.subject for r in check(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k0 sgi 5 }"), ID)] == ["d1,d2"]


def test_the_catalogue_claim_unless_the_same_mailbox_with_distinct_tags():
    """"unless both go through the same mailbox with distinct tags": a channel built without a
    tag (possible through the API) is not told apart from a tagged one."""
    assert "same mailbox with distinct tags" in ipi_unique.ENTRY.proves
    spec = load(text("channel d1 { from k1 to k0 sgi 5 mailbox mb tag 1 }  channel d2 { from k2 to k0 sgi 5 mailbox mb tag 2 }"))
    assert [r.subject for r in check(spec, ID)] == ["all"]
    spec = evolve(spec, channels=(evolve(spec.channels[0], tag=None), spec.channels[1]))
    (r,) = check(spec, ID)
    assert r.status == FAILED and r.subject == "d1,d2"
    assert_confirmed(spec, r)


# ---------------------------------------------------------------- the reduction


def test_arrivals_are_grouped_by_where_the_sgi_really_goes():
    """d2 is meant for c0 like d1, but target 1 sends it to c1: the two never meet (IPI-TARGET
    reports d2), and the model merges nothing."""
    spec = load(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k0 sgi 5 target 1 }"))
    assert [(r.subject, r.status) for r in check(spec, ID)] == [("all", PROVED)]
    assert merged_on_model(spec) == set()
    assert failing(check(spec, "IPI-TARGET")) == {"d2"}


def test_a_channel_that_cannot_be_sent_arrives_nowhere():
    """An smp sender has no SGISignal (IPI-CAP): its channel never pends the SGI, so it
    collides with nothing."""
    spec = load(text("channel d1 { from k1 to k0 sgi 5 }  channel d2 { from k2 to k0 sgi 5 }", p2="mk-smp"))
    assert [(r.subject, r.status) for r in check(spec, ID)] == [("all", PROVED)]
    assert merged_on_model(spec) == set()


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
