"""SGI-BUDGET: notifications between PDs fit the SGIs of their receiving core (checker/obligations/sgi_budget.py)."""

from __future__ import annotations

import pytest

from checker.lemmas import CONCRETE
from checker.result import PROVED
from tests.obligations.pd_system import text
from tests.obligations.support import check, failing, load, replays_from_file, violation

ID = "SGI-BUDGET"


def senders(n: int, mailbox: bool = False) -> str:
    """n PDs on k0 that each notify consumer (a3), optionally all behind one mailbox."""
    out = ["shared mbox at 0xb004_0000 size 4K { k0 rw, k3 r }"] if mailbox else []
    for i in range(n):
        out.append(f"pd s{i} on k0 {{ priority 5 }}")
        box = f" mailbox mbox tag {i + 1}" if mailbox else ""
        out.append(f"channel n{i} {{ from s{i} to consumer{box} }}")
    return "\n".join(out)


def test_the_reference_system_is_within_budget():
    results = {r.subject: r for r in check(text(), ID)}
    assert set(results) == {"a1", "a0", "a3"}
    assert all(r.status == PROVED and r.lemma == CONCRETE.name for r in results.values())
    assert results["a3"].message == "a3 needs 1 of its 16 SGIs for 1 notifications"


def test_seventeen_notifications_into_one_gicv3_core_fail():
    """The seeded mistake: bell plus 16 more notifications into a3 need SGIs 0..16."""
    spec = load(text(more=senders(16)))
    results = check(spec, ID)
    assert failing(results) == {"a3"}
    (r,) = [r for r in results if r.subject == "a3"]
    assert r.counterexample["needed"] == 17 and r.counterexample["budget"] == 16
    assert r.counterexample["channel"] == "n15"
    assert "GICv3 gives 16 per core" in r.message
    assert r.expect == {"kind": "sgi-over-budget", "channel": "n15", "core": "a3", "budget": 16}
    hit = violation(spec, r)
    assert hit is not None and hit.details["sgi"] == 16
    assert replays_from_file(spec, r)


def test_multiplexed_notifications_share_one_sgi():
    spec = load(text(more=senders(16, mailbox=True)))
    results = {r.subject: r for r in check(spec, ID)}
    assert results["a3"].status == PROVED and results["a3"].message.startswith("a3 needs 2 of its 16 SGIs")


@pytest.mark.parametrize("n, verdict", [(7, PROVED), (8, "failed")])
def test_gicv2_gives_eight(n, verdict):
    spec = load(text(platform="qemu-virt-gicv2", more=senders(n)))
    (r,) = [r for r in check(spec, ID) if r.subject == "a3"]
    assert r.status == verdict
    if verdict != PROVED:
        assert r.counterexample["budget"] == 8 and violation(spec, r) is not None
