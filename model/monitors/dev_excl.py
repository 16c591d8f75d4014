"""DEV-EXCL: every device is owned by at most one kernel.

Violation kind ``device-shared`` (static, step -1): two different kernels
list the same device (one kernel listing it twice is one owner).

Details: ``device``, ``kernels`` (its owners, in configuration order).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _v
from model.trace import Violation

__all__ = ["device_ownership"]


def device_ownership(config: MachineConfig) -> list[Violation]:
    """The device half of the ownership check (the SPI half is model.monitors.irq_excl)."""
    found = []
    device_owners: dict[str, list[str]] = {}
    for kernel in config.kernels:
        for device in dict.fromkeys(kernel.devices):  # listed twice by one kernel: one owner
            device_owners.setdefault(device, []).append(kernel.name)
    for device, kernels in device_owners.items():
        if len(kernels) > 1:
            found.append(_v("device-shared", f"device {device} is owned by {', '.join(kernels)}", device=device, kernels=tuple(kernels)))
    return found
