"""IRQ-EXCL: every SPI is owned by at most one kernel.

Violation kind ``spi-shared`` (static, step -1): two different kernels
list the same INTID among their SPIs. Reported in INTID order.

Details: ``intid``, ``kernels`` (its owners, in configuration order).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _v
from model.trace import Violation

__all__ = ["spi_ownership"]


def spi_ownership(config: MachineConfig) -> list[Violation]:
    """The SPI half of the ownership check (the device half is model.monitors.dev_excl)."""
    found = []
    spi_owners: dict[int, list[str]] = {}
    for kernel in config.kernels:
        for intid in sorted({intid for intid, _ in kernel.spis}):
            spi_owners.setdefault(intid, []).append(kernel.name)
    for intid, kernels in sorted(spi_owners.items()):
        if len(kernels) > 1:
            found.append(_v("spi-shared", f"INTID {intid} is owned by {', '.join(kernels)}", intid=intid, kernels=tuple(kernels)))
    return found
