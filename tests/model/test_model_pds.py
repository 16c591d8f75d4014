"""The model's protection domains (model/pds.py) and the monitors of the PD obligations, on hand-built configurations.

These tests use the model alone: what a PD can touch through its mappings,
how far a call gets along the capabilities its system gives, and which
violation each broken configuration produces.
"""

from __future__ import annotations

import attrs
import pytest

from model import (SEL4_MK, Call, Channel, Core, Gic, Kernel, Machine, MachineConfig, Notification, Pd, PdAccess,
                   PdCall, Queue, Region, RingDoorbell, SharedRegion, config_from_json, config_to_json,
                   scenario_from_json, scenario_to_json)
from model.pds import call_path, pd_access
from model.scenario import Access, BindChannel, Boot
from model.trace import CallOutcome, PdMemAccess

BUF = Region("buf", 0xB000_0000, 0x1000)
RING = Region("ring", 0xB001_0000, 0x1_0000)
ACKS = Region("acks", 0xB002_0000, 0x1000)


def config(**changes) -> MachineConfig:
    """Four kernels on a GICv3 A53 (core n at Aff0 = n): a proxied call k0 -> k1, a queue k2 -> k3."""
    cores = tuple(Core(f"c{i}", i) for i in range(4))
    kernels = tuple(Kernel(f"k{i}", SEL4_MK, (f"c{i}",), (Region(f"k{i}.ram", 0x4000_0000 + i * 0x1000_0000, 0x1000_0000),))
                    for i in range(4))
    shared = (SharedRegion("buf", BUF, (("k0", "rw"), ("k1", "rw"))),
              SharedRegion("ring", RING, (("k2", "rw"), ("k3", "r"))),
              SharedRegion("acks", ACKS, (("k2", "r"), ("k3", "rw"))))
    pds = (Pd("client", "k0"), Pd("cp", "k0", 20, (("buf", "rw"),)), Pd("sp", "k1", 20, (("buf", "rw"),)),
           Pd("server", "k1", 30), Pd("producer", "k2", 0, (("ring", "rw"), ("acks", "r"))),
           Pd("consumer", "k3", 0, (("ring", "r"), ("acks", "rw"))))
    channels = (Channel("req", "k0", "k1", "c1", 0, 1), Channel("rep", "k1", "k0", "c0", 0, 0),
                Channel("bell", "k2", "k3", "c3", 0, 3))
    notes = (Notification("req", "cp", "sp", "req"), Notification("rep", "sp", "cp", "rep"),
             Notification("bell", "producer", "consumer", "bell"))
    calls = (Call("client", "server", "cp", "sp", "buf"),)
    queues = (Queue("jobs", "producer", "consumer", "ring", "acks", ACKS.base, "bell", 64),)
    base = MachineConfig(
        cores=cores, gic=Gic(3, Region("gicd", 0x3880_0000, 0x1_0000), redistributors=Region("gicr", 0x3888_0000, 4 * 0x2_0000),
                             lines=160),
        memory=(Region("dram", 0x4000_0000, 0x8000_0000),), kernels=kernels, shared=shared, channels=channels,
        loader_gic_init=True, loader_group1=True, pds=pds, notifications=notes, calls=calls, queues=queues,
        sgi_budget=16)
    return attrs.evolve(base, **changes)


def kinds(cfg: MachineConfig, steps) -> list[str]:
    return [v.kind for v in Machine(cfg).run(tuple(steps)).violations if v.step >= 0]


# ---------------------------------------------------------------- memory


@pytest.mark.parametrize("pd, address, write, region", [
    ("producer", RING.base, True, "ring"),
    ("consumer", RING.base, False, "ring"),
    ("consumer", RING.base, True, None),        # mapped r
    ("producer", ACKS.base, True, None),        # mapped r
    ("client", BUF.base, False, None),          # not mapped
    ("cp", BUF.base + 0xFFF, True, "buf"),
    ("cp", BUF.base + 0x1000, False, None),     # one past the end
])
def test_a_pd_reaches_memory_only_through_its_mappings(pd, address, write, region):
    assert pd_access(config(), pd, address, write) == region


def test_a_mapping_is_bounded_by_its_kernels_listing():
    cfg = config(pds=config().pds[:-1] + (Pd("consumer", "k3", 0, (("ring", "rw"), ("acks", "rw"))),))
    assert pd_access(cfg, "consumer", RING.base, True) is None  # k3 is listed r on ring


# ---------------------------------------------------------------- calls


def test_a_call_through_its_pair_reaches_its_server():
    reached, path, why = call_path(config(), "client", "server", "cp", "sp")
    assert (reached, path, why) == ("server", ("client", "cp", "sp", "server"), None)
    assert kinds(config(), [PdCall("client", "server", "cp", "sp")]) == []


def test_a_direct_call_across_kernels_stops_at_the_client():
    cfg = config(calls=(Call("client", "server"),))
    reached, path, why = call_path(cfg, "client", "server", None, None)
    assert reached is None and path == ("client",) and "do not cross kernels" in why
    assert kinds(cfg, [PdCall("client", "server")]) == ["call-undeliverable"]


@pytest.mark.parametrize("change, words", [
    (dict(notifications=(Notification("req", "cp", "sp", "req"),)), "no channel from sp to cp signals the reply"),
    (dict(shared=(SharedRegion("buf", BUF, (("k0", "rw"), ("k1", "r"))),) + config().shared[1:]), "sp cannot write the buffer buf"),
])
def test_a_pair_that_cannot_carry_the_call_stops_it(change, words):
    cfg = config(**change)
    _, path, why = call_path(cfg, "client", "server", "cp", "sp")
    assert path == ("client", "cp") and why == words
    assert kinds(cfg, [PdCall("client", "server", "cp", "sp")]) == ["call-undeliverable"]


