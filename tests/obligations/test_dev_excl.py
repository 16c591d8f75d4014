"""DEV-EXCL: every device has at most one owner
(checker/obligations/dev_excl.py; model: model/monitors/dev_excl.py, device-shared)."""

from __future__ import annotations

import pytest

from checker.obligations import dev_excl
from checker.result import FAILED, PROVED
from tests.obligations.support import check, corpus_verdicts, failing, load, replays_from_file, violation

ID = "DEV-EXCL"

QEMU = """
include "platforms/qemu-virt-gicv3.mk"
kernel k0 {{ cores a0 ram at 0x4000_0000 size 16M devices {d0} }}
kernel k1 {{ cores a1 ram at 0x5000_0000 size 16M devices {d1} }}
{more}
"""


def qemu(d0="uart", d1="rtc", more=""):
    return QEMU.format(d0=d0, d1=d1, more=more)


def test_devices_with_one_owner_or_none_are_proved_by_owner_count():
    spec = load(qemu())
    results = check(spec, ID)
    assert {(r.subject, r.status) for r in results} == {(d.name, PROVED) for d in spec.platform.devices}
    assert all((r.method, r.lemma) == ("facts", "owner count") for r in results)
    assert next(r for r in results if r.subject == "uart").message == "device uart has at most one owner"


@pytest.mark.parametrize("more, owners", [
    ("", ["k0", "k1"]),
    ("kernel k2 { cores a2 ram at 0x6000_0000 size 16M devices uart }", ["k0", "k1", "k2"]),
], ids=["two-owners", "three-owners"])
def test_a_device_two_kernels_list_fails_and_the_model_agrees(more, owners):
    """The failure names the first two owners; the model lists every owner."""
    spec = load(qemu(d1="rtc, uart", more=more))
    results = check(spec, ID)
    assert failing(results) == {"uart"}
    failed = [r for r in results if r.status == FAILED]
    assert len(failed) == 1
    r = failed[0]
    assert r.counterexample == {"device": "uart", "kernels": ["k0", "k1"]}
    assert "device uart" in r.message and "owned by kernel k0" in r.message and "and by kernel k1" in r.message
    assert (r.method, r.lemma) == ("facts", "owner count")
    assert r.expect == {"kind": "device-shared", "device": "uart"}
    hit = violation(spec, r)
    assert hit is not None and hit.details["device"] == "uart" and list(hit.details["kernels"]) == owners
    assert replays_from_file(spec, r)


def test_the_catalogue_claim_every_platform_device_is_an_instance():
    """Instances: "every platform device", in platform order, devices no kernel lists included."""
    spec = load(qemu())
    assert [r.subject for r in check(spec, ID)] == [d.name for d in spec.platform.devices]
    assert len(spec.platform.devices) == 10
    assert dev_excl.ENTRY.proves == "Every device belongs to at most one kernel."


def test_a_kernel_listing_a_device_twice_owns_it_once():
    """Owner count: each kernel's claims are counted once, however often it lists the device (the
    front end refuses `devices uart, uart` with E307; a Spec built in Python can still hold it)."""
    from attrs import evolve

    spec = load(qemu())
    k0 = spec.kernels[0]
    doubled = evolve(spec, kernels=(evolve(k0, devices=k0.devices * 2),) + tuple(spec.kernels[1:]))
    assert failing(check(doubled, ID)) == set()


def test_the_corpus_has_failing_and_passing_specs():
    fails, proves = corpus_verdicts(ID)
    assert fails and proves
