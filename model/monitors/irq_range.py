"""IRQ-RANGE: every SPI a device raises or a kernel owns exists.

Violation kind ``spi-range`` (static, step -1): an INTID of 32 or more is
at or beyond the GIC's number of lines, above MAX_INTID (1020 and up are
special or unsupported by seL4), or above seL4's maxIRQ for the platform
(the kernel refuses it with seL4_RangeError). Reported once per INTID, in
INTID order.

Details: ``intid``, ``lines`` (the GIC's number of interrupt lines),
``max_irq`` (seL4's maxIRQ, or None when the configuration does not say).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _v
from model.trace import Violation

__all__ = ["spi_range", "MAX_INTID"]

MAX_INTID = 1019


def spi_range(config: MachineConfig) -> list[Violation]:
    intids = {intid for d in config.devices for intid, _ in d.irqs} | {i for k in config.kernels for i, _ in k.spis}
    limit = MAX_INTID if config.max_irq is None else min(MAX_INTID, config.max_irq)
    return [
        _v("spi-range", f"INTID {intid} does not exist on a GIC with {config.gic.lines} lines"
           if intid >= config.gic.lines else f"INTID {intid} is above seL4's limit {limit}",
           intid=intid, lines=config.gic.lines, max_irq=config.max_irq)
        for intid in sorted(intids)
        if intid >= 32 and (intid >= config.gic.lines or intid > limit)
    ]
