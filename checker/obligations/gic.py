"""GIC-INIT and IRQ-ROUTE: the shared distributor over every boot order.

Both use the symbolic boot order of `boot.py`. The queries range over all
boot orders at once; the model values of the positions give the
counterexample's boot order, which the reference model then boots kernel by
kernel (each root task acquiring its SPIs right after its kernel boots).
"""

from __future__ import annotations

import z3

from checker.data import frozen
from checker.encode import Outcome, Session
from checker.obligations.base import at, failed, hexaddr, obligation, proved, unknown
from checker.obligations.boot import BootOrder, boot_initialises
from checker.result import Place, Result
from checker.spec import Cpu, Kernel, Spec, describe_intid, spi_subject


def startup_scenario(spec: Spec, order: list[str]) -> list[dict]:
    """Boot each kernel in order; right after its boot, its root task acquires every SPI it owns."""
    steps: list[dict] = []
    for name in order:
        kernel = spec.kernel(name)
        steps.append({"op": "boot", "kernel": name})
        for intid in dict.fromkeys(irq.intid for irq in kernel.owned_spis):
            steps.append({"op": "acquire_irq", "kernel": name, "intid": intid})
    return steps


# ------------------------------------------------------------------ GIC-INIT


@obligation("GIC-INIT", "gic")
def gic_init(spec: Spec, session: Session) -> list[Result]:
    """One initialisation, before any kernel runs, and no distributor-wide write once a kernel is live.

    Violations, for some boot order: nobody initialises the distributor; a
    kernel that does not initialise it boots before anyone did; it is
    initialised twice; or a kernel that is not first to boot resets it or
    masks every line (`boot_mask all`), while the earlier kernels are live.
    """
    if not spec.kernels:
        return [proved("GIC-INIT", "system", spec.platform.span, "no kernel boots")]
    s = session
    order = BootOrder(s, spec)
    loader = s.fact(spec.loader_gic_init)
    inits = [order.initialises(k) for k in spec.kernels if order.may_initialise(k)]
    # A chain of binary additions: SMT-LIB has no unary `+` (cvc5 rejects what z3.Sum prints for one term).
    count = z3.If(loader, s.int_num(1), s.int_num(0))
    for init in inits:
        count = count + z3.If(init, s.int_num(1), s.int_num(0))
    # In the order a failure is reported: the first clobbering write says most.
    cases = {
        "clobber": s.any_of(
            z3.And(z3.Not(order.boots_first(k)), order.disables_spis(k)) for k in spec.kernels if order.may_disable(k)
        ),
        "uninitialised": z3.And(
            z3.Not(loader),
            s.any_of(order.boots_before_initialiser(k) for k in spec.kernels if k.profile.dist_init == "never" and k.cores),
        ),
        "twice": count >= 2,
        "never": z3.And(count == 0, s.fact(any(k.cores for k in spec.kernels))),
    }
    violation = z3.And(order.constraint, s.any_of(cases.values()))
    outcome = _readable(s, order, violation, {**order.reads(), **cases}, "GIC-INIT")
    if outcome.status == "unknown":
        return [unknown("GIC-INIT", "system", spec.platform.span, outcome)]
    if outcome.status == "unsat":
        return [proved("GIC-INIT", "system", spec.platform.span, "the distributor is initialised once, before any kernel runs")]
    boot = order.order(outcome.values)
    return [_init_failure(spec, boot, next(c for c in cases if outcome.values[c]))]


def _readable(s: Session, order: BootOrder, violation: z3.BoolRef, reads: dict, label: str) -> Outcome:
    """The answer to `violation`, with the declaration order as the failing boot
    order when it is one (it reads most naturally), else the solver's choice."""
    outcome = s.check(violation, reads, label)
    if outcome.status != "sat" or order.spec.boot_order is not None:
        return outcome
    declared = s.check(s.all_of([violation, order.declared()]), reads, f"{label} in declaration order")
    return declared if declared.status == "sat" else outcome


