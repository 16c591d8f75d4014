"""The physical memory map: who owns what, and what each kernel can reach.

Ownership comes from the configuration (kernel RAM, devices, shared regions,
GIC frames, reserved holes). Reachability follows seL4: a kernel's root task
gets untypeds for its RAM, device untypeds per profile (`all`: everything
below 2^paddr_bits that is neither its RAM nor a GIC frame; `declared`: only
its devices and shared regions) and maps devices as whole pages.
"""

from __future__ import annotations

from bisect import bisect_right

from attrs import frozen

from model.config import Kernel, MachineConfig, Region, SharedRegion

__all__ = ["Owned", "Route", "Overlap", "MemoryMap", "CONFLICTING_KINDS"]

# Pairs of region kinds that must never share an address (MEM-DISJOINT).
CONFLICTING_KINDS = frozenset({
    frozenset({"ram"}), frozenset({"ram", "shared"}), frozenset({"shared"}),
    frozenset({"device"}), frozenset({"device", "gic"}), frozenset({"gic"}),
})


@frozen
class Owned:
    """A region with its kind ('ram', 'shared', 'device', 'gic', 'reserved')
    and owner (kernel name; None for shared, GIC, reserved and unowned devices)."""

    kind: str
    name: str
    region: Region
    owner: str | None = None

    def describe(self) -> str:
        """e.g. `ram k0.ram of k0 [0x40000000, 0x60000000)`."""
        owner = f" of {self.owner}" if self.owner else ""
        return f"{self.kind} {self.name}{owner} {span(self.region.base, self.region.end)}"


@frozen
class Route:
    """How a kernel reaches an address: kind ('ram-untyped', 'shared',
    'device-page', 'device-untyped'), the range it covers and its text."""

    kind: str
    base: int
    end: int
    description: str
    writable: bool = True

    def contains(self, address: int) -> bool:
        """True when the route covers address."""
        return self.base <= address < self.end


@frozen
class Overlap:
    """Two regions that share `address`."""

    first: Owned
    second: Owned
    address: int


def span(base: int, end: int) -> str:
    """`[0x0, 0x40000000)`."""
    return f"[{base:#x}, {end:#x})"


