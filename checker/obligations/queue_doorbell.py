"""QUEUE-DOORBELL: a queue's doorbell reaches its consumer's core and no other.

Instances: every `queue`. A doorbell between PDs of one kernel is a seL4
notification and holds by construction (lemma: capability table: no GIC
is involved). A doorbell across kernels is an SGI channel, and the question
is IPI-TARGET's: its query (`sgi.TargetQueries`, shared with IPI-TARGET and
decided with it) says whether the target the producer's kernel writes
reaches exactly the consumer's core, which must also take it (GICv3 Group 1).
A doorbell the producer's kernel cannot send at all (it never comes up, has
no SGISignal, or the SGI is above 15) reaches nothing (lemma: capability
table).
Witness: the cores the write reaches, enumerated by the solver.
Model: `model/monitors/queue_doorbell.py` (queue-doorbell).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CAPABILITY_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import boot_steps
from checker.obligations.sgi import channel_target, reached_cores, target_queries
from checker.query import Query
from checker.result import Place
from checker.sel4 import comes_up, takes_group1_sgis
from checker.spec import Channel, Queue, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "QUEUE-DOORBELL",
    "a queue's doorbell rings at its consumer",
    "The SGI that signals a queue across kernels reaches exactly the core its consumer runs on (the "
    "IPI-TARGET rules); one kernel's doorbell is a seL4 notification.",
    "the doorbell's register write and the cores it reaches",
    (
        "GICv3: the target is the consumer core's affinity Aff3.Aff2.Aff1.Aff0; on Cortex-A55 core n is 0x{n}00.",
        "Omit the doorbell channel's `target` to let pcheck use the right value.",
    ),
    family="ipi",
)


@frozen
class Lost:
    queue: Queue
    target: int
    reached: tuple[str, ...]
    unsent: str | None = None  # why the producer's kernel sends nothing, if it cannot


def _unsent(spec: Spec, channel: Channel) -> str | None:
    """Why the sender's kernel issues no SGI for the doorbell (IPI-CAP's and IPI-RANGE's sender
    side: seL4_IRQControl_IssueSGISignal needs `sgi_signal` and refuses an SGI above 15)."""
    if not comes_up(spec, channel.sender):
        return f"{channel.sender.name} never comes up"
    if not channel.sender.profile.sgi_signal:
        return f"{channel.sender.name}'s profile {channel.sender.profile.name} has no SGISignal (sgi_signal no)"
    if channel.sgi > 15:
        return f"SGI {channel.sgi} does not exist (seL4 refuses IssueSGISignal above 15)"
    return None


class QueueDoorbell(Obligation[Queue, Lost]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Queue]]:
        return [Instance(q.name, q.span, q) for q in spec.queues]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Queue]]) -> list[Facts | Query]:
        out: list[Facts | Query] = []
        for i in instances:
            channel = i.item.doorbell.channel
            if channel is None:
                out.append(Facts(CAPABILITY_TABLE))
                continue
            unsent = _unsent(spec, channel)
            if unsent is not None:  # the producer's kernel cannot send it at all: it reaches nothing
                out.append(Facts(CAPABILITY_TABLE, (Lost(i.item, channel_target(spec, channel), (), unsent),)))
                continue
            out.append(session.once(target_queries, spec).of(spec, channel))
        return out

    def witnesses(self, spec: Spec, session: Session, instance: Instance[Queue], values: Mapping[str, int]) -> list[Lost]:
        q = instance.item
        c = q.doorbell.channel
        _, hit = reached_cores(spec, session, c)
        cpus = {cpu.name: cpu for cpu in spec.platform.cpus}
        reached = tuple(core for core in hit if takes_group1_sgis(spec, cpus[core], (c.receiver, c.sender)))
        return [Lost(q, channel_target(spec, c), reached)]

    def failure(self, spec: Spec, w: Lost) -> Failure:
        q, c = w.queue, w.queue.doorbell.channel
        core = c.receiving_core
        where = ", ".join(w.reached) or "no core that takes it"
        hint = ""
        if spec.platform.gic.version == 3 and core is not None and w.target != core.affinity:
            hint = f"; {core.name} (MPIDR {hexaddr(core.mpidr)}) is target {hexaddr(core.affinity)}"
        message = (f"queue {q.name}{at(q.span)}: its doorbell {c.name} (SGI {c.sgi}, target {hexaddr(w.target)}) reaches "
                   f"{where}, not consumer {q.consumer.name}'s core {core.name if core else '(none)'}{hint}")
        if w.unsent is not None:
            message = f"queue {q.name}{at(q.span)}: its doorbell {c.name} is never sent: {w.unsent}"
        cex = {"queue": q.name, "channel": c.name, "target": w.target, "reached": list(w.reached),
               "expected": core.name if core else None}
        return Failure(q.name, message, q.span, cex, (Place(f"queue {q.name}", q.span), Place(f"channel {c.name}", c.span)))

    def scenario(self, spec: Spec, w: Lost) -> Steps:
        c = w.queue.doorbell.channel
        return tuple(boot_steps(spec, [c.receiver.name, c.sender.name]) + [
            {"op": "bind_channel", "channel": c.name},
            {"op": "ring_doorbell", "queue": w.queue.name},
        ])

    def expected(self, spec: Spec, w: Lost) -> dict[str, Any]:
        return {"kind": "queue-doorbell", "queue": w.queue.name, "reached": list(w.reached)}

    def proved(self, spec: Spec, instance: Instance[Queue]) -> str:
        q = instance.item
        if q.doorbell.channel is None:
            return f"the doorbell of {q.name} is a notification on kernel {q.consumer.kernel.name}"
        return f"the doorbell of {q.name} reaches exactly {q.doorbell.channel.receiving_core.name}"


OBLIGATION = QueueDoorbell()
