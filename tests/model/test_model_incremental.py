"""The model's indexes, caches and incremental monitors against the direct
computations they replace (kept here, as they were, as the reference).

* route_monitor and trigger_monitor look only at what a step changed; the
  reference rescans every acquired SPI and every configured trigger after
  every step. Random scenarios (kernel invocations and raw GIC writes) must
  give the same violations.
* A machine replays the loader's setup recorded by the first machine of its
  configuration; the trace and violations must equal a real loader run.
* Name indexes, owners_of, mailbox exposure and core identity are compared
  with linear searches.
"""

from __future__ import annotations

from contextlib import contextmanager

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import model.machine
from tests.model.machines import MK_FIRST, machine_config
from model import (SEL4, SEL4_MK, SEL4_SMP, Access, AcquireIrq, BindChannel, Boot, Channel, ConfigureTrigger, Core,
                   Deliver, Kernel, Machine, MachineConfig, MemoryMap, Mmio, RaiseSpi, Region, SendChannel, SetIrqTarget,
                   SharedRegion, TriggerRead, TriggerWrite)
from model.gicv3 import IROUTER_IRM
from model.monitors import irq_route, irq_trigger
from model.monitors.cpu_ident import identity
from model.monitors.ipi_mailbox import mailboxes
from model.trace import Refusal, Violation


# ---------------------------------------------------------------- reference monitors (full scans)
def full_route_monitor(machine, index, step, events, live) -> list[Violation]:
    found = []
    if isinstance(step, AcquireIrq) and any(isinstance(e, Refusal) and e.kernel == step.kernel for e in events):
        reason = next(e.error for e in events if isinstance(e, Refusal))
        found.append(Violation(
            "spi-misrouted", index, f"INTID {step.intid} of {step.kernel}: the kernel refused it ({reason})",
            {"intid": step.intid, "owner": step.kernel, "enabled": False, "register": None, "value": None,
             "targets": (), "expected": machine.config.kernel(step.kernel).cores, "group": None}))
    for kernel in machine.kernels.values():
        owner = machine.config.kernel(kernel.name)
        for intid in kernel.acquired():
            if intid < 32:
                continue
            register, value, routed_ok = irq_route._routing(machine, intid, owner)
            enabled = machine.gic.spi_enabled(intid)
            if enabled and routed_ok or enabled and irq_route._awaiting(machine, intid):
                continue
            if machine.monitor.once(("spi-misrouted", intid, kernel.name, enabled, irq_route._group(machine, intid), value)):
                found.append(irq_route._misrouted(machine, index, kernel.name, intid, register, value, enabled))
    return found


def full_trigger_monitor(machine, index, step, events, live) -> list[Violation]:
    """Every settled SPI compared after every step."""
    state = machine.monitor
    irq_trigger.note_icfgr_writers(state, events)
    settled = irq_trigger._settles(machine, step, events)
    if settled is not None:
        state.triggers[settled[0]] = settled[1]
    found = []
    for intid, (kernel, edge) in sorted(state.triggers.items()):
        actual = machine.gic.is_edge(intid)
        if actual != edge and state.once(("trigger-wrong", intid, kernel, actual)):
            found.append(irq_trigger.wrong(state, index, intid, kernel, edge, actual))
    return found


@contextmanager
def full_scans():
    """Machines stepped inside use the full-scan monitors."""
    saved = model.machine.MONITORS
    swap = {irq_route.route_monitor: full_route_monitor, irq_trigger.trigger_monitor: full_trigger_monitor}
    assert all(m in saved for m in swap), "MONITORS no longer holds the monitors swapped here"
    model.machine.MONITORS = tuple(swap.get(m, m) for m in saved)
    try:
        yield
    finally:
        model.machine.MONITORS = saved


# ---------------------------------------------------------------- random scenarios
KERNELS = ("k0", "k1")
SPIS = (33, 34, 40, 41, 72, 50)


def _dist_write(version: int, draw) -> Mmio:
    """A raw distributor write that changes enables, triggers or routing."""
    base = 0x0800_0000 if version == 2 else 0x3880_0000
    kind = draw(st.sampled_from(("isenabler", "icenabler", "icfgr", "route")))
    core = draw(st.sampled_from(("c0", "c1", "c2")))
    if kind in ("isenabler", "icenabler"):
        word = draw(st.integers(1, 2))
        value = draw(st.sampled_from((0xFFFFFFFF, 1 << 1, 1 << 8, 1 << 9, 1 << 2 | 1 << 10)))
        return Mmio(core, base + (0x100 if kind == "isenabler" else 0x180) + 4 * word, 4, value)
    if kind == "icfgr":
        word = draw(st.integers(2, 4))
        value = draw(st.sampled_from((0, 0xAAAAAAAA, 0x55555555, 1 << 3, 1 << 19)))
        return Mmio(core, base + 0xC00 + 4 * word, 4, value)
    intid = draw(st.sampled_from(SPIS))
    if version == 2:
        return Mmio(core, base + 0x800 + intid, 1, draw(st.sampled_from((0, 1, 2, 3, 4))))
    value = draw(st.sampled_from((0, 1, 2, 0x100, IROUTER_IRM)))
    return Mmio(core, base + 0x6000 + 8 * intid, 8, value)


