"""Mutation testing of the spec corpus: break a clean spec in one place, expect pcheck to notice.

Each *operator* takes a resolved `Spec` that the suite expects to be clean
(`// expect: proved`) and breaks exactly one thing about it, aimed at ONE
obligation of the catalogue (/work/shared/design/spec-language.md). It also
declares the OTHER obligations that the catalogue implies may fail with it
(overlapping RAM is also exposed RAM; a device given twice also gives its SPIs
twice), and nothing else.

A *mutant* is killed iff `checker.check(mutant)` (with the replay on the
reference model, as always):

* fails the aimed obligation (status `failed`), for the mutated subject when
  the operator can tell which it is;
* fails (or waives) nothing outside the aimed obligation and the allowed set;
* has no `internal-error` or `unknown` result.

Mutations work on the resolved `Spec` (frozen attrs, `attrs.evolve`). A Spec
holds the same object in several places (a channel's sender is the Kernel in
`spec.kernels`, a kernel's core is the Cpu in `platform.cpus`), so every
mutation edits the owning definition and then `relink`s the references by
name.

Library use:

    from tests import mutation
    spec = checker.load("specs/imx8mm-two-kernels.mk").spec
    op = mutation.OPERATORS["device-to-second-kernel"]
    broken = op(spec)                       # Spec -> Spec | None (first target)
    for m in op.mutants(spec):              # every target, as Mutant objects
        print(mutation.evaluate(m))

Command line: `python -m tests.mutation [SPEC...] [--all] [--op NAME] [-j N] [-v] [--list]`
(default: every clean corpus spec and tests/mutation_specs/*.mk, a sample of
PER_OPERATOR mutants per operator; `--all` or PCHECK_SLOW=1: every target).
Exit 1 when a mutant survives.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from attrs import evolve, field, frozen

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:  # `python tests/mutation.py` as well as `python -m tests.mutation`
    sys.path.insert(0, ROOT)

import checker  # noqa: E402
from checker.catalogue import OBLIGATION_IDS  # noqa: E402
from checker.obligations.boot_order import boot_initialises  # noqa: E402
from checker.regions import DEVICE, GIC, RAM, SHARED, all_regions, page_span  # noqa: E402
from checker.sel4 import comes_up, masks_every_line, order_dependent  # noqa: E402
from checker.obligations.irq_route import primary_targets, primary_writes  # noqa: E402
from checker.result import FAILED, INTERNAL_ERROR, UNKNOWN, WAIVED  # noqa: E402
from checker.spec import (SEL4, Channel, Irq, Kernel, PdMap, Region, Spec, default_target, sgi_budget,  # noqa: E402
                          spi_subject)
from tests.corpus import expectations, system_specs  # noqa: E402

MUTATION_SPECS = os.path.join(ROOT, "tests", "mutation_specs")
U64 = 1 << 64

# --------------------------------------------------------------------------- data


@frozen
class Candidate:
    """What an operator's generator yields: one mutated spec and what to expect of it."""

    target: str  # what was mutated, in words ("k0.ram into k1.ram")
    spec: Spec
    subjects: frozenset[str] | None = None  # acceptable subjects of the aimed failure; None: any
    allowed: frozenset[str] | None = None  # extras for this target (a subset of the operator's); None: all of them


@frozen
class Mutant:
    operator: str
    aims: str
    source: str  # the spec it was made from
    index: int  # its position among the operator's targets on that spec
    target: str
    spec: Spec = field(repr=False)
    subjects: frozenset[str] | None
    allowed: frozenset[str]

    @property
    def label(self) -> str:
        return f"{self.operator} @ {os.path.relpath(self.source, ROOT)} [{self.target}]"


@frozen
class Operator:
    """A mutation aimed at one obligation. `generate(spec)` yields every target it applies to."""

    name: str
    aims: str
    allowed: frozenset[str]
    generate: Callable[[Spec], Iterable[Candidate]] = field(repr=False)
    doc: str = ""

    def mutants(self, spec: Spec) -> list[Mutant]:
        out = []
        for n, c in enumerate(self.generate(spec)):
            if order_dependent(c.spec):
                continue  # the resolver refuses such a spec (E313): no user can write this mutant
            allowed = self.allowed if c.allowed is None else c.allowed
            assert allowed <= self.allowed, f"{self.name}: {sorted(allowed - self.allowed)} not declared by the operator"
            allowed = implied(self.aims, allowed)
            out.append(Mutant(self.name, self.aims, spec.path, n, c.target, c.spec, c.subjects, frozenset(allowed)))
        return out

    def __call__(self, spec: Spec) -> Spec | None:
        """The mutation as a function Spec -> Spec | None (its first target; None: not applicable)."""
        first = next(iter(self.generate(spec)), None)
        return None if first is None else first.spec


@frozen
class Verdict:
    mutant: Mutant
    killed: bool
    why: str  # for a survivor: what went wrong; for a kill: the aimed failure
    outcome: tuple[tuple[str, str, str], ...]  # (status, id, subject) of every result that is not proved
    seconds: float

    def __str__(self) -> str:
        return f"{'KILLED ' if self.killed else 'SURVIVED'} {self.mutant.label}: {self.why}"


OPERATORS: dict[str, Operator] = {}

# The PD obligations restate others for the channels and regions of protection domains: a proxy
# pair's notifications are channels (IPI-UNIQUE's collisions are RPC-PROXY's), a queue's doorbell
# is one (IPI-TARGET's, IPI-CAP's and IPI-RANGE's misses are QUEUE-DOORBELL's), their buffers and
# rings are shared regions (what MEM-EXPOSE, MEM-DISJOINT or IPI-MAILBOX say of a region any
# kernel reaches, RPC-PROXY and QUEUE-ACCESS say of a buffer or ring), and a notification's SGI
# number is IPI-RANGE's and SGI-BUDGET's.
IMPLIED = {
    "IPI-UNIQUE": {"RPC-PROXY"},
    "IPI-TARGET": {"QUEUE-DOORBELL"},
    "IPI-CAP": {"QUEUE-DOORBELL"},
    "IPI-RANGE": {"QUEUE-DOORBELL", "SGI-BUDGET"},
    "MEM-EXPOSE": {"RPC-PROXY", "QUEUE-ACCESS"},
    "MEM-DISJOINT": {"RPC-PROXY", "QUEUE-ACCESS"},
    "IPI-MAILBOX": {"RPC-PROXY", "QUEUE-ACCESS"},
}


def implied(aims: str, allowed: Iterable[str]) -> frozenset[str]:
    """`allowed` with the PD obligations that restate the aimed one or an allowed one (IMPLIED)."""
    out = set(allowed)
    for ob in {aims, *out}:
        out |= IMPLIED.get(ob, set())
    return frozenset(out - {aims})


def operator(name: str, aims: str, allowed: Iterable[str] = ()):
    """Register a generator `fn(spec) -> Iterable[Candidate]` as an operator."""
    assert aims in OBLIGATION_IDS, aims
    extras = frozenset(allowed)
    assert extras <= set(OBLIGATION_IDS) and aims not in extras, (name, extras)

    def register(fn):
        assert name not in OPERATORS, name
        OPERATORS[name] = Operator(name, aims, extras, fn, (fn.__doc__ or "").strip().split("\n")[0])
        return fn

    return register


# --------------------------------------------------------------------------- evaluation


def evaluate(mutant: Mutant, options: checker.Options | None = None) -> Verdict:
    """Check the mutant (replay on) and decide whether it is killed."""
    start = time.perf_counter()
    report = checker.check(mutant.spec, options or checker.Options())
    seconds = time.perf_counter() - start
    outcome = tuple((r.status, r.id, r.subject) for r in report.results if r.status != "proved")
    broken = [r for r in report.results if r.status in (INTERNAL_ERROR, UNKNOWN)]
    if broken:
        r = broken[0]
        return Verdict(mutant, False, f"{r.status} {r.id} {r.subject}: {r.message}", outcome, seconds)
    errors = [d for d in report.diagnostics if d.is_error]
    if errors:
        return Verdict(mutant, False, f"diagnostic {errors[0].code}: {errors[0].message}", outcome, seconds)
    aimed = [r for r in report.results if r.id == mutant.aims and r.status == FAILED]
    hit = [r for r in aimed if mutant.subjects is None or r.subject in mutant.subjects]
    if not hit:
        wanted = "" if mutant.subjects is None else f" for {' or '.join(sorted(mutant.subjects))}"
        got = f" (it failed only {', '.join(r.subject for r in aimed)})" if aimed else ""
        return Verdict(mutant, False, f"{mutant.aims} did not fail{wanted}{got}", outcome, seconds)
    stray = [r for r in report.results if r.status in (FAILED, WAIVED) and r.id != mutant.aims and r.id not in mutant.allowed]
    if stray:
        listed = "; ".join(f"{r.id} {r.subject}: {r.message}" for r in stray[:3])
        return Verdict(mutant, False, f"also failed outside the allowed set: {listed}", outcome, seconds)
    return Verdict(mutant, True, f"{hit[0].id} {hit[0].subject}: {hit[0].message}", outcome, seconds)


