"""Every scope's item, area and missing-code statistics straight from the wide answers.

prepare summarises a whole study at once, and its answers already come as a grid
(`loading.survey.Grid`: respondents x asked items, positions and missing codes). What it
writes needs counts per group x item x position, which the grid gives with one bincount;
the tidy frame (one row per answer: 6.7 million for 100,000 respondents x 67 items) needs
several passes and its own memory. The tables are made by the functions the notebooks use
(`items.item_table`, `areas.area_table`) from the same counts, and every sum of keyed
positions is added in the tidy answers' order, so both roads give the same bits
(tests/test_summaries_wide.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..loading.codes import coded, missing_categories
from .areas import area_table
from .items import geometry_of, item_table


@dataclass(frozen=True)
class Grouping:
    """Respondents in groups: ``codes[r]`` is respondent r's group, ``keys`` the grouping
    columns' labels of each group, sorted as `tally` sorts them."""

    codes: np.ndarray
    keys: pd.DataFrame

    @property
    def size(self) -> int:
        return len(self.keys)


def grouping(respondents: pd.DataFrame, by: list[str], coded_columns: dict | None = None) -> Grouping:
    """The groups of the columns ``by`` (none: one group of everybody); ``coded_columns``
    caches each column's `coded` codes and labels."""
    combined = np.zeros(len(respondents), dtype=np.int64)
    labels = []
    for name in by:
        codes, uniques = (coded_columns or {}).get(name) or coded(respondents[name], sort=True)
        if len(codes) and codes.min() < 0:  # no value (an empty group cell): a group of its own, labelled NA
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = pd.Index(list(uniques) + [None], dtype="str")
        combined = combined * max(len(uniques), 1) + codes
        labels.append(uniques)
    present, codes = np.unique(combined, return_inverse=True)
    if not by:
        return Grouping(codes.reshape(-1), pd.DataFrame(index=range(len(present))))
    keys, rest = {}, present
    for name, uniques in reversed(list(zip(by, labels))):
        size = max(len(uniques), 1)
        keys[name] = pd.array(np.asarray(uniques, dtype=object)[rest % size], dtype="str")
        rest = rest // size
    return Grouping(codes.reshape(-1), pd.DataFrame({name: keys[name] for name in by}))


def _per_group(fine: Grouping, coarse: Grouping, counts: np.ndarray) -> np.ndarray:
    """Counts per fine group (first axis) summed into the coarse groups holding them."""
    into = np.zeros(fine.size, dtype=np.int64)
    into[fine.codes] = coarse.codes
    total = np.zeros((coarse.size,) + counts.shape[1:], dtype=counts.dtype)
    np.add.at(total, into, counts)
    return total


def _repeat_keys(keys: pd.DataFrame, name: str, labels, tile: int) -> pd.DataFrame:
    """Each group's keys repeated once per label, the labels (as column ``name``) tiled."""
    table = keys.iloc[np.repeat(np.arange(len(keys)), len(labels))].reset_index(drop=True)
    table[name] = pd.array(np.tile(np.asarray(labels, dtype=object), tile), dtype="str")
    return table


def stats_by(grid, items: pd.DataFrame | None, bys: list[list[str]]):
    """``item_stats``, ``area_stats`` and ``missing_counts`` of each grouping in ``bys``
    (three lists of tables, as `items.item_stats_by` ... give them) from a `Grid`."""
    columns = list(dict.fromkeys(name for by in bys for name in by))
    once = {name: coded(grid.respondents[name], sort=True) for name in columns}
    fine = grouping(grid.respondents, columns, once)
    groupings = [grouping(grid.respondents, list(by), once) for by in bys]
    ids = pd.Index(grid.items["item_id"].astype("str"), dtype=object)
    geometry = geometry_of(ids, items)
    width = int(geometry["k"].max()) if len(geometry) else 5
    counts = _position_counts(grid.values, fine, width)
    missing = _missing_counts(grid.missing, fine, len(grid.labels))
    area = grid.items["area"].to_numpy(dtype=object)
    kind = grid.items["type"].to_numpy(dtype=object)
    areas = _AreaSums(grid, geometry)
    k = len(ids)
    item_tables, area_tables, missing_tables = [], [], []
    for by, group in zip(bys, groupings):
        mine = _per_group(fine, group, counts)
        lost = _per_group(fine, group, missing)
        keys = _repeat_keys(group.keys, "item_id", ids, group.size)
        item_tables.append(item_table(keys, mine.reshape(group.size * k, width + 1), lost.sum(axis=2).reshape(-1),
                                      np.tile(area, group.size), np.tile(kind, group.size), geometry, width,
                                      list(by)))
        area_tables.append(areas.table(group, list(by), mine))
        missing_tables.append(_missing_table(group, list(by), ids, lost, grid.labels, missing))
    return [[_valued(t, by) for t, by in zip(tables, bys)] for tables in (item_tables, area_tables, missing_tables)]


