"""IPI-TARGET: every channel's SGI reaches its receiving core and no other.

Violation kind ``sgi-misdelivered``, for a SendChannel step whose SGI does
not become pending on exactly the channel's receiver_core (on another or
further cores, on none, or refused by the sender's kernel for any reason
but the missing capability, which is IPI-CAP's: model.monitors.ipi_cap,
run just before this monitor). One violation per send that misses.

Details: ``channel``, ``expected`` (the receiving core), ``reached`` (the
cores the SGI became pending on), ``register`` and ``value`` (the first
GICD_SGIR / ICC_SGI1R_EL1 write, or None), ``refused`` (the first
refusal's error, or None), ``lost`` (the first SgiLost reason, or None).
"""

from __future__ import annotations

from model.monitors._sends import _misdelivered, _pended
from model.monitors.ipi_cap import refused_for_capability
from model.scenario import SendChannel
from model.trace import Violation

__all__ = ["sgi_target_monitor"]


def sgi_target_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-misdelivered for SendChannel steps that miss, except those refused
    for want of the capability (model.monitors.ipi_cap)."""
    if not isinstance(step, SendChannel):
        return []
    channel = machine.config.channel(step.channel)
    if refused_for_capability(events):
        return []
    return _misdelivered(index, channel, _pended(events), events)
