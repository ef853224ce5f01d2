"""Readers per file format: each turns a file into a `RawTable` (header, cells, row numbers).

Readers only read; they decide nothing about what the columns mean beyond the roles the
caller gives them (`ColumnRoles`), and they report every failure as an ``InputError`` with
the row a spreadsheet would show (the header is row 1, the first data row is row 2).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np
import pandas as pd

from ..errors import InputError, where

SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".sav": "sav", ".zsav": "sav"}
DELIMITERS = (",", ";", "\t")
LONG_COLUMNS = ("item_id", "value")
# The dtype of text cells. pandas 3's "str" keeps an empty cell NaN through astype; pandas 2's
# astype("str") writes it as the text 'nan' (which then reads as an item id, a group, ...), so
# under pandas 2 text stays in object columns: str values and NaN, the same cells.
TEXT = "str" if int(pd.__version__.split(".")[0]) >= 3 else object


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
    reader = {"csv": _read_csv, "xlsx": _read_xlsx, "sav": _read_sav}[kind]
    try:
        header, frame, rows = reader(path, encoding, roles)
    except _NoRows as empty:
        if not allow_empty:
            raise InputError(path, where(row=2), "no data rows below the header") from None
        header = empty.header
        frame = pd.DataFrame({i: pd.Series(dtype=object) for i in range(len(header))})
        rows = np.zeros(0, dtype=np.int64)
    return _finish(path, kind, header, frame, rows, allow_empty=allow_empty)


# --------------------------------------------------------------------------- shared checks

class _NoRows(Exception):
    """A header and no data rows (read_table decides whether that is an error)."""

    def __init__(self, header: list[str]):
        super().__init__("no data rows")
        self.header = header


def _check_header(path: Path, header: list[str], row: int = 1) -> None:
    if not header or all(name == "" for name in header):
        raise InputError(path, where(row=row), "no header: the first row must name the columns")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen and name != "":
            raise InputError(path, where(row=row, column=name), f"duplicate column (also column {seen[name]})")
        seen.setdefault(name, position)


def table_from(path: Path, kind: str, header: list[str], frame: pd.DataFrame, rows: np.ndarray,
               header_row: int = 1) -> RawTable:
    """A `RawTable` from a header a caller built (e.g. from several header rows of a survey
    platform's export) and the cells below it; ``rows`` are the spreadsheet rows of ``frame``.
    Same checks as `read_table`: unique names (errors point at ``header_row``), blank rows
    dropped, values under an unnamed column refused, at least one data row."""
    _check_header(path, header, row=header_row)
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


# --------------------------------------------------------------------------- CSV

def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, bytes]:
    """Text of the file and its UTF-8 bytes without BOM (what the fast CSV parser reads)."""
    name = encoding or "utf-8-sig"
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise InputError(path, where(), f"unknown encoding {name!r}") from None
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        row = _row_at(data[: exc.start].decode(codec, errors="replace"))
        byte = data[exc.start : exc.start + 1].hex()
        hint = "" if encoding else "; pass --encoding (for example latin-1 or cp1250)"
        shown = "UTF-8" if codec == "utf-8-sig" else name
        raise InputError(path, where(row=row), f"cannot be decoded as {shown} (byte 0x{byte}){hint}") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if codec == "utf-8-sig":
        utf8 = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    else:
        utf8 = text.encode("utf-8")
    return text, utf8


def _row_at(prefix: str) -> int:
    """The spreadsheet row in which text ending at ``prefix`` continues (quoted line breaks
    stay inside their row): count the records of the prefix plus one sentinel character."""
    prefix = prefix.lstrip("\ufeff")
    sep = _delimiter(prefix.split("\n", 1)[0])
    return sum(1 for _ in csv.reader(io.StringIO(prefix + "x", newline=""), delimiter=sep))


def _delimiter(first_line: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab, whichever it has most of."""
    counts = [first_line.count(d) for d in DELIMITERS]
    return DELIMITERS[int(np.argmax(counts))] if max(counts) > 0 else ","


def _first_wide_row(path: Path, text: str, sep: str, width: int) -> InputError:
    """Slow path, errors only: find the first record with more fields than the header."""
    for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), start=1):
        if number > 1 and len(record) > width:
            return InputError(path, where(row=number), f"{len(record)} fields but the header has {width}")
    return InputError(path, where(), "cannot be read as CSV")


