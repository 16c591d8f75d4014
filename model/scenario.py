"""Scenario steps: frozen plain data with a JSON form {"op": ..., args...}.

A scenario is a tuple of steps. `step_from_json(step.to_json()) == step`.
"""

from __future__ import annotations

from typing import Any, ClassVar

import attrs
from attrs import frozen

from model.config import MachineConfig

__all__ = [
    "Step", "Boot", "AcquireIrq", "SetIrqTarget", "ConfigureTrigger", "TriggerRead", "TriggerWrite",
    "RaiseSpi", "BindChannel", "BindSgi", "SendChannel", "SendSgi", "SmpIpi", "Deliver", "Access",
    "Mmio", "PdAccess", "PdCall", "RingDoorbell", "STEP_TYPES", "step_from_json", "scenario_to_json", "scenario_from_json",
    "startup_scenario",
]


class Step:
    """Base of every step: `op` names it in JSON."""

    op: ClassVar[str] = ""

    def to_json(self) -> dict[str, Any]:
        """{"op": op, field: value, ...} with plain values only."""
        return {"op": self.op, **attrs.asdict(self)}  # type: ignore[arg-type]


@frozen
class Boot(Step):
    """Boot a kernel (all its cores for smp profiles)."""

    op: ClassVar[str] = "boot"
    kernel: str


@frozen
class AcquireIrq(Step):
    """The kernel's root task takes the IRQ handler of an SPI: route (if the
    profile routes) and unmask."""

    op: ClassVar[str] = "acquire_irq"
    kernel: str
    intid: int


@frozen
class SetIrqTarget(Step):
    """The multikernel fork's IRQControl SetIrqTargetCore(intid, target): route an SPI to the
    core with logical index `target` (GICv2 ITARGETSR byte BIT(target); GICv3 IROUTER from the
    kernel's MPIDR table)."""

    op: ClassVar[str] = "set_irq_target"
    kernel: str
    intid: int
    target: int


@frozen
class ConfigureTrigger(Step):
    """setIRQTrigger as one read-modify-write of the SPI's GICD_ICFGR word."""

    op: ClassVar[str] = "configure_trigger"
    kernel: str
    intid: int


@frozen
class TriggerRead(Step):
    """First half of setIRQTrigger: the kernel reads the ICFGR word."""

    op: ClassVar[str] = "trigger_read"
    kernel: str
    intid: int


@frozen
class TriggerWrite(Step):
    """Second half of setIRQTrigger: the kernel writes back what it read, modified."""

    op: ClassVar[str] = "trigger_write"
    kernel: str
    intid: int


@frozen
class RaiseSpi(Step):
    """A device asserts its line: the SPI becomes pending."""

    op: ClassVar[str] = "raise_spi"
    intid: int


@frozen
class BindChannel(Step):
    """The channel's receiver takes the SGI's handler on its core (notification = channel)."""

    op: ClassVar[str] = "bind_channel"
    channel: str


@frozen
class BindSgi(Step):
    """A kernel takes the handler of SGI `sgi` on `core` (default: its first core)."""

    op: ClassVar[str] = "bind_sgi"
    kernel: str
    sgi: int
    core: str | None = None


@frozen
class SendChannel(Step):
    """The channel's sender signals its SGI with the channel's raw target."""

    op: ClassVar[str] = "send_channel"
    channel: str


@frozen
class SendSgi(Step):
    """A kernel signals SGI `sgi` with raw `target` (no channel)."""

    op: ClassVar[str] = "send_sgi"
    kernel: str
    sgi: int
    target: int


@frozen
class SmpIpi(Step):
    """An smp kernel signals one of its own cores (remote call SGI 0 or reschedule SGI 1),
    as seL4's generic_ipi_send_mask does: ipi_send_target(irq, BIT(logical index))."""

    op: ClassVar[str] = "smp_ipi"
    kernel: str
    core: str
    sgi: int = 1


@frozen
class Deliver(Step):
    """Every core takes what it can; kernels signal notifications."""

    op: ClassVar[str] = "deliver"


@frozen
class Access(Step):
    """The kernel's root task reads (or writes) a physical address."""

    op: ClassVar[str] = "access"
    kernel: str
    address: int
    write: bool = False


@frozen
class Mmio(Step):
    """A raw GIC access from a core: a read when value is None, else a write."""

    op: ClassVar[str] = "mmio"
    core: str
    address: int
    width: int = 4
    value: int | None = None


@frozen
class PdAccess(Step):
    """A protection domain reads (or writes) a physical address through its mappings."""

    op: ClassVar[str] = "pd_access"
    pd: str
    address: int
    write: bool = False


@frozen
class PdCall(Step):
    """`client` makes a protected procedure call meant for `server`: directly, or handed to
    `client_proxy`, which signals `server_proxy` through their buffer, which calls the server."""

    op: ClassVar[str] = "call"
    client: str
    server: str
    client_proxy: str | None = None
    server_proxy: str | None = None


@frozen
class RingDoorbell(Step):
    """A queue's producer signals its doorbell (the SGI channel of a doorbell across kernels)."""

    op: ClassVar[str] = "ring_doorbell"
    queue: str


STEP_TYPES: dict[str, type[Step]] = {
    cls.op: cls for cls in (Boot, AcquireIrq, SetIrqTarget, ConfigureTrigger, TriggerRead, TriggerWrite,
                            RaiseSpi, BindChannel, BindSgi, SendChannel, SendSgi, SmpIpi, Deliver,
                            Access, Mmio, PdAccess, PdCall, RingDoorbell)
}


def step_from_json(form: dict[str, Any]) -> Step:
    """The step a JSON form describes; ValueError for an unknown op or bad arguments."""
    args = dict(form)
    op = args.pop("op", None)
    cls = STEP_TYPES.get(op)  # type: ignore[arg-type]
    if cls is None:
        raise ValueError(f"unknown scenario op {op!r}")
    try:
        return cls(**args)
    except TypeError as error:
        raise ValueError(f"bad arguments for {op}: {error}") from None


def scenario_to_json(scenario: tuple[Step, ...]) -> list[dict[str, Any]]:
    """A scenario as a JSON-ready list."""
    return [step.to_json() for step in scenario]


def scenario_from_json(forms: list[dict[str, Any]]) -> tuple[Step, ...]:
    """A scenario from its JSON list."""
    return tuple(step_from_json(form) for form in forms)


def startup_scenario(config: MachineConfig, order: tuple[str, ...] | None = None) -> tuple[Step, ...]:
    """Each kernel in boot order: boot, configure its SPIs' triggers (runtime
    profiles), acquire its SPIs, route other kernels' SPIs (node 0 of `irq_route
    primary`), bind the channels it receives."""
    steps: list[Step] = []
    for name in order or tuple(k.name for k in config.kernels):
        kernel = config.kernel(name)
        steps.append(Boot(name))
        if kernel.profile.trigger_config == "runtime":
            steps += [ConfigureTrigger(name, i) for i, trig in kernel.spis if trig is not None]
        steps += [AcquireIrq(name, i) for i, _ in kernel.spis]
        steps += [SetIrqTarget(name, i, t) for i, t in config.primary_targets(name)]
        steps += [BindChannel(ch.name) for ch in config.channels if ch.receiver == name]
    return tuple(steps)
