"""A CSV/TSV or XLSX file as all its records, before any row is taken as the header: survey
platforms write one to three header rows, and their readers choose which name the columns.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .readers import decode, delimiter, first_wide_row, xlsx_cell, xlsx_records

SHEET_SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx"}


@dataclass(frozen=True)
class Sheet:
    """Every record of a CSV/TSV or XLSX file, before any row is taken as the header.

    ``cells`` has columns 0..width-1 and row ``i`` is spreadsheet row ``i + 1``; CSV cells are
    text (empty = NaN), XLSX cells as `readers.xlsx_cell` normalises them. Survey platforms write
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
        records = xlsx_records(path, head)
        if not records:
            raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
        width = max((i + 1 for r in records[:3] for i, v in enumerate(r) if xlsx_cell(v) is not np.nan), default=0)
        for number, record in enumerate(records[3:], start=4):
            if any(xlsx_cell(v) is not np.nan for v in record[width:]):
                raise InputError(path, where(row=number), f"a value right of the last named column ({width})")
        cells = [[xlsx_cell(v) for v in (tuple(r[:width]) + (None,) * (width - len(r[:width])))] for r in records]
        return Sheet(path, kind, pd.DataFrame(cells, columns=range(width), dtype=object))
    try:
        text, utf8 = decode(path, _head_bytes(path) if head else path.read_bytes(), encoding)
    except InputError:
        if not head:
            raise
        text, utf8 = decode(path, path.read_bytes(), encoding)  # the whole file names the right row
    if not text or text.isspace():
        raise InputError(path, where(row=1), "empty file: the first row must be a header naming the columns")
    end = text.find("\n")
    sep, width = delimiter(text if end < 0 else text[:end]), 0
    try:
        first = itertools.islice(csv.reader(io.StringIO(text, newline=""), delimiter=sep), 3)
        width = max(len(record) for record in first)  # the header rows, which may differ in length
        frame = pd.read_csv(io.BytesIO(utf8), sep=sep, header=None, names=list(range(width)), dtype=object,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, encoding="utf-8",
                            nrows=head)
    except (csv.Error, pd.errors.ParserError, ValueError):
        raise first_wide_row(path, text, sep, width) from None
    return Sheet(path, kind, frame, sep)
