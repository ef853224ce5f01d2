"""The tidy answers are an export of the grid: prepare's Parquet file from the grid's
codes (`prepare.tidy_batches`) has the bytes of the tidy frame's own Parquet, on random
grids with reverse-keyed items, missing codes and row groups cut anywhere.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from clusterresearch.loading.grid import Grid
from clusterresearch.prepare import write_tidy_parquet

GEOMETRY = pd.DataFrame({
    "item_id": ["a1", "a2", "a3", "b1", "b2", "c1", "d1", "e1"],
    "area": ["A", "A", "A", "B", "B", "C", "D", "E"],
    "type": ["likert", "likert", "likert", "likert", "likert", "desired", "likert", "assessor"],
    "scale": ["agree5", "agree5", "agree7", "labels4", "labels4", "agree5", "agree5", "agree5"],
    "k": [5, 5, 7, 4, 4, 5, 5, 5],
    "disagree_max": [2, 2, 3, 2, 2, 2, 2, 2],
    "agree_min": [4, 4, 5, 3, 3, 4, 4, 4],
    "reverse": [False, True, False, False, True, False, False, False],
})
LABELS = ("Refused", "Don't know", "n/a")


def random_grid(seed: int, respondents: int, geometry: pd.DataFrame) -> Grid:
    rng = np.random.default_rng(seed)
    ids = sorted(f"R{i:05d}" for i in rng.permutation(respondents))
    country = rng.choice(["DE", "FR", "PL"], respondents)
    cluster = np.char.add(country, rng.choice(["-1", "-2", "-3"], respondents))
    country[0], cluster[0] = "LT", "LT-1"  # a group of one
    people = pd.DataFrame({"respondent_id": ids, "country": country, "cluster": cluster})
    k = geometry["k"].to_numpy()
    values = np.floor(rng.random((respondents, len(k))) * k + 1)
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, geometry["item_id"].to_numpy() == "d1"] = np.nan  # an item nobody answered
    missing = np.where(np.isnan(values) & (rng.random(values.shape) < 0.5),
                       rng.integers(0, 2 if seed % 2 else 3, values.shape), -1).astype(np.int32)
    items = geometry[["item_id", "area", "type"]].astype("str").reset_index(drop=True)
    order = ["E", "B", "A", "C", "D", "Z"]  # the report order
    study = SimpleNamespace(area_order=lambda asked=None: [a for a in order if asked is None or a in set(asked)])
    return Grid(people, items, values, missing, LABELS, pd.DataFrame(), study, None)


def tidy_parquet(grid: Grid) -> bytes:
    buffer = io.BytesIO()
    write_tidy_parquet(grid, buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("seed", [1, 2])
def test_parquet_from_the_codes_is_the_frames_parquet(seed):
    grid = random_grid(seed, 80, GEOMETRY)
    if seed == 2:  # no missing code given: the column's dictionary has no labels
        grid = Grid(grid.respondents, grid.items, grid.values, np.full_like(grid.missing, -1), LABELS,
                    grid.essays, grid.study, None)
    buffer = io.BytesIO()
    grid.answers().to_parquet(buffer, index=False, engine="pyarrow", compression="zstd", write_statistics=["value"])
    assert tidy_parquet(grid) == buffer.getvalue()
    back = pd.read_parquet(io.BytesIO(tidy_parquet(grid)))
    if seed == 1:  # (a column of no labels reads back as object: pandas' round trip, either road)
        pd.testing.assert_frame_equal(back, grid.answers())


def test_parquet_row_groups_cut_anywhere(monkeypatch):
    """Row groups that end inside a respondent's answers and inside the items' cycle."""
    import clusterresearch.prepare as prepare

    grid = random_grid(3, 50, GEOMETRY)
    monkeypatch.setattr(prepare, "ROW_GROUP", 37)
    buffer = io.BytesIO()
    grid.answers().to_parquet(buffer, index=False, engine="pyarrow", compression="zstd", write_statistics=["value"],
                              row_group_size=37)
    assert tidy_parquet(grid) == buffer.getvalue()
