"""What a channel's SGI does on the GIC, as terms: the register write seL4 makes and the cores it reaches.

Shared by IPI-TARGET (does the write reach exactly the receiving core?) and
IPI-UNIQUE (where does each channel's SGI arrive?). `SgiWrite` encodes, as
bit-vector terms, the register write seL4 makes for the sender's raw target
(GICD_SGIR on GICv2, ICC_SGI1R_EL1 on GICv3 with the Aff3 quirk) and the
GIC's rule for which cores such a write reaches; `CoreTables` names "some
core" through one symbolic core index.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from checker.lemmas import EQUAL_KEYS
from checker.query import Query
from checker.sel4 import comes_up, has_cpu_interface, takes_group1_sgis
from checker.obligations.boot_order import boot_steps
from checker.spec import Channel, Spec, default_target

if TYPE_CHECKING:
    from checker.encode import BitVec, Bool, Session


def channel_target(spec: Spec, c: Channel) -> int:
    """The raw target the channel's sender passes (its `target`, else the right one, else 0)."""
    target = c.target if c.target is not None else default_target(spec, c)
    return target if target is not None else 0


def sends(spec: Spec, c: Channel) -> tuple[dict, ...]:
    """Model steps: boot both ends (the receiver first, unless a `boot order` says otherwise: see
    `boot_order.boot_steps`),
    bind the channel's SGI at the receiver, send it once."""
    return tuple(boot_steps(spec, [c.receiver.name, c.sender.name]) + [
        {"op": "bind_channel", "channel": c.name},
        {"op": "send_channel", "channel": c.name},
    ])


class CoreTables:
    """Per-core facts as terms over one symbolic core index `k`, built once per session.

    Every IPI query names "some core" through this one variable, so each
    query has constant size however many cores the platform has. Sharing it
    is sound: separate checks do not constrain each other, and in a batched
    disjunction `exists k. V1(k) or V2(k)` is `(exists k. V1(k)) or (exists k. V2(k))`.
    The tables are if-then-else chains rather than uninterpreted functions:
    that keeps queries in pure bit-vector logic, and the batched IPI-TARGET
    query on 256 cores took 0.4 s this way against 20 s with function tables.
    """

    def __init__(self, s: Session, spec: Spec) -> None:
        cpus = spec.platform.cpus
        self.names = [c.name for c in cpus]
        self.k = s.var("core", 16)
        self.in_range = s.ult(self.k, s.num(len(cpus), 16))
        table = lambda values, bits: s.lookup(self.k, values, bits)  # noqa: E731
        self.target_list_bit = table(
            [1 << (16 + c.gic_cpu) if c.gic_cpu is not None and 0 <= c.gic_cpu < 8 else 0 for c in cpus], 64
        )
        self.aff0_bit = table([1 << (c.mpidr & 0xF) for c in cpus], 64)
        self.range_selector = table([(c.mpidr & 0xFF) >> 4 for c in cpus], 4)
        self.aff1 = table([(c.mpidr >> 8) & 0xFF for c in cpus], 8)
        self.aff2 = table([(c.mpidr >> 16) & 0xFF for c in cpus], 8)
        self.aff3 = table([(c.mpidr >> 32) & 0xFF for c in cpus], 8)


def core_tables(spec: Spec, s: Session) -> CoreTables:
    """The session's tables for `spec` (IPI-TARGET and IPI-UNIQUE share them)."""
    return CoreTables(s, spec)


class SgiWrite:
    """The SGI register write for a raw target, and whether it reaches the core `cores.k`, as terms."""

    def __init__(self, s: Session, spec: Spec, cores: CoreTables, sgi: int, target: int) -> None:
        self.s, self.spec, self.cores = s, spec, cores
        self.t = s.num(target & ((1 << 64) - 1), 64)
        self.sgi = s.num(sgi & 0xF, 64)
        if spec.platform.gic.version == 2:
            # plat_sendSGI: GICD_SGIR = (1 << target) << 16 | irq, accepted only for target < 8.
            self.valid = s.ult(self.t, s.num(8, 64))
            self.value = s.ite(self.valid, (s.num(1, 64) << self.t) << 16 | self.sgi, s.num(0, 64))
            self.register = "GICD_SGIR"
        else:
            t = self.t
            aff0, aff1 = t & 0xFF, s.lshr(t, 8) & 0xFF
            aff2, aff3 = s.lshr(t, 16) & 0xFF, s.lshr(t, 24) & 0xFF
            # plat_SGITargetValid (seL4 14.0 and later): the packed affinity must fit 32 bits.
            self.valid = s.ule(self.t, s.num(0xFFFF_FFFF, 64))
            # seL4 ORs Aff3 in at the Aff2 shift: the Aff3 field [55:48] stays 0.
            written = (
                self.sgi << 24 | s.num(1, 64) << (aff0 & 0xF) | s.lshr(aff0, 4) << 44 | aff1 << 16 | aff2 << 32 | aff3 << 32
            )
            self.value = s.ite(self.valid, written, s.num(0, 64))
            self.register = "ICC_SGI1R_EL1"

    def reaches(self) -> Bool:
        """The write reaches core number `cores.k` (an index into the platform's cpus)."""
        return reaches(self.s, self.spec, self.cores, self.value, self.valid)


