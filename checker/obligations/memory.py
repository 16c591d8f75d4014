"""MEM-BOUNDS, MEM-ALIGN, MEM-DISJOINT, MEM-EXPOSE: where memory is and who can reach it.

Each query asks for an address `x` that witnesses a violation. The witness
reported is then moved to the lowest address of the same violating
intersection (so reports are stable and readable) and re-checked by
substituting it into the violation formula: the solver, not Python, is the
judge of every counterexample address.
"""

from __future__ import annotations

import bisect

import z3

from checker.encode import Session
from checker.obligations.base import failed, hexaddr, obligation, proved, region_words, size_words, unknown
from checker.regions import (
    RAM, SHARED, Owned, all_regions, gaps, meeting_pairs, overlapping_pairs, page_span, sorted_nonempty,
)
from checker.result import INTERNAL_ERROR, Place, Result
from checker.spec import Kernel, Region, Spec

U64 = 1 << 64


def _witness_holds(s: Session, violation: z3.BoolRef, x: z3.BitVecRef, value: int) -> bool:
    return z3.is_true(z3.simplify(z3.substitute(violation, (x, s.num(value)))))


def _checked_witness(s: Session, violation, x, value: int) -> int:
    """`value` if it satisfies the violation; a disagreement here is a bug in pcheck."""
    if not _witness_holds(s, violation, x, value):
        raise AssertionError(f"witness {hexaddr(value)} does not satisfy the violation it was derived from")
    return value


def _regions(spec: Spec, s: Session) -> list[Owned]:
    """`all_regions(spec)`, made once per session: the four memory obligations share it."""
    return s.shared("regions", spec, lambda: all_regions(spec))


def _lt(s: Session, a: int, b: int) -> z3.BoolRef:
    return s.ult(s.num(a), s.num(b))


def _le(s: Session, a: int, b: int) -> z3.BoolRef:
    return s.ule(s.num(a), s.num(b))


# ------------------------------------------------------------------ MEM-BOUNDS


@obligation("MEM-BOUNDS", "memory")
def mem_bounds(spec: Spec, session: Session) -> list[Result]:
    """Every region is non-empty, does not wrap, ends by 2^paddr_bits, and sits where its kind may."""
    regions = _regions(spec, session)
    queries = {}
    for owned in regions:
        x = session.addr(f"x{owned.order}")
        cases = _bounds_cases(spec, session, owned, x)
        queries[owned.order] = (session.any_of(cases.values()), {"x": x, **cases})
    outcomes = session.check_each(queries, "MEM-BOUNDS")
    return [_bounds_result(spec, session, owned, outcomes[owned.order]) for owned in regions]


def _meets(a: Region, base: int, end: int) -> bool:
    return a.base < end and base < a.end


def _bounds_cases(spec: Spec, s: Session, owned: Owned, x: z3.BitVecRef) -> dict[str, z3.BoolRef]:
    """The ways a region can be misplaced, each a formula over the witness x.

    Holes and banks that do not meet the region are left out of the terms that
    need x in both: `x in r and x in h` is unsatisfiable when they are
    disjoint, so the disjunctions keep their meaning, and a clean region's
    cases are constants the solver decides at once.
    """
    r = owned.region
    banks = spec.platform.memory
    in_r = s.inside(x, r.base, r.size)
    cases = {
        "empty": _le(s, r.size, 0),
        "wraps": _lt(s, U64, r.end),
        "beyond": _lt(s, 1 << spec.platform.paddr_bits, r.end),
    }
    if owned.kind in (RAM, SHARED):
        in_one_bank = s.any_of(s.all_of([_le(s, b.base, r.base), _le(s, r.end, b.end)]) for b in banks)
        # With no bank holding all of r, the witness is the first address past every
        # bank that holds r's base (or r's base itself when none does).
        # Implications whose premise (the bank holds r's base) is false are true: left out.
        past_base_banks = s.all_of(s.ule(s.num(b.end), x) for b in banks if b.base <= r.base < b.end)
        holes = [h for h in spec.platform.reserved if _meets(h, r.base, r.end)]
        cases["reserved"] = s.all_of([in_r, s.any_of(s.inside(x, h.base, h.size) for h in holes)])
        cases["outside"] = s.all_of([in_r, s.not_(in_one_bank), past_base_banks])
    else:
        meeting = [b for b in banks if _meets(b, r.base, r.end)]
        cases["in-ram"] = s.all_of([in_r, s.any_of(s.inside(x, b.base, b.size) for b in meeting)])
    return cases


