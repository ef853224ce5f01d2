"""The one pass every summary starts from: counts per group x item x scale position,
straight from the survey's `Grid` (respondents x items).

A grid's answers need no sort and no tidy frame to be counted: one bincount over a block
of respondents at a time gives counts[group, item, position] of the finest groups of the
grouping columns asked for; each grouping's counts are sums of those (integers, exact).
`factor` and `respondent_columns` serve the tidy frame, which is an export of the grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..loading.codes import coded
from ..loading.readers import TEXT

ITEM_COLUMNS = ("item_id", "area", "type", "value", "missing")
BLOCK = 8192  # respondents per pass: the temporaries stay a few MB and are reused, not page-faulted anew


def valued(table: pd.DataFrame, by) -> pd.DataFrame:
    """The rows of real groups: a respondent with no value in a grouping column (an empty
    cell) is counted in a group labelled NA, which no table shows; they count in all data
    and their other groupings."""
    by = list(by)
    if not by or not table[by].isna().any().any():
        return table
    return table[table[by].notna().all(axis=1).to_numpy()].reset_index(drop=True)


def respondent_columns(answers: pd.DataFrame) -> list[str]:
    """respondent_id and the grouping columns of a tidy answers frame."""
    return [c for c in answers.columns if c not in ITEM_COLUMNS]


_LABELS: dict[int, tuple[pd.Index, pd.Index]] = {}  # id(categories) -> (categories, their labels)


def _labels(categories: pd.Index) -> pd.Index:
    """A categorical's categories as a plain Index, made once per categories object."""
    found = _LABELS.get(id(categories))
    if found is None or found[0] is not categories:
        if len(_LABELS) >= 64:
            _LABELS.clear()
        found = _LABELS[id(categories)] = (categories, pd.Index(np.asarray(categories, dtype=object)))
    return found[1]


def factor(column: pd.Series, sort: bool) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and their labels of a tidy frame's column; a categorical keeps its own
    order and categories."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), _labels(column.cat.categories)
    codes, uniques = pd.factorize(column, sort=sort)
    return codes.astype(np.int64), pd.Index(np.asarray(uniques, dtype=object).astype(str), dtype=object)


@dataclass(frozen=True)
class Grouping:
    """Respondents in groups: ``codes[r]`` is respondent r's group, ``keys`` the grouping
    columns' labels of each group (groups sorted by their labels, column by column)."""

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
            uniques = pd.Index(list(uniques) + [None], dtype=TEXT)  # (pandas 2's "str" would write None as "None")
        combined = combined * max(len(uniques), 1) + codes
        labels.append(uniques)
    present, codes = np.unique(combined, return_inverse=True)
    if not by:
        return Grouping(codes.reshape(-1), pd.DataFrame(index=range(len(present))))
    keys, rest = {}, present
    for name, uniques in reversed(list(zip(by, labels))):
        size = max(len(uniques), 1)
        keys[name] = pd.array(np.asarray(uniques, dtype=object)[rest % size], dtype=TEXT)
        rest = rest // size
    return Grouping(codes.reshape(-1), pd.DataFrame({name: keys[name] for name in by}))


@dataclass(frozen=True)
class Tally:
    """Counts of a grid for several groupings: ``counts[g, i, p]`` answers of the finest
    group g (all grouping columns together) to item i at position p (0 = no answer),
    ``missing[g, i, m]`` missing codes m given; ``groupings`` one per grouping asked for."""

    fine: Grouping
    groupings: list[Grouping]
    counts: np.ndarray
    missing: np.ndarray

    def per_group(self, which: int, counts: np.ndarray) -> np.ndarray:
        """Counts per fine group (first axis) summed into the groups of grouping ``which``."""
        coarse = self.groupings[which]
        into = np.zeros(self.fine.size, dtype=np.int64)
        into[self.fine.codes] = coarse.codes
        total = np.zeros((coarse.size,) + counts.shape[1:], dtype=counts.dtype)
        np.add.at(total, into, counts)
        return total


def tally(grid, bys: list[list[str]], width: int | None) -> Tally:
    """Count the grid's positions (1..width) and missing codes per group x item, once for
    all the groupings ``bys`` (``width`` None: the missing codes only)."""
    columns = list(dict.fromkeys(name for by in bys for name in by))
    once = {name: coded(grid.respondents[name], sort=True) for name in columns}
    fine = grouping(grid.respondents, columns, once)
    groupings = [grouping(grid.respondents, list(by), once) for by in bys]
    counts = (np.zeros((fine.size, grid.values.shape[1], 1), dtype=np.int64) if width is None
              else _position_counts(grid.values, fine, width))
    return Tally(fine, groupings, counts,
                 _missing_counts(grid.missing, fine, len(grid.labels)))


def _position_counts(values: np.ndarray, fine: Grouping, width: int) -> np.ndarray:
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
    n, k = missing.shape
    flat = missing.reshape(-1)
    given = np.flatnonzero(flat >= 0)
    slot = (fine.codes[given // k] * k + given % k) * labels + flat[given]
    return np.bincount(slot, minlength=fine.size * k * labels).reshape(fine.size, k, labels)


def repeat_keys(keys: pd.DataFrame, name: str, labels, tile: int) -> pd.DataFrame:
    """Each group's keys repeated once per label, the labels (as column ``name``) tiled."""
    table = keys.iloc[np.repeat(np.arange(len(keys)), len(labels))].reset_index(drop=True)
    table[name] = pd.array(np.tile(np.asarray(labels, dtype=object), tile), dtype="str")
    return table


def count_stats(counts: np.ndarray) -> dict[str, np.ndarray]:
    """n, mean, sd (ddof=1) and median of positions from counts per position (column 0 ignored).

    The median is the mean of the two middle answers (numpy's definition for even n).
    """
    width = counts.shape[1] - 1
    levels = np.arange(width + 1, dtype=np.float64)
    valid = counts[:, 1:]
    n = valid.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (counts * levels).sum(axis=1) / np.where(n > 0, n, np.nan)
        squares = (counts * (levels - mean[:, None]) ** 2)[:, 1:].sum(axis=1)
        sd = np.sqrt(squares / np.where(n > 1, n - 1, np.nan))
        cumulative = np.cumsum(valid, axis=1)
        low = 1 + (cumulative < ((n + 1) // 2)[:, None]).sum(axis=1)
        high = 1 + (cumulative < (n // 2 + 1)[:, None]).sum(axis=1)
        median = np.where(n > 0, (low + high) / 2.0, np.nan)
    return {"n": n.astype(np.int64), "mean": mean, "sd": sd, "median": median}
