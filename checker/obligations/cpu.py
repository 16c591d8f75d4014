"""CPU-EXCL and CPU-IDENT: who runs on each core, and whether the GIC can tell cores apart."""

from __future__ import annotations

import z3

from checker.encode import Session
from checker.obligations.base import at, failed, hexaddr, obligation, proved, unknown
from checker.result import Place, Result
from checker.spec import Cpu, Kernel, Spec

MAX_SMP_CORES = 8
# seL4's gicr_init looks for its redistributor in the first 1 MiB of the
# redistributor region ("assume 8 cores", 0x20000 apart).
GICR_WINDOW = 0x100000


@obligation("CPU-EXCL", "cpu")
def cpu_excl(spec: Spec, session: Session) -> list[Result]:
    """Every cpu has at most one kernel; every kernel has one cpu, or 1..8 if smp."""
    queries = {}
    for n, cpu in enumerate(spec.platform.cpus):
        owners = [m for m, k in enumerate(spec.kernels) if cpu in k.cores]
        queries[("cpu", cpu.name)] = session.at_least_two(owners, tag=f"_cpu{n}")
    cases_of = {}
    for kernel in spec.kernels:
        cases_of[kernel.name] = _core_cases(session, kernel)
        queries[("kernel", kernel.name)] = (session.any_of(cases_of[kernel.name].values()), dict(cases_of[kernel.name]))
    outcomes = session.check_each(queries, "CPU-EXCL")
    results = [_cpu_owners(spec, cpu, outcomes[("cpu", cpu.name)]) for cpu in spec.platform.cpus]
    results += [_kernel_cores(kernel, cases_of[kernel.name], outcomes[("kernel", kernel.name)]) for kernel in spec.kernels]
    return results


def _cpu_owners(spec: Spec, cpu: Cpu, outcome) -> Result:
    kernels = spec.kernels
    if outcome.status == "unknown":
        return unknown("CPU-EXCL", cpu.name, cpu.span, outcome)
    if outcome.status == "unsat":
        return proved("CPU-EXCL", cpu.name, cpu.span, f"cpu {cpu.name} has at most one kernel")
    a, b = [kernels[int(m.removeprefix("member"))] for m, v in outcome.values.items() if v][:2]
    message = f"cpu {cpu.name}{at(cpu.span)} is claimed by kernel {a.name}{at(a.span)} and by kernel {b.name}{at(b.span)}"
    cex = {"cpu": cpu.name, "kernels": [a.name, b.name]}
    places = [Place(f"kernel {a.name}", a.span), Place(f"kernel {b.name}", b.span)]
    return failed("CPU-EXCL", cpu.name, message, b.span, cex, places, [], {"kind": "core-shared", "cpu": cpu.name})


def _core_cases(s: Session, kernel: Kernel) -> dict:
    n = s.num(len(kernel.cores), 16)
    smp = s.fact(kernel.profile.smp)
    return {
        "none": n == s.num(0, 16),
        "several": z3.And(z3.Not(smp), z3.UGT(n, s.num(1, 16))),
        "too-many": z3.And(smp, z3.UGT(n, s.num(MAX_SMP_CORES, 16))),
    }


def _kernel_cores(kernel: Kernel, cases: dict, outcome) -> Result:
    if outcome.status == "unknown":
        return unknown("CPU-EXCL", kernel.name, kernel.span, outcome)
    if outcome.status == "unsat":
        return proved("CPU-EXCL", kernel.name, kernel.span, f"kernel {kernel.name} has {len(kernel.cores)} core(s)")
    case = next(k for k in cases if outcome.values[k])
    names = ", ".join(c.name for c in kernel.cores)
    message = {
        "none": f"kernel {kernel.name}{at(kernel.span)} has no cpu; give it `cores CPU`",
        "several": (
            f"kernel {kernel.name}{at(kernel.span)} has {len(kernel.cores)} cores ({names}) but profile "
            f"{kernel.profile.name} is not smp; a non-smp seL4 runs on exactly one core"
        ),
        "too-many": f"smp kernel {kernel.name}{at(kernel.span)} has {len(kernel.cores)} cores; at most {MAX_SMP_CORES}",
    }[case]
    cex = {"kernel": kernel.name, "problem": case, "cores": [c.name for c in kernel.cores]}
    expect = {"kind": "kernel-cores", "kernel": kernel.name, "problem": case}
    return failed("CPU-EXCL", kernel.name, message, kernel.span, cex, [Place(f"kernel {kernel.name}", kernel.span)], [], expect)


