"""The spec's regions as one list, with their kind and owner, plus interval helpers.

Pure Python, no solver: obligations use this to build queries and to name the
regions a model points at.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from attrs import frozen

from checker.spec import Region, Spec

RAM = "ram"  # a kernel's RAM slice
SHARED = "shared"
DEVICE = "device"
GIC = "gic"


@frozen
class Owned:
    """A region with what it is and who owns it (a kernel name, or None for the platform)."""

    region: Region
    kind: str
    owner: str | None
    order: int  # declaration order, for stable subjects


def all_regions(spec: Spec) -> list[Owned]:
    """Devices, GIC frames, kernel RAM slices and shared regions, in declaration order."""
    out: list[Owned] = []

    def add(region: Region, kind: str, owner: str | None) -> None:
        out.append(Owned(region, kind, owner, len(out)))

    for dev in spec.platform.devices:
        owners = [k.name for k in spec.kernels if dev in k.devices]
        add(dev.region, DEVICE, owners[0] if owners else None)
    for frame in spec.platform.gic.frames:
        add(frame, GIC, None)
    for kernel in spec.kernels:
        for slice_ in kernel.ram:
            add(slice_, RAM, kernel.name)
    for shared in spec.shared:
        add(shared.region, SHARED, None)
    return out


def page_span(region: Region, page: int) -> tuple[int, int]:
    """The whole pages a region touches: [base rounded down, end rounded up)."""
    start = region.base - region.base % page
    end = region.end + (-region.end) % page
    return start, end


def sorted_nonempty(regions: Iterable[Owned]) -> list[Owned]:
    return sorted((r for r in regions if r.region.size > 0), key=lambda r: (r.region.base, r.region.end, r.order))


def overlapping_pairs(regions: Sequence[Owned]) -> list[tuple[Owned, Owned]]:
    """Every pair of regions that share an address, each pair in declaration order.

    A sweep over the regions sorted by base: a region overlaps exactly those
    earlier-starting regions that have not ended when it starts.
    """
    pairs: list[tuple[Owned, Owned]] = []
    active: list[Owned] = []
    for current in sorted_nonempty(regions):
        active = [a for a in active if a.region.end > current.region.base]
        for other in active:
            first, second = sorted((other, current), key=lambda r: r.order)
            pairs.append((first, second))
        active.append(current)
    return sorted(pairs, key=lambda p: (p[0].order, p[1].order))


def gaps(excluded: Iterable[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The parts of [0, limit) not covered by any of the `excluded` intervals."""
    result = []
    cursor = 0
    for start, end in sorted(excluded):
        if start > cursor:
            result.append((cursor, min(start, limit)))
        cursor = max(cursor, end)
        if cursor >= limit:
            break
    if cursor < limit:
        result.append((cursor, limit))
    return [(s, e) for s, e in result if s < e]
