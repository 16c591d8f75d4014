"""Every obligation's verdict from the reference model alone, by brute force.

Nothing here asks the solver or reads checker/obligations: a verdict is the
set of failing subjects, named as the checker names them (a region, a
kernel, a cpu, `spi N`, a channel, or a frozenset for a pair), or None when
the model cannot decide on this spec (e.g. a GICv2 CPU interface above 7,
with which the model's GIC cannot even be built; then only the layout
checks run).

* Layout obligations (MEM-BOUNDS, MEM-ALIGN, MEM-DISJOINT, CPU-EXCL,
  CPU-IDENT, DEV-EXCL, IRQ-EXCL, IRQ-RANGE): the violations a Machine finds
  when it is built (step -1).
* MEM-EXPOSE: every boundary probe, see `expose_verdict`.
* GIC-INIT, IRQ-ROUTE: every boot order (tests/test_boot_orders.py), judged
  on the final state; undecided when some core's redistributor lies outside
  seL4's search window (its kernel halts, which the encoding does not model).
* IRQ-TRIGGER: per SPI, every boot order with its trigger set at every point
  after its owner's boot, and each other kernel's run-time read-modify-write
  of its word straddling the owner's (`trigger_verdict`).
* IPI-RANGE / IPI-CAP / IPI-MAILBOX: each channel alone on a fresh machine
  (boot both ends, bind, send), plus the layout's mailbox-exposed.
  IPI-TARGET: the same send; when it is refused for want of a capability or
  an SGI number, again with a sender that can send (the target's reach is
  what is judged). IPI-UNIQUE: every pair of channels sent on one machine
  where every kernel has booted, the loader has enabled the distributor and
  every core listens for both SGIs, then delivered.
* Undecided (None): a kernel involved never comes up (no core, or halted);
  IPI-RANGE when some channel's receiver never comes up (nothing is bound).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import attrs
import model
from model.memory import MemoryMap
from model.scenario import AcquireIrq, BindChannel, BindSgi, Boot, ConfigureTrigger, Deliver, SendChannel, SendSgi, SmpIpi, TriggerRead, TriggerWrite
from model.trace import ErrorEvent, Violation

from checker.replay import machine_config
from checker.spec import Spec, spi_subject

# The boot-order brute force lives in tests/test_boot_orders.py and is shared, not duplicated.
from tests.test_boot_orders import model_verdicts as boot_orders  # noqa: E402

U66 = 1 << 66  # the solver's address space (checker/encode.py ADDR_BITS)

Verdicts = dict[str, "set | None"]


# ---------------------------------------------------------------- layout


def construction(config: model.MachineConfig) -> tuple[list[Violation], model.Machine | None]:
    """The violations found when the machine is built, and the machine (None if the GIC cannot be built)."""
    try:
        machine = model.Machine(config)
    except model.ConfigError:
        # e.g. a GICv2 CPU interface > 7: the layout checks still apply.
        return model.static_violations(config), None
    return [v for v in machine.violations if v.step == -1], machine


def layout_verdicts(violations: Iterable[Violation]) -> Verdicts:
    out: Verdicts = {k: set() for k in ("MEM-BOUNDS", "MEM-ALIGN", "MEM-DISJOINT", "CPU-EXCL", "CPU-IDENT",
                                         "DEV-EXCL", "IRQ-EXCL", "IRQ-RANGE")}
    for v in violations:
        d = v.details
        if v.kind == "region-out-of-bounds":
            out["MEM-BOUNDS"].add(d["region"])
        elif v.kind == "region-misaligned":
            out["MEM-ALIGN"].add(d["region"])
        elif v.kind == "device-page-unmappable":
            out["MEM-ALIGN"].add(d["device"])
        elif v.kind == "memory-overlap":
            out["MEM-DISJOINT"].add(frozenset(d["regions"]))
        elif v.kind == "core-shared":
            out["CPU-EXCL"].add(d["cpu"])
        elif v.kind == "kernel-cores":
            out["CPU-EXCL"].add(d["kernel"])
        elif v.kind == "core-ident":
            out["CPU-IDENT"].add(frozenset(d["cpus"]))
        elif v.kind == "device-shared":
            out["DEV-EXCL"].add(d["device"])
        elif v.kind == "spi-shared":
            out["IRQ-EXCL"].add(spi_subject(d["intid"]))
        elif v.kind == "spi-range":
            out["IRQ-RANGE"].add(spi_subject(d["intid"]))
    return out


# ---------------------------------------------------------------- MEM-EXPOSE


def probes(config: model.MachineConfig, memory: MemoryMap) -> set[int]:
    """Every region and route boundary, its neighbours, and the page boundaries around them."""
    page = config.page
    edges = {0, 1 << config.paddr_bits}
    for owned in memory.owned:
        edges |= {owned.region.base, owned.region.end}
    for kernel in config.kernels:
        for route in memory.routes(kernel.name):
            edges |= {route.base, route.end}
    points = set()
    for e in edges:
        for p in (e - 1, e, e + 1, e - e % page, e - e % page - 1, -(-e // page) * page, -(-e // page) * page - 1):
            if 0 <= p < U66:
                points.add(p)
    return points


def expose_verdict(config: model.MachineConfig) -> set[str]:
    """Kernels that can reach (read) an address that is not theirs to reach.

    Why boundary probes suffice: what a kernel reaches (MemoryMap.routes: RAM
    untypeds, shared mappings, device pages, device untypeds) is a finite
    union of intervals, and so is what is foreign to it (other kernels' RAM
    and devices, shared regions that do not list it). If some address x is
    in both, x is in one route interval [a, b) and one foreign interval
    [c, d), and then max(a, c) is in both too. Every interval start is a
    region base, a route start (a region base, a device's base rounded down
    to its page, or the end of a RAM slice / GIC frame where a device
    untyped resumes) or 0, all of which are probed. The neighbouring points
    and page boundaries are probed as well, for good measure.
    """
    memory = MemoryMap(config)
    points = sorted(probes(config, memory))
    failing = set()
    for kernel in config.kernels:
        for address in points:
            if memory.can_reach(kernel.name, address) and memory.exposure(kernel.name, address):
                failing.add(kernel.name)
                break
    return failing


# ---------------------------------------------------------------- running


def _run(config: model.MachineConfig, steps) -> model.Machine:
    """Run steps on a fresh machine. A model error (an MMIO access the model cannot decode,
    say) is a bug in the model, not a verdict: it fails the test."""
    machine = model.Machine(config)
    machine.run(tuple(steps))
    errors = [e.message for e in machine.trace if isinstance(e, ErrorEvent)]
    assert not errors, f"the model failed to run {list(steps)}: {errors}"
    return machine


# ---------------------------------------------------------------- IRQ-TRIGGER

Order = tuple[str, ...] | None  # the spec's pinned boot order, if any


def _boots(config: model.MachineConfig, order: Order, names) -> list:
    """Boot steps for these kernels as the spec allows (checker/obligations/boot_order.py,
    boot_steps, written again here): in the pinned order, with the kernels before them when a
    `dist_init check` kernel needs an earlier kernel's reset (no loader gic_init)."""
    names = list(dict.fromkeys(names))
    if order is not None:
        if not config.loader_gic_init and any(config.kernel(n).profile.dist_init == "check" for n in names):
            names = list(order[: max(order.index(n) for n in names) + 1])
        else:
            names = [n for n in order if n in set(names)]
    return [Boot(n) for n in names]


