"""Which layout a file is in, from its first three rows (the platforms' own signatures).

Each layout is recognised by column names its platform always writes; the first that
matches wins. A file with none of them is our plain wide layout when its first row names
its columns, otherwise it is refused with the layouts we know.
"""

from __future__ import annotations

import re

from ...errors import InputError, where
from ..sheets import Sheet

LIMESURVEY_COLUMNS = {"id", "submitdate", "lastpage", "startlanguage"}
_NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")

# format name -> layouts it covers; a layout -> what its header shows (for error messages)
LAYOUTS = {
    "qualtrics": ("qualtrics", "qualtrics-legacy"),
    "limesurvey": ("limesurvey", "limesurvey-vv"),
    "surveymonkey": ("surveymonkey",),
    "kobo": ("kobo", "odk-central"),
    "wide": ("wide",),
}
EXPECTED = {
    "qualtrics": "row 1 StartDate ... ResponseId, row 2 question texts, row 3 {\"ImportId\":...}",
    "qualtrics-legacy": "row 1 V1, V2, ... and row 2 ResponseID, ResponseSet, ...",
    "limesurvey": "row 1 id, submitdate, lastpage, startlanguage, ... then question codes such as Q1[SQ001]",
    "limesurvey-vv": "a tab-separated VV file: row 1 question texts, row 2 id, submitdate, lastpage, startlanguage",
    "surveymonkey": "row 1 Respondent ID, Collector ID, ... then question texts, row 2 Response or row labels",
    "kobo": "row 1 question names or labels and _id, _uuid, _submission_time, _validation_status",
    "odk-central": "row 1 SubmissionDate, question paths, KEY, ReviewState",
    "wide": "row 1 naming the columns, one respondent per row below",
}


def _signature(sheet: Sheet) -> str | None:
    r1, r2 = sheet.row(1), sheet.row(2)
    names = set(r1)
    if "StartDate" in names and ({"ResponseId", "ResponseID"} & names) and ({"Finished", "Status"} & names):
        return "qualtrics"
    if r1[:2] == ["V1", "V2"] and "ResponseID" in r2:
        return "qualtrics-legacy"
    if LIMESURVEY_COLUMNS <= names:
        return "limesurvey"
    if LIMESURVEY_COLUMNS <= set(r2):
        return "limesurvey-vv"
    if r1[:1] == ["Respondent ID"] and "Collector ID" in names:
        return "surveymonkey"
    if {"_uuid", "_submission_time"} <= names:
        return "kobo"
    if {"SubmissionDate", "KEY"} <= names:
        return "odk-central"
    return None


def _looks_wide(sheet: Sheet) -> bool:
    r1 = sheet.row(1)
    named = [n for n in r1 if n]
    return bool(r1) and r1[0] != "" and len(named) >= 2 and not all(_NUMBER.match(n) for n in named)


def detect(sheet: Sheet, format: str = "auto") -> str:
    """The layout of ``sheet``: recognised (``format="auto"``) or checked against ``format``."""
    if format not in ("auto", *LAYOUTS):
        known = ", ".join(("auto", *LAYOUTS))
        raise InputError(sheet.file, where(), f"unknown format {format!r}: expected one of {known}")
    found = _signature(sheet)
    if found is None and _looks_wide(sheet):
        found = "wide"
    if format == "auto":
        if found is None:
            raise InputError(sheet.file, where(row=1), "not a layout we know: expected a wide file (row 1 naming "
                             "the columns) or an export of Qualtrics, LimeSurvey, SurveyMonkey, KoboToolbox or "
                             "ODK Central with its header rows (docs/data_formats.md)")
        return found
    if found in LAYOUTS[format]:
        return found
    expected = " or ".join(EXPECTED[layout] for layout in LAYOUTS[format])
    seen = f"; it looks like the {found} layout (use --format auto)" if found else ""
    raise InputError(sheet.file, where(row=1), f"not a {format} export: expected {expected}{seen}")
