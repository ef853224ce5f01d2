"""The whole roadmap analysis of one network as one value: scenarios, summary, sensitivity
and the five stage tables. ``analyse`` is pure given its inputs; reading files and writing
results live in :mod:`.pipeline` and :mod:`.report`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from . import measures, stages
from .network import Network
from .readiness import READINESS_COLUMNS
from .scenarios import SCENARIOS, Parameters, as_is, it_actor, restricted_flows, route_scenario

SERVICES_PATH = config.ROADMAP_DIR / "it_actor_services.csv"
SERVICE_COLUMNS = ("service_id", "service", "link_kinds", "quote")


@dataclass(frozen=True)
class Roadmap:
    """Everything the command writes and the notebook shows, for one network and parameters."""

    network: Network
    parameters: Parameters
    it_actor: str
    it_actor_added: bool
    flows: dict            # scenario -> flow table (flows.csv)
    summary: pd.DataFrame  # one row per scenario, measures.SUMMARY_COLUMNS
    sensitivity: pd.DataFrame
    stage1: pd.DataFrame
    stage2_links: pd.DataFrame
    stage2_channels: pd.DataFrame
    stage3_strategies: pd.DataFrame
    stage3_links: pd.DataFrame
    stage4_information: pd.DataFrame
    stage4_readiness: pd.DataFrame
    stage5: pd.DataFrame
    services: pd.DataFrame | None
    readiness_label: str

    def parameters_table(self) -> pd.DataFrame:
        """The parameters used, with their defaults, so a result can be traced and redone."""
        from .scenarios import PLATFORM_DELAY_DAYS, PLATFORM_RETENTION

        p = self.parameters
        return pd.DataFrame([
            {"parameter": "platform_retention", "value": f"{p.platform_retention:g}",
             "default": f"{PLATFORM_RETENTION:g}", "meaning": "retention of each platform channel (actor - IT-actor); an assumption to vary"},
            {"parameter": "platform_delay", "value": f"{p.platform_delay:g}",
             "default": f"{PLATFORM_DELAY_DAYS:g}", "meaning": "delay in days of each platform channel; an assumption to vary"},
            {"parameter": "relay_retention", "value": "as in links.csv" if p.relay_retention is None else f"{p.relay_retention:g}",
             "default": "as in links.csv", "meaning": "retention set on every existing channel touching the CDC"},
            {"parameter": "it_actor", "value": self.it_actor + (" (added by the model)" if self.it_actor_added else " (actors.csv)"),
             "default": "added when actors.csv has none", "meaning": "the information and analytical centre"},
            {"parameter": "readiness", "value": self.readiness_label, "default": "all managers of the shipped survey",
             "meaning": "stage IV readiness of the management company (CDC)"},
            {"parameter": "sensitivity_grid", "value": " ".join(f"{r:.2f}" for r in measures.SENSITIVITY_GRID),
             "default": "0.50 to 1.00 by 0.05", "meaning": "relay retentions of the sensitivity table"},
        ])


def load_services(path: Path = SERVICES_PATH) -> pd.DataFrame:
    """The six IT-actor services of the paper (data/raw/roadmap/it_actor_services.csv)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in SERVICE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return frame


def empty_readiness() -> pd.DataFrame:
    return pd.DataFrame(columns=list(READINESS_COLUMNS))


def analyse(
    network: Network,
    parameters: Parameters = Parameters(),
    readiness: pd.DataFrame | None = None,
    readiness_label: str = "not measured",
    services: pd.DataFrame | None = None,
) -> Roadmap:
    """Route every flow in the three scenarios and build the summary, the sensitivity table
    and the five stage tables."""
    it_id, added = it_actor(network)
    runs = measures.scenario_tables(network, parameters)
    tables = {name: runs[name][1] for name in SCENARIOS}
    central = {name: measures.betweenness(runs[name][0]) for name in SCENARIOS}
    summary = measures.summary_table(
        [measures.summary_row(name, runs[name][0], tables[name], network.cdc, it_id) for name in SCENARIOS]
    )
    as_is_routes = route_scenario(network, as_is(network, parameters))
    pinned = restricted_flows(network, as_is_routes)

    stage1 = stages.stage1_participants(network, tables, central)
    links = stages.stage2_links(network, tables["as_is"], tables["digital"])
    channels = stages.stage2_channels(network, tables["as_is"], tables["digital"])
    strategies = stages.stage3_strategies(network, services)
    links3 = stages.stage3_links(network, links, tables["digital"], tables["admissible"], pinned)
    order = stages.decision_order(network, tables["as_is"], tables["admissible"], pinned)
    realised = stages.realisation(network, parameters, as_is_routes, order)
    retained = dict(zip(summary["scenario"], summary["retained_volume"]))
    readiness = readiness if readiness is not None else empty_readiness()
    stage5 = stages.stage5_sequence(network, links, links3, order, realised, retained,
                                    readiness if not readiness.empty else None, readiness_label)
    steps: dict[str, int] = {}
    for step, stage, actor in stage5[["step", "stage", "actor"]].itertuples(index=False):
        if stage == "V":
            steps.setdefault(actor, int(step))
    stage4 = stages.stage4_information(network, tables["as_is"], tables["admissible"], order, steps,
                                       readiness if not readiness.empty else None, readiness_label)
    return Roadmap(
        network=network, parameters=parameters, it_actor=it_id, it_actor_added=added,
        flows=tables, summary=summary, sensitivity=measures.sensitivity(network, parameters),
        stage1=stage1, stage2_links=links, stage2_channels=channels, stage3_strategies=strategies,
        stage3_links=links3, stage4_information=stage4, stage4_readiness=readiness, stage5=stage5,
        services=services, readiness_label=readiness_label,
    )
