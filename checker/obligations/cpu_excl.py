"""CPU-EXCL: every cpu has at most one kernel; every kernel has one cpu, or 1..8 if smp.

Instances: every cpu, then every kernel. Both are decided by facts: a cpu
is shared iff two different kernels list it (lemma: owner count, each
kernel's claim counted once); a kernel's number of cores is compared with
what its profile allows (lemma: concrete arithmetic).
Model: `model/monitors/cpu_excl.py` (core-shared, kernel-cores).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.lemmas import CONCRETE, OWNER_COUNT, owners
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation
from checker.result import Place
from checker.spec import Cpu, Kernel, Spec
from checker.words import at

if TYPE_CHECKING:
    from checker.encode import Session

MAX_SMP_CORES = 8

ENTRY = Entry(
    "CPU-EXCL",
    "each cpu has one kernel, each kernel its cpus",
    "Every cpu belongs to at most one kernel; every kernel has a cpu; a non-smp kernel has exactly "
    "one; an smp kernel at most 8.",
    "the cpu or kernel",
    (
        "Give each kernel its own `cores`.",
        "A kernel with several cores needs an smp profile (`profile sel4-smp`).",
    ),
    family="cpu",
)


@frozen
class SharedCpu:
    cpu: Cpu
    first: Kernel
    second: Kernel


@frozen
class CoreCount:
    kernel: Kernel
    problem: str  # "none" | "several" | "too-many"


def core_problem(kernel: Kernel) -> str | None:
    """What is wrong with a kernel's number of cores, if anything: its distinct cpus are counted
    (the resolver refuses a repeat, E307; a Spec built in Python may still hold one)."""
    n = len(set(kernel.cores))
    if n == 0:
        return "none"
    if not kernel.profile.smp and n > 1:
        return "several"
    if kernel.profile.smp and n > MAX_SMP_CORES:
        return "too-many"
    return None


class CpuExcl(Obligation[Cpu | Kernel, SharedCpu | CoreCount]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Cpu | Kernel]]:
        return [Instance(c.name, c.span, c) for c in spec.platform.cpus] + [Instance(k.name, k.span, k) for k in spec.kernels]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Cpu | Kernel]]) -> list[Facts]:
        claims = owners(spec.kernels, lambda k: k.cores)
        out = []
        for instance in instances:
            item = instance.item
            if isinstance(item, Cpu):
                claimed = claims.get(item, [])
                found = (SharedCpu(item, spec.kernels[claimed[0]], spec.kernels[claimed[1]]),) if len(claimed) > 1 else ()
                out.append(Facts(OWNER_COUNT, found))
            else:
                problem = core_problem(item)
                out.append(Facts(CONCRETE, (CoreCount(item, problem),) if problem else ()))
        return out

    def failure(self, spec: Spec, w: SharedCpu | CoreCount) -> Failure:
        if isinstance(w, SharedCpu):
            a, b, cpu = w.first, w.second, w.cpu
            first, second = a.cpu_claim(cpu), b.cpu_claim(cpu)
            message = f"cpu {cpu.name}{at(cpu.span)} is claimed by kernel {a.name}{at(first)} and by kernel {b.name}{at(second)}"
            places = (Place(f"kernel {a.name} lists it", first), Place(f"cpu {cpu.name}", cpu.span))
            # At the second claim, which names the cpu in the system spec.
            return Failure(cpu.name, message, second, {"cpu": cpu.name, "kernels": [a.name, b.name]}, places)
        kernel = w.kernel
        names = ", ".join(c.name for c in kernel.cores)
        message = {
            "none": f"kernel {kernel.name}{at(kernel.span)} has no cpu; give it `cores CPU`",
            "several": (
                f"kernel {kernel.name}{at(kernel.span)} has {len(kernel.cores)} cores ({names}) but profile "
                f"{kernel.profile.name} is not smp; a non-smp seL4 runs on exactly one core"
            ),
            "too-many": f"smp kernel {kernel.name}{at(kernel.span)} has {len(kernel.cores)} cores; at most {MAX_SMP_CORES}",
        }[w.problem]
        cex = {"kernel": kernel.name, "problem": w.problem, "cores": [c.name for c in kernel.cores]}
        return Failure(kernel.name, message, kernel.span, cex, (Place(f"kernel {kernel.name}", kernel.span),))

    def expected(self, spec: Spec, w: SharedCpu | CoreCount) -> dict[str, Any]:
        if isinstance(w, SharedCpu):
            return {"kind": "core-shared", "cpu": w.cpu.name}
        return {"kind": "kernel-cores", "kernel": w.kernel.name, "problem": w.problem}

    def proved(self, spec: Spec, instance: Instance[Cpu | Kernel]) -> str:
        if isinstance(instance.item, Cpu):
            return f"cpu {instance.subject} has at most one kernel"
        return f"kernel {instance.subject} has {len(instance.item.cores)} core(s)"


OBLIGATION = CpuExcl()
