"""Comparing groups of respondents on an area index: permutation tests and Cliff's delta.

With small groups the honest test is an exact permutation test: every way to hand out the
group labels is enumerated (C(12, 5) = 792 for 7 + 5), so the p-value needs no
distributional assumption and no random draws; beyond ``MAX_EXACT`` splits a seeded Monte
Carlo test with ``N_RESAMPLES`` resamples is used and the table says so (each resample drawn
as the multivariate hypergeometric counts of the distinct values group a receives, which
has the distribution of a random relabelling at a cost independent of n). Cliff's delta
(Cliff 1993) accompanies it as an effect size that only uses the order of the answers.
Several pairs are adjusted with Holm's step-down method (Holm 1979). At small n these
describe; they do not license a claim that groups differ.
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from scipy.stats import mannwhitneyu
from statsmodels.stats.multitest import multipletests

from .areas import Keyed, respondent_area_index

MAX_EXACT = 200_000      # enumerate all label assignments up to this many
N_RESAMPLES = 10_000     # Monte Carlo resamples beyond it
MAX_GROUPS = 8           # a compare column with more groups is not compared pair by pair
SEED = 2016              # seed of the Monte Carlo fallback (the paper's year)
_TIE_TOL = 1e-9          # differences within this of the observed one count as "as extreme"

# Romano et al. (2006) thresholds for |Cliff's delta|.
CLIFF_THRESHOLDS: tuple[tuple[float, str], ...] = ((0.147, "negligible"), (0.33, "small"), (0.474, "medium"))


@dataclass(frozen=True)
class PermutationResult:
    """Difference in means (a minus b) and its two-sided permutation p-value.

    ``method`` is "exact" (all assignments enumerated), "monte carlo" (``n_permutations``
    seeded random assignments, p = (1 + hits) / (1 + resamples)) or "none" with ``reason``.
    """

    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    p_value: float
    method: str
    n_permutations: int
    reason: str = ""


@dataclass(frozen=True)
class GroupComparison:
    """One area compared between two groups: permutation test and Cliff's delta."""

    area: str
    group_col: str
    group_a: str
    group_b: str
    n_a: int
    n_b: int
    mean_a: float
    mean_b: float
    difference: float
    p_value: float
    method: str
    n_permutations: int
    cliffs_delta: float
    magnitude: str
    reason: str

    def as_dict(self) -> dict:
        return asdict(self)


def cliffs_delta(a: Sequence[float], b: Sequence[float]) -> float:
    """Cliff's delta = mean of sign(a_i - b_j) over all pairs = 2 U / (m n) - 1, with U the
    Mann-Whitney statistic of a (ties count one half); NaN if a group is empty.

    +1: every answer of a above every answer of b; 0: as many pairs one way as the other.
    Computed from U (scipy), so no m x n matrix is built.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if a.size == 0 or b.size == 0:
        return float("nan")
    u = mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").statistic
    return float(2.0 * u / (a.size * b.size) - 1.0)


def cliffs_magnitude(delta: float) -> str:
    """Romano et al. (2006) label of |delta|: negligible < .147 <= small < .33 <= medium < .474 <= large."""
    if delta is None or np.isnan(delta):
        return ""
    size = abs(delta)
    for limit, label in CLIFF_THRESHOLDS:
        if size < limit:
            return label
    return "large"


def _abs_diffs(s_a: np.ndarray, total: float, n_a: int, n_b: int) -> np.ndarray:
    """|mean(a) - mean(b)| from the sums ``s_a`` of group a's values (``total``: all values)."""
    return np.abs(s_a / n_a - (total - s_a) / n_b)


def _splits_up_to(n: int, k: int, limit: int) -> int | None:
    """C(n, k), or None once it exceeds ``limit`` (C(26000, 13000) has 7,800 digits: not
    worth computing to learn that it is more than 200,000)."""
    k = min(k, n - k)
    count = 1
    for i in range(1, k + 1):
        count = count * (n - k + i) // i  # C(n - k + i, i), increasing in i
        if count > limit:
            return None
    return count


