"""What every platform reader hands over (`Reading`) and what `read_export` returns (`Export`).

One place decides which rows and columns leave the reader: `finish` applies the
``responses`` option (complete answers only, or all), always leaves out preview, test and
spam responses, and drops every column the study does not map (or, without a mapping,
every personal column), so personal data never travels further than this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import numpy as np
import pandas as pd

from ...errors import InputError, where
from ..formats import RawTable, table_from
from ..sheets import Sheet
from ..source import RESPONSES

# Names that say a column holds personal data, whatever the platform (matched on the last part
# of a key: "Contact information | Email Address", "grp/phone", "ip_address").
PERSONAL_NAMES = frozenset({
    "email", "e mail", "email address", "e mail address", "ip", "ip address", "ipaddress", "name", "full name",
    "first name", "last name", "firstname", "lastname", "surname", "phone", "phone number", "telephone",
    "mobile", "address", "street address", "latitude", "longitude"})


def looks_personal(key: str) -> bool:
    """True when a column's name (its last part) says it holds personal data."""
    last = key.rsplit(" | ", 1)[-1].rsplit("/", 1)[-1]
    return " ".join(last.lower().replace("_", " ").replace("-", " ").split()) in PERSONAL_NAMES


@dataclass(frozen=True)
class Export:
    """A platform's export as the study loader needs it (see docs/data_formats.md).

    ``table`` holds the kept rows and columns, cells as the platform wrote them, with the
    spreadsheet's own row numbers (header rows counted); ``dropped`` names (never values)
    the columns left out; ``excluded`` counts the rows left out by reason.
    """

    layout: str
    table: RawTable
    id_column: str | None
    dropped: tuple[str, ...]
    excluded: dict[str, int]
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reading:
    """A platform reader's result before rows and columns are left out.

    ``always`` holds, per row, the reason a response is never analysed ("survey preview",
    "survey test", "spam") or ""; ``partial`` the reason it is left out under
    ``responses="complete"`` ("incomplete", "rejected in review") or "".
    """

    layout: str
    table: RawTable
    id_column: str | None
    personal: frozenset[str]
    labels: dict[str, str]
    always: pd.Series
    partial: pd.Series


def body_table(sheet: Sheet, header: list[str], header_rows: int, header_row: int = 1) -> RawTable:
    """The rows below ``header_rows`` header rows as a `RawTable` keyed by ``header``."""
    if len(sheet.cells) <= header_rows:
        raise InputError(sheet.file, where(row=header_rows + 1), "no data rows below the header")
    body = sheet.cells.iloc[header_rows:].reset_index(drop=True)
    rows = np.arange(header_rows + 1, header_rows + 1 + len(body), dtype=np.int64)
    return table_from(sheet.file, sheet.kind, header, body, rows, header_row=header_row)


def no_reason(table: RawTable) -> pd.Series:
    """A reason column saying nothing: every row kept."""
    return pd.Series("", index=table.frame.index, dtype=object)


def finish(reading: Reading, keep: Iterable[str] | None, responses: str) -> Export:
    """Leave out rows by their reasons and columns by ``keep`` (personal ones when None)."""
    table = reading.table
    if responses not in RESPONSES:
        raise InputError(table.file, where(), f"unknown responses option {responses!r}: expected complete or all")
    reason = reading.always.copy()
    if responses == "complete":
        reason = reason.where(reason != "", reading.partial)
    out = (reason != "").to_numpy()
    personal = reading.personal | {name for name in table.header if looks_personal(name)}
    excluded = {name: int(count) for name, count in sorted(reason[out].value_counts().items())}
    if keep is None:
        kept = [c for c in table.header if c not in personal]
    else:
        wanted = set(keep)
        for name in table.header:
            if name in wanted and name in personal:
                raise InputError(table.file, where(row=1, column=name),
                                 "holds personal data (e-mail, IP address, name or location) and is never read: "
                                 "map another column")
        kept = [c for c in table.header if c in wanted]
    dropped = tuple(c for c in table.header if c not in set(kept))
    if out.all():
        said = ", ".join(f"{n} {r}" for r, n in excluded.items())
        hint = "; --responses all keeps the incomplete or rejected ones" if responses == "complete" and reading.partial.ne("").any() else ""
        raise InputError(table.file, where(row=int(table.rows[0])), f"no responses left to analyse ({said}){hint}")
    frame = table.frame.loc[~out, kept].reset_index(drop=True)
    result = RawTable(table.file, table.kind, kept, frame, table.rows[~out])
    id_column = reading.id_column if reading.id_column in kept else None
    labels = {k: v for k, v in reading.labels.items() if k in kept and v}
    return Export(reading.layout, result, id_column, dropped, excluded, labels)
