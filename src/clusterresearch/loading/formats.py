"""Readers per file format: each turns a file into a `RawTable` (header, cells, row numbers).

Readers only read; they decide nothing about what the columns mean beyond the roles the
caller gives them (`ColumnRoles`), and they report every failure as an ``InputError`` with
the row a spreadsheet would show (the header is row 1, the first data row is row 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .readers import NoRows, check_header, read_csv, read_sav, read_xlsx

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sav": "sav", ".zsav": "sav"}
LONG_COLUMNS = ("item_id", "value")


class ColumnRoles(NamedTuple):
    """Which columns hold text rather than numbers.

    ``codes`` are identifiers (ids, country, cluster, item_id): read as text, and a numeric
    SPSS column with value labels is read as its labels. ``texts`` are free text or mixed
    columns (essays, a long file's ``value``): read as text, never relabelled.
    """

    codes: frozenset[str]
    texts: frozenset[str] = frozenset()


RolesFor = Callable[[list[str]], ColumnRoles]


def all_codes(header: list[str]) -> ColumnRoles:
    """Roles for small reference tables (instrument, registry): every column is text."""
    return ColumnRoles(codes=frozenset(header))


@dataclass(frozen=True)
class RawTable:
    """A table as read: stripped header names, cells as found (text, numbers or NaN), row numbers.

    ``rows[i]`` is the spreadsheet row of ``frame.iloc[i]``; rows whose cells are all empty
    are already dropped, so ``rows`` need not be contiguous.
    """

    file: Path
    kind: str
    header: list[str]
    frame: pd.DataFrame
    rows: np.ndarray

    @property
    def layout(self) -> str:
        """``long`` when the header has both ``item_id`` and ``value``, else ``wide``."""
        return "long" if all(c in self.header for c in LONG_COLUMNS) else "wide"


def kind_of(path: Path) -> str:
    """The reader a file needs, from its extension."""
    kind = SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SUFFIXES))
        raise InputError(path, where(), f"unknown file type {Path(path).suffix or '(none)'!r}: expected one of {known}")
    return kind


def read_table(path: str | Path, *, encoding: str | None = None, roles: RolesFor = all_codes,
               allow_empty: bool = False) -> RawTable:
    """Read a CSV, XLSX or SAV file into a `RawTable`; fail with an ``InputError`` on any fault.

    ``allow_empty``: a file with a header and no data rows is an empty table, not an error
    (optional lists, such as a network's restrictions, may hold only their header).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, where(), "file not found")
    if not path.is_file():
        raise InputError(path, where(), "not a file")
    kind = kind_of(path)
    reader = {"csv": read_csv, "xlsx": read_xlsx, "sav": read_sav}[kind]
    try:
        header, frame, rows = reader(path, encoding, roles)
    except NoRows as empty:
        if not allow_empty:
            raise InputError(path, where(row=2), "no data rows below the header") from None
        header = empty.header
        frame = pd.DataFrame({i: pd.Series(dtype=object) for i in range(len(header))})
        rows = np.zeros(0, dtype=np.int64)
    return _finish(path, kind, header, frame, rows, allow_empty=allow_empty)


def table_from(path: Path, kind: str, header: list[str], frame: pd.DataFrame, rows: np.ndarray,
               header_row: int = 1) -> RawTable:
    """A `RawTable` from a header a caller built (e.g. from several header rows of a survey
    platform's export) and the cells below it; ``rows`` are the spreadsheet rows of ``frame``.
    Same checks as `read_table`: unique names (errors point at ``header_row``), blank rows
    dropped, values under an unnamed column refused, at least one data row."""
    check_header(path, header, row=header_row)
    return _finish(path, kind, header, frame.copy(), np.asarray(rows, dtype=np.int64),
                   first_row=int(rows[0]) if len(rows) else header_row + 1)


def _finish(path: Path, kind: str, header: list[str], frame: pd.DataFrame, rows: np.ndarray,
            first_row: int = 2, allow_empty: bool = False) -> RawTable:
    """Drop blank rows and blank unnamed columns; refuse unnamed columns that hold data."""
    frame.columns = range(frame.shape[1])
    blank = frame[0].isna().to_numpy().copy()  # a blank row has an empty first cell; check the rest only there
    if blank.any():
        blank[blank] = frame.loc[blank].isna().all(axis=1).to_numpy()
    if blank.any():
        frame = frame.loc[~blank]
        rows = rows[~blank]
    keep = []
    for position, name in enumerate(header):
        if name == "":
            filled = frame[position].notna().to_numpy()
            if filled.any():
                row = int(rows[np.argmax(filled)])
                raise InputError(path, where(row=row), f"a value in column {position + 1}, which has no header")
            continue
        keep.append(position)
    if len(keep) < len(header):
        frame = frame[keep]
        header = [header[p] for p in keep]
    frame.columns = header
    if frame.empty and not allow_empty:
        raise InputError(path, where(row=first_row), "no data rows below the header")
    return RawTable(path, kind, header, frame.reset_index(drop=True), np.asarray(rows, dtype=np.int64))
