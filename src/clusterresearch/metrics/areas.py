"""Area-level metrics: the area index, its spread, the desired-vs-existing gap, and
self-assessment against the assessor's rating.

The area index of a respondent is the mean of that respondent's self-assessed (``likert``)
items in the area; ``desired`` and ``assessor`` items are kept apart so they can be compared
with it rather than averaged into it.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from ..config import AGREE_MIN, AREAS
from .items import wilson_interval

RESPONDENT_KEYS = ["respondent_id", "country", "cluster"]


def _area_order(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    rank = {area: i for i, area in enumerate(AREAS)}
    extra = sorted(set(frame["area"]) - set(rank))
    rank.update({area: len(AREAS) + i for i, area in enumerate(extra)})
    return (
        frame.assign(_order=frame["area"].map(rank))
        .sort_values(by + ["_order"], kind="stable")
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def respondent_area_index(answers: pd.DataFrame, item_type: str = "likert") -> pd.DataFrame:
    """One row per respondent x area: the mean of the respondent's answered items of ``item_type``.

    ``n_items`` counts the answered items; ``index`` is NaN when there are none.
    """
    subset = answers[answers["type"] == item_type]
    grouped = subset.groupby(RESPONDENT_KEYS + ["area"], sort=False)["value"]
    table = grouped.agg(index="mean", n_items="count").reset_index()
    table["n_items"] = table["n_items"].astype("int64")
    return _area_order(table[RESPONDENT_KEYS + ["area", "index", "n_items"]], ["respondent_id"])


def t_interval(mean: pd.Series, sd: pd.Series, n: pd.Series, level: float = 0.95):
    """Student-t interval of a mean from its sd and n, elementwise; NaN below n = 2."""
    with np.errstate(invalid="ignore"):
        df = (n - 1).where(n > 1)
        half = sps.t.ppf(0.5 + level / 2, df) * sd / np.sqrt(n)
    return mean - half, mean + half


def area_stats(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x area, from the self-assessed items only.

    Pooled over all answers of the area: ``n`` answers, ``mean``, ``spread`` (sd, ddof=1),
    ``n_agree``, ``share_agree`` with its Wilson interval ``ci_low``/``ci_high``.
    Over respondents: ``n_respondents``, ``index_mean``, ``index_sd`` and a t-interval
    ``index_ci_low``/``index_ci_high`` of the mean area index (NaN below two respondents).
    """
    by = list(by)
    likert = answers[answers["type"] == "likert"]
    keys = by + ["area"]
    base = likert[keys].drop_duplicates()
    valid = likert[likert["value"].notna()]
    pooled = valid.groupby(keys, sort=False)["value"].agg(
        n="count", mean="mean", spread="std", n_agree=lambda v: int((v >= AGREE_MIN).sum())
    )
    index = respondent_area_index(likert)
    if by:
        index = index.merge(
            likert[RESPONDENT_KEYS + [c for c in by if c not in RESPONDENT_KEYS]].drop_duplicates(),
            on=RESPONDENT_KEYS,
            how="left",
        )
    per_resp = index.dropna(subset=["index"]).groupby(keys, sort=False)["index"].agg(
        n_respondents="count", index_mean="mean", index_sd="std"
    )
    table = base.merge(pooled.reset_index(), on=keys, how="left").merge(
        per_resp.reset_index(), on=keys, how="left"
    )
    for col in ("n", "n_agree", "n_respondents"):
        table[col] = table[col].fillna(0).astype("int64")
    table["share_agree"] = table["n_agree"] / table["n"].where(table["n"] > 0)
    table["ci_low"], table["ci_high"] = wilson_interval(table["n_agree"], table["n"])
    table["index_ci_low"], table["index_ci_high"] = t_interval(
        table["index_mean"], table["index_sd"], table["n_respondents"]
    )
    columns = by + [
        "area", "n", "mean", "spread", "n_agree", "share_agree", "ci_low", "ci_high",
        "n_respondents", "index_mean", "index_sd", "index_ci_low", "index_ci_high",
    ]
    return _area_order(table[columns], by)


def area_gap(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Desired minus existing level per group x area, over respondents who gave both.

    ``existing`` is the mean area index, ``desired`` the mean of the area's ``desired``
    items, ``gap`` the mean of each respondent's difference; ``n`` counts those respondents.
    """
    by = list(by)
    existing = respondent_area_index(answers, "likert").rename(columns={"index": "existing"})
    desired = respondent_area_index(answers, "desired").rename(columns={"index": "desired"})
    keys = RESPONDENT_KEYS + ["area"]
    paired = existing[keys + ["existing"]].merge(desired[keys + ["desired"]], on=keys)
    paired = paired.dropna(subset=["existing", "desired"])
    paired["gap"] = paired["desired"] - paired["existing"]
    if by:
        extra = [c for c in by if c not in RESPONDENT_KEYS]
        if extra:
            paired = paired.merge(answers[RESPONDENT_KEYS + extra].drop_duplicates(), on=RESPONDENT_KEYS)
    table = paired.groupby(by + ["area"], sort=False).agg(
        n=("gap", "count"), existing=("existing", "mean"), desired=("desired", "mean"), gap=("gap", "mean")
    )
    return _area_order(table.reset_index(), by)


def self_vs_assessor(answers: pd.DataFrame, instrument: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Self-assessment against the assessor's rating of the same competency.

    Pairs come from the instrument: an ``assessor`` item whose ``compares_to`` names a
    self-assessed item. ``difference`` is the mean of self minus assessor over respondents
    who have both answers (positive: managers rate themselves higher than the assessor).
    """
    by = list(by)
    pairs = instrument[(instrument["type"] == "assessor") & instrument["compares_to"].fillna("").ne("")]
    rows = []
    for assessor_item, self_item, area in pairs[["item_id", "compares_to", "area"]].itertuples(index=False):
        cols = RESPONDENT_KEYS + [c for c in by if c not in RESPONDENT_KEYS]
        own = answers.loc[answers["item_id"] == self_item, cols + ["value"]].rename(columns={"value": "self"})
        rated = answers.loc[answers["item_id"] == assessor_item, RESPONDENT_KEYS + ["value"]].rename(
            columns={"value": "assessor"}
        )
        both = own.merge(rated, on=RESPONDENT_KEYS).dropna(subset=["self", "assessor"])
        both = both.assign(self_item=self_item, assessor_item=assessor_item, area=area)
        rows.append(both)
    if not rows:
        return pd.DataFrame(columns=by + ["area", "self_item", "assessor_item", "n", "self_mean", "assessor_mean", "difference"])
    paired = pd.concat(rows, ignore_index=True)
    paired["diff"] = paired["self"] - paired["assessor"]
    table = paired.groupby(by + ["area", "self_item", "assessor_item"], sort=False).agg(
        n=("diff", "count"), self_mean=("self", "mean"), assessor_mean=("assessor", "mean"), difference=("diff", "mean")
    )
    return _area_order(table.reset_index(), by)
