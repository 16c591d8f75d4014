"""The Machine: cores, memory map, one GIC, kernels, a trace and monitors.

Build it from a MachineConfig, then `step()` scenario steps or `run()` a
whole scenario. The loader's distributor setup (loader_gic_init) happens at
construction and is traced as setup (step -1).
"""

from __future__ import annotations

from typing import Callable

import attrs

from model.config import MachineConfig
from model.errors import ConfigError, ModelError
from model.gic import GicBase
from model.gicv2 import GicV2
from model.gicv3 import GicV3
from model.kernel import KernelInstance
from model.memory import MemoryMap, Owned
from model.monitors import MONITORS, MonitorState, construction_violations, forget_taken_sgis
from model.monitors.irq_trigger import note_icfgr_writers
from model.pds import call_path, pd_access
from model.scenario import (Access, AcquireIrq, BindChannel, BindSgi, Boot, ConfigureTrigger, Deliver,
                            Mmio, PdAccess, PdCall, RaiseSpi, RingDoorbell, SendChannel, SendSgi, SetIrqTarget, SmpIpi,
                            Step, TriggerRead, TriggerWrite)
from model.sel4_gic import Port, V3Driver, make_driver
from model.trace import (CallOutcome, ErrorEvent, Event, MemAccess, Note, PdMemAccess, RegAccess, Run, SpiRaised,
                         Violation)

__all__ = ["Machine", "make_gic", "run_scenario", "validate"]


def validate(config: MachineConfig) -> None:
    """Raise ConfigError when a name in the configuration refers to nothing
    (the model cannot run such a machine; property violations are the
    monitors' business, not this function's)."""
    problems = config.derived("validate", lambda: _problems(config))
    if problems:
        raise ConfigError("; ".join(problems))


def _problems(config: MachineConfig) -> tuple[str, ...]:
    cores = {core.name for core in config.cores}
    devices = {device.name for device in config.devices}
    kernels = {kernel.name: kernel for kernel in config.kernels}
    problems = []
    for kernel in config.kernels:
        problems += [f"kernel {kernel.name}: no core {c}" for c in kernel.cores if c not in cores]
        problems += [f"kernel {kernel.name}: no device {d}" for d in kernel.devices if d not in devices]
        problems += [f"kernel {kernel.name}: route to {c}, not one of its cores"
                     for _, c in kernel.routes if c not in kernel.cores]
    for shared in config.shared:
        problems += [f"shared {shared.name}: no kernel {k}" for k, _ in shared.access if k not in kernels]
    for channel in config.channels:
        for name in (channel.sender, channel.receiver):
            if name not in kernels:
                problems.append(f"channel {channel.name}: no kernel {name}")
        # "" stands for a receiver without any core: every send to it is misdelivered.
        if channel.receiver_core and channel.receiver_core not in cores:
            problems.append(f"channel {channel.name}: no core {channel.receiver_core}")
    return tuple(problems)


def make_gic(config: MachineConfig) -> GicBase:
    """The GIC model for the configured version."""
    if config.gic.version == 2:
        return GicV2(config.gic, config.cores)
    if config.gic.version == 3:
        return GicV3(config.gic, config.cores)
    raise ConfigError(f"unsupported GIC version {config.gic.version}")