def trigger_verdict(config: model.MachineConfig, order: Order = None) -> set:
    """`spi N` for every SPI (of one owner, with a declared trigger) whose GICD_ICFGR field ends
    other than declared in some run: every boot order (the pinned one if any) with the owner's
    setting (setIRQTrigger under `runtime`, IRQControl_Get under `none`, the loader's under
    `loader`) at every point after its boot, and every other kernel's run-time setIRQTrigger of
    the word straddling the owner's. A trigger-wrong violation of the SPI decides."""
    owners: dict[int, set[str]] = {}
    for k in config.kernels:
        for intid, _ in k.spis:
            owners.setdefault(intid, set()).add(k.name)
    orders = [order] if order is not None else list(itertools.permutations(k.name for k in config.kernels))
    failing: set = set()
    for o in config.kernels:
        declared = {i: t for i, t in reversed(o.spis) if t is not None}
        for intid, trigger in sorted(declared.items()):
            if len(owners[intid]) != 1:
                continue
            how = o.profile.trigger_config
            settle = ([ConfigureTrigger(o.name, intid)] if how == "runtime"
                      else [AcquireIrq(o.name, intid)] if how == "none" else [])
            runs = []
            for boots in orders:
                steps = _boots(config, boots, list(boots))
                names = [step.kernel for step in steps]
                start = names.index(o.name) + 1 if o.name in names else len(names)
                runs += [steps[:gap] + settle + steps[gap:] for gap in range(start, len(steps) + 1)]
                if how == "runtime":
                    for j in config.kernels:
                        if j.name == o.name or j.profile.trigger_config != "runtime":
                            continue
                        for t, tt in dict(reversed(j.spis)).items():
                            if tt is not None and t != intid and t // 16 == intid // 16:
                                runs.append(steps + [TriggerRead(j.name, t), TriggerRead(o.name, intid),
                                                     TriggerWrite(o.name, intid), TriggerWrite(j.name, t)])
            for steps in runs:
                machine = _run(config, steps)
                if any(v.kind == "trigger-wrong" and v.details["intid"] == intid for v in machine.violations):
                    failing.add(f"spi {intid - 32}")
                    break
    return failing


