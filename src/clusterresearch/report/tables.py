"""HTML tables and essay answers that are always escaped, and small-cell masking.

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


def suppressed_marker(min_cell: int) -> str:
    return f"suppressed (n < {min_cell})"


def mask_small_cells(
    frame: pd.DataFrame,
    n_col: str | None = "n",
    min_cell: int = 3,
    value_cols: Sequence[str] | None = None,
    *,
    group_n_cols: Sequence[str] = (),
) -> pd.DataFrame:
    """Copy of ``frame`` with ``value_cols`` replaced by "suppressed (n < k)" where n < k.

    Keeps one or two managers' answers (e.g. a single cluster) from being read off a table.
    A row is small when ``n_col`` or any of ``group_n_cols`` (e.g. n_a, n_b of a comparison)
    is below ``min_cell`` or missing; ``min_cell`` <= 0 masks nothing. ``value_cols``
    defaults to every numeric column except the n columns. Masked columns become text.
    """
    n_cols = ([n_col] if n_col else []) + list(group_n_cols)
    if not n_cols:
        raise ValueError("mask_small_cells: give n_col or group_n_cols")
    absent = [c for c in n_cols if c not in frame.columns]
    if absent:
        raise KeyError(f"mask_small_cells: no columns {absent}")
    if value_cols is None:
        value_cols = [c for c in frame.select_dtypes(include="number").columns if c not in n_cols]
    missing = [c for c in value_cols if c not in frame.columns]
    if missing:
        raise KeyError(f"mask_small_cells: no columns {missing}")
    out = frame.copy()
    if min_cell <= 0:
        return out
    small = pd.Series(False, index=out.index)
    for col in n_cols:
        n = pd.to_numeric(out[col], errors="coerce")
        small |= (n < min_cell) | n.isna()
    marker = suppressed_marker(min_cell)
    for col in value_cols:
        out[col] = out[col].astype(object)
        out.loc[small, col] = marker
    return out


def essay_block(
    essays_frame: pd.DataFrame,
    instrument: pd.DataFrame | None = None,
    label_cols: Sequence[str] = ("country",),
    *,
    min_cell: int = 0,
    n_respondents: int | None = None,
) -> HtmlFragment:
    """The free-text answers as escaped HTML, grouped by question, in the frame's order.

    Each answer is a ``<blockquote>`` signed with ``label_cols`` (by default only the
    country, so an answer is not tied to a named cluster); line breaks are kept. The
    question heading is the instrument's ``text`` when an instrument is given. When the
    scope has fewer than ``min_cell`` managers (``n_respondents``, else the essay writers),
    the answers are withheld.
    """
    if essays_frame is not None and min_cell > 0:
        n = n_respondents if n_respondents is not None else essays_frame["respondent_id"].nunique()
        if n < min_cell:
            return HtmlFragment(
                f'<div class="cr-essays"><p><em>Essay answers withheld: '
                f"{html.escape(suppressed_marker(min_cell))}.</em></p></div>"
            )
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
