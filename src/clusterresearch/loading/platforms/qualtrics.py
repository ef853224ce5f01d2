"""Qualtrics exports: the current CSV/XLSX layout (three header rows) and the legacy one (two).

Current layout: row 1 the column ids (StartDate ... ResponseId ... Q1_1), row 2 the
question texts, row 3 ``{"ImportId":"QID1_1"}``; answers as choice text or numeric values.
Legacy layout: row 1 V1..V10 for the metadata then the question ids, row 2 the metadata
names (ResponseID, ResponseSet, Name, ExternalDataReference, EmailAddress, IPAddress,
Status, StartDate, EndDate, Finished) and the question texts; the column key of a metadata
column is its row-2 name. ``Status`` (text or numeric code) marks previews, tests and spam,
which are never analysed; ``Finished`` (else ``Progress`` = 100) marks complete responses.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ...errors import InputError, where
from ..sheets import Sheet
from .export import Reading, body_table, no_reason

PERSONAL = frozenset({
    "IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
    "LocationLatitude", "LocationLongitude", "LocationAccuracy",
    "Name", "EmailAddress", "ExternalDataReference",  # legacy names of the same fields
})
# Status codes and texts as Qualtrics writes them; a reason marks a response never analysed.
STATUS_CODES = {0: "IP Address", 1: "Survey Preview", 2: "Survey Test", 4: "Imported", 8: "Spam",
                9: "Survey Preview Spam", 12: "Imported Spam", 16: "Offline", 17: "Offline Survey Preview",
                32: "EX", 40: "EX Spam", 48: "EX Offline"}
STATUS_REASON = {"ip address": "", "imported": "", "offline": "", "ex": "", "ex offline": "",
                 "survey preview": "survey preview", "offline survey preview": "survey preview",
                 "survey test": "survey test", "spam": "spam", "survey preview spam": "spam",
                 "imported spam": "spam", "ex spam": "spam"}
TRUE, FALSE = {"true", "1", "1.0"}, {"false", "0", "0.0"}
_LEGACY_ID = re.compile(r"^V\d+$")


def _text(value) -> str:
    if isinstance(value, float) and value == int(value):
        value = int(value)
    return str(value).strip().lower()


def _per_value(table, column: str, decide) -> pd.Series:
    """Apply ``decide(text) -> reason`` once per distinct cell of ``column`` (fast on large
    exports); ``decide`` raises ValueError for a value it does not know, reported at its
    first row. Empty cells give no reason."""
    values = table.frame[column]
    reasons: dict = {}
    for value in values.dropna().unique():
        try:
            reasons[value] = decide(_text(value))
        except ValueError as exc:
            row = int(table.rows[np.argmax((values == value).to_numpy())])
            raise InputError(table.file, where(row=row, column=column), f"{value!r} {exc}") from None
    return values.map(reasons).fillna("").astype(object)


def _status_reason(text: str) -> str:
    text = STATUS_CODES.get(int(text), text).lower() if text.isdigit() else text
    if text not in STATUS_REASON:
        raise ValueError(f"is not a Qualtrics response status: expected one of "
                         f"{', '.join(STATUS_CODES.values())} or their codes")
    return STATUS_REASON[text]


def _finished_reason(text: str) -> str:
    if text not in TRUE | FALSE:
        raise ValueError("is not a Qualtrics Finished value: expected True/False or 1/0")
    return "" if text in TRUE else "incomplete"


def _incomplete(table) -> pd.Series:
    if "Finished" in table.header:
        reasons = _per_value(table, "Finished", _finished_reason)
        return reasons.where(table.frame["Finished"].notna(), "incomplete")
    if "Progress" in table.header:
        progress = pd.to_numeric(table.frame["Progress"], errors="coerce").to_numpy()
        return pd.Series(np.where(progress == 100, "", "incomplete"), index=table.frame.index, dtype=object)
    return no_reason(table)


def read(sheet: Sheet, layout: str) -> Reading:
    """Read a Qualtrics export in ``layout`` ("qualtrics" or "qualtrics-legacy")."""
    r1, r2 = sheet.row(1), sheet.row(2)
    if layout == "qualtrics":
        r3 = sheet.row(3)
        if not r3:
            raise InputError(sheet.file, where(row=len(sheet.cells) + 1),
                             "the file ends inside the header: a Qualtrics export has three header rows")
        if not any(cell.startswith('{"ImportId"') for cell in r3):
            raise InputError(sheet.file, where(row=3), "expected the third header row of a Qualtrics export "
                             "({\"ImportId\":\"QID1_1\"} cells): export again with its three header rows, "
                             "rows 2-3 must not be deleted")
        header, rows, id_column = r1, 3, ("ResponseId" if "ResponseId" in r1 else "ResponseID")
    else:
        if not r2:
            raise InputError(sheet.file, where(row=2), "the file ends inside the header: a legacy Qualtrics export "
                             "has two header rows")
        header = [r2[i] if _LEGACY_ID.match(name) else name for i, name in enumerate(r1)]
        rows, id_column = 2, "ResponseID"
    table = body_table(sheet, header, rows)
    labels = {key: text for key, text in zip(header, r2) if key and text and text != key}
    status = _per_value(table, "Status", _status_reason) if "Status" in table.header else no_reason(table)
    return Reading(layout, table, id_column, PERSONAL, labels, status, _incomplete(table))
