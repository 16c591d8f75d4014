"""GICv3: distributor with affinity routing, per-core redistributors and the
system-register CPU interface.

Modelled after IHI0069. Affinity routing is always on: legacy operation is
not implemented, so GICD_CTLR.ARE reads as one and ignores writes (RAO/WI, as
IHI0069 allows for a GIC without legacy support, and as QEMU does), and the
distributor's SGI/PPI words, ITARGETSR and SGIR are RAZ/WI. An SGI carries no sender:
one pending bit per (core, SGI).

Interrupt groups, as seen from the kernel's security state (Non-secure, or a
GIC with a single security state, GICD_CTLR.DS = 1, as QEMU's virt machine
without firmware): GICD_IGROUPR / GICR_IGROUPR0 bit 0 is Group 0, 1 is Group 1;
GICD_IGRPMODR / GICR_IGRPMODR0 are RAZ/WI from there (IHI0069, GICD_IGRPMODR:
"When GICD_CTLR.DS==1 ... RAZ/WI"; Non-secure accesses are RAZ/WI too).
GICD_CTLR.EnableGrp0 / EnableGrp1 and ICC_IGRPEN0_EL1 / ICC_IGRPEN1_EL1 gate
each group; a Group 0 interrupt is signalled as FIQ and acknowledged only
through ICC_IAR0_EL1, a Group 1 one as IRQ through ICC_IAR1_EL1 (seL4 reads
only ICC_IAR1_EL1 and runs with FIQs masked). The core's interface presents
one highest-priority pending interrupt (HPPI) of its enabled groups: an IAR
of the other group reads 1023. ICC_SGI1R_EL1 pends a Group 1 SGI only at
targets where that SGI is in Group 1 (ICC_SGI0R_EL1: Group 0); elsewhere it
is not forwarded.

Reset: the architectural one (every interrupt Group 0, GICR_WAKER with
ProcessorSleep and ChildrenAsleep set) unless `Gic.group1` is "firmware": then
the state boot firmware (TF-A's GICv3 driver) leaves before any seL4 code
runs, every interrupt in Group 1 and every redistributor awake.
"""

from __future__ import annotations

from model.config import Core, Gic, affinity_of
from model.errors import ConfigError, SysregError
from model.gic import IrqState, SPURIOUS, Frame, GicBase
from model.mmio import Register, RegisterMap
from model.trace import SgiLost, SgiPended

__all__ = [
    "GicV3", "DIST_MAP", "REDIST_MAP", "SYSREGS",
    "CTLR_ENABLE_G0", "CTLR_ENABLE_G1NS", "CTLR_ARE_NS", "IROUTER_IRM",
    "irouter_value", "sgi1r_fields",
]

W = frozenset({4})
BW = frozenset({1, 4})
DW = frozenset({4, 8})

CTLR_ENABLE_G0 = 1 << 0
CTLR_ENABLE_G1NS = 1 << 1
CTLR_ARE_NS = 1 << 4
CTLR_DS = 1 << 6
IROUTER_IRM = 1 << 31
IROUTER_MASK = 0xFF_8000_0000 | 0xFF_FFFF | IROUTER_IRM
SGI_BASE = 0x10000

DIST_MAP = RegisterMap("GICD", 0x10000, (
    Register("GICD_CTLR", 0x0000),
    Register("GICD_TYPER", 0x0004, kind="ro"),
    Register("GICD_IIDR", 0x0008, kind="ro"),
    Register("GICD_IGROUPR", 0x0080, count=32),
    Register("GICD_ISENABLER", 0x0100, count=32),
    Register("GICD_ICENABLER", 0x0180, count=32),
    Register("GICD_ISPENDR", 0x0200, count=32),
    Register("GICD_ICPENDR", 0x0280, count=32),
    Register("GICD_ISACTIVER", 0x0300, count=32),
    Register("GICD_ICACTIVER", 0x0380, count=32),
    Register("GICD_IPRIORITYR", 0x0400, count=256, widths=BW),
    Register("GICD_ITARGETSR", 0x0800, count=256, widths=BW),
    Register("GICD_ICFGR", 0x0C00, count=64),
    Register("GICD_IGRPMODR", 0x0D00, count=64),
    Register("GICD_SGIR", 0x0F00, kind="wo"),
    Register("GICD_IROUTER", 0x6100, size=8, count=992, widths=DW, first=32),
    Register("GICD_PIDR2", 0xFFE8, kind="ro"),
))

