"""Per-item statistics in the scale's own terms: the count of every answer and missing
code, the centre of the answers' positions, and the shares on each side.

An answer's *position* runs from 1 (most negative) to k (most positive) whatever its code,
so an item coded 1 = "strongly agree" is read the right way round. Shares always travel
with their counts (``n_agree`` beside ``share_agree``); their interval is Wilson's (Wilson
1927; Brown, Cai & DasGupta 2001), which keeps its coverage at small n.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

from .tally import count_stats, factor, no_value, tallies, with_value

AGREE5_GEOMETRY = {"scale": "agree5", "k": 5, "disagree_max": 2, "agree_min": 4, "reverse": False}


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


def item_geometry(answers: pd.DataFrame, items: pd.DataFrame | None) -> pd.DataFrame:
    """Each item's scale, k, sides and keying, indexed by item_id; items missing from
    ``items`` (or all, without it) are on the built-in agree5 scale."""
    return geometry_of(factor(answers["item_id"], sort=False)[1], items)


def geometry_of(ids: pd.Index, items: pd.DataFrame | None) -> pd.DataFrame:
    """`item_geometry` of the items ``ids`` (in that order)."""
    default = pd.DataFrame([AGREE5_GEOMETRY] * len(ids), index=ids, columns=list(AGREE5_GEOMETRY))
    if items is None:
        return default
    given = items.set_index(items["item_id"].astype("str"))[list(AGREE5_GEOMETRY)]
    return given.reindex(ids).fillna(default).astype({"k": "int64", "disagree_max": "int64",
                                                       "agree_min": "int64", "reverse": bool})


def per_answer(answers: pd.DataFrame, geometry: pd.DataFrame, field: str) -> np.ndarray:
    """``geometry[field]`` of each answer's item, looked up once per item (not per row)."""
    codes, ids = factor(answers["item_id"], sort=False)
    return geometry[field].reindex(ids).to_numpy()[codes]


def level_columns(width: int) -> list[str]:
    return [f"n_{p}" for p in range(1, width + 1)]


def item_stats(answers: pd.DataFrame, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x item: n, missing codes, count at each position, mean, sd,
    median, and the agree, disagree and top shares with Wilson intervals.

    ``n`` counts answers on the scale (missing codes and blanks excluded); ``n_missing``
    counts missing codes ("Don't know"). ``n_1..n_K`` count positions (K = the longest
    scale; positions beyond an item's k are 0). ``share_agree`` = answers on the agree side
    / n, ``share_disagree`` likewise, ``share_top`` = answers at position k / n. ``sd`` has
    ddof=1. ``items`` gives each item's scale (`scales.item_scales`); default agree5.
    """
    return item_stats_by(answers, items, [by])[0]


def item_stats_by(answers: pd.DataFrame, items: pd.DataFrame | None, bys: Sequence[Sequence[str]]
                  ) -> list[pd.DataFrame]:
    """``[item_stats(answers, items, by) for by in bys]``, counting the answers once for all
    the groupings (`tally.tallies`): prepare's scopes share one pass."""
    if no_value(answers, bys):  # empty group cells: each grouping counts its own respondents
        return [item_stats_by(with_value(answers, by), items, [by])[0] for by in bys]
    geometry = item_geometry(answers, items)
    width = int(geometry["k"].max()) if len(geometry) else 5
    counted = tallies(answers, [list(by) for by in bys], "item_id", answers["value"].to_numpy(dtype=np.float64), width)
    return [item_table(t.keys, t.counts, t.missing, *_labels(answers, t.first), geometry, width, list(by))
            for by, t in zip(bys, counted)]


def _labels(answers: pd.DataFrame, first: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The area and type of each tally row, from its first answer."""
    return tuple(answers[name].iloc[first].astype("str").to_numpy(dtype=object) for name in ("area", "type"))


def item_table(keys: pd.DataFrame, counts: np.ndarray, missing: np.ndarray, area: np.ndarray, kind: np.ndarray,
               geometry: pd.DataFrame, width: int, by: list[str]) -> pd.DataFrame:
    """item_stats of one grouping from its counts: ``keys`` (the grouping's columns and
    item_id) and ``counts[row, p]`` (column 0 = no answer), ``missing`` codes, the
    ``area`` and ``kind`` (type) of each row. Shared by the tidy answers' tally and the wide
    answers' counts (`metrics.wide`)."""
    table = keys.copy()
    table["area"], table["type"] = area, kind
    geo = geometry.loc[table["item_id"]]
    table["scale"] = geo["scale"].to_numpy()
    table["k"] = geo["k"].to_numpy()
    stats = count_stats(counts)
    table["n"] = stats["n"]
    table["n_missing"] = missing
    for p, name in enumerate(level_columns(width), start=1):
        table[name] = counts[:, p]
    table["mean"], table["sd"], table["median"] = stats["mean"], stats["sd"], stats["median"]
    positions = np.arange(1, width + 1)
    valid = counts[:, 1:]
    agree = (valid * (positions[None, :] >= geo["agree_min"].to_numpy()[:, None])).sum(axis=1)
    disagree = (valid * (positions[None, :] <= geo["disagree_max"].to_numpy()[:, None])).sum(axis=1)
    top = valid[np.arange(len(valid)), geo["k"].to_numpy() - 1] if len(valid) else np.zeros(0, dtype=np.int64)
    n = np.where(stats["n"] > 0, stats["n"], np.nan)
    for name, count in (("agree", agree), ("disagree", disagree), ("top", top)):
        table[f"n_{name}"] = count.astype(np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"share_{name}"] = count / n
    table["ci_low"], table["ci_high"] = wilson_interval(agree, stats["n"])
    table["disagree_ci_low"], table["disagree_ci_high"] = wilson_interval(disagree, stats["n"])
    columns = by + ["area", "type", "item_id", "scale", "k", "n", "n_missing", *level_columns(width),
                    "mean", "sd", "median", "n_agree", "share_agree", "ci_low", "ci_high",
                    "n_disagree", "share_disagree", "disagree_ci_low", "disagree_ci_high", "n_top", "share_top"]
    return table[columns].reset_index(drop=True)


def missing_counts(answers: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x item x missing code given: ``missing`` (its label) and ``count``."""
    by = list(by)
    given = answers[answers["missing"].notna()] if "missing" in answers else answers.iloc[:0]
    if given.empty:
        return pd.DataFrame(columns=by + ["item_id", "missing", "count"])
    counts = given.groupby(by + ["item_id", "missing"], observed=True, sort=True).size()
    return counts.rename("count").reset_index().astype({"item_id": "str", "missing": "str"})
