"""MEM-ALIGN: kernel RAM and shared regions are page aligned, and every
kernel's devices can be mapped in pages of the configured size.

Violation kinds (static, step -1):

* ``region-misaligned``: a RAM or shared region's base or size is not a
  multiple of the configured page size. Details: ``region`` (its name),
  ``base_offset`` and ``size_offset`` (base and size modulo the page size).
* ``device-page-unmappable``: a page of a device some kernel owns (the
  whole pages the device touches) holds one of the GIC pages seL4 keeps for
  itself (`model.memory.kernel_frames`). No untyped covers such a page, so
  the root task cannot retype a frame of that size there. Details:
  ``device``, ``frame`` (the GIC region's name), ``page``.
"""

from __future__ import annotations

from model.config import MachineConfig
from model.memory import kernel_frames
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
    owned = {name for kernel in config.kernels for name in kernel.devices}
    frames = kernel_frames(config)
    for device in config.devices:
        if device.name not in owned or device.region.size == 0:
            continue
        first = device.region.base // config.page * config.page
        last = -(-device.region.end // config.page) * config.page
        for frame in frames:
            if frame.size and frame.base < last and first < frame.end:
                found.append(
                    _v(
                        "device-page-unmappable",
                        f"the {config.page:#x}-byte pages [{first:#x}, {last:#x}) of {device.name} hold the kernel's "
                        f"{frame.name} page(s) [{frame.base:#x}, {frame.end:#x}): no untyped covers them",
                        device=device.name,
                        frame=frame.name,
                        page=config.page,
                    )
                )
                break
    return found