REDIST_MAP = RegisterMap("GICR", 0x20000, (
    Register("GICR_CTLR", 0x0000),
    Register("GICR_IIDR", 0x0004, kind="ro"),
    Register("GICR_TYPER", 0x0008, size=8, widths=DW, kind="ro"),
    Register("GICR_STATUSR", 0x0010),
    Register("GICR_WAKER", 0x0014),
    Register("GICR_PIDR2", 0xFFE8, kind="ro"),
    Register("GICR_IGROUPR0", SGI_BASE + 0x0080),
    Register("GICR_ISENABLER0", SGI_BASE + 0x0100),
    Register("GICR_ICENABLER0", SGI_BASE + 0x0180),
    Register("GICR_ISPENDR0", SGI_BASE + 0x0200),
    Register("GICR_ICPENDR0", SGI_BASE + 0x0280),
    Register("GICR_ISACTIVER0", SGI_BASE + 0x0300),
    Register("GICR_ICACTIVER0", SGI_BASE + 0x0380),
    Register("GICR_IPRIORITYR", SGI_BASE + 0x0400, count=8, widths=BW),
    Register("GICR_ICFGR0", SGI_BASE + 0x0C00, kind="ro"),
    Register("GICR_ICFGR1", SGI_BASE + 0x0C04),
    Register("GICR_IGRPMODR0", SGI_BASE + 0x0D00),
    Register("GICR_NSACR", SGI_BASE + 0x0E00),
))

# name -> (kind, side effects on read)
SYSREGS: dict[str, tuple[str, bool]] = {
    "ICC_SRE_EL1": ("rw", False),
    "ICC_CTLR_EL1": ("rw", False),
    "ICC_PMR_EL1": ("rw", False),
    "ICC_BPR0_EL1": ("rw", False),
    "ICC_BPR1_EL1": ("rw", False),
    "ICC_IGRPEN0_EL1": ("rw", False),
    "ICC_IGRPEN1_EL1": ("rw", False),
    "ICC_IAR0_EL1": ("ro", True),
    "ICC_IAR1_EL1": ("ro", True),
    "ICC_HPPIR0_EL1": ("ro", False),
    "ICC_HPPIR1_EL1": ("ro", False),
    "ICC_RPR_EL1": ("ro", False),
    "ICC_EOIR0_EL1": ("wo", False),
    "ICC_EOIR1_EL1": ("wo", False),
    "ICC_DIR_EL1": ("wo", False),
    "ICC_SGI0R_EL1": ("wo", False),
    "ICC_SGI1R_EL1": ("wo", False),
}
SYSREG_MASKS = {"ICC_SRE_EL1": 0x7, "ICC_CTLR_EL1": 0x2, "ICC_PMR_EL1": 0xFF,
                "ICC_BPR0_EL1": 0x7, "ICC_BPR1_EL1": 0x7, "ICC_IGRPEN0_EL1": 0x1, "ICC_IGRPEN1_EL1": 0x1}
WAKER_PROCESSOR_SLEEP = 1 << 1
WAKER_CHILDREN_ASLEEP = 1 << 2


def irouter_value(mpidr: int, irm: bool = False) -> int:
    """The GICD_IROUTER value naming the core with this MPIDR."""
    aff3, aff2, aff1, aff0 = affinity_of(mpidr)
    return aff3 << 32 | (IROUTER_IRM if irm else 0) | aff2 << 16 | aff1 << 8 | aff0


