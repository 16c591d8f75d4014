"""GIC-INIT: one initialisation, before any kernel runs, and no distributor-wide write once a kernel is live.

One instance, `system`. Violations, for some boot order (`boot_order.py`),
in the order a failure names them: a kernel that is not first to boot
resets the distributor or masks every line (`boot_mask all`) while the
earlier kernels are live; nobody initialises the distributor; a kernel that
does not initialise it boots before anyone did; it is initialised twice. Kernels whose profile cannot do a write are left
out of its terms (lemma: boot behaviour by profile).

Witness: the failing boot order, preferring the declaration order when it
fails (it reads most naturally), else the solver's; the problem is the first
of the cases above that the order shows.
Model: `model/monitors/gic_init.py` (dist-clobber, dist-init).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.errors import EncodingMismatch
from checker.lemmas import BOOT_BEHAVIOUR, CONCRETE, INTERCHANGEABLE
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.boot_order import (BootOrder, extend, masks_foreign, may_clobber, needs_initialised,
                                            representatives, simulate)
from checker.query import Query
from checker.result import Place
from checker.sel4 import boots, comes_up
from checker.spec import Kernel, Spec
from checker.words import profile_cause

if TYPE_CHECKING:
    from checker.encode import Bool, Session

ENTRY = Entry(
    "GIC-INIT",
    "the distributor is initialised once",
    "The distributor is initialised exactly once, before any kernel takes interrupts, and no kernel "
    "makes distributor-wide writes after another kernel is live.",
    "the boot order and the first clobbering write",
    (
        "Let one party initialise the distributor: `loader { gic_init }` with `dist_init never` "
        "or `check` (sel4-mk) kernels, or `dist_init first` kernels.",
        "On `sel4-mk` node 0 (the kernel on the platform's first cpu) masks every SPI at boot: "
        "pin a `boot order` that boots it first (the fork's boot delay only makes that likely).",
        "Upstream `sel4` (dist_init always) resets the whole distributor at every boot.",
    ),
    family="gic",
)

# In the order a failure is reported: the first clobbering write says most; "never" says more
# than "uninitialised", which holds too when nobody can initialise the distributor.
CASES = ("clobber", "never", "uninitialised", "twice")


@frozen
class BadBoot:
    boot: tuple[str, ...]
    problem: str  # one of CASES


def gic_class(spec: Spec, k: Kernel) -> tuple:
    """What a kernel's boot does to the distributor, all GIC-INIT can tell kernels apart by."""
    return (k.profile.dist_init, k.profile.boot_mask, masks_foreign(spec, k), boots(spec, k), comes_up(spec, k))


class _Encoding:
    """The query over the boot orders of representative kernels (see boot_order.py, interchangeable kernels)."""

    def __init__(self, s: Session, spec: Spec) -> None:
        pinned = spec.boot_order is not None
        self.kernels = list(spec.kernels) if pinned else representatives(spec.kernels, lambda k: gic_class(spec, k))
        order = self.order = BootOrder(s, spec, self.kernels)
        loader = s.fact(spec.loader_gic_init)
        inits = [order.initialises(k) for k in self.kernels if order.may_initialise(k)]
        # A chain of binary additions: SMT-LIB has no unary `+` (cvc5 rejects what z3.Sum prints for one term).
        count = s.ite(loader, s.int_num(1), s.int_num(0))
        for init in inits:
            count = count + s.ite(init, s.int_num(1), s.int_num(0))
        self.cases: dict[str, Bool] = {
            "clobber": s.any_of(
                s.and_(order.after_an_up_kernel(k), order.clobbers(k)) for k in self.kernels if may_clobber(spec, k)
            ),
            "uninitialised": s.and_(
                s.not_(loader),
                s.any_of(order.boots_before_initialiser(k) for k in self.kernels if needs_initialised(spec, k)),
            ),
            "twice": count >= 2,
            "never": s.and_(count == 0, s.fact(any(comes_up(spec, k) or needs_initialised(spec, k) for k in self.kernels))),
        }
        self.violation = s.and_(order.constraint, s.any_of(self.cases.values()))
        self.reads = order.reads()


def _encoding(spec: Spec, s: Session) -> _Encoding:
    return _Encoding(s, spec)


