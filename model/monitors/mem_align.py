"""MEM-ALIGN: kernel RAM and shared regions are page aligned.

Violation kind ``region-misaligned`` (static, step -1): a RAM or shared
region's base or size is not a multiple of the configured page size.

Details: ``region`` (its name), ``base_offset`` and ``size_offset`` (base
and size modulo the page size).
"""

from __future__ import annotations

from model.config import MachineConfig
from model.monitors._static import _regions, _v
from model.trace import Violation

__all__ = ["alignment"]


def alignment(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        if kind in ("ram", "shared") and (region.base % config.page or region.size % config.page):
            found.append(
                _v(
                    "region-misaligned",
                    f"{region.name} [{region.base:#x}, +{region.size:#x}) is not {config.page:#x}-page aligned",
                    region=region.name,
                    base_offset=region.base % config.page,
                    size_offset=region.size % config.page,
                )
            )
    return found
