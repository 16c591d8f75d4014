"""The z3 layer on its own: a table of (formula, expected verdict), solved every way a session solves.

As pySMT keeps a shared table of formulas with known verdicts, each entry
here builds a violation with the session's term builders and states whether
it is satisfiable; every entry runs on a fresh and on an incremental
session, alone, batched with the others, and under an assumption. The
folding builders (`any_of`, `all_of`) and the constant test are checked by
meaning, and a batched answer must read the same values as a query alone.
"""

from __future__ import annotations

import pytest

from checker.encode import Session
from checker.query import Query, Sat

U64 = 1 << 64

# name -> (build(session) -> violation, satisfiable?)
TABLE = {
    "address in an interval": (lambda s: s.inside(s.addr("x"), 0x1000, 0x1000), True),
    "address in an empty interval": (lambda s: s.inside(s.addr("x"), 0x1000, 0), False),
    "two disjoint intervals": (lambda s: s.all_of([s.inside(s.addr("x"), 0, 0x1000), s.inside(s.addr("x"), 0x1000, 0x1000)]), False),
    "two touching-overlapping intervals": (lambda s: s.all_of([s.inside(s.addr("x"), 0, 0x1001), s.inside(s.addr("x"), 0x1000, 0x1000)]), True),
    "an interval past 2^64 does not wrap": (lambda s: s.all_of([s.inside(s.addr("x"), U64 - 0x1000, 0x2000), s.ult(s.addr("x"), s.num(0x1000))]), False),
    "urem of constants": (lambda s: s.ne(s.urem(s.num(0x1234), s.num(0x1000)), s.num(0x234)), False),
    "ult is unsigned": (lambda s: s.ult(s.num(U64 - 1, 64), s.num(1, 64)), False),
    "ugt is ult reversed": (lambda s: s.ugt(s.num(2, 16), s.num(1, 16)), True),
    "lookup reads the table": (lambda s: s.all_of([s.eq(s.var("i", 8), s.num(2, 8)), s.ne(s.lookup(s.var("i", 8), [5, 6, 7, 8], 16), s.num(7, 16))]), False),
    "lookup past the table reads the last value": (lambda s: s.all_of([s.eq(s.var("i", 8), s.num(9, 8)), s.eq(s.lookup(s.var("i", 8), [5, 6, 7, 8], 16), s.num(8, 16))]), True),
    "member of a set": (lambda s: s.all_of([s.member(s.var("i", 8), [1, 3]), s.eq(s.var("i", 8), s.num(2, 8))]), False),
    "lshr and extract": (lambda s: s.ne(s.extract(7, 0, s.lshr(s.num(0xAB00, 16), 8)), s.num(0xAB, 8)), False),
    "ite picks a branch": (lambda s: s.ne(s.ite(s.true(), s.num(1, 8), s.num(2, 8)), s.num(1, 8)), False),
    "distinct integers": (lambda s: s.all_of([s.distinct(s.int_var("a"), s.int_var("b"), s.int_var("c")), s.int_var("a") < s.int_var("b"), s.int_var("b") < s.int_var("c"), s.int_var("c") < s.int_var("a") + 2]), False),
    "an uninterpreted table is a function": (lambda s: s.all_of([s.eq(s.var("k", 16), s.var("j", 16)), s.function("f", 16, "int")(s.var("k", 16)) != s.function("f", 16, "int")(s.var("j", 16))]), False),
    "and_ of exactly its terms": (lambda s: s.and_(s.true(), s.eq(s.var("v", 8), s.num(3, 8))), True),
    "or_ of false terms": (lambda s: s.or_(s.false(), s.not_(s.true())), False),
    "a fact": (lambda s: s.fact(3 > 2), True),
}


def _session(incremental: bool) -> Session:
    return Session("test", timeout_s=10, incremental=incremental)


@pytest.mark.parametrize("incremental", [False, True], ids=["fresh", "incremental"])
@pytest.mark.parametrize("name", sorted(TABLE))
def test_each_formula_alone(name, incremental):
    build, satisfiable = TABLE[name]
    s = _session(incremental)
    answer = s.solve(Query(build(s)))
    assert answer.sat is (Sat.SAT if satisfiable else Sat.UNSAT)
    assert answer.holds() is (not satisfiable)


@pytest.mark.parametrize("incremental", [False, True], ids=["fresh", "incremental"])
def test_the_table_batched_gives_each_formula_its_own_verdict(incremental):
    s = _session(incremental)
    names = sorted(TABLE)
    answers = s.solve_each([Query(TABLE[n][0](s)) for n in names])
    assert [a.sat is Sat.SAT for a in answers] == [TABLE[n][1] for n in names]


def test_the_table_under_an_assumption():
    """An assumption is asserted for every query that carries it, and for no other."""
    s = _session(False)
    x = s.var("a", 8)
    assumption = s.eq(x, s.num(1, 8))
    under = [Query(s.eq(x, s.num(2, 8)), assumption=assumption), Query(s.eq(x, s.num(1, 8)), assumption=assumption)]
    free = Query(s.eq(x, s.num(2, 8)))
    answers = s.solve_each(under + [free], batch=False)
    assert [a.sat for a in answers] == [Sat.UNSAT, Sat.SAT, Sat.SAT]


