"""The effect statistics: scipy's and hand-computed reference values, and calibration by
simulation (A/A false-positive rate, coverage of a planted lift, CUPED's variance reduction).

The simulations are vectorised (one call for all runs) and small, so they take a second or so.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from dataquery.sampling.effect import (
    compare_means,
    cuped,
    roi,
    two_proportions,
    welch,
)


def test_two_proportions_matches_the_hand_computation() -> None:
    lift = two_proportions(120, 1000, 100, 1000)
    se = np.sqrt(0.12 * 0.88 / 1000 + 0.1 * 0.9 / 1000)  # 0.013986
    assert lift.absolute == pytest.approx(0.02)
    assert lift.standard_error == pytest.approx(se)
    assert lift.absolute_low == pytest.approx(0.02 - 1.959964 * se, rel=1e-5)
    assert lift.absolute_high == pytest.approx(0.02 + 1.959964 * se, rel=1e-5)
    assert lift.p_value == pytest.approx(2 * stats.norm.sf(0.02 / se))
    assert lift.p_value == pytest.approx(0.15272, rel=1e-3)
    assert lift.relative == pytest.approx(0.2)
    assert lift.relative_low < 0.2 < lift.relative_high


def test_welch_matches_scipy() -> None:
    rng = np.random.default_rng(1)
    a, b = rng.normal(10.5, 3, 400), rng.normal(10, 5, 900)
    lift = welch(a.mean(), a.var(ddof=1), len(a), b.mean(), b.var(ddof=1), len(b))
    reference = stats.ttest_ind(a, b, equal_var=False)
    assert lift.p_value == pytest.approx(reference.pvalue)
    interval = reference.confidence_interval(0.95)
    assert lift.absolute_low == pytest.approx(interval.low)
    assert lift.absolute_high == pytest.approx(interval.high)


def test_aa_false_positive_rate_is_five_percent() -> None:
    """2 000 A/A experiments (conversion 8 %, 3 000 per group; values lognormal)."""
    rng = np.random.default_rng(2026)
    runs, n = 2000, 3000
    x_t, x_c = rng.binomial(n, 0.08, runs), rng.binomial(n, 0.08, runs)
    rate = (np.asarray(two_proportions(x_t, n, x_c, n).p_value) < 0.05).mean()
    assert 0.035 <= rate <= 0.065

    values_t = rng.lognormal(3, 1, (1000, 400))
    values_c = rng.lognormal(3, 1, (1000, 400))
    means = welch(
        values_t.mean(axis=1),
        values_t.var(axis=1, ddof=1),
        400,
        values_c.mean(axis=1),
        values_c.var(axis=1, ddof=1),
        400,
    )
    assert 0.035 <= (np.asarray(means.p_value) < 0.05).mean() <= 0.065


def test_a_planted_lift_is_inside_its_interval_in_95_percent_of_runs() -> None:
    rng = np.random.default_rng(7)
    runs, n, base, planted = 200, 5000, 0.10, 0.03
    x_t, x_c = rng.binomial(n, base + planted, runs), rng.binomial(n, base, runs)
    lift = two_proportions(x_t, n, x_c, n)
    low, high = np.asarray(lift.absolute_low), np.asarray(lift.absolute_high)
    covered = ((low <= planted) & (planted <= high)).mean()
    assert covered >= 0.93
    assert (low > 0).mean() > 0.9  # and it is detected: 5 000 per group has the power


def test_cuped_reduces_variance_and_keeps_the_estimate() -> None:
    rng = np.random.default_rng(3)
    n = 20_000
    groups = (rng.random(n) < 0.5).astype(np.int64)
    habit = rng.lognormal(2, 0.8, n)
    pre = habit * rng.lognormal(0, 0.3, n)
    post = habit * rng.lognormal(0, 0.3, n) + 0.5 * groups
    adjusted = cuped(post, pre)
    assert adjusted.variance_reduction > 0.5
    assert adjusted.variance_reduction == pytest.approx(adjusted.correlation**2, abs=0.01)
    raw, better = compare_means(post, groups, 1), compare_means(adjusted.adjusted, groups, 1)
    assert better.standard_error < raw.standard_error * 0.75
    assert better.absolute_low <= 0.5 <= better.absolute_high
    # Unrelated pre-period data changes (almost) nothing.
    noise = cuped(post, rng.normal(0, 1, n))
    assert abs(noise.variance_reduction) < 0.01


def test_cuped_keeps_the_false_positive_rate() -> None:
    """1 000 A/A experiments through `cuped` and `compare_means` as the service calls them."""
    rng = np.random.default_rng(11)
    runs, n = 1000, 600
    habit = rng.lognormal(2, 0.8, (runs, n))
    pre = habit * rng.lognormal(0, 0.3, (runs, n))
    post = habit * rng.lognormal(0, 0.3, (runs, n))
    groups = np.arange(n) % 2
    p_values = [
        compare_means(cuped(post[r], pre[r]).adjusted, groups, 1).p_value for r in range(runs)
    ]
    assert 0.035 <= (np.asarray(p_values) < 0.05).mean() <= 0.065


def test_roi() -> None:
    assert roi(30.0, 1000, 10.0) == pytest.approx(2.0)  # 30 000 back for 10 000 spent
    assert roi(5.0, 1000, 0.0) is None
