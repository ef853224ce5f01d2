"""Exact permutation test and Cliff's delta against hand-enumerated cases."""

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterresearch.metrics.compare import (
    cliffs_delta,
    cliffs_magnitude,
    compare_groups,
    compare_pairs,
    permutation_p,
    permutation_test,
)

from conftest import grid_of

PL7 = [3.2, 4.0, 2.5, 3.8, 4.4, 3.0, 2.9]
LT5 = [2.0, 3.1, 2.2, 2.8, 3.5]


def brute_force_p(a, b):
    """Independent enumeration: share of relabellings with |mean difference| >= observed."""
    pooled = list(a) + list(b)
    obs = abs(np.mean(a) - np.mean(b))
    hits = total = 0
    for chosen in itertools.combinations(range(len(pooled)), len(a)):
        ga = [pooled[i] for i in chosen]
        gb = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        hits += abs(np.mean(ga) - np.mean(gb)) >= obs - 1e-9
        total += 1
    return hits / total


def test_two_vs_two_by_hand():
    # Pooled 1, 2, 3, 5: the six splits give differences -2.5, -1.5, 0.5, -0.5, 1.5, 2.5;
    # two of them reach |2.5|, so p = 2/6.
    result = permutation_p([1, 2], [3, 5])
    assert result.difference == pytest.approx(-2.5)
    assert result.p_value == pytest.approx(1 / 3)
    assert (result.method, result.n_permutations) == ("exact", 6)


def test_seven_vs_five_is_exact_over_792_assignments():
    result = permutation_p(PL7, LT5)
    assert (result.method, result.n_permutations) == ("exact", 792)
    assert result.p_value == pytest.approx(brute_force_p(PL7, LT5))
    assert (result.n_a, result.n_b) == (7, 5)
    assert result.difference == pytest.approx(np.mean(PL7) - np.mean(LT5))


def test_agrees_with_scipy_when_groups_are_equal_in_size():
    # With equal sizes the null distribution is symmetric, so scipy's doubled one-sided p
    # equals our |difference| p. (For 7 vs 5 they differ; see docs/statistics.md.)
    a, b = [3.0, 4.5, 2.0, 4.0], [2.5, 1.5, 3.0, 2.0]
    ref = stats.permutation_test((a, b), lambda x, y, axis: np.mean(x, axis=axis) - np.mean(y, axis=axis),
                                 permutation_type="independent", n_resamples=10**6, vectorized=True)
    assert permutation_p(a, b).p_value == pytest.approx(ref.pvalue)


def test_all_equal_answers_give_p_one():
    result = permutation_p([3, 3, 3], [3, 3])
    assert result.difference == 0 and result.p_value == 1.0


def test_missing_values_are_dropped():
    assert permutation_p([1, 2, np.nan], [3, 5]).p_value == pytest.approx(1 / 3)


def test_too_small_groups_give_nan_with_reason():
    result = permutation_p([4.0], [1.0, 2.0])
    assert math.isnan(result.p_value) and result.method == "none"
    assert "at least 2" in result.reason
    empty = permutation_p([], [1.0, 2.0])
    assert math.isnan(empty.mean_a) and math.isnan(empty.p_value)


def test_monte_carlo_fallback_is_seeded_and_close():
    first = permutation_p(PL7, LT5, max_exact=100, n_resamples=20_000, seed=1)
    again = permutation_p(PL7, LT5, max_exact=100, n_resamples=20_000, seed=1)
    assert first.method == "monte carlo" and first.n_permutations == 20_000
    assert first.p_value == again.p_value
    assert first.p_value == pytest.approx(brute_force_p(PL7, LT5), abs=0.01)


def test_cliffs_delta_by_hand():
    # 3 vs 1, 3 vs 3, 4 vs 1, 4 vs 3: signs +, 0, +, + -> 3/4.
    assert cliffs_delta([3, 4], [1, 3]) == pytest.approx(0.75)
    assert cliffs_delta([1, 2, 3], [2, 2]) == pytest.approx(0.0)
    assert cliffs_delta([1, 1], [5]) == -1.0
    assert math.isnan(cliffs_delta([], [1]))


def test_cliffs_delta_from_u_equals_the_pairwise_mean_at_scale():
    """Computed through Mann-Whitney U, with ties, on groups too big for an m x n matrix to be cheap."""
    rng = np.random.default_rng(3)
    a, b = rng.integers(1, 6, 700).astype(float), rng.integers(1, 6, 900).astype(float)
    assert cliffs_delta(a, b) == pytest.approx(np.sign(a[:, None] - b[None, :]).mean())


@pytest.mark.parametrize("delta, label", [
    (0.0, "negligible"), (0.146, "negligible"), (0.147, "small"), (-0.329, "small"),
    (0.33, "medium"), (0.473, "medium"), (0.474, "large"), (-1.0, "large"), (float("nan"), ""),
])
def test_magnitude_thresholds(delta, label):
    assert cliffs_magnitude(delta) == label


