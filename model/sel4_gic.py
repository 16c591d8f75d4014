"""The register writes seL4's GIC drivers make (src/arch/arm/machine/gic_v2.c,
gic_v3.c), quirks included, issued through a Port that stamps every event
with the software agent (a kernel or the loader) and what it was doing.
"""

from __future__ import annotations

from types import MappingProxyType

import attrs

from model.config import Core, MachineConfig, affinity_of
from model.errors import MmioError
from model.gic import SPURIOUS, GicBase
from model.gicv2 import GicV2
from model.gicv3 import (CTLR_ARE_NS, CTLR_ENABLE_G0, CTLR_ENABLE_G1NS, WAKER_CHILDREN_ASLEEP, WAKER_PROCESSOR_SLEEP,
                         GicV3, irouter_value)
from model.trace import Event, RegAccess

__all__ = ["Port", "Driver", "V2Driver", "V3Driver", "make_driver", "sgi1r_from_target",
           "sgir_from_target", "sgi_target_for", "HaltError", "IpiFault"]

ALL = 0xFFFFFFFF
GICR_SCAN_STEP = 0x20000   # seL4: GICR_PER_CORE_SIZE
GICR_SCAN_WINDOW = 0x100000  # seL4: GICR_SIZE, "assume 8 cores"


class HaltError(Exception):
    """The kernel stopped at boot (seL4 prints and calls halt())."""


class IpiFault(Exception):
    """seL4's ipi_send_target cannot form the write (a failed assert, or undefined behaviour in C)."""


class Port:
    """A software agent's path to the GIC; events are stamped and moved to
    `sink` right after every access, so nothing is lost when one fails."""

    def __init__(self, gic: GicBase, actor: str, sink: list[Event]) -> None:
        self.gic = gic
        self.actor = actor
        self.sink = sink
        self.activity = ""

    def _flush(self) -> None:
        for event in self.gic.drain():
            self.sink.append(self.stamp(event))

    def stamp(self, event: Event) -> Event:
        """The event with this port's actor (and activity for accesses)."""
        if type(event) is RegAccess:
            return event.stamped(actor=self.actor, activity=self.activity)
        return attrs.evolve(event, actor=self.actor)

    def read(self, core: str, address: int, width: int = 4) -> int:
        """MMIO read."""
        try:
            return self.gic.read(core, address, width)
        finally:
            self._flush()

    def write(self, core: str, address: int, value: int, width: int = 4) -> None:
        """MMIO write."""
        try:
            self.gic.write(core, address, width, value)
        finally:
            self._flush()

    def mrs(self, core: str, name: str) -> int:
        """System register read."""
        try:
            return self.gic.sysreg_read(core, name)
        finally:
            self._flush()

    def msr(self, core: str, name: str, value: int) -> None:
        """System register write."""
        try:
            self.gic.sysreg_write(core, name, value)
        finally:
            self._flush()


def sgir_from_target(sgi: int, target: int) -> int:
    """GICD_SGIR as seL4's plat_sendSGI writes it (filter 00)."""
    return (1 << target) << 16 | sgi


def sgi1r_from_target(sgi: int, target: int) -> int:
    """ICC_SGI1R_EL1 as seL4's sgir_word_from_args builds it: Aff3 of the
    target is ORed in at the Aff2 shift, so it lands in the Aff2 field."""
    return (sgi << 24
            | 1 << (target & 0xF)
            | (target & 0xF0) << 40
            | (target & 0xFF00) << 8
            | (target & 0xFF0000) << 16
            | (target & 0xFF000000) << 8)


def sgi_target_for(config: MachineConfig, core: str) -> int | None:
    """The raw IssueSGISignal target that makes seL4 signal exactly `core`,
    or None when no target can (GICv2 interface > 7; GICv3 Aff3 != 0, which
    seL4 folds into the Aff2 field)."""
    found = config.core(core)
    if config.gic.version == 2:
        index = config.cores.index(found)
        cpu = index if found.gic_cpu is None else found.gic_cpu
        return cpu if 0 <= cpu < 8 else None
    aff3, aff2, aff1, aff0 = affinity_of(found.mpidr)
    if aff3:
        return None
    return aff2 << 16 | aff1 << 8 | aff0


