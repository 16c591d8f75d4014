"""IRQ-TRIGGER: no two kernels can race on one GICD_ICFGR word at run time.

One instance, `all`. The entries are the SPIs whose owner configures a
trigger mode at run time (`trigger_config runtime` and a declared trigger),
one GICD_ICFGR read-modify-write each; only SPIs that exist count, since
seL4 refuses setIRQTrigger above maxIRQ before touching the register
(IRQ-RANGE reports them; found by the differential test: two kernels' SPI 37
on a 64-line GIC was reported as a race). Fewer than two entries cannot race
(lemma: concrete arithmetic).

The query looks for a pair of entries (i, j) of different kernels in the same
word (16 INTIDs each) and times r_i < w_i and r_j < w_j (read and write of
each read-modify-write, all distinct) such that one write lands between the
other's read and write: the later write then puts back a stale word and the
earlier kernel's update is lost. Pairs are symbolic indices; each kernel pair
found is blocked and the query repeated, so every racing kernel pair is a
failure of its own.
Model: `model/monitors/irq_trigger.py` (trigger-lost).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.query import Query
from checker.result import Place
from checker.spec import MAX_INTID, Irq, Kernel, Spec, describe_intid
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Bool, Session

ENTRY = Entry(
    "IRQ-TRIGGER",
    "trigger configuration cannot be lost",
    "No two kernels configure trigger modes at run time on SPIs that share one GICD_ICFGR word (16 "
    "INTIDs per word), which would lose an update.",
    "the interleaving of reads and writes that loses it",
    (
        "Move one SPI to another ICFGR word (INTIDs 16k .. 16k+15 share word k).",
        "Configure triggers once in the loader (`trigger_config loader`).",
    ),
    family="ownership",
)

Entry_ = tuple[Irq, Kernel]


@frozen
class Race:
    first: Entry_
    second: Entry_
    times: tuple[int, int, int, int]  # read_i, write_i, read_j, write_j
    first_lost: bool


def runtime_triggers(spec: Spec) -> list[Entry_]:
    """SPIs whose owner configures a trigger mode at run time (one GICD_ICFGR read-modify-write each)."""
    lines = spec.platform.gic.lines
    return [
        (irq, k)
        for k in spec.kernels
        if k.profile.trigger_config == "runtime"
        for irq in k.owned_spis
        if irq.trigger is not None and irq.intid < lines and irq.intid <= MAX_INTID
    ]


class _Encoding:
    """The race query's terms over symbolic entry indices i < j."""

    def __init__(self, s: Session, spec: Spec, entries: list[Entry_]) -> None:
        kernels = list(spec.kernels)
        self.owners = [kernels.index(k) for _, k in entries]
        words = [irq.intid // 16 for irq, _ in entries]
        self.i, self.j = s.var("i", 16), s.var("j", 16)
        ordered = s.all_of([s.ult(self.i, self.j), s.ult(self.j, s.num(len(entries), 16))])
        self.ki, self.kj = s.lookup(self.i, self.owners, 16), s.lookup(self.j, self.owners, 16)
        r_i, w_i, r_j, w_j = (s.int_var(n) for n in ("read_i", "write_i", "read_j", "write_j"))
        self.lost_i = s.all_of([r_j < w_i, w_i < w_j])  # j read before i wrote, and wrote after: i's update is gone
        lost_j = s.all_of([r_i < w_j, w_j < w_i])
        self.base = s.all_of([
            ordered,
            s.eq(s.lookup(self.i, words, 16), s.lookup(self.j, words, 16)),
            self.ki != self.kj,
            r_i < w_i,
            r_j < w_j,
            s.distinct(r_i, w_i, r_j, w_j),
            s.any_of([self.lost_i, lost_j]),
        ])
        self.reads = {"i": self.i, "j": self.j, "r_i": r_i, "w_i": w_i, "r_j": r_j, "w_j": w_j, "lost_i": self.lost_i}

    def not_pair(self, s: Session, a: int, b: int) -> Bool:
        """The entries are not of kernels a and b (either way round)."""
        this = s.all_of([s.eq(self.ki, s.num(a, 16)), s.eq(self.kj, s.num(b, 16))])
        other = s.all_of([s.eq(self.ki, s.num(b, 16)), s.eq(self.kj, s.num(a, 16))])
        return s.not_(s.any_of([this, other]))


def _encoding(spec: Spec, s: Session) -> _Encoding:
    return _Encoding(s, spec, runtime_triggers(spec))


class IrqTrigger(Obligation[list[Entry_], Race]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[list[Entry_]]]:
        return [Instance("all", spec.platform.span, runtime_triggers(spec))]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[list[Entry_]]]) -> list[Facts | Query]:
        if len(instances[0].item) < 2:
            return [Facts(CONCRETE)]
        enc = session.once(_encoding, spec)
        return [Query(enc.base, enc.reads, label="IRQ-TRIGGER")]

    def witnesses(self, spec: Spec, session: Session, instance: Instance[list[Entry_]], values: Mapping[str, int]) -> list[Race]:
        entries = instance.item
        enc = session.once(_encoding, spec)
        found, blocked = [], [enc.base]
        while True:
            v = values
            found.append(Race(entries[v["i"]], entries[v["j"]], (v["r_i"], v["w_i"], v["r_j"], v["w_j"]), bool(v["lost_i"])))
            # One failure per kernel pair: block every entry pair of these two kernels.
            blocked.append(enc.not_pair(session, enc.owners[v["i"]], enc.owners[v["j"]]))
            answer = session.solve(Query(session.all_of(blocked), enc.reads, label="IRQ-TRIGGER"))
            if answer.holds():
                return found
            values = answer.values

    def failure(self, spec: Spec, w: Race) -> Failure:
        (irq_i, k_i), (irq_j, k_j) = w.first, w.second
        events = _events(w)
        victim, winner = (w.first, w.second) if w.first_lost else (w.second, w.first)
        word = irq_i.intid // 16
        steps = ", ".join(f"{k.name} {'reads' if op == 'trigger_read' else 'writes'}" for _, op, k, _ in events)
        message = (
            f"{describe_intid(irq_i.intid)} of {k_i.name}{at(irq_i.span)} and {describe_intid(irq_j.intid)} of "
            f"{k_j.name}{at(irq_j.span)} share GICD_ICFGR[{word}]: {steps} GICD_ICFGR[{word}]; "
            f"{winner[1].name}'s write puts back a stale word and {victim[1].name}'s {victim[0].trigger} "
            f"configuration of {describe_intid(victim[0].intid)} is lost"
        )
        pair = _pair(spec, w)
        cex = {
            "word": word,
            "register": f"GICD_ICFGR[{word}]",
            "interleaving": [{"op": op, "kernel": k.name, "intid": irq.intid} for _, op, k, irq in events],
            "lost": {"kernel": victim[1].name, "intid": victim[0].intid},
        }
        places = (Place(f"{k_i.name} configures it", irq_i.span), Place(f"{k_j.name} configures it", irq_j.span))
        return Failure(f"{pair[0].name},{pair[1].name}", message, irq_j.span, cex, places)

    def scenario(self, spec: Spec, w: Race) -> Steps:
        steps = [{"op": "boot", "kernel": k.name} for k in _pair(spec, w)]
        return tuple(steps + [{"op": op, "kernel": k.name, "intid": irq.intid} for _, op, k, irq in _events(w)])

    def expected(self, spec: Spec, w: Race) -> dict[str, Any]:
        victim = w.first if w.first_lost else w.second
        return {"kind": "trigger-lost", "intid": victim[0].intid, "kernel": victim[1].name}

    def proved(self, spec: Spec, instance: Instance[list[Entry_]]) -> str:
        return "no two kernels configure triggers in one ICFGR word"


def _events(w: Race) -> list[tuple[int, str, Kernel, Irq]]:
    (irq_i, k_i), (irq_j, k_j) = w.first, w.second
    r_i, w_i, r_j, w_j = w.times
    return sorted(
        [(r_i, "trigger_read", k_i, irq_i), (w_i, "trigger_write", k_i, irq_i), (r_j, "trigger_read", k_j, irq_j), (w_j, "trigger_write", k_j, irq_j)],
        key=lambda e: e[0],
    )


def _pair(spec: Spec, w: Race) -> list[Kernel]:
    return sorted([w.first[1], w.second[1]], key=lambda k: spec.kernels.index(k))


OBLIGATION = IrqTrigger()
