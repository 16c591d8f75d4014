"""IPI-RANGE, IPI-CAP, IPI-TARGET, IPI-UNIQUE, IPI-MAILBOX: SGI channels between kernels.

IPI-TARGET encodes, as bit-vector terms, the register write seL4 makes for
the sender's raw target (GICD_SGIR on GICv2, ICC_SGI1R_EL1 on GICv3 with the
Aff3 quirk) and the GIC's rule for which cores such a write reaches; a
symbolic core index then asks for a core reached that should not be, or the
receiver not reached.
"""

from __future__ import annotations

import z3

from checker.encode import Outcome, Session
from checker.obligations.base import at, failed, hexaddr, obligation, proved, unknown
from checker.obligations.memory import reach_routes
from checker.result import Place, Result
from checker.spec import Channel, Cpu, Spec, default_target

SMP_RESERVED_SGIS = (0, 1)


def _sends(c: Channel) -> list[dict]:
    """Boot both ends, bind the channel's SGI at the receiver, send it once."""
    kernels = list(dict.fromkeys([c.receiver.name, c.sender.name]))
    return [{"op": "boot", "kernel": k} for k in kernels] + [
        {"op": "bind_channel", "channel": c.name},
        {"op": "send_channel", "channel": c.name},
    ]


def _channel_target(spec: Spec, c: Channel) -> int:
    target = c.target if c.target is not None else default_target(spec, c)
    return target if target is not None else 0


# ------------------------------------------------------------------ IPI-RANGE


