"""The deal (pure): only accepted customers, everyone accepted placed once, sizes as equal as
the rules allow (checked by a plain-Python search for a chain of moves), fixed by the seed."""

from __future__ import annotations

import numpy as np
from dist_data import no_better_balance
from hypothesis import given, settings
from hypothesis import strategies as st

from dataquery.distribution.deal import deal


def _check(eligible: np.ndarray, keys: np.ndarray, seed: int) -> list[int]:
    dealt = deal(eligible, keys, seed).campaign
    customers, campaigns = eligible.shape
    for i in range(customers):
        if eligible[i].any():
            assert dealt[i] >= 0 and eligible[i, dealt[i]]
        else:
            assert dealt[i] == -1
    codes = [str(c) for c in range(campaigns)]
    members = {str(c): {i for i in range(customers) if dealt[i] == c} for c in range(campaigns)}
    accepts = {str(c): {i for i in range(customers) if eligible[i, c]} for c in range(campaigns)}
    sizes = {code: len(members[code]) for code in codes}
    assert no_better_balance(sizes, accepts, members)
    return [sizes[code] for code in codes]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 60),
    st.integers(1, 6),
    st.floats(0.0, 0.9),
    st.integers(0, 2**31),
)
def test_any_rules_give_the_most_even_sizes(customers: int, campaigns: int, refuse: float,
                                            seed: int) -> None:  # fmt: skip
    rng = np.random.default_rng(seed)
    eligible = rng.random((customers, campaigns)) >= refuse
    keys = rng.choice(10**12, customers, replace=False).astype(np.uint64)
    _check(eligible, keys, seed)


def test_when_everyone_is_welcome_sizes_differ_by_at_most_one() -> None:
    rng = np.random.default_rng(5)
    keys = rng.choice(10**12, 10_007, replace=False).astype(np.uint64)
    sizes = _check(np.ones((10_007, 7), dtype=bool), keys, 20261207)
    assert max(sizes) - min(sizes) <= 1
    assert sum(sizes) == 10_007


def test_a_narrow_campaign_gets_whom_only_it_may_take_and_the_rest_share_evenly() -> None:
    """Campaign 0 accepts only 5 customers (who also suit others): it gets all 5, the other
    two split the rest evenly."""
    eligible = np.ones((305, 3), dtype=bool)
    eligible[5:, 0] = False
    sizes = _check(eligible, np.arange(305, dtype=np.uint64) * 7919, 1)
    assert sizes[0] == 5 and sorted(sizes[1:]) == [150, 150]


def test_the_day_fixes_the_deal_and_another_day_changes_it() -> None:
    rng = np.random.default_rng(9)
    eligible = rng.random((2000, 4)) > 0.2
    keys = rng.choice(10**12, 2000, replace=False).astype(np.uint64)
    first = deal(eligible, keys, 739_000).campaign
    assert (deal(eligible, keys, 739_000).campaign == first).all()
    # Row order does not matter: the same customers get the same campaigns.
    order = rng.permutation(2000)
    assert (deal(eligible[order], keys[order], 739_000).campaign == first[order]).all()
    assert (deal(eligible, keys, 739_001).campaign != first).any()
