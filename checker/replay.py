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
from checker.spec import Region, Spec, default_target


def _region(r: Region | None) -> model.Region | None:
    return None if r is None else model.Region(r.name, r.base, r.size)


def _profile(p) -> model.Profile:
    return model.Profile(
        p.name, p.dist_init, p.boot_mask, p.device_untypeds, p.sgi_signal, p.irq_route, p.smp, p.trigger_config
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


def _shared_run(config: model.MachineConfig, scenario, runs: dict | None) -> model.Run:
    """run(config, scenario), reusing the Run of an identical scenario from `runs`.

    A run is a function of the configuration and the steps alone (a fresh
    machine each time), so results that replay the same steps share one.
    Errors are not remembered: each result that needs a failing run fails
    the same way on its own.
    """
    if runs is None:
        return run(config, scenario)
    steps = model.scenario_from_json(list(scenario))
    try:
        hash(steps)
    except TypeError:  # an argument no JSON scenario should carry: run it on its own
        return model.Machine(config).run(steps)
    if steps not in runs:
        runs[steps] = model.Machine(config).run(steps)
    return runs[steps]


def confirm(config: model.MachineConfig, result: Result, setup: model.Run | None = None,
            runs: dict | None = None) -> Result:
    """The result if the model reproduces it, else an INTERNAL_ERROR result saying why.

    `setup` is a run of the empty scenario on this configuration: a result
    with no steps to replay is judged on it (the machine's construction
    checks), so many static failures share one machine. `runs`, when given,
    holds the runs made so far for this configuration (scenario steps ->
    Run): results with the same scenario share one run.
    """
    if result.status != FAILED:
        return result
    if result.expect is None:
        return _disagree(result, "it has no scenario to replay on the model")
    try:
        outcome = setup if (setup is not None and not result.scenario) else _shared_run(config, result.scenario or (), runs)
    except (model.ModelError, ValueError, KeyError) as exc:
        return _disagree(result, f"the model could not run its scenario ({exc!r})")
    if reproduces(outcome, result.expect) is None:
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
    memory map and construction checks, is computed once for all of them)."""
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
        static = model.Run((), (), tuple(model.static_violations(config)))
        return [
            (confirm(config, r, static) if not r.scenario else _disagree(r, f"the model cannot build this machine ({exc})"))
            if r.status == FAILED
            else r
            for r in results
        ]
    runs: dict = {}
    return [confirm(config, r, setup, runs) for r in results]