def _round_out(region: Region, page: int) -> tuple[int, int]:
    base = region.base - region.base % page
    end = -(-region.end // page) * page
    return base, end


def _complement(top: int, holes: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[0, top) minus the holes, as sorted disjoint intervals."""
    gaps, cursor = [], 0
    for base, end in sorted(holes):
        if base > cursor:
            gaps.append((cursor, min(base, top)))
        cursor = max(cursor, end)
    if cursor < top:
        gaps.append((cursor, top))
    return [(b, e) for b, e in gaps if b < e]


class MemoryMap:
    """Owners of every configured region and the routes of every kernel."""

    def __init__(self, config: MachineConfig) -> None:
        self.config = config
        self.owned = self._owned(config)
        self._segments: tuple[list[int], list[tuple[Owned, ...]]] | None = None  # owners_of's index, built on first use
        # Built once for all kernels (each kernel used to scan every shared
        # region's access list and search the devices by name).
        self._frames = gic_frames(config)
        self._access: dict[str, list[tuple[SharedRegion, str]]] = {}
        for shared in config.shared:
            for name, mode in shared.access:
                self._access.setdefault(name, []).append((shared, mode))
        self._routes = {k.name: self._kernel_routes(k) for k in config.kernels}

    @classmethod
    def of(cls, config: MachineConfig) -> "MemoryMap":
        """The memory map of a configuration, built once per configuration and
        shared by its machines (what a MemoryMap holds never changes after
        construction; owners_of's index is only derived from it, lazily)."""
        return config.derived("memory-map", lambda: cls(config))

    @staticmethod
    def _owned(config: MachineConfig) -> tuple[Owned, ...]:
        owned = [Owned("ram", r.name, r, k.name) for k in config.kernels for r in k.ram]
        owned += [Owned("shared", s.name, s.region) for s in config.shared]
        # A device listed by two kernels is owned by both: each is "another
        # kernel's device" to the other.
        device_owners: dict[str, list[str]] = {}
        for k in config.kernels:
            for d in k.devices:
                device_owners.setdefault(d, []).append(k.name)
        owned += [Owned("device", d.name, d.region, owner)
                  for d in config.devices for owner in device_owners.get(d.name, [None])]
        owned += [Owned("gic", r.name, r) for r in gic_frames(config)]
        owned += [Owned("reserved", r.name, r) for r in config.reserved]
        return tuple(owned)

    def owners_of(self, address: int) -> tuple[Owned, ...]:
        """Every configured region containing address, with its owner (in `owned` order)."""
        if self._segments is None:
            self._segments = self._segment_index()
        points, covers = self._segments
        i = bisect_right(points, address) - 1
        return covers[i] if 0 <= i < len(covers) else ()

    def _segment_index(self) -> tuple[list[int], list[tuple[Owned, ...]]]:
        """The addresses where some region starts or ends, sorted, and for each
        segment between two consecutive ones the regions covering all of it
        (in `owned` order): a region contains an address exactly when it
        covers the segment the address falls in. Built in one sweep."""
        order = {id(o): n for n, o in enumerate(self.owned)}
        spans = [o for o in self.owned if o.region.base < o.region.end]
        points = sorted({o.region.base for o in spans} | {o.region.end for o in spans})
        starts: dict[int, list[Owned]] = {}
        for o in spans:
            starts.setdefault(o.region.base, []).append(o)
        covers: list[tuple[Owned, ...]] = []
        active: list[Owned] = []
        for point in points[:-1]:
            active = [o for o in active if o.region.end > point] + starts.get(point, [])
            covers.append(tuple(sorted(active, key=lambda o: order[id(o)])))
        return points, covers

    def overlaps(self) -> tuple[Overlap, ...]:
        """Every pair of conflicting regions that share addresses (lowest shared address).

        A sweep in address order: each region is compared only with the
        regions still open at its base, not with all others.
        """
        order = {id(o): n for n, o in enumerate(self.owned)}
        found = []
        active: list[Owned] = []
        for current in sorted((o for o in self.owned if o.region.size > 0), key=lambda o: o.region.base):
            active = [a for a in active if a.region.end > current.region.base]
            for other in active:
                first, second = sorted((other, current), key=lambda o: order[id(o)])
                if frozenset({first.kind, second.kind}) in CONFLICTING_KINDS and first.name != second.name:
                    found.append(Overlap(first, second, max(first.region.base, second.region.base)))
            active.append(current)
        found.sort(key=lambda ov: (order[id(ov.first)], order[id(ov.second)]))
        return tuple(found)

    # ------------------------------------------------------------ reachability
    def _kernel_routes(self, kernel: Kernel) -> tuple[Route, ...]:
        routes = [Route("ram-untyped", r.base, r.end, f"RAM untyped {r.name} {span(r.base, r.end)}")
                  for r in kernel.ram]
        # Shared regions in configuration order, then access-list order.
        for shared, mode in self._access.get(kernel.name, ()):
            r = shared.region
            routes.append(Route("shared", r.base, r.end,
                                f"shared region {shared.name} ({mode}) {span(r.base, r.end)}",
                                writable=mode == "rw"))
        for device in kernel.devices:
            base, end = _round_out(self.config.device(device).region, self.config.page)
            routes.append(Route("device-page", base, end, f"device page {device} {span(base, end)}"))
        if kernel.profile.device_untypeds == "all":
            holes = [(r.base, r.end) for r in kernel.ram]
            holes += [(r.base, r.end) for r in self._frames]
            for base, end in _complement(1 << self.config.paddr_bits, holes):
                routes.append(Route("device-untyped", base, end, f"device untyped {span(base, end)}"))
        return tuple(routes)

    def routes(self, kernel: str) -> tuple[Route, ...]:
        """Every route of a kernel, most specific first."""
        return self._routes[kernel]

    def can_reach(self, kernel: str, address: int, write: bool = False) -> Route | None:
        """The first route through which kernel can reach address (for writing
        when write is set), or None."""
        for route in self._routes[kernel]:
            if route.contains(address) and (route.writable or not write):
                return route
        return None

    def exposure(self, kernel: str, address: int, write: bool = False) -> str | None:
        """Why address is not the kernel's to reach (None: it may reach it)."""
        for owned in self.owners_of(address):
            reason = self._foreign(kernel, owned, write)
            if reason:
                return reason
        return None

    def _foreign(self, kernel: str, owned: Owned, write: bool) -> str | None:
        if owned.kind in ("ram", "device") and owned.owner not in (None, kernel):
            return f"{owned.kind} {owned.name} belongs to {owned.owner}"
        if owned.kind == "shared":
            modes = dict(self.config.shared_region(owned.name).access)
            if kernel not in modes:
                return f"shared region {owned.name} does not list {kernel}"
            if write and modes[kernel] != "rw":
                return f"shared region {owned.name} is read-only for {kernel}"
        return None


def gic_frames(config: MachineConfig) -> tuple[Region, ...]:
    """The GIC's register frames (kernel devices: never handed to user level)."""
    gic = config.gic
    return tuple(r for r in (gic.distributor, gic.cpu_interface, gic.redistributors) if r is not None)


# seL4 16.0.0 tools/hardware.yml: how much of each GIC region the kernel maps
# for itself (`kernel_size`), by (GIC version, region).
_KERNEL_SIZE = {
    (2, "distributor"): 0x1000,
    (2, "cpu_interface"): 0x1000,
    (3, "distributor"): 0x10000,
    (3, "redistributors"): 0x100000,
}
_KERNEL_PAGE = 0x1000


def kernel_frames(config: MachineConfig) -> tuple[Region, ...]:
    """The 4 KiB pages of the GIC that seL4 maps for itself and reserves from
    every untyped (map_kernel_devices: one reserve_region per page), as one
    Region per GIC region: the first `kernel_size` bytes of it, or all of it
    when it is smaller, widened to whole pages."""
    gic = config.gic
    frames = []
    for field in ("distributor", "cpu_interface", "redistributors"):
        region = getattr(gic, field)
        if region is None:
            continue
        mapped = min(region.size, _KERNEL_SIZE.get((gic.version, field), _KERNEL_PAGE))
        first = region.base // _KERNEL_PAGE * _KERNEL_PAGE
        last = -(-(region.base + mapped) // _KERNEL_PAGE) * _KERNEL_PAGE
        frames.append(Region(region.name, first, last - first))
    return tuple(frames)
