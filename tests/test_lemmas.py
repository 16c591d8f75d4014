"""Every Python lemma of checker/lemmas.py against brute force, independent of the solver.

Each section below takes one lemma (or pre-filter) and compares what pcheck
computes in Python with a brute force that shares none of its code: plain
enumeration of small integers, nested loops over a spec's lists, or the
reference model (model/) run on the spec. Nothing here builds a z3 term or
calls a solver, and no brute force calls the pcheck function it checks.

Random specs come from tests/differential/strategies.py. CI runs a fixed,
derandomized number of examples; PCHECK_SLOW=1 runs many more with fresh
randomness.
"""

from __future__ import annotations

import itertools
import os
import re

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.sel4 import has_cpu_interface, order_dependent
import checker
import model
from checker import pds as pds_facts, replay
from model.pds import call_path, pd_access
from tests.differential.strategies import pd_cases
from checker.lemmas import (
    ADDRESS_ORDER,
    BOOT_BEHAVIOUR,
    CAPABILITY_TABLE,
    CONCRETE,
    EQUAL_KEYS,
    INTERVAL_MEET,
    OWNER_COUNT,
    REACH_INTERVALS,
    colliding_pairs,
    gaps,
    groups,
    meeting_pairs,
    meets,
    overlapping_pairs,
    overlaps_any,
    owners,
    sorted_nonempty,
    union,
)
from checker.obligations import boot_order, ipi_mailbox, ipi_range, irq_route, mem_disjoint, mem_expose, sgi
from checker.reach import lowest_reached, reach_intervals
from checker.regions import all_regions, page_span
from checker.replay import machine_config
from checker.spec import SEL4, SEL4_MK, SEL4_SMP, Channel, Cpu, Gic, Kernel, Platform, Profile, Region, Spec, spi_subject
from model.memory import MemoryMap
from model.scenario import BindChannel, Boot, SendChannel, SendSgi
from model.trace import ErrorEvent, Refusal, RegAccess, SgiPended

from tests.differential.strategies import CLEAN_PROFILES, cases

# tests/ is on sys.path (pytest's rootdir-relative import of this directory), as in
# tests/differential/model_verdicts.py: the boot-order brute force on the model is shared.
from test_boot_orders import model_verdicts as every_boot_order_on_the_model  # noqa: E402

SLOW = os.environ.get("PCHECK_SLOW", "") not in ("", "0")
U66 = 1 << 66  # the solver's address space: probes stay inside it


def examples(ci: int, slow: int | None = None):
    """Hypothesis settings: `ci` derandomized examples, or many fresh ones with PCHECK_SLOW=1."""
    common = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                                        HealthCheck.data_too_large])
    if SLOW:
        return settings(max_examples=slow or 20 * ci, database=None, **common)
    return settings(max_examples=ci, derandomize=True, database=None, print_blob=False, **common)


# ====================================================================== brute force helpers

# Small intervals over [0, 24): empty and reversed ones included.
small_interval = st.tuples(st.integers(0, 24), st.integers(0, 24))


def addresses(intervals) -> set[int]:
    """Every integer in some [a, b) of `intervals`, enumerated one by one."""
    return {x for a, b in intervals for x in range(a, b)}


def runs(covered: set[int]) -> list[tuple[int, int]]:
    """The maximal runs of consecutive integers of a set, as sorted [start, end) intervals."""
    out: list[list[int]] = []
    for x in sorted(covered):
        if out and out[-1][1] == x:
            out[-1][1] = x + 1
        else:
            out.append([x, x + 1])
    return [(a, b) for a, b in out]