# ---------------------------------------------------------------- IPI


def ipi_verdicts(config: model.MachineConfig, layout: Iterable[Violation], order: Order = None) -> Verdicts:
    """IPI-RANGE, IPI-CAP, IPI-TARGET, IPI-MAILBOX per channel; IPI-UNIQUE per pair."""
    ids = ("IPI-RANGE", "IPI-CAP", "IPI-TARGET", "IPI-MAILBOX", "IPI-UNIQUE")
    out: Verdicts = {k: set() for k in ids}
    exposed = {v.details["mailbox"] for v in layout if v.kind == "mailbox-exposed"}
    range_undecided = False
    for ch in config.channels:
        if ch.mailbox in exposed:
            out["IPI-MAILBOX"].add(ch.name)
        ends = list(dict.fromkeys([ch.receiver, ch.sender]))
        steps = _boots(config, order, ends) + [BindChannel(ch.name), SendChannel(ch.name)]
        machine = _run(config, steps)
        refused_send = None
        down_sender = False
        for v in machine.violations:
            d = v.details
            if v.kind == "sgi-unbound":
                # Bound on a fresh machine: the SGI number (range, smp-reserved) is refused, the receiver
                # never came up (IPI-CAP), or the receiving core is one a non-smp receiver never
                # brought up (a CPU-EXCL failure).
                if "RangeError" in d["reason"] or "RevokeFirst" in d["reason"]:
                    out["IPI-RANGE"].add(ch.name)
                elif _never_up(d["reason"]):
                    out["IPI-CAP"].add(ch.name)
                    # A receiver that never comes up binds nothing: whether it would refuse the SGI
                    # number (an smp kernel's reserved 0 and 1) is not shown here.
                    range_undecided = True
                else:
                    return {k: None for k in ids}
            elif v.kind == "sgi-misdelivered":
                refused = d["refused"]
                if refused is not None and _never_up(refused):
                    out["IPI-CAP"].add(ch.name)  # the sender never came up
                    down_sender = True
                elif refused is None:
                    out["IPI-TARGET"].add(ch.name)
                elif "IllegalOperation" in refused:
                    out["IPI-CAP"].add(ch.name)
                    refused_send = refused
                elif "RangeError" in refused:
                    out["IPI-RANGE"].add(ch.name)
                    refused_send = refused
                elif "InvalidArgument" in refused:  # GICv2 target > 7: the target names no interface
                    out["IPI-TARGET"].add(ch.name)
                else:
                    raise AssertionError(f"unexpected refusal {refused}")
            elif v.kind == "mailbox-access":
                out["IPI-MAILBOX"].add(ch.name)
        if down_sender:
            # Where the target goes is still IPI-TARGET's: sent by a kernel that is up.
            verdict = _target_from_another_kernel(config, ch, order)
            if verdict is None:
                return {k: None for k in ids}
            if verdict:
                out["IPI-TARGET"].add(ch.name)
        elif refused_send is not None:
            # Where would the target go if the sender could send this SGI at all?
            if _capable_send_misdelivers(config, ch, order):
                out["IPI-TARGET"].add(ch.name)
    out["IPI-UNIQUE"] = unique_verdict(config, order)
    if range_undecided:
        out["IPI-RANGE"] = None
    return out


