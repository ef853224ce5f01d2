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


def number_positions(block: np.ndarray, scale: Scale, known: tuple[str, ...]
                     ) -> tuple[np.ndarray, np.ndarray] | None:
    """`to_positions` of several numeric columns of one scale at once (``block``: cells x
    columns, float, NaN = empty), with the missing codes as indexes into ``known`` (the
    study's labels, `codes.label_codes`): whole-number codes index a table of their answers.
    None when a cell is not such a code of the scale, so that `to_positions` names it.

    Both arrays are C-ordered, whatever the block's order, and made a few thousand rows at a
    time: a temporary as large as the block is fresh memory, paged in at about the cost of
    the whole computation."""
    flat = block.ravel(order="K")  # no copy: the reductions need no order
    low, high = (np.fmin.reduce(flat), np.fmax.reduce(flat)) if flat.size else (np.nan, np.nan)  # NaN (empty) ignored
    if np.isnan(low):  # no answer at all
        return np.full(block.shape, np.nan), np.full(block.shape, -1, dtype=np.int32)
    if not (np.isfinite(low) and np.isfinite(high) and high - low <= SPAN):
        return None
    chunks = [slice(start, start + CHUNK) for start in range(0, len(block), CHUNK)]
    if any(np.fmax.reduce((part - np.floor(part)).ravel()) != 0 for part in (block[rows] for rows in chunks)):
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
    values, codes = np.empty(block.shape), np.full(block.shape, -1, dtype=np.int32)
    if valid.all() and (missing == -1).all():  # every code in the range an answer: positions = a * code + b
        a = position[1] - position[0] if size > 1 else 1.0
        b = position[0] - a * low
        if np.array_equal(position[:size], (low + np.arange(size, dtype=np.float64)) * a + b):
            for rows in chunks:  # the same operations as the table's, so the same bits; NaN stays NaN
                np.add(np.multiply(block[rows], a), b, out=values[rows])
            return values, codes
    for rows in chunks:
        slot = np.subtract(np.fmin(block[rows], high + 1), low).astype(np.int16)  # empty: the last entry
        if not valid[slot].all():
            return None
        np.take(position, slot, out=values[rows])
        np.take(missing, slot, out=codes[rows])
    return values, codes
