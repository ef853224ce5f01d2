"""Answer cells to scale positions: codes or labels in, positions and missing codes out.

One look-up per distinct cell value (a 100,000-respondent column has a handful): a
factorize and a take per item, or, for the numeric columns of one scale, one take over
all of them together (`number_positions`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .codes import label_codes
from .scales import Scale, code_text, normal_label

SPAN = 1024  # widest range of whole-number codes looked up as a table (a scale has a few, plus 99s)
CHUNK = 4096  # rows at a time: a few MB of temporaries, reused


def _describe(cell) -> str:
    if isinstance(cell, (float, np.floating)) and not float(cell).is_integer():
        return f"{float(cell)!r} is not a whole number"
    return f"{str(code_text(cell))!r} is not an answer"


def _answer(value, lookup: dict) -> tuple[float, str | None] | None:
    """(position or NaN, missing label or None) of one distinct cell value; None if it is
    neither a code nor a label of the scale."""
    key = normal_label(code_text(value)) if not isinstance(value, str) else normal_label(value)
    found = lookup.get(key)
    if found is None and isinstance(value, str):
        found = lookup.get(normal_label(code_text(value)))
    return found


def to_positions(file, rows: np.ndarray, column: str, cells: pd.Series, scale: Scale
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Positions (float, NaN = no answer or a missing code) and missing codes (int32: the
    index of the label in ``scale.missing_labels``, -1 where not missing) of one item's
    cells; the first cell that is neither a code nor a label of ``scale`` is an InputError
    naming file, row and column and what is expected."""
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    lookup = scale.lookup()
    labels = {label: i for i, label in enumerate(scale.missing_labels)}
    position = np.full(len(uniques) + 1, np.nan)
    missing = np.full(len(uniques) + 1, -1, dtype=np.int32)
    for u, value in enumerate(uniques):
        if isinstance(value, str) and not value.strip():
            continue  # a blank cell is no answer
        found = _answer(value, lookup)
        if found is None:
            i = int(np.argmax(codes == u))
            raise InputError(file, where(row=int(rows[i]), column=column),
                             f"{_describe(value)} of {scale.expected()}")
        position[u] = found[0]
        missing[u] = -1 if found[1] is None else labels[found[1]]
    return position[codes], missing[codes]


def number_positions(block, scale: Scale, known: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray] | None:
    """`to_positions` of several numeric columns of one scale at once (``block``: cells x
    columns, float, NaN = empty; or a list of such columns), with the missing codes as
    indexes into ``known`` (the study's labels, `codes.label_codes`): whole-number codes
    index a table of their answers. None when a cell is not such a code of the scale, so
    that `to_positions` names it.

    Both arrays are C-ordered and made a few thousand rows at a time from the columns as
    they are (a frame's columns need no copy into one block first): a temporary as large as
    the block is fresh memory, paged in at about the cost of the whole computation."""
    columns = [block[:, j] for j in range(block.shape[1])] if isinstance(block, np.ndarray) else list(block)
    shape = (len(columns[0]) if columns else 0, len(columns))
    bounds = [(np.fmin.reduce(c), np.fmax.reduce(c)) for c in columns if len(c)]  # NaN (empty) ignored
    low = np.fmin.reduce([b[0] for b in bounds]) if bounds else np.nan
    high = np.fmax.reduce([b[1] for b in bounds]) if bounds else np.nan
    if np.isnan(low):  # no answer at all
        return np.full(shape, np.nan), np.full(shape, -1, dtype=np.int32)
    if not (np.isfinite(low) and np.isfinite(high) and high - low <= SPAN):
        return None
    if any(np.fmax.reduce(c - np.floor(c)) != 0 for c in columns):
        return None  # a fraction somewhere
    lookup = scale.lookup()
    labels = {label: i for i, label in enumerate(scale.missing_labels)}
    size = int(high - low) + 1
    position = np.full(size + 1, np.nan)  # the last entry: an empty cell
    missing = np.full(size + 1, -1, dtype=np.int32)
    valid = np.ones(size + 1, dtype=bool)
    for u in range(size):
        found = _answer(float(low + u), lookup)
        if found is None:
            valid[u] = False
        else:
            position[u] = found[0]
            missing[u] = -1 if found[1] is None else labels[found[1]]
    missing = label_codes(missing, scale, known)
    values, codes = np.empty(shape), np.full(shape, -1, dtype=np.int32)
    chunks = [slice(start, start + CHUNK) for start in range(0, shape[0], CHUNK)]
    linear = None
    if valid.all() and (missing == -1).all():  # every code in the range an answer: positions = a * code + b
        a = position[1] - position[0] if size > 1 else 1.0
        b = position[0] - a * low
        if np.array_equal(position[:size], (low + np.arange(size, dtype=np.float64)) * a + b):
            linear = a, b
    part = np.empty((CHUNK, shape[1]))
    for rows in chunks:
        cells = part[:len(values[rows])]
        for j, column in enumerate(columns):
            cells[:, j] = column[rows]
        if linear is not None:  # the same operations as the table's, so the same bits; NaN stays NaN
            np.add(np.multiply(cells, linear[0]), linear[1], out=values[rows])
            continue
        slot = np.subtract(np.fmin(cells, high + 1), low).astype(np.int16)  # empty: the last entry
        if not valid[slot].all():
            return None
        np.take(position, slot, out=values[rows])
        np.take(missing, slot, out=codes[rows])
    return values, codes
