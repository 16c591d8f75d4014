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
        low = _lowest_shared(config.reserved, region)
        if low is not None:
            return "reserved", low
        if not any(b.base <= region.base and region.end <= b.end for b in config.memory):
            holders = [b.end for b in config.memory if b.contains(region.base)]
            return "outside", max(holders, default=region.base)
        return None
    low = _lowest_shared(config.memory, region)
    return None if low is None else ("in-ram", low)


def _lowest_shared(others, region: Region) -> int | None:
    """The lowest address of `region` that is also in one of `others`, or None."""
    lows = [max(o.base, region.base) for o in others if max(o.base, region.base) < min(o.end, region.end)]
    return min(lows, default=None)


def bounds(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        problem = _bounds_problem(config, region, kind)
        if problem:
            what, address = problem
            found.append(_v("region-out-of-bounds", f"{kind} {region.name}: {what}", region=region.name, problem=what, address=address))
    return found
