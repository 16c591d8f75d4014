"""The straightforward encodings, timed beside pcheck's on the same specs.

    python bench/baseline.py specs/imx8mm-two-kernels.mk /tmp/medium.mk --timeout 600
    python bench/baseline.py --agree            # every spec in specs/: verdicts must match pcheck's

Three baselines, written with z3 (or plain Python) directly, never with
pcheck's encodings:

* MEM-DISJOINT, all pairs: ONE z3 query "some address x lies in both regions
  of some pair", with a disjunct for every pair of regions of a class (RAM
  slices + shared regions; devices + GIC frames). When it is sat, every pair
  is asked on its own (push/pop) to list the overlapping pairs.
* GIC-INIT, by boot order: every permutation of the kernels
  (itertools.permutations, or the spec's `boot order`) is simulated: who
  initialises the distributor, and whether a later boot resets or masks it.
  Stops at the first violating order.
* IRQ-ROUTE, by boot order: every permutation is simulated (each root task
  acquires its SPIs right after its kernel boots) and every owned SPI's final
  enable bit and route are checked; stops when every SPI has a violating order.

Each baseline runs in its own process, with a wall-clock limit (`--timeout`,
default 600 s) and an address-space cap (`--memory-gib`, default 8). One that
does not finish is reported as "did not finish in N s" with the work done
(pairs built, orders simulated) and the extrapolated total. pcheck's own
obligation (`checker.prove.run_obligations` with `--only` that ID, as `pcheck` runs it) is timed
in another fresh process; the ratio is baseline time / pcheck time. Whenever
both finish, their verdicts must agree (an AssertionError otherwise); a
baseline that stopped early must at least agree on every violation it found.
"""

from __future__ import annotations

import argparse
import glob
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
KINDS = ("MEM-DISJOINT", "GIC-INIT", "IRQ-ROUTE")


def _load(path: str):
    sys.path.insert(0, ROOT)
    import checker

    loaded = checker.load(path)
    if loaded.spec is None:
        raise SystemExit(f"{path} has errors")
    return loaded.spec


class Progress:
    """Work done so far, written to a file now and then so a killed worker still reports it."""

    def __init__(self, path: str | None, deadline: float) -> None:
        self.path, self.deadline, self.state, self.last = path, deadline, {}, 0.0
        self.start = time.perf_counter()

    def update(self, **state) -> bool:
        """Record the state; True once the deadline has passed."""
        now = time.perf_counter()
        if "phase" in state and state["phase"] != self.state.get("phase"):
            self.state[f"{state['phase']}_started_s"] = now - self.start
        self.state.update(state)
        if self.path and now - self.last > 1.0:
            self.last = now
            with open(self.path, "w") as f:
                json.dump(self.state, f)
        return now > self.deadline


# --------------------------------------------------------------------------- MEM-DISJOINT