@obligation("IPI-RANGE", "ipi")
def ipi_range(spec: Spec, session: Session) -> list[Result]:
    """A channel's SGI is 0..15 and not one the receiving smp kernel keeps for itself (0, 1)."""
    results = []
    for c in spec.channels:
        sgi = session.num(c.sgi, 64)
        reserved = z3.And(
            z3.BoolVal(c.receiver.profile.smp, session.ctx), session.any_of(sgi == session.num(r, 64) for r in SMP_RESERVED_SGIS)
        )
        cases = {"range": z3.UGT(sgi, session.num(15, 64)), "reserved": reserved}
        outcome = session.check(session.any_of(cases.values()), dict(cases), f"IPI-RANGE {c.name}")
        if outcome.status == "unknown":
            results.append(unknown("IPI-RANGE", c.name, c.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IPI-RANGE", c.name, c.span, f"SGI {c.sgi} is free at {c.receiver.name}"))
        else:
            if outcome.values["range"]:
                why = f"SGI {c.sgi} does not exist: SGIs are 0..15"
            else:
                why = f"SGI {c.sgi} is reserved by smp kernel {c.receiver.name} (0: remote call, 1: reschedule)"
            cex = {"channel": c.name, "sgi": c.sgi, "receiver": c.receiver.name}
            expect = {"kind": "sgi-unbound", "channel": c.name}
            scenario = [{"op": "boot", "kernel": c.receiver.name}, {"op": "bind_channel", "channel": c.name}]
            results.append(failed("IPI-RANGE", c.name, f"channel {c.name}{at(c.span)}: {why}", c.span, cex, [Place(f"channel {c.name}", c.span)], scenario, expect))
    return results


# ------------------------------------------------------------------ IPI-CAP


@obligation("IPI-CAP", "ipi")
def ipi_cap(spec: Spec, session: Session) -> list[Result]:
    """The sender's kernel lets user level send SGIs (seL4_IRQControl_IssueSGISignal, non-SMP builds)."""
    results = []
    for c in spec.channels:
        can_send = z3.BoolVal(c.sender.profile.sgi_signal, session.ctx)
        outcome = session.check(z3.Not(can_send), {}, f"IPI-CAP {c.name}")
        if outcome.status == "unknown":
            results.append(unknown("IPI-CAP", c.name, c.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IPI-CAP", c.name, c.span, f"{c.sender.name} can send SGIs"))
        else:
            message = (
                f"channel {c.name}{at(c.span)}: sender {c.sender.name} runs profile {c.sender.profile.name} "
                "(sgi_signal no): its user level has no SGISignal capability to send with"
            )
            cex = {"channel": c.name, "kernel": c.sender.name, "missing": "sgi_signal"}
            expect = {"kind": "sgi-misdelivered", "channel": c.name, "reached": []}
            results.append(failed("IPI-CAP", c.name, message, c.span, cex, [Place(f"kernel {c.sender.name}", c.sender.span)], _sends(c), expect))
    return results


# ------------------------------------------------------------------ IPI-TARGET


class _Encoding:
    """The SGI register write for a raw target, and which core index it reaches, as terms.

    Cores are a symbolic index into tables of their affinity fields (GICv3)
    or CPU-interface numbers (GICv2), built once per session, so each
    channel's query has constant size however many cores the platform has.
    """

    def __init__(self, s: Session, spec: Spec, cores: "_CoreTables", sgi: int, target: int) -> None:
        self.s, self.spec, self.cores = s, spec, cores
        self.t = s.num(target & ((1 << 64) - 1), 64)
        self.sgi = s.num(sgi & 0xF, 64)
        if spec.platform.gic.version == 2:
            # plat_sendSGI: GICD_SGIR = (1 << target) << 16 | irq, accepted only for target < 8.
            self.valid = z3.ULT(self.t, s.num(8, 64))
            self.value = z3.If(self.valid, (s.num(1, 64) << self.t) << 16 | self.sgi, s.num(0, 64))
            self.register = "GICD_SGIR"
        else:
            t = self.t
            aff0, aff1 = t & 0xFF, z3.LShR(t, 8) & 0xFF
            aff2, aff3 = z3.LShR(t, 16) & 0xFF, z3.LShR(t, 24) & 0xFF
            # seL4 ORs Aff3 in at the Aff2 shift: the Aff3 field [55:48] stays 0.
            self.value = (
                self.sgi << 24 | s.num(1, 64) << (aff0 & 0xF) | z3.LShR(aff0, 4) << 44 | aff1 << 16 | aff2 << 32 | aff3 << 32
            )
            self.valid = s.true()
            self.register = "ICC_SGI1R_EL1"

    def reaches(self, k: z3.BitVecRef) -> z3.BoolRef:
        """The write reaches core number k (an index into the platform's cpus)."""
        s, v, c = self.s, self.value, self.cores
        assert k is c.k, "reaches() is built on the tables' own core index"
        zero = s.num(0, 64)
        if self.spec.platform.gic.version == 2:
            # CPUTargetList [23:16]: the bit of the core's CPU interface (cores without one: no bit).
            return z3.And(self.valid, v & c.target_list_bit != zero)
        field = lambda hi, lo: z3.Extract(hi, lo, v)  # noqa: E731
        return z3.And(
            field(55, 48) == c.aff3,
            field(39, 32) == c.aff2,
            field(23, 16) == c.aff1,
            field(47, 44) == c.range_selector,
            v & c.aff0_bit != zero,  # TargetList bit Aff0 % 16
        )


class _CoreTables:
    """A core index variable k and, as terms over k, the fields of core k that
    decide whether an SGI write reaches it; built once, shared by every channel."""

    def __init__(self, s: Session, spec: Spec) -> None:
        cpus = spec.platform.cpus
        self.names = [c.name for c in cpus]
        self.k = k = s.var("core", 16)
        self.in_range = z3.ULT(k, s.num(len(cpus), 16))
        gic_bit = lambda c: 1 << (16 + c.gic_cpu) if c.gic_cpu is not None and 0 <= c.gic_cpu < 8 else 0  # noqa: E731
        self.target_list_bit = s.lookup(k, [gic_bit(c) for c in cpus], 64)
        self.aff0_bit = s.lookup(k, [1 << (c.mpidr & 0xF) for c in cpus], 64)
        self.range_selector = s.lookup(k, [(c.mpidr & 0xFF) >> 4 for c in cpus], 4)
        self.aff1 = s.lookup(k, [(c.mpidr >> 8) & 0xFF for c in cpus], 8)
        self.aff2 = s.lookup(k, [(c.mpidr >> 16) & 0xFF for c in cpus], 8)
        self.aff3 = s.lookup(k, [(c.mpidr >> 32) & 0xFF for c in cpus], 8)


def reached_cores(spec: Spec, s: Session, cores: _CoreTables, c: Channel) -> tuple[_Encoding, list[str], Outcome]:
    """The channel's SGI write and every core it reaches, enumerated by the solver."""
    enc = _Encoding(s, spec, cores, c.sgi, _channel_target(spec, c))
    found: list[str] = []
    blocked = [cores.in_range, enc.reaches(cores.k)]
    while True:
        outcome = s.check(s.all_of(blocked), {"core": cores.k}, f"IPI-TARGET {c.name} reach")
        if outcome.status != "sat":
            return enc, found, outcome
        found.append(cores.names[outcome.values["core"]])
        blocked.append(cores.k != s.num(outcome.values["core"], 16))


@obligation("IPI-TARGET", "ipi")
def ipi_target(spec: Spec, session: Session) -> list[Result]:
    """The sender's target reaches the receiving core and no other."""
    results = []
    cores = _CoreTables(session, spec)
    for c in spec.channels:
        receiver = c.receiving_core
        target = _channel_target(spec, c)
        enc = _Encoding(session, spec, cores, c.sgi, target)
        k = cores.k
        index = cores.names.index(receiver.name) if receiver is not None else -1
        is_receiver = k == session.num(index & 0xFFFF, 16)
        wrong = z3.And(cores.in_range, z3.If(is_receiver, z3.Not(enc.reaches(k)), enc.reaches(k)))
        violation = z3.Or(z3.BoolVal(receiver is None, session.ctx), wrong)
        outcome = session.check(violation, {"value": enc.value, "valid": enc.valid}, f"IPI-TARGET {c.name}")
        if outcome.status == "unknown":
            results.append(unknown("IPI-TARGET", c.name, c.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IPI-TARGET", c.name, c.span, f"target {hexaddr(target)} reaches exactly {receiver.name}"))
        else:
            _, hit, _ = reached_cores(spec, session, cores, c)
            results.append(_target_failure(spec, c, target, enc, outcome.values, receiver, hit))
    return results


def _target_failure(spec: Spec, c: Channel, target: int, enc: _Encoding, values: dict, receiver: Cpu | None, hit: list[str]) -> Result:
    value = values["value"]
    written = f"{enc.register} := {hexaddr(value)}" if values["valid"] else f"nothing (seL4_InvalidArgument: target {target} > 7)"
    where = ", ".join(hit) if hit else "no core"
    expected = receiver.name if receiver else "a core of the receiver (it has none)"
    hint = ""
    if spec.platform.gic.version == 3 and receiver is not None and target != receiver.affinity:
        hint = f"; {receiver.name} (MPIDR {hexaddr(receiver.mpidr)}) is target {hexaddr(receiver.affinity)}"
    if spec.platform.gic.version == 2 and receiver is not None and target != receiver.gic_cpu:
        hint = f"; {receiver.name} is CPU interface {receiver.gic_cpu}"
    message = f"channel {c.name}{at(c.span)}: target {hexaddr(target)} writes {written}, which reaches {where}, not {expected}{hint}"
    cex = {"channel": c.name, "target": target, "register": enc.register, "value": value if values["valid"] else None, "reached": hit, "expected": receiver.name if receiver else None}
    expect = {"kind": "sgi-misdelivered", "channel": c.name, "reached": hit}
    return failed("IPI-TARGET", c.name, message, c.span, cex, [Place(f"channel {c.name}", c.span)], _sends(c), expect)


# ------------------------------------------------------------------ IPI-UNIQUE


def _arrivals(spec: Spec, s: Session) -> tuple[list[tuple[int, str]], Outcome | None]:
    """(channel index, core) for every core each channel's SGI arrives at, when it can be sent at all."""
    cores = _CoreTables(s, spec)
    out = []
    for n, c in enumerate(spec.channels):
        if c.sender.profile.sgi_signal and 0 <= c.sgi <= 15:
            _, hit, outcome = reached_cores(spec, s, cores, c)
            if outcome.status == "unknown":
                return out, outcome
            out += [(n, core) for core in hit]
    return out, None


@obligation("IPI-UNIQUE", "ipi")
def ipi_unique(spec: Spec, session: Session) -> list[Result]:
    """No two channels arrive as the same (core, SGI), unless one mailbox with distinct tags tells them apart.

    The arrival cores come from the IPI-TARGET encoding (where the SGI really
    goes); two symbolic arrivals are asked to collide, and each colliding
    channel pair is blocked in turn so that all of them are listed.
    """
    s = session
    channels = spec.channels
    arrivals, gave_up = _arrivals(spec, s)
    if gave_up is not None:
        return [unknown("IPI-UNIQUE", "all", spec.platform.span, gave_up)]
    cores = [cpu.name for cpu in spec.platform.cpus]
    mailboxes = [c.mailbox.name for c in channels if c.mailbox]
    box_index = {name: n + 1 for n, name in enumerate(dict.fromkeys(mailboxes))}
    ch = [a for a, _ in arrivals]
    e1, e2, ordered = s.index_pair(len(arrivals))
    c1, c2 = s.lookup(e1, ch, 16), s.lookup(e2, ch, 16)
    table = lambda values, bits=16: (s.lookup(c1, values, bits), s.lookup(c2, values, bits))  # noqa: E731
    sgi1, sgi2 = table([c.sgi for c in channels])
    box1, box2 = table([box_index.get(c.mailbox.name, 0) if c.mailbox else 0 for c in channels])
    tag1, tag2 = table([c.tag if c.tag is not None else 0 for c in channels], 64)
    core1 = s.lookup(e1, [cores.index(core) for _, core in arrivals], 16)
    core2 = s.lookup(e2, [cores.index(core) for _, core in arrivals], 16)
    told_apart = z3.And(box1 == box2, box1 != s.num(0, 16), tag1 != tag2)
    base = s.all_of([ordered, c1 != c2, core1 == core2, sgi1 == sgi2, z3.Not(told_apart)])
    results: list[Result] = []
    blocked = [base]
    while arrivals:
        outcome = s.check(s.all_of(blocked), {"a": c1, "b": c2, "core": core1}, "IPI-UNIQUE")
        if outcome.status == "unknown":
            results.append(unknown("IPI-UNIQUE", "all", spec.platform.span, outcome))
            break
        if outcome.status == "unsat":
            break
        a, b = sorted((outcome.values["a"], outcome.values["b"]))
        results.append(_unique_failure(spec, channels[a], channels[b], cores[outcome.values["core"]]))
        blocked.append(z3.Not(z3.Or(z3.And(c1 == s.num(a, 16), c2 == s.num(b, 16)), z3.And(c1 == s.num(b, 16), c2 == s.num(a, 16)))))
    if not results:
        results.append(proved("IPI-UNIQUE", "all", spec.platform.span, "every channel arrives as its own (core, SGI)"))
    return results


def _unique_failure(spec: Spec, a: Channel, b: Channel, core: str) -> Result:
    why = "no mailbox tells them apart"
    if a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name:
        why = f"they share mailbox {a.mailbox.name} with the same tag {a.tag}"
    elif a.mailbox or b.mailbox:
        why = "they do not go through the same mailbox"
    message = (
        f"channels {a.name}{at(a.span)} and {b.name}{at(b.span)} both arrive as SGI {a.sgi} on {core}, and the GIC "
        f"does not say who sent an SGI: {why}"
    )
    cex = {"channels": [a.name, b.name], "core": core, "sgi": a.sgi}
    kernels = list(dict.fromkeys([a.receiver.name, a.sender.name, b.receiver.name, b.sender.name]))
    scenario = [{"op": "boot", "kernel": k} for k in kernels]
    scenario += [{"op": "bind_channel", "channel": a.name}]
    scenario += [{"op": "send_channel", "channel": a.name}, {"op": "send_channel", "channel": b.name}, {"op": "deliver"}]
    expect = {"kind": "sgi-merged", "channels": [a.name, b.name]}
    places = [Place(f"channel {a.name}", a.span), Place(f"channel {b.name}", b.span)]
    return failed("IPI-UNIQUE", f"{a.name},{b.name}", message, b.span, cex, places, scenario, expect)


# ------------------------------------------------------------------ IPI-MAILBOX


@obligation("IPI-MAILBOX", "ipi")
def ipi_mailbox(spec: Spec, session: Session) -> list[Result]:
    """The sender may write the mailbox, the receiver read it, and nobody else reach it."""
    return [_mailbox_one(spec, session, c) for c in spec.channels if c.mailbox is not None]


def _mailbox_one(spec: Spec, s: Session, c: Channel) -> Result:
    box = c.mailbox
    users = {k.name for other in spec.channels if other.mailbox and other.mailbox.name == box.name for k in (other.sender, other.receiver)}
    x = s.addr("x")
    in_box = s.inside(x, box.region.base, box.region.size)
    cases: dict[str, z3.BoolRef] = {
        "sender": z3.BoolVal(box.mode_of(c.sender.name) != "rw", s.ctx),
        "receiver": z3.BoolVal(box.mode_of(c.receiver.name) not in ("r", "rw"), s.ctx),
    }
    outsiders = [k for k in spec.kernels if k.name not in users]
    for k in outsiders:
        listed = z3.BoolVal(box.mode_of(k.name) is not None, s.ctx)
        cases[f"kernel {k.name}"] = z3.Or(listed, z3.And(in_box, s.any_of(reach_routes(spec, k, s, x).values())))
    outcome = s.check(s.any_of(cases.values()), dict(cases), f"IPI-MAILBOX {c.name}")
    if outcome.status == "unknown":
        return unknown("IPI-MAILBOX", c.name, c.span, outcome)
    if outcome.status == "unsat":
        return proved("IPI-MAILBOX", c.name, c.span, f"mailbox {box.name} is private to its channels")
    case = next(k for k in cases if outcome.values[k])
    places = [Place(f"channel {c.name}", c.span), Place(f"shared region {box.name}", box.span)]
    if case in ("sender", "receiver"):
        kernel = c.sender if case == "sender" else c.receiver
        access, need = ("write", "rw") if case == "sender" else ("read", "r or rw")
        mode = box.mode_of(kernel.name)
        message = (
            f"channel {c.name}{at(c.span)}: {case} {kernel.name} must be listed {need} on mailbox {box.name}{at(box.span)} "
            f"to {access} it, but is listed {mode or 'not at all'}"
        )
        cex = {"channel": c.name, "mailbox": box.name, "kernel": kernel.name, "access": access}
        expect = {"kind": "mailbox-access", "channel": c.name, "kernel": kernel.name, "access": access}
        return failed("IPI-MAILBOX", c.name, message, c.span, cex, places, _sends(c), expect)
    kernel = case.removeprefix("kernel ")
    mode = box.mode_of(kernel)
    how = f"it is listed {mode} on it" if mode else "its device untypeds cover it"
    message = (
        f"channel {c.name}{at(c.span)}: kernel {kernel}, which uses no channel of mailbox {box.name}{at(box.span)}, "
        f"can access it: {how}"
    )
    cex = {"channel": c.name, "mailbox": box.name, "kernel": kernel, "access": "outsider"}
    expect = {"kind": "mailbox-exposed", "mailbox": box.name, "kernel": kernel}
    # The outsider reads the mailbox: the trace shows the route it takes.
    scenario = [{"op": "access", "kernel": kernel, "address": box.region.base, "write": False}]
    return failed("IPI-MAILBOX", c.name, message, c.span, cex, places, scenario, expect)
