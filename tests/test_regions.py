"""The interval helpers obligations lean on, against brute force over random intervals."""

from hypothesis import given
from hypothesis import strategies as st

from checker.lemmas import gaps, meeting_pairs

interval = st.tuples(st.integers(0, 64), st.integers(0, 64))


def _meet(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


@given(st.lists(interval, max_size=12), st.lists(interval, max_size=12))
def test_meeting_pairs_is_every_pair_that_shares_an_address(lefts, rights):
    found = meeting_pairs([(a, b, n) for n, (a, b) in enumerate(lefts)], [(a, b, m) for m, (a, b) in enumerate(rights)])
    expected = {(n, m) for n, l in enumerate(lefts) for m, r in enumerate(rights) if _meet(l, r)}
    assert sorted(found) == sorted(expected)  # each pair exactly once


@given(st.lists(interval, max_size=12), st.integers(0, 70))
def test_gaps_are_exactly_the_uncovered_addresses(excluded, limit):
    uncovered = {x for x in range(limit) if not any(a <= x < b for a, b in excluded)}
    got = gaps(excluded, limit)
    assert {x for a, b in got for x in range(a, b)} == uncovered
    assert all(a < b for a, b in got) and all(b1 < a2 for (_, b1), (a2, _) in zip(got, got[1:]))
