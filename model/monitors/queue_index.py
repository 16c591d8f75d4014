"""QUEUE-INDEX: only the consumer moves a queue's read index.

Violation kinds (queue_index_monitor, at PdAccess steps):

* ``queue-index-overwritten``: the producer writes the consumer's read
  index (it can then make the ring look empty and overwrite unread slots).
  Details: ``queue``, ``address``.
* ``queue-index-stuck``: the consumer cannot write its own read index.
  Details: ``queue``, ``address``.
"""

from __future__ import annotations

from model.scenario import PdAccess
from model.trace import PdMemAccess, Violation

__all__ = ["queue_index_monitor"]


def queue_index_monitor(machine, index, step, events, live) -> list[Violation]:
    if not isinstance(step, PdAccess) or not step.write:
        return []
    found = []
    for event in events:
        if not isinstance(event, PdMemAccess):
            continue
        for q in machine.config.queues:
            if event.address != q.consumer_index:
                continue
            if event.pd == q.producer and event.allowed:
                found.append(Violation(
                    "queue-index-overwritten", index,
                    f"producer {q.producer} overwrites the read index of queue {q.name} at {q.consumer_index:#x}",
                    {"queue": q.name, "address": q.consumer_index}))
            if event.pd == q.consumer and not event.allowed:
                found.append(Violation(
                    "queue-index-stuck", index,
                    f"consumer {q.consumer} cannot write its read index of queue {q.name} at {q.consumer_index:#x}",
                    {"queue": q.name, "address": q.consumer_index}))
    return found
