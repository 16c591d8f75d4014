"""MEM-EXPOSE: no kernel reaches another kernel's RAM or devices, or a shared region it is not on.

Instances: every kernel. What a kernel must not reach: every other kernel's
RAM slices and devices, and every shared region it is not listed on. Its
routes (`checker.reach`) are its RAM untypeds, its device untypeds per
profile, the pages of its devices and its shared mappings.

Forbidden regions that meet none of the kernel's reach intervals are left
out (lemma: reach intervals): for such a region R the conjunct `x in reach
and x in R` is unsatisfiable. One sweep over every kernel's intervals and
every forbidden region (`meeting_pairs`) finds the rest. A kernel that
meets none is proved by that lemma alone (facts); otherwise the query "x in
one of its routes and x in one of those regions" must be sat, and a solver
that says otherwise disagrees with the lemma (an internal error).

Witness: the first reachable region in message order, at its lowest
reachable address, whatever address the solver's model picked, so reports
do not change with the solver; the address is checked against the query.
Model: `model/monitors/mem_expose.py` (memory-expose).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import InternalError, WitnessMismatch, first
from checker.lemmas import REACH_INTERVALS, meeting_pairs
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.query import Query, Sat
from checker.reach import Route, RouteKind, lowest_reached, reach_intervals, reaches, routes
from checker.result import Place
from checker.spec import Kernel, Region, Spec
from checker.words import hexaddr, profile_cause, region_words

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "MEM-EXPOSE",
    "no kernel reaches memory that is not its own",
    "No kernel can reach another kernel's RAM, a device another kernel owns, or a shared region "
    "it is not listed on, through its RAM untypeds, its device untypeds (per profile) or its "
    "device mappings, all of which cover whole pages.",
    "an address, the kernel that reaches it, and the route",
    (
        "Upstream seL4 hands out device untypeds for every non-RAM address (`device_untypeds all`), "
        "other kernels' RAM included: use a profile with `device_untypeds declared`, e.g. "
        "`profile mk extends sel4-mk { device_untypeds declared }`.",
        "Two devices of different kernels in one page expose each other: give both to one kernel.",
        "If the root task is audited never to touch that memory, record it with "
        '`allow MEM-EXPOSE for KERNEL "why"`.',
    ),
    family="memory",
)

# How many reachable forbidden regions one query names: any one of them is a
# counterexample, and the message lists the rest.
EXPOSE_TERMS = 16


@frozen
class Forbidden:
    """A region some kernel must not reach: whose it is (in words), its owner (None: a shared region), who is listed on it."""

    region: Region
    whose: str
    owner: str | None
    listed: frozenset[str]


@frozen
class Exposure:
    kernel: Kernel
    address: int
    target: Forbidden
    route: Route
    extent: tuple[int, int]
    also: tuple[str, ...]


def forbidden_regions(spec: Spec) -> list[Forbidden]:
    """Every region some kernel must not reach, in the order messages name them.

    A kernel's RAM and devices are forbidden to every other kernel; a shared
    region (owner None) to every kernel not listed on it. Kernels in
    declaration order (RAM, then devices), then shared regions.
    """
    out: list[Forbidden] = []
    for owner in spec.kernels:
        out += [Forbidden(r, f"RAM of {owner.name}", owner.name, frozenset()) for r in owner.ram]
        out += [Forbidden(d.region, f"device of {owner.name}", owner.name, frozenset()) for d in owner.devices]
    for sh in spec.shared:
        out.append(Forbidden(sh.region, "a shared region it is not listed on", None, frozenset(a.kernel.name for a in sh.access)))
    return out


def reachable_forbidden(spec: Spec) -> list[list[Forbidden]]:
    """For each kernel (in order), the forbidden regions that meet its reach intervals, in message order."""
    entries = forbidden_regions(spec)
    reach = [(a, b, n) for n, k in enumerate(spec.kernels) for a, b in reach_intervals(spec, k)]
    regions = [(f.region.base, f.region.end, m) for m, f in enumerate(entries)]
    hits: list[set[int]] = [set() for _ in spec.kernels]
    for n, m in meeting_pairs(reach, regions):
        name, f = spec.kernels[n].name, entries[m]
        if (f.owner is not None and f.owner != name) or (f.owner is None and name not in f.listed):
            hits[n].add(m)
    return [[entries[m] for m in sorted(found)] for found in hits]


class MemExpose(Obligation[tuple[Kernel, list[Forbidden]], Exposure]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[tuple[Kernel, list[Forbidden]]]]:
        reachable = reachable_forbidden(spec)
        return [Instance(k.name, k.span, (k, reachable[n])) for n, k in enumerate(spec.kernels)]

    def decide(self, spec: Spec, session: Session, instances) -> list[Facts | Query]:
        out: list[Facts | Query] = []
        for n, instance in enumerate(instances):
            kernel, reachable = instance.item
            if not reachable:
                out.append(Facts(REACH_INTERVALS))
                continue
            x = session.addr(f"x_{n}")
            out.append(Query(_violation(spec, session, kernel, reachable, x), {"x": x}, REACH_INTERVALS, predicted=Sat.SAT,
                             candidate={"x": _first_address(spec, kernel, reachable[0])}))
        return out

    def witnesses(self, spec: Spec, session: Session, instance, values: Mapping[str, int]) -> list[Exposure]:
        kernel, reachable = instance.item
        n = spec.kernels.index(kernel)
        x = session.addr(f"x_{n}")
        target = reachable[0]
        address = _first_address(spec, kernel, target)
        if not session.holds_at(_violation(spec, session, kernel, reachable, x), x, address):
            raise WitnessMismatch(f"address {hexaddr(address)} does not satisfy {kernel.name}'s exposure query")
        route = first((r for r in routes(spec, kernel) if r.extent(address) is not None), f"route of {kernel.name} to {hexaddr(address)}")
        others = tuple(f.region.name for f in reachable if f is not target)
        return [Exposure(kernel, address, target, route, route.extent(address), others)]

    def failure(self, spec: Spec, w: Exposure) -> Failure:
        start, end = w.extent
        others = list(w.also)
        also = f"; it also reaches {', '.join(others[:8])}" + (f" and {len(others) - 8} more" if len(others) > 8 else "") if others else ""
        message = (
            f"{w.kernel.name} can reach address {hexaddr(w.address)} of {region_words(w.target.region)} ({w.target.whose}) "
            f"through its {w.route.name} [{hexaddr(start)}, {hexaddr(end)}){also}"
        )
        cex = {
            "kernel": w.kernel.name,
            "address": w.address,
            "region": w.target.region.name,
            "owner": w.target.whose,
            "route": w.route.name,
            "route_range": [start, end],
            "also": others,
        }
        places = (Place(f"kernel {w.kernel.name}", w.kernel.span), Place(w.target.region.name, w.target.region.span))
        # Through a device untyped, the kernel's `device_untypeds all` is the cause.
        cause = profile_cause(w.kernel) if w.route.kind is RouteKind.DEVICE_UNTYPED else None
        return Failure(w.kernel.name, message, w.kernel.span, cex, places, cause)

    def scenario(self, spec: Spec, w: Exposure) -> Steps:
        return ({"op": "access", "kernel": w.kernel.name, "address": w.address, "write": False},)

    def expected(self, spec: Spec, w: Exposure) -> dict[str, Any]:
        return {"kind": "memory-expose", "kernel": w.kernel.name, "address": w.address}

    def proved(self, spec: Spec, instance) -> str:
        return f"{instance.subject} reaches only its own memory"


def _first_address(spec: Spec, kernel: Kernel, target: Forbidden) -> int:
    """The lowest address of `target` that the kernel reaches: the witness, whatever the solver's model."""
    address = lowest_reached(reach_intervals(spec, kernel), target.region.base, target.region.end)
    if address is None:
        raise InternalError(f"no reach interval of {kernel.name} meeting {target.region.name}")
    return address


def _violation(spec: Spec, s: Session, kernel: Kernel, reachable: list[Forbidden], x):
    targets = s.any_of(s.inside(x, f.region.base, f.region.size) for f in reachable[:EXPOSE_TERMS])
    return s.all_of([reaches(spec, kernel, s, x), targets])


OBLIGATION = MemExpose()
