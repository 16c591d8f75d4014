"""Plain-data configuration of a machine and the kernels that partition it.

Everything here is a frozen attrs class holding ints, strings and tuples, so a
configuration can be built by hand, by a test, or by the checker's bridge
without importing anything else from pcheck.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable

import attrs
from attrs import frozen

from model.errors import ConfigError

__all__ = [
    "Core",
    "Region",
    "Gic",
    "Profile",
    "Device",
    "SharedRegion",
    "Kernel",
    "Channel",
    "Pd",
    "Notification",
    "Call",
    "Queue",
    "MachineConfig",
    "SEL4",
    "SEL4_SMP",
    "SEL4_MK",
    "BUILTIN_PROFILES",
    "affinity_of",
    "config_to_json",
    "config_from_json",
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
    # GICv3: who puts every interrupt into Non-secure Group 1 and wakes the redistributors
    # before seL4 runs. "firmware": boot firmware (TF-A) did, the state seL4 expects;
    # "sel4": nobody before seL4, whose port for this platform does it itself (seL4 15.0 and
    # later on qemu-arm-virt: CONFIG_PLAT_QEMU_ARM_VIRT); "none": nobody (the architectural reset).
    group1: str = "firmware"


@frozen
class Profile:
    """The behaviour of one kernel build (see spec-language.md, "Profiles")."""

    name: str
    # "always" | "first" | "never" | "check": never resets, halts unless GICD_CTLR is enabled
    # (the au-ts multikernel fork at c99714a6).
    dist_init: str = "always"
    # "all" | "own" | "primary": INTIDs 0..32 on every kernel, every SPI up to maxIRQ on node 0
    # (the kernel on the loader's logical cpu 0; the fork's init_irqs).
    boot_mask: str = "all"
    device_untypeds: str = "all"
    sgi_signal: bool = True
    # "yes": acquisition routes the SPI (SMP seL4); "no"; "primary": nothing routes on acquisition,
    # node 0's root task routes other kernels' SPIs with SetIrqTargetCore (the fork).
    irq_route: str = "no"
    smp: bool = False
    # "runtime": the root task sets each declared trigger (setIRQTrigger); "loader": the loader
    # does; "none": nobody does (plain IRQControl_Get), the field keeps what dist_init left.
    trigger_config: str = "runtime"
    # GICv3: "port" writes Group 1 where the seL4 port of the platform does (Gic.group1 "sel4");
    # "never": never writes a group register (the au-ts multikernel fork at c99714a6).
    group1: str = "port"


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
    receiver_core: str  # "" when the receiving kernel has no core
    sgi: int
    target: int
    mailbox: str | None = None
    tag: int | None = None


@frozen
class Pd:
    """A protection domain on `kernel`: the shared regions it maps as (region name, 'r' | 'rw')."""

    name: str
    kernel: str
    priority: int = 0
    maps: tuple[tuple[str, str], ...] = ()


@frozen
class Notification:
    """A channel between two PDs; `channel` names its SGI channel when the PDs' kernels differ."""

    name: str
    sender: str
    receiver: str
    channel: str | None = None


@frozen
class Call:
    """A protected procedure call from `client` to `server`, through the proxy pair
    (`client_proxy` on the client's kernel, `server_proxy` on the server's) and its `buffer`, or
    direct (no proxies)."""

    client: str
    server: str
    client_proxy: str | None = None
    server_proxy: str | None = None
    buffer: str | None = None


