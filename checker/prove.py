"""Run the obligations on a Spec: one solver session per family, families in parallel, waivers.

This is the stage between a resolved Spec and a Report. Each obligation's
results come from `checker.obligations.base.run`, the framework's one loop;
this module decides which obligations run, in which process and session.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable

from attrs import evolve

from checker.diagnostics import Diagnostic, warning
from checker.obligations import OBLIGATION_IDS, OBLIGATIONS, Obligation
from checker.obligations.base import run
from checker.options import Options
from checker import workers
from checker.result import FAILED, INTERNAL_ERROR, WAIVED, Result
from checker.spec import Spec

__all__ = ["Options", "run_obligations", "apply_waivers", "PARALLEL_FROM", "INCREMENTAL_BELOW"]

# Specs with fewer items (kernels, RAM slices, shared regions, channels,
# devices) than this are checked in one process whatever `jobs` says.
PARALLEL_FROM = 400
# Below this many items, each family runs all its queries on one incremental
# solver (see "Two ways to solve" in encode.py); every realistic spec does.
INCREMENTAL_BELOW = 400


def _selected(only: Iterable[str]) -> list[Obligation]:
    wanted = set(only)
    return [ob for ob in OBLIGATIONS if not wanted or ob.id in wanted]


def _run_family(spec: Spec, ids: tuple[str, ...], options: Options) -> list[Result]:
    """The obligations of one family, in catalogue order, sharing one solver session."""
    from checker.encode import Session  # z3: only once something is proved

    session = None
    results: list[Result] = []
    for ob in _selected(ids):
        if session is None:
            session = Session(
                ob.family, options.timeout, options.dump_smt, options.cross_check, options.rlimit,
                incremental=size(spec) < INCREMENTAL_BELOW,
            )
        if options.progress is not None:
            options.progress(ob.id)
        start = time.perf_counter()
        seen = len(session.disagreements)
        found = run(ob, spec, session)
        found += [
            Result(ob.id, label.partition(" ")[2] or "all", INTERNAL_ERROR,
                   f"internal error: Z3 answered {mine} but cvc5 answered {theirs} on query '{label}'", spec.platform.span)
            for label, mine, theirs in session.disagreements[seen:]
        ]
        share = (time.perf_counter() - start) / max(1, len(found))
        results += [evolve(r, seconds=share) for r in found]
    if session is not None:
        session.close()  # frees its z3 context before the next family makes one
    return results


def families(only: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Family -> its selected obligation IDs, in catalogue order."""
    out: dict[str, list[str]] = {}
    for ob in _selected(only):
        out.setdefault(ob.family, []).append(ob.id)
    return {f: tuple(ids) for f, ids in out.items()}


def size(spec: Spec) -> int:
    """The number of items that decides how a spec is checked (see PARALLEL_FROM, INCREMENTAL_BELOW)."""
    return len(spec.kernels) + sum(len(k.ram) for k in spec.kernels) + len(spec.shared) + len(spec.channels) + len(spec.platform.devices)


def run_family(spec: Spec, family: str, options: Options) -> list[Result]:
    """One family's results, exactly as `run_obligations` computes them (the benchmark times this)."""
    return _run_family(spec, families(options.only)[family], options)


def _checked_family(spec: Spec, ids: tuple[str, ...], options: Options) -> list[Result]:
    """One family's results, each failure replayed on the model when `options.replay`
    (checker.replay.confirm_all): in the family's worker, so replays run in parallel too."""
    results = _run_family(spec, ids, options)
    if options.replay and any(r.status == FAILED for r in results):
        from checker.replay import confirm_all  # loads the reference model (~50 ms): only when a failure needs it

        results = confirm_all(spec, results)
    return results


def run_obligations(spec: Spec, options: Options) -> list[Result]:
    """Every selected obligation's results, in catalogue order, each timed, every failure
    replayed on the model (unless `options.replay` is off).

    Families are independent (each has its own z3 context), so with
    `options.jobs` > 1 they run in parallel worker processes. Small specs
    always run in this process: starting workers costs more than they save.
    """
    by_id = families(options.only)
    jobs = min(options.jobs or os.cpu_count() or 1, len(by_id))
    if jobs <= 1 or size(spec) < PARALLEL_FROM:
        by_family = {f: _checked_family(spec, ids, options) for f, ids in by_id.items()}
    else:
        # Imported here: most specs are checked in one process, and these cost ~20 ms of start-up.
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        worker_options = evolve(options, progress=None)
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=workers.start, initargs=(os.getpid(),))
        try:
            futures = {f: pool.submit(_checked_family, spec, ids, worker_options) for f, ids in by_id.items()}
            by_family = {}
            for f, future in futures.items():
                if options.progress is not None:
                    options.progress(f"{f} family")
                by_family[f] = future.result()
        except BaseException:
            # Ctrl-C, SIGTERM/SIGHUP (checker.cli turns them into exceptions), or an error: the
            # workers' results are no longer wanted, so end them now instead of waiting for them.
            workers.end(pool)
            raise
        pool.shutdown(wait=True)
    order = {id_: n for n, id_ in enumerate(OBLIGATION_IDS)}
    results = [r for rs in by_family.values() for r in rs]
    return sorted(results, key=lambda r: order[r.id])  # stable: each obligation keeps its own order


def apply_waivers(spec: Spec, results: list[Result]) -> tuple[list[Result], list[Diagnostic]]:
    """Turn failures matched by an `allow` into WAIVED; report waivers that match nothing."""
    used: set[int] = set()
    out = []
    for result in results:
        match = None
        if result.status == FAILED:
            names = result.subject_names()
            match = next(
                (n for n, w in enumerate(spec.waivers) if w.obligation == result.id and w.subject in names), None
            )
        if match is None:
            out.append(result)
            continue
        used.add(match)
        out.append(evolve(result, status=WAIVED, waiver=spec.waivers[match].reason))
    stale = [
        warning("W001", f"`allow {w.obligation} for {w.subject}` matches no failure; remove it or fix its name", w.span)
        for n, w in enumerate(spec.waivers)
        if n not in used and (w.obligation in {r.id for r in results})
    ]
    return out, stale
