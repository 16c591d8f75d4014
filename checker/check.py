"""Run the obligations on a Spec: one solver session per family, waivers, stale waivers.

This is the stage between a resolved Spec and a Report. It knows nothing of
z3 beyond handing each obligation its `Session`.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from attrs import evolve, frozen

from checker.diagnostics import Diagnostic, warning
from checker.encode import Session
from checker.obligations import registered
from checker.result import FAILED, INTERNAL_ERROR, WAIVED, Result
from checker.spec import Spec


@frozen
class Options:
    """How to check: which obligations, per-query timeout, where to dump SMT-LIB."""

    only: tuple[str, ...] = ()
    timeout: float | None = 30.0
    dump_smt: str | None = None
    replay: bool = True
    cross_check: bool = False  # re-solve every query with cvc5
    rlimit: int | None = None  # z3 resource limit per query (deterministic, unlike a timeout)


def _selected(only: Iterable[str]) -> list:
    wanted = set(only)
    return [ob for ob in registered() if not wanted or ob.id in wanted]


def run_obligations(spec: Spec, options: Options) -> list[Result]:
    """Every selected obligation's results, in catalogue order, each timed."""
    sessions: dict[str, Session] = {}
    results: list[Result] = []
    for ob in _selected(options.only):
        session = sessions.get(ob.family)
        if session is None:
            session = sessions[ob.family] = Session(
                ob.family, options.timeout, options.dump_smt, options.cross_check, options.rlimit
            )
        start = time.perf_counter()
        seen = len(session.disagreements)
        try:
            found = ob.check(spec, session)
        except AssertionError as exc:  # an encoding invariant broke: a pcheck bug, not a verdict
            found = [Result(ob.id, "all", INTERNAL_ERROR, f"internal error in {ob.id}: {exc}", spec.platform.span)]
        found += [
            Result(ob.id, label.partition(" ")[2] or "all", INTERNAL_ERROR,
                   f"internal error: Z3 answered {mine} but cvc5 answered {theirs} on query '{label}'", spec.platform.span)
            for label, mine, theirs in session.disagreements[seen:]
        ]
        elapsed = time.perf_counter() - start
        share = elapsed / max(1, len(found))
        results += [evolve(r, seconds=share) for r in found]
    return results


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
