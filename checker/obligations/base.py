"""The obligation interface, and the framework that turns decisions into results.

An obligation is one module with one class. It says

* `entry`: its catalogue entry (ID, the property in one sentence, what a
  failure shows, fix hints), which `pcheck explain` prints;
* `instances(spec, session)`: what it is checked for (a region, a kernel, a
  channel, an SPI, or `all` for a pairwise property), each with its subject
  and spec location;
* `decide(spec, session, instances)`: for each instance either `Facts`
  (decided in Python, naming the lemma of `checker.lemmas` that decides it)
  or a `Query` (the violation, as z3 terms built through the session);
* `witnesses(spec, session, instance, values)`: the typed witness(es) of a
  violated query, read from the solver's values (it may ask refining
  queries through `session.solve`);
* `failure(spec, witness)`: the message, location, counterexample and
  places of one witness; `scenario(spec, witness)`: the model steps that
  show it; `expected(spec, witness)`: the model violation they produce;
* `proved(spec, instance)`: the words of a PROVED result.

`run` is the framework. It owns what every obligation shares: it batches the
queries of one obligation, turns every solver status into a result (sat,
unsat and unknown are handled here and nowhere else: an obligation only ever
calls `Answer.holds()`, which raises `Undecided` on unknown), and reports
pcheck's own bugs (`InternalError`) as internal errors. `method` says how a
verdict was reached: `solver` when a query went to Z3 and was not a constant
after simplification, `facts` when Python decided it (the result names the
lemma). Waivers, replay and `-j` are in `checker.prove` and `checker.replay`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from attrs import field

from checker.data import frozen
from checker.errors import EncodingMismatch, InternalError, Undecided
from checker.lemmas import Lemma
from checker.query import Answer, Query, Sat
from checker.result import FAILED, INTERNAL_ERROR, PROVED, UNKNOWN, Method, Place, Result
from checker.span import Span
from checker.spec import Spec

if TYPE_CHECKING:
    from checker.encode import Session

T = TypeVar("T")  # what an instance is about
W = TypeVar("W")  # an obligation's witness type

Steps = tuple[Mapping[str, Any], ...]


@frozen
class Entry:
    """An obligation's catalogue entry: what `pcheck list` and `pcheck explain` show."""

    id: str
    title: str
    proves: str
    counterexample: str
    fixes: tuple[str, ...]
    family: str  # obligations of one family share a solver session and a worker


@frozen
class Instance(Generic[T]):
    """One thing an obligation is checked for: its subject in results, its spec location and its data."""

    subject: str
    location: Span | None
    item: T = field(eq=False, default=None)


@frozen
class Facts(Generic[W]):
    """A decision made in Python by `lemma`: the property holds iff there are no witnesses."""

    lemma: Lemma
    witnesses: tuple[W, ...] = ()


Decision = Facts | Query


@frozen
class Failure:
    """What a failure shows: subject, message, the spec line most to blame, counterexample data, places."""

    subject: str
    message: str
    location: Span | None
    counterexample: Mapping[str, Any]
    places: tuple[Place, ...] = ()
    # The choice in the system spec that causes it, in words ("kernel k1's profile 'sel4'"), when one
    # kernel's profile does; `location` is then that kernel's line. Failures with one cause are grouped.
    cause: Place | None = None


class Obligation(ABC, Generic[T, W]):
    """One obligation: see the module docstring for what each method is for."""

    entry: ClassVar[Entry]
    # Queries of one obligation are decided together (`Session.solve_each`) unless it says otherwise.
    batched: ClassVar[bool] = True

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def family(self) -> str:
        return self.entry.family

    @abstractmethod
    def instances(self, spec: Spec, session: Session) -> Sequence[Instance[T]]:
        """What the obligation is checked for."""

    @abstractmethod
    def decide(self, spec: Spec, session: Session, instances: Sequence[Instance[T]]) -> Sequence[Decision]:
        """One decision per instance, in order."""

    def witnesses(self, spec: Spec, session: Session, instance: Instance[T], values: Mapping[str, int]) -> Sequence[W]:
        """The witnesses of a violated query (an obligation that only decides by facts needs none)."""
        raise InternalError(f"{self.id} made a query but reads no witness from it")

    @abstractmethod
    def failure(self, spec: Spec, witness: W) -> Failure:
        """Message, location, counterexample and places of one witness."""

    def scenario(self, spec: Spec, witness: W) -> Steps:
        """The model steps that show the violation (none: the machine's construction checks show it)."""
        return ()

    @abstractmethod
    def expected(self, spec: Spec, witness: W) -> Mapping[str, Any]:
        """The model violation the scenario must produce (checker.replay matches it)."""

    @abstractmethod
    def proved(self, spec: Spec, instance: Instance[T]) -> str:
        """The message of a PROVED instance."""


