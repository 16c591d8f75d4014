"""QUEUE-ACCESS: a queue's ring is its producer's to write and its consumer's to read, no one else's (checker/obligations/queue_access.py)."""

from __future__ import annotations

import pytest

from checker.lemmas import MAPPING_TABLE
from checker.result import PROVED
from tests.obligations.pd_system import text
from tests.obligations.support import check, failing, load, replays_from_file, violation

ID = "QUEUE-ACCESS"


def test_a_ring_of_its_two_ends_is_proved():
    (r,) = check(text(), ID)
    assert r.status == PROVED and r.subject == "jobs"
    assert r.method == "facts" and r.lemma == MAPPING_TABLE.name
    assert r.message == "only producer writes and consumer reads ring ring"


def test_a_third_pd_mapping_the_ring_fails():
    """The seeded mistake: a monitor PD on k3 maps the ring too; in the model it reads it."""
    spec = load(text(more="pd monitor on k3 { map ring r }"))
    results = check(spec, ID)
    assert failing(results) == {"jobs"}
    (r,) = results
    assert r.counterexample == {"queue": "jobs", "ring": "ring", "problem": "pd", "pd": "monitor"}
    assert "PD monitor (kernel k3) maps ring ring" in r.message
    assert r.expect == {"kind": "queue-ring-exposed", "queue": "jobs", "pd": "monitor"}
    hit = violation(spec, r)
    assert hit is not None and hit.details == {"queue": "jobs", "pd": "monitor"}
    assert replays_from_file(spec, r)


def test_a_third_kernel_listed_on_the_ring_fails():
    spec = load(text(ring_access="k2 rw, k3 r, k0 r"))
    (r,) = check(spec, ID)
    assert r.counterexample["problem"] == "kernel" and r.counterexample["kernel"] == "k0"
    assert violation(spec, r) is not None


@pytest.mark.parametrize("parts, problem, access", [
    ({"producer_maps": "map ring r map acks r"}, "producer", "write"),
    ({"consumer_maps": "map acks rw"}, "consumer", "read"),
])
def test_an_end_that_cannot_use_the_ring_fails(parts, problem, access):
    spec = load(text(**parts))
    results = [r for r in check(spec, ID) if r.counterexample.get("problem") == problem]
    (r,) = results
    assert r.expect["kind"] == "queue-access" and r.expect["access"] == access
    assert violation(spec, r) is not None


def test_a_kernel_reaching_the_ring_through_its_device_untypeds_fails():
    spec = load(text().replace("kernel k0 { profile mk", "kernel k0 { profile sel4-mk"))
    (r,) = check(spec, ID)
    assert r.counterexample["problem"] == "kernel" and r.counterexample["kernel"] == "k0"
    assert "reaches 0xb001_0000 of ring ring" in r.message
    assert violation(spec, r) is not None
