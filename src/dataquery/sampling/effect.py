"""The effect of a campaign: each arm against control (pure functions, gbstats style).

Summary statistics in, lift out. Every function takes numbers or numpy arrays of them (the
calibration tests run a thousand experiments in one call):

* conversion: the two-proportion comparison, the difference of rates with an unpooled (Wald)
  standard error; the relative lift's interval by the delta method;
* mean value: Welch's t (unequal variances, Welch–Satterthwaite degrees of freedom);
* CUPED (Deng et al. 2013): the post-period metric less θ·(pre − mean pre), θ = cov/var over
  all members of the experiment, which keeps the difference unbiased and shrinks its variance
  by about the squared correlation of pre and post.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

FloatArray = npt.NDArray[np.float64]
Number = float | FloatArray


@dataclass(frozen=True)
class Lift:
    """Treatment vs control: absolute and relative difference, their 95 % CI, the p-value."""

    control: Number
    treatment: Number
    absolute: Number
    absolute_low: Number
    absolute_high: Number
    relative: Number
    relative_low: Number
    relative_high: Number
    p_value: Number
    standard_error: Number


def _relative(
    mean_t: Number, var_mean_t: Number, mean_c: Number, var_mean_c: Number, z: float
) -> tuple[Number, Number, Number]:
    """mean_t / mean_c − 1 with the delta method's interval (as gbstats does)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.asarray(mean_t, dtype=float) / mean_c
        variance = var_mean_t / np.square(mean_c) + np.square(mean_t) * var_mean_c / np.power(
            mean_c, 4
        )
        se = np.sqrt(variance)
    relative = ratio - 1
    return _out(relative), _out(relative - z * se), _out(relative + z * se)


def _out(value: npt.ArrayLike) -> Number:
    array = np.asarray(value, dtype=float)
    return float(array) if array.ndim == 0 else array


def two_proportions(
    converted_t: Number,
    n_t: Number,
    converted_c: Number,
    n_c: Number,
    alpha: float = 0.05,
) -> Lift:
    """Conversion rates of treatment and control; z-test on the difference (unpooled SE, the
    same SE as the interval, so p < alpha exactly when the CI excludes 0)."""
    z = float(stats.norm.ppf(1 - alpha / 2))
    n_t, n_c = np.asarray(n_t, dtype=float), np.asarray(n_c, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_t = np.asarray(converted_t, dtype=float) / n_t
        p_c = np.asarray(converted_c, dtype=float) / n_c
        var_t, var_c = p_t * (1 - p_t) / n_t, p_c * (1 - p_c) / n_c
        se = np.sqrt(var_t + var_c)
        diff = p_t - p_c
        p_value = np.where(se > 0, 2 * stats.norm.sf(np.abs(diff) / se), 1.0)
    relative, low, high = _relative(p_t, var_t, p_c, var_c, z)
    return Lift(
        _out(p_c),
        _out(p_t),
        _out(diff),
        _out(diff - z * se),
        _out(diff + z * se),
        relative,
        low,
        high,
        _out(p_value),
        _out(se),
    )


def welch(
    mean_t: Number,
    var_t: Number,
    n_t: Number,
    mean_c: Number,
    var_c: Number,
    n_c: Number,
    alpha: float = 0.05,
) -> Lift:
    """Difference of means by Welch's t-test (sample variances with ddof=1)."""
    n_t, n_c = np.asarray(n_t, dtype=float), np.asarray(n_c, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        var_mean_t, var_mean_c = np.asarray(var_t) / n_t, np.asarray(var_c) / n_c
        se = np.sqrt(var_mean_t + var_mean_c)
        df = np.square(var_mean_t + var_mean_c) / (
            np.square(var_mean_t) / (n_t - 1) + np.square(var_mean_c) / (n_c - 1)
        )
        df = np.where(np.isfinite(df) & (df > 0), df, 1.0)
        diff = np.asarray(mean_t, dtype=float) - mean_c
        t_crit = stats.t.ppf(1 - alpha / 2, df)
        p_value = np.where(se > 0, 2 * stats.t.sf(np.abs(diff) / se, df), 1.0)
    z = float(stats.norm.ppf(1 - alpha / 2))
    relative, low, high = _relative(mean_t, var_mean_t, mean_c, var_mean_c, z)
    return Lift(
        _out(mean_c),
        _out(mean_t),
        _out(diff),
        _out(diff - t_crit * se),
        _out(diff + t_crit * se),
        relative,
        low,
        high,
        _out(p_value),
        _out(se),
    )


@dataclass(frozen=True)
class Cuped:
    adjusted: FloatArray
    theta: float
    variance_reduction: float  # 1 − var(adjusted) / var(post)
    correlation: float


def cuped(post: FloatArray, pre: FloatArray) -> Cuped:
    """The post-period metric adjusted by the pre-period one (over all members of all groups,
    so the adjustment is the same for every group and the difference stays unbiased)."""
    post, pre = np.asarray(post, dtype=float), np.asarray(pre, dtype=float)
    if len(post) < 3:
        return Cuped(post.copy(), 0.0, 0.0, 0.0)
    var_pre = float(pre.var(ddof=1))
    if var_pre == 0:
        return Cuped(post.copy(), 0.0, 0.0, 0.0)
    covariance = float(np.cov(post, pre, ddof=1)[0, 1])
    theta = covariance / var_pre
    adjusted = post - theta * (pre - pre.mean())
    var_post = float(post.var(ddof=1))
    reduction = 1 - float(adjusted.var(ddof=1)) / var_post if var_post > 0 else 0.0
    correlation = covariance / np.sqrt(var_pre * var_post) if var_post > 0 else 0.0
    return Cuped(adjusted, theta, reduction, float(correlation))


def compare_means(values: FloatArray, groups: npt.NDArray[np.int64], arm: int) -> Lift:
    """Welch on per-member values of group `arm` against group 0."""
    t, c = values[groups == arm], values[groups == 0]
    return welch(
        float(t.mean()) if len(t) else 0.0,
        float(t.var(ddof=1)) if len(t) > 1 else 0.0,
        len(t),
        float(c.mean()) if len(c) else 0.0,
        float(c.var(ddof=1)) if len(c) > 1 else 0.0,
        len(c),
    )


def roi(incremental_value_per_member: float, members: int, cost_per_contact: float) -> float | None:
    """(incremental value − cost) / cost of contacting `members`; None without a cost."""
    cost = cost_per_contact * members
    if cost <= 0:
        return None
    return (incremental_value_per_member * members - cost) / cost