# --------------------------------------------------------------------------- spec surgery


def relink(spec: Spec) -> Spec:
    """Point every reference at the current definition of the thing it names.

    The definitions are `platform.cpus`, `platform.devices`, `spec.kernels` and
    `spec.shared`; cores, devices, routes, accesses, channel ends, mailboxes
    and the boot order refer to them.
    """
    plat = spec.platform
    cpus = {c.name: c for c in plat.cpus}
    devices = {d.name: d for d in plat.devices}

    def cpu(c):
        return None if c is None else cpus.get(c.name, c)

    kernels = tuple(
        evolve(
            k,
            cores=tuple(cpu(c) for c in k.cores),
            devices=tuple(devices.get(d.name, d) for d in k.devices),
            routes=tuple(evolve(r, cpu=cpu(r.cpu)) for r in k.routes),
        )
        for k in spec.kernels
    )
    by_kernel = {k.name: k for k in kernels}
    shared = tuple(
        evolve(s, access=tuple(evolve(a, kernel=by_kernel[a.kernel.name]) for a in s.access)) for s in spec.shared
    )
    by_shared = {s.name: s for s in shared}
    channels = tuple(
        evolve(
            c,
            sender=by_kernel[c.sender.name],
            receiver=by_kernel[c.receiver.name],
            on=cpu(c.on),
            mailbox=by_shared[c.mailbox.name] if c.mailbox is not None else None,
        )
        for c in spec.channels
    )
    order = None if spec.boot_order is None else tuple(by_kernel[k.name] for k in spec.boot_order)
    pds = tuple(
        evolve(p, kernel=by_kernel[p.kernel.name], maps=tuple(evolve(m, shared=by_shared[m.shared.name]) for m in p.maps))
        for p in spec.pds
    )
    by_pd = {p.name: p for p in pds}
    by_channel = {c.name: c for c in channels}
    notes = tuple(
        evolve(n, sender=by_pd[n.sender.name], receiver=by_pd[n.receiver.name],
               channel=by_channel[n.channel.name] if n.channel is not None else None)
        for n in spec.notifications
    )
    by_note = {n.name: n for n in notes}
    queues = tuple(
        evolve(q, producer=by_pd[q.producer.name], consumer=by_pd[q.consumer.name], ring=by_shared[q.ring.name],
               index=by_shared[q.index.name] if q.index is not None else None, doorbell=by_note[q.doorbell.name])
        for q in spec.queues
    )
    calls = tuple(
        evolve(c, client=by_pd[c.client.name], server=by_pd[c.server.name],
               proxies=tuple(by_pd[p.name] for p in c.proxies) if c.proxies else None,
               buffer=by_shared[c.buffer.name] if c.buffer is not None else None)
        for c in spec.calls
    )
    return evolve(spec, kernels=kernels, shared=shared, channels=channels, boot_order=order, pds=pds,
                  notifications=notes, queues=queues, calls=calls)


def with_kernel(spec: Spec, name: str, **changes) -> Spec:
    return relink(evolve(spec, kernels=tuple(evolve(k, **changes) if k.name == name else k for k in spec.kernels)))


def with_kernels(spec: Spec, changes: dict[str, dict]) -> Spec:
    return relink(evolve(spec, kernels=tuple(evolve(k, **changes.get(k.name, {})) for k in spec.kernels)))


def with_cpu(spec: Spec, name: str, **changes) -> Spec:
    cpus = tuple(evolve(c, **changes) if c.name == name else c for c in spec.platform.cpus)
    return relink(evolve(spec, platform=evolve(spec.platform, cpus=cpus)))


def with_device(spec: Spec, name: str, **changes) -> Spec:
    devices = tuple(evolve(d, **changes) if d.name == name else d for d in spec.platform.devices)
    return relink(evolve(spec, platform=evolve(spec.platform, devices=devices)))


def with_channel(spec: Spec, name: str, **changes) -> Spec:
    return relink(evolve(spec, channels=tuple(evolve(c, **changes) if c.name == name else c for c in spec.channels)))


def with_shared(spec: Spec, name: str, **changes) -> Spec:
    return relink(evolve(spec, shared=tuple(evolve(s, **changes) if s.name == name else s for s in spec.shared)))


def with_region(spec: Spec, name: str, base: int, size: int) -> Spec:
    """Move or resize the RAM slice, shared region or device called `name`."""

    def fix(r: Region) -> Region:
        return evolve(r, base=base, size=size) if r.name == name else r

    plat = spec.platform
    devices = tuple(evolve(d, region=fix(d.region)) for d in plat.devices)
    kernels = tuple(evolve(k, ram=tuple(fix(r) for r in k.ram)) for k in spec.kernels)
    shared = tuple(evolve(s, region=fix(s.region)) for s in spec.shared)
    return relink(evolve(spec, platform=evolve(plat, devices=devices), kernels=kernels, shared=shared))


def with_profile(spec: Spec, kernels: Iterable[str], suffix: str, **flags) -> Spec:
    """Give the named kernels a derived profile (`NAME+suffix`) with `flags` changed."""
    names = set(kernels)
    return with_kernels(
        spec,
        {k.name: {"profile": evolve(k.profile, name=f"{k.profile.name}+{suffix}", **flags)} for k in spec.kernels if k.name in names},
    )


def move_spi(spec: Spec, device: str, old: int, new: int) -> Spec:
    """Renumber one SPI of a device; routes of its owners follow it (a route names an owned SPI)."""
    dev = next(d for d in spec.platform.devices if d.name == device)
    irqs = tuple(evolve(i, intid=new) if i.intid == old else i for i in dev.irqs)
    spec = with_device(spec, device, irqs=irqs)
    owners = {k.name: {"routes": tuple(evolve(r, intid=new) if r.intid == old else r for r in k.routes)} for k in spec.kernels if any(d.name == device for d in k.devices)}
    return with_kernels(spec, owners)


# --------------------------------------------------------------------------- spec facts


def overlaps(a_base: int, a_size: int, b_base: int, b_size: int) -> bool:
    return a_base < b_base + b_size and b_base < a_base + a_size and a_size > 0 and b_size > 0


def memory_regions(spec: Spec):
    """RAM slices and shared regions (the MEM-DISJOINT class of RAM), as checker.regions.Owned."""
    return [o for o in all_regions(spec) if o.kind in (RAM, SHARED)]


def frame_regions(spec: Spec):
    """Devices and GIC frames (the other MEM-DISJOINT class)."""
    return [o for o in all_regions(spec) if o.kind in (DEVICE, GIC)]


def fits_memory(spec: Spec, base: int, size: int, ignore: Iterable[str] = ()) -> bool:
    """[base, base+size) is page aligned, in one bank, outside every hole and every other RAM/shared region."""
    page = spec.platform.page
    skip = set(ignore)
    return (
        size > 0
        and base % page == 0
        and size % page == 0
        and any(b.base <= base and base + size <= b.end for b in spec.platform.memory)
        and not any(overlaps(base, size, h.base, h.size) for h in spec.platform.reserved)
        and not any(overlaps(base, size, o.region.base, o.region.size) for o in memory_regions(spec) if o.region.name not in skip)
    )


def fits_device_space(spec: Spec, base: int, size: int, ignore: Iterable[str] = ()) -> bool:
    """[base, base+size) is below 2^paddr_bits, outside RAM, and clear of other devices and GIC frames."""
    skip = set(ignore)
    return (
        size > 0
        and base + size <= 1 << spec.platform.paddr_bits
        and not any(overlaps(base, size, b.base, b.size) for b in spec.platform.memory)
        and not any(overlaps(base, size, o.region.base, o.region.size) for o in frame_regions(spec) if o.region.name not in skip)
    )


def owner_of_device(spec: Spec, name: str) -> Kernel | None:
    return next((k for k in spec.kernels if any(d.name == name for d in k.devices)), None)


def owned_devices(spec: Spec):
    """(device, owner) for every device a kernel owns, in platform order."""
    return [(d, k) for d in spec.platform.devices if (k := owner_of_device(spec, d.name)) is not None]


def mentioned_intids(spec: Spec) -> set[int]:
    return {i.intid for d in spec.platform.devices for i in d.irqs} | {i.intid for k in spec.kernels for i in k.irqs}


def mailbox_users(spec: Spec, box: str) -> set[str]:
    return {k.name for c in spec.channels if c.mailbox is not None and c.mailbox.name == box for k in (c.sender, c.receiver)}


def mailboxes(spec: Spec) -> set[str]:
    return {c.mailbox.name for c in spec.channels if c.mailbox is not None}


def boot_orders(spec: Spec) -> list[list[str]]:
    """Every boot order the checker considers (the fixed one, or all permutations)."""
    if spec.boot_order is not None:
        return [[k.name for k in spec.boot_order]]
    return [list(p) for p in itertools.permutations(k.name for k in spec.kernels)]


def may_boot_after_another(spec: Spec, kernel: str) -> bool:
    """Some considered boot order has another kernel live when `kernel` boots."""
    return any(order.index(kernel) > 0 for order in boot_orders(spec))


def both_orders(a: str, b: str) -> frozenset[str]:
    return frozenset({f"{a},{b}", f"{b},{a}"})