def disjoint_all_pairs(spec, progress: Progress) -> dict:
    import z3

    memory = [r for k in spec.kernels for r in k.ram] + [s.region for s in spec.shared]
    frames = [d.region for d in spec.platform.devices] + list(spec.platform.gic.frames)
    classes = [memory, frames]
    total = sum(len(c) * (len(c) - 1) // 2 for c in classes)
    ctx = z3.Context()
    solver = z3.Solver(ctx=ctx)
    x = z3.BitVec("x", 66, ctx)

    def inside(r):
        return z3.And(z3.UGE(x, z3.BitVecVal(r.base, 66, ctx)), z3.ULT(x, z3.BitVecVal(r.base + r.size, 66, ctx)))

    pairs, terms = [], []
    for regions in classes:
        ins = [inside(r) for r in regions]  # hash-consed by z3 anyway; saves Python time only
        for i, j in itertools.combinations(range(len(regions)), 2):
            pairs.append((regions[i], regions[j], ins[i], ins[j]))
            terms.append(z3.And(ins[i], ins[j]))
            if len(terms) % 20000 == 0 and progress.update(phase="build", pairs_built=len(terms), pairs_total=total):
                return {"finished": False, **progress.state}
    progress.update(phase="solve", pairs_built=len(terms), pairs_total=total)
    remaining = progress.deadline - time.perf_counter()
    if remaining <= 0:
        return {"finished": False, **progress.state}
    solver.set("timeout", max(1, int(remaining * 1000)))
    solver.add(z3.Or(terms) if terms else z3.BoolVal(False, ctx))
    answer = solver.check()
    if answer == z3.unknown:
        return {"finished": False, **progress.state, "reason": solver.reason_unknown()}
    overlaps = []
    if answer == z3.sat:
        solver.reset()
        for n, (a, b, ia, ib) in enumerate(pairs):
            if n % 1000 == 0 and progress.update(phase="enumerate", pairs_enumerated=n, overlaps=len(overlaps)):
                return {"finished": False, **progress.state, "overlaps_found": [sorted([p, q]) for p, q in overlaps]}
            solver.push()
            solver.add(ia, ib)
            if solver.check() == z3.sat:
                overlaps.append((a.name, b.name))
            solver.pop()
    return {"finished": True, "pairs_total": total, "overlaps_found": sorted(sorted([a, b]) for a, b in overlaps)}


# --------------------------------------------------------------------------- boot orders


def _route_value(spec, cpu):
    """What routes an SPI to `cpu`: the CPU-interface number (GICv2) or the MPIDR affinity (GICv3)."""
    if spec.platform.gic.version == 2:
        return cpu.gic_cpu if cpu.gic_cpu is not None else -1
    aff3 = (cpu.mpidr >> 32) & 0xFF
    return aff3 << 32 | (cpu.mpidr & 0xFFFFFF)


def _acquire_value(spec, kernel, intid):
    """What the owner's IRQ acquisition writes to the route (None: it does not route)."""
    if kernel.profile.irq_route != "yes":
        return None
    core = kernel.route_core(intid)
    if core is None:
        return None
    if spec.platform.gic.version == 2 and kernel.profile.smp:
        return kernel.cores.index(core)  # upstream SMP GICv2 writes the logical core index
    return _route_value(spec, core)


def _node0(spec, k) -> bool:
    cpus = spec.platform.cpus
    return bool(k.cores) and bool(cpus) and k.cores[0].name == cpus[0].name


def _masks(spec, k, intid: int | None) -> bool:
    """k's init_irqs masks the SPI (None: every SPI); the fork's `boot_mask primary` masks all on
    node 0 and INTID 32 on every kernel."""
    mask = k.profile.boot_mask
    return mask == "all" or (mask == "primary" and (_node0(spec, k) or intid == 32))


def _primary_value(spec, router, intid):
    """The route node 0's SetIrqTargetCore writes for another kernel's SPI (None: none)."""
    if router.profile.irq_route != "primary" or not _node0(spec, router):
        return None
    cpus = [c.name for c in spec.platform.cpus]
    value = None
    for other in spec.kernels:
        if other is router or not other.cores or intid not in {i.intid for i in other.owned_spis}:
            continue
        target = cpus.index(other.route_core(intid).name)
        if target < 8:
            value = target if spec.platform.gic.version == 2 else _route_value(spec, spec.platform.cpus[target])
    return value


def _orders(spec):
    if spec.boot_order is not None:
        return [tuple(spec.boot_order)], 1
    return itertools.permutations(spec.kernels), math.factorial(len(spec.kernels))


def _initialises(spec, order) -> list[bool]:
    done = spec.loader_gic_init
    out = []
    for k in order:
        mode = k.profile.dist_init
        init = mode == "always" or (mode == "first" and not done)
        out.append(init)
        done = done or init
    return out


def _halts(spec, order) -> list[bool]:
    """The fork's `dist_init check`: the kernel halts when nothing enabled the distributor before it."""
    done = spec.loader_gic_init
    out = []
    for k, i in zip(order, _initialises(spec, order)):
        out.append(k.profile.dist_init == "check" and not done)
        done = done or i
    return out


def gic_init_orders(spec, progress: Progress) -> dict:
    orders, total = _orders(spec)
    loader = spec.loader_gic_init
    done_orders = 0
    for order in orders:
        init = _initialises(spec, order)
        count = int(loader) + sum(init)
        seen_init = loader
        problem = None
        for pos, (k, i) in enumerate(zip(order, init)):
            if pos > 0 and (i or _masks(spec, k, None)):
                problem = "clobber"
                break
            if k.profile.dist_init in ("never", "check") and not seen_init:
                problem = "uninitialised"
                break
            seen_init = seen_init or i
        if problem is None and count >= 2:
            problem = "twice"
        if problem is None and count == 0:
            problem = "never"
        done_orders += 1
        if problem:
            return {"finished": True, "orders_done": done_orders, "orders_total": total, "failed": True,
                    "problem": problem, "order": [k.name for k in order]}
        if done_orders % 1000 == 0 and progress.update(orders_done=done_orders, orders_total=total):
            return {"finished": False, **progress.state}
    return {"finished": True, "orders_done": done_orders, "orders_total": total, "failed": False}


def irq_route_orders(spec, progress: Progress) -> dict:
    owners: dict[int, list] = {}
    for k in spec.kernels:
        for irq in k.owned_spis:
            if k not in owners.setdefault(irq.intid, []):
                owners[irq.intid].append(k)
    cpus = spec.platform.cpus
    loader_value = _route_value(spec, cpus[0]) if spec.loader_gic_init and cpus else None
    good = {i: [{_route_value(spec, c) for c in o.cores} for o in ks] for i, ks in owners.items()}
    acquire = {(k.name, i): _acquire_value(spec, k, i) for i, ks in owners.items() for k in ks}
    pending = set(owners)
    violations: dict[int, list[str]] = {}
    orders, total = _orders(spec)
    done_orders = 0
    for order in orders:
        if not pending:
            break
        init = _initialises(spec, order)
        # A kernel without a core never boots: orders in which it would reset the distributor do not happen.
        if any(i and not k.cores for k, i in zip(order, init)):
            done_orders += 1
            continue
        halts = _halts(spec, order)
        for intid in list(pending):
            mine = {o.name for o in owners[intid]}
            enabled, value = False, loader_value
            came_up = set()
            for k, i, h in zip(order, init, halts):
                if i:
                    value = _route_value(spec, k.cores[0])
                if i or _masks(spec, k, intid):
                    enabled = False
                if h:
                    continue
                came_up.add(k.name)
                if k.name in mine:
                    enabled = True
                    v = acquire[(k.name, intid)]
                    if v is not None:
                        value = v
                v = _primary_value(spec, k, intid)
                if v is not None:
                    value = v
            gic = spec.platform.gic
            # GICv3: seL4 takes Group 1 only; firmware, the loader, or a resetting kernel whose
            # port writes GICD_IGROUPR (platform `group1 sel4`, profile `group1 port`) puts it there.
            group1 = (gic.version != 3 or gic.group1 == "firmware" or spec.loader_group1
                      or any(i and gic.group1 == "sel4" and k.profile.group1 == "port" for k, i in zip(order, init)))
            ok = (enabled and group1 and mine <= came_up and intid < spec.platform.gic.lines
                  and all(value in g for g in good[intid]))
            if not ok:
                pending.discard(intid)
                violations[intid] = [k.name for k in order]
        done_orders += 1
        if done_orders % 200 == 0 and progress.update(orders_done=done_orders, orders_total=total, spis_failed=len(violations)):
            return {"finished": False, **progress.state, "failed_spis": sorted(violations)}
    return {"finished": True, "orders_done": done_orders, "orders_total": total, "failed_spis": sorted(violations),
            "spis": len(owners)}


# --------------------------------------------------------------------------- pcheck's side


def pcheck_side(spec) -> dict:
    from checker.options import Options
    from checker.prove import run_obligations

    out = {}
    for id_ in KINDS:
        t, c = time.perf_counter(), time.process_time()
        results = run_obligations(spec, Options(only=(id_,), timeout=600.0, replay=False, jobs=1))
        seconds = time.perf_counter() - t
        out[id_] = {
            "seconds": seconds,
            "cpu_seconds": time.process_time() - c,
            "failed": sorted(r.subject for r in results if r.status == "failed"),
            "statuses": sorted({r.status for r in results}),
        }
    return out


# --------------------------------------------------------------------------- processes


def worker(kind: str, path: str, timeout: float, progress_path: str | None) -> dict:
    spec = _load(path)
    t, c = time.perf_counter(), time.process_time()
    progress = Progress(progress_path, t + timeout)
    if kind == "pcheck":
        return pcheck_side(spec)
    fn = {"MEM-DISJOINT": disjoint_all_pairs, "GIC-INIT": gic_init_orders, "IRQ-ROUTE": irq_route_orders}[kind]
    try:
        out = fn(spec, progress)
    except MemoryError:
        out = {"finished": False, "reason": "out of memory", **progress.state}
    except Exception as exc:  # z3 reports allocation failures as Z3Exception
        if "memory" not in str(exc).lower():
            raise
        out = {"finished": False, "reason": "out of memory", **progress.state}
    out["seconds"] = time.perf_counter() - t
    out["cpu_seconds"] = time.process_time() - c
    return out


def _spawn(kind: str, path: str, timeout: float, memory_gib: float) -> dict:
    """Run one worker; a worker that overruns is killed and reports its last progress."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        progress_path = f.name
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", kind, path, "--timeout", str(timeout), "--progress", progress_path]

    def cap():
        import resource

        limit = int(memory_gib * (1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout + 60, preexec_fn=cap)
        wall = time.perf_counter() - t
        if p.returncode != 0:
            reason = "out of memory" if "MemoryError" in p.stderr or "memory" in p.stderr[-300:].lower() else f"exit {p.returncode}"
            out = {"finished": False, "reason": reason, "stderr": p.stderr[-1500:]}
            out.update(_read(progress_path))
        else:
            out = json.loads(p.stdout)
    except subprocess.TimeoutExpired:
        wall = time.perf_counter() - t
        out = {"finished": False, "reason": "killed at the wall-clock limit", **_read(progress_path)}
        out.setdefault("seconds", wall)
    finally:
        os.unlink(progress_path)
    out.setdefault("seconds", wall)
    return out


def _read(path: str) -> dict:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _extrapolate(kind: str, b: dict) -> float | None:
    """log10 of the seconds the baseline would take to finish, from its rate so far (work done / time)."""
    if kind == "MEM-DISJOINT":
        if b.get("phase") == "solve":
            return None  # stuck in the solver: no rate to extrapolate from
        if b.get("phase") == "enumerate" and b.get("pairs_enumerated"):
            began = b.get("enumerate_started_s", 0.0)
            rest = (b["seconds"] - began) * b["pairs_total"] / b["pairs_enumerated"]
            return math.log10(max(began + rest, 1e-9))
        done, total = b.get("pairs_built"), b.get("pairs_total")
    else:
        done, total = b.get("orders_done"), b.get("orders_total")
    if not done or not total:
        return None
    return math.log10(max(b["seconds"], 1e-9)) + math.log10(total) - math.log10(done)


def compare(path: str, timeout: float, name: str | None = None, memory_gib: float = 8.0, kinds=KINDS) -> dict:
    """pcheck and every baseline on one spec; asserts agreement where both finished."""
    mine = _spawn("pcheck", path, 3600, memory_gib)
    row = {"spec": name or os.path.basename(path), "path": path, "timeout": timeout, "kinds": {}}
    for kind in kinds:
        b = _spawn(kind, path, timeout, memory_gib)
        p = mine[kind]
        entry = {"pcheck_s": p["seconds"], "baseline_s": b["seconds"], "finished": b["finished"], "baseline": b}
        if "cpu_seconds" in b:
            entry["cpu_ratio"] = b["cpu_seconds"] / max(p["cpu_seconds"], 1e-6)
        if b["finished"]:
            entry["ratio"] = b["seconds"] / p["seconds"]
        else:
            entry["ratio_at_least"] = b["seconds"] / p["seconds"]
            entry["extrapolated_log10_s"] = _extrapolate(kind, b)
        entry["agree"] = _agree(kind, p, b)
        row["kinds"][kind] = entry
    return row


def _agree(kind: str, p: dict, b: dict) -> bool | None:
    """Whether verdicts match (None: the baseline stopped before deciding); AssertionError if they contradict."""
    if "unknown" in p["statuses"] or "internal_error" in p["statuses"]:
        return None
    if kind == "MEM-DISJOINT":
        theirs = {frozenset(pair) for pair in b.get("overlaps_found", [])}
        ours = {frozenset(s.split(",")) for s in p["failed"]}
        if b["finished"]:
            assert theirs == ours, f"MEM-DISJOINT: baseline finds {theirs}, pcheck {ours}"
            return True
        assert theirs <= ours, f"MEM-DISJOINT: baseline finds {theirs - ours} that pcheck does not"
        return None
    if kind == "GIC-INIT":
        if b["finished"]:
            assert b["failed"] == bool(p["failed"]), f"GIC-INIT: baseline failed={b['failed']}, pcheck {p['failed']}"
            return True
        assert not p["failed"] or True  # a partial enumeration that found nothing decides nothing
        return None
    theirs = {f"spi {i - 32}" for i in b.get("failed_spis", [])}
    ours = set(p["failed"])
    if b["finished"]:
        assert theirs == ours, f"IRQ-ROUTE: baseline fails {sorted(theirs)}, pcheck {sorted(ours)}"
        return True
    assert theirs <= ours, f"IRQ-ROUTE: baseline fails {sorted(theirs - ours)} that pcheck proves"
    return None


# --------------------------------------------------------------------------- output


def _big(n) -> str:
    if not isinstance(n, int):
        return "?"
    return str(n) if n < 10**6 else f"{n / 10 ** (len(str(n)) - 1):.1f}e{len(str(n)) - 1}"


def _seconds(log10_s: float) -> str:
    if log10_s < 5:
        return f"{10 ** log10_s:.0f} s"
    years = log10_s - math.log10(365.25 * 86400)
    return f"10^{log10_s:.1f} s (10^{years:.1f} years)" if years > 3 else f"{10 ** years:.1f} years"


def _cell(e: dict) -> str:
    if e["finished"]:
        cpu = f" (cpu x{e['cpu_ratio']:.3g})" if "cpu_ratio" in e else ""
        return f"{e['baseline_s']:.3f}s vs {e['pcheck_s']:.3f}s = x{e['ratio']:.3g}{cpu}"
    b = e["baseline"]
    done = (f"{b.get('pairs_built', 0)}/{b.get('pairs_total', '?')} pairs built, phase {b.get('phase', '?')}"
            if "pairs_total" in b or "phase" in b else f"{b.get('orders_done', 0)}/{_big(b.get('orders_total'))} orders")
    extra = f", ~{_seconds(e['extrapolated_log10_s'])} in all" if e.get("extrapolated_log10_s") is not None else ""
    why = b.get("reason", f"did not finish in {e['baseline_s']:.0f} s")
    return f"{why} ({done}{extra}); pcheck {e['pcheck_s']:.3f}s"


def format_row(row: dict) -> str:
    return f"{row['spec']}: " + " | ".join(f"{k} {_cell(e)}" for k, e in row["kinds"].items())


def format_table(rows: list[dict]) -> str:
    lines = ["baseline vs pcheck (ratio = baseline time / pcheck time; agree: verdicts compared)"]
    for row in rows:
        lines.append(f"  {row['spec']}")
        for kind, e in row["kinds"].items():
            agree = {True: "agree", None: "undecided", False: "DISAGREE"}[e["agree"]]
            lines.append(f"    {kind:<12} {_cell(e)}  [{agree}]")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Straightforward encodings vs pcheck (see bench/README.md).")
    p.add_argument("specs", nargs="*", help="spec files (see bench/run.py --keep for generated ones)")
    p.add_argument("--timeout", type=float, default=600.0, help="wall-clock limit per baseline (default 600 s)")
    p.add_argument("--memory-gib", type=float, default=8.0, help="address-space cap per baseline process")
    p.add_argument("--only", help="comma list of MEM-DISJOINT,GIC-INIT,IRQ-ROUTE")
    p.add_argument("--agree", action="store_true", help="compare verdicts on every spec in specs/ that loads")
    p.add_argument("--json", metavar="FILE")
    p.add_argument("--worker", nargs=2, metavar=("KIND", "SPEC"), help=argparse.SUPPRESS)
    p.add_argument("--progress", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        json.dump(worker(args.worker[0], args.worker[1], args.timeout, args.progress), sys.stdout)
        return 0
    kinds = tuple(args.only.split(",")) if args.only else KINDS
    specs = list(args.specs)
    if args.agree:
        sys.path.insert(0, ROOT)
        import checker

        specs += [s for s in sorted(glob.glob(os.path.join(ROOT, "specs", "*.mk"))) if checker.load(s).ok]
    rows = []
    for path in specs:
        rows.append(compare(path, args.timeout, memory_gib=args.memory_gib, kinds=kinds))
        print(format_row(rows[-1]), file=sys.stderr, flush=True)
    print(format_table(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
