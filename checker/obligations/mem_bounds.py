"""MEM-BOUNDS: every region is non-empty, does not wrap, ends by 2^paddr_bits, and sits where its kind may.

Instances: every region (devices, GIC frames, RAM slices, shared regions).
The concrete cases (empty, wraps past 2^64, ends past 2^paddr_bits) are
Python facts folded into the query as constants. The placement cases ask
for an address x in the region that is in a reserved hole, past every bank
that holds the region's base, or (devices, GIC frames) in a RAM bank.
Holes and banks that do not meet the region are left out (lemma: interval
meet), so a region that sits where it may has a constant-false query.

Witness: the first case, in the order above, that the region breaks, at
its lowest address; the address is checked against the violation by
substitution, so the solver's formula, not Python, judges it.
Model: `model/monitors/mem_bounds.py` (region-out-of-bounds).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import WitnessMismatch, first
from checker.lemmas import INTERVAL_MEET, meets
from checker.obligations.base import Entry, Failure, Instance, Obligation
from checker.query import Query
from checker.regions import RAM, SHARED, Owned, family_regions
from checker.result import Place
from checker.spec import Region, Spec
from checker.words import hexaddr, region_words

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Session

U64 = 1 << 64

ENTRY = Entry(
    "MEM-BOUNDS",
    "regions lie where they may",
    "Every kernel RAM slice and shared region lies inside one memory bank and outside every "
    "reserved hole; every device and GIC frame lies outside RAM; every region is non-empty, does "
    "not wrap past 2^64 and ends at or below 2^paddr_bits.",
    "an address and the region that breaks the rule",
    (
        "Move or shrink the region so it sits inside one `memory` bank (RAM slices and shared regions).",
        "Keep RAM slices off `reserved` holes: firmware (secure monitor, rpmsg) lives there.",
        "Check the size: `size 0xffff_ffff_ffff_f000` at a high base wraps past 2^64.",
        "Raise `paddr_bits` only if the SoC really decodes that many address bits.",
    ),
    family="memory",
)

# The ways a region can be misplaced, in the order a failure names them.
PROBLEMS = ("empty", "wraps", "beyond", "reserved", "outside", "in-ram")


@frozen
class Misplaced:
    """A region that breaks the rule: how, the address that shows it, and the hole or bank involved."""

    owned: Owned
    problem: str  # one of PROBLEMS
    address: int | None
    other: Region | None = None


class MemBounds(Obligation[Owned, Misplaced]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Owned]]:
        return [Instance(o.region.name, o.region.span, o) for o in session.once(family_regions, spec)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Owned]]) -> list[Query]:
        out = []
        for instance in instances:
            x = session.addr(f"x{instance.item.order}")
            cases = _cases(spec, session, instance.item, x)
            # No reads: the witness is the lowest address of the first case that holds, checked by substitution.
            out.append(Query(session.any_of(cases.values()), {}, INTERVAL_MEET))
        return out

    def witnesses(self, spec: Spec, session: Session, instance: Instance[Owned], values: Mapping[str, int]) -> list[Misplaced]:
        owned = instance.item
        x = session.addr(f"x{owned.order}")
        cases = _cases(spec, session, owned, x)
        for problem in PROBLEMS:
            if problem in cases and session.constant(cases[problem]) is not False:
                return [_witness(spec, session, owned, problem, cases[problem], x)]
        return []

    def failure(self, spec: Spec, w: Misplaced) -> Failure:
        r = w.owned.region
        bits = spec.platform.paddr_bits
        places = [Place(r.name, r.span)]
        cex: dict[str, Any] = {"region": r.name, "problem": w.problem, "base": r.base, "size": r.size}
        if w.address is not None:
            cex["address"] = w.address
        if w.problem == "empty":
            message = f"{region_words(r)} is empty (size 0)"
        elif w.problem == "wraps":
            message = f"{region_words(r)} wraps past 2^64: base {hexaddr(r.base)} + size {hexaddr(r.size)} = {hexaddr(r.end)}"
        elif w.problem == "beyond":
            message = (
                f"address {hexaddr(w.address)} of {region_words(r)} is at or above 2^{bits} "
                f"(paddr_bits {bits}); the region ends at {hexaddr(r.end)}"
            )
        elif w.problem == "reserved":
            cex["other"] = w.other.name
            message = f"address {hexaddr(w.address)} of {region_words(r)} is in reserved hole {region_words(w.other)}"
            places.append(Place(w.other.name, w.other.span))
        elif w.problem == "outside":
            where = f"past the end of memory bank {region_words(w.other)}" if w.other else "in no memory bank"
            message = f"address {hexaddr(w.address)} of {region_words(r)} is {where}"
        else:
            cex["other"] = w.other.name
            message = f"address {hexaddr(w.address)} of {w.owned.kind} {region_words(r)} is in RAM bank {region_words(w.other)}"
            places.append(Place(w.other.name, w.other.span))
        return Failure(r.name, message, r.span, cex, tuple(places))

    def expected(self, spec: Spec, w: Misplaced) -> dict[str, Any]:
        return {"kind": "region-out-of-bounds", "region": w.owned.region.name, "problem": w.problem}

    def proved(self, spec: Spec, instance: Instance[Owned]) -> str:
        return f"{instance.subject} lies where a {instance.item.kind} region may"


def _cases(spec: Spec, s: Session, owned: Owned, x: BitVec) -> dict[str, Bool]:
    """The ways a region can be misplaced, each a formula over the witness x.

    Holes and banks that do not meet the region are left out of the terms that
    need x in both: `x in r and x in h` is unsatisfiable when they are
    disjoint, so the disjunctions keep their meaning, and a clean region's
    cases are constants.
    """
    r = owned.region
    banks = spec.platform.memory
    in_r = s.inside(x, r.base, r.size)
    cases = {
        "empty": s.fact(r.size <= 0),
        "wraps": s.fact(U64 < r.end),
        "beyond": s.fact((1 << spec.platform.paddr_bits) < r.end),
    }
    if owned.kind in (RAM, SHARED):
        in_one_bank = any(b.base <= r.base and r.end <= b.end for b in banks)
        # With no bank holding all of r, the witness is the first address past every
        # bank that holds r's base (or r's base itself when none does).
        past_base_banks = s.all_of(s.ule(s.num(b.end), x) for b in banks if b.base <= r.base < b.end)
        holes = [h for h in spec.platform.reserved if meets(h.base, h.end, r.base, r.end)]
        cases["reserved"] = s.all_of([in_r, s.any_of(s.inside(x, h.base, h.size) for h in holes)])
        cases["outside"] = s.all_of([in_r, s.fact(not in_one_bank), past_base_banks])
    else:
        meeting = [b for b in banks if meets(b.base, b.end, r.base, r.end)]
        cases["in-ram"] = s.all_of([in_r, s.any_of(s.inside(x, b.base, b.size) for b in meeting)])
    return cases


def _witness(spec: Spec, s: Session, owned: Owned, problem: str, violation: Bool, x: BitVec) -> Misplaced:
    """The lowest address that shows `problem`, checked against its formula."""
    r = owned.region
    if problem == "empty":
        return Misplaced(owned, problem, None)
    if problem == "wraps":
        return Misplaced(owned, problem, max(r.base, U64 - 1))
    if problem == "beyond":
        address = max(r.base, 1 << spec.platform.paddr_bits)
        return Misplaced(owned, problem, address if address < U64 else U64 - 1)
    if problem == "reserved":
        other = _lowest_meeting(spec.platform.reserved, r, "reserved hole")
        address = max(r.base, other.base)
    elif problem == "outside":
        holders = [b for b in spec.platform.memory if b.base <= r.base < b.end]
        other = holders[0] if holders else None
        address = max([b.end for b in holders], default=r.base)
    else:
        other = _lowest_meeting(spec.platform.memory, r, "RAM bank")
        address = max(r.base, other.base)
    if not s.holds_at(violation, x, address):
        raise WitnessMismatch(f"{r.name}: address {hexaddr(address)} does not satisfy the {problem} violation it was derived from")
    return Misplaced(owned, problem, address, other)


def _lowest_meeting(others: tuple[Region, ...], r: Region, what: str) -> Region:
    """Of the regions that meet `r`, the one holding r's lowest address in any of them (first declared on a tie)."""
    meeting = [o for o in others if meets(o.base, o.end, r.base, r.end)]
    return min(meeting, key=lambda o: max(o.base, r.base)) if meeting else first((), f"{what} meeting {r.name}")


OBLIGATION = MemBounds()
