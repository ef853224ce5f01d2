"""Figures 1-8: one diverging stacked bar per item, centred on the neutral answer.

Each bar shows the item's answers 1-5 as percent of the managers who answered it. The
neutral answer (3) is split in half on either side of zero, so disagreement runs left and
agreement right and bars stay comparable whatever their share of 3s. Desired-level and
assessor items follow the self-assessed statements as separate, labelled bars, so a figure
holds everything the questionnaire asked in its area (the overview and gap figures
summarise them across areas).
"""

from __future__ import annotations

import textwrap

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from ..config import AGREE_MIN, AREA_FIGURE, LIKERT_LEVELS, NEUTRAL
from ..metrics.items import item_stats
from ._common import FONT_SIZE, area_label, new_figure, whole_percent

LEVEL_LABELS: dict[int, str] = {
    1: "1 strongly disagree",
    2: "2 disagree",
    3: "3 neither",
    4: "4 agree",
    5: "5 strongly agree",
}
# seaborn's diverging RdBu in five steps; its near-white middle becomes a light grey so the
# neutral halves stay visible on a white page.
LEVEL_COLORS: dict[int, tuple] = dict(zip(LIKERT_LEVELS, sns.color_palette("RdBu", len(LIKERT_LEVELS))))
LEVEL_COLORS[NEUTRAL] = (0.82, 0.82, 0.82)

TYPE_ORDER = ("likert", "assessor", "desired")
TYPE_TAGS = {"likert": "", "assessor": "[assessor rating] ", "desired": "[desired level] "}
WRAP = 48
BAR_HEIGHT = 0.7


def _statement_label(item_id: str, item_type: str, texts: dict[str, str]) -> str:
    text = texts.get(item_id) or item_id
    if item_type == "assessor" and text.lower().startswith("assessor:"):
        text = text.split(":", 1)[1].strip()
        text = text[:1].upper() + text[1:]
    return textwrap.fill(TYPE_TAGS.get(item_type, f"[{item_type}] ") + text, WRAP)


def segments(row: pd.Series) -> list[tuple[str, int, float, float]]:
    """(part, level, left, width) in percent for one item's counts; zero widths omitted.

    ``part`` is "1", "2", "3-left", "3-right", "4", "5". Levels 1-2 and the left half of 3
    run leftwards from zero, the right half of 3 and levels 4-5 rightwards.
    """
    n = int(row["n"])
    if n == 0:
        return []
    pct = {level: 100.0 * row[f"n_{level}"] / n for level in LIKERT_LEVELS}
    half = pct[NEUTRAL] / 2
    out = []
    edge = -half
    for level in sorted((lv for lv in LIKERT_LEVELS if lv < NEUTRAL), reverse=True):
        edge -= pct[level]
        out.append((str(level), level, edge, pct[level]))
    out.append((f"{NEUTRAL}-left", NEUTRAL, -half, half))
    out.append((f"{NEUTRAL}-right", NEUTRAL, 0.0, half))
    edge = half
    for level in (lv for lv in LIKERT_LEVELS if lv > NEUTRAL):
        out.append((str(level), level, edge, pct[level]))
        edge += pct[level]
    return [s for s in out if s[3] > 0]


def _right_note(row: pd.Series) -> str:
    n = int(row["n"])
    if n == 0:
        return "n=0 · no answers"
    k = int(row["n_agree"])
    word = "agree" if row["type"] != "desired" else f"level {AGREE_MIN}-5"
    return f"n={n} · {word} {k}/{n} ({whole_percent(k / n)} %)"


def _empty_figure(message: str, title: str) -> Figure:
    fig = new_figure(8, 2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=FONT_SIZE + 1, style="italic")
    return fig


