"""IRQ-RANGE: every SPI the spec names exists on this GIC and seL4 accepts it: below `lines`, at most INTID 1019 and at most maxIRQ.

Instances: every SPI the spec names (device interrupts and kernels' own
`irq` lines), and only SPIs: a channel's SGI number is IPI-RANGE's, and
PPIs are banked per core and never routed. Decided by facts (lemma:
concrete arithmetic on the INTID). seL4 refuses an IRQ above its platform
port's maxIRQ with seL4_RangeError (Arch_checkIRQ, include/arch/arm/arch/
object/interrupt.h, seL4 16.0.0), and maxIRQ is often below the GIC's
lines (qemu-arm-virt 159 of 288): the platform's `max_irq` says it. A
platform without `max_irq` gets warning W002 and only `lines` is checked.
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
    "Every SPI the spec names (on a device or a kernel's `irq` line) is below the GIC's `lines`, at "
    "most INTID 1019, and at most seL4's maxIRQ for the platform (`max_irq`), above which seL4 "
    "refuses it. Channel SGIs are checked by IPI-RANGE.",
    "the SPI",
    (
        "Device-tree SPI numbers are INTID - 32: `spi 27` is INTID 59.",
        "Check `lines` against GICD_TYPER.ITLinesNumber: lines = 32 x (ITLinesNumber + 1).",
        "seL4 takes IRQs up to its platform's MAX_IRQ (src/plat/<platform>/config.cmake) only; an SPI "
        "above it needs a kernel built with a larger MAX_IRQ, if the SoC has the line.",
    ),
    family="ownership",
)


@frozen
class Missing:
    irq: Irq
    lines: int
    max_irq: int | None
    why: str  # "lines" (not implemented), "limit" (above INTID 1019), "max_irq" (seL4 refuses it)


class IrqRange(Obligation[Irq, Missing]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Irq]]:
        return [Instance(spi_subject(i), irq.span, irq) for i, irq in spis_in_spec(spec).items()]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Irq]]) -> list[Facts]:
        lines, max_irq = spec.platform.gic.lines, spec.platform.max_irq
        out = []
        for instance in instances:
            intid = instance.item.intid
            why = ("limit" if intid > MAX_INTID else "lines" if intid >= lines
                   else "max_irq" if max_irq is not None and intid > max_irq else None)
            out.append(Facts(CONCRETE, (Missing(instance.item, lines, max_irq, why),) if why else ()))
        return out

    def failure(self, spec: Spec, w: Missing) -> Failure:
        intid, subject = w.irq.intid, spi_subject(w.irq.intid)
        if w.why == "max_irq":
            message = (f"{describe_intid(intid)}{at(w.irq.span)} is above seL4's maxIRQ {w.max_irq} for this platform: "
                       "the kernel refuses it (seL4_RangeError) and never enables it")
        else:
            why = (
                f"INTIDs above {MAX_INTID} are special or unsupported by seL4"
                if w.why == "limit"
                else f"the GIC implements INTIDs 0..{w.lines - 1} (lines {w.lines})"
            )
            message = f"{describe_intid(intid)}{at(w.irq.span)} does not exist: {why}"
        cex = {"intid": intid, "spi": intid - 32, "lines": w.lines}
        if w.max_irq is not None:
            cex["max_irq"] = w.max_irq
        return Failure(subject, message, w.irq.span, cex, (Place(subject, w.irq.span),))

    def expected(self, spec: Spec, w: Missing) -> dict[str, Any]:
        return {"kind": "spi-range", "intid": w.irq.intid}

    def proved(self, spec: Spec, instance: Instance[Irq]) -> str:
        return f"{describe_intid(instance.item.intid)} exists on this GIC"


OBLIGATION = IrqRange()
