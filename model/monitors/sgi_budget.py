"""SGI-BUDGET: the SGIs notifications between PDs need fit each receiving core's budget.

Violation kind ``sgi-over-budget`` (budget_monitor, at a BindChannel step):
the receiver binds the SGI channel of a notification between PDs whose SGI
number is beyond the configuration's `sgi_budget` (the au-ts Microkit
tool hands out 8 per core on GICv2 and 16 on GICv3, and exits beyond).
Details: ``channel``, ``core``, ``sgi``, ``budget``.
"""

from __future__ import annotations

from model.scenario import BindChannel
from model.trace import Violation

__all__ = ["budget_monitor"]


def budget_monitor(machine, index, step, events, live) -> list[Violation]:
    config = machine.config
    if not isinstance(step, BindChannel) or config.sgi_budget is None:
        return []
    if not any(n.channel == step.channel for n in config.notifications):
        return []
    channel = config.channel(step.channel)
    if channel.sgi < config.sgi_budget:
        return []
    return [Violation(
        "sgi-over-budget", index,
        f"channel {channel.name} needs SGI {channel.sgi} on {channel.receiver_core}, beyond the {config.sgi_budget} SGIs a core has for notifications",
        {"channel": channel.name, "core": channel.receiver_core, "sgi": channel.sgi, "budget": config.sgi_budget})]
