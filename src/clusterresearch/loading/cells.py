"""Cell conversions shared by the loaders: cells to text codes, cells to 1-5 numbers.

Each returns the converted column and a mask of the cells it could not convert, so the
caller can name the first bad cell's row and column; nothing here raises.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .readers import TEXT


def _number_text(value) -> str:
    """A number typed where a code was expected: 7.0 -> '7' (spreadsheets store ids as floats)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def as_text(column: pd.Series, strip: bool = True) -> pd.Series:
    """Cells as ``str`` (NaN stays NaN); codes are stripped of surrounding spaces, essays are not."""
    if column.dtype == "str":
        text = column
    else:
        text = column.map(lambda v: v if isinstance(v, str) or pd.isna(v) else _number_text(v)).astype(TEXT)
    if strip:
        text = text.str.strip()
        text = text.where(text != "", np.nan)
    return text


def as_number(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Cells as float64 (NaN = empty) and a mask of the cells that are not numbers.

    Numeric columns pass through untouched (the fast path for CSV). Text cells are parsed
    after stripping spaces; words such as ``TRUE``, ``nan`` or ``n/a`` are not numbers, and
    only an empty cell is a missing answer.
    """
    if column.dtype.kind in "iuf":
        return column.to_numpy(dtype=np.float64), np.zeros(len(column), dtype=bool)
    if column.dtype.kind == "b":
        return np.full(len(column), np.nan), column.notna().to_numpy()
    text = as_text(column)
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    return values, text.notna().to_numpy() & np.isnan(values)


def first_bad(mask: np.ndarray, rows: np.ndarray, columns: list[str]) -> tuple[int, str, int, int] | None:
    """The first flagged cell in reading order: (row, column, frame row index, column index)."""
    mask = np.asarray(mask)
    if mask.ndim == 1:
        mask = mask[:, None]
    if not mask.any():
        return None
    flat = int(np.argmax(mask.ravel()))
    i, j = divmod(flat, mask.shape[1])
    return int(rows[i]), columns[j], i, j
