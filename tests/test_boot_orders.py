"""GIC-INIT and IRQ-ROUTE: the solver's verdict over symbolic boot orders equals the
model's verdict from booting every order, and the stock/multikernel facts hold."""

from __future__ import annotations

import itertools

import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import checker
import model
from checker.replay import machine_config
from checker.sel4 import order_dependent
from model.monitors.irq_route import _routing
from checker.spec import SEL4, SEL4_MK, SEL4_SMP, Cpu, Device, Gic, Irq, Kernel, Platform, Profile, Region, Spec

PROFILES = [
    SEL4,
    SEL4_MK,
    SEL4_SMP,
    Profile("never", dist_init="never", boot_mask="own", irq_route="yes"),
    Profile("never-noroute", dist_init="never", boot_mask="own"),
    Profile("first-maskall", dist_init="first", boot_mask="all", irq_route="yes"),
    Profile("always-own", dist_init="always", boot_mask="own", irq_route="yes"),
    Profile("first-noroute", dist_init="first", boot_mask="own"),
]


def _platform(version: int) -> Platform:
    if version == 2:
        cpus = tuple(Cpu(f"c{n}", n, gic_cpu=n) for n in range(4))
        gic = Gic(2, Region("gic.distributor", 0x0800_0000, 0x1000), lines=128,
                  cpu_interface=Region("gic.cpu_interface", 0x0801_0000, 0x2000))
    else:
        cpus = tuple(Cpu(f"c{n}", n << 8) for n in range(4))  # Cortex-A55 affinities
        gic = Gic(3, Region("gic.distributor", 0x0800_0000, 0x10000), lines=128,
                  redistributors=Region("gic.redistributors", 0x080A_0000, 4 * 0x20000))
    devices = tuple(Device(f"dev{n}", Region(f"dev{n}", 0x0900_0000 + n * 0x1000, 0x1000), (Irq(40 + n, "level"),)) for n in range(4))
    return Platform("p", cpus, (Region("dram", 0x4000_0000, 0x4000_0000),), gic, devices=devices)


@st.composite
def systems(draw) -> Spec:
    version = draw(st.sampled_from([2, 3]))
    platform = _platform(version)
    n = draw(st.integers(1, 3))
    kernels = []
    free_cores = list(platform.cpus)
    for i in range(n):
        profile = draw(st.sampled_from(PROFILES))
        ncores = 2 if profile.smp and len(free_cores) >= 2 + (n - i - 1) and draw(st.booleans()) else 1
        cores = tuple(free_cores[:ncores])
        del free_cores[:ncores]
        devices = tuple(d for d in platform.devices if draw(st.integers(0, 3)) == i)
        kernels.append(Kernel(f"k{i}", cores, profile, (Region(f"k{i}.ram", 0x4000_0000 + i * 0x1000_0000, 0x1000_0000),), devices))
    # Sometimes a second kernel also claims a device's SPI.
    if n > 1 and draw(st.booleans()):
        k = kernels[-1]
        kernels[-1] = evolve(k, irqs=(Irq(40, "level"),))
    spec = Spec(platform, tuple(kernels), loader_gic_init=draw(st.booleans()))
    # A `dist_init check` kernel that comes up in some orders only is refused (E313): pin one then.
    if draw(st.integers(0, 3)) == 0 or order_dependent(spec):
        spec = evolve(spec, boot_order=tuple(reversed(spec.kernels)))
    return spec


def _startup(spec: Spec, order, config) -> list[dict]:
    """Boot, acquire, and (node 0 of `irq_route primary`, as the model's configuration says) route
    the other kernels' SPIs with SetIrqTargetCore."""
    steps = []
    for k in order:
        steps.append({"op": "boot", "kernel": k.name})
        steps += [{"op": "acquire_irq", "kernel": k.name, "intid": i} for i in dict.fromkeys(i.intid for i in k.owned_spis)]
        steps += [{"op": "set_irq_target", "kernel": k.name, "intid": i, "target": t} for i, t in config.primary_targets(k.name)]
    return steps


def _still_misrouted(machine: model.Machine, violation) -> bool:
    """IRQ-ROUTE judges the state once every kernel has booted and acquired its SPIs; the
    model's monitor reports a misrouting when it happens. The two differ only when a later
    acquisition repairs it, which needs an SPI with two owners (IRQ-EXCL) whose final route
    is a core both own (CPU-EXCL) or cannot be told apart from one (CPU-IDENT)."""
    d = violation.details
    if d["register"] is None:  # the kernel refused the acquisition: nothing repairs that
        return True
    owner = machine.config.kernel(d["owner"])
    _, _, routed_ok = _routing(machine, d["intid"], owner)
    return not (machine.gic.spi_enabled(d["intid"]) and routed_ok)


