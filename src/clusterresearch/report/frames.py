"""Display frames of the survey report: the metrics' tables with readable columns.

Shares are always shown with their counts ("10/12 (83 %)") and intervals in whole percents;
headers are words, booleans are yes/no, rules are sentences. The frames hold plain text and
numbers, and escaping happens when they are rendered.
"""

from __future__ import annotations

import html

import pandas as pd
from IPython.display import HTML

from ..formatting import count_share, interval, number, percent

STAT_WORDS = {
    "share_agree": "the share agreeing", "share_disagree": "the share disagreeing",
    "share_top": "the share at the top answer", "mean": "the mean answer",
    "area_mean_rank": "the area's rank by mean (1 = lowest)", "area_spread_rank": "the area's rank by spread (1 = least spread)",
    "area_gap": "the desired-minus-existing gap", "self_minus_assessor": "self-assessment minus the assessor's rating",
}
OP_WORDS = {"==": "is", ">=": "is at least", "<=": "is at most", ">": "is more than", "<": "is less than"}


def notice(lines, kind: str = "notice") -> HTML:
    """A boxed notice; every line is escaped."""
    body = "".join(f"<p>{html.escape(str(line))}</p>" for line in lines if line)
    if not body:  # nothing to say: no empty box
        return HTML("")
    return HTML(f'<div class="cr-{kind}" style="border:1px solid #b58900;background:#fdf6e3;'
                f'padding:0.4em 0.8em">{body}</div>')


def paragraph(text: str) -> HTML:
    """A sentence or two of narrative, escaped."""
    return HTML(f"<p>{html.escape(text)}</p>")


def rule_sentence(statistic: str, op: str, value: float) -> str:
    """'share_agree > 0.5' as 'the share agreeing is more than 50 %'."""
    shown = percent(value, nbsp=True) if statistic.startswith("share_") else f"{value:g}"
    return f"{STAT_WORDS.get(statistic, statistic)} {OP_WORDS.get(op, op)} {shown}"


def position_headers(scale_ids, scales: dict | None, width: int) -> list[str]:
    """Headers of the count columns, most negative answer first: the code and label as the
    figure's legend writes them ("4 Strongly disagree") when the rows share one scale, else
    "position p (of k)" - never a bare number a reader could take for the code."""
    used = list(dict.fromkeys(scale_ids))
    if scales and len(used) == 1 and used[0] in scales and scales[used[0]].k == width:
        scale = scales[used[0]]
        return [f"{code} {label}" for code, label in zip(scale.codes, scale.labels)]
    return [f"position {p}" + (" (most negative)" if p == 1 else "") for p in range(1, width + 1)]


def item_frame(rows: pd.DataFrame, texts: dict, reverse: dict, missing: dict, scales: dict | None = None,
               kinds: dict | None = None) -> pd.DataFrame:
    """One row per item: statement (reverse-keyed ones marked), count of each answer from
    the most negative (headed by the scale's codes and labels, `position_headers`), missing
    codes, n, centre and agreement with its interval."""
    width = int(rows["k"].max()) if len(rows) else 0
    frame = pd.DataFrame({
        "statement": [(texts.get(i) or i) + (" (reverse-keyed)" if reverse.get(i) else "") for i in rows["item_id"]],
        "kind": [(kinds or {}).get(t, t) for t in rows["type"]],  # the study's words (Study.kinds)
        "scale": rows["scale"].to_numpy(),
        "answered": rows["n"].to_numpy(),
    })
    for p, header in enumerate(position_headers(rows["scale"], scales, width), start=1):
        frame[header] = [int(c) if p <= k else "" for c, k in zip(rows[f"n_{p}"], rows["k"])]
    frame["missing codes"] = ["; ".join(f"{label} {count}" for label, count in missing.get(i, {}).items())
                              for i in rows["item_id"]]
    frame["mean position"] = [f"{number(v)} of {k}" if pd.notna(v) else "" for v, k in zip(rows["mean"], rows["k"])]
    frame["median"] = [number(v, 1) for v in rows["median"]]
    frame["agree"] = _shares(rows, "agree")
    frame[_ci_header(rows)] = [interval(lo, hi) for lo, hi in zip(rows["ci_low"], rows["ci_high"])]
    frame["disagree"] = _shares(rows, "disagree")
    if not frame["missing codes"].astype(bool).any():
        frame = frame.drop(columns="missing codes")
    if frame["scale"].nunique() <= 1:
        frame = frame.drop(columns="scale")
    return frame


def statement_frame(rows: pd.DataFrame, n_areas: int) -> pd.DataFrame:
    """The source's words, our reading of them as a sentence, the reproduced value, holds or not."""
    reproduced = []
    for stat, observed, n, k in zip(rows["statistic"], rows["observed"], rows["n"], rows["count"]):
        if stat.startswith("share_") and pd.notna(k):
            reproduced.append(count_share(k, n))
        elif stat.endswith("_rank"):
            reproduced.append(f"rank {int(observed)} of {n_areas}" if pd.notna(observed) else "")
        else:
            reproduced.append(number(observed))
    return pd.DataFrame({
        "statement": rows["statement_id"].to_numpy(),
        "the source says": rows["quote"].to_numpy(),
        "read as": [rule_sentence(s, op, v) for s, op, v in zip(rows["statistic"], rows["op"], rows["value"])],
        "why": rows["reading"].to_numpy() if "reading" in rows else "",
        "reproduced": reproduced,
        "holds": ["yes" if h else "NO" for h in rows["holds"]],
    })


