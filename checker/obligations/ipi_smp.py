"""IPI-SMP: the SGIs an smp kernel sends to its own cores, computed as seL4 computes them, reach exactly those cores.

Instances: every kernel with an smp profile. An smp seL4 signals another of
its cores with SGI 0 (remote call) or SGI 1 (reschedule) through
ipi_send_target(irq, BIT(i)) for the core's logical index i (its position
in the kernel's `cores`; seL4 src/smp/ipi.c, generic_ipi_send_mask). What
it writes (lemma: seL4's IPI writes, seL4 16.0.0 src/arch/arm/machine):

* GICv2 (gic_v2.c): GICD_SGIR = BIT(i) << 16 | irq. The CPUTargetList is
  the *logical* mask, so the IPI goes to CPU interface i, whichever core
  that is: right only when the kernel's cores are interfaces 0..n-1 in order.
* GICv3 (gic_v3.c): for each logical core j, sgi1r[j] is reset at the start
  of iteration j, and the target's bits are ORed into sgi1r[Aff1] (Aff1 and
  Aff0 of mpidr_map[i]); then sgi1r[0..max Aff1] are written. An entry for
  Aff1 = a filled at an iteration below a is reset again: with the core
  number in Aff1 (Cortex-A55, A76) the IPI is lost, and an Aff1 at or above
  CONFIG_MAX_NUM_NODES (taken as the kernel's number of cores) fails an
  assert, so nothing is written. Aff2 and Aff3 are never set.

The query asks, over one symbolic core index and the GIC's reach rule of
`sgi.reaches`, for a core that one of the writes reaches although it is not
the target, or the target that none reaches. A kernel on one core sends no
IPIs (concrete arithmetic).
Witness: the first logical target that misses, the values written and every
core they reach (enumerated by the solver).
Model: `model/monitors/ipi_smp.py` (ipi-misdelivered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import first
from checker.lemmas import CONCRETE, SMP_IPI_WRITES
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import core_tables, enumerate_cores, reaches
from checker.query import Query
from checker.result import Place
from checker.sel4 import comes_up, group1_before_boot, has_cpu_interface, takes_group1_sgis
from checker.obligations.boot_order import boot_steps
from checker.spec import Kernel, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Bool, Session

RESCHEDULE_SGI = 1  # irq_reschedule_ipi; the remote-call SGI 0 is written the same way

ENTRY = Entry(
    "IPI-SMP",
    "an smp kernel's own IPIs reach its cores",
    "The SGIs an smp kernel sends to its own cores (remote calls and rescheduling), computed as "
    "seL4's ipi_send_target computes them, reach exactly the core they are meant for.",
    "the register value written and the cores it reaches (possibly none)",
    (
        "GICv2: seL4 uses the logical core index as the CPU-interface number: an smp kernel must "
        "run on CPU interfaces 0..n-1, in that order (`cores` in gic_cpu order, starting at 0).",
        "GICv3 with the core number in Aff1 (Cortex-A55/A76, MPIDR 0x000, 0x100, ...): seL4 groups "
        "IPIs by Aff1 and needs Aff1 below the number of cores: give the smp kernel the first cores "
        "(0x000, 0x100 for two cores), or run one kernel per core.",
    ),
    family="ipi",
)


@frozen
class IpiWrites:
    """What seL4 writes to signal logical core `logical` of a kernel: the values, or why it writes nothing."""

    register: str
    values: tuple[int, ...]
    fault: str | None = None  # why nothing is written
    lost: str | None = None  # why what is written reaches nothing


@frozen
class LostIpi:
    kernel: Kernel
    logical: int
    writes: IpiWrites
    reached: tuple[str, ...]
    also: tuple[str, ...]  # the kernel's other cores whose IPIs miss too


def ipi_writes(spec: Spec, kernel: Kernel, logical: int, irq: int = RESCHEDULE_SGI) -> IpiWrites:
    """ipi_send_target(irq, BIT(logical)) of seL4 16.0.0, for the kernel's cores as mpidr_map."""
    if spec.platform.gic.version == 2:
        # Written from another core of the kernel; one with no CPU interface writes into the void.
        source = first((c for i, c in enumerate(kernel.cores) if i != logical), f"another core of {kernel.name}")
        lost = None if has_cpu_interface(spec, source) else f"the writing core {source.name} has no GICv2 CPU interface"
        return IpiWrites("GICD_SGIR", (((1 << logical) << 16 | irq) & 0xFFFF_FFFF,), lost=lost)
    nodes = len(kernel.cores)
    sgi1r = [0] * nodes
    last_aff1 = 0
    for i in range(nodes):
        sgi1r[i] = 0
        if i == logical:
            mpidr = kernel.cores[i].mpidr
            aff1, aff0 = (mpidr >> 8) & 0xFF, mpidr & 0xFF
            if aff1 >= nodes:
                return IpiWrites("ICC_SGI1R_EL1", (), f"assert(aff1 < CONFIG_MAX_NUM_NODES) fails: Aff1 is {aff1}, the kernel has {nodes} cores")
            if aff0 >= 31:
                return IpiWrites("ICC_SGI1R_EL1", (), f"1 << Aff0 overflows a C int (Aff0 is {aff0})")
            sgi1r[aff1] |= irq << 24 | aff1 << 16 | 1 << aff0
            last_aff1 = max(last_aff1, aff1)
    return IpiWrites("ICC_SGI1R_EL1", tuple(v for v in sgi1r[: last_aff1 + 1] if v))


