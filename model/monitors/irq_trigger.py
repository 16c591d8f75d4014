"""IRQ-TRIGGER: every configured SPI keeps the trigger mode its kernel set.

Violation kind ``trigger-lost`` (after every step), in two forms:

* an SPI's GICD_ICFGR bit no longer has the mode its kernel (or the loader
  for it) configured. Details: ``intid``, ``kernel`` (who configured it),
  ``expected`` and ``actual`` (``edge`` or ``level``), ``register``
  (``GICD_ICFGR[n]``), ``writers`` (who wrote that word in this step).
* a read-modify-write of an ICFGR word whose read predates another
  kernel's write of the same word (the other kernel's configuration is
  overwritten). Details: ``intid`` (the overwritten INTID), ``kernel`` (its
  kernel), ``overwritten_by``, ``register``, ``writers``, ``stale`` (True).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from model.scenario import ConfigureTrigger, TriggerRead, TriggerWrite
from model.trace import Event, RegAccess, Violation

if TYPE_CHECKING:
    from model.monitors import MonitorState

__all__ = ["trigger_monitor"]


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
    # A line the GIC does not implement has no trigger bits to lose (its ICFGR field is RAZ/WI).
    implemented = not isinstance(step, (TriggerRead, TriggerWrite, ConfigureTrigger)) or step.intid < machine.gic.lines
    if isinstance(step, TriggerRead) and implemented:
        state.icfgr_reads[(step.kernel, step.intid)] = state.icfgr_writes.get(step.intid // 16, (0, None, None))[0]
    if isinstance(step, (TriggerWrite, ConfigureTrigger)) and implemented and _wrote_icfgr(events, step.kernel):
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
