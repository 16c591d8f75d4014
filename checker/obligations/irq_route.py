"""IRQ-ROUTE: for every boot order, every owned SPI ends enabled and routed only to its owner.

Instances: every SPI some kernel owns. Schedule: each kernel's root task
acquires its SPIs right after its kernel boots. That is the worst case for
every SPI: an acquisition touches only its own SPI (enable, and route if the
profile can), so acquiring later could only undo, never cause, the damage
later boots do. Per SPI the final state is decided by the last write of each
kind: the SPI is enabled iff an owner's acquisition comes after every boot
that disables it, and routed to owner o iff the last routing write (the
loader's reset first, a kernel's reset at its boot, a routing acquisition)
targets a core of o. See `_violation` for the encoding over the symbolic
boot orders of `boot_order.py`; it is linear in the number of kernels for
each owner's routing write.

SPIs with the same owners, the same routing writes and the same
implemented-ness pose the same query (lemma: grouping by equal keys): one
query per class, all under one assumption (the boot-order definitions).
Witness: the failing boot order (declaration order when it fails) and the
SPI's final state, replayed in Python by `final_route` for the message.
Model: `model/monitors/irq_route.py` (spi-misrouted).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import EQUAL_KEYS
from checker.obligations.base import Entry, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import BootOrder, boot_initialises
from checker.obligations.gic_init import readable
from checker.query import Query
from checker.result import Place
from checker.spec import Cpu, Kernel, Spec, describe_intid, spi_subject
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Bool, Session

ENTRY = Entry(
    "IRQ-ROUTE",
    "every owned SPI ends up at its owner",
    "For every boot order considered, once all kernels have booted and acquired their interrupts, "
    "every owned SPI is enabled and routed only to a core of its owner (GICv2 ITARGETSR byte, GICv3 "
    "IROUTER with IRM=0).",
    "the boot order and the SPI's final routing",
    (
        "Upstream seL4 routes every SPI to the booting core and masks all of them: use a "
        "multikernel profile (`sel4-mk`: dist_init first, boot_mask own, irq_route yes).",
        "A kernel that cannot route (`irq_route no`) keeps SPIs only if the distributor reset "
        "routed them to it: fix the boot order with `boot order` or initialise once in the loader.",
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


def route_value(spec: Spec, cpu: Cpu) -> int:
    """The routing value that sends an SPI to `cpu`: ITARGETSR bit number (v2) or IROUTER affinity (v3)."""
    if spec.platform.gic.version == 2:
        return cpu.gic_cpu if cpu.gic_cpu is not None else -1
    return ((cpu.mpidr >> 32) & 0xFF) << 32 | (cpu.mpidr & 0xFFFFFF)


def acquire_route_value(spec: Spec, owner: Kernel, intid: int) -> int | None:
    """What the owner's IRQ acquisition writes to the SPI's route, or None if its profile cannot route.

    Upstream SMP seL4 on GICv2 stores 1 << (logical core index), not the
    CPU-interface number (setIRQTarget in gic_v2.c); GICv3 stores the core's
    MPIDR affinity.
    """
    if not owner.profile.irq_route:
        return None
    core = owner.route_core(intid)
    if core is None:
        return None
    if spec.platform.gic.version == 2 and owner.profile.smp:
        return owner.cores.index(core)
    return route_value(spec, core)


def startup_scenario(spec: Spec, order: Sequence[str]) -> Steps:
    """Boot each kernel in order; right after its boot, its root task acquires every SPI it owns."""
    steps: list[dict] = []
    for name in order:
        kernel = spec.kernel(name)
        steps.append({"op": "boot", "kernel": name})
        for intid in dict.fromkeys(irq.intid for irq in kernel.owned_spis):
            steps.append({"op": "acquire_irq", "kernel": name, "intid": intid})
    return tuple(steps)


def final_route(spec: Spec, intid: int, boot: Sequence[str]) -> tuple[bool, int | None, str]:
    """Enabled?, routing value and who wrote it last, replaying the schedule of IRQ-ROUTE in Python (for messages)."""
    initialised = boot_initialises(spec, list(boot))
    enabled, value, writer = False, None, "nobody"
    if spec.loader_gic_init and spec.platform.cpus:
        value, writer = route_value(spec, spec.platform.cpus[0]), "the loader's distributor reset"
    for name in boot:
        k = spec.kernel(name)
        if initialised[name] and k.cores:
            value, writer = route_value(spec, k.cores[0]), f"{name}'s distributor reset at boot"
        if initialised[name] or k.profile.boot_mask == "all":
            enabled = False
        if any(i.intid == intid for i in k.owned_spis):
            enabled = True
            routed = acquire_route_value(spec, k, intid)
            if routed is not None:
                value, writer = routed, f"{name}'s IRQ acquisition"
    return enabled and intid < spec.platform.gic.lines, value, writer


def owned_spis(spec: Spec) -> list[OwnedSpi]:
    """Every SPI some kernel owns, by INTID, with its owners in declaration order (each once)."""
    owners: dict[int, list[Kernel]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            if k not in owners.setdefault(irq.intid, []):
                owners[irq.intid].append(k)
    return [OwnedSpi(intid, tuple(ks)) for intid, ks in sorted(owners.items())]


def route_class(spec: Spec, spi: OwnedSpi) -> tuple:
    """SPIs with the same owners, the same routing writes and the same implemented-ness pose the same query."""
    return (
        tuple(k.name for k in spi.owners),
        tuple(acquire_route_value(spec, k, spi.intid) for k in spi.owners),
        spi.intid < spec.platform.gic.lines,
    )


@frozen
class _Write:
    """A write that can route an SPI: the loader's reset, a kernel's reset at boot, an owner's acquisition."""

    kind: str  # "loader" | "reset" | "acquire"
    kernel: Kernel | None
    value: int | None