def test_a_shared_server_proxy_lets_a_client_reach_the_other_server():
    cfg = config(pds=config().pds + (Pd("audit", "k1", 30), Pd("client2", "k0"), Pd("cp2", "k0", 20, (("buf", "rw"),))),
                 notifications=config().notifications + (Notification("req2", "cp2", "sp"), Notification("rep2", "sp", "cp2")),
                 calls=config().calls + (Call("client2", "audit", "cp2", "sp", "buf"),))
    run = Machine(cfg).run((PdCall("client", "audit", "cp", "sp"),))
    (outcome,) = [e for e in run.trace if isinstance(e, CallOutcome)]
    assert outcome.reached == "audit"
    assert [v.kind for v in run.violations] == ["rpc-cross-server"]


def test_one_proxy_carrying_calls_to_two_servers_is_seen_over_the_run():
    cfg = config(pds=config().pds + (Pd("audit", "k1", 30),), calls=config().calls + (Call("client", "audit", "cp", "sp", "buf"),))
    steps = [PdCall("client", "server", "cp", "sp"), PdCall("client", "audit", "cp", "sp")]
    run = Machine(cfg).run(tuple(steps))
    shared = [v for v in run.violations if v.kind == "rpc-shared-proxy"]
    assert {v.details["proxy"] for v in shared} == {"cp", "sp"}  # both proxies of the pair carried both
    assert all(v.details["servers"] == ("server", "audit") and v.step == 1 for v in shared)


def test_the_buffer_is_exposed_to_a_third_pd_and_kernel():
    cfg = config(pds=config().pds + (Pd("snoop", "k0", 0, (("buf", "r"),)),))
    assert kinds(cfg, [PdAccess("snoop", BUF.base)]) == ["rpc-buffer-exposed"]
    listed = config(shared=(SharedRegion("buf", BUF, (("k0", "rw"), ("k1", "rw"), ("k2", "r"))),) + config().shared[1:])
    assert kinds(listed, [Access("k2", BUF.base)]) == ["rpc-buffer-exposed"]
    assert kinds(config(), [Access("k0", BUF.base), PdAccess("cp", BUF.base, True)]) == []


# ---------------------------------------------------------------- queues


def test_queue_ring_and_index_monitors():
    third = config(pds=config().pds + (Pd("monitor", "k3", 0, (("ring", "r"),)),))
    assert kinds(third, [PdAccess("monitor", RING.base)]) == ["queue-ring-exposed"]
    assert kinds(config(), [PdAccess("producer", RING.base, True), PdAccess("consumer", RING.base)]) == []
    assert kinds(config(), [PdAccess("producer", ACKS.base, True), PdAccess("consumer", ACKS.base, True)]) == []
    in_ring = config(queues=(Queue("jobs", "producer", "consumer", "ring", "ring", RING.base + 8, "bell"),))
    assert kinds(in_ring, [PdAccess("producer", RING.base + 8, True)]) == ["queue-index-overwritten"]
    assert kinds(in_ring, [PdAccess("consumer", RING.base + 8, True)]) == ["queue-index-stuck"]


def test_a_doorbell_rings_at_the_consumer_or_is_a_violation():
    steps = [Boot("k3"), Boot("k2"), BindChannel("bell"), RingDoorbell("jobs")]
    assert kinds(config(), steps) == []
    wrong = config(channels=config().channels[:2] + (Channel("bell", "k2", "k3", "c3", 0, 2),))
    run = Machine(wrong).run(tuple(steps))
    (v,) = [v for v in run.violations if v.kind == "queue-doorbell"]
    assert v.details == {"queue": "jobs", "reached": ["c2"]}


def test_an_sgi_beyond_the_budget_is_a_violation_at_bind():
    over = config(channels=config().channels[:2] + (Channel("bell", "k2", "k3", "c3", 8, 3),), sgi_budget=8)
    assert "sgi-over-budget" in kinds(over, [Boot("k3"), BindChannel("bell")])
    assert "sgi-over-budget" not in kinds(config(), [Boot("k3"), BindChannel("bell")])


# ---------------------------------------------------------------- plain data


def test_configurations_and_steps_with_pds_round_trip_through_json():
    cfg = config()
    assert config_from_json(config_to_json(cfg)) == cfg
    steps = (PdAccess("producer", RING.base, True), PdCall("client", "server", "cp", "sp"), RingDoorbell("jobs"))
    assert scenario_from_json(scenario_to_json(steps)) == steps


def test_a_configuration_without_pds_keeps_its_json_form():
    form = config_to_json(config(pds=(), notifications=(), calls=(), queues=(), sgi_budget=None))
    assert not {"pds", "notifications", "calls", "queues", "sgi_budget"} & set(form)


def test_a_pd_event_names_the_mapping():
    run = Machine(config()).run((PdAccess("consumer", RING.base),))
    (event,) = [e for e in run.trace if isinstance(e, PdMemAccess)]
    assert event.allowed and event.region == "ring"


def test_unknown_names_are_model_errors_not_crashes():
    run = Machine(config()).run((PdAccess("nobody", 0), PdCall("client", "nobody"), RingDoorbell("nothing")))
    assert len([e for e in run.trace if type(e).__name__ == "ErrorEvent"]) == 3
