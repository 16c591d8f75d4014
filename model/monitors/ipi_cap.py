"""IPI-CAP: every channel's sender holds the capability to send its SGI.

Violation kind ``sgi-misdelivered``, for a SendChannel step the sender's
kernel refuses for want of the capability: the step's first refusal is
seL4_IllegalOperation, which model.kernel's send_sgi gives when the
sender's build has no SGISignal capability ("seL4_IllegalOperation (no
SGISignal in this build)"). Every other send that misses is IPI-TARGET's
(model.monitors.ipi_target); the two monitors run consecutively and
between them report exactly one sgi-misdelivered per send that misses.

Details (as for IPI-TARGET): ``channel``, ``expected`` (the receiving
core), ``reached`` (the cores the SGI became pending on; empty here),
``register`` and ``value`` (the first GICD_SGIR / ICC_SGI1R_EL1 write, or
None), ``refused`` (the first refusal's error), ``lost`` (the first
SgiLost reason, or None).
"""

from __future__ import annotations

from model.monitors._sends import _misdelivered, _pended
from model.scenario import SendChannel
from model.trace import Event, Refusal, Violation

__all__ = ["sgi_cap_monitor", "refused_for_capability", "CAP_REFUSAL"]

# The start of the error a kernel without the SGISignal capability gives (model/kernel.py, send_sgi).
CAP_REFUSAL = "seL4_IllegalOperation"


def refused_for_capability(events: list[Event]) -> bool:
    """Whether the step's first refusal (the one sgi-misdelivered reports) is
    the sender's kernel refusing for want of the capability."""
    first = next((e.error for e in events if isinstance(e, Refusal)), None)
    return first is not None and first.startswith(CAP_REFUSAL)


def sgi_cap_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-misdelivered for SendChannel steps refused with seL4_IllegalOperation."""
    if not isinstance(step, SendChannel):
        return []
    channel = machine.config.channel(step.channel)
    if not refused_for_capability(events):
        return []
    return _misdelivered(index, channel, _pended(events), events)