def model_verdicts(spec: Spec) -> tuple[bool, set[int]]:
    """(GIC-INIT fails?, SPIs that IRQ-ROUTE fails) from booting every order on the model."""
    config = machine_config(spec)
    orders = [spec.boot_order] if spec.boot_order else itertools.permutations(spec.kernels)
    init_fails, misrouted = False, set()
    for order in orders:
        machine = model.Machine(config)
        outcome = machine.run(model.scenario_from_json(_startup(spec, order, config)))
        kinds = {v.kind for v in outcome.violations}
        init_fails |= bool(kinds & {"dist-clobber", "dist-init"})
        misrouted |= {v.details["intid"] for v in outcome.violations
                      if v.kind == "spi-misrouted" and _still_misrouted(machine, v)}
    return init_fails, misrouted


def solver_verdicts(spec: Spec) -> tuple[bool, set[int]]:
    report = checker.check(spec, checker.Options(only=("GIC-INIT", "IRQ-ROUTE"), replay=False))
    assert all(r.status in ("proved", "failed") for r in report.results), [r.message for r in report.results]
    init = any(r.id == "GIC-INIT" and r.status == "failed" for r in report.results)
    routes = {r.counterexample["intid"] for r in report.results if r.id == "IRQ-ROUTE" and r.status == "failed"}
    return init, routes


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(systems())
def test_solver_agrees_with_every_boot_order_on_the_model(spec):
    assert solver_verdicts(spec) == model_verdicts(spec)


# ---------------------------------------------------------------- the stock facts


def _two_kernels(profile: Profile, order=None, loader=False) -> Spec:
    platform = _platform(2)
    kernels = tuple(
        Kernel(f"k{i}", (platform.cpus[i],), profile, (Region(f"k{i}.ram", 0x4000_0000 + i * 0x1000_0000, 0x1000_0000),), (platform.devices[i],))
        for i in range(2)
    )
    spec = Spec(platform, kernels, loader_gic_init=loader)
    if order is not None:
        spec = evolve(spec, boot_order=tuple(kernels[i] for i in order))
    return spec


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_two_stock_kernels_fail_for_every_boot_order(order):
    spec = _two_kernels(SEL4, order)
    init, routes = solver_verdicts(spec)
    assert init
    first = spec.boot_order[0]
    # The kernel that boots first loses its SPI to the second one's reset.
    assert routes == {i.intid for i in first.owned_spis}


def test_two_multikernel_kernels_pass():
    legacy = Profile("mk-first", dist_init="first", boot_mask="own", irq_route="yes")
    for order in (None, (0, 1), (1, 0)):
        assert solver_verdicts(_two_kernels(legacy, order)) == (False, set())
    assert solver_verdicts(_two_kernels(legacy, loader=True)) == (False, set())


def test_two_fork_kernels_pass_only_with_the_loader_and_node_0_first():
    """sel4-mk (au-ts/seL4 c99714a6): dist_init halts without an initialised distributor, and node 0
    (k0, on the platform's first cpu) masks every SPI at boot."""
    assert solver_verdicts(_two_kernels(SEL4_MK, (0, 1), loader=True)) == (False, set())
    init, routes = solver_verdicts(_two_kernels(SEL4_MK, loader=True))
    assert init and routes  # the order k1 -> k0: k0's boot masks k1's SPI
    init, routes = solver_verdicts(_two_kernels(SEL4_MK, (0, 1)))
    assert init and routes  # nobody enables the distributor: both halt
    for spec in (_two_kernels(SEL4_MK, (0, 1), loader=True), _two_kernels(SEL4_MK, loader=True), _two_kernels(SEL4_MK, (0, 1))):
        assert solver_verdicts(spec) == model_verdicts(spec)


def test_one_stock_kernel_alone_passes():
    spec = _two_kernels(SEL4)
    assert solver_verdicts(evolve(spec, kernels=spec.kernels[:1])) == (False, set())


@st.composite
def many_kernel_systems(draw) -> Spec:
    """Up to 24 kernels on one big GICv3: too many boot orders to enumerate."""
    n = draw(st.integers(17, 24))
    cpus = tuple(Cpu(f"c{i}", (i // 4) << 8 | i % 4) for i in range(n))
    gic = Gic(3, Region("gic.distributor", 0x0800_0000, 0x10000), lines=128,
              redistributors=Region("gic.redistributors", 0x0810_0000, n * 0x20000))
    platform = Platform("big", cpus, (Region("dram", 0x4000_0000, 0x4000_0000),), gic)
    kernels = tuple(
        Kernel(f"k{i}", (cpus[i],), draw(st.sampled_from([p for p in PROFILES if not p.smp])),
               irqs=(Irq(32 + i, "level"),) if draw(st.booleans()) else ())
        for i in range(n)
    )
    return Spec(platform, kernels, loader_gic_init=draw(st.booleans()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(many_kernel_systems())
def test_compact_and_explicit_route_encodings_agree(spec):
    """Beyond EXPLICIT_LIMIT candidates IRQ-ROUTE uses fresh kernel indices; both forms must agree."""
    from checker.obligations import irq_route

    saved = irq_route.EXPLICIT_LIMIT
    try:
        irq_route.EXPLICIT_LIMIT = 0
        compact = solver_verdicts(spec)
        irq_route.EXPLICIT_LIMIT = 10_000
        explicit = solver_verdicts(spec)
    finally:
        irq_route.EXPLICIT_LIMIT = saved
    assert compact == explicit
