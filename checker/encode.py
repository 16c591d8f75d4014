"""The z3 layer: one context per obligation family, its term builders, and the solvers its queries run on.

This is the only module that imports z3. Obligations build their terms
through a `Session` (so importing an obligation costs nothing, and
`pcheck list` never loads z3) and hand `Query` objects to the framework,
which asks `Session.solve_each`; what comes back is an `Answer` of plain
ints.

Addresses are 66-bit bit-vectors. Spec values are at most 2^64 - 1, so a base
plus a size is at most 2^65 - 2 and never wraps here: a region that wraps past
2^64 on the machine shows up as an end above 2^64, which MEM-BOUNDS rejects,
instead of as a small, wrong end.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import z3
from z3 import z3core

from checker.query import Answer, Query, Sat

ADDR_BITS = 66

Bool = z3.BoolRef
BitVec = z3.BitVecRef
Int = z3.ArithRef
Term = z3.ExprRef

T = TypeVar("T")


def _value(model: z3.ModelRef, term: z3.ExprRef) -> int:
    """A term's value in a model as a plain int (booleans as 0/1)."""
    value = model.eval(term, model_completion=True)
    return int(z3.is_true(value)) if z3.is_bool(term) else value.as_long()


class Session:
    """A z3 context and the solvers of one family of queries; never shared between threads."""

    def __init__(
        self,
        family: str,
        timeout_s: float | None = None,
        dump_dir: str | None = None,
        cross_check: bool = False,
        rlimit: int | None = None,
        incremental: bool = False,
    ) -> None:
        self.family = family
        self.ctx = z3.Context()
        self.timeout_s = timeout_s
        self.rlimit = rlimit
        # With `incremental`, one pushed solver for the whole session (see "Two ways to solve").
        self._incremental: z3.Solver | None = self._new_solver() if incremental else None
        # Without it, one solver per assumption, holding it, made on first use.
        self._assumed: dict[int, tuple[Any, z3.Solver]] = {}
        self._nums: dict[tuple[int, int], z3.BitVecRef] = {}
        self._sorts: dict[int, z3.BitVecSortRef] = {}
        self._true, self._false = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        # What obligations of one family share, by the function that makes it (see `once`).
        self._once: dict[Callable, tuple[Any, Any]] = {}
        # Answers by query identity (the query is kept alive beside its answer).
        self._answers: dict[int, tuple[Query, Answer]] = {}
        self.dump_dir = dump_dir
        self.cross_check = cross_check
        # (query label, z3's answer, cvc5's answer) for every definite disagreement.
        self.disagreements: list[tuple[str, str, str]] = []
        self.queries = 0

    def once(self, make: Callable[[Any, "Session"], T], spec: Any) -> T:
        """`make(spec, session)`, made once per session and spec: what obligations of one family share."""
        cached = self._once.get(make)
        if cached is None or cached[0] is not spec:
            cached = self._once[make] = (spec, make(spec, self))
        return cached[1]

    def close(self) -> None:
        """Drop every z3 object the session holds, so its context is freed now.

        z3 makes a new context in about 2 ms when an old one's memory is free
        to reuse, and in about 15 ms otherwise: closing a family's session
        before the next family starts saves most of that per family.
        """
        self._once.clear()  # obligations keep tables here that point back at the session
        self._answers.clear()
        self._assumed.clear()
        self._nums.clear()
        self._sorts.clear()
        self._incremental = None

    # ---------------------------------------------------------------- terms
    def addr(self, name: str) -> BitVec:
        """A fresh address variable."""
        return z3.BitVec(name, self._sort(ADDR_BITS))

    def _sort(self, bits: int) -> z3.BitVecSortRef:
        sort = self._sorts.get(bits)
        if sort is None:
            sort = self._sorts[bits] = z3.BitVecSort(bits, self.ctx)
        return sort

    def num(self, value: int, bits: int = ADDR_BITS) -> BitVec:
        """A bit-vector constant; constants and sorts are made once per session (z3's API is slow to build them)."""
        key = (value, bits)
        term = self._nums.get(key)
        if term is None:
            term = self._nums[key] = z3.BitVecVal(value, self._sort(bits))
        return term

    def var(self, name: str, bits: int) -> BitVec:
        """A fresh bit-vector variable."""
        return z3.BitVec(name, self._sort(bits))

    def int_var(self, name: str) -> Int:
        return z3.Int(name, self.ctx)

    def int_num(self, value: int) -> Int:
        return z3.IntVal(value, self.ctx)

    def true(self) -> Bool:
        return self._true

    def false(self) -> Bool:
        return self._false

    def fact(self, holds: bool) -> Bool:
        """A condition the spec decides (e.g. a profile flag), as the session's true() or false()."""
        return self._true if holds else self._false

    def function(self, name: str, index_bits: int, result: str) -> z3.FuncDeclRef:
        """An uninterpreted function from a bit-vector index to "int" or "bool" (a per-kernel table)."""
        sort = z3.IntSort(self.ctx) if result == "int" else z3.BoolSort(self.ctx)
        return z3.Function(name, self._sort(index_bits), sort)

    # The term builders below call z3's C API directly. z3's Python operators
    # check and coerce every argument (about 20 us per term), which made term
    # construction, not solving, the cost of large specs. Each result is wrapped
    # in a z3 reference at once, as z3 may reclaim an unreferenced term on the
    # next call. Sorts are still checked: z3 reports a mismatch as an error.
    def _bool(self, ast: Any) -> Bool:
        return z3.BoolRef(ast, self.ctx)

    def ult(self, a: BitVec, b: BitVec) -> Bool:
        """a < b, unsigned."""
        return self._bool(z3core.Z3_mk_bvult(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def ule(self, a: BitVec, b: BitVec) -> Bool:
        """a <= b, unsigned."""
        return self._bool(z3core.Z3_mk_bvule(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def ugt(self, a: BitVec, b: BitVec) -> Bool:
        """a > b, unsigned."""
        return self.ult(b, a)

    def urem(self, a: BitVec, b: BitVec) -> BitVec:
        """a mod b, unsigned."""
        return z3.BitVecRef(z3core.Z3_mk_bvurem(self.ctx.ref(), a.as_ast(), b.as_ast()), self.ctx)

    def lshr(self, a: BitVec, shift: int) -> BitVec:
        """a >> shift, logical."""
        return z3.LShR(a, shift)

    def extract(self, high: int, low: int, a: BitVec) -> BitVec:
        """Bits high..low of a."""
        return z3.Extract(high, low, a)

    def eq(self, a: Term, b: Term) -> Bool:
        return self._bool(z3core.Z3_mk_eq(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def ne(self, a: Term, b: Term) -> Bool:
        return self.not_(self.eq(a, b))

    def not_(self, a: Bool) -> Bool:
        return self._bool(z3core.Z3_mk_not(self.ctx.ref(), a.as_ast()))

    def and_(self, *terms: Bool) -> Bool:
        """The conjunction of exactly these terms (no folding: see `all_of` for that)."""
        args = (z3.Ast * len(terms))(*[t.as_ast() for t in terms])
        return self._bool(z3core.Z3_mk_and(self.ctx.ref(), len(terms), args))

    def or_(self, *terms: Bool) -> Bool:
        """The disjunction of exactly these terms (no folding: see `any_of` for that)."""
        args = (z3.Ast * len(terms))(*[t.as_ast() for t in terms])
        return self._bool(z3core.Z3_mk_or(self.ctx.ref(), len(terms), args))

    def ite(self, condition: Bool, then: Term, otherwise: Term) -> Term:
        """`then` if condition else `otherwise`."""
        return z3.If(condition, then, otherwise)

    def distinct(self, *terms: Term) -> Bool:
        return z3.Distinct(*terms)

    def inside(self, x: BitVec, base: int, size: int) -> Bool:
        """x in [base, base + size), computed without wrap-around."""
        return self.all_of([self.ule(self.num(base), x), self.ult(x, self.num(base + size))])

    def any_of(self, terms: Iterable[Bool]) -> Bool:
        """The disjunction; `false()` terms are dropped and a `true()` term decides it."""
        return self._nary(z3core.Z3_mk_or, list(terms), absorbing=self._true, neutral=self._false)

    def all_of(self, terms: Iterable[Bool]) -> Bool:
        """The conjunction; `true()` terms are dropped and a `false()` term decides it."""
        return self._nary(z3core.Z3_mk_and, list(terms), absorbing=self._false, neutral=self._true)

    def _nary(self, make: Any, terms: list[Bool], absorbing: Bool, neutral: Bool) -> Bool:
        # The constants are recognised by identity (the session's own objects), which
        # costs nothing; an empty disjunction of holes, say, then builds no term at all.
        if any(t is absorbing for t in terms):
            return absorbing
        terms = [t for t in terms if t is not neutral]
        if not terms:
            return neutral
        if len(terms) == 1:
            return terms[0]
        args = (z3.Ast * len(terms))(*[t.as_ast() for t in terms])
        return self._bool(make(self.ctx.ref(), len(terms), args))

    def lookup(self, index: BitVec, values: list[int], bits: int) -> BitVec:
        """values[index] as a term: an if-then-else chain over a symbolic index."""
        term = self.num(values[-1] if values else 0, bits)
        width = index.size()
        for i in range(len(values) - 2, -1, -1):
            at_i = self.eq(index, self.num(i, width))
            term = z3.BitVecRef(z3core.Z3_mk_ite(self.ctx.ref(), at_i.as_ast(), self.num(values[i], bits).as_ast(), term.as_ast()), self.ctx)
        return term

    def member(self, index: BitVec, members: list[int]) -> Bool:
        """index is one of `members` (concrete indices)."""
        return self.any_of(self.eq(index, self.num(m, index.size())) for m in members)

    # ---------------------------------------------------------------- constants
    def constant(self, term: Bool) -> bool | None:
        """True or False when the term is a constant after simplification, else None."""
        if term is self._true:
            return True
        if term is self._false:
            return False
        simple = z3.simplify(term)
        if z3.is_true(simple):
            return True
        if z3.is_false(simple):
            return False
        return None

    def holds_at(self, term: Bool, var: BitVec, value: int) -> bool:
        """`term` with `var` replaced by `value` simplifies to true (a witness check)."""
        return z3.is_true(z3.simplify(z3.substitute(term, (var, self.num(value, var.size())))))

    def _audited(self) -> bool:
        """Queries are being dumped or cross-checked: each is then solved, so that it is written
        out and cvc5 answers it too, even where a candidate would have settled it."""
        return self.dump_dir is not None or self.cross_check

    def _satisfied_at(self, q: Query) -> bool:
        """The violation, every read replaced by the query's candidate value, simplifies to true."""
        assert q.candidate is not None
        if set(q.candidate) != set(q.reads) or not all(z3.is_bv(term) for term in q.reads.values()):
            return False
        pairs = [(q.reads[name], self.num(value, q.reads[name].size())) for name, value in q.candidate.items()]
        return z3.is_true(z3.simplify(z3.substitute(q.violation, *pairs)))

    def evaluate(self, term: BitVec) -> int:
        """The value of a term built from constants only."""
        return z3.simplify(term).as_long()

    # ---------------------------------------------------------------- solving
    # Two ways to solve, chosen by what the query shares with others:
    # - a query on its own gets a fresh solver. z3 preprocesses (bit-blasting
    #   included) only a solver that was never pushed; the batched bit-vector
    #   query of IPI-TARGET on 256 cores takes 0.4 s that way, 10 s incrementally.
    # - queries with an assumption share one solver that holds it: it is large
    #   (boot-order tables) and common to all of them, so it is taken in once;
    #   IRQ-ROUTE on 256 kernels takes 0.4 s that way, 4 s with fresh solvers.
    # A session made `incremental` (prove.py does so for small specs) runs
    # every query on one pushed solver instead: setting up a solver costs
    # more than preprocessing saves on small queries (the i.MX8MM example:
    # 19 queries, 65M fewer instructions, 7% of the run; every report of the
    # corpus is unchanged). From about 2,000 regions on it costs more
    # (growth-128: 16G instructions against 10G), hence only small specs.
    def solve(self, query: Query) -> Answer:
        """The answer to one query (remembered: asking the same query object again costs nothing)."""
        return self.solve_each([query], batch=False)[0]

    def solve_each(self, queries: Sequence[Query], batch: bool = True, labels: Sequence[str] | None = None) -> list[Answer]:
        """The answers to many queries, in order (`labels` name them in --dump-smt files; default: their own).

        A query whose violation simplifies to false is answered UNSAT without
        a solver, and one that simplifies to true SAT, without one when it
        reads nothing (else it is solved for its reads); all are `trivial`. With `batch`, the queries that share an assumption
        are decided together (`_check_each`); otherwise one by one.
        """
        answers: dict[int, Answer] = {}
        pending: dict[int, list[int]] = {}  # assumption id -> query positions
        trivially: set[int] = set()
        seen: dict[int, int] = {}  # query id -> its first position: a query listed twice is asked once
        for n, q in enumerate(queries):
            known = self._answers.get(id(q))
            if known is not None and known[0] is q:
                answers[n] = known[1]
                continue
            if id(q) in seen:
                continue
            seen[id(q)] = n
            value = self.constant(q.violation)
            if value is False:
                answers[n] = Answer(Sat.UNSAT, trivial=True)
                continue
            if value is True and not q.reads:
                answers[n] = Answer(Sat.SAT, trivial=True)
                continue
            if value is True:
                trivially.add(n)
            elif q.candidate is not None and q.assumption is None and not self._audited() and self._satisfied_at(q):
                answers[n] = Answer(Sat.SAT, dict(q.candidate), evaluated=True)
                continue
            pending.setdefault(id(q.assumption), []).append(n)
        for positions in pending.values():
            assumption = queries[positions[0]].assumption
            named = [labels[n] if labels is not None else queries[n].label for n in positions]
            with self._assuming(assumption):
                if batch and len(positions) > 1:
                    found = self._check_each([queries[n] for n in positions], named[0].split(" ")[0])
                else:
                    found = [self._check(queries[n].violation, queries[n].reads, label) for n, label in zip(positions, named)]
            for n, answer in zip(positions, found):
                answers[n] = Answer(answer.sat, answer.values, answer.reason, trivial=True) if n in trivially else answer
        out = [answers[n] if n in answers else answers[seen[id(q)]] for n, q in enumerate(queries)]
        for q, a in zip(queries, out):
            self._answers[id(q)] = (q, a)
        return out

    @contextmanager
    def _assuming(self, assumption: Bool | None) -> Iterator[None]:
        """Keep `assumption` asserted for every check inside the block."""
        if assumption is None:
            yield
            return
        outer = self._incremental
        if outer is not None:
            outer.push()
            outer.add(assumption)
            try:
                yield
            finally:
                outer.pop()
            return
        held = self._assumed.get(id(assumption))
        if held is None or held[0] is not assumption:
            solver = self._new_solver()
            solver.add(assumption)
            held = self._assumed[id(assumption)] = (assumption, solver)
        self._incremental = held[1]
        try:
            yield
        finally:
            self._incremental = None

    def _new_solver(self) -> z3.Solver:
        solver = z3.Solver(ctx=self.ctx)
        if self.timeout_s is not None:
            solver.set("timeout", max(1, int(self.timeout_s * 1000)))
        if self.rlimit is not None:
            solver.set("rlimit", self.rlimit)
        return solver

    @contextmanager
    def _solver_with(self, violation: Bool) -> Iterator[z3.Solver]:
        """A solver holding the assumptions in force and `violation`, for one check."""
        if self._incremental is None:
            solver = self._new_solver()
            solver.add(violation)
            yield solver
            return
        solver = self._incremental
        solver.push()
        try:
            solver.add(violation)
            yield solver
        finally:
            solver.pop()

    def _solve_one(self, violation: Bool, label: str) -> tuple[Sat, z3.ModelRef | None, str]:
        """Ask z3 (and cvc5, with cross_check) whether `violation` is satisfiable: the one place answers are read."""
        self.queries += 1
        with self._solver_with(violation) as solver:
            self._dump(solver, label)
            answer = solver.check()
            if answer == z3.sat:
                sat, model, reason = Sat.SAT, solver.model(), ""
            elif answer == z3.unsat:
                sat, model, reason = Sat.UNSAT, None, ""
            else:
                sat, model, reason = Sat.UNKNOWN, None, solver.reason_unknown()
            if self.cross_check and sat is not Sat.UNKNOWN:
                self._second_opinion(solver, label, sat.value)
        return sat, model, reason

    def _check(self, violation: Bool, reads: Mapping[str, Term], label: str) -> Answer:
        sat, model, reason = self._solve_one(violation, label)
        if model is None:
            return Answer(sat, {}, reason)
        return Answer(sat, {name: _value(model, term) for name, term in reads.items()})

    def _check_each(self, queries: Sequence[Query], label: str) -> list[Answer]:
        """Decide many independent instances with few queries.

        One query asks whether any instance's violation holds. The disjunction
        is satisfiable iff some instance is, whether or not instances share
        variables (`exists v. A(v) or B(v)` is `(exists v. A(v)) or (exists v. B(v))`),
        as long as no instance constrains another: each is only a disjunct.
        Every instance true in the model is a counterexample, read from that
        model. The instances left are split in two halves, each decided the
        same way, so f failures among n instances cost about f * log(n / f)
        queries, of shrinking size, rather than f queries over all n. An
        instance is proved only by an unsat answer to a query it was part of;
        if the solver gives up on a query, its instances are unknown (never proved).
        """
        found: dict[int, Answer] = {}
        groups = [list(range(len(queries)))]
        while groups:
            keys = groups.pop()
            sat, model, reason = self._solve_one(
                self.any_of(queries[k].violation for k in keys), f"{label} ({len(keys)} instances)"
            )
            if model is None:
                found.update({k: Answer(sat, {}, reason) for k in keys})
                continue
            rest = []
            for k in keys:
                if _value(model, queries[k].violation):
                    found[k] = Answer(Sat.SAT, {name: _value(model, term) for name, term in queries[k].reads.items()})
                else:
                    rest.append(k)
            half = len(rest) // 2
            groups += [g for g in (rest[:half], rest[half:]) if g]
        return [found[k] for k in range(len(queries))]

    def _second_opinion(self, solver: z3.Solver, label: str, mine: str) -> None:
        from checker.crosscheck import cvc5_answer

        theirs = cvc5_answer(solver.to_smt2(), self.timeout_s)
        if theirs in ("sat", "unsat") and theirs != mine:
            self.disagreements.append((label, mine, theirs))

    def _dump(self, solver: z3.Solver, label: str) -> None:
        if self.dump_dir is None:
            return
        os.makedirs(self.dump_dir, exist_ok=True)
        obligation, _, subject = label.partition(" ")
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in label)[:80]
        name = f"{self.family}-{self.queries:05d}-{safe}.smt2"
        with open(os.path.join(self.dump_dir, name), "w", encoding="utf-8") as out:
            out.write(f"; pcheck query {self.queries} of family {self.family}\n")
            out.write(f"; obligation {obligation}, subject {subject or '-'}\n")
            out.write("; sat means a counterexample exists; unsat means the obligation holds\n")
            out.write("(set-logic ALL)\n")
            out.write(solver.to_smt2())
