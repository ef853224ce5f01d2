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
from scipy import special

from ..loading.codes import missing_categories
from .tally import Tally, count_stats, repeat_keys, tally, valued

AGREE5_GEOMETRY = {"scale": "agree5", "k": 5, "disagree_max": 2, "agree_min": 4, "reverse": False}


def wilson_interval(count, nobs, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for count/nobs, elementwise; NaN where nobs is 0.

    The expressions of statsmodels' ``proportion_confint(method="wilson")`` (0.14-0.15),
    with its critical value ``norm.isf(alpha / 2)`` as ``-ndtri(alpha / 2)`` (what
    scipy.stats computes it with): the same bits (tests/test_metrics_items.py checks it
    against statsmodels), without importing scipy.stats and statsmodels, which take 1-2 s
    of every `prepare` and report kernel that needs none of their other parts."""
    count = np.asarray(count, dtype=float)
    nobs = np.asarray(nobs, dtype=float)
    low = np.full(np.broadcast(count, nobs).shape, np.nan)
    high = low.copy()
    ok = np.broadcast_to(nobs > 0, low.shape)
    if ok.any():
        c = np.broadcast_to(count, low.shape)[ok]
        n = np.broadcast_to(nobs, low.shape)[ok]
        q = c / n
        crit = -special.ndtri(alpha / 2.0)
        crit2 = crit**2
        denom = 1 + crit2 / n
        center = (q + crit2 / (2 * n)) / denom
        dist = crit * np.sqrt(q * (1.0 - q) / n + crit2 / (4.0 * n**2))
        dist /= denom
        low[ok], high[ok] = np.clip(center - dist, 0.0, 1.0), np.clip(center + dist, 0.0, 1.0)
    return low, high


def geometry_of(ids: pd.Index, items: pd.DataFrame | None) -> pd.DataFrame:
    """Each item's scale, k, sides and keying for the items ``ids`` (in that order), indexed
    by item_id; items missing from ``items`` (or all, without it) are on the built-in agree5 scale."""
    default = pd.DataFrame([AGREE5_GEOMETRY] * len(ids), index=ids, columns=list(AGREE5_GEOMETRY))
    if items is None:
        return default
    given = items.set_index(items["item_id"].astype("str"))[list(AGREE5_GEOMETRY)]
    return given.reindex(ids).fillna(default).astype({"k": "int64", "disagree_max": "int64",
                                                       "agree_min": "int64", "reverse": bool})


def grid_geometry(grid, items: pd.DataFrame | None) -> pd.DataFrame:
    """`geometry_of` the grid's items, in the grid's order."""
    return geometry_of(pd.Index(grid.items["item_id"].astype("str"), dtype=object), items)


def width_of(geometry: pd.DataFrame) -> int:
    """The longest scale: the number of position columns (n_1..n_K) of the item tables."""
    return int(geometry["k"].max()) if len(geometry) else 5


def level_columns(width: int) -> list[str]:
    return [f"n_{p}" for p in range(1, width + 1)]


def item_stats(grid, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x item of a survey's `Grid`: n, missing codes, count at each
    position, mean, sd, median, and the agree, disagree and top shares with Wilson intervals.

    ``n`` counts answers on the scale (missing codes and blanks excluded); ``n_missing``
    counts missing codes ("Don't know"). ``n_1..n_K`` count positions (K = the longest
    scale; positions beyond an item's k are 0). ``share_agree`` = answers on the agree side
    / n, ``share_disagree`` likewise, ``share_top`` = answers at position k / n. ``sd`` has
    ddof=1. ``items`` gives each item's scale (`scales.item_scales`); default agree5.
    """
    geometry = grid_geometry(grid, items)
    return item_tables(grid, geometry, [list(by)], tally(grid, [list(by)], width_of(geometry)))[0]


def item_tables(grid, geometry: pd.DataFrame, bys: list[list[str]], counted: Tally) -> list[pd.DataFrame]:
    """`item_stats` of each grouping of ``bys`` from their `tally.Tally`."""
    ids = geometry.index
    width = counted.counts.shape[2] - 1
    area = grid.items["area"].to_numpy(dtype=object)
    kind = grid.items["type"].to_numpy(dtype=object)
    tables = []
    for which, by in enumerate(bys):
        group = counted.groupings[which]
        mine = counted.per_group(which, counted.counts).reshape(group.size * len(ids), width + 1)
        lost = counted.per_group(which, counted.missing).sum(axis=2).reshape(-1)
        keys = repeat_keys(group.keys, "item_id", ids, group.size)
        table = valued(item_table(keys, mine, lost, np.tile(area, group.size), np.tile(kind, group.size),
                                  geometry, width, list(by)), by)
        if getattr(grid, "design", None) is not None:  # a weighted study: design-based figures
            from .weighted import weigh_items
            table = weigh_items(grid, table, list(by), geometry)
        tables.append(table)
    return tables


def item_table(keys: pd.DataFrame, counts: np.ndarray, missing: np.ndarray, area: np.ndarray, kind: np.ndarray,
               geometry: pd.DataFrame, width: int, by: list[str]) -> pd.DataFrame:
    """item_stats of one grouping from its counts: ``keys`` (the grouping's columns and
    item_id) and ``counts[row, p]`` (column 0 = no answer), ``missing`` codes, the
    ``area`` and ``kind`` (type) of each row."""
    geo = geometry.loc[keys["item_id"]]
    stats = count_stats(counts)
    positions = np.arange(1, width + 1)
    valid = counts[:, 1:]
    agree = (valid * (positions[None, :] >= geo["agree_min"].to_numpy()[:, None])).sum(axis=1)
    disagree = (valid * (positions[None, :] <= geo["disagree_max"].to_numpy()[:, None])).sum(axis=1)
    top = valid[np.arange(len(valid)), geo["k"].to_numpy() - 1] if len(valid) else np.zeros(0, dtype=np.int64)
    n = np.where(stats["n"] > 0, stats["n"], np.nan)
    table = {name: keys[name].array for name in keys.columns}  # built whole: a frame grown column by column copies
    table.update({"area": area, "type": kind, "scale": geo["scale"].to_numpy(), "k": geo["k"].to_numpy(),
                  "n": stats["n"], "n_missing": missing})
    table.update({name: counts[:, p] for p, name in enumerate(level_columns(width), start=1)})
    table.update({"mean": stats["mean"], "sd": stats["sd"], "median": stats["median"]})
    for name, count in (("agree", agree), ("disagree", disagree), ("top", top)):
        table[f"n_{name}"] = count.astype(np.int64)
        with np.errstate(invalid="ignore", divide="ignore"):
            table[f"share_{name}"] = count / n
    table["ci_low"], table["ci_high"] = wilson_interval(agree, stats["n"])
    table["disagree_ci_low"], table["disagree_ci_high"] = wilson_interval(disagree, stats["n"])
    columns = by + ["area", "type", "item_id", "scale", "k", "n", "n_missing", *level_columns(width),
                    "mean", "sd", "median", "n_agree", "share_agree", "ci_low", "ci_high",
                    "n_disagree", "share_disagree", "disagree_ci_low", "disagree_ci_high", "n_top", "share_top"]
    return pd.DataFrame({name: table[name] for name in columns})


def missing_counts(grid, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x item x missing code given: ``missing`` (its label) and ``count``."""
    return missing_tables(grid, [list(by)], tally(grid, [list(by)], None))[0]


def missing_tables(grid, bys: list[list[str]], counted: Tally) -> list[pd.DataFrame]:
    """`missing_counts` of each grouping of ``bys``: codes in the order of the tidy frame's
    categories (the labels given anywhere, sorted)."""
    ids = np.asarray(grid.items["item_id"].astype("str"), dtype=object)
    used = counted.missing.sum(axis=(0, 1)) > 0
    tables = []
    for which, by in enumerate(bys):
        by = list(by)
        if not used.any():
            tables.append(pd.DataFrame(columns=by + ["item_id", "missing", "count"]))
            continue
        order = missing_categories(grid.labels, used)
        lost = counted.per_group(which, counted.missing)[:, :, pd.Index(grid.labels).get_indexer(list(order))]
        g, j, m = np.nonzero(lost)
        table = counted.groupings[which].keys.iloc[g].reset_index(drop=True)
        table["item_id"] = ids[j]
        table["missing"] = np.asarray(order, dtype=object)[m]
        table["count"] = lost[g, j, m]
        tables.append(valued(table, by))
    return tables
