"""IRQ-TRIGGER: every SPI in use has the trigger mode declared for it.

Violation kind ``trigger-wrong`` (after every step): an SPI whose trigger is
*settled* has a GICD_ICFGR field (Int_config[1], the only bit seL4 sets) that
differs from its declared trigger. An SPI is settled

* by the loader's `triggers` step, for a `trigger_config loader` kernel;
* by its owner's own setIRQTrigger write (`trigger_config runtime`);
* when its owner acquires it (IRQControl_Get) under `trigger_config none`:
  nobody sets it, so from then on it must already be right.

A write that leaves the field as declared is no violation, whoever makes it and
whatever it read before; only a field that is wrong is. Details: ``intid``,
``kernel`` (whose SPI it is), ``expected`` and ``actual`` (``edge`` or
``level``), ``register`` (``GICD_ICFGR[n]``), ``writer`` (who last wrote that
word: a kernel, ``loader``, or None when nobody has since reset).
"""

from __future__ import annotations

from model.scenario import AcquireIrq, ConfigureTrigger, TriggerWrite
from model.trace import Event, RegAccess, Violation

__all__ = ["trigger_monitor", "note_icfgr_writers"]


def trigger_monitor(machine, index, step, events, live) -> list[Violation]:
    """trigger-wrong: a settled SPI's trigger field differs from its declared trigger.

    Its first run compares every settled SPI; later runs compare, in INTID
    order, only the SPIs left mismatched by an earlier run, the SPIs whose
    trigger bit a write changed since the previous run (the GIC's `changed`
    set, cleared by the machine after each step's monitors) and the SPI this
    step settles. Only those can have changed: every other settled SPI matched
    at the previous run and its field has not been written since.
    """
    state = machine.monitor
    note_icfgr_writers(state, events)
    settled = _settles(machine, step, events)
    if settled is not None:
        state.triggers[settled[0]] = settled[1]
    recheck = state.trigger_recheck
    if recheck is None:
        check = set(state.triggers)
    else:
        check = recheck | {i for i in machine.gic.changed if i in state.triggers}
        if settled is not None:
            check.add(settled[0])
    state.trigger_recheck = set()
    found = []
    for intid in sorted(check):
        kernel, edge = state.triggers[intid]
        actual = machine.gic.is_edge(intid)
        if actual == edge:
            continue
        state.trigger_recheck.add(intid)
        if state.once(("trigger-wrong", intid, kernel, actual)):
            found.append(wrong(state, index, intid, kernel, edge, actual))
    return found


def wrong(state, index: int, intid: int, kernel: str, edge: bool, actual: bool) -> Violation:
    """The violation for a settled SPI whose field reads `actual` instead of `edge`."""
    register = f"GICD_ICFGR[{intid // 16}]"
    writer = state.icfgr_writer.get(intid // 16)
    by = f"last written by {writer}" if writer else "not written since reset"
    return Violation(
        "trigger-wrong", index,
        f"INTID {intid} (SPI {intid - 32}) of {kernel} is {_mode(actual)}, declared {_mode(edge)}; {register} {by}",
        {"intid": intid, "kernel": kernel, "expected": _mode(edge), "actual": _mode(actual),
         "register": register, "writer": writer})


def _settles(machine, step, events: list[Event]) -> tuple[int, tuple[str, bool]] | None:
    """(INTID, (kernel, declared edge?)) for the SPI this step settles, if any."""
    if isinstance(step, (TriggerWrite, ConfigureTrigger)) and step.intid < machine.gic.lines:
        if _wrote_icfgr(events, step.kernel):
            return step.intid, (step.kernel, machine.kernels[step.kernel].triggers.get(step.intid) == "edge")
    if isinstance(step, AcquireIrq) and step.kernel in machine.kernels:
        kernel = machine.kernels[step.kernel]
        trigger = kernel.triggers.get(step.intid)
        if (kernel.profile.trigger_config == "none" and trigger is not None and step.intid < machine.gic.lines
                and step.intid in kernel.acquired()):
            return step.intid, (step.kernel, trigger == "edge")
    return None


def note_icfgr_writers(state, events: list[Event]) -> None:
    """Remember who last wrote each GICD_ICFGR word (the loader's writes included)."""
    for e in events:
        if isinstance(e, RegAccess) and e.op == "W" and e.register.startswith("GICD_ICFGR["):
            state.icfgr_writer[int(e.register[len("GICD_ICFGR["):-1])] = e.actor or e.core


def _mode(edge: bool) -> str:
    return "edge" if edge else "level"


def _wrote_icfgr(events: list[Event], kernel: str) -> bool:
    return any(isinstance(e, RegAccess) and e.op == "W" and e.actor == kernel
               and "ICFGR" in e.register for e in events)
