"""GICv2: distributor, banked registers and per-core memory-mapped CPU interfaces.

Modelled after IHI0048 (and GIC-400 where the architecture leaves a choice):
SGI enable bits are RAO/WI, ITARGETSR0-7 read as the reader's own bit and
ignore writes, ITARGETSR bits of absent CPU interfaces are RAZ/WI, SGI
pending and active state is kept per (SGI, source CPU). Interrupt groups
are stored but do not gate delivery (one group, enabled by GICD_CTLR[1:0]).
"""

from __future__ import annotations

from model.config import Core, Gic
from model.errors import MmioError
from model.gic import SPURIOUS, Frame, GicBase
from model.mmio import Register, RegisterMap
from model.trace import SgiLost, SgiPended

__all__ = ["GicV2", "DIST_MAP", "CPU_MAP", "sgir_targets"]

# Registers with one bit per INTID whose word 0 (INTIDs 0..31) is banked per CPU interface.
BANKED_BIT_REGISTERS = frozenset({"GICD_IGROUPR", "GICD_ISENABLER", "GICD_ICENABLER", "GICD_ISPENDR", "GICD_ICPENDR",
                                  "GICD_ISACTIVER", "GICD_ICACTIVER"})

W = frozenset({4})
BW = frozenset({1, 4})

DIST_MAP = RegisterMap("GICD", 0x1000, (
    Register("GICD_CTLR", 0x000),
    Register("GICD_TYPER", 0x004, kind="ro"),
    Register("GICD_IIDR", 0x008, kind="ro"),
    Register("GICD_IGROUPR", 0x080, count=32),
    Register("GICD_ISENABLER", 0x100, count=32),
    Register("GICD_ICENABLER", 0x180, count=32),
    Register("GICD_ISPENDR", 0x200, count=32),
    Register("GICD_ICPENDR", 0x280, count=32),
    Register("GICD_ISACTIVER", 0x300, count=32),
    Register("GICD_ICACTIVER", 0x380, count=32),
    Register("GICD_IPRIORITYR", 0x400, count=256, widths=BW),
    Register("GICD_ITARGETSR", 0x800, count=256, widths=BW),
    Register("GICD_ICFGR", 0xC00, count=64),
    Register("GICD_SGIR", 0xF00, kind="wo"),
    Register("GICD_CPENDSGIR", 0xF10, count=4, widths=BW),
    Register("GICD_SPENDSGIR", 0xF20, count=4, widths=BW),
    Register("GICD_PIDR2", 0xFE8, kind="ro"),
))

CPU_REGISTERS = (
    Register("GICC_CTLR", 0x00),
    Register("GICC_PMR", 0x04),
    Register("GICC_BPR", 0x08),
    Register("GICC_IAR", 0x0C, kind="ro", side_effects=True),
    Register("GICC_EOIR", 0x10, kind="wo"),
    Register("GICC_RPR", 0x14, kind="ro"),
    Register("GICC_HPPIR", 0x18, kind="ro"),
    Register("GICC_IIDR", 0xFC, kind="ro"),
)
CPU_MAP = RegisterMap("GICC", 0x2000, CPU_REGISTERS + (Register("GICC_DIR", 0x1000, kind="wo"),))
CPU_MAP_4K = RegisterMap("GICC", 0x1000, CPU_REGISTERS)


def sgir_targets(value: int, source: int, interfaces: frozenset[int]) -> frozenset[int]:
    """CPU-interface numbers a GICD_SGIR value written by `source` reaches."""
    mode = value >> 24 & 3
    if mode == 0:
        wanted = {cpu for cpu in range(8) if value >> (16 + cpu) & 1}
    elif mode == 1:
        wanted = set(interfaces) - {source}
    elif mode == 2:
        wanted = {source}
    else:
        wanted = set()
    return frozenset(wanted & interfaces)


