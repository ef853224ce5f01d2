import math

import numpy as np
import pytest

from clusterresearch.metrics import item_stats, wilson_interval

from conftest import grid_of, tidy, wilson


def frame():
    # item a: 1, 4, 5, missing; item b: one answer; item c: all equal; item d: all missing
    return grid_of(tidy([
        ("r1", "PL", "c1", "a", "x", "likert", 1), ("r1", "PL", "c1", "b", "x", "likert", 3),
        ("r1", "PL", "c1", "c", "y", "likert", 4), ("r1", "PL", "c1", "d", "y", "likert", np.nan),
        ("r2", "PL", "c2", "a", "x", "likert", 4), ("r2", "PL", "c2", "b", "x", "likert", np.nan),
        ("r2", "PL", "c2", "c", "y", "likert", 4), ("r2", "PL", "c2", "d", "y", "likert", np.nan),
        ("r3", "LT", "c3", "a", "x", "likert", 5), ("r3", "LT", "c3", "b", "x", "likert", np.nan),
        ("r3", "LT", "c3", "c", "y", "likert", 4), ("r3", "LT", "c3", "d", "y", "likert", np.nan),
        ("r4", "LT", "c4", "a", "x", "likert", np.nan), ("r4", "LT", "c4", "b", "x", "likert", np.nan),
        ("r4", "LT", "c4", "c", "y", "likert", 4), ("r4", "LT", "c4", "d", "y", "likert", np.nan),
    ]))


def test_item_stats_by_hand():
    table = item_stats(frame()).set_index("item_id")
    a = table.loc["a"]
    assert a["n"] == 3 and list(a[["n_1", "n_2", "n_3", "n_4", "n_5"]]) == [1, 0, 0, 1, 1]
    assert a["mean"] == pytest.approx(10 / 3)
    assert a["sd"] == pytest.approx(math.sqrt(((1 - 10 / 3) ** 2 + (4 - 10 / 3) ** 2 + (5 - 10 / 3) ** 2) / 2))
    assert a["median"] == 4
    assert (a["n_agree"], a["share_agree"]) == (2, pytest.approx(2 / 3))
    assert (a["n_disagree"], a["n_top"]) == (1, 1)
    assert (a["ci_low"], a["ci_high"]) == pytest.approx(wilson(2, 3))


def test_single_answer_has_no_sd_but_an_interval():
    b = item_stats(frame()).set_index("item_id").loc["b"]
    assert b["n"] == 1 and b["mean"] == 3 and math.isnan(b["sd"])
    assert b["share_agree"] == 0 and (b["ci_low"], b["ci_high"]) == pytest.approx(wilson(0, 1))


def test_all_answers_equal():
    c = item_stats(frame()).set_index("item_id").loc["c"]
    assert c["n"] == 4 and c["sd"] == 0 and c["share_agree"] == 1 and c["n_4"] == 4
    assert c["ci_high"] == pytest.approx(1.0) and c["ci_low"] == pytest.approx(wilson(4, 4)[0])


def test_all_missing_keeps_a_row_with_n_zero():
    d = item_stats(frame()).set_index("item_id").loc["d"]
    assert d["n"] == 0 and math.isnan(d["mean"]) and math.isnan(d["share_agree"]) and math.isnan(d["ci_low"])


def test_grouped_rows_and_order():
    table = item_stats(frame(), by=["country"])
    assert list(table["country"]) == ["LT"] * 4 + ["PL"] * 4
    assert list(table["item_id"]) == ["a", "b", "c", "d"] * 2
    lt_a = table[(table.country == "LT") & (table.item_id == "a")].iloc[0]
    assert lt_a["n"] == 1 and lt_a["share_agree"] == 1


def test_wilson_interval_matches_formula_and_handles_zero_n():
    low, high = wilson_interval([10, 0], [12, 0])
    assert (low[0], high[0]) == pytest.approx(wilson(10, 12))
    assert np.isnan(low[1]) and np.isnan(high[1])


def test_wilson_interval_is_statsmodels_bit_for_bit():
    """The interval is written with statsmodels' own expressions (to spare its import):
    every count of every n up to 60, and large n, give exactly statsmodels' numbers."""
    from statsmodels.stats.proportion import proportion_confint

    n = np.concatenate([np.repeat(np.arange(1, 61), np.arange(1, 61) + 1), [100_000, 64_600, 7]])
    k = np.concatenate([np.concatenate([np.arange(m + 1) for m in range(1, 61)]), [51_234, 0, 7]])
    low, high = wilson_interval(k, n)
    want_low, want_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_array_equal(low, np.clip(want_low, 0, 1))
    np.testing.assert_array_equal(high, np.clip(want_high, 0, 1))


def test_t_interval_is_scipy_stats_bit_for_bit():
    import pandas as pd
    from scipy import stats

    from clusterresearch.metrics.areas import t_interval

    n = pd.Series([0, 1, 2, 3, 12, 7, 64_600], dtype="int64")
    mean, sd = pd.Series(np.linspace(1, 5, 7)), pd.Series(np.linspace(0.1, 2, 7))
    low, high = t_interval(mean, sd, n)
    half = stats.t.ppf(0.975, (n - 1).where(n > 1)) * sd / np.sqrt(n)
    np.testing.assert_array_equal(low.to_numpy(), (mean - half).to_numpy())
    np.testing.assert_array_equal(high.to_numpy(), (mean + half).to_numpy())
    assert low.isna().tolist() == [True, True, False, False, False, False, False]
