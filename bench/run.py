"""Time every stage of pcheck on realistic and synthetic specs, with peak memory.

    python bench/run.py --sizes realistic,small,medium,growth --runs 3 --json bench/out.json
    python bench/run.py --sizes large --runs 2

Per spec and run, two fresh processes (so the checker is always imported
fresh, whatever is being edited in checker/ meanwhile):

* a *stage worker* (`bench/run.py --worker SPEC`) that times, in process:
  parse (read + parse every file, `checker.sources.load_path`), resolve
  (`checker.resolve.resolve`), each obligation family
  (`checker.prove.run_family`, the function `pcheck` itself runs per family,
  sessions and solver mode included) and replay
  (loading the model and `checker.replay.confirm_all` of the failed results),
  and reads ru_maxrss after each stage;
* the *whole process* `python -m checker SPEC --format json -o /dev/null`,
  timed from fork to exit (interpreter start included), its peak RSS read
  with os.wait4. checker/ and model/ are byte-compiled first, as
  `pip install` does, so no run pays for compiling them.

Once per spec, when `perf` is installed, one more whole process is run under
`perf stat` to count its CPU instructions: a number that, unlike time,
hardly depends on the machine's state.

Medians over `--runs` are reported. The `growth` series doubles kernels,
regions, SPIs and channels together (16..256 kernels) and fits the exponent
of whole-process time against size by log-log least squares.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform as _platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PYTHON = sys.executable

REALISTIC = ["specs/imx8mm-two-kernels.mk", "specs/rock3b-mailbox.mk", "specs/qemu-v2-two-stock-sel4.mk"]
GROWTH_KERNELS = [16, 32, 64, 128, 256]


# --------------------------------------------------------------------------- specs


def _growth_size(k: int, mix: str = "loader"):
    """Proportional to `large` (256 kernels, 4096 regions, 960 SPIs, 2048 channels)."""
    sys.path.insert(0, HERE)
    import generate

    return generate.Size(kernels=k, regions=16 * k, spis=min(960, 960 * k // 256), channels=8 * k, mix=mix)


def materialise(sizes: list[str], workdir: str, growth: list[int]) -> list[dict]:
    """The specs to measure: [{name, group, path, kernels}]."""
    sys.path.insert(0, HERE)
    import generate

    out = []
    for group in sizes:
        if group == "realistic":
            out += [{"name": os.path.basename(p), "group": "realistic", "path": os.path.join(ROOT, p), "size": None} for p in REALISTIC]
        elif group in generate.SIZES:
            out.append(_generated(group, "preset", generate.SIZES[group], workdir))
        elif group == "growth":
            out += [_generated(f"growth-{k}", "growth", _growth_size(k), workdir) for k in growth]
        elif group == "mixes":
            # Every profile mix at every growth size: the boot-order obligations without a
            # loader, every SPI failing (upstream), smp kernels, trigger races (issue 12).
            out += [_generated(f"{mix}-{k}", f"mix:{mix}", _growth_size(k, mix), workdir)
                    for mix in generate.MIXES for k in growth]
        else:
            raise SystemExit(f"unknown size {group!r}")
    return out


def _generated(name: str, group: str, size, workdir: str) -> dict:
    import generate

    path = os.path.join(workdir, f"{name}.mk")
    with open(path, "w") as f:
        f.write(generate.generate(size))
    return {
        "name": name,
        "group": group,
        "path": path,
        "size": {"kernels": size.kernels, "regions": size.regions, "spis": size.spis, "channels": size.channels, "gic": size.gic,
                 "mix": size.mix},
    }


# --------------------------------------------------------------------------- worker


def _rss_kib() -> int:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def worker(path: str, timeout: float) -> dict:
    """Time each stage in this (fresh) process."""
    t0 = time.perf_counter()
    import checker.encode  # noqa: F401  (the checking stack: z3, lark, attrs, the obligations)
    import checker.sources  # noqa: F401
    from attrs import evolve

    from checker import sources as reading
    from checker.options import Options
    from checker.prove import families, run_family
    from checker.resolve import resolve
    from checker.result import FAILED, INTERNAL_ERROR

    out: dict = {"import": time.perf_counter() - t0, "rss_kib": {"import": _rss_kib()}, "cpu": {}}
    c = time.process_time()

    t = time.perf_counter()
    sources = reading.load_path(path)
    out["parse"] = time.perf_counter() - t
    out["cpu"]["parse"], c = time.process_time() - c, time.process_time()
    out["rss_kib"]["parse"] = _rss_kib()
    out["files"] = len(sources.files)
    out["bytes"] = sum(len(v) for v in sources.texts.values())
    errors = [d for d in sources.diagnostics if d.is_error]
    if errors:
        raise SystemExit(f"{path}: parse errors: {errors[0]}")

    t = time.perf_counter()
    spec, diags = resolve(list(sources.files), sources.root)
    out["resolve"] = time.perf_counter() - t
    out["cpu"]["resolve"], c = time.process_time() - c, time.process_time()
    out["rss_kib"]["resolve"] = _rss_kib()
    if spec is None:
        raise SystemExit(f"{path}: resolve errors: {[str(d) for d in diags][:3]}")
    spec = evolve(spec, sources=dict(sources.texts))

    # The same entry point `pcheck` runs, one family at a time (checker.prove.run_family).
    options = Options(timeout=timeout, replay=False)
    out["families"], out["obligations"], out["methods"], out["statuses"] = {}, {}, {}, {}
    results = []
    for family in families(()):
        t = time.perf_counter()
        found = run_family(spec, family, options)
        out["families"][family] = time.perf_counter() - t
        out["cpu"][family], c = time.process_time() - c, time.process_time()
        for r in found:
            out["obligations"][r.id] = out["obligations"].get(r.id, 0.0) + r.seconds
            out["statuses"].setdefault(r.id, {}).setdefault(str(r.status), 0)
            out["statuses"][r.id][str(r.status)] += 1
            out["methods"].setdefault(r.id, {}).setdefault(str(r.method), 0)
            out["methods"][r.id][str(r.method)] += 1
        results += found
        out["rss_kib"][f"family:{family}"] = _rss_kib()
    out["prove"] = sum(out["families"].values())

    # As checker.check does: the reference model is loaded only when something
    # failed, and loading it is part of this stage.
    t = time.perf_counter()
    confirmed = results
    if any(r.status == FAILED for r in results):
        from checker.replay import confirm_all

        confirmed = confirm_all(spec, results)
    out["replay"] = time.perf_counter() - t
    out["cpu"]["replay"] = time.process_time() - c
    out["replayed"] = sum(1 for r in results if r.status == FAILED)
    out["internal_errors"] = sum(1 for r in confirmed if r.status == INTERNAL_ERROR)
    out["rss_kib"]["replay"] = _rss_kib()
    out["in_process"] = out["parse"] + out["resolve"] + out["prove"] + out["replay"]
    out["peak_kib"] = _rss_kib()
    # Parse again, warm: the first parse also builds the LALR parser (a fixed cost per process).
    t = time.perf_counter()
    reading.load_path(path)
    out["parse_warm"] = time.perf_counter() - t
    return out


# --------------------------------------------------------------------------- driver


def cli_supports_jobs() -> str | None:
    """The CLI's jobs flag (`-j`/`--jobs`) if `python -m checker --help` lists one."""
    help_text = subprocess.run([PYTHON, "-m", "checker", "--help"], cwd=ROOT, capture_output=True, text=True).stdout
    for flag in ("--jobs", "-j"):
        if f" {flag} " in help_text or f" {flag}," in help_text or f"[{flag} " in help_text:
            return flag
    return None


