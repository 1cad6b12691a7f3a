"""Re-randomised stratified assignment and the balance proof, against scipy's reference values
and hand-computed numbers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from dataquery.sampling.experiment import (
    Covariates,
    arrangements,
    assign,
    balance_proof,
    combine_strata,
    deciles,
    plain_assignment,
    share_pattern,
    smd,
    srm,
)

RNG = np.random.default_rng(20261207)
N = 20_000
KEYS = np.unique(RNG.integers(10**10, 10**12, N + 100, dtype=np.int64).astype(np.uint64))[:N]
AGE = RNG.normal(42, 12, N)
SCORE = RNG.random(N)
GENDER = RNG.integers(0, 2, N)
FILIAL = RNG.integers(0, 12, N)
COVARIATES = Covariates(
    numeric={"age": AGE, "score_credit": SCORE},
    categorical={"gender": (GENDER, ["M", "F"]), "filial": (FILIAL, [f"F{i}" for i in range(12)])},
)
STRATA = combine_strata([GENDER, deciles(AGE)], N)


def test_share_patterns_are_the_smallest_whole_blocks() -> None:
    assert share_pattern([0.5, 0.5]).tolist() == [1, 1]
    assert share_pattern([0.2, 0.4, 0.4]).tolist() == [1, 2, 2]
    assert share_pattern([0.1, 0.45, 0.45]).tolist() == [2, 9, 9]
    assert share_pattern([0.25, 0.25, 0.25, 0.25]).tolist() == [1, 1, 1, 1]
    with pytest.raises(ValueError):
        share_pattern([1.0])
    with pytest.raises(ValueError):
        share_pattern([0.5, 0.0])


def test_arrangements_are_every_distinct_order_once() -> None:
    table = arrangements(np.array([1, 2, 2]))
    assert table is not None
    assert len(table) == math.factorial(5) // (2 * 2)  # 30
    assert len({tuple(row) for row in table}) == len(table)
    assert all(sorted(row.tolist()) == [0, 1, 1, 2, 2] for row in table)
    assert arrangements(np.array([9, 9, 2]), limit=1000) is None


def test_deciles_cut_into_ten_and_keep_missing_apart() -> None:
    values = np.r_[np.arange(1000, dtype=float), [np.nan] * 5]
    codes = deciles(values)
    assert np.bincount(codes[:1000]).tolist() == [100] * 10
    assert (codes[1000:] == 10).all()


def test_assignment_is_deterministic_for_seed_and_salts() -> None:
    first = assign(5, KEYS, STRATA, [0.2, 0.4, 0.4], COVARIATES, 30)
    again = assign(5, KEYS, STRATA, [0.2, 0.4, 0.4], COVARIATES, 30)
    assert first.groups.tolist() == again.groups.tolist() and first.salt == again.salt
    other = assign(6, KEYS, STRATA, [0.2, 0.4, 0.4], COVARIATES, 30)
    assert (other.groups != first.groups).mean() > 0.3


def test_every_stratum_gets_its_shares_within_one_block() -> None:
    shares = [0.2, 0.4, 0.4]
    result = assign(11, KEYS, STRATA, shares, COVARIATES, 20)
    for stratum in np.unique(STRATA):
        members = result.groups[stratum == STRATA]
        sizes = np.bincount(members, minlength=3)
        expected = np.asarray(shares) * len(members)
        assert np.abs(sizes - expected).max() <= 5  # one block of 5 at most
    assert set(np.unique(result.groups)) == {0, 1, 2}


def test_rerandomisation_keeps_the_most_balanced_salt() -> None:
    plain = assign(3, KEYS, STRATA, [0.5, 0.5], COVARIATES, 1)
    best = assign(3, KEYS, STRATA, [0.5, 0.5], COVARIATES, 200)
    assert best.max_smd_before == pytest.approx(plain.max_smd_after)
    assert best.max_smd_after <= best.max_smd_before
    # Over 200 salts the best is far better than a typical one (the SMD of a random half of
    # 20 000 has a standard deviation near 0.014).
    assert best.max_smd_after < 0.01
    assert plain_assignment(3, KEYS, STRATA, [0.5, 0.5]).tolist() == plain.groups.tolist()


def test_srm_matches_the_hand_computed_chi_square() -> None:
    result = srm([100, 80], [0.5, 0.5])
    # (100-90)²/90 + (80-90)²/90 = 2.2222; P(chi2(1) > 2.2222) = 0.13604
    assert result["chi2"] == pytest.approx(2.222222, rel=1e-6)
    assert result["p_value"] == pytest.approx(0.136037, rel=1e-4)
    assert result["verdict"] == "ok"
    assert srm([1200, 800], [0.5, 0.5])["verdict"] == "fail"


def test_smd_matches_the_definition() -> None:
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 3.0, 4.0, 5.0])
    # means 2.5 and 3.5, both variances 1.6667: (2.5-3.5)/1.2910 = -0.7746
    assert smd(a, b) == pytest.approx(-0.774597, rel=1e-5)


def test_balance_proof_agrees_with_scipy() -> None:
    result = assign(9, KEYS, STRATA, [0.2, 0.4, 0.4], COVARIATES, 50)
    groups = result.groups
    proof = balance_proof(
        groups, [0.2, 0.4, 0.4], COVARIATES, plain_assignment(9, KEYS, STRATA, [0.2, 0.4, 0.4])
    )
    sizes = np.bincount(groups, minlength=3)
    assert proof["sizes"] == sizes.tolist()
    _chi2, p_value = stats.chisquare(sizes, np.array([0.2, 0.4, 0.4]) * N)
    srm_entry = proof["srm"]
    assert isinstance(srm_entry, dict)
    assert srm_entry["p_value"] == pytest.approx(p_value)
    entries = {e["name"]: e for e in proof["covariates"]}  # type: ignore[attr-defined]
    ks = stats.ks_2samp(SCORE[groups == 2], SCORE[groups == 0])
    arm2 = entries["score_credit"]["arms"][1]
    assert arm2["group"] == 2
    assert arm2["ks"] == pytest.approx(ks.statistic) and arm2["p_value"] == pytest.approx(ks.pvalue)
    table = np.array([np.bincount(FILIAL[groups == g], minlength=12) for g in range(3)])
    reference = stats.chi2_contingency(table)
    assert entries["filial"]["chi2"] == pytest.approx(reference.statistic)
    assert entries["filial"]["p_value"] == pytest.approx(reference.pvalue)
    shares = table / table.sum(axis=1, keepdims=True)
    assert entries["filial"]["largest_share_difference"] == pytest.approx(
        np.abs(shares[1:] - shares[0]).max()
    )
    assert proof["verdict"] == "ok"
    love = {row["name"]: row for row in proof["love_plot"]}  # type: ignore[attr-defined]
    assert set(love) == {"age", "score_credit", "gender", "filial"}
    assert all(row["after"] < 0.1 for row in love.values())
    hist = entries["age"]["histograms"]
    assert len(hist) == 3 and all(abs(sum(h) - 1) < 1e-3 for h in hist)


def test_a_skewed_split_fails_the_proof() -> None:
    skewed = (AGE > 45).astype(np.int64)
    proof = balance_proof(skewed, [0.5, 0.5], COVARIATES)
    entries = {e["name"]: e for e in proof["covariates"]}  # type: ignore[attr-defined]
    assert entries["age"]["verdict"] == "fail"
    assert proof["verdict"] == "fail"