# =========================================================================== operators
# ------------------------------------------------------------------ MEM-DISJOINT


def _shift_into_neighbour(spec: Spec, kind: str) -> Iterator[Candidate]:
    page = spec.platform.page
    regions = memory_regions(spec)
    boxes = mailboxes(spec)
    for o in regions:
        if o.kind != kind:
            continue
        r = o.region
        others = [n for n in regions if n.region.name != r.name]
        above = [n for n in others if n.region.base >= r.end]
        below = [n for n in others if n.region.end <= r.base]
        moves = []
        if above:
            n = min(above, key=lambda n: n.region.base)
            moves.append((n, n.region.base + page - r.size))
        if below:
            n = max(below, key=lambda n: n.region.end)
            moves.append((n, n.region.end - page))
        for n, base in moves:
            if base < 0 or not fits_memory(spec, base, r.size, ignore=(r.name, n.region.name)):
                continue
            # Whoever reaches one of the two regions now reaches a page of the other.
            mailbox = (n.kind == SHARED and n.region.name in boxes) or (o.kind == SHARED and r.name in boxes)
            allowed = {"MEM-EXPOSE"} | ({"IPI-MAILBOX"} if mailbox else set())
            yield Candidate(
                f"{r.name} into {n.region.name}",
                with_region(spec, r.name, base, r.size),
                both_orders(r.name, n.region.name),
                frozenset(allowed),
            )
            break


@operator("ram-shift-into-neighbour", "MEM-DISJOINT", {"MEM-EXPOSE", "IPI-MAILBOX", "RPC-PROXY", "QUEUE-ACCESS"})
def ram_shift_into_neighbour(spec: Spec) -> Iterator[Candidate]:
    """Slide a RAM slice so that one page of it lies in the nearest RAM/shared region above (or below) it."""
    yield from _shift_into_neighbour(spec, RAM)


@operator("shared-shift-into-neighbour", "MEM-DISJOINT", {"MEM-EXPOSE", "IPI-MAILBOX", "RPC-PROXY", "QUEUE-ACCESS"})
def shared_shift_into_neighbour(spec: Spec) -> Iterator[Candidate]:
    """Slide a shared region so that one page of it lies in the nearest RAM/shared region above (or below) it."""
    yield from _shift_into_neighbour(spec, SHARED)


@operator("device-onto-gic-frame", "MEM-DISJOINT", {"MEM-ALIGN"})
def device_onto_gic_frame(spec: Spec) -> Iterator[Candidate]:
    """Move an owned device onto the GIC distributor (or CPU interface / redistributors). Its page
    then also holds a frame seL4 keeps for itself, which MEM-ALIGN fails too."""
    for d, _ in owned_devices(spec):
        for frame in spec.platform.gic.frames:
            size = min(d.region.size, frame.size)
            if size <= 0:
                continue
            yield Candidate(f"{d.name} onto {frame.name}", with_region(spec, d.name, frame.base, size), both_orders(d.name, frame.name),
                            frozenset({"MEM-ALIGN"}))


@operator("device-onto-device", "MEM-DISJOINT", {"MEM-EXPOSE"})
def device_onto_device(spec: Spec) -> Iterator[Candidate]:
    """Move a device of one kernel onto a device of another kernel (their pages are then both exposed)."""
    owned = owned_devices(spec)
    for (a, ka), (b, kb) in itertools.permutations(owned, 2):
        if ka.name == kb.name:
            continue
        size = min(a.region.size, b.region.size)
        yield Candidate(f"{a.name} onto {b.name}", with_region(spec, a.name, b.region.base, size), both_orders(a.name, b.name))


# ------------------------------------------------------------------ MEM-BOUNDS


def _hole_covers(spec: Spec, hole: Region) -> list[tuple[int, int]]:
    page = spec.platform.page
    lo = hole.base - hole.base % page
    hi = hole.end + (-hole.end) % page
    return [(lo - page, hi + page - (lo - page)), (lo, hi + page - lo), (lo - page, hi - (lo - page)), (lo, hi - lo)]


def _fits_except_hole(spec: Spec, base: int, size: int, ignore: Iterable[str]) -> bool:
    """fits_memory, holes aside."""
    return fits_memory(evolve(spec, platform=evolve(spec.platform, reserved=())), base, size, ignore)


@operator("shared-over-hole", "MEM-BOUNDS")
def shared_over_hole(spec: Spec) -> Iterator[Candidate]:
    """Move and grow a shared region so that it covers a reserved (no-map) hole of its bank."""
    for s in spec.shared:
        for hole in spec.platform.reserved:
            for base, size in _hole_covers(spec, hole):
                if base >= 0 and _fits_except_hole(spec, base, size, ignore=(s.name,)):
                    yield Candidate(f"{s.name} over {hole.name}", with_region(spec, s.name, base, size), frozenset({s.name}))
                    break


@operator("ram-grow-over-hole", "MEM-BOUNDS")
def ram_grow_over_hole(spec: Spec) -> Iterator[Candidate]:
    """Grow a RAM slice in place until it covers a reserved hole (where nothing else is in the way)."""
    for k in spec.kernels:
        for r in k.ram:
            for hole in spec.platform.reserved:
                base, end = min(r.base, hole.base), max(r.end, hole.end)
                page = spec.platform.page
                base, end = base - base % page, end + (-end) % page
                if _fits_except_hole(spec, base, end - base, ignore=(r.name,)):
                    yield Candidate(f"{r.name} over {hole.name}", with_region(spec, r.name, base, end - base), frozenset({r.name}))


@operator("region-wrap", "MEM-BOUNDS")
def region_wrap(spec: Spec) -> Iterator[Candidate]:
    """Put a RAM slice or shared region at the last page of the 64-bit space with two pages: it wraps past 2^64."""
    page = spec.platform.page
    for o in memory_regions(spec):
        # The part past 2^64 would be [0, page) on the machine: only where nothing is there.
        if any(overlaps(0, page, x.region.base, x.region.size) for x in all_regions(spec) if x.region.name != o.region.name):
            continue
        yield Candidate(o.region.name, with_region(spec, o.region.name, U64 - page, 2 * page), frozenset({o.region.name}))


@operator("device-wrap", "MEM-BOUNDS")
def device_wrap(spec: Spec) -> Iterator[Candidate]:
    """Put an owned device across 2^64: base 0x100 bytes below it, size 0x200."""
    page = spec.platform.page
    if any(overlaps(0, page, x.region.base, x.region.size) for x in all_regions(spec)):
        return
    for d, _ in owned_devices(spec):
        yield Candidate(d.name, with_region(spec, d.name, U64 - 0x100, 0x200), frozenset({d.name}))


@operator("region-beyond-paddr", "MEM-BOUNDS")
def region_beyond_paddr(spec: Spec) -> Iterator[Candidate]:
    """Move a RAM slice or shared region to start one page below 2^paddr_bits (an extra hex digit)."""
    page = spec.platform.page
    top = 1 << spec.platform.paddr_bits
    for o in memory_regions(spec):
        yield Candidate(o.region.name, with_region(spec, o.region.name, top - page, o.region.size), frozenset({o.region.name}))


@operator("device-beyond-paddr", "MEM-BOUNDS")
def device_beyond_paddr(spec: Spec) -> Iterator[Candidate]:
    """Move an owned device to 2^paddr_bits, just past the physical address space."""
    top = 1 << spec.platform.paddr_bits
    for d, _ in owned_devices(spec):
        yield Candidate(d.name, with_region(spec, d.name, top, d.region.size), frozenset({d.name}))


@operator("device-into-ram", "MEM-BOUNDS")
def device_into_ram(spec: Spec) -> Iterator[Candidate]:
    """Move an owned device into a part of a RAM bank that no kernel or shared region uses."""
    page = spec.platform.page
    for d, _ in owned_devices(spec):
        start, end = page_span(d.region, page)
        span = end - start
        offset = d.region.base - start
        for bank in spec.platform.memory:
            spot = next(
                (b for b in range(bank.base - bank.base % page + page, bank.end - span, page * 256) if fits_memory(spec, b, span)),
                None,
            )
            if spot is not None:
                yield Candidate(f"{d.name} into {bank.name}", with_region(spec, d.name, spot + offset, d.region.size), frozenset({d.name}))
                break


@operator("ram-past-bank-end", "MEM-BOUNDS")
def ram_past_bank_end(spec: Spec) -> Iterator[Candidate]:
    """Grow a RAM slice one page past the end of its memory bank (where nothing else is there)."""
    page = spec.platform.page
    for k in spec.kernels:
        for r in k.ram:
            bank = next((b for b in spec.platform.memory if b.base <= r.base < b.end), None)
            if bank is None:
                continue
            new_end = bank.end + page
            grown = (r.end, new_end - r.end)
            if any(overlaps(*grown, o.region.base, o.region.size) for o in all_regions(spec) if o.region.name != r.name):
                continue
            if any(overlaps(bank.end, page, b.base, b.size) for b in spec.platform.memory) or any(
                overlaps(*grown, h.base, h.size) for h in spec.platform.reserved
            ):
                continue
            yield Candidate(r.name, with_region(spec, r.name, r.base, new_end - r.base), frozenset({r.name}))


