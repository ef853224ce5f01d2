"""A responses table (`formats.RawTable`), wide or long, to the parts of a `Grid`:
respondents (id, grouping columns, spreadsheet row), asked scaled items, positions and
missing codes, essays; validated cell by cell with errors naming file, row and column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .answers import number_positions, to_positions
from .cells import as_text
from .codes import label_codes, missing_labels, string_order
from .formats import RawTable
from .study import Study
from .validation import refuse_columns, require_columns, require_filled, require_same_within, require_unique


# --------------------------------------------------------------------------- wide

def _ids(table: RawTable, keys: tuple[str, ...], study: Study) -> dict[str, pd.Series]:
    """The id (never empty) and grouping columns as text; an empty grouping cell, or one of
    its ``missing`` codes, is no value (NaN): the respondent is in no group of that column."""
    ids = {name: as_text(table.frame[name]) for name in keys}
    require_filled(table.file, table.rows, {keys[0]: ids[keys[0]]})
    for spec in study.groups:
        if spec.missing and spec.column in ids:
            ids[spec.column] = ids[spec.column].mask(ids[spec.column].isin(spec.missing))
    return ids


def read_wide(table: RawTable, study: Study, keys, by_column):
    """A wide table (a row per respondent, a column per item): (respondents, items, values,
    missing, essays); ``keys`` are the id and grouping columns, ``by_column`` the instrument
    row of each item column."""
    inst = study.instrument
    require_columns(table.file, table.header, keys, "a responses file of this study")
    known = ", ".join(keys)
    refuse_columns(table.file, table.header, set(keys) | set(by_column),
                   f"not an item column of the instrument, nor {known}")
    ids = _ids(table, keys, study)
    require_unique(table.file, table.rows, [ids[keys[0]]], keys[0], keys[0] + " {0!r}")
    asked = [c for c in inst["column"] if c in set(table.header)]
    scaled = [c for c in asked if inst["type"].iloc[by_column[c]] != "text"]
    values, missing = _positions(table, study, [(c, inst["scale"].iloc[by_column[c]]) for c in scaled])
    respondents = pd.DataFrame({name: ids[name].array for name in keys})
    respondents["_row"] = table.rows
    items = _items(inst, [by_column[c] for c in scaled])
    texts = [c for c in asked if inst["type"].iloc[by_column[c]] == "text"]
    parts = []
    for column in texts:
        text = as_text(table.frame[column], strip=False)
        keep = _written(text)
        parts.append(respondents.loc[keep, list(keys)].assign(
            item_id=inst["item_id"].iloc[by_column[column]], text=text[keep].to_numpy()))
    essays = pd.concat(parts, ignore_index=True) if parts else None
    return respondents, items, values, missing, _finish_essays(essays, study, keys)


def _positions(table: RawTable, study: Study, scaled: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Positions and missing codes (the study's labels) of the scaled columns (name, scale
    id): numeric columns of one scale looked up together (`number_positions`), the rest, and
    any with a cell that is not a code, one by one in column order, so the first bad cell
    of the first such column is the error."""
    n = len(table.frame)
    values = np.empty((n, len(scaled)), dtype=np.float64)
    missing = np.empty(values.shape, dtype=np.int32)
    known = missing_labels(study)
    by_scale: dict[str, list[int]] = {}
    for j, (column, scale) in enumerate(scaled):
        if table.frame[column].dtype.kind in "iuf":
            by_scale.setdefault(scale, []).append(j)
    done = np.zeros(len(scaled), dtype=bool)
    for scale, js in by_scale.items():
        columns = [table.frame[scaled[j][0]].to_numpy(dtype=np.float64) for j in js]  # views: no block copied
        found = number_positions(columns, study.scales[scale], known)
        if found is not None and len(js) == len(scaled):
            values, missing = found
        elif found is not None:
            values[:, js], missing[:, js] = found
        done[js] = found is not None
    for j, (column, scale) in enumerate(scaled):
        if not done[j]:
            values[:, j], codes = to_positions(table.file, table.rows, column, table.frame[column], study.scales[scale])
            missing[:, j] = label_codes(codes, study.scales[scale], known)
    return values, missing


# --------------------------------------------------------------------------- long