def sgi1r_fields(value: int) -> dict[str, int]:
    """Decode ICC_SGI1R_EL1 into its fields (facts file layout)."""
    return {
        "aff3": value >> 48 & 0xFF,
        "rs": value >> 44 & 0xF,
        "irm": value >> 40 & 1,
        "aff2": value >> 32 & 0xFF,
        "intid": value >> 24 & 0xF,
        "aff1": value >> 16 & 0xFF,
        "targetlist": value & 0xFFFF,
    }


def _vlpi_map(size: int) -> RegisterMap:
    """The reserved (RAZ/WI) VLPI frames of a GICv4 redistributor, 64-bit words."""
    return RegisterMap("GICR", size, (Register("GICR_VLPI_RES0", 0, size=8, count=size // 8, widths=DW, kind="ro"),))


class GicV3(GicBase):
    """A GICv3 with one redistributor frame per core, in core order."""

    version = 3

    def __init__(self, config: Gic, cores: tuple[Core, ...]) -> None:
        super().__init__(config, cores)
        self.ctlr = 0
        self.irouter = {intid: 0 for intid in self.spis}
        # IROUTER resets to an UNKNOWN value: until written, an SPI reaches no core.
        self.route_written: set[int] = set()
        self.gicr_ctlr = [0] * len(cores)
        # What boot firmware leaves (see the module docstring), else the architectural reset.
        self.firmware = config.group1 == "firmware"
        # GICR_WAKER resets with ProcessorSleep set and ChildrenAsleep reading 1 (ARM IHI 0069,
        # GICR_WAKER): a redistributor forwards nothing until software wakes it.
        asleep = 0 if self.firmware else WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP
        self.waker = [asleep] * len(cores)
        if self.firmware:
            for state in self.spis.values():
                state.group = 1
        self.sysregs = [{name: 0 for name in SYSREG_MASKS} for _ in cores]
        for regs in self.sysregs:
            regs["ICC_SRE_EL1"] = 0x7
        self.frames = self._frames(config, cores)
        self.handlers = self._handler_table()

    def _fresh_bank(self) -> list[IrqState]:
        """A core's SGI/PPI states at reset: SGIs are edge-triggered; Group 1 after firmware."""
        bank = super()._fresh_bank()
        for sgi in range(16):
            bank[sgi].edge = True
        if self.firmware:
            for state in bank:
                state.group = 1
        return bank

    @staticmethod
    def _frames(config: Gic, cores: tuple[Core, ...]) -> tuple[Frame, ...]:
        frames = [Frame(config.distributor.base, DIST_MAP, bank=-1)]
        redist = config.redistributors
        if redist is None:
            return tuple(frames)
        if config.redist_stride < REDIST_MAP.size:
            raise ConfigError(f"redistributor stride {config.redist_stride:#x} < {REDIST_MAP.size:#x}")
        count = min(len(cores), redist.size // config.redist_stride)
        for ci in range(count):
            frames.append(Frame(redist.base + ci * config.redist_stride, REDIST_MAP, bank=ci,
                                suffix=f"({cores[ci].name})"))
            if config.redist_stride > REDIST_MAP.size:
                # GICv4 (256 KiB stride): the VLPI frames after the RD+SGI pair are modelled as
                # reserved, RAZ/WI. seL4's gicr_init steps 128 KiB through the window, so it reads
                # "GICR_TYPER" at offset 8 of a VLPI frame (RES0: no affinity matches) and moves
                # on; the model used to raise an MMIO error there and abort the boot.
                frames.append(Frame(redist.base + ci * config.redist_stride + REDIST_MAP.size,
                                    _vlpi_map(config.redist_stride - REDIST_MAP.size), bank=ci,
                                    suffix=f"({cores[ci].name})"))
        return tuple(frames)

    def _handler_table(self):
        bits = self._bits_read
        raz = (lambda b, i: 0, lambda b, i, v, m: None)
        return {
            "GICD_CTLR": (lambda b, i: self.ctlr | CTLR_ARE_NS | (0 if self.firmware else CTLR_DS), self._w_ctlr),
            "GICD_TYPER": (lambda b, i: self._typer(), None),
            "GICD_IIDR": (lambda b, i: 0x0300043B, None),
            "GICD_PIDR2": (lambda b, i: 0x3B, None),
            "GICD_IGROUPR": (lambda b, i: bits(b, i, "group"), self._w_group),
            "GICD_ISENABLER": (lambda b, i: bits(b, i, "enabled"), self._setter("enabled", True)),
            "GICD_ICENABLER": (lambda b, i: bits(b, i, "enabled"), self._setter("enabled", False)),
            "GICD_ISPENDR": (lambda b, i: bits(b, i, "pending"), self._setter("pending", True)),
            "GICD_ICPENDR": (lambda b, i: bits(b, i, "pending"), self._setter("pending", False)),
            "GICD_ISACTIVER": (lambda b, i: bits(b, i, "active"), self._setter("active", True)),
            "GICD_ICACTIVER": (lambda b, i: bits(b, i, "active"), self._setter("active", False)),
            "GICD_IPRIORITYR": (lambda b, i: self._bytes_read(b, i, lambda s: s.priority), self._priority_write),
            "GICD_ITARGETSR": raz,
            "GICD_ICFGR": (self._cfg_read, self._cfg_write),
            "GICD_IGRPMODR": raz,
            "GICD_SGIR": (None, lambda b, i, v, m: None),
            "GICD_IROUTER": (lambda b, i: self.irouter.get(i, 0), self._w_irouter),
            "GICR_CTLR": (lambda b, i: self.gicr_ctlr[b], lambda b, i, v, m: None),
            "GICR_IIDR": (lambda b, i: 0x0300043B, None),
            "GICR_TYPER": (lambda b, i: self._gicr_typer(b), None),
            "GICR_VLPI_RES0": (lambda b, i: 0, None),
            "GICR_STATUSR": raz,
            "GICR_WAKER": (lambda b, i: self.waker[b], self._w_waker),
            "GICR_PIDR2": (lambda b, i: 0x3B, None),
            "GICR_IGROUPR0": (lambda b, i: bits(b, 0, "group"), lambda b, i, v, m: self._w_group(b, 0, v, m)),
            "GICR_ISENABLER0": (lambda b, i: bits(b, 0, "enabled"), self._r0(self._setter("enabled", True))),
            "GICR_ICENABLER0": (lambda b, i: bits(b, 0, "enabled"), self._r0(self._setter("enabled", False))),
            "GICR_ISPENDR0": (lambda b, i: bits(b, 0, "pending"), self._r0(self._setter("pending", True))),
            "GICR_ICPENDR0": (lambda b, i: bits(b, 0, "pending"), self._r0(self._setter("pending", False))),
            "GICR_ISACTIVER0": (lambda b, i: bits(b, 0, "active"), self._r0(self._setter("active", True))),
            "GICR_ICACTIVER0": (lambda b, i: bits(b, 0, "active"), self._r0(self._setter("active", False))),
            "GICR_IPRIORITYR": (lambda b, i: self._bytes_read(b, i, lambda s: s.priority), self._priority_write),
            "GICR_ICFGR0": (lambda b, i: self._cfg_read(b, 0), None),
            "GICR_ICFGR1": (lambda b, i: self._cfg_read(b, 1), lambda b, i, v, m: self._cfg_write(b, 1, v, m)),
            "GICR_IGRPMODR0": raz,
            "GICR_NSACR": raz,
        }

    @staticmethod
    def _r0(writer):
        # Redistributor SGI/PPI registers are single words: index 0 of the bank.
        return lambda b, i, v, m: writer(b, 0, v, m)

    # ------------------------------------------------------------ distributor
    def _typer(self) -> int:
        return (self.lines + 31) // 32 - 1

    def _w_ctlr(self, bank: int, index: int, value: int, mask: int) -> None:
        # DS (bit 6) reads 1 without firmware (one security state, as QEMU's virt without
        # EL3) and is not writable from the kernel's state; 0 in the firmware (TF-A) world.
        self.ctlr = value & mask & (CTLR_ENABLE_G0 | CTLR_ENABLE_G1NS | CTLR_ARE_NS)

    def _w_group(self, bank: int, index: int, value: int, mask: int) -> None:
        for bit in range(32):
            state = self.irq(bank, 32 * index + bit)
            if state is not None and mask >> bit & 1:
                group = value >> bit & 1
                if state.group != group:
                    self.changed.add(32 * index + bit)
                    state.group = group

    def _setter(self, attr: str, to: bool):
        def write(bank: int, index: int, value: int, mask: int) -> None:
            self._bits_write(bank, index, value, mask, attr, to)
        return write

    def _w_irouter(self, bank: int, index: int, value: int, mask: int) -> None:
        if index in self.irouter:
            old = self.irouter[index]
            new = ((old & ~mask) | (value & mask)) & IROUTER_MASK
            if new != old or index not in self.route_written:
                self.changed.add(index)
            self.route_written.add(index)
            self.irouter[index] = new

    # ------------------------------------------------------------ redistributor
    def _gicr_typer(self, ci: int) -> int:
        aff3, aff2, aff1, aff0 = affinity_of(self.cores[ci].mpidr)
        last = 1 << 4 if ci == len(self.cores) - 1 else 0
        return (aff3 << 24 | aff2 << 16 | aff1 << 8 | aff0) << 32 | ci << 8 | last

    def _w_waker(self, bank: int, index: int, value: int, mask: int) -> None:
        sleep = value & mask & WAKER_PROCESSOR_SLEEP
        # ChildrenAsleep follows ProcessorSleep at once (no quiescing delay).
        self.waker[bank] = sleep | (WAKER_CHILDREN_ASLEEP if sleep else 0)

    # ------------------------------------------------------------ system registers
    def sysreg_read(self, core: str, name: str) -> int:
        """MRS of an ICC_* register on core (recorded)."""
        ci = self._core(core)
        kind, side_effects = self._sysreg(name)
        if kind == "wo":
            raise SysregError(f"read of write-only {name}")
        value = self._sysreg_value(ci, name)
        shown = None if side_effects else value
        self._record(core, "R", name, 8, value, shown, shown, 0)
        return value

    def sysreg_write(self, core: str, name: str, value: int) -> None:
        """MSR of an ICC_* register on core (recorded)."""
        ci = self._core(core)
        kind, _ = self._sysreg(name)
        value &= (1 << 64) - 1
        before = None if kind == "wo" else self._sysreg_peek(ci, name)
        mark = len(self.events)
        if kind != "ro":
            self._sysreg_store(ci, name, value)
        after = None if kind == "wo" else self._sysreg_peek(ci, name)
        self._record(core, "W", name, 8, value, before, after, 0, at=mark)

    @staticmethod
    def _sysreg(name: str) -> tuple[str, bool]:
        try:
            return SYSREGS[name]
        except KeyError:
            raise SysregError(f"unknown GIC system register {name}") from None

    def _sysreg_peek(self, ci: int, name: str) -> int | None:
        if SYSREGS[name][1]:
            return None
        return self._sysreg_value(ci, name)

    def _sysreg_value(self, ci: int, name: str) -> int:
        if name in ("ICC_IAR0_EL1", "ICC_IAR1_EL1"):
            return self._ack_group(ci, 0 if name == "ICC_IAR0_EL1" else 1)[0]
        if name in ("ICC_HPPIR0_EL1", "ICC_HPPIR1_EL1"):
            best = self.deliverable(self.cores[ci].name, 0 if name == "ICC_HPPIR0_EL1" else 1)
            return SPURIOUS if best is None else best[0]
        if name == "ICC_RPR_EL1":
            return min(self._running_priority(ci), 0xFF)
        return self.sysregs[ci][name]

    def _sysreg_store(self, ci: int, name: str, value: int) -> None:
        if name in ("ICC_SGI0R_EL1", "ICC_SGI1R_EL1"):
            self._send_sgi(ci, value, 0 if name == "ICC_SGI0R_EL1" else 1)
        elif name in ("ICC_EOIR0_EL1", "ICC_EOIR1_EL1"):
            self._eoi(ci, value & 0xFFFFFF, deactivate=not self.sysregs[ci]["ICC_CTLR_EL1"] & 0x2)
        elif name == "ICC_DIR_EL1":
            self._deactivate(ci, value & 0xFFFFFF, None)
        else:
            self.sysregs[ci][name] = value & SYSREG_MASKS[name]

    def _eoi(self, ci: int, intid: int, deactivate: bool) -> None:
        # Priority drop and deactivation are one event unless EOImode is set;
        # with EOImode set the interrupt stays active until ICC_DIR_EL1.
        if deactivate:
            self._deactivate(ci, intid, None)
            return
        for entry in self.active_stack[ci]:
            if entry[1] == intid:
                self.active_stack[ci].remove(entry)
                return

    def _deactivate(self, ci: int, intid: int, source: int | None) -> None:
        if any(entry[1] == intid for entry in self.active_stack[ci]):
            super()._deactivate(ci, intid, source)
        else:
            self._clear_active(ci, intid, None)

    def _send_sgi(self, ci: int, value: int, group: int = 1) -> None:
        """ICC_SGI<group>R_EL1: pend the SGI at every named core where it is in that group;
        at the others it is not forwarded (IHI0069, ICC_SGI1R_EL1 and ICC_SGI0R_EL1)."""
        fields = sgi1r_fields(value)
        sgi = fields["intid"]
        register = f"ICC_SGI{group}R_EL1"
        reached = self._sgi_destinations(ci, fields)
        for target in reached:
            state = self.private[target][sgi]
            if state.group != group:
                name = self.cores[target].name
                self.events.append(SgiLost(sgi, register, value, (
                    f"SGI {sgi} is in Group {state.group} at {name} (GICR_IGROUPR0 bit {sgi} = {state.group}): "
                    f"{register} forwards only Group {group} SGIs")))
                continue
            self.events.append(SgiPended(sgi, self.cores[target].name, None, merged=state.pending))
            state.pending = True
        if not reached:
            self.events.append(SgiLost(sgi, register, value, self._lost_reason(fields)))

    def _sgi_destinations(self, ci: int, fields: dict[str, int]) -> list[int]:
        if fields["irm"]:
            return [i for i in range(len(self.cores)) if i != ci]
        found = []
        for i, core in enumerate(self.cores):
            aff3, aff2, aff1, aff0 = affinity_of(core.mpidr)
            if (aff3, aff2, aff1) != (fields["aff3"], fields["aff2"], fields["aff1"]):
                continue
            if aff0 >> 4 == fields["rs"] and fields["targetlist"] >> (aff0 & 0xF) & 1:
                found.append(i)
        return found

    @staticmethod
    def _lost_reason(fields: dict[str, int]) -> str:
        aff0s = [fields["rs"] * 16 + n for n in range(16) if fields["targetlist"] >> n & 1]
        names = ", ".join(f"{fields['aff3']}.{fields['aff2']}.{fields['aff1']}.{a}" for a in aff0s)
        return f"no core has affinity {names or '(empty target list)'}"

    # ------------------------------------------------------------ arbitration hooks
    def _spi_reaches(self, intid: int, ci: int) -> bool:
        route = self.irouter.get(intid)
        if route is None or intid not in self.route_written:
            return False
        if route & IROUTER_IRM:
            return self._participating(ci)
        return route == irouter_value(self.cores[ci].mpidr)

    def _participating(self, ci: int) -> bool:
        return bool(self.sysregs[ci]["ICC_IGRPEN1_EL1"] & 1)

    def _group_enabled(self, ci: int, group: int) -> bool:
        """Both the distributor (GICD_CTLR.EnableGrp0 / EnableGrp1) and the core (ICC_IGRPEN<group>_EL1)
        forward this group."""
        dist = CTLR_ENABLE_G1NS if group else CTLR_ENABLE_G0
        return bool(self.ctlr & dist) and bool(self.sysregs[ci][f"ICC_IGRPEN{group}_EL1"] & 1)

    def group_of(self, ci: int, intid: int) -> int:
        """The group (0 or 1) of intid as seen from core index ci."""
        state = self.irq(ci, intid)
        return 0 if state is None else state.group

    def deliverable(self, core: str, group: int = 1) -> tuple[int, int | None] | None:
        """(INTID, None) that ICC_IAR<group>_EL1 on core would return now, or None.

        The core's interface presents one highest-priority pending interrupt of
        the groups it and the distributor forward (lowest priority value, then
        lowest INTID); it is returned only through its own group's IAR, and only
        when its priority is above the priority mask and the running priority.
        A sleeping redistributor (GICR_WAKER.ProcessorSleep) forwards nothing."""
        ci = self.core_index[core]
        if self.waker[ci] & WAKER_PROCESSOR_SLEEP:
            return None
        forwarded = [c for c in self._candidates(ci) if self._group_enabled(ci, self.group_of(ci, c[1]))]
        if not forwarded:
            return None
        prio, intid, _ = min(forwarded, key=lambda c: (c[0], c[1]))
        if self.group_of(ci, intid) != group or prio >= min(self._pmr(ci), self._running_priority(ci)):
            return None
        return intid, None

    def signals(self, core: str) -> tuple[bool, bool]:
        """(IRQ, FIQ): whether the GIC asserts each line to the core now (ISR_EL1.I and .F)."""
        return self.deliverable(core, 1) is not None, self.deliverable(core, 0) is not None

    def _ack_group(self, ci: int, group: int) -> tuple[int, int | None]:
        """ICC_IAR<group>_EL1 side effects: pending -> active for the winner; (intid, source)."""
        return self._take(ci, self.deliverable(self.cores[ci].name, group))

    def _pmr(self, ci: int) -> int:
        return self.sysregs[ci]["ICC_PMR_EL1"]

    # ------------------------------------------------------------ conveniences
    def dist_address(self, offset: int) -> int:
        """Absolute address of a distributor offset."""
        return self.config.distributor.base + offset

    def redist_address(self, frame: int, offset: int) -> int:
        """Absolute address of an offset in redistributor frame number `frame`."""
        if self.config.redistributors is None:
            raise ConfigError("no GICv3 redistributor frames configured")
        return self.config.redistributors.base + frame * self.config.redist_stride + offset

    def acknowledge(self, core: str) -> int:
        """Read ICC_IAR1_EL1 on core (recorded)."""
        return self.sysreg_read(core, "ICC_IAR1_EL1")

    def end_of_interrupt(self, core: str, value: int) -> None:
        """Write ICC_EOIR1_EL1 on core (recorded)."""
        self.sysreg_write(core, "ICC_EOIR1_EL1", value)

    def sgi_pending_sources(self, core: str, sgi: int) -> frozenset[int | None]:
        """{None} when SGI `sgi` is pending on core (no sender identity), else empty."""
        return frozenset({None}) if self.private[self.core_index[core]][sgi].pending else frozenset()

    def route_of(self, intid: int) -> int:
        """The GICD_IROUTER value of an SPI."""
        return self.irouter.get(intid, 0)