def _valued(table: pd.DataFrame, by) -> pd.DataFrame:
    """The rows of real groups: respondents with no value in a grouping column are in all
    data and their other groupings, in no group of that column."""
    by = list(by)
    if not by or not table[by].isna().any().any():
        return table
    return table[table[by].notna().all(axis=1)].reset_index(drop=True)


BLOCK = 8192  # respondents per pass: the temporaries stay a few MB and are reused, not page-faulted anew


def _position_counts(values: np.ndarray, fine: Grouping, width: int) -> np.ndarray:
    """counts[group, item, p]: answers at position p (0 = no answer) per fine group x item."""
    n, k = values.shape
    cells = fine.size * k * (width + 1)
    counts = np.zeros(cells, dtype=np.int64)
    items = np.arange(k) * (width + 1)
    for start in range(0, n, BLOCK):
        block = values[start:start + BLOCK]
        slot = np.zeros(block.shape, dtype=np.intp)
        np.copyto(slot, block, casting="unsafe", where=~np.isnan(block))
        slot += (fine.codes[start:start + BLOCK] * (k * (width + 1)))[:, None] + items
        counts += np.bincount(slot.reshape(-1), minlength=cells)
    return counts.reshape(fine.size, k, width + 1)


def _missing_counts(missing: np.ndarray, fine: Grouping, labels: int) -> np.ndarray:
    """counts[group, item, label] of the missing codes given, per fine group x item."""
    n, k = missing.shape
    flat = missing.reshape(-1)
    given = np.flatnonzero(flat >= 0)
    slot = (fine.codes[given // k] * k + given % k) * labels + flat[given]
    cells = fine.size * k * labels
    return np.bincount(slot, minlength=cells).reshape(fine.size, k, labels)


def _missing_table(group: Grouping, by: list[str], ids: pd.Index, lost: np.ndarray, labels: tuple[str, ...],
                   everyone: np.ndarray) -> pd.DataFrame:
    """missing_counts of one grouping: a row per group x item x missing code given, codes in
    the order of the tidy frame's categories (the labels given anywhere, sorted)."""
    used = everyone.sum(axis=(0, 1)) > 0
    if not used.any():
        return pd.DataFrame(columns=by + ["item_id", "missing", "count"])
    order = missing_categories(labels, used)
    lost = lost[:, :, pd.Index(labels).get_indexer(list(order))]
    g, j, m = np.nonzero(lost)
    table = group.keys.iloc[g].reset_index(drop=True)
    table["item_id"] = np.asarray(ids, dtype=object)[j]
    table["missing"] = np.asarray(order, dtype=object)[m]
    table["count"] = lost[g, j, m]
    return table


class _AreaSums:
    """What every grouping's area statistics share: the self-assessed (likert) items, their
    keyed positions, each area's range, and each respondent's area index.

    A keyed position is the position, reversed for a reverse-keyed item (k + 1 - p), and on
    0-100 (POMP) in an area that mixes scale lengths: the same expressions as
    `areas.keyed_positions`, so the same bits.
    """

    def __init__(self, grid, geometry: pd.DataFrame):
        kind = grid.items["type"].to_numpy(dtype=object)
        self.likert = np.flatnonzero(kind == "likert")
        geo = geometry.iloc[self.likert]
        self.k = geo["k"].to_numpy(dtype=np.float64)
        self.reverse = geo["reverse"].to_numpy(dtype=bool)
        self.agree_min = geo["agree_min"].to_numpy(dtype=np.float64)
        self.disagree_max = geo["disagree_max"].to_numpy(dtype=np.float64)
        names = grid.items["area"].astype("str").to_numpy(dtype=object)[self.likert]
        self.areas = [a for a in grid.area_order() if a in set(names)]
        self.area_of = pd.Index(self.areas, dtype=object).get_indexer(names)
        low = {a: min(k for k, n in zip(self.k, names) if n == a) for a in self.areas}
        high = {a: max(k for k, n in zip(self.k, names) if n == a) for a in self.areas}
        self.ranges = {a: ("0-100" if low[a] != high[a] else f"1-{int(high[a])}") for a in self.areas}
        self.pomp = np.array([low[a] != high[a] for a in names], dtype=bool)
        self.values = grid.values
        index = self._respondent_index().reshape(-1)  # respondent x area pairs, respondent first
        self.rated = ~np.isnan(index)
        self.index = index[self.rated]
        self.whole = self._all_whole()

    def keyed(self, i: int, value):
        """Keyed positions of likert item i (a column of answers, or positions 1..k)."""
        if self.reverse[i]:
            value = self.k[i] + 1 - value
        if self.pomp[i]:
            value = 100 * (value - 1) / (self.k[i] - 1)
        return value

    def _respondent_index(self) -> np.ndarray:
        """index[r, a]: respondent r's mean keyed position over their answered items of
        area a (NaN: none), summed item by item in instrument order as bincount adds them
        (a block of respondents at a time, which stays in the cache)."""
        n = len(self.values)
        total = np.zeros((n, len(self.areas)))
        count = np.zeros((n, len(self.areas)), dtype=np.int64)
        for start in range(0, n, BLOCK):
            block = self.values[start:start + BLOCK]
            mine, seen = total[start:start + BLOCK], count[start:start + BLOCK]
            for i, a in enumerate(self.area_of):
                value = block[:, self.likert[i]]
                ok = ~np.isnan(value)
                mine[:, a] += np.where(ok, self.keyed(i, value), 0.0)
                seen[:, a] += ok
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)

    def _all_whole(self) -> bool:
        """Is every keyed position a whole number? Then sums are exact in any order."""
        return all(np.array_equal(v, np.floor(v)) for v in
                   (self.keyed(i, np.arange(1, k + 1, dtype=np.float64)) for i, k in enumerate(self.k.astype(int))))

    def _weights(self, i: int, positions) -> dict[str, np.ndarray]:
        """Per answer (or position) of likert item i: keyed position, its square, and 1 on
        the competent side (`areas._agree_keyed`); 0 where no answer."""
        ok = ~np.isnan(positions)
        value = self.keyed(i, positions)
        with np.errstate(invalid="ignore"):
            side = positions <= self.disagree_max[i] if self.reverse[i] else positions >= self.agree_min[i]
        return {"total": np.where(ok, value, 0.0), "squares": np.where(ok, value ** 2, 0.0),
                "agree": side.astype(np.float64)}

    def _sums(self, group: Grouping, counts: np.ndarray) -> dict[str, np.ndarray]:
        """Each group x area's sums of the weights. Whole numbers: from the counts per
        position. Otherwise over the answers in the tidy frame's order (respondent, then item)."""
        rows = group.size * len(self.areas)
        sums = {name: np.zeros(rows) for name in ("total", "squares", "agree")}
        if self.whole:
            for i, a in enumerate(self.area_of):
                k = int(self.k[i])
                weights = self._weights(i, np.arange(1, k + 1, dtype=np.float64))
                mine = counts[:, self.likert[i], 1:k + 1].astype(np.float64)
                for name, w in weights.items():
                    sums[name][a::len(self.areas)] += mine @ w
            return sums
        slot = (group.codes[:, None] * len(self.areas) + self.area_of[None, :]).reshape(-1)
        weights = [self._weights(i, self.values[:, j]) for i, j in enumerate(self.likert)]
        for name in sums:
            weight = np.column_stack([w[name] for w in weights]) if weights else np.zeros((len(self.values), 0))
            sums[name] = np.bincount(slot, weights=weight.reshape(-1), minlength=rows)
        return sums

    def table(self, group: Grouping, by: list[str], counts: np.ndarray) -> pd.DataFrame:
        """area_stats of one grouping (``counts``: its position counts per group x item)."""
        keys = _repeat_keys(group.keys, "area", self.areas, group.size)
        answered = np.zeros(group.size * len(self.areas), dtype=np.int64)
        for i, a in enumerate(self.area_of):
            answered[a::len(self.areas)] += counts[:, self.likert[i], 1:].sum(axis=1)
        pair_rows = (group.codes[:, None] * len(self.areas) + np.arange(len(self.areas))[None, :]).reshape(-1)
        return area_table(keys, answered, self._sums(group, counts), pair_rows[self.rated], self.index, self.ranges, by)
