"""The spec's regions as one list, with their kind and owner, plus interval helpers.

Pure Python, no solver: obligations use this to build queries and to name the
regions a model points at.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Sequence

from checker.data import frozen
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

    first_owner: dict[str, str] = {}
    for kernel in spec.kernels:
        for dev in kernel.devices:
            first_owner.setdefault(dev.name, kernel.name)
    for dev in spec.platform.devices:
        add(dev.region, DEVICE, first_owner.get(dev.name))
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
    for start, end in sorted(i for i in excluded if i[0] < i[1]):  # empty intervals exclude nothing
        if start > cursor:
            result.append((cursor, min(start, limit)))
        cursor = max(cursor, end)
        if cursor >= limit:
            break
    if cursor < limit:
        result.append((cursor, limit))
    return [(s, e) for s, e in result if s < e]


def meeting_pairs(
    lefts: Iterable[tuple[int, int, Hashable]], rights: Iterable[tuple[int, int, Hashable]]
) -> list[tuple[Hashable, Hashable]]:
    """Every (left, right) payload pair whose intervals [start, end) share an address.

    A sweep in start order: an interval meets exactly the intervals of the
    other side that started no later and have not ended when it starts. Each
    side's active intervals sit in a heap by end, so the cost is
    O(n log n + pairs) rather than one comparison per left-right pair.
    """
    events = [(start, end, 0, n, item) for n, (start, end, item) in enumerate(lefts) if start < end]
    events += [(start, end, 1, n, item) for n, (start, end, item) in enumerate(rights) if start < end]
    events.sort(key=lambda e: (e[0], e[2], e[3]))
    active: tuple[dict, dict] = ({}, {})  # side -> {sequence number: item}
    ends: tuple[list, list] = ([], [])  # side -> heap of (end, sequence number)
    pairs: list[tuple[Hashable, Hashable]] = []
    for start, end, side, n, item in events:
        other = 1 - side
        while ends[other] and ends[other][0][0] <= start:
            del active[other][heapq.heappop(ends[other])[1]]
        for met in active[other].values():
            pairs.append((item, met) if side == 0 else (met, item))
        active[side][n] = item
        heapq.heappush(ends[side], (end, n))
    return pairs
