"""The z3 layer: one context per obligation family, and the solvers its queries run on.

Addresses are 66-bit bit-vectors. Spec values are at most 2^64 - 1, so a base
plus a size is at most 2^65 - 2 and never wraps here: a region that wraps past
2^64 on the machine shows up as an end above 2^64, which MEM-BOUNDS rejects,
instead of as a small, wrong end.

Each query is one `Session.check` call: the negation of the property (a
violation) is asserted, with the assumptions in force, and the answer is
sat (a counterexample, read back as plain ints), unsat (proved) or unknown.
`check_each` decides many instances with few such queries.
Nothing from z3 leaves this module and `obligations/`: `Outcome` is plain data.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from contextlib import contextmanager

import z3
from z3 import z3core

from checker.data import frozen

ADDR_BITS = 66


def _value(model: z3.ModelRef, term: z3.ExprRef) -> int:
    """A term's value in a model as a plain int (booleans as 0/1)."""
    value = model.eval(term, model_completion=True)
    return int(z3.is_true(value)) if z3.is_bool(term) else value.as_long()


@frozen
class Outcome:
    """A solver answer as plain data. `values` holds the read-back ints when status is 'sat'."""

    status: str  # "sat" | "unsat" | "unknown"
    values: Mapping[str, int]
    reason: str = ""


