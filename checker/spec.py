"""The resolved system: names bound to objects, defaults applied, interrupts as INTIDs.

A `Spec` is what every obligation reads. It is built by `resolve` from `.mk`
files, or directly by a toolchain from these classes (every `span` may then be
None). All classes are frozen; addresses and sizes are plain Python ints and
may be anything (the obligations check them: a region that wraps past 2^64 is
a failure, not an exception).
"""

from __future__ import annotations

from attrs import field

from checker.data import frozen
from checker.memo import per_spec
from checker.span import Span

SPI_BASE = 32
PPI_BASE = 16
MAX_INTID = 1019


def describe_intid(intid: int) -> str:
    """The device-tree form and the INTID, as diagnostics always show them."""
    if intid >= SPI_BASE:
        return f"SPI {intid - SPI_BASE} (INTID {intid})"
    if intid >= PPI_BASE:
        return f"PPI {intid - PPI_BASE} (INTID {intid})"
    return f"SGI {intid} (INTID {intid})"


def spi_subject(intid: int) -> str:
    """How results name an SPI: `spi 27`."""
    return f"spi {intid - SPI_BASE}"


@frozen
class Region:
    """A physical range [base, base + size) with the name results use for it."""

    name: str
    base: int
    size: int
    span: Span | None = None

    @property
    def end(self) -> int:
        """One past the last byte; may exceed 2^64 for a region that wraps."""
        return self.base + self.size


@frozen
class Cpu:
    name: str
    mpidr: int
    gic_cpu: int | None = None
    span: Span | None = None

    @property
    def affinity(self) -> int:
        """Aff3.Aff2.Aff1.Aff0 packed as seL4's SGI target and GICR_TYPER use it (bits 31..0)."""
        aff3 = (self.mpidr >> 32) & 0xFF
        return (aff3 << 24) | (self.mpidr & 0xFFFFFF)


@frozen
class Irq:
    """An interrupt line as an INTID, with the trigger mode the owner configures."""

    intid: int
    trigger: str | None = None  # "level" | "edge" | None
    span: Span | None = None

    @property
    def is_spi(self) -> bool:
        return self.intid >= SPI_BASE


@frozen
class Device:
    name: str
    region: Region
    irqs: tuple[Irq, ...] = ()
    span: Span | None = None


@frozen
class Gic:
    """The interrupt controller. v2 has a CPU interface frame, v3 redistributors."""

    version: int
    distributor: Region
    lines: int = 1020
    cpu_interface: Region | None = None
    redistributors: Region | None = None  # base, and stride x number of cpus
    redistributor_stride: int = 0x20000
    # GICv3: who puts every interrupt into Non-secure Group 1 and wakes the redistributors before
    # seL4 runs: "firmware" (TF-A), "sel4" (nobody; seL4's own port does, as on qemu-arm-virt since
    # seL4 15.0), "none" (nobody). See GROUP1_SOURCES.
    group1: str = "firmware"
    span: Span | None = None

    @property
    def frames(self) -> tuple[Region, ...]:
        return tuple(r for r in (self.distributor, self.cpu_interface, self.redistributors) if r is not None)


@frozen
class Platform:
    name: str
    cpus: tuple[Cpu, ...]
    memory: tuple[Region, ...]
    gic: Gic
    reserved: tuple[Region, ...] = ()
    devices: tuple[Device, ...] = ()
    paddr_bits: int = 40
    page: int = 4096
    # seL4's maxIRQ for this platform port (src/plat/<plat>/config.cmake, MAX_IRQ): the kernel refuses
    # any IRQ above it (seL4_RangeError). None: not given, and then only the GIC's `lines` limit is known.
    max_irq: int | None = None
    span: Span | None = None
    # The device-tree files a `platform ... from dts` was read from (base first), as paths pcheck opened.
    dts: tuple[str, ...] = ()

    @property
    def irq_limit(self) -> int:
        """The highest INTID seL4 accepts here: its maxIRQ, else the GIC's last implemented INTID."""
        return self.gic.lines - 1 if self.max_irq is None else self.max_irq

    def usable(self, intid: int) -> bool:
        """The line exists on the GIC and seL4 accepts it: a kernel can enable it."""
        return intid < self.gic.lines and intid <= MAX_INTID and intid <= self.irq_limit


@frozen
class Profile:
    """What a kernel build does; see the profile table in the README."""

    name: str
    dist_init: str = "always"  # always | first | never | check
    boot_mask: str = "all"  # all | own | primary
    device_untypeds: str = "all"  # all | declared
    sgi_signal: bool = True
    irq_route: str = "no"  # yes (on acquisition) | no | primary (node 0's SetIrqTargetCore)
    smp: bool = False
    trigger_config: str = "runtime"  # runtime | loader | none
    group1: str = "port"  # port | never: writes Group 1 where its platform's seL4 port does (GICv3)
    span: Span | None = None


