"""IPI-UNIQUE: no two channels arrive as the same (core, SGI), unless one mailbox with distinct tags tells them apart.

One instance, `all`, decided by facts. The arrival cores come from the
IPI-TARGET queries (`sgi.arrivals`: where each channel's SGI really goes;
a channel whose query is unsat arrives exactly at its receiving core, the
others' cores are enumerated by the solver). Arrivals are grouped by
(core, SGI): two arrivals in different groups differ in core or SGI and
cannot collide, so only pairs within a group are compared (lemma: grouping
by equal keys), each as "different channels, and not the same mailbox with
different tags". Each colliding channel pair is one failure.
Model: `model/monitors/ipi_unique.py` (sgi-merged).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import EQUAL_KEYS, groups
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import arrivals
from checker.result import Place
from checker.obligations.boot_order import boot_steps
from checker.spec import Channel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IPI-UNIQUE",
    "receivers can tell channels apart",
    "No two channels arrive as the same (receiving core, SGI) unless both go through the same "
    "mailbox with distinct tags.",
    "the two sends and the one delivery",
    ("Give each channel its own SGI, or put them behind one `mailbox` with distinct tags.",),
    family="ipi",
)


@frozen
class Merged:
    first: Channel
    second: Channel
    core: str


def told_apart(a: Channel, b: Channel) -> bool:
    """The receiver can tell the two channels apart: one mailbox, both tagged, different tags.

    A channel built without a tag (the API allows it; `.mk` always writes one)
    carries nothing that tells it apart. It used to count as tag 0, so an
    untagged and a tag-2 channel passed (found by the differential test; the
    model already required both tags).
    """
    same_mailbox = a.mailbox is not None and b.mailbox is not None and a.mailbox.name == b.mailbox.name
    return same_mailbox and a.tag is not None and b.tag is not None and a.tag != b.tag


def all_told_apart(channels: Sequence[Channel]) -> bool:
    """Every two of the channels can be told apart: one mailbox, every one tagged, the tags distinct.
    (What `told_apart` says of each pair, decided for a whole group at once.)"""
    if not channels or any(c.mailbox is None or c.tag is None for c in channels):
        return len(channels) <= 1
    return len({c.mailbox.name for c in channels}) == 1 and len({c.tag for c in channels}) == len(channels)


def collisions(spec: Spec, session: Session) -> list[Merged]:
    """Every pair of channels that arrive as one (core, SGI) and cannot be told apart, in order
    (IPI-UNIQUE's failures; RPC-PROXY asks it of a proxy pair's channels)."""
    channels = spec.channels
    where: dict[tuple[int, int], str] = {}
    for (core, _), members in groups(arrivals(spec, session), lambda a: (a[1], channels[a[0]].sgi)).items():
        if all_told_apart([channels[a] for a in dict.fromkeys(a for a, _ in members)]):
            continue  # no pair of the group collides: skip the pairwise comparison
        for i, (a, _) in enumerate(members):
            for b, _ in members[i + 1:]:
                pair = (min(a, b), max(a, b))
                if a != b and pair not in where and not told_apart(channels[pair[0]], channels[pair[1]]):
                    where[pair] = core
    return [Merged(channels[a], channels[b], where[(a, b)]) for a, b in sorted(where)]


class IpiUnique(Obligation[None, Merged]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[None]]:
        return [Instance("all", spec.platform.span)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[None]]) -> list[Facts]:
        return [Facts(EQUAL_KEYS, tuple(session.once(collisions, spec)))]

    def failure(self, spec: Spec, w: Merged) -> Failure:
        a, b = w.first, w.second
        why = "no mailbox tells them apart"
        if a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name:
            why = f"they share mailbox {a.mailbox.name} with the same tag {a.tag}"
        elif a.mailbox or b.mailbox:
            why = "they do not go through the same mailbox"
        message = (
            f"channels {a.name}{at(a.span)} and {b.name}{at(b.span)} both arrive as SGI {a.sgi} on {w.core}, and the GIC "
            f"does not say who sent an SGI: {why}"
        )
        cex = {"channels": [a.name, b.name], "core": w.core, "sgi": a.sgi}
        places = (Place(f"channel {a.name}", a.span), Place(f"channel {b.name}", b.span))
        return Failure(f"{a.name},{b.name}", message, b.span, cex, places)

    def scenario(self, spec: Spec, w: Merged) -> Steps:
        a, b = w.first, w.second
        steps = boot_steps(spec, [a.receiver.name, a.sender.name, b.receiver.name, b.sender.name])
        steps += [{"op": "bind_channel", "channel": a.name}]
        steps += [{"op": "send_channel", "channel": a.name}, {"op": "send_channel", "channel": b.name}, {"op": "deliver"}]
        return tuple(steps)

    def expected(self, spec: Spec, w: Merged) -> dict[str, Any]:
        return {"kind": "sgi-merged", "channels": [w.first.name, w.second.name]}

    def proved(self, spec: Spec, instance: Instance[None]) -> str:
        return "every channel arrives as its own (core, SGI)"


OBLIGATION = IpiUnique()
