"""What each kernel can reach: its routes to memory, as typed data, their intervals and their terms.

A route is how seL4 lets a kernel's root task reach an address: a RAM
untyped, a device untyped (profile `device_untypeds all`: everything below
2^paddr_bits that is neither its RAM nor a GIC frame), the whole pages of a
device it owns, or a shared region it is listed on. MEM-EXPOSE and
IPI-MAILBOX encode routes with `route_term` and prefilter with
`reach_intervals` (lemma: reach intervals); both read the one list `routes`
makes, so the two cannot drift apart.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from checker.data import frozen
from checker.lemmas import gaps, union
from checker.regions import page_span
from checker.spec import Kernel, Spec

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Session


class RouteKind(enum.Enum):
    RAM_UNTYPED = "RAM untyped"
    DEVICE_UNTYPED = "device untyped"
    DEVICE_PAGE = "device page of"
    SHARED_MAPPING = "shared mapping"


@frozen
class Route:
    """One way a kernel reaches memory: its kind, what it is of (a slice, a device, a shared region), its intervals."""

    kind: RouteKind
    of: str | None  # the RAM slice, device or shared region; None for device untypeds
    intervals: tuple[tuple[int, int], ...]

    @property
    def name(self) -> str:
        """As messages say it: `RAM untyped k0.ram`, `device untyped`, `device page of uart2`."""
        return self.kind.value if self.of is None else f"{self.kind.value} {self.of}"

    def extent(self, address: int) -> tuple[int, int] | None:
        """The interval of the route that holds `address`."""
        return next(((a, b) for a, b in self.intervals if a <= address < b), None)


def untyped_exclusions(spec: Spec, kernel: Kernel) -> list[tuple[int, int]]:
    """What device untypeds leave out: the kernel's own RAM and the GIC frames (kernel devices)."""
    return [(r.base, r.end) for r in kernel.ram] + [(f.base, f.end) for f in spec.platform.gic.frames]


def routes(spec: Spec, kernel: Kernel) -> list[Route]:
    """Every route of a kernel, in the order messages prefer them."""
    page = spec.platform.page
    out = [Route(RouteKind.RAM_UNTYPED, r.name, ((r.base, r.end),)) for r in kernel.ram]
    if kernel.profile.device_untypeds == "all":
        out.append(Route(RouteKind.DEVICE_UNTYPED, None, tuple(gaps(untyped_exclusions(spec, kernel), 1 << spec.platform.paddr_bits))))
    out += [Route(RouteKind.DEVICE_PAGE, d.name, (page_span(d.region, page),)) for d in kernel.devices]
    out += [
        Route(RouteKind.SHARED_MAPPING, sh.name, ((sh.region.base, sh.region.end),))
        for sh in spec.shared
        if sh.mode_of(kernel.name) is not None
    ]
    return out


def reach_intervals(spec: Spec, kernel: Kernel) -> list[tuple[int, int]]:
    """The addresses `kernel` can reach, as sorted disjoint intervals: the union of its routes."""
    return union(i for route in routes(spec, kernel) for i in route.intervals)


def lowest_reached(intervals: list[tuple[int, int]], base: int, end: int) -> int | None:
    """The lowest address of [base, end) inside one of the (sorted, disjoint) reach intervals, if any."""
    if base >= end:
        return None
    return next((max(a, base) for a, b in intervals if a < end and base < b), None)


def route_term(spec: Spec, kernel: Kernel, s: Session, route: Route, x: BitVec) -> Bool:
    """x is reached by `route`. A device untyped is written as its definition (below 2^paddr_bits,
    outside own RAM and GIC frames), which stays small however many gaps that leaves."""
    if route.kind is RouteKind.DEVICE_UNTYPED:
        excluded = [s.inside(x, a, b - a) for a, b in untyped_exclusions(spec, kernel)]
        return s.all_of([s.ult(x, s.num(1 << spec.platform.paddr_bits)), s.not_(s.any_of(excluded))])
    (start, end), = route.intervals
    return s.inside(x, start, end - start)


def reaches(spec: Spec, kernel: Kernel, s: Session, x: BitVec) -> Bool:
    """x is reached by some route of `kernel`."""
    return s.any_of(route_term(spec, kernel, s, r, x) for r in routes(spec, kernel))
