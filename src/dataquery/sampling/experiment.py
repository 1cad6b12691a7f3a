"""Re-randomised stratified assignment into 2–5 groups, and the balance proof of a split.

Pure numpy (and scipy for the tests of the proof). The assignment is a permuted-block design
within strata: members are ordered once by stratum and by the seeded hash of their IIN, cut
into blocks of `m` consecutive members of one stratum (m = the smallest whole pattern of the
shares, e.g. 1:2:2 → 5), and every salt deals each block a random permutation of the pattern.
Each stratum therefore gets its shares up to one block's rounding, whatever the salt.

Re-randomisation (as Statsig and Morgan & Rubin 2012 do it): `rerandomize` salts are drawn and
the assignment whose largest |standardised mean difference| over the balance covariates is the
smallest is kept. Salt 0 is the plain stratified assignment ("before"). The result depends on
(seed, IINs, strata, covariates, shares, rerandomize) only: deterministic.

Speed: one sort for the whole run; per salt one small row-wise argsort of the blocks, one
one-hot matrix and one matrix product for the group means of every covariate at once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import gcd

import numpy as np
import numpy.typing as npt
from scipy import stats

from dataquery.sampling.split import buckets

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MAX_GROUPS = 5
MIN_GROUPS = 2
MAX_RERANDOMIZE = 1000
DEFAULT_RERANDOMIZE = 100
MAX_BLOCK = 100
SRM_ALPHA = 0.001
# Per-covariate verdicts: |SMD| ≥ 0.1 is the usual line for an imbalance worth a look, and a
# test p below 0.001 is as strict as the sample-ratio check.
SMD_FAIL = 0.1
SMD_WARN = 0.05
P_FAIL = 0.001
P_WARN = 0.01
HISTOGRAM_BINS = 20
MAX_DUMMY_LEVELS = 8


def share_pattern(shares: Sequence[float]) -> IntArray:
    """Whole counts per group of the smallest block that holds the shares (to 1/100)."""
    if not MIN_GROUPS <= len(shares) <= MAX_GROUPS:
        raise ValueError("groups must be within 2..5")
    if any(s <= 0 for s in shares):
        raise ValueError("every share must be positive")
    total = sum(shares)
    fractions = [Fraction(s / total).limit_denominator(MAX_BLOCK) for s in shares]
    denominator = 1
    for f in fractions:
        denominator = denominator * f.denominator // gcd(denominator, f.denominator)
    counts = [max(1, round(float(f) * denominator)) for f in fractions]
    divisor = 0
    for c in counts:
        divisor = gcd(divisor, c)
    return np.asarray([c // divisor for c in counts], dtype=np.int64)


def deciles(values: FloatArray) -> IntArray:
    """0..9 by the values' deciles; missing values (NaN) get their own stratum 10."""
    codes = np.full(len(values), 10, dtype=np.int64)
    present = ~np.isnan(values)
    if present.any():
        edges = np.unique(np.quantile(values[present], np.linspace(0.1, 0.9, 9)))
        codes[present] = np.searchsorted(edges, values[present], side="right")
    return codes


