"""The roadmap's summary in words (summary.md and the notebook), written from its numbers."""

from __future__ import annotations

import math

from ..formatting import number, percent
from .measures import SENSITIVITY_GRID
from .readiness import ONE_RESPONDENT_NOTE

ASSUMPTION_NOTICE = (
    "The platform's retention and delay and the channels' retentions are assumptions to vary, "
    "not findings: the model shows what follows from them."
)
NO_SURVEY_NOTICE = (
    "No survey was given: stage IV shows what each participant knows from the network, without the "
    "management's readiness. A survey of the cluster's management (--study or --data, with --group) "
    "would add its readiness per declared area and a capacity-building step before the decisions for "
    "each area below the threshold."
)


def _pct(x: float) -> str:
    return percent(x, 1, missing="n/a")


def _num(x: float, digits: int = 3) -> str:
    return number(x, digits, missing="n/a")


def network_words(roadmap) -> list[str]:
    """What the network folder says about itself (network.toml): name, whether it is
    illustrative, description, source. Nothing is added that the folder does not say."""
    d = roadmap.network.description
    name = roadmap.network.name
    first = (f"Illustrative network: {name}." if d is not None and d.illustrative else f"Network: {name}.")
    lines = [first]
    if d is not None and d.description:
        lines.append(d.description)
    if d is not None and d.source:
        lines.append(f"Source: {d.source}")
    return [" ".join(lines)]


def notices(roadmap) -> list[str]:
    """The notices a report of this roadmap opens with: the network in its own words, the
    assumptions, and what the survey is (none given, reconstructed, one person)."""
    lines = network_words(roadmap) + [ASSUMPTION_NOTICE]
    survey = roadmap.survey
    if survey is None:
        lines.append(NO_SURVEY_NOTICE)
    else:
        if survey.notice:  # the study's own words (the shipped one says its answers are reconstructed)
            lines.append(survey.notice)
        if survey.n_respondents == 1:
            lines.append(ONE_RESPONDENT_NOTE)
    return lines


def crossover(roadmap) -> float | None:
    """The lowest relay retention of the grid at which the as-is routes retain at least as
    much as the digital ones (the platform no longer helps), or None within the grid."""
    table = roadmap.sensitivity.pivot(index="relay_retention", columns="scenario", values="retention")
    for relay in SENSITIVITY_GRID:
        if relay in table.index and table.at[relay, "as_is"] >= table.at[relay, "digital"] - 1e-12:
            return float(relay)
    return None


def findings(roadmap) -> list[str]:
    """Sentences on the result: retention, delay, relaying, betweenness, sensitivity."""
    s = roadmap.summary.set_index("scenario")
    p = roadmap.parameters
    a, d, m = s.loc["as_is"], s.loc["digital"], s.loc["admissible"]
    lines = [
        f"As-is, {_pct(a['retention'])} of the information volume arrives intact (volume-weighted "
        f"retention {_num(a['retention'])}) after {_num(a['delay_days'], 2)} days on average; the CDC "
        f"relays {_pct(a['cdc_relayed_share'])} of the volume.",
        f"Digital (the IT-actor, {roadmap.it_actor}, with a platform channel to every actor, retention "
        f"{p.platform_retention:g} and delay {p.platform_delay:g} days per channel): retention "
        f"{_num(d['retention'])}, delay {_num(d['delay_days'], 2)} days; {_pct(d['platform_share'])} of the "
        f"volume uses the platform and the CDC relays {_pct(d['cdc_relayed_share'])}.",
        f"Within the stage III restrictions: retention {_num(m['retention'])}, delay "
        f"{_num(m['delay_days'], 2)} days; {_pct(m['platform_share'])} of the volume uses the platform.",
        f"Betweenness of the CDC: {_num(a['cdc_betweenness'])} as-is, {_num(d['cdc_betweenness'])} digital "
        f"(IT-actor {_num(d['it_betweenness'])}).",
    ]
    if a["unrouted_flows"]:
        lines.append(f"As-is, {int(a['unrouted_flows'])} flow(s) with volume {a['unrouted_volume']:g} have no "
                     "route at all (retention 0).")
    if d["unrouted_flows"]:
        lines.append(f"Digital, {int(d['unrouted_flows'])} flow(s) still have no route.")
    sens = roadmap.sensitivity
    low, high = min(SENSITIVITY_GRID), max(SENSITIVITY_GRID)
    as_is = sens[sens["scenario"] == "as_is"].set_index("relay_retention")["retention"]
    cross = crossover(roadmap)
    text = (f"With the relay's retention set from {low:.2f} to {high:.2f} on every channel touching the CDC, "
            f"the as-is retention moves from {_num(as_is.loc[low])} to {_num(as_is.loc[high])}; ")
    text += (f"the platform stops helping at a relay retention of {cross:.2f}." if cross is not None
             else "the platform helps over the whole range.")
    lines.append(text)
    lines.append(readiness_sentence(roadmap))
    return lines


