"""Warnings for specs that prove but look wrong (W003..W006): transcription mistakes a user trial
found that no obligation can fail. One function per warning; `lint` runs them all on a resolved spec.
Warnings never change a verdict or the exit status."""

from __future__ import annotations

from checker.diagnostics import Diagnostic, warning
from checker.spec import SPI_BASE, Spec, describe_intid


def spi_written_as_intid(spec: Spec) -> list[Diagnostic]:
    """W003: a kernel's `irq spi N` that no device uses, where N is a device's INTID (N = its SPI + 32):
    the device tree's SPI number is INTID - 32."""
    by_intid = {irq.intid: d for d in spec.platform.devices for irq in d.irqs}
    out = []
    for k in spec.kernels:
        for irq in k.irqs:
            n = irq.intid - SPI_BASE
            if not irq.is_spi or irq.intid in by_intid or n not in by_intid or n < SPI_BASE:
                continue
            device = by_intid[n]
            out.append(warning(
                "W003",
                f"`spi {n}` of kernel '{k.name}' is INTID {irq.intid}, which no device uses, but device "
                f"'{device.name}' has INTID {n}, {describe_intid(n)}: an INTID written as an SPI number? "
                f"The SPI number is INTID - 32: write `spi {n - SPI_BASE}` (or list the device in `devices`)",
                irq.span))
    return out


def nobody_writes(spec: Spec) -> list[Diagnostic]:
    """W004: a shared region every kernel listed on it maps read-only."""
    return [warning("W004", f"shared region '{s.name}' is read-only for every kernel listed on it "
                            f"({', '.join(a.kernel.name for a in s.access)}): nobody can write it; give its "
                            "writer `rw`", s.span)
            for s in spec.shared if s.access and all(a.mode == "r" for a in s.access)]


def nobody_else_reads(spec: Spec) -> list[Diagnostic]:
    """W005: a shared region only one kernel is listed on: nobody reads what it writes there."""
    return [warning("W005", f"shared region '{s.name}' is listed for kernel '{s.access[0].kernel.name}' only: "
                            "no other kernel can read it; list its reader, or make it the kernel's RAM", s.span)
            for s in spec.shared if len({a.kernel.name for a in s.access}) == 1]


def kernel_without_ram(spec: Spec) -> list[Diagnostic]:
    """W006: a kernel with no RAM slice: it has nowhere to run."""
    return [warning("W006", f"kernel '{k.name}' has no RAM (`ram at ... size ...`): seL4 cannot boot it", k.span)
            for k in spec.kernels if not k.ram]


CHECKS = (spi_written_as_intid, nobody_writes, nobody_else_reads, kernel_without_ram)


def lint(spec: Spec) -> list[Diagnostic]:
    """Every warning of the spec, check by check."""
    return [d for check in CHECKS for d in check(spec)]
