"""Benchmark: the re-randomised stratified split (dataquery.sampling.experiment).

    .venv/bin/python bench/experiments.py [--members 1000000] [--salts 100] [--groups 3]

Synthetic members with the feature store's balance covariates (age, five scores, balance,
transactions, gender, device, MAU, 36 filials), strata gender × age decile × filial, shares
control 20 % and arms sharing the rest. Times the assignment over all salts (the kept one by the
smallest max |SMD|) and, separately, the balance proof of the kept split (SRM, KS per numeric
covariate and arm, chi-square per categorical one, the love plot before/after).

Wall-clock times depend on what else runs on the machine (it is shared); the CPU seconds are
printed too. Target (issue 14): 1 M members x 100 salts <= 5 s, peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import peak_rss_mb
from dataquery.sampling.experiment import (
    Covariates,
    assign,
    balance_proof,
    combine_strata,
    deciles,
    plain_assignment,
)


def members(n: int, seed: int) -> tuple[np.ndarray, Covariates, np.ndarray]:
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(10**10, 10**12, int(n * 1.01), dtype=np.int64).astype(np.uint64))
    keys = rng.permutation(keys)[:n]
    age = np.clip(rng.normal(41, 13, n), 18, 90)
    gender = rng.integers(0, 2, n)
    filial = rng.integers(0, 36, n)
    device = rng.choice([-1, 0, 1], n, p=[0.1, 0.6, 0.3])
    mau = (rng.random(n) < 0.7).astype(np.int64)
    numeric = {f"score_{name}": rng.beta(2, 5, n) for name in ("credit", "deposit", "travel")}
    numeric |= {"score_insurance": rng.beta(2, 5, n), "score_market": rng.beta(2, 5, n)}
    numeric |= {
        "age": age,
        "balance_kzt": rng.lognormal(11, 1.2, n),
        "txn_cnt_30d": rng.poisson(12, n).astype(float),
    }
    covariates = Covariates(
        numeric=numeric,
        categorical={
            "gender": (gender, ["M", "F"]),
            "device": (device, ["android", "ios"]),
            "mau": (mau, ["0", "1"]),
            "filial": (filial, [f"F{i:02d}" for i in range(36)]),
        },
    )
    strata = combine_strata([gender, deciles(age), filial], n)
    return keys, covariates, strata


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--salts", type=int, default=100)
    parser.add_argument("--groups", type=int, default=3)
    args = parser.parse_args()
    arms = args.groups - 1
    shares = [0.2] + [0.8 / arms] * arms
    keys, covariates, strata = members(args.members, 1)
    print(f"{args.members:,} members, {len(np.unique(strata)):,} strata, shares {shares}")

    wall, cpu = time.perf_counter(), time.process_time()
    result = assign(
        42, keys, strata, shares, covariates, args.salts, frozenset({"gender", "filial"})
    )
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"assignment x {args.salts} salts: {wall:.2f} s wall, {cpu:.2f} s CPU; kept salt "
        f"{result.salt}, max |SMD| {result.max_smd_before:.4f} (salt 0) -> "
        f"{result.max_smd_after:.4f}"
    )
    proof_wall = time.perf_counter()
    before = plain_assignment(42, keys, strata, shares)
    proof = balance_proof(result.groups, shares, covariates, before)
    proof_wall = time.perf_counter() - proof_wall
    verdict, sizes = proof["verdict"], proof["sizes"]
    print(f"balance proof: {proof_wall:.2f} s wall; verdict {verdict}, sizes {sizes}")
    rss = peak_rss_mb()
    print(f"peak RSS {rss:.0f} MB")
    ok = wall <= 5.0 and rss <= 1024
    print(
        "target (<= 5 s, <= 1 GB):", "met" if ok else "NOT met (the machine is shared: see CPU s)"
    )


if __name__ == "__main__":
    main()