def _never_up(reason: str) -> bool:
    """A refusal because the kernel never came up (halted at boot, or no core to boot on)."""
    return "halted" in reason or "not booted" in reason


def _target_from_another_kernel(config: model.MachineConfig, ch: model.Channel, order: Order = None) -> bool | None:
    """Whether the channel's SGI and target, sent by some kernel that is up, able to send and on a
    connected core, miss the receiving core (None: there is no such kernel)."""
    capable = _capable(config, ch)
    for k in capable.kernels:
        if not k.cores or not k.profile.sgi_signal:
            continue
        core = config.core(k.cores[0])
        if config.gic.version == 2 and not (core.gic_cpu is not None and 0 <= core.gic_cpu < 8):
            continue
        machine = model.Machine(capable)
        boots = _boots(capable, order, [k.name])
        for boot in boots:
            machine.step(boot)
        if not machine.kernels[k.name].booted:
            continue
        machine.step(SendSgi(k.name, ch.sgi & 0xF, ch.target))
        send = len(boots)  # the send's step index
        pended = [e.core for e in machine.trace if type(e).__name__ == "SgiPended" and e.step == send]
        refused = any(type(e).__name__ == "Refusal" and e.step == send for e in machine.trace)
        return refused or pended != [ch.receiver_core]
    return None


def _capable(config: model.MachineConfig, ch: model.Channel) -> model.MachineConfig:
    """The configuration with the channel's sender able to send and its SGI in 0..15."""
    kernels = tuple(attrs.evolve(k, profile=attrs.evolve(k.profile, sgi_signal=True)) if k.name == ch.sender else k
                    for k in config.kernels)
    channels = tuple(attrs.evolve(c, sgi=c.sgi & 0xF) if c.name == ch.name else c for c in config.channels)
    return attrs.evolve(config, kernels=kernels, channels=channels)


def _capable_send_misdelivers(config: model.MachineConfig, ch: model.Channel, order: Order = None) -> bool:
    capable = _capable(config, ch)
    steps = _boots(capable, order, [ch.receiver, ch.sender]) + [SendChannel(ch.name)]
    machine = _run(capable, steps)
    return any(v.kind == "sgi-misdelivered" for v in machine.violations)


def unique_verdict(config: model.MachineConfig, order: Order = None) -> set | None:
    """Channel pairs that the receiver cannot tell apart: both sent on one fresh machine where
    every kernel has booted and every core listens for both SGIs, then delivered."""
    failing: set = set()
    kernel_of = {core: k.name for k in config.kernels for core in k.cores}
    # Arrival is a matter of targets, not of who initialises the GIC: with nobody to enable
    # the distributor (a GIC-INIT failure) a GICv2 would forward no SGI at all, so the loader
    # initialises it here.
    config = attrs.evolve(config, loader_gic_init=True)
    for a, b in itertools.combinations(config.channels, 2):
        steps = _boots(config, order, [k.name for k in config.kernels])
        steps += [BindChannel(a.name), BindChannel(b.name)]
        steps += [BindSgi(kernel_of[c.name], sgi, c.name) for c in config.cores if c.name in kernel_of
                  for sgi in dict.fromkeys([a.sgi, b.sgi]) if 0 <= sgi < 16]
        steps += [SendChannel(a.name), SendChannel(b.name), Deliver()]
        machine = _run(config, steps)
        # A sender that never comes up sends nothing: it merges with nobody (as in the encoding).
        if any(v.kind == "sgi-merged" and set(v.details["channels"]) == {a.name, b.name} for v in machine.violations):
            failing.add(frozenset({a.name, b.name}))
    return failing


# ---------------------------------------------------------------- everything


def boot_order_verdicts(spec: Spec) -> Verdicts:
    """GIC-INIT and IRQ-ROUTE from tests/test_boot_orders.py (every boot order on the model)."""
    init, misrouted = boot_orders(spec)
    return {"GIC-INIT": {"system"} if init else set(), "IRQ-ROUTE": {spi_subject(i) for i in misrouted}}