def share_an_address(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Some integer lies in both [a0, a1) and [b0, b1), by enumerating the first (small ints only)."""
    return any(b[0] <= x < b[1] for x in range(a[0], a[1]))


def in_both(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """The same for big addresses: the lowest candidate address, max of the bases, is tested for membership."""
    x = max(a[0], b[0])
    return a[0] <= x < a[1] and b[0] <= x < b[1]


def in_intervals(x: int, intervals) -> bool:
    return any(a <= x < b for a, b in intervals)


def _all_failures(report, ob: str) -> list[dict]:
    """Every counterexample of an obligation's failed results (one per failure)."""
    return [r.counterexample for r in report.results if r.id == ob and r.status == "failed"]


def model_memory(spec: Spec) -> MemoryMap:
    """The model's memory map of the spec (hypothesis skips specs the model cannot configure)."""
    try:
        return MemoryMap(machine_config(spec))
    except model.ConfigError:
        assume(False)
        raise  # unreachable


def memory_probes(spec: Spec, memory: MemoryMap) -> list[int]:
    """Every endpoint of every region, RAM bank, GIC frame, device page, model route and pcheck reach
    interval, each probed at e-1, e, e+1 and at the page boundaries around it, inside [0, 2^66).

    Both sides are finite unions of intervals, so membership can only change at one of their
    endpoints: probing every endpoint of both compares the two sets exactly.
    """
    page = spec.platform.page
    edges = {0, 1 << spec.platform.paddr_bits}
    regions = [*spec.platform.memory, *spec.platform.reserved, *spec.platform.gic.frames,
               *(d.region for d in spec.platform.devices), *(r for k in spec.kernels for r in k.ram),
               *(s.region for s in spec.shared)]
    for r in regions:
        edges |= {r.base, r.end, *page_span(r, page)}
    for k in spec.kernels:
        edges |= {e for route in memory.routes(k.name) for e in (route.base, route.end)}
        edges |= {e for interval in reach_intervals(spec, k) for e in interval}
    points = set()
    for e in edges:
        down, up = e - e % page, e + (-e) % page
        points |= {e - 1, e, e + 1, down - 1, down, up - 1, up}
    return sorted(p for p in points if 0 <= p < U66)


def model_reaches_part_of(memory: MemoryMap, kernel: str, base: int, end: int) -> bool:
    """The model's kernel reads some address of [base, end).

    What it reaches is a union of route intervals; if one of them meets [base, end), the larger of
    the two starts is in both, so it is enough to try `base` and every route start inside.
    """
    if base >= end:
        return False
    candidates = [base] + [r.base for r in memory.routes(kernel) if base < r.base < end]
    return any(memory.can_reach(kernel, x, write=False) is not None for x in candidates)


def forbidden_to(f: mem_expose.Forbidden, kernel: str) -> bool:
    """MEM-EXPOSE's rule, restated: another kernel's RAM or device, or a shared region the kernel is not on."""
    if f.owner is not None:
        return f.owner != kernel
    return kernel not in f.listed


def machine_or_skip(config: model.MachineConfig, require=assume) -> model.Machine:
    """A fresh model machine (hypothesis skips configurations whose GIC cannot be built)."""
    try:
        return model.Machine(config)
    except model.ConfigError:
        require(False)
        raise  # unreachable


def no_model_errors(machine: model.Machine) -> None:
    errors = [e.message for e in machine.trace if isinstance(e, ErrorEvent)]
    assert not errors, f"the model failed: {errors}"


ICENABLER = re.compile(r"GICD_ICENABLER\[(\d+)\]$")


def boot_writes(machine: model.Machine, kernel: str) -> tuple[bool, set[int]]:
    """Boot `kernel` on the machine: (did it write GICD_CTLR, the SPIs it disabled), read from the trace."""
    mark = len(machine.trace)
    machine.step(Boot(kernel))
    resets, disabled = False, set()
    for e in machine.trace[mark:]:
        if not isinstance(e, RegAccess) or e.op != "W" or e.actor != kernel:
            continue
        if e.register == "GICD_CTLR":
            resets = True
        m = ICENABLER.match(e.register)
        if m:
            value = e.value << (8 * e.byte)
            disabled |= {32 * int(m.group(1)) + bit for bit in range(32) if value >> bit & 1}
    return resets, disabled


def boot_behaviour_on_the_model(spec: Spec, require=assume) -> dict[tuple[str, ...], dict[str, tuple[bool, bool]]]:
    """For every boot order of all kernels: per kernel, (it reset the distributor, it disabled an
    implemented SPI it does not own) during its own boot step, on the model (which refuses to boot
    a kernel without a core)."""
    config = machine_config(spec)
    lines = spec.platform.gic.lines
    own = {k.name: {i.intid for i in k.owned_spis} for k in spec.kernels}
    out = {}
    for order in itertools.permutations([k.name for k in spec.kernels]):
        machine = machine_or_skip(config, require)
        seen = {}
        for name in order:
            resets, disabled = boot_writes(machine, name)
            foreign = {i for i in disabled if 32 <= i < lines and i not in own[name]}
            seen[name] = (resets, bool(foreign))
        # A kernel that halts at boot (its redistributor lies outside seL4's search window, a
        # CPU-IDENT failure) is not what the lemma is about: such specs are skipped.
        require(not any(machine.kernels[n].halted for n in order))
        no_model_errors(machine)
        out[order] = seen
    return out


def capable(config: model.MachineConfig) -> model.MachineConfig:
    """The configuration with every kernel able to send SGIs (where a write goes is what is judged)."""
    kernels = tuple(attrs.evolve(k, profile=attrs.evolve(k.profile, sgi_signal=True)) for k in config.kernels)
    return attrs.evolve(config, kernels=kernels)


def pended(machine: model.Machine, step) -> frozenset[str]:
    """Run one SGI-sending step: the cores an SGI became pending on (none if the kernel refused it)."""
    mark = len(machine.trace)
    machine.step(step)
    events = machine.trace[mark:]
    if any(isinstance(e, Refusal) for e in events):
        return frozenset()
    return frozenset(e.core for e in events if isinstance(e, SgiPended))


# ====================================================================== INTERVAL_MEET


@examples(400)
@given(st.integers(-3, 12), st.integers(-3, 12), st.integers(-3, 12), st.integers(-3, 12))
def test_interval_meet_is_some_shared_integer(a, b, c, d):
    """INTERVAL_MEET: meets(a, b, c, d) iff some integer x is in both [a, b) and [c, d), found by
    enumerating x over the whole range (empty and reversed intervals included)."""
    brute = any(a <= x < b and c <= x < d for x in range(-4, 14))
    assert meets(a, b, c, d) == brute, INTERVAL_MEET.name


# ====================================================================== ADDRESS_ORDER


@examples(300)
@given(st.lists(small_interval, max_size=10))
def test_overlapping_pairs_is_every_pair_sharing_an_address(intervals):
    """ADDRESS_ORDER: overlapping_pairs lists exactly the pairs (i < j, declaration order) whose
    intervals share an address, each pair once, sorted; found by enumerating every pair and address."""
    items = list(range(len(intervals)))
    got = overlapping_pairs(items, lambda i: intervals[i], lambda i: i)
    expected = [(i, j) for i, j in itertools.combinations(items, 2) if share_an_address(intervals[i], intervals[j])]
    assert got == expected, ADDRESS_ORDER.name


@examples(300)
@given(st.lists(small_interval, max_size=10))
def test_some_sorted_adjacent_pair_overlaps_iff_some_pair_overlaps(intervals):
    """ADDRESS_ORDER: sorted_nonempty keeps exactly the non-empty intervals in (start, end, order)
    order, and some adjacent pair of it overlaps iff some pair of all intervals shares an address."""
    items = list(range(len(intervals)))
    ordered = sorted_nonempty(items, lambda i: intervals[i], lambda i: i)
    assert sorted(ordered) == [i for i in items if addresses([intervals[i]])]
    assert all(intervals[i] <= intervals[j] for i, j in zip(ordered, ordered[1:]))
    adjacent = any(share_an_address(intervals[i], intervals[j]) for i, j in zip(ordered, ordered[1:]))
    anywhere = any(share_an_address(intervals[i], intervals[j]) for i, j in itertools.combinations(items, 2))
    assert adjacent == anywhere, ADDRESS_ORDER.name


@examples(150)
@given(cases())
def test_mem_disjoint_classes_pairs_are_every_overlapping_pair(case):
    """ADDRESS_ORDER on generated specs: for both MEM-DISJOINT classes (RAM with shared regions,
    devices with GIC frames), the sweep's pairs are every pair of regions sharing an address, by
    nested loops in declaration order; the adjacent pairs of the sorted class overlap iff some pair does."""
    regions = all_regions(case.spec)
    for cls in mem_disjoint.classes(regions):
        got = overlapping_pairs(cls, lambda o: o.span, lambda o: o.order)
        expected = [(a.order, b.order) for a, b in itertools.combinations(sorted(cls, key=lambda o: o.order), 2)
                    if in_both(a.span, b.span)]
        assert [(a.order, b.order) for a, b in got] == expected
        ordered = sorted_nonempty(cls, lambda o: o.span, lambda o: o.order)
        assert any(in_both(a.span, b.span) for a, b in zip(ordered, ordered[1:])) == bool(expected)


# ====================================================================== gaps, union, overlaps_any, meeting_pairs


@examples(300)
@given(st.lists(small_interval, max_size=10), st.integers(0, 28))
def test_gaps_are_the_uncovered_addresses(excluded, limit):
    """gaps (device untypeds): exactly the addresses of [0, limit) no excluded interval covers,
    as sorted, disjoint, non-empty intervals; by enumerating every address."""
    got = gaps(excluded, limit)
    assert addresses(got) == {x for x in range(limit) if not in_intervals(x, excluded)}
    assert all(a < b for a, b in got) and all(b1 <= a2 for (_, b1), (a2, _) in zip(got, got[1:]))


@examples(300)
@given(st.lists(small_interval, max_size=10))
def test_union_is_the_covered_addresses_as_separate_intervals(intervals):
    """union (reach intervals): exactly the addresses some interval covers, as sorted, non-empty
    intervals with a gap between any two (disjoint and not touching); by enumerating every address."""
    got = union(intervals)
    assert addresses(got) == addresses(intervals)
    assert all(a < b for a, b in got)
    assert all(b1 < a2 for (_, b1), (a2, _) in zip(got, got[1:]))


@examples(400)
@given(st.sets(st.integers(0, 24), max_size=16), st.integers(0, 24), st.integers(1, 8))
def test_overlaps_any_is_some_shared_address(covered, base, size):
    """overlaps_any (IPI-MAILBOX's outsider filter): a non-empty [base, end) meets sorted disjoint
    intervals iff one of its addresses is covered, by enumerating the addresses. The intervals are
    the maximal runs of a random set of addresses (built here, not by union); its callers never
    ask about an empty interval."""
    merged = runs(covered)
    got = overlaps_any(merged, [a for a, _ in merged], base, base + size)
    assert got == any(x in covered for x in range(base, base + size))


@examples(300)
@given(st.lists(small_interval, max_size=10), st.lists(small_interval, max_size=10))
def test_meeting_pairs_is_every_left_right_pair_sharing_an_address(lefts, rights):
    """meeting_pairs (MEM-EXPOSE's sweep): every (left, right) pair sharing an address, each exactly
    once; by enumerating every pair and address."""
    got = meeting_pairs([(a, b, n) for n, (a, b) in enumerate(lefts)], [(a, b, m) for m, (a, b) in enumerate(rights)])
    expected = [(n, m) for n, l in enumerate(lefts) for m, r in enumerate(rights) if share_an_address(l, r)]
    assert sorted(got) == expected


# ====================================================================== REACH_INTERVALS


@examples(150)
@given(cases())
def test_reach_intervals_are_what_the_model_reaches(case):
    """REACH_INTERVALS: for every kernel, an address is in reach_intervals(spec, kernel) iff the
    model's MemoryMap lets the kernel read it (can_reach), at every endpoint of every region, bank,
    GIC frame, device page, route and interval, its neighbours and the page boundaries around it."""
    spec = case.spec
    memory = model_memory(spec)
    points = memory_probes(spec, memory)
    for k in spec.kernels:
        intervals = reach_intervals(spec, k)
        assert all(a < b for a, b in intervals) and all(b1 < a2 for (_, b1), (a2, _) in zip(intervals, intervals[1:]))
        wrong = [hex(x) for x in points if in_intervals(x, intervals) != (memory.can_reach(k.name, x, write=False) is not None)]
        assert not wrong, f"{REACH_INTERVALS.name}: {k.name}: reach intervals {[(hex(a), hex(b)) for a, b in intervals]} and the model disagree at {wrong[:8]}"


@examples(150)
@given(cases())
def test_reachable_forbidden_are_the_forbidden_regions_meeting_a_reach_interval(case):
    """REACH_INTERVALS pre-filter of MEM-EXPOSE: reachable_forbidden(spec)[n] lists, in message order,
    exactly the regions forbidden to kernel n (another kernel's RAM or device, a shared region it is
    not on) that meet one of its reach intervals (nested loops over regions and intervals) and,
    independently, exactly those of which the model lets it read some address."""
    spec = case.spec
    memory = model_memory(spec)
    entries = mem_expose.forbidden_regions(spec)
    got = mem_expose.reachable_forbidden(spec)
    assert len(got) == len(spec.kernels)
    for n, k in enumerate(spec.kernels):
        intervals = reach_intervals(spec, k)
        forbidden = [f for f in entries if forbidden_to(f, k.name)]
        by_intervals = [f for f in forbidden if any(in_both((a, b), (f.region.base, f.region.end)) for a, b in intervals)]
        by_model = [f for f in forbidden if model_reaches_part_of(memory, k.name, f.region.base, f.region.end)]
        assert got[n] == by_intervals, k.name
        assert got[n] == by_model, k.name


@examples(40)
@given(cases())
def test_mailbox_outsiders_are_the_listed_or_reaching_non_users(case):
    """REACH_INTERVALS pre-filter of IPI-MAILBOX: the outsiders `problems` names for a channel are
    exactly the kernels at no end of a channel using the mailbox that are listed on it or that the
    model lets read some address of it."""
    spec = case.spec
    assume(any(c.mailbox is not None for c in spec.channels))
    memory = model_memory(spec)
    reach = {}
    for k in spec.kernels:
        merged = reach_intervals(spec, k)
        reach[k.name] = (merged, [a for a, _ in merged])
    for c in spec.channels:
        if c.mailbox is None:
            continue
        box = c.mailbox
        users = {end.name for other in spec.channels if other.mailbox is not None and other.mailbox.name == box.name
                 for end in (other.sender, other.receiver)}
        expected = [k.name for k in spec.kernels if k.name not in users and (
            any(a.kernel.name == k.name for a in box.access)
            or model_reaches_part_of(memory, k.name, box.region.base, box.region.end))]
        got = [p.kernel.name for p in ipi_mailbox.problems(spec, c, reach) if p.case == "outsider"]
        assert got == expected, c.name


# ====================================================================== EQUAL_KEYS


keyed = st.lists(st.tuples(st.integers(0, 50), st.sampled_from("abcd")), max_size=14)


@examples(300)
@given(keyed)
def test_groups_are_the_items_of_each_key_in_order(items):
    """EQUAL_KEYS: groups(items, key) maps every key, in first-seen order, to the items with that key
    in order; by one scan over the keys and one over the items per key."""
    got = groups(items, lambda item: item[1])
    first_seen = []
    for _, k in items:
        if k not in first_seen:
            first_seen.append(k)
    assert list(got) == first_seen
    for k in first_seen:
        assert got[k] == [item for item in items if item[1] == k]


@examples(300)
@given(keyed)
def test_colliding_pairs_are_the_index_pairs_with_equal_keys(items):
    """EQUAL_KEYS: colliding_pairs lists every index pair i < j with equal keys, in (i, j) order; by
    nested loops."""
    expected = [(i, j) for i in range(len(items)) for j in range(i + 1, len(items)) if items[i][1] == items[j][1]]
    assert colliding_pairs(items, lambda item: item[1]) == expected


@examples(100)
@given(cases())
def test_cpu_ident_collisions_are_the_cpu_pairs_with_equal_values(case):
    """EQUAL_KEYS in CPU-IDENT: the colliding cpu pairs are exactly the pairs (nested loops) with the
    same MPIDR or, on GICv2, the same CPU-interface number; the result is decided by facts."""
    spec = case.spec
    report = checker.check(spec, checker.Options(only=("CPU-IDENT",), replay=False, jobs=1))
    assert report.results and all(r.method == "facts" and r.lemma in (EQUAL_KEYS.name, CONCRETE.name) for r in report.results)
    expected = set()
    for a, b in itertools.combinations(spec.platform.cpus, 2):
        # The affinity fields Aff3 [39:32], Aff2, Aff1, Aff0 [23:0]: what the GIC tells cores apart by.
        if a.mpidr & 0xFF_00FF_FFFF == b.mpidr & 0xFF_00FF_FFFF:
            expected.add(("MPIDR", a.name, b.name))
        if spec.platform.gic.version == 2 and (a.gic_cpu or 0) == (b.gic_cpu or 0):
            expected.add(("CPU-interface number", a.name, b.name))
    got = {(cex["field"], *cex["cpus"]) for cex in _all_failures(report, "CPU-IDENT") if len(cex["cpus"]) == 2}
    assert got == expected


@examples(80)
@given(cases())
def test_channels_of_one_target_class_reach_the_same_cores_on_the_model(case):
    """EQUAL_KEYS in IPI-TARGET: channels with the same sgi.target_class reach the same cores. Every
    kernel that can boot boots on the model (all able to send SGIs), then each channel is sent
    (SendChannel, when its SGI exists) and its target is sent again with channel_target and two
    other SGI numbers from the first two booted kernels connected to the GIC as the sender is (SendSgi); the cores with the SGI pended must be the same
    for every send of one class (a refused send reaches none)."""
    spec = case.spec
    assume(spec.channels)
    machine = machine_or_skip(capable(machine_config(spec)))
    for k in spec.kernels:
        if k.cores:
            machine.step(Boot(k.name))
    booted = [k.name for k in spec.kernels if machine.kernels[k.name].booted]
    assume(booted)
    reached: dict[tuple, set[frozenset[str]]] = {}
    for c in spec.channels:
        key = sgi.target_class(spec, c)
        target = sgi.channel_target(spec, c)
        sends = []
        if c.sender.name in booted and 0 <= c.sgi <= 15:
            sends.append(SendChannel(c.name))
        # Senders like the channel's: connected to the GIC or not (part of the class).
        alike = [b for b in booted if has_cpu_interface(spec, spec.kernel(b).cores[0]) == key[2]]
        for n, sender in enumerate(alike[:2]):
            sends.append(SendSgi(sender, (c.sgi + 3 + 5 * n) & 0xF, target))
        for step in sends:
            reached.setdefault(key, set()).add(pended(machine, step))
    no_model_errors(machine)
    split = {key: sorted(sorted(r) for r in found) for key, found in reached.items() if len(found) > 1}
    assert not split, f"one target class, different cores reached: {split}"


@examples(25)
@given(cases())
def test_spis_of_one_route_class_get_the_same_verdict_on_every_boot_order(case):
    """EQUAL_KEYS in IRQ-ROUTE: SPIs with the same irq_route.route_class (owners, routing writes,
    implemented-ness) are misrouted after the same boot orders: the model boots every order (the
    spec's `boot order` if it has one) with each owner acquiring its SPIs right after its boot
    (tests/test_boot_orders.py's brute force), and the two SPIs must both fail or both pass."""
    spec = case.spec
    assume(len(spec.kernels) <= 4)
    spis = irq_route.owned_spis(spec)
    classes = groups(spis, lambda spi: irq_route.route_class(spec, spi))
    assume(any(len(members) > 1 for members in classes.values()))
    try:
        model.Machine(machine_config(spec))
    except model.ConfigError:
        assume(False)
    _, misrouted = every_boot_order_on_the_model(spec)
    for key, members in classes.items():
        verdicts = {spi_subject(spi.intid): spi.intid in misrouted for spi in members}
        assert len(set(verdicts.values())) == 1, f"route class {key}: {verdicts}"


# ====================================================================== OWNER_COUNT


@examples(300)
@given(st.lists(st.lists(st.integers(0, 6), max_size=5), max_size=6))
def test_owners_are_the_kernels_listing_each_item(claims):
    """OWNER_COUNT: owners(kernels, claims) maps every claimed item to the indices of the kernels
    listing it, each once and in order, however often one lists it; by a loop over every item."""
    got = owners(list(range(len(claims))), lambda n: claims[n])
    items = {x for c in claims for x in c}
    assert set(got) == items
    for x in items:
        assert got[x] == [n for n, c in enumerate(claims) if x in c]


@examples(80)
@given(cases())
def test_exclusivity_failures_are_the_items_two_kernels_list(case):
    """OWNER_COUNT in CPU-EXCL, DEV-EXCL, IRQ-EXCL: a cpu, device or SPI fails iff two distinct
    kernels list it (nested loops over kernel pairs), naming the first two such kernels; decided by facts."""
    first = case.spec.kernels[0]
    # The same spec with the first kernel listing its first core and device twice: one claim still.
    doubled = attrs.evolve(first, cores=first.cores + first.cores[:1], devices=first.devices + first.devices[:1])
    for spec in (case.spec, attrs.evolve(case.spec, kernels=(doubled, *case.spec.kernels[1:]))):
        _exclusivity_agrees(spec)


def _exclusivity_agrees(spec: Spec) -> None:
    report = checker.check(spec, checker.Options(only=("CPU-EXCL", "DEV-EXCL", "IRQ-EXCL"), replay=False, jobs=1))
    kernels = spec.kernels

    def shared(claims) -> dict[str, list[str]]:
        """Subject -> the first pair of distinct kernels (in declaration order) that both list it."""
        out: dict[str, list[str]] = {}
        for i, j in itertools.combinations(range(len(kernels)), 2):
            for subject in claims(kernels[i]):
                if subject in claims(kernels[j]) and subject not in out:
                    out[subject] = [kernels[i].name, kernels[j].name]
        return out

    expected = {
        "CPU-EXCL": shared(lambda k: [c.name for c in k.cores]),
        "DEV-EXCL": shared(lambda k: [d.name for d in k.devices]),
        "IRQ-EXCL": shared(lambda k: [spi_subject(i.intid) for i in k.owned_spis]),
    }
    cpu_names = {c.name for c in spec.platform.cpus}
    for ob, want in expected.items():
        results = [r for r in report.results if r.id == ob and (ob != "CPU-EXCL" or r.subject in cpu_names)]
        assert all((r.method, r.lemma) == ("facts", OWNER_COUNT.name) for r in results), ob
        got = {r.subject: r.counterexample["kernels"] for r in results if r.status == "failed"}
        assert got == want, ob


# ====================================================================== CAPABILITY_TABLE

PROFILES = [SEL4, SEL4_SMP, SEL4_MK, *CLEAN_PROFILES] + [
    Profile(f"custom-{'sgi' if signal else 'nosgi'}-{'smp' if smp else 'up'}", sgi_signal=signal, smp=smp)
    for signal in (True, False) for smp in (True, False)
]


def _ipi_spec(version: int, sender: Profile, receiver: Profile, sgis=range(18)) -> Spec:
    """A sender on c0 and a receiver on c1 and c2 (a CPU-EXCL failure for a non-smp receiver, which
    then never brings c2 up), with one channel per SGI number and receiving core."""
    cpus = tuple(Cpu(f"c{n}", n << 8, n if version == 2 else None) for n in range(3))
    if version == 2:
        gic = Gic(2, Region("gic.distributor", 0x0800_0000, 0x1000), lines=64,
                  cpu_interface=Region("gic.cpu_interface", 0x0801_0000, 0x2000))
    else:
        gic = Gic(3, Region("gic.distributor", 0x0800_0000, 0x10000), lines=64,
                  redistributors=Region("gic.redistributors", 0x0810_0000, 3 * 0x20000))
    platform = Platform("p", cpus, (Region("dram", 0x4000_0000, 0x4000_0000),), gic)
    s = Kernel("s", (cpus[0],), sender, (Region("s.ram", 0x4000_0000, 0x1000_0000),))
    r = Kernel("r", cpus[1:], receiver, (Region("r.ram", 0x5000_0000, 0x1000_0000),))
    channels = tuple(Channel(f"ch{sgi}_{core.name}", s, r, sgi, on=core) for sgi in sgis for core in r.cores)
    return Spec(platform, (s, r), channels=channels, loader_gic_init=True)


def _refusals(config, steps) -> list[str]:
    """Run steps on a fresh model machine: the errors of every invocation the kernels refused."""
    machine = model.Machine(config)
    out = []
    for step in steps:
        mark = len(machine.trace)
        machine.step(step)
        out += [e.error for e in machine.trace[mark:] if isinstance(e, Refusal)]
    no_model_errors(machine)
    return out


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_ipi_cap_is_the_model_refusing_the_send(profile, version):
    """CAPABILITY_TABLE in IPI-CAP: a channel fails IPI-CAP (by facts) iff its sender's model kernel,
    booted, refuses the send with seL4_IllegalOperation (no SGISignal in its build)."""
    spec = _ipi_spec(version, profile, SEL4, sgis=(5,))
    config = machine_config(spec)
    report = checker.check(spec, checker.Options(only=("IPI-CAP",), replay=False, jobs=1))
    for r in report.results:
        assert (r.method, r.lemma) == ("facts", CAPABILITY_TABLE.name)
        c = next(c for c in spec.channels if c.name == r.subject)
        refused = _refusals(config, [Boot("r"), Boot("s"), SendChannel(c.name)])
        assert (r.status == "failed") == any("seL4_IllegalOperation" in e for e in refused), (c.name, refused)


@pytest.mark.parametrize("version", [2, 3])
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_ipi_range_is_the_model_refusing_to_bind(profile, version):
    """CAPABILITY_TABLE in IPI-RANGE: for every SGI number 0..17 and receiving core, on a fresh model
    with the receiver booted, binding the channel's SGI is refused with seL4_RevokeFirst (the smp
    kernel reserved it) iff problem(channel) == "reserved", and with seL4_RangeError iff it is
    "range"; the result fails (by facts) iff either."""
    spec = _ipi_spec(version, SEL4_MK, profile)
    config = machine_config(spec)
    report = checker.check(spec, checker.Options(only=("IPI-RANGE",), replay=False, jobs=1))
    status = {r.subject: r for r in report.results}
    for c in spec.channels:
        r = status[c.name]
        assert r.lemma in (CAPABILITY_TABLE.name, CONCRETE.name) and r.method == "facts"
        refused = _refusals(config, [Boot("r"), BindChannel(c.name)])
        found = ipi_range.problem(c)
        assert (found == "reserved") == any("seL4_RevokeFirst" in e for e in refused), (c.name, refused)
        assert (found == "range") == any("seL4_RangeError" in e for e in refused), (c.name, refused)
        assert (r.status == "failed") == (found is not None)


# ====================================================================== BOOT_BEHAVIOUR


@examples(25)
@given(cases())
def test_boot_behaviour_is_what_some_boot_order_does_on_the_model(case):
    """BOOT_BEHAVIOUR: on the model, every boot order of the kernels (at most 5) is booted;
    may_initialise(spec, k) iff k writes GICD_CTLR (dist_init) during its boot in some order,
    may_disable(spec, k) iff k resets or disables an implemented SPI it does not own at boot in
    some order, and boot_initialises(spec, order) names exactly the kernels that reset the
    distributor in that order. The model refuses to boot a kernel without a core: it may do neither."""
    spec = case.spec
    assume(len(spec.kernels) <= 5)
    runs = boot_behaviour_on_the_model(spec)
    for k in spec.kernels:
        initialises = any(seen[k.name][0] for seen in runs.values())
        disables = any(seen[k.name][0] or seen[k.name][1] for seen in runs.values())
        assert boot_order.may_initialise(spec, k) == initialises, (BOOT_BEHAVIOUR.name, k.name, k.profile.name)
        assert boot_order.may_disable(spec, k) == disables, (BOOT_BEHAVIOUR.name, k.name, k.profile.name)
    for order, seen in runs.items():
        expected = {name: resets for name, (resets, _) in seen.items()}
        assert boot_order.boot_initialises(spec, list(order)) == expected, order


def _must(condition: bool) -> None:
    assert condition, "the model could not boot this hand-built spec"


BOOT_PROFILES = [*PROFILES] + [
    Profile(f"boot-{dist_init}-{mask}", dist_init=dist_init, boot_mask=mask, irq_route="yes")
    for dist_init in ("always", "first", "never") for mask in ("all", "own")
]


@pytest.mark.parametrize("loader", [False, True], ids=["no-loader", "loader"])
@pytest.mark.parametrize("cores", [0, 1], ids=["coreless", "cored"])
@pytest.mark.parametrize("profile", BOOT_PROFILES, ids=lambda p: p.name)
def test_boot_behaviour_of_every_profile(profile, cores, loader):
    """BOOT_BEHAVIOUR, the profile table: a kernel of every profile, with and without a core and
    with and without a loader gic_init, next to a stock kernel; both boot orders run on the model.
    may_initialise / may_disable hold iff some order has it write GICD_CTLR / disable an SPI it does
    not own at boot (a kernel without a core is never started), and boot_initialises names the
    kernels that reset the distributor in each order."""
    spec = _ipi_spec(3, SEL4, profile, sgis=())
    s, r = spec.kernels
    r = attrs.evolve(r, cores=r.cores[:cores])
    spec = attrs.evolve(spec, kernels=(s, r), loader_gic_init=loader)
    if profile.dist_init == "check" and cores and not loader:
        # It boots only after the stock kernel's reset: the resolver refuses the spec (E313).
        assert order_dependent(spec) == [r]
        return
    runs = boot_behaviour_on_the_model(spec, require=_must)
    assert len(runs) == 2
    initialises = any(seen["r"][0] for seen in runs.values())
    disables = any(seen["r"][0] or seen["r"][1] for seen in runs.values())
    assert boot_order.may_initialise(spec, r) == initialises
    assert boot_order.may_disable(spec, r) == disables
    for order, seen in runs.items():
        assert boot_order.boot_initialises(spec, list(order)) == {name: resets for name, (resets, _) in seen.items()}, order


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(st.integers(0, 64), st.integers(1, 16)), max_size=6), st.integers(0, 80), st.integers(0, 16))
def test_lowest_reached_is_the_least_address_of_the_region_in_a_reach_interval(spans, base, size):
    """checker.reach.lowest_reached (the candidate counterexample of MEM-EXPOSE and IPI-MAILBOX) against brute force."""
    intervals = union((a, a + n) for a, n in spans)
    inside = [x for x in range(base, base + size) if any(a <= x < b for a, b in intervals)]
    assert lowest_reached(intervals, base, base + size) == (min(inside) if inside else None)