def _reached_by(s: Session, spec: Spec, cores, writes: IpiWrites, kernel: Kernel) -> Bool:
    """A write reaches core `cores.k`, where (GICv3) the SGI is in Group 1 once the kernel has booted."""
    if writes.lost:
        return s.false()
    return s.and_(_group1(s, spec, cores, kernel), s.any_of(reaches(s, spec, cores, s.num(v, 64), s.true()) for v in writes.values))


def _group1(s: Session, spec: Spec, cores, kernel: Kernel) -> Bool:
    """Core `cores.k` takes Group 1 SGIs once the kernel alone has booted (checker/sel4.py)."""
    if group1_before_boot(spec):
        return s.true()
    table = s.lookup(cores.k, [int(takes_group1_sgis(spec, c, (kernel,))) for c in spec.platform.cpus], 1)
    return table == s.num(1, 1)


def _misses(s: Session, spec: Spec, kernel: Kernel, logical: int) -> Bool:
    """Some core is reached although it is not the target, or the target is not reached."""
    cores = s.once(core_tables, spec)
    target = spec.platform.cpus.index(kernel.cores[logical])
    reached = _reached_by(s, spec, cores, ipi_writes(spec, kernel, logical), kernel)
    is_target = cores.k == s.num(target, 16)
    return s.and_(cores.in_range, s.ite(is_target, s.not_(reached), reached))


class IpiSmp(Obligation[Kernel, LostIpi]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Kernel]]:
        return [Instance(k.name, k.span, k) for k in spec.kernels if k.profile.smp]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Kernel]]) -> list[Facts | Query]:
        out: list[Facts | Query] = []
        for instance in instances:
            kernel = instance.item
            if len(kernel.cores) < 2 or not comes_up(spec, kernel):
                out.append(Facts(CONCRETE))
                continue
            out.append(Query(session.any_of(_misses(session, spec, kernel, i) for i in range(len(kernel.cores))), {}, SMP_IPI_WRITES))
        return out

    def witnesses(self, spec: Spec, session: Session, instance: Instance[Kernel], values: Mapping[str, int]) -> list[LostIpi]:
        kernel = instance.item
        cores = session.once(core_tables, spec)
        missing = []
        for i, core in enumerate(kernel.cores):
            writes = ipi_writes(spec, kernel, i)
            reached = enumerate_cores(session, cores, _reached_by(session, spec, cores, writes, kernel), f"IPI-SMP {kernel.name} to {core.name}")
            if reached != [core.name]:
                missing.append((i, writes, tuple(reached)))
        if not missing:
            return []
        (logical, writes, reached), rest = missing[0], missing[1:]
        return [LostIpi(kernel, logical, writes, reached, tuple(kernel.cores[i].name for i, _, _ in rest))]

    def failure(self, spec: Spec, w: LostIpi) -> Failure:
        kernel, core = w.kernel, w.kernel.cores[w.logical]
        names = ", ".join(c.name for c in kernel.cores)
        if w.writes.fault:
            written = f"nothing ({w.writes.fault})"
        elif not w.writes.values:
            written = f"no {w.writes.register} at all (its loop resets sgi1r[{(core.mpidr >> 8) & 0xFF}] after filling it)"
        else:
            written = ", ".join(f"{w.writes.register} := {hexaddr(v)}" for v in w.writes.values)
        why = ""
        if w.writes.lost:
            why = f"; {w.writes.lost}"
        elif spec.platform.gic.version == 2:
            why = f"; CPUTargetList bit {w.logical} is the logical index, and {core.name} is CPU interface {core.gic_cpu}"
        also = f"; the IPIs to {', '.join(w.also)} miss too" if w.also else ""
        message = (
            f"smp kernel {kernel.name}{at(kernel.span)} on {names}: to signal {core.name} (logical core {w.logical}) "
            f"seL4 writes {written}, which reaches {', '.join(w.reached) or 'no core'}, not {core.name}{why}{also}"
        )
        cex = {"kernel": kernel.name, "core": core.name, "logical": w.logical, "register": w.writes.register,
               "values": list(w.writes.values), "fault": w.writes.fault or w.writes.lost, "reached": list(w.reached), "also": list(w.also)}
        places = (Place(f"kernel {kernel.name}", kernel.span), Place(f"cpu {core.name}", core.span))
        return Failure(kernel.name, message, kernel.span, cex, places)

    def scenario(self, spec: Spec, w: LostIpi) -> Steps:
        core = w.kernel.cores[w.logical].name
        return (*boot_steps(spec, [w.kernel.name]), {"op": "smp_ipi", "kernel": w.kernel.name, "core": core, "sgi": RESCHEDULE_SGI})

    def expected(self, spec: Spec, w: LostIpi) -> dict[str, Any]:
        return {"kind": "ipi-misdelivered", "kernel": w.kernel.name, "core": w.kernel.cores[w.logical].name, "reached": list(w.reached)}

    def proved(self, spec: Spec, instance: Instance[Kernel]) -> str:
        if len(instance.item.cores) < 2:
            return f"{instance.subject} runs on one core and sends itself no IPI"
        if not comes_up(spec, instance.item):
            return f"{instance.subject} never comes up (see CPU-IDENT) and sends no IPI"
        return f"every IPI of {instance.subject} reaches the core it is meant for"


OBLIGATION = IpiSmp()
