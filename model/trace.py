"""Trace events, violations, the Run record and text formatting.

Events are frozen attrs classes. Components that have no notion of steps
(the GIC, the kernel) emit them with the default `step=-1` and `actor=None`;
the machine stamps both before appending them to the trace.
"""

from __future__ import annotations

from typing import Any, Union

from attrs import field, frozen

__all__ = [
    "RegAccess",
    "ErrorEvent",
    "Refusal",
    "Note",
    "SpiRaised",
    "SgiPended",
    "SgiLost",
    "Delivery",
    "MemAccess",
    "Event",
    "Violation",
    "Run",
    "format_trace",
    "format_event",
    "hexw",
]


@frozen
class RegAccess:
    """One register access: MMIO (GICD/GICC/GICR) or a GIC system register.

    For writes `value` is what was written and before/after are what the
    register read as around the write; for reads before == after == None
    unless the read has no side effects. Sub-word accesses carry the byte
    offset inside the register and lane values.
    """

    core: str
    op: str
    register: str
    width: int
    value: int
    before: int | None = None
    after: int | None = None
    byte: int = 0
    actor: str | None = None
    activity: str = ""
    step: int = -1

    def stamped(self, *, actor: str | None = None, activity: str | None = None, step: int | None = None) -> "RegAccess":
        """The access with its actor, activity or step set: attrs.evolve, for the event made
        most often (thousands per boot), without evolve's per-call field lookup."""
        return RegAccess(
            self.core, self.op, self.register, self.width, self.value, self.before, self.after, self.byte,
            self.actor if actor is None else actor, self.activity if activity is None else activity,
            self.step if step is None else step,
        )


@frozen
class ErrorEvent:
    """A model error (MmioError and friends) recorded instead of ignored."""

    message: str
    core: str | None = None
    actor: str | None = None
    step: int = -1


@frozen
class Refusal:
    """A kernel refused an invocation with a seL4 error (or halted)."""

    kernel: str
    invocation: str
    error: str
    step: int = -1
    actor: str | None = None


@frozen
class Note:
    """Something worth seeing that is not a register access."""

    text: str
    actor: str | None = None
    step: int = -1


@frozen
class SpiRaised:
    """A device asserted its interrupt line: the SPI became pending."""

    intid: int
    step: int = -1
    actor: str | None = None


@frozen
class SgiPended:
    """An SGI write made `sgi` pending on `core` (source CPU on GICv2)."""

    sgi: int
    core: str
    source: int | None = None
    merged: bool = False
    step: int = -1
    actor: str | None = None


@frozen
class SgiLost:
    """An SGI write that reached no core at all, or a core where it is not forwarded (GICv3: the SGI is
    in the other interrupt group there)."""

    sgi: int
    register: str
    value: int
    reason: str
    step: int = -1
    actor: str | None = None


@frozen
class Delivery:
    """An interrupt acknowledged on `core` and handed to `kernel`.

    notification is None when the kernel had no handler (it then masks the
    line). source is the GICv2 SGI source CPU the IAR reported (the kernel
    drops it).
    """

    intid: int
    core: str
    kernel: str | None
    notification: str | None
    source: int | None = None
    step: int = -1
    actor: str | None = None


@frozen
class MemAccess:
    """A user-level access by a kernel's root task: allowed through `route` or denied."""

    kernel: str
    address: int
    write: bool
    allowed: bool
    route: str | None
    step: int = -1
    actor: str | None = None


@frozen
class PdMemAccess:
    """An access by a protection domain: allowed through its mapping of `region` or denied."""

    pd: str
    address: int
    write: bool
    allowed: bool
    region: str | None
    step: int = -1
    actor: str | None = None


@frozen
class CallOutcome:
    """A protected procedure call: delivered to `reached` along `path`, or stopped (`reason`)."""

    client: str
    server: str
    reached: str | None
    path: tuple[str, ...]
    reason: str | None = None
    step: int = -1
    actor: str | None = None


Event = Union[RegAccess, ErrorEvent, Refusal, Note, SpiRaised, SgiPended, SgiLost, Delivery, MemAccess, PdMemAccess,
              CallOutcome]


