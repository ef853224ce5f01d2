"""Checks on a table as read; each raises ``InputError`` naming the first bad cell.

"First" is reading order: the smallest spreadsheet row, then the leftmost column, so a
user who fixes errors one at a time from the top never sees an earlier one reappear.
All checks are vectorised; only the row they report is looked up in Python.
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .cells import first_bad
from .countries import ISO_ALPHA2



def require_columns(file, header: Sequence[str], required: Iterable[str], what: str) -> None:
    """Every required column is in the header."""
    for name in required:
        if name not in header:
            found = ", ".join(header)
            raise InputError(file, where(row=1, column=name), f"missing column: {what} needs it (found: {found})")


def refuse_columns(file, header: Sequence[str], allowed: set[str], hint: str) -> None:
    """No column outside ``allowed``: a misspelt item must not vanish silently."""
    for name in header:
        if name not in allowed:
            raise InputError(file, where(row=1, column=name), f"unknown column: {hint}")


def require_filled(file, rows: np.ndarray, columns: dict[str, pd.Series]) -> None:
    """No empty cell in the given columns (ids, country, cluster, item_id)."""
    names = list(columns)
    mask = np.column_stack([columns[c].isna().to_numpy() for c in names])
    hit = first_bad(mask, rows, names)
    if hit:
        raise InputError(file, where(row=hit[0], column=hit[1]), f"empty {hit[1]}: every row needs one")


def require_countries(file, rows: np.ndarray, country: pd.Series, column: str = "country") -> None:
    """Countries are ISO 3166-1 alpha-2 codes such as PL, LT, DE."""
    codes = country.unique()
    unknown = {code for code in codes if code not in ISO_ALPHA2}
    if not unknown:
        return
    i = int(np.argmax(country.isin(unknown).to_numpy()))
    code = country.iloc[i]
    hint = f" (codes are upper case: {code.upper()!r})" if code.upper() in ISO_ALPHA2 else ""
    raise InputError(file, where(row=int(rows[i]), column=column),
                     f"{code!r} is not an ISO 3166-1 alpha-2 country code{hint}")


def require_unique(file, rows: np.ndarray, keys: list[pd.Series], column: str, what: str) -> None:
    """No key (a respondent id; a respondent x item) twice; names both rows.

    ``what`` is a format string over the key's values, e.g. ``"respondent_id {0!r}"``.
    """
    frame = pd.concat([k.reset_index(drop=True) for k in keys], axis=1, ignore_index=True)
    dup = frame.duplicated().to_numpy()
    if not dup.any():
        return
    i = int(np.argmax(dup))
    same = (frame == frame.iloc[i]).all(axis=1).to_numpy()
    first = int(rows[int(np.argmax(same))])
    raise InputError(file, where(row=int(rows[i]), column=column),
                     f"duplicate {what.format(*frame.iloc[i])} (first on row {first})")


def require_same_within(file, rows: np.ndarray, key: pd.Series, attributes: dict[str, pd.Series],
                        what: str) -> None:
    """Every row of one key has the same attributes (a respondent's country and cluster,
    a cluster's country), so a group is never split or merged by a typo."""
    key = key.reset_index(drop=True)
    for name, values in attributes.items():
        values = values.reset_index(drop=True)
        first = values.groupby(key, sort=False).transform("first")
        differs = ((values != first) & values.notna() & key.notna()).to_numpy()  # no value is no conflict
        if differs.any():
            i = int(np.argmax(differs))
            j = int(np.argmax((key == key.iloc[i]).to_numpy()))
            raise InputError(file, where(row=int(rows[i]), column=name),
                             f"{what} {key.iloc[i]!r} has {name} {values.iloc[i]!r} here "
                             f"but {first.iloc[i]!r} on row {int(rows[j])}")
