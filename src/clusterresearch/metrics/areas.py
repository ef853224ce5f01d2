"""Area-level metrics: the area index, its spread, the desired-vs-existing gap, and
self-assessment against the assessor's rating.

A respondent's area index is the mean position of their self-assessed (``likert``) answers
in the area, reverse-keyed items reversed first (position -> k + 1 - position), so a
higher index always means more of the competence. When an area mixes scales of different
length, positions are put on one 0-100 range first (percent of maximum possible, POMP:
100 * (position - 1) / (k - 1); Cohen, Cohen, Aiken & West 1999) and ``index_range`` says so.
``desired`` and ``assessor`` items are kept apart so they can be compared with the index.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import special

from .items import grid_geometry, width_of, wilson_interval
from .tally import BLOCK, Grouping, Tally, repeat_keys, tally, valued


class Keyed:
    """The items of one type of a `Grid` (self-assessed ``likert`` by default) on their
    keyed positions: the position, reversed for a reverse-keyed item (k + 1 - p), and on
    0-100 (POMP) in an area that mixes scale lengths. ``areas`` in the study's order,
    ``ranges`` each area's "1-k" or "0-100", ``index()`` each respondent's area index."""

    def __init__(self, grid, items: pd.DataFrame | None = None, item_type: str = "likert"):
        geometry = grid_geometry(grid, items)
        kind = grid.items["type"].to_numpy(dtype=object)
        self.columns = np.flatnonzero(kind == item_type)
        geo = geometry.iloc[self.columns]
        self.ids = list(geo.index)
        self.k = geo["k"].to_numpy(dtype=np.float64)
        self.reverse = geo["reverse"].to_numpy(dtype=bool)
        self.agree_min = geo["agree_min"].to_numpy(dtype=np.float64)
        self.disagree_max = geo["disagree_max"].to_numpy(dtype=np.float64)
        self.names = grid.items["area"].astype("str").to_numpy(dtype=object)[self.columns]
        present = set(self.names)
        self.areas = [a for a in grid.area_order() if a in present]
        self.area_of = pd.Index(self.areas, dtype=object).get_indexer(self.names)
        low = {a: min(k for k, n in zip(self.k, self.names) if n == a) for a in self.areas}
        high = {a: max(k for k, n in zip(self.k, self.names) if n == a) for a in self.areas}
        self.ranges = {a: ("0-100" if low[a] != high[a] else f"1-{int(high[a])}") for a in self.areas}
        self.pomp = np.array([low[a] != high[a] for a in self.names], dtype=bool)
        self.values = grid.values

    def keyed(self, i: int, value):
        """Keyed positions of item i of this type (a column of answers, or positions 1..k)."""
        if self.reverse[i]:
            value = self.k[i] + 1 - value
        if self.pomp[i]:
            value = 100 * (value - 1) / (self.k[i] - 1)
        return value

    def matrix(self, area: str) -> tuple[list[str], np.ndarray]:
        """The area's items and the respondents' keyed positions on them (NaN = no answer)."""
        mine = [i for i, a in enumerate(self.names) if a == area]
        values = [self.keyed(i, self.values[:, self.columns[i]]) for i in mine]
        matrix = np.column_stack(values) if values else np.zeros((len(self.values), 0))
        return [self.ids[i] for i in mine], matrix

    def index(self) -> tuple[np.ndarray, np.ndarray]:
        """index[r, a]: respondent r's mean keyed position over their answered items of area
        a (NaN: none), summed item by item in instrument order; count[r, a] those items."""
        n = len(self.values)
        total = np.zeros((n, len(self.areas)))
        count = np.zeros((n, len(self.areas)), dtype=np.int64)
        for start in range(0, n, BLOCK):
            block = self.values[start:start + BLOCK]
            mine, seen = total[start:start + BLOCK], count[start:start + BLOCK]
            for i, a in enumerate(self.area_of):
                value = block[:, self.columns[i]]
                ok = ~np.isnan(value)
                mine[:, a] += np.where(ok, self.keyed(i, value), 0.0)
                seen[:, a] += ok
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(count > 0, total / np.where(count > 0, count, 1), np.nan), count

    def whole(self) -> bool:
        """Is every keyed position a whole number? Then sums are exact in any order."""
        return all(np.array_equal(v, np.floor(v)) for v in
                   (self.keyed(i, np.arange(1, k + 1, dtype=np.float64)) for i, k in enumerate(self.k.astype(int))))

    def weights(self, i: int, positions) -> dict[str, np.ndarray]:
        """Per answer (or position) of item i: keyed position, its square, and 1 on the
        competent side (the agree side, or the disagree side of a reverse-keyed item); 0
        where no answer."""
        ok = ~np.isnan(positions)
        value = self.keyed(i, positions)
        with np.errstate(invalid="ignore"):
            side = positions <= self.disagree_max[i] if self.reverse[i] else positions >= self.agree_min[i]
        return {"total": np.where(ok, value, 0.0), "squares": np.where(ok, value ** 2, 0.0),
                "agree": side.astype(np.float64)}

    def sums(self, group: Grouping, counts: np.ndarray) -> dict[str, np.ndarray]:
        """Each group x area's sums of the weights. Whole numbers: from the counts per
        position. Otherwise over the answers in respondent, then item order."""
        rows = group.size * len(self.areas)
        sums = {name: np.zeros(rows) for name in ("total", "squares", "agree")}
        if self.whole():
            for i, a in enumerate(self.area_of):
                k = int(self.k[i])
                weights = self.weights(i, np.arange(1, k + 1, dtype=np.float64))
                mine = counts[:, self.columns[i], 1:k + 1]
                for name, w in weights.items():  # in integers: exact, and no BLAS (whose threads spin)
                    sums[name][a::len(self.areas)] += mine @ w.astype(np.int64)
            return sums
        slot = (group.codes[:, None] * len(self.areas) + self.area_of[None, :]).reshape(-1)
        weights = [self.weights(i, self.values[:, j]) for i, j in enumerate(self.columns)]
        for name in sums:
            weight = np.column_stack([w[name] for w in weights]) if weights else np.zeros((len(self.values), 0))
            sums[name] = np.bincount(slot, weights=weight.reshape(-1), minlength=rows)
        return sums


def respondent_area_index(grid, items: pd.DataFrame | None = None, item_type: str = "likert") -> pd.DataFrame:
    """One row per respondent x area with items of ``item_type``: the mean keyed position of
    the respondent's answered items (``index``), ``n_items`` answered; NaN when there are none.
    Rows by respondent, then the study's area order."""
    keyed = Keyed(grid, items, item_type)
    index, count = keyed.index()
    people = grid.respondents.astype("str")
    table = people.iloc[np.repeat(np.arange(len(people)), len(keyed.areas))].reset_index(drop=True)
    table["area"] = pd.array(np.tile(np.asarray(keyed.areas, dtype=object), len(people)), dtype="str")
    table["index"] = index.reshape(-1)
    table["n_items"] = count.reshape(-1)
    return table