def _read_csv(path: Path, encoding: str | None, roles: RolesFor):
    text, utf8 = _decode(path, path.read_bytes(), encoding)
    if not text.strip():
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    sep = _delimiter(text.split("\n", 1)[0])
    try:
        header = [name.strip() for name in next(csv.reader(io.StringIO(text, newline=""), delimiter=sep))]
    except csv.Error as exc:
        raise InputError(path, where(row=1), f"cannot be read as CSV: {exc}") from None
    _check_header(path, header)
    role = roles(header)
    as_text = {i: TEXT for i, name in enumerate(header) if name in role.codes or name in role.texts or name == ""}
    try:
        frame = pd.read_csv(
            io.BytesIO(utf8), sep=sep, header=None, skiprows=1, names=list(range(len(header))),
            dtype=as_text, keep_default_na=False, na_values=[""], skip_blank_lines=False,
            encoding="utf-8", low_memory=False,
        )
    except pd.errors.EmptyDataError:
        raise _NoRows(header) from None
    except (pd.errors.ParserError, ValueError):
        raise _first_wide_row(path, text, sep, len(header)) from None
    if not isinstance(frame.index, pd.RangeIndex):
        raise _first_wide_row(path, text, sep, len(header))
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return header, frame, rows


# --------------------------------------------------------------------------- XLSX

def _xlsx_cell(value):
    """Normalise one spreadsheet cell: empty strings are empty, booleans are words, not 1/0."""
    if value is None:
        return np.nan
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value if value.strip() else np.nan
    if isinstance(value, (int, float)):
        return value
    return str(value)