@operator("region-empty", "MEM-BOUNDS")
def region_empty(spec: Spec) -> Iterator[Candidate]:
    """Give a RAM slice or shared region size 0."""
    for o in memory_regions(spec):
        yield Candidate(o.region.name, with_region(spec, o.region.name, o.region.base, 0), frozenset({o.region.name}))


# ------------------------------------------------------------------ MEM-ALIGN


@operator("region-base-off-page", "MEM-ALIGN")
def region_base_off_page(spec: Spec) -> Iterator[Candidate]:
    """Move a RAM slice's or shared region's base half a page up, keeping its end."""
    half = spec.platform.page // 2
    for o in memory_regions(spec):
        r = o.region
        if r.size > spec.platform.page:
            yield Candidate(r.name, with_region(spec, r.name, r.base + half, r.size - half), frozenset({r.name}))


@operator("region-size-off-page", "MEM-ALIGN")
def region_size_off_page(spec: Spec) -> Iterator[Candidate]:
    """Shorten a RAM slice or shared region by half a page."""
    half = spec.platform.page // 2
    for o in memory_regions(spec):
        r = o.region
        if r.size > spec.platform.page:
            yield Candidate(r.name, with_region(spec, r.name, r.base, r.size - half), frozenset({r.name}))


# ------------------------------------------------------------------ MEM-EXPOSE


@operator("device-same-page", "MEM-EXPOSE")
def device_same_page(spec: Spec) -> Iterator[Candidate]:
    """Move a device of one kernel into the free part of a 4K page that holds another kernel's device."""
    page = spec.platform.page
    owned = owned_devices(spec)
    for (a, ka), (b, kb) in itertools.permutations(owned, 2):
        if ka.name == kb.name:
            continue
        start, end = page_span(b.region, page)
        spots = []
        if b.region.end < end:
            spots.append((b.region.end, min(a.region.size, end - b.region.end)))
        if b.region.base > start:
            size = min(a.region.size, b.region.base - start)
            spots.append((b.region.base - size, size))
        for base, size in spots:
            if fits_device_space(spec, base, size, ignore=(a.name,)):
                yield Candidate(f"{a.name} of {ka.name} into the page of {b.name} of {kb.name}", with_region(spec, a.name, base, size), frozenset({ka.name, kb.name}))
                break


@operator("untypeds-all", "MEM-EXPOSE", {"IPI-MAILBOX", "RPC-PROXY", "QUEUE-ACCESS"})
def untypeds_all(spec: Spec) -> Iterator[Candidate]:
    """Turn one kernel's profile from `device_untypeds declared` to `all` (upstream seL4's behaviour)."""
    for k in spec.kernels:
        if k.profile.device_untypeds != "declared" or len(spec.kernels) < 2:
            continue
        # Its device untypeds then also cover every mailbox of channels it is no end of.
        outsider = any(k.name not in mailbox_users(spec, box) for box in mailboxes(spec))
        # ... and every call buffer and queue ring of PDs on other kernels.
        pds = {"RPC-PROXY", "QUEUE-ACCESS"} if spec.calls or spec.queues else set()
        yield Candidate(k.name, with_profile(spec, [k.name], "untypeds-all", device_untypeds="all"), frozenset({k.name}),
                        frozenset(({"IPI-MAILBOX"} if outsider else set()) | pds))


# ------------------------------------------------------------------ CPU-EXCL


@operator("cpu-to-second-kernel", "CPU-EXCL")
def cpu_to_second_kernel(spec: Spec) -> Iterator[Candidate]:
    """Add a kernel's core to the cores of another kernel."""
    for a, b in itertools.permutations(spec.kernels, 2):
        for cpu in a.cores:
            yield Candidate(f"{cpu.name} of {a.name} to {b.name}", with_kernel(spec, b.name, cores=b.cores + (cpu,)), frozenset({cpu.name, b.name}))


@operator("extra-core-non-smp", "CPU-EXCL")
def extra_core_non_smp(spec: Spec) -> Iterator[Candidate]:
    """Give a non-smp kernel a second, otherwise unused, core."""
    used = {c.name for k in spec.kernels for c in k.cores}
    free = [c for c in spec.platform.cpus if c.name not in used]
    for k in spec.kernels:
        if not k.profile.smp and free:
            yield Candidate(f"{free[-1].name} to {k.name}", with_kernel(spec, k.name, cores=k.cores + (free[-1],)), frozenset({k.name}))


@operator("kernel-no-core", "CPU-EXCL", {"IRQ-ROUTE", "IPI-TARGET", "GIC-INIT", "IPI-CAP", "IPI-UNIQUE", "QUEUE-DOORBELL"})
def kernel_no_core(spec: Spec) -> Iterator[Candidate]:
    """Drop every core of a kernel (a `kernel` without `cores`, which the language accepts)."""
    for k in spec.kernels:
        routes = ()  # a route names one of the kernel's cores; with none there is nothing to name
        yield Candidate(k.name, with_kernel(spec, k.name, cores=(), routes=routes), frozenset({k.name}))


# ------------------------------------------------------------------ CPU-IDENT


def _cpu_users(spec: Spec) -> set[str]:
    return {c.name for k in spec.kernels for c in k.cores}


@operator("duplicate-mpidr", "CPU-IDENT", {"IPI-TARGET", "IPI-UNIQUE", "IRQ-ROUTE", "IPI-SMP", "QUEUE-DOORBELL"})
def duplicate_mpidr(spec: Spec) -> Iterator[Candidate]:
    """Give a cpu the MPIDR of another cpu (a copy-pasted `cpu` line)."""
    cpus = spec.platform.cpus
    used = _cpu_users(spec)
    for x, y in itertools.permutations(cpus, 2):
        # GICv3 routes SPIs and SGIs by affinity, so cores that answer to the
        # same MPIDR get each other's interrupts; GICv2 uses the CPU interface.
        touched = spec.platform.gic.version == 3 and (x.name in used or y.name in used)
        allowed = frozenset({"IPI-TARGET", "IPI-UNIQUE", "IRQ-ROUTE", "IPI-SMP", "QUEUE-DOORBELL"} if touched else set())
        yield Candidate(f"{x.name} gets the MPIDR of {y.name}", with_cpu(spec, x.name, mpidr=y.mpidr), both_orders(x.name, y.name), allowed)


@operator("duplicate-gic-cpu", "CPU-IDENT", {"IPI-TARGET", "IPI-UNIQUE", "IRQ-ROUTE", "QUEUE-DOORBELL"})
def duplicate_gic_cpu(spec: Spec) -> Iterator[Candidate]:
    """GICv2: give a cpu the CPU-interface number of another cpu."""
    if spec.platform.gic.version != 2:
        return
    used = _cpu_users(spec)
    for x, y in itertools.permutations(spec.platform.cpus, 2):
        touched = x.name in used or y.name in used
        allowed = frozenset({"IPI-TARGET", "IPI-UNIQUE", "IRQ-ROUTE", "QUEUE-DOORBELL"} if touched else set())
        yield Candidate(f"{x.name} gets gic_cpu {y.gic_cpu} of {y.name}", with_cpu(spec, x.name, gic_cpu=y.gic_cpu), both_orders(x.name, y.name), allowed)


@operator("gic-cpu-out-of-range", "CPU-IDENT", {"IPI-TARGET", "IRQ-ROUTE", "QUEUE-DOORBELL"})
def gic_cpu_out_of_range(spec: Spec) -> Iterator[Candidate]:
    """GICv2: give a cpu CPU-interface number 8 (a GICv2 has 0..7)."""
    if spec.platform.gic.version != 2:
        return
    used = _cpu_users(spec)
    for x in spec.platform.cpus:
        allowed = frozenset({"IPI-TARGET", "IRQ-ROUTE"} if x.name in used else set())
        yield Candidate(x.name, with_cpu(spec, x.name, gic_cpu=8), frozenset({x.name}), allowed)


# ------------------------------------------------------------------ DEV-EXCL


@operator("device-to-second-kernel", "DEV-EXCL", {"MEM-EXPOSE", "IRQ-EXCL", "IRQ-ROUTE", "IRQ-TRIGGER"})
def device_to_second_kernel(spec: Spec) -> Iterator[Candidate]:
    """List a kernel's device in another kernel's `devices` too."""
    for d, a in owned_devices(spec):
        for b in spec.kernels:
            if b.name == a.name:
                continue
            spis = [i for i in d.irqs if i.is_spi]
            allowed = {"MEM-EXPOSE"}
            if spis:  # its SPIs are then owned twice
                allowed |= {"IRQ-EXCL", "IRQ-ROUTE"}
                if any(i.trigger for i in spis) and a.profile.trigger_config == b.profile.trigger_config == "runtime":
                    allowed.add("IRQ-TRIGGER")
            yield Candidate(f"{d.name} of {a.name} to {b.name}", with_kernel(spec, b.name, devices=b.devices + (d,)), frozenset({d.name}), frozenset(allowed))


# ------------------------------------------------------------------ IRQ-EXCL


