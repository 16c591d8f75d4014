"""IRQ-TRIGGER: no two kernels can race on one GICD_ICFGR word at run time.

One instance, `all`, decided by facts. The entries are the SPIs whose owner
configures a trigger mode at run time (`trigger_config runtime` and a
declared trigger), one GICD_ICFGR read-modify-write each (seL4's
setIRQTrigger), made by kernels that come up (checker/sel4.py). Only SPIs
seL4 accepts count, since it refuses setIRQTrigger above maxIRQ before
touching the register (IRQ-RANGE reports them; found by the differential
test: two kernels' SPI 37 on a 64-line GIC was reported as a race).

Entries are grouped by their GICD_ICFGR word (16 INTIDs each): entries of
different words touch different registers and cannot race, while any two
entries of one word made by two kernels can, because the kernels run on
their own cores at the same time and nothing orders their read-modify-writes
(lemma: grouping by equal keys). One failure per racing kernel pair, shown in
the lowest word they share with their lowest INTIDs there: the first kernel
reads, the second reads, the first writes, the second writes back the word it
read before that write, and the first kernel's configuration is lost.
The cost is linear in the entries, plus one failure per racing pair (at most
120 pairs in a word of 16 INTIDs).
Model: `model/monitors/irq_trigger.py` (trigger-lost).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import EQUAL_KEYS, groups
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.result import Place
from checker.sel4 import comes_up
from checker.obligations.boot_order import boot_steps
from checker.spec import Irq, Kernel, Spec, describe_intid
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

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

Configuration = tuple[Irq, Kernel]

# The interleaving a failure shows: the first kernel's read-modify-write is overtaken.
INTERLEAVING = (("trigger_read", 0), ("trigger_read", 1), ("trigger_write", 0), ("trigger_write", 1))


@frozen
class Race:
    first: Configuration  # its update is lost
    second: Configuration  # writes back a stale word


def runtime_triggers(spec: Spec) -> list[Configuration]:
    """SPIs whose owner configures a trigger mode at run time (one GICD_ICFGR read-modify-write each).

    An SPI a kernel lists twice is configured once, with the first trigger it declares."""
    out = []
    for k in spec.kernels:
        if k.profile.trigger_config != "runtime" or not comes_up(spec, k):
            continue
        first: dict[int, Irq] = {}
        for irq in k.owned_spis:
            if irq.trigger is not None:
                first.setdefault(irq.intid, irq)
        out += [(irq, k) for irq in first.values() if spec.platform.usable(irq.intid)]
    return out


def races(spec: Spec, entries: Sequence[Configuration]) -> list[Race]:
    """One race per pair of kernels sharing a word: their lowest shared word, each kernel's lowest INTID there."""
    order = {id(k): n for n, k in enumerate(spec.kernels)}
    found: dict[tuple[int, int], Race] = {}
    for word, members in sorted(groups(entries, lambda e: e[0].intid // 16).items()):
        lowest: dict[int, Configuration] = {}
        for irq, k in sorted(members, key=lambda e: e[0].intid):
            lowest.setdefault(order[id(k)], (irq, k))
        kernels = sorted(lowest)
        for i, a in enumerate(kernels):
            for b in kernels[i + 1:]:
                found.setdefault((a, b), Race(lowest[a], lowest[b]))
    return [found[pair] for pair in sorted(found)]


class IrqTrigger(Obligation[list[Configuration], Race]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[list[Configuration]]]:
        return [Instance("all", spec.platform.span, runtime_triggers(spec))]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[list[Configuration]]]) -> list[Facts]:
        return [Facts(EQUAL_KEYS, tuple(races(spec, instances[0].item)))]

    def failure(self, spec: Spec, w: Race) -> Failure:
        (irq_i, k_i), (irq_j, k_j) = w.first, w.second
        word = irq_i.intid // 16
        steps = ", ".join(f"{(k_i, k_j)[who].name} {'reads' if op == 'trigger_read' else 'writes'}" for op, who in INTERLEAVING)
        message = (
            f"{describe_intid(irq_i.intid)} of {k_i.name}{at(irq_i.span)} and {describe_intid(irq_j.intid)} of "
            f"{k_j.name}{at(irq_j.span)} share GICD_ICFGR[{word}]: {steps} GICD_ICFGR[{word}]; "
            f"{k_j.name}'s write puts back a stale word and {k_i.name}'s {irq_i.trigger} "
            f"configuration of {describe_intid(irq_i.intid)} is lost"
        )
        cex = {
            "word": word,
            "register": f"GICD_ICFGR[{word}]",
            "interleaving": [{"op": op, "kernel": (k_i, k_j)[who].name, "intid": (irq_i, irq_j)[who].intid} for op, who in INTERLEAVING],
            "lost": {"kernel": k_i.name, "intid": irq_i.intid},
        }
        places = (Place(f"{k_i.name} configures it", irq_i.span), Place(f"{k_j.name} configures it", irq_j.span))
        return Failure(f"{k_i.name},{k_j.name}", message, irq_j.span, cex, places)

    def scenario(self, spec: Spec, w: Race) -> Steps:
        (irq_i, k_i), (irq_j, k_j) = w.first, w.second
        steps = boot_steps(spec, [k_i.name, k_j.name])
        return tuple(steps + [{"op": op, "kernel": (k_i, k_j)[who].name, "intid": (irq_i, irq_j)[who].intid}
                              for op, who in INTERLEAVING])

    def expected(self, spec: Spec, w: Race) -> dict[str, Any]:
        return {"kind": "trigger-lost", "intid": w.first[0].intid, "kernel": w.first[1].name}

    def proved(self, spec: Spec, instance: Instance[list[Configuration]]) -> str:
        return "no two kernels configure triggers in one ICFGR word"


OBLIGATION = IrqTrigger()
