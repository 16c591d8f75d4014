"""Plain-data configuration of a machine and the kernels that partition it.

Everything here is a frozen attrs class holding ints, strings and tuples, so a
configuration can be built by hand, by a test, or by the checker's bridge
without importing anything else from pcheck.
"""

from __future__ import annotations

from types import MappingProxyType

from attrs import frozen

__all__ = [
    "Core",
    "Region",
    "Gic",
    "Profile",
    "Device",
    "SharedRegion",
    "Kernel",
    "Channel",
    "MachineConfig",
    "SEL4",
    "SEL4_SMP",
    "SEL4_MK",
    "BUILTIN_PROFILES",
    "affinity_of",
]


@frozen
class Core:
    """A CPU core: its MPIDR affinity value and, for GICv2, its CPU-interface number."""

    name: str
    mpidr: int
    gic_cpu: int | None = None


@frozen
class Region:
    """A named physical range [base, base + size)."""

    name: str
    base: int
    size: int

    @property
    def end(self) -> int:
        """The first address after the region."""
        return self.base + self.size

    def contains(self, address: int) -> bool:
        """True when address lies inside the region."""
        return self.base <= address < self.end


@frozen
class Gic:
    """The interrupt controller: version, frames and implemented INTIDs.

    GICv2 uses `cpu_interface`; GICv3 uses `redistributors`, one frame of
    `redist_stride` bytes per core in core declaration order.
    """

    version: int
    distributor: Region
    cpu_interface: Region | None = None
    redistributors: Region | None = None
    redist_stride: int = 0x20000
    lines: int = 256


@frozen
class Profile:
    """The behaviour of one kernel build (see spec-language.md, "Profiles")."""

    name: str
    dist_init: str = "always"
    boot_mask: str = "all"
    device_untypeds: str = "all"
    sgi_signal: bool = True
    irq_route: bool = False
    smp: bool = False
    trigger_config: str = "runtime"


@frozen
class Device:
    """A memory-mapped device and its interrupts as (INTID, trigger) pairs."""

    name: str
    region: Region
    irqs: tuple[tuple[int, str | None], ...] = ()


@frozen
class SharedRegion:
    """Memory shared between kernels; access is (kernel name, 'r' | 'rw') pairs."""

    name: str
    region: Region
    access: tuple[tuple[str, str], ...] = ()


@frozen
class Kernel:
    """A kernel instance: its profile, cores, RAM, devices and owned SPIs.

    `spis` lists every SPI the kernel owns (its devices' ones included) with
    the trigger it configures; `routes` maps an SPI to one of its cores.
    """

    name: str
    profile: Profile
    cores: tuple[str, ...]
    ram: tuple[Region, ...] = ()
    devices: tuple[str, ...] = ()
    spis: tuple[tuple[int, str | None], ...] = ()
    routes: tuple[tuple[int, str], ...] = ()


@frozen
class Channel:
    """An SGI channel from `sender` to `receiver_core` of `receiver`.

    `target` is the raw value the sender passes to
    seL4_IRQControl_IssueSGISignal; it may be wrong, that is the point.
    """

    name: str
    sender: str
    receiver: str
    receiver_core: str
    sgi: int
    target: int
    mailbox: str | None = None
    tag: int | None = None


@frozen
class MachineConfig:
    """One SoC split among kernels: everything the model needs to run."""

    cores: tuple[Core, ...]
    gic: Gic
    paddr_bits: int = 40
    page: int = 0x1000
    memory: tuple[Region, ...] = ()
    reserved: tuple[Region, ...] = ()
    devices: tuple[Device, ...] = ()
    kernels: tuple[Kernel, ...] = ()
    shared: tuple[SharedRegion, ...] = ()
    channels: tuple[Channel, ...] = ()
    loader_gic_init: bool = False

    def core(self, name: str) -> Core:
        """The core called name (KeyError if there is none)."""
        for core in self.cores:
            if core.name == name:
                return core
        raise KeyError(name)

    def kernel(self, name: str) -> Kernel:
        """The kernel called name (KeyError if there is none)."""
        for kernel in self.kernels:
            if kernel.name == name:
                return kernel
        raise KeyError(name)

    def device(self, name: str) -> Device:
        """The device called name (KeyError if there is none)."""
        for device in self.devices:
            if device.name == name:
                return device
        raise KeyError(name)

    def channel(self, name: str) -> Channel:
        """The channel called name (KeyError if there is none)."""
        for channel in self.channels:
            if channel.name == name:
                return channel
        raise KeyError(name)

    def shared_region(self, name: str) -> SharedRegion:
        """The shared region called name (KeyError if there is none)."""
        for shared in self.shared:
            if shared.name == name:
                return shared
        raise KeyError(name)

    def kernel_of_core(self, core: str) -> Kernel | None:
        """The kernel running on core, or None."""
        for kernel in self.kernels:
            if core in kernel.cores:
                return kernel
        return None

    def spi_owner(self, intid: int) -> Kernel | None:
        """The first kernel that lists intid among its SPIs, or None."""
        for kernel in self.kernels:
            if any(spi == intid for spi, _ in kernel.spis):
                return kernel
        return None


def affinity_of(mpidr: int) -> tuple[int, int, int, int]:
    """MPIDR_EL1 -> (Aff3, Aff2, Aff1, Aff0); Aff3 sits at bits [39:32]."""
    return ((mpidr >> 32) & 0xFF, (mpidr >> 16) & 0xFF, (mpidr >> 8) & 0xFF, mpidr & 0xFF)


SEL4 = Profile(
    name="sel4", dist_init="always", boot_mask="all", device_untypeds="all",
    sgi_signal=True, irq_route=False, smp=False, trigger_config="runtime",
)
SEL4_SMP = Profile(
    name="sel4-smp", dist_init="always", boot_mask="all", device_untypeds="all",
    sgi_signal=False, irq_route=True, smp=True, trigger_config="runtime",
)
SEL4_MK = Profile(
    name="sel4-mk", dist_init="first", boot_mask="own", device_untypeds="all",
    sgi_signal=True, irq_route=True, smp=False, trigger_config="runtime",
)
BUILTIN_PROFILES = MappingProxyType({p.name: p for p in (SEL4, SEL4_SMP, SEL4_MK)})
