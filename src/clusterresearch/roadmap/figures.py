"""Figures of the roadmap: the network by actor type as-is and digital, retention and delay
per scenario, the sensitivity to the relay's retention, and the ranked links of stage II.

Built as pyplot-free ``Figure`` objects on an Agg canvas (``figures._common.new_figure``)
and saved with ``figures.save.save_figure`` (fixed dpi, fixed SVG hash salt, no timestamp
or version in the metadata), so two runs give identical PNG and SVG bytes. The network
layout is networkx's shell layout - the CDC and the IT-actor inside, every other actor on
the outer ring ordered by type then id - which involves no randomness at all.

Every figure takes an ``analysis.Model`` (a ``Roadmap`` is one): none depends on the survey
scope, so ``reproduce`` draws them once per worker (:func:`draw_ahead`) for all its reports.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..figures._common import FONT_SIZE, new_figure
from ..figures.save import render
from .network import ACTOR_TYPES, LINK_KINDS
from .routes import PLATFORM, channel_key, format_route
from .scenarios import SCENARIO_TITLES, SCENARIOS
from .stages import TYPE_GROUPS, channel_volumes

# Enterprises in shades of one blue by size; regulators in reds; the IT-actor and its
# platform channels share one amber so the platform reads as the IT-actor's.
TYPE_COLORS = {
    "enterprise_large": "#1f4e79",
    "enterprise_medium": "#4f81bd",
    "enterprise_small": "#9dc3e6",
    "science_education": "#70ad47",
    "public_authority": "#c00000",
    "local_government": "#f4a6a6",
    "nonprofit": "#b4a7d6",
    "cdc": "#7f7f7f",
    "it_actor": "#ffb000",
}
KIND_COLORS = {
    "communication": "#595959",
    "data_storage": "#7030a0",
    "contractor_network": "#2e8b57",
    PLATFORM: "#ffb000",
}
KIND_STYLES = {"communication": "-", "data_storage": "--", "contractor_network": ":", PLATFORM: "-"}
SCENARIO_COLORS = dict(zip(SCENARIOS, sns.color_palette("colorblind", 3)))


def _text_color(actor_type: str) -> str:
    r, g, b = to_rgb(TYPE_COLORS[actor_type])
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def layout(actors: pd.DataFrame) -> dict[str, np.ndarray]:
    """Deterministic positions: CDC and IT-actor inside, the others on a ring by type, id."""
    rank = {t: i for i, t in enumerate(ACTOR_TYPES)}
    types = dict(zip(actors["actor_id"], actors["type"]))
    inner = [a for a, t in types.items() if t in ("cdc", "it_actor")]
    outer = sorted((a for a, t in types.items() if t not in ("cdc", "it_actor")), key=lambda a: (rank[types[a]], a))
    shells = [s for s in (inner, outer) if s]
    if len(inner) == 2:
        pos = nx.shell_layout(nx.empty_graph(inner + outer), nlist=shells)
        for k, actor in enumerate(inner):  # the centre pair one above the other
            pos[actor] = np.array([0.0, 0.2 - 0.4 * k])
        return pos
    return nx.shell_layout(nx.empty_graph(inner + outer), nlist=shells)


def _draw_network(ax, roadmap, scenario: str, pos: dict) -> None:
    parts = roadmap.stage1[["actor_id", "type"]]
    shown = parts if scenario != "as_is" or not roadmap.it_actor_added else parts[parts["actor_id"] != roadmap.it_actor]
    table = roadmap.flows[scenario]
    carried = channel_volumes(table)
    edges = [(s, t, k) for s, t, k in roadmap.network.links[["source", "target", "kind"]].itertuples(index=False)]
    if scenario != "as_is":
        edges += [(a, roadmap.it_actor, PLATFORM) for a in shown["actor_id"] if a != roadmap.it_actor]
    top = max(carried.values(), default=1.0) or 1.0
    for kind in LINK_KINDS + (PLATFORM,):
        segs, widths = [], []
        for s, t, k in edges:
            if k != kind or s not in pos or t not in pos:
                continue
            segs.append([pos[s], pos[t]])
            widths.append(0.6 + 4.0 * carried.get(channel_key(s, t, k), 0.0) / top)
        if segs:
            ax.add_collection(LineCollection(
                segs, linewidths=widths, colors=[KIND_COLORS[kind]], linestyles=KIND_STYLES[kind],
                alpha=0.7 if kind == PLATFORM else 0.8, zorder=1,
            ))
    for actor, actor_type in shown.itertuples(index=False):
        x, y = pos[actor]
        ax.scatter([x], [y], s=420, color=TYPE_COLORS[actor_type], edgecolors="white", linewidths=1.2, zorder=2)
        ax.text(x, y, actor, ha="center", va="center", fontsize=FONT_SIZE - 2, color=_text_color(actor_type), zorder=3)
    m = table["retention"].to_numpy()
    w = table["volume"].to_numpy()
    ax.set_title(f"{SCENARIO_TITLES[scenario]}: retention {np.dot(m, w) / w.sum():.3f}", fontsize=FONT_SIZE + 1)
    ax.set_xlim(-1.25, 1.25)
    ax.set_ylim(-1.25, 1.25)
    ax.set_aspect("equal")
    ax.axis("off")


def network_figure(roadmap, scenarios=("as_is", "digital")) -> Figure:
    """The network drawn by actor type, one panel per scenario; a channel's width grows with
    the volume its routes carry, its colour and dash give its kind."""
    fig = new_figure(5.2 * len(scenarios), 6.0)
    axes = fig.subplots(1, len(scenarios))
    axes = np.atleast_1d(axes)
    pos = layout(roadmap.stage1[["actor_id", "type"]])
    for ax, scenario in zip(axes, scenarios):
        _draw_network(ax, roadmap, scenario, pos)
    present = [t for t in ACTOR_TYPES if t in set(roadmap.stage1["type"])]
    handles = [Line2D([], [], marker="o", linestyle="", markersize=9, color=TYPE_COLORS[t], label=TYPE_GROUPS[t])
               for t in present]
    handles += [Line2D([], [], color=KIND_COLORS[k], linestyle=KIND_STYLES[k], linewidth=2, label=f"{k} channel")
                for k in LINK_KINDS + (PLATFORM,)]
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=FONT_SIZE - 1, frameon=False)
    return fig


def retention_delay_figure(roadmap) -> Figure:
    """Volume-weighted retention and delay per scenario (bars), with each flow as a dot
    whose area grows with its volume."""
    fig = new_figure(9.0, 4.0)
    axes = fig.subplots(1, 2)
    summary = roadmap.summary.set_index("scenario")
    for ax, column, title, fmt in (
        (axes[0], "retention", "retention (volume-weighted)", "{:.3f}"),
        (axes[1], "delay_days", "delay, days (volume-weighted)", "{:.2f}"),
    ):
        for i, scenario in enumerate(SCENARIOS):
            value = summary.at[scenario, column]
            ax.bar(i, value, width=0.6, color=SCENARIO_COLORS[scenario], alpha=0.35, zorder=1)
            if not math.isnan(value):  # the weighted mean, written at the foot of its bar
                ax.text(i, 0, fmt.format(value), ha="center", va="bottom", fontsize=FONT_SIZE, fontweight="bold")
            table = roadmap.flows[scenario]
            values = table[column].to_numpy(dtype=float)
            offsets = np.linspace(-0.22, 0.22, len(values)) if len(values) > 1 else np.zeros(len(values))
            sizes = 8 + 60 * table["volume"].to_numpy() / max(table["volume"].max(), 1e-12)
            ax.scatter(i + offsets, values, s=sizes, color=SCENARIO_COLORS[scenario], edgecolors="white",
                       linewidths=0.4, zorder=2)
        ax.set_xticks(range(len(SCENARIOS)), [SCENARIO_TITLES[s].replace(", ", ",\n") for s in SCENARIOS],
                      fontsize=FONT_SIZE)
        ax.set_title(title, fontsize=FONT_SIZE + 1)
        ax.grid(axis="y", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_ylim(0, 1.05)
    return fig


def sensitivity_figure(roadmap) -> Figure:
    """Retention per scenario against the relay's retention (every channel touching the CDC
    set to it); the dotted lines mark each scenario with links.csv as given."""
    table = roadmap.sensitivity
    fig = new_figure(9.0, 4.0)
    axes = fig.subplots(1, 2)
    summary = roadmap.summary.set_index("scenario")
    for scenario in SCENARIOS:
        rows = table[table["scenario"] == scenario]
        color = SCENARIO_COLORS[scenario]
        axes[0].plot(rows["relay_retention"], rows["retention"], marker="o", markersize=3.5, color=color,
                     label=SCENARIO_TITLES[scenario])
        axes[0].axhline(summary.at[scenario, "retention"], color=color, linestyle=":", linewidth=1)
        axes[1].plot(rows["relay_retention"], rows["cdc_relayed_share"], marker="o", markersize=3.5, color=color,
                     label=SCENARIO_TITLES[scenario])
    axes[0].set_ylabel("retention (volume-weighted)", fontsize=FONT_SIZE)
    axes[1].set_ylabel("share of the volume the CDC relays", fontsize=FONT_SIZE)
    for ax in axes:
        ax.set_xlabel("relay retention (every channel touching the CDC)", fontsize=FONT_SIZE)
        ax.set_ylim(0, 1.05)
        ax.grid(color="0.9", linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].legend(fontsize=FONT_SIZE - 1, frameon=False, loc="lower right")
    return fig


def ranked_links_figure(roadmap, top: int = 25) -> Figure:
    """Stage II: the links subject to digitalization by retained volume gained, digital
    (light) and within the stage III restrictions (dark), and the volume-days saved."""
    links = roadmap.stage3_links.head(top)
    rows = max(len(links), 1)
    fig = new_figure(10.0, 1.2 + 0.28 * rows)
    axes = fig.subplots(1, 2, sharey=True)
    if links.empty:
        for ax in axes:
            ax.text(0.5, 0.5, "no link gains from the platform", ha="center", va="center", transform=ax.transAxes)
            ax.axis("off")
        return fig
    labels = [f"{r}. {format_route((s, t))} ({k})" for r, s, t, k in
              links[["rank", "source", "target", "kind"]].itertuples(index=False)]
    y = np.arange(len(links))
    for ax, digital, admissible, title in (
        (axes[0], "retained_volume_gain_digital", "retained_volume_gain_admissible", "retained volume gained"),
        (axes[1], "volume_days_saved_digital", "volume_days_saved_admissible", "volume-days saved"),
    ):
        ax.barh(y, links[digital].fillna(0), height=0.75, color=SCENARIO_COLORS["digital"], alpha=0.35,
                label=SCENARIO_TITLES["digital"])
        ax.barh(y, links[admissible].fillna(0), height=0.45, color=SCENARIO_COLORS["admissible"],
                label=SCENARIO_TITLES["admissible"])
        ax.axvline(0, color="0.4", linewidth=0.6)
        ax.set_title(title, fontsize=FONT_SIZE + 1)
        ax.grid(axis="x", color="0.9", linewidth=0.6)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    axes[0].set_yticks(y, labels, fontsize=FONT_SIZE - 1)
    axes[0].set_ylim(len(links) - 0.5, -0.5)
    axes[1].legend(fontsize=FONT_SIZE - 1, frameon=False, loc="lower right")
    return fig


FIGURES = {
    "network": network_figure,
    "retention_delay": retention_delay_figure,
    "sensitivity": sensitivity_figure,
    "ranked_links": ranked_links_figure,
}


FIGURES = {
    "network": network_figure,
    "retention_delay": retention_delay_figure,
    "sensitivity": sensitivity_figure,
    "ranked_links": ranked_links_figure,
}


def draw_ahead(model) -> None:
    """Draw every figure of ``model`` into ``model.figures`` (name -> ``save.Rendered``)."""
    for name, draw in FIGURES.items():
        model.figures[name] = render(draw(model))
