from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from dataquery.iin import make_iin
from dataquery.sampling.balance import categorical_balance, numeric_balance, sample_ratio
from dataquery.sampling.split import (
    buckets,
    control_mask,
    equal_groups,
    iin_keys,
    stratified_groups,
)


def _iins(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    out: set[str] = set()
    while len(out) < n:
        birth = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 20000)))
        iin = make_iin(birth, "M" if rng.random() < 0.5 else "F", int(rng.integers(0, 10000)))
        if iin:
            out.add(iin)
    return sorted(out)


IINS = _iins(20_000)
KEYS = iin_keys(pa.array(IINS))


def test_keys_keep_leading_zeros_apart() -> None:
    keys = iin_keys(["061211600012", "611211600012"])
    assert keys[0] == 61211600012 and keys[1] == 611211600012


def test_same_seed_same_groups_whatever_the_order() -> None:
    shuffled = np.random.default_rng(1).permutation(len(IINS))
    first = dict(zip(IINS, control_mask(7, KEYS, 0.2), strict=True))
    again = dict(
        zip(
            [IINS[i] for i in shuffled],
            control_mask(7, iin_keys([IINS[i] for i in shuffled]), 0.2),
            strict=True,
        )
    )
    assert first == again


def test_another_seed_gives_other_groups() -> None:
    assert (control_mask(7, KEYS, 0.2) != control_mask(8, KEYS, 0.2)).mean() > 0.2


def test_shares_are_met_and_pass_the_srm_check() -> None:
    for share in (0.05, 0.1, 0.25, 0.5):
        control = control_mask(11, KEYS, share)
        srm = sample_ratio([int((~control).sum()), int(control.sum())], [1 - share, share])
        assert abs(control.mean() - share) < 0.015
        assert not srm.mismatch


def test_srm_detects_a_broken_split() -> None:
    srm = sample_ratio([9_000, 1_000], [0.8, 0.2])
    assert srm.mismatch and srm.p_value < 1e-6


def test_buckets_are_uniform() -> None:
    values = buckets(3, KEYS)
    assert values.min() >= 0 and values.max() < 1
    counts, _ = np.histogram(values, bins=10, range=(0, 1))
    assert counts.min() > 0.9 * len(values) / 10


@given(st.integers(min_value=0, max_value=2**63), st.integers(min_value=2, max_value=5))
@settings(max_examples=25, deadline=None)
def test_equal_groups_cover_every_group(seed: int, groups: int) -> None:
    assigned = equal_groups(seed, KEYS[:5000], groups)
    assert set(np.unique(assigned)) == set(range(groups))


def test_stratified_groups_are_balanced_within_each_stratum() -> None:
    strata = (KEYS % np.uint64(7)).astype(np.int64)
    assigned = stratified_groups(5, KEYS, strata, 3)
    for stratum in range(7):
        sizes = np.bincount(assigned[strata == stratum], minlength=3)
        assert sizes.max() - sizes.min() <= 1
    assert stratified_groups(5, KEYS, strata, 3).tolist() == assigned.tolist()


def test_balance_tests_accept_random_splits_and_reject_skewed_ones() -> None:
    rng = np.random.default_rng(0)
    age = rng.normal(40, 12, len(KEYS))
    control = control_mask(2, KEYS, 0.5)
    assert numeric_balance("age", age[control], age[~control]).p_value > 0.001
    skewed = age > 40
    assert numeric_balance("age", age[skewed], age[~skewed]).p_value < 1e-6
    gender = np.where(rng.random(len(KEYS)) < 0.5, "M", "F").astype(object)
    assert categorical_balance("gender", control.astype(np.int64), gender).p_value > 0.001
    biased = np.where(control, "M", gender).astype(object)
    assert categorical_balance("gender", control.astype(np.int64), biased).p_value < 1e-6