def model_verdicts(spec: Spec, only: Iterable[str] | None = None) -> Verdicts:
    """Every obligation's model verdict (those in `only`, when given)."""
    wanted = set(only) if only else None
    config = machine_config(spec)
    order = tuple(k.name for k in spec.boot_order) if spec.boot_order is not None else None
    layout, machine = construction(config)
    out: Verdicts = {}
    out.update(layout_verdicts(layout))
    if not wanted or "MEM-EXPOSE" in wanted:
        out["MEM-EXPOSE"] = expose_verdict(config)
    dynamic = {"GIC-INIT", "IRQ-ROUTE", "IRQ-TRIGGER", "IPI-RANGE", "IPI-CAP", "IPI-TARGET", "IPI-MAILBOX", "IPI-UNIQUE",
               "IPI-SMP", "SGI-BUDGET", "RPC-PROXY", "QUEUE-ACCESS", "QUEUE-DOORBELL", "QUEUE-INDEX"}
    if machine is None:
        # The GIC cannot be built: nothing can run. IPI-MAILBOX's outsider half is still layout.
        out.update({k: None for k in dynamic})
        return _only(out, wanted)
    if not wanted or wanted & {"GIC-INIT", "IRQ-ROUTE"}:
        # Kernels whose core seL4 finds no redistributor for halt at boot, on the model as in the encoding.
        out.update(boot_order_verdicts(spec))
    if not wanted or "IRQ-TRIGGER" in wanted:
        out["IRQ-TRIGGER"] = trigger_verdict(config, order)
    if not wanted or wanted & {"IPI-RANGE", "IPI-CAP", "IPI-TARGET", "IPI-MAILBOX", "IPI-UNIQUE"}:
        out.update(ipi_verdicts(config, layout, order))
    if not wanted or "IPI-SMP" in wanted:
        out["IPI-SMP"] = smp_verdict(config, order)
    pd_ids = {"SGI-BUDGET", "RPC-PROXY", "QUEUE-ACCESS", "QUEUE-DOORBELL", "QUEUE-INDEX"}
    if not wanted or wanted & pd_ids:
        unique = out["IPI-UNIQUE"] if "IPI-UNIQUE" in out else (
            ipi_verdicts(config, layout, order).get("IPI-UNIQUE") if config.calls else set())
        out.update(pd_verdicts(config, order, unique))
    return _only(out, wanted)


def smp_verdict(config: model.MachineConfig, order: Order = None) -> set:
    """smp kernels that, once up, signal one of their cores and the SGI is not pended on exactly it.
    A kernel that does not come up sends no IPI (the encoding proves it by facts)."""
    failing = set()
    for k in config.kernels:
        if not k.profile.smp or len(k.cores) < 2:
            continue
        machine = model.Machine(config)
        for boot in _boots(config, order, [k.name]):
            machine.step(boot)
        if not machine.kernels[k.name].booted:
            continue
        for core in k.cores:
            if any(v.kind == "ipi-misdelivered" for v in machine.step(SmpIpi(k.name, core))):
                failing.add(k.name)
                break
    return failing


def _only(out: Verdicts, wanted: set | None) -> Verdicts:
    return {k: v for k, v in out.items() if not wanted or k in wanted}


# ---------------------------------------------------------------- protection domains


def _probes_in(memory: MemoryMap, kernel: str, region: model.Region) -> list[int]:
    """The addresses of `region` worth asking whether `kernel` reaches: its base and every start
    of one of the kernel's routes inside it (a route meets the region iff it holds one of them)."""
    return [region.base] + [r.base for r in memory.routes(kernel) if region.base < r.base < region.end]


def _kernel_reaches(config: model.MachineConfig, memory: MemoryMap, kernel: str, region: model.Region) -> bool:
    steps = [model.Access(kernel, a) for a in _probes_in(memory, kernel, region)]
    return any(e.allowed for e in _run(config, steps).trace if isinstance(e, model.MemAccess))


def _pd_can(config: model.MachineConfig, pd: str, address: int, write: bool) -> bool:
    run = _run(config, [model.PdAccess(pd, address, write)])
    return any(e.allowed for e in run.trace if isinstance(e, model.PdMemAccess))


def _reaches(config: model.MachineConfig, client: str, server: str, cp: str | None, sp: str | None) -> bool:
    run = _run(config, [model.PdCall(client, server, cp, sp)])
    return any(e.reached == server for e in run.trace if isinstance(e, model.CallOutcome))


