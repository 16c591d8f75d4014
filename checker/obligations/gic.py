"""GIC-INIT and IRQ-ROUTE: the shared distributor over every boot order.

Both use the symbolic boot order of `boot.py`. The queries range over all
boot orders at once; the model values of the positions give the
counterexample's boot order, which the reference model then boots kernel by
kernel (each root task acquiring its SPIs right after its kernel boots).
"""

from __future__ import annotations

import z3

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
    loader = z3.BoolVal(spec.loader_gic_init, s.ctx)
    inits = [order.initialises(k) for k in spec.kernels]
    count = z3.If(loader, 1, 0) + z3.Sum([z3.If(i, 1, 0) for i in inits])
    # In the order a failure is reported: the first clobbering write says most.
    cases = {
        "clobber": s.any_of(
            z3.And(order.pos[k.name] > 0, z3.Or(init, order.disables_spis(k))) for k, init in zip(spec.kernels, inits)
        ),
        "uninitialised": z3.And(
            z3.Not(loader),
            s.any_of(
                z3.And(
                    z3.BoolVal(k.profile.dist_init == "never", s.ctx),
                    s.all_of(order.pos[k.name] < order.pos[j.name] for j in order.initialisers),
                )
                for k in spec.kernels
            ),
        ),
        "twice": count >= 2,
        "never": count == 0,
    }
    violation = z3.And(order.constraint, s.any_of(cases.values()))
    outcome = s.check(violation, {**order.reads(), **cases}, "GIC-INIT")
    if outcome.status == "unknown":
        return [unknown("GIC-INIT", "system", spec.platform.span, outcome)]
    if outcome.status == "unsat":
        return [proved("GIC-INIT", "system", spec.platform.span, "the distributor is initialised once, before any kernel runs")]
    boot = order.order(outcome.values)
    return [_init_failure(spec, boot, next(c for c in cases if outcome.values[c]))]


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
    final state is decided by the latest event of each kind: the SPI is
    enabled iff an owner's acquisition comes after every boot that disables
    it, and routed to owner o iff the latest routing write (loader reset at
    time 0, a kernel's reset at its boot, a routing acquisition) targets a
    core of o. Latest times are solver variables, so the query is linear in
    the number of kernels.
    """
    owners: dict[int, list[Kernel]] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            if k not in owners.setdefault(irq.intid, []):
                owners[irq.intid].append(k)
    results = []
    order = BootOrder(session, spec)
    # SPIs with the same owners, the same routing writes and the same
    # implemented-ness pose the same query: it is asked once per class.
    answers: dict[tuple, Outcome] = {}
    with session.assuming(order.constraint):
        for intid, kernels in sorted(owners.items()):
            key = (
                tuple(k.name for k in kernels),
                tuple(acquire_route_value(spec, k, intid) for k in kernels),
                intid < spec.platform.gic.lines,
            )
            results.append(_route_one(spec, session, order, intid, kernels, answers, key))
    return results


def _route_events(spec: Spec, order: BootOrder, intid: int) -> list[tuple[z3.BoolRef, z3.ArithRef, int | None]]:
    """(happens, time, routing value written) for every write that can route the SPI.

    Kernels whose profile can never reset the distributor contribute no event.
    """
    s = order.s
    events: list[tuple[z3.BoolRef, z3.ArithRef, int | None]] = []
    if spec.loader_gic_init and spec.platform.cpus:
        events.append((s.true(), s.int_num(0), route_value(spec, spec.platform.cpus[0])))
    for k in spec.kernels:
        if k.cores and order.may_initialise(k):
            events.append((order.initialises(k), order.boot_time(k), route_value(spec, k.cores[0])))
    for o in spec.kernels:
        value = acquire_route_value(spec, o, intid)
        if value is not None and any(i.intid == intid for i in o.owned_spis):
            events.append((s.true(), order.acquire_time(o), value))
    return events


def _route_one(spec: Spec, s: Session, order: BootOrder, intid: int, owners: list[Kernel], answers: dict, key: tuple) -> Result:
    subject = spi_subject(intid)
    span = next(i.span for i in owners[0].owned_spis if i.intid == intid)
    implemented = intid < spec.platform.gic.lines
    outcome = answers.get(key)
    if outcome is None:
        outcome = answers[key] = _route_query(spec, s, order, intid, owners, implemented)
    if outcome.status == "unknown":
        return unknown("IRQ-ROUTE", subject, span, outcome)
    if outcome.status == "unsat":
        names = " or ".join(o.name for o in owners)
        return proved("IRQ-ROUTE", subject, span, f"{describe_intid(intid)} always ends at {names}")
    return _route_failure(spec, intid, owners, order.order(outcome.values), span, implemented)


def _route_query(spec: Spec, s: Session, order: BootOrder, intid: int, owners: list[Kernel], implemented: bool) -> Outcome:
    """Is there a boot order after which the SPI is disabled or routed away from an owner?"""
    disabling = [k for k in spec.kernels if order.may_disable(k)]
    disable_at, disable_def = order.latest("last_disable", [(order.disables_spis(k), order.boot_time(k)) for k in disabling])
    enable_at, enable_def = order.latest("last_enable", [(s.true(), order.acquire_time(o)) for o in owners])
    events = _route_events(spec, order, intid)
    bad_owner = []
    defs = [disable_def, enable_def]
    for n, o in enumerate(owners):
        good = {route_value(spec, c) for c in o.cores}
        good_at, good_def = order.latest(f"good_{n}", [(h, t) for h, t, v in events if v in good])
        bad_at, bad_def = order.latest(f"bad_{n}", [(h, t) for h, t, v in events if v not in good])
        defs += [good_def, bad_def]
        bad_owner.append(z3.Not(good_at > bad_at))
    disabled = z3.Or(z3.BoolVal(not implemented, s.ctx), enable_at <= disable_at)
    violation = s.all_of(defs + [z3.Or(disabled, s.any_of(bad_owner))])
    return s.check(violation, {**order.reads(), "disabled": disabled}, f"IRQ-ROUTE {spi_subject(intid)}")


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