def t_interval(mean: pd.Series, sd: pd.Series, n: pd.Series, level: float = 0.95):
    """Student-t interval of a mean from its sd and n, elementwise; NaN below n = 2. The
    quantile is ``scipy.special.stdtrit``, which ``scipy.stats.t.ppf`` calls (same bits;
    scipy.stats itself is a second of import)."""
    with np.errstate(invalid="ignore"):
        df = (n - 1).where(n > 1)
        half = special.stdtrit(df, 0.5 + level / 2) * sd / np.sqrt(n)
    return mean - half, mean + half


def area_stats(grid, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x area, from the self-assessed items only.

    Pooled over all answers of the area (keyed positions): ``n`` answers, ``mean``,
    ``spread`` (sd, ddof=1), ``n_agree`` answers on the competent side and ``share_agree``
    with its Wilson interval ``ci_low``/``ci_high``. Over respondents: ``n_respondents``,
    ``index_mean``, ``index_sd`` and a t-interval ``index_ci_low``/``index_ci_high`` of the
    mean area index (NaN below two respondents); ``index_range`` is "1-k" or "0-100".
    """
    width = width_of(grid_geometry(grid, items))
    return area_tables(grid, items, [list(by)], tally(grid, [list(by)], width))[0]


def area_tables(grid, items: pd.DataFrame | None, bys: list[list[str]], counted: Tally) -> list[pd.DataFrame]:
    """`area_stats` of each grouping of ``bys`` from their `tally.Tally`; each respondent's
    area index is worked out once for all of them."""
    keyed = Keyed(grid, items)
    index = keyed.index()[0].reshape(-1)  # respondent x area pairs, respondent first
    rated = ~np.isnan(index)
    tables = []
    for which, by in enumerate(bys):
        group = counted.groupings[which]
        counts = counted.per_group(which, counted.counts)
        keys = repeat_keys(group.keys, "area", keyed.areas, group.size)
        answered = np.zeros(group.size * len(keyed.areas), dtype=np.int64)
        for i, a in enumerate(keyed.area_of):
            answered[a::len(keyed.areas)] += counts[:, keyed.columns[i], 1:].sum(axis=1)
        pair_rows = (group.codes[:, None] * len(keyed.areas) + np.arange(len(keyed.areas))[None, :]).reshape(-1)
        table = valued(area_table(keys, answered, keyed.sums(group, counts), pair_rows[rated], index[rated],
                                  keyed.ranges, list(by)), by)
        if getattr(grid, "design", None) is not None:  # a weighted study: design-based figures
            from .weighted import weigh_areas
            table = weigh_areas(grid, table, list(by), keyed)
        tables.append(table)
    return tables


def area_table(keys: pd.DataFrame, n: np.ndarray, sums: dict[str, np.ndarray], pair_rows: np.ndarray,
               index: np.ndarray, ranges: dict[str, str], by: list[str]) -> pd.DataFrame:
    """area_stats of one grouping: ``keys`` (the grouping's columns and area), ``n``
    answered items per row, the rows' ``sums`` of the answers' keyed positions, their
    squares and the competent side (`Keyed.sums`), and the rated respondent x area
    pairs' ``index`` with the row each belongs to (``pair_rows``), in respondent order."""
    total, squares, agree = sums["total"], sums["squares"], sums["agree"].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / np.where(n > 0, n, np.nan)
        spread = np.sqrt((squares - n * mean ** 2).clip(min=0) / np.where(n > 1, n - 1, np.nan))
        share = agree / np.where(n > 0, n, np.nan)
    table = {name: keys[name].array for name in keys.columns}  # built whole: a frame grown column by column copies
    table.update({"n": n.astype(np.int64), "mean": mean, "spread": spread, "n_agree": agree, "share_agree": share})
    table["ci_low"], table["ci_high"] = wilson_interval(agree, n)

    # over respondents: a respondent x area pair belongs to the row of its first answer
    per = pd.Series(index).groupby(pair_rows, sort=False).agg(
        ["count", "mean", "std"]).reindex(np.arange(len(keys)))
    table["n_respondents"] = per["count"].fillna(0).to_numpy(dtype=np.int64)
    table["index_mean"], table["index_sd"] = per["mean"].to_numpy(), per["std"].to_numpy()
    low, high = t_interval(per["mean"], per["std"], per["count"].fillna(0))
    table["index_ci_low"], table["index_ci_high"] = low.to_numpy(), high.to_numpy()
    table["index_range"] = keys["area"].map(ranges).fillna("").astype("str").array
    columns = by + ["area", "n", "mean", "spread", "n_agree", "share_agree", "ci_low", "ci_high",
                    "n_respondents", "index_mean", "index_sd", "index_ci_low", "index_ci_high", "index_range"]
    return pd.DataFrame({name: table[name] for name in columns})


def area_gap(grid, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """Desired minus existing level per group x area, over respondents who gave both.

    ``existing`` is the mean area index, ``desired`` the mean of the area's ``desired``
    items (positions), ``gap`` the mean of each respondent's difference; ``n`` counts them.
    """
    by = list(by)
    people = list(grid.respondents.columns)
    existing = respondent_area_index(grid, items, "likert").rename(columns={"index": "existing"})
    desired = respondent_area_index(grid, items, "desired").rename(columns={"index": "desired"})
    keys = people + ["area"]
    paired = existing[keys + ["existing"]].merge(desired[keys + ["desired"]], on=keys)
    paired = paired.dropna(subset=["existing", "desired"])
    paired["gap"] = paired["desired"] - paired["existing"]
    table = paired.groupby(by + ["area"], sort=True).agg(
        n=("gap", "count"), existing=("existing", "mean"), desired=("desired", "mean"), gap=("gap", "mean")
    ).reset_index()
    return _sorted(table, by, grid.area_order())


def self_vs_assessor(grid, instrument: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Self-assessment against the assessor's rating of the same competency.

    Pairs come from the instrument: an ``assessor`` item whose ``compares_to`` names a
    self-assessed item. ``difference`` is the mean of self minus assessor (positions) over
    respondents who have both answers (positive: respondents rate themselves higher).
    """
    by = list(by)
    people = grid.respondents.astype("str")
    column = {item: j for j, item in enumerate(grid.items["item_id"].astype("str"))}
    pairs = instrument[(instrument["type"] == "assessor") & instrument["compares_to"].fillna("").ne("")]
    columns = by + ["area", "self_item", "assessor_item", "n", "self_mean", "assessor_mean", "difference"]
    rows = []
    for assessor_item, self_item, area in pairs[["item_id", "compares_to", "area"]].itertuples(index=False):
        if self_item not in column or assessor_item not in column:
            continue
        both = people.copy()
        both["self"], both["assessor"] = grid.values[:, column[self_item]], grid.values[:, column[assessor_item]]
        rows.append(both.dropna(subset=["self", "assessor"]).assign(self_item=self_item, assessor_item=assessor_item,
                                                                     area=area))
    if not rows:
        return pd.DataFrame(columns=columns)
    paired = pd.concat(rows, ignore_index=True)
    paired["diff"] = paired["self"] - paired["assessor"]
    table = paired.groupby(by + ["area", "self_item", "assessor_item"], sort=False, observed=True).agg(
        n=("diff", "count"), self_mean=("self", "mean"), assessor_mean=("assessor", "mean"), difference=("diff", "mean")
    ).reset_index()
    return _sorted(table, by, grid.area_order())[columns]


def _sorted(table: pd.DataFrame, by: list[str], order: list[str]) -> pd.DataFrame:
    rank = {a: i for i, a in enumerate(order)}
    table = table.astype({c: "str" for c in by + ["area"]})
    table = table.assign(_o=table["area"].map(rank)).sort_values(by + ["_o"], kind="stable")
    return table.drop(columns="_o").reset_index(drop=True)