class Driver:
    """What both seL4 GIC drivers offer the kernel model."""

    def __init__(self, port: Port, gic: GicBase, cores: dict[str, Core]) -> None:
        self.port = port
        self.gic = gic
        self.cores = cores
        # GICv3: this build puts interrupts into Group 1 itself (seL4 15.0 and later built for
        # qemu-arm-virt, CONFIG_PLAT_QEMU_ARM_VIRT: dist_init's GICD_IGROUPR, gicr_init's GICR_IGROUPR0).
        self.group1 = False

    def dist(self, offset: int) -> int:
        """Absolute distributor address."""
        return self.gic.config.distributor.base + offset

    def nirqs(self, core: str) -> int:
        """32 * (GICD_TYPER.ITLinesNumber + 1), read from the hardware."""
        return 32 * ((self.port.read(core, self.dist(0x004)) & 0x1F) + 1)

    def set_enabled(self, core: str, intid: int, enable: bool) -> None:
        """maskInterrupt(): one bit of GICD_IS/ICENABLER, no read-modify-write."""
        base = 0x100 if enable else 0x180
        self.port.write(core, self.dist(base + 4 * (intid >> 5)), 1 << (intid & 31))

    def icfgr_address(self, core: str, intid: int) -> int | None:
        """Where intid's trigger bits live (None: not configurable)."""
        return self.dist(0xC00 + 4 * (intid >> 4))

    def trigger_read(self, core: str, intid: int) -> int | None:
        """First half of setIRQTrigger: read the shared 32-bit ICFGR word."""
        address = self.icfgr_address(core, intid)
        return None if address is None else self.port.read(core, address)

    def trigger_write(self, core: str, intid: int, word: int, edge: bool) -> None:
        """Second half of setIRQTrigger: write back the word read earlier."""
        address = self.icfgr_address(core, intid)
        if address is not None:
            self.port.write(core, address, self.trigger_value(word, intid, edge))

    def trigger_value(self, word: int, intid: int, edge: bool) -> int:
        """The ICFGR word with intid's trigger changed as seL4 changes it."""
        raise NotImplementedError


