"""What a channel send that missed looks like, shared by IPI-CAP
(model.monitors.ipi_cap) and IPI-TARGET (model.monitors.ipi_target): the
one sgi-misdelivered violation of a SendChannel step whose SGI did not
reach exactly the channel's receiving core. Which of the two monitors
reports it depends on why the send missed (ipi_cap.refused_for_capability)."""

from __future__ import annotations

from model.config import Channel
from model.trace import Event, RegAccess, Refusal, SgiLost, SgiPended, Violation


def _pended(events: list[Event]) -> list[SgiPended]:
    return [e for e in events if isinstance(e, SgiPended)]


def _misdelivered(index: int, channel: Channel, pended: list[SgiPended], events: list[Event]) -> list[Violation]:
    reached = tuple(e.core for e in pended)
    if reached == (channel.receiver_core,):
        return []
    written = [e for e in events if isinstance(e, RegAccess) and e.register in ("GICD_SGIR", "ICC_SGI1R_EL1")]
    refused = [e.error for e in events if isinstance(e, Refusal)]
    lost = [e.reason for e in events if isinstance(e, SgiLost)]
    what = f"refused: {refused[0]}" if refused else f"reached {', '.join(reached) or 'no core'}"
    return [Violation(
        "sgi-misdelivered", index,
        f"channel {channel.name} (SGI {channel.sgi}, target {channel.target:#x}) should reach "
        f"{channel.receiver_core} only; {what}",
        {"channel": channel.name, "expected": channel.receiver_core, "reached": reached,
         "register": written[0].register if written else None,
         "value": written[0].value if written else None,
         "refused": refused[0] if refused else None, "lost": lost[0] if lost else None})]
