"""IPI-MAILBOX: a mailbox is writable by its sender, readable by its receiver and private to its channels (checker/obligations/ipi_mailbox.py)."""

from __future__ import annotations

import pytest

from checker import replay
from checker.lemmas import REACH_INTERVALS
from checker.obligations import ipi_mailbox
from checker.result import PROVED
from model.trace import MemAccess
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "IPI-MAILBOX"

# kick goes k0 -> k1 through mailbox mb; plain has no mailbox; k2 is a third kernel.
SPEC = """
include "platforms/qemu-virt-gicv3.mk"
profile mk extends sel4-mk {{ dist_init first boot_mask own irq_route yes device_untypeds declared }}
profile mk-all extends mk {{ device_untypeds all }}
kernel k0 {{ profile mk cores a0 ram at 0x4000_0000 size 256M devices uart }}
kernel k1 {{ profile mk cores a1 ram at 0x5000_0000 size 256M devices virtio0 }}
kernel k2 {{ profile {p2} cores a2 ram at {k2_ram} size 256M devices virtio16 }}
shared mb at 0xb000_0000 size 64K {{ {modes} }}
channel kick {{ from k0 to k1 sgi 4 mailbox mb tag 1 }}
channel plain {{ from k1 to k0 sgi 4 }}
{more}
"""


def text(modes="k0 rw, k1 r", p2="mk", more="", k2_ram="0x6000_0000"):
    return SPEC.format(modes=modes, p2=p2, more=more, k2_ram=k2_ram)


def read_route(spec, kernel):
    """The route by which `kernel` reads the mailbox's base on the model, or None if it cannot."""
    run = replay.run(replay.machine_config(spec), [{"op": "access", "kernel": kernel, "address": 0xb000_0000, "write": False}])
    (access,) = [e for e in run.trace if isinstance(e, MemAccess)]
    return access.route if access.allowed else None


# ---------------------------------------------------------------- passing


@pytest.mark.parametrize("modes, more", [
    ("k0 rw, k1 r", ""),
    ("k0 rw, k1 rw", ""),
    # k2 is listed, but it is an end of another channel through the same mailbox
    ("k0 rw, k1 r, k2 rw", "channel k2k { from k2 to k1 sgi 6 mailbox mb tag 2 }"),
])
def test_a_private_mailbox_is_proved_by_reach_intervals(modes, more):
    results = check(text(modes, more=more), ID)
    assert all(r.status == PROVED for r in results) and results
    assert all(r.method == "facts" and r.lemma == REACH_INTERVALS.name for r in results)
    assert results[0].message == "mailbox mb is private to its channels"


# ---------------------------------------------------------------- failing


@pytest.mark.parametrize("modes, kernel, access, words", [
    ("k0 r, k1 r", "k0", "write", "sender k0 must be listed rw on mailbox mb"),
    ("k1 r", "k0", "write", "but is listed not at all"),
    ("k0 rw", "k1", "read", "receiver k1 must be listed r or rw on mailbox mb"),
])
def test_an_end_that_may_not_use_the_mailbox_fails(modes, kernel, access, words):
    spec = load(text(modes))
    results = check(spec, ID)
    assert failing(results) == {"kick"}
    (r,) = results
    assert r.counterexample == {"channel": "kick", "mailbox": "mb", "kernel": kernel, "access": access}
    assert words in r.message
    assert r.method == "facts" and r.lemma == REACH_INTERVALS.name
    assert r.expect == {"kind": "mailbox-access", "channel": "kick", "kernel": kernel, "access": access}
    hit = violation(spec, r)
    assert hit is not None and hit.details["kernel"] == kernel and hit.details["access"] == access
    assert replays_from_file(spec, r)


@pytest.mark.parametrize("modes, p2, how, method, route", [
    ("k0 rw, k1 r, k2 r", "mk", "it is listed r on it", "facts", "shared region mb (r)"),
    ("k0 rw, k1 r", "mk-all", "it reaches it through its device untyped [", "evaluated", "device untyped"),  # device_untypeds all
])
def test_an_outsider_that_can_access_the_mailbox_fails(modes, p2, how, method, route):
    spec = load(text(modes, p2))
    results = check(spec, ID)
    assert failing(results) == {"kick"}
    (r,) = results
    assert r.counterexample == {"channel": "kick", "mailbox": "mb", "kernel": "k2", "access": "outsider"}
    assert "kernel k2, which uses no channel of mailbox mb" in r.message and how in r.message
    assert r.method == method and r.lemma == REACH_INTERVALS.name
    assert r.expect == {"kind": "mailbox-exposed", "mailbox": "mb", "kernel": "k2"}
    hit = violation(spec, r)
    assert hit is not None and hit.details == {"mailbox": "mb", "kernel": "k2"}
    assert replays_from_file(spec, r)
    assert read_route(spec, "k2").startswith(route)


def test_the_first_problem_is_the_failure():
    """Sender listed `r` and an outsider listed: one failure per channel, the sender's."""
    (r,) = check(text("k0 r, k1 r, k2 r"), ID)
    assert r.counterexample["kernel"] == "k0" and r.counterexample["access"] == "write"


def test_an_outsider_reaching_the_mailbox_through_its_ram_is_told_so():
    """k2 (device_untypeds declared) has RAM over the mailbox (also a MEM-DISJOINT failure): the
    model reaches it through `RAM untyped k2.ram`, and the message should say that route."""
    spec = load(text(k2_ram="0xb000_0000"))
    (r,) = check(spec, ID)
    assert r.counterexample["kernel"] == "k2" and violation(spec, r) is not None
    assert read_route(spec, "k2").startswith("RAM untyped k2.ram")
    assert "device untypeds" not in r.message
    assert "k2.ram" in r.message


# ---------------------------------------------------------------- the catalogue claims


def test_the_catalogue_claim_instances_are_the_channels_with_a_mailbox():
    results = check(text(more="channel other { from k0 to k2 sgi 5 }"), ID)
    assert [r.subject for r in results] == ["kick"]


def test_the_catalogue_claim_no_kernel_outside_the_channels_that_use_it():
    """"no kernel outside the channels that use it can access it": being an end of any channel
    through the mailbox makes a kernel a user, being an end of some other channel does not."""
    assert "no kernel outside the channels that use it can access it" in ipi_mailbox.ENTRY.proves
    spec = load(text("k0 rw, k1 r, k2 r", more="channel k2k { from k2 to k1 sgi 6 mailbox mb tag 2 }"))
    assert failing(check(spec, ID)) == {"k2k"}  # k2 is a user, but as k2k's sender it must be `rw`
    assert failing(check(text("k0 rw, k1 r, k2 r", more="channel other { from k0 to k2 sgi 5 }"), ID)) == {"kick"}


# ---------------------------------------------------------------- the reduction


def test_an_outsider_whose_reach_misses_the_mailbox_is_left_out():
    """Reach intervals: k2 with declared device untypeds reaches only its RAM and device pages,
    neither near the mailbox, so the channel is proved without a query; the model agrees that
    k2 cannot read the mailbox. With device untypeds for everything it can."""
    spec = load(text())
    (r,) = check(spec, ID)
    assert r.status == PROVED and r.method == "facts"
    assert read_route(spec, "k2") is None
    assert read_route(load(text(p2="mk-all")), "k2").startswith("device untyped")


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
