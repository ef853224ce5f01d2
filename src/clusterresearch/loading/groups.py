"""Grouping columns: country codes checked, group names read, nesting kept consistent.

A names file (``names = "clusters.csv"`` in a ``[[groups]]`` table) has the group id in its
first column, a ``name`` column, and may carry other grouping columns (a cluster's country):
then every respondent of a group must have the value the file gives, so per-cluster and
per-country figures cannot silently disagree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .cells import as_text, first_bad
from .formats import read_table
from .validation import require_countries, require_filled, require_same_within, require_unique


def load_names(path: str | Path, spec=None) -> pd.DataFrame:
    """A names file as ``str`` columns: ``id`` (its first column), ``name`` ("" if absent),
    and any further columns as they are; countries checked where a column is a country group."""
    path = Path(path)
    table = read_table(path)
    key = table.header[0]
    ids = as_text(table.frame[key])
    require_filled(path, table.rows, {key: ids})
    require_unique(path, table.rows, [ids], key, key + " {0!r}")
    frame = pd.DataFrame({"id": ids.to_numpy()}, dtype="str")
    for name in table.header[1:]:
        column = as_text(table.frame[name], strip=(name != "name"))
        frame[name] = column.fillna("").to_numpy()
    if "name" not in frame:
        frame["name"] = ""
    frame.attrs["key"] = key
    frame.attrs["rows"] = table.rows
    return frame


def check_groups(file, respondents: pd.DataFrame, study) -> None:
    """Country groups hold ISO codes; named groups are in their names file, with the
    other grouping columns it gives."""
    for spec in study.groups:
        given = respondents[spec.column].notna().to_numpy()  # an empty cell is no value, not an error
        rows = respondents["_row"].to_numpy()[given]
        values = respondents[spec.column][given].reset_index(drop=True)
        if spec.kind == "country":
            require_countries(file, rows, values, column=spec.column)
        if spec.names is None:
            continue
        names = load_names(spec.names)
        for other in study.groups:
            if other.kind == "country" and other.column in names.columns:
                require_countries(spec.names, names.attrs["rows"], names[other.column], column=other.column)
        nested = [g.column for g in study.groups if g.column in names.columns and g.column != spec.column]
        people = {c: respondents[c][given].reset_index(drop=True) for c in nested}
        codes, groups = pd.factorize(values)  # a few hundred groups: each looked up once
        at = pd.Index(names["id"].to_numpy()).get_indexer(groups)
        absent = (at < 0)[codes]
        wrong = [(np.append(names[c].to_numpy(dtype=object), None)[at][codes] != people[c].to_numpy(dtype=object))
                 & ~absent & people[c].notna().to_numpy() for c in nested]
        hit = first_bad(np.column_stack(wrong + [absent]), rows, nested + [spec.column])
        if hit is None:
            require_same_within(file, rows, values, people, spec.column)
            continue
        row, column, i, _ = hit
        value = values.iloc[i]
        if column == spec.column:
            raise InputError(file, where(row=row, column=column),
                             f"{spec.column} {value!r} is not in the names file {spec.names}")
        expected = names.set_index("id").loc[value, column]
        raise InputError(file, where(row=row, column=column),
                         f"{spec.column} {value!r} is in {column} {expected!r} in {spec.names}, "
                         f"not {people[column].iloc[i]!r}")


def group_names(study, column: str) -> dict[str, str]:
    """Group id -> its name from the group's names file ({} without one)."""
    spec = study.group(column)
    if spec.names is None:
        return {}
    names = load_names(spec.names)
    return {i: n for i, n in zip(names["id"], names["name"]) if n}


def group_order(study, column: str, groups: list[str]) -> list[str]:
    """The groups of a grouping column in report order: sorted as text; for an ``ordered``
    grouping (waves, years) by number when every group is a number (2, 10, 1972.5), else in
    its names file's order (groups not in it after, sorted)."""
    spec = study.group(column)
    groups = sorted(str(g) for g in groups)
    if not spec.ordered:
        return groups
    numbers = pd.to_numeric(pd.Series(groups, dtype=object), errors="coerce")
    if len(groups) and numbers.notna().all():
        return [g for _, g in sorted(zip(numbers, groups))]
    if spec.names is None:
        return groups
    listed = list(load_names(spec.names)["id"])
    rank = {g: i for i, g in enumerate(listed)}
    return sorted(groups, key=lambda g: (rank.get(g, len(listed)), g))


def _first_in_file(bad: np.ndarray, rows: np.ndarray) -> int:
    """The position of the bad respondent whose row comes first in the file (respondents
    may be sorted by id, so the first in their order need not be)."""
    where_bad = np.flatnonzero(bad)
    return int(where_bad[np.argmin(rows[where_bad])])


def read_design(file, respondents: pd.DataFrame, study) -> pd.DataFrame:
    """The sample design columns (study.toml ``weight``, ``strata``, ``psu``, ``fpc``) as
    ``weight`` (positive numbers; 1 without the key), ``strata`` / ``psu`` (text, never empty)
    and ``fpc`` (positive numbers), one row per respondent in ``respondents``' order."""
    design, rows = study.design, respondents["_row"].to_numpy()
    out = pd.DataFrame(index=range(len(respondents)))
    for role, positive in (("weight", True), ("fpc", True), ("strata", False), ("psu", False)):
        column = getattr(design, role)
        if column is None:
            continue
        text = respondents[column].reset_index(drop=True)
        empty = text.isna().to_numpy()
        if empty.any():
            i = _first_in_file(empty, rows)
            raise InputError(file, where(row=int(rows[i]), column=column), f"empty {role}: every respondent needs one")
        if not positive:
            out[role] = text.astype("str").to_numpy()
            continue
        number = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        bad = ~np.isfinite(number) | (number <= 0)
        if bad.any():
            i = _first_in_file(bad, rows)
            cell = str(text.iloc[i])
            # a comma-decimal locale's 1,86 is not read as 1.86: in a comma-separated file "1,860" is a thousand
            hint = "; write decimals with a point (1.86), not a comma" if "," in cell and "." not in cell else ""
            raise InputError(file, where(row=int(rows[i]), column=column),
                             f"{cell!r} is not a positive number ({role} of study.toml){hint}")
        out[role] = number
    if "weight" not in out:
        out["weight"] = 1.0
    return out
