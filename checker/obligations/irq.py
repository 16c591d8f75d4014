"""IRQ-EXCL and IRQ-RANGE: who owns each SPI, and whether it exists on this GIC."""

from __future__ import annotations

import z3

from checker.encode import Session
from checker.obligations.base import at, failed, obligation, proved, unknown
from checker.result import Place, Result
from checker.spec import MAX_INTID, Irq, Spec, describe_intid, spi_subject


def spis_in_spec(spec: Spec) -> dict[int, Irq]:
    """Every SPI the spec mentions (devices and kernels), first mention kept, by INTID."""
    found: dict[int, Irq] = {}
    for dev in spec.platform.devices:
        for irq in dev.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    for kernel in spec.kernels:
        for irq in kernel.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    return dict(sorted(found.items()))


@obligation("IRQ-EXCL", "ownership")
def irq_excl(spec: Spec, session: Session) -> list[Result]:
    """No SPI is owned by two kernels (a device's SPIs are its owner's)."""
    kernels = spec.kernels
    results = []
    for intid, irq in spis_in_spec(spec).items():
        owners = [n for n, k in enumerate(kernels) if any(o.intid == intid for o in k.owned_spis)]
        if not owners:
            continue
        i, j, ordered = session.index_pair(len(kernels))
        violation = session.all_of([ordered, session.member(i, owners), session.member(j, owners)])
        subject = spi_subject(intid)
        outcome = session.check(violation, {"i": i, "j": j}, f"IRQ-EXCL {subject}")
        if outcome.status == "unknown":
            results.append(unknown("IRQ-EXCL", subject, irq.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IRQ-EXCL", subject, irq.span, f"{describe_intid(intid)} has one owner"))
        else:
            a, b = kernels[outcome.values["i"]], kernels[outcome.values["j"]]
            spans = [_claim(a, intid), _claim(b, intid)]
            message = (
                f"{describe_intid(intid)} is owned by kernel {a.name}{at(spans[0])} and by kernel {b.name}{at(spans[1])}"
            )
            cex = {"intid": intid, "spi": intid - 32, "kernels": [a.name, b.name]}
            places = [Place(f"{a.name} claims it", spans[0]), Place(f"{b.name} claims it", spans[1])]
            results.append(failed("IRQ-EXCL", subject, message, spans[1], cex, places, [], {"kind": "spi-shared", "intid": intid}))
    return results


def _claim(kernel, intid: int):
    """Where a kernel's claim on an SPI is written (its irq line, or the device line)."""
    return next((irq.span for irq in kernel.owned_spis if irq.intid == intid), kernel.span)


@obligation("IRQ-RANGE", "ownership")
def irq_range(spec: Spec, session: Session) -> list[Result]:
    """Every SPI is below the GIC's `lines` and at most INTID 1019."""
    lines = spec.platform.gic.lines
    results = []
    for intid, irq in spis_in_spec(spec).items():
        subject = spi_subject(intid)
        value = session.num(intid)
        cases = {"lines": z3.UGE(value, session.num(lines)), "limit": z3.UGT(value, session.num(MAX_INTID))}
        outcome = session.check(session.any_of(cases.values()), dict(cases), f"IRQ-RANGE {subject}")
        if outcome.status == "unknown":
            results.append(unknown("IRQ-RANGE", subject, irq.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IRQ-RANGE", subject, irq.span, f"{describe_intid(intid)} exists on this GIC"))
        else:
            why = (
                f"INTIDs above {MAX_INTID} are special or unsupported by seL4"
                if outcome.values["limit"]
                else f"the GIC implements INTIDs 0..{lines - 1} (lines {lines})"
            )
            message = f"{describe_intid(intid)}{at(irq.span)} does not exist: {why}"
            cex = {"intid": intid, "spi": intid - 32, "lines": lines}
            results.append(failed("IRQ-RANGE", subject, message, irq.span, cex, [Place(subject, irq.span)], [], {"kind": "spi-range", "intid": intid}))
    return results
