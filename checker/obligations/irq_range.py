"""IRQ-RANGE: every SPI the spec names exists on this GIC: below `lines` and at most INTID 1019.

Instances: every SPI the spec names (device interrupts and kernels' own
`irq` lines), and only SPIs: a channel's SGI number is IPI-RANGE's, and
PPIs are banked per core and never routed. Decided by facts (lemma:
concrete arithmetic on the INTID).
Model: `model/monitors/irq_range.py` (spi-range).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.result import Place
from checker.spec import MAX_INTID, Irq, Spec, describe_intid, spi_subject, spis_in_spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IRQ-RANGE",
    "interrupt numbers exist",
    "Every SPI the spec names (on a device or a kernel's `irq` line) is below the GIC's `lines` and "
    "at most INTID 1019. Channel SGIs are checked by IPI-RANGE.",
    "the SPI",
    (
        "Device-tree SPI numbers are INTID - 32: `spi 27` is INTID 59.",
        "Check `lines` against GICD_TYPER.ITLinesNumber: lines = 32 x (ITLinesNumber + 1).",
    ),
    family="ownership",
)


@frozen
class Missing:
    irq: Irq
    lines: int
    beyond_limit: bool  # above INTID 1019, rather than beyond `lines`


class IrqRange(Obligation[Irq, Missing]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Irq]]:
        return [Instance(spi_subject(i), irq.span, irq) for i, irq in spis_in_spec(spec).items()]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Irq]]) -> list[Facts]:
        lines = spec.platform.gic.lines
        out = []
        for instance in instances:
            intid = instance.item.intid
            bad = intid >= lines or intid > MAX_INTID
            out.append(Facts(CONCRETE, (Missing(instance.item, lines, intid > MAX_INTID),) if bad else ()))
        return out

    def failure(self, spec: Spec, w: Missing) -> Failure:
        intid, subject = w.irq.intid, spi_subject(w.irq.intid)
        why = (
            f"INTIDs above {MAX_INTID} are special or unsupported by seL4"
            if w.beyond_limit
            else f"the GIC implements INTIDs 0..{w.lines - 1} (lines {w.lines})"
        )
        message = f"{describe_intid(intid)}{at(w.irq.span)} does not exist: {why}"
        cex = {"intid": intid, "spi": intid - 32, "lines": w.lines}
        return Failure(subject, message, w.irq.span, cex, (Place(subject, w.irq.span),))

    def expected(self, spec: Spec, w: Missing) -> dict[str, Any]:
        return {"kind": "spi-range", "intid": w.irq.intid}

    def proved(self, spec: Spec, instance: Instance[Irq]) -> str:
        return f"{describe_intid(instance.item.intid)} exists on this GIC"


OBLIGATION = IrqRange()
