"""QUEUE-DOORBELL: a queue's doorbell rings at its consumer's core (checker/obligations/queue_doorbell.py)."""

from __future__ import annotations

from checker.lemmas import CAPABILITY_TABLE
from checker.result import PROVED
from tests.obligations.pd_system import text
from tests.obligations.support import check, failing, load, replays_from_file, violation

ID = "QUEUE-DOORBELL"


def test_a_doorbell_that_reaches_the_consumer_is_proved_by_the_solver():
    (r,) = check(text(), ID)
    assert r.status == PROVED and r.method == "solver"
    assert r.message == "the doorbell of jobs reaches exactly a3"


def test_a_doorbell_on_one_kernel_is_a_notification():
    spec = text(more="pd local on k2 { map ring r }\nchannel bell2 { from producer to local }\n"
                "queue local_jobs from producer to local in ring notify bell2")
    results = {r.subject: r for r in check(spec, ID)}
    assert results["local_jobs"].status == PROVED and results["local_jobs"].lemma == CAPABILITY_TABLE.name


def test_a_doorbell_with_the_wrong_target_fails():
    spec = load(text(bell="target 2"))
    results = check(spec, ID)
    assert failing(results) == {"jobs"}
    (r,) = results
    assert r.counterexample["reached"] == ["a2"] and r.counterexample["expected"] == "a3"
    assert r.expect == {"kind": "queue-doorbell", "queue": "jobs", "reached": ["a2"]}
    hit = violation(spec, r)
    assert hit is not None and hit.details["reached"] == ["a2"]
    assert replays_from_file(spec, r)


def test_the_core_index_target_misses_on_a_cortex_a55():
    """rock3b (Cortex-A55, core n at MPIDR 0x{n}00): the au-ts tool passes the core index 3."""
    spec = load(text(platform="rock3b", c0="c0", c1="c1", c2="c2", c3="c3", bell="target 3"))
    (r,) = check(spec, ID)
    assert r.counterexample["reached"] == [] and "c3 (MPIDR 0x300) is target 0x300" in r.message
    assert violation(spec, r) is not None


def test_a_doorbell_the_producer_cannot_send_fails():
    spec = load(text().replace("kernel k2 { profile mk", "kernel k2 { profile nosig").replace(
        "profile mk extends sel4-mk { device_untypeds declared }",
        "profile mk extends sel4-mk { device_untypeds declared }\nprofile nosig extends mk { sgi_signal no }"))
    (r,) = check(spec, ID)
    assert r.status == "failed" and "is never sent" in r.message and "sgi_signal no" in r.message
    assert r.method == "facts" and violation(spec, r) is not None
