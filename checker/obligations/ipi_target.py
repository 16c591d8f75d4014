"""IPI-TARGET: the sender's target reaches the receiving core and no other.

Instances: every channel. Channels with the same raw target and receiving
core pose the same question (lemma: grouping by equal keys): one query per
class, `sgi.TargetQueries`, over the SGI write seL4 makes for the target
and one symbolic core index: a core reached that should not be, or the
receiver not reached (or no receiving core at all, or, GICv3, a receiving
core where nobody put the SGI into Group 1: checker/sel4.py).

Witness: the channel's own register write (its SGI number included) and
every core it reaches, enumerated by the solver.
Model: `model/monitors/ipi_target.py` (sgi-misdelivered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.obligations.base import Entry, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import channel_target, connected_sender, reached_cores, sends, target_queries
from checker.query import Query
from checker.result import Place
from checker.sel4 import group1_owner, takes_group1_sgis
from checker.spec import Channel, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IPI-TARGET",
    "SGIs reach exactly their receiver",
    "The target the sender encodes is delivered to exactly the receiving core, and that core exists "
    "(on GICv3 with the SGI in Group 1 there: ICC_SGI1R_EL1 forwards nothing else).",
    "the GICD_SGIR / ICC_SGI1R_EL1 value written and the cores it reaches",
    (
        "GICv2: the target is the CPU-interface number (`gic_cpu`), not the MPIDR.",
        "GICv3: the target is the affinity Aff3.Aff2.Aff1.Aff0; on Cortex-A55 core n is 0x{n}00.",
        "Omit `target` to let pcheck use the right value (`checker.default_target`).",
        "GICv3 without firmware that puts SGIs into Group 1 (QEMU): add `loader { group1 }`.",
    ),
    family="ipi",
)


@frozen
class Misdelivered:
    channel: Channel
    target: int
    register: str
    value: int | None  # None: seL4 refuses the target and writes nothing
    reached: tuple[str, ...]  # where the SGI becomes pending when only the channel's two ends have booted
    connected: bool = True  # the sender's core has a GIC CPU interface (GICv2)
    named: tuple[str, ...] = ()  # the cores the write names, whatever their group
    accepts: bool = True  # the receiving core takes Group 1 SGIs (GICv3)


class IpiTarget(Obligation[Channel, Misdelivered]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Channel]]:
        return [Instance(c.name, c.span, c) for c in spec.channels]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Channel]]) -> list[Query]:
        queries = session.once(target_queries, spec)
        return [queries.of(spec, i.item) for i in instances]

    def witnesses(self, spec: Spec, session: Session, instance: Instance[Channel], values: Mapping[str, int]) -> list[Misdelivered]:
        c = instance.item
        write, hit = reached_cores(spec, session, c)
        valid = session.constant(write.valid) is True
        value = session.evaluate(write.value) if valid else None
        cpus = {cpu.name: cpu for cpu in spec.platform.cpus}
        ends = (c.receiver, c.sender)  # what the replay boots (`sends`)
        reached = tuple(core for core in hit if takes_group1_sgis(spec, cpus[core], ends))
        receiver = c.receiving_core
        accepts = receiver is not None and takes_group1_sgis(spec, receiver, ends)
        return [Misdelivered(c, channel_target(spec, c), write.register, value, reached, connected_sender(spec, c),
                             tuple(hit), accepts)]

    def failure(self, spec: Spec, w: Misdelivered) -> Failure:
        c, target, receiver = w.channel, w.target, w.channel.receiving_core
        limit = "7" if spec.platform.gic.version == 2 else "0xffff_ffff (32 bits)"
        written = f"{w.register} := {hexaddr(w.value)}" if w.value is not None else f"nothing (seL4_InvalidArgument: target {hexaddr(target)} > {limit})"
        where = ", ".join(w.named) if w.named else "no core"
        expected = receiver.name if receiver else "a core of the receiver (it has none)"
        hint = ""
        if spec.platform.gic.version == 3 and receiver is not None and target != receiver.affinity:
            hint = f"; {receiver.name} (MPIDR {hexaddr(receiver.mpidr)}) is target {hexaddr(receiver.affinity)}"
        if spec.platform.gic.version == 2 and receiver is not None and target != receiver.gic_cpu:
            hint = f"; {receiver.name} is CPU interface {receiver.gic_cpu}"
        if not w.connected:
            hint = f"; the sender's core {c.sender.cores[0].name} has no GICv2 CPU interface (gic_cpu {c.sender.cores[0].gic_cpu}), so its SGIs reach nothing"
        message = f"channel {c.name}{at(c.span)}: target {hexaddr(target)} writes {written}, which reaches {where}, not {expected}{hint}"
        if receiver is not None and not w.accepts and receiver.name in w.named and len(w.named) == 1:
            message = (f"channel {c.name}{at(c.span)}: target {hexaddr(target)} writes {written}, which names {receiver.name}, "
                       f"but SGI {c.sgi} stays in Group 0 there (GICR_IGROUPR0) and ICC_SGI1R_EL1 forwards only Group 1 "
                       f"SGIs; {group1_owner(spec, sgi=True)}")
        cex = {"channel": c.name, "target": target, "register": w.register, "value": w.value, "reached": list(w.reached),
               "expected": receiver.name if receiver else None}
        if w.named != w.reached:  # GICv3: cores the write names where the SGI is in Group 0
            cex["named"] = list(w.named)
        return Failure(c.name, message, c.span, cex, (Place(f"channel {c.name}", c.span),))

    def scenario(self, spec: Spec, w: Misdelivered) -> Steps:
        return sends(spec, w.channel)

    def expected(self, spec: Spec, w: Misdelivered) -> dict[str, Any]:
        return {"kind": "sgi-misdelivered", "channel": w.channel.name, "reached": list(w.reached)}

    def proved(self, spec: Spec, instance: Instance[Channel]) -> str:
        c = instance.item
        return f"target {hexaddr(channel_target(spec, c))} reaches exactly {c.receiving_core.name}"


OBLIGATION = IpiTarget()