@frozen
class Queue:
    """A single-producer single-consumer ring in shared region `ring` with its doorbell
    (a notification from producer to consumer). The consumer's read index is at
    `consumer_index` (in `index_region`)."""

    name: str
    producer: str
    consumer: str
    ring: str
    index_region: str
    consumer_index: int
    doorbell: str
    slots: int = 64


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
    # The loader writes the declared trigger of every SPI of a `trigger_config loader` kernel.
    loader_triggers: bool = False
    # The loader puts every interrupt into Non-secure Group 1 and wakes every redistributor (GICv3).
    loader_group1: bool = False
    # seL4's maxIRQ for the platform port (None: the GIC's last line). The kernel
    # refuses IRQs above it and init_irqs masks 0..maxIRQ.
    max_irq: int | None = None
    # Protection domains and what connects them (Microkit systems): see model/pds.py.
    pds: tuple[Pd, ...] = ()
    notifications: tuple[Notification, ...] = ()
    calls: tuple[Call, ...] = ()
    queues: tuple[Queue, ...] = ()
    # SGIs one core may receive from notifications between PDs (the au-ts Microkit tool: 8 on
    # GICv2, 16 on GICv3); None: no such limit is known.
    sgi_budget: int | None = None

    # Derived data (name indexes, the memory map, the construction checks...)
    # computed at most once per configuration: the configuration is frozen
    # plain data, so anything computed from it alone stays valid. Not part
    # of equality, hashing or repr; `attrs.evolve` starts an empty one.
    _derived: dict = attrs.field(init=False, factory=dict, eq=False, hash=False, repr=False)

    def derived(self, key: str, compute: Callable[[], Any]) -> Any:
        """compute() the first time key is asked for, the same value afterwards.

        Only for values that depend on nothing but this (immutable)
        configuration and that their users never modify."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = compute()
            return value

    def _by_name(self, field: str) -> dict[str, Any]:
        """name -> the first item of a tuple field called so (what a linear search finds)."""
        def index() -> dict[str, Any]:
            table: dict[str, Any] = {}
            for item in getattr(self, field):
                table.setdefault(item.name, item)
            return table
        return self.derived(f"by-name:{field}", index)

    def core(self, name: str) -> Core:
        """The core called name (KeyError if there is none)."""
        try:
            return self._by_name("cores")[name]
        except KeyError:
            raise KeyError(name) from None

    def kernel(self, name: str) -> Kernel:
        """The kernel called name (KeyError if there is none)."""
        try:
            return self._by_name("kernels")[name]
        except KeyError:
            raise KeyError(name) from None

    def logical_index(self, core: str) -> int | None:
        """The loader's logical number of a core (TPIDR_EL1 for the kernel it boots): its position
        among the configured cores (au-ts/microkit loader: logical cpu i is psci_target_cpus[i])."""
        names = [c.name for c in self.cores]
        return names.index(core) if core in names else None

    def is_node0(self, kernel: str) -> bool:
        """The kernel boots on logical cpu 0: the fork's "primary", boot_node_id 0."""
        k = self.kernel(kernel)
        return bool(k.cores) and self.logical_index(k.cores[0]) == 0

    def primary_targets(self, kernel: str) -> tuple[tuple[int, int], ...]:
        """(INTID, logical target) for every SetIrqTargetCore the kernel's root task makes: none
        unless it is node 0 with `irq_route primary`; then every SPI of every other kernel, in
        declaration order, to the logical index of the core it is routed to (au-ts/microkit
        capdl_multikernel: multikernel_irq_set_target_cores, target_cpu = the PD's cpu)."""
        k = self.kernel(kernel)
        if k.profile.irq_route != "primary" or not self.is_node0(kernel):
            return ()
        out: list[tuple[int, int]] = []
        for other in self.kernels:
            if other.name == kernel or not other.cores:
                continue
            routes = dict(other.routes)
            for intid in dict.fromkeys(i for i, _ in other.spis if i >= 32):
                target = self.logical_index(routes.get(intid, other.cores[0]))
                if target is not None:
                    out.append((intid, target))
        return tuple(out)

    def device(self, name: str) -> Device:
        """The device called name (KeyError if there is none)."""
        try:
            return self._by_name("devices")[name]
        except KeyError:
            raise KeyError(name) from None

    def channel(self, name: str) -> Channel:
        """The channel called name (KeyError if there is none)."""
        try:
            return self._by_name("channels")[name]
        except KeyError:
            raise KeyError(name) from None

    def shared_region(self, name: str) -> SharedRegion:
        """The shared region called name (KeyError if there is none)."""
        try:
            return self._by_name("shared")[name]
        except KeyError:
            raise KeyError(name) from None

    def pd(self, name: str) -> Pd:
        """The PD called name (KeyError if there is none)."""
        try:
            return self._by_name("pds")[name]
        except KeyError:
            raise KeyError(name) from None

    def notification(self, name: str) -> Notification:
        """The notification called name (KeyError if there is none)."""
        try:
            return self._by_name("notifications")[name]
        except KeyError:
            raise KeyError(name) from None

    def queue(self, name: str) -> Queue:
        """The queue called name (KeyError if there is none)."""
        try:
            return self._by_name("queues")[name]
        except KeyError:
            raise KeyError(name) from None

    def kernel_of_core(self, core: str) -> Kernel | None:
        """The kernel running on core (the first that lists it), or None."""
        def index() -> dict[str, Kernel]:
            table: dict[str, Kernel] = {}
            for kernel in self.kernels:
                for name in kernel.cores:
                    table.setdefault(name, kernel)
            return table
        return self.derived("kernel-of-core", index).get(core)

    def spi_owner(self, intid: int) -> Kernel | None:
        """The first kernel that lists intid among its SPIs, or None."""
        def index() -> dict[int, Kernel]:
            table: dict[int, Kernel] = {}
            for kernel in self.kernels:
                for spi, _ in kernel.spis:
                    table.setdefault(spi, kernel)
            return table
        return self.derived("spi-owner", index).get(intid)


