"""IRQ-ROUTE: every SPI a kernel acquired is enabled and routed to that
kernel's own cores, and only its owner takes it.

Violation kinds (after every step):

* ``spi-misrouted`` (route_monitor): an SPI its owner acquired is disabled,
  in Group 0 (GICv3: seL4 takes only Group 1 interrupts) or routed elsewhere
  (reported once per SPI, kernel, enable bit, group and routing value), or the kernel refused to hand the owner its SPI at all
  (an AcquireIrq step refused). Details: ``intid``, ``owner`` (the kernel
  that acquired it), ``enabled``, ``register`` (GICD_ITARGETSR byte or
  GICD_IROUTER; None for a refusal), ``value`` (its value; None for a
  refusal), ``targets`` (the cores it reaches), ``expected`` (the owner's
  cores), ``group`` (GICv3: its interrupt group; 1 on GICv2).
* ``spi-delivered-to-wrong-kernel`` (delivery_monitor): a kernel took an
  SPI that another kernel owns. Details: ``intid``, ``owner``, ``kernel``
  (who took it), ``core``.
"""

from __future__ import annotations

from model.gicv2 import GicV2
from model.gicv3 import IROUTER_IRM, GicV3, irouter_value
from model.scenario import AcquireIrq, Boot, SetIrqTarget
from model.trace import Delivery, Refusal, Violation

__all__ = ["route_monitor", "delivery_monitor"]


def _routing(machine, intid: int, owner) -> tuple[str, int, bool]:
    """(register, value, routed only to the owner's cores?) for an SPI."""
    gic = machine.gic
    if isinstance(gic, GicV2):
        # OR, not sum: two cores sharing one CPU interface (a CPU-IDENT failure) used to add
        # up to a carry into the next interface's bit.
        mask = 0
        for c in owner.cores:
            cpu = gic.interface_of(c)
            mask |= 0 if cpu is None else 1 << cpu  # a core with no CPU interface has no bit
        byte = gic.target_byte(intid)
        return f"GICD_ITARGETSR[{intid // 4}]+{intid % 4}", byte, bool(byte) and not byte & ~mask
    assert isinstance(gic, GicV3)
    route = gic.route_of(intid)
    good = _good_routes(machine.config, owner)
    written = intid in gic.route_written  # the reset value is UNKNOWN
    group1 = gic.group_of(0, intid) == 1
    return f"GICD_IROUTER[{intid}]", route, written and group1 and not route & IROUTER_IRM and route in good


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
             "targets": (), "expected": machine.config.kernel(step.kernel).cores, "group": None}))
    state = machine.monitor
    log = machine.acquisitions
    pairs: set[tuple[str, int]] = set()
    for kernel, intid in log[state.acquisitions_read:]:
        # Only the kernels the machine runs (a kernel listed twice under one name runs once).
        if intid >= 32 and machine.kernels.get(kernel.name) is kernel:
            state.acquirers.setdefault(intid, []).append(kernel.name)
            pairs.add((kernel.name, intid))
    state.acquisitions_read = len(log)
    rechecked = set(machine.gic.changed)
    # An SPI left waiting for node 0's SetIrqTargetCore is judged again once node 0 tried to route
    # it (a refusal changes no register) or halted at boot.
    if isinstance(step, SetIrqTarget):
        rechecked.add(step.intid)
    elif isinstance(step, Boot) and machine.kernels[step.kernel].halted:
        rechecked.update(_routed_by(machine.config, step.kernel))
    for intid in rechecked:
        for name in state.acquirers.get(intid, ()):
            pairs.add((name, intid))
    if not pairs:
        return found
    order = _kernel_order(machine.config)
    for name, intid in sorted(pairs, key=lambda pair: (order[pair[0]], pair[1])):
        owner = machine.config.kernel(name)
        register, value, routed_ok = _routing(machine, intid, owner)
        enabled = machine.gic.spi_enabled(intid)
        if enabled and routed_ok or enabled and _awaiting(machine, intid):
            continue
        group = _group(machine, intid)
        if state.once(("spi-misrouted", intid, name, enabled, group, value)):
            found.append(_misrouted(machine, index, name, intid, register, value, enabled))
    return found


def _routed_table(config) -> dict[str, frozenset[int]]:
    """Kernel name -> the SPIs its root task routes with SetIrqTargetCore, for every kernel that
    routes some (node 0 of `irq_route primary`), once per configuration."""
    return config.derived("primary-targets", lambda: {
        k.name: routed for k in config.kernels if (routed := frozenset(i for i, _ in config.primary_targets(k.name)))})


def _routed_by(config, kernel: str) -> frozenset[int]:
    """The SPIs a kernel's root task routes with SetIrqTargetCore."""
    return _routed_table(config).get(kernel, frozenset())


def _awaiting(machine, intid: int) -> bool:
    """The SPI is still to be routed by node 0: a kernel that routes it with SetIrqTargetCore has
    neither tried yet nor halted. IRQ-ROUTE judges the routing once every write is made."""
    for name, routed in _routed_table(machine.config).items():
        if intid in routed:
            k = machine.kernels[name]  # made on first look-up: a kernel not made yet has done nothing
            if intid not in k.targeted and not k.halted:
                return True
    return False


def _group(machine, intid: int) -> int:
    gic = machine.gic
    return gic.group_of(0, intid) if isinstance(gic, GicV3) else 1


def _misrouted(machine, index, owner, intid, register, value, enabled) -> Violation:
    targets = machine.gic.spi_targets(intid)
    group = _group(machine, intid)
    problem = [] if enabled else ["disabled"]
    if not group:
        problem.append("in Group 0 (GICD_IGROUPR: signalled as FIQ, never read through ICC_IAR1_EL1)")
    expected = machine.config.kernel(owner).cores
    if not set(targets) <= set(expected) or not targets or value & IROUTER_IRM and machine.gic.version == 3:
        problem.append(f"{register}={value:#x} routes it to {', '.join(targets) or 'no core'}")
    return Violation(
        "spi-misrouted", index,
        f"INTID {intid} (SPI {intid - 32}) of {owner}: {'; '.join(problem)}",
        {"intid": intid, "owner": owner, "enabled": enabled, "register": register, "value": value,
         "targets": targets, "expected": expected, "group": group})


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
