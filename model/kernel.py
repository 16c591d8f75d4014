"""A seL4 kernel instance executing a Profile.

The instance makes the register accesses the real kernel makes (through the
seL4 driver model in model.sel4_gic) and keeps the little kernel state the
monitors need: booted or not, IRQ handlers and their notifications, the
ICFGR word read by a pending setIRQTrigger, and the notifications signalled.
Invocations the real kernel refuses are recorded as Refusal events.
"""

from __future__ import annotations

from attrs import frozen

from model.config import Kernel, MachineConfig
from model.gic import SPURIOUS, GicBase
from model.sel4_gic import HaltError, IpiFault, Port, make_driver
from model.trace import Delivery, Event, Note, Refusal

__all__ = ["KernelInstance", "Signal", "SMP_RESERVED_SGIS"]

SMP_RESERVED_SGIS = (0, 1)  # irq_remote_call_ipi, irq_reschedule_ipi
# The kernel's timer: the ARM generic timer's virtual-timer PPI, INTID 27 (seL4 16.0.0
# tools/hardware.yml: KERNEL_TIMER_IRQ is interrupt index 2 of arm,armv8-timer without
# hypervisor support). init_irqs and the secondary cores' init enable it (setIRQState(IRQTimer)).
KERNEL_TIMER_IRQ = 27


@frozen
class Signal:
    """One notification signal: what the receiver sees (no sender identity)."""

    notification: str
    core: str
    intid: int