@st.composite
def scenarios(draw, version: int):
    steps = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(("boot", "acquire", "configure", "read", "write", "raise", "mmio", "mmio",
                                     "deliver", "access", "bind", "send", "target")))
        kernel = draw(st.sampled_from(KERNELS))
        intid = draw(st.sampled_from(SPIS))
        if kind == "boot":
            steps.append(Boot(kernel))
        elif kind == "acquire":
            steps.append(AcquireIrq(kernel, intid))
        elif kind == "target":
            steps.append(SetIrqTarget(kernel, intid, draw(st.integers(0, 8))))
        elif kind == "configure":
            steps.append(ConfigureTrigger(kernel, intid))
        elif kind == "read":
            steps.append(TriggerRead(kernel, intid))
        elif kind == "write":
            steps.append(TriggerWrite(kernel, intid))
        elif kind == "raise":
            steps.append(RaiseSpi(intid))
        elif kind == "mmio":
            steps.append(_dist_write(version, draw))
        elif kind == "deliver":
            steps.append(Deliver())
        elif kind == "access":
            steps.append(Access(kernel, draw(st.sampled_from((0x4000_0000, 0x5000_0000, 0x6000_0000, 0x0900_0000)))))
        elif kind == "bind":
            steps.append(BindChannel("ch"))
        else:
            steps.append(SendChannel("ch"))
    return tuple(steps)


CHANNELS = (Channel("ch", "k0", "k1", "c1", 5, 1, "mq", 1),)


def configs(version: int):
    return st.sampled_from([
        machine_config(version, profile, loader=loader, k1_profile=k1, channels=CHANNELS)
        for profile in (SEL4, SEL4_MK, SEL4_SMP, MK_FIRST)
        for k1 in (None, SEL4_MK, MK_FIRST)
        for loader in (False, True)
    ])


def _compare(config: MachineConfig, scenario) -> None:
    with full_scans():
        expected = Machine(attrs.evolve(config)).run(scenario)  # a fresh configuration: the loader really runs
    Machine(config)  # the configuration's first machine records the loader's setup ...
    got = Machine(config).run(scenario)  # ... which later ones replay
    assert got.violations == expected.violations
    assert [v.details for v in got.violations] == [v.details for v in expected.violations]
    assert got.trace == expected.trace


@given(configs(2), st.data())
@settings(max_examples=100, deadline=None)
def test_incremental_monitors_match_full_scans_gicv2(config, data) -> None:
    _compare(config, data.draw(scenarios(2)))


@given(configs(3), st.data())
@settings(max_examples=100, deadline=None)
def test_incremental_monitors_match_full_scans_gicv3(config, data) -> None:
    _compare(config, data.draw(scenarios(3)))


def test_startup_with_loader_triggers_matches_full_scans() -> None:
    loader_profile = attrs.evolve(SEL4_MK, name="mk-loader", trigger_config="loader")
    config = machine_config(3, loader_profile, loader=True)
    # k1 takes k0's SPI 33 too, then the distributor is re-initialised by a raw write.
    k0, k1 = config.kernels
    config = attrs.evolve(config, kernels=(k0, attrs.evolve(k1, spis=k1.spis + ((33, "edge"),))))
    scenario = (Boot("k0"), Boot("k1"), AcquireIrq("k0", 33), AcquireIrq("k1", 33), AcquireIrq("k0", 40),
                Mmio("c0", 0x3880_0000 + 0xC08, 4, 0), Mmio("c0", 0x3880_0000 + 0x184, 4, 0xFFFFFFFF),
                AcquireIrq("k1", 41), Mmio("c1", 0x3880_0000 + 0x6000 + 8 * 41, 8, 0))
    _compare(config, scenario)
    run = Machine(config).run(scenario)
    assert {"spi-misrouted", "trigger-wrong"} <= set(run.kinds())