class GicInit(Obligation[None, BadBoot]):
    entry = ENTRY
    batched = False

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[None]]:
        return [Instance("system", spec.platform.span)]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[None]]) -> list[Facts | Query]:
        if not spec.kernels:
            return [Facts(CONCRETE)]
        enc = session.once(_encoding, spec)
        lemma = INTERCHANGEABLE if len(enc.kernels) < len(spec.kernels) else BOOT_BEHAVIOUR
        return [Query(enc.violation, enc.reads, lemma, label="GIC-INIT")]

    def witnesses(self, spec: Spec, session: Session, instance: Instance[None], values: Mapping[str, int]) -> list[BadBoot]:
        """The declaration order when it fails (checked in Python: it reads most naturally),
        else the solver's order of the representatives with every other kernel appended."""
        declared = [k.name for k in spec.boot_order] if spec.boot_order is not None else [k.name for k in spec.kernels]
        problem = simulate(spec, declared).problem(CASES)
        if problem is not None:
            return [BadBoot(tuple(declared), problem)]
        enc = session.once(_encoding, spec)
        boot = extend(spec, enc.order.order(values))
        problem = simulate(spec, boot).problem(CASES)
        if problem is None:
            raise EncodingMismatch(f"the solver's boot order {' -> '.join(boot)} shows no GIC-INIT problem when replayed in Python")
        return [BadBoot(tuple(boot), problem)]

    def failure(self, spec: Spec, w: BadBoot) -> Failure:
        boot = list(w.boot)
        sim = simulate(spec, boot)
        initialisers = list(sim.initialisers)
        culprit = _culprit(spec, w)
        if w.problem == "never":
            what = ("nothing initialises the distributor: no `loader { gic_init }`, and every kernel has "
                    "`dist_init never` or `check`")
        elif w.problem == "uninitialised" and spec.kernel(culprit).profile.dist_init == "check":
            what = (f"{culprit} halts at boot: its dist_init (`dist_init check`, the multikernel fork) finds "
                    "the distributor not enabled, and nobody initialised it before")
        elif w.problem == "uninitialised":
            what = f"{culprit} boots before anyone initialised the distributor"
        elif w.problem == "twice":
            what = f"the distributor is initialised {len(initialisers)} times, by {', '.join(initialisers)}"
        else:
            live = ", ".join(n for n in boot[: boot.index(culprit)] if comes_up(spec, spec.kernel(n)))
            write = (
                "GICD_CTLR := 0 (distributor reset, every SPI disabled and routed to itself)"
                if sim.initialised[culprit]
                else (f"GICD_ICENABLER bit by bit for every INTID up to maxIRQ (boot_mask {spec.kernel(culprit).profile.boot_mask}"
                      f"{' on node 0' if spec.kernel(culprit).profile.boot_mask == 'primary' else ''}: other kernels' SPIs masked)")
            )
            what = f"{culprit} boot: {write} while {live} {'is' if ',' not in live else 'are'} live"
        # With nobody to blame alone ("never"), the first kernel's line: its profile is one that never initialises.
        kernel = spec.kernel(culprit) if culprit else next((k for k in spec.kernels if k.cores), None)
        cex = {"boot_order": boot, "problem": w.problem, "kernel": culprit, "initialisers": initialisers}
        places = tuple(Place(f"kernel {k}", spec.kernel(k).span) for k in boot)
        cause = profile_cause(kernel) if kernel is not None and culprit else None
        return Failure("system", f"boot order {' -> '.join(boot)}: {what}", kernel.span if kernel else spec.platform.span, cex,
                       places, cause)

    def scenario(self, spec: Spec, w: BadBoot) -> Steps:
        return tuple({"op": "boot", "kernel": k} for k in w.boot)

    def expected(self, spec: Spec, w: BadBoot) -> dict[str, Any]:
        if w.problem == "clobber":
            return {"kind": "dist-clobber", "kernel": _culprit(spec, w)}
        return {"kind": "dist-init", "problem": w.problem}

    def proved(self, spec: Spec, instance: Instance[None]) -> str:
        if not spec.kernels:
            return "no kernel boots"
        return "the distributor is initialised once, before any kernel runs"


def _culprit(spec: Spec, w: BadBoot) -> str | None:
    """The kernel most to blame for the problem in this boot order."""
    boot = list(w.boot)
    sim = simulate(spec, boot)
    if w.problem == "never":
        return None
    if w.problem == "uninitialised":
        return sim.uninitialised
    if w.problem == "twice":
        initialisers = list(sim.initialisers)
        return next((k for k in boot if sim.initialised[k] and (spec.loader_gic_init or initialisers.index(k) > 0)), None)
    return sim.clobber


OBLIGATION = GicInit()