class Session:
    """A z3 context and solver for one family of queries; never shared between threads."""

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
        # The solver of the innermost `assuming` block; with `incremental`, one for the whole session.
        self._incremental: z3.Solver | None = self._new_solver() if incremental else None
        self._nums: dict[tuple[int, int], z3.BitVecRef] = {}
        self._sorts: dict[int, z3.BitVecSortRef] = {}
        self._true, self._false = z3.BoolVal(True, self.ctx), z3.BoolVal(False, self.ctx)
        # Answers obligations of one family share (e.g. IPI-UNIQUE reuses IPI-TARGET's).
        self.memo: dict[str, Any] = {}
        self.dump_dir = dump_dir
        self.cross_check = cross_check
        # (query label, z3's answer, cvc5's answer) for every definite disagreement.
        self.disagreements: list[tuple[str, str, str]] = []
        self.queries = 0

    def shared(self, key: str, spec: Any, make: Callable[[], Any]) -> Any:
        """`make()`, made once per session and spec: for what obligations of one family share."""
        cached = self.memo.get(key)
        if cached is None or cached[0] is not spec:
            cached = self.memo[key] = (spec, make())
        return cached[1]

    def close(self) -> None:
        """Drop every z3 object the session holds, so its context is freed now.

        z3 makes a new context in about 2 ms when an old one's memory is free
        to reuse, and in about 15 ms otherwise: closing a family's session
        before the next family starts saves most of that per family.
        """
        self.memo.clear()  # obligations keep tables here that point back at the session
        self._nums.clear()
        self._sorts.clear()
        self._incremental = None

    # ---------------------------------------------------------------- terms
    def addr(self, name: str) -> z3.BitVecRef:
        """A fresh address variable."""
        return z3.BitVec(name, self._sort(ADDR_BITS))

    def _sort(self, bits: int) -> z3.BitVecSortRef:
        sort = self._sorts.get(bits)
        if sort is None:
            sort = self._sorts[bits] = z3.BitVecSort(bits, self.ctx)
        return sort

    def num(self, value: int, bits: int = ADDR_BITS) -> z3.BitVecRef:
        """A bit-vector constant; constants and sorts are made once per session (z3's API is slow to build them)."""
        key = (value, bits)
        term = self._nums.get(key)
        if term is None:
            term = self._nums[key] = z3.BitVecVal(value, self._sort(bits))
        return term

    def var(self, name: str, bits: int) -> z3.BitVecRef:
        return z3.BitVec(name, self._sort(bits))

    def int_var(self, name: str) -> z3.ArithRef:
        return z3.Int(name, self.ctx)

    def int_num(self, value: int) -> z3.ArithRef:
        return z3.IntVal(value, self.ctx)

    def true(self) -> z3.BoolRef:
        return self._true

    def false(self) -> z3.BoolRef:
        return self._false

    def fact(self, holds: bool) -> z3.BoolRef:
        """A condition the spec decides (e.g. a profile flag), as the session's true() or false()."""
        return self._true if holds else self._false

    # The term builders below call z3's C API directly. z3's Python operators
    # check and coerce every argument (about 20 us per term), which made term
    # construction, not solving, the cost of large specs. Each result is wrapped
    # in a z3 reference at once, as z3 may reclaim an unreferenced term on the
    # next call. Sorts are still checked: z3 reports a mismatch as an error.
    def _bool(self, ast: Any) -> z3.BoolRef:
        return z3.BoolRef(ast, self.ctx)

    def ult(self, a: z3.BitVecRef, b: z3.BitVecRef) -> z3.BoolRef:
        """a < b, unsigned."""
        return self._bool(z3core.Z3_mk_bvult(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def ule(self, a: z3.BitVecRef, b: z3.BitVecRef) -> z3.BoolRef:
        """a <= b, unsigned."""
        return self._bool(z3core.Z3_mk_bvule(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def urem(self, a: z3.BitVecRef, b: z3.BitVecRef) -> z3.BitVecRef:
        """a mod b, unsigned."""
        return z3.BitVecRef(z3core.Z3_mk_bvurem(self.ctx.ref(), a.as_ast(), b.as_ast()), self.ctx)

    def eq(self, a: z3.ExprRef, b: z3.ExprRef) -> z3.BoolRef:
        return self._bool(z3core.Z3_mk_eq(self.ctx.ref(), a.as_ast(), b.as_ast()))

    def not_(self, a: z3.BoolRef) -> z3.BoolRef:
        return self._bool(z3core.Z3_mk_not(self.ctx.ref(), a.as_ast()))

    def inside(self, x: z3.BitVecRef, base: int, size: int) -> z3.BoolRef:
        """x in [base, base + size), computed without wrap-around."""
        return self.all_of([self.ule(self.num(base), x), self.ult(x, self.num(base + size))])

    def any_of(self, terms: Iterable[z3.BoolRef]) -> z3.BoolRef:
        """The disjunction; `false()` terms are dropped and a `true()` term decides it."""
        return self._nary(z3core.Z3_mk_or, list(terms), absorbing=self._true, neutral=self._false)

    def all_of(self, terms: Iterable[z3.BoolRef]) -> z3.BoolRef:
        """The conjunction; `true()` terms are dropped and a `false()` term decides it."""
        return self._nary(z3core.Z3_mk_and, list(terms), absorbing=self._false, neutral=self._true)

    def _nary(self, make: Any, terms: list[z3.BoolRef], absorbing: z3.BoolRef, neutral: z3.BoolRef) -> z3.BoolRef:
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

    def lookup(self, index: z3.BitVecRef, values: list[int], bits: int) -> z3.BitVecRef:
        """values[index] as a term: an if-then-else chain over a symbolic index."""
        term = self.num(values[-1] if values else 0, bits)
        width = index.size()
        for i in range(len(values) - 2, -1, -1):
            at_i = self.eq(index, self.num(i, width))
            term = z3.BitVecRef(z3core.Z3_mk_ite(self.ctx.ref(), at_i.as_ast(), self.num(values[i], bits).as_ast(), term.as_ast()), self.ctx)
        return term

    def member(self, index: z3.BitVecRef, members: list[int]) -> z3.BoolRef:
        """index is one of `members` (concrete indices)."""
        return self.any_of(index == self.num(m, index.size()) for m in members)

    def at_least_two(self, members: list[int], tag: str = "") -> tuple[z3.BoolRef, dict[str, z3.ExprRef]]:
        """Two of the listed members hold (e.g. two owners claim one thing).

        Ownership in a spec is concrete, so each member is a fresh Boolean
        fixed to true; the solver decides the count and the model names the
        members (read back as "member<m>").
        """
        flags = {f"member{m}": z3.Bool(f"owns{tag}_{m}", self.ctx) for m in members}
        if len(flags) < 2:
            return self.false(), {}
        fixed = self.all_of(list(flags.values()))
        # A chain of binary additions, not z3.PbGe: SMT-LIB has no `at-least` (cvc5 rejects it).
        count = self.int_num(0)
        for flag in flags.values():
            count = count + z3.If(flag, self.int_num(1), self.int_num(0))
        return z3.And(fixed, count >= 2), flags

    def index_pair(self, n: int, bits: int = 16, tag: str = "") -> tuple[z3.BitVecRef, z3.BitVecRef, z3.BoolRef]:
        """Two symbolic indices i < j < n, with the constraint that says so (`tag` keeps batched instances apart)."""
        i, j = self.var(f"i{tag}", bits), self.var(f"j{tag}", bits)
        return i, j, self.all_of([z3.ULT(i, j), z3.ULT(j, self.num(n, bits))])

    # ---------------------------------------------------------------- solving
    # Two ways to solve, chosen by what the query shares with others:
    # - a query on its own gets a fresh solver. z3 preprocesses (bit-blasting
    #   included) only a solver that was never pushed; the batched bit-vector
    #   query of IPI-TARGET on 256 cores takes 0.4 s that way, 10 s incrementally.
    # - queries inside `assuming` share one incremental solver that holds the
    #   assumption: it is large (boot-order tables) and common to all of them,
    #   so it is taken in once; IRQ-ROUTE on 256 kernels takes 0.4 s that way,
    #   4 s with fresh solvers.
    # A session made `incremental` (prove.py does so for small specs) runs
    # every query on one pushed solver instead: setting up a solver costs
    # more than preprocessing saves on small queries (the i.MX8MM example:
    # 19 queries, 65M fewer instructions, 7% of the run; every report of the
    # corpus is unchanged). From about 2,000 regions on it costs more
    # (growth-128: 16G instructions against 10G), hence only small specs.
    @contextmanager
    def assuming(self, assumption: z3.BoolRef) -> Iterator[None]:
        """Keep `assumption` asserted for every check inside the block (e.g. a boot-order constraint)."""
        outer = self._incremental
        if outer is None:
            solver = self._new_solver()
        else:
            solver = outer
            solver.push()
        solver.add(assumption)
        self._incremental = solver
        try:
            yield
        finally:
            self._incremental = outer
            if outer is not None:
                outer.pop()

    def _new_solver(self) -> z3.Solver:
        solver = z3.Solver(ctx=self.ctx)
        if self.timeout_s is not None:
            solver.set("timeout", max(1, int(self.timeout_s * 1000)))
        if self.rlimit is not None:
            solver.set("rlimit", self.rlimit)
        return solver

    @contextmanager
    def _solver_with(self, violation: z3.BoolRef) -> Iterator[z3.Solver]:
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

    def check(self, violation: z3.BoolRef, reads: Mapping[str, z3.ExprRef], label: str = "", models: bool = False) -> Outcome:
        """Is `violation` satisfiable? On sat, evaluate `reads` in the model
        (and, with `models`, keep the model itself under "__model__" for the
        caller in this module)."""
        self.queries += 1
        with self._solver_with(violation) as solver:
            self._dump(solver, label)
            answer = solver.check()
            if self.cross_check and answer in (z3.sat, z3.unsat):
                self._second_opinion(solver, label, "sat" if answer == z3.sat else "unsat")
            if answer == z3.sat:
                model = solver.model()
                values: dict[str, Any] = {name: _value(model, term) for name, term in reads.items()}
                if models:
                    values["__model__"] = model
                return Outcome("sat", values)
            if answer == z3.unsat:
                return Outcome("unsat", {})
            return Outcome("unknown", {}, solver.reason_unknown())

    def check_each(
        self, cases: Mapping[Any, tuple[z3.BoolRef, Mapping[str, z3.ExprRef]]], label: str
    ) -> dict[Any, Outcome]:
        """Decide many independent instances with few queries: key -> (violation, reads).

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
        found: dict[Any, Outcome] = {}
        groups = [list(cases)]
        while groups:
            keys = groups.pop()
            outcome = self.check(
                self.any_of(cases[k][0] for k in keys),
                {f"__case{n}": cases[k][0] for n, k in enumerate(keys)},
                f"{label} ({len(keys)} instances)",
                models=True,
            )
            if outcome.status != "sat":
                found.update({k: outcome for k in keys})
                continue
            model = outcome.values["__model__"]
            rest = []
            for n, k in enumerate(keys):
                if outcome.values[f"__case{n}"]:
                    found[k] = Outcome("sat", {name: _value(model, term) for name, term in cases[k][1].items()})
                else:
                    rest.append(k)
            half = len(rest) // 2
            groups += [g for g in (rest[:half], rest[half:]) if g]
        return found

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
