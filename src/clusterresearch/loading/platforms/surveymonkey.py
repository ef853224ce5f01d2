"""SurveyMonkey exports (CSV or XLSX, "All individual responses", expanded columns).

Row 1: the metadata columns (Respondent ID, Collector ID, Start Date, End Date, IP Address,
Email Address, First Name, Last Name, Custom Data 1 ...) then each question's text over the
first of its columns only; row 2: empty under the metadata, then "Response" or
"Open-Ended Response" under a one-column question, or the row (or choice) label of each
column of a matrix or multi-column question.

Column keys: a metadata column keeps its name; a one-column question is keyed by its
question text; a column of a multi-column question by ``"<question text> | <row label>"``.
Texts are taken with runs of white space (line breaks included) made one space. The export
holds no completion field (filter by completeness in SurveyMonkey before exporting), so
no row is left out here.
"""

from __future__ import annotations

import re

from ...errors import InputError, where
from ..sheets import Sheet
from .export import Reading, body_table, no_reason

METADATA = ("Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address", "Email Address",
            "First Name", "Last Name")
PERSONAL_NAMES = frozenset({"IP Address", "Email Address", "First Name", "Last Name"})
_CUSTOM = re.compile(r"^Custom Data( \d+)?$")
SINGLE = {"", "Response", "Open-Ended Response"}
SEPARATOR = " | "


def _clean(text: str) -> str:
    return " ".join(text.split())


def _is_metadata(name: str) -> bool:
    return name in METADATA or bool(_CUSTOM.match(name))


def keys(r1: list[str], r2: list[str]) -> tuple[list[str], dict[str, str]]:
    """Column keys and their question texts from the two header rows (see the module doc)."""
    r1 = [_clean(c) for c in r1]
    r2 = [_clean(c) for c in r2] + [""] * (len(r1) - len(r2))
    spans: list[list[int]] = []
    for position, name in enumerate(r1):
        if name or not spans:
            spans.append([position])
        else:
            spans[-1].append(position)
    header, labels = [""] * len(r1), {}
    for span in spans:
        question = r1[span[0]]
        if len(span) == 1 and (r2[span[0]] in SINGLE or _is_metadata(question)):
            header[span[0]] = question
            if not _is_metadata(question):
                labels[question] = question
            continue
        for position in span:
            key = f"{question}{SEPARATOR}{r2[position]}" if r2[position] else ""
            header[position] = key
            labels[key] = question
    return header, labels


def read(sheet: Sheet, layout: str = "surveymonkey") -> Reading:
    """Read a SurveyMonkey export."""
    r1, r2 = sheet.row(1), sheet.row(2)
    if not r2:
        raise InputError(sheet.file, where(row=2), "the file ends inside the header: a SurveyMonkey export has two "
                         "header rows (question texts, then Response or row labels)")
    if r2[0] != "":
        raise InputError(sheet.file, where(row=2, column="Respondent ID"), "expected the second header row of a "
                         "SurveyMonkey export (empty under Respondent ID, then Response or row labels), found "
                         f"{r2[0]!r}: export again with both header rows")
    header, labels = keys(r1, r2)
    table = body_table(sheet, header, 2, header_row=2)
    personal = PERSONAL_NAMES | {name for name in table.header if _CUSTOM.match(name)}
    return Reading(layout, table, "Respondent ID", frozenset(personal), labels, no_reason(table), no_reason(table))
