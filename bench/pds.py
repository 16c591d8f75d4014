"""Time `pcheck import sdf` and the check of what it writes, on generated Microkit multikernel systems.

    python bench/pds.py [--runs N] [--sizes small,medium,large]

A synthetic 8-core GICv3 board (Cortex-A53 numbering, its GIC where the
Microkit loader knows it) and SDFs with `pds` PDs per core: chains of local
protected procedure calls, proxied calls between neighbouring cores, queues
(ring, index region, doorbell) two cores apart, and local notifications.
Cross-core SGIs are what Microkit systems run out of, so each size comes in
two variants: `fits` keeps every core within its 16 SGIs, `over` adds
cross-core notifications until every core needs more (SGI-BUDGET and
IPI-RANGE fail on each, and each failure is replayed on the model).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import checker  # noqa: E402

CORES = 8
SIZES = {"small": 4, "medium": 32, "large": 256}  # PDs per core

PLATFORM = """platform bench8 {
    paddr_bits 40
    page 4K
%s
    memory dram at 0x4000_0000 size 8G
    gic v3 {
        distributor at 0x3880_0000 size 64K
        redistributors at 0x3888_0000 stride 128K
        lines 160
    }
%s
    max_irq 159
}
""" % ("\n".join(f"    cpu c{i} mpidr {i:#x}" for i in range(CORES)),
       "\n".join(f"    device uart{i} at {0x3000_0000 + i * 0x1_0000:#x} size 64K irq spi {40 + i} level" for i in range(CORES)))


def sdf(per_core: int, over: bool) -> str:
    """An SDF with `per_core` PDs on each core (at least 4)."""
    out = ["<system>"]
    mrs, pds, channels = [], [], []
    ids: dict[str, int] = {}

    def end(pd: str, **attrs: str) -> str:
        ids[pd] = ids.get(pd, -1) + 1
        extra = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f'<end pd="{pd}" id="{ids[pd]}"{extra} />'

    def channel(a: str, b: str, a_attrs: dict | None = None, b_attrs: dict | None = None) -> None:
        channels.append(f"  <channel>{end(a, **(a_attrs or {}))}{end(b, **(b_attrs or {}))}</channel>")

    maps: dict[str, list[tuple[str, str]]] = {}
    for c in range(CORES):
        names = [f"c{c}_pd{i}" for i in range(per_core)]
        for i, name in enumerate(names):
            maps[name] = []
            pds.append((name, c, 10 + i % 200))
        # a chain of local protected procedure calls and local notifications
        for i in range(2, per_core - 1):
            channel(names[i], names[i + 1], {"pp": "true", "notify": "false"})
    for c in range(CORES):
        n = (c + 1) % CORES
        client, server = f"c{c}_pd0", f"c{n}_pd1"
        cp, sp = f"c{c}_cproxy", f"c{n}_sproxy{c}"
        pds += [(cp, c, 250), (sp, n, 250)]
        buf = f"rpc{c}"
        mrs.append((buf, 0x1000))
        maps[cp] = [(buf, "rw")]
        maps[sp] = [(buf, "rw")]
        channel(client, cp, {"pp": "true", "notify": "false"})
        channel(cp, sp)  # both directions notify: one SGI on each core
        channel(sp, server, {"pp": "true", "notify": "false"})
        producer, consumer = f"c{c}_pd2", f"c{(c + 2) % CORES}_pd3"
        ring, index = f"ring{c}", f"acks{c}"
        mrs += [(ring, 0x1_0000), (index, 0x1000)]
        maps[producer] += [(ring, "rw"), (index, "r")]
        maps[consumer] += [(ring, "r"), (index, "rw")]
        channel(producer, consumer, {}, {"notify": "false"})
    # Each core now receives 3 SGIs (reply, request or doorbell); fill up to 16, or past it.
    extra = (14 if over else 13)
    for c in range(CORES):
        for k in range(extra):
            sender = f"c{(c + 1 + k % (CORES - 1)) % CORES}_pd{per_core - 1}"
            channel(sender, f"c{c}_pd{per_core - 1}" if sender != f"c{c}_pd{per_core - 1}" else f"c{c}_pd0",
                    {}, {"notify": "false"})
    out += [f'  <memory_region name="{n}" size="{s:#x}" />' for n, s in mrs]
    for name, cpu, prio in pds:
        body = "".join(f'<map mr="{mr}" vaddr="{0x200_0000 + i * 0x10_0000:#x}" perms="{p}" />' for i, (mr, p) in enumerate(maps.get(name, ())))
        out.append(f'  <protection_domain name="{name}" priority="{prio}" cpu="{cpu}">{body}</protection_domain>')
    out += channels
    out.append("</system>")
    return "\n".join(out) + "\n"


def measure(per_core: int, over: bool, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        board = os.path.join(tmp, "bench8.mk")
        with open(board, "w") as f:
            f.write(PLATFORM)
        path = os.path.join(tmp, "system.system")
        with open(path, "w") as f:
            f.write(sdf(per_core, over))
        imports, checks = [], []
        for _ in range(runs):
            start = time.perf_counter()
            text = checker.import_sdf(path, board, out_dir=tmp)
            imports.append(time.perf_counter() - start)
            loaded = checker.load_text(text, os.path.join(tmp, "system.mk"), tmp)
            start = time.perf_counter()
            report = checker.check(loaded.spec)
            checks.append(time.perf_counter() - start)
        spec = loaded.spec
        statuses: dict[str, int] = {}
        for r in report.results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        return {
            "pds": len(spec.pds), "calls": len(spec.calls), "queues": len(spec.queues),
            "notifications": len(spec.notifications), "sgi_channels": len(spec.channels),
            "import": min(imports), "check": min(checks), "results": statuses,
            "failed_ids": sorted({r.id for r in report.results if r.status == "failed"}),
        }


def calls_mk(calls: int, shared_every: int = 0) -> str:
    """A .mk system of `calls` proxied calls between neighbouring kernels, every proxy pair's
    notifications multiplexed behind one mailbox per receiving core (distinct tags), so the SGI
    budget holds at any size; with `shared_every` N, every N-th call reuses the previous call's
    server proxy (RPC-PROXY fails both, and each failure is replayed)."""
    out = ['include "bench8.mk"', "loader { gic_init }",
           "profile microkit extends sel4-mk { device_untypeds declared }"]
    out += [f"kernel k{c} {{ profile microkit cores c{c} ram at {0x4000_0000 + c * 0x2000_0000:#x} size 512M }}" for c in range(CORES)]
    for c in range(CORES):
        prev, nxt = (c - 1) % CORES, (c + 1) % CORES
        out.append(f"shared mb{c} at {0x1_4000_0000 + c * 0x1000:#x} size 4K {{ k{prev} rw, k{nxt} rw, k{c} r }}")
    for i in range(calls):
        a, b = i % CORES, (i + 1) % CORES
        out.append(f"shared buf{i} at {0x1_5000_0000 + i * 0x1000:#x} size 4K {{ k{a} rw, k{b} rw }}")
    defined: dict[int, str] = {}  # kernel -> its latest server proxy
    for i in range(calls):
        a, b = i % CORES, (i + 1) % CORES
        out += [f"pd client{i} on k{a} {{ priority 10 }}", f"pd server{i} on k{b} {{ priority 30 }}",
                f"pd cp{i} on k{a} {{ priority 20 map buf{i} rw }}"]
        if shared_every and i % shared_every == shared_every - 1 and b in defined:
            sp = defined[b]  # reused: it maps this call's buffer too
            out = [line.replace(" }", f" map buf{i} rw }}") if line.startswith(f"pd {sp} ") else line for line in out]
        else:
            sp = defined[b] = f"sp{i}"
            out.append(f"pd sp{i} on k{b} {{ priority 20 map buf{i} rw }}")
        out.append(f"channel req{i} {{ from cp{i} to {sp} mailbox mb{b} tag {2 * i + 1} }}")
        out.append(f"channel rep{i} {{ from {sp} to cp{i} mailbox mb{a} tag {2 * i + 2} }}")
        out.append(f"call client{i} -> server{i} via cp{i}, {sp} in buf{i}")
    out.append("boot order " + ", ".join(f"k{c}" for c in range(CORES)))
    return "\n".join(out) + "\n"


def measure_calls(calls: int, shared_every: int, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "bench8.mk"), "w") as f:
            f.write(PLATFORM)
        text = calls_mk(calls, shared_every)
        loads, checks = [], []
        for _ in range(runs):
            start = time.perf_counter()
            loaded = checker.load_text(text, os.path.join(tmp, "calls.mk"), tmp)
            loads.append(time.perf_counter() - start)
            assert loaded.spec is not None, [d.message for d in loaded.diagnostics if d.is_error][:3]
            start = time.perf_counter()
            report = checker.check(loaded.spec)
            checks.append(time.perf_counter() - start)
        statuses: dict[str, int] = {}
        for r in report.results:
            statuses[r.status] = statuses.get(r.status, 0) + 1
        return {"load": min(loads), "check": min(checks), "results": statuses,
                "failed_ids": sorted({r.id for r in report.results if r.status == "failed"})}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default=",".join(SIZES))
    args = parser.parse_args()
    print(f"{'size':7} {'variant':7} {'PDs':>5} {'calls':>5} {'queues':>6} {'notif.':>6} {'SGI ch.':>7} "
          f"{'import s':>8} {'check s':>8}  results")
    for size in args.sizes.split(","):
        for over in (False, True):
            m = measure(SIZES[size], over, args.runs)
            results = ", ".join(f"{n} {s}" for s, n in sorted(m["results"].items()))
            failed = f" ({', '.join(m['failed_ids'])})" if m["failed_ids"] else ""
            print(f"{size:7} {'over' if over else 'fits':7} {m['pds']:5} {m['calls']:5} {m['queues']:6} {m['notifications']:6} "
                  f"{m['sgi_channels']:7} {m['import']:8.3f} {m['check']:8.3f}  {results}{failed}")
    print()
    print(f"{'calls':>5} {'variant':14} {'load s':>7} {'check s':>8}  results")
    for calls in (64, 512, 2048):
        for every in (0, 8):
            m = measure_calls(calls, every, args.runs)
            results = ", ".join(f"{n} {s}" for s, n in sorted(m["results"].items()))
            failed = f" ({', '.join(m['failed_ids'])})" if m["failed_ids"] else ""
            variant = "private proxies" if not every else f"1 in {every} shared"
            print(f"{calls:5} {variant:14} {m['load']:7.3f} {m['check']:8.3f}  {results}{failed}")


if __name__ == "__main__":
    main()