def reaches(s: Session, spec: Spec, c: CoreTables, v: BitVec, valid: Bool) -> Bool:
    """An SGI register write of value `v` (made when `valid`) reaches core number `c.k`: the GIC's rule.

    GICv2 GICD_SGIR (filter 00): the CPUTargetList bit of the core's CPU
    interface. GICv3 ICC_SGI1R_EL1 (IRM 0): Aff3, Aff2, Aff1 and RS equal the
    core's, and the TargetList bit of its Aff0 % 16. Nothing is reached when
    seL4 refuses the target (not `valid`): it writes nothing.
    """
    zero = s.num(0, 64)
    if spec.platform.gic.version == 2:
        # CPUTargetList [23:16]: the bit of the core's CPU interface (cores without one: no bit).
        return s.and_(valid, v & c.target_list_bit != zero)
    field = lambda hi, lo: s.extract(hi, lo, v)  # noqa: E731
    return s.and_(
        valid,
        field(55, 48) == c.aff3,
        field(39, 32) == c.aff2,
        field(23, 16) == c.aff1,
        field(47, 44) == c.range_selector,
        v & c.aff0_bit != zero,  # TargetList bit Aff0 % 16
    )


def connected_sender(spec: Spec, c: Channel) -> bool:
    """The sender runs on a core the GIC has a CPU interface for (always on GICv3; a core without one
    on GICv2 writes GICD_SGIR into the void: checker/sel4.py)."""
    return not c.sender.cores or has_cpu_interface(spec, c.sender.cores[0])


def target_class(spec: Spec, c: Channel) -> tuple[int, str | None, bool, bool]:
    """What decides where a channel's SGI goes: its raw target, its receiving core, whether the
    sender's core is connected to the GIC and whether the receiving core takes Group 1 SGIs once
    the channel's two ends have booted, when the sender can first send (lemma: grouping by equal keys).
    A third kernel that would put the core's SGIs into Group 1 may boot later than that.

    Which cores a write reaches depends only on the raw target, not on the
    SGI number, which sits in bits the GIC does not match on.
    """
    receiver = c.receiving_core
    accepts = receiver is not None and takes_group1_sgis(spec, receiver, (c.receiver, c.sender))
    return channel_target(spec, c), receiver.name if receiver is not None else None, connected_sender(spec, c), accepts


class TargetQueries:
    """Per target class: does the write miss the receiving core or reach another one? One query each."""

    def __init__(self, s: Session, spec: Spec) -> None:
        cores = s.once(core_tables, spec)
        k = cores.k
        self.by_class: dict[tuple[int, str | None, bool, bool], Query] = {}
        for c in spec.channels:
            key = target_class(spec, c)
            if key in self.by_class:
                continue
            target, receiver, connected, accepts = key
            write = SgiWrite(s, spec, cores, c.sgi, target)
            index = cores.names.index(receiver) if receiver is not None else -1
            is_receiver = k == s.num(index & 0xFFFF, 16)
            reached = write.reaches() if connected else s.false()
            wrong = s.and_(cores.in_range, s.ite(is_receiver, s.not_(reached), reached))
            # GICv3: ICC_SGI1R_EL1 does not forward the SGI to a receiver where it is in Group 0.
            violation = s.any_of([s.fact(receiver is None or not accepts), wrong])
            self.by_class[key] = Query(violation, {"value": write.value, "valid": write.valid}, EQUAL_KEYS)

    def of(self, spec: Spec, c: Channel) -> Query:
        return self.by_class[target_class(spec, c)]


def target_queries(spec: Spec, s: Session) -> TargetQueries:
    """The session's target queries (IPI-TARGET and IPI-UNIQUE share them, and their answers)."""
    return TargetQueries(s, spec)


def reached_cores(spec: Spec, s: Session, c: Channel) -> tuple[SgiWrite, list[str]]:
    """The channel's SGI write and every core it reaches, enumerated by the solver (Undecided if it gives up)."""
    cores = s.once(core_tables, spec)
    write = SgiWrite(s, spec, cores, c.sgi, channel_target(spec, c))
    if not connected_sender(spec, c):
        return write, []
    return write, enumerate_cores(s, cores, write.reaches(), f"IPI-TARGET {c.name} reach")


def enumerate_cores(s: Session, cores: CoreTables, reached: Bool, label: str) -> list[str]:
    """Every core `cores.k` for which `reached` holds, asked of the solver one by one (Undecided if it gives up)."""
    k = cores.k
    found: list[str] = []
    blocked = [cores.in_range, reached]
    while True:
        answer = s.solve(Query(s.all_of(blocked), {"core": k}, label=label))
        if answer.holds():
            return found
        found.append(cores.names[answer.values["core"]])
        blocked.append(k != s.num(answer.values["core"], 16))


def arrivals(spec: Spec, s: Session) -> list[tuple[int, str]]:
    """(channel index, core) for every core each channel's SGI arrives at, when it can be sent at all.

    A channel whose target query is unsat arrives exactly at its receiving
    core (that is what the query proves); the others are enumerated, and
    keep the cores that take Group 1 SGIs once the channel's two ends have booted.
    Undecided if the solver gives up on any of them.
    """
    queries = s.once(target_queries, spec)
    sendable = [
        (n, c) for n, c in enumerate(spec.channels)
        # A sender that cannot send (no SGISignal, never up, not connected to the GIC) delivers nothing.
        if c.sender.profile.sgi_signal and comes_up(spec, c.sender) and connected_sender(spec, c) and 0 <= c.sgi <= 15
    ]
    answers = s.solve_each([queries.of(spec, c) for _, c in sendable], labels=[f"IPI-TARGET {c.name}" for _, c in sendable])
    out: list[tuple[int, str]] = []
    cpus = {cpu.name: cpu for cpu in spec.platform.cpus}
    for (n, c), answer in zip(sendable, answers):
        if answer.holds():
            out.append((n, c.receiving_core.name))
            continue
        _, hit = reached_cores(spec, s, c)
        out += [(n, core) for core in hit if takes_group1_sgis(spec, cpus[core], (c.receiver, c.sender))]
    return out

