"""The questionnaire as data: which items exist, their area and type.

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
from .validation import require_columns, require_filled, require_unique

COLUMNS = ("item_id", "area", "type", "text", "source", "compares_to", "reverse")
REVERSE_VALUES = ("true", "false")
REQUIRED = ("item_id", "area", "type")
RESERVED = ("respondent_id", "country", "cluster", "item_id", "value")


def load_instrument(path: str | Path | None = None, encoding: str | None = None) -> pd.DataFrame:
    """``item_id, area, type, text, source, compares_to, reverse`` as ``str`` (empty text is ""), file order.

    Defaults to data/raw/instrument.csv. Types are config.ITEM_TYPES, areas config.AREAS;
    ``compares_to``, when given, must name another item; ``reverse`` is ``true`` for a
    reverse-keyed item (agreeing means less competence), ``false`` otherwise (empty or absent:
    ``false``).
    """
    path = Path(path) if path is not None else config.INSTRUMENT_PATH
    table = read_table(path, encoding=encoding)
    require_columns(path, table.header, REQUIRED, "the instrument")
    rows = table.rows
    cols = {name: as_text(table.frame[name]) if name in table.header else pd.Series([np.nan] * len(rows), dtype="str")
            for name in COLUMNS}
    for name in ("text", "source"):  # wording is kept verbatim
        if name in table.header:
            cols[name] = as_text(table.frame[name], strip=False)
    require_filled(path, rows, {name: cols[name] for name in REQUIRED})
    require_unique(path, rows, [cols["item_id"]], "item_id", "item_id {0!r}")
    _require_in(path, rows, cols["item_id"], "item_id", set(RESERVED), want=False,
                what="is a reserved column name, not an item id")
    _require_in(path, rows, cols["type"], "type", set(config.ITEM_TYPES), want=True,
                what=f"is not an item type ({', '.join(config.ITEM_TYPES)})")
    _require_in(path, rows, cols["area"], "area", set(config.AREAS), want=True,
                what=f"is not an area ({', '.join(config.AREAS)})")
    linked = cols["compares_to"].notna()
    _require_in(path, rows[linked.to_numpy()], cols["compares_to"][linked], "compares_to",
                set(cols["item_id"]), want=True, what="is not an item_id of the instrument")
    cols["reverse"] = cols["reverse"].str.lower().fillna("false")
    _require_in(path, rows, cols["reverse"], "reverse", set(REVERSE_VALUES), want=True,
                what="is not true or false")
    frame = pd.DataFrame({name: cols[name].fillna("").astype("str").to_numpy() for name in COLUMNS}, dtype="str")
    return frame


def _require_in(path, rows, values: pd.Series, column: str, allowed: set[str], want: bool, what: str) -> None:
    inside = values.isin(allowed).to_numpy()
    bad = ~inside if want else inside
    if bad.any():
        i = int(np.argmax(bad))
        raise InputError(path, where(row=int(rows[i]), column=column), f"{values.iloc[i]!r} {what}")