def survey(values: dict[str, tuple[str, str, list]]):
    """{respondent: (country, cluster, [values of items i1, i2])} for area 'communication'."""
    rows = []
    for rid, (country, cluster, vals) in values.items():
        for item, v in zip(("i1", "i2"), vals):
            rows.append(dict(respondent_id=rid, country=country, cluster=cluster, item_id=item,
                             area="communication", type="likert", value=float(v)))
        rows.append(dict(respondent_id=rid, country=country, cluster=cluster, item_id="wish",
                         area="communication", type="desired", value=5.0))
    return pd.DataFrame(rows)


def test_permutation_test_on_area_index():
    # Area index per manager: mean of answered likert items -> PL 1 and 2, LT 3 and 5.
    answers = survey({
        "r1": ("PL", "PL01", [1, 1]), "r2": ("PL", "PL02", [1, 3]),
        "r3": ("LT", "LT01", [3, np.nan]), "r4": ("LT", "LT02", [5, 5]),
    })
    result = permutation_test(grid_of(answers), "communication", "country", ("PL", "LT"))
    assert (result.n_a, result.n_b) == (2, 2)
    assert (result.mean_a, result.mean_b) == (1.5, 4.0)
    assert result.p_value == pytest.approx(1 / 3)
    assert result.cliffs_delta == -1.0 and result.magnitude == "large"


def test_compare_groups_table_and_small_groups():
    answers = survey({
        "r1": ("PL", "PL01", [1, 1]), "r2": ("PL", "PL02", [1, 3]),
        "r3": ("LT", "LT01", [3, 3]), "r4": ("LT", "LT02", [5, 5]),
    })
    table = compare_groups(grid_of(answers), "country", ("PL", "LT"))
    assert len(table) == 1 and table.loc[0, "area"] == "communication"
    assert table.loc[0, "method"] == "exact"
    for col in ("n_a", "n_b", "mean_a", "mean_b", "difference", "p_value", "cliffs_delta", "magnitude"):
        assert col in table.columns

    by_cluster = compare_groups(grid_of(answers), "cluster", ("PL01", "LT02"))
    assert math.isnan(by_cluster.loc[0, "p_value"])
    assert by_cluster.loc[0, "reason"] and by_cluster.loc[0, "method"] == "none"
    assert by_cluster.loc[0, "cliffs_delta"] == -1.0   # still described, one answer each


def test_group_column_outside_the_respondent_keys():
    answers = survey({
        "r1": ("PL", "PL01", [1, 1]), "r2": ("PL", "PL02", [1, 3]),
        "r3": ("LT", "LT01", [3, 3]), "r4": ("LT", "LT02", [5, 5]),
    })
    answers["size"] = answers["respondent_id"].map({"r1": "small", "r2": "big", "r3": "small", "r4": "big"})
    result = permutation_test(grid_of(answers), "communication", "size", ("small", "big"))
    assert (result.mean_a, result.mean_b) == (2.0, 3.5)


def test_every_pair_with_holm_adjustment():
    answers = survey({
        "r1": ("PL", "PL01", [1, 1]), "r2": ("PL", "PL02", [1, 2]), "r3": ("PL", "PL03", [2, 1]),
        "r4": ("LT", "LT01", [3, 3]), "r5": ("LT", "LT02", [4, 3]), "r6": ("LT", "LT03", [3, 4]),
        "r7": ("DE", "DE01", [5, 5]), "r8": ("DE", "DE02", [5, 4]), "r9": ("DE", "DE03", [4, 5]),
    })
    table = compare_pairs(grid_of(answers), "country")
    assert list(zip(table["group_a"], table["group_b"])) == [("DE", "LT"), ("DE", "PL"), ("LT", "PL")]
    assert table.attrs["tests"] == 3
    raw = sorted(table["p_value"])
    holm = [min(1.0, max(3 * raw[0], 0)), min(1.0, max(3 * raw[0], 2 * raw[1])),
            min(1.0, max(3 * raw[0], 2 * raw[1], raw[2]))]
    assert sorted(table["p_holm"]) == pytest.approx(holm)
    assert (table["p_holm"] >= table["p_value"]).all()


def test_split_count_stops_once_past_the_exact_limit():
    import math as _math

    from clusterresearch.metrics.compare import _splits_up_to

    for n in range(2, 40):
        for k in range(1, n):
            c = _math.comb(n, k)
            assert _splits_up_to(n, k, 200_000) == (c if c <= 200_000 else None), (n, k)
    assert _splits_up_to(26_000, 13_000, 200_000) is None


def test_monte_carlo_on_large_tied_groups_matches_the_normal_permutation_distribution():
    """60,000 area indices with few distinct values (as a large survey gives): the resampled
    p-value agrees with the permutation distribution's normal limit (Hajek), whose variance
    is N^2 s^2 / (n_a n_b (N - 1)) with s^2 the pooled values' population variance."""
    from scipy.stats import norm

    rng = np.random.default_rng(3)
    a = rng.integers(1, 6, (30_000, 4)).mean(axis=1)
    b = rng.integers(1, 6, (30_000, 4)).mean(axis=1) + 0.012
    result = permutation_p(a, b)
    pooled = np.concatenate([a, b])
    sd = np.sqrt(pooled.size ** 2 * pooled.var() / (a.size * b.size * (pooled.size - 1)))
    expected = 2 * norm.sf(abs(a.mean() - b.mean()) / sd)
    assert result.method == "monte carlo" and result.n_permutations == 10_000
    assert result.p_value == pytest.approx(expected, abs=0.01)