def permutation_p(
    a: Sequence[float],
    b: Sequence[float],
    *,
    max_exact: int = MAX_EXACT,
    n_resamples: int = N_RESAMPLES,
    seed: int = SEED,
) -> PermutationResult:
    """Two-sided permutation test of mean(a) - mean(b); NaN values are dropped first.

    p is the share of label assignments whose |difference| is at least the observed one
    (the observed assignment included). Exact when C(n_a + n_b, n_a) <= ``max_exact``,
    otherwise seeded Monte Carlo. Below two answers in either group: p NaN with a reason.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    n_a, n_b = int(a.size), int(b.size)
    mean_a = float(a.mean()) if n_a else float("nan")
    mean_b = float(b.mean()) if n_b else float("nan")
    diff = mean_a - mean_b
    if n_a < 2 or n_b < 2:
        reason = f"needs at least 2 respondents per group (have {n_a} and {n_b})"
        return PermutationResult(n_a, n_b, mean_a, mean_b, diff, float("nan"), "none", 0, reason)

    pooled = np.concatenate([a, b])
    n = pooled.size
    total = pooled.sum()
    observed = _abs_diffs(a.sum(), total, n_a, n_b)
    count = _splits_up_to(n, n_a, max_exact)
    if count is not None:
        flat = itertools.chain.from_iterable(itertools.combinations(range(n), n_a))
        idx = np.fromiter(flat, dtype=np.intp, count=count * n_a).reshape(count, n_a)
        hits = int((_abs_diffs(pooled[idx].sum(axis=1), total, n_a, n_b) >= observed - _TIE_TOL).sum())
        return PermutationResult(n_a, n_b, mean_a, mean_b, diff, hits / count, "exact", count)

    # A random assignment matters only through how many of each distinct value group a
    # gets: those counts are multivariate hypergeometric, so a resample costs O(distinct
    # values), not O(n) (area indices take few values, even with 60,000 respondents).
    values, counts = np.unique(pooled, return_counts=True)
    rng = np.random.default_rng(seed)
    hits, done = 0, 0
    batch = max(1, min(n_resamples, 4_000_000 // values.size))
    while done < n_resamples:
        size = min(batch, n_resamples - done)
        drawn = rng.multivariate_hypergeometric(counts, n_a, size=size, method="marginals")
        hits += int((_abs_diffs(drawn @ values, total, n_a, n_b) >= observed - _TIE_TOL).sum())
        done += size
    p = (1 + hits) / (1 + n_resamples)
    return PermutationResult(n_a, n_b, mean_a, mean_b, diff, p, "monte carlo", n_resamples)


def _respondent_index(grid, group_col: str, items: pd.DataFrame | None) -> pd.DataFrame:
    """respondent_id, the grouping columns, area and index (keyed mean of the respondent's
    likert items), for the respondents with an index."""
    return respondent_area_index(grid, items).dropna(subset=["index"])


def _compare(index: pd.DataFrame, area: str, group_col: str, groups: Sequence, **kwargs) -> GroupComparison:
    if len(groups) != 2:
        raise ValueError(f"groups must name exactly two groups, got {groups!r}")
    ga, gb = (str(g) for g in groups)
    in_area = index[index["area"] == area]
    a = in_area.loc[in_area[group_col] == ga, "index"].to_numpy(float)
    b = in_area.loc[in_area[group_col] == gb, "index"].to_numpy(float)
    test = permutation_p(a, b, **kwargs)
    delta = cliffs_delta(a, b)
    return GroupComparison(
        area=area, group_col=group_col, group_a=ga, group_b=gb, n_a=test.n_a, n_b=test.n_b,
        mean_a=test.mean_a, mean_b=test.mean_b, difference=test.difference, p_value=test.p_value,
        method=test.method, n_permutations=test.n_permutations, cliffs_delta=delta,
        magnitude=cliffs_magnitude(delta), reason=test.reason,
    )


def _areas(grid) -> list[str]:
    return Keyed(grid).areas


def permutation_test(grid, area: str, group_col: str, groups: Sequence,
                     items: pd.DataFrame | None = None, **kwargs) -> GroupComparison:
    """Compare two groups of ``group_col`` on one area's index.

    ``difference`` is mean of ``groups[0]`` minus mean of ``groups[1]``; keyword arguments
    (``max_exact``, ``n_resamples``, ``seed``) go to :func:`permutation_p`.
    """
    return _compare(_respondent_index(grid, group_col, items), area, group_col, groups, **kwargs)


def compare_groups(grid, group_col: str, groups: Sequence,
                   items: pd.DataFrame | None = None, **kwargs) -> pd.DataFrame:
    """One row per area with likert items (survey order): the two groups' n and mean
    index, difference, p-value, method, Cliff's delta and its magnitude."""
    index = _respondent_index(grid, group_col, items)
    rows = [_compare(index, area, group_col, groups, **kwargs).as_dict() for area in _areas(grid)]
    return pd.DataFrame(rows, columns=list(GroupComparison.__dataclass_fields__))


def compare_pairs(grid, group_col: str, items: pd.DataFrame | None = None,
                  groups: Sequence | None = None, **kwargs) -> pd.DataFrame:
    """Every pair of ``group_col``'s groups (sorted; or of ``groups``) on every area, with
    ``p_holm``: the p-values adjusted by Holm's method over all the table's tests.

    Rows whose test could not run (a group below two respondents) keep p NaN and take no
    part in the adjustment.
    """
    index = _respondent_index(grid, group_col, items)
    names = sorted(set(index[group_col].dropna())) if groups is None else [str(g) for g in groups]
    rows = [_compare(index, area, group_col, pair, **kwargs).as_dict()
            for pair in itertools.combinations(names, 2) for area in _areas(grid)]
    table = pd.DataFrame(rows, columns=list(GroupComparison.__dataclass_fields__))
    table["p_holm"] = np.nan
    tested = table["p_value"].notna().to_numpy()
    if tested.any():
        table.loc[tested, "p_holm"] = multipletests(table.loc[tested, "p_value"], method="holm")[1]
    table.attrs["tests"] = int(tested.sum())
    return table