class Machine:
    """A configured SoC running kernels; records a trace and violations."""

    def __init__(self, config: MachineConfig) -> None:
        validate(config)
        self.config = config
        self.gic = make_gic(config)
        self.memory = MemoryMap.of(config)
        self.monitor = MonitorState()
        self.trace: list[Event] = []
        self.violations: list[Violation] = []
        self.history: list[Step] = []
        self._sink: list[Event] = []
        # (kernel, SPI) for every SPI handler a kernel takes, in order (read by the route monitor).
        self.acquisitions: list[tuple[KernelInstance, int]] = []
        self.kernels = _Kernels(self)
        self._handlers: dict[type, Callable[[Step], None]] = {
            Boot: self._boot, AcquireIrq: self._acquire, SetIrqTarget: self._set_target, ConfigureTrigger: self._configure,
            TriggerRead: self._trigger_read, TriggerWrite: self._trigger_write,
            RaiseSpi: self._raise, BindChannel: self._bind_channel, BindSgi: self._bind_sgi,
            SendChannel: self._send_channel, SendSgi: self._send_sgi, SmpIpi: self._smp_ipi, Deliver: self._deliver,
            Access: self._access, Mmio: self._mmio,
            PdAccess: self._pd_access, PdCall: self._call, RingDoorbell: self._ring,
        }
        self._setup()

    # ------------------------------------------------------------ queries
    def owners_of(self, address: int) -> tuple[Owned, ...]:
        """Every configured region containing address, with its owner."""
        return self.memory.owners_of(address)

    def can_reach(self, kernel: str, address: int, write: bool = False) -> str | None:
        """The route by which kernel reaches address, as text, or None."""
        route = self.memory.can_reach(kernel, address, write)
        return None if route is None else route.description

    def live(self) -> frozenset[str]:
        """Names of the booted kernels."""
        return frozenset(name for name, k in self.kernels.items() if k.booted)

    # ------------------------------------------------------------ setup
    def _setup(self) -> None:
        self.violations += construction_violations(self)
        if self.config.loader_gic_init or self.config.loader_group1 or self.config.loader_triggers:
            self._load()
        self._commit(-1)
        note_icfgr_writers(self.monitor, self.trace)
        # The monitors' first runs look at every configured trigger and every
        # acquisition, whatever changed before them.
        self.gic.changed.clear()

    def _load(self) -> None:
        """The loader's distributor setup, run once per configuration.

        It runs on a GIC in its reset state (every machine of a configuration
        starts in the same one) and reads nothing but the GIC and the
        configuration, so its effect is the same on every machine: the GIC
        attributes it changes, the setup events it traces and the trigger
        modes it records for the monitors. The first machine of a
        configuration runs it and records that effect; later ones apply the
        record (deep copies of the changed GIC state, the same immutable
        events). A GIC whose state cannot be copied runs it every time."""
        ran = []

        def record():
            ran.append(True)
            try:
                before = self.gic.state()
            except TypeError:
                before = None
            self._guard(self._loader)
            events = self._commit(-1)
            if before is None:
                return None
            try:
                changes = self.gic.changes_since(before)
            except TypeError:
                return None
            return changes, tuple(events), tuple(self.monitor.triggers.items())

        recorded = self.config.derived("loader-setup", record)
        if ran:
            return
        if recorded is None:
            self._guard(self._loader)
            return
        changes, events, triggers = recorded
        self.gic.apply(changes)
        self.trace += events
        self.monitor.triggers.update(triggers)

    def _loader(self) -> None:
        port = Port(self.gic, "loader", self._sink)
        driver = make_driver(port, self.gic, self.config.cores)
        core = self.config.cores[0].name
        port.activity = "loader"
        if self.config.loader_group1 and isinstance(driver, V3Driver):
            driver.loader_group1(core)
        if self.config.loader_gic_init:
            driver.dist_init(core, upstream=False)
        words: dict[int, list[tuple[int, bool, str]]] = {}
        for kernel in self.config.kernels if self.config.loader_triggers else ():
            if kernel.profile.trigger_config == "loader":
                for intid, trigger in kernel.spis:
                    if trigger is not None and 32 <= intid < self.gic.lines:
                        words.setdefault(intid // 16, []).append((intid, trigger == "edge", kernel.name))
        for _, spis in sorted(words.items()):
            word = driver.trigger_read(core, spis[0][0]) or 0
            for intid, edge, owner in spis:
                word = driver.trigger_value(word, intid, edge)
                self.monitor.triggers[intid] = (owner, edge)
            address = driver.icfgr_address(core, spis[0][0])
            if address is not None:
                port.write(core, address, word)
        port.activity = ""

    # ------------------------------------------------------------ running
    def step(self, step: Step) -> list[Violation]:
        """Execute one step; returns the violations it caused."""
        index = len(self.history)
        self.history.append(step)
        live = self.live()
        handler = self._handlers.get(type(step))
        if handler is None:
            self._sink.append(ErrorEvent(f"unknown step {step!r}"))
        else:
            self._guard(lambda: handler(step))
        events = self._commit(index)
        found: list[Violation] = []
        for monitor in MONITORS:
            found += monitor(self, index, step, events, live)
        # The monitors have seen this step's changes.
        self.gic.changed.clear()
        forget_taken_sgis(self)
        self.violations += found
        return found

    def run(self, scenario: tuple[Step, ...] | list[Step]) -> Run:
        """Execute every step; the Run holds all steps executed so far."""
        for step in scenario:
            self.step(step)
        return self.result()

    def result(self) -> Run:
        """The run so far: steps, trace and violations."""
        return Run(tuple(self.history), tuple(self.trace), tuple(self.violations))

    def _guard(self, action: Callable[[], object]) -> None:
        # A model error aborts the step; it is recorded, never swallowed silently.
        try:
            action()
        except ModelError as error:
            self._sink.append(ErrorEvent(str(error)))

    def _commit(self, index: int) -> list[Event]:
        events = [e.stamped(step=index) if type(e) is RegAccess else attrs.evolve(e, step=index) for e in self._sink]
        self._sink.clear()
        self.trace += events
        return events

    # ------------------------------------------------------------ step handlers
    def _kernel(self, name: str) -> KernelInstance:
        try:
            return self.kernels[name]
        except KeyError:
            raise ModelError(f"no kernel called {name}") from None

    def _boot(self, step: Boot) -> None:
        self._kernel(step.kernel).boot()

    def _acquire(self, step: AcquireIrq) -> None:
        kernel = self._kernel(step.kernel)
        if step.intid < 32:
            kernel.bind_sgi(step.intid) if step.intid < 16 else kernel.acquire_irq(step.intid)
        else:
            kernel.acquire_irq(step.intid)

    def _set_target(self, step: SetIrqTarget) -> None:
        self._kernel(step.kernel).set_irq_target(step.intid, step.target)

    def _configure(self, step: ConfigureTrigger) -> None:
        self._kernel(step.kernel).configure_trigger(step.intid)

    def _trigger_read(self, step: TriggerRead) -> None:
        self._kernel(step.kernel).trigger_read(step.intid)

    def _trigger_write(self, step: TriggerWrite) -> None:
        self._kernel(step.kernel).trigger_write(step.intid)

    def _raise(self, step: RaiseSpi) -> None:
        self.gic.raise_spi(step.intid)
        self._sink.append(SpiRaised(step.intid))

    def _channel(self, name: str):
        try:
            return self.config.channel(name)
        except KeyError:
            raise ModelError(f"no channel called {name}") from None

    def _bind_channel(self, step: BindChannel) -> None:
        channel = self._channel(step.channel)
        receiver = self._kernel(channel.receiver)
        receiver.bind_sgi(channel.sgi, channel.receiver_core, notification=channel.name)

    def _bind_sgi(self, step: BindSgi) -> None:
        self._kernel(step.kernel).bind_sgi(step.sgi, step.core)

    def _send_channel(self, step: SendChannel) -> None:
        channel = self._channel(step.channel)
        self._sink.append(Note(f"channel {channel.name}: {channel.sender} -> {channel.receiver}@"
                               f"{channel.receiver_core}", actor=channel.sender))
        self._kernel(channel.sender).send_sgi(channel.sgi, channel.target)

    def _send_sgi(self, step: SendSgi) -> None:
        self._kernel(step.kernel).send_sgi(step.sgi, step.target)

    def _smp_ipi(self, step: SmpIpi) -> None:
        self._kernel(step.kernel).send_ipi(step.core, step.sgi)

    def _deliver(self, step: Deliver) -> None:
        for core in self.config.cores:
            owner = self.config.kernel_of_core(core.name)
            if owner is not None:
                self.kernels[owner.name].receive(core.name)

    def _access(self, step: Access) -> None:
        self._kernel(step.kernel)
        route = self.memory.can_reach(step.kernel, step.address, step.write)
        self._sink.append(MemAccess(step.kernel, step.address, step.write, route is not None,
                                    None if route is None else route.description, actor=step.kernel))

    def _pd(self, name: str):
        try:
            return self.config.pd(name)
        except KeyError:
            raise ModelError(f"no protection domain called {name}") from None

    def _pd_access(self, step: PdAccess) -> None:
        self._pd(step.pd)
        region = pd_access(self.config, step.pd, step.address, step.write)
        self._sink.append(PdMemAccess(step.pd, step.address, step.write, region is not None, region, actor=step.pd))

    def _call(self, step: PdCall) -> None:
        for name in (step.client, step.server, step.client_proxy, step.server_proxy):
            if name is not None:
                self._pd(name)
        reached, path, why = call_path(self.config, step.client, step.server, step.client_proxy, step.server_proxy)
        self._sink.append(CallOutcome(step.client, step.server, reached, path, why, actor=step.client))

    def _ring(self, step: RingDoorbell) -> None:
        try:
            queue = self.config.queue(step.queue)
            bell = self.config.notification(queue.doorbell)
        except KeyError as missing:
            raise ModelError(f"no queue or doorbell called {missing}") from None
        if bell.channel is None:  # one kernel: a seL4 notification, signalled without the GIC
            self._sink.append(Note(f"queue {queue.name}: {bell.sender} signals {bell.receiver} (notification)", actor=bell.sender))
            return
        self._send_channel(SendChannel(bell.channel))

    def _mmio(self, step: Mmio) -> None:
        port = Port(self.gic, "mmio", self._sink)
        if step.value is None:
            port.read(step.core, step.address, step.width)
        else:
            port.write(step.core, step.address, step.value, step.width)


class _Kernels(dict):
    """Kernel name -> KernelInstance, each made when first looked up.

    Iterating gives only the instances made so far: a kernel never looked up
    has done nothing (not booted, no handlers), which is what every reader
    of the iteration (live kernels, kernels that tried to boot) asks about.
    A name the configuration does not have is a KeyError, as in a dict. The
    last kernel of a name wins, as in a dict built from the configuration."""

    def __init__(self, machine: "Machine") -> None:
        super().__init__()
        self._machine = machine
        self._configs = machine.config.derived("kernel-configs", lambda: {k.name: k for k in machine.config.kernels})

    def __missing__(self, name: str) -> KernelInstance:
        config = self._configs[name]  # KeyError for a name the configuration does not have
        m = self._machine
        instance = self[name] = KernelInstance(config, m.config, m.gic, m._sink, m.acquisitions)
        return instance

    def get(self, name, default=None):
        return self[name] if name in self._configs else default

    def __contains__(self, name) -> bool:
        return name in self._configs


def run_scenario(config: MachineConfig, scenario: tuple[Step, ...]) -> Run:
    """Build a machine from config and run scenario on it."""
    return Machine(config).run(scenario)
