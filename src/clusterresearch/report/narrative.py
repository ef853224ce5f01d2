"""Sentences written from the numbers, so the text of a report can never drift from its tables.

Every share is given with its count ("10 of 12 respondents") and a Wilson 95 % interval,
rounded to whole percents; a single answer is said to be one person's answer, with no
interval.
"""

from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from ..disclosure import Disclosure
from ..formatting import whole_percent
from ..metrics.items import wilson_interval



def share_phrase(k: int, n: int, noun: str = "respondent", plural: str | None = None, interval: bool = True) -> str:
    """ "10 of 12 respondents (83 %, 95 % CI 55-95 %)" - the counting part of a share sentence.
    ``interval=False`` leaves out the Wilson interval ("10 of 12 respondents (83 %)"): a weighted
    study's unweighted count has no simple-random-sample interval."""
    k, n = int(k), int(n)
    if n < 0 or k < 0 or k > n:
        raise ValueError(f"need 0 <= k <= n, got k={k}, n={n}")
    plural = plural or f"{noun}s"
    if n == 0:
        return f"no {noun} (no answers)"
    if n == 1:
        return f"{k} of 1 {noun} (one person's answer; no interval)"
    if not interval:
        return f"{k} of {n} {plural} ({whole_percent(k / n)} %)"
    low, high = (float(bound) for bound in wilson_interval(k, n))
    return f"{k} of {n} {plural} ({whole_percent(k / n)} %, 95 % CI {whole_percent(low)}-{whole_percent(high)} %)"


def share_sentence(k: int, n: int, phrase: str, noun: str = "respondent", plural: str | None = None) -> str:
    """ "10 of 12 respondents (83 %, 95 % CI 55-95 %) wrote technical and financial reports effectively."

    ``phrase`` is the predicate, as the paper would write it. n = 1 gives "1 of 1 manager
    (one person's answer; no interval) ..."; n = 0 says that nobody answered.
    """
    phrase = phrase.strip().rstrip(".")
    if int(n) == 0:
        return f"No {noun} answered, so no share can be given for: {phrase}."
    counted = share_phrase(k, n, noun, plural)
    return f"{counted[:1].upper()}{counted[1:]} {phrase}."


def _quote(text: str) -> str:
    return f"“{str(text).strip().rstrip('.')}”"


def _rows(item_table_rows) -> pd.DataFrame:
    if isinstance(item_table_rows, pd.DataFrame):
        return item_table_rows.copy()
    if isinstance(item_table_rows, Mapping):
        return pd.DataFrame([item_table_rows])
    return pd.DataFrame(list(item_table_rows))


def _names(rows: pd.DataFrame) -> list[str]:
    names = [_quote(t) for t in rows["_label"]]
    if len(names) <= 2:
        return [" and ".join(names)]
    return [f"{names[0]} and {len(names) - 1} other statements"]


def area_paragraph(
    item_table_rows: pd.DataFrame | Iterable[Mapping],
    area: str,
    *,
    title: str | None = None,
    texts: Mapping[str, str] | pd.Series | None = None,
    disclosure: Disclosure = Disclosure(),
    area_index: float | None = None,
    n_respondents: int | None = None,
    index_range: str = "1-5",
    noun: str = "respondent",
    plural: str | None = None,
    interval: bool = True,
) -> str:
    """Two or three sentences on an area from its item statistics (rows of ``item_stats``).

    Uses the self-assessed (``likert``) rows of ``area``: which statements most and fewest
    respondents agreed with (``n_agree`` of ``n``), and the area's level. The level is
    ``area_index`` (mean over respondents of each one's keyed mean position; pass it with
    ``n_respondents`` and ``index_range`` from ``area_stats``) when given, else the mean of
    all answers. ``title`` names the area in the text (default: its id); ``noun``/``plural``
    name the respondents. Statements come from a ``text`` column, else ``texts`` (item_id ->
    statement), else the item_id. Items ``disclosure`` withholds are left out, and the
    paragraph says so when that leaves nothing. ``interval=False`` (a weighted study) gives
    the counts without Wilson intervals, which would treat the answers as a simple random sample.
    """
    plural = plural or f"{noun}s"
    rows = _rows(item_table_rows)
    where = title or area
    if rows.empty:
        return f"{where}: no statements of this area were answered."
    if "area" in rows:
        rows = rows[rows["area"] == area]
    if "type" in rows:
        rows = rows[rows["type"] == "likert"]
    rows = rows[rows["n"] > 0].copy()
    if rows.empty:
        return f"{where}: no {noun} answered the statements of this area."
    rows = rows[~disclosure.hidden(rows["n"].to_numpy())]
    if rows.empty:
        return (
            f"{where}: fewer than {disclosure.min_group} {plural} answered each statement in this scope, "
            f"so no shares are reported (suppressed, n < {disclosure.min_group})."
        )
    if n_respondents is not None and not disclosure.shows(n_respondents):
        area_index = None
    if "text" in rows:
        labels = list(rows["text"])
    else:
        lookup = dict(texts.items()) if texts is not None else {}
        labels = [lookup.get(i) for i in rows["item_id"]]
    rows["_label"] = [t if isinstance(t, str) and t.strip() else i for t, i in zip(labels, rows["item_id"])]
    rows["_share"] = rows["n_agree"] / rows["n"]

    sentences = []
    if rows["n"].max() == 1:
        agreed = rows[rows["n_agree"] > 0]
        listed = f" ({_names(agreed)[0]})" if len(agreed) else ""
        sentences.append(
            f"In {where} one {noun} answered (one person's answers; no interval) and agreed with "
            f"{len(agreed)} of the {len(rows)} statements{listed}."
        )
    elif len(rows) == 1:
        row = rows.iloc[0]
        sentences.append(
            f"In {where} the one statement, {_quote(row['_label'])}, was agreed with by "
            f"{share_phrase(row['n_agree'], row['n'], noun, plural, interval)}."
        )
    elif rows["_share"].nunique() == 1:
        row = rows.iloc[0]
        sentences.append(
            f"In {where} agreement was the same for all {len(rows)} statements: "
            f"{share_phrase(row['n_agree'], row['n'], noun, plural, interval)} agreed with each."
        )
    else:
        top = rows[rows["_share"] == rows["_share"].max()]
        low = rows[rows["_share"] == rows["_share"].min()]
        t, b = top.iloc[0], low.iloc[0]
        sentences.append(
            f"In {where} most {plural} agreed with {_names(top)[0]}: "
            f"{share_phrase(t['n_agree'], t['n'], noun, plural, interval)}."
        )
        fewest = share_phrase(b["n_agree"], b["n"], noun, plural, interval)
        sentences.append(f"Fewest agreed with {_names(low)[0]}: {fewest}.")

    if area_index is not None and not pd.isna(area_index):
        who = f" over {int(n_respondents)} {plural}" if n_respondents else ""
        if n_respondents == 1:
            who = f" for one {noun}"
        sentences.append(f"The area index (each {noun}'s mean answer, averaged{who}) is {area_index:.1f} "
                         f"on the {index_range} range.")
    else:
        total = int(rows["n"].sum())
        if "mean" in rows and total:
            mean = float((rows["mean"] * rows["n"]).sum() / total)
            k = int(rows["k"].max()) if "k" in rows else 5
            sentences.append(f"Across its {len(rows)} statements the mean position of all {total} answers "
                             f"is {mean:.1f} on the 1-{k} scale.")
    return " ".join(sentences)