@operator("spi-to-second-kernel", "IRQ-EXCL", {"IRQ-ROUTE", "IRQ-TRIGGER"})
def spi_to_second_kernel(spec: Spec) -> Iterator[Candidate]:
    """Give one kernel's SPI to another kernel as an `irq spi N` line, with the same trigger mode."""
    for a in spec.kernels:
        for irq in a.owned_spis:
            for b in spec.kernels:
                if b.name == a.name:
                    continue
                # Two owners: it can be routed to only one of them, and both configure its ICFGR word.
                allowed = {"IRQ-ROUTE"}
                if irq.trigger and a.profile.trigger_config == b.profile.trigger_config == "runtime":
                    allowed.add("IRQ-TRIGGER")
                claim = Irq(irq.intid, irq.trigger, irq.span)
                yield Candidate(f"{spi_subject(irq.intid)} of {a.name} to {b.name}", with_kernel(spec, b.name, irqs=b.irqs + (claim,)), frozenset({spi_subject(irq.intid)}), frozenset(allowed))


# ------------------------------------------------------------------ IRQ-RANGE


@operator("spi-past-lines", "IRQ-RANGE", {"IRQ-ROUTE"})
def spi_past_lines(spec: Spec) -> Iterator[Candidate]:
    """Renumber an owned device's SPI to the first INTID the GIC does not implement (`lines`)."""
    lines = spec.platform.gic.lines
    if lines in mentioned_intids(spec):
        return
    for d, _ in owned_devices(spec):
        for irq in d.irqs:
            if irq.is_spi:
                # An SPI that does not exist can never be enabled, so its route obligation fails too.
                yield Candidate(f"{spi_subject(irq.intid)} of {d.name}", move_spi(spec, d.name, irq.intid, lines), frozenset({spi_subject(lines)}))


@operator("spi-past-1019", "IRQ-RANGE", {"IRQ-ROUTE"})
def spi_past_1019(spec: Spec) -> Iterator[Candidate]:
    """Give a kernel an `irq spi 988` line: INTID 1020, one of the special INTIDs."""
    intid = 1020
    if intid in mentioned_intids(spec):
        return
    for k in spec.kernels:
        yield Candidate(f"{spi_subject(intid)} to {k.name}", with_kernel(spec, k.name, irqs=k.irqs + (Irq(intid, "level"),)), frozenset({spi_subject(intid)}))


# ------------------------------------------------------------------ IRQ-TRIGGER