def affinity_of(mpidr: int) -> tuple[int, int, int, int]:
    """MPIDR_EL1 -> (Aff3, Aff2, Aff1, Aff0); Aff3 sits at bits [39:32]."""
    return ((mpidr >> 32) & 0xFF, (mpidr >> 16) & 0xFF, (mpidr >> 8) & 0xFF, mpidr & 0xFF)


SEL4 = Profile(
    name="sel4", dist_init="always", boot_mask="all", device_untypeds="all",
    sgi_signal=True, irq_route="no", smp=False, trigger_config="runtime",
)
SEL4_SMP = Profile(
    name="sel4-smp", dist_init="always", boot_mask="all", device_untypeds="all",
    sgi_signal=False, irq_route="yes", smp=True, trigger_config="runtime",
)
SEL4_MK = Profile(
    name="sel4-mk", dist_init="check", boot_mask="primary", device_untypeds="all",
    sgi_signal=True, irq_route="primary", smp=False, trigger_config="runtime", group1="never",
)
BUILTIN_PROFILES = MappingProxyType({p.name: p for p in (SEL4, SEL4_SMP, SEL4_MK)})


# ---------------------------------------------------------------- JSON form
def _profile_from(d: dict[str, Any]) -> Profile:
    """A profile's JSON form; `irq_route` true/false (files written before it took "primary") read as yes/no."""
    d = dict(d)
    if isinstance(d.get("irq_route"), bool):
        d["irq_route"] = "yes" if d["irq_route"] else "no"
    return Profile(**d)


def _region_json(r: Region | None) -> dict[str, Any] | None:
    return None if r is None else {"name": r.name, "base": r.base, "size": r.size}


def _region_from(d: dict[str, Any] | None) -> Region | None:
    return None if d is None else Region(str(d["name"]), int(d["base"]), int(d["size"]))


