"""Display frames of the competency report: the metrics' tables with readable columns.

Shares are always shown with their counts ("10/12 (83 %)") and intervals in whole percents;
the frames hold plain text and numbers, and escaping happens when they are rendered.
"""

from __future__ import annotations

import html
import pandas as pd
from IPython.display import HTML

from ..config import AREA_TITLES, LIKERT_LEVELS
from .narrative import format_percent


def percent(share: float) -> str:
    return "" if share is None or pd.isna(share) else format_percent(share)


def count_share(k, n) -> str:
    """'10/12 (83 %)'; an empty string where there are no answers."""
    if not n:
        return ""
    return f"{int(k)}/{int(n)} ({percent(k / n)})"


def interval(low, high) -> str:
    if low is None or pd.isna(low) or pd.isna(high):
        return ""
    return f"{format_percent(low).removesuffix(' %')}-{format_percent(high)}"


def number(value, digits: int = 2) -> str:
    return "" if value is None or pd.isna(value) else f"{value:.{digits}f}"


def notice(lines) -> HTML:
    """A boxed notice; every line is escaped."""
    body = "".join(f"<p>{html.escape(str(line))}</p>" for line in lines)
    return HTML(f'<div style="border:1px solid #b58900;background:#fdf6e3;padding:0.4em 0.8em">{body}</div>')


def paragraph(text: str) -> HTML:
    """A sentence or two of narrative, escaped."""
    return HTML(f"<p>{html.escape(text)}</p>")


def scope_sentence(scope: str, group: str, n: int) -> str:
    people = f"{n} manager" + ("" if n == 1 else "s")
    if scope == "all":
        return f"Scope: all data, {people}."
    return f"Scope: {scope} {group}, {people}."


def item_frame(rows: pd.DataFrame, texts: pd.Series) -> pd.DataFrame:
    """One row per item: statement, answers 1-5, n, centre and agreement with its interval."""
    frame = pd.DataFrame({
        "item": rows["item_id"].to_numpy(),
        "statement": [texts.get(i, "") for i in rows["item_id"]],
        "type": rows["type"].to_numpy(),
        "n": rows["n"].to_numpy(),
    })
    for level in LIKERT_LEVELS:
        frame[str(level)] = rows[f"n_{level}"].to_numpy()
    frame["mean"] = [number(v) for v in rows["mean"]]
    frame["sd"] = [number(v) for v in rows["sd"]]
    frame["median"] = [number(v, 1) for v in rows["median"]]
    frame["agree (4-5)"] = [count_share(k, n) for k, n in zip(rows["n_agree"], rows["n"])]
    frame["95 % CI (Wilson)"] = [interval(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])]
    return frame


def statement_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The paper's words, our reading of them, the reproduced value and whether it holds."""
    reproduced = []
    for stat, observed, n, k in zip(rows["statistic"], rows["observed"], rows["n"], rows["count"]):
        if stat.startswith("share_") and pd.notna(k):
            reproduced.append(count_share(k, n))
        elif stat.endswith("_rank"):
            reproduced.append(f"rank {int(observed)} of 8" if pd.notna(observed) else "")
        else:
            reproduced.append(number(observed))
    return pd.DataFrame({
        "statement": rows["statement_id"].to_numpy(),
        "the paper says": rows["quote"].to_numpy(),
        "read as": [f"{s} {op} {v:g}" for s, op, v in zip(rows["statistic"], rows["op"], rows["value"])],
        "why": rows["reading"].to_numpy() if "reading" in rows else "",
        "reproduced": reproduced,
        "holds": ["yes" if h else "NO" for h in rows["holds"]],
    })


def area_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Per area: managers, mean area index with its t-interval, pooled agreement with Wilson's."""
    return pd.DataFrame({
        "area": [AREA_TITLES.get(a, a) for a in table["area"]],
        "managers": table["n_respondents"].to_numpy(),
        "mean area index": [number(v) for v in table["index_mean"]],
        "95 % CI (t)": [f"{number(lo)}-{number(hi)}" if pd.notna(lo) else "" for lo, hi in zip(table["index_ci_low"], table["index_ci_high"])],
        "answers": table["n"].to_numpy(),
        "sd of answers": [number(v) for v in table["spread"]],
        "agree (4-5)": [count_share(k, n) for k, n in zip(table["n_agree"], table["n"])],
        "95 % CI (Wilson)": [interval(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"])],
    })


def gap_frame(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "area": [AREA_TITLES.get(a, a) for a in table["area"]],
        "managers": table["n"].to_numpy(),
        "existing (area index)": [number(v) for v in table["existing"]],
        "desired": [number(v) for v in table["desired"]],
        "gap": [number(v) for v in table["gap"]],
    })


def assessor_frame(table: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "area": [AREA_TITLES.get(a, a) for a in table["area"]],
        "self-assessed item": table["self_item"].to_numpy(),
        "assessor's item": table["assessor_item"].to_numpy(),
        "managers": table["n"].to_numpy(),
        "self (mean)": [number(v) for v in table["self_mean"]],
        "assessor (mean)": [number(v) for v in table["assessor_mean"]],
        "self minus assessor": [number(v) for v in table["difference"]],
    })
