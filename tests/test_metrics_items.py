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
