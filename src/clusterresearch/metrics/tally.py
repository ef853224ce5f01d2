"""The one pass every summary starts from: counts of each scale position per group x key.

Categorical columns (as `load_survey` builds them) are used by their codes; plain text
columns are factorised. Row order is the groups' sorted order, then the order of the
key's categories (a survey's items in instrument order, areas in the study's order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

ITEM_COLUMNS = ("item_id", "area", "type", "value", "missing")


def respondent_columns(answers: pd.DataFrame) -> list[str]:
    """respondent_id and the grouping columns of a tidy answers frame."""
    return [c for c in answers.columns if c not in ITEM_COLUMNS]


def factor(column: pd.Series, sort: bool) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and their labels; a categorical keeps its own order and categories."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(dtype=np.int64), pd.Index(np.asarray(column.cat.categories, dtype=object))
    codes, uniques = pd.factorize(column, sort=sort)
    return codes.astype(np.int64), pd.Index(np.asarray(uniques, dtype=object).astype(str), dtype=object)


@dataclass(frozen=True)
class Tally:
    """``keys``: one row per combination present; ``counts[row, p]`` answers at position p
    (column 0 = no answer at all); ``missing[row]`` missing-code answers; ``row_of`` the
    row of each answer; ``first`` the first answer of each row."""

    keys: pd.DataFrame
    counts: np.ndarray
    missing: np.ndarray
    row_of: np.ndarray
    first: np.ndarray


def tally(answers: pd.DataFrame, keys: list[str], positions: np.ndarray, width: int) -> Tally:
    """Count ``positions`` (float, NaN = none; whole numbers 1..width) per combination of ``keys``.

    The last key follows its own (first-seen or categorical) order; the others are sorted.
    """
    combined = np.zeros(len(answers), dtype=np.int64)
    labels = []
    for i, name in enumerate(keys):
        codes, uniques = factor(answers[name], sort=(i < len(keys) - 1))
        labels.append(uniques)
        combined = combined * max(len(uniques), 1) + codes
    present, first, row_of = np.unique(combined, return_index=True, return_inverse=True)
    row_of = row_of.reshape(-1)
    filled = np.where(np.isnan(positions), 0, positions).astype(np.int64)
    counts = np.bincount(row_of * (width + 1) + filled, minlength=len(present) * (width + 1))
    counts = counts.reshape(len(present), width + 1)
    if "missing" in answers:
        flags = answers["missing"].notna().to_numpy()
        missing = np.bincount(row_of, weights=flags, minlength=len(present)).astype(np.int64)
    else:
        missing = np.zeros(len(present), dtype=np.int64)
    frame = {}
    rest = present.copy()
    for name, uniques in reversed(list(zip(keys, labels))):
        size = max(len(uniques), 1)
        frame[name] = np.asarray(uniques, dtype=object)[rest % size]
        rest = rest // size
    table = pd.DataFrame({name: pd.array(frame[name], dtype="str") for name in keys})
    return Tally(table, counts, missing, row_of, first)


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