# ---------------------------------------------------------------- indexes
def test_lookups_find_the_first_of_several_with_one_name() -> None:
    config = machine_config(3)
    k0, k1 = config.kernels
    twin = attrs.evolve(k1, name="k0", cores=("c3",))
    config = attrs.evolve(config, kernels=(k0, k1, twin), cores=config.cores + (Core("c0", 99),))
    assert config.kernel("k0") is k0
    assert config.core("c0").mpidr == 0
    assert config.kernel_of_core("c3") is twin and config.kernel_of_core("c1") is k1
    assert config.kernel_of_core("c9") is None
    assert config.spi_owner(34) is k1 and config.spi_owner(33) is k0 and config.spi_owner(99) is None
    for lookup in (config.kernel, config.core, config.device, config.channel, config.shared_region):
        try:
            lookup("nope")
        except KeyError as error:
            assert error.args == ("nope",)
        else:
            raise AssertionError("no KeyError")


regions = st.builds(lambda base, size: (base, size), st.integers(0, 64), st.integers(0, 24))


@given(st.lists(regions, max_size=12), st.lists(st.integers(-2, 96), max_size=20))
def test_owners_of_equals_a_linear_scan(spans, addresses) -> None:
    kernels = tuple(Kernel(f"k{i}", SEL4, (), (Region(f"r{i}", base, size),)) for i, (base, size) in enumerate(spans))
    config = attrs.evolve(machine_config(3), kernels=kernels, shared=(), devices=(), reserved=(Region("hole", 10, 5),))
    memory = MemoryMap(config)
    for address in addresses:
        assert memory.owners_of(address) == tuple(o for o in memory.owned if o.region.contains(address))


def naive_mailboxes(config: MachineConfig) -> list[Violation]:
    memory = MemoryMap(config)
    found = []
    for name in dict.fromkeys(c.mailbox for c in config.channels if c.mailbox is not None):
        users = {k for c in config.channels if c.mailbox == name for k in (c.sender, c.receiver)}
        shared = config.shared_region(name)
        listed = dict(shared.access)
        for kernel in config.kernels:
            if kernel.name in users:
                continue
            region = shared.region
            route = next((r for r in memory.routes(kernel.name) if r.base < region.end and region.base < r.end), None)
            if kernel.name in listed or route is not None:
                how = f"listed {listed[kernel.name]}" if kernel.name in listed else route.description
                found.append(Violation("mailbox-exposed", -1, f"{kernel.name} can access mailbox {name} ({how})",
                                       {"mailbox": name, "kernel": kernel.name}))
    return found


DECLARED = attrs.evolve(SEL4_MK, name="declared", device_untypeds="declared")


@given(st.lists(st.tuples(regions, st.booleans(), st.sampled_from(("", "r", "rw"))), min_size=1, max_size=8),
       st.lists(regions, min_size=1, max_size=4), st.data())
@settings(max_examples=200)
def test_mailbox_exposure_equals_trying_every_route(kernel_specs, boxes, data) -> None:
    page = 4
    kernels = []
    for i, ((base, size), declared, _) in enumerate(kernel_specs):
        kernels.append(Kernel(f"k{i % 5}", DECLARED if declared else SEL4, (f"c{i % 4}",),
                              (Region(f"k{i}.ram", base * page, size * page),)))
    shared = []
    for m, (base, size) in enumerate(boxes):
        access = tuple((f"k{i % 5}", mode) for i, (_, _, mode) in enumerate(kernel_specs) if mode)
        shared.append(SharedRegion(f"mb{m}", Region(f"mb{m}", base * page, size * page), access))
    channels = tuple(
        Channel(f"ch{n}", f"k{data.draw(st.integers(0, 4))}", f"k{data.draw(st.integers(0, 4))}", "c0", 1, 0,
                f"mb{data.draw(st.integers(0, len(boxes) - 1))}", n)
        for n in range(data.draw(st.integers(0, 4))))
    config = attrs.evolve(machine_config(3), kernels=tuple(kernels), shared=tuple(shared), channels=channels,
                          devices=(), page=page, paddr_bits=8)
    assert mailboxes(config) == naive_mailboxes(config)


def naive_identity(config: MachineConfig) -> list[Violation]:
    found = []
    cs = config.cores
    for i, a in enumerate(cs):
        for b in cs[i + 1:]:
            if a.mpidr == b.mpidr:
                found.append(("MPIDR", a.name, b.name))
            if config.gic.version == 2 and a.gic_cpu == b.gic_cpu:
                found.append(("CPU", a.name, b.name))
    return found


@given(st.lists(st.tuples(st.integers(0, 3), st.one_of(st.none(), st.integers(0, 3))), max_size=8), st.sampled_from((2, 3)))
def test_core_identity_pairs_equal_the_pairwise_loop(cores, version) -> None:
    config = attrs.evolve(machine_config(version), cores=tuple(Core(f"c{i}", m, g) for i, (m, g) in enumerate(cores)))
    pairs = [("MPIDR" if v.details["field"] == "MPIDR" else "CPU", *v.details["cpus"])
             for v in identity(config) if len(v.details["cpus"]) == 2]
    assert pairs == naive_identity(config)
