"""Balance checks between groups (scipy): sample ratio, KS per numeric covariate, chi-square
per categorical covariate. Pure functions over arrays."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats


@dataclass(frozen=True)
class SampleRatio:
    observed: tuple[int, ...]
    expected_shares: tuple[float, ...]
    chi2: float
    p_value: float

    @property
    def mismatch(self) -> bool:
        """A sample-ratio mismatch at the usual strict threshold for SRM checks."""
        return self.p_value < 0.001


def sample_ratio(observed: list[int], expected_shares: list[float]) -> SampleRatio:
    total = sum(observed)
    shares = np.asarray(expected_shares, dtype=float)
    if total == 0 or np.any(shares <= 0):
        return SampleRatio(tuple(observed), tuple(expected_shares), 0.0, 1.0)
    expected = shares / shares.sum() * total
    chi2, p_value = stats.chisquare(observed, expected)
    return SampleRatio(tuple(observed), tuple(expected_shares), float(chi2), float(p_value))


@dataclass(frozen=True)
class CovariateTest:
    column: str
    test: str
    statistic: float
    p_value: float


def numeric_balance(
    column: str, a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]
) -> CovariateTest:
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) == 0 or len(b) == 0:
        return CovariateTest(column, "ks", 0.0, 1.0)
    result = stats.ks_2samp(a, b)
    return CovariateTest(column, "ks", float(result.statistic), float(result.pvalue))


def categorical_balance(
    column: str, groups: npt.NDArray[np.int64], values: npt.NDArray[np.object_]
) -> CovariateTest:
    labels = np.where(values == None, "∅", values).astype(str)  # noqa: E711 (numpy elementwise)
    categories, codes = np.unique(labels, return_inverse=True)
    group_ids, group_codes = np.unique(groups, return_inverse=True)
    if len(categories) < 2 or len(group_ids) < 2:
        return CovariateTest(column, "chi2", 0.0, 1.0)
    table = np.zeros((len(group_ids), len(categories)), dtype=np.int64)
    np.add.at(table, (group_codes, codes), 1)
    table = table[:, table.sum(axis=0) > 0]
    result = stats.chi2_contingency(table)
    return CovariateTest(column, "chi2", float(result.statistic), float(result.pvalue))
