"""What a scenario achieves: volume-weighted retention and delay, relaying, betweenness,
and the sensitivity of the result to the relay's retention. Pure functions.

Definitions (``v`` volume, ``r`` retention, ``d`` delay of a flow's chosen route):

- ``retention``: sum(v r) / sum(v); a flow with no route counts with r = 0 (nothing arrives);
- ``delay_days``: sum(v d) / sum(v) over the flows that have a route (a lost flow has no delay);
- ``retained_volume`` sum(v r) and ``lost_volume`` sum(v) - sum(v r), in the unit of volume;
- ``volume_days``: sum(v d), the volume-weighted waiting the routes impose;
- ``platform_share``: share of the volume whose route uses a platform channel;
- ``cdc_relayed_share``: share of the volume the CDC relays (it is inside the route, not
  at an end), the model's own measure of the CDC as a relay;
- ``cdc_betweenness`` / ``it_betweenness``: networkx's normalised betweenness centrality
  of the actor in the graph of all channels of the scenario (any kind, unweighted), the
  usual network measure of brokerage.
"""

from __future__ import annotations

import math
from typing import Sequence

import networkx as nx
import numpy as np
import pandas as pd

from .network import Network
from .scenarios import SCENARIOS, Parameters, Scenario, route_all

# Relay retentions of the sensitivity table: 0.50 to 1.00 in steps of 0.05.
SENSITIVITY_GRID: tuple[float, ...] = tuple(round(0.5 + 0.05 * i, 2) for i in range(11))
SUMMARY_COLUMNS = (
    "scenario", "flows", "volume", "unrouted_flows", "unrouted_volume", "retention", "delay_days",
    "retained_volume", "lost_volume", "volume_days", "mean_hops", "platform_share",
    "cdc_relayed_share", "cdc_betweenness", "it_betweenness",
)


def _relayed_by(table: pd.DataFrame, actor: str | None) -> np.ndarray:
    if actor is None:
        return np.zeros(len(table), dtype=bool)
    return np.array([actor in relays for relays in table["relays"]], dtype=bool)


def flow_measures(table: pd.DataFrame, cdc: str | None) -> dict[str, float]:
    """The volume-weighted measures of one flow table (see the module doc)."""
    volume = table["volume"].to_numpy(dtype=float)
    retention = table["retention"].to_numpy(dtype=float)
    routed = np.array([bool(route) for route in table["route"]], dtype=bool)
    delay = table["delay_days"].to_numpy(dtype=float)
    hops = table["hops"].to_numpy(dtype=float, na_value=np.nan)
    total = volume.sum()
    routed_volume = volume[routed].sum()
    via_platform = table["via_platform"].to_numpy(dtype=bool)
    retained = float(np.dot(volume, retention))
    volume_days = float(np.dot(volume[routed], delay[routed]))
    return {
        "flows": int(len(table)),
        "volume": float(total),
        "unrouted_flows": int((~routed).sum()),
        "unrouted_volume": float(volume[~routed].sum()),
        "retention": retained / total if total else math.nan,
        "delay_days": volume_days / routed_volume if routed_volume else math.nan,
        "retained_volume": retained,
        "lost_volume": float(total - retained),
        "volume_days": volume_days,
        "mean_hops": float(np.dot(volume[routed], hops[routed]) / routed_volume) if routed_volume else math.nan,
        "platform_share": float(volume[via_platform].sum() / total) if total else math.nan,
        "cdc_relayed_share": float(volume[_relayed_by(table, cdc)].sum() / total) if total else math.nan,
    }


def channel_graph(scenario: Scenario) -> nx.Graph:
    """The scenario's actors joined where at least one channel of any kind joins them."""
    graph = nx.Graph()
    graph.add_nodes_from(scenario.actors)
    graph.add_edges_from((c.source, c.target) for c in scenario.channels)
    return graph


def betweenness(scenario: Scenario) -> dict[str, float]:
    """Normalised betweenness centrality of every actor in the scenario's channel graph."""
    return nx.betweenness_centrality(channel_graph(scenario), normalized=True)


def relayed_volume(table: pd.DataFrame) -> dict[str, float]:
    """Per actor, the volume of the flows it relays (it is inside their route)."""
    relayed: dict[str, float] = {}
    for relays, volume in zip(table["relays"], table["volume"]):
        for actor in relays:
            relayed[actor] = relayed.get(actor, 0.0) + float(volume)
    return relayed


def summary_row(name: str, scenario: Scenario, table: pd.DataFrame, cdc: str | None, it_id: str) -> dict:
    central = betweenness(scenario)
    row = {"scenario": name, **flow_measures(table, cdc)}
    row["cdc_betweenness"] = central.get(cdc, math.nan) if cdc is not None else math.nan
    row["it_betweenness"] = central.get(it_id, math.nan)
    return row


def summary_table(rows: Sequence[dict]) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=list(SUMMARY_COLUMNS))


def sensitivity(network: Network, parameters: Parameters, grid: Sequence[float] = SENSITIVITY_GRID) -> pd.DataFrame:
    """How the result moves with the relay's retention: one row per relay retention x scenario.

    Each row routes every flow again with ``relay_retention`` set on every channel touching
    the CDC (the platform parameters stay as given). Columns: relay_retention, scenario,
    retention, delay_days, retained_volume, cdc_relayed_share, platform_share, and
    ``gain_over_as_is`` (the scenario's retention minus the as-is one at that relay retention).
    """
    rows = []
    for relay in grid:
        runs = route_all(network, Parameters(parameters.platform_retention, parameters.platform_delay, float(relay)))
        base = None
        for name in SCENARIOS:
            m = flow_measures(runs[name].table, network.cdc)
            base = m["retention"] if name == "as_is" else base
            rows.append({
                "relay_retention": float(relay),
                "scenario": name,
                "retention": m["retention"],
                "delay_days": m["delay_days"],
                "retained_volume": m["retained_volume"],
                "cdc_relayed_share": m["cdc_relayed_share"],
                "platform_share": m["platform_share"],
                "gain_over_as_is": m["retention"] - base,
            })
    return pd.DataFrame(rows)
