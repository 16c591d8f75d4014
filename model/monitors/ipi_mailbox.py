"""IPI-MAILBOX: a channel's mailbox is writable by its sender, readable by
its receiver, and reachable by no other kernel.

Violation kinds:

* ``mailbox-access`` (mailbox_access_monitor, at a SendChannel step): by
  the modes the shared region lists, the channel's sender may not write its
  mailbox (needs ``rw``), or its receiver may not read it (needs ``r`` or
  ``rw``). Details: ``channel``, ``kernel``, ``access`` (``write`` or
  ``read``), ``mailbox``.
* ``mailbox-exposed`` (mailboxes, static, step -1): a kernel that is not an
  end of any channel using a mailbox is listed on it or can reach it
  through one of its routes. Details: ``mailbox``, ``kernel``.
"""

from __future__ import annotations

from bisect import bisect_right

from model.config import MachineConfig, Region
from model.monitors._static import _v
from model.scenario import SendChannel
from model.trace import Violation

__all__ = ["mailbox_access_monitor", "mailboxes"]


def mailbox_access_monitor(machine, index, step, events, live) -> list[Violation]:
    """mailbox-access: a channel's sender may not write its mailbox, or its
    receiver may not read it (by the modes the shared region lists). Runs
    right after model.monitors.ipi_range.unbound_monitor (MONITORS order)."""
    found = []
    if isinstance(step, SendChannel):
        channel = machine.config.channel(step.channel)
        if channel.mailbox is not None:
            modes = dict(machine.config.shared_region(channel.mailbox).access)
            for kernel, access, allowed in ((channel.sender, "write", ("rw",)), (channel.receiver, "read", ("r", "rw"))):
                if modes.get(kernel) not in allowed:
                    found.append(Violation(
                        "mailbox-access", index,
                        f"channel {channel.name}: {kernel} may not {access} mailbox {channel.mailbox} "
                        f"(listed {modes.get(kernel) or 'not at all'})",
                        {"channel": channel.name, "kernel": kernel, "access": access, "mailbox": channel.mailbox}))
    return found


def mailboxes(config: MachineConfig) -> list[Violation]:
    """mailbox-exposed: a kernel that is not an end of any channel using a
    mailbox is listed on it or can reach it through one of its routes.

    The route named is the kernel's first route (in MemoryMap.routes order)
    that overlaps the mailbox. Rather than trying every route of every kernel
    against every mailbox, the overlapping (mailbox, route) pairs are found by
    one sweep in address order over the mailboxes and the routes other than
    device untypeds; a kernel's device untypeds (sorted, disjoint and last in
    its route order) are searched by bisection, only for kernels that have any.
    """
    from model.memory import MemoryMap

    memory = MemoryMap.of(config)
    names = list(dict.fromkeys(c.mailbox for c in config.channels if c.mailbox is not None))
    if not names:
        return []
    users: dict[str, set[str]] = {name: set() for name in names}
    for c in config.channels:
        if c.mailbox is not None:
            users[c.mailbox].update((c.sender, c.receiver))
    positions: dict[str, list[int]] = {}
    for position, kernel in enumerate(config.kernels):
        positions.setdefault(kernel.name, []).append(position)
    shared = {name: config.shared_region(name) for name in names}  # KeyError as before, first missing name
    specific, untyped = _route_index(memory, positions)
    hits = _overlapping_routes([shared[name].region for name in names], specific)
    found = []
    for m, name in enumerate(names):
        region = shared[name].region
        listed = dict(shared[name].access)
        # kernel name -> the first of its routes (lowest position) overlapping the mailbox
        first: dict[str, tuple[int, object]] = {}
        for kernel, order, route in hits[m]:
            if kernel not in first or order < first[kernel][0]:
                first[kernel] = (order, route)
        for kernel, (bases, ends, routes) in untyped.items():
            if kernel in first:
                continue
            i = bisect_right(ends, region.base)
            if i < len(bases) and bases[i] < region.end:
                first[kernel] = (len(memory.routes(kernel)), routes[i])
        candidates = sorted(p for kernel in {*first, *listed} if kernel not in users[name] for p in positions.get(kernel, ()))
        for position in candidates:
            kernel = config.kernels[position]
            route = first.get(kernel.name, (0, None))[1]
            how = f"listed {listed[kernel.name]}" if kernel.name in listed else route.description
            found.append(_v("mailbox-exposed", f"{kernel.name} can access mailbox {name} ({how})", mailbox=name, kernel=kernel.name))
    return found


def _route_index(memory, positions: dict[str, list[int]]):
    """(routes other than device untypeds as (base, end, kernel, order, route),
    kernel -> (bases, ends, routes) of its device untypeds)."""
    specific = []
    untyped = {}
    for kernel in positions:
        routes = memory.routes(kernel)
        spans = ([], [], [])
        for order, route in enumerate(routes):
            if route.kind == "device-untyped":
                spans[0].append(route.base)
                spans[1].append(route.end)
                spans[2].append(route)
            else:
                specific.append((route.base, route.end, kernel, order, route))
        if not spans[0]:
            continue
        if all(b < e for b, e in zip(spans[0], spans[1])) and all(e <= b for e, b in zip(spans[1], spans[0][1:])):
            # _complement yields sorted, disjoint, non-empty gaps: the first one
            # (lowest base) ending after a mailbox's base is the only candidate.
            untyped[kernel] = spans
        else:  # never expected; the sweep handles any routes
            first = len(routes) - len(spans[0])
            specific += [(r.base, r.end, kernel, first + i, r) for i, r in enumerate(spans[2])]
    return specific, untyped


def _overlapping_routes(regions: list[Region], routes: list[tuple]) -> list[list[tuple]]:
    """For each region, every (kernel, order, route) with route.base < region.end
    and region.base < route.end (the test the direct search made).

    A sweep by base: each item is compared with the items of the other sort
    still open at its base. For an earlier item (base <= the later one's
    base) `earlier.end > later.base` is what keeps it open, and
    `earlier.base < later.end` is tested explicitly (it fails only for an
    empty later item at the same base)."""
    items = [(r.base, r.end, 0, m, None) for m, r in enumerate(regions)]
    items += [(base, end, 1, n, None) for n, (base, end, _, _, _) in enumerate(routes)]
    items.sort(key=lambda item: item[0])
    hits: list[list[tuple]] = [[] for _ in regions]
    open_items: tuple[list, list] = ([], [])
    for base, end, sort, n, _ in items:
        other = sort ^ 1
        still = [o for o in open_items[other] if o[1] > base]
        open_items[other][:] = still
        for o_base, o_end, o_n in still:
            if o_base < end:
                m, r = (n, o_n) if sort == 0 else (o_n, n)
                hits[m].append(routes[r][2:])
        open_items[sort].append((base, end, n))
    return hits
