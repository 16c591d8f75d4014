"""QUEUE-ACCESS: a queue's ring is written by its producer, read by its consumer, reached by no one else.

Instances: every `queue`. Decided by facts from the PDs' mappings and what
each kernel reaches (lemma: mapping table; `checker.reach`). A queue fails
when its producer cannot write the ring (`map RING rw` in a kernel listed
`rw`), when its consumer cannot read it, when another PD maps it, or when a
kernel other than the producer's and the consumer's reaches it (listed on
it, or through an untyped or device page over it). Each problem is one
failure. Model: `model/monitors/queue_access.py` (queue-access,
queue-ring-exposed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import MAPPING_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.pds import can_read, can_write, mappers, outsider
from checker.result import Place
from checker.spec import Kernel, Pd, Queue, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "QUEUE-ACCESS",
    "a queue's ring belongs to its two ends",
    "A queue's ring is writable by its producer, readable by its consumer, mapped by no other PD and "
    "listed for no kernel but theirs.",
    "the PD or kernel that reaches the ring, or the end that cannot use it",
    (
        "The producer maps the ring `rw`, the consumer `r` (or `rw` when its read index lives in the ring).",
        "A third PD that maps a ring can read and forge messages: give it a queue of its own.",
    ),
    family="pd",
)


@frozen
class RingProblem:
    queue: Queue
    kind: str  # producer | consumer | pd | kernel
    pd: Pd | None = None
    kernel: Kernel | None = None
    address: int = 0  # kernel: the lowest address of the ring it reaches


def problems(spec: Spec, q: Queue) -> list[RingProblem]:
    found = []
    if not can_write(q.producer, q.ring):
        found.append(RingProblem(q, "producer", pd=q.producer))
    if not can_read(q.consumer, q.ring):
        found.append(RingProblem(q, "consumer", pd=q.consumer))
    ends = {q.producer.name, q.consumer.name}
    found += [RingProblem(q, "pd", pd=pd) for pd in mappers(spec, q.ring) if pd.name not in ends]
    reached = outsider(spec, q.ring, {q.producer.kernel.name, q.consumer.kernel.name})
    if reached is not None:
        found.append(RingProblem(q, "kernel", kernel=reached[0], address=reached[1]))
    return found


class QueueAccess(Obligation[Queue, RingProblem]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Queue]]:
        return [Instance(q.name, q.span, q) for q in spec.queues]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Queue]]) -> list[Facts]:
        return [Facts(MAPPING_TABLE, tuple(problems(spec, i.item))) for i in instances]

    def failure(self, spec: Spec, w: RingProblem) -> Failure:
        q = w.queue
        ring = f"ring {q.ring.name}{at(q.ring.span)}"
        if w.kind == "producer":
            why = f"producer {q.producer.name} cannot write {ring} (it maps it {q.producer.mode_of(q.ring.name) or 'not at all'})"
        elif w.kind == "consumer":
            why = f"consumer {q.consumer.name} cannot read {ring} (it does not map it)"
        elif w.kind == "pd":
            why = f"PD {w.pd.name} (kernel {w.pd.kernel.name}) maps {ring} {w.pd.mode_of(q.ring.name)}, and is neither end"
        elif q.ring.mode_of(w.kernel.name):
            why = f"kernel {w.kernel.name} is listed on {ring}, and runs neither end"
        else:
            why = f"kernel {w.kernel.name} reaches {hexaddr(w.address)} of {ring} (an untyped or device page over it), and runs neither end"
        cex: dict[str, Any] = {"queue": q.name, "ring": q.ring.name, "problem": w.kind}
        if w.pd is not None:
            cex["pd"] = w.pd.name
        if w.kernel is not None:
            cex["kernel"] = w.kernel.name
        places = [Place(f"queue {q.name}", q.span), Place(f"shared {q.ring.name}", q.ring.span)]
        if w.pd is not None:
            places.append(Place(f"pd {w.pd.name}", w.pd.span))
        return Failure(q.name, f"queue {q.name}: {why}", q.span, cex, tuple(places))

    def scenario(self, spec: Spec, w: RingProblem) -> Steps:
        base = w.queue.ring.region.base
        if w.kind == "kernel":
            return ({"op": "access", "kernel": w.kernel.name, "address": w.address, "write": False},)
        return ({"op": "pd_access", "pd": w.pd.name, "address": base, "write": w.kind == "producer"},)

    def expected(self, spec: Spec, w: RingProblem) -> dict[str, Any]:
        q = w.queue
        if w.kind == "kernel":
            return {"kind": "queue-ring-exposed", "queue": q.name, "kernel": w.kernel.name}
        if w.kind == "pd":
            return {"kind": "queue-ring-exposed", "queue": q.name, "pd": w.pd.name}
        return {"kind": "queue-access", "queue": q.name, "pd": w.pd.name, "access": "write" if w.kind == "producer" else "read"}

    def proved(self, spec: Spec, instance: Instance[Queue]) -> str:
        q = instance.item
        return f"only {q.producer.name} writes and {q.consumer.name} reads ring {q.ring.name}"


OBLIGATION = QueueAccess()
