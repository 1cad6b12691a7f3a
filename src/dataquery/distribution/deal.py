"""Dealing the day's eligible customers out to the campaigns: pure numpy, no I/O.

The rule: every customer whom at least one campaign accepts goes to exactly one of those
campaigns, and the campaign sizes are as equal as the campaigns' rules allow. When every
campaign accepts everyone the sizes differ by at most one; otherwise a campaign is smaller than
another by two or more only when it cannot take anyone of the larger one, directly or through a
chain of moves (customer x leaves A for B, customer y leaves B for C, ...). That is the most
balanced split there is: no sequence of moves makes the sizes more equal.

How, without a Python loop over customers: customers with the same set of accepting campaigns
(a "pattern"; a few dozen in practice) are interchangeable, so the balance is solved on a small
pattern x campaign matrix of counts (water-filling, then moves along augmenting paths until
none is left), and only then are the customers of each pattern dealt out, in an order fixed by
the day's seed. Ties (who gets the one extra customer) go by a campaign order drawn from the
same seed, so the result depends on the day and the data alone.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from dataquery.sampling.split import buckets

UNASSIGNED = -1


@dataclass(frozen=True)
class Deal:
    """`campaign[i]`: the index of the campaign customer i goes to, or UNASSIGNED."""

    campaign: npt.NDArray[np.int64]

    def sizes(self, campaigns: int) -> list[int]:
        assigned = self.campaign[self.campaign >= 0]
        return [int(n) for n in np.bincount(assigned, minlength=campaigns)]


def campaign_rank(seed: int, campaigns: int) -> npt.NDArray[np.int64]:
    """rank[c]: campaign c's place in the day's tie-breaking order (0 first)."""
    order = np.argsort(buckets(seed, np.arange(campaigns, dtype=np.uint64)), kind="stable")
    rank = np.empty(campaigns, dtype=np.int64)
    rank[order] = np.arange(campaigns)
    return rank


def deal(eligible: npt.NDArray[np.bool_], keys: npt.NDArray[np.uint64], seed: int) -> Deal:
    """`eligible[i, c]`: campaign c accepts customer i (whose IIN's integer is keys[i])."""
    customers, campaigns = eligible.shape
    result = np.full(customers, UNASSIGNED, dtype=np.int64)
    if customers == 0 or campaigns == 0:
        return Deal(result)
    patterns, inverse = _patterns(eligible)
    counts = np.bincount(inverse, minlength=len(patterns)).astype(np.int64)
    rank = campaign_rank(seed, campaigns)
    allocation = balance(patterns, counts, rank)
    # Within a pattern, customers in the seed's order; consecutive runs go to its campaigns
    # in the tie-breaking order.
    order = np.lexsort((buckets(seed, keys), inverse))
    pattern_of = inverse[order]
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    position = np.arange(customers) - starts[pattern_of]
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.cumsum(allocation[:, by_rank], axis=1)  # patterns x campaigns
    slot = np.zeros(customers, dtype=np.int64)
    for column in range(campaigns):  # a pass per campaign, not per customer
        slot += bounds[pattern_of, column] <= position
    placed = slot < campaigns
    result[order[placed]] = by_rank[slot[placed]]
    return Deal(result)


def _patterns(
    eligible: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.int64]]:
    """The distinct rows of `eligible` and each customer's row among them. Rows are packed
    into 64-bit words first: sorting integers is far faster than numpy's row-wise unique."""
    customers = eligible.shape[0]
    packed = np.packbits(eligible, axis=1)
    words = -(-packed.shape[1] // 8)
    padded = np.zeros((customers, words * 8), dtype=np.uint8)
    padded[:, : packed.shape[1]] = packed
    codes = padded.view(np.uint64)  # customers x words
    order = np.lexsort(codes.T[::-1])
    ordered = codes[order]
    new = np.ones(customers, dtype=bool)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    group = np.cumsum(new) - 1
    inverse = np.empty(customers, dtype=np.int64)
    inverse[order] = group
    return eligible[order[new]], inverse


def balance(
    patterns: npt.NDArray[np.bool_], counts: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """allocation[p, c]: how many customers of pattern p go to campaign c (only where the
    pattern accepts c; each row sums to the pattern's count, or 0 for the empty pattern)."""
    accepted = patterns.astype(np.int64)
    width = accepted.sum(axis=1)
    active = width > 0
    # A start: each pattern split evenly over its campaigns, the remainder to the first ones
    # in the tie-breaking order.
    even = np.where(active, counts // np.maximum(width, 1), 0)
    remainder = np.where(active, counts - even * width, 0)
    by_rank = np.argsort(rank, kind="stable")
    place = np.zeros_like(accepted)
    place[:, by_rank] = np.cumsum(accepted[:, by_rank], axis=1)
    allocation = accepted * even[:, None] + (accepted * (place <= remainder[:, None]))
    _improve(accepted, allocation, rank)
    return allocation


def _improve(
    accepted: npt.NDArray[np.int64], allocation: npt.NDArray[np.int64], rank: npt.NDArray[np.int64]
) -> None:
    """Moves along augmenting paths until no campaign can pass customers, directly or by a
    chain, to one smaller by two or more. Each move lowers the sum of squared sizes, so this
    ends. The search runs on the campaigns x campaigns matrix movable[a, b] (how many of a's
    customers b would accept), kept up to date as customers move."""
    sizes = allocation.sum(axis=0)
    movable = allocation.T @ accepted
    np.fill_diagonal(movable, 0)
    while True:
        for source in np.lexsort((rank, -sizes)):
            path = _path_from(int(source), movable, sizes, rank)
            if path is None:
                continue
            target = path[-1][1]
            amount = min(
                min(int(movable[a, b]) for a, b in path), int(sizes[source] - sizes[target]) // 2
            )
            for a, b in path:
                _move(accepted, allocation, movable, a, b, amount)
            sizes[source] -= amount
            sizes[target] += amount
            break
        else:
            return


def _move(
    accepted: npt.NDArray[np.int64],
    allocation: npt.NDArray[np.int64],
    movable: npt.NDArray[np.int64],
    a: int,
    b: int,
    amount: int,
) -> None:
    """`amount` customers from campaign a to b, taken from the patterns in their order."""
    candidates = np.flatnonzero((allocation[:, a] > 0) & (accepted[:, b] > 0))
    available = allocation[candidates, a]
    before = np.cumsum(available) - available
    taken = np.clip(amount - before, 0, available)
    allocation[candidates, a] -= taken
    allocation[candidates, b] += taken
    moved = taken @ accepted[candidates]
    movable[a] -= moved
    movable[b] += moved
    movable[a, a] = movable[b, b] = 0
    # Who else could take the moved customers is counted from b now, not from a.


def _path_from(
    source: int,
    movable: npt.NDArray[np.int64],
    sizes: npt.NDArray[np.int64],
    rank: npt.NDArray[np.int64],
) -> list[tuple[int, int]] | None:
    """A shortest chain of moves (from, to) from `source` to the smallest campaign it reaches
    that is smaller by two or more; None if there is none."""
    previous = {source: source}
    queue = deque([source])
    while queue:
        a = queue.popleft()
        for b in np.flatnonzero(movable[a] > 0):
            if int(b) not in previous:
                previous[int(b)] = a
                queue.append(int(b))
    reachable = [b for b in previous if sizes[b] <= sizes[source] - 2]
    if not reachable:
        return None
    target = min(reachable, key=lambda b: (int(sizes[b]), int(rank[b])))
    path: list[tuple[int, int]] = []
    node = target
    while node != source:
        path.append((previous[node], node))
        node = previous[node]
    path.reverse()
    return path
