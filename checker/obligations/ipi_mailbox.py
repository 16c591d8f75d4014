"""IPI-MAILBOX: the sender may write the mailbox, the receiver read it, and nobody else reach it.

Instances: every channel with a mailbox. The ways it can be wrong: the
sender is not listed `rw`; the receiver is not listed `r` or `rw`; a kernel
that is not an end of any channel using the mailbox is listed on it, or
reaches an address of it through one of its routes (`checker.reach`).
Outsiders whose reach intervals miss the mailbox and who are not listed
are left out (lemma: reach intervals, as for MEM-EXPOSE). Every case left
can happen, so a channel without any is proved by that lemma alone
(facts); otherwise the first case in the order above is the failure, and
the solver must confirm it (its query asks for that case alone).
Model: `model/monitors/ipi_mailbox.py` (mailbox-access, mailbox-exposed).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from checker.data import frozen
from checker.memo import per_spec
from checker.errors import InternalError
from checker.lemmas import REACH_INTERVALS, meets, overlaps_any
from checker.obligations.base import Entry, Facts, Failure, Instance, Obligation, Steps
from checker.obligations.sgi import sends
from checker.query import Query, Sat
from checker.reach import lowest_reached, reach_intervals, reaches, routes
from checker.result import Place
from checker.spec import Channel, Kernel, Spec
from checker.words import at, hexaddr

if TYPE_CHECKING:
    from checker.encode import Bool, Session

ENTRY = Entry(
    "IPI-MAILBOX",
    "mailboxes are private to their channels",
    "A channel's mailbox is a shared region its sender can write and its receiver can read, and no "
    "kernel outside the channels that use it can access it.",
    "the kernel and the access",
    ("List the sender `rw` and the receiver `r` or `rw`, and no other kernel, on the mailbox region.",),
    family="ipi",
)


@frozen
class MailboxProblem:
    channel: Channel
    case: str  # "sender" | "receiver" | "outsider"
    kernel: Kernel


def users(spec: Spec, c: Channel) -> set[str]:
    """The kernels at either end of a channel that uses c's mailbox."""
    return _users(spec).get(c.mailbox.name, set())


@per_spec
def _users(spec: Spec) -> dict[str, set[str]]:
    """Mailbox name -> the kernels at either end of a channel that uses it (once per spec: one
    search of every channel per mailbox channel was quadratic, 1.3 s at 2,048 channels)."""
    out: dict[str, set[str]] = {}
    for other in spec.channels:
        if other.mailbox is not None:
            out.setdefault(other.mailbox.name, set()).update((other.sender.name, other.receiver.name))
    return out


def problems(spec: Spec, c: Channel, reach: Mapping[str, tuple[list, list]]) -> list[MailboxProblem]:
    """Every way c's mailbox is wrong, in the order failures name them."""
    box = c.mailbox
    found = []
    if box.mode_of(c.sender.name) != "rw":
        found.append(MailboxProblem(c, "sender", c.sender))
    if box.mode_of(c.receiver.name) not in ("r", "rw"):
        found.append(MailboxProblem(c, "receiver", c.receiver))
    using = users(spec, c)
    found += [
        MailboxProblem(c, "outsider", k) for k in spec.kernels
        if k.name not in using
        and (box.mode_of(k.name) is not None
             or (box.region.size > 0 and overlaps_any(*reach[k.name], box.region.base, box.region.end)))
    ]
    return found


def _route_words(spec: Spec, kernel: Kernel, region) -> str:
    """`it reaches it through its device untyped [a, b)`: the first of the kernel's routes that meets the region."""
    for route in routes(spec, kernel):
        for a, b in route.intervals:
            if meets(a, b, region.base, region.end):
                return f"it reaches it through its {route.name} [{hexaddr(a)}, {hexaddr(b)})"
    return "it reaches it"


def _reach(spec: Spec, s: Session) -> dict[str, tuple[list, list]]:
    out = {}
    for k in spec.kernels:
        union = reach_intervals(spec, k)
        out[k.name] = (union, [a for a, _ in union])
    return out


def _violation(spec: Spec, s: Session, found: list[MailboxProblem]) -> Bool:
    cases = []
    for p in found:
        box = p.channel.mailbox
        if p.case != "outsider":
            cases.append(s.true())
            continue
        x = s.addr(f"x_{p.channel.name}")
        listed = s.fact(box.mode_of(p.kernel.name) is not None)
        cases.append(s.any_of([listed, s.all_of([s.inside(x, box.region.base, box.region.size), reaches(spec, p.kernel, s, x)])]))
    return s.any_of(cases)