def _init_failure(spec: Spec, boot: list[str], case: str) -> Result:
    initialised = boot_initialises(spec, boot)
    initialisers = (["the loader"] if spec.loader_gic_init else []) + [k for k in boot if initialised[k]]
    order_words = " -> ".join(boot)
    culprit = None
    if case == "never":
        what = "nothing initialises the distributor: no `loader { gic_init }` and every kernel has `dist_init never`"
    elif case == "uninitialised":
        culprit = next(k for k in boot if spec.kernel(k).profile.dist_init == "never")
        what = f"{culprit} boots before anyone initialised the distributor"
    elif case == "twice":
        what = f"the distributor is initialised {len(initialisers)} times, by {', '.join(initialisers)}"
        culprit = next((k for k in boot if initialised[k] and (spec.loader_gic_init or boot.index(k) > 0 or initialisers.index(k) > 0)), None)
    else:
        culprit = next(k for k in boot[1:] if initialised[k] or spec.kernel(k).profile.boot_mask == "all")
        live = ", ".join(boot[: boot.index(culprit)])
        write = (
            "GICD_CTLR := 0 (distributor reset, every SPI disabled and routed to itself)"
            if initialised[culprit]
            else "GICD_ICENABLER := 0xffffffff (boot_mask all: every SPI masked)"
        )
        what = f"{culprit} boot: {write} while {live} {'is' if ',' not in live else 'are'} live"
    kernel = spec.kernel(culprit) if culprit else None
    message = f"boot order {order_words}: {what}"
    cex = {"boot_order": boot, "problem": case, "kernel": culprit, "initialisers": initialisers}
    places = [Place(f"kernel {k}", spec.kernel(k).span) for k in boot]
    scenario = [{"op": "boot", "kernel": k} for k in boot]
    expect = {"kind": "dist-clobber", "kernel": culprit} if case == "clobber" else {"kind": "dist-init", "problem": case}
    return failed("GIC-INIT", "system", message, kernel.span if kernel else spec.platform.span, cex, places, scenario, expect)


# ------------------------------------------------------------------ IRQ-ROUTE


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


def _describe_route(spec: Spec, value: int | None) -> str:
    if value is None:
        return "no target (the reset value)"
    cores = [c.name for c in spec.platform.cpus if route_value(spec, c) == value]
    if spec.platform.gic.version == 2:
        register = f"ITARGETSR byte 0x{1 << value:02x}" if 0 <= value < 8 else "ITARGETSR byte 0x00"
    else:
        register = f"IROUTER {hexaddr(value)}"
    return f"{register} ({'core ' + ', '.join(cores) if cores else 'no core'})"


