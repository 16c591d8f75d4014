"""IPI-RANGE: every channel's SGI is one its receiver can bind.

Violation kind ``sgi-unbound`` (at a BindChannel step): the receiver's
kernel refused to bind the channel's SGI (e.g. seL4_RangeError for an SGI
number it does not hand out).

Details: ``channel``, ``kernel`` (the kernel that refused), ``reason``
(its error).
"""

from __future__ import annotations

from model.scenario import BindChannel
from model.trace import Refusal, Violation

__all__ = ["unbound_monitor"]


def unbound_monitor(machine, index, step, events, live) -> list[Violation]:
    """sgi-unbound: the receiver could not bind the channel's SGI. Runs right
    before model.monitors.ipi_mailbox.mailbox_access_monitor (MONITORS
    order; the two never both report at one step)."""
    found = []
    if isinstance(step, BindChannel):
        refusal = next((e for e in events if isinstance(e, Refusal)), None)
        if refusal is not None:
            found.append(Violation(
                "sgi-unbound", index, f"channel {step.channel}: the receiver cannot bind its SGI ({refusal.error})",
                {"channel": step.channel, "kernel": refusal.kernel, "reason": refusal.error}))
    return found
