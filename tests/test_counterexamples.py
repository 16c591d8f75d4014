"""Every counterexample of the corpus is a real violation, recomputed here from the spec's numbers.

These checks use only the Spec (its regions, owners, profiles and GIC) and
plain arithmetic: they do not trust the solver's reading of the spec.
"""

from __future__ import annotations

import os

import pytest

import checker
from checker.result import FAILED
from checker.sel4 import boot_masks, masks_every_line
from checker.spec import Spec
from tests.corpus import ROOT, expectations, system_specs

FAILING = [p for p in system_specs() if any(e.verdict in ("failed", "waived") for e in expectations(p))]


def _regions(spec: Spec) -> dict:
    regions = {d.name: d.region for d in spec.platform.devices}
    regions.update({f.name: f for f in spec.platform.gic.frames})
    regions.update({r.name: r for k in spec.kernels for r in k.ram})
    regions.update({s.name: s.region for s in spec.shared})
    regions.update({b.name: b for b in spec.platform.memory + spec.platform.reserved})
    return regions


def _inside(address: int, region) -> bool:
    return region.base <= address < region.base + region.size


def _reaches(spec: Spec, kernel, address: int) -> bool:
    """The kernel's root task can reach the address: own RAM, device pages, listed shared regions, device untypeds."""
    page = spec.platform.page
    if any(_inside(address, r) for r in kernel.ram):
        return True
    for dev in kernel.devices:
        start = dev.region.base // page * page
        end = -(-(dev.region.base + dev.region.size) // page) * page
        if start <= address < end:
            return True
    if any(_inside(address, s.region) and s.mode_of(kernel.name) for s in spec.shared):
        return True
    if kernel.profile.device_untypeds == "all":
        return address < 1 << spec.platform.paddr_bits and not any(_inside(address, f) for f in spec.platform.gic.frames)
    return False


def _resets(spec: Spec, order) -> dict[str, bool]:
    """Which kernels reset the distributor when booting in this order."""
    done, out = spec.loader_gic_init, {}
    for k in order:
        out[k.name] = k.profile.dist_init == "always" or (k.profile.dist_init == "first" and not done)
        done = done or out[k.name]
    return out


def _check(spec: Spec, r) -> None:
    cex = r.counterexample
    regions = _regions(spec)
    kernels = {k.name: k for k in spec.kernels}
    if r.id == "MEM-DISJOINT":
        a, b = (regions[n] for n in cex["regions"])
        assert _inside(cex["address"], a) and _inside(cex["address"], b)
    elif r.id == "MEM-EXPOSE":
        kernel = kernels[cex["kernel"]]
        target = regions[cex["region"]]
        assert _inside(cex["address"], target) and _reaches(spec, kernel, cex["address"])
        shared = {s.name: s for s in spec.shared}
        if cex["region"] in shared:
            assert shared[cex["region"]].mode_of(kernel.name) is None
        else:
            assert any(cex["region"] in [x.name for x in k.ram] + [d.name for d in k.devices] for k in spec.kernels if k is not kernel)
    elif r.id == "MEM-BOUNDS":
        region = regions[cex["region"]]
        problem = cex["problem"]
        if problem == "wraps":
            assert region.base + region.size > 1 << 64
        elif problem == "beyond":
            assert region.base + region.size > 1 << spec.platform.paddr_bits
        elif problem == "empty":
            assert region.size == 0
        elif problem == "reserved":
            assert _inside(cex["address"], region) and _inside(cex["address"], regions[cex["other"]])
        elif problem == "outside-memory" or problem == "outside":
            assert not any(b.base <= region.base and region.base + region.size <= b.base + b.size for b in spec.platform.memory)
        else:
            assert _inside(cex["address"], region) and _inside(cex["address"], regions[cex["other"]])
    elif r.id == "MEM-ALIGN":
        region = regions[cex["region"]]
        assert region.base % spec.platform.page or region.size % spec.platform.page
    elif r.id in ("CPU-EXCL",) and "cpu" in cex:
        claimants = [k.name for k in spec.kernels if any(c.name == cex["cpu"] for c in k.cores)]
        assert set(cex["kernels"]) <= set(claimants) and len(claimants) >= 2
    elif r.id == "CPU-EXCL":
        kernel = kernels[cex["kernel"]]
        n = len(kernel.cores)
        assert n == 0 or (n > 1 and not kernel.profile.smp) or n > 8
    elif r.id == "CPU-IDENT" and len(cex["cpus"]) == 2:
        a, b = (next(c for c in spec.platform.cpus if c.name == n) for n in cex["cpus"])
        affinity = 0xFF_00FF_FFFF  # Aff3 [39:32], Aff2..Aff0 [23:0]
        assert a.mpidr & affinity == b.mpidr & affinity or (spec.platform.gic.version == 2 and a.gic_cpu == b.gic_cpu)
    elif r.id == "DEV-EXCL":
        owners = [k.name for k in spec.kernels if any(d.name == cex["device"] for d in k.devices)]
        assert len(owners) >= 2
    elif r.id == "IRQ-EXCL":
        owners = [k.name for k in spec.kernels if any(i.intid == cex["intid"] for i in k.owned_spis)]
        assert len(owners) >= 2
    elif r.id == "IRQ-RANGE":
        limit = spec.platform.max_irq if spec.platform.max_irq is not None else 1019
        assert cex["intid"] >= spec.platform.gic.lines or cex["intid"] > min(1019, limit)
    elif r.id == "IRQ-TRIGGER":
        # An edge SPI of one owner that ends level, for a reason the spec shows.
        owner = spec.kernel(cex["kernel"])
        irq = next(i for i in owner.owned_spis if i.intid == cex["intid"] and i.trigger)
        assert (irq.trigger, cex["declared"], cex["ends"]) == ("edge", "edge", "level")
        assert owner.profile.trigger_config == cex["set_by"]
        if cex["cause"] == "unset":
            assert cex["set_by"] == "none"
        elif cex["cause"] == "reset":
            resetter = spec.kernel(cex["writes"][1]["who"])
            assert resetter.profile.dist_init in ("always", "first")
        else:
            assert cex["cause"] == "stale" and cex["set_by"] == "runtime"
            ops = [(w["op"], w["who"]) for w in cex["writes"]]
            other = next(who for _, who in ops if who != owner.name)
            assert spec.kernel(other).profile.trigger_config == "runtime"
            assert all(w["intid"] // 16 == cex["intid"] // 16 for w in cex["writes"])
            # The other kernel read before the owner wrote, and wrote after it.
            assert ops.index(("trigger_read", other)) < ops.index(("trigger_write", owner.name)) < ops.index(("trigger_write", other))
    elif r.id == "IPI-RANGE":
        channel = next(c for c in spec.channels if c.name == cex["channel"])
        assert channel.sgi > 15 or (channel.receiver.profile.smp and channel.sgi in (0, 1))
    elif r.id == "IPI-CAP":
        channel = next(c for c in spec.channels if c.name == cex["channel"])
        ends = (channel.sender, channel.receiver)
        # An end halts in the fork's dist_init: nothing enables the distributor (no loader, no resetting kernel).
        fork_halts = not spec.loader_gic_init and not any(k.profile.dist_init in ("always", "first") for k in spec.kernels)
        assert (not channel.sender.profile.sgi_signal or not channel.sender.cores or not channel.receiver.cores
                or fork_halts and any(k.profile.dist_init == "check" for k in ends))
    elif r.id == "IPI-SMP":
        kernel = kernels[cex["kernel"]]
        logical = [c.name for c in kernel.cores].index(cex["core"])
        if spec.platform.gic.version == 2:
            # GICD_SGIR's CPUTargetList is BIT(logical index): CPU interface `logical`, whoever that is.
            assert cex["reached"] == [c.name for c in spec.platform.cpus if c.gic_cpu == logical]
        else:
            # Aff1 of the target must not exceed the core count, and must survive the loop's reset of
            # sgi1r[Aff1] at iteration Aff1 (only when Aff1 <= the logical index).
            aff1 = kernel.cores[logical].mpidr >> 8 & 0xFF
            assert aff1 >= len(kernel.cores) or aff1 > logical or cex["reached"] != [cex["core"]]
        assert cex["reached"] != [cex["core"]]
    elif r.id == "IPI-TARGET":
        channel = next(c for c in spec.channels if c.name == cex["channel"])
        assert cex["reached"] != [channel.receiving_core.name]
        if "named" in cex and cex["named"] == [channel.receiving_core.name]:
            # The write names the receiver, where the SGI stays in Group 0: nobody before the
            # boots put it into Group 1, and the receiving kernel does not do it itself.
            gic = spec.platform.gic
            assert gic.version == 3 and gic.group1 != "firmware" and not spec.loader_group1
            assert not (gic.group1 == "sel4" and channel.receiver.profile.group1 == "port")
            return
        target = cex["target"]
        if spec.platform.gic.version == 2:
            expected = [c.name for c in spec.platform.cpus if c.gic_cpu == target] if target < 8 else []
        else:
            # seL4's ICC_SGI1R_EL1 encoding: Aff3 ends up in the Aff2 field, so only cores with Aff3 = 0 match.
            aff0, aff1, aff2, aff3 = target & 0xFF, target >> 8 & 0xFF, target >> 16 & 0xFF, target >> 24 & 0xFF
            expected = [
                c.name for c in spec.platform.cpus
                if c.mpidr >> 32 & 0xFF == 0 and c.mpidr >> 16 & 0xFF == aff2 | aff3 and c.mpidr >> 8 & 0xFF == aff1
                and c.mpidr & 0xFF == aff0
            ]
        assert cex["reached"] == expected
    elif r.id == "IPI-UNIQUE":
        a, b = (next(c for c in spec.channels if c.name == n) for n in cex["channels"])
        assert a.sgi == b.sgi
        assert not (a.mailbox and b.mailbox and a.mailbox.name == b.mailbox.name and a.tag != b.tag)
    elif r.id == "IPI-MAILBOX":
        channel = next(c for c in spec.channels if c.name == cex["channel"])
        box = channel.mailbox
        if cex["access"] == "write":
            assert box.mode_of(channel.sender.name) != "rw"
        elif cex["access"] == "read":
            assert box.mode_of(channel.receiver.name) is None
        else:
            users = {k.name for c in spec.channels if c.mailbox and c.mailbox.name == box.name for k in (c.sender, c.receiver)}
            kernel = kernels[cex["kernel"]]
            assert kernel.name not in users
            assert box.mode_of(kernel.name) or _reaches(spec, kernel, box.region.base)
    elif r.id == "GIC-INIT":
        order = [kernels[n] for n in cex["boot_order"]]
        assert sorted(cex["boot_order"]) == sorted(kernels)
        resets = _resets(spec, order)
        if cex["problem"] == "clobber":
            culprit = kernels[cex["kernel"]]
            assert order.index(culprit) > 0 and (resets[culprit.name] or masks_every_line(spec, culprit))
        elif cex["problem"] == "twice":
            assert spec.loader_gic_init + sum(resets.values()) >= 2
        else:
            assert not spec.loader_gic_init and not resets[order[0].name] and order[0].profile.dist_init in ("never", "check")
    elif r.id == "IRQ-ROUTE":
        order = [kernels[n] for n in cex["boot_order"]]
        assert sorted(cex["boot_order"]) == sorted(kernels)
        intid = cex["intid"]
        owners = [kernels[n] for n in cex["owners"]]
        resets = _resets(spec, order)
        later_disable = any(
            order.index(k) > order.index(o) and (resets[k.name] or boot_masks(spec, k, cex["intid"])) for o in owners for k in order
        )
        cannot_route_home = any(o.profile.irq_route != "yes" or (o.profile.smp and spec.platform.gic.version == 2) for o in owners)
        gic = spec.platform.gic
        group0 = (gic.version == 3 and gic.group1 != "firmware" and not spec.loader_group1
                  and not any(resets[k.name] and gic.group1 == "sel4" and k.profile.group1 == "port" for k in order))
        assert (cex["group"] == 0) == group0
        assert intid >= spec.platform.gic.lines or len(owners) > 1 or later_disable or cannot_route_home or group0
    elif r.id == "SGI-BUDGET":
        budget = {2: 8, 3: 16}[spec.platform.gic.version]
        assert cex["budget"] == budget
        into = [n.channel for n in spec.notifications if n.channel is not None and n.channel.receiving_core
                and n.channel.receiving_core.name == cex["core"]]
        assert [c.name for c in into] == cex["channels"]
        assert any(c.name == cex["channel"] and c.sgi >= budget for c in into)
    elif r.id == "RPC-PROXY":
        call = next(c for c in spec.calls if f"{c.client.name}.{c.server.name}" == cex["call"])
        if cex["problem"] == "cross-kernel":
            assert call.proxies is None and call.client.kernel.name != call.server.kernel.name
        elif cex["problem"] == "shared-proxy":
            other = [c for c in spec.calls if c.proxies and c.server.name == cex["server_reached"]]
            assert any(o.proxies[0].name == call.proxies[0].name or o.proxies[1].name == call.proxies[1].name for o in other)
            assert cex["server_reached"] != call.server.name
        elif cex["problem"] == "buffer-exposed":
            assert "pd" in cex or "kernel" in cex
        else:
            assert cex["problem"] in ("proxy-kernel", "pair", "sgi-shared")
    elif r.id == "QUEUE-ACCESS":
        q = next(q for q in spec.queues if q.name == cex["queue"])
        if cex["problem"] == "pd":
            pd = next(p for p in spec.pds if p.name == cex["pd"])
            assert pd.name not in (q.producer.name, q.consumer.name)
            assert any(m.shared.name == q.ring.name for m in pd.maps)
        elif cex["problem"] == "kernel":
            kernel = kernels[cex["kernel"]]
            assert kernel.name not in (q.producer.kernel.name, q.consumer.kernel.name)
            assert any(_reaches(spec, kernel, a) for a in (q.ring.region.base, q.ring.region.base + q.ring.region.size - 1))
        else:
            pd = q.producer if cex["problem"] == "producer" else q.consumer
            mode = next((m.mode for m in pd.maps if m.shared.name == q.ring.name), None)
            assert mode is None or (cex["problem"] == "producer" and (mode != "rw" or q.ring.mode_of(pd.kernel.name) != "rw"))
    elif r.id == "QUEUE-INDEX":
        q = next(q for q in spec.queues if q.name == cex["queue"])
        region = q.index or q.ring
        assert cex["index"] == (region.region.base if q.index else q.ring.region.base + 8)
        writes = {p.name: any(m.shared.name == region.name and m.mode == "rw" for m in p.maps) and region.mode_of(p.kernel.name) == "rw"
                  for p in (q.producer, q.consumer)}
        assert writes[q.producer.name] if cex["problem"] == "overwritten" else not writes[q.consumer.name]
    elif r.id == "QUEUE-DOORBELL":
        q = next(q for q in spec.queues if q.name == cex["queue"])
        c = q.doorbell.channel
        assert c is not None and c.name == cex["channel"]
        core = c.receiving_core
        if spec.platform.gic.version == 3:
            # The fork packs the target as Aff3.Aff2.Aff1.Aff0; the consumer's core has another affinity.
            affinity = ((core.mpidr >> 32) & 0xFF) << 24 | core.mpidr & 0xFF_FFFF
            assert cex["target"] != affinity and core.name not in cex["reached"]
        else:
            assert cex["target"] != core.gic_cpu and core.name not in cex["reached"]
    else:
        pytest.fail(f"no independent check for {r.id} ({cex})")


@pytest.mark.parametrize("path", FAILING, ids=lambda p: os.path.relpath(p, ROOT))
def test_counterexamples_are_real(path):
    loaded = checker.load(path)
    report = checker.check(loaded.spec, checker.Options(replay=False))
    failures = [r for r in report.results if r.status in (FAILED, "waived")]
    assert failures
    for r in failures:
        _check(loaded.spec, r)
