"""Isolation monitors: after every step, each looks at the machine and the
step's events and returns the violations it sees.

Monitors never change the GIC or the kernels; the bookkeeping they need
(expected trigger modes, SGIs in flight per channel) lives in MonitorState.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from model.config import Channel
from model.gicv2 import GicV2
from model.gicv3 import IROUTER_IRM, GicV3, irouter_value
from model.layout import layout_violations
from model.memory import CONFLICTING_KINDS
from model.scenario import (Access, AcquireIrq, BindChannel, Boot, ConfigureTrigger, Deliver, SendChannel, Step, TriggerRead,
                            TriggerWrite)
from model.trace import Delivery, Event, MemAccess, Refusal, RegAccess, SgiLost, SgiPended, Violation

if TYPE_CHECKING:
    from model.machine import Machine

__all__ = ["MonitorState", "MONITORS", "construction_violations", "static_violations"]


class MonitorState:
    """What the monitors remember between steps."""

    def __init__(self) -> None:
        self.reported: set[tuple] = set()
        # SPI -> (kernel that configured it, edge?)
        self.triggers: dict[int, tuple[str, bool]] = {}
        # (core, SGI) -> [(channel, GICv2 source or None)] sent and not yet taken
        self.inflight: dict[tuple[str, int], list[tuple[str, int | None]]] = {}
        # Who has reset the distributor so far (the loader, kernels).
        self.initialisers: list[str] = []
        # ICFGR word -> (writes so far, last writer, the INTID it configured)
        self.icfgr_writes: dict[int, tuple[int, str | None, int | None]] = {}
        # (kernel, INTID) -> ICFGR write count when the kernel read the word
        self.icfgr_reads: dict[tuple[str, int], int] = {}
        # route_monitor: how much of the machine's acquisition log it has read,
        # and SPI -> names of the kernels that acquired it.
        self.acquisitions_read = 0
        self.acquirers: dict[int, list[str]] = {}
        # trigger_monitor: configured SPIs whose trigger mode still differs from
        # the configured one after its last run (None: it has not run yet).
        self.trigger_recheck: set[int] | None = None

    def once(self, key: tuple) -> bool:
        """True the first time key is seen: persistent states are reported once."""
        if key in self.reported:
            return False
        self.reported.add(key)
        return True


Monitor = Callable[["Machine", int, Step, list[Event], frozenset[str]], list[Violation]]


def construction_violations(machine: "Machine") -> list[Violation]:
    """The layout checks (model.layout), then memory-overlap for every conflicting pair of regions.

    These depend on the configuration alone, and a machine's monitor state
    is empty when they run, so they are computed once per configuration
    (with the memory-overlap keys they mark as reported) and replayed into
    every machine built from it."""
    found, keys = machine.config.derived("construction-violations", lambda: _construction(machine.config))
    machine.monitor.reported.update(keys)
    return list(found)


def _construction(config) -> tuple[tuple[Violation, ...], frozenset[tuple]]:
    from model.memory import MemoryMap

    state = MonitorState()
    found = layout_violations(config)
    for overlap in MemoryMap.of(config).overlaps():
        key = ("memory-overlap", overlap.first.name, overlap.second.name)
        if state.once(key):
            found.append(_overlap_violation(-1, overlap.first, overlap.second, overlap.address))
    return tuple(found), frozenset(state.reported)


def static_violations(config) -> list[Violation]:
    """The construction checks of a configuration without building a machine:
    for configurations the GIC model cannot be built from (e.g. a GICv2 CPU
    interface number beyond 7), whose static problems must still be shown."""
    from model.memory import MemoryMap

    found = layout_violations(config)
    found += [_overlap_violation(-1, o.first, o.second, o.address) for o in MemoryMap.of(config).overlaps()]
    return found


def _overlap_violation(step: int, first, second, address: int) -> Violation:
    return Violation("memory-overlap", step,
                     f"{address:#x} is in {first.describe()} and in {second.describe()}",
                     {"address": address, "regions": (first.name, second.name),
                      "kinds": (first.kind, second.kind), "owners": (first.owner, second.owner)})


# ---------------------------------------------------------------- memory
def memory_monitor(machine, index, step, events, live) -> list[Violation]:
    """memory-expose and memory-overlap for Access steps."""
    if not isinstance(step, Access):
        return []
    found = []
    for event in events:
        if isinstance(event, MemAccess) and event.allowed:
            reason = machine.memory.exposure(event.kernel, event.address, event.write)
            if reason:
                found.append(Violation(
                    "memory-expose", index,
                    f"{event.kernel} reached {event.address:#x} via {event.route}: {reason}",
                    {"kernel": event.kernel, "address": event.address, "write": event.write,
                     "route": event.route, "reason": reason,
                     "owners": tuple(o.describe() for o in machine.owners_of(event.address))}))
    owners = machine.owners_of(step.address)
    for i, first in enumerate(owners):
        for second in owners[i + 1:]:
            key = ("memory-overlap", first.name, second.name)
            if _conflicting(first.kind, second.kind) and first.name != second.name and machine.monitor.once(key):
                found.append(_overlap_violation(index, first, second, step.address))
    return found


def _conflicting(a: str, b: str) -> bool:
    return frozenset({a, b}) in CONFLICTING_KINDS


# ---------------------------------------------------------------- distributor
def clobber_monitor(machine, index, step, events, live) -> list[Violation]:
    """dist-clobber: a distributor-wide write while another kernel is live."""
    for event in events:
        if not (isinstance(event, RegAccess) and event.op == "W" and event.register.startswith("GICD_")):
            continue
        if event.actor not in machine.kernels:
            continue
        if event.register != "GICD_CTLR" and event.activity != "dist_init" and not _masks_foreign(machine, event):
            continue
        others = tuple(sorted(live - {event.actor}))
        if others:
            return [Violation(
                "dist-clobber", index,
                f"{event.actor} wrote {event.register} := {event.value:#x} while {', '.join(others)} "
                f"{'is' if len(others) == 1 else 'are'} live",
                {"kernel": event.actor, "core": event.core, "register": event.register,
                 "value": event.value, "activity": event.activity, "live": others})]
    return []


def _masks_foreign(machine, event: RegAccess) -> bool:
    """A boot-time mask (init_irqs) that disables an SPI the masking kernel does not own."""
    if event.activity != "init_irqs" or not event.register.startswith("GICD_ICENABLER["):
        return False
    word = int(event.register[len("GICD_ICENABLER["):-1])
    own = _own_spis(machine.config, event.actor)
    return any(event.value >> bit & 1 and 32 * word + bit >= 32 and 32 * word + bit not in own for bit in range(32))


def _own_spis(config, kernel: str) -> frozenset[int]:
    """The INTIDs a kernel lists among its SPIs (computed once per configuration)."""
    table = config.derived("own-spis", lambda: {})
    own = table.get(kernel)
    if own is None:
        own = table[kernel] = frozenset(intid for intid, _ in config.kernel(kernel).spis)
    return own


def _routing(machine, intid: int, owner) -> tuple[str, int, bool]:
    """(register, value, routed only to the owner's cores?) for an SPI."""
    gic = machine.gic
    if isinstance(gic, GicV2):
        # OR, not sum: two cores sharing one CPU interface (a CPU-IDENT failure) used to add
        # up to a carry into the next interface's bit.
        mask = 0
        for c in owner.cores:
            mask |= 1 << gic.interface_of(c)
        byte = gic.target_byte(intid)
        return f"GICD_ITARGETSR[{intid // 4}]+{intid % 4}", byte, bool(byte) and not byte & ~mask
    assert isinstance(gic, GicV3)
    route = gic.route_of(intid)
    good = _good_routes(machine.config, owner)
    written = intid in gic.route_written  # the reset value is UNKNOWN
    return f"GICD_IROUTER[{intid}]", route, written and not route & IROUTER_IRM and route in good


def _good_routes(config, owner) -> frozenset[int]:
    """The GICD_IROUTER values naming one of the owner's cores (once per
    configuration and tuple of cores)."""
    table = config.derived("good-routes", lambda: {})
    good = table.get(owner.cores)
    if good is None:
        good = table[owner.cores] = frozenset(irouter_value(config.core(c).mpidr) for c in owner.cores)
    return good


def _kernel_order(config) -> dict[str, int]:
    """Kernel name -> its position in Machine.kernels (first occurrence in the configuration)."""
    return config.derived("kernel-order", lambda: {name: n for n, name in enumerate(dict.fromkeys(k.name for k in config.kernels))})


def route_monitor(machine, index, step, events, live) -> list[Violation]:
    """spi-misrouted: an SPI its owner acquired is disabled or routed elsewhere,
    or the kernel refused to hand the owner its SPI at all.

    Each kernel that acquired an SPI expects it at one of its own cores (an
    SPI two kernels own is therefore misrouted for one of them). The check of
    a pair (kernel, SPI) depends only on the SPI's enable bit, its routing
    register (value and, GICv3, whether it was ever written) and the
    configuration, and a misrouting is reported once per (SPI, kernel,
    enabled, value). So instead of checking every acquired SPI of every
    kernel after every step, this checks, in the same order (kernels in
    Machine.kernels order, then INTID):

    * the pairs acquired since its last run (the machine's acquisition log;
      a kernel's SPI handlers are never removed), and
    * the pairs of SPIs whose enable bit or routing a write changed since
      its last run (the GIC's `changed` set, which the machine clears after
      the monitors of each step).

    Any other pair was checked at an earlier step (when acquired, or when
    its state last changed) and its state has not changed since: a full
    scan would find the same result, whose key is already reported if it is
    a misrouting, so it would report nothing for it either.
    """
    found = []
    if isinstance(step, AcquireIrq) and any(isinstance(e, Refusal) and e.kernel == step.kernel for e in events):
        reason = next(e.error for e in events if isinstance(e, Refusal))
        found.append(Violation(
            "spi-misrouted", index, f"INTID {step.intid} of {step.kernel}: the kernel refused it ({reason})",
            {"intid": step.intid, "owner": step.kernel, "enabled": False, "register": None, "value": None,
             "targets": (), "expected": machine.config.kernel(step.kernel).cores}))
    state = machine.monitor
    log = machine.acquisitions
    pairs: set[tuple[str, int]] = set()
    for kernel, intid in log[state.acquisitions_read:]:
        # Only the kernels the machine runs (a kernel listed twice under one name runs once).
        if intid >= 32 and machine.kernels.get(kernel.name) is kernel:
            state.acquirers.setdefault(intid, []).append(kernel.name)
            pairs.add((kernel.name, intid))
    state.acquisitions_read = len(log)
    for intid in machine.gic.changed:
        for name in state.acquirers.get(intid, ()):
            pairs.add((name, intid))
    if not pairs:
        return found
    order = _kernel_order(machine.config)
    for name, intid in sorted(pairs, key=lambda pair: (order[pair[0]], pair[1])):
        owner = machine.config.kernel(name)
        register, value, routed_ok = _routing(machine, intid, owner)
        enabled = machine.gic.spi_enabled(intid)
        if enabled and routed_ok:
            continue
        if state.once(("spi-misrouted", intid, name, enabled, value)):
            found.append(_misrouted(machine, index, name, intid, register, value, enabled))
    return found


def _misrouted(machine, index, owner, intid, register, value, enabled) -> Violation:
    targets = machine.gic.spi_targets(intid)
    problem = [] if enabled else ["disabled"]
    expected = machine.config.kernel(owner).cores
    if not set(targets) <= set(expected) or not targets or value & IROUTER_IRM and machine.gic.version == 3:
        problem.append(f"{register}={value:#x} routes it to {', '.join(targets) or 'no core'}")
    return Violation(
        "spi-misrouted", index,
        f"INTID {intid} (SPI {intid - 32}) of {owner}: {'; '.join(problem)}",
        {"intid": intid, "owner": owner, "enabled": enabled, "register": register, "value": value,
         "targets": targets, "expected": expected})


def delivery_monitor(machine, index, step, events, live) -> list[Violation]:
    """spi-delivered-to-wrong-kernel: a kernel took another kernel's SPI."""
    found = []
    for event in events:
        if isinstance(event, Delivery) and event.intid >= 32:
            owner = machine.config.spi_owner(event.intid)
            if owner is not None and owner.name != event.kernel:
                found.append(Violation(
                    "spi-delivered-to-wrong-kernel", index,
                    f"INTID {event.intid} (SPI {event.intid - 32}) of {owner.name} taken by "
                    f"{event.kernel} on {event.core}",
                    {"intid": event.intid, "owner": owner.name, "kernel": event.kernel,
                     "core": event.core}))
    return found


# ---------------------------------------------------------------- triggers
def trigger_monitor(machine, index, step, events, live) -> list[Violation]:
    """trigger-lost: an SPI no longer has the trigger mode its kernel configured.

    Its first run compares every configured SPI's trigger bit with the
    configured mode; later runs compare, in the same (INTID) order, only

    * the SPIs left mismatched by the previous run (skipped there because a
      stale write of the same step already reported them),
    * the SPIs whose trigger bit a write changed since the previous run (the
      GIC's `changed` set, cleared by the machine after each step's monitors),
    * the SPI whose configured mode this step records.

    After a run every configured SPI outside the first group matches its
    configured mode (a reported mismatch becomes the new expectation). The
    expectations change only here (and in the loader, before the first
    run), so an SPI in none of the groups still matches: a full scan would
    report nothing for it, and comparing it has no effect.
    """
    state = machine.monitor
    found = []
    recheck = state.trigger_recheck
    check = set(state.triggers) if recheck is None else recheck | {i for i in machine.gic.changed if i in state.triggers}
    if isinstance(step, TriggerRead):
        state.icfgr_reads[(step.kernel, step.intid)] = state.icfgr_writes.get(step.intid // 16, (0, None, None))[0]
    if isinstance(step, (TriggerWrite, ConfigureTrigger)) and _wrote_icfgr(events, step.kernel):
        found += _stale_write(state, index, step)
        kernel = machine.kernels[step.kernel]
        state.triggers[step.intid] = (step.kernel, kernel.triggers.get(step.intid) == "edge")
        check.add(step.intid)
    reported = {v.details["intid"] for v in found}
    state.trigger_recheck = set()
    for intid in sorted(check):
        kernel, edge = state.triggers[intid]
        actual = machine.gic.is_edge(intid)
        if actual != edge and (intid in reported or not state.once(("trigger-lost", intid, index))):
            state.trigger_recheck.add(intid)
            continue
        if actual != edge:
            writers = _icfgr_writers(events, intid)
            found.append(Violation(
                "trigger-lost", index,
                f"INTID {intid} (SPI {intid - 32}) of {kernel} is {_mode(actual)}, configured "
                f"{_mode(edge)}; GICD_ICFGR[{intid // 16}] last written by {', '.join(writers) or 'nobody'}",
                {"intid": intid, "kernel": kernel, "expected": _mode(edge), "actual": _mode(actual),
                 "register": f"GICD_ICFGR[{intid // 16}]", "writers": writers}))
            state.triggers[intid] = (kernel, actual)
    return found


def _stale_write(state: MonitorState, index: int, step) -> list[Violation]:
    """A read-modify-write whose read predates another kernel's write of the
    same ICFGR word: that kernel's update is overwritten (lost), whether or not
    the bits it set happen to equal the stale ones."""
    word = step.intid // 16
    count, writer, victim = state.icfgr_writes.get(word, (0, None, None))
    read_at = state.icfgr_reads.pop((step.kernel, step.intid), count)
    state.icfgr_writes[word] = (count + 1, step.kernel, step.intid)
    if read_at == count or writer in (None, step.kernel):
        return []
    return [Violation(
        "trigger-lost", index,
        f"{step.kernel} wrote GICD_ICFGR[{word}] from a value read before {writer}'s write: "
        f"{writer}'s configuration of INTID {victim} (SPI {victim - 32}) is overwritten",
        {"intid": victim, "kernel": writer, "overwritten_by": step.kernel, "register": f"GICD_ICFGR[{word}]",
         "writers": (step.kernel,), "stale": True})]


def _mode(edge: bool) -> str:
    return "edge" if edge else "level"


def _wrote_icfgr(events: list[Event], kernel: str) -> bool:
    return any(isinstance(e, RegAccess) and e.op == "W" and e.actor == kernel
               and "ICFGR" in e.register for e in events)


def _icfgr_writers(events: list[Event], intid: int) -> tuple[str, ...]:
    name = f"GICD_ICFGR[{intid // 16}]"
    return tuple(dict.fromkeys(e.actor or e.core for e in events
                               if isinstance(e, RegAccess) and e.op == "W" and e.register == name))


# ---------------------------------------------------------------- SGIs
def _distinct_by_mailbox(channels: list[Channel]) -> bool:
    mailboxes = {c.mailbox for c in channels}
    tags = [c.tag for c in channels]
    return len(mailboxes) == 1 and None not in mailboxes and None not in tags and len(set(tags)) == len(tags)


def sgi_send_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-misdelivered and sgi-merged (at send) for SendChannel steps."""
    if not isinstance(step, SendChannel):
        return []
    channel = machine.config.channel(step.channel)
    pended = [e for e in events if isinstance(e, SgiPended)]
    found = _misdelivered(index, channel, pended, events)
    for event in pended:
        found += _merge_at_send(machine, index, channel, event)
    return found


def _misdelivered(index: int, channel: Channel, pended: list[SgiPended], events: list[Event]) -> list[Violation]:
    reached = tuple(e.core for e in pended)
    if reached == (channel.receiver_core,):
        return []
    written = [e for e in events if isinstance(e, RegAccess) and e.register in ("GICD_SGIR", "ICC_SGI1R_EL1")]
    refused = [e.error for e in events if isinstance(e, Refusal)]
    lost = [e.reason for e in events if isinstance(e, SgiLost)]
    what = f"refused: {refused[0]}" if refused else f"reached {', '.join(reached) or 'no core'}"
    return [Violation(
        "sgi-misdelivered", index,
        f"channel {channel.name} (SGI {channel.sgi}, target {channel.target:#x}) should reach "
        f"{channel.receiver_core} only; {what}",
        {"channel": channel.name, "expected": channel.receiver_core, "reached": reached,
         "register": written[0].register if written else None,
         "value": written[0].value if written else None,
         "refused": refused[0] if refused else None, "lost": lost[0] if lost else None})]


def _merge_at_send(machine, index, channel: Channel, event: SgiPended) -> list[Violation]:
    queue = machine.monitor.inflight.setdefault((event.core, event.sgi), [])
    others = [name for name, source in queue
              if name != channel.name and (event.source is None or source == event.source)]
    queue.append((channel.name, event.source))
    involved = [machine.config.channel(n) for n in dict.fromkeys([*others, channel.name])]
    if not others or _distinct_by_mailbox(involved):
        return []
    return [_merged(index, involved, event.core, event.sgi, "send",
                    "one pending bit" if event.source is None else f"same source cpu {event.source}")]


def _merged(index, channels: list[Channel], core: str, sgi: int, phase: str, why: str) -> Violation:
    names = tuple(c.name for c in channels)
    return Violation(
        "sgi-merged", index,
        f"channels {', '.join(names)} arrive as SGI {sgi} on {core} ({why}); the receiver cannot tell them apart",
        {"channels": names, "core": core, "sgi": sgi, "phase": phase, "why": why})


def channel_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-unbound: the receiver could not bind the channel's SGI;
    mailbox-access: a channel's sender may not write its mailbox, or its
    receiver may not read it (by the modes the shared region lists)."""
    found = []
    if isinstance(step, BindChannel):
        refusal = next((e for e in events if isinstance(e, Refusal)), None)
        if refusal is not None:
            found.append(Violation(
                "sgi-unbound", index, f"channel {step.channel}: the receiver cannot bind its SGI ({refusal.error})",
                {"channel": step.channel, "kernel": refusal.kernel, "reason": refusal.error}))
    if isinstance(step, SendChannel):
        channel = machine.config.channel(step.channel)
        if channel.mailbox is not None:
            modes = dict(machine.config.shared_region(channel.mailbox).access)
            for kernel, access, allowed in ((channel.sender, "write", ("rw",)), (channel.receiver, "read", ("r", "rw"))):
                if modes.get(kernel) not in allowed:
                    found.append(Violation(
                        "mailbox-access", index,
                        f"channel {channel.name}: {kernel} may not {access} mailbox {channel.mailbox} "
                        f"(listed {modes.get(kernel) or 'not at all'})",
                        {"channel": channel.name, "kernel": kernel, "access": access, "mailbox": channel.mailbox}))
    return found


def sgi_deliver_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-merged (at delivery): one notification signalled for several channels."""
    taken: dict[tuple[str, str], list[str]] = {}
    for event in events:
        if isinstance(event, Delivery) and event.intid < 16:
            queue = machine.monitor.inflight.get((event.core, event.intid), [])
            # GICv3 has one pending bit: the delivery stands for every send queued.
            hit = [n for n, s in queue if event.source is None or s == event.source]
            queue[:] = [(n, s) for n, s in queue if not (event.source is None or s == event.source)]
            key = (event.core, event.notification or f"SGI {event.intid}")
            taken.setdefault(key, []).extend(hit)
    found = []
    if not isinstance(step, Deliver):
        return found
    for (core, notification), names in taken.items():
        channels = [machine.config.channel(n) for n in dict.fromkeys(names)]
        if len(channels) > 1 and not _distinct_by_mailbox(channels):
            sgi = channels[0].sgi
            if machine.monitor.once(("sgi-merged", core, sgi, tuple(c.name for c in channels), index)):
                found.append(_merged(index, channels, core, sgi, "deliver",
                                     f"one notification {notification} signalled for both"))
    return found


def forget_taken_sgis(machine) -> None:
    """Drop in-flight channel sends whose SGI is no longer pending (taken,
    or cleared by a GICv2 cpu_iface_init)."""
    for (core, sgi), queue in machine.monitor.inflight.items():
        pending = machine.gic.sgi_pending_sources(core, sgi)
        queue[:] = [(n, s) for n, s in queue if s in pending]


def init_monitor(machine, index, step, events, live) -> list[Violation]:
    """dist-init: a kernel boots before the distributor was initialised, it is
    initialised a second time, or every kernel has booted and nobody did."""
    if not isinstance(step, Boot):
        return []
    state = machine.monitor
    if machine.config.loader_gic_init and "loader" not in state.initialisers:
        state.initialisers.append("loader")
    reset = any(
        isinstance(e, RegAccess) and e.op == "W" and e.register == "GICD_CTLR" and e.activity == "dist_init"
        and e.actor == step.kernel for e in events
    )
    found = []
    if reset:
        state.initialisers.append(step.kernel)
        if len(state.initialisers) == 2 and state.once(("dist-init", "twice")):
            found.append(Violation("dist-init", index, f"the distributor is initialised a second time, by {step.kernel} "
                                   f"(first by {state.initialisers[0]})",
                                   {"problem": "twice", "kernel": step.kernel, "initialisers": tuple(state.initialisers)}))
    # A kernel that did not come up (no core to boot on, or halted in its boot) takes no
    # interrupts, so it boots before nothing; and "every kernel has booted" means every kernel
    # that can. A coreless kernel used to count as booting uninitialised (found by the
    # differential test; GIC-INIT's encoding leaves coreless kernels out).
    came_up = machine.kernels[step.kernel].booted
    bootable = machine.config.derived("bootable", lambda: frozenset(k.name for k in machine.config.kernels if k.cores))
    if came_up and not reset and not state.initialisers and state.once(("dist-init", "uninitialised", step.kernel)):
        found.append(Violation("dist-init", index, f"{step.kernel} boots before anyone initialised the distributor",
                               {"problem": "uninitialised", "kernel": step.kernel, "initialisers": ()}))
    if not state.initialisers and live | {step.kernel} >= bootable and state.once(("dist-init", "never")):
        found.append(Violation("dist-init", index, "every kernel has booted and nobody initialised the distributor",
                               {"problem": "never", "kernel": None, "initialisers": ()}))
    return found


MONITORS: tuple[Monitor, ...] = (
    memory_monitor, clobber_monitor, init_monitor, delivery_monitor, sgi_send_monitor, sgi_deliver_monitor,
    trigger_monitor, route_monitor, channel_monitor,
)
