"""IRQ-EXCL: no SPI is owned by two kernels (a device's SPIs are its owner's).

Instances: every SPI the spec names that some kernel owns, decided by facts:
an SPI is shared iff two different kernels own it (lemma: owner count).
Model: `model/monitors/irq_excl.py` (spi-shared).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import OWNER_COUNT, owners
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.result import Place
from checker.span import Span
from checker.spec import Irq, Kernel, Spec, describe_intid, spi_subject, spis_in_spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "IRQ-EXCL",
    "each SPI has one owner",
    "Every SPI belongs to at most one kernel (a device's SPIs belong to the device's owner).",
    "the SPI and its two owners",
    ("Drop the duplicate `irq spi N` or the device that brings the same SPI.",),
    family="ownership",
)


@frozen
class SharedSpi:
    intid: int
    first: Kernel
    second: Kernel


def claim(kernel: Kernel, intid: int) -> Span | None:
    """Where a kernel's claim on an SPI is written in the system spec: its `irq` entry, or the
    `devices` entry of the device that has it (Kernel.spi_claim)."""
    return kernel.spi_claim(intid)


class IrqExcl(Obligation[Irq, SharedSpi]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Irq]]:
        owned = owners(spec.kernels, lambda k: (o.intid for o in k.owned_spis))
        return [Instance(spi_subject(i), irq.span, irq) for i, irq in spis_in_spec(spec).items() if i in owned]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Irq]]) -> list[Facts]:
        owned = owners(spec.kernels, lambda k: (o.intid for o in k.owned_spis))
        out = []
        for instance in instances:
            claimed = owned[instance.item.intid]
            found = (SharedSpi(instance.item.intid, spec.kernels[claimed[0]], spec.kernels[claimed[1]]),) if len(claimed) > 1 else ()
            out.append(Facts(OWNER_COUNT, found))
        return out

    def failure(self, spec: Spec, w: SharedSpi) -> Failure:
        a, b, intid = w.first, w.second, w.intid
        spans = [claim(a, intid), claim(b, intid)]
        message = f"{describe_intid(intid)} is owned by kernel {a.name}{at(spans[0])} and by kernel {b.name}{at(spans[1])}"
        cex = {"intid": intid, "spi": intid - 32, "kernels": [a.name, b.name]}
        places = (Place(f"{a.name} claims it", spans[0]), Place(f"{b.name} claims it", spans[1]))
        return Failure(spi_subject(intid), message, spans[1], cex, places)

    def expected(self, spec: Spec, w: SharedSpi) -> dict[str, Any]:
        return {"kind": "spi-shared", "intid": w.intid}

    def proved(self, spec: Spec, instance: Instance[Irq]) -> str:
        return f"{describe_intid(instance.item.intid)} has one owner"


OBLIGATION = IrqExcl()
