"""IPI-RANGE: a channel's SGI is 0..15 and not one the receiving smp kernel keeps for itself (0, 1).

Instances: every channel, decided by facts: the SGI number is compared with
0..15 (lemma: concrete arithmetic), and with the SGIs an smp receiver
reserves for remote calls and rescheduling (lemma: capability table).
Model: `model/monitors/ipi_range.py` (sgi-unbound).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.result import Place
from checker.obligations.boot_order import boot_steps
from checker.spec import Channel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

SMP_RESERVED_SGIS = (0, 1)

ENTRY = Entry(
    "IPI-RANGE",
    "channel SGIs are usable",
    "Every channel's SGI is in 0..15 and not reserved by the receiving kernel (smp: 0 and 1).",
    "the channel",
    ("Pick an SGI from 2..15 for an smp receiver, 0..15 otherwise.",),
    family="ipi",
)


@frozen
class Unusable:
    channel: Channel
    problem: str  # "range" | "reserved"


def problem(c: Channel) -> str | None:
    if c.sgi > 15:
        return "range"
    if c.receiver.profile.smp and c.sgi in SMP_RESERVED_SGIS:
        return "reserved"
    return None


class IpiRange(Obligation[Channel, Unusable]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Channel]]:
        return [Instance(c.name, c.span, c) for c in spec.channels]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Channel]]) -> list[Facts]:
        out = []
        for instance in instances:
            found = problem(instance.item)
            out.append(Facts(CAPABILITY_TABLE, (Unusable(instance.item, found),) if found else ()))
        return out

    def failure(self, spec: Spec, w: Unusable) -> Failure:
        c = w.channel
        if w.problem == "range":
            why = f"SGI {c.sgi} does not exist: SGIs are 0..15"
        else:
            why = f"SGI {c.sgi} is reserved by smp kernel {c.receiver.name} (0: remote call, 1: reschedule)"
        cex = {"channel": c.name, "sgi": c.sgi, "receiver": c.receiver.name}
        return Failure(c.name, f"channel {c.name}{at(c.span)}: {why}", c.span, cex, (Place(f"channel {c.name}", c.span),))

    def scenario(self, spec: Spec, w: Unusable) -> Steps:
        return (*boot_steps(spec, [w.channel.receiver.name]), {"op": "bind_channel", "channel": w.channel.name})

    def expected(self, spec: Spec, w: Unusable) -> dict[str, Any]:
        return {"kind": "sgi-unbound", "channel": w.channel.name}

    def proved(self, spec: Spec, instance: Instance[Channel]) -> str:
        c = instance.item
        return f"SGI {c.sgi} is free at {c.receiver.name}"


OBLIGATION = IpiRange()
