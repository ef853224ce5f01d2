"""HTML tables and essay answers that are always escaped (what they may show is `disclosure`'s).

Cell text, column names and essay answers are escaped with ``html.escape`` (quotes
included) before any markup is written, so a manager's answer or a file's content can
never inject markup into a report. The results are ``HtmlFragment`` strings: usable as
plain ``str`` and displayed as HTML by a notebook (they have ``_repr_html_``).
"""

from __future__ import annotations

import html
from typing import Sequence

import numpy as np
import pandas as pd

MISSING = "–"


class HtmlFragment(str):
    """A string of already-escaped HTML that Jupyter displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def _cell(value, float_format: str) -> str:
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if pd.isna(value):
        return MISSING
    if isinstance(value, (float, np.floating)):
        return format(float(value), float_format)
    return str(value)


def html_table(frame: pd.DataFrame, *, float_format: str = ".2f", caption: str | None = None) -> HtmlFragment:
    """``frame`` as an HTML table without the index; every cell and header escaped.

    Floats use ``float_format``; NaN shows as "–". Cells are escaped here (quotes too) and
    handed to ``DataFrame.to_html(escape=False)``, which then only adds the markup.
    """
    columns = [html.escape(str(col), quote=True) for col in frame.columns]
    cells = [
        [html.escape(_cell(value, float_format), quote=True) for value in row]
        for row in frame.itertuples(index=False, name=None)
    ]
    shown = pd.DataFrame(cells, columns=columns, dtype=object)
    body = shown.to_html(index=False, escape=False, border=0, classes="cr-table", na_rep=MISSING)
    if caption:
        body = body.replace(">\n", f">\n  <caption>{html.escape(caption, quote=True)}</caption>\n", 1)
    return HtmlFragment(body)


def essay_block(
    essays_frame: pd.DataFrame,
    instrument: pd.DataFrame | None = None,
    label_cols: Sequence[str] = ("country",),
) -> HtmlFragment:
    """The free-text answers as escaped HTML, grouped by question, in the frame's order.

    Each answer is a ``<blockquote>`` signed with ``label_cols`` (by default only the
    country, so an answer is not tied to a named cluster); line breaks are kept. The
    question heading is the instrument's ``text`` when an instrument is given. Which
    essays a page may show is `Disclosure.essays`' to say, before this.
    """
    if essays_frame is None or essays_frame.empty:
        return HtmlFragment('<div class="cr-essays"><p><em>No essay answers.</em></p></div>')
    texts = {}
    if instrument is not None and "text" in instrument:
        texts = dict(zip(instrument["item_id"], instrument["text"].fillna("")))
    parts = ['<div class="cr-essays">']
    for item_id, group in essays_frame.groupby("item_id", sort=False):
        question = texts.get(item_id) or item_id
        parts.append(f"<h4>{html.escape(str(question), quote=True)}</h4>")
        for _, row in group.iterrows():
            answer = html.escape(str(row["text"]), quote=True).replace("\r\n", "\n").replace("\n", "<br>\n")
            label = " · ".join(str(row[c]) for c in label_cols if c in row and pd.notna(row[c]))
            sign = f"<footer>{html.escape(label, quote=True)}</footer>" if label else ""
            parts.append(f"<blockquote><p>{answer}</p>{sign}</blockquote>")
    parts.append("</div>")
    return HtmlFragment("\n".join(parts))
