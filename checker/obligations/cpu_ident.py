"""CPU-IDENT: MPIDRs are distinct; GICv2 CPU-interface numbers are distinct and in 0..7; GICv3 frames are findable.

One instance, `all`, decided by facts. Collisions: cpus are grouped by the
value (the MPIDR's affinity fields Aff3.Aff2.Aff1.Aff0, all the GIC and PSCI
address a core by; on GICv2 also the CPU-interface number) and every pair inside
a group collides, while cpus in different groups differ (lemma: grouping by
equal keys). Limits: a GICv2 interface number above 7, and a GICv3 cpu whose
redistributor frame (in declaration order, `stride` apart) ends past the
1 MiB window seL4's gicr_init searches (lemma: concrete arithmetic).
Model: `model/monitors/cpu_ident.py` (core-ident).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE, EQUAL_KEYS, groups
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.result import Place
from checker.spec import Cpu, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Session

# seL4's gicr_init looks for its redistributor in the first 1 MiB of the
# redistributor region ("assume 8 cores", 0x20000 apart).
GICR_WINDOW = 0x100000
# MPIDR_EL1's affinity fields Aff3 [39:32], Aff2 [23:16], Aff1 [15:8], Aff0 [7:0]: all that a GICv3
# (IROUTER, ICC_SGI1R_EL1, GICR_TYPER) or PSCI addresses a core by; MT, U and RES1 bits do not count.
AFFINITY_MASK = 0xFF_00FF_FFFF

ENTRY = Entry(
    "CPU-IDENT",
    "cores can be told apart by the GIC",
    "MPIDR values are distinct; GICv2: every cpu has a distinct `gic_cpu` in 0..7; GICv3: every "
    "cpu's redistributor frame lies inside the 1 MiB window seL4's gicr_init searches (8 frames of "
    "128K).",
    "the colliding cpus",
    (
        "Take MPIDRs from the device tree's cpu `reg` (A55/DynamIQ: 0x000, 0x100, 0x200, ...).",
        "GICv2 CPU-interface numbers are 0..7 and distinct per core.",
    ),
    family="cpu",
)


@frozen
class Collision:
    first: Cpu
    second: Cpu
    field: str  # "MPIDR" | "CPU-interface number"
    value: int
    shown: str


@frozen
class OutOfReach:
    """A cpu the GIC cannot address: an interface number above 7, or a redistributor past the window."""

    cpu: Cpu
    field: str  # "CPU-interface number" | "redistributor frame"
    value: int
    index: int = 0


def _collisions(cpus: Sequence[Cpu], field: str, value: Callable[[Cpu], int], show: Callable[[Cpu], str]) -> list[Collision]:
    out = []
    for members in groups(range(len(cpus)), lambda n: value(cpus[n])).values():
        for i, a in enumerate(members):
            out += [Collision(cpus[a], cpus[b], field, value(cpus[a]), show(cpus[a])) for b in members[i + 1:]]
    return out


def _affinity_words(cpu: Cpu) -> str:
    return hexaddr(cpu.mpidr) if cpu.mpidr == cpu.mpidr & AFFINITY_MASK else f"affinity {hexaddr(cpu.mpidr & AFFINITY_MASK)}"


def _interface(cpu: Cpu) -> int:
    return cpu.gic_cpu if cpu.gic_cpu is not None else 0


class CpuIdent(Obligation[None, Collision | OutOfReach]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[None]]:
        return [Instance("all", spec.platform.span)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[None]]) -> list[Facts]:
        cpus = spec.platform.cpus
        gic = spec.platform.gic
        found: list[Collision | OutOfReach] = _collisions(cpus, "MPIDR", lambda c: c.mpidr & AFFINITY_MASK, _affinity_words)
        if gic.version == 2:
            found += _collisions(cpus, "CPU-interface number", _interface, lambda c: str(c.gic_cpu))
        limits: list[Collision | OutOfReach] = []
        if gic.version == 2:
            limits = [OutOfReach(c, "CPU-interface number", c.gic_cpu) for c in cpus if _interface(c) > 7]
        elif gic.redistributors is not None:
            base, stride = gic.redistributors.base, gic.redistributor_stride
            limits = [
                OutOfReach(c, "redistributor frame", base + n * stride, n)
                for n, c in enumerate(cpus)
                if base + (n + 1) * stride > base + GICR_WINDOW
            ]
        # A verdict that only limits decide rests on arithmetic; collisions and a proof on grouping.
        return [Facts(CONCRETE if limits and not found else EQUAL_KEYS, tuple(found + limits))]

    def failure(self, spec: Spec, w: Collision | OutOfReach) -> Failure:
        if isinstance(w, Collision):
            a, b = w.first, w.second
            message = f"cpus {a.name}{at(a.span)} and {b.name}{at(b.span)} have the same {w.field} {w.shown}"
            cex = {"cpus": [a.name, b.name], "field": w.field, "value": w.value}
            places = (Place(f"cpu {a.name}", a.span), Place(f"cpu {b.name}", b.span))
            return Failure(f"{a.name},{b.name}", message, b.span, cex, places)
        cpu = w.cpu
        if w.field == "CPU-interface number":
            message = f"cpu {cpu.name}{at(cpu.span)} has CPU-interface number {cpu.gic_cpu}; a GICv2 has interfaces 0..7 only"
        else:
            base = spec.platform.gic.redistributors.base
            message = (
                f"cpu {cpu.name}{at(cpu.span)} is core {w.index} in declaration order, so its redistributor frame is at "
                f"{hexaddr(w.value)}, outside the 1 MiB window [{hexaddr(base)}, {hexaddr(base + GICR_WINDOW)}) that "
                "seL4's gicr_init searches: the kernel on that core cannot find its redistributor"
            )
        cex = {"cpus": [cpu.name], "field": w.field, "value": w.value}
        return Failure(cpu.name, message, cpu.span, cex, (Place(f"cpu {cpu.name}", cpu.span),))

    def expected(self, spec: Spec, w: Collision | OutOfReach) -> dict[str, Any]:
        cpus = [w.first.name, w.second.name] if isinstance(w, Collision) else [w.cpu.name]
        return {"kind": "core-ident", "cpus": cpus, "field": w.field}

    def proved(self, spec: Spec, instance: Instance[None]) -> str:
        return "every core is identified uniquely"


OBLIGATION = CpuIdent()
