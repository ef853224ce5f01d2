"""KoboToolbox and ODK Central exports (CSV with ``;`` or ``,``, or XLSX).

KoboToolbox: row 1 the question names (XML values, with ``group/question`` paths when
groups are included, any separator the user chose) or their labels, then the metadata
``_id, _uuid, _submission_time, _validation_status, _notes, _status, _submitted_by,
__version__, _tags, _index``; an optional second row of HXL hashtags (``#symmetry``) is a
header row too. ODK Central: ``SubmissionDate``, question paths (``group-question``),
``meta-instanceID``, ``KEY, SubmitterID, SubmitterName, AttachmentsPresent,
AttachmentsExpected, Status, ReviewState, DeviceID, Edits, FormVersion``.
Column keys are the header cells as written. A submission rejected in review
(``_validation_status`` "Not approved", ``ReviewState`` "rejected") counts as incomplete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sheets import Sheet
from .export import Reading, body_table

# ODK metadata questions that identify a person or a device, Kobo's and Central's own columns,
# and the parts Kobo splits a geopoint into (_<question>_latitude ...).
PERSONAL = frozenset({"_submitted_by", "_geolocation", "username", "email", "phonenumber", "deviceid",
                      "simserial", "subscriberid", "SubmitterID", "SubmitterName", "DeviceID"})
GEO_PARTS = ("_latitude", "_longitude", "_altitude", "_precision")
REJECTED = {"validation_status_not_approved", "not approved", "rejected"}


def _personal(name: str) -> bool:
    last = name.replace("-", "/").rsplit("/", 1)[-1]
    return name in PERSONAL or last in PERSONAL or name.endswith(GEO_PARTS)


def _hxl(row: list[str]) -> bool:
    """A row of HXL hashtags (or blanks) under the header, as Kobo writes for tagged forms."""
    return any(cell.startswith("#") for cell in row) and all(cell == "" or cell.startswith("#") for cell in row)


def read(sheet: Sheet, layout: str) -> Reading:
    """Read a KoboToolbox (``layout="kobo"``) or ODK Central (``"odk-central"``) export."""
    header = sheet.row(1)
    rows = 2 if _hxl(sheet.row(2)) else 1
    table = body_table(sheet, header, rows)
    status, id_column = ("_validation_status", "_uuid") if layout == "kobo" else ("ReviewState", "KEY")
    if status in table.header:
        values = table.frame[status].astype(str).str.strip().str.lower()
        rejected = values.isin(REJECTED).to_numpy()
    else:
        rejected = np.zeros(len(table.frame), dtype=bool)
    partial = pd.Series(np.where(rejected, "rejected in review", ""), index=table.frame.index, dtype=object)
    always = pd.Series("", index=table.frame.index, dtype=object)
    personal = frozenset(name for name in table.header if _personal(name))
    return Reading(layout, table, id_column, personal, {}, always, partial)
