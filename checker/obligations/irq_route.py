"""IRQ-ROUTE: for every boot order, every owned SPI ends enabled, in Group 1 (GICv3) and routed only to its owner.

Instances: every SPI some kernel owns. Schedule: each kernel's root task
acquires its SPIs right after its kernel boots. That is the worst case for
every SPI: an acquisition touches only its own SPI (enable, and route if the
profile can), so acquiring later could only undo, never cause, the damage
later boots do. Per SPI the final state is decided by the last write of each
kind: the SPI is enabled iff an owner's acquisition comes after every boot
that disables it, and routed to owner o iff the last routing write (the
loader's reset first, a kernel's reset at its boot, a routing acquisition)
targets a core of o. On GICv3 it must also end in Group 1 (seL4 takes only
Group 1 interrupts): it does when firmware or the loader put it there, or when
a kernel that sets Group 1 (checker/sel4.py, `sets_group1`) resets the
distributor in that order. See `_violation` for the encoding over the symbolic
boot orders of `boot_order.py`; it is linear in the number of kernels for
each owner's routing write.

SPIs with the same owners, the same routing writes and the same usability
(implemented, and at most seL4's maxIRQ) pose the same query (lemma:
grouping by equal keys): one query per class. Each ranges over the boot
orders of the SPI's owners and of the kernels whose boot can disable or
reroute it, at most two of each class of interchangeable kernels (lemma:
interchangeable kernels, boot_order.py), under its own assumption. An owner
that never comes up (checker/sel4.py) never takes the SPI: that is decided
without a query.
Witness: the declaration order when it fails, else the solver's order of the
query's kernels with the others appended; `misrouted`, the schedule replayed
in Python, must agree that it fails.
Model: `model/monitors/irq_route.py` (spi-misrouted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import EncodingMismatch
from checker.lemmas import EQUAL_KEYS, INTERCHANGEABLE
from checker.memo import per_spec
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import BootOrder, boot_initialises, extend, may_disable, representatives
from checker.query import Query
from checker.result import Place
from checker.sel4 import (boot_masks, boots, masks_at_boot, comes_up, group1_before_boot, group1_owner, has_cpu_interface, is_node0,
                          logical_index, sets_group1, why_down)
from checker.spec import Cpu, Kernel, Spec, describe_intid, spi_subject
from checker.words import at, hexaddr, profile_cause

if TYPE_CHECKING:
    from checker.encode import Bool, Session

ENTRY = Entry(
    "IRQ-ROUTE",
    "every owned SPI ends up at its owner",
    "For every boot order considered, once all kernels have booted and acquired their interrupts, "
    "every owned SPI is enabled and routed only to a core of its owner (GICv2 ITARGETSR byte, GICv3 "
    "IROUTER with IRM=0), and on GICv3 it is in Group 1, the only group seL4 takes.",
    "the boot order and the SPI's final routing",
    (
        "Upstream seL4 routes every SPI to the booting core and masks all of them: use a "
        "multikernel build (`sel4-mk`, where node 0 routes the other kernels' SPIs) with "
        "`loader { gic_init }`.",
        "On `sel4-mk` node 0 masks every SPI at boot and every kernel masks SPI 0: boot node 0 "
        "first (`boot order`), and keep SPI 0 on node 0 or a kernel that boots after the others.",
        "A kernel that cannot route (`irq_route no`) keeps SPIs only if the distributor reset "
        "routed them to it: fix the boot order with `boot order` or initialise once in the loader.",
        "GICv3 without firmware that puts interrupts into Group 1 (QEMU): add `loader { group1 }`, "
        "or use kernels that do it themselves (`group1 port` on a `group1 sel4` platform).",
    ),
    family="gic",
)

# Up to this many candidate kernels, "some later kernel does X" is written out
# as a disjunction; beyond it, as one fresh kernel index (constant size, but
# harder for the solver to refute).
EXPLICIT_LIMIT = 16


@frozen
class OwnedSpi:
    intid: int
    owners: tuple[Kernel, ...]


@frozen
class Misrouted:
    spi: OwnedSpi
    boot: tuple[str, ...]


NO_TARGET = -1  # GICv2: an ITARGETSR byte of 0 (a core with no CPU interface has no bit)


def route_value(spec: Spec, cpu: Cpu) -> int:
    """The routing value that sends an SPI to `cpu`: ITARGETSR bit number (v2) or IROUTER affinity (v3).

    A GICv2 cpu with no CPU interface (see checker/sel4.py) has none: NO_TARGET, which routes nowhere.
    """
    if spec.platform.gic.version == 2:
        return cpu.gic_cpu if has_cpu_interface(spec, cpu) else NO_TARGET
    return ((cpu.mpidr >> 32) & 0xFF) << 32 | (cpu.mpidr & 0xFFFFFF)


def reset_route_value(spec: Spec, cpu: Cpu) -> int:
    """Where a distributor reset made on `cpu` routes every SPI: the cpu itself; on a GICv2 cpu with no
    CPU interface, interface 0 (infer_cpu_gic_id finds no target bit and assumes BIT(0))."""
    value = route_value(spec, cpu)
    return 0 if value == NO_TARGET else value


def good_routes(spec: Spec, owner: Kernel) -> set[int]:
    """The routing values that reach a core of `owner` (and no other core)."""
    return {v for c in owner.cores if (v := route_value(spec, c)) != NO_TARGET}


def acquire_route_value(spec: Spec, owner: Kernel, intid: int) -> int | None:
    """What the owner's IRQ acquisition writes to the SPI's route, or None if its profile cannot route.

    Upstream SMP seL4 on GICv2 stores 1 << (logical core index), not the
    CPU-interface number (setIRQTarget in gic_v2.c); GICv3 stores the core's
    MPIDR affinity.
    """
    if owner.profile.irq_route != "yes":
        return None
    core = owner.route_core(intid)
    if core is None:
        return None
    if spec.platform.gic.version == 2 and owner.profile.smp:
        return owner.cores.index(core)
    return route_value(spec, core)


def primary_targets(spec: Spec, router: Kernel) -> tuple[tuple[int, int], ...]:
    """(INTID, logical target) of every SetIrqTargetCore a kernel's root task makes: none unless it
    is node 0 with `irq_route primary`; then every SPI of every other kernel with a core, in
    declaration order, to the logical index of the core it goes to (au-ts/microkit
    capdl_multikernel routes the SPIs of PDs on other cores from core 0, target = the PD's cpu)."""
    return _primary_targets(spec).get(router.name, ())


@per_spec
def _primary_targets(spec: Spec) -> dict[str, tuple[tuple[int, int], ...]]:
    out: dict[str, tuple[tuple[int, int], ...]] = {}
    for router in spec.kernels:
        if router.profile.irq_route != "primary" or not is_node0(spec, router) or router.name in out:
            continue
        targets = []
        for other in spec.kernels:
            if other.name == router.name or not other.cores:
                continue
            for intid in _owned(spec)[other.name]:
                if intid >= 32:
                    targets.append((intid, logical_index(spec, other.route_core(intid))))
        out[router.name] = tuple(targets)
    return out


def primary_writes(spec: Spec, intid: int) -> list[tuple[Kernel, int]]:
    """(router, routing value) of the last SetIrqTargetCore each router that comes up makes for the
    SPI, where the kernel takes it (target < 8): GICv2 ITARGETSR = BIT(target), the logical index
    taken as the CPU-interface number; GICv3 IROUTER from the MPIDR table, the target cpu's affinity."""
    return _primary_writes(spec).get(intid, [])


@per_spec
def _primary_writes(spec: Spec) -> dict[int, list[tuple[Kernel, int]]]:
    """INTID -> `primary_writes`, for every SPI some router routes, computed once."""
    out: dict[int, list[tuple[Kernel, int]]] = {}
    for router in spec.kernels:
        if not comes_up(spec, router):
            continue
        # The last target written for each INTID: a call the kernel refuses (seL4_InvalidArgument,
        # seL4_RangeError) writes nothing and leaves an earlier write in place.
        last = {intid: target for intid, target in primary_targets(spec, router)
                if target < 8 and spec.platform.usable(intid)}
        for intid, target in last.items():
            value = target if spec.platform.gic.version == 2 else route_value(spec, spec.platform.cpus[target])
            out.setdefault(intid, []).append((router, value))
    return out


def startup_scenario(spec: Spec, order: Sequence[str]) -> Steps:
    """Boot each kernel in order; right after its boot, its root task acquires every SPI it owns,
    and node 0's (`irq_route primary`) routes the other kernels' SPIs."""
    return _startup(spec, tuple(order))


@per_spec
def _startup(spec: Spec, order: tuple[str, ...]) -> Steps:
    steps: list[dict] = []
    for name in order:
        steps.append({"op": "boot", "kernel": name})
        steps += [{"op": "acquire_irq", "kernel": name, "intid": intid} for intid in _owned(spec)[name]]
        steps += [{"op": "set_irq_target", "kernel": name, "intid": intid, "target": target}
                  for intid, target in primary_targets(spec, spec.kernel(name))]
    return tuple(steps)


@per_spec
def _owned(spec: Spec) -> dict[str, tuple[int, ...]]:
    """Kernel name -> the INTIDs of the SPIs it owns, each once, in the order it lists them."""
    out: dict[str, tuple[int, ...]] = {}
    for k in spec.kernels:
        out.setdefault(k.name, tuple(dict.fromkeys(irq.intid for irq in k.owned_spis)))
    return out


def final_route(spec: Spec, intid: int, boot: Sequence[str]) -> tuple[bool, int | None, str]:
    """Enabled?, routing value and who wrote it last, replaying the schedule of IRQ-ROUTE in Python."""
    end = route_end(spec, intid, boot)
    return end.enabled, end.value, end.writer


@frozen
class RouteEnd:
    """Where a boot order leaves an SPI, and the kernels whose boots put it there."""

    enabled: bool
    value: int | None
    writer: str  # who wrote the routing value last, in words
    router: str | None  # the kernel that did (None: the loader, or nobody)
    disabler: str | None  # the kernel whose boot disabled it last, if nobody enabled it after


def route_end(spec: Spec, intid: int, boot: Sequence[str]) -> RouteEnd:
    """`final_route`, with the kernels behind it."""
    initialised = boot_initialises(spec, list(boot))
    owned = _owned(spec)
    enabled, value, writer, router, disabler = False, None, "nobody", None, None
    if spec.loader_gic_init and spec.platform.cpus:
        value, writer = reset_route_value(spec, spec.platform.cpus[0]), "the loader's distributor reset"
    for name in boot:
        k = spec.kernel(name)
        if initialised[name]:
            value, writer, router = reset_route_value(spec, k.cores[0]), f"{name}'s distributor reset at boot", name
        if initialised[name] or (masks_at_boot(spec, k) and boot_masks(spec, k, intid)):
            enabled, disabler = False, name
        if intid in owned[name] and comes_up(spec, k):
            enabled, disabler = True, None
            routed = acquire_route_value(spec, k, intid)
            if routed is not None:
                value, writer, router = routed, f"{name}'s IRQ acquisition", name
        for by, routed in primary_writes(spec, intid):
            if by is k:
                value, writer, router = routed, f"{name}'s SetIrqTargetCore", name
    return RouteEnd(enabled and spec.platform.usable(intid), value, writer, router, disabler)


def ends_group1(spec: Spec, boot: Sequence[str]) -> bool:
    """After this boot order every SPI is in Group 1: before any boot, or a kernel that sets Group 1
    reset the distributor (its dist_init writes GICD_IGROUPR)."""
    if group1_before_boot(spec):
        return True
    initialised = boot_initialises(spec, list(boot))
    return any(initialised[name] and sets_group1(spec, spec.kernel(name)) for name in boot)


def misrouted(spec: Spec, spi: "OwnedSpi", boot: Sequence[str]) -> bool:
    """After this boot order the SPI is disabled, in Group 0, or not routed only to a core of each owner
    (or an owner never came up)."""
    if not all(comes_up(spec, o) for o in spi.owners):
        return True
    if not ends_group1(spec, boot):
        return True
    enabled, value, _ = final_route(spec, spi.intid, boot)
    return not enabled or any(value not in good_routes(spec, o) for o in spi.owners)


def owned_spis(spec: Spec) -> list[OwnedSpi]:
    """Every SPI some kernel owns, by INTID, with its owners in declaration order (each once)."""
    owners: dict[int, list[Kernel]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            if k not in owners.setdefault(irq.intid, []):
                owners[irq.intid].append(k)
    return [OwnedSpi(intid, tuple(ks)) for intid, ks in sorted(owners.items())]


def route_class(spec: Spec, spi: OwnedSpi) -> tuple:
    """SPIs with the same owners, the same routing writes and the same usability pose the same query."""
    return (
        tuple(k.name for k in spi.owners),
        tuple(acquire_route_value(spec, k, spi.intid) for k in spi.owners),
        tuple((k.name, v) for k, v in primary_writes(spec, spi.intid)),
        spi.intid == 32,  # boot masks treat SPI 0 apart (`boot_mask primary`)
        spec.platform.usable(spi.intid),
    )


@frozen
class _Write:
    """A write that can route an SPI: the loader's reset, a kernel's reset at boot, an owner's acquisition."""

    kind: str  # "loader" | "reset" | "acquire" | "target" (node 0's SetIrqTargetCore, after its acquisitions)
    kernel: Kernel | None
    value: int | None


class _Resets:
    """Every kernel's distributor reset as a function of its index, for "some later reset" in constant size."""

    def __init__(self, spec: Spec, order: BootOrder) -> None:
        self.order = order
        self.spec = spec
        self.value_of = order.s.function(f"reset_route_of{order.tag}", 16, "int")
        self.count = 0  # fresh kernel indices made by `later_bad_reset`

    @property
    def table(self) -> Bool:
        """The definition of `value_of`, when a query used it (see `BootOrder.constraint`).

        A kernel without a core never boots, so never resets: `initialises_of` is
        false for it and its `value_of` is left free.
        """
        if self.count == 0:
            return self.order.s.true()
        return self.order.s.all_of(
            [self.value_of(self.order.idx(k)) == reset_route_value(self.spec, k.cores[0]) for k in self.order.kernels if k.cores]
        )

    def writes(self) -> list[_Write]:
        """The resets that may happen, each a possible routing write."""
        out = []
        if self.spec.loader_gic_init and self.spec.platform.cpus:
            out.append(_Write("loader", None, reset_route_value(self.spec, self.spec.platform.cpus[0])))
        out += [_Write("reset", k, reset_route_value(self.spec, k.cores[0])) for k in self.order.kernels if self.order.may_initialise(k)]
        return out

    def later_bad_reset(self, after: _Write, good: set[int]) -> Bool:
        """Some kernel resets the distributor after `after`, routing the SPI outside `good`."""
        order, s = self.order, self.order.s
        candidates = [k for k in order.kernels if order.may_initialise(k) and reset_route_value(self.spec, k.cores[0]) not in good]
        if len(candidates) <= EXPLICIT_LIMIT:
            return s.any_of(
                s.and_(order.initialises(k), order.before(after.kernel, k) if after.kind != "loader" else s.true())
                for k in candidates
                if k is not after.kernel
            )
        self.count += 1
        b, named = order.kernel_var(f"bad_reset_{self.count}")
        parts = [named, order.initialises_of(b)] + [self.value_of(b) != v for v in good]
        if after.kind == "reset":
            parts.append(order.before_index(order.idx(after.kernel), b))
        elif after.kind in ("acquire", "target"):
            parts += [b != order.idx(after.kernel), order.before_index(order.idx(after.kernel), b)]
        return s.all_of(parts)


def _happens(order: BootOrder, w: _Write) -> Bool:
    return order.initialises(w.kernel) if w.kind == "reset" else order.s.true()


def _acquire_after(order: BootOrder, a: Kernel, w: _Write) -> Bool:
    """Kernel a's acquisitions (and, after them, its SetIrqTargetCore calls) come after write w."""
    if w.kind == "loader":
        return order.s.true()
    if w.kernel is a:
        return order.s.true() if w.kind == "reset" else order.s.false()
    return order.before(w.kernel, a)


def _violation(spec: Spec, s: Session, order: BootOrder, resets: _Resets, spi: OwnedSpi, implemented: bool) -> Bool:
    """A boot order after which the SPI is disabled or routed away from an owner.

    The SPI ends disabled iff every owner's acquisition is followed by a boot
    that disables it; it ends routed away from owner o iff every write that
    would route it to o either does not happen or is followed by one that
    routes it elsewhere. "Followed by some boot or reset" is a fresh kernel
    index constrained through the per-kernel functions of `BootOrder`, so the
    query has constant size per owner and routing write, whatever the number
    of kernels. With few candidate kernels the disjunction is written out instead.
    """
    owners, intid = spi.owners, spi.intid
    disablers = []
    candidates = [k for k in order.kernels if order.may_disable(k, intid)]
    for n, o in enumerate(owners):
        if len(candidates) <= EXPLICIT_LIMIT:
            disablers.append(s.any_of(s.and_(order.disables_spis(k, intid), order.before(o, k)) for k in candidates if k is not o))
            continue
        k, named = order.kernel_var(f"disabler_{n}")
        disablers.append(s.and_(named, order.disables_of(k, intid), k != order.idx(o), order.before_index(order.idx(o), k)))
    disabled = s.or_(s.fact(not implemented), s.all_of(disablers))
    # Group 0 at the end: nobody put SPIs into Group 1 before the boots, and no kernel that sets
    # Group 1 resets the distributor in this order.
    group0 = s.fact(False) if group1_before_boot(spec) else s.all_of(
        [s.not_(order.initialises(k)) for k in order.kernels if sets_group1(spec, k) and order.may_initialise(k)])
    acquisitions = [
        _Write("acquire", o, acquire_route_value(spec, o, intid)) for o in owners if acquire_route_value(spec, o, intid) is not None
    ]
    targets = [_Write("target", router, value) for router, value in primary_writes(spec, intid)]
    acquisitions += targets  # timed like acquisitions: right after their kernel's boot
    writes = resets.writes() + acquisitions
    misrouted = []
    for o in owners:
        good = good_routes(spec, o)
        overridden = []
        for w in writes:
            if w.value not in good:
                continue
            later_bad = [resets.later_bad_reset(w, good)] + [
                # An owner's own acquisition follows its own reset (an smp GICv2
                # kernel routes by logical index and can undo its own reset).
                _acquire_after(order, a.kernel, w) for a in acquisitions if a.value not in good
            ]
            overridden.append(s.or_(s.not_(_happens(order, w)), s.any_of(later_bad)))
        misrouted.append(s.all_of(overridden))
    return s.any_of([disabled, group0, s.any_of(misrouted)])


def relevant_class(spec: Spec, spi: OwnedSpi, k: Kernel) -> tuple:
    """What a kernel that does not own the SPI can do to it at boot: all IRQ-ROUTE tells such kernels apart by."""
    reset = reset_route_value(spec, k.cores[0]) if k.cores else None
    return (k.profile.dist_init, boot_masks(spec, k, spi.intid), boots(spec, k), comes_up(spec, k), sets_group1(spec, k),
            tuple(reset in good_routes(spec, o) for o in spi.owners))


def kernels_for(spec: Spec, spi: OwnedSpi) -> tuple[list[Kernel], bool]:
    """The kernels an SPI's query ranges over, and whether interchangeable ones were left out: its
    owners and the kernels whose boot can disable or reroute it, of those at most two of each class
    (lemma: interchangeable kernels) unless the order is pinned; in declaration order."""
    owners = {id(o) for o in spi.owners}
    routers = {id(r) for r, _ in primary_writes(spec, spi.intid)}
    others = [k for k in spec.kernels if id(k) not in owners | routers and may_disable(spec, k, spi.intid)]
    kept = others if spec.boot_order is not None else representatives(others, lambda k: relevant_class(spec, spi, k))
    keep = owners | routers | {id(k) for k in kept}
    return [k for k in spec.kernels if id(k) in keep], len(kept) < len(others)


@frozen
class _ClassQuery:
    order: BootOrder
    query: Query | None  # None: every boot order fails (an owner never comes up)


class _Encoding:
    """One query per route class, each over the boot orders of its own kernels, under its own assumption."""

    def __init__(self, s: Session, spec: Spec) -> None:
        self.classes: dict[tuple, _ClassQuery] = {}
        for spi in owned_spis(spec):
            key = route_class(spec, spi)
            if key in self.classes:
                continue
            kernels, reduced = kernels_for(spec, spi)
            order = BootOrder(s, spec, kernels, tag=f"_{len(self.classes)}")
            if not all(comes_up(spec, o) for o in spi.owners):
                self.classes[key] = _ClassQuery(order, None)
                continue
            resets = _Resets(spec, order)
            violation = _violation(spec, s, order, resets, spi, spec.platform.usable(spi.intid))
            # Taken after the query is built: it holds the definitions it uses.
            assumption = s.all_of([order.constraint, resets.table])
            lemma = INTERCHANGEABLE if reduced else EQUAL_KEYS
            self.classes[key] = _ClassQuery(order, Query(violation, order.reads(), lemma, assumption, f"IRQ-ROUTE {spi_subject(spi.intid)}"))


def _encoding(spec: Spec, s: Session) -> _Encoding:
    return _Encoding(s, spec)


class IrqRoute(Obligation[OwnedSpi, Misrouted]):
    entry = ENTRY
    batched = False  # each class's failing boot order is its own model's (and the declaration order's, when it fails)

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[OwnedSpi]]:
        return [Instance(spi_subject(spi.intid), _span(spi.owners[0], spi.intid), spi) for spi in owned_spis(spec)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[OwnedSpi]]) -> list[Facts | Query]:
        enc = session.once(_encoding, spec)
        out: list[Facts | Query] = []
        for i in instances:
            cq = enc.classes[route_class(spec, i.item)]
            if cq.query is None:  # an owner never comes up: it never takes the SPI, in any order
                out.append(Facts(INTERCHANGEABLE, (Misrouted(i.item, tuple(_declared(spec))),)))
            else:
                out.append(cq.query)
        return out

    def witnesses(self, spec: Spec, session: Session, instance: Instance[OwnedSpi], values: Mapping[str, int]) -> list[Misrouted]:
        """The declaration order when it fails (checked in Python), else the solver's order of the
        query's kernels with every other kernel appended, which must fail too."""
        declared = _declared(spec)
        if misrouted(spec, instance.item, declared):
            return [Misrouted(instance.item, tuple(declared))]
        cq = session.once(_encoding, spec).classes[route_class(spec, instance.item)]
        boot = extend(spec, cq.order.order(values))
        if not misrouted(spec, instance.item, boot):
            raise EncodingMismatch(f"the solver's boot order {' -> '.join(boot)} leaves {spi_subject(instance.item.intid)} well routed when replayed in Python")
        return [Misrouted(instance.item, tuple(boot))]

    def failure(self, spec: Spec, w: Misrouted) -> Failure:
        intid, owners = w.spi.intid, w.spi.owners
        span = _span(owners[0], intid)
        down = [o.name for o in owners if not comes_up(spec, o)]
        # An owner that never comes up decides it: the schedule need not be replayed for the message.
        end = None if down else route_end(spec, intid, w.boot)
        enabled, value, writer = (False, None, "nobody") if end is None else (end.enabled, end.value, end.writer)
        culprit = None
        owner_names = ", ".join(o.name for o in owners)
        if down:
            state = f"{', '.join(down)} never comes up ({why_down(spec, spec.kernel(down[0]))}), so it never takes the SPI"
        elif intid >= spec.platform.gic.lines:
            state = f"it is not implemented (lines {spec.platform.gic.lines}), so it can never be enabled"
        elif not spec.platform.usable(intid):
            state = f"seL4 refuses it (above maxIRQ {spec.platform.irq_limit}), so it is never enabled"
        elif not ends_group1(spec, w.boot):
            state = (f"it stays in Group 0 (GICD_IGROUPR), which the GIC signals as FIQ, and seL4 takes only Group 1 "
                     f"interrupts (ICC_IAR1_EL1); {group1_owner(spec)}")
        else:
            state = f"it ends {'enabled' if enabled else 'disabled'}, routed by {writer} to {_describe_route(spec, value)}"
            assert end is not None
            culprit = end.router if enabled else end.disabler
        message = f"boot order {' -> '.join(w.boot)}: {describe_intid(intid)} of {owner_names}{at(span)}: {state}"
        cex = {"intid": intid, "spi": intid - 32, "boot_order": list(w.boot), "owners": [o.name for o in owners], "enabled": enabled, "route": value,
               "group": 1 if ends_group1(spec, w.boot) else 0}
        # At the owner's claim in the system spec (its `devices` or `irq` entry), which names the
        # SPI's device or the SPI; the board's line and the other owners are related.
        location = owners[0].spi_claim(intid)
        places = tuple(Place(f"{o.name} owns it", o.spi_claim(intid)) for o in owners)
        places += (Place(f"{describe_intid(intid)} on the board", span),)
        if culprit is None:
            return Failure(spi_subject(intid), message, location, cex, places)
        # One kernel's boot (its profile) leaves it wrong: that is the cause, at its line.
        k = spec.kernel(culprit)
        return Failure(spi_subject(intid), message, location, cex, places + (Place(f"kernel {culprit}", k.span),),
                       profile_cause(k))

    def scenario(self, spec: Spec, w: Misrouted) -> Steps:
        return startup_scenario(spec, w.boot)

    def expected(self, spec: Spec, w: Misrouted) -> dict[str, Any]:
        return {"kind": "spi-misrouted", "intid": w.spi.intid}

    def proved(self, spec: Spec, instance: Instance[OwnedSpi]) -> str:
        names = " or ".join(o.name for o in instance.item.owners)
        return f"{describe_intid(instance.item.intid)} always ends at {names}"


def _declared(spec: Spec) -> list[str]:
    return [k.name for k in spec.boot_order] if spec.boot_order is not None else [k.name for k in spec.kernels]


def _span(kernel: Kernel, intid: int):
    return next((i.span for i in kernel.owned_spis if i.intid == intid), None)


def _describe_route(spec: Spec, value: int | None) -> str:
    if value is None:
        return "no target (the reset value)"
    cores = [c.name for c in spec.platform.cpus if route_value(spec, c) == value] if value != NO_TARGET else []
    if spec.platform.gic.version == 2:
        register = f"ITARGETSR byte 0x{1 << value:02x}" if 0 <= value < 8 else "ITARGETSR byte 0x00"
    else:
        register = f"IROUTER {hexaddr(value)}"
    return f"{register} ({'core ' + ', '.join(cores) if cores else 'no core'})"


OBLIGATION = IrqRoute()
