"""The one pass every summary starts from: counts of each scale position per group x key.

Categorical columns (as `load_survey` builds them) are used by their codes; plain text
columns are factorised. Row order is the groups' sorted order, then the order of the
key's categories (a survey's items in instrument order, areas in the study's order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

ITEM_COLUMNS = ("item_id", "area", "type", "value", "missing")


def with_value(answers: pd.DataFrame, by) -> pd.DataFrame:
    """The answers of respondents with a value in every column of ``by``: one with an empty
    group cell is in no group of that column (and in all data and their other groupings)."""
    by = list(by)
    if not by:
        return answers
    given = answers[by].notna().all(axis=1).to_numpy()
    return answers if given.all() else answers[given].reset_index(drop=True)


def no_value(answers: pd.DataFrame, bys) -> bool:
    """Has any respondent no value in a column of the groupings ``bys``?"""
    columns = list(dict.fromkeys(name for by in bys for name in by))
    return bool(columns) and bool(answers[columns].isna().any().any())


def respondent_columns(answers: pd.DataFrame) -> list[str]:
    """respondent_id and the grouping columns of a tidy answers frame."""
    return [c for c in answers.columns if c not in ITEM_COLUMNS]


_LABELS: dict[int, tuple[pd.Index, pd.Index]] = {}  # id(categories) -> (categories, their labels)


def _labels(categories: pd.Index) -> pd.Index:
    """A categorical's categories as a plain Index, made once per categories object: a
    scope's answers keep all of the study's categories (64,600 respondent ids in a large
    study), and every metric asks for them."""
    found = _LABELS.get(id(categories))
    if found is None or found[0] is not categories:
        if len(_LABELS) >= 64:
            _LABELS.clear()
        found = _LABELS[id(categories)] = (categories, pd.Index(np.asarray(categories, dtype=object)))
    return found[1]


def factor(column: pd.Series, sort: bool) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and their labels; a categorical keeps its own order and categories,
    and its codes their own (narrow) integer type: widen them before multiplying."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), _labels(column.cat.categories)
    codes, uniques = pd.factorize(column, sort=sort)
    return codes.astype(np.int64), pd.Index(np.asarray(uniques, dtype=object).astype(str), dtype=object)


@dataclass(frozen=True)
class Tally:
    """``keys``: one row per combination present; ``counts[row, p]`` answers at position p
    (column 0 = no answer at all); ``missing[row]`` missing-code answers; ``row_of`` the
    row of each answer; ``first`` the first answer of each row.

    A tally summed from a finer one (`tallies`) keeps the finer rows of the answers
    (``answer_rows``) and where each finer row went (``row_map``): ``row_of`` is worked out
    only when asked for (8 bytes per answer; item statistics never need it).
    """

    keys: pd.DataFrame
    counts: np.ndarray
    missing: np.ndarray
    answer_rows: np.ndarray
    first: np.ndarray
    row_map: np.ndarray | None = None

    @cached_property
    def row_of(self) -> np.ndarray:
        return self.rows_of(slice(None))

    def rows_of(self, answers) -> np.ndarray:
        """The rows of some answers (positions or a mask), without ``row_of`` for all."""
        rows = self.answer_rows[answers]
        return rows if self.row_map is None else self.row_map[rows]


def present_keys(combined: np.ndarray, cells: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``np.unique(combined, return_index=True, return_inverse=True)``: the sorted keys
    present, the first position of each and the row of each position.

    Keys of a group x item tally are dense (0 <= key < cells = product of the key sizes, a
    few tens of thousands for 500 groups x 67 items), so they are counted into ``cells``
    bins instead of sorted: row of a present key = number of present keys below it
    (cumulative sum of the bins' presence), first = the smallest position in its bin.
    O(n + cells) instead of the sort's O(n log n); keys outside 0..cells-1 (a code of -1
    for a missing label) or far more cells than positions are left to the sort.
    """
    n = len(combined)
    if n == 0 or cells > max(4 * n, 1 << 16) or combined.min() < 0 or combined.max() >= cells:
        present, first, row_of = np.unique(combined, return_index=True, return_inverse=True)
        return present, first, row_of.reshape(-1)
    seen = np.bincount(combined, minlength=cells) > 0
    present = np.flatnonzero(seen)
    row_of = (np.cumsum(seen) - 1)[combined]
    index = np.int32 if n < 2**31 else np.int64
    first = np.full(cells, n, dtype=index)
    np.minimum.at(first, combined, np.arange(n, dtype=index))
    return present, first[present].astype(np.int64), row_of