def run(ob: Obligation, spec: Spec, session: Session) -> list[Result]:
    """Every result of one obligation on a spec, in instance order: the framework's one loop."""
    try:
        instances = list(ob.instances(spec, session))
        decisions = list(ob.decide(spec, session, instances))
    except Undecided as gave_up:
        return [_unknown(ob, "all", spec.platform.span, gave_up.reason)]
    except InternalError as bug:
        return [_internal(ob, "all", spec.platform.span, bug)]
    if len(decisions) != len(instances):
        return [_internal(ob, "all", spec.platform.span, InternalError(f"{len(decisions)} decisions for {len(instances)} instances"))]
    asked = [(d, i) for d, i in zip(decisions, instances) if isinstance(d, Query)]
    labels = [q.label or f"{ob.id} {i.subject}" for q, i in asked]  # name each query in --dump-smt files
    answers = dict(zip((id(q) for q, _ in asked), session.solve_each([q for q, _ in asked], batch=ob.batched, labels=labels)))
    results: list[Result] = []
    for instance, decision in zip(instances, decisions):
        if isinstance(decision, Facts):
            results += _conclude(ob, spec, instance, list(decision.witnesses), Method.FACTS, decision.lemma)
            continue
        answer: Answer = answers[id(decision)]
        method = Method.FACTS if answer.trivial else Method.EVALUATED if answer.evaluated else Method.SOLVER
        if answer.sat is Sat.UNKNOWN:
            results.append(_unknown(ob, instance.subject, instance.location, answer.reason))
            continue
        if decision.predicted is not None and answer.sat is not decision.predicted:
            lemma = decision.lemma.name if decision.lemma else "its lemma"
            bug = EncodingMismatch(f"the solver answered {answer.sat.value} where {lemma} says {decision.predicted.value}")
            results.append(_internal(ob, instance.subject, instance.location, bug))
            continue
        if answer.sat is Sat.UNSAT:
            results += _conclude(ob, spec, instance, [], method, decision.lemma)
            continue
        try:
            found = list(ob.witnesses(spec, session, instance, answer.values))
        except Undecided as gave_up:
            results.append(_unknown(ob, instance.subject, instance.location, gave_up.reason))
            continue
        except InternalError as bug:
            results.append(_internal(ob, instance.subject, instance.location, bug))
            continue
        if not found:
            results.append(_internal(ob, instance.subject, instance.location, InternalError("the solver found a violation but no witness was read from it")))
            continue
        results += _conclude(ob, spec, instance, found, method, decision.lemma)
    return results


def _conclude(ob: Obligation, spec: Spec, instance: Instance, witnesses: list, method: Method, lemma: Lemma | None) -> list[Result]:
    lemma_name = lemma.name if lemma is not None else None
    if not witnesses:
        return [Result(ob.id, instance.subject, PROVED, ob.proved(spec, instance), instance.location,
                       method=method, lemma=lemma_name)]
    out = []
    for w in witnesses:
        try:
            f = ob.failure(spec, w)
            scenario, expect = tuple(ob.scenario(spec, w)), dict(ob.expected(spec, w))
        except InternalError as bug:
            out.append(_internal(ob, instance.subject, instance.location, bug))
            continue
        out.append(Result(ob.id, f.subject, FAILED, f.message, f.location, dict(f.counterexample), tuple(f.places),
                          scenario=scenario, expect=expect, method=method, lemma=lemma_name, cause=f.cause))
    return out


def _unknown(ob: Obligation, subject: str, location: Span | None, reason: str) -> Result:
    return Result(ob.id, subject, UNKNOWN, f"the solver could not decide ({reason or 'no reason given'}); this is not a proof", location)


def _internal(ob: Obligation, subject: str, location: Span | None, bug: InternalError) -> Result:
    return Result(ob.id, subject, INTERNAL_ERROR, f"internal error in {ob.id}: {bug}", location)
