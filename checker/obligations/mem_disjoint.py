"""MEM-DISJOINT: no address is in two regions of one class.

The classes: RAM slices with shared regions, and devices with GIC frames.
One instance, `all`. Its query asks for an address in two regions that are
*adjacent* once the non-empty regions of a class are sorted by base (lemma:
address-order sweep). That is enough: if regions i < j (in sorted order)
share an address, then base_i <= base_{i+1} <= base_j < end_i, so region
i+1 starts inside region i and the adjacent pair (i, i+1) overlaps. Empty
regions hold no address. So unsat means no two regions overlap, with a
query linear in the number of regions.

When it is sat, the sweep lists every overlapping pair, each a failure of
its own with the lowest shared address, checked against the pair's formula.
Model: `model/monitors/mem_disjoint.py` (memory-overlap).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import EncodingMismatch, WitnessMismatch
from checker.lemmas import ADDRESS_ORDER, overlapping_pairs, sorted_nonempty
from checker.obligations.base import Entry, Failure, Instance, Obligation, Steps
from checker.query import Query
from checker.regions import RAM, SHARED, Owned, family_regions
from checker.result import Place
from checker.spec import Region, Spec
from checker.words import hexaddr, region_words

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Session

ENTRY = Entry(
    "MEM-DISJOINT",
    "regions do not overlap",
    "Kernel RAM slices are pairwise disjoint and disjoint from shared regions; shared regions are "
    "pairwise disjoint; devices and GIC frames are pairwise disjoint.",
    "an address in two regions",
    (
        "Recompute the slices after resizing one: the next slice starts at base + size.",
        "Memory two kernels share belongs in a `shared` region, not in both kernels' `ram`.",
    ),
    family="memory",
)


@frozen
class Overlap:
    first: Owned
    second: Owned
    address: int


def _order(o: Owned) -> int:
    return o.order


def _span(o: Owned) -> tuple[int, int]:
    return o.span


def classes(regions: Sequence[Owned]) -> list[list[Owned]]:
    """RAM slices with shared regions must not overlap; devices with GIC frames must not."""
    return [[o for o in regions if o.kind in (RAM, SHARED)], [o for o in regions if o.kind not in (RAM, SHARED)]]


def in_both(s: Session, x: BitVec, a: Region, b: Region) -> Bool:
    """x in a and x in b, as one conjunction of four bounds."""
    return s.all_of([s.ule(s.num(a.base), x), s.ult(x, s.num(a.end)), s.ule(s.num(b.base), x), s.ult(x, s.num(b.end))])


class MemDisjoint(Obligation[list[list[Owned]], Overlap]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[list[list[Owned]]]]:
        return [Instance("all", spec.platform.span, classes(session.once(family_regions, spec)))]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[list[list[Owned]]]]) -> list[Query]:
        x = session.addr("x")
        adjacent = []
        for regions in instances[0].item:
            ordered = sorted_nonempty(regions, _span, _order)
            adjacent += [in_both(session, x, a.region, b.region) for a, b in zip(ordered, ordered[1:])]
        return [Query(session.any_of(adjacent), {"x": x}, ADDRESS_ORDER, label="MEM-DISJOINT sorted adjacent pairs")]

    def witnesses(self, spec: Spec, session: Session, instance: Instance[list[list[Owned]]], values: Mapping[str, int]) -> list[Overlap]:
        x = session.addr("x")
        found = []
        for regions in instance.item:
            for a, b in overlapping_pairs(regions, _span, _order):
                address = max(a.region.base, b.region.base)
                if not session.holds_at(in_both(session, x, a.region, b.region), x, address):
                    raise WitnessMismatch(f"address {hexaddr(address)} is not in both {a.region.name} and {b.region.name}")
                found.append(Overlap(a, b, address))
        if not found:
            raise EncodingMismatch("the solver found an overlap the address-order sweep did not")
        return found

    def failure(self, spec: Spec, w: Overlap) -> Failure:
        a, b = w.first, w.second
        message = f"address {hexaddr(w.address)} is in {region_words(a.region)} and in {region_words(b.region)}"
        cex = {"address": w.address, "regions": [a.region.name, b.region.name], "owners": [a.owner, b.owner]}
        places = (Place(a.region.name, a.region.span), Place(b.region.name, b.region.span))
        return Failure(f"{a.region.name},{b.region.name}", message, b.region.span, cex, places)

    def scenario(self, spec: Spec, w: Overlap) -> Steps:
        # Each owning kernel touches the address, so the replay shows both of them reach it.
        owners = [o for o in dict.fromkeys([w.first.owner, w.second.owner]) if o]
        return tuple({"op": "access", "kernel": o, "address": w.address, "write": False} for o in owners)

    def expected(self, spec: Spec, w: Overlap) -> dict[str, Any]:
        return {"kind": "memory-overlap", "regions": [w.first.region.name, w.second.region.name], "address": w.address}

    def proved(self, spec: Spec, instance: Instance[list[list[Owned]]]) -> str:
        return "no two regions overlap"


OBLIGATION = MemDisjoint()