SEL4 = Profile("sel4")
SEL4_SMP = Profile("sel4-smp", sgi_signal=False, irq_route="yes", smp=True)
# The au-ts multikernel fork (branch multikernel_rebased) at c99714a6: see docs/sel4-facts.md.
SEL4_MK = Profile("sel4-mk", dist_init="check", boot_mask="primary", irq_route="primary", group1="never")
BUILTIN_PROFILES = {p.name: p for p in (SEL4, SEL4_SMP, SEL4_MK)}

# Flag -> the values it takes, in the order the README lists them.
PROFILE_FLAGS: dict[str, tuple[str, ...]] = {
    "dist_init": ("always", "first", "never", "check"),
    "boot_mask": ("all", "own", "primary"),
    "device_untypeds": ("all", "declared"),
    "sgi_signal": ("yes", "no"),
    "irq_route": ("yes", "no", "primary"),
    "smp": ("yes", "no"),
    "trigger_config": ("runtime", "loader", "none"),
    "group1": ("port", "never"),
}

# `gic v3 { group1 ... }`: who puts interrupts into Group 1 before seL4 runs, in README order.
GROUP1_SOURCES = ("firmware", "sel4", "none")


@frozen
class Route:
    """`route spi N to CPU` of an smp kernel."""

    intid: int
    cpu: Cpu
    span: Span | None = None


@frozen
class Kernel:
    name: str
    cores: tuple[Cpu, ...]
    profile: Profile = SEL4
    ram: tuple[Region, ...] = ()
    devices: tuple[Device, ...] = ()
    irqs: tuple[Irq, ...] = ()  # owned interrupts that no platform device lists
    routes: tuple[Route, ...] = ()
    span: Span | None = None
    # Where the system spec names each core and device of this kernel (parallel to `cores` and
    # `devices`; empty for a Kernel built in Python): the line most to blame for a claim.
    core_spans: tuple[Span | None, ...] = ()
    device_spans: tuple[Span | None, ...] = ()

    def cpu_claim(self, cpu: Cpu) -> Span | None:
        """Where this kernel's `cores` names `cpu`, else the kernel's own line."""
        return _claim(self.cores, self.core_spans, cpu) or self.span

    def device_claim(self, device: Device) -> Span | None:
        """Where this kernel's `devices` names `device`, else the kernel's own line."""
        return _claim(self.devices, self.device_spans, device) or self.span

    def spi_claim(self, intid: int) -> Span | None:
        """Where this kernel claims an interrupt: its `irq` entry, or the `devices` entry of the
        device that has it, else the kernel's own line."""
        for irq in self.irqs:
            if irq.intid == intid and irq.span is not None:
                return irq.span
        for device in self.devices:
            if any(irq.intid == intid for irq in device.irqs):
                return self.device_claim(device)
        return self.span

    @property
    def owned_irqs(self) -> tuple[Irq, ...]:
        """Every interrupt the kernel owns: its devices' and its own `irq` lines."""
        return tuple(irq for dev in self.devices for irq in dev.irqs) + self.irqs

    @property
    def owned_spis(self) -> tuple[Irq, ...]:
        return tuple(irq for irq in self.owned_irqs if irq.is_spi)

    def route_core(self, intid: int) -> Cpu | None:
        """The core an SPI of this kernel should go to: its `route`, else its first core."""
        for route in self.routes:
            if route.intid == intid:
                return route.cpu
        return self.cores[0] if self.cores else None


def _claim(items: tuple, spans: tuple[Span | None, ...], item) -> Span | None:
    return next((span for i, span in zip(items, spans) if i == item), None)


@frozen
class Access:
    kernel: Kernel
    mode: str  # "r" | "rw"
    span: Span | None = None


@frozen
class Shared:
    name: str
    region: Region
    access: tuple[Access, ...] = ()
    span: Span | None = None

    def mode_of(self, kernel_name: str) -> str | None:
        for access in self.access:
            if access.kernel.name == kernel_name:
                return access.mode
        return None


@frozen
class Channel:
    name: str
    sender: Kernel
    receiver: Kernel
    sgi: int
    on: Cpu | None = None  # the receiving core, when written
    target: int | None = None  # the raw target the sender passes; None: the right one
    mailbox: Shared | None = None
    tag: int | None = None
    span: Span | None = None

    @property
    def receiving_core(self) -> Cpu | None:
        if self.on is not None:
            return self.on
        return self.receiver.cores[0] if self.receiver.cores else None


@frozen
class PdMap:
    """`map SHARED MODE` of a protection domain: the PD maps the shared region with rights r or rw."""

    shared: Shared
    mode: str  # "r" | "rw"
    span: Span | None = None


@frozen
class Pd:
    """`pd NAME on KERNEL { ... }`: a protection domain (Microkit's unit of isolation) on one kernel.

    Its `irqs` are SPIs of its kernel (the resolver adds them to the kernel's own). Priorities are
    Microkit's, 0 to 254: a protected procedure call goes to a strictly higher priority."""

    name: str
    kernel: Kernel
    priority: int = 0
    maps: tuple[PdMap, ...] = ()
    irqs: tuple[Irq, ...] = ()
    span: Span | None = None

    def mode_of(self, shared_name: str) -> str | None:
        """The rights this PD maps a shared region with, or None if it does not map it."""
        return next((m.mode for m in self.maps if m.shared.name == shared_name), None)


