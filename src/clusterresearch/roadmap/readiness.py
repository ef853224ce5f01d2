"""Stage IV readiness from the competency survey: what the cluster's management knows and
can do when the participants decide.

The survey's respondents are cluster managers, the people who run the cluster's management
company - in the roadmap's terms the Cluster Development Center. For the four competency
areas that the road map leans on, a manager's area index (the mean of their self-assessed
1-5 items in the area, ``metrics.areas.respondent_area_index``) becomes a readiness on 0-1:

    readiness = (index - 1) / 4        (1 -> 0, neutral 3 -> 0.5, 5 -> 1)

For a scope: a cluster - its respondents (one manager: **a per-cluster readiness is one
manager's self-assessment**); a country - the mean over its respondents; all - the mean
over every respondent. A readiness below ``READINESS_THRESHOLD = 0.5`` (an index below the
scale's neutral point: the managers do not agree that they have the competency) puts a
capacity-building step before the decisions of stage V.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError

READINESS_AREAS: tuple[str, ...] = ("communication", "online_marketing", "project_management", "budgeting")
SCALE_LOW, SCALE_NEUTRAL, SCALE_HIGH = 1, 3, 5  # the agree5 positions the readiness areas are asked on
READINESS_THRESHOLD = (SCALE_NEUTRAL - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)
# Why each area matters for the road map (this project's reading of the paper).
READINESS_USE = {
    "communication": "the CDC coordinates the information flows and brings the participants to the restructuring",
    "online_marketing": "the platform is an online channel the participants must be brought to use",
    "project_management": "the restructuring is a project the CDC runs with the IT-actor",
    "budgeting": "financing schemes, payment and leasing of the IT-actor's services (the paper's first service)",
}
ONE_MANAGER_NOTE = "A per-cluster readiness is one manager's self-assessment."
RECONSTRUCTED_NOTE = "The shipped survey is a reconstruction, not the managers' original answers."
SELF_ASSESSMENT_NOTE = "Readiness is the managers' self-assessment on the 1-5 scale, mapped to 0-1."
READINESS_COLUMNS = ("scope", "group", "area", "n_respondents", "index_mean", "readiness", "below_threshold", "note")
INDEX_COLUMNS = ("respondent_id", "country", "cluster", "area", "index")


def area_title(area: str) -> str:
    """An area's title as the shipped study's areas.csv gives it."""
    return _shipped_titles().get(area, area)


def _shipped_titles() -> dict[str, str]:
    from ..loading.study import load_areas
    from ..loading.instrument import load_instrument

    areas = load_areas(config.RAW_DIR / "areas.csv", load_instrument(config.INSTRUMENT_PATH))
    return dict(zip(areas["area"], areas["title"]))


def to_readiness(index):
    """Map a 1-5 index to 0-1: (index - 1) / 4."""
    return (index - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)


def scope_of(country: str | None = None, cluster: str | None = None) -> tuple[str, str]:
    if cluster is not None:
        return "cluster", str(cluster)
    if country is not None:
        return "country", str(country)
    return "all", "all"


def readiness_table(area_index: pd.DataFrame, country: str | None = None, cluster: str | None = None) -> pd.DataFrame:
    """Readiness per area for one scope, from a respondent x area index frame.

    ``area_index`` has columns respondent_id, country, cluster, area, index (NaN: no answer in
    the area). Raises ``LookupError`` if the scope has no respondent. ``n_respondents``
    counts the respondents with an index in the area; ``index_mean`` is their mean.
    """
    missing = [c for c in INDEX_COLUMNS if c not in area_index.columns]
    if missing:
        raise ValueError(f"readiness_table needs columns {list(INDEX_COLUMNS)}; missing {missing}")
    scope, group = scope_of(country, cluster)
    rows = area_index
    if cluster is not None:
        rows = rows[rows["cluster"].astype(str) == str(cluster)]
    if country is not None:
        rows = rows[rows["country"].astype(str) == str(country)]
    if rows.empty:
        raise LookupError(f"no respondent in {scope} {group!r}")
    note = SELF_ASSESSMENT_NOTE + (" " + ONE_MANAGER_NOTE if scope == "cluster" else "")
    out = []
    for area in READINESS_AREAS:
        values = rows.loc[rows["area"] == area, "index"].dropna().to_numpy(dtype=float)
        mean = float(values.mean()) if len(values) else np.nan
        ready = to_readiness(mean)
        out.append({
            "scope": scope, "group": group, "area": area, "n_respondents": int(len(values)),
            "index_mean": mean, "readiness": ready,
            "below_threshold": bool(ready < READINESS_THRESHOLD) if not np.isnan(ready) else False,
            "note": note,
        })
    return pd.DataFrame(out, columns=list(READINESS_COLUMNS))


def survey_readiness(path: str | Path | None = None, country: str | None = None, cluster: str | None = None,
                     study: str | Path | None = None, encoding: str | None = None) -> tuple[pd.DataFrame, bool, Path]:
    """Load a study's survey (None: the shipped study; ``path`` overrides its responses) and
    return its readiness table for the scope, whether it is the shipped reconstruction, and
    the responses file read."""
    from ..loading import load_survey
    from ..metrics.areas import respondent_area_index

    survey = load_survey(path, study=study, encoding=encoding)
    index = respondent_area_index(survey.answers, survey.items)
    try:
        table = readiness_table(index, country=country, cluster=cluster)
    except LookupError as exc:
        column = "cluster" if cluster is not None else "country"
        present = sorted(set(survey.answers[column].astype(str)))
        raise InputError(survey.source, f"column {column!r}", f"{exc}; the survey has {', '.join(present)}") from None
    reconstructed = survey.study.shipped and survey.source.resolve() == survey.study.responses.resolve()
    if reconstructed:
        table["note"] = table["note"] + " " + RECONSTRUCTED_NOTE
    return table, reconstructed, survey.source


def readiness_by_area(table: pd.DataFrame | None) -> dict[str, float]:
    """``{area: readiness}`` of a readiness table (empty when there is none)."""
    if table is None or table.empty:
        return {}
    return dict(zip(table["area"], table["readiness"].astype(float)))
