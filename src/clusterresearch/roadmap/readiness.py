"""Stage IV readiness from a survey: what the cluster's management knows and can do when
the participants decide - only when a survey is given.

:func:`readiness_table` is pure: it takes an area-statistics frame (at least ``area``,
``n_respondents``, ``index_mean``, as ``metrics.areas.area_stats`` gives them, for the
respondents of one scope) and the declared areas and threshold, and maps each area's mean
index from the answer scale to 0-1:

    readiness = (index_mean - lowest answer) / (highest answer - lowest answer)

(on a 1-5 scale: 1 -> 0, neutral 3 -> 0.5, 5 -> 1). The areas and the threshold are
declared by the network (``[readiness]`` of network.toml) or the study: by default every
area of the survey and the scale's neutral point (an index below neutral: the respondents
do not agree that they have the competency). A readiness below the threshold puts a
capacity-building step before the decisions of stage V. A sentence about one person is
added only when the scope holds exactly one respondent.

:func:`survey_area_stats` is the one place that reads a survey for the roadmap (today's
``load_survey`` and the country/cluster filter); it returns a :class:`SurveyScope` that the
pure function turns into readiness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError, where

STATS_COLUMNS = ("area", "n_respondents", "index_mean")
READINESS_COLUMNS = ("scope", "group", "area", "n_respondents", "index_mean", "readiness", "threshold",
                     "below_threshold", "note")
SELF_ASSESSMENT_NOTE = "Readiness is the respondents' self-assessment: the mean area index mapped from the answer scale to 0-1."
ONE_RESPONDENT_NOTE = "This scope holds one respondent: the readiness is one person's self-assessment."
RECONSTRUCTED_NOTE = "The shipped survey is a reconstruction, not the managers' original answers."


@dataclass(frozen=True)
class SurveyScope:
    """The respondents of one scope of a survey, as the readiness needs them.

    ``stats``: area statistics of the scope's respondents (``STATS_COLUMNS`` at least);
    ``scope`` all / country / cluster and ``group`` its id; ``n_respondents`` the scope's
    respondents; ``scale`` the lowest and highest answer and ``neutral`` the neutral one;
    ``reconstructed`` True for the shipped reconstruction; ``file`` the survey read.
    """

    stats: pd.DataFrame
    scope: str
    group: str
    n_respondents: int
    scale: tuple[float, float]
    neutral: float
    reconstructed: bool
    file: Path

    @property
    def label(self) -> str:
        """Who the readiness is about, in words (for tables and the parameters list)."""
        who = "all respondents" if self.scope == "all" else f"{self.scope} {self.group}"
        source = "the shipped reconstructed survey" if self.reconstructed else f"survey {self.file.name}"
        return f"{who} of {source} (n = {self.n_respondents})"


def to_readiness(index, low: float = 1, high: float = 5):
    """Map an index on the answer scale [low, high] to 0-1."""
    return (index - low) / (high - low)


def readiness_table(
    stats: pd.DataFrame,
    *,
    areas: Sequence[str] | None = None,
    threshold: float | None = None,
    scope: str = "all",
    group: str = "all",
    n_scope: int | None = None,
    scale: tuple[float, float] = (1, 5),
    neutral: float | None = None,
) -> pd.DataFrame:
    """Readiness per declared area for one scope (columns ``READINESS_COLUMNS``; ``threshold``
    is the one used, ``below_threshold`` whether the readiness is below it).

    ``areas`` None: every area of ``stats`` in its order; an area the scope did not answer
    gets n_respondents 0 and NaN (not 0, and never below the threshold). ``threshold`` None:
    the neutral point mapped to 0-1 (``neutral`` None: the scale's middle). ``n_scope``: the
    scope's respondents (None: the largest n_respondents of an area); the note speaks of one
    person only when it is 1.
    """
    missing = [c for c in STATS_COLUMNS if c not in stats.columns]
    if missing:
        raise ValueError(f"readiness_table needs columns {list(STATS_COLUMNS)}; missing {missing}")
    low, high = scale
    neutral = (low + high) / 2 if neutral is None else neutral
    threshold = to_readiness(neutral, low, high) if threshold is None else float(threshold)
    by_area = stats.drop_duplicates("area").set_index("area")
    areas = list(by_area.index) if areas is None else list(areas)
    n_scope = int(stats["n_respondents"].max()) if n_scope is None and len(stats) else (n_scope or 0)
    note = SELF_ASSESSMENT_NOTE + (" " + ONE_RESPONDENT_NOTE if n_scope == 1 else "")
    rows = []
    for area in areas:
        n = int(by_area.at[area, "n_respondents"]) if area in by_area.index else 0
        mean = float(by_area.at[area, "index_mean"]) if area in by_area.index and n else math.nan
        ready = to_readiness(mean, low, high)
        rows.append({
            "scope": scope, "group": group, "area": area, "n_respondents": n, "index_mean": mean,
            "readiness": ready, "threshold": threshold,
            "below_threshold": bool(ready < threshold) if not np.isnan(ready) else False,
            "note": note,
        })
    return pd.DataFrame(rows, columns=list(READINESS_COLUMNS))


def survey_area_stats(path: str | Path, country: str | None = None, cluster: str | None = None) -> SurveyScope:
    """Read a survey and keep the respondents of one scope (a cluster, a country or all).

    The one place the roadmap reads a survey: ``loading.load_survey`` and the filter on the
    ``country``/``cluster`` columns, then ``metrics.areas.area_stats``. Raises InputError
    naming the survey and the column when the scope has no respondent.
    """
    from ..loading import load_survey
    from ..metrics.areas import area_stats

    path = Path(path)
    answers = load_survey(path).answers
    selected = answers
    for column, value in (("cluster", cluster), ("country", country)):
        if value is not None:
            selected = selected[selected[column].astype(str) == str(value)]
            if selected.empty:
                present = sorted(set(answers[column].dropna().astype(str)))
                scope = f"{column} {value!r}" + ("" if column == "cluster" or cluster is None else f" with cluster {cluster!r}")
                raise InputError(path, where(column=column),
                                 f"no respondent in {scope}; the survey has {', '.join(present)}")
    scope, group = ("cluster", str(cluster)) if cluster is not None else (
        ("country", str(country)) if country is not None else ("all", "all"))
    levels = config.LIKERT_LEVELS
    return SurveyScope(
        stats=area_stats(selected), scope=scope, group=group,
        n_respondents=int(selected["respondent_id"].nunique()),
        scale=(float(min(levels)), float(max(levels))), neutral=float(config.NEUTRAL),
        reconstructed=path.resolve() == config.RESPONSES_PATH.resolve(), file=path,
    )


def scope_readiness(survey: SurveyScope, areas: Sequence[str] | None = None, threshold: float | None = None) -> pd.DataFrame:
    """The readiness table of a survey scope for the declared areas and threshold."""
    table = readiness_table(survey.stats, areas=areas, threshold=threshold, scope=survey.scope, group=survey.group,
                            n_scope=survey.n_respondents, scale=survey.scale, neutral=survey.neutral)
    if survey.reconstructed:
        table["note"] = table["note"] + " " + RECONSTRUCTED_NOTE
    return table
