"""MEM-BOUNDS: every region lies where it may.

Violation kind ``region-out-of-bounds`` (static, step -1): a device, GIC
frame, kernel RAM or shared region is empty, wraps past 2^64, ends beyond
the physical address space (paddr_bits), or (RAM and shared regions) meets
a reserved hole or is not inside one memory bank, or (devices and GIC
frames) overlaps RAM.

Details: ``region`` (its name), ``problem`` (``empty``, ``wraps``,
``beyond``, ``reserved``, ``outside`` or ``in-ram``), ``address`` (a
witness address for the problem, None for an empty region).
"""

from __future__ import annotations

from model.config import MachineConfig, Region
from model.monitors._static import _regions, _v
from model.trace import Violation

__all__ = ["bounds"]

U64 = 1 << 64


def _bounds_problem(config: MachineConfig, region: Region, kind: str) -> tuple[str, int | None] | None:
    """(problem, witness address) for a region in the wrong place, or None."""
    if region.size == 0:
        return "empty", None
    if region.end > U64:
        return "wraps", U64 - 1
    limit = 1 << config.paddr_bits
    if region.end > limit:
        return "beyond", min(max(region.base, limit), U64 - 1)
    if kind in ("ram", "shared"):
        for hole in config.reserved:
            low = max(hole.base, region.base)
            if low < min(hole.end, region.end):
                return "reserved", low
        if not any(b.base <= region.base and region.end <= b.end for b in config.memory):
            holders = [b.end for b in config.memory if b.contains(region.base)]
            return "outside", max(holders, default=region.base)
        return None
    for bank in config.memory:
        low = max(bank.base, region.base)
        if low < min(bank.end, region.end):
            return "in-ram", low
    return None


def bounds(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        problem = _bounds_problem(config, region, kind)
        if problem:
            what, address = problem
            found.append(_v("region-out-of-bounds", f"{kind} {region.name}: {what}", region=region.name, problem=what, address=address))
    return found
