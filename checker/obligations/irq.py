"""IRQ-EXCL and IRQ-RANGE: who owns each SPI, and whether it exists on this GIC."""

from __future__ import annotations

import z3

from checker.encode import Session
from checker.obligations.base import at, failed, obligation, proved, unknown
from checker.result import Place, Result
from checker.spec import MAX_INTID, Irq, Kernel, Spec, describe_intid, spi_subject


def spis_in_spec(spec: Spec) -> dict[int, Irq]:
    """Every SPI the spec mentions (devices and kernels), first mention kept, by INTID."""
    found: dict[int, Irq] = {}
    for dev in spec.platform.devices:
        for irq in dev.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    for kernel in spec.kernels:
        for irq in kernel.irqs:
            if irq.is_spi:
                found.setdefault(irq.intid, irq)
    return dict(sorted(found.items()))


@obligation("IRQ-EXCL", "ownership")
def irq_excl(spec: Spec, session: Session) -> list[Result]:
    """No SPI is owned by two kernels (a device's SPIs are its owner's)."""
    kernels = spec.kernels
    owned: dict[int, list[int]] = {}
    for n, k in enumerate(kernels):
        for intid in dict.fromkeys(o.intid for o in k.owned_spis):
            owned.setdefault(intid, []).append(n)
    spis = {intid: irq for intid, irq in spis_in_spec(spec).items() if intid in owned}
    queries = {}
    for intid in spis:
        queries[intid] = session.at_least_two(owned[intid], tag=f"_{intid}")
    outcomes = session.check_each(queries, "IRQ-EXCL")
    results = []
    for intid, irq in spis.items():
        subject = spi_subject(intid)
        outcome = outcomes[intid]
        if outcome.status == "unknown":
            results.append(unknown("IRQ-EXCL", subject, irq.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IRQ-EXCL", subject, irq.span, f"{describe_intid(intid)} has one owner"))
        else:
            a, b = [kernels[int(m.removeprefix("member"))] for m, v in outcome.values.items() if v][:2]
            spans = [_claim(a, intid), _claim(b, intid)]
            message = (
                f"{describe_intid(intid)} is owned by kernel {a.name}{at(spans[0])} and by kernel {b.name}{at(spans[1])}"
            )
            cex = {"intid": intid, "spi": intid - 32, "kernels": [a.name, b.name]}
            places = [Place(f"{a.name} claims it", spans[0]), Place(f"{b.name} claims it", spans[1])]
            results.append(failed("IRQ-EXCL", subject, message, spans[1], cex, places, [], {"kind": "spi-shared", "intid": intid}))
    return results


def _claim(kernel, intid: int):
    """Where a kernel's claim on an SPI is written (its irq line, or the device line)."""
    return next((irq.span for irq in kernel.owned_spis if irq.intid == intid), kernel.span)


@obligation("IRQ-RANGE", "ownership")
def irq_range(spec: Spec, session: Session) -> list[Result]:
    """Every SPI is below the GIC's `lines` and at most INTID 1019."""
    lines = spec.platform.gic.lines
    spis = spis_in_spec(spec)
    queries = {}
    for intid in spis:
        value = session.num(intid)
        cases = {"lines": z3.UGE(value, session.num(lines)), "limit": z3.UGT(value, session.num(MAX_INTID))}
        queries[intid] = (session.any_of(cases.values()), cases)
    outcomes = session.check_each(queries, "IRQ-RANGE")
    results = []
    for intid, irq in spis.items():
        subject = spi_subject(intid)
        outcome = outcomes[intid]
        if outcome.status == "unknown":
            results.append(unknown("IRQ-RANGE", subject, irq.span, outcome))
        elif outcome.status == "unsat":
            results.append(proved("IRQ-RANGE", subject, irq.span, f"{describe_intid(intid)} exists on this GIC"))
        else:
            why = (
                f"INTIDs above {MAX_INTID} are special or unsupported by seL4"
                if outcome.values["limit"]
                else f"the GIC implements INTIDs 0..{lines - 1} (lines {lines})"
            )
            message = f"{describe_intid(intid)}{at(irq.span)} does not exist: {why}"
            cex = {"intid": intid, "spi": intid - 32, "lines": lines}
            results.append(failed("IRQ-RANGE", subject, message, irq.span, cex, [Place(subject, irq.span)], [], {"kind": "spi-range", "intid": intid}))
    return results


# ------------------------------------------------------------------ IRQ-TRIGGER


def runtime_triggers(spec: Spec) -> list[tuple[Irq, Kernel]]:
    """SPIs whose owner configures a trigger mode at run time (one GICD_ICFGR read-modify-write each).

    Only SPIs that exist: seL4 refuses setIRQTrigger on an INTID above
    maxIRQ (seL4_RangeError) before touching GICD_ICFGR, so a nonexistent
    SPI cannot race; IRQ-RANGE reports it. (Found by the differential
    test: two kernels' SPI 37 on a 64-line GIC was reported as a race.)
    """
    lines = spec.platform.gic.lines
    return [
        (irq, k)
        for k in spec.kernels
        if k.profile.trigger_config == "runtime"
        for irq in k.owned_spis
        if irq.trigger is not None and irq.intid < lines and irq.intid <= MAX_INTID
    ]


@obligation("IRQ-TRIGGER", "ownership")
def irq_trigger(spec: Spec, session: Session) -> list[Result]:
    """No two kernels can race on one GICD_ICFGR word at run time.

    For a pair of configurations (i, j) by different kernels in the same word
    (16 INTIDs each), the query looks for times r_i < w_i and r_j < w_j (read
    and write of each read-modify-write, all distinct) such that one write
    lands between the other's read and write: the later write then puts back
    a stale word and the earlier kernel's update is lost. Pairs are symbolic
    indices; each kernel pair found is blocked and the query repeated, so
    every racing kernel pair is listed.
    """
    s = session
    entries = runtime_triggers(spec)
    kernels = list(spec.kernels)
    if len(entries) < 2:
        return [proved("IRQ-TRIGGER", "all", spec.platform.span, "no two kernels configure triggers in one ICFGR word")]
    words = [irq.intid // 16 for irq, _ in entries]
    owners = [kernels.index(k) for _, k in entries]
    i, j, ordered = s.index_pair(len(entries))
    ki, kj = s.lookup(i, owners, 16), s.lookup(j, owners, 16)
    r_i, w_i, r_j, w_j = (s.int_var(n) for n in ("read_i", "write_i", "read_j", "write_j"))
    lost_i = z3.And(r_j < w_i, w_i < w_j)  # j read before i wrote, and wrote after: i's update is gone
    lost_j = z3.And(r_i < w_j, w_j < w_i)
    base = s.all_of([
        ordered,
        s.lookup(i, words, 16) == s.lookup(j, words, 16),
        ki != kj,
        r_i < w_i,
        r_j < w_j,
        z3.Distinct(r_i, w_i, r_j, w_j),
        z3.Or(lost_i, lost_j),
    ])
    reads = {"i": i, "j": j, "r_i": r_i, "w_i": w_i, "r_j": r_j, "w_j": w_j, "lost_i": lost_i}
    results: list[Result] = []
    blocked = [base]
    while True:
        outcome = s.check(s.all_of(blocked), reads, "IRQ-TRIGGER")
        if outcome.status == "unknown":
            results.append(unknown("IRQ-TRIGGER", "all", spec.platform.span, outcome))
            break
        if outcome.status == "unsat":
            break
        v = outcome.values
        results.append(_trigger_failure(spec, entries[v["i"]], entries[v["j"]], v))
        a, b = owners[v["i"]], owners[v["j"]]
        # One result per kernel pair: block every entry pair of these two kernels.
        blocked.append(z3.Not(z3.Or(z3.And(ki == s.num(a, 16), kj == s.num(b, 16)), z3.And(ki == s.num(b, 16), kj == s.num(a, 16)))))
    if not results:
        results.append(proved("IRQ-TRIGGER", "all", spec.platform.span, "no two kernels configure triggers in one ICFGR word"))
    return results


def _trigger_failure(spec: Spec, first: tuple[Irq, Kernel], second: tuple[Irq, Kernel], v: dict) -> Result:
    (irq_i, k_i), (irq_j, k_j) = first, second
    events = sorted(
        [
            (v["r_i"], "trigger_read", k_i, irq_i),
            (v["w_i"], "trigger_write", k_i, irq_i),
            (v["r_j"], "trigger_read", k_j, irq_j),
            (v["w_j"], "trigger_write", k_j, irq_j),
        ],
        key=lambda e: e[0],
    )
    victim, winner = (first, second) if v["lost_i"] else (second, first)
    word = irq_i.intid // 16
    steps = ", ".join(f"{k.name} {'reads' if op == 'trigger_read' else 'writes'}" for _, op, k, _ in events)
    message = (
        f"{describe_intid(irq_i.intid)} of {k_i.name}{at(irq_i.span)} and {describe_intid(irq_j.intid)} of "
        f"{k_j.name}{at(irq_j.span)} share GICD_ICFGR[{word}]: {steps} GICD_ICFGR[{word}]; "
        f"{winner[1].name}'s write puts back a stale word and {victim[1].name}'s {victim[0].trigger} "
        f"configuration of {describe_intid(victim[0].intid)} is lost"
    )
    pair = sorted([k_i, k_j], key=lambda k: spec.kernels.index(k))
    subject = f"{pair[0].name},{pair[1].name}"
    cex = {
        "word": word,
        "register": f"GICD_ICFGR[{word}]",
        "interleaving": [{"op": op, "kernel": k.name, "intid": irq.intid} for _, op, k, irq in events],
        "lost": {"kernel": victim[1].name, "intid": victim[0].intid},
    }
    scenario = [{"op": "boot", "kernel": k.name} for k in pair]
    scenario += [{"op": op, "kernel": k.name, "intid": irq.intid} for _, op, k, irq in events]
    expect = {"kind": "trigger-lost", "intid": victim[0].intid, "kernel": victim[1].name}
    places = [Place(f"{k_i.name} configures it", irq_i.span), Place(f"{k_j.name} configures it", irq_j.span)]
    return failed("IRQ-TRIGGER", subject, message, irq_j.span, cex, places, scenario, expect)
