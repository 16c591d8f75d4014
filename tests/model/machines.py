"""Shared configurations for the model tests: small QEMU-virt-like and
imx8mm/rock3b-like machines split between two kernels."""

from __future__ import annotations

from model import (SEL4, SEL4_MK, Channel, Core, Device, Gic, Kernel, MachineConfig, Profile,
                   Region, SharedRegion)

# A multikernel build that resets the distributor when nobody did and routes SPIs on
# acquisition: no released kernel (the fork, SEL4_MK, only checks the distributor and routes by
# node 0's SetIrqTargetCore), but the model tests' two-kernel machines need no loader with it.
MK_FIRST = Profile("mk-first", dist_init="first", boot_mask="own", irq_route="yes", group1="never")

GICD2 = Region("gicd", 0x0800_0000, 0x1000)
GICC2 = Region("gicc", 0x0801_0000, 0x2000)
GICD3 = Region("gicd", 0x3880_0000, 0x10000)
GICR3 = Region("gicr", 0x3888_0000, 4 * 0x20000)

UART0 = Device("uart0", Region("uart0", 0x0900_0000, 0x1000), ((33, "level"),))
UART1 = Device("uart1", Region("uart1", 0x0900_1000, 0x1000), ((34, "edge"),))
ETH = Device("eth", Region("eth", 0x0a00_0000, 0x10000), ((72, "level"),))


def v2_cores() -> tuple[Core, ...]:
    return tuple(Core(f"c{i}", i, gic_cpu=i) for i in range(4))


def v3_cores(a55: bool = False) -> tuple[Core, ...]:
    return tuple(Core(f"c{i}", (i << 8) if a55 else i) for i in range(4))


def two_kernels(profile: Profile, *, k1_profile: Profile | None = None) -> tuple[Kernel, Kernel]:
    k0 = Kernel("k0", profile, ("c0",), (Region("k0.ram", 0x4000_0000, 0x1000_0000),),
                ("uart0", "eth"), ((33, "level"), (72, "level"), (40, "edge")))
    k1 = Kernel("k1", k1_profile or profile, ("c1",), (Region("k1.ram", 0x5000_0000, 0x1000_0000),),
                ("uart1",), ((34, "edge"), (41, "edge")))
    return k0, k1


def machine_config(version: int, profile: Profile = SEL4, *, loader: bool = False, a55: bool = False,
                   channels: tuple[Channel, ...] = (), k1_profile: Profile | None = None,
                   lines: int = 128, group1: str = "firmware") -> MachineConfig:
    if version == 2:
        gic = Gic(2, GICD2, GICC2, None, lines=lines)
        cores = v2_cores()
    else:
        gic = Gic(3, GICD3, None, GICR3, lines=lines, group1=group1)
        cores = v3_cores(a55)
    return MachineConfig(
        cores=cores, gic=gic, paddr_bits=40, page=0x1000,
        memory=(Region("dram", 0x4000_0000, 0x4000_0000),),
        reserved=(Region("fw", 0x7000_0000, 0x10_0000),),
        devices=(UART0, UART1, ETH),
        kernels=two_kernels(profile, k1_profile=k1_profile),
        shared=(SharedRegion("mq", Region("mq", 0x6000_0000, 0x1_0000), (("k0", "rw"), ("k1", "r"))),),
        channels=channels, loader_gic_init=loader, loader_triggers=loader)
