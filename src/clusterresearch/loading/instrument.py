"""The questionnaire as data: which items exist, their area, type, scale and keying.

Every responses file is read against it, so a bad instrument would misread every survey;
it is validated as strictly as the answers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError, where
from .cells import as_text
from .formats import read_table
from .scales import AGREE5, DEFAULT_SCALE
from .validation import require_columns, require_filled, require_unique

COLUMNS = ("item_id", "area", "type", "text", "scale", "reverse", "column", "source", "compares_to")
REQUIRED = ("item_id", "area", "type", "text")
RESERVED = ("respondent_id", "item_id", "value")
TRUE, FALSE = ("true", "yes", "1"), ("false", "no", "0", "")


def load_instrument(path: str | Path | None = None, encoding: str | None = None,
                    scales: dict | None = None) -> pd.DataFrame:
    """``item_id, area, type, text, scale, reverse, column, source, compares_to`` in file order.

    ``item_id, area, type, text`` are required columns (text cells may be empty). Text
    columns are ``str`` (empty = ""); ``reverse`` is bool; ``scale`` defaults to
    ``agree5`` and ``column`` (the item's column in the responses file) to the item_id.
    Types are config.ITEM_TYPES; areas are any non-empty name; ``compares_to`` names
    another item; with ``scales`` given, every scale must be one of them.
    """
    path = Path(path) if path is not None else config.INSTRUMENT_PATH
    table = read_table(path, encoding=encoding)
    require_columns(path, table.header, REQUIRED, "the instrument")
    rows = table.rows
    blank = pd.Series([np.nan] * len(rows), dtype="str")
    cols = {name: as_text(table.frame[name]) if name in table.header else blank for name in COLUMNS}
    for name in ("text", "source"):  # wording is kept verbatim
        if name in table.header:
            cols[name] = as_text(table.frame[name], strip=False)
    require_filled(path, rows, {name: cols[name] for name in REQUIRED[:3]})
    require_unique(path, rows, [cols["item_id"]], "item_id", "item_id {0!r}")
    _require_in(path, rows, cols["item_id"], "item_id", set(RESERVED), want=False,
                what="is a reserved column name, not an item id")
    _require_in(path, rows, cols["type"], "type", set(config.ITEM_TYPES), want=True,
                what=f"is not an item type ({', '.join(config.ITEM_TYPES)})")
    linked = cols["compares_to"].notna()
    _require_in(path, rows[linked.to_numpy()], cols["compares_to"][linked], "compares_to",
                set(cols["item_id"]), want=True, what="is not an item_id of the instrument")
    cols["scale"] = cols["scale"].fillna(DEFAULT_SCALE)
    if scales is not None:
        scaled = (cols["type"] != "text").to_numpy()
        _require_in(path, rows[scaled], cols["scale"][scaled], "scale", set(scales), want=True,
                    what="is not a scale of the study (" + ", ".join(
                        f"{name} (built in)" if scales[name] is AGREE5 else name for name in sorted(scales)) + ")")
    reverse = cols["reverse"].fillna("").str.lower()
    _require_in(path, rows, reverse, "reverse", set(TRUE + FALSE), want=True, what="is not true or false")
    cols["column"] = cols["column"].fillna(cols["item_id"])
    require_unique(path, rows, [cols["column"]], "column", "column {0!r}")
    frame = pd.DataFrame({name: cols[name].fillna("").astype("str").to_numpy()
                          for name in COLUMNS if name != "reverse"}, dtype="str")
    frame.insert(COLUMNS.index("reverse"), "reverse", reverse.isin(TRUE).to_numpy())
    return frame


def _require_in(path, rows, values: pd.Series, column: str, allowed: set[str], want: bool, what: str) -> None:
    inside = values.isin(allowed).to_numpy()
    bad = ~inside if want else inside
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(path, where(row=int(rows[i]), column=column), f"{values.iloc[i]!r} {what}")
