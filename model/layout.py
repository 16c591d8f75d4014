"""Checks of the machine's layout, made once when a Machine is built.

These are the model's own reading of the static rules (where regions may lie,
who owns cores, devices and SPIs, how the GIC tells cores apart), written
independently of the checker's solver encoding so the two can be compared.
Each finding is a Violation at step -1.
"""

from __future__ import annotations

from collections.abc import Iterator

from model.config import MachineConfig, Region
from model.memory import gic_frames
from model.trace import Violation

__all__ = ["layout_violations", "MAX_INTID", "GICR_WINDOW", "MAX_SMP_CORES"]

MAX_INTID = 1019
MAX_SMP_CORES = 8
# seL4's gicr_init scans 1 MiB of redistributor space, 128 KiB apart.
GICR_WINDOW = 0x100000
U64 = 1 << 64


def _v(kind: str, message: str, **details) -> Violation:
    return Violation(kind, -1, message, details)


def _bounds_problem(config: MachineConfig, region: Region, kind: str) -> tuple[str, int | None] | None:
    """(problem, witness address) for a region in the wrong place, or None."""
    if region.size == 0:
        return "empty", None
    if region.end > U64:
        return "wraps", U64 - 1
    limit = 1 << config.paddr_bits
    if region.end > limit:
        return "beyond", min(max(region.base, limit), U64 - 1)
    if kind in ("ram", "shared"):
        for hole in config.reserved:
            low = max(hole.base, region.base)
            if low < min(hole.end, region.end):
                return "reserved", low
        if not any(b.base <= region.base and region.end <= b.end for b in config.memory):
            holders = [b.end for b in config.memory if b.contains(region.base)]
            return "outside", max(holders, default=region.base)
        return None
    for bank in config.memory:
        low = max(bank.base, region.base)
        if low < min(bank.end, region.end):
            return "in-ram", low
    return None


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


def bounds(config: MachineConfig) -> list[Violation]:
    found = []
    for region, kind in _regions(config):
        problem = _bounds_problem(config, region, kind)
        if problem:
            what, address = problem
            found.append(_v("region-out-of-bounds", f"{kind} {region.name}: {what}", region=region.name, problem=what, address=address))
    return found


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


def cores(config: MachineConfig) -> list[Violation]:
    found = []
    claims: dict[str, list[str]] = {}
    for kernel in config.kernels:
        # A core listed twice by one kernel (`cores c0, c0`, which resolve accepts) is still one
        # claim: only two different kernels share a core (CPU-EXCL's reading).
        for core in dict.fromkeys(kernel.cores):
            claims.setdefault(core, []).append(kernel.name)
        n = len(kernel.cores)
        problem = "none" if n == 0 else "several" if (n > 1 and not kernel.profile.smp) else "too-many" if n > MAX_SMP_CORES else None
        if problem:
            found.append(_v("kernel-cores", f"kernel {kernel.name} has {n} cores", kernel=kernel.name, problem=problem))
    for core, kernels in claims.items():
        if len(kernels) > 1:
            found.append(_v("core-shared", f"core {core} runs {', '.join(kernels)}", cpu=core, kernels=tuple(kernels)))
    return found


def identity(config: MachineConfig) -> list[Violation]:
    found = []
    cs = config.cores
    for i, a in enumerate(cs):
        for b in cs[i + 1:]:
            if a.mpidr == b.mpidr:
                found.append(_v("core-ident", f"{a.name} and {b.name} share MPIDR {a.mpidr:#x}", cpus=(a.name, b.name), field="MPIDR"))
            if config.gic.version == 2 and a.gic_cpu == b.gic_cpu:
                found.append(_v("core-ident", f"{a.name} and {b.name} share CPU interface {a.gic_cpu}", cpus=(a.name, b.name), field="CPU-interface number"))
    for index, core in enumerate(cs):
        if config.gic.version == 2 and not (core.gic_cpu is not None and 0 <= core.gic_cpu < 8):
            found.append(_v("core-ident", f"{core.name} has CPU interface {core.gic_cpu}", cpus=(core.name,), field="CPU-interface number"))
        if config.gic.version == 3 and (index + 1) * config.gic.redist_stride > GICR_WINDOW:
            found.append(_v("core-ident", f"{core.name}'s redistributor is outside seL4's search window", cpus=(core.name,), field="redistributor frame"))
    return found


def ownership(config: MachineConfig) -> list[Violation]:
    found = []
    device_owners: dict[str, list[str]] = {}
    spi_owners: dict[int, list[str]] = {}
    for kernel in config.kernels:
        for device in dict.fromkeys(kernel.devices):  # listed twice by one kernel: one owner
            device_owners.setdefault(device, []).append(kernel.name)
        for intid in sorted({intid for intid, _ in kernel.spis}):
            spi_owners.setdefault(intid, []).append(kernel.name)
    for device, kernels in device_owners.items():
        if len(kernels) > 1:
            found.append(_v("device-shared", f"device {device} is owned by {', '.join(kernels)}", device=device, kernels=tuple(kernels)))
    for intid, kernels in sorted(spi_owners.items()):
        if len(kernels) > 1:
            found.append(_v("spi-shared", f"INTID {intid} is owned by {', '.join(kernels)}", intid=intid, kernels=tuple(kernels)))
    return found


def spi_range(config: MachineConfig) -> list[Violation]:
    intids = {intid for d in config.devices for intid, _ in d.irqs} | {i for k in config.kernels for i, _ in k.spis}
    return [
        _v("spi-range", f"INTID {intid} does not exist on a GIC with {config.gic.lines} lines", intid=intid, lines=config.gic.lines)
        for intid in sorted(intids)
        if intid >= 32 and (intid >= config.gic.lines or intid > MAX_INTID)
    ]


def mailboxes(config: MachineConfig) -> list[Violation]:
    """mailbox-exposed: a kernel that is not an end of any channel using a
    mailbox is listed on it or can reach it through one of its routes."""
    from model.memory import MemoryMap

    memory = MemoryMap(config)
    found = []
    for name in dict.fromkeys(c.mailbox for c in config.channels if c.mailbox is not None):
        users = {k for c in config.channels if c.mailbox == name for k in (c.sender, c.receiver)}
        shared = config.shared_region(name)
        listed = dict(shared.access)
        for kernel in config.kernels:
            if kernel.name in users:
                continue
            region = shared.region
            route = next((r for r in memory.routes(kernel.name) if r.base < region.end and region.base < r.end), None)
            if kernel.name in listed or route is not None:
                how = f"listed {listed[kernel.name]}" if kernel.name in listed else route.description
                found.append(_v("mailbox-exposed", f"{kernel.name} can access mailbox {name} ({how})", mailbox=name, kernel=kernel.name))
    return found


def layout_violations(config: MachineConfig) -> list[Violation]:
    """Every static problem of a configuration, in a fixed order."""
    return (
        bounds(config) + alignment(config) + cores(config) + identity(config) + ownership(config)
        + spi_range(config) + mailboxes(config)
    )
