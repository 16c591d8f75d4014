"""IPI-CAP: the sender's kernel lets user level send SGIs (seL4_IRQControl_IssueSGISignal, non-SMP builds).

Instances: every channel, decided by facts: whether the sender's profile has
`sgi_signal yes` (lemma: capability table).
Model: `model/monitors/ipi_cap.py` (sgi-misdelivered: the send is refused).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import sends
from checker.result import Place
from checker.spec import Channel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IPI-CAP",
    "both ends can use SGIs",
    "The sending kernel's profile can send SGIs and the receiving kernel's can bind them.",
    "the channel and the missing capability",
    ("seL4_IRQControl_IssueSGISignal exists only in non-SMP builds (`sgi_signal yes`).",),
    family="ipi",
)


@frozen
class NoCapability:
    channel: Channel


class IpiCap(Obligation[Channel, NoCapability]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Channel]]:
        return [Instance(c.name, c.span, c) for c in spec.channels]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Channel]]) -> list[Facts]:
        return [Facts(CAPABILITY_TABLE, () if i.item.sender.profile.sgi_signal else (NoCapability(i.item),)) for i in instances]

    def failure(self, spec: Spec, w: NoCapability) -> Failure:
        c = w.channel
        message = (
            f"channel {c.name}{at(c.span)}: sender {c.sender.name} runs profile {c.sender.profile.name} "
            "(sgi_signal no): its user level has no SGISignal capability to send with"
        )
        cex = {"channel": c.name, "kernel": c.sender.name, "missing": "sgi_signal"}
        return Failure(c.name, message, c.span, cex, (Place(f"kernel {c.sender.name}", c.sender.span),))

    def scenario(self, spec: Spec, w: NoCapability) -> Steps:
        return sends(w.channel)

    def expected(self, spec: Spec, w: NoCapability) -> dict[str, Any]:
        return {"kind": "sgi-misdelivered", "channel": w.channel.name, "reached": []}

    def proved(self, spec: Spec, instance: Instance[Channel]) -> str:
        return f"{instance.item.sender.name} can send SGIs"


OBLIGATION = IpiCap()
