"""Answer cells to scale positions: codes or labels in, positions and missing codes out.

One column at a time and one look-up per distinct cell value (a 64,600-respondent column
has a handful), so the cost is a factorize and a take per item.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .scales import Scale, code_text, normal_label


def _describe(cell) -> str:
    if isinstance(cell, (float, np.floating)) and not float(cell).is_integer():
        return f"{float(cell)!r} is not a whole number"
    return f"{str(code_text(cell))!r} is not an answer"


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
        key = normal_label(code_text(value)) if not isinstance(value, str) else normal_label(value)
        found = lookup.get(key)
        if found is None and isinstance(value, str):
            found = lookup.get(normal_label(code_text(value)))
        if found is None:
            i = int(np.argmax(codes == u))
            raise InputError(file, where(row=int(rows[i]), column=column),
                             f"{_describe(value)} of {scale.expected()}")
        position[u] = found[0]
        missing[u] = -1 if found[1] is None else labels[found[1]]
    return position[codes], missing[codes]
