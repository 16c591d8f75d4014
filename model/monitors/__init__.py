"""The model's isolation checks, one module per obligation.

Two sorts of checks find the model's violations:

* static checks (layout_violations, plus MEM-DISJOINT's overlaps), made
  once when a Machine is built: the model's own reading of the static rules
  (where regions may lie, who owns cores, devices and SPIs, how the GIC
  tells cores apart), written independently of the checker's solver
  encoding so the two can be compared. Each finding is a Violation at
  step -1.
* isolation monitors (MONITORS), run after every step: each looks at the
  machine and the step's events and returns the violations it sees.
  Monitors never change the GIC or the kernels; the bookkeeping they need
  (expected trigger modes, SGIs in flight per channel) lives in
  MonitorState.

Obligation    Module        Violation kind(s)
------------  ------------  ------------------------------------------------
MEM-BOUNDS    mem_bounds    region-out-of-bounds
MEM-ALIGN     mem_align     region-misaligned, device-page-unmappable
MEM-DISJOINT  mem_disjoint  memory-overlap
MEM-EXPOSE    mem_expose    memory-expose
CPU-EXCL      cpu_excl      core-shared, kernel-cores
CPU-IDENT     cpu_ident     core-ident
DEV-EXCL      dev_excl      device-shared
IRQ-EXCL      irq_excl      spi-shared
IRQ-RANGE     irq_range     spi-range
IRQ-ROUTE     irq_route     spi-misrouted, spi-delivered-to-wrong-kernel
IRQ-TRIGGER   irq_trigger   trigger-wrong
GIC-INIT      gic_init      dist-clobber, dist-init
IPI-RANGE     ipi_range     sgi-unbound
IPI-CAP       ipi_cap       sgi-misdelivered (send refused: seL4_IllegalOperation)
IPI-TARGET    ipi_target    sgi-misdelivered (every other send that misses)
IPI-UNIQUE    ipi_unique    sgi-merged
IPI-MAILBOX   ipi_mailbox   mailbox-access, mailbox-exposed
IPI-SMP       ipi_smp       ipi-misdelivered
SGI-BUDGET    sgi_budget    sgi-over-budget
RPC-PROXY     rpc_proxy     call-undeliverable, rpc-cross-server, rpc-shared-proxy,
                            rpc-buffer-exposed
QUEUE-ACCESS  queue_access  queue-access, queue-ring-exposed
QUEUE-DOORBELL queue_doorbell queue-doorbell
QUEUE-INDEX   queue_index   queue-index-overwritten, queue-index-stuck

Helpers shared by several modules: _static (the step -1 Violation and the
regions MEM-BOUNDS and MEM-ALIGN examine), _sends (the sgi-misdelivered
violation IPI-CAP and IPI-TARGET share).

The order of the checks is part of the model's output (violations are
reported in it): layout_violations runs the static checks in a fixed
order, and MONITORS runs the monitors in a fixed order; a monitor split in
two (e.g. MEM-EXPOSE / MEM-DISJOINT at Access steps) runs as two
consecutive entries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from model.config import MachineConfig
from model.monitors import (cpu_excl, cpu_ident, dev_excl, gic_init, ipi_cap, ipi_mailbox, ipi_range, ipi_smp,
                            ipi_target, ipi_unique, irq_excl, irq_range, irq_route, irq_trigger, mem_align,
                            mem_bounds, mem_disjoint, mem_expose, queue_access, queue_doorbell, queue_index,
                            rpc_proxy, sgi_budget)
from model.scenario import Step
from model.trace import Event, Violation

if TYPE_CHECKING:
    from model.machine import Machine

__all__ = ["MonitorState", "MONITORS", "construction_violations", "static_violations", "forget_taken_sgis",
           "layout_violations"]


class MonitorState:
    """What the monitors remember between steps."""

    def __init__(self) -> None:
        self.reported: set[tuple] = set()
        # SPI -> (kernel whose trigger is settled, declared edge?)
        self.triggers: dict[int, tuple[str, bool]] = {}
        # (core, SGI) -> [(channel, GICv2 source or None)] sent and not yet taken
        self.inflight: dict[tuple[str, int], list[tuple[str, int | None]]] = {}
        # Who has reset the distributor so far (the loader, kernels).
        self.initialisers: list[str] = []
        # GICD_ICFGR word -> who wrote it last (a kernel, "loader")
        self.icfgr_writer: dict[int, str] = {}
        # route_monitor: how much of the machine's acquisition log it has read,
        # and SPI -> names of the kernels that acquired it.
        self.acquisitions_read = 0
        self.acquirers: dict[int, list[str]] = {}
        # trigger_monitor: configured SPIs whose trigger mode still differs from
        # the configured one after its last run (None: it has not run yet).
        self.trigger_recheck: set[int] | None = None
        # call_monitor: proxy -> the servers calls through it have reached, in order.
        self.proxy_servers: dict[str, list[str]] = {}

    def once(self, key: tuple) -> bool:
        """True the first time key is seen: persistent states are reported once."""
        if key in self.reported:
            return False
        self.reported.add(key)
        return True


Monitor = Callable[["Machine", int, Step, list[Event], frozenset[str]], list[Violation]]


# ---------------------------------------------------------------- static checks
def layout_violations(config: MachineConfig) -> list[Violation]:
    """Every static problem of a configuration, in a fixed order."""
    return (
        mem_bounds.bounds(config) + mem_align.alignment(config) + cpu_excl.cores(config) + cpu_ident.identity(config)
        + dev_excl.device_ownership(config) + irq_excl.spi_ownership(config)
        + irq_range.spi_range(config) + ipi_mailbox.mailboxes(config)
    )


def construction_violations(machine: "Machine") -> list[Violation]:
    """The layout checks (layout_violations), then memory-overlap for every conflicting pair of regions.

    These depend on the configuration alone, and a machine's monitor state
    is empty when they run, so they are computed once per configuration
    (with the memory-overlap keys they mark as reported) and replayed into
    every machine built from it."""
    found, keys = machine.config.derived("construction-violations", lambda: _construction(machine.config))
    machine.monitor.reported.update(keys)
    return list(found)


def _construction(config) -> tuple[tuple[Violation, ...], frozenset[tuple]]:
    state = MonitorState()
    found = layout_violations(config)
    found += mem_disjoint.construction_overlaps(config, state)
    return tuple(found), frozenset(state.reported)


def static_violations(config) -> list[Violation]:
    """The construction checks of a configuration without building a machine:
    for configurations the GIC model cannot be built from (e.g. a GICv2 CPU
    interface number beyond 7), whose static problems must still be shown."""
    found = layout_violations(config)
    found += mem_disjoint.static_overlaps(config)
    return found


# ---------------------------------------------------------------- monitors
MONITORS: tuple[Monitor, ...] = (
    mem_expose.expose_monitor, mem_disjoint.overlap_monitor,  # Access steps: memory-expose, then memory-overlap
    gic_init.clobber_monitor, gic_init.init_monitor,
    irq_route.delivery_monitor,
    # SendChannel steps: sgi-misdelivered (at most one, from exactly one of
    # IPI-CAP / IPI-TARGET), then sgi-merged at send per SGI pended.
    ipi_cap.sgi_cap_monitor, ipi_target.sgi_target_monitor, ipi_unique.sgi_send_merge_monitor,
    ipi_unique.sgi_deliver_monitor,
    irq_trigger.trigger_monitor, irq_route.route_monitor,
    ipi_range.unbound_monitor, ipi_mailbox.mailbox_access_monitor,  # sgi-unbound, then mailbox-access
    ipi_smp.ipi_smp_monitor,  # SmpIpi steps
    sgi_budget.budget_monitor,  # BindChannel steps of notifications between PDs
    rpc_proxy.call_monitor,  # PdCall steps; PdAccess and Access steps on call buffers
    queue_access.queue_access_monitor, queue_index.queue_index_monitor,  # PdAccess (and Access) steps on rings
    queue_doorbell.doorbell_monitor,  # RingDoorbell steps
)


def forget_taken_sgis(machine) -> None:
    """Drop in-flight channel sends whose SGI is no longer pending (taken,
    or cleared by a GICv2 cpu_iface_init)."""
    for (core, sgi), queue in machine.monitor.inflight.items():
        pending = machine.gic.sgi_pending_sources(core, sgi)
        queue[:] = [(n, s) for n, s in queue if s in pending]
