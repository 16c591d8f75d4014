"""MEM-EXPOSE: no kernel reaches memory that is not its to reach.

Violation kind ``memory-expose`` (at an Access step): the access was
allowed (the kernel has a route to the address) but the memory map says
the address is not the kernel's to read or write (model.memory's
MemoryMap.exposure: another kernel's RAM or device, or a shared region
that does not list it, or lists it read-only for a write).

Details: ``kernel``, ``address``, ``write`` (bool), ``route`` (the route
the kernel used, as text), ``reason`` (why it is exposed), ``owners`` (the
descriptions of every region containing the address).
"""

from __future__ import annotations

from model.scenario import Access
from model.trace import MemAccess, Violation

__all__ = ["expose_monitor"]


def expose_monitor(machine, index, step, events, live) -> list[Violation]:
    """memory-expose for Access steps. Runs right before
    model.monitors.mem_disjoint.overlap_monitor (MONITORS order), so a
    step's memory-expose violations come before its memory-overlap ones."""
    if not isinstance(step, Access):
        return []
    found = []
    for event in events:
        if isinstance(event, MemAccess) and event.allowed:
            reason = machine.memory.exposure(event.kernel, event.address, event.write)
            if reason:
                found.append(Violation(
                    "memory-expose", index,
                    f"{event.kernel} reached {event.address:#x} via {event.route}: {reason}",
                    {"kernel": event.kernel, "address": event.address, "write": event.write,
                     "route": event.route, "reason": reason,
                     "owners": tuple(o.describe() for o in machine.owners_of(event.address))}))
    return found
