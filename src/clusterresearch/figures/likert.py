"""One figure per area: a diverging stacked bar per item, centred between the scale's sides.

Each bar shows the item's answers as percent of those who answered on the scale. The
neutral answers (if the scale has any) are split in half on either side of zero, so the
disagree side runs left and the agree side right and bars stay comparable whatever their
share of neutral answers; a scale without a neutral answer is centred on the boundary
between its sides. Missing codes ("Don't know") are counted beside the bar, never in it.
Colours and the legend come from each item's scale, in the scale's order.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import offset_copy

from ..disclosure import Disclosure
from ..loading.scales import Scale
from ..formatting import whole_percent
from ._common import FONT_SIZE, new_figure

TYPE_ORDER = ("likert", "assessor", "desired")
TYPE_TAGS = {"likert": "", "assessor": "[assessor rating] ", "desired": "[desired level] "}
NEUTRAL_COLOR = (0.82, 0.82, 0.82)
WRAP = 48
BAR_HEIGHT = 0.7


def scale_colors(scale: Scale) -> list[tuple]:
    """One colour per position: reds darkening away from the centre on the disagree side,
    blues on the agree side (seaborn's RdBu), a light grey for neutral answers."""
    low = sum(s == "disagree" for s in scale.sides)
    high = sum(s == "agree" for s in scale.sides)
    m = max(low, high, 1)
    palette = sns.color_palette("RdBu", 2 * m + 1)
    colors, d, a = [], low, 0
    for side in scale.sides:
        if side == "disagree":
            colors.append(palette[m - d])
            d -= 1
        elif side == "agree":
            a += 1
            colors.append(palette[m + a])
        else:
            colors.append(NEUTRAL_COLOR)
    return colors


def segments(row: pd.Series, scale: Scale) -> list[tuple[str, int, float, float]]:
    """(part, position, left, width) in percent for one item's counts; zero widths omitted.

    Disagree positions run leftwards from the neutral block's left edge, agree positions
    rightwards from its right edge; the neutral block is centred on zero.
    """
    n = int(row["n"])
    if n == 0:
        return []
    pct = {p: 100.0 * row[f"n_{p}"] / n for p in range(1, scale.k + 1)}
    sides = dict(zip(range(1, scale.k + 1), scale.sides))
    neutral = sum(pct[p] for p in pct if sides[p] == "neutral")
    out = []
    edge = -neutral / 2
    for p in sorted((p for p in pct if sides[p] == "disagree"), reverse=True):
        edge -= pct[p]
        out.append((str(p), p, edge, pct[p]))
    edge = -neutral / 2
    for p in (p for p in pct if sides[p] == "neutral"):
        out.append((str(p), p, edge, pct[p]))
        edge += pct[p]
    edge = neutral / 2
    for p in (p for p in pct if sides[p] == "agree"):
        out.append((str(p), p, edge, pct[p]))
        edge += pct[p]
    return [s for s in out if s[3] > 0]


def right_note(row: pd.Series, missing: dict[str, int] | None = None) -> str:
    """'n=12 · agree 7/12 (58 %) · Don't know 2' for the text right of a bar."""
    n = int(row["n"])
    extra = "".join(f" · {label} {count}" for label, count in (missing or {}).items())
    if n == 0:
        return "n=0 · no answers" + extra
    k = int(row["n_agree"])
    return f"n={n} · agree {k}/{n} ({whole_percent(k / n)} %)" + extra


def _label(item_id: str, item_type: str, text: str, reverse: bool) -> str:
    if item_type == "assessor" and text.lower().startswith("assessor:"):
        text = text.split(":", 1)[1].strip()
        text = text[:1].upper() + text[1:]
    tag = TYPE_TAGS.get(item_type, f"[{item_type}] ") + ("[reverse-keyed] " if reverse else "")
    return textwrap.fill(tag + (text or item_id), WRAP)


def _empty_figure(message: str, title: str) -> Figure:
    fig = new_figure(8, 2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=FONT_SIZE + 1, style="italic")
    return fig


def likert_figure(stats: pd.DataFrame, scales: dict[str, Scale], *, title: str,
                  texts: dict[str, str] | None = None, reverse: dict[str, bool] | None = None,
                  missing: dict[str, dict[str, int]] | None = None, n_respondents: int = 0,
                  noun: str = "respondents", note: str | None = None,
                  disclosure: Disclosure = Disclosure()) -> Figure:
    """An area's figure from its rows of ``metrics.item_stats`` (scaled items).

    Labels are the instrument's statements (``texts``; item_id without). Right of each bar:
    "n=… · agree k/n (xx %)" and the count of each missing code (``missing``: item ->
    {label: count}). Items answered by respondents ``disclosure`` withholds are not drawn
    but marked with its marker. ``note`` is printed under the legend.
    """
    stats = stats[stats["type"].isin(TYPE_ORDER)]
    if stats.empty:
        return _empty_figure("No items of this area in these answers.", title)
    stats = stats.assign(_t=stats["type"].map({t: i for i, t in enumerate(TYPE_ORDER)}))
    stats = stats.sort_values("_t", kind="stable").reset_index(drop=True)
    texts, reverse, missing = texts or {}, reverse or {}, missing or {}
    used = list(dict.fromkeys(stats["scale"]))
    colors = {s: scale_colors(scales[s]) for s in used}

    rows = len(stats)
    fig = new_figure(11, 1.9 + 0.62 * rows + 0.3 * (len(used) - 1))
    ax = fig.add_subplot()
    bars = []  # (y, width, left, colour, gid) of every segment, drawn in one call
    for y, row in stats.iterrows():
        scale = scales[row["scale"]]
        if int(row["n"]) > 0 and not disclosure.shows(row["n"]):
            marker = disclosure.marker()
            ax.text(0, y, marker, ha="center", va="center", fontsize=FONT_SIZE, style="italic",
                    color="0.35", bbox=dict(facecolor="white", edgecolor="none", pad=2))
            ax.text(1.01, y, marker, transform=ax.get_yaxis_transform(), ha="left", va="center",
                    fontsize=FONT_SIZE, clip_on=False)
            continue
        bars += [(y, width, left, colors[row["scale"]][position - 1], f"seg|{row['item_id']}|{part}")
                 for part, position, left, width in segments(row, scale)]
        if int(row["n"]) == 0:
            ax.text(0, y, "no answers", ha="center", va="center", fontsize=FONT_SIZE, style="italic",
                    color="0.35", bbox=dict(facecolor="white", edgecolor="none", pad=2))
        ax.text(1.01, y, right_note(row, missing.get(row["item_id"])), transform=ax.get_yaxis_transform(),
                ha="left", va="center", fontsize=FONT_SIZE, clip_on=False)

    if bars:
        ys, widths, lefts, fills, gids = zip(*bars)
        drawn = ax.barh(ys, widths, left=lefts, height=BAR_HEIGHT, color=fills, edgecolor="white", linewidth=0.6)
        for patch, gid in zip(drawn.patches, gids):
            patch.set_gid(gid)
    kinds = list(stats["type"])
    for y in range(1, rows):
        if kinds[y] != kinds[y - 1]:
            ax.axhline(y - 0.5, color="0.6", linewidth=0.8, linestyle="--")
    ax.axvline(0, color="0.25", linewidth=0.9)
    labels = [_label(i, t, texts.get(i, ""), bool(reverse.get(i))) for i, t in zip(stats["item_id"], stats["type"])]
    ax.set_yticks(range(rows), labels, fontsize=FONT_SIZE)
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_xlim(-100, 100)
    ticks = [-100, -75, -50, -25, 0, 25, 50, 75, 100]
    ax.set_xticks(ticks, [f"{abs(t)} %" if t else "0" for t in ticks], fontsize=FONT_SIZE)
    ax.set_xlabel(f"← disagree      % of {noun} who answered      agree →", fontsize=FONT_SIZE)
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)

    who = f"1 {noun[:-1] if noun.endswith('s') else noun} answered (one person's answers)" if n_respondents == 1 \
        else f"{n_respondents} {noun} answered"
    ax.set_title(f"{title}\n", loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    ax.set_title(f"{who}; neutral answers split evenly around zero", loc="right", fontsize=FONT_SIZE, color="0.3")
    offset = -34
    for number, scale_id in enumerate(used):  # one legend per scale, in the scale's order
        scale = scales[scale_id]
        handles = [Patch(facecolor=c, edgecolor="0.5", linewidth=0.4, label=f"{code} {label}")
                   for code, label, c in zip(scale.codes, scale.labels, colors[scale_id])]
        below = offset_copy(ax.transAxes, fig=fig, y=offset, units="points")
        legend = ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0), bbox_transform=below,
                           ncol=min(len(handles), 6), frameon=False, fontsize=FONT_SIZE,
                           title=scale_id if len(used) > 1 else None, title_fontsize=FONT_SIZE)
        if number < len(used) - 1:
            ax.add_artist(legend)  # keep it when the next legend takes the axes' legend slot
        offset -= 16 * (1 + (len(handles) - 1) // 6) + (14 if len(used) > 1 else 0)
    if note:
        fig.supxlabel(note, x=0.01, ha="left", fontsize=FONT_SIZE - 1, color="0.4")
    return fig