def test_batched_values_are_those_of_the_instance():
    """A batched query reads each violated instance's values from the shared model, and they satisfy it."""
    s = _session(False)
    queries = []
    for n in range(6):
        x = s.addr(f"x{n}")
        queries.append(Query(s.inside(x, 0x1000 * n, 0x10 if n % 2 else 0), {"x": x}))
    answers = s.solve_each(queries)
    for n, answer in enumerate(answers):
        if n % 2:
            assert answer.sat is Sat.SAT and 0x1000 * n <= answer.values["x"] < 0x1000 * n + 0x10
        else:
            assert answer.sat is Sat.UNSAT


def test_constants_are_found_by_simplification_and_marked_trivial():
    s = _session(False)
    assert s.constant(s.true()) is True and s.constant(s.false()) is False
    assert s.constant(s.ult(s.num(1), s.num(2))) is True  # not the session's own constant: simplified
    assert s.constant(s.ult(s.addr("x"), s.num(2))) is None
    before = s.queries
    trivial = s.solve(Query(s.ult(s.num(2), s.num(1))))
    assert trivial.sat is Sat.UNSAT and trivial.trivial and s.queries == before  # no solver call
    real = s.solve(Query(s.ult(s.addr("x"), s.num(2)), {"x": s.addr("x")}))
    assert real.sat is Sat.SAT and not real.trivial and real.values["x"] < 2


def test_folding_builders_keep_their_meaning():
    s = _session(False)
    x = s.addr("x")
    a = s.ult(x, s.num(5))
    assert s.any_of([]) is s.false() and s.all_of([]) is s.true()
    assert s.any_of([s.false(), a]) is a and s.all_of([s.true(), a]) is a
    assert s.any_of([a, s.true()]) is s.true() and s.all_of([a, s.false()]) is s.false()
    # Folded and unfolded forms are equivalent: their difference is unsatisfiable.
    for folded, plain in ((s.any_of([a, s.false()]), s.or_(a, s.false())), (s.all_of([a, s.true()]), s.and_(a, s.true()))):
        assert s.solve(Query(s.ne(folded, plain))).sat is Sat.UNSAT


def test_a_witness_is_checked_by_substitution():
    s = _session(False)
    x = s.addr("x")
    violation = s.inside(x, 0x4000, 0x1000)
    assert s.holds_at(violation, x, 0x4000) and not s.holds_at(violation, x, 0x5000)


def test_answers_are_remembered_per_query_and_a_repeated_query_is_asked_once():
    s = _session(False)
    q = Query(s.ult(s.addr("x"), s.num(3)))
    first = s.solve_each([q, q])
    assert first[0] == first[1] and s.queries == 1
    assert s.solve(q) == first[0] and s.queries == 1


def test_a_solver_that_gives_up_answers_unknown_and_holds_raises():
    from checker.errors import Undecided

    s = Session("test", rlimit=1)
    x, y = s.var("x", 64), s.var("y", 64)
    hard = s.all_of([s.eq(x * y, s.num(0xDEADBEEFCAFE1, 64)), s.ugt(x, s.num(1, 64)), s.ugt(y, s.num(1, 64))])
    answer = s.solve(Query(hard))
    assert answer.sat is Sat.UNKNOWN
    with pytest.raises(Undecided):
        answer.holds()
    assert answer.witness() is None


def test_once_makes_a_shared_value_once_per_spec():
    s = _session(False)
    made = []

    def make(spec, session):
        made.append(spec)
        return len(made)

    a, b = object(), object()
    assert s.once(make, a) == 1 and s.once(make, a) == 1 and s.once(make, b) == 2


def test_a_candidate_that_satisfies_the_violation_answers_sat_without_a_solver(tmp_path):
    s = Session("t", 5.0)
    x = s.addr("x")
    violation = s.inside(x, 0x1000, 0x1000)
    found = s.solve(Query(violation, {"x": x}, candidate={"x": 0x1800}))
    assert (found.sat, dict(found.values), found.evaluated, found.trivial) == (Sat.SAT, {"x": 0x1800}, True, False)
    # A candidate that misses is no answer: the solver decides, with its own values.
    missed = s.solve(Query(violation, {"x": x}, candidate={"x": 0x3000}))
    assert missed.sat is Sat.SAT and not missed.evaluated and 0x1000 <= missed.values["x"] < 0x2000
    # A candidate never makes a query UNSAT, nor SAT when the violation is unsatisfiable.
    empty = s.inside(x, 0x1000, 0)
    assert s.solve(Query(s.all_of([violation, s.ult(x, s.num(0x1000))]), {"x": x}, candidate={"x": 0x1800})).sat is Sat.UNSAT
    assert s.solve(Query(empty, {"x": x}, candidate={"x": 0x1000})).sat is Sat.UNSAT
    # A candidate must give every read.
    y = s.addr("y")
    both = s.all_of([violation, s.inside(y, 0, 0x10)])
    partial = s.solve(Query(both, {"x": x, "y": y}, candidate={"x": 0x1800}))
    assert partial.sat is Sat.SAT and not partial.evaluated
    # Dumped queries are solved, so that each is written out.
    dumping = Session("t", 5.0, str(tmp_path))
    z = dumping.addr("z")
    dumped = dumping.solve(Query(dumping.inside(z, 0x1000, 0x1000), {"z": z}, candidate={"z": 0x1800}, label="q"))
    assert dumped.sat is Sat.SAT and not dumped.evaluated and list(tmp_path.glob("*.smt2"))
