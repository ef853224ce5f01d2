"""Short columns to long categoricals, the way the tidy survey frame is built.

A survey's text columns have few distinct values (100,000 respondent ids, a few hundred
groups, tens of items) against millions of answers, so everything here works on the
distinct values and copies only narrow integer codes: respondents and groups sorted as
Python sorts strings, items in first-seen order, missing codes as small integers until the
frame is built.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .scales import Scale
from .study import Study


def coded(column: pd.Series, sort: bool) -> tuple[np.ndarray, pd.Index]:
    """Codes and categories of a short column: sorted (respondents and groups, as the survey
    is sorted) or in first-seen order (items). Sorting only the distinct values gives
    np.unique's order (Python's string order) without sorting every cell."""
    text = column.astype("str").where(column.notna())  # no value stays NaN (pandas 2 writes "nan")
    codes, uniques = pd.factorize(text)  # Arrow's own hashing under pandas 3: no Python string per cell
    uniques = np.asarray(uniques, dtype=object)
    if sort:
        order = np.argsort(uniques, kind="stable")
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        codes, uniques = np.where(codes >= 0, rank[codes], -1), uniques[order]  # -1: no value (an empty group cell)
    return codes, pd.Index(uniques, dtype="str")


def long_categorical(codes: np.ndarray, categories: pd.Index, repeat: int = 1, tile: int = 1) -> pd.Categorical:
    """A short column's codes, each repeated ``repeat`` times and the whole tiled ``tile``
    times, as a categorical; the codes are narrowed (int8 below 128 categories ...) before
    they are copied, which is the dtype pandas would give them."""
    width = next(t for t in (np.int8, np.int16, np.int32, np.int64) if len(categories) < np.iinfo(t).max)
    codes = np.asarray(codes).astype(width, copy=False)
    codes = np.broadcast_to(codes[None, :, None], (tile, len(codes), repeat)).reshape(-1)  # = np.tile(np.repeat(...))
    return pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(categories), validate=False)


def missing_codes(codes: np.ndarray, labels: tuple[str, ...]) -> tuple[np.ndarray, pd.Index]:
    """The missing codes' labels (``codes`` index ``labels``, -1 = none) as ``pd.Categorical``
    infers them from the labels: categories = the labels given at least once, sorted; the
    codes recoded into them (narrow integers)."""
    given = [codes == j for j in range(len(labels))]  # a study has a few missing codes
    categories = missing_categories(labels, np.array([mask.any() for mask in given], dtype=bool))
    recoded = np.full(len(codes), -1, dtype=np.int8 if len(labels) < 127 else np.int32)
    for mask, new in zip(given, categories.get_indexer(list(labels))):
        if new >= 0:
            recoded[mask] = new
    return recoded, categories


def missing_categories(labels: tuple[str, ...], used: np.ndarray) -> pd.Index:
    """The categories of the missing codes' labels: those ``used`` (a mask over ``labels``),
    sorted, as ``pd.Categorical`` infers them."""
    return pd.Categorical(np.asarray(labels, dtype=object)[np.asarray(used, dtype=bool)]).categories


def missing_labels(study: Study) -> tuple[str, ...]:
    """Every missing code's label of the study's scales, once each: what `label_codes` indexes."""
    return tuple(dict.fromkeys(label for scale in study.scales.values() for label in scale.missing_labels))


def label_codes(codes: np.ndarray, scale: Scale, known: tuple[str, ...]) -> np.ndarray:
    """`to_positions`' missing codes (indexes into ``scale.missing_labels``, -1 where none)
    as indexes into ``known``, the study's labels (-1 where none)."""
    into = pd.Index(known, dtype=object).get_indexer(list(scale.missing_labels)) if known else []
    return np.append(np.asarray(into, dtype=np.int32), np.int32(-1))[codes]


def string_order(text: pd.Series) -> np.ndarray:
    """``np.argsort(text as Python strings, kind="stable")`` by Arrow's stable sort, which
    needs no Python comparison per pair: UTF-8 bytes sort in code-point order, the order
    in which Python compares strings."""
    return pc.sort_indices(pa.array(text.astype("str"))).to_numpy().astype(np.int64)