def byte_compile() -> None:
    """Byte-compile checker/ and model/, as `pip install` does.

    With PYTHONDONTWRITEBYTECODE set, nothing else writes __pycache__, and every
    process would compile every module again (~60 ms) before doing any work.
    Up-to-date files are only checked, so this is cheap to repeat.
    """
    dirs = [os.path.join(ROOT, d) for d in ("checker", "model")]
    subprocess.run([PYTHON, "-m", "compileall", "-q", *dirs], check=True)


def _process_cmd(path: str, jobs_flag: str | None, jobs: int | None) -> list[str]:
    cmd = [PYTHON, "-m", "checker", path, "--format", "json", "-o", os.devnull]
    if jobs_flag and jobs:
        cmd += [jobs_flag, str(jobs)]
    return cmd


def count_instructions(path: str, jobs_flag: str | None, jobs: int | None) -> int | None:
    """CPU instructions of one whole pcheck process, from `perf stat`; None without perf.

    Wall and CPU time of the same run move by up to 80% with this machine's
    state; the instruction count moves by about 1%, so it is the number to
    compare between commits. Counted in a run of its own, so perf never
    sits in the timed runs.
    """
    if shutil.which("perf") is None:
        return None
    cmd = ["perf", "stat", "-x", ",", "-e", "instructions", "--", *_process_cmd(path, jobs_flag, jobs)]
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr.splitlines():
        fields = line.split(",")
        if len(fields) > 2 and fields[2].startswith("instructions") and fields[0].isdigit():
            return int(fields[0])
    return None  # perf without access to the counter ("<not supported>", "<not counted>")