def likert_figure(
    answers: pd.DataFrame,
    area: str,
    instrument: pd.DataFrame | None = None,
    *,
    note: str | None = None,
    min_cell: int = 0,
) -> Figure:
    """The area's Figure: diverging stacked bars of every item's 1-5 answers.

    Labels are the instrument's statements (``text``; item_id without an instrument). At
    the right of each bar: "n=… · agree k/n (xx %)". An item nobody answered keeps its row,
    marked "no answers"; an area with no items in ``answers`` gives a figure saying so.
    ``note`` is printed under the legend (e.g. that the answers are reconstructed). Items
    answered by fewer than ``min_cell`` managers are not drawn but marked "suppressed (n < k)".
    """
    number = AREA_FIGURE.get(area)
    title = f"Figure {number}: {area_label(area)}" if number else area_label(area)
    subset = answers[(answers["area"] == area) & answers["type"].isin(TYPE_ORDER)]
    if subset.empty:
        return _empty_figure(f"No items of area '{area}' in these answers.", title)

    stats = item_stats(subset)
    stats["_t"] = stats["type"].map({t: i for i, t in enumerate(TYPE_ORDER)})
    stats = stats.sort_values("_t", kind="stable").reset_index(drop=True)
    texts = {}
    if instrument is not None and "text" in instrument:
        texts = dict(zip(instrument["item_id"], instrument["text"].fillna("")))
    n_resp = subset.loc[subset["value"].notna(), "respondent_id"].nunique()

    rows = len(stats)
    fig = new_figure(11, 1.9 + 0.62 * rows)
    ax = fig.add_subplot()
    for y, row in stats.iterrows():
        if 0 < int(row["n"]) < min_cell:
            marker = f"suppressed (n < {min_cell})"
            ax.text(0, y, marker, ha="center", va="center", fontsize=FONT_SIZE, style="italic",
                    color="0.35", bbox=dict(facecolor="white", edgecolor="none", pad=2))
            ax.text(1.01, y, marker, transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=FONT_SIZE, clip_on=False)
            continue
        for part, level, left, width in segments(row):
            bar = ax.barh(y, width, left=left, height=BAR_HEIGHT, color=LEVEL_COLORS[level],
                          edgecolor="white", linewidth=0.6)
            bar.patches[0].set_gid(f"seg|{row['item_id']}|{part}")
        if int(row["n"]) == 0:
            ax.text(0, y, "no answers", ha="center", va="center", fontsize=FONT_SIZE, style="italic",
                    color="0.35", bbox=dict(facecolor="white", edgecolor="none", pad=2))
        ax.text(1.01, y, _right_note(row), transform=ax.get_yaxis_transform(), ha="left",
                va="center", fontsize=FONT_SIZE, clip_on=False)

    kinds = list(stats["type"])
    for y in range(1, rows):
        if kinds[y] != kinds[y - 1]:
            ax.axhline(y - 0.5, color="0.6", linewidth=0.8, linestyle="--")
    ax.axvline(0, color="0.25", linewidth=0.9)
    ax.set_yticks(range(rows), [_statement_label(i, t, texts) for i, t in zip(stats["item_id"], stats["type"])],
                  fontsize=FONT_SIZE)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(-100, 100)
    ticks = [-100, -75, -50, -25, 0, 25, 50, 75, 100]
    ax.set_xticks(ticks, [f"{abs(t)} %" if t else "0" for t in ticks], fontsize=FONT_SIZE)
    ax.set_xlabel("← disagree      % of managers who answered      agree →", fontsize=FONT_SIZE)
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)

    who = "1 manager answered (one person's answers)" if n_resp == 1 else f"{n_resp} managers answered"
    ax.set_title(f"{title}\n", loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    ax.set_title(f"{who}; half of the neutral answers (3) drawn on each side of zero",
                 loc="right", fontsize=FONT_SIZE, color="0.3")
    handles = [Patch(facecolor=LEVEL_COLORS[lv], edgecolor="0.5", linewidth=0.4, label=LEVEL_LABELS[lv])
               for lv in LIKERT_LEVELS]
    # Anchored a fixed distance below the axis (past tick labels and x label) so the layout
    # engine reserves room for it and an optional note can sit underneath.
    below = offset_copy(ax.transAxes, fig=fig, y=-34, units="points")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below,
              ncol=len(handles), frameon=False, fontsize=FONT_SIZE)
    if note:
        fig.supxlabel(note, x=0.01, ha="left", fontsize=FONT_SIZE - 1, color="0.4")
    return fig