def readiness_sentence(roadmap) -> str:
    """Stage IV in one sentence: no survey, withheld, or the areas below the threshold."""
    if roadmap.survey is None:
        return "Stage IV: no survey was given, so the management's readiness is not assessed."
    if not roadmap.readiness_used:
        return f"Stage IV: the readiness of {roadmap.readiness_label} is not shown."
    table = roadmap.readiness
    below = table[table["below_threshold"]]
    threshold = float(table["threshold"].iloc[0]) if len(table) else math.nan
    text = f"Stage IV: readiness of {roadmap.readiness_label} in {len(table)} declared area(s); "
    if below.empty:
        return text + f"none is below the threshold of {threshold:.2f}."
    return text + (f"{len(below)} below the threshold of {threshold:.2f} ("
                   + ", ".join(f"{t.lower()} {r:.2f}" for t, r in zip(below["title"], below["readiness"]))
                   + "), each with a capacity step before the decisions.")


def summary_markdown(roadmap) -> str:
    """summary.md: notices, findings, parameters and the files written."""
    out = [f"# Digitalization roadmap: {roadmap.network.name}", ""]
    out += [f"> {line}" for line in notices(roadmap)]
    out += ["", "## Result", ""]
    out += [f"- {line}" for line in findings(roadmap)]
    out += ["", "## Parameters", "", "| parameter | value | default |", "|---|---|---|"]
    for row in roadmap.parameters_table().itertuples(index=False):
        out.append(f"| {row.parameter} | {row.value} | {row.default} |")
    out += ["", "## Files", ""]
    out += [f"- `{name}`: {what}" for name, what in FILE_DESCRIPTIONS.items()]
    return "\n".join(out) + "\n"


FILE_DESCRIPTIONS = {
    "as_is/flows.csv": "each flow's route over the existing channels",
    "digital/flows.csv": "each flow's route with the IT-actor's platform",
    "admissible/flows.csv": "each flow's route with the platform within the stage III restrictions",
    "summary.csv": "volume-weighted retention and delay, relaying and betweenness per scenario",
    "sensitivity.csv": "the result per relay retention (0.50 to 1.00) and scenario",
    "parameters.csv": "the parameters used and their defaults",
    "inputs.csv": "the input files read, with their SHA-256",
    "stage1_participants.csv": "stage I: participants and their roles",
    "stage2_links.csv": "stage II: information links subject to digitalization, ranked",
    "stage2_channels.csv": "stage II: existing channels by the volume the platform takes off them",
    "stage3_strategies.csv": "stage III: admissible strategies per participant and kind",
    "stage3_links.csv": "stage III: what each ranked link keeps of its gain within the restrictions",
    "stage4_information.csv": "stage IV: what each participant knows when it decides",
    "stage4_readiness.csv": "stage IV: the management's readiness from the survey (header only when none was given)",
    "stage5_sequence.csv": "stage V: the road map's steps in precedence order, with reasons",
    "figures/": "network, retention_delay, sensitivity, ranked_links (PNG and SVG)",
}