def run_process(path: str, jobs_flag: str | None, jobs: int | None, timeout: float | None) -> dict:
    """The whole pcheck process: wall time from fork to exit and its own peak RSS."""
    cmd = _process_cmd(path, jobs_flag, jobs)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"pcheck exited {proc.returncode} on {path}:\n{err[-2000:]}")
    return {"wall": wall, "exit": proc.returncode, "peak_kib": usage.ru_maxrss, "user": usage.ru_utime, "sys": usage.ru_stime}


def run_worker(path: str, timeout: float) -> dict:
    cmd = [PYTHON, os.path.abspath(__file__), "--worker", path, "--query-timeout", str(timeout)]
    p = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"stage worker failed on {path}:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout)


def _median_tree(samples: list):
    """Median of numbers, key by key through nested dicts."""
    first = samples[0]
    if isinstance(first, dict):
        return {k: _median_tree([s[k] for s in samples if k in s]) for k in first}
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return statistics.median(samples)
    return first


def measure(spec: dict, runs: int, args, jobs_flag) -> dict:
    byte_compile()  # again for every spec: checker/ may be edited while benchmarks run
    stages, procs = [], []
    for n in range(runs):
        if not args.no_stages:
            stages.append(run_worker(spec["path"], args.query_timeout))
        if not args.no_process:
            procs.append(run_process(spec["path"], jobs_flag, args.jobs, None))
        print(f"  {spec['name']} run {n + 1}/{runs}: "
              + (f"stages {stages[-1]['in_process']:.2f}s " if stages else "")
              + (f"process {procs[-1]['wall']:.2f}s" if procs else ""), file=sys.stderr, flush=True)
    return {
        **spec,
        "runs": runs,
        "stages": _median_tree(stages) if stages else None,
        "stage_runs": stages,
        "process": _median_tree(procs) if procs else None,
        "process_runs": procs,
        "process_instructions": None if args.no_process else count_instructions(spec["path"], jobs_flag, args.jobs),
    }


# --------------------------------------------------------------------------- reporting


