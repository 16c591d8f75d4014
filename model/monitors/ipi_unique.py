"""IPI-UNIQUE: a receiver can tell apart every channel that signals it.

Violation kind ``sgi-merged``: two or more channels arrive as the same SGI
on the same core and the receiver cannot tell them apart (they do not share
one mailbox with distinct tags). Found at send (sgi_send_merge_monitor:
the SGI is sent while another channel's send of it is still pending, with
one pending bit (GICv3) or the same GICv2 source CPU) and at delivery
(sgi_deliver_monitor: one notification is signalled for several channels).

Details: ``channels`` (their names), ``core``, ``sgi``, ``phase``
(``send`` or ``deliver``), ``why`` (the reason they merge, as text).

The sends in flight per (core, SGI) live in MonitorState.inflight;
model.monitors.forget_taken_sgis drops those no longer pending.
"""

from __future__ import annotations

from model.config import Channel
from model.scenario import Deliver, SendChannel
from model.trace import Delivery, SgiPended, Violation

__all__ = ["sgi_send_merge_monitor", "sgi_deliver_monitor"]


def _distinct_by_mailbox(channels: list[Channel]) -> bool:
    mailboxes = {c.mailbox for c in channels}
    tags = [c.tag for c in channels]
    return len(mailboxes) == 1 and None not in mailboxes and None not in tags and len(set(tags)) == len(tags)


def sgi_send_merge_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-merged (at send) for SendChannel steps, one check per SGI pended.
    Runs right after the IPI-CAP and IPI-TARGET monitors (MONITORS order),
    so a send's sgi-misdelivered comes before its sgi-merged."""
    if not isinstance(step, SendChannel):
        return []
    channel = machine.config.channel(step.channel)
    pended = [e for e in events if isinstance(e, SgiPended)]
    found = []
    for event in pended:
        found += _merge_at_send(machine, index, channel, event)
    return found


def _merge_at_send(machine, index, channel: Channel, event: SgiPended) -> list[Violation]:
    queue = machine.monitor.inflight.setdefault((event.core, event.sgi), [])
    others = [name for name, source in queue
              if name != channel.name and (event.source is None or source == event.source)]
    queue.append((channel.name, event.source))
    involved = [machine.config.channel(n) for n in dict.fromkeys([*others, channel.name])]
    if not others or _distinct_by_mailbox(involved):
        return []
    return [_merged(index, involved, event.core, event.sgi, "send",
                    "one pending bit" if event.source is None else f"same source cpu {event.source}")]


def _merged(index, channels: list[Channel], core: str, sgi: int, phase: str, why: str) -> Violation:
    names = tuple(c.name for c in channels)
    return Violation(
        "sgi-merged", index,
        f"channels {', '.join(names)} arrive as SGI {sgi} on {core} ({why}); the receiver cannot tell them apart",
        {"channels": names, "core": core, "sgi": sgi, "phase": phase, "why": why})


def sgi_deliver_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-merged (at delivery): one notification signalled for several channels."""
    taken: dict[tuple[str, str], list[str]] = {}
    for event in events:
        if isinstance(event, Delivery) and event.intid < 16:
            queue = machine.monitor.inflight.get((event.core, event.intid), [])
            # GICv3 has one pending bit: the delivery stands for every send queued.
            hit = [n for n, s in queue if event.source is None or s == event.source]
            queue[:] = [(n, s) for n, s in queue if not (event.source is None or s == event.source)]
            key = (event.core, event.notification or f"SGI {event.intid}")
            taken.setdefault(key, []).extend(hit)
    found = []
    if not isinstance(step, Deliver):
        return found
    for (core, notification), names in taken.items():
        channels = [machine.config.channel(n) for n in dict.fromkeys(names)]
        if len(channels) > 1 and not _distinct_by_mailbox(channels):
            sgi = channels[0].sgi
            if machine.monitor.once(("sgi-merged", core, sgi, tuple(c.name for c in channels), index)):
                found.append(_merged(index, channels, core, sgi, "deliver",
                                     f"one notification {notification} signalled for both"))
    return found
