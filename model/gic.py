"""What GICv2 and GICv3 share: interrupt state, MMIO dispatch with
recording, priority arbitration, acknowledge and end-of-interrupt.

The subclasses (model.gicv2, model.gicv3) supply the register maps, the
handlers behind each register name, routing and SGI generation.
"""

from __future__ import annotations

from typing import Callable

from attrs import frozen

from model.config import Core, Gic
from model.errors import MmioError, ModelError, SysregError
from model.mmio import Decoded, RegisterMap, lane_mask
from model.trace import Event, RegAccess

__all__ = ["IrqState", "GicBase", "Frame", "SPURIOUS", "MAX_INTID"]

SPURIOUS = 1023
MAX_INTID = 1019
IDLE_PRIORITY = 0x100

Reader = Callable[[int, int], int]
Writer = Callable[[int, int, int, int], None]


class IrqState:
    """The state of one interrupt (of one core's bank for SGIs and PPIs)."""

    __slots__ = ("enabled", "pending", "active", "priority", "group", "edge")

    def __init__(self) -> None:
        self.enabled = False
        self.pending = False
        self.active = False
        self.priority = 0
        self.group = 0
        self.edge = False

    def copy(self) -> "IrqState":
        """An independent IrqState with the same fields."""
        new = IrqState.__new__(IrqState)
        new.enabled, new.pending, new.active = self.enabled, self.pending, self.active
        new.priority, new.group, new.edge = self.priority, self.group, self.edge
        return new

    def same(self, other: "IrqState") -> bool:
        """Whether every field is equal."""
        return (self.enabled == other.enabled and self.pending == other.pending and self.active == other.active
                and self.priority == other.priority and self.group == other.group and self.edge == other.edge)


_ATOMS = (int, str, float, bool, type(None), frozenset)


class Banks:
    """The per-core banks of SGI/PPI states, each made on first use.

    A machine with hundreds of cores builds one per replayed scenario, and most
    scenarios touch a few cores: making 32 IrqStates for every core up front
    was most of the cost of replaying many failures. An untouched bank is one
    in its reset state, `fresh()`."""

    __slots__ = ("_items", "_fresh")

    def __init__(self, count: int, fresh: Callable[[], list[IrqState]]) -> None:
        self._items: list[list[IrqState] | None] = [None] * count
        self._fresh = fresh

    def __getitem__(self, index: int) -> list[IrqState]:
        item = self._items[index]
        if item is None:
            item = self._items[index] = self._fresh()
        return item

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return (self[i] for i in range(len(self._items)))

    def copy(self) -> "Banks":
        new = Banks(0, self._fresh)
        new._items = [None if b is None else [s.copy() for s in b] for b in self._items]
        return new

    def same(self, other: "Banks") -> bool:
        if len(self._items) != len(other._items):
            return False
        for a, b in zip(self._items, other._items):
            if a is None and b is None:
                continue
            a = self._fresh() if a is None else a
            b = self._fresh() if b is None else b
            if not all(x.same(y) for x, y in zip(a, b)):
                return False
        return True


def copy_state(value: object) -> object:
    """A deep copy of GIC state: IrqStates and lists, dicts, sets and tuples of
    them or of immutable values. TypeError for anything else."""
    kind = type(value)
    if kind is IrqState:
        return value.copy()
    if kind is Banks:
        return value.copy()
    if kind in _ATOMS:
        return value
    if kind is list:
        return [copy_state(v) for v in value]
    if kind is tuple:
        return tuple(copy_state(v) for v in value)
    if kind is dict:
        return {copy_state(k): copy_state(v) for k, v in value.items()}
    if kind is set:
        return {copy_state(v) for v in value}
    raise TypeError(f"no state copy for {kind.__name__}")


def same_state(a: object, b: object) -> bool:
    """Whether two copy_state-able values are equal (IrqStates field by field)."""
    if type(a) is not type(b):
        return False
    if type(a) in (IrqState, Banks):
        return a.same(b)
    if type(a) in (list, tuple):
        return len(a) == len(b) and all(same_state(x, y) for x, y in zip(a, b))
    if type(a) is dict:
        return a.keys() == b.keys() and all(same_state(v, b[k]) for k, v in a.items())
    return a == b


@frozen
class Frame:
    """A register frame mapped at `base`; `bank` is the core index of a
    per-core frame (GICv3 redistributor), None for frames banked by the
    accessing core, -1 for frames with no SGI/PPI state at all."""

    base: int
    map: RegisterMap
    bank: int | None = None
    suffix: str = ""