def fit_exponent(points: list[tuple[float, float]]) -> dict:
    """Least squares of log t = a + b log n: b, the per-doubling ratio 2^b, and successive ratios."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    ratios = [points[i + 1][1] / points[i][1] for i in range(len(points) - 1)]
    return {"exponent": b, "per_doubling": 2 ** b, "successive_ratios": ratios, "points": points}


def _fmt_s(v) -> str:
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 10 else f"{v:.1f}"


def table(results: list[dict]) -> str:
    families: list[str] = []
    for r in results:
        for f in (r["stages"] or {}).get("families", {}):
            if f not in families:
                families.append(f)
    head = ["spec", "import", "parse", "(warm)", "resolve"] + families + ["prove", "replay", "in-proc", "process", "proc cpu", "G instr", "peak MiB", "proc MiB"]
    rows = [head]
    for r in results:
        s, p = r["stages"] or {}, r["process"] or {}
        fam = s.get("families", {})
        rows.append(
            [r["name"], _fmt_s(s.get("import")), _fmt_s(s.get("parse")), _fmt_s(s.get("parse_warm")), _fmt_s(s.get("resolve"))]
            + [_fmt_s(fam.get(f)) for f in families]
            + [_fmt_s(s.get("prove")), _fmt_s(s.get("replay")), _fmt_s(s.get("in_process")), _fmt_s(p.get("wall")),
               _fmt_s(p["user"] + p["sys"]) if p else "-",
               f"{r['process_instructions'] / 1e9:.3f}" if r.get("process_instructions") else "-",
               f"{s['peak_kib'] / 1024:.0f}" if s else "-", f"{p['peak_kib'] / 1024:.0f}" if p else "-"]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def cpu_table(results: list[dict]) -> str:
    """The same stages in CPU seconds (time.process_time): steadier when other jobs share the cores."""
    rows = [r for r in results if r["stages"] and "cpu" in r["stages"]]
    if not rows:
        return ""
    stages = [k for k in rows[0]["stages"]["cpu"] if not k.startswith("ob:")]
    head = ["cpu seconds"] + stages + ["in-proc", "proc cpu"]
    out = [head]
    for r in rows:
        c = r["stages"]["cpu"]
        total = sum(v for k, v in c.items() if not k.startswith("ob:"))
        p = r["process"]
        out.append([r["name"]] + [_fmt_s(c.get(k)) for k in stages] + [_fmt_s(total), _fmt_s(p["user"] + p["sys"]) if p else "-"])
    widths = [max(len(row[i]) for row in out) for i in range(len(head))]
    lines = ["  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))) for row in out]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def summary(results: list[dict]) -> dict:
    out: dict = {}
    growth = [r for r in results if r["group"] == "growth" and r["process"]]
    if len(growth) >= 2:
        out["growth_process"] = fit_exponent([(r["size"]["kernels"], r["process"]["wall"]) for r in growth])
    if len(growth) >= 2:
        out["growth_process_cpu"] = fit_exponent([(r["size"]["kernels"], r["process"]["user"] + r["process"]["sys"]) for r in growth])
    growth_s = [r for r in results if r["group"] == "growth" and r["stages"]]
    if len(growth_s) >= 2:
        out["growth_in_process"] = fit_exponent([(r["size"]["kernels"], r["stages"]["in_process"]) for r in growth_s])
    mixes: dict[str, list[dict]] = {}
    for r in results:
        if r["group"].startswith("mix:") and r["process"]:
            mixes.setdefault(r["group"][4:], []).append(r)
    for mix, rs in mixes.items():
        entry = {"largest": rs[-1]["size"]["kernels"], "process_s": rs[-1]["process"]["wall"],
                 "peak_mib": rs[-1]["process"]["peak_kib"] / 1024}
        if len(rs) >= 2:
            entry["fit"] = fit_exponent([(r["size"]["kernels"], r["process"]["wall"]) for r in rs])
        out.setdefault("mixes", {})[mix] = entry
    if "upstream" in mixes and "mk-noloader" in mixes:
        # Every SPI fails IRQ-ROUTE under upstream kernels; mk-noloader is the same system with sel4-mk ones.
        pairs = zip(mixes["upstream"], mixes["mk-noloader"])
        out["all_spis_failing_over_none"] = {a["size"]["kernels"]: a["process"]["wall"] / b["process"]["wall"] for a, b in pairs}
    for r in results:
        if r["name"] in ("large", "growth-256") and r["stages"]:
            s = r["stages"]
            out["large_prove_over_parse_resolve"] = s["prove"] / (s["parse"] + s["resolve"])
            ranked = sorted(
                [("parse", s["parse"]), ("resolve", s["resolve"]), ("replay", s["replay"])]
                + [(f"obligation {k}", v) for k, v in s["obligations"].items()],
                key=lambda kv: -kv[1],
            )
            out["large_top_stages"] = [(k, round(v, 3), round(v / s["in_process"], 3)) for k, v in ranked[:6]]
            c = s.get("cpu", {})
            if c:
                fams = sum(v for k, v in c.items() if k in s["families"])
                out["large_prove_over_parse_resolve_cpu"] = fams / (c["parse"] + c["resolve"])
            break
    return out


def _git_state() -> dict:
    """The commit measured and the files that differ from it (checker/ may be edited while benchmarks run)."""
    def git(*a):
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {"head": git("rev-parse", "HEAD"), "dirty": git("status", "--short", "--untracked-files=no").splitlines()}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Time pcheck's stages (see bench/README.md).")
    p.add_argument("--sizes", default="realistic,small,medium", help="comma list of realistic,small,medium,large,growth,mixes")
    p.add_argument("--runs", type=int, default=3, help="runs per spec; medians are reported (default 3)")
    p.add_argument("--growth", default=",".join(map(str, GROWTH_KERNELS)), help="kernel counts of the growth series")
    p.add_argument("--query-timeout", type=float, default=30.0, help="per solver query, as pcheck --timeout (default 30)")
    p.add_argument("-j", "--jobs", type=int, help="passed to pcheck if its CLI has a jobs option")
    p.add_argument("--no-stages", action="store_true", help="only time the whole process")
    p.add_argument("--no-process", action="store_true", help="only time the stages in process")
    p.add_argument("--baseline", action="store_true", help="also run bench/baseline.py on the same specs")
    p.add_argument("--timeout", type=float, default=600.0, help="wall-clock limit of each baseline (default 600 s)")
    p.add_argument("--json", metavar="FILE", help="write every measurement here")
    p.add_argument("--keep", metavar="DIR", help="write the generated specs here (default: a temporary dir)")
    p.add_argument("--worker", metavar="SPEC", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.worker:
        sys.path.insert(0, ROOT)
        json.dump(worker(args.worker, args.query_timeout), sys.stdout)
        return 0

    jobs_flag = cli_supports_jobs()
    if args.jobs and not jobs_flag:
        print("note: `python -m checker --help` lists no jobs option; -j is ignored", file=sys.stderr)
    workdir = args.keep or tempfile.mkdtemp(prefix="pcheck-bench-")
    os.makedirs(workdir, exist_ok=True)
    specs = materialise(args.sizes.split(","), workdir, [int(k) for k in args.growth.split(",")])

    results, cache = [], {}
    for spec in specs:
        digest = hashlib.sha256(open(spec["path"], "rb").read()).hexdigest()
        if digest in cache:  # growth-256 is `large`: measure once
            results.append({**cache[digest], "name": spec["name"], "group": spec["group"], "size": spec["size"]})
            continue
        print(f"measuring {spec['name']}", file=sys.stderr, flush=True)
        cache[digest] = measure(spec, args.runs, args, jobs_flag)
        results.append(cache[digest])

    baselines = []
    if args.baseline:
        sys.path.insert(0, HERE)
        import baseline

        for r in results:
            if r["group"] == "growth" and r["size"] and r["size"]["kernels"] not in (16,):
                continue
            baselines.append(baseline.compare(r["path"], args.timeout, r["name"]))
            print(baseline.format_row(baselines[-1]), file=sys.stderr, flush=True)

    print(table(results))
    print()
    print(cpu_table(results))
    facts = summary(results)
    for key in ("growth_process", "growth_process_cpu", "growth_in_process"):
        if key in facts:
            g = facts[key]
            print(f"{key}: time ~ n^{g['exponent']:.2f}; x{g['per_doubling']:.2f} per doubling "
                  f"(successive: {', '.join(f'{x:.2f}' for x in g['successive_ratios'])})")
    for mix, m in facts.get("mixes", {}).items():
        fit = m.get("fit")
        print(f"mix {mix}: {m['largest']} kernels {m['process_s']:.2f}s, {m['peak_mib']:.0f} MiB"
              + (f"; time ~ n^{fit['exponent']:.2f}, x{fit['per_doubling']:.2f} per doubling "
                 f"(successive: {', '.join(f'{x:.2f}' for x in fit['successive_ratios'])})" if fit else ""))
    if "all_spis_failing_over_none" in facts:
        print("every SPI failing (upstream) / none failing (mk-noloader): "
              + ", ".join(f"{k} kernels x{v:.2f}" for k, v in facts["all_spis_failing_over_none"].items()))
    if "large_prove_over_parse_resolve" in facts:
        print(f"large: proving / (parse+resolve) = {facts['large_prove_over_parse_resolve']:.1f} (wall), "
              f"{facts.get('large_prove_over_parse_resolve_cpu', float('nan')):.1f} (cpu)")
        print("large: top stages: " + "; ".join(f"{k} {v}s ({share:.0%})" for k, v, share in facts["large_top_stages"]))
    if baselines:
        import baseline

        print(baseline.format_table(baselines))
    if args.json:
        meta = {
            "python": sys.version.split()[0],
            "machine": _platform.platform(),
            "cpus": os.cpu_count(),
            "loadavg_at_end": os.getloadavg(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "jobs_flag": jobs_flag,
            "git": _git_state(),
            "args": vars(args),
        }
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results, "summary": facts, "baselines": baselines}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
