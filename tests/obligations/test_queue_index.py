"""QUEUE-INDEX: only a queue's consumer moves its read index (checker/obligations/queue_index.py)."""

from __future__ import annotations

from checker.lemmas import MAPPING_TABLE
from checker.result import PROVED
from tests.obligations.pd_system import text
from tests.obligations.support import check, failing, load, replays_from_file, violation

ID = "QUEUE-INDEX"


def test_an_index_region_only_the_consumer_writes_is_proved():
    (r,) = check(text(), ID)
    assert r.status == PROVED and r.method == "facts" and r.lemma == MAPPING_TABLE.name


def test_an_index_inside_the_ring_fails_because_the_producer_writes_the_ring():
    spec = load(text(index="", consumer_maps="map ring rw", ring_access="k2 rw, k3 rw"))
    results = check(spec, ID)
    assert failing(results) == {"jobs"}
    (r,) = results
    assert r.counterexample == {"queue": "jobs", "problem": "overwritten", "index": 0xb001_0008, "region": "ring"}
    assert "producer producer can write the consumer's read index at 0xb001_0008" in r.message
    assert "give the queue an `index REGION`" in r.message
    assert r.expect == {"kind": "queue-index-overwritten", "queue": "jobs", "address": 0xb001_0008}
    hit = violation(spec, r)
    assert hit is not None and hit.details["address"] == 0xb001_0008
    assert replays_from_file(spec, r)


def test_an_index_region_the_producer_maps_rw_fails():
    spec = load(text(acks_access="k2 rw, k3 rw", producer_maps="map ring rw map acks rw"))
    (r,) = check(spec, ID)
    assert r.counterexample["problem"] == "overwritten" and r.counterexample["index"] == 0xb002_0000
    assert violation(spec, r) is not None


def test_a_consumer_that_cannot_write_its_index_fails():
    spec = load(text(consumer_maps="map ring r map acks r", acks_access="k2 r, k3 r"))
    (r,) = check(spec, ID)
    assert r.counterexample["problem"] == "stuck"
    assert r.expect["kind"] == "queue-index-stuck"
    assert violation(spec, r) is not None