class GicBase:
    """State and machinery common to both GIC versions."""

    version = 0

    def __init__(self, config: Gic, cores: tuple[Core, ...]) -> None:
        self.config = config
        self.cores = cores
        self.lines = min(config.lines, MAX_INTID + 1)
        self.core_index = {core.name: i for i, core in enumerate(cores)}
        self.private = Banks(len(cores), self._fresh_bank)
        self.spis = {intid: IrqState() for intid in range(32, self.lines)}
        # Acknowledged, not yet deactivated interrupts per core: (priority, intid, source).
        self.active_stack: list[list[tuple[int, int, int | None]]] = [[] for _ in cores]
        self.events: list[Event] = []
        self.frames: tuple[Frame, ...] = ()
        self.handlers: dict[str, tuple[Reader, Writer]] = {}
        # INTIDs whose enable bit, trigger bit (any bank) or SPI routing a write
        # has changed since whoever watches the GIC last cleared the set: the
        # machine's monitors look only at these instead of every interrupt.
        self.changed: set[int] = set()

    def _fresh_bank(self) -> list[IrqState]:
        """A core's SGI/PPI states at reset."""
        return [IrqState() for _ in range(32)]

    # ------------------------------------------------------------ state copies
    # Attributes fixed at construction (configuration, register frames and the
    # handler table, whose closures refer to this GIC): never part of a state copy.
    STRUCTURE = frozenset({"config", "cores", "core_index", "frames", "handlers", "cpu_of", "implemented", "lines",
                           "firmware"})

    def state(self) -> dict[str, object]:
        """A deep copy of every other attribute: the GIC's whole mutable state.
        TypeError when an attribute holds something copy_state does not know."""
        return {name: copy_state(value) for name, value in vars(self).items() if name not in self.STRUCTURE}

    def changes_since(self, before: dict[str, object]) -> dict[str, object]:
        """The attributes whose state differs from `before` (a state() taken
        earlier), deep-copied: what must be applied to a GIC in that earlier
        state to bring it to this one."""
        now = self.state()
        if now.keys() != before.keys():
            raise TypeError("the GIC's attributes changed")
        return {name: value for name, value in now.items() if not same_state(value, before[name])}

    def apply(self, changes: dict[str, object]) -> None:
        """Give the named attributes (deep copies of) the states in `changes`.
        Containers are updated in place: the handler table's closures may hold them."""
        for name, value in changes.items():
            current = getattr(self, name)
            value = copy_state(value)
            if type(current) is list and type(value) is list:
                current[:] = value
            elif type(current) in (dict, set) and type(value) is type(current):
                current.clear()
                current.update(value)
            else:
                setattr(self, name, value)

    # ------------------------------------------------------------ recording
    def drain(self) -> list[Event]:
        """Hand over (and forget) the events recorded since the last drain."""
        events, self.events = self.events, []
        return events

    def _record(self, core: str, op: str, label: str, width: int, value: int,
                before: int | None, after: int | None, byte: int, at: int | None = None) -> None:
        # `at` puts the access before the effects (SGIs pended) it caused.
        event = RegAccess(core=core, op=op, register=label, width=width, value=value,
                          before=before, after=after, byte=byte)
        self.events.insert(len(self.events) if at is None else at, event)

    # ------------------------------------------------------------ MMIO
    def owns(self, address: int) -> bool:
        """True when address falls in one of the GIC's register frames."""
        return any(f.base <= address < f.base + f.map.size for f in self.frames)

    def _locate(self, address: int, width: int) -> tuple[Frame, Decoded]:
        for frame in self.frames:
            if frame.base <= address < frame.base + frame.map.size:
                try:
                    return frame, frame.map.decode(address - frame.base, width)
                except MmioError as error:
                    raise MmioError(address, width, f"{error.reason}{frame.suffix}") from None
        raise MmioError(address, width, "address is in no GIC frame")

    def read(self, core: str, address: int, width: int) -> int:
        """An MMIO read by `core`; recorded; MmioError when not allowed."""
        ci = self._core(core)
        frame, decoded = self._locate(address, width)
        register = decoded.register
        if register.kind == "wo":
            raise MmioError(address, width, f"read of write-only {register.name}")
        bank = ci if frame.bank is None else frame.bank
        word = self.handlers[register.name][0](bank, decoded.index)
        value = (word >> (8 * decoded.byte)) & ((1 << (8 * width)) - 1)
        shown = None if register.side_effects else value
        self._record(core, "R", decoded.label + frame.suffix, width, value, shown, shown, decoded.byte)
        return value

    def write(self, core: str, address: int, width: int, value: int) -> None:
        """An MMIO write by `core`; recorded with before/after; MmioError when not allowed."""
        ci = self._core(core)
        frame, decoded = self._locate(address, width)
        register = decoded.register
        bank = ci if frame.bank is None else frame.bank
        value &= (1 << (8 * width)) - 1
        before = self._peek(frame, decoded, bank, width)
        mark = len(self.events)
        if register.kind != "ro":
            shifted = value << (8 * decoded.byte)
            self.handlers[register.name][1](bank, decoded.index, shifted, lane_mask(decoded.byte, width))
        after = self._peek(frame, decoded, bank, width)
        self._record(core, "W", decoded.label + frame.suffix, width, value, before, after, decoded.byte, at=mark)

    def _peek(self, frame: Frame, decoded: Decoded, bank: int, width: int) -> int | None:
        register = decoded.register
        if register.kind == "wo" or register.side_effects:
            return None
        word = self.handlers[register.name][0](bank, decoded.index)
        return (word >> (8 * decoded.byte)) & ((1 << (8 * width)) - 1)

    def sysreg_read(self, core: str, name: str) -> int:
        """MRS of a GIC system register (GICv3 only)."""
        raise SysregError(f"GICv{self.version} has no system register {name}")

    def sysreg_write(self, core: str, name: str, value: int) -> None:
        """MSR of a GIC system register (GICv3 only)."""
        raise SysregError(f"GICv{self.version} has no system register {name}")

    def _core(self, core: str) -> int:
        try:
            return self.core_index[core]
        except KeyError:
            raise ModelError(f"no core called {core}") from None

    # ------------------------------------------------------------ state
    def irq(self, bank: int, intid: int) -> IrqState | None:
        """The state of intid as seen from core index `bank` (None: not implemented)."""
        if intid < 32:
            # bank -1: a frame without banked SGI/PPI state (GICv3 GICD with ARE).
            return self.private[bank][intid] if bank >= 0 else None
        return self.spis.get(intid)

    def _bits_read(self, bank: int, index: int, attr: str) -> int:
        word = 0
        base = 32 * index
        if base >= 32:
            # SPIs: no banking and no per-version special case (those are SGI/PPI
            # bits, in `_bit`), so read the states directly; this is most of the
            # register traffic of a boot.
            spis = self.spis
            for bit in range(32):
                state = spis.get(base + bit)
                if state is not None and getattr(state, attr):
                    word |= 1 << bit
            return word
        for bit in range(32):
            if self._bit(bank, base + bit, attr):  # False for an unimplemented INTID
                word |= 1 << bit
        return word

    def _bit(self, bank: int, intid: int, attr: str) -> bool:
        """One state bit; GICv2 overrides it for per-source SGI state."""
        state = self.irq(bank, intid)
        return bool(state is not None and getattr(state, attr))

    def _bits_write(self, bank: int, index: int, value: int, mask: int, attr: str, to: bool) -> None:
        ones = value & mask
        for bit in range(32):
            if ones >> bit & 1:
                self._set_bit(bank, 32 * index + bit, attr, to)

    def _set_bit(self, bank: int, intid: int, attr: str, to: bool) -> None:
        """Set one state bit; subclasses refuse the architecturally fixed ones."""
        state = self.irq(bank, intid)
        if state is not None:
            if attr == "enabled" and state.enabled != to:
                self.changed.add(intid)
            setattr(state, attr, to)

    def _bytes_read(self, bank: int, index: int, get: Callable[[IrqState], int]) -> int:
        word = 0
        for lane in range(4):
            state = self.irq(bank, 4 * index + lane)
            if state is not None:
                word |= (get(state) & 0xFF) << (8 * lane)
        return word

    def _priority_write(self, bank: int, index: int, value: int, mask: int) -> None:
        for lane in range(4):
            state = self.irq(bank, 4 * index + lane)
            if state is not None and mask >> (8 * lane) & 0xFF:
                state.priority = value >> (8 * lane) & 0xFF

    def _cfg_read(self, bank: int, index: int) -> int:
        word = 0
        for field in range(16):
            intid = 16 * index + field
            if self._is_edge(bank, intid):
                word |= 2 << (2 * field)
        return word

    def _is_edge(self, bank: int, intid: int) -> bool:
        if intid < 16:
            return self.irq(bank, intid) is not None  # SGIs are always edge
        state = self.irq(bank, intid)
        return bool(state is not None and state.edge)

    def _cfg_write(self, bank: int, index: int, value: int, mask: int) -> None:
        for field in range(16):
            intid = 16 * index + field
            state = self.irq(bank, intid)
            if intid >= 16 and state is not None:
                edge = bool(value >> (2 * field + 1) & 1)
                if state.edge != edge:
                    self.changed.add(intid)
                    state.edge = edge

    def is_edge(self, intid: int, core: str | None = None) -> bool:
        """The trigger mode bit (ICFGR Int_config[1]) of intid."""
        bank = self.core_index[core] if core else 0
        return self._is_edge(bank, intid)

    # ------------------------------------------------------------ devices
    def raise_spi(self, intid: int) -> None:
        """A device asserts its line: the SPI becomes pending (even if disabled
        or the distributor is off: the pending state is kept)."""
        state = self.spis.get(intid)
        if state is None:
            raise ModelError(f"INTID {intid} is not an implemented SPI")
        state.pending = True

    # ------------------------------------------------------------ delivery
    def _running_priority(self, ci: int) -> int:
        return min((prio for prio, _, _ in self.active_stack[ci]), default=IDLE_PRIORITY)

    def _candidates(self, ci: int) -> list[tuple[int, int, int | None]]:
        """(priority, intid, source) of every interrupt pending for core ci,
        enabled and not active, ignoring masks."""
        found = self._private_candidates(ci)
        for intid, state in self.spis.items():
            if state.enabled and state.pending and not state.active and self._spi_reaches(intid, ci):
                found.append((state.priority, intid, None))
        return found

    def _private_candidates(self, ci: int) -> list[tuple[int, int, int | None]]:
        found = []
        for intid, state in enumerate(self.private[ci]):
            if state.enabled and state.pending and not state.active:
                found.append((state.priority, intid, None))
        return found

    def deliverable(self, core: str) -> tuple[int, int | None] | None:
        """(INTID, source) that an IAR read on core would return now, or None."""
        ci = self.core_index[core]
        if not self._cpu_enabled(ci) or not self._dist_enabled():
            return None
        limit = min(self._pmr(ci), self._running_priority(ci))
        ready = [c for c in self._candidates(ci) if c[0] < limit]
        if not ready:
            return None
        prio, intid, source = min(ready, key=lambda c: (c[0], c[1], -1 if c[2] is None else c[2]))
        return intid, source

    def _ack(self, ci: int) -> tuple[int, int | None]:
        """IAR side effects: pending -> active for the winner; (intid, source)."""
        return self._take(ci, self.deliverable(self.cores[ci].name))

    def _take(self, ci: int, winner: tuple[int, int | None] | None) -> tuple[int, int | None]:
        """Acknowledge `winner` (what `deliverable` returned) on core ci: (intid, source), or spurious."""
        if winner is None:
            return SPURIOUS, None
        intid, source = winner
        self._activate(ci, intid, source)
        state = self.irq(ci, intid)
        assert state is not None
        self.active_stack[ci].append((state.priority, intid, source))
        return intid, source

    def _activate(self, ci: int, intid: int, source: int | None) -> None:
        state = self.irq(ci, intid)
        assert state is not None
        state.pending = False
        state.active = True

    def _deactivate(self, ci: int, intid: int, source: int | None) -> None:
        """End of interrupt: drop from the core's active list and deactivate."""
        stack = self.active_stack[ci]
        for entry in stack:
            if entry[1] == intid and (source is None or entry[2] == source):
                stack.remove(entry)
                self._clear_active(ci, intid, entry[2])
                return

    def _clear_active(self, ci: int, intid: int, source: int | None) -> None:
        state = self.irq(ci, intid)
        if state is not None:
            state.active = False

    # ------------------------------------------------------------ routing
    def spi_targets(self, intid: int) -> tuple[str, ...]:
        """Names of the cores the SPI would be delivered to by its routing
        (ignoring enables and pending state)."""
        return tuple(core.name for ci, core in enumerate(self.cores) if self._spi_reaches(intid, ci))

    def acknowledge(self, core: str) -> int:
        """Read the interrupt acknowledge register on core (recorded); raw value."""
        raise NotImplementedError

    def end_of_interrupt(self, core: str, value: int) -> None:
        """Write the end-of-interrupt register on core (recorded)."""
        raise NotImplementedError

    # ------------------------------------------------------------ hooks
    def _spi_reaches(self, intid: int, ci: int) -> bool:
        raise NotImplementedError

    def _cpu_enabled(self, ci: int) -> bool:
        raise NotImplementedError

    def _dist_enabled(self) -> bool:
        raise NotImplementedError

    def _pmr(self, ci: int) -> int:
        raise NotImplementedError

    def spi_enabled(self, intid: int) -> bool:
        """Whether the SPI's enable bit is set."""
        state = self.spis.get(intid)
        return bool(state and state.enabled)

    def spi_pending(self, intid: int) -> bool:
        """Whether the SPI is pending."""
        state = self.spis.get(intid)
        return bool(state and state.pending)