def combine_strata(columns: Sequence[IntArray], size: int) -> IntArray:
    """One stratum id per member from several code columns (their combination)."""
    if not columns:
        return np.zeros(size, dtype=np.int64)
    stacked = np.stack([np.asarray(c, dtype=np.int64) for c in columns], axis=1)
    _, inverse = np.unique(stacked, axis=0, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class Covariates:
    """Balance covariates. Numeric: float arrays (NaN = missing). Categorical: integer codes
    with their labels (code -1 = missing)."""

    numeric: Mapping[str, FloatArray] = field(default_factory=dict)
    categorical: Mapping[str, tuple[IntArray, Sequence[str]]] = field(default_factory=dict)


def _design_matrix(
    covariates: Covariates, skip: frozenset[str], rows: IntArray
) -> npt.NDArray[np.float32]:
    """The criterion's columns for the members `rows` (-1: a padding slot, all zero), scaled
    to unit SD (missing → the mean): one per numeric covariate, one dummy per category of each
    categorical covariate with at most MAX_DUMMY_LEVELS levels not stratified on. (Those that
    are stratified on balance by design; one with many levels, such as the filial, is balanced
    by stratifying on it and is checked by its chi-square in the proof.)"""
    present = rows >= 0
    take = np.where(present, rows, 0)
    columns: list[tuple[FloatArray, float, float]] = []
    for values in covariates.numeric.values():
        known = ~np.isnan(values)
        if known.sum() < 2:
            continue
        mean, sd = float(values[known].mean()), float(values[known].std())
        if sd > 0:
            columns.append((np.where(known, values, mean), mean, sd))
    for name, (codes, labels) in covariates.categorical.items():
        if name in skip or len(labels) > MAX_DUMMY_LEVELS:
            continue
        for index in range(len(labels)):
            dummy = (codes == index).astype(np.float64)
            p = float(dummy.mean())
            if 0 < p < 1:
                columns.append((dummy, p, float(np.sqrt(p * (1 - p)))))
    matrix = np.zeros((len(rows), len(columns)), dtype=np.float32)
    for j, (values, mean, sd) in enumerate(columns):
        matrix[:, j] = np.where(present, (values[take] - mean) / sd, 0.0)
    return matrix


@dataclass(frozen=True)
class Assignment:
    groups: IntArray  # 0 = control, 1.. = arms; per member in the input order
    salt: int  # the kept salt (0 = plain stratified)
    max_smd_before: float
    max_smd_after: float
    tried: int


def arrangements(pattern: IntArray, limit: int = 50_000) -> npt.NDArray[np.int8] | None:
    """Every distinct order of a block's labels (multiset permutations), or None when there
    are more than `limit` (then each salt sorts random keys instead)."""
    counts = [int(c) for c in pattern]
    total = sum(counts)
    number = 1
    for c in counts:
        # multinomial(total; counts) = Π binomial(remaining, c)
        number *= _binomial(total, c)
        total -= c
    if number > limit:
        return None
    rows: list[list[int]] = []

    def extend(prefix: list[int], left: list[int]) -> None:
        if not any(left):
            rows.append(prefix.copy())
            return
        for label, remaining in enumerate(left):
            if remaining:
                left[label] -= 1
                prefix.append(label)
                extend(prefix, left)
                prefix.pop()
                left[label] += 1

    extend([], counts)
    return np.asarray(rows, dtype=np.int8)


def _binomial(n: int, r: int) -> int:
    out = 1
    for i in range(r):
        out = out * (n - i) // (i + 1)
    return out


class _Layout:
    """Members ordered by (stratum, seeded hash) and padded into blocks of one stratum."""

    def __init__(self, seed: int, keys: npt.NDArray[np.uint64], strata: IntArray, m: int):
        order = np.lexsort((keys, buckets(seed, keys), strata))
        sorted_strata = strata[order]
        starts = np.r_[0, np.flatnonzero(np.diff(sorted_strata)) + 1]
        sizes = np.diff(np.r_[starts, len(order)])
        padded = -(-sizes // m) * m
        slot_starts = np.r_[0, np.cumsum(padded)[:-1]]
        position = np.arange(len(order)) - np.repeat(starts, sizes)
        slots = np.repeat(slot_starts, sizes) + position
        self.members = np.full(int(padded.sum()), -1, dtype=np.int64)
        self.members[slots] = order
        self.present = self.members >= 0
        self.blocks = len(self.members) // m
        self.m = m


def assign(
    seed: int,
    keys: npt.NDArray[np.uint64],
    strata: IntArray,
    shares: Sequence[float],
    covariates: Covariates,
    rerandomize: int = DEFAULT_RERANDOMIZE,
    stratified: frozenset[str] = frozenset(),
    only_salt: int | None = None,
) -> Assignment:
    """The kept assignment of `rerandomize` salts (see the module's docstring). `only_salt`:
    that salt's assignment alone (a kept split recomputed, e.g. at deploy)."""
    if not 1 <= rerandomize <= MAX_RERANDOMIZE:
        raise ValueError("rerandomize must be within 1..1000")
    pattern = share_pattern(shares)
    k, m = len(pattern), int(pattern.sum())
    n = len(keys)
    if n == 0:
        return Assignment(np.zeros(0, dtype=np.int64), 0, 0.0, 0.0, 0)
    layout = _Layout(seed, keys, strata, m)
    labels = np.repeat(np.arange(k, dtype=np.int8), pattern)
    table = arrangements(pattern)
    slot_matrix = _design_matrix(covariates, stratified, layout.members)
    padding = np.flatnonzero(~layout.present)
    full_counts = pattern * layout.blocks

    best: npt.NDArray[np.int8] | None = None
    best_salt, best_score, before = 0, np.inf, 0.0
    eye = np.eye(k, dtype=np.float32)
    table_onehot = eye[table].reshape(len(table), -1) if table is not None else eye
    for salt in range(rerandomize) if only_salt is None else [only_salt]:
        rng = np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, salt])
        if table is not None:
            chosen = rng.integers(0, len(table), layout.blocks)
            slot_groups = table[chosen].reshape(-1)
            onehot = np.take(table_onehot, chosen, axis=0).reshape(-1, k)
        else:
            draws = rng.random((layout.blocks, m), dtype=np.float32)
            slot_groups = labels[np.argsort(draws, axis=1)].reshape(-1)
            onehot = eye[slot_groups]
        # Padding slots have all-zero rows: they add nothing to the sums, only to the counts.
        counts = full_counts - np.bincount(slot_groups[padding], minlength=k)
        if slot_matrix.shape[1] == 0 or np.any(counts == 0):
            score = 0.0 if slot_matrix.shape[1] == 0 else np.inf
        else:
            means = (onehot.T @ slot_matrix) / counts[:, None]
            score = float(np.abs(means[1:] - means[0]).max())
        if salt == 0 or only_salt is not None:
            before = score
        if score < best_score or best is None:
            best, best_salt, best_score = slot_groups, salt, score
    groups = np.empty(n, dtype=np.int64)
    assert best is not None
    groups[layout.members[layout.present]] = best[layout.present]
    return Assignment(groups, best_salt, float(before), float(best_score), rerandomize)