def _xlsx_records(path: Path, max_row: int | None = None) -> list[tuple]:
    """The rows (all, or the first ``max_row``) of the first worksheet as tuples of raw cell values."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputError(path, where(), f"not a readable .xlsx workbook ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        return list(sheet.iter_rows(min_row=1, max_row=max_row, min_col=1, values_only=True))
    finally:
        book.close()


def _read_xlsx(path: Path, encoding: str | None, roles: RolesFor):
    records = _xlsx_records(path)
    if not records:
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    first = records[0]
    header = ["" if v is None else str(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    _check_header(path, header)
    width = len(header)
    body = records[1:]
    for number, record in enumerate(body, start=2):
        extra = record[width:]
        if any(_xlsx_cell(v) is not np.nan for v in extra):
            raise InputError(path, where(row=number), f"a value right of the last named column ({width})")
    cells = [[_xlsx_cell(v) for v in (record[:width] + (None,) * (width - len(record[:width])))] for record in body]
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    rows = np.arange(2, len(body) + 2, dtype=np.int64)
    return header, frame, rows


# --------------------------------------------------------------------------- SPSS

def _read_sav(path: Path, encoding: str | None, roles: RolesFor):
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False,
                                         encoding=encoding)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain ones
        raise InputError(path, where(), f"not a readable SPSS .sav file ({exc})") from None
    header = [str(name).strip() for name in data.columns]
    _check_header(path, header)
    role = roles(header)
    labels = meta.variable_value_labels or {}
    columns = {}
    for position, (raw, name) in enumerate(zip(data.columns, header)):
        column = data[raw]
        if column.dtype.kind != "f" and column.dtype.kind not in "iu":
            column = column.astype(object).where(column.notna(), np.nan)
            column = column.map(lambda v: np.nan if isinstance(v, str) and not v.strip() else v)
        elif name in role.codes and raw in labels:
            mapping = labels[raw]
            column = column.astype(object).map(lambda v, m=mapping: m.get(v, v) if pd.notna(v) else np.nan)
        columns[position] = column.to_numpy(dtype=object) if column.dtype == object else column.to_numpy()
    frame = pd.DataFrame(columns)
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return header, frame, rows


# --------------------------------------------------------------------------- sheets (no header yet)

SHEET_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


@dataclass(frozen=True)
class Sheet:
    """Every record of a CSV/TSV or XLSX file, before any row is taken as the header.

    ``cells`` has columns 0..width-1 and row ``i`` is spreadsheet row ``i + 1``; CSV cells are
    text (empty = NaN), XLSX cells as `_xlsx_cell` normalises them. Survey platforms write
    one to three header rows; their readers choose which rows name the columns.
    """

    file: Path
    kind: str
    cells: pd.DataFrame
    delimiter: str | None = None

    def row(self, number: int) -> list[str]:
        """Spreadsheet row ``number`` (1-based) as stripped text, "" for empty cells; [] past the end."""
        if number > len(self.cells):
            return []
        return ["" if _blank(v) else str(v).strip() for v in self.cells.iloc[number - 1]]


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value)) or (isinstance(value, str) and not value.strip())


def _head_bytes(path: Path, size: int = 1 << 20) -> bytes:
    """The first ``size`` bytes of a file, cut after its last complete line (or after a
    whole UTF-16 unit when the file is UTF-16): enough for the header rows, read fast."""
    with open(path, "rb") as handle:
        data = handle.read(size)
        if len(data) < size:
            return data
    cut = data.rfind(b"\n")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        cut += 2 - (cut % 2)  # keep whole two-byte units
        return data[:cut]
    return data[: cut + 1] if cut >= 0 else data


def read_sheet(path: str | Path, *, encoding: str | None = None, head: int | None = None) -> Sheet:
    """Read a CSV (comma, semicolon or tab), TSV/TXT or XLSX file into a `Sheet` (only its
    first ``head`` rows when given: enough to recognise a layout)."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, where(), "file not found")
    if not path.is_file():
        raise InputError(path, where(), "not a file")
    kind = SHEET_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        known = ", ".join(sorted(SHEET_SUFFIXES))
        raise InputError(path, where(), f"unknown file type {path.suffix or '(none)'!r}: expected one of {known}")
    if kind == "xlsx":
        records = _xlsx_records(path, head)
        if not records:
            raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
        width = max((i + 1 for r in records[:3] for i, v in enumerate(r) if _xlsx_cell(v) is not np.nan), default=0)
        for number, record in enumerate(records[3:], start=4):
            if any(_xlsx_cell(v) is not np.nan for v in record[width:]):
                raise InputError(path, where(row=number), f"a value right of the last named column ({width})")
        cells = [[_xlsx_cell(v) for v in (tuple(r[:width]) + (None,) * (width - len(r[:width])))] for r in records]
        return Sheet(path, kind, pd.DataFrame(cells, columns=range(width), dtype=object))
    try:
        text, utf8 = _decode(path, _head_bytes(path) if head else path.read_bytes(), encoding)
    except InputError:
        if not head:
            raise
        text, utf8 = _decode(path, path.read_bytes(), encoding)  # the whole file names the right row
    if not text or text.isspace():
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    end = text.find("\n")
    sep, width = _delimiter(text if end < 0 else text[:end]), 0
    try:
        first = itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=sep), 3)
        width = max(len(record) for record in first)  # the header rows, which may differ in length
        frame = pd.read_csv(io.BytesIO(utf8), sep=sep, header=None, names=list(range(width)), dtype=object,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, encoding="utf-8",
                            nrows=head)
    except (csv.Error, pd.errors.ParserError, ValueError):
        raise _first_wide_row(path, text, sep, width) from None
    return Sheet(path, kind, frame, sep)