def area_frame(table: pd.DataFrame, titles: dict, noun: str) -> pd.DataFrame:
    """Per area: respondents, mean area index with its t-interval, pooled agreement with Wilson's."""
    return pd.DataFrame({
        "area": [titles.get(a, a) for a in table["area"]],
        noun: table["n_respondents"].to_numpy(),
        "mean area index": [number(v) for v in table["index_mean"]],
        "range": table["index_range"].to_numpy(),
        "95 % CI (design-based t)" if _weighted(table) else "95 % CI (t)": [f"{number(lo)}–{number(hi)}" if pd.notna(lo) else ""
                        for lo, hi in zip(table["index_ci_low"], table["index_ci_high"])],
        "answers": table["n"].to_numpy(),
        "sd of answers": [number(v) for v in table["spread"]],
        "agree (keyed)": _shares(table, "agree"),
        _ci_header(table): [interval(lo, hi) for lo, hi in zip(table["ci_low"], table["ci_high"])],
    })


def _weighted(rows: pd.DataFrame) -> bool:
    """A weighted study's table (metrics.design adds se_agree)."""
    return "se_agree" in rows.columns


def _shares(rows: pd.DataFrame, side: str) -> list[str]:
    """'10/12 (83 %)'; in a weighted study the weighted share with the unweighted count
    beside it: '71 % weighted (10/12 answers)'."""
    if not _weighted(rows):
        return [count_share(k, n) for k, n in zip(rows[f"n_{side}"], rows["n"])]
    return [f"{percent(s)} weighted ({int(k)}/{int(n)} answers)" if n else ""
            for s, k, n in zip(rows[f"share_{side}"], rows[f"n_{side}"], rows["n"])]


def _ci_header(rows: pd.DataFrame) -> str:
    return "95 % CI (design-based, logit)" if _weighted(rows) else "95 % CI (Wilson)"


def gap_frame(table: pd.DataFrame, titles: dict, noun: str) -> pd.DataFrame:
    return pd.DataFrame({
        "area": [titles.get(a, a) for a in table["area"]],
        noun: table["n"].to_numpy(),
        "existing (area index)": [number(v) for v in table["existing"]],
        "desired": [number(v) for v in table["desired"]],
        "gap": [number(v) for v in table["gap"]],
    })


def assessor_frame(table: pd.DataFrame, titles: dict, texts: dict, noun: str) -> pd.DataFrame:
    return pd.DataFrame({
        "area": [titles.get(a, a) for a in table["area"]],
        "self-assessed item": [texts.get(i) or i for i in table["self_item"]],
        "assessor's item": [texts.get(i) or i for i in table["assessor_item"]],
        noun: table["n"].to_numpy(),
        "self (mean)": [number(v) for v in table["self_mean"]],
        "assessor (mean)": [number(v) for v in table["assessor_mean"]],
        "self minus assessor": [number(v) for v in table["difference"]],
    })


def consistency_frame(table: pd.DataFrame, titles: dict, noun: str) -> pd.DataFrame:
    """Cronbach's alpha per area with what it rests on, flags written as words."""
    notes = []
    for row in table.itertuples(index=False):
        words = [row.note] if row.note else []
        if row.zero_variance_items:
            words.append(f"no variance in: {row.zero_variance_items}")
        if row.unanswered_items:
            words.append(f"unanswered: {row.unanswered_items}")
        notes.append("; ".join(words))
    return pd.DataFrame({
        "area": [titles.get(a, a) for a in table["area"]],
        "Cronbach's alpha": [number(v) for v in table["alpha"]],
        "items": table["k"].to_numpy(),
        f"{noun} (complete answers)": table["n"].to_numpy(),
        "note": notes,
    })


def method_words(method: str, count: int) -> str:
    if method == "exact":
        return f"exact: all {count:,} splits"
    if method == "monte carlo":
        return f"Monte Carlo: {count:,} seeded resamples"
    return "not run"


def comparison_frame(table: pd.DataFrame, titles: dict) -> pd.DataFrame:
    """Pairs of groups per area: n and mean index of each, difference, p (raw and Holm),
    method, Cliff's delta with its magnitude; a reason where a test could not run."""
    frame = pd.DataFrame({
        "area": [titles.get(a, a) for a in table["area"]],
        "groups": [f"{a} vs {b}" for a, b in zip(table["group_a"], table["group_b"])],
        "n (first)": table["n_a"].to_numpy(), "n (second)": table["n_b"].to_numpy(),
        "means": [f"{number(a)} vs {number(b)}" for a, b in zip(table["mean_a"], table["mean_b"])],
        "difference": [number(v) for v in table["difference"]],
        "p": [number(v, 3) for v in table["p_value"]],
        "p (Holm)": [number(v, 3) for v in table["p_holm"]] if "p_holm" in table else "",
        "test": [method_words(m, c) if not r else r for m, c, r in
                 zip(table["method"], table["n_permutations"], table["reason"])],
        "Cliff's delta": [f"{number(d)} ({m})" if pd.notna(d) else "" for d, m in zip(table["cliffs_delta"], table["magnitude"])],
    })
    return frame