class _Resets:
    """Every kernel's distributor reset as a function of its index, for "some later reset" in constant size."""

    def __init__(self, spec: Spec, order: BootOrder) -> None:
        self.order = order
        self.spec = spec
        self.value_of = order.s.function("reset_route_of", 16, "int")
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
            [self.value_of(self.order.idx(k)) == route_value(self.spec, k.cores[0]) for k in self.spec.kernels if k.cores]
        )

    def writes(self) -> list[_Write]:
        """The resets that may happen, each a possible routing write."""
        out = []
        if self.spec.loader_gic_init and self.spec.platform.cpus:
            out.append(_Write("loader", None, route_value(self.spec, self.spec.platform.cpus[0])))
        out += [_Write("reset", k, route_value(self.spec, k.cores[0])) for k in self.spec.kernels if k.cores and self.order.may_initialise(k)]
        return out

    def later_bad_reset(self, after: _Write, good: set[int]) -> Bool:
        """Some kernel resets the distributor after `after`, routing the SPI outside `good`."""
        order, s = self.order, self.order.s
        candidates = [k for k in self.spec.kernels if k.cores and order.may_initialise(k) and route_value(self.spec, k.cores[0]) not in good]
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
        elif after.kind == "acquire":
            parts += [b != order.idx(after.kernel), order.before_index(order.idx(after.kernel), b)]
        return s.all_of(parts)


def _happens(order: BootOrder, w: _Write) -> Bool:
    return order.initialises(w.kernel) if w.kind == "reset" else order.s.true()


def _acquire_after(order: BootOrder, a: Kernel, w: _Write) -> Bool:
    """Kernel a's acquisition comes after write w."""
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
    candidates = [k for k in spec.kernels if order.may_disable(k)]
    for n, o in enumerate(owners):
        if len(candidates) <= EXPLICIT_LIMIT:
            disablers.append(s.any_of(s.and_(order.disables_spis(k), order.before(o, k)) for k in candidates if k is not o))
            continue
        k, named = order.kernel_var(f"disabler_{n}")
        disablers.append(s.and_(named, order.disables_of(k), k != order.idx(o), order.before_index(order.idx(o), k)))
    disabled = s.or_(s.fact(not implemented), s.all_of(disablers))
    acquisitions = [
        _Write("acquire", o, acquire_route_value(spec, o, intid)) for o in owners if acquire_route_value(spec, o, intid) is not None
    ]
    writes = resets.writes() + acquisitions
    misrouted = []
    for o in owners:
        good = {route_value(spec, c) for c in o.cores}
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
    return s.any_of([disabled, s.any_of(misrouted)])


