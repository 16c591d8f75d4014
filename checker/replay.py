"""The one bridge between the checker and the reference model.

`machine_config` turns a Spec into the model's plain-data configuration, and
`confirm` runs a failed result's scenario on a fresh model Machine: the
result stands only if the model shows the violation the encoding predicted.
When it does not, the encoding and the model disagree, which is a bug in
pcheck; the result becomes INTERNAL_ERROR and says so, it is never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import model
from attrs import evolve

from checker.result import FAILED, INTERNAL_ERROR, Result
from checker.spec import Region, Spec, default_target, sgi_budget


def _region(r: Region | None) -> model.Region | None:
    return None if r is None else model.Region(r.name, r.base, r.size)


def _profile(p) -> model.Profile:
    return model.Profile(
        p.name, p.dist_init, p.boot_mask, p.device_untypeds, p.sgi_signal, p.irq_route, p.smp, p.trigger_config,
        p.group1,
    )


def machine_config(spec: Spec) -> model.MachineConfig:
    """The model configuration of a spec: same cores, GIC, memory map, kernels and channels."""
    plat = spec.platform
    gic = plat.gic
    kernels = tuple(
        model.Kernel(
            name=k.name,
            profile=_profile(k.profile),
            cores=tuple(c.name for c in k.cores),
            ram=tuple(_region(r) for r in k.ram),
            devices=tuple(d.name for d in k.devices),
            spis=tuple((i.intid, i.trigger) for i in k.owned_spis),
            routes=tuple((r.intid, r.cpu.name) for r in k.routes),
        )
        for k in spec.kernels
    )
    channels = tuple(
        model.Channel(
            name=c.name,
            sender=c.sender.name,
            receiver=c.receiver.name,
            receiver_core=c.receiving_core.name if c.receiving_core is not None else "",
            sgi=c.sgi,
            # A receiver without a core has no right target; the sender then passes 0.
            target=c.target if c.target is not None else (default_target(spec, c) or 0),
            mailbox=c.mailbox.name if c.mailbox else None,
            tag=c.tag,
        )
        for c in spec.channels
    )
    return model.MachineConfig(
        cores=tuple(model.Core(c.name, c.mpidr, c.gic_cpu) for c in plat.cpus),
        gic=model.Gic(
            gic.version,
            _region(gic.distributor),
            _region(gic.cpu_interface),
            _region(gic.redistributors),
            gic.redistributor_stride,
            gic.lines,
            gic.group1 if gic.version == 3 else "firmware",
        ),
        paddr_bits=plat.paddr_bits,
        page=plat.page,
        memory=tuple(_region(r) for r in plat.memory),
        reserved=tuple(_region(r) for r in plat.reserved),
        devices=tuple(
            model.Device(d.name, _region(d.region), tuple((i.intid, i.trigger) for i in d.irqs)) for d in plat.devices
        ),
        kernels=kernels,
        shared=tuple(
            model.SharedRegion(s.name, _region(s.region), tuple((a.kernel.name, a.mode) for a in s.access))
            for s in spec.shared
        ),
        channels=channels,
        loader_gic_init=spec.loader_gic_init,
        loader_triggers=spec.loader_triggers,
        loader_group1=spec.loader_group1,
        max_irq=plat.max_irq,
        pds=tuple(model.Pd(p.name, p.kernel.name, p.priority, tuple((m.shared.name, m.mode) for m in p.maps)) for p in spec.pds),
        notifications=tuple(
            model.Notification(n.name, n.sender.name, n.receiver.name, n.channel.name if n.channel else None)
            for n in spec.notifications
        ),
        calls=tuple(
            model.Call(c.client.name, c.server.name, c.proxies[0].name if c.proxies else None,
                       c.proxies[1].name if c.proxies else None, c.buffer.name if c.buffer else None)
            for c in spec.calls
        ),
        queues=tuple(
            model.Queue(q.name, q.producer.name, q.consumer.name, q.ring.name, q.index_region.name, q.consumer_index,
                        q.doorbell.name, q.slots)
            for q in spec.queues
        ),
        sgi_budget=sgi_budget(spec) if spec.pds else None,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _matches(violation: model.Violation, expect: Mapping[str, Any]) -> bool:
    """The violation is of the expected kind and agrees on every expected detail.

    Name lists (regions, kernels, cpus, channels) compare as sets: the model
    may list them in another order.
    """
    if violation.kind != expect["kind"]:
        return False
    for key, wanted in expect.items():
        if key == "kind":
            continue
        got = _plain(violation.details.get(key))
        wanted = _plain(wanted)
        if isinstance(wanted, list) and isinstance(got, list):
            if sorted(map(str, wanted)) != sorted(map(str, got)):
                return False
        elif got != wanted:
            return False
    return True


def run(config: model.MachineConfig, scenario) -> model.Run:
    """Run a scenario (model step JSON objects) on a fresh machine."""
    machine = model.Machine(config)
    return machine.run(model.scenario_from_json(list(scenario)))


def reproduces(run_: model.Run, expect: Mapping[str, Any]) -> model.Violation | None:
    """The first violation of a run that matches the expectation, if any."""
    kind = expect.get("kind")  # a violation of another kind is never a match
    return next((v for v in run_.violations if v.kind == kind and _matches(v, expect)), None)


class _Replays:
    """The runs of one configuration, made so far, and what is needed to look in them.

    A run is a function of the configuration and the steps alone (a fresh
    machine each time), so results that replay the same steps share one.
    Errors are not remembered: each result that needs a failing run fails
    the same way on its own.

    Every run of a configuration begins with the same construction
    violations (step -1, the machine's layout checks), as many as the run of
    the empty scenario has; they are indexed once, and each run's own
    violations (those its steps caused) once per run."""

    def __init__(self, config: model.MachineConfig, setup: model.Run) -> None:
        self.config = config
        self.setup = setup
        self.static = _Found(setup.violations)
        self.runs: dict[tuple[model.Step, ...], tuple[model.Run, _Found]] = {}
        self.by_object: dict[int, tuple[object, tuple[model.Run, _Found]]] = {}

    def run(self, scenario) -> tuple[model.Run, _Found]:
        # Results of one class often share their scenario object (a thousand SPIs, one boot
        # order): converting and hashing it once is enough.
        known = self.by_object.get(id(scenario))
        if known is not None and known[0] is scenario:
            return known[1]
        found = self._run(scenario)
        self.by_object[id(scenario)] = (scenario, found)
        return found

    def _run(self, scenario) -> tuple[model.Run, _Found]:
        steps = model.scenario_from_json(list(scenario))
        try:
            hash(steps)
        except TypeError:  # an argument no JSON scenario should carry: run it on its own
            return self._indexed(model.Machine(self.config).run(steps))
        if steps not in self.runs:
            self.runs[steps] = self._indexed(model.Machine(self.config).run(steps))
        return self.runs[steps]

    def _indexed(self, run_: model.Run) -> tuple[model.Run, _Found]:
        n = len(self.setup.violations)
        if run_.violations[:n] != self.setup.violations or any(v.step < 0 for v in run_.violations[n:]):
            raise model.ModelError("a run does not begin with its configuration's construction checks")
        return run_, _Found(run_.violations[n:])

    def first(self, result: Result) -> tuple[model.Run, model.Violation | None]:
        """The run of the result's scenario and the violation in it that the result expects."""
        if not result.scenario:
            return self.setup, self.static.first(result.expect)
        run_, own = self.run(result.scenario)
        return run_, own.first(result.expect) or self.static.first(result.expect)


class _Found:
    """Violations indexed by kind and, on first use, by one scalar detail of that kind:
    finding the one a result expects among thousands (a spec whose every SPI fails)
    costs a lookup, not a scan."""

    def __init__(self, violations) -> None:
        self.by_kind: dict[str, list[model.Violation]] = {}
        for v in violations:
            self.by_kind.setdefault(v.kind, []).append(v)
        self.by_detail: dict[tuple[str, str], dict[Any, list[model.Violation]]] = {}

    def _with(self, kind: str, key: str, value: Any) -> list[model.Violation]:
        if (kind, key) not in self.by_detail:
            table: dict[Any, list[model.Violation]] = {}
            for v in self.by_kind.get(kind, []):
                seen = _plain(v.details.get(key))
                if isinstance(seen, (int, str)):
                    table.setdefault(seen, []).append(v)
            self.by_detail[(kind, key)] = table
        return self.by_detail[(kind, key)].get(value, [])

    def first(self, expect: Mapping[str, Any]) -> model.Violation | None:
        """What `reproduces` returns, found through the index."""
        kind = expect.get("kind")
        candidates = self.by_kind.get(kind, [])
        for key, wanted in expect.items():
            wanted = _plain(wanted)
            if key != "kind" and isinstance(wanted, (int, str)) and not isinstance(wanted, bool):
                candidates = self._with(kind, key, wanted)
                break
        return next((v for v in candidates if _matches(v, expect)), None)


def _is_send(result: Result) -> bool:
    """The result's scenario boots kernels, then binds and sends channels: nothing else."""
    ops = [step.get("op") for step in result.scenario or ()]
    boots = [i for i, op in enumerate(ops) if op == "boot"]
    rest = [i for i, op in enumerate(ops) if op != "boot"]
    return bool(boots and rest) and set(ops) <= {"boot", "bind_channel", "send_channel"} and max(boots) < min(rest)


def _is_access(result: Result) -> bool:
    """The result's scenario is memory accesses only."""
    return bool(result.scenario) and all(step.get("op") == "access" for step in result.scenario)


def _accesses(results: list[Result]) -> tuple[dict, ...]:
    """One scenario for many memory results: each distinct access once, in order. What an
    access reaches and exposes is a function of the configuration's memory map alone (the
    model's Access handler and memory-expose monitor read nothing else), so each access
    shows in the combined run what it shows alone; a violation a monitor reports once per
    run (memory-overlap) may not show again, and its result is replayed on its own."""
    return tuple({_step_key(step): step for r in results for step in r.scenario}.values())


def _step_key(step: Mapping[str, Any]) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in step.items()))


