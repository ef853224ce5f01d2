"""Per-item statistics of 1-5 answers: the distribution, centre, and agreement shares.

Shares always travel with their counts (``n_agree`` beside ``share_agree``), and the
interval of a share is Wilson's, which keeps its coverage at the small n of this survey.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from ..config import AGREE_MIN, DISAGREE_MAX, LIKERT_LEVELS

LEVEL_COLUMNS = [f"n_{level}" for level in LIKERT_LEVELS]


def wilson_interval(count, nobs, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for count/nobs, elementwise; NaN where nobs is 0."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    low = np.full(np.broadcast(count, nobs).shape, np.nan)
    high = low.copy()
    ok = np.broadcast_to(nobs > 0, low.shape)
    if ok.any():
        c = np.broadcast_to(count, low.shape)[ok]
        n = np.broadcast_to(nobs, low.shape)[ok]
        lo, hi = proportion_confint(c, n, alpha=alpha, method="wilson")
        low[ok], high[ok] = np.clip(lo, 0.0, 1.0), np.clip(hi, 0.0, 1.0)
    return low, high


def _item_order(answers: pd.DataFrame) -> pd.Index:
    return pd.Index(pd.unique(answers["item_id"]))


def item_stats(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x item: counts of each answer 1-5, n, mean, sd, median and shares.

    ``n`` counts non-missing answers; items whose answers are all missing keep a row with
    n = 0. ``sd`` uses ddof=1 (NaN at n = 1). Rows follow the groups' sorted order, then the
    order in which items appear in ``answers`` (the instrument's order).
    """
    by = list(by)
    keys = by + ["item_id"]
    base = answers[keys + ["area", "type"]].drop_duplicates(keys)
    valid = answers.loc[answers["value"].notna(), keys + ["value"]]

    grouped = valid.groupby(keys, sort=False)["value"]
    stats = grouped.agg(["count", "mean", "std", "median"]).rename(
        columns={"count": "n", "std": "sd"}
    )
    levels = (
        valid.assign(level=valid["value"].astype(int))
        .groupby(keys + ["level"], sort=False)
        .size()
        .unstack("level", fill_value=0)
        .reindex(columns=list(LIKERT_LEVELS), fill_value=0)
    )
    levels.columns = LEVEL_COLUMNS
    table = base.merge(stats.reset_index(), on=keys, how="left").merge(
        levels.reset_index(), on=keys, how="left"
    )
    count_cols = ["n"] + LEVEL_COLUMNS
    table[count_cols] = table[count_cols].fillna(0).astype("int64")

    table["n_agree"] = table[[f"n_{v}" for v in LIKERT_LEVELS if v >= AGREE_MIN]].sum(axis=1)
    table["n_disagree"] = table[[f"n_{v}" for v in LIKERT_LEVELS if v <= DISAGREE_MAX]].sum(axis=1)
    table["n_top"] = table[f"n_{max(LIKERT_LEVELS)}"]
    with np.errstate(invalid="ignore", divide="ignore"):
        n = table["n"].where(table["n"] > 0)
        for name in ("agree", "disagree", "top"):
            table[f"share_{name}"] = table[f"n_{name}"] / n
    table["ci_low"], table["ci_high"] = wilson_interval(table["n_agree"], table["n"])

    order = {item: i for i, item in enumerate(_item_order(answers))}
    table = table.assign(_order=table["item_id"].map(order)).sort_values(by + ["_order"], kind="stable")
    columns = by + [
        "area", "type", "item_id", "n", *LEVEL_COLUMNS, "mean", "sd", "median",
        "n_agree", "share_agree", "ci_low", "ci_high",
        "n_disagree", "share_disagree", "n_top", "share_top",
    ]
    return table[columns].reset_index(drop=True)