def _query(spec: Spec, s: Session, problem: MailboxProblem, reach: Mapping[str, tuple[list, list]]) -> Query:
    """The query confirming one problem; for an outsider that reaches the mailbox, with the
    lowest address of it that the outsider reaches as the candidate counterexample."""
    violation = _violation(spec, s, [problem])
    box = problem.channel.mailbox
    if problem.case != "outsider" or box.mode_of(problem.kernel.name) is not None:
        return Query(violation, {}, REACH_INTERVALS, predicted=Sat.SAT)
    address = lowest_reached(reach[problem.kernel.name][0], box.region.base, box.region.end)
    if address is None:
        raise InternalError(f"no reach interval of {problem.kernel.name} meeting {box.name}")
    return Query(violation, {"x": s.addr(f"x_{problem.channel.name}")}, REACH_INTERVALS, predicted=Sat.SAT,
                 candidate={"x": address})


class IpiMailbox(Obligation[Channel, MailboxProblem]):
    entry = ENTRY

    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[Channel]]:
        return [Instance(c.name, c.span, c) for c in spec.channels if c.mailbox is not None]

    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[Channel]]) -> list[Facts | Query]:
        reach = session.once(_reach, spec) if instances else {}
        out: list[Facts | Query] = []
        for instance in instances:
            found = problems(spec, instance.item, reach)
            if not found:
                out.append(Facts(REACH_INTERVALS))
            else:
                # Every problem found can happen (the lemma); the solver confirms the one a failure names,
                # so a mailbox every kernel reaches costs one small query, not one term per outsider.
                out.append(_query(spec, session, found[0], reach))
        return out

    def witnesses(self, spec: Spec, session: Session, instance: Instance[Channel], values: Mapping[str, int]) -> list[MailboxProblem]:
        return problems(spec, instance.item, session.once(_reach, spec))[:1]

    def failure(self, spec: Spec, w: MailboxProblem) -> Failure:
        c, box = w.channel, w.channel.mailbox
        places = (Place(f"channel {c.name}", c.span), Place(f"shared region {box.name}", box.span))
        if w.case in ("sender", "receiver"):
            access, need = ("write", "rw") if w.case == "sender" else ("read", "r or rw")
            mode = box.mode_of(w.kernel.name)
            message = (
                f"channel {c.name}{at(c.span)}: {w.case} {w.kernel.name} must be listed {need} on mailbox {box.name}{at(box.span)} "
                f"to {access} it, but is listed {mode or 'not at all'}"
            )
            cex = {"channel": c.name, "mailbox": box.name, "kernel": w.kernel.name, "access": access}
            return Failure(c.name, message, c.span, cex, places)
        mode = box.mode_of(w.kernel.name)
        how = f"it is listed {mode} on it" if mode else _route_words(spec, w.kernel, box.region)
        message = (
            f"channel {c.name}{at(c.span)}: kernel {w.kernel.name}, which uses no channel of mailbox {box.name}{at(box.span)}, "
            f"can access it: {how}"
        )
        cex = {"channel": c.name, "mailbox": box.name, "kernel": w.kernel.name, "access": "outsider"}
        return Failure(c.name, message, c.span, cex, places)

    def scenario(self, spec: Spec, w: MailboxProblem) -> Steps:
        if w.case in ("sender", "receiver"):
            return sends(spec, w.channel)
        # The outsider reads the mailbox: the trace shows the route it takes.
        return ({"op": "access", "kernel": w.kernel.name, "address": w.channel.mailbox.region.base, "write": False},)

    def expected(self, spec: Spec, w: MailboxProblem) -> dict[str, Any]:
        if w.case in ("sender", "receiver"):
            access = "write" if w.case == "sender" else "read"
            return {"kind": "mailbox-access", "channel": w.channel.name, "kernel": w.kernel.name, "access": access}
        return {"kind": "mailbox-exposed", "mailbox": w.channel.mailbox.name, "kernel": w.kernel.name}

    def proved(self, spec: Spec, instance: Instance[Channel]) -> str:
        return f"mailbox {instance.item.mailbox.name} is private to its channels"


OBLIGATION = IpiMailbox()
