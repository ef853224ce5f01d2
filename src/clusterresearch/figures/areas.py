"""Across-area figures: the area overview (mean with its interval) and the desired-vs-existing gap.

Both take plain tables with documented columns rather than calling the metrics, so any
scope (all managers, a country, a cluster) and any interval method can be drawn. The
intervals are drawn as given; the project passes the t-interval of the mean area index
over managers (``metrics.area_stats``: index_mean, index_ci_low, index_ci_high,
n_respondents), which is undefined - and so not drawn - for a single manager.
"""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ._common import FONT_SIZE, new_figure

OVERVIEW_COLUMNS = ("area", "mean", "ci_low", "ci_high", "n")
GAP_COLUMNS = ("area", "existing", "desired", "gap")
EXISTING_COLOR, DESIRED_COLOR = sns.color_palette("colorblind", 2)


def _check(table: pd.DataFrame, columns, name: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} needs columns {list(columns)}; missing {missing}")


def _area_rows(table: pd.DataFrame) -> list[str]:
    """Areas in the table's order (the study's order, as the metrics return them)."""
    return list(pd.unique(table["area"]))


def _scale_axis(ax, rows: int, labels: list[str], span: tuple[float, float]) -> None:
    low, high = span
    pad = (high - low) / 40
    ax.set_xlim(low - pad, high + pad)
    if high - low <= 10:
        ax.set_xticks(list(range(int(low), int(high) + 1)))
    ax.set_ylim(rows - 0.5, -0.5)
    ax.set_yticks(range(rows), labels, fontsize=FONT_SIZE)
    ax.grid(axis="x", color="0.9", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _empty(title: str) -> Figure:
    fig = new_figure(8, 2)
    ax = fig.add_subplot()
    ax.set_axis_off()
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    ax.text(0.5, 0.5, "No areas in this table.", ha="center", va="center", style="italic")
    return fig


def overview_figure(area_table: pd.DataFrame, *, title: str = "Mean area index by area",
                    labels: dict[str, str] | None = None, span: tuple[float, float] = (1, 5),
                    unit: str = "the 1-5 scale") -> Figure:
    """Area means with their intervals on the 1-5 scale, one row per area (paper's order).

    Columns: ``area``, ``mean``, ``ci_low``, ``ci_high`` (NaN = no interval, e.g. n = 1),
    ``n``; optional ``group`` draws one dodged point per group (e.g. PL and LT).
    """
    _check(area_table, OVERVIEW_COLUMNS, "overview_figure")
    if area_table.empty:
        return _empty(title)
    areas = _area_rows(area_table)
    grouped = "group" in area_table.columns
    groups = list(pd.unique(area_table["group"])) if grouped else [None]
    colors = dict(zip(groups, sns.color_palette("colorblind", max(len(groups), 1))))
    step = 0.6 / max(len(groups), 1)
    offsets = {g: (i - (len(groups) - 1) / 2) * step for i, g in enumerate(groups)}

    fig = new_figure(9, 1.5 + 0.45 * len(areas) * (1 + 0.4 * (len(groups) - 1)))
    ax = fig.add_subplot()
    for _, row in area_table.iterrows():
        g = row["group"] if grouped else None
        y = areas.index(row["area"]) + offsets[g]
        mean, low, high, n = row["mean"], row["ci_low"], row["ci_high"], row["n"]
        if pd.notna(low) and pd.notna(high):
            ax.plot([low, high], [y, y], color=colors[g], linewidth=1.6, solid_capstyle="butt")
            ax.plot([low, high], [y, y], linestyle="none", marker="|", markersize=7, color=colors[g])
        if pd.notna(mean):
            ax.plot([mean], [y], marker="o", markersize=6, color=colors[g], linestyle="none")
        n = int(n) if pd.notna(n) else 0
        if n == 0 or pd.isna(mean):
            note = "no answers"
        elif pd.isna(low) or pd.isna(high):
            note = f"n={n} · no interval"
        else:
            note = f"n={n} · {mean:.2f} ({low:.2f}-{high:.2f})"
        prefix = f"{g}: " if grouped else ""
        ax.text(1.01, y, prefix + note, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=FONT_SIZE - (1 if grouped else 0), color=colors[g] if grouped else "black",
                clip_on=False)
    _scale_axis(ax, len(areas), [(labels or {}).get(a, a) for a in areas], span)
    ax.set_xlabel(f"mean on {unit}, with 95 % interval", fontsize=FONT_SIZE)
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    if grouped:
        handles = [Line2D([], [], color=colors[g], marker="o", linewidth=1.6, label=str(g)) for g in groups]
        fig.legend(handles=handles, loc="outside lower center", ncol=len(groups), frameon=False,
                   fontsize=FONT_SIZE)
    return fig


def gap_figure(gap_table: pd.DataFrame, *, title: str = "Desired vs existing level by area",
               labels: dict[str, str] | None = None, span: tuple[float, float] = (1, 5),
               unit: str = "the 1-5 scale") -> Figure:
    """Existing level (area index) and desired level per area joined by a line; the gap
    (desired minus existing) is written at the right.

    Columns: ``area``, ``existing``, ``desired``, ``gap``; optional ``n`` is shown.
    """
    _check(gap_table, GAP_COLUMNS, "gap_figure")
    if gap_table.empty:
        return _empty(title)
    areas = _area_rows(gap_table)
    fig = new_figure(9, 1.7 + 0.45 * len(areas))
    ax = fig.add_subplot()
    for _, row in gap_table.iterrows():
        y = areas.index(row["area"])
        existing, desired, gap = row["existing"], row["desired"], row["gap"]
        if pd.notna(existing) and pd.notna(desired):
            ax.plot([existing, desired], [y, y], color="0.6", linewidth=2.2, zorder=1)
        ax.plot([existing], [y], marker="o", markersize=7, color=EXISTING_COLOR, linestyle="none", zorder=2)
        ax.plot([desired], [y], marker="D", markersize=6, color=DESIRED_COLOR, linestyle="none", zorder=2)
        text = f"gap {gap:+.2f}" if pd.notna(gap) else "no gap (missing level)"
        if "n" in gap_table.columns and pd.notna(row["n"]):
            text += f" · n={int(row['n'])}"
        ax.text(1.01, y, text, transform=ax.get_yaxis_transform(), ha="left", va="center",
                fontsize=FONT_SIZE, clip_on=False)
    _scale_axis(ax, len(areas), [(labels or {}).get(a, a) for a in areas], span)
    ax.set_xlabel(f"mean level on {unit}; gap = desired minus existing", fontsize=FONT_SIZE)
    ax.set_title(title, loc="left", fontsize=FONT_SIZE + 2, fontweight="bold")
    handles = [
        Line2D([], [], color=EXISTING_COLOR, marker="o", linestyle="none", label="existing (area index)"),
        Line2D([], [], color=DESIRED_COLOR, marker="D", linestyle="none", label="desired level"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncol=2, frameon=False, fontsize=FONT_SIZE)
    return fig
