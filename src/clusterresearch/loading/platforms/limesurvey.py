"""LimeSurvey exports: the CSV export with question-code headings and the VV file.

CSV export ("Headings: Question code"): row 1 ``id, submitdate, lastpage, startlanguage,
seed, startdate, datestamp`` then one column per question or subquestion (``Q1``,
``Q1[SQ001]``); answers as answer codes or full answer text. VV export (tab-separated):
row 1 the question texts, row 2 the column codes (``Q1_SQ001`` in VV version 2, SGQA codes
such as ``123456X1X2SQ001`` in version 1), ``{question_not_shown}`` for a null and
``{lbrace}``-style escapes, which are undone. A response without ``submitdate`` was not
submitted: incomplete.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..sheets import Sheet
from .export import Reading, body_table

PERSONAL = frozenset({"ipaddr", "refurl", "token", "firstname", "lastname", "email", "emailstatus"})
VV_NULL = "{question_not_shown}"
VV_ESCAPES = (("{newline}", "\n"), ("{cr}", "\r"), ("{tab}", "\t"), ("{lbrace}", "{"))


def _unescape(text: str) -> str:
    """The VV writer escapes ``{`` first and a leading quote last; undo in the reverse order."""
    if text.startswith("{quote}"):
        text = '"' + text[len("{quote}"):]
    for escape, char in VV_ESCAPES:
        text = text.replace(escape, char)
    return text


def _unescape_vv(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo the VV writer's escapes: nulls, line breaks, tabs, braces, a leading quote."""
    frame = frame.astype(object).mask(frame == VV_NULL)
    for column in frame.columns:
        escaped = frame[column].map(lambda v: isinstance(v, str) and "{" in v).to_numpy(dtype=bool)
        if escaped.any():
            frame.loc[escaped, column] = frame.loc[escaped, column].map(_unescape)
    return frame


def read(sheet: Sheet, layout: str) -> Reading:
    """Read a LimeSurvey export in ``layout`` ("limesurvey" or "limesurvey-vv")."""
    if layout == "limesurvey":
        table = body_table(sheet, sheet.row(1), 1)
        labels: dict[str, str] = {}
    else:
        header, texts = sheet.row(2), sheet.row(1)
        sheet = type(sheet)(sheet.file, sheet.kind, _unescape_vv(sheet.cells.copy()), sheet.delimiter)
        table = body_table(sheet, header, 2, header_row=2)
        labels = {key: text for key, text in zip(header, texts) if key and text and text != key}
    personal = PERSONAL | {name for name in table.header if name.startswith("attribute_")}
    submitted = table.frame["submitdate"].notna().to_numpy()
    partial = pd.Series(np.where(submitted, "", "incomplete"), index=table.frame.index, dtype=object)
    always = pd.Series("", index=table.frame.index, dtype=object)
    return Reading(layout, table, "id", frozenset(personal), labels, always, partial)