@obligation("IRQ-ROUTE", "gic")
def irq_route(spec: Spec, session: Session) -> list[Result]:
    """For every boot order, every owned SPI ends enabled and routed only to its owner.

    Schedule: each kernel's root task acquires its SPIs right after its kernel
    boots. That is the worst case for every SPI: an acquisition touches only
    its own SPI (enable, and route if the profile can), so acquiring later
    could only undo, never cause, the damage later boots do. Per SPI the
    final state is decided by the last write of each kind: the SPI is
    enabled iff an owner's acquisition comes after every boot that disables
    it, and routed to owner o iff the last routing write (the loader's reset
    first, a kernel's reset at its boot, a routing acquisition) targets a
    core of o. See `_route_violation` for the encoding; it is linear in the
    number of kernels for each owner's routing write.
    """
    owners: dict[int, list[Kernel]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            if k not in owners.setdefault(irq.intid, []):
                owners[irq.intid].append(k)
    order = BootOrder(session, spec)
    resets = _Resets(spec, order)
    classes: dict[tuple, tuple[int, z3.BoolRef]] = {}
    for intid, kernels in sorted(owners.items()):
        key = _route_class(spec, intid, kernels)
        if key not in classes:
            classes[key] = (intid, _route_violation(spec, session, order, resets, intid, kernels, key[2]))
    # Taken after the queries are built: it holds the definitions they use.
    answers: dict[tuple, Outcome] = {}
    with session.assuming(session.all_of([order.constraint, resets.table])):
        for key, (intid, violation) in classes.items():
            answers[key] = _readable(session, order, violation, order.reads(), f"IRQ-ROUTE {spi_subject(intid)}")
    return [
        _route_result(spec, order, intid, kernels, answers[_route_class(spec, intid, kernels)])
        for intid, kernels in sorted(owners.items())
    ]


def _route_class(spec: Spec, intid: int, owners: list[Kernel]) -> tuple:
    """SPIs with the same owners, the same routing writes and the same implemented-ness pose the same query."""
    return (
        tuple(k.name for k in owners),
        tuple(acquire_route_value(spec, k, intid) for k in owners),
        intid < spec.platform.gic.lines,
    )


# Up to this many candidate kernels, "some later kernel does X" is written out
# as a disjunction; beyond it, as one fresh kernel index (constant size, but
# harder for the solver to refute).
EXPLICIT_LIMIT = 16


@frozen
class _Write:
    """A write that can route an SPI: the loader's reset, a kernel's reset at boot, an owner's acquisition."""

    kind: str  # "loader" | "reset" | "acquire"
    kernel: Kernel | None
    value: int | None


class _Resets:
    """Every kernel's distributor reset as a function of its index, for "some later reset" in constant size."""

    def __init__(self, spec: Spec, order: BootOrder) -> None:
        s = order.s
        self.order = order
        self.spec = spec
        self.value_of = z3.Function("reset_route_of", z3.BitVecSort(16, s.ctx), z3.IntSort(s.ctx))
        self.count = 0  # fresh kernel indices made by `later_bad_reset`

    @property
    def table(self) -> z3.BoolRef:
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

    def later_bad_reset(self, after: _Write, good: set[int]) -> z3.BoolRef:
        """Some kernel resets the distributor after `after`, routing the SPI outside `good`."""
        order, s = self.order, self.order.s
        candidates = [k for k in self.spec.kernels if k.cores and order.may_initialise(k) and route_value(self.spec, k.cores[0]) not in good]
        if len(candidates) <= EXPLICIT_LIMIT:
            return s.any_of(
                z3.And(order.initialises(k), order.before(after.kernel, k) if after.kind != "loader" else s.true())
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


def _happens(order: BootOrder, w: _Write) -> z3.BoolRef:
    return order.initialises(w.kernel) if w.kind == "reset" else order.s.true()


def _acquire_after(order: BootOrder, a: Kernel, w: _Write) -> z3.BoolRef:
    """Kernel a's acquisition comes after write w."""
    if w.kind == "loader":
        return order.s.true()
    if w.kernel is a:
        return order.s.true() if w.kind == "reset" else order.s.false()
    return order.before(w.kernel, a)


def _route_violation(spec: Spec, s: Session, order: BootOrder, resets: _Resets, intid: int, owners: list[Kernel], implemented: bool) -> z3.BoolRef:
    """A boot order after which the SPI is disabled or routed away from an owner.

    The SPI ends disabled iff every owner's acquisition is followed by a boot
    that disables it; it ends routed away from owner o iff every write that
    would route it to o either does not happen or is followed by one that
    routes it elsewhere. "Followed by some boot or reset" is a fresh kernel
    index constrained through the per-kernel functions of `BootOrder`, so the
    query has constant size per owner and routing write, whatever the number
    of kernels. With few candidate kernels the disjunction is written out instead.
    """
    disablers = []
    candidates = [k for k in spec.kernels if order.may_disable(k)]
    for n, o in enumerate(owners):
        if len(candidates) <= EXPLICIT_LIMIT:
            disablers.append(s.any_of(z3.And(order.disables_spis(k), order.before(o, k)) for k in candidates if k is not o))
            continue
        k, named = order.kernel_var(f"disabler_{n}")
        disablers.append(z3.And(named, order.disables_of(k), k != order.idx(o), order.before_index(order.idx(o), k)))
    disabled = z3.Or(s.fact(not implemented), s.all_of(disablers))
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
            overridden.append(z3.Or(z3.Not(_happens(order, w)), s.any_of(later_bad)))
        misrouted.append(s.all_of(overridden))
    return s.any_of([disabled, s.any_of(misrouted)])


def _route_result(spec: Spec, order: BootOrder, intid: int, owners: list[Kernel], outcome: Outcome) -> Result:
    subject = spi_subject(intid)
    span = next(i.span for i in owners[0].owned_spis if i.intid == intid)
    if outcome.status == "unknown":
        return unknown("IRQ-ROUTE", subject, span, outcome)
    if outcome.status == "unsat":
        names = " or ".join(o.name for o in owners)
        return proved("IRQ-ROUTE", subject, span, f"{describe_intid(intid)} always ends at {names}")
    return _route_failure(spec, intid, owners, order.order(outcome.values), span, intid < spec.platform.gic.lines)


def final_route(spec: Spec, intid: int, boot: list[str]) -> tuple[bool, int | None, str]:
    """Enabled?, routing value and who wrote it last, replaying the schedule of `irq_route` in Python (for messages)."""
    initialised = boot_initialises(spec, boot)
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


def _route_failure(spec: Spec, intid: int, owners: list[Kernel], boot: list[str], span, implemented: bool) -> Result:
    enabled, value, writer = final_route(spec, intid, boot)
    owner_names = ", ".join(o.name for o in owners)
    if not implemented:
        state = f"it is not implemented (lines {spec.platform.gic.lines}), so it can never be enabled"
    else:
        state = f"it ends {'enabled' if enabled else 'disabled'}, routed by {writer} to {_describe_route(spec, value)}"
    message = f"boot order {' -> '.join(boot)}: {describe_intid(intid)} of {owner_names}{at(span)}: {state}"
    cex = {"intid": intid, "spi": intid - 32, "boot_order": boot, "owners": [o.name for o in owners], "enabled": enabled, "route": value}
    places = [Place(f"{o.name} owns it", next(i.span for i in o.owned_spis if i.intid == intid)) for o in owners]
    expect = {"kind": "spi-misrouted", "intid": intid}
    return failed("IRQ-ROUTE", spi_subject(intid), message, span, cex, places, startup_scenario(spec, boot), expect)