@obligation("CPU-IDENT", "cpu")
def cpu_ident(spec: Spec, session: Session) -> list[Result]:
    """MPIDRs are distinct; GICv2 CPU-interface numbers are distinct and in 0..7; GICv3 frames are findable.

    Collisions are asked about only within groups of cpus that share the
    value (cpus in different groups differ, so cannot collide); one batched
    query decides every candidate pair and every per-cpu limit.
    """
    cpus = spec.platform.cpus
    gic = spec.platform.gic
    queries, makers = {}, {}

    def collisions(field: str, values: list[int], show) -> None:
        groups: dict[int, list[int]] = {}
        for n, v in enumerate(values):
            groups.setdefault(v, []).append(n)
        for members in groups.values():
            for i, a in enumerate(members):
                for b in members[i + 1:]:
                    key = (field, a, b)
                    queries[key] = (session.num(values[a], 64) == session.num(values[b], 64), {})
                    makers[key] = lambda a=a, b=b: _collision(cpus[a], cpus[b], field, values[a], show)

    collisions("MPIDR", [c.mpidr for c in cpus], lambda c: hexaddr(c.mpidr))
    if gic.version == 2:
        collisions("CPU-interface number", [c.gic_cpu if c.gic_cpu is not None else 0 for c in cpus], lambda c: str(c.gic_cpu))
        for cpu in cpus:
            value = session.num(cpu.gic_cpu if cpu.gic_cpu is not None else 0, 64)
            queries[("range", cpu.name)] = (z3.UGT(value, session.num(7, 64)), {})
            makers[("range", cpu.name)] = lambda cpu=cpu: _gic_cpu_range(cpu)
    elif gic.redistributors is not None:
        base, stride = gic.redistributors.base, gic.redistributor_stride
        for n, cpu in enumerate(cpus):
            frame_end = session.num(base + (n + 1) * stride)
            queries[("window", cpu.name)] = (z3.UGT(frame_end, session.num(base + GICR_WINDOW)), {})
            makers[("window", cpu.name)] = lambda cpu=cpu, n=n: _redistributor_window(cpu, n, base, stride)
    outcomes = session.check_each(queries, "CPU-IDENT")
    results = []
    for key in queries:
        outcome = outcomes[key]
        if outcome.status == "sat":
            results.append(makers[key]())
        elif outcome.status == "unknown":
            results.append(unknown("CPU-IDENT", "all", spec.platform.span, outcome))
            break
    if not results:
        results.append(proved("CPU-IDENT", "all", spec.platform.span, "every core is identified uniquely"))
    return results


def _collision(a: Cpu, b: Cpu, what: str, value: int, show) -> Result:
    message = f"cpus {a.name}{at(a.span)} and {b.name}{at(b.span)} have the same {what} {show(a)}"
    cex = {"cpus": [a.name, b.name], "field": what, "value": value}
    places = [Place(f"cpu {a.name}", a.span), Place(f"cpu {b.name}", b.span)]
    expect = {"kind": "core-ident", "cpus": [a.name, b.name], "field": what}
    return failed("CPU-IDENT", f"{a.name},{b.name}", message, b.span, cex, places, [], expect)


def _gic_cpu_range(cpu: Cpu) -> Result:
    message = f"cpu {cpu.name}{at(cpu.span)} has CPU-interface number {cpu.gic_cpu}; a GICv2 has interfaces 0..7 only"
    cex = {"cpus": [cpu.name], "field": "CPU-interface number", "value": cpu.gic_cpu}
    expect = {"kind": "core-ident", "cpus": [cpu.name], "field": cex["field"]}
    return failed("CPU-IDENT", cpu.name, message, cpu.span, cex, [Place(f"cpu {cpu.name}", cpu.span)], [], expect)


def _redistributor_window(cpu: Cpu, index: int, base: int, stride: int) -> Result:
    frame = base + index * stride
    message = (
        f"cpu {cpu.name}{at(cpu.span)} is core {index} in declaration order, so its redistributor frame is at "
        f"{hexaddr(frame)}, outside the 1 MiB window [{hexaddr(base)}, {hexaddr(base + GICR_WINDOW)}) that "
        "seL4's gicr_init searches: the kernel on that core cannot find its redistributor"
    )
    cex = {"cpus": [cpu.name], "field": "redistributor frame", "value": frame}
    expect = {"kind": "core-ident", "cpus": [cpu.name], "field": cex["field"]}
    return failed("CPU-IDENT", cpu.name, message, cpu.span, cex, [Place(f"cpu {cpu.name}", cpu.span)], [], expect)
