"""Helpers shared by the static checks (run once when a Machine is built,
see model.monitors.layout_violations): the step -1 Violation they report,
and the configuration's regions in the order MEM-BOUNDS and MEM-ALIGN
examine them."""

from __future__ import annotations

from collections.abc import Iterator

from model.config import MachineConfig, Region
from model.memory import gic_frames
from model.trace import Violation


def _v(kind: str, message: str, **details) -> Violation:
    return Violation(kind, -1, message, details)


def _regions(config: MachineConfig) -> Iterator[tuple[Region, str]]:
    for device in config.devices:
        yield device.region, "device"
    for frame in gic_frames(config):
        yield frame, "gic"
    for kernel in config.kernels:
        for r in kernel.ram:
            yield r, "ram"
    for shared in config.shared:
        yield shared.region, "shared"