def _together(results: list[Result]) -> tuple[dict, ...]:
    """One scenario for many channel results: every kernel any of them boots, once, in the
    order they first appear, then each result's binds and sends in turn.

    Why one run stands for many: a channel failure's violation names its channel, and what
    the model reports for it (where the SGI write goes, whether the bind is refused, whether
    the mailbox lets an end through) is decided by the channel's two kernels (booted or
    halted, their cores, profiles and caps), not by other channels' binds and sends. A
    result is confirmed by the combined run only if its own violation, with every detail it
    expects, appears there; any other is replayed on its own scenario. tests/test_replay.py
    checks, on the corpus and generated specs, that every result the combined run confirms
    is also reproduced by its own scenario."""
    boots = list(dict.fromkeys(step["kernel"] for r in results for step in r.scenario if step["op"] == "boot"))
    steps = [{"op": "boot", "kernel": k} for k in boots]
    steps += [step for r in results for step in r.scenario if step["op"] != "boot"]
    return tuple(steps)


def confirm(config: model.MachineConfig, result: Result, replays: _Replays | None = None) -> Result:
    """The result if the model reproduces it, else an INTERNAL_ERROR result saying why.

    `replays`, when given, holds the runs made so far for this configuration
    (a result with no steps to replay is judged on the run of the empty
    scenario, the machine's construction checks); without it, the result's
    scenario runs on a fresh machine of its own.
    """
    if result.status != FAILED:
        return result
    if result.expect is None:
        return _disagree(result, "it has no scenario to replay on the model")
    try:
        if replays is None:
            outcome = run(config, result.scenario or ())
            found = reproduces(outcome, result.expect)
        else:
            outcome, found = replays.first(result)
    except (model.ModelError, ValueError, KeyError) as exc:
        return _disagree(result, f"the model could not run its scenario ({exc!r})")
    if found is None:
        seen = ", ".join(sorted({v.kind for v in outcome.violations})) or "no violation"
        return _disagree(result, f"the model does not reproduce it (expected {result.expect['kind']}, model saw {seen})")
    return result