def _bounds_result(spec: Spec, s: Session, owned: Owned, outcome) -> Result:
    r = owned.region
    if outcome.status == "unknown":
        return unknown("MEM-BOUNDS", r.name, r.span, outcome)
    if outcome.status == "unsat":
        return proved("MEM-BOUNDS", r.name, r.span, f"{r.name} lies where a {owned.kind} region may")
    x = s.addr(f"x{owned.order}")
    cases = _bounds_cases(spec, s, owned, x)
    case = next(k for k in cases if outcome.values[k])
    return _bounds_failure(spec, s, owned, case, outcome.values["x"], cases[case], x)


def _bounds_failure(spec: Spec, s: Session, owned: Owned, case: str, x_value: int, violation, x) -> Result:
    r = owned.region
    bits = spec.platform.paddr_bits
    places = [Place(r.name, r.span)]
    cex: dict = {"region": r.name, "problem": case, "base": r.base, "size": r.size}
    if case == "empty":
        message = f"{region_words(r)} is empty (size 0)"
    elif case == "wraps":
        message = f"{region_words(r)} wraps past 2^64: base {hexaddr(r.base)} + size {hexaddr(r.size)} = {hexaddr(r.end)}"
        cex["address"] = max(r.base, U64 - 1)
    elif case == "beyond":
        address = max(r.base, 1 << bits)
        cex["address"] = address if address < U64 else U64 - 1
        message = (
            f"address {hexaddr(cex['address'])} of {region_words(r)} is at or above 2^{bits} "
            f"(paddr_bits {bits}); the region ends at {hexaddr(r.end)}"
        )
    elif case == "reserved":
        hole = next(h for h in spec.platform.reserved if h.base <= x_value < h.end)
        cex["address"] = _checked_witness(s, violation, x, max(r.base, hole.base))
        cex["other"] = hole.name
        message = f"address {hexaddr(cex['address'])} of {region_words(r)} is in reserved hole {region_words(hole)}"
        places.append(Place(hole.name, hole.span))
    elif case == "outside":
        holders = [b for b in spec.platform.memory if b.base <= r.base < b.end]
        cex["address"] = _checked_witness(s, violation, x, max([b.end for b in holders], default=r.base))
        where = f"past the end of memory bank {region_words(holders[0])}" if holders else "in no memory bank"
        message = f"address {hexaddr(cex['address'])} of {region_words(r)} is {where}"
    else:  # a device or GIC frame inside RAM
        bank = next(b for b in spec.platform.memory if b.base <= x_value < b.end)
        cex["address"] = _checked_witness(s, violation, x, max(r.base, bank.base))
        cex["other"] = bank.name
        message = f"address {hexaddr(cex['address'])} of {owned.kind} {region_words(r)} is in RAM bank {region_words(bank)}"
        places.append(Place(bank.name, bank.span))
    expect = {"kind": "region-out-of-bounds", "region": r.name, "problem": case}
    return failed("MEM-BOUNDS", r.name, message, r.span, cex, places, [], expect)


# ------------------------------------------------------------------ MEM-ALIGN


