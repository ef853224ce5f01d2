"""Survey platform exports read as they are written: Qualtrics, LimeSurvey, SurveyMonkey,
KoboToolbox / ODK Central, and our plain wide layout.

`read_export` recognises the layout (or checks the one asked for), reads the header rows
the platform writes, leaves out preview/test/spam responses always and incomplete ones
under ``responses="complete"``, and drops every column the study does not map (without a
mapping, every personal column) before anything else sees the data. Answers stay as the
platform wrote them (choice text or codes); the study loader maps them to the scale.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from ...errors import InputError, where
from ..formats import SUFFIXES, RolesFor, all_codes, kind_of
from ..sheets import read_sheet
from . import kobo, limesurvey, qualtrics, surveymonkey, wide
from .detect import LAYOUTS, detect
from ..source import FORMATS, RESPONSES
from .export import Export, finish

READERS = {"qualtrics": qualtrics.read, "qualtrics-legacy": qualtrics.read, "limesurvey": limesurvey.read,
           "limesurvey-vv": limesurvey.read, "surveymonkey": surveymonkey.read, "kobo": kobo.read,
           "odk-central": kobo.read}
HEADER_ROWS = 3  # enough rows to recognise every layout
# the respondent id column each platform writes (a study may map another one)
PLATFORM_IDS = {"qualtrics": ("ResponseId", "ResponseID"), "qualtrics-legacy": ("ResponseID",),
                "limesurvey": ("id",), "limesurvey-vv": ("id",), "surveymonkey": ("Respondent ID",),
                "kobo": ("_uuid",), "odk-central": ("KEY",), "wide": ()}

__all__ = ["FORMATS", "RESPONSES", "LAYOUTS", "PLATFORM_IDS", "Export", "describe_export", "layout_of",
           "read_export"]


def describe_export(export: dict) -> str:
    """One sentence on how a responses file was read (`Survey.export`): layout, rows left out
    and why, columns dropped (names only); "" when nothing was left out or dropped."""
    if not export or not (export.get("excluded") or export.get("dropped")):
        return ""
    left = ", ".join(f"{n} {reason}" for reason, n in export.get("excluded", {}).items()) or "none"
    dropped = export.get("dropped", [])
    names = ", ".join(dropped) if dropped else "none"
    return (f"Read as {export.get('layout')} (responses: {export.get('responses')}); "
            f"responses left out: {left}; columns dropped ({len(dropped)}): {names}.")


def layout_of(path: str | Path, format: str = "auto", encoding: str | None = None) -> str:
    """The layout ``read_export`` will use for ``path`` (reads the first rows only)."""
    path = Path(path)
    if SUFFIXES.get(path.suffix.lower()) == "sav":
        return detect_sav(path, format)
    sheet = read_sheet(path, encoding=encoding, head=HEADER_ROWS)
    if path.suffix.lower() in SUFFIXES:
        return detect(sheet, format)
    try:  # .tsv / .txt: platform exports only (a wide file is .csv, .xlsx or .sav)
        layout = detect(sheet, format)
    except InputError:
        layout = "wide"
    if layout == "wide":
        kind_of(path)  # the unknown-file-type error read_table gives
    return layout


def read_export(path: str | Path, format: str = "auto", encoding: str | None = None,
                keep: Iterable[str] | None = None, responses: str = "complete",
                roles: RolesFor = all_codes, layout: str | None = None) -> Export:
    """Read a responses file in any supported layout into an `Export`.

    ``format``: one of `FORMATS` ("auto" recognises the layout from the header rows).
    ``keep``: the column keys the study maps (items, id, grouping columns); every other
    column is dropped here and named in ``Export.dropped``; None keeps every column that
    does not hold personal data. ``responses``: "complete" (default) or "all".
    ``roles`` applies to the wide layout only (which columns `read_table` reads as text).
    ``layout``: what `layout_of` gave for these arguments, if the caller asked already (its
    header rows are then not read twice).
    """
    path = Path(path)
    layout = layout or layout_of(path, format, encoding)
    if layout == "wide":
        reading = wide.read(path, encoding, roles)
    else:
        reading = READERS[layout](read_sheet(path, encoding=encoding), layout)
    return finish(reading, keep, responses)


def detect_sav(path: Path, format: str) -> str:
    """An SPSS file is always read in the wide layout."""
    if format not in ("auto", "wide"):
        raise InputError(path, where(), f"an SPSS .sav file is read as wide, not as {format}: use --format auto")
    return "wide"
