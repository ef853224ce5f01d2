"""The whole roadmap analysis of one network as one value: scenarios, summary, sensitivity,
readiness and the five stage tables. ``model`` and ``with_readiness`` are pure given their inputs (a loaded network,
the parameters, a survey scope or None); reading inputs is :mod:`.build`, writing results
:mod:`.pipeline` and :mod:`.report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from ..disclosure import Disclosure
from . import measures, sequence, stages
from .network import SERVICES_PATH, Network
from .readiness import READINESS_COLUMNS, SurveyScope, scope_readiness
from .scenarios import PLATFORM_DELAY_DAYS, PLATFORM_RETENTION, SCENARIOS, Parameters, it_actor, restricted_flows, route_all

SERVICE_COLUMNS = ("service_id", "service", "link_kinds", "quote")
NO_SURVEY = "no survey given"


@dataclass(frozen=True, kw_only=True)
class Model:
    """What one network under one set of parameters gives, whatever the survey scope: the
    routes of every scenario, the summary, the sensitivity and stages I-III. It is the same
    for every scope of a site, so ``reproduce`` builds it once per worker
    (:func:`.build.network_model`, preloaded) and each report adds its scope's readiness.

    ``flows``: scenario -> flow table (routes as data, ``scenarios.flow_table``).
    ``decisions``/``realised``: the order of stage V's decisions and what each realises.
    ``figures``: figure name -> ``figures.save.Rendered``, drawn ahead by the preload (empty
    otherwise); a report uses one only while matplotlib's settings are those it was drawn with.
    """

    network: Network
    parameters: Parameters
    it_actor: str
    it_actor_added: bool
    flows: dict
    summary: pd.DataFrame  # one row per scenario, measures.SUMMARY_COLUMNS
    sensitivity: pd.DataFrame
    stage1: pd.DataFrame
    stage2_links: pd.DataFrame
    stage2_channels: pd.DataFrame
    stage3_strategies: pd.DataFrame
    stage3_links: pd.DataFrame
    services: pd.DataFrame | None
    pinned: dict
    decisions: pd.DataFrame
    realised: list
    figures: dict = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Roadmap(Model):
    """Everything the command writes and the notebook shows: the :class:`Model` of a network
    with the readiness of one survey scope and the stages (IV, V) that use it.

    ``readiness``: the survey scope's readiness (empty without a survey); ``readiness_used``
    False when no survey was given or the scope is below ``min_cell`` (then stages IV and V
    do not use it either).
    """

    stage4_information: pd.DataFrame
    readiness: pd.DataFrame
    stage5: pd.DataFrame
    survey: SurveyScope | None
    readiness_used: bool
    readiness_label: str
    min_cell: int = 0

    @property
    def stage4_readiness(self) -> pd.DataFrame:
        """The readiness table stages IV and V used (empty when none was used)."""
        return self.readiness if self.readiness_used else self.readiness.iloc[0:0]

    def parameters_table(self) -> pd.DataFrame:
        """The parameters used, with their defaults, so a result can be traced and redone."""
        p = self.parameters
        areas = ", ".join(self.readiness["area"]) if not self.readiness.empty else "-"
        threshold = f"{self.readiness['threshold'].iloc[0]:.2f}" if not self.readiness.empty else "-"
        rows = [
            ("network", self.network.name, "the example shipped in data/raw/roadmap",
             "the network folder (its name from network.toml)"),
            ("platform_retention", f"{p.platform_retention:g}", f"{PLATFORM_RETENTION:g}",
             "retention of each platform channel (actor - IT-actor); an assumption to vary"),
            ("platform_delay", f"{p.platform_delay:g}", f"{PLATFORM_DELAY_DAYS:g}",
             "delay in days of each platform channel; an assumption to vary"),
            ("relay_retention", "as in links.csv" if p.relay_retention is None else f"{p.relay_retention:g}",
             "as in links.csv", "retention set on every existing channel touching the CDC"),
            ("it_actor", self.it_actor + (" (added by the model)" if self.it_actor_added else " (actors.csv)"),
             "added when actors.csv has none", "the information and analytical centre"),
            ("survey", self.readiness_label, NO_SURVEY, "the survey scope whose answers give stage IV readiness"),
            ("readiness_areas", areas, "every area of the survey", "declared in network.toml [readiness] areas"),
            ("readiness_threshold", threshold, "the scale's neutral point",
             "declared in network.toml [readiness] threshold; below it a capacity step precedes the decisions"),
            ("sensitivity_grid", " ".join(f"{r:.2f}" for r in measures.SENSITIVITY_GRID), "0.50 to 1.00 by 0.05",
             "relay retentions of the sensitivity table"),
        ]
        return pd.DataFrame(rows, columns=["parameter", "value", "default", "meaning"])


def load_services(path: Path = SERVICES_PATH) -> pd.DataFrame:
    """The six IT-actor services of the paper (data/raw/roadmap/it_actor_services.csv)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in SERVICE_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"{path}: missing columns {missing}")
    return frame


