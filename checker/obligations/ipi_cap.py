"""IPI-CAP: both ends can use SGIs: the sender's kernel lets user level send them, and both kernels come up.

Instances: every channel, decided by facts: whether the sender's profile has
`sgi_signal yes` (seL4_IRQControl_IssueSGISignal exists in non-SMP builds
only; lemma: capability table), and whether both kernels come up
(checker/sel4.py: a kernel whose core seL4 finds no redistributor for halts
at boot, and then neither sends nor binds).
Model: `model/monitors/ipi_cap.py` (sgi-misdelivered: the send is refused),
`model/monitors/ipi_target.py` (a halted sender's send is refused too) and
`model/monitors/ipi_range.py` (sgi-unbound: a halted receiver cannot bind).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import sends
from checker.result import Place
from checker.sel4 import comes_up, why_down
from checker.spec import Channel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IPI-CAP",
    "both ends can use SGIs",
    "The sending kernel's profile can send SGIs and the receiving kernel's can bind them, and both "
    "kernels come up (a kernel seL4 finds no redistributor for halts at boot).",
    "the channel and the missing capability",
    ("seL4_IRQControl_IssueSGISignal exists only in non-SMP builds (`sgi_signal yes`).",),
    family="ipi",
)


@frozen
class NoCapability:
    channel: Channel
    missing: str  # "sgi_signal" | "sender up" | "receiver up"


def missing(spec: Spec, c: Channel) -> str | None:
    """What keeps the channel's ends from using SGIs, if anything."""
    if not comes_up(spec, c.sender):
        return "sender up"
    if not c.sender.profile.sgi_signal:
        return "sgi_signal"
    if not comes_up(spec, c.receiver):
        return "receiver up"
    return None


class IpiCap(Obligation[Channel, NoCapability]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Channel]]:
        return [Instance(c.name, c.span, c) for c in spec.channels]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Channel]]) -> list[Facts]:
        out = []
        for i in instances:
            what = missing(spec, i.item)
            out.append(Facts(CAPABILITY_TABLE, (NoCapability(i.item, what),) if what else ()))
        return out

    def failure(self, spec: Spec, w: NoCapability) -> Failure:
        c = w.channel
        kernel = c.receiver if w.missing == "receiver up" else c.sender
        if w.missing == "sgi_signal":
            message = (
                f"channel {c.name}{at(c.span)}: sender {c.sender.name} runs profile {c.sender.profile.name} "
                "(sgi_signal no): its user level has no SGISignal capability to send with"
            )
        else:
            end = "receiver" if w.missing == "receiver up" else "sender"
            why = "it has no core to run on (see CPU-EXCL)" if not kernel.cores else why_down(spec, kernel)
            message = f"channel {c.name}{at(c.span)}: {end} {kernel.name} never comes up: {why}"
        cex = {"channel": c.name, "kernel": kernel.name, "missing": w.missing}
        return Failure(c.name, message, c.span, cex, (Place(f"kernel {kernel.name}", kernel.span),))

    def scenario(self, spec: Spec, w: NoCapability) -> Steps:
        return sends(spec, w.channel)

    def expected(self, spec: Spec, w: NoCapability) -> dict[str, Any]:
        if w.missing == "receiver up":
            return {"kind": "sgi-unbound", "channel": w.channel.name}
        return {"kind": "sgi-misdelivered", "channel": w.channel.name, "reached": []}

    def proved(self, spec: Spec, instance: Instance[Channel]) -> str:
        return f"{instance.item.sender.name} can send SGIs"


OBLIGATION = IpiCap()