def _disagree(result: Result, why: str) -> Result:
    return evolve(
        result,
        status=INTERNAL_ERROR,
        message=f"internal error: the encoding and the reference model disagree: {why}. The solver said: {result.message}",
    )


def confirm_all(spec: Spec, results: list[Result]) -> list[Result]:
    """Replay every failed result on the model (one configuration, a fresh
    machine per distinct scenario; the configuration's derived data, e.g. its
    memory map and construction checks, is computed once for all of them).

    Channel failures, and failures shown by memory accesses, are first looked
    for in one combined run per kind (`_together`, `_accesses`, each arguing
    why that is exact); what a combined run does not show is replayed on the
    result's own scenario."""
    if not any(r.status == FAILED for r in results):
        return results
    try:
        config = machine_config(spec)
    except model.ModelError as exc:
        return [_disagree(r, f"the model rejects the spec ({exc})") if r.status == FAILED else r for r in results]
    try:
        setup = run(config, ())
    except model.ConfigError as exc:
        # No machine can be built (e.g. a GICv2 CPU interface beyond 7): static
        # failures are still judged by the model's construction checks; a
        # failure that needs a run cannot be replayed and says so.
        static = _Replays(config, model.Run((), (), tuple(model.static_violations(config))))
        return [
            (confirm(config, r, static) if not r.scenario else _disagree(r, f"the model cannot build this machine ({exc})"))
            if r.status == FAILED
            else r
            for r in results
        ]
    replays = _Replays(config, setup)
    failed = [r for r in results if r.status == FAILED and r.expect is not None]
    confirmed: dict[int, Result] = {}
    for group, combine in (([r for r in failed if _is_send(r)], _together), ([r for r in failed if _is_access(r)], _accesses)):
        if len(group) < 2:
            continue
        try:
            _, combined = replays.run(combine(group))
        except (model.ModelError, ValueError, KeyError):
            continue
        confirmed.update((id(r), r) for r in group if combined.first(r.expect) is not None)
    return [confirmed.get(id(r)) or confirm(config, r, replays) for r in results]