@obligation("MEM-ALIGN", "memory")
def mem_align(spec: Spec, session: Session) -> list[Result]:
    """RAM slices and shared regions start and end on page boundaries."""
    page = spec.platform.page
    regions = [o for o in _regions(spec, session) if o.kind in (RAM, SHARED)]
    queries = {}
    for owned in regions:
        r = owned.region
        base_off = session.urem(session.num(r.base), session.num(page))
        size_off = session.urem(session.num(r.size), session.num(page))
        zero = session.num(0)
        violation = session.any_of([session.not_(session.eq(base_off, zero)), session.not_(session.eq(size_off, zero))])
        queries[owned.order] = (violation, {"base": base_off, "size": size_off})
    outcomes = session.check_each(queries, "MEM-ALIGN")
    results = []
    for owned in regions:
        r = owned.region
        outcome = outcomes[owned.order]
        if outcome.status == "unknown":
            results.append(unknown("MEM-ALIGN", r.name, r.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("MEM-ALIGN", r.name, r.span, f"{r.name} is {size_words(page)}-page aligned"))
        else:
            results.append(_align_failure(r, page, outcome.values["base"], outcome.values["size"]))
    return results


def _align_failure(r: Region, page: int, base_off: int, size_off: int) -> Result:
    problems = []
    if base_off:
        problems.append(f"base {hexaddr(r.base)} is {hexaddr(base_off)} past a {size_words(page)} page boundary")
    if size_off:
        problems.append(f"size {hexaddr(r.size)} is not a multiple of {size_words(page)} ({hexaddr(size_off)} over)")
    cex = {"region": r.name, "page": page, "base": r.base, "size": r.size, "base_offset": base_off, "size_offset": size_off}
    expect = {"kind": "region-misaligned", "region": r.name, "base_offset": base_off, "size_offset": size_off}
    return failed("MEM-ALIGN", r.name, f"{region_words(r)}: " + "; ".join(problems), r.span, cex, [Place(r.name, r.span)], [], expect)


# ------------------------------------------------------------------ MEM-DISJOINT


def _disjoint_classes(spec: Spec, s: Session) -> list[list[Owned]]:
    """RAM slices with shared regions must not overlap; devices with GIC frames must not."""
    regions = _regions(spec, s)
    memory = [o for o in regions if o.kind in (RAM, SHARED)]
    frames = [o for o in regions if o.kind not in (RAM, SHARED)]
    return [memory, frames]


def _in_both(s: Session, x: z3.BitVecRef, a: Region, b: Region) -> z3.BoolRef:
    """x in a and x in b, as one conjunction of four bounds."""
    return s.all_of([s.ule(s.num(a.base), x), s.ult(x, s.num(a.end)), s.ule(s.num(b.base), x), s.ult(x, s.num(b.end))])


def _adjacent_overlap(s: Session, ordered: list[Owned], x: z3.BitVecRef) -> z3.BoolRef:
    return s.any_of(_in_both(s, x, a.region, b.region) for a, b in zip(ordered, ordered[1:]))


@obligation("MEM-DISJOINT", "memory")
def mem_disjoint(spec: Spec, session: Session) -> list[Result]:
    """No address is in two regions of one class.

    Completeness of the proof query: it only asks whether some address lies in
    two regions that are *adjacent* once the non-empty regions of a class are
    sorted by base. That is enough: if regions i < j (in sorted order) share an
    address, then base_i <= base_{i+1} <= base_j < end_i, so region i+1 starts
    inside region i and the adjacent pair (i, i+1) overlaps. Empty regions hold
    no address. So unsat here means no two regions overlap, with a query that
    grows linearly with the number of regions. When it is sat, every
    overlapping pair is listed by a sweep and each gets its own witness query.
    """
    results: list[Result] = []
    for regions in _disjoint_classes(spec, session):
        x = session.addr("x")
        ordered = sorted_nonempty(regions)
        outcome = session.check(_adjacent_overlap(session, ordered, x), {"x": x}, "MEM-DISJOINT sorted adjacent pairs")
        if outcome.status == "unknown":
            results.append(unknown("MEM-DISJOINT", "all", spec.platform.span, outcome))
            continue
        if outcome.status == "unsat":
            continue
        pairs = overlapping_pairs(regions)
        if not pairs:
            results.append(_disagreement("MEM-DISJOINT", "the solver found an overlap the sweep did not"))
        results += [_disjoint_pair(session, a, b) for a, b in pairs]
    if not results:
        results.append(proved("MEM-DISJOINT", "all", spec.platform.span, "no two regions overlap"))
    return results


def _disagreement(id_: str, what: str) -> Result:
    return Result(id_, "all", INTERNAL_ERROR, f"internal error: {what}", None)


def _disjoint_pair(s: Session, a: Owned, b: Owned) -> Result:
    x = s.addr("x")
    violation = _in_both(s, x, a.region, b.region)
    subject = f"{a.region.name},{b.region.name}"
    outcome = s.check(violation, {"x": x}, f"MEM-DISJOINT {subject}")
    if outcome.status == "unknown":
        return unknown("MEM-DISJOINT", subject, a.region.span, outcome)
    if outcome.status == "unsat":
        return _disagreement("MEM-DISJOINT", f"the sweep found {subject} overlapping but the solver did not")
    address = _checked_witness(s, violation, x, max(a.region.base, b.region.base))
    message = f"address {hexaddr(address)} is in {region_words(a.region)} and in {region_words(b.region)}"
    cex = {"address": address, "regions": [a.region.name, b.region.name], "owners": [a.owner, b.owner]}
    places = [Place(a.region.name, a.region.span), Place(b.region.name, b.region.span)]
    expect = {"kind": "memory-overlap", "regions": [a.region.name, b.region.name], "address": address}
    # Each owning kernel touches the address, so the replay shows both of them reach it.
    scenario = [{"op": "access", "kernel": o, "address": address, "write": False} for o in dict.fromkeys([a.owner, b.owner]) if o]
    return failed("MEM-DISJOINT", subject, message, b.region.span, cex, places, scenario, expect)


# ------------------------------------------------------------------ MEM-EXPOSE


def reach_routes(spec: Spec, kernel: Kernel, s: Session, x: z3.BitVecRef) -> dict[str, z3.BoolRef]:
    """Every way `kernel` can reach an address, by name."""
    page = spec.platform.page
    routes: dict[str, z3.BoolRef] = {}
    for r in kernel.ram:
        routes[f"RAM untyped {r.name}"] = s.inside(x, r.base, r.size)
    if kernel.profile.device_untypeds == "all":
        own = [s.inside(x, r.base, r.size) for r in kernel.ram]
        gic = [s.inside(x, f.base, f.size) for f in spec.platform.gic.frames]
        routes["device untyped"] = s.all_of(
            [s.ult(x, s.num(1 << spec.platform.paddr_bits)), s.not_(s.any_of(own + gic))]
        )
    for dev in kernel.devices:
        start, end = page_span(dev.region, page)
        routes[f"device page of {dev.name}"] = s.inside(x, start, end - start)
    for shared in spec.shared:
        if shared.mode_of(kernel.name) is not None:
            routes[f"shared mapping {shared.name}"] = s.inside(x, shared.region.base, shared.region.size)
    return routes


def _forbidden_entries(spec: Spec) -> list[tuple[Region, str, str | None, frozenset[str]]]:
    """Every region some kernel must not reach: (region, whose, owning kernel, kernels listed on it).

    A kernel's RAM and devices are forbidden to every other kernel; a shared
    region (owner None) to every kernel not listed on it. The list order is the
    order messages name them in: kernels in declaration order (RAM, then
    devices), then shared regions.
    """
    out: list[tuple[Region, str, str | None, frozenset[str]]] = []
    for owner in spec.kernels:
        out += [(r, f"RAM of {owner.name}", owner.name, frozenset()) for r in owner.ram]
        out += [(d.region, f"device of {owner.name}", owner.name, frozenset()) for d in owner.devices]
    for sh in spec.shared:
        out.append((sh.region, "a shared region it is not listed on", None, frozenset(a.kernel.name for a in sh.access)))
    return out


def _reachable_forbidden(spec: Spec) -> dict[str, list[tuple[Region, str]]]:
    """For each kernel, the regions it must not reach that meet its reach intervals, in message order.

    One sweep over every kernel's reach intervals and every forbidden region
    (`meeting_pairs`), instead of testing each kernel against each region.
    """
    entries = _forbidden_entries(spec)
    reach = [(a, b, k.name) for k in spec.kernels for a, b in reach_intervals(spec, k)]
    regions = [(r.base, r.end, n) for n, (r, _, _, _) in enumerate(entries)]
    hits: dict[str, set[int]] = {k.name: set() for k in spec.kernels}
    for name, n in meeting_pairs(reach, regions):
        _, _, owner, listed = entries[n]
        if (owner is not None and owner != name) or (owner is None and name not in listed):
            hits[name].add(n)
    return {name: [entries[n][:2] for n in sorted(found)] for name, found in hits.items()}


def _route_extent(spec: Spec, kernel: Kernel, route: str, address: int) -> tuple[int, int]:
    """The interval of `route` that contains `address` (for the message and the witness)."""
    if route == "device untyped":
        excluded = [(r.base, r.end) for r in kernel.ram] + [(f.base, f.end) for f in spec.platform.gic.frames]
        return next((a, b) for a, b in gaps(excluded, 1 << spec.platform.paddr_bits) if a <= address < b)
    if route.startswith("device page of "):
        dev = next(d for d in kernel.devices if d.name == route.removeprefix("device page of "))
        return page_span(dev.region, spec.platform.page)
    name = route.split(" ")[-1]
    region = next(r for r in list(kernel.ram) + [sh.region for sh in spec.shared] if r.name == name)
    return region.base, region.end


def reach_intervals(spec: Spec, kernel: Kernel) -> list[tuple[int, int]]:
    """The addresses `kernel` can reach, as intervals: the same routes `reach_routes` encodes."""
    page = spec.platform.page
    out = [(r.base, r.end) for r in kernel.ram]
    out += [page_span(d.region, page) for d in kernel.devices]
    out += [(sh.region.base, sh.region.end) for sh in spec.shared if sh.mode_of(kernel.name) is not None]
    if kernel.profile.device_untypeds == "all":
        excluded = [(r.base, r.end) for r in kernel.ram] + [(f.base, f.end) for f in spec.platform.gic.frames]
        out += gaps(excluded, 1 << spec.platform.paddr_bits)
    return _union(out)


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(i for i in intervals if i[0] < i[1]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def overlaps_any(union: list[tuple[int, int]], starts: list[int], base: int, end: int) -> bool:
    """[base, end) meets one of the sorted disjoint intervals of `union`."""
    i = bisect.bisect_right(starts, base) - 1
    if i >= 0 and union[i][1] > base:
        return True
    return i + 1 < len(union) and union[i + 1][0] < end


# How many reachable forbidden regions one query names: any one of them is a
# counterexample, and the message lists the rest.
EXPOSE_TERMS = 16


@obligation("MEM-EXPOSE", "memory")
def mem_expose(spec: Spec, session: Session) -> list[Result]:
    """No kernel reaches another kernel's RAM or devices, or a shared region it is not on.

    Each kernel's query is "x in one of its routes and x in one of the regions
    it must not reach". Forbidden regions that meet none of the kernel's
    reach intervals are left out of the query: for such a region R the
    conjunct `x in reach and x in R` is unsatisfiable, so the disjunction is
    equisatisfiable without it. `reach_intervals` computes the same routes as
    `reach_routes` encodes (own RAM, device pages, listed shared regions,
    and for `device_untypeds all` the gaps between own RAM and the GIC frames
    below 2^paddr_bits); the differential tests compare the verdicts with the
    model's. This keeps each query small: a kernel with declared untypeds
    meets few regions, and one that can reach everything fails on the first.
    """
    queries, facts = {}, {}
    reachable_by = _reachable_forbidden(spec)
    for n, kernel in enumerate(spec.kernels):
        x = session.addr(f"x_{n}")
        routes = reach_routes(spec, kernel, session, x)
        reachable = reachable_by[kernel.name]
        targets = session.any_of(session.inside(x, r.base, r.size) for r, _ in reachable[:EXPOSE_TERMS])
        violation = session.all_of([session.any_of(routes.values()), targets])
        queries[kernel.name] = (violation, {"x": x})
        facts[kernel.name] = (x, routes, violation, reachable)
    outcomes = session.check_each(queries, "MEM-EXPOSE")
    results = []
    for kernel in spec.kernels:
        outcome = outcomes[kernel.name]
        x, routes, violation, reachable = facts[kernel.name]
        if outcome.status == "unknown":
            results.append(unknown("MEM-EXPOSE", kernel.name, kernel.span, outcome))
        elif outcome.status == "unsat" and reachable:
            raise AssertionError(f"{kernel.name}: regions meet its reach intervals but the solver finds no address")
        elif outcome.status == "unsat":
            results.append(proved("MEM-EXPOSE", kernel.name, kernel.span, f"{kernel.name} reaches only its own memory"))
        else:
            results.append(_expose_failure(spec, session, kernel, x, routes, violation, reachable))
    return results


def _expose_failure(spec: Spec, s: Session, kernel: Kernel, x, routes, violation, reachable) -> Result:
    """The failure names the first reachable region in message order, at its lowest
    reachable address, whatever address the solver's model picked, so reports do
    not change with the solver; the address is checked against the query."""
    target, whose = reachable[0]
    lowest = next(max(a, target.base) for a, b in reach_intervals(spec, kernel) if a < target.end and target.base < b)
    route = next(name for name, term in routes.items() if z3.is_true(z3.simplify(z3.substitute(term, (x, s.num(lowest))))))
    start, end = _route_extent(spec, kernel, route, lowest)
    address = _checked_witness(s, violation, x, lowest)
    others = [r.name for r, _ in reachable if r is not target]
    also = f"; it also reaches {', '.join(others[:8])}" + (f" and {len(others) - 8} more" if len(others) > 8 else "") if others else ""
    message = (
        f"{kernel.name} can reach address {hexaddr(address)} of {region_words(target)} ({whose}) "
        f"through its {route} [{hexaddr(start)}, {hexaddr(end)}){also}"
    )
    cex = {
        "kernel": kernel.name,
        "address": address,
        "region": target.name,
        "owner": whose,
        "route": route,
        "route_range": [start, end],
        "also": others,
    }
    places = [Place(f"kernel {kernel.name}", kernel.span), Place(target.name, target.span)]
    scenario = [{"op": "access", "kernel": kernel.name, "address": address, "write": False}]
    expect = {"kind": "memory-expose", "kernel": kernel.name, "address": address}
    return failed("MEM-EXPOSE", kernel.name, message, kernel.span, cex, places, scenario, expect)
