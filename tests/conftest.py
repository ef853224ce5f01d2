"""Shared fixtures: small tidy frames built by hand, and the shipped survey."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config

SEEDS_DIR = config.PROJ_ROOT.parent / "shared" / "seeds"
SURVEY_PAPER = SEEDS_DIR / "004_f80d2791b530bb63.txt"


def tidy(rows) -> pd.DataFrame:
    """Tidy answers from (respondent, country, cluster, item, area, type, value) tuples."""
    frame = pd.DataFrame(rows, columns=["respondent_id", "country", "cluster", "item_id", "area", "type", "value"])
    frame["value"] = frame["value"].astype(float)
    return frame


def grid_of(answers: pd.DataFrame, areas=None):
    """The survey `Grid` of tidy answers built by hand (respondents sorted by id, items and
    areas in first-seen order unless ``areas`` gives the report order): the one survey model
    the metrics count on."""
    from types import SimpleNamespace

    from clusterresearch.loading.grid import Grid

    people = [c for c in answers.columns if c not in ("item_id", "area", "type", "value", "missing")]
    respondents = answers[people].drop_duplicates("respondent_id").astype("str")
    respondents = respondents.sort_values("respondent_id", kind="stable").reset_index(drop=True)
    items = answers[["item_id", "area", "type"]].drop_duplicates("item_id").astype("str").reset_index(drop=True)
    r = pd.Index(respondents["respondent_id"]).get_indexer(answers["respondent_id"].astype("str"))
    i = pd.Index(items["item_id"]).get_indexer(answers["item_id"].astype("str"))
    values = np.full((len(respondents), len(items)), np.nan)
    values[r, i] = answers["value"].to_numpy(dtype=float)
    labels = tuple(sorted(answers["missing"].dropna().astype("str").unique())) if "missing" in answers else ()
    missing = np.full(values.shape, -1, dtype=np.int32)
    if labels:
        given = answers["missing"].notna().to_numpy()
        missing[r[given], i[given]] = pd.Index(labels).get_indexer(answers["missing"][given].astype("str"))
    order = list(dict.fromkeys(items["area"])) if areas is None else list(areas)
    study = SimpleNamespace(area_order=lambda asked=None: [a for a in order if asked is None or a in set(asked)])
    return Grid(respondents, items, values, missing, labels, pd.DataFrame(), study, None)


def wilson(k: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """Wilson's score interval from its formula, to check the library call against."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


@pytest.fixture(scope="session")
def shipped_survey():
    from clusterresearch.loading import load_survey

    return load_survey(config.RESPONSES_PATH)


@pytest.fixture
def nan():
    return np.nan


def paper_text() -> str:
    if not SURVEY_PAPER.is_file():
        pytest.skip(f"{SURVEY_PAPER} not beside the repository")
    return " ".join(SURVEY_PAPER.read_text(encoding="utf-8").split())


__all__ = ["tidy", "grid_of", "wilson", "paper_text", "Path"]