def tally(answers: pd.DataFrame, keys: list[str], positions: np.ndarray, width: int) -> Tally:
    """Count ``positions`` (float, NaN = none; whole numbers 1..width) per combination of ``keys``.

    The last key follows its own (first-seen or categorical) order; the others are sorted.
    """
    return _count(answers, keys, positions, width)[0]


def tallies(answers: pd.DataFrame, groupings: list[list[str]], key: str, positions: np.ndarray,
            width: int) -> list[Tally]:
    """``[tally(answers, by + [key], positions, width) for by in groupings]`` in one pass
    over the answers (prepare's scopes: all, country, cluster).

    The answers are counted once per combination of all the groupings' columns and the key
    (the finest rows). A grouping's row is the union of its finest rows: its counts and
    missing codes are their sums (integers, so exact), its first answer the earliest of
    theirs, and an answer's row is that of its finest row. The codes of a column are the
    same in every grouping, so the rows come in the same order as tally's.
    """
    columns = list(dict.fromkeys(name for by in groupings for name in by))
    bound = np.prod([float(_size_bound(answers[name])) for name in columns + [key]])
    if len(groupings) == 1 or bound >= 2.0 ** 62:  # one grouping, or too many finest rows to number
        return [tally(answers, list(by) + [key], positions, width) for by in groupings]
    fine, codes, labels = _count(answers, columns + [key], positions, width)
    if codes is None:  # a missing label (code -1) does not add up: each grouping on its own
        return [tally(answers, list(by) + [key], positions, width) for by in groupings]
    sizes = [max(len(u), 1) for u in labels]
    coarse = []
    for by in groupings:
        picked = [columns.index(name) for name in by] + [len(columns)]
        combined = np.zeros(len(fine.counts), dtype=np.int64)
        for i in picked:
            combined = combined * sizes[i] + codes[i]
        _, one, row = np.unique(combined, return_index=True, return_inverse=True)
        row = row.reshape(-1)
        counts = np.zeros((len(one), fine.counts.shape[1]), dtype=fine.counts.dtype)
        np.add.at(counts, row, fine.counts)
        missing = np.zeros(len(one), dtype=np.int64)
        np.add.at(missing, row, fine.missing)
        first = np.full(len(one), len(answers), dtype=fine.first.dtype)
        np.minimum.at(first, row, fine.first)
        keys = _keys_frame([([*columns, key][i], labels[i], codes[i][one]) for i in picked])
        coarse.append(Tally(keys, counts, missing, fine.answer_rows, first, row))
    return coarse


def _size_bound(column: pd.Series) -> int:
    """At least the number of labels of a column (without factorising it)."""
    return len(column.cat.categories) if isinstance(column.dtype, pd.CategoricalDtype) else len(column)


def _keys_frame(columns: list[tuple[str, pd.Index, np.ndarray]]) -> pd.DataFrame:
    """The labels of each row's codes, as text, for (name, labels, codes) of each key."""
    return pd.DataFrame({name: pd.array(np.asarray(labels, dtype=object)[codes], dtype="str")
                         for name, labels, codes in columns})


def _count(answers: pd.DataFrame, keys: list[str], positions: np.ndarray, width: int):
    """tally, each key's codes (one per row; None when a key has a missing label) and labels."""
    combined = np.zeros(len(answers), dtype=np.int64)
    labels = []
    cells = 1
    complete = True
    for i, name in enumerate(keys):
        codes, uniques = factor(answers[name], sort=(i < len(keys) - 1))
        complete = complete and not (len(codes) and codes.min() < 0)
        labels.append(uniques)
        combined *= max(len(uniques), 1)  # in place: each temporary is 8 bytes per answer
        combined += codes
        cells *= max(len(uniques), 1)
    present, first, row_of = present_keys(combined, cells)
    del combined
    slot = row_of * (width + 1)  # slot of (row, position); position 0 = no answer
    np.add(slot, positions, out=slot, where=~np.isnan(positions), casting="unsafe")
    counts = np.bincount(slot, minlength=len(present) * (width + 1)).reshape(len(present), width + 1)
    del slot
    if "missing" in answers:
        flags = answers["missing"].notna().to_numpy()
        missing = np.bincount(row_of[flags], minlength=len(present)).astype(np.int64)
    else:
        missing = np.zeros(len(present), dtype=np.int64)
    row_codes = []
    rest = present.copy()
    for uniques in reversed(labels):
        size = max(len(uniques), 1)
        row_codes.insert(0, rest % size)
        rest = rest // size
    table = _keys_frame([(name, uniques, c) for name, uniques, c in zip(keys, labels, row_codes)])
    return Tally(table, counts, missing, row_of, first), (row_codes if complete else None), labels


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