@operator("edge-spi-into-foreign-icfgr-word", "IRQ-TRIGGER")
def edge_spi_into_foreign_icfgr_word(spec: Spec) -> Iterator[Candidate]:
    """Give a kernel that sets triggers at run time an `irq spi N edge` line at a free INTID of the
    GICD_ICFGR word of another such kernel's SPI: the other kernel's stale write can put it back to level."""
    taken = mentioned_intids(spec)
    runtime = [k for k in spec.kernels if k.profile.trigger_config == "runtime" and comes_up(spec, k)]
    # The fork's init_irqs masks INTID 32 (SPI 0) on every kernel (`boot_mask primary`): an SPI 0
    # would fail IRQ-ROUTE as well, so the free INTID is looked for above it there.
    lowest = 33 if any(k.profile.boot_mask == "primary" for k in spec.kernels) else 32
    for a, b in itertools.permutations(runtime, 2):
        words = sorted({i.intid // 16 for i in b.owned_spis if i.trigger and spec.platform.usable(i.intid)})
        free = next((n for w in words for n in range(w * 16, w * 16 + 16)
                     if n >= lowest and spec.platform.usable(n) and n not in taken), None)
        if free is not None:
            yield Candidate(f"edge {spi_subject(free)} to {a.name}, beside {b.name}'s",
                            with_kernel(spec, a.name, irqs=a.irqs + (Irq(free, "edge"),)),
                            frozenset({spi_subject(free)}))


def _edge_spis(spec: Spec, kernels: Iterable[str]) -> set[str]:
    """`spi N` of the edge SPIs the named kernels alone own, seL4 accepts, and set (they come up)."""
    names = set(kernels)
    owners: dict[int, set[str]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            owners.setdefault(irq.intid, set()).add(k.name)
    out = set()
    for k in spec.kernels:
        if k.name in names and comes_up(spec, k):
            first: dict[int, str] = {}
            for irq in k.owned_spis:
                if irq.trigger:
                    first.setdefault(irq.intid, irq.trigger)
            out |= {spi_subject(i) for i, t in first.items()
                    if t == "edge" and owners[i] == {k.name} and spec.platform.usable(i)}
    return out


@operator("profile-trigger-none", "IRQ-TRIGGER")
def profile_trigger_none(spec: Spec) -> Iterator[Candidate]:
    """Change a profile to `trigger_config none` (its root tasks set no trigger): its kernels' edge SPIs stay level."""
    profiles = dict.fromkeys(k.profile.name for k in spec.kernels if k.profile.trigger_config != "none")
    for name in profiles:
        users = [k.name for k in spec.kernels if k.profile.name == name]
        mutated = with_profile(spec, users, "none", trigger_config="none")
        edges = _edge_spis(mutated, users)
        if edges:
            yield Candidate(f"profile {name}", mutated, frozenset(edges))


@operator("profile-trigger-runtime", "IRQ-TRIGGER")
def profile_trigger_runtime(spec: Spec) -> Iterator[Candidate]:
    """Change a profile from `trigger_config loader` to `runtime` where its kernels' edge SPIs share a
    GICD_ICFGR word with another kernel's run-time trigger: that kernel's stale write can undo them."""
    profiles = dict.fromkeys(k.profile.name for k in spec.kernels if k.profile.trigger_config == "loader")
    for name in profiles:
        users = [k.name for k in spec.kernels if k.profile.name == name]
        mutated = with_profile(spec, users, "runtime", trigger_config="runtime")
        words = {}
        for k in mutated.kernels:
            if k.profile.trigger_config == "runtime" and comes_up(mutated, k):
                for irq in k.owned_spis:
                    if irq.trigger and mutated.platform.usable(irq.intid):
                        words.setdefault(irq.intid // 16, set()).add((k.name, irq.intid))
        races = {s for s in _edge_spis(mutated, users)
                 if any(k != who and i != int(s.split()[1]) + 32
                        for who in users for k, i in words.get((int(s.split()[1]) + 32) // 16, ()))}
        if races:
            yield Candidate(f"profile {name}", mutated, frozenset(races))


# ------------------------------------------------------------------ IRQ-ROUTE


def _last_reset_core(spec: Spec, order: list[str]) -> str | None:
    """The core the last distributor reset of this boot order routes every SPI to."""
    done = boot_initialises(spec, order)
    resetters = [k for k in order if done[k] and spec.kernel(k).cores]
    if resetters:
        return spec.kernel(resetters[-1]).cores[0].name
    if spec.loader_gic_init and spec.platform.cpus:
        return spec.platform.cpus[0].name
    return None


@operator("irq-route-off", "IRQ-ROUTE")
def irq_route_off(spec: Spec) -> Iterator[Candidate]:
    """Make a routing kernel non-routing (`irq_route no`): one that routes its SPIs on acquisition
    where some boot order's last reset routes them to a core not its own and node 0 does not route
    them, or node 0 of `irq_route primary` where another kernel's SPI then stays at a core not its own."""
    for k in spec.kernels:
        if k.profile.irq_route == "yes" and k.owned_spis and not any(primary_writes(spec, i.intid) for i in k.owned_spis):
            own = {c.name for c in k.cores}
            if any(_last_reset_core(spec, order) not in own for order in boot_orders(spec)):
                subjects = frozenset(spi_subject(i.intid) for i in k.owned_spis)
                yield Candidate(k.name, with_profile(spec, [k.name], "noroute", irq_route="no"), subjects)
        if k.profile.irq_route == "primary" and (routed := primary_targets(spec, k)):
            stranded = []
            for intid, _ in routed:
                owners = [o for o in spec.kernels if o is not k and intid in {i.intid for i in o.owned_spis}]
                if any(_last_reset_core(spec, order) not in {c.name for c in o.cores}
                       for order in boot_orders(spec) for o in owners):
                    stranded.append(spi_subject(intid))
            if stranded:
                yield Candidate(k.name, with_profile(spec, [k.name], "noroute", irq_route="no"), frozenset(stranded))


# ------------------------------------------------------------------ GIC-INIT


@operator("stock-sel4", "GIC-INIT", {"IRQ-ROUTE", "MEM-EXPOSE", "IPI-MAILBOX", "IRQ-TRIGGER", "RPC-PROXY", "QUEUE-ACCESS", "QUEUE-DOORBELL"})
def stock_sel4(spec: Spec) -> Iterator[Candidate]:
    """Replace a non-smp kernel's profile by stock `sel4` (dist_init always, boot_mask all, no routing, all untypeds)."""
    for k in spec.kernels:
        if k.profile.smp or k.profile == SEL4:
            continue
        if not (spec.loader_gic_init or may_boot_after_another(spec, k.name)):
            continue  # it boots first and alone resets: nothing is clobbered
        extras = {"IRQ-ROUTE", "IRQ-TRIGGER"}  # its resets can put other kernels' edge SPIs back to level
        if len(spec.kernels) > 1 or spec.shared:  # device untypeds `all` reach other kernels' memory
            extras |= {"MEM-EXPOSE", "IPI-MAILBOX"}
        yield Candidate(k.name, with_kernel(spec, k.name, profile=SEL4), frozenset({"system"}), frozenset(extras))


@operator("dist-init-always", "GIC-INIT", {"IRQ-ROUTE", "IRQ-TRIGGER"})
def dist_init_always(spec: Spec) -> Iterator[Candidate]:
    """Make a kernel reset the distributor at every boot (`dist_init always`) where a loader or an earlier kernel did it."""
    for k in spec.kernels:
        if k.profile.dist_init == "always":
            continue
        if spec.loader_gic_init or may_boot_after_another(spec, k.name):
            yield Candidate(k.name, with_profile(spec, [k.name], "always", dist_init="always"), frozenset({"system"}))


@operator("boot-mask-all", "GIC-INIT", {"IRQ-ROUTE"})
def boot_mask_all(spec: Spec) -> Iterator[Candidate]:
    """Make a kernel that may boot after another mask every interrupt at boot (`boot_mask all`)."""
    for k in spec.kernels:
        if k.profile.boot_mask != "all" and may_boot_after_another(spec, k.name):
            yield Candidate(k.name, with_profile(spec, [k.name], "maskall", boot_mask="all"), frozenset({"system"}))


@operator("drop-loader-gic-init", "GIC-INIT")
def drop_loader_gic_init(spec: Spec) -> Iterator[Candidate]:
    """Remove `loader { gic_init }` when every kernel is `dist_init never`."""
    if spec.loader_gic_init and all(k.profile.dist_init == "never" for k in spec.kernels):
        yield Candidate("loader", evolve(spec, loader_gic_init=False), frozenset({"system"}))


@operator("drop-loader-group1", "IRQ-ROUTE", {"IPI-TARGET", "IPI-UNIQUE", "IPI-MAILBOX", "IPI-SMP", "QUEUE-DOORBELL"})
def drop_loader_group1(spec: Spec) -> Iterator[Candidate]:
    """Remove the loader's `group1` step on a GICv3 platform whose firmware does not set Group 1 (QEMU)."""
    gic = spec.platform.gic
    if spec.loader_group1 and gic.version == 3 and gic.group1 != "firmware" and any(k.owned_spis for k in spec.kernels):
        yield Candidate("loader", evolve(spec, loader_group1=False))


@operator("platform-without-firmware", "IRQ-ROUTE", {"IPI-TARGET", "IPI-UNIQUE", "IPI-MAILBOX", "IPI-SMP", "QUEUE-DOORBELL"})
def platform_without_firmware(spec: Spec) -> Iterator[Candidate]:
    """A GICv3 board booted without firmware that puts interrupts into Group 1 (`group1 none`), no loader step."""
    gic = spec.platform.gic
    if gic.version == 3 and gic.group1 == "firmware" and not spec.loader_group1 and any(k.owned_spis for k in spec.kernels):
        platform = evolve(spec.platform, gic=evolve(gic, group1="none"))
        yield Candidate("platform", evolve(spec, platform=platform))


@operator("dist-init-never", "GIC-INIT", {"IRQ-ROUTE", "IPI-CAP"})
def dist_init_never(spec: Spec) -> Iterator[Candidate]:
    """Without a loader gic_init, make a kernel that may boot first `dist_init never`."""
    if spec.loader_gic_init:
        return
    for k in spec.kernels:
        if k.profile.dist_init != "never" and any(order[0] == k.name for order in boot_orders(spec)):
            yield Candidate(k.name, with_profile(spec, [k.name], "never", dist_init="never"), frozenset({"system"}))


@operator("add-loader-gic-init", "GIC-INIT")
def add_loader_gic_init(spec: Spec) -> Iterator[Candidate]:
    """Add `loader { gic_init }` to a system with a `dist_init always` kernel: initialised twice.

    In a clean spec that kernel boots first, so the loader's reset only comes
    earlier: routes are not disturbed.
    """
    if not spec.loader_gic_init and any(k.profile.dist_init == "always" for k in spec.kernels):
        yield Candidate("loader", evolve(spec, loader_gic_init=True), frozenset({"system"}))


@operator("boot-order-reversed", "GIC-INIT", {"IRQ-ROUTE", "IPI-CAP"})
def boot_order_reversed(spec: Spec) -> Iterator[Candidate]:
    """Reverse a `boot order` that puts a `dist_init always` kernel first: it then resets a live distributor."""
    order = spec.boot_order
    if order and len(order) > 1 and order[0].profile.dist_init == "always" and not spec.loader_gic_init:
        yield Candidate("boot order", relink(evolve(spec, boot_order=tuple(reversed(order)))), frozenset({"system"}))


@operator("drop-boot-order", "GIC-INIT", {"IRQ-ROUTE"})
def drop_boot_order(spec: Spec) -> Iterator[Candidate]:
    """Remove a `boot order` that a `dist_init always` kernel or one masking every line (`boot_mask all`,
    or `primary` on node 0) relies on."""
    order = spec.boot_order
    if order and any(k.profile.dist_init == "always" or masks_every_line(spec, k) for k in order):
        yield Candidate("boot order", evolve(spec, boot_order=None), frozenset({"system"}))


# ------------------------------------------------------------------ IPI-UNIQUE


@operator("duplicate-channel", "IPI-UNIQUE", {"RPC-PROXY"})
def duplicate_channel(spec: Spec) -> Iterator[Candidate]:
    """Add a second channel with the same ends and SGI as an existing one, without a mailbox."""
    names = {c.name for c in spec.channels}
    for c in spec.channels:
        dup = next(f"{c.name}_{n}" for n in itertools.count(2) if f"{c.name}_{n}" not in names)
        copy = evolve(c, name=dup, mailbox=None, tag=None)
        yield Candidate(f"{dup} beside {c.name}", relink(evolve(spec, channels=spec.channels + (copy,))), both_orders(c.name, dup))


def _same_arrival(spec: Spec, a: Channel, b: Channel) -> bool:
    ta = a.target if a.target is not None else default_target(spec, a)
    tb = b.target if b.target is not None else default_target(spec, b)
    return a.receiving_core is not None and a.receiving_core == b.receiving_core and a.sgi == b.sgi and ta == tb


@operator("sgi-onto-neighbour", "IPI-UNIQUE", {"RPC-PROXY"})
def sgi_onto_neighbour(spec: Spec) -> Iterator[Candidate]:
    """Give a channel the SGI of another channel that arrives at the same core (they are not one mailbox's)."""
    for a, b in itertools.permutations(spec.channels, 2):
        if a.receiving_core is None or a.receiving_core != b.receiving_core or a.sgi == b.sgi:
            continue
        if a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name:
            continue
        yield Candidate(f"{b.name} takes sgi {a.sgi} of {a.name}", with_channel(spec, b.name, sgi=a.sgi), both_orders(a.name, b.name))


@operator("mailbox-same-tag", "IPI-UNIQUE", {"RPC-PROXY"})
def mailbox_same_tag(spec: Spec) -> Iterator[Candidate]:
    """Give a channel the tag of another channel that arrives as the same (core, SGI) through the same mailbox."""
    for a, b in itertools.permutations(spec.channels, 2):
        if a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name and a.tag != b.tag and _same_arrival(spec, a, b):
            yield Candidate(f"{b.name} takes tag {a.tag} of {a.name}", with_channel(spec, b.name, tag=a.tag), both_orders(a.name, b.name))


@operator("mailbox-dropped", "IPI-UNIQUE", {"IPI-MAILBOX", "RPC-PROXY"})
def mailbox_dropped(spec: Spec) -> Iterator[Candidate]:
    """Drop the `mailbox` line of a channel that shares its (core, SGI) with another channel of that mailbox."""
    for a, b in itertools.permutations(spec.channels, 2):
        if a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name and _same_arrival(spec, a, b):
            mutated = with_channel(spec, b.name, mailbox=None, tag=None)
            # b's sender may now be listed on a mailbox none of its channels uses.
            outsider = any(k not in mailbox_users(mutated, a.mailbox.name) for k in (b.sender.name, b.receiver.name))
            yield Candidate(f"{b.name} leaves {a.mailbox.name}", mutated, both_orders(a.name, b.name), frozenset({"IPI-MAILBOX"} if outsider else set()))


# ------------------------------------------------------------------ IPI-TARGET


def _retarget(spec: Spec, name: str, wrong: Callable[[Channel], int | None]) -> Iterator[Candidate]:
    for c in spec.channels:
        right = c.target if c.target is not None else default_target(spec, c)
        value = wrong(c)
        if value is not None and value != right and c.receiving_core is not None:
            # A target that reaches a wrong core can meet another channel there.
            yield Candidate(f"{c.name} target {value:#x} ({name})", with_channel(spec, c.name, target=value), frozenset({c.name}))


@operator("target-core-index", "IPI-TARGET", {"IPI-UNIQUE", "QUEUE-DOORBELL"})
def target_core_index(spec: Spec) -> Iterator[Candidate]:
    """Replace a channel's target by the receiving core's index in the platform's cpu list."""
    names = [c.name for c in spec.platform.cpus]
    yield from _retarget(spec, "core index", lambda c: names.index(c.receiving_core.name) if c.receiving_core else None)


@operator("target-mpidr", "IPI-TARGET", {"IPI-UNIQUE", "QUEUE-DOORBELL"})
def target_mpidr(spec: Spec) -> Iterator[Candidate]:
    """Replace a channel's target by the receiving core's MPIDR (GICv2), or raw MPIDR_EL1 with bit 31 set (GICv3)."""
    raw = (lambda c: c.receiving_core.mpidr) if spec.platform.gic.version == 2 else (lambda c: (1 << 31) | c.receiving_core.mpidr)
    yield from _retarget(spec, "MPIDR", lambda c: raw(c) if c.receiving_core else None)


@operator("target-other-core", "IPI-TARGET", {"IPI-UNIQUE", "QUEUE-DOORBELL"})
def target_other_core(spec: Spec) -> Iterator[Candidate]:
    """Replace a channel's target by the right target of another core."""

    def other(c: Channel) -> int | None:
        core = next((x for x in spec.platform.cpus if c.receiving_core and x.name != c.receiving_core.name), None)
        return None if core is None else default_target(spec, evolve(c, on=core))

    yield from _retarget(spec, "another core", other)


@operator("receiver-mpidr-aff3", "IPI-TARGET", {"IPI-UNIQUE", "IPI-SMP", "QUEUE-DOORBELL"})
def receiver_mpidr_aff3(spec: Spec) -> Iterator[Candidate]:
    """GICv3: move a receiving core to Aff3 = 1 (a distinct MPIDR), which seL4's SGI encoding cannot reach.

    seL4 ORs Aff3 in at the Aff2 shift, so the correct target of such a core
    writes Aff2 instead and reaches no core (or a wrong one).
    """
    if spec.platform.gic.version != 3:
        return
    seen = set()
    mpidrs = {c.mpidr for c in spec.platform.cpus}
    for c in spec.channels:
        core = c.receiving_core
        if core is None or core.name in seen or c.target is not None:
            continue
        seen.add(core.name)
        moved = (1 << 32) | core.mpidr
        if moved in mpidrs:
            continue
        subjects = frozenset(o.name for o in spec.channels if o.receiving_core == core and o.target is None)
        yield Candidate(f"{core.name} to MPIDR {moved:#x}", with_cpu(spec, core.name, mpidr=moved), subjects)


# ------------------------------------------------------------------ IPI-RANGE


@operator("sgi-reserved-by-smp", "IPI-RANGE")
def sgi_reserved_by_smp(spec: Spec) -> Iterator[Candidate]:
    """Signal an smp receiver with SGI 1 (reschedule) or SGI 0 (remote call), which it keeps for itself."""
    for c in spec.channels:
        if c.receiver.profile.smp:
            for sgi in (1, 0):
                if not any(o.sgi == sgi for o in spec.channels):
                    yield Candidate(f"{c.name} sgi {sgi}", with_channel(spec, c.name, sgi=sgi), frozenset({c.name}))


@operator("sgi-16", "IPI-RANGE", {"SGI-BUDGET"})
def sgi_16(spec: Spec) -> Iterator[Candidate]:
    """Signal a channel with SGI 16, which does not exist."""
    for c in spec.channels:
        yield Candidate(c.name, with_channel(spec, c.name, sgi=16), frozenset({c.name}))


# ------------------------------------------------------------------ IPI-CAP


@operator("sender-smp", "IPI-CAP", {"IRQ-ROUTE", "IPI-RANGE"})
def sender_smp(spec: Spec) -> Iterator[Candidate]:
    """Make a channel's sender an smp build (`smp yes`, `sgi_signal no`, as upstream SMP seL4)."""
    for k in dict.fromkeys(c.sender.name for c in spec.channels):
        kernel = spec.kernel(k)
        if kernel.profile.smp:
            continue
        extras = set()
        if spec.platform.gic.version == 2 and kernel.owned_spis:
            extras.add("IRQ-ROUTE")  # upstream SMP seL4 on GICv2 routes by logical core index
        if any(c.receiver.name == k and c.sgi in (0, 1) for c in spec.channels):
            extras.add("IPI-RANGE")
        subjects = frozenset(c.name for c in spec.channels if c.sender.name == k)
        yield Candidate(k, with_profile(spec, [k], "smp", smp=True, sgi_signal=False), subjects, frozenset(extras))


@operator("sender-sgi-signal-off", "IPI-CAP")
def sender_sgi_signal_off(spec: Spec) -> Iterator[Candidate]:
    """Turn `sgi_signal no` on in a channel's sender's profile."""
    for k in dict.fromkeys(c.sender.name for c in spec.channels):
        subjects = frozenset(c.name for c in spec.channels if c.sender.name == k)
        yield Candidate(k, with_profile(spec, [k], "nosgi", sgi_signal=False), subjects)


# ------------------------------------------------------------------ IPI-MAILBOX


@operator("mailbox-add-outsider", "IPI-MAILBOX")
def mailbox_add_outsider(spec: Spec) -> Iterator[Candidate]:
    """List a kernel that uses no channel of a mailbox on that mailbox (`r`)."""
    for box in sorted(mailboxes(spec)):
        shared = next(s for s in spec.shared if s.name == box)
        users = mailbox_users(spec, box)
        for k in spec.kernels:
            if k.name in users or shared.mode_of(k.name) is not None:
                continue
            access = shared.access + (checker.Access(k, "r"),)
            subjects = frozenset(c.name for c in spec.channels if c.mailbox and c.mailbox.name == box)
            yield Candidate(f"{k.name} on {box}", with_shared(spec, box, access=access), subjects)


@operator("mailbox-sender-read-only", "IPI-MAILBOX")
def mailbox_sender_read_only(spec: Spec) -> Iterator[Candidate]:
    """List a channel's sender `r` instead of `rw` on its mailbox."""
    for c in spec.channels:
        if c.mailbox is None or c.mailbox.mode_of(c.sender.name) != "rw":
            continue
        box = c.mailbox
        access = tuple(evolve(a, mode="r") if a.kernel.name == c.sender.name else a for a in box.access)
        subjects = frozenset(o.name for o in spec.channels if o.mailbox and o.mailbox.name == box.name and o.sender.name == c.sender.name)
        yield Candidate(f"{c.sender.name} r on {box.name}", with_shared(spec, box.name, access=access), subjects)


@operator("mailbox-receiver-unlisted", "IPI-MAILBOX")
def mailbox_receiver_unlisted(spec: Spec) -> Iterator[Candidate]:
    """Remove a channel's receiver from its mailbox's access list."""
    seen = set()
    for c in spec.channels:
        if c.mailbox is None or (c.mailbox.name, c.receiver.name) in seen:
            continue
        seen.add((c.mailbox.name, c.receiver.name))
        box = c.mailbox
        access = tuple(a for a in box.access if a.kernel.name != c.receiver.name)
        subjects = frozenset(o.name for o in spec.channels if o.mailbox and o.mailbox.name == box.name and c.receiver.name in (o.sender.name, o.receiver.name))
        yield Candidate(f"{c.receiver.name} off {box.name}", with_shared(spec, box.name, access=access), subjects)


# =========================================================================== running

# Mutants per operator in the default (CI) run, taken round-robin over the specs
# it applies to; PCHECK_SLOW=1 (or --all) runs every target of every spec.
PER_OPERATOR = 6


def clean_specs() -> list[str]:
    """Every corpus spec the suite expects to be clean, and the extra clean specs under tests/mutation_specs."""
    corpus = [p for p in system_specs() if all(e.verdict == "proved" for e in expectations(p))]
    extra = sorted(glob.glob(os.path.join(MUTATION_SPECS, "*.mk")))
    return corpus + extra


_LOADED: dict[str, Spec] = {}


def load_spec(path: str) -> Spec:
    if path not in _LOADED:
        loaded = checker.load(path)
        if not loaded.ok:
            raise ValueError(f"{path} does not load: {[d.message for d in loaded.diagnostics if d.is_error]}")
        _LOADED[path] = loaded.spec
    return _LOADED[path]


def plan(paths: Iterable[str], operators: Iterable[Operator], per_operator: int | None = PER_OPERATOR) -> list[Mutant]:
    """The mutants to run: every target of every operator on every spec, or a deterministic sample.

    The sample takes, for each operator, `per_operator` mutants round-robin
    over the specs it applies to, with the specs and each spec's targets in
    an order shuffled by a generator seeded with the operator's name (string
    seeds do not depend on PYTHONHASHSEED): the same sample on every run,
    spread over platforms and targets.
    """
    paths = list(paths)
    out = []
    for op in operators:
        per_spec = [op.mutants(load_spec(path)) for path in paths]
        if per_operator is None:
            out += [m for ms in per_spec for m in ms]
            continue
        rng = random.Random(f"pcheck-mutation:{op.name}")
        per_spec = [ms for ms in per_spec if ms]
        rng.shuffle(per_spec)
        for ms in per_spec:
            rng.shuffle(ms)
        picked = [m for round_ in itertools.zip_longest(*per_spec) for m in round_ if m is not None]
        out += picked[:per_operator]
    return out


def run(mutants: Sequence[Mutant], jobs: int = 1) -> list[Verdict]:
    """Evaluate mutants, in `jobs` worker processes when more than one (results in input order)."""
    if jobs <= 1 or len(mutants) < 2:
        return [evaluate(m) for m in mutants]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(evaluate, mutants, chunksize=2))


@frozen
class Row:
    operator: str
    aims: str
    mutants: int
    killed: int

    @property
    def rate(self) -> float:
        return self.killed / self.mutants if self.mutants else 0.0


def summarise(verdicts: Iterable[Verdict], operators: Iterable[Operator] | None = None) -> list[Row]:
    ops = list(operators) if operators is not None else list(OPERATORS.values())
    verdicts = list(verdicts)
    rows = []
    for op in ops:
        mine = [v for v in verdicts if v.mutant.operator == op.name]
        rows.append(Row(op.name, op.aims, len(mine), sum(v.killed for v in mine)))
    return rows


def table(rows: Iterable[Row]) -> str:
    rows = list(rows)
    width = max([len(r.operator) for r in rows] + [8])
    lines = [f"{'operator':<{width}}  {'aims':<12}  {'mutants':>7}  {'killed':>6}  {'rate':>6}"]
    for r in rows:
        rate = f"{100 * r.rate:5.1f}%" if r.mutants else "    -"
        lines.append(f"{r.operator:<{width}}  {r.aims:<12}  {r.mutants:>7}  {r.killed:>6}  {rate:>6}")
    total = sum(r.mutants for r in rows)
    killed = sum(r.killed for r in rows)
    lines.append(f"{'total':<{width}}  {'':<12}  {total:>7}  {killed:>6}  {(100 * killed / total if total else 0):5.1f}%")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.mutation", description=__doc__.split("\n")[0])
    parser.add_argument("specs", nargs="*", help="clean specs to mutate (default: the clean corpus and tests/mutation_specs)")
    parser.add_argument("--all", action="store_true", help="every target of every spec (also PCHECK_SLOW=1); default: %d per operator" % PER_OPERATOR)
    parser.add_argument("--op", action="append", default=[], help="only this operator (repeatable)")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("-v", "--verbose", action="store_true", help="list every mutant, not only survivors")
    parser.add_argument("--list", action="store_true", help="list the operators and exit")
    args = parser.parse_args(argv)
    if args.list:
        for op in OPERATORS.values():
            extras = ", ".join(sorted(op.allowed)) or "-"
            print(f"{op.name:<28} {op.aims:<12} also: {extras:<40} {op.doc}")
        return 0
    unknown = [n for n in args.op if n not in OPERATORS]
    if unknown:
        parser.error(f"unknown operator(s): {', '.join(unknown)}")
    operators = [OPERATORS[n] for n in args.op] if args.op else list(OPERATORS.values())
    paths = [os.path.abspath(p) for p in args.specs] or clean_specs()
    slow = args.all or os.environ.get("PCHECK_SLOW") == "1"
    start = time.perf_counter()
    mutants = plan(paths, operators, None if slow else PER_OPERATOR)
    verdicts = run(mutants, args.jobs)
    for v in verdicts:
        if args.verbose or not v.killed:
            print(v)
    print(table(summarise(verdicts, operators)))
    print(f"{len(verdicts)} mutants of {len(paths)} specs in {time.perf_counter() - start:.1f}s")
    return 0 if all(v.killed for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------ IPI-SMP


# ------------------------------------------------------------------ SGI-BUDGET, RPC-PROXY, QUEUE-*


@operator("notification-past-budget", "SGI-BUDGET", {"IPI-RANGE", "IPI-UNIQUE", "QUEUE-DOORBELL"})
def notification_past_budget(spec: Spec) -> Iterator[Candidate]:
    """Give a notification between PDs the first SGI beyond its core's budget (8 on GICv2, 16 on GICv3)."""
    budget = sgi_budget(spec)
    for n in spec.notifications:
        c = n.channel
        if c is not None and c.receiving_core is not None:
            yield Candidate(f"{c.name} sgi {budget}", with_channel(spec, c.name, sgi=budget), frozenset({c.receiving_core.name}))


@operator("call-without-proxies", "RPC-PROXY")
def call_without_proxies(spec: Spec) -> Iterator[Candidate]:
    """Make a proxied call across kernels directly, as a Microkit `pp` channel across cores would."""
    for c in spec.calls:
        if c.proxies is not None and c.client.kernel.name != c.server.kernel.name:
            calls = tuple(evolve(o, proxies=None, buffer=None) if o is c else o for o in spec.calls)
            yield Candidate(f"{c.subject} direct", relink(evolve(spec, calls=calls)), frozenset({c.subject}))


@operator("second-server-on-proxy", "RPC-PROXY")
def second_server_on_proxy(spec: Spec) -> Iterator[Candidate]:
    """Give a call's proxy pair a second server (a new PD beside the server) for a new client."""
    for c in spec.calls:
        if c.proxies is None:
            continue
        server2 = evolve(c.server, name=f"{c.server.name}_2", span=None)
        client2 = evolve(c.client, name=f"{c.client.name}_2", span=None)
        call2 = evolve(c, client=client2, server=server2, span=None)
        mutated = relink(evolve(spec, pds=spec.pds + (server2, client2), calls=spec.calls + (call2,)))
        yield Candidate(f"{c.proxies[1].name} also serves {server2.name}", mutated, frozenset({c.subject, call2.subject}))


@operator("pd-maps-ring", "QUEUE-ACCESS")
def pd_maps_ring(spec: Spec) -> Iterator[Candidate]:
    """A third PD, on the consumer's kernel, maps a queue's ring."""
    for q in spec.queues:
        third = evolve(q.consumer, name=f"{q.name}_reader", maps=(PdMap(q.ring, "r"),), irqs=(), span=None)
        yield Candidate(f"{third.name} maps {q.ring.name}", relink(evolve(spec, pds=spec.pds + (third,))), frozenset({q.name}))


@operator("queue-index-in-ring", "QUEUE-INDEX")
def queue_index_in_ring(spec: Spec) -> Iterator[Candidate]:
    """Keep a queue's read index in its ring: the consumer maps the ring rw, the producer still does."""
    for q in spec.queues:
        if q.index is None:
            continue
        ring = evolve(q.ring, access=tuple(evolve(a, mode="rw") if a.kernel.name == q.consumer.kernel.name else a
                                           for a in q.ring.access))
        consumer = evolve(q.consumer, maps=tuple(evolve(m, mode="rw") if m.shared.name == q.ring.name else m
                                                 for m in q.consumer.maps))
        shared = tuple(ring if s.name == ring.name else s for s in spec.shared)
        pds = tuple(consumer if p.name == consumer.name else p for p in spec.pds)
        queues = tuple(evolve(o, index=None) if o is q else o for o in spec.queues)
        yield Candidate(f"{q.name} index in {q.ring.name}", relink(evolve(spec, shared=shared, pds=pds, queues=queues)),
                        frozenset({q.name}))


@operator("doorbell-other-core", "QUEUE-DOORBELL", {"IPI-TARGET", "IPI-UNIQUE", "RPC-PROXY"})
def doorbell_other_core(spec: Spec) -> Iterator[Candidate]:
    """Send a queue's doorbell with the right target of another core."""
    for q in spec.queues:
        c = q.doorbell.channel
        if c is None or c.receiving_core is None:
            continue
        core = next((x for x in spec.platform.cpus if x.name != c.receiving_core.name), None)
        if core is not None:
            value = default_target(spec, evolve(c, on=core))
            yield Candidate(f"{c.name} target {value:#x}", with_channel(spec, c.name, target=value), frozenset({q.name}))


@operator("smp-core-out-of-place", "IPI-SMP", {"IPI-TARGET", "IPI-UNIQUE", "IRQ-ROUTE"})
def smp_core_out_of_place(spec: Spec) -> Iterator[Candidate]:
    """Put an smp kernel on cores seL4's IPI code cannot address: on GICv2 swap its first two cores
    (logical index 0 is then not CPU interface 0's core); on GICv3 move its last core to another
    cluster (Aff1 = the number of cores, a DynamIQ-style MPIDR seL4's ipi_send_target asserts on)."""
    for k in spec.kernels:
        if not k.profile.smp or len(k.cores) < 2:
            continue
        if spec.platform.gic.version == 2:
            cores = (k.cores[1], k.cores[0]) + k.cores[2:]
            yield Candidate(f"{k.name} on {', '.join(c.name for c in cores)}", with_kernel(spec, k.name, cores=cores), frozenset({k.name}))
            continue
        last = k.cores[-1]
        mpidr = len(k.cores) << 8
        if any(c.mpidr & 0xFF00FFFFFF == mpidr for c in spec.platform.cpus):
            continue
        yield Candidate(f"{last.name} to MPIDR {mpidr:#x}", with_cpu(spec, last.name, mpidr=mpidr), frozenset({k.name}))
