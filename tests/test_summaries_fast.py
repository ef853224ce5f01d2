"""The grid's counts (`metrics.tally`) against the straightforward computation on the tidy
export, on random data: pandas groupby over the labels of `respondent_area_index` and of
the answers. Several groupings counted at once (prepare's scopes) give each grouping's
tables exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterresearch.metrics import area_stats, item_stats, respondent_area_index
from clusterresearch.metrics.areas import area_tables
from clusterresearch.metrics.items import grid_geometry, item_tables, missing_counts, missing_tables, width_of
from clusterresearch.metrics.tally import factor, tally

from conftest import grid_of

ITEMS = pd.DataFrame({
    "item_id": ["a1", "a2", "a3", "b1", "b2", "c1", "d1"],
    "area": ["A", "A", "A", "B", "B", "C", "D"],
    "type": ["likert", "likert", "likert", "likert", "likert", "desired", "likert"],
    "scale": ["agree5", "agree5", "agree7", "labels4", "labels4", "agree5", "agree5"],
    "k": [5, 5, 7, 4, 4, 5, 5],
    "disagree_max": [2, 2, 3, 2, 2, 2, 2],
    "agree_min": [4, 4, 5, 3, 3, 4, 4],
    "reverse": [False, True, False, False, True, False, False],
})


def random_answers(seed: int, respondents: int, categorical: bool) -> pd.DataFrame:
    """Tidy answers: NaN answers, missing codes, a one-respondent group, an area (D) whose
    item nobody answered, and (categorical) a cluster category no respondent is in."""
    rng = np.random.default_rng(seed)
    ids = [f"R{i:04d}" for i in rng.permutation(respondents)]
    country = rng.choice(["DE", "FR", "PL"], respondents)
    cluster = np.char.add(country, rng.choice(["-1", "-2"], respondents))
    country[0], cluster[0] = "LT", "LT-1"  # a group of one
    rows = len(ITEMS)
    frame = pd.DataFrame({
        "respondent_id": np.repeat(ids, rows), "country": np.repeat(country, rows),
        "cluster": np.repeat(cluster, rows), "item_id": np.tile(ITEMS["item_id"], respondents),
        "area": np.tile(ITEMS["area"], respondents), "type": np.tile(ITEMS["type"], respondents)})
    k = np.tile(ITEMS["k"], respondents)
    value = np.floor(rng.random(len(frame)) * k) + 1
    value[rng.random(len(frame)) < 0.2] = np.nan
    value[frame["item_id"].to_numpy() == "d1"] = np.nan
    missing = np.where(np.isnan(value) & (rng.random(len(frame)) < 0.5), "Don't know", None)
    frame["value"], frame["missing"] = value, missing
    frame = frame.sample(frac=1, random_state=seed).reset_index(drop=True)  # any row order
    if categorical:
        for name in ("respondent_id", "country", "cluster"):
            frame[name] = pd.Categorical(frame[name], categories=sorted(set(frame[name]) | {"ZZ-9"}))
        for name in ("item_id", "type"):
            frame[name] = pd.Categorical(frame[name], categories=list(pd.unique(ITEMS[name])))
        frame["area"] = pd.Categorical(frame["area"], categories=["D", "B", "A", "C"])
        frame["missing"] = pd.Categorical(frame["missing"])
    return frame


def straightforward_over_respondents(answers, by):
    """What area_stats reported over respondents before: group the labelled index table."""
    index = respondent_area_index(grid_of(answers, AREAS), ITEMS).dropna(subset=["index"])
    return index.groupby(by + ["area"], sort=False)["index"].agg(
        n_respondents="count", index_mean="mean", index_sd="std").reset_index()


@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("by", [[], ["country"], ["cluster"], ["country", "cluster"]])
@pytest.mark.parametrize("seed", [1, 2])
def test_area_stats_over_respondents_match_grouped_labels(seed, by, categorical):
    answers = random_answers(seed, 60, categorical)
    table = area_stats(grid_of(answers, AREAS), ITEMS, by)
    want = straightforward_over_respondents(answers, by).astype({c: "str" for c in by + ["area"]})
    merged = table.merge(want, on=by + ["area"], how="left", suffixes=("", "_want"))
    assert len(merged) == len(table)
    assert (merged["n_respondents"] == merged["n_respondents_want"].fillna(0)).all()
    for name in ("index_mean", "index_sd"):  # exactly equal, NaN where they are NaN
        np.testing.assert_array_equal(merged[name].to_numpy(), merged[f"{name}_want"].to_numpy())
    assert (table.groupby(by + ["area"]).size() == 1).all()


@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("by", [[], ["cluster"]])
def test_item_stats_counts_match_groupby(by, categorical):
    answers = random_answers(3, 40, categorical)
    table = item_stats(grid_of(answers, AREAS), ITEMS, by).set_index(by + ["item_id"])
    plain = answers.astype({c: "str" for c in ("respondent_id", "country", "cluster", "item_id")})
    grouped = plain.groupby(by + ["item_id"])
    assert table["n"].to_dict() == grouped["value"].count().to_dict()
    assert table["n_missing"].to_dict() == grouped["missing"].count().to_dict()
    np.testing.assert_allclose(table["mean"], grouped["value"].mean().reindex(table.index), rtol=1e-12)


GROUPINGS = [[], ["country"], ["cluster"], ["cluster", "country"], ["country", "cluster"]]
AREAS = ["D", "B", "A", "C"]  # the report order


@pytest.mark.parametrize("categorical", [False, True])
@pytest.mark.parametrize("one_length", [False, True])  # area A mixes 5 and 7 answers (POMP), or not
def test_stats_by_are_the_stats_of_each_grouping(categorical, one_length):
    items = ITEMS.assign(k=[5, 5, 5, 4, 4, 5, 5]) if one_length else ITEMS
    answers = random_answers(6, 45, categorical)
    answers["value"] = np.minimum(answers["value"], 5.0) if one_length else answers["value"]
    grid = grid_of(answers, AREAS)
    geometry = grid_geometry(grid, items)
    counted = tally(grid, GROUPINGS, width_of(geometry))
    for got, by in zip(item_tables(grid, geometry, GROUPINGS, counted), GROUPINGS):
        pd.testing.assert_frame_equal(got, item_stats(grid, items, by), check_exact=True)
    for got, by in zip(area_tables(grid, items, GROUPINGS, counted), GROUPINGS):
        pd.testing.assert_frame_equal(got, area_stats(grid, items, by), check_exact=True)
    for got, by in zip(missing_tables(grid, GROUPINGS, counted), GROUPINGS):
        pd.testing.assert_frame_equal(got, missing_counts(grid, by), check_exact=True)


@pytest.mark.parametrize("by", [[], ["country"], ["country", "cluster"]])
def test_missing_counts_match_groupby(by):
    answers = random_answers(7, 40, categorical=False)
    table = missing_counts(grid_of(answers, AREAS), by)
    given = answers[answers["missing"].notna()].astype({c: "str" for c in ("country", "cluster", "item_id")})
    want = given.groupby(by + ["item_id", "missing"]).size()
    assert table.set_index(by + ["item_id", "missing"])["count"].to_dict() == want.to_dict()
    assert table["count"].sum() == len(given)


@pytest.mark.parametrize("shuffle", [False, True])
def test_respondents_in_order_of_first_answer(shuffle):
    """`scope.respondents` finds each respondent's first row by a pass over sorted codes (a
    loaded survey is sorted by respondent) and by np.unique otherwise."""
    from clusterresearch.scope import respondents

    answers = random_answers(4, 40, categorical=True)
    if shuffle:
        answers = answers.sample(frac=1.0, random_state=1).reset_index(drop=True)
    people = [c for c in answers.columns if c not in ("item_id", "area", "type", "value", "missing")]
    expected = answers[people].drop_duplicates("respondent_id").astype("str").reset_index(drop=True)
    pd.testing.assert_frame_equal(respondents(answers), expected)


def test_factor_labels_are_made_once_per_categories():
    answers = random_answers(5, 30, categorical=True)
    part = answers.iloc[::3]
    codes, labels = factor(part["respondent_id"], sort=False)
    assert labels is factor(answers["respondent_id"], sort=False)[1]  # the same categories: made once
    assert list(labels) == list(answers["respondent_id"].cat.categories)
    other = answers["respondent_id"].cat.rename_categories(lambda c: c + "x")
    assert list(factor(other, sort=False)[1]) == [c + "x" for c in answers["respondent_id"].cat.categories]
