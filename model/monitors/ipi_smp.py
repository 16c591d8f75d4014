"""IPI-SMP: the SGIs an smp kernel sends to its own cores reach exactly those cores.

Violation kind ``ipi-misdelivered``, for an SmpIpi step whose SGI does not
become pending on exactly the targeted core of the kernel: seL4's
ipi_send_target wrote something that reaches another core (GICv2: the
logical core mask taken as CPU-interface numbers), no core (GICv3: the
Aff1-grouped write lost in the loop), or nothing at all (a failed assert).

Details: ``kernel``, ``core`` (the target), ``reached`` (the cores the SGI
became pending on), ``register`` and ``values`` (every GICD_SGIR /
ICC_SGI1R_EL1 write of the step), ``refused`` (why seL4 wrote nothing, or None).
"""

from __future__ import annotations

from model.monitors._sends import _pended
from model.scenario import SmpIpi
from model.trace import RegAccess, Refusal, Violation

__all__ = ["ipi_smp_monitor"]


def ipi_smp_monitor(machine, index, step, events, live) -> list[Violation]:
    """ipi-misdelivered for SmpIpi steps that miss their core."""
    if not isinstance(step, SmpIpi):
        return []
    reached = tuple(e.core for e in _pended(events))
    if reached == (step.core,):
        return []
    writes = [e for e in events if isinstance(e, RegAccess) and e.register in ("GICD_SGIR", "ICC_SGI1R_EL1")]
    refused = next((e.error for e in events if isinstance(e, Refusal)), None)
    what = f"nothing was written ({refused})" if refused else f"it reached {', '.join(reached) or 'no core'}"
    return [Violation(
        "ipi-misdelivered", index,
        f"{step.kernel} signalled its core {step.core} (SGI {step.sgi}): {what}",
        {"kernel": step.kernel, "core": step.core, "reached": reached,
         "register": writes[0].register if writes else None, "values": tuple(e.value for e in writes),
         "refused": refused})]