# --- the balance proof -----------------------------------------------------------------------


def smd(a: FloatArray, b: FloatArray) -> float:
    """Standardised mean difference (a − b) / sqrt((var a + var b) / 2), NaN ignored."""
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if len(a) < 2 or len(b) < 2:
        return 0.0
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    return float((a.mean() - b.mean()) / pooled) if pooled > 0 else 0.0


def _verdict(p_value: float, max_smd: float | None = None) -> str:
    size = abs(max_smd) if max_smd is not None else 0.0
    if p_value < P_FAIL or size >= SMD_FAIL:
        return "fail"
    if p_value < P_WARN or size >= SMD_WARN:
        return "warn"
    return "ok"


def _worst(verdicts: Sequence[str]) -> str:
    for verdict in ("fail", "warn"):
        if verdict in verdicts:
            return verdict
    return "ok"


def srm(observed: Sequence[int], shares: Sequence[float]) -> dict[str, object]:
    """Sample-ratio mismatch: chi-square of the group sizes against the intended shares."""
    total = int(sum(observed))
    weights = np.asarray(shares, dtype=float)
    if total == 0:
        return {"chi2": 0.0, "p_value": 1.0, "verdict": "ok"}
    expected = weights / weights.sum() * total
    chi2, p_value = stats.chisquare(np.asarray(observed, dtype=float), expected)
    return {
        "chi2": float(chi2),
        "p_value": float(p_value),
        "verdict": "fail" if p_value < SRM_ALPHA else "ok",
    }


def _numeric_entry(name: str, values: FloatArray, groups: IntArray, k: int) -> dict[str, object]:
    control = values[groups == 0]
    arms = []
    present = values[~np.isnan(values)]
    edges = (
        np.histogram_bin_edges(present, bins=HISTOGRAM_BINS)
        if len(present)
        else np.linspace(0, 1, HISTOGRAM_BINS + 1)
    )
    histograms = []
    for g in range(k):
        in_group = values[groups == g]
        in_group = in_group[~np.isnan(in_group)]
        counts, _ = np.histogram(in_group, bins=edges)
        histograms.append((counts / max(1, len(in_group))).round(6).tolist())
        if g == 0:
            continue
        a, b = in_group, control[~np.isnan(control)]
        if len(a) and len(b):
            ks = stats.ks_2samp(a, b)
            statistic, p_value = float(ks.statistic), float(ks.pvalue)
        else:
            statistic, p_value = 0.0, 1.0
        arms.append(
            {
                "group": g,
                "ks": statistic,
                "p_value": p_value,
                "smd": smd(values[groups == g], control),
            }
        )
    worst_smd = max((abs(float(a["smd"])) for a in arms), default=0.0)
    min_p = min((float(a["p_value"]) for a in arms), default=1.0)
    means = [
        float(np.nanmean(values[groups == g])) if np.any(~np.isnan(values[groups == g])) else None
        for g in range(k)
    ]
    return {
        "name": name,
        "kind": "numeric",
        "means": means,
        "arms": arms,
        "max_abs_smd": worst_smd,
        "p_value": min_p,
        "verdict": _verdict(min_p, worst_smd),
        "edges": edges.round(6).tolist(),
        "histograms": histograms,
    }


