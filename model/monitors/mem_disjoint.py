"""MEM-DISJOINT: regions of conflicting kinds never share an address.

Violation kind ``memory-overlap``: two regions whose kinds conflict
(model.memory.CONFLICTING_KINDS: RAM with RAM or shared, shared with
shared, device with device or GIC frame, GIC frame with GIC frame) share an
address. Found once per pair: at construction (step -1) for every
overlapping pair of the configuration, and, by overlap_monitor, at an
Access step whose address lies in both (a pair already reported, e.g. at
construction, is not reported again).

Details: ``address`` (the lowest shared address at construction, the
accessed address at an Access step), ``regions``, ``kinds`` and ``owners``
(each a pair, first and second region).
"""

from __future__ import annotations

from model.memory import CONFLICTING_KINDS
from model.scenario import Access
from model.trace import Violation

__all__ = ["overlap_monitor", "construction_overlaps", "static_overlaps"]


def construction_overlaps(config, state) -> list[Violation]:
    """memory-overlap (step -1) for every conflicting pair of regions of the
    configuration, each pair once, marked reported in state (a MonitorState)."""
    from model.memory import MemoryMap

    found = []
    for overlap in MemoryMap.of(config).overlaps():
        key = ("memory-overlap", overlap.first.name, overlap.second.name)
        if state.once(key):
            found.append(_overlap_violation(-1, overlap.first, overlap.second, overlap.address))
    return found


def static_overlaps(config) -> list[Violation]:
    """memory-overlap (step -1) for every overlap MemoryMap.overlaps finds, without a monitor state."""
    from model.memory import MemoryMap

    return [_overlap_violation(-1, o.first, o.second, o.address) for o in MemoryMap.of(config).overlaps()]


def _overlap_violation(step: int, first, second, address: int) -> Violation:
    return Violation("memory-overlap", step,
                     f"{address:#x} is in {first.describe()} and in {second.describe()}",
                     {"address": address, "regions": (first.name, second.name),
                      "kinds": (first.kind, second.kind), "owners": (first.owner, second.owner)})


def overlap_monitor(machine, index, step, events, live) -> list[Violation]:
    """memory-overlap for Access steps. Runs right after
    model.monitors.mem_expose.expose_monitor (MONITORS order), so a step's
    memory-expose violations come before its memory-overlap ones."""
    if not isinstance(step, Access):
        return []
    found = []
    owners = machine.owners_of(step.address)
    for i, first in enumerate(owners):
        for second in owners[i + 1:]:
            key = ("memory-overlap", first.name, second.name)
            if _conflicting(first.kind, second.kind) and first.name != second.name and machine.monitor.once(key):
                found.append(_overlap_violation(index, first, second, step.address))
    return found


def _conflicting(a: str, b: str) -> bool:
    return frozenset({a, b}) in CONFLICTING_KINDS
