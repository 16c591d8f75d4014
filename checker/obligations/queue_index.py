"""QUEUE-INDEX: the producer cannot overwrite the consumer's read index, and the consumer can write it.

Instances: every `queue`. The consumer's read index is the 8 bytes at
offset 8 of the ring, or the start of the queue's `index` region (README,
"Queues"). Decided by facts (lemma: mapping table): the producer must not
be able to write the region holding the index, and the consumer must. A
ring with the index in it fails whenever the producer can write the ring,
which it must: a queue whose consumer writes back needs an `index` region
the producer maps `r`.
Model: `model/monitors/queue_index.py` (queue-index-overwritten,
queue-index-stuck).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import MAPPING_TABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.pds import can_write
from checker.result import Place
from checker.spec import Queue, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "QUEUE-INDEX",
    "only a queue's consumer moves its read index",
    "The consumer's read index of a queue lies in memory its producer cannot write and its consumer can.",
    "the write of the producer to the consumer's index, or the consumer's write that is refused",
    (
        "Give the queue an `index REGION` the consumer maps `rw` and the producer `r`.",
        "A producer that can move the read index can make a full ring look empty and overwrite unread slots.",
    ),
    family="pd",
)


@frozen
class IndexProblem:
    queue: Queue
    kind: str  # overwritten | stuck


def problems(q: Queue) -> list[IndexProblem]:
    found = []
    if can_write(q.producer, q.index_region):
        found.append(IndexProblem(q, "overwritten"))
    if not can_write(q.consumer, q.index_region):
        found.append(IndexProblem(q, "stuck"))
    return found


class QueueIndex(Obligation[Queue, IndexProblem]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Queue]]:
        return [Instance(q.name, q.span, q) for q in spec.queues]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Queue]]) -> list[Facts]:
        return [Facts(MAPPING_TABLE, tuple(problems(i.item))) for i in instances]

    def failure(self, spec: Spec, w: IndexProblem) -> Failure:
        q = w.queue
        region = q.index_region
        where = f"{hexaddr(q.consumer_index)} in {region.name}{at(region.span)}"
        if w.kind == "overwritten":
            how = "the ring" if q.index is None else f"region {region.name}"
            message = (f"queue {q.name}: producer {q.producer.name} can write the consumer's read index at {where}: it maps "
                       f"{how} rw" + ("; give the queue an `index REGION` the producer maps `r`" if q.index is None else ""))
        else:
            message = f"queue {q.name}: consumer {q.consumer.name} cannot write its read index at {where}"
        cex = {"queue": q.name, "problem": w.kind, "index": q.consumer_index, "region": region.name}
        places = (Place(f"queue {q.name}", q.span), Place(f"shared {region.name}", region.span))
        return Failure(q.name, message, q.span, cex, places)

    def scenario(self, spec: Spec, w: IndexProblem) -> Steps:
        q = w.queue
        who = q.producer if w.kind == "overwritten" else q.consumer
        return ({"op": "pd_access", "pd": who.name, "address": q.consumer_index, "write": True},)

    def expected(self, spec: Spec, w: IndexProblem) -> dict[str, Any]:
        return {"kind": f"queue-index-{w.kind}", "queue": w.queue.name, "address": w.queue.consumer_index}

    def proved(self, spec: Spec, instance: Instance[Queue]) -> str:
        q = instance.item
        return f"only {q.consumer.name} writes the read index of {q.name} ({q.index_region.name})"


OBLIGATION = QueueIndex()
