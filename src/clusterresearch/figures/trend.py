"""The trend of an ordered grouping (waves, years): per area, the agree share of each group
in order, with its 95 % interval as a band and n under each point.

Takes a plain table (one row per area x group, in the grouping's order) so any interval
method can be drawn: Wilson for an unweighted study, the design-based logit interval for a
weighted one (`metrics.design`). A group without answers leaves a gap, not a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from ._common import FONT_SIZE, new_figure

TREND_COLUMNS = ("area", "group", "share", "low", "high", "n")
COLOR = sns.color_palette("colorblind", 1)[0]


def trend_figure(table: pd.DataFrame, *, grouping: str, titles: dict[str, str] | None = None,
                 weighted_by: str | None = None) -> Figure:
    """One panel per area (rows of ``table`` in the grouping's order): the agree share of
    each group (in %), its interval band, n under the axis. ``grouping`` is the grouping's
    label ("Survey year"); ``titles`` area -> title."""
    missing = [c for c in TREND_COLUMNS if c not in table.columns]
    if missing:
        raise ValueError(f"trend_figure needs columns {list(TREND_COLUMNS)}; missing {missing}")
    areas = list(pd.unique(table["area"]))
    groups = list(pd.unique(table["group"]))
    panels = max(len(areas), 1)
    fig = new_figure(max(6.0, 0.45 * len(groups) + 3), 1.9 * panels + 0.6)
    axes = fig.subplots(panels, 1, squeeze=False, sharex=True)[:, 0]
    x = np.arange(len(groups))
    for ax, area in zip(axes, areas):
        rows = table[table["area"] == area].set_index("group").reindex(groups)
        share = rows["share"].to_numpy(dtype=float) * 100
        ax.fill_between(x, rows["low"].to_numpy(dtype=float) * 100, rows["high"].to_numpy(dtype=float) * 100,
                        color=COLOR, alpha=0.2, linewidth=0)
        ax.plot(x, share, color=COLOR, marker="o", markersize=3.5, linewidth=1.4)
        ax.set_ylim(0, 100)
        ax.set_yticks([0, 50, 100])
        ax.set_ylabel("agree %", fontsize=FONT_SIZE)
        ax.set_title((titles or {}).get(area, area), loc="left", fontsize=FONT_SIZE + 1, fontweight="bold")
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        counts = rows["n"].fillna(0).astype(int).to_numpy()
        for xi, count in zip(x, counts):
            ax.annotate(f"n={count}", (xi, 0), xytext=(0, 2), textcoords="offset points", ha="center",
                        va="bottom", fontsize=FONT_SIZE - 2, color="0.35")
    axes[-1].set_xticks(x, [str(g) for g in groups], fontsize=FONT_SIZE, rotation=45 if len(groups) > 12 else 0)
    axes[-1].set_xlabel(grouping, fontsize=FONT_SIZE)
    note = f" (weighted by {weighted_by})" if weighted_by else ""
    fig.suptitle(f"Agree share by {grouping.lower()}{note}, with 95 % intervals", fontsize=FONT_SIZE + 2,
                 x=0.01, ha="left")
    return fig


def trend_alt(table: pd.DataFrame, grouping: str) -> str:
    """Alt text naming the grouping, its first and last group and the areas."""
    groups = [str(g) for g in pd.unique(table["group"])]
    areas = len(pd.unique(table["area"]))
    span = f"from {groups[0]} to {groups[-1]}" if groups else "no groups"
    return (f"Line chart: the agree share of each of {areas} areas by {grouping}, {span} "
            f"({len(groups)} groups), with 95 % interval bands and the number of answers of each group.")