def pd_verdicts(config: model.MachineConfig, order: Order, unique: set | None) -> Verdicts:
    """SGI-BUDGET, RPC-PROXY and QUEUE-* by brute force on the model's PDs (model/pds.py):

    * SGI-BUDGET: each notification's channel bound on a fresh machine (sgi-over-budget), by core.
    * RPC-PROXY: a call fails when made as declared it does not reach its server; when, handed to
      any proxy pair that shares one of its proxies, a call of its client reaches another server;
      when a PD outside its pair can read its buffer or a kernel outside the pair's kernels reaches
      it (every route start inside it probed); or when one of the pair's channels is in a pair the
      model cannot tell apart (`unique`, IPI-UNIQUE's brute force; None: undecided).
    * QUEUE-ACCESS: the producer cannot write the ring's base, the consumer cannot read it, another
      PD can read it, or a kernel other than the ends' reaches it.
    * QUEUE-INDEX: the producer can write the consumer's index, or the consumer cannot.
    * QUEUE-DOORBELL: both ends' kernels booted (as sends are), the doorbell bound and rung:
      queue-doorbell; undecided when either kernel does not come up.
    """
    out: Verdicts = {}
    memory = MemoryMap.of(config)
    budget = set()
    for n in config.notifications:
        if n.channel is None:
            continue
        ch = config.channel(n.channel)
        run = _run(config, [BindChannel(ch.name)])
        if any(v.kind == "sgi-over-budget" for v in run.violations):
            budget.add(ch.receiver_core)
    out["SGI-BUDGET"] = budget
    rpc: set | None = set()
    names = [p.name for p in config.pds]
    for call in config.calls:
        subject = f"{call.client}.{call.server}"
        if not _reaches(config, call.client, call.server, call.client_proxy, call.server_proxy):
            rpc.add(subject)
            continue
        if call.client_proxy is None:
            continue
        pair = (call.client_proxy, call.server_proxy)
        crossing = any(
            _reaches(config, call.client, other, p1, p2)
            for other in names if other != call.server
            for p1 in names for p2 in names if p1 != p2 and (p1 == pair[0] or p2 == pair[1]))
        buffer = config.shared_region(call.buffer).region
        kernels = {config.pd(p).kernel for p in pair}
        exposed = any(_pd_can(config, p, buffer.base, False) for p in names if p not in pair) or any(
            _kernel_reaches(config, memory, k.name, buffer) for k in config.kernels if k.name not in kernels)
        channels = {n.channel for n in config.notifications if n.channel is not None and {n.sender, n.receiver} == set(pair)}
        if unique is None and channels:
            rpc = None
            break
        merged = any(channels & set(p) for p in (unique or ()))
        if crossing or exposed or merged:
            rpc.add(subject)
    out["RPC-PROXY"] = rpc
    access, index, bell = set(), set(), set()
    for q in config.queues:
        ring = config.shared_region(q.ring).region
        ends = (q.producer, q.consumer)
        if (not _pd_can(config, q.producer, ring.base, True) or not _pd_can(config, q.consumer, ring.base, False)
                or any(_pd_can(config, p, ring.base, False) for p in names if p not in ends)
                or any(_kernel_reaches(config, memory, k.name, ring) for k in config.kernels
                       if k.name not in {config.pd(p).kernel for p in ends})):
            access.add(q.name)
        if _pd_can(config, q.producer, q.consumer_index, True) or not _pd_can(config, q.consumer, q.consumer_index, True):
            index.add(q.name)
        note = config.notification(q.doorbell)
        if note.channel is None or bell is None:
            continue
        ch = config.channel(note.channel)
        machine = model.Machine(config)
        for step in _boots(config, order, [ch.receiver, ch.sender]):
            machine.step(step)
        if not (machine.kernels[ch.receiver].booted and machine.kernels[ch.sender].booted):
            bell = None
            continue
        found = machine.step(BindChannel(ch.name)) + machine.step(model.RingDoorbell(q.name))
        if any(v.kind == "queue-doorbell" for v in found):
            bell.add(q.name)
    out["QUEUE-ACCESS"] = access
    out["QUEUE-INDEX"] = index
    out["QUEUE-DOORBELL"] = bell
    return out