class GicV2(GicBase):
    """A GICv2 with at most 8 CPU interfaces, one per core (Core.gic_cpu)."""

    version = 2

    def __init__(self, config: Gic, cores: tuple[Core, ...]) -> None:
        super().__init__(config, cores)
        self.cpu_of = [self._interface(i, core) for i, core in enumerate(cores)]
        self.implemented = frozenset(c for c in self.cpu_of if c is not None)
        self.ctlr = 0
        self.targets = {intid: 0 for intid in self.spis}
        # Per core, per SGI: bit mask of source CPUs with the SGI pending / active.
        self.sgi_pending = [[0] * 16 for _ in cores]
        self.sgi_active = [[0] * 16 for _ in cores]
        self.cpu_ctlr = [0] * len(cores)
        self.pmr = [0] * len(cores)
        self.bpr = [0] * len(cores)
        self.frames = self._frames(config)
        self.handlers = self._handler_table()

    @staticmethod
    def _interface(index: int, core: Core) -> int | None:
        """The core's CPU-interface number; None for a number outside 0..7, which no GICv2 has.

        Such a core is not connected to the GIC (CPU-IDENT reports it). pcheck's
        reading of hardware that cannot exist: its banked distributor
        registers and its GICC accesses read as zero (GICC_IAR as spurious, 1023) and ignore writes, every
        GICD_ITARGETSR word reads as zero for it (so seL4's infer_cpu_gic_id
        falls back to CPU interface 0), its GICD_SGIR writes reach nothing,
        and no interrupt is ever delivered to it."""
        cpu = index if core.gic_cpu is None else core.gic_cpu
        return cpu if 0 <= cpu < 8 else None

    @staticmethod
    def _frames(config: Gic) -> tuple[Frame, ...]:
        frames = [Frame(config.distributor.base, DIST_MAP)]
        if config.cpu_interface is not None:
            cpu_map = CPU_MAP if config.cpu_interface.size >= 0x2000 else CPU_MAP_4K
            frames.append(Frame(config.cpu_interface.base, cpu_map))
        return tuple(frames)

    def _handler_table(self):
        return {name: self._unconnected_guard(name, reader, writer) for name, (reader, writer) in self._handlers().items()}

    def _unconnected_guard(self, name: str, reader, writer):
        """The handlers of a register, reading zero and ignoring writes for a core with no
        CPU interface wherever the register is banked (see `_interface`)."""
        def banked(index: int) -> bool:
            if name.startswith("GICC_") or name in ("GICD_CPENDSGIR", "GICD_SPENDSGIR"):
                return True
            if name in ("GICD_IPRIORITYR", "GICD_ITARGETSR"):
                return index < 8
            if name == "GICD_ICFGR":
                return index < 2
            return name in BANKED_BIT_REGISTERS and index == 0

        idle = SPURIOUS if name in ("GICC_IAR", "GICC_HPPIR") else 0  # an idle interface: nothing to acknowledge

        def read(bank: int, index: int) -> int:
            unconnected = self.cpu_of[bank] is None and (banked(index) or name == "GICD_ITARGETSR")
            return idle if unconnected else reader(bank, index)

        def write(bank: int, index: int, value: int, mask: int) -> None:
            if self.cpu_of[bank] is None and (banked(index) or name == "GICD_SGIR"):
                if name == "GICD_SGIR":
                    self.events.append(SgiLost(value & 0xF, "GICD_SGIR", value, "the writing core has no GICv2 CPU interface"))
                return
            writer(bank, index, value, mask)

        return (None if reader is None else read), (None if writer is None else write)

    def _handlers(self):
        bits = self._bits_read
        return {
            "GICD_CTLR": (lambda b, i: self.ctlr, self._w_ctlr),
            "GICD_TYPER": (lambda b, i: self._typer(), None),
            "GICD_IIDR": (lambda b, i: 0x0200143B, None),
            "GICD_PIDR2": (lambda b, i: 0x2B, None),
            "GICD_IGROUPR": (lambda b, i: bits(b, i, "group"), self._w_group),
            "GICD_ISENABLER": (lambda b, i: bits(b, i, "enabled"), self._setter("enabled", True)),
            "GICD_ICENABLER": (lambda b, i: bits(b, i, "enabled"), self._setter("enabled", False)),
            "GICD_ISPENDR": (lambda b, i: bits(b, i, "pending"), self._setter("pending", True)),
            "GICD_ICPENDR": (lambda b, i: bits(b, i, "pending"), self._setter("pending", False)),
            "GICD_ISACTIVER": (lambda b, i: bits(b, i, "active"), self._setter("active", True)),
            "GICD_ICACTIVER": (lambda b, i: bits(b, i, "active"), self._setter("active", False)),
            "GICD_IPRIORITYR": (lambda b, i: self._bytes_read(b, i, lambda s: s.priority), self._priority_write),
            "GICD_ITARGETSR": (self._r_targets, self._w_targets),
            "GICD_ICFGR": (self._cfg_read, self._cfg_write),
            "GICD_SGIR": (None, self._w_sgir),
            "GICD_CPENDSGIR": (self._r_sgi_pending, self._sgi_pending_writer(False)),
            "GICD_SPENDSGIR": (self._r_sgi_pending, self._sgi_pending_writer(True)),
            "GICC_CTLR": (lambda b, i: self.cpu_ctlr[b], self._cpu_field(self.cpu_ctlr, 0x3)),
            "GICC_PMR": (lambda b, i: self.pmr[b], self._cpu_field(self.pmr, 0xFF)),
            "GICC_BPR": (lambda b, i: self.bpr[b], self._cpu_field(self.bpr, 0x7)),
            "GICC_IAR": (self._r_iar, None),
            "GICC_EOIR": (None, self._w_eoir),
            "GICC_DIR": (None, self._w_eoir),
            "GICC_RPR": (lambda b, i: min(self._running_priority(b), 0xFF), None),
            "GICC_HPPIR": (self._r_hppir, None),
            "GICC_IIDR": (lambda b, i: 0x0202143B, None),
        }

    # ------------------------------------------------------------ distributor
    def _typer(self) -> int:
        it_lines = (self.lines + 31) // 32 - 1
        return it_lines | (max(self.implemented, default=0) << 5)

    def _w_ctlr(self, bank: int, index: int, value: int, mask: int) -> None:
        self.ctlr = value & mask & 0x3

    def _w_group(self, bank: int, index: int, value: int, mask: int) -> None:
        for bit in range(32):
            state = self.irq(bank, 32 * index + bit)
            if state is not None and mask >> bit & 1:
                state.group = value >> bit & 1

    def _setter(self, attr: str, to: bool):
        def write(bank: int, index: int, value: int, mask: int) -> None:
            self._bits_write(bank, index, value, mask, attr, to)
        return write

    def _bit(self, bank: int, intid: int, attr: str) -> bool:
        if intid < 16 and attr == "enabled":
            return True  # GIC-400: SGIs are always enabled (RAO/WI)
        if intid < 16 and attr in ("pending", "active"):
            table = self.sgi_pending if attr == "pending" else self.sgi_active
            return table[bank][intid] != 0
        return super()._bit(bank, intid, attr)

    def _set_bit(self, bank: int, intid: int, attr: str, to: bool) -> None:
        if intid < 16 and attr in ("enabled", "pending"):
            return  # SGI enables are RAO/WI; SGI pending goes through S/CPENDSGIR
        if intid < 16 and attr == "active":
            self.sgi_active[bank][intid] = 0xFF if to else 0
            return
        super()._set_bit(bank, intid, attr, to)

    def _r_targets(self, bank: int, index: int) -> int:
        if index < 8:
            # ITARGETSR0-7 are banked: each byte reads as the reader's own bit.
            return (1 << self.cpu_of[bank]) * 0x01010101
        word = 0
        for lane in range(4):
            word |= self.targets.get(4 * index + lane, 0) << (8 * lane)
        return word

    def _w_targets(self, bank: int, index: int, value: int, mask: int) -> None:
        if index < 8:
            return  # read-only, writes ignored
        present = sum(1 << cpu for cpu in self.implemented)
        for lane in range(4):
            intid = 4 * index + lane
            if intid in self.targets and mask >> (8 * lane) & 0xFF:
                byte = value >> (8 * lane) & present
                if self.targets[intid] != byte:
                    self.changed.add(intid)
                    self.targets[intid] = byte

    def _r_sgi_pending(self, bank: int, index: int) -> int:
        word = 0
        for lane in range(4):
            word |= self.sgi_pending[bank][4 * index + lane] << (8 * lane)
        return word

    def _sgi_pending_writer(self, to: bool):
        def write(bank: int, index: int, value: int, mask: int) -> None:
            for lane in range(4):
                bits = value >> (8 * lane) & mask >> (8 * lane) & 0xFF
                sgi = 4 * index + lane
                if to:
                    self.sgi_pending[bank][sgi] |= bits
                else:
                    self.sgi_pending[bank][sgi] &= ~bits
        return write

    def _w_sgir(self, bank: int, index: int, value: int, mask: int) -> None:
        sgi = value & 0xF
        source = self.cpu_of[bank]
        reached = sgir_targets(value, source, self.implemented)
        hit = False
        for ci, cpu in enumerate(self.cpu_of):
            if cpu in reached:
                merged = bool(self.sgi_pending[ci][sgi] >> source & 1)
                self.sgi_pending[ci][sgi] |= 1 << source
                self.events.append(SgiPended(sgi, self.cores[ci].name, source, merged))
                hit = True
        if not hit:
            self.events.append(SgiLost(sgi, "GICD_SGIR", value, self._lost_reason(value)))

    @staticmethod
    def _lost_reason(value: int) -> str:
        if value >> 24 & 3 == 3:
            return "reserved TargetListFilter 0b11"
        return "targets no implemented CPU interface"

    # ------------------------------------------------------------ CPU interface
    @staticmethod
    def _cpu_field(table: list[int], bits: int):
        def write(bank: int, index: int, value: int, mask: int) -> None:
            table[bank] = value & mask & bits
        return write

    def _r_iar(self, bank: int, index: int) -> int:
        intid, source = self._ack(bank)
        return intid | ((source or 0) << 10 if intid < 16 else 0)

    def _r_hppir(self, bank: int, index: int) -> int:
        best = self.deliverable(self.cores[bank].name)
        if best is None:
            return SPURIOUS
        intid, source = best
        return intid | ((source or 0) << 10 if intid < 16 else 0)

    def _w_eoir(self, bank: int, index: int, value: int, mask: int) -> None:
        intid = value & 0x3FF
        source = (value >> 10 & 7) if intid < 16 else None
        self._deactivate(bank, intid, source)

    # ------------------------------------------------------------ arbitration hooks
    def _private_candidates(self, ci: int) -> list[tuple[int, int, int | None]]:
        found = []
        for sgi in range(16):
            waiting = self.sgi_pending[ci][sgi] & ~self.sgi_active[ci][sgi]
            for source in range(8):
                if waiting >> source & 1:
                    found.append((self.private[ci][sgi].priority, sgi, source))
        for intid in range(16, 32):
            state = self.private[ci][intid]
            if state.enabled and state.pending and not state.active:
                found.append((state.priority, intid, None))
        return found

    def _activate(self, ci: int, intid: int, source: int | None) -> None:
        if intid < 16 and source is not None:
            self.sgi_pending[ci][intid] &= ~(1 << source)
            self.sgi_active[ci][intid] |= 1 << source
            return
        super()._activate(ci, intid, source)

    def _clear_active(self, ci: int, intid: int, source: int | None) -> None:
        if intid < 16 and source is not None:
            self.sgi_active[ci][intid] &= ~(1 << source)
            return
        super()._clear_active(ci, intid, source)

    def _spi_reaches(self, intid: int, ci: int) -> bool:
        cpu = self.cpu_of[ci]
        return cpu is not None and bool(self.targets.get(intid, 0) >> cpu & 1)

    def _cpu_enabled(self, ci: int) -> bool:
        return bool(self.cpu_ctlr[ci] & 0x3)

    def _dist_enabled(self) -> bool:
        return bool(self.ctlr & 0x3)

    def _pmr(self, ci: int) -> int:
        return self.pmr[ci]

    # ------------------------------------------------------------ conveniences
    def dist_address(self, offset: int) -> int:
        """Absolute address of a distributor offset."""
        return self.config.distributor.base + offset

    def cpu_address(self, offset: int) -> int:
        """Absolute address of a CPU-interface offset."""
        if self.config.cpu_interface is None:
            raise MmioError(offset, 4, "no GICv2 CPU interface frame configured")
        return self.config.cpu_interface.base + offset

    def acknowledge(self, core: str) -> int:
        """Read GICC_IAR on core (recorded); raw value with the source CPU in [12:10]."""
        return self.read(core, self.cpu_address(0x0C), 4)

    def end_of_interrupt(self, core: str, value: int) -> None:
        """Write GICC_EOIR on core (recorded)."""
        self.write(core, self.cpu_address(0x10), 4, value)

    def target_byte(self, intid: int) -> int:
        """The ITARGETSR byte of an SPI (0 for INTIDs without one)."""
        return self.targets.get(intid, 0)

    def sgi_pending_sources(self, core: str, sgi: int) -> frozenset[int | None]:
        """Source CPUs for which SGI `sgi` is pending on core."""
        mask = self.sgi_pending[self.core_index[core]][sgi]
        return frozenset(cpu for cpu in range(8) if mask >> cpu & 1)

    def interface_of(self, core: str) -> int | None:
        """The CPU-interface number of core (None: it has none)."""
        return self.cpu_of[self.core_index[core]]