class _Encoding:
    """The class queries of one spec, all under one assumption (the boot-order definitions they use)."""

    def __init__(self, s: Session, spec: Spec) -> None:
        self.order = order = BootOrder(s, spec)
        resets = _Resets(spec, order)
        violations: dict[tuple, tuple[int, Bool]] = {}
        for spi in owned_spis(spec):
            key = route_class(spec, spi)
            if key not in violations:
                violations[key] = (spi.intid, _violation(spec, s, order, resets, spi, key[2]))
        # Taken after the queries are built: it holds the definitions they use.
        self.assumption = s.all_of([order.constraint, resets.table])
        self.queries = {
            key: Query(violation, order.reads(), EQUAL_KEYS, self.assumption, f"IRQ-ROUTE {spi_subject(intid)}")
            for key, (intid, violation) in violations.items()
        }


def _encoding(spec: Spec, s: Session) -> _Encoding:
    return _Encoding(s, spec)


class IrqRoute(Obligation[OwnedSpi, Misrouted]):
    entry = ENTRY
    batched = False  # each class's failing boot order is its own model's (and the declaration order's, when it fails)

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[OwnedSpi]]:
        return [Instance(spi_subject(spi.intid), _span(spi.owners[0], spi.intid), spi) for spi in owned_spis(spec)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[OwnedSpi]]) -> list[Query]:
        enc = session.once(_encoding, spec)
        return [enc.queries[route_class(spec, i.item)] for i in instances]

    def witnesses(self, spec: Spec, session: Session, instance: Instance[OwnedSpi], values: Mapping[str, int]) -> list[Misrouted]:
        enc = session.once(_encoding, spec)
        query = enc.queries[route_class(spec, instance.item)]
        values = readable(session, enc.order, query.violation, query.reads, values, query.label, enc.assumption)
        return [Misrouted(instance.item, tuple(enc.order.order(values)))]

    def failure(self, spec: Spec, w: Misrouted) -> Failure:
        intid, owners = w.spi.intid, w.spi.owners
        span = _span(owners[0], intid)
        enabled, value, writer = final_route(spec, intid, w.boot)
        owner_names = ", ".join(o.name for o in owners)
        if intid >= spec.platform.gic.lines:
            state = f"it is not implemented (lines {spec.platform.gic.lines}), so it can never be enabled"
        else:
            state = f"it ends {'enabled' if enabled else 'disabled'}, routed by {writer} to {_describe_route(spec, value)}"
        message = f"boot order {' -> '.join(w.boot)}: {describe_intid(intid)} of {owner_names}{at(span)}: {state}"
        cex = {"intid": intid, "spi": intid - 32, "boot_order": list(w.boot), "owners": [o.name for o in owners], "enabled": enabled, "route": value}
        places = tuple(Place(f"{o.name} owns it", _span(o, intid)) for o in owners)
        return Failure(spi_subject(intid), message, span, cex, places)

    def scenario(self, spec: Spec, w: Misrouted) -> Steps:
        return startup_scenario(spec, w.boot)

    def expected(self, spec: Spec, w: Misrouted) -> dict[str, Any]:
        return {"kind": "spi-misrouted", "intid": w.spi.intid}

    def proved(self, spec: Spec, instance: Instance[OwnedSpi]) -> str:
        names = " or ".join(o.name for o in instance.item.owners)
        return f"{describe_intid(instance.item.intid)} always ends at {names}"


def _span(kernel: Kernel, intid: int):
    return next((i.span for i in kernel.owned_spis if i.intid == intid), None)


def _describe_route(spec: Spec, value: int | None) -> str:
    if value is None:
        return "no target (the reset value)"
    cores = [c.name for c in spec.platform.cpus if route_value(spec, c) == value]
    if spec.platform.gic.version == 2:
        register = f"ITARGETSR byte 0x{1 << value:02x}" if 0 <= value < 8 else "ITARGETSR byte 0x00"
    else:
        register = f"IROUTER {hexaddr(value)}"
    return f"{register} ({'core ' + ', '.join(cores) if cores else 'no core'})"


OBLIGATION = IrqRoute()
