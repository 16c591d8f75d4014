"""Checks of the machine's layout, made once when a Machine is built.

These are the model's own reading of the static rules (where regions may lie,
who owns cores, devices and SPIs, how the GIC tells cores apart), written
independently of the checker's solver encoding so the two can be compared.
Each finding is a Violation at step -1.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator

from model.config import MachineConfig, Region
from model.memory import gic_frames
from model.trace import Violation

__all__ = ["layout_violations", "MAX_INTID", "GICR_WINDOW", "MAX_SMP_CORES"]

MAX_INTID = 1019
MAX_SMP_CORES = 8
# seL4's gicr_init scans 1 MiB of redistributor space, 128 KiB apart.
GICR_WINDOW = 0x100000
U64 = 1 << 64


def _v(kind: str, message: str, **details) -> Violation:
    return Violation(kind, -1, message, details)


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


def _regions(config: MachineConfig) -> Iterator[tuple[Region, str]]:
    for device in config.devices:
        yield device.region, "device"
    for frame in gic_frames(config):
        yield frame, "gic"
    for kernel in config.kernels:
        for r in kernel.ram:
            yield r, "ram"
    for shared in config.shared:
        yield shared.region, "shared"


def bounds(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        problem = _bounds_problem(config, region, kind)
        if problem:
            what, address = problem
            found.append(_v("region-out-of-bounds", f"{kind} {region.name}: {what}", region=region.name, problem=what, address=address))
    return found


def alignment(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        if kind in ("ram", "shared") and (region.base % config.page or region.size % config.page):
            found.append(
                _v(
                    "region-misaligned",
                    f"{region.name} [{region.base:#x}, +{region.size:#x}) is not {config.page:#x}-page aligned",
                    region=region.name,
                    base_offset=region.base % config.page,
                    size_offset=region.size % config.page,
                )
            )
    return found


def cores(config: MachineConfig) -> list[Violation]:
    found = []
    claims: dict[str, list[str]] = {}
    for kernel in config.kernels:
        # A core listed twice by one kernel (`cores c0, c0`, which resolve accepts) is still one
        # claim: only two different kernels share a core (CPU-EXCL's reading).
        for core in dict.fromkeys(kernel.cores):
            claims.setdefault(core, []).append(kernel.name)
        n = len(kernel.cores)
        problem = "none" if n == 0 else "several" if (n > 1 and not kernel.profile.smp) else "too-many" if n > MAX_SMP_CORES else None
        if problem:
            found.append(_v("kernel-cores", f"kernel {kernel.name} has {n} cores", kernel=kernel.name, problem=problem))
    for core, kernels in claims.items():
        if len(kernels) > 1:
            found.append(_v("core-shared", f"core {core} runs {', '.join(kernels)}", cpu=core, kernels=tuple(kernels)))
    return found


def identity(config: MachineConfig) -> list[Violation]:
    found = []
    cs = config.cores
    # Every pair (i < j) sharing an MPIDR or (GICv2) a CPU-interface number, in
    # the order of the pairwise loop this replaces: by i, then j, MPIDR first.
    # Grouping by value finds them without comparing every pair.
    pairs: dict[tuple[int, int], list[bool]] = {}
    for field, attr in ((0, "mpidr"), (1, "gic_cpu")):
        if field == 1 and config.gic.version != 2:
            continue
        groups: dict = {}
        for index, core in enumerate(cs):
            groups.setdefault(getattr(core, attr), []).append(index)
        for members in groups.values():
            for n, i in enumerate(members):
                for j in members[n + 1:]:
                    pairs.setdefault((i, j), [False, False])[field] = True
    for (i, j), (same_mpidr, same_cpu) in sorted(pairs.items()):
        a, b = cs[i], cs[j]
        if same_mpidr:
            found.append(_v("core-ident", f"{a.name} and {b.name} share MPIDR {a.mpidr:#x}", cpus=(a.name, b.name), field="MPIDR"))
        if same_cpu:
            found.append(_v("core-ident", f"{a.name} and {b.name} share CPU interface {a.gic_cpu}", cpus=(a.name, b.name), field="CPU-interface number"))
    for index, core in enumerate(cs):
        if config.gic.version == 2 and not (core.gic_cpu is not None and 0 <= core.gic_cpu < 8):
            found.append(_v("core-ident", f"{core.name} has CPU interface {core.gic_cpu}", cpus=(core.name,), field="CPU-interface number"))
        if config.gic.version == 3 and (index + 1) * config.gic.redist_stride > GICR_WINDOW:
            found.append(_v("core-ident", f"{core.name}'s redistributor is outside seL4's search window", cpus=(core.name,), field="redistributor frame"))
    return found


def ownership(config: MachineConfig) -> list[Violation]:
    found = []
    device_owners: dict[str, list[str]] = {}
    spi_owners: dict[int, list[str]] = {}
    for kernel in config.kernels:
        for device in dict.fromkeys(kernel.devices):  # listed twice by one kernel: one owner
            device_owners.setdefault(device, []).append(kernel.name)
        for intid in sorted({intid for intid, _ in kernel.spis}):
            spi_owners.setdefault(intid, []).append(kernel.name)
    for device, kernels in device_owners.items():
        if len(kernels) > 1:
            found.append(_v("device-shared", f"device {device} is owned by {', '.join(kernels)}", device=device, kernels=tuple(kernels)))
    for intid, kernels in sorted(spi_owners.items()):
        if len(kernels) > 1:
            found.append(_v("spi-shared", f"INTID {intid} is owned by {', '.join(kernels)}", intid=intid, kernels=tuple(kernels)))
    return found


def spi_range(config: MachineConfig) -> list[Violation]:
    intids = {intid for d in config.devices for intid, _ in d.irqs} | {i for k in config.kernels for i, _ in k.spis}
    return [
        _v("spi-range", f"INTID {intid} does not exist on a GIC with {config.gic.lines} lines", intid=intid, lines=config.gic.lines)
        for intid in sorted(intids)
        if intid >= 32 and (intid >= config.gic.lines or intid > MAX_INTID)
    ]


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


def layout_violations(config: MachineConfig) -> list[Violation]:
    """Every static problem of a configuration, in a fixed order."""
    return (
        bounds(config) + alignment(config) + cores(config) + identity(config) + ownership(config)
        + spi_range(config) + mailboxes(config)
    )