def survey_readiness(network: Network, survey: SurveyScope | None, min_cell: int = 0) -> tuple[pd.DataFrame, bool, str]:
    """The scope's readiness for the network's declared areas and threshold, whether stages
    IV and V may use it (``disclosure.Disclosure(min_cell)`` shows every area's n), and its label."""
    if survey is None:
        return pd.DataFrame(columns=list(READINESS_COLUMNS)), False, NO_SURVEY
    d = network.description
    table = scope_readiness(survey, d.readiness_areas if d else None, d.readiness_threshold if d else None)
    policy = Disclosure(min_cell)  # the one disclosure rule: a number resting on < min_cell respondents is withheld
    shown = all(policy.shows(n) for n in table["n_respondents"])
    label = survey.label + ("" if shown else f": {policy.marker()}")
    return table, shown, label


def model(network: Network, parameters: Parameters = Parameters(), services: pd.DataFrame | None = None) -> Model:
    """Route every flow once per scenario; the summary, the sensitivity table, stages I-III
    and the order of stage V's decisions: everything that does not depend on a survey."""
    it_id, added = it_actor(network)
    runs = route_all(network, parameters)
    tables = {name: runs[name].table for name in SCENARIOS}
    central = {name: measures.betweenness(runs[name].scenario) for name in SCENARIOS}
    summary = measures.summary_table(
        [measures.summary_row(name, runs[name].scenario, tables[name], network.cdc, it_id) for name in SCENARIOS]
    )
    as_is_routes = list(runs["as_is"].routes)
    pinned = restricted_flows(network, as_is_routes)
    links = stages.stage2_links(network, tables["as_is"], tables["digital"])
    order = sequence.decision_order(network, tables["as_is"], tables["admissible"], pinned)
    return Model(
        network=network, parameters=parameters, it_actor=it_id, it_actor_added=added, flows=tables,
        summary=summary, sensitivity=measures.sensitivity(network, parameters),
        stage1=stages.stage1_participants(network, tables, central), stage2_links=links,
        stage2_channels=stages.stage2_channels(network, tables["as_is"], tables["digital"]),
        stage3_strategies=stages.stage3_strategies(network, services),
        stage3_links=stages.stage3_links(network, links, tables["digital"], tables["admissible"], pinned),
        services=services, pinned=pinned, decisions=order,
        realised=sequence.realisation(network, parameters, as_is_routes, order),
    )


def with_readiness(base: Model, survey: SurveyScope | None = None, min_cell: int = 0) -> Roadmap:
    """The model with one survey scope's readiness (or none) and stages IV and V."""
    network, tables = base.network, base.flows
    readiness, used, label = survey_readiness(network, survey, min_cell)
    ready = readiness if used else None
    retained = dict(zip(base.summary["scenario"], base.summary["retained_volume"]))
    why = network.description.readiness_why if network.description else {}
    stage5 = sequence.stage5_sequence(network, base.stage2_links, base.stage3_links, base.decisions, base.realised,
                                      retained, ready, label, surveyed=survey is not None, why=why)
    steps: dict[str, int] = {}
    for step, stage, actor in stage5[["step", "stage", "actor"]].itertuples(index=False):
        if stage == "V":
            steps.setdefault(actor, int(step))
    stage4 = sequence.stage4_information(network, tables["as_is"], tables["admissible"], base.decisions, steps,
                                         ready, label)
    shared = {f.name: getattr(base, f.name) for f in fields(Model)}
    return Roadmap(**shared, stage4_information=stage4, readiness=readiness, stage5=stage5, survey=survey,
                   readiness_used=used, readiness_label=label, min_cell=min_cell)
