"""Compare a scenario's QEMU outcome with the model's, op by op (the bits `scenarios.compare_mask` names)."""

from __future__ import annotations

from attrs import frozen

from tests.qemu import harness as h
from tests.qemu.oracle import ModelOutcome
from tests.qemu.scenarios import Scenario, compare_mask

# Reads that observe a delivery: which core is signalled (ISR_EL1) and what it acknowledges.
DELIVERY_SYSREGS = frozenset(h.SYSREGS[n] for n in ("ISR_EL1", "ICC_IAR0_EL1", "ICC_IAR1_EL1", "ICC_HPPIR0_EL1",
                                                    "ICC_HPPIR1_EL1"))
DELIVERY_MMIO = frozenset({h.GICC_BASE + 0x0C, h.GICC_BASE + 0x18})  # GICC_IAR, GICC_HPPIR


@frozen
class Difference:
    op: int
    what: str
    qemu: int | None
    model: int | None


@frozen
class Comparison:
    scenario: Scenario
    differences: tuple[Difference, ...]
    reads: int        # values compared
    deliveries: int   # of which observe a delivery

    @property
    def agrees(self) -> bool:
        return not self.differences


def is_delivery(op: h.Op) -> bool:
    """The read observes a delivery: ISR_EL1, an acknowledge or highest-pending register."""
    return (op.opcode == h.SYSREG_READ and op.a in DELIVERY_SYSREGS) or (op.opcode == h.MMIO_READ and op.a in DELIVERY_MMIO)


def compare(scenario: Scenario, qemu: h.Outcome, model: ModelOutcome) -> Comparison:
    version = scenario.program.version
    differences: list[Difference] = []
    reads = deliveries = 0
    qfault = qemu.fault.op if qemu.fault is not None else None
    if qfault != model.fault:
        differences.append(Difference(-1, f"fault at op {qfault} on QEMU, {model.fault} on the model ({model.reason})", None, None))
    for index, op in enumerate(scenario.program.ops):
        if not op.has_result:
            continue
        mask = compare_mask(version, op)
        if not mask:
            continue
        q, m = qemu.values.get(index), model.values.get(index)
        if q is None and m is None:
            continue  # after a fault on both
        reads += 1
        deliveries += is_delivery(op)
        if q is None or m is None or (q ^ m) & mask:
            differences.append(Difference(index, repr(op), q, m))
    return Comparison(scenario, tuple(differences), reads, deliveries)