def read_long(table: RawTable, study: Study, keys, by_column):
    """A long table (a row per respondent x item: keys, item_id, value) pivoted into what
    `read_wide` returns."""
    inst = study.instrument
    file, rows = table.file, table.rows
    long_columns = keys + ("item_id", "value")
    require_columns(file, table.header, long_columns, "a long responses file of this study")
    refuse_columns(file, table.header, set(long_columns),
                   f"a long file has only {', '.join(long_columns)}")
    ids = _ids(table, keys, study)
    item_id = as_text(table.frame["item_id"])
    require_filled(file, rows, {"item_id": item_id})
    index = pd.Index(inst["item_id"]).get_indexer(item_id)
    if (index < 0).any():
        i = int(np.argmax(index < 0))
        raise InputError(file, where(row=int(rows[i]), column="item_id"),
                         f"unknown item {item_id.iloc[i]!r}: not an item_id of the instrument")
    require_unique(file, rows, [ids[keys[0]], item_id], "item_id", "answer of respondent {0!r} to item {1!r}")
    require_same_within(file, rows, ids[keys[0]], {k: ids[k] for k in keys[1:]}, "respondent")
    kind = inst["type"].to_numpy()[index]
    scaled = kind != "text"
    first = ~ids[keys[0]].duplicated().to_numpy()
    respondents = pd.DataFrame({name: ids[name].to_numpy()[first] for name in keys})
    respondents["_row"] = rows[first]
    asked = sorted(set(index[scaled]))
    items = _items(inst, asked)
    r = pd.Index(respondents[keys[0]]).get_indexer(ids[keys[0]])
    values = np.full((len(respondents), len(asked)), np.nan)
    missing = np.full(values.shape, -1, dtype=np.int32)
    known = missing_labels(study)
    value = table.frame["value"]
    for j, i in enumerate(asked):
        mine = index == i
        scale = study.scales[inst["scale"].iloc[i]]
        pos, miss = to_positions(file, rows[mine], "value", value[mine].reset_index(drop=True), scale)
        values[r[mine], j], missing[r[mine], j] = pos, label_codes(miss, scale, known)
    text = as_text(value[~scaled], strip=False)
    keep = _written(text)
    essays = pd.DataFrame({name: ids[name][~scaled].to_numpy()[keep] for name in keys})
    essays["item_id"] = item_id[~scaled].to_numpy()[keep]
    essays["text"] = text.to_numpy()[keep]
    return respondents, items, values, missing, _finish_essays(essays, study, keys)


# --------------------------------------------------------------------------- shared

def _items(inst: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    return inst.iloc[positions][["item_id", "area", "type"]].astype("str").reset_index(drop=True)


def _written(text: pd.Series) -> np.ndarray:
    """Which essay cells hold something besides spaces (blank answers are no essay)."""
    keep = text.notna().to_numpy().copy()
    if keep.any():
        keep[keep] = (text[keep].str.strip() != "").to_numpy()
    return keep


def _finish_essays(essays: pd.DataFrame | None, study: Study, keys) -> pd.DataFrame:
    columns = list(keys) + ["item_id", "area", "text"]
    if essays is None or essays.empty:
        return pd.DataFrame({name: pd.Series(dtype="str") for name in columns})
    area = dict(zip(study.instrument["item_id"], study.instrument["area"]))
    essays = essays.assign(area=essays["item_id"].map(area))
    return essays[columns].astype("str")


def sort_respondents(respondents, values, missing, essays, inst):
    """Respondents by id; essays by respondent, then instrument order of items."""
    key = respondents.columns[0]
    order = string_order(respondents[key])
    if not np.array_equal(order, np.arange(len(order))):  # files are often sorted already
        respondents = respondents.iloc[order].reset_index(drop=True)
        values, missing = values[order], missing[order]
    if len(essays):
        rank = pd.Index(respondents[key]).get_indexer(essays[key])
        item_rank = pd.Index(inst["item_id"]).get_indexer(essays["item_id"])
        essays = essays.iloc[np.lexsort((item_rank, rank))].reset_index(drop=True)
    essays = essays.rename(columns={key: "respondent_id"})
    return respondents, values, missing, essays.reset_index(drop=True)