@frozen
class Violation:
    """An isolation property broken by a step (step -1: by the configuration).

    kind is one of the monitor names (memory-expose, memory-overlap,
    spi-misrouted, spi-delivered-to-wrong-kernel, dist-clobber, trigger-wrong,
    sgi-misdelivered, sgi-merged); details holds plain values.
    """

    kind: str
    step: int
    message: str
    details: dict[str, Any] = field(factory=dict, hash=False)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON-ready form (tuples become lists)."""
        return {"kind": self.kind, "step": self.step, "message": self.message,
                "details": {key: _plain(value) for key, value in self.details.items()}}


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


@frozen
class Run:
    """The result of running a scenario: steps, trace and violations in order."""

    scenario: tuple[Any, ...]
    trace: tuple[Event, ...]
    violations: tuple[Violation, ...]

    @property
    def violation(self) -> Violation | None:
        """The first violation, or None."""
        return self.violations[0] if self.violations else None

    def kinds(self) -> tuple[str, ...]:
        """The distinct violation kinds, first occurrence order."""
        return tuple(dict.fromkeys(v.kind for v in self.violations))


def hexw(value: int | None, width: int) -> str:
    """Hex with as many digits as the access is wide (two per byte)."""
    if value is None:
        return "-"
    return f"{value:#0{2 + 2 * width}x}"


def _who(actor: str | None, core: str | None) -> str:
    if actor and core:
        return f"{actor}@{core}"
    return actor or core or "-"


def _reg_access(event: RegAccess) -> str:
    name = event.register + (f"+{event.byte}" if event.byte else "")
    head = f"{_who(event.actor, event.core)} {event.op}{8 * event.width} {name}"
    if event.op == "R":
        return f"{head} -> {hexw(event.value, event.width)}"
    text = f"{head} := {hexw(event.value, event.width)}"
    if event.before is not None or event.after is not None:
        text += f"  [{hexw(event.before, event.width)} -> {hexw(event.after, event.width)}]"
    return text


def format_event(event: Event) -> str:
    """One line of text for one event."""
    if isinstance(event, RegAccess):
        return _reg_access(event)
    if isinstance(event, ErrorEvent):
        return f"{_who(event.actor, event.core)} ERROR {event.message}"
    if isinstance(event, Refusal):
        return f"{event.kernel} refused {event.invocation}: {event.error}"
    if isinstance(event, Note):
        return f"{event.actor or '-'}: {event.text}"
    if isinstance(event, SpiRaised):
        return f"device raises INTID {event.intid} (SPI {event.intid - 32})"
    if isinstance(event, SgiPended):
        src = "" if event.source is None else f" from cpu {event.source}"
        merged = " (merged with a pending one)" if event.merged else ""
        return f"SGI {event.sgi} pending on {event.core}{src}{merged}"
    if isinstance(event, SgiLost):
        return f"SGI {event.sgi} lost: {event.register}={event.value:#x} {event.reason}"
    if isinstance(event, Delivery):
        src = "" if event.source is None else f" (source cpu {event.source})"
        to = f"notification {event.notification}" if event.notification else "no handler: masked"
        return f"INTID {event.intid}{src} taken on {event.core} by {event.kernel or 'nobody'} -> {to}"
    if isinstance(event, MemAccess):
        verb = "write" if event.write else "read"
        how = f"allowed via {event.route}" if event.allowed else "denied (no route)"
        return f"{event.kernel} {verb} {event.address:#x}: {how}"
    if isinstance(event, PdMemAccess):
        verb = "write" if event.write else "read"
        how = f"allowed via its mapping of {event.region}" if event.allowed else "denied (not mapped so)"
        return f"PD {event.pd} {verb} {event.address:#x}: {how}"
    if isinstance(event, CallOutcome):
        path = " -> ".join(event.path)
        if event.reached is not None:
            return f"call from {event.client} for {event.server}: {path} reaches {event.reached}"
        return f"call from {event.client} for {event.server}: {path} stops: {event.reason}"
    raise TypeError(f"not a trace event: {event!r}")


HEX_ARGS = frozenset({"address", "target", "value"})


def _describe_step(step: Any) -> str:
    form = step.to_json()
    args = " ".join(f"{key}={_arg(key, value)}" for key, value in form.items()
                    if key != "op" and value is not None)
    return f"{form['op']} {args}".rstrip()


def _arg(key: str, value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and key in HEX_ARGS:
        return f"{value:#x}"
    return str(value)


def _violation_line(violation: Violation) -> str:
    return f"!! {violation.kind}: {violation.message}"


# Activities whose register accesses are bulk initialisation: `registers="brief"`
# folds each run of them into one summary line.
BULK_ACTIVITIES = frozenset({"cpu_init", "dist_init", "init_irqs", "loader"})


def format_trace(run: Run, registers: bool | str = True, marked: Violation | None = None) -> str:
    """The whole run as text: setup events, then each step with its
    violations (`!!`) and its events indented; the step of `marked` (by
    default the first violation) is marked with `>>`. registers=False leaves
    out register accesses (everything else stays); registers="brief" shows
    them but folds bulk initialisation (cpu_init, dist_init, init_irqs, the
    loader) into one line per run of accesses."""
    marked = marked or run.violation
    first = marked.step if marked else None
    lines: list[str] = []
    by_step: dict[int, list[Event]] = {}
    for event in run.trace:
        by_step.setdefault(event.step, []).append(event)
    if by_step.get(-1) or any(v.step == -1 for v in run.violations):
        lines.append(f"{'>>' if first == -1 else '  '} [setup]")
        lines.extend(_step_body(by_step.get(-1, []), run.violations, -1, registers))
    for index, step in enumerate(run.scenario):
        mark = ">>" if first == index else "  "
        lines.append(f"{mark} [{index}] {_describe_step(step)}")
        lines.extend(_step_body(by_step.get(index, []), run.violations, index, registers))
    return "\n".join(lines) + "\n"


def _step_body(events: list[Event], violations: tuple[Violation, ...], index: int,
               registers: bool | str) -> list[str]:
    body = [f"     {_violation_line(v)}" for v in violations if v.step == index]
    folded: list[RegAccess] = []

    def flush() -> None:
        if folded:
            first = folded[0]
            who = f"{first.actor}@{first.core}" if first.actor else first.core
            body.append(f"       {who} {first.activity}: {len(folded)} register accesses")
            folded.clear()

    for event in events:
        if isinstance(event, RegAccess):
            if not registers:
                continue
            if registers == "brief" and event.activity in BULK_ACTIVITIES:
                if folded and folded[0].activity != event.activity:
                    flush()
                folded.append(event)
                continue
        flush()
        body.append(f"       {format_event(event)}")
    flush()
    return body
