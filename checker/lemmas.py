"""The Python steps verdicts rest on, each a named lemma with the argument why it is complete.

Where an obligation decides something in Python, or leaves part of a query
out, the step is one of the functions here, and the result names the lemma
(`method: facts`, `lemma: ...` in JSON). Every lemma has a property test of
its own against brute force (tests/test_lemmas.py), independent of the
solver. Nothing here imports z3: these are plain computations on the spec's
concrete values.
"""

from __future__ import annotations

import bisect
import heapq
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from checker.data import frozen

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@frozen
class Lemma:
    """A named Python step: `statement` says what it claims and why that is complete."""

    name: str
    statement: str


# ------------------------------------------------------------------ intervals

INTERVAL_MEET = Lemma(
    "interval meet",
    "two intervals [a, b) and [c, d) share an address iff max(a, c) < min(b, d); a part of a query "
    "that needs an address in two intervals that do not meet is unsatisfiable and is left out",
)


def meets(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    """[a_start, a_end) and [b_start, b_end) share an address."""
    return max(a_start, b_start) < min(a_end, b_end)


ADDRESS_ORDER = Lemma(
    "address-order sweep",
    "once the non-empty intervals are sorted by start, two of them overlap only if some adjacent "
    "pair overlaps (if i < j overlap, i+1 starts inside i), and a sweep that keeps the intervals "
    "still open lists every overlapping pair",
)


def sorted_nonempty(items: Iterable[T], span: Callable[[T], tuple[int, int]], order: Callable[[T], int]) -> list[T]:
    """The items whose interval is non-empty, sorted by (start, end, declaration order)."""
    return sorted((i for i in items if span(i)[0] < span(i)[1]), key=lambda i: (*span(i), order(i)))


def overlapping_pairs(items: Sequence[T], span: Callable[[T], tuple[int, int]], order: Callable[[T], int]) -> list[tuple[T, T]]:
    """Every pair of items whose intervals share an address, each pair and the list in declaration order."""
    pairs: list[tuple[T, T]] = []
    active: list[T] = []
    for current in sorted_nonempty(items, span, order):
        start = span(current)[0]
        active = [a for a in active if span(a)[1] > start]
        for other in active:
            first, second = sorted((other, current), key=order)
            pairs.append((first, second))
        active.append(current)
    return sorted(pairs, key=lambda p: (order(p[0]), order(p[1])))


def gaps(excluded: Iterable[tuple[int, int]], limit: int) -> list[tuple[int, int]]:
    """The parts of [0, limit) not covered by any of the `excluded` intervals, sorted and disjoint."""
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


def union(intervals: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The union of intervals as sorted, disjoint, non-touching intervals."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlaps_any(merged: list[tuple[int, int]], starts: list[int], base: int, end: int) -> bool:
    """[base, end) meets one of the sorted disjoint intervals `merged` (whose starts are `starts`)."""
    i = bisect.bisect_right(starts, base) - 1
    if i >= 0 and merged[i][1] > base:
        return True
    return i + 1 < len(merged) and merged[i + 1][0] < end


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


REACH_INTERVALS = Lemma(
    "reach intervals",
    "the addresses a kernel can reach are the union of its RAM slices, the whole pages of its "
    "devices, the shared regions it is listed on and, with `device_untypeds all`, every gap "
    "between its RAM and the GIC frames below 2^paddr_bits; a region that meets none of these "
    "intervals cannot be reached and is left out of the query",
)


# ------------------------------------------------------------------ grouping

EQUAL_KEYS = Lemma(
    "grouping by equal keys",
    "items are grouped by the value that decides the property (an MPIDR, a CPU-interface number, "
    "an arrival (core, SGI), a raw SGI target and receiving core, an SPI's owners and routing "
    "writes); items in different groups differ in that value, so only items of one group can "
    "collide, and items of one group pose the same question",
)


def groups(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """Items by key, each group and the groups in first-seen order."""
    out: dict[K, list[T]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return out


def colliding_pairs(items: Sequence[T], key: Callable[[T], K]) -> list[tuple[int, int]]:
    """Every index pair (i < j) of items with equal keys, in (i, j) order."""
    pairs = []
    for members in groups(range(len(items)), lambda n: key(items[n])).values():
        pairs += [(a, b) for n, a in enumerate(members) for b in members[n + 1:]]
    return sorted(pairs)


OWNER_COUNT = Lemma(
    "owner count",
    "an item is claimed twice iff two different kernels list it; each kernel's claims are "
    "counted once, however often it lists the item",
)


def owners(kernels: Sequence[T], claims: Callable[[T], Iterable[K]]) -> dict[K, list[int]]:
    """For every item some kernel claims, the indices of the kernels claiming it (each once, in order)."""
    out: dict[K, list[int]] = {}
    for n, kernel in enumerate(kernels):
        for item in dict.fromkeys(claims(kernel)):
            out.setdefault(item, []).append(n)
    return out


# ------------------------------------------------------------------ concrete values

CONCRETE = Lemma(
    "concrete arithmetic",
    "the property compares the spec's own numbers (a count, a remainder, a bound): there is "
    "nothing to search, so it is computed exactly",
)

CAPABILITY_TABLE = Lemma(
    "capability table",
    "whether a kernel can send SGIs or reserves SGI numbers for itself is a flag of its profile "
    "(sgi_signal; smp reserves SGI 0 and 1), read from the profile table",
)

BOOT_BEHAVIOUR = Lemma(
    "boot behaviour by profile",
    "a kernel whose profile can never reset the distributor (dist_init never or check, or first "
    "after a loader gic_init) or mask foreign SPIs at boot (boot_mask own, primary off node 0 but "
    "for SPI 0) is left out of the terms for such writes, and a kernel without a core, or whose "
    "boot core seL4 cannot find a redistributor for, never boots; a dist_init check kernel with "
    "nothing enabling the distributor before it halts before its masks (checker/sel4.py); which "
    "kernels may do what is read from the profiles",
)

TRIGGER_WRITES = Lemma(
    "trigger writes",
    "an SPI's GICD_ICFGR field only ever holds level (the GIC's reset value, and what every distributor "
    "reset covering its word writes), its declared trigger (written by its owner or the loader), or a copy "
    "of one of these written back by another SPI's read-modify-write; so a level SPI always ends level, and "
    "an edge SPI ends level iff nobody sets it, a reset covering its word can follow the setting, or another "
    "kernel's run-time read-modify-write of the word can straddle the owner's",
)

SMP_IPI_WRITES = Lemma(
    "seL4's IPI writes",
    "the register writes seL4's ipi_send_target makes for an smp kernel's IPI to its logical core i "
    "are computed from the kernel's cores exactly as seL4 16.0.0 computes them: GICv2 GICD_SGIR "
    "with BIT(i) as the CPUTargetList; GICv3 one ICC_SGI1R_EL1 per Aff1 group from mpidr_map, "
    "with the loop's reset of sgi1r[i] at iteration i, and no write when Aff1 >= "
    "CONFIG_MAX_NUM_NODES (an assert); where the writes go is left to the solver",
)

INTERCHANGEABLE = Lemma(
    "interchangeable kernels",
    "without a pinned boot order, kernels that behave alike at boot (same dist_init and boot masks, "
    "both boot or not, both come up or not, and for one SPI the same relation of their reset's "
    "target to its owners) can swap places in any boot order; every violation of GIC-INIT or "
    "IRQ-ROUTE is shown by at most two kernels of a class, and appending the others keeps it one, "
    "so the query ranges over the boot orders of two kernels per class",
)

# ------------------------------------------------------------------ protection domains

CAPABILITY_PATHS = Lemma(
    "capability paths",
    "a PD reaches another only along capabilities its system gives, and a Microkit system gives exactly "
    "the hops of its declared calls (client to client proxy, client proxy to server proxy with their "
    "buffer and a channel each way, server proxy to server; seL4 endpoints never cross kernels); the "
    "servers a client can reach are found by following those finitely many hops (checker/pds.py)",
)

MAPPING_TABLE = Lemma(
    "mapping table",
    "a PD reaches a shared region only through its `map` of it, with at most the rights its kernel is "
    "listed for there (the resolver refuses more); who can read or write a ring, an index or a buffer "
    "is read from those tables",
)