class KernelInstance:
    """One kernel of the machine; all methods return False when refused."""

    def __init__(self, config: Kernel, machine: MachineConfig, gic: GicBase, sink: list[Event],
                 acquisitions: list[tuple["KernelInstance", int]] | None = None) -> None:
        self.config = config
        self.name = config.name
        self.profile = config.profile
        self.gic = gic
        self.port = Port(gic, config.name, sink)
        self.driver = make_driver(self.port, gic, machine.cores)
        self.driver.group1 = self.profile.group1 == "port" and gic.config.group1 == "sel4"
        self.sink = sink
        self.max_irq = gic.lines - 1 if machine.max_irq is None else machine.max_irq  # seL4's maxIRQ
        self.booted = False
        self.halted: str | None = None
        # The boot activity the kernel halted in ("cpu_init", "dist_init", ...), None while it has not.
        self.halt_stage: str | None = None
        # (core, INTID) -> notification; SPIs use core None (one global handler).
        self.handlers: dict[tuple[str | None, int], str] = {}
        self.reserved: set[tuple[str | None, int]] = set()
        self.trigger_words: dict[int, int] = {}
        self.signals: list[Signal] = []
        # INTID -> the trigger the kernel configures: the first one declared (an SPI listed twice keeps it).
        self.triggers: dict[int, str | None] = {}
        for intid, trigger in config.spis:
            if self.triggers.get(intid) is None:
                self.triggers[intid] = trigger
        self.routes = dict(config.routes)
        # The fork's boot_node_id (TPIDR_EL1 from the loader) is 0, and the MPIDR table the loader
        # hands every kernel (the MPIDR_EL1 of each logical cpu, in order).
        self.node0 = machine.is_node0(config.name)
        self.targeted: set[int] = set()  # INTIDs it invoked SetIrqTargetCore for (done or refused)
        self.mpidrs = tuple(c.mpidr for c in machine.cores)
        # Where to log (self, INTID) for every SPI handler taken (the machine's
        # log, read by its route monitor); None: not logged.
        self.acquisitions = acquisitions

    @property
    def boot_core(self) -> str:
        """The core the kernel boots on (its first; "" for a kernel without a core, which never boots)."""
        return self.config.cores[0] if self.config.cores else ""

    def runs_on(self, core: str) -> bool:
        """Whether the kernel brings `core` up: every core of an smp build,
        only the boot core otherwise (the elfloader starts further cores only
        for SMP builds). A non-smp kernel given several cores (a CPU-EXCL
        failure) never initialises the others' CPU interface/redistributor."""
        return core == self.boot_core or (self.profile.smp and core in self.config.cores)

    # ------------------------------------------------------------ helpers
    def _refuse(self, invocation: str, error: str) -> bool:
        self.sink.append(Refusal(self.name, invocation, error, actor=self.name))
        return False

    def _note(self, text: str) -> None:
        self.sink.append(Note(text, actor=self.name))

    def _live(self, invocation: str) -> bool:
        if self.halted:
            return self._refuse(invocation, f"kernel halted: {self.halted}")
        if not self.booted:
            return self._refuse(invocation, "kernel not booted")
        return True

    @property
    def masks_every_line(self) -> bool:
        """Its boot masks every SPI up to maxIRQ: `boot_mask all`, or `primary` on node 0."""
        return self.profile.boot_mask == "all" or (self.profile.boot_mask == "primary" and self.node0)

    @property
    def halted_uninitialised(self) -> bool:
        """It halted in dist_init: a `dist_init check` kernel found the distributor not enabled."""
        return self.halt_stage == "dist_init"

    def owns_spi(self, intid: int) -> bool:
        """Whether the configuration gives intid to this kernel."""
        return intid in self.triggers

    def acquired(self) -> tuple[int, ...]:
        """SPIs this kernel holds a handler for, sorted."""
        return tuple(sorted(intid for core, intid in self.handlers if core is None))

    # ------------------------------------------------------------ boot
    def boot(self) -> bool:
        """Boot: local controller, distributor per profile, masking, then (smp)
        the secondary cores. False when the kernel halted."""
        if self.booted or self.halted:
            return self._refuse("boot", "already booted" if self.booted else "kernel halted")
        if not self.config.cores:
            # A kernel with no core (a CPU-EXCL failure) is never started.
            return self._refuse("boot", "the kernel has no core to boot on")
        try:
            self._boot_core(self.boot_core)
            started = {self.boot_core}
            for core in self.config.cores[1:] if self.profile.smp else ():
                if core in started:
                    # release_secondary_cpus (seL4 16.0.0 boot.c) waits for every node: a core
                    # listed twice is already running and never comes up as another node.
                    raise HaltError(f"secondary core {core} is already running: the boot core waits for it forever")
                started.add(core)
                self._secondary(core)
        except HaltError as halt:
            self.halted = str(halt)
            self.halt_stage = self.port.activity or None
            self.port.activity = ""
            self._note(f"halt: {halt}")
            return False
        self.booted = True
        return True

    def _boot_core(self, core: str) -> None:
        self.port.activity = "cpu_init"
        self.driver.cpu_local_init(core)
        self.port.activity = "dist_init"
        self._dist_init(core)
        self.port.activity = "init_irqs"
        self._mask_at_boot(core)
        self.driver.set_enabled(core, KERNEL_TIMER_IRQ, True)
        if self.profile.smp:
            self._enable_ipis(core)
        self.port.activity = ""

    def _dist_init(self, core: str) -> None:
        mode = self.profile.dist_init
        if mode == "never":
            self._note("dist_init skipped (profile: never)")
            return
        if mode == "check":
            # au-ts/seL4 c99714a6 gic_v2.c/gic_v3.c dist_init: only checks GICD_CTLR, then halt().
            if not self.driver.dist_ready(core):
                raise HaltError("GICD_CTLR not initialised: the multikernel dist_init halts unless the distributor is enabled")
            self._note("dist_init: GICD_CTLR already enabled (profile: check)")
            return
        if mode == "first" and self.driver.dist_enabled(core):
            self._note("dist_init skipped: GICD_CTLR already enabled")
            return
        self.driver.dist_init(core)

    def _mask_at_boot(self, core: str) -> None:
        if self.profile.boot_mask == "all":
            intids = range(0, self.max_irq + 1)
        elif self.profile.boot_mask == "primary":
            # au-ts/seL4 c99714a6 init_irqs: INTIDs 0..NUM_PPI inclusive (SPI 0 too) on every kernel,
            # every SPI up to maxIRQ on boot node 0.
            intids = range(0, (self.max_irq if self.node0 else min(32, self.max_irq)) + 1)
        else:
            intids = [*range(32), *sorted(i for i in self.triggers if i <= self.max_irq)]
        for intid in intids:
            self.driver.set_enabled(core, intid, False)

    def _secondary(self, core: str) -> None:
        # try_init_kernel_secondary_core: local controller, mask PPIs, IPIs on.
        self.port.activity = "cpu_init"
        self.driver.cpu_local_init(core)
        self.port.activity = "init_irqs"
        for intid in range(32):
            self.driver.set_enabled(core, intid, False)
        self._enable_ipis(core)
        self.driver.set_enabled(core, KERNEL_TIMER_IRQ, True)
        self.port.activity = ""

    def _enable_ipis(self, core: str) -> None:
        for sgi in SMP_RESERVED_SGIS:
            self.reserved.add((core, sgi))
            self.driver.set_enabled(core, sgi, True)

    # ------------------------------------------------------------ IRQ handlers
    def route_core(self, intid: int) -> str:
        """The core an SPI is routed to: its `route` entry, else the first core."""
        return self.routes.get(intid, self.config.cores[0])

    def acquire_irq(self, intid: int, notification: str | None = None) -> bool:
        """IRQControl Get(Trigger) for an SPI: route (profile irq_route), then
        setIRQState(IRQSignal), which unmasks the line in the distributor."""
        invocation = f"IRQControl_Get(INTID {intid})"
        if not self._live(invocation):
            return False
        if not 32 <= intid <= self.max_irq:
            return self._refuse(invocation, "seL4_RangeError")
        if (None, intid) in self.handlers:
            return self._refuse(invocation, "seL4_RevokeFirst")
        self.port.activity = "acquire"
        if self.profile.irq_route == "yes":
            target = self.route_core(intid)
            logical = self.config.cores.index(target)
            self.driver.route(self.boot_core, intid, target, logical, self.profile.smp)
        self.handlers[(None, intid)] = notification or f"irq{intid}"
        if self.acquisitions is not None:
            self.acquisitions.append((self, intid))
        self.driver.set_enabled(self.boot_core, intid, True)
        self.port.activity = ""
        return True

    def set_irq_target(self, intid: int, target: int) -> bool:
        """IRQControl SetIrqTargetCore (au-ts/seL4 c99714a6, arch/arm/object/interrupt.c): route an
        SPI to logical core `target`; any kernel may (plat_isIRQControllerPrimary is always true)."""
        invocation = f"IRQControl_SetIrqTargetCore(INTID {intid}, {target})"
        self.targeted.add(intid)
        if not self._live(invocation):
            return False
        if self.profile.irq_route != "primary":
            return self._refuse(invocation, "seL4_IllegalOperation (no multikernel support)")
        if intid > self.max_irq:
            return self._refuse(invocation, "seL4_RangeError")
        if intid < 32:
            return self._refuse(invocation, "seL4_RangeError (not an SPI)")
        if not 0 <= target < 8:
            return self._refuse(invocation, "seL4_InvalidArgument")
        if self.gic.config.version == 3 and target >= len(self.mpidrs):
            return self._refuse(invocation, "assert(target < ARRAY_SIZE(mpidr_map)) fails")
        self.port.activity = "set_target"
        self.driver.set_target_core(self.boot_core, intid, target, self.mpidrs)
        self.port.activity = ""
        return True

    def bind_sgi(self, sgi: int, core: str | None = None, notification: str | None = None) -> bool:
        """Take the IRQ handler for SGI `sgi` on `core` and bind it (unmask)."""
        core = core or self.boot_core
        invocation = f"IRQControl_Get(SGI {sgi} on {core})"
        if not self._live(invocation):
            return False
        if not 0 <= sgi < 16:
            return self._refuse(invocation, "seL4_RangeError")
        if not self.runs_on(core):
            # Not one of its cores, or one a non-smp build never brought up
            # (the model used to crash here with a KeyError on the latter).
            return self._refuse(invocation, "seL4_InvalidArgument")
        if (core, sgi) in self.handlers or (core, sgi) in self.reserved:
            return self._refuse(invocation, "seL4_RevokeFirst")
        self.handlers[(core, sgi)] = notification or f"sgi{sgi}@{core}"
        self.port.activity = "bind"
        self.driver.set_enabled(core, sgi, True)
        self.port.activity = ""
        return True

    # ------------------------------------------------------------ trigger
    def _trigger_allowed(self, intid: int, invocation: str) -> bool:
        if not self._live(invocation):
            return False
        if self.profile.trigger_config == "loader":
            return self._refuse(invocation, "trigger configured by the loader")
        if self.profile.trigger_config == "none":
            return self._refuse(invocation, "its root task sets no trigger (trigger_config none)")
        if not 16 <= intid <= self.max_irq:
            return self._refuse(invocation, "seL4_RangeError")
        if self.triggers.get(intid) is None:
            return self._refuse(invocation, "no trigger declared for this INTID")
        return True

    def trigger_read(self, intid: int) -> bool:
        """First half of setIRQTrigger: read and remember the ICFGR word."""
        if not self._trigger_allowed(intid, f"setIRQTrigger(INTID {intid}) read"):
            return False
        self.port.activity = "trigger"
        word = self.driver.trigger_read(self.boot_core, intid)
        self.port.activity = ""
        if word is not None:
            self.trigger_words[intid] = word
        return True

    def trigger_write(self, intid: int) -> bool:
        """Second half: write back the remembered word with intid's bits set."""
        invocation = f"setIRQTrigger(INTID {intid}) write"
        if not self._trigger_allowed(intid, invocation):
            return False
        if intid not in self.trigger_words:
            return self._refuse(invocation, "no ICFGR word read yet")
        self.port.activity = "trigger"
        edge = self.triggers[intid] == "edge"
        self.driver.trigger_write(self.boot_core, intid, self.trigger_words.pop(intid), edge)
        self.port.activity = ""
        return True

    def configure_trigger(self, intid: int) -> bool:
        """setIRQTrigger as one read-modify-write."""
        return self.trigger_read(intid) and self.trigger_write(intid)

    # ------------------------------------------------------------ SGIs
    def send_sgi(self, sgi: int, target: int) -> bool:
        """seL4_Signal on an SGISignal cap made with IssueSGISignal(sgi, target)."""
        invocation = f"IssueSGISignal(sgi {sgi}, target {target:#x})"
        if not self._live(invocation):
            return False
        if not self.profile.sgi_signal:
            return self._refuse(invocation, "seL4_IllegalOperation (no SGISignal in this build)")
        if not 0 <= sgi < 16:
            return self._refuse(invocation, "seL4_RangeError")
        if not self.driver.sgi_target_valid(target):
            return self._refuse(invocation, "seL4_InvalidArgument")
        self.port.activity = "signal"
        self.driver.send_sgi(self.boot_core, sgi, target)
        self.port.activity = ""
        return True

    def send_ipi(self, core: str, sgi: int) -> bool:
        """An smp kernel signals its own `core` (generic_ipi_send_mask -> ipi_send_target(irq, BIT(index))).

        The write is made from another core of the kernel (a core never
        signals itself: doRemoteMaskOp clears its own bit)."""
        invocation = f"ipi_send_target(SGI {sgi} to {core})"
        if not self._live(invocation):
            return False
        if not self.profile.smp or core not in self.config.cores:
            return self._refuse(invocation, "not a core of this smp kernel")
        source = next((c for c in self.config.cores if c != core), None)
        if source is None:
            return self._refuse(invocation, "a kernel on one core sends itself no IPI")
        logical = self.config.cores.index(core)
        mpidrs = tuple(self.driver.cores[c].mpidr for c in self.config.cores)
        self.port.activity = "ipi"
        try:
            self.driver.ipi_send_target(source, sgi, 1 << logical, mpidrs)
        except IpiFault as fault:
            return self._refuse(invocation, str(fault))
        finally:
            self.port.activity = ""
        return True

    # ------------------------------------------------------------ interrupts
    def receive(self, core: str, limit: int = 64) -> list[Delivery]:
        """Take every interrupt the core can take now (handleInterrupt, then
        the user-level IRQHandler_Ack that unmasks signalled lines)."""
        taken: list[Delivery] = []
        if not self.booted or not self.runs_on(core):
            return taken
        self.port.activity = "interrupt"
        for _ in range(limit):
            delivery = self._take_one(core)
            if delivery is None:
                break
            taken.append(delivery)
        self.port.activity = ""
        return taken

    def _take_one(self, core: str) -> Delivery | None:
        raw, intid = self.driver.ack(core)
        if intid == SPURIOUS or intid > 1019:
            return None
        key = (core, intid) if intid < 32 else (None, intid)
        notification = self.handlers.get(key)
        source = (raw >> 10 & 7) if self.gic.version == 2 and intid < 16 else None
        delivery = Delivery(intid, core, self.name, notification, source, actor=self.name)
        self.sink.append(delivery)
        if key in self.reserved:
            self.driver.end(core, raw, intid, to_user=False)
            return delivery
        self.driver.set_enabled(core, intid, False)  # IRQSignal and IRQInactive both mask
        self.driver.end(core, raw, intid, to_user=notification is not None)
        if notification is not None:
            self.signals.append(Signal(notification, core, intid))
            self.port.activity = "user-ack"
            self.driver.set_enabled(core, intid, True)  # seL4_IRQHandler_Ack
            self.port.activity = "interrupt"
        return delivery
