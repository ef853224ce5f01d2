import math

import numpy as np
import pandas as pd
import pytest

from clusterresearch.metrics import area_gap, area_stats, respondent_area_index, self_vs_assessor

from conftest import grid_of, tidy


def frame():
    rows = []
    # r1: area x items 2 and 4 (index 3), desired 5; assessor of i1 = 1
    # r2: area x items 4 and missing (index 4), desired 4; assessor of i1 = 3
    # r3: area x items 5 and 5 (index 5), no desired; area y item 1
    for rid, country, i1, i2, des, ass in [("r1", "PL", 2, 4, 5, 1), ("r2", "PL", 4, np.nan, 4, 3), ("r3", "LT", 5, 5, np.nan, np.nan)]:
        rows += [
            (rid, country, rid + "c", "i1", "x", "likert", i1),
            (rid, country, rid + "c", "i2", "x", "likert", i2),
            (rid, country, rid + "c", "x_desired", "x", "desired", des),
            (rid, country, rid + "c", "i1_assessed", "x", "assessor", ass),
            (rid, country, rid + "c", "j1", "y", "likert", 1 if rid == "r3" else np.nan),
        ]
    return grid_of(tidy(rows))


INSTRUMENT = pd.DataFrame({
    "item_id": ["i1", "i2", "x_desired", "i1_assessed", "j1"],
    "area": ["x", "x", "x", "x", "y"],
    "type": ["likert", "likert", "desired", "assessor", "likert"],
    "compares_to": ["", "", "", "i1", ""],
})


def test_respondent_area_index_is_mean_of_answered_likert_items():
    idx = respondent_area_index(frame()).set_index(["respondent_id", "area"])
    assert idx.loc[("r1", "x"), "index"] == 3 and idx.loc[("r2", "x"), "index"] == 4
    assert idx.loc[("r2", "x"), "n_items"] == 1
    assert math.isnan(idx.loc[("r1", "y"), "index"]) and idx.loc[("r3", "y"), "index"] == 1


def test_area_stats_pool_answers_and_average_indices():
    x = area_stats(frame()).set_index("area").loc["x"]
    assert x["n"] == 5 and x["mean"] == pytest.approx(20 / 5)
    assert x["spread"] == pytest.approx(np.std([2, 4, 5, 4, 5], ddof=1))
    assert (x["n_agree"], x["share_agree"]) == (4, pytest.approx(0.8))
    assert x["n_respondents"] == 3 and x["index_mean"] == pytest.approx(4.0)
    y = area_stats(frame()).set_index("area").loc["y"]
    assert y["n"] == 1 and y["n_respondents"] == 1 and math.isnan(y["index_ci_low"])


def test_area_stats_by_country():
    table = area_stats(frame(), by=["country"]).set_index(["country", "area"])
    assert table.loc[("PL", "x"), "n_respondents"] == 2
    assert table.loc[("PL", "x"), "index_mean"] == pytest.approx(3.5)
    assert table.loc[("LT", "x"), "n"] == 2


def test_gap_uses_respondents_with_both():
    gap = area_gap(frame()).set_index("area").loc["x"]
    assert gap["n"] == 2
    assert gap["existing"] == pytest.approx(3.5) and gap["desired"] == pytest.approx(4.5)
    assert gap["gap"] == pytest.approx(((5 - 3) + (4 - 4)) / 2)


def test_self_against_assessor():
    row = self_vs_assessor(frame(), INSTRUMENT).iloc[0]
    assert row["self_item"] == "i1" and row["n"] == 2
    assert row["difference"] == pytest.approx(((2 - 1) + (4 - 3)) / 2)
