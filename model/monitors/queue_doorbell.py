"""QUEUE-DOORBELL: a queue's doorbell reaches its consumer's core and no other.

Violation kind ``queue-doorbell`` (doorbell_monitor, at a RingDoorbell step
of a doorbell across kernels): the SGI the producer's kernel sends did not
become pending on the consumer's core alone. Details: ``queue``,
``reached`` (the cores it became pending on).
"""

from __future__ import annotations

from model.scenario import RingDoorbell
from model.trace import SgiPended, Violation

__all__ = ["doorbell_monitor"]


def doorbell_monitor(machine, index, step, events, live) -> list[Violation]:
    if not isinstance(step, RingDoorbell):
        return []
    config = machine.config
    try:
        queue = config.queue(step.queue)
        bell = config.notification(queue.doorbell)
    except KeyError:  # the step itself failed (a model error in the trace)
        return []
    if bell.channel is None:
        return []
    channel = config.channel(bell.channel)
    reached = sorted({e.core for e in events if isinstance(e, SgiPended) and e.sgi == channel.sgi})
    if reached == [channel.receiver_core]:
        return []
    where = ", ".join(reached) or "no core"
    return [Violation(
        "queue-doorbell", index,
        f"the doorbell of queue {queue.name} (SGI {channel.sgi}) reaches {where}, not {queue.consumer}'s core {channel.receiver_core or '(none)'}",
        {"queue": queue.name, "reached": reached})]