# ------------------------------------------------------------------ protection domains


@examples(150)
@given(pd_cases())
def test_capability_paths_match_the_models_calls(case):
    """CAPABILITY_PATHS: checker.pds.reaches (a call of a client handed to a proxy pair reaches a
    server) against model/pds.py's call_path, for every client, server and pair of PDs."""
    spec = case.spec
    config = replay.machine_config(spec)
    pds = spec.pds
    for client, server, p1, p2 in itertools.product(pds, repeat=4):
        if len({client.name, server.name, p1.name, p2.name}) < 4:
            continue
        reached, _, _ = call_path(config, client.name, server.name, p1.name, p2.name)
        assert pds_facts.reaches(spec, client, server, p1, p2) == (reached == server.name), (client.name, server.name, p1.name, p2.name)


@examples(150)
@given(pd_cases())
def test_the_mapping_table_matches_the_models_accesses(case):
    """MAPPING_TABLE: checker.pds.can_read / can_write against model/pds.py's pd_access at the
    region's base, for every PD and shared region."""
    spec = case.spec
    config = replay.machine_config(spec)
    for pd in spec.pds:
        for shared in spec.shared:
            assert pds_facts.can_write(pd, shared) == (pd_access(config, pd.name, shared.region.base, True) is not None)
            assert pds_facts.can_read(pd, shared) == (pd_access(config, pd.name, shared.region.base, False) is not None)
