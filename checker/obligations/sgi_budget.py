"""SGI-BUDGET: the SGIs notifications between PDs need fit each receiving core.

Instances: every core that receives a notification between PDs across
kernels. The au-ts multikernel Microkit gives each such notification an SGI
of its own per receiving core, 0, 1, 2 ... in channel order, and exits when
a core needs more than 8 (GICv2) or 16 (GICv3; seL4 has 16 SGIs,
NUM_SGIS). pcheck numbers the channels without `sgi N` the same way, and
channels behind one mailbox share one SGI (`checker.resolve`), so a core
needs as many SGIs as its highest number plus one. Decided by facts
(lemma: concrete arithmetic). Channels between kernels (not PDs) are
IPI-RANGE's alone. Model: `model/monitors/sgi_budget.py` (sgi-over-budget).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import boot_steps
from checker.result import Place
from checker.spec import Channel, Cpu, Spec, sgi_budget

if TYPE_CHECKING:
    from checker.encode import Session

ENTRY = Entry(
    "SGI-BUDGET",
    "notifications fit the SGIs of their core",
    "The SGIs that notifications between PDs need on each receiving core fit the budget: 8 per core "
    "on GICv2 (what the au-ts multikernel Microkit allows), 16 on GICv3 (every SGI seL4 has).",
    "the receiving core, the notifications it receives and the first one beyond the budget",
    (
        "Multiplex: put several notifications into one core behind one `mailbox` with distinct tags; "
        "they then share an SGI.",
        "Move a receiving PD to another core.",
    ),
    family="pd",
)


@frozen
class Over:
    core: Cpu
    channels: tuple[Channel, ...]  # the core's notifications' channels, in order
    first: Channel  # the first beyond the budget
    needed: int
    budget: int


def receiving(spec: Spec) -> dict[str, tuple[Cpu, list[Channel]]]:
    """Core name -> (core, the SGI channels of notifications between PDs into it), in order."""
    out: dict[str, tuple[Cpu, list[Channel]]] = {}
    for n in spec.notifications:
        c = n.channel
        if c is not None and c.receiving_core is not None:
            out.setdefault(c.receiving_core.name, (c.receiving_core, []))[1].append(c)
    return out


class SgiBudget(Obligation[tuple[Cpu, list[Channel]], Over]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[tuple[Cpu, list[Channel]]]]:
        return [Instance(core.name, core.span, (core, channels)) for core, channels in receiving(spec).values()]

    def decide(self, spec: Spec, session: Session, instances) -> list[Facts]:
        budget = sgi_budget(spec)
        out = []
        for i in instances:
            core, channels = i.item
            over = [c for c in channels if c.sgi >= budget]
            needed = max(c.sgi for c in channels) + 1
            out.append(Facts(CONCRETE, (Over(core, tuple(channels), over[0], needed, budget),) if over else ()))
        return out

    def failure(self, spec: Spec, w: Over) -> Failure:
        version = spec.platform.gic.version
        source = "the au-ts Microkit's limit" if version == 2 else "seL4's NUM_SGIS"
        message = (f"core {w.core.name} receives {len(w.channels)} notifications that need {w.needed} SGIs, and GICv{version} "
                   f"gives {w.budget} per core ({source}); channel {w.first.name} would be SGI {w.first.sgi}: "
                   "multiplex some behind one mailbox with distinct tags, or move a receiver to another core")
        cex = {"core": w.core.name, "needed": w.needed, "budget": w.budget, "channel": w.first.name,
               "channels": [c.name for c in w.channels]}
        places = (Place(f"cpu {w.core.name}", w.core.span), Place(f"channel {w.first.name}", w.first.span))
        return Failure(w.core.name, message, w.first.span, cex, places)

    def scenario(self, spec: Spec, w: Over) -> Steps:
        c = w.first
        return tuple(boot_steps(spec, [c.receiver.name]) + [{"op": "bind_channel", "channel": c.name}])

    def expected(self, spec: Spec, w: Over) -> dict[str, Any]:
        return {"kind": "sgi-over-budget", "channel": w.first.name, "core": w.core.name, "budget": w.budget}

    def proved(self, spec: Spec, instance) -> str:
        core, channels = instance.item
        needed = max(c.sgi for c in channels) + 1
        return f"{core.name} needs {needed} of its {sgi_budget(spec)} SGIs for {len(channels)} notifications"


OBLIGATION = SgiBudget()