@frozen
class Notification:
    """A `channel` between two PDs. Across kernels it is signalled by `channel`, the SGI channel
    between the PDs' kernels (in `Spec.channels`); on one kernel it is a seL4 notification and
    `channel` is None."""

    name: str
    sender: Pd
    receiver: Pd
    channel: Channel | None = None
    span: Span | None = None


@frozen
class Queue:
    """`queue NAME from PRODUCER to CONSUMER in RING [slots N] [index REGION] notify CHANNEL`: a
    single-producer single-consumer ring in shared memory and its doorbell.

    Layout (README, "Queues"): the ring starts with the producer's write index (8 bytes at
    offset 0); the consumer's read index is the 8 bytes at offset 8 of the ring, or at the start of
    `index` when one is given; the slots follow the 16-byte header."""

    name: str
    producer: Pd
    consumer: Pd
    ring: Shared
    doorbell: Notification
    slots: int = 64
    index: Shared | None = None
    span: Span | None = None

    @property
    def consumer_index(self) -> int:
        """The address of the consumer's read index."""
        return self.index.region.base if self.index is not None else self.ring.region.base + QUEUE_CONSUMER_INDEX

    @property
    def index_region(self) -> Shared:
        """The shared region holding the consumer's read index."""
        return self.index if self.index is not None else self.ring


QUEUE_HEADER = 16  # producer index at 0, consumer index at 8 (when it is in the ring)
QUEUE_CONSUMER_INDEX = 8
QUEUE_MIN_SLOT = 8


@frozen
class Call:
    """`call CLIENT -> SERVER [via PROXY_C, PROXY_S in BUFFER]`: a protected procedure call, direct
    (both on one kernel) or through a proxy pair: PROXY_C on the client's kernel, PROXY_S on the
    server's, the request and reply in BUFFER and signalled by channels between the proxies."""

    client: Pd
    server: Pd
    proxies: tuple[Pd, Pd] | None = None
    buffer: Shared | None = None
    span: Span | None = None

    @property
    def subject(self) -> str:
        """How results and waivers name the call: CLIENT.SERVER."""
        return f"{self.client.name}.{self.server.name}"


@frozen
class Waiver:
    obligation: str
    subject: str
    reason: str
    span: Span | None = None


@frozen
class Spec:
    """A whole multikernel system, resolved and ready to check."""

    platform: Platform
    kernels: tuple[Kernel, ...]
    shared: tuple[Shared, ...] = ()
    channels: tuple[Channel, ...] = ()
    profiles: tuple[Profile, ...] = ()  # user-defined ones, for reference
    loader_gic_init: bool = False
    # `loader { triggers }`: the loader writes the declared trigger of every SPI of a
    # `trigger_config loader` kernel into GICD_ICFGR before any kernel runs.
    loader_triggers: bool = False
    # `loader { group1 }`: the loader puts every interrupt into Group 1 and wakes every redistributor.
    loader_group1: bool = False
    boot_order: tuple[Kernel, ...] | None = None
    waivers: tuple[Waiver, ...] = ()
    path: str = "<spec>"
    pds: tuple[Pd, ...] = ()
    notifications: tuple[Notification, ...] = ()
    queues: tuple[Queue, ...] = ()
    calls: tuple[Call, ...] = ()
    sources: dict[str, str] = field(factory=dict, eq=False, hash=False)

    def kernel(self, name: str) -> Kernel:
        """The kernel called `name` (the first so called); KeyError if there is none."""
        return _kernel_index(self)[name]


# SGIs a Microkit system may give one receiving core: what the au-ts multikernel Microkit tool
# (capdl_multikernel, tool/microkit/src/sel4.rs pick_sgi_channels) allows, by GIC version.
SGI_BUDGET = {2: 8, 3: 16}


def sgi_budget(spec: Spec) -> int:
    return SGI_BUDGET[spec.platform.gic.version]


def default_target(spec: Spec, channel: Channel) -> int | None:
    """The raw SGI target that names the channel's receiving core (None if it has none).

    GICv2: the core's CPU-interface number. GICv3: its affinity packed as
    seL4_IRQControl_IssueSGISignal expects it, Aff3.Aff2.Aff1.Aff0 in bits 31..0.
    """
    core = channel.receiving_core
    if core is None:
        return None
    if spec.platform.gic.version == 2:
        return core.gic_cpu
    return core.affinity


def spis_in_spec(spec: Spec) -> dict[int, Irq]:
    """Every SPI the spec mentions (devices and kernels), first mention kept, by INTID."""
    found: dict[int, Irq] = {}
    for dev in spec.platform.devices:
        for irq in dev.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    for kernel in spec.kernels:
        for irq in kernel.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    return dict(sorted(found.items()))


@per_spec
def _kernel_index(spec: Spec) -> dict[str, Kernel]:
    index: dict[str, Kernel] = {}
    for k in spec.kernels:
        index.setdefault(k.name, k)
    return index
