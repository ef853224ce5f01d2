"""The cells of a CSV, XLSX or SAV file: each reader returns (header, cells, spreadsheet
rows) and reports every failure as an ``InputError`` with the row a spreadsheet would show
(the header is row 1). `formats.read_table` and `sheets.read_sheet` build on them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, where

DELIMITERS = (",", ";", "\t")
# The dtype of text cells. pandas 3's "str" keeps an empty cell NaN through astype; pandas 2's
# astype("str") writes it as the text 'nan' (which then reads as an item id, a group, ...), so
# under pandas 2 text stays in object columns: str values and NaN, the same cells.
TEXT = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
HEX = re.compile(rb"0[xX]")  # one pass over the file, not one per case


class NoRows(Exception):
    """A header and no data rows (read_table decides whether that is an error)."""

    def __init__(self, header: list[str]):
        super().__init__("no data rows")
        self.header = header


def check_header(path: Path, header: list[str], row: int = 1) -> None:
    if not header or all(name == "" for name in header):
        raise InputError(path, where(row=row), "no header: the first row must name the columns")
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if name in seen and name != "":
            raise InputError(path, where(row=row, column=name), f"duplicate column (also column {seen[name]})")
        seen.setdefault(name, position)


# --------------------------------------------------------------------------- CSV

def decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, bytes]:
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
        row = row_at(data[: exc.start].decode(codec, errors="replace"))
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


def row_at(prefix: str) -> int:
    """The spreadsheet row in which text ending at ``prefix`` continues (quoted line breaks
    stay inside their row): count the records of the prefix plus one sentinel character."""
    prefix = prefix.lstrip("\ufeff")
    sep = delimiter(prefix.split("\n", 1)[0])
    return sum(1 for _ in csv.reader(io.StringIO(prefix + "x", newline=""), delimiter=sep))


def delimiter(first_line: str) -> str:
    """The delimiter of the header line: comma, semicolon or tab, whichever it has most of."""
    counts = [first_line.count(d) for d in DELIMITERS]
    return DELIMITERS[int(np.argmax(counts))] if max(counts) > 0 else ","


def first_wide_row(path: Path, text: str, sep: str, width: int) -> InputError:
    """Slow path, errors only: find the first record with more fields than the header."""
    for number, record in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=sep), start=1):
        if number > 1 and len(record) > width:
            return InputError(path, where(row=number), f"{len(record)} fields but the header has {width}")
    records = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    number = 0
    try:
        for number, _ in enumerate(records, start=1):
            pass
    except csv.Error:
        if records.line_num and text.count('"') % 2:  # the file ends inside a quoted field
            return InputError(path, where(row=number + 1), "a quote opened in this row is never closed")
    return InputError(path, where(), "cannot be read as CSV")


def read_csv(path: Path, encoding: str | None, roles):
    text, utf8 = decode(path, path.read_bytes(), encoding)
    if not text or text.isspace():  # = not text.strip(), without copying the text
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    end = text.find("\n")
    sep = delimiter(text[:end] if end >= 0 else text)
    try:
        header = [name.strip() for name in first_record(text, sep)]
    except csv.Error as exc:
        raise InputError(path, where(row=1), f"cannot be read as CSV: {exc}") from None
    check_header(path, header)
    role = roles(header)
    as_text = {i: TEXT for i, name in enumerate(header) if name in role.codes or name in role.texts or name == ""}
    frame = arrow_frame(utf8, sep, len(header), set(as_text))
    if frame is not None:
        return header, frame, np.arange(2, len(frame) + 2, dtype=np.int64)
    try:
        frame = pandas_frame(utf8, sep, len(header), set(as_text))
    except pd.errors.EmptyDataError:
        raise NoRows(header) from None
    except (pd.errors.ParserError, ValueError):
        raise first_wide_row(path, text, sep, len(header)) from None
    if not isinstance(frame.index, pd.RangeIndex):
        raise first_wide_row(path, text, sep, len(header))
    rows = np.arange(2, len(frame) + 2, dtype=np.int64)
    return header, frame, rows


def first_record(text: str, sep: str) -> list[str]:
    """The first CSV record of ``text``, parsed from its first lines only where they hold it
    whole (a reader over all of a large file's text copies it first, 50 ms for 50 MB)."""
    size = 1 << 16
    while size < len(text):
        rows = csv.reader(io.StringIO(text[:size], newline=""), delimiter=sep)
        try:
            record = next(rows)
        except (csv.Error, StopIteration):
            break  # the whole text says which error
        if rows.line_num < len(io.StringIO(text[:size], newline="").readlines()):  # ended before the cut line
            return record
        size *= 8
    return next(csv.reader(io.StringIO(text, newline=""), delimiter=sep))


def pandas_frame(utf8: bytes, sep: str, width: int, texts: set[int]) -> pd.DataFrame:
    """The data rows below the header, columns 0..width-1 (``texts`` as text), with pandas' parser."""
    return pd.read_csv(io.BytesIO(utf8), sep=sep, header=None, skiprows=1, names=list(range(width)),
                       dtype={i: TEXT for i in texts}, keep_default_na=False, na_values=[""],
                       skip_blank_lines=False, encoding="utf-8", low_memory=False)


def arrow_frame(utf8: bytes, sep: str, width: int, texts: set[int]) -> pd.DataFrame | None:
    """The frame `pandas_frame` gives, read by Arrow's CSV reader (several
    threads, no GIL held), or None wherever the two could differ, so that the pandas parser
    reads it (and names the row of any fault): pandas before 3 (text is object there), rows
    that are blank, short, long or unparsable, no data rows, and any column other than the
    text ones that is not whole numbers (below 2**53) or empty, and any file with a
    hexadecimal-looking "0x" anywhere (Arrow parses it as a number, pandas does not) or an
    odd number of quotes (a quoted cell left open: pandas refuses it, Arrow reads the rest of
    the file into that cell)."""
    if TEXT != "str":
        return None
    if HEX.search(utf8):  # Arrow reads "0x1F" as the number 31; pandas keeps it as text
        return None
    # a quote never closed: pandas refuses the file, Arrow takes the rest of it as one cell (the
    # last cell of the table); an odd number of quotes, or a last line without a line break and
    # with a quote, or a last cell holding a line break may be that: pandas decides
    if utf8.count(b'"') % 2 or (not utf8.endswith((b"\n", b"\r")) and b'"' in utf8[utf8.rfind(b"\n") + 1:]):
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    from pyarrow import csv as pcsv

    names = [str(i) for i in range(width)]
    try:
        table = pcsv.read_csv(
            pa.BufferReader(utf8),
            read_options=pcsv.ReadOptions(skip_rows=1, column_names=names),
            parse_options=pcsv.ParseOptions(delimiter=sep, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pcsv.ConvertOptions(
                column_types={names[i]: pa.string() for i in texts}, null_values=[""], strings_can_be_null=True,
                quoted_strings_can_be_null=True, true_values=[], false_values=[]))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    if not table.num_rows:
        return None
    last = table.column(width - 1)[-1].as_py()
    if isinstance(last, str) and ("\n" in last or "\r" in last):
        return None
    columns = {}
    for i, column in enumerate(table.columns):
        if i in texts:
            columns[i] = column.to_pandas()
        elif pa.types.is_null(column.type):
            columns[i] = np.full(table.num_rows, np.nan)
        elif pa.types.is_int64(column.type):
            low, high = pc.min_max(column).values()
            if max(abs(low.as_py()), abs(high.as_py())) >= 2 ** 53:
                return None
            columns[i] = column.cast(pa.float64()).to_numpy() if column.null_count else column.to_numpy()
        else:
            return None
    return pd.DataFrame(columns, copy=False)


# --------------------------------------------------------------------------- XLSX

def xlsx_cell(value):
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


def xlsx_records(path: Path, max_row: int | None = None) -> list[tuple]:
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


def read_xlsx(path: Path, encoding: str | None, roles):
    records = xlsx_records(path)
    if not records:
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    first = records[0]
    header = ["" if v is None else str(v).strip() for v in first]
    while header and header[-1] == "":
        header.pop()
    check_header(path, header)
    width = len(header)
    body = records[1:]
    for number, record in enumerate(body, start=2):
        extra = record[width:]
        if any(xlsx_cell(v) is not np.nan for v in extra):
            raise InputError(path, where(row=number), f"a value right of the last named column ({width})")
    cells = [[xlsx_cell(v) for v in (record[:width] + (None,) * (width - len(record[:width])))] for record in body]
    frame = pd.DataFrame(cells, columns=range(width), dtype=object)
    rows = np.arange(2, len(body) + 2, dtype=np.int64)
    return header, frame, rows


# --------------------------------------------------------------------------- SPSS

def read_sav(path: Path, encoding: str | None, roles):
    import pyreadstat

    try:
        data, meta = pyreadstat.read_sav(str(path), apply_value_formats=False, user_missing=False,
                                         encoding=encoding)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain ones
        raise InputError(path, where(), f"not a readable SPSS .sav file ({exc})") from None
    header = [str(name).strip() for name in data.columns]
    check_header(path, header)
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