def _categorical_entry(
    name: str, codes: IntArray, labels: Sequence[str], groups: IntArray, k: int
) -> dict[str, object]:
    shifted = codes + 1  # -1 (missing) → 0
    width = len(labels) + 1
    table = np.bincount(groups * width + shifted, minlength=k * width).reshape(k, width)
    keep = table.sum(axis=0) > 0
    names = ["∅", *labels]
    table, kept = table[:, keep], [names[i] for i in np.flatnonzero(keep)]
    sizes = table.sum(axis=1, keepdims=True)
    shares = table / np.maximum(sizes, 1)
    if table.shape[1] >= 2 and (sizes > 0).all():
        result = stats.chi2_contingency(table)
        chi2, p_value, dof = float(result.statistic), float(result.pvalue), int(result.dof)
    else:
        chi2, p_value, dof = 0.0, 1.0, 0
    differences = np.abs(shares[1:] - shares[0]) if k > 1 else np.zeros((0, 0))
    largest = float(differences.max()) if differences.size else 0.0
    where = (
        np.unravel_index(int(differences.argmax()), differences.shape) if differences.size else None
    )
    # The largest SMD of a category's dummy (for the love plot).
    category_smd = (
        float(np.abs(_dummy_smd(shares[1:], shares[:1])).max()) if differences.size else 0.0
    )
    return {
        "name": name,
        "kind": "categorical",
        "chi2": chi2,
        "dof": dof,
        "p_value": p_value,
        "largest_share_difference": largest,
        "largest_category": kept[where[1]] if where is not None else None,
        "max_abs_smd": abs(category_smd),
        # By the chi-square alone: with many small categories (36 filials) one dummy's SMD is
        # noisy, the joint test is not.
        "verdict": _verdict(p_value),
        "categories": kept,
        "shares": shares.round(6).tolist(),
    }


def _dummy_smd(p1: FloatArray, p0: FloatArray) -> FloatArray:
    """SMD of 0/1 indicators from their shares in two groups."""
    pooled = np.sqrt((p1 * (1 - p1) + p0 * (1 - p0)) / 2)
    return np.divide(p1 - p0, pooled, out=np.zeros_like(pooled), where=pooled > 0)


def _max_smds(covariates: Covariates, groups: IntArray, k: int) -> dict[str, float]:
    """|SMD| per covariate, the largest over arms (categorical: over categories' dummies)."""
    out: dict[str, float] = {}
    for name, values in covariates.numeric.items():
        out[name] = max(
            (abs(smd(values[groups == g], values[groups == 0])) for g in range(1, k)), default=0.0
        )
    for name, (codes, labels) in covariates.categorical.items():
        width = len(labels) + 1
        table = np.bincount(groups * width + codes + 1, minlength=k * width).reshape(k, width)
        shares = table / np.maximum(table.sum(axis=1, keepdims=True), 1)
        worst = max(
            (float(np.abs(_dummy_smd(shares[g], shares[0])).max()) for g in range(1, k)),
            default=0.0,
        )
        out[name] = worst
    return out


def balance_proof(
    groups: IntArray,
    shares: Sequence[float],
    covariates: Covariates,
    before: IntArray | None = None,
) -> dict[str, object]:
    """Everything that shows the groups are alike: SRM, per-covariate tests and SMDs, verdicts,
    and the love plot (|SMD| per covariate before and after re-randomisation)."""
    k = len(shares)
    sizes = np.bincount(groups, minlength=k)[:k].astype(int).tolist() if len(groups) else [0] * k
    ratio = srm(sizes, shares)
    entries: list[dict[str, object]] = [
        _numeric_entry(name, values, groups, k) for name, values in covariates.numeric.items()
    ]
    entries += [
        _categorical_entry(name, codes, labels, groups, k)
        for name, (codes, labels) in covariates.categorical.items()
    ]
    after_smds = _max_smds(covariates, groups, k)
    before_smds = _max_smds(covariates, before, k) if before is not None else after_smds
    overall = _worst([str(ratio["verdict"]), *(str(e["verdict"]) for e in entries)])
    return {
        "groups": k,
        "shares": [float(s) for s in shares],
        "sizes": sizes,
        "srm": ratio,
        "covariates": entries,
        "love_plot": [
            {"name": name, "before": before_smds[name], "after": after_smds[name]}
            for name in after_smds
        ],
        "verdict": overall,
    }


def plain_assignment(
    seed: int,
    keys: npt.NDArray[np.uint64],
    strata: IntArray,
    shares: Sequence[float],
) -> IntArray:
    """Salt 0 alone: the stratified assignment before re-randomisation."""
    return assign(seed, keys, strata, shares, Covariates(), 1).groups