class V2Driver(Driver):
    """seL4's gic_v2.c."""

    gic: GicV2

    def cpu(self, offset: int) -> int:
        """Absolute CPU-interface address."""
        return self.gic.cpu_address(offset)

    def cpu_local_init(self, core: str) -> None:
        """cpu_iface_init(): banked distributor words, then the CPU interface."""
        w = self.port.write
        w(core, self.dist(0x180), ALL)
        w(core, self.dist(0x280), ALL)
        w(core, self.dist(0x080), 0)
        w(core, self.dist(0x400), 0)
        for i in range(0, 16, 4):
            w(core, self.dist(0xF10 + i), ALL)
        w(core, self.cpu(0x00), 0)
        w(core, self.cpu(0x04), 0xF0)
        w(core, self.cpu(0x08), 0x3)
        self._drain_iar(core)
        w(core, self.cpu(0x00), 1)

    def _drain_iar(self, core: str) -> None:
        # Bounded: the real loop ends because the interface is disabled.
        for _ in range(1024):
            value = self.port.read(core, self.cpu(0x0C))
            if value & 0x3FF == SPURIOUS:
                return
            self.port.write(core, self.cpu(0x10), value)

    def dist_enabled(self, core: str) -> bool:
        """The multikernel patch's check: GICD_CTLR already enabled?"""
        return bool(self.port.read(core, self.dist(0x000)) & 1)

    def dist_ready(self, core: str) -> bool:
        """The fork's dist_init check (au-ts/seL4 c99714a6): GICD_CTLR bit 0 set."""
        return bool(self.port.read(core, self.dist(0x000)) & 1)

    def set_target_core(self, core: str, intid: int, target: int, mpidrs: tuple[int, ...]) -> None:
        """The fork's plat_setIRQTarget: a byte store BIT(target) to ITARGETSR, the logical index
        taken as the CPU-interface number."""
        self.port.write(core, self.dist(0x800 + intid), (1 << target) & 0xFF, width=1)

    def dist_init(self, core: str, upstream: bool = True) -> None:
        """dist_init(); upstream=False fixes the ICFGR indexing quirk (loader)."""
        nirqs = self.nirqs(core)
        w = self.port.write
        w(core, self.dist(0x000), 0)
        for i in range(0, nirqs, 32):
            w(core, self.dist(0x180 + 4 * (i >> 5)), ALL)
            w(core, self.dist(0x280 + 4 * (i >> 5)), ALL)
        for i in range(32, nirqs, 4):
            w(core, self.dist(0x400 + i), 0)
        target = self._infer_cpu_gic_id(core, nirqs)
        for i in range(0, nirqs, 4):
            w(core, self.dist(0x800 + i), target * 0x01010101)
        # Upstream steps 32 INTIDs per 16-INTID word: words 2 .. nirqs/32-1 only.
        words = range(2, nirqs // 32) if upstream else range(2, nirqs // 16)
        for word in words:
            w(core, self.dist(0xC00 + 4 * word), 0x55555555)
        for i in range(0, nirqs, 32):
            w(core, self.dist(0x080 + 4 * (i >> 5)), 0)
        w(core, self.dist(0x000), 1)

    def _infer_cpu_gic_id(self, core: str, nirqs: int) -> int:
        for i in range(0, nirqs, 4):
            target = self.port.read(core, self.dist(0x800 + i))
            target |= target >> 16
            target |= target >> 8
            if target:
                return target & 0xFF
        return 1

    def trigger_value(self, word: int, intid: int, edge: bool) -> int:
        bit = 1 << ((intid % 16) * 2 + 1)
        return word | bit if edge else word & ~bit & ALL

    def route(self, core: str, intid: int, target: str, logical: int, smp: bool) -> None:
        """setIRQTarget(): a byte store to ITARGETSR. Upstream SMP uses the
        logical core index as the CPU-interface number; the multikernel
        SetIrqTargetCore is assumed to use the real interface number."""
        cpu = logical if smp else self.gic.interface_of(target)
        # A core with no CPU interface (see GicV2._interface) has no target bit: no core is named.
        self.port.write(core, self.dist(0x800 + intid), 0 if cpu is None else (1 << cpu) & 0xFF, width=1)

    def sgi_target_valid(self, target: int) -> bool:
        """plat_SGITargetValid(): target < 8."""
        return 0 <= target < 8

    def ipi_send_target(self, core: str, irq: int, target_list: int, mpidrs: tuple[int, ...]) -> None:
        """ipi_send_target() (SMP builds): GICD_SGIR with the *logical* core mask as CPUTargetList.

        seL4 passes BIT(logical index) (cpuIndexToID), not the core's
        CPU-interface number, so an smp kernel whose cores are not interfaces
        0..n-1 signals other cores."""
        self.port.write(core, self.dist(0xF00), (target_list << 16 | irq) & ALL)

    def send_sgi(self, core: str, sgi: int, target: int) -> None:
        """plat_sendSGI(): GICD_SGIR = (1 << target) << 16 | sgi."""
        self.port.write(core, self.dist(0xF00), sgir_from_target(sgi, target))

    def ack(self, core: str) -> tuple[int, int]:
        """getActiveIRQ(): (raw IAR, INTID masked to 10 bits: source dropped)."""
        raw = self.port.read(core, self.cpu(0x0C))
        return raw, raw & 0x3FF

    def end(self, core: str, raw: int, intid: int, to_user: bool) -> None:
        """ackInterrupt() (seL4 16.0.0, gic_v2.h): GICC_EOIR with the raw IAR value, nothing else.
        (Releases up to 12.1 also read GICD_ICFGR and cleared an edge IRQ's pending bit.)"""
        self.port.write(core, self.cpu(0x10), raw)


class V3Driver(Driver):
    """seL4's gic_v3.c."""

    gic: GicV3

    def __init__(self, port: Port, gic: GicBase, cores: dict[str, Core]) -> None:
        super().__init__(port, gic, cores)
        self.rdist: dict[str, int] = {}

    def gicr(self, core: str, offset: int) -> int:
        """Absolute address in the redistributor frame this core found."""
        return self.rdist[core] + offset

    def cpu_local_init(self, core: str) -> None:
        """gicr_init() (locate by GICR_TYPER, wake check, SGI/PPI setup), then
        cpu_iface_init() through system registers."""
        self._locate(core)
        w = self.port.write
        if self.port.read(core, self.gicr(core, 0x14)) & WAKER_CHILDREN_ASLEEP:
            self._wake(core)
        w(core, self.gicr(core, 0x10380), ALL)
        for i in range(0, 32, 4):
            w(core, self.gicr(core, 0x10400 + i), 0xA0A0A0A0)
        w(core, self.gicr(core, 0x10180), 0xFFFF0000)
        w(core, self.gicr(core, 0x10100), 0x0000FFFF)
        if self.group1:
            w(core, self.gicr(core, 0x10080), ALL)
        w(core, self.gicr(core, 0x10C04), 0)
        self.port.read(core, self.gicr(core, 0x0))  # wait for RWP
        self._cpu_iface_init(core)

    def _wake(self, core: str) -> None:
        """gicr_enable_rdist() (seL4 16.0.0): clear ProcessorSleep, then poll until
        ChildrenAsleep reads 0; halt when it never does (seL4 gives up after a deadline).
        The model's redistributor wakes at once, so one poll decides."""
        waker = self.gicr(core, 0x14)
        self.port.write(core, waker, self.port.read(core, waker) & ~WAKER_PROCESSOR_SLEEP & ALL)
        if self.port.read(core, waker) & WAKER_CHILDREN_ASLEEP:
            raise HaltError("GICv3: GICR_WAKER returned non-zero")

    def _locate(self, core: str) -> None:
        redist = self.gic.config.redistributors
        if redist is None:
            raise HaltError("GICv3: no redistributor frames")
        aff3, aff2, aff1, aff0 = affinity_of(self.cores[core].mpidr)
        wanted = aff3 << 24 | aff2 << 16 | aff1 << 8 | aff0
        for offset in range(0, GICR_SCAN_WINDOW, GICR_SCAN_STEP):
            try:
                typer = self.port.read(core, redist.base + offset + 0x8, 8)
            except MmioError:
                break  # the scan runs past the redistributor frames: no match
            if typer >> 32 == wanted:
                self.rdist[core] = redist.base + offset
                return
        raise HaltError(f"GICv3: GICR base for CPU {aff3} {aff2} {aff1} {aff0} not found")

    def _cpu_iface_init(self, core: str) -> None:
        # cpu_iface_init() (seL4 16.0.0): SRE | DIB | DFB, no priority grouping, PMR,
        # EOImode_drop (EOI drops priority, DIR deactivates), Group 1 on.
        self.port.msr(core, "ICC_SRE_EL1", 0x7)
        self.port.msr(core, "ICC_BPR1_EL1", 0)
        self.port.msr(core, "ICC_PMR_EL1", 0xFF)
        ctlr = self.port.mrs(core, "ICC_CTLR_EL1")
        self.port.msr(core, "ICC_CTLR_EL1", ctlr | 0x2)
        self.port.msr(core, "ICC_IGRPEN1_EL1", 1)

    def dist_enabled(self, core: str) -> bool:
        """The multikernel patch's check: GICD_CTLR already enabled?"""
        return bool(self.port.read(core, self.dist(0x0)) & (CTLR_ENABLE_G0 | CTLR_ENABLE_G1NS))

    def dist_ready(self, core: str) -> bool:
        """The fork's dist_init check (au-ts/seL4 c99714a6): ARE_NS and EnableGrp1NS both set."""
        mask = CTLR_ARE_NS | CTLR_ENABLE_G1NS
        return self.port.read(core, self.dist(0x0)) & mask == mask

    def set_target_core(self, core: str, intid: int, target: int, mpidrs: tuple[int, ...]) -> None:
        """The fork's plat_setIRQTarget: GICD_IROUTER = MPIDR_AFF_MASK(mpidr_map[target])."""
        self.port.write(core, self.dist(0x6000 + 8 * intid), mpidrs[target] & 0xFF00FFFFFF, width=8)

    def dist_init(self, core: str, upstream: bool = True) -> None:
        """dist_init(): disable, SPIs level/0xA0/disabled/unpended, enable with
        ARE_NS, then every SPI's IROUTER = this core's affinity."""
        w = self.port.write
        w(core, self.dist(0x0), 0)
        self.port.read(core, self.dist(0x0))  # wait for RWP
        nr_lines = self.nirqs(core)
        for i in range(32, nr_lines, 16):
            w(core, self.dist(0xC00 + 4 * (i // 16)), 0)
        for i in range(32, nr_lines, 4):
            w(core, self.dist(0x400 + i), 0xA0A0A0A0)
        for i in range(32, nr_lines, 32):
            w(core, self.dist(0x180 + 4 * (i // 32)), ALL)
            w(core, self.dist(0x280 + 4 * (i // 32)), ALL)
        if self.group1:
            for i in range(32, nr_lines, 32):
                w(core, self.dist(0x080 + 4 * (i // 32)), ALL)
        w(core, self.dist(0x0), CTLR_ENABLE_G0 | CTLR_ARE_NS | CTLR_ENABLE_G1NS)
        self.port.read(core, self.dist(0x0))  # wait for RWP
        affinity = irouter_value(self.cores[core].mpidr)
        for i in range(32, nr_lines):
            w(core, self.dist(0x6000 + 8 * i), affinity, width=8)

    def loader_group1(self, core: str) -> None:
        """The loader's `group1` step, made from `core`: every SPI into Group 1 (GICD_IGROUPR), then
        for every redistributor frame: wake it (GICR_WAKER.ProcessorSleep := 0) and put its SGIs and
        PPIs into Group 1 (GICR_IGROUPR0), as boot firmware does (TF-A's gicv3_distif_init,
        gicv3_rdistif_on and gicv3_rdistif_init)."""
        w = self.port.write
        nr_lines = self.nirqs(core)
        for i in range(32, nr_lines, 32):
            w(core, self.dist(0x080 + 4 * (i // 32)), ALL)
        redist = self.gic.config.redistributors
        if redist is None:
            return
        for frame in range(redist.size // self.gic.config.redist_stride):
            base = redist.base + frame * self.gic.config.redist_stride
            if not self.gic.owns(base):
                break
            w(core, base + 0x14, 0)
            w(core, base + 0x10080, ALL)

    def set_enabled(self, core: str, intid: int, enable: bool) -> None:
        """SGIs and PPIs in this core's redistributor, SPIs in the distributor."""
        if intid >= 32:
            super().set_enabled(core, intid, enable)
            return
        self.port.write(core, self.gicr(core, 0x10100 if enable else 0x10180), 1 << intid)

    def icfgr_address(self, core: str, intid: int) -> int | None:
        if intid < 16:
            return None  # GICR_ICFGR0 is read-only: seL4 returns early
        if intid < 32:
            return self.gicr(core, 0x10C04)
        return super().icfgr_address(core, intid)

    def trigger_value(self, word: int, intid: int, edge: bool) -> int:
        shift = (intid & 0xF) * 2
        return word | 2 << shift if edge else word & ~(3 << shift) & ALL

    def route(self, core: str, intid: int, target: str, logical: int, smp: bool) -> None:
        """setIRQTarget(): GICD_IROUTER = MPIDR_AFF_MASK(target's MPIDR), IRM=0."""
        value = self.cores[target].mpidr & 0xFF00FFFFFF
        self.port.write(core, self.dist(0x6000 + 8 * intid), value, width=8)

    def sgi_target_valid(self, target: int) -> bool:
        """plat_SGITargetValid(): the packed affinity fits 32 bits (seL4 14.0 and later)."""
        return 0 <= target <= 0xFFFF_FFFF

    def ipi_send_target(self, core: str, irq: int, target_list: int, mpidrs: tuple[int, ...]) -> None:
        """ipi_send_target() (SMP builds), as gic_v3.c writes it: one ICC_SGI1R_EL1 per Aff1 group.

        `mpidrs` is the kernel's mpidr_map (logical index -> MPIDR) and its
        length CONFIG_MAX_NUM_NODES. The loop resets sgi1r[i] at the start of
        iteration i and accumulates into sgi1r[Aff1]: an entry for Aff1 = a
        set at an iteration i < a is reset again at iteration a. With the core
        number in Aff1 (Cortex-A55, A76) the IPI can therefore vanish.
        Aff1 >= CONFIG_MAX_NUM_NODES fails an assert (debug builds) or writes
        past the array (release builds): refused here, nothing is written.
        Aff2, Aff3 and RS are never set; `1 << Aff0` is a C int shift."""
        nodes = len(mpidrs)
        base = (irq & 0xF) << 24
        sgi1r = [0] * max(nodes, 1)
        last_aff1 = 0
        for i in range(nodes):
            sgi1r[i] = 0
            if target_list >> i & 1:
                mpidr = mpidrs[i]
                aff1, aff0 = (mpidr >> 8) & 0xFF, mpidr & 0xFF
                if aff1 >= nodes or aff0 >= 31:
                    raise IpiFault(f"assert(aff1 < CONFIG_MAX_NUM_NODES) fails: Aff1 {aff1}, {nodes} nodes"
                                   if aff1 >= nodes else f"1 << Aff0 ({aff0}) overflows a C int")
                sgi1r[aff1] |= base | aff1 << 16 | 1 << aff0
                last_aff1 = max(last_aff1, aff1)
        for i in range(last_aff1 + 1):
            if sgi1r[i]:
                self.port.msr(core, "ICC_SGI1R_EL1", sgi1r[i])

    def send_sgi(self, core: str, sgi: int, target: int) -> None:
        """plat_sendSGI(): ICC_SGI1R_EL1 from the raw target, Aff3 quirk included."""
        self.port.msr(core, "ICC_SGI1R_EL1", sgi1r_from_target(sgi, target))

    def ack(self, core: str) -> tuple[int, int]:
        """getActiveIRQ(): ICC_IAR1_EL1."""
        raw = self.port.mrs(core, "ICC_IAR1_EL1")
        return raw, raw & 0xFFFF

    def end(self, core: str, raw: int, intid: int, to_user: bool) -> None:
        """ackInterrupt(): EOIR1; DIR too unless the IRQ goes to user level."""
        self.port.msr(core, "ICC_EOIR1_EL1", intid)
        if not to_user:
            self.port.msr(core, "ICC_DIR_EL1", intid)


# (cores, name -> core) of the last make_driver call: a machine makes one driver
# per kernel, all from the same cores tuple (the cached tuple is kept alive, so
# `is` cannot match a different tuple). The drivers only read the mapping.
_by_name_cache: tuple[tuple[Core, ...], MappingProxyType] | None = None


def make_driver(port: Port, gic: GicBase, cores: tuple[Core, ...]) -> Driver:
    """The seL4 driver matching the GIC's version."""
    global _by_name_cache
    if _by_name_cache is not None and _by_name_cache[0] is cores:
        by_name = _by_name_cache[1]
    else:
        by_name = MappingProxyType({core.name: core for core in cores})
        _by_name_cache = (cores, by_name)
    if isinstance(gic, GicV3):
        return V3Driver(port, gic, by_name)
    return V2Driver(port, gic, by_name)