def config_to_json(config: MachineConfig) -> dict[str, Any]:
    """A MachineConfig as plain JSON data (see config_from_json)."""
    gic = config.gic
    return {
        "cores": [{"name": c.name, "mpidr": c.mpidr, "gic_cpu": c.gic_cpu} for c in config.cores],
        "gic": {
            "version": gic.version,
            "distributor": _region_json(gic.distributor),
            "cpu_interface": _region_json(gic.cpu_interface),
            "redistributors": _region_json(gic.redistributors),
            "redist_stride": gic.redist_stride,
            "lines": gic.lines,
            "group1": gic.group1,
        },
        "paddr_bits": config.paddr_bits,
        "page": config.page,
        "memory": [_region_json(r) for r in config.memory],
        "reserved": [_region_json(r) for r in config.reserved],
        "devices": [{"name": d.name, "region": _region_json(d.region), "irqs": [list(i) for i in d.irqs]} for d in config.devices],
        "kernels": [
            {
                "name": k.name,
                "profile": attrs.asdict(k.profile),
                "cores": list(k.cores),
                "ram": [_region_json(r) for r in k.ram],
                "devices": list(k.devices),
                "spis": [list(s) for s in k.spis],
                "routes": [list(r) for r in k.routes],
            }
            for k in config.kernels
        ],
        "shared": [{"name": s.name, "region": _region_json(s.region), "access": [list(a) for a in s.access]} for s in config.shared],
        "channels": [attrs.asdict(c) for c in config.channels],
        "loader_gic_init": config.loader_gic_init,
        "loader_triggers": config.loader_triggers,
        "loader_group1": config.loader_group1,
        "max_irq": config.max_irq,
        # Only written when present, so files of systems without PDs keep their form.
        **({"pds": [{"name": p.name, "kernel": p.kernel, "priority": p.priority, "maps": [list(m) for m in p.maps]} for p in config.pds],
            "notifications": [attrs.asdict(n) for n in config.notifications],
            "calls": [attrs.asdict(c) for c in config.calls],
            "queues": [attrs.asdict(q) for q in config.queues]} if config.pds else {}),
        **({"sgi_budget": config.sgi_budget} if config.sgi_budget is not None else {}),
    }


def config_from_json(data: dict[str, Any]) -> MachineConfig:
    """The MachineConfig of config_to_json's output; ConfigError if it is malformed."""
    try:
        g = data["gic"]
        return MachineConfig(
            cores=tuple(Core(str(c["name"]), int(c["mpidr"]), c.get("gic_cpu")) for c in data["cores"]),
            gic=Gic(
                int(g["version"]),
                _region_from(g["distributor"]),
                _region_from(g.get("cpu_interface")),
                _region_from(g.get("redistributors")),
                int(g.get("redist_stride", 0x20000)),
                int(g["lines"]),
                str(g.get("group1", "firmware")),
            ),
            paddr_bits=int(data["paddr_bits"]),
            page=int(data["page"]),
            memory=tuple(_region_from(r) for r in data["memory"]),
            reserved=tuple(_region_from(r) for r in data["reserved"]),
            devices=tuple(
                Device(str(d["name"]), _region_from(d["region"]), tuple((int(i), t) for i, t in d["irqs"])) for d in data["devices"]
            ),
            kernels=tuple(
                Kernel(
                    str(k["name"]),
                    _profile_from(k["profile"]),
                    tuple(k["cores"]),
                    tuple(_region_from(r) for r in k["ram"]),
                    tuple(k["devices"]),
                    tuple((int(i), t) for i, t in k["spis"]),
                    tuple((int(i), str(c)) for i, c in k["routes"]),
                )
                for k in data["kernels"]
            ),
            shared=tuple(
                SharedRegion(str(s["name"]), _region_from(s["region"]), tuple((str(k), str(m)) for k, m in s["access"]))
                for s in data["shared"]
            ),
            channels=tuple(Channel(**c) for c in data["channels"]),
            loader_gic_init=bool(data["loader_gic_init"]),
            # Files written before `loader { triggers }` existed: the loader's gic_init set them.
            loader_triggers=bool(data.get("loader_triggers", data["loader_gic_init"])),
            loader_group1=bool(data.get("loader_group1", False)),
            max_irq=None if data.get("max_irq") is None else int(data["max_irq"]),
            pds=tuple(Pd(str(p["name"]), str(p["kernel"]), int(p["priority"]), tuple((str(r), str(m)) for r, m in p["maps"]))
                      for p in data.get("pds", ())),
            notifications=tuple(Notification(**n) for n in data.get("notifications", ())),
            calls=tuple(Call(**c) for c in data.get("calls", ())),
            queues=tuple(Queue(**q) for q in data.get("queues", ())),
            sgi_budget=None if data.get("sgi_budget") is None else int(data["sgi_budget"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError(f"malformed machine configuration: {exc!r}") from exc
