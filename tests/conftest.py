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


__all__ = ["tidy", "wilson", "paper_text", "Path"]
