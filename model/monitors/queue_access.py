"""QUEUE-ACCESS: a queue's ring is written by its producer, read by its consumer, reached by no one else.

Violation kinds (queue_access_monitor, at PdAccess and Access steps):

* ``queue-access``: the producer cannot write the ring, or the consumer
  cannot read it. Details: ``queue``, ``pd``, ``access`` (``write`` or
  ``read``).
* ``queue-ring-exposed``: a PD other than the two ends, or a kernel other
  than theirs, reaches the ring. Details: ``queue``, ``pd`` or ``kernel``.
"""

from __future__ import annotations

from model.scenario import Access, PdAccess
from model.trace import MemAccess, PdMemAccess, Violation

__all__ = ["queue_access_monitor"]


def queue_access_monitor(machine, index, step, events, live) -> list[Violation]:
    if not isinstance(step, (PdAccess, Access)):
        return []
    config = machine.config
    found = []
    for event in events:
        if not isinstance(event, (PdMemAccess, MemAccess)):
            continue
        for q in config.queues:
            if not config.shared_region(q.ring).region.contains(event.address):
                continue
            ends = (q.producer, q.consumer)
            if isinstance(event, MemAccess):
                if event.allowed and event.kernel not in {config.pd(p).kernel for p in ends}:
                    found.append(Violation(
                        "queue-ring-exposed", index, f"kernel {event.kernel} reaches ring {q.ring} of queue {q.name}",
                        {"queue": q.name, "kernel": event.kernel}))
                continue
            if event.allowed and event.pd not in ends:
                found.append(Violation(
                    "queue-ring-exposed", index, f"PD {event.pd} reaches ring {q.ring} of queue {q.name}",
                    {"queue": q.name, "pd": event.pd}))
            wanted = (q.producer, True) if event.write else (q.consumer, False)
            if not event.allowed and (event.pd, event.write) == wanted:
                access = "write" if event.write else "read"
                found.append(Violation(
                    "queue-access", index, f"{event.pd} cannot {access} ring {q.ring} of queue {q.name}",
                    {"queue": q.name, "pd": event.pd, "access": access}))
    return found
