"""Stage IV readiness from a survey: what the cluster's management knows and can do when
the participants decide - only when a survey is given.

:func:`readiness_table` is pure: it takes an area-statistics frame (at least ``area``,
``n_respondents``, ``index_mean``, as ``metrics.areas.area_stats`` gives them, for the
respondents of one scope) and the declared areas and threshold, and maps each area's mean
index from the answer scale to 0-1:

    readiness = (index_mean - lowest answer) / (highest answer - lowest answer)

(on a 1-5 scale: 1 -> 0, neutral 3 -> 0.5, 5 -> 1; each area's scale from ``index_range``).
The areas and the threshold are declared by the network (``[readiness]`` of network.toml):
by default every area of the survey and 0.5, the middle of the scale (an index below it:
the respondents do not agree that they have the competency). A readiness below the threshold puts a
capacity-building step before the decisions of stage V. A sentence about one person is
added only when the scope holds exactly one respondent.

:func:`survey_area_stats` is the one place that reads a survey for the roadmap
(``load_survey`` and the ``scope`` module); it returns a :class:`SurveyScope` that the pure
function turns into readiness.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from ..errors import InputError

STATS_COLUMNS = ("area", "n_respondents", "index_mean")
READINESS_COLUMNS = ("scope", "group", "area", "title", "n_respondents", "index_mean", "readiness", "threshold",
                     "below_threshold", "note")
SELF_ASSESSMENT_NOTE = "Readiness is the respondents' self-assessment: the mean area index mapped from the answer scale to 0-1."
ONE_RESPONDENT_NOTE = "This scope holds one respondent: the readiness is one person's self-assessment."
DEFAULT_THRESHOLD = 0.5  # the middle of the answer scale (its neutral point on a symmetric scale)


@dataclass(frozen=True)
class SurveyScope:
    """The respondents of one scope of a survey, as the readiness needs them.

    ``stats``: area statistics of the scope's respondents (``STATS_COLUMNS`` at least, and
    ``index_range`` "1-k" / "0-100" when the areas differ in scale); ``scope`` the grouping
    column ("all" for all data) and ``group`` its value; ``n_respondents`` the scope's
    respondents; ``titles`` area -> title; ``notice`` the study's own notice (e.g. that its
    answers are reconstructed), ``label`` who the readiness is about, in words.
    """

    stats: pd.DataFrame
    scope: str
    group: str
    n_respondents: int
    label: str
    titles: dict = field(default_factory=dict)
    notice: str = ""
    file: Path | None = None
    study: str = ""          # the study's title


def to_readiness(index, low: float = 1, high: float = 5):
    """Map an index on the answer scale [low, high] to 0-1."""
    return (index - low) / (high - low)


def scale_of(index_range: str | None, default: tuple[float, float] = (1, 5)) -> tuple[float, float]:
    """The lowest and highest index of an area from ``index_range`` ("1-k" or "0-100")."""
    if not isinstance(index_range, str) or "-" not in index_range:
        return default
    low, high = index_range.split("-", 1)
    return float(low), float(high)


def readiness_table(
    stats: pd.DataFrame,
    *,
    areas: Sequence[str] | None = None,
    threshold: float | None = None,
    scope: str = "all",
    group: str = "all",
    n_scope: int | None = None,
    scale: tuple[float, float] = (1, 5),
    titles: dict | None = None,
) -> pd.DataFrame:
    """Readiness per declared area for one scope (columns ``READINESS_COLUMNS``; ``threshold``
    is the one used, ``below_threshold`` whether the readiness is below it).

    ``areas`` None: every area of ``stats`` in its order; an area the scope did not answer
    gets n_respondents 0 and NaN (not 0, and never below the threshold). ``threshold`` None:
    0.5, the middle of the scale. Each area's scale comes from its ``index_range`` when
    ``stats`` has one, else ``scale``. ``n_scope``: the scope's respondents (None: the largest
    n_respondents of an area); the note speaks of one person only when it is 1.
    """
    missing = [c for c in STATS_COLUMNS if c not in stats.columns]
    if missing:
        raise ValueError(f"readiness_table needs columns {list(STATS_COLUMNS)}; missing {missing}")
    threshold = DEFAULT_THRESHOLD if threshold is None else float(threshold)
    by_area = stats.drop_duplicates("area").set_index("area")
    areas = list(by_area.index) if areas is None else list(areas)
    n_scope = int(stats["n_respondents"].max()) if n_scope is None and len(stats) else (n_scope or 0)
    note = SELF_ASSESSMENT_NOTE + (" " + ONE_RESPONDENT_NOTE if n_scope == 1 else "")
    titles = titles or {}
    rows = []
    for area in areas:
        known = area in by_area.index
        n = int(by_area.at[area, "n_respondents"]) if known else 0
        mean = float(by_area.at[area, "index_mean"]) if known and n else math.nan
        low, high = scale_of(by_area.at[area, "index_range"], scale) if known and "index_range" in by_area else scale
        ready = to_readiness(mean, low, high)
        rows.append({
            "scope": scope, "group": group, "area": area, "title": titles.get(area) or area.replace("_", " "),
            "n_respondents": n, "index_mean": mean, "readiness": ready, "threshold": threshold,
            "below_threshold": bool(ready < threshold) if not np.isnan(ready) else False, "note": note,
        })
    return pd.DataFrame(rows, columns=list(READINESS_COLUMNS))


def survey_area_stats(study=None, data=None, groups: Sequence[tuple[str, str]] = (), registry=None,
                      encoding=None, data_format: str = "auto", responses: str = "complete") -> SurveyScope:
    """Read a survey (a study folder and/or a responses file) and keep the respondents of one
    scope: all data, or the group of ``groups`` (``(column, group)`` pairs; several pairs must
    name one group and the groups holding it, e.g. country=PL and cluster=PL01).

    The one place the roadmap reads a survey: ``loading.load_survey``, ``scope.scopes`` /
    ``find`` / ``select`` and ``metrics.areas.area_stats``. Raises InputError for a group
    the survey does not hold.
    """
    from ..loading import load_survey
    from ..metrics.areas import area_stats
    from ..scope import find, scopes

    survey = load_survey(data, study=study, registry=registry, encoding=encoding, format=data_format,
                         responses=responses)
    found = scopes(survey)
    column, group = groups[-1] if groups else (None, None)
    chosen = find(found, column, group, source=survey.source)
    for other_column, other_group in groups[:-1]:
        if not chosen.within(other_column, other_group):
            raise InputError(survey.source, f"column {other_column!r}",
                             f"{chosen.title} is not within {other_column}={other_group}")
    stats = area_stats(survey.grid.select(chosen), survey.items)
    study_ = survey.study
    return SurveyScope(
        stats=stats, scope=chosen.column or "all", group=chosen.group, n_respondents=int(chosen.n),
        label=f"{'all respondents' if chosen.column is None else chosen.title} of {study_.title} (n = {chosen.n})",
        titles=dict(zip(study_.areas["area"], study_.areas["title"])), file=survey.source, study=study_.title,
        # the study's notice describes its own responses file, not a file given in its place
        notice=study_.notice if Path(survey.source).resolve() == Path(study_.responses).resolve() else "",
    )


def scope_readiness(survey: SurveyScope, areas: Sequence[str] | None = None, threshold: float | None = None) -> pd.DataFrame:
    """The readiness table of a survey scope for the declared areas and threshold."""
    return readiness_table(survey.stats, areas=areas, threshold=threshold, scope=survey.scope, group=survey.group,
                           n_scope=survey.n_respondents, titles=survey.titles)


def check_declared_areas(description, study_areas: Sequence[str], study_title: str) -> None:
    """The areas a network declares for stage IV must be areas of the survey given: a
    readiness of an area nobody was asked about would read as 0 answers, not as "not asked".
    ``description`` is the network's :class:`~.description.Description` (None: nothing declared)."""
    declared = getattr(description, "readiness_areas", None)
    if not declared:
        return
    absent = [a for a in declared if a not in set(study_areas)]
    if absent:
        raise InputError(description.file or "network.toml", "readiness.areas",
                         f"{', '.join(map(repr, absent))} not areas of the survey {study_title!r} "
                         f"({', '.join(study_areas) or 'none'}); declare this network's readiness areas "
                         "from that survey's areas, or run the roadmap without a survey")
