"""Stages IV and V of the road map: the decision order, what each participant knows when
it decides, and the sequence of obtaining information and choosing strategies.

Stage IV   what each participant knows when it decides, with the management company's
           readiness when a survey is given (:mod:`.readiness`);
Stage V    the order in which information is obtained and strategies chosen, as a
           precedence order (each step lists the steps it must follow) with its reason.

The decision order of stage V is by stake: a participant's stake is the retained volume
(then the volume-days) gained by the flows whose admissible route uses its platform
channel. The participant with most at stake decides first; each later participant decides
after the earlier ones its gains depend on (the other actors whose platform channels those
routes use), and knows their decisions. ``retained_volume_after`` shows the road map's
cumulative effect: the retained volume once the participants so far have joined the platform.
All functions are pure: they take the network, the flow tables (routes as data) and parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .network import LINK_KINDS, Network
from .scenarios import Parameters, admissible, admitted_kinds, flow_table, it_actor, participants, route_scenario
from .stages import actor_restriction

NO_SURVEY_ACTION = "readiness not assessed: no survey was given"
NO_SURVEY_REASON = (
    "A survey of the cluster's management (--study or --data, with --group) would give its readiness per "
    "declared area; an area below the threshold would put a capacity-building step before the decisions. "
    "Without it the decisions rest on the network alone."
)


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    total = float(weights[ok].sum())
    return float(np.dot(values[ok], weights[ok]) / total) if total else math.nan


# ----- the decision order (used by IV and V) ----------------------------------------------

def _platform_members(route: tuple, it_id: str) -> list[str]:
    """The actors whose platform channel a route uses: its neighbours of the IT-actor."""
    members = set()
    for i, actor in enumerate(route):
        if actor == it_id:
            members.update(route[max(i - 1, 0):i] + route[i + 1:i + 2])
    return sorted(members - {it_id})


def decision_order(
    network: Network, as_is_table: pd.DataFrame, admissible_table: pd.DataFrame, pinned: dict | None = None
) -> pd.DataFrame:
    """Participants (the IT-actor aside) in the order they choose their strategy.

    Columns: actor_id, stake_retained_volume, stake_volume_days, gaining_flows (flows whose
    admissible route uses its platform channel), depends_on (the other actors whose platform
    channels those routes use), platform_kinds (admitted kinds), join (gaining_flows > 0),
    and ``note``: why a participant that does not join keeps its channels (``pinned``: the
    flows a link restriction keeps off the platform, as from ``scenarios.restricted_flows``). Order: stake_retained_volume
    descending, then stake_volume_days descending, then actor_id; participants with no
    gaining flow follow, by actor_id.
    """
    it_id, _ = it_actor(network)
    admitted = admitted_kinds(network)
    stake: dict[str, list] = {}
    for a_row, b_row in zip(as_is_table.itertuples(index=False), admissible_table.itertuples(index=False)):
        if not b_row.via_platform:
            continue
        gain = b_row.volume * (b_row.retention - a_row.retention)
        saved = b_row.volume * (a_row.delay_days - b_row.delay_days) if a_row.route else 0.0
        nodes = _platform_members(b_row.route, it_id)
        for actor in nodes:
            entry = stake.setdefault(actor, [0.0, 0.0, 0, set()])
            entry[0] += gain
            entry[1] += saved
            entry[2] += 1
            entry[3].update(n for n in nodes if n != actor)
    rows = []
    for actor in participants(network)["actor_id"]:
        if actor == it_id:
            continue
        gain, saved, n, deps = stake.get(actor, [0.0, 0.0, 0, set()])
        kinds = [k for k in LINK_KINDS if k in admitted[actor] and k in admitted[it_id]]
        held = sorted({f"{v[0]}-{v[1]} ({v[2]})" for k, v in (pinned or {}).items() if actor in k[:2]})
        if n:
            note = ""
        elif not kinds:
            hit = actor_restriction(network, actor, "all") or actor_restriction(network, it_id, "all")
            note = "No kind is admissible on the platform for it" + (f" ({hit[0]}: {hit[1]})" if hit else "") + "."
        elif held:
            note = (f"Its flows over the restricted link {', '.join(held)} stay on existing channels (stage III); "
                    "no other flow of it gains from the platform.")
        else:
            note = "No flow gains from its platform channel; nothing to decide."
        rows.append({
            "actor_id": actor, "stake_retained_volume": gain, "stake_volume_days": saved,
            "gaining_flows": n, "depends_on": tuple(sorted(deps)),
            "platform_kinds": ", ".join(kinds),
            "join": n > 0,
            "note": note,
        })
    frame = pd.DataFrame(rows)
    frame = frame.assign(
        _j=~frame["join"], _g=-frame["stake_retained_volume"].round(9), _d=-frame["stake_volume_days"].round(9)
    )
    frame = frame.sort_values(["_j", "_g", "_d", "actor_id"], kind="stable").drop(columns=["_j", "_g", "_d"])
    return frame.reset_index(drop=True)


def realisation(network: Network, parameters: Parameters, as_is_routes, order: pd.DataFrame) -> list[float]:
    """Retained volume after each decision of ``order``: the platform holds the IT-actor and
    the participants that have joined so far (within the stage III restrictions)."""
    it_id, _ = it_actor(network)
    members = {it_id}
    out = []
    last = None
    for actor, join in order[["actor_id", "join"]].itertuples(index=False):
        if join or last is None:
            if join:
                members.add(actor)
            scenario = admissible(network, parameters, as_is_routes, members=frozenset(members))
            table = flow_table(network, route_scenario(network, scenario))
            last = float(np.dot(table["volume"], table["retention"]))
        out.append(last)
    return out


# ----- Stage IV ---------------------------------------------------------------------------

def stage4_information(
    network: Network,
    as_is_table: pd.DataFrame,
    admissible_table: pd.DataFrame,
    order: pd.DataFrame,
    steps: dict[str, int],
    readiness: pd.DataFrame | None,
    readiness_source: str,
) -> pd.DataFrame:
    """What each participant knows when it decides: its channels and counterparts, the
    volume it needs and what arrives of it as-is and within the admissible platform, its
    stake, the decisions it knows (of the earlier deciders it depends on) and, for the
    management company (the CDC), the readiness per area when a survey is given
    (``readiness_<area>`` for each area of ``readiness``; ``readiness_source`` says whose)."""
    it_id, _ = it_actor(network)
    flows, links = network.flows, network.links
    by_actor = order.set_index("actor_id")
    ready = {} if readiness is None else dict(zip(readiness["area"], readiness["readiness"]))
    rows = []
    for actor, actor_type in participants(network)[["actor_id", "type"]].itertuples(index=False):
        inbound = (as_is_table["target"] == actor).to_numpy()
        partners = set(flows.loc[flows["source"] == actor, "target"]) | set(flows.loc[flows["target"] == actor, "source"])
        row = {
            "actor_id": actor, "type": actor_type, "decides_at_step": steps.get(actor, 0),
            "channels": int(((links["source"] == actor) | (links["target"] == actor)).sum()),
            "counterparts": len(partners),
            "volume_in": float(flows.loc[flows["target"] == actor, "volume"].sum()),
            "volume_out": float(flows.loc[flows["source"] == actor, "volume"].sum()),
            "retention_in_as_is": _weighted(as_is_table.loc[inbound, "retention"], as_is_table.loc[inbound, "volume"]),
            "delay_in_as_is": _weighted(as_is_table.loc[inbound, "delay_days"], as_is_table.loc[inbound, "volume"]),
            "retention_in_admissible": _weighted(admissible_table.loc[inbound, "retention"], admissible_table.loc[inbound, "volume"]),
            "delay_in_admissible": _weighted(admissible_table.loc[inbound, "delay_days"], admissible_table.loc[inbound, "volume"]),
        }
        if actor in by_actor.index:
            info = by_actor.loc[actor]
            earlier = [a for a in info["depends_on"] if steps.get(a, 0) < steps.get(actor, 0)]
            row.update({
                "platform_kinds": info["platform_kinds"],
                "stake_retained_volume": float(info["stake_retained_volume"]),
                "stake_volume_days": float(info["stake_volume_days"]),
                "knows_decisions_of": ", ".join(earlier),
            })
        else:
            row.update({"platform_kinds": "provides the platform", "stake_retained_volume": math.nan,
                        "stake_volume_days": math.nan, "knows_decisions_of": ""})
        is_cdc = actor_type == "cdc"
        for area in ready:
            row[f"readiness_{area}"] = ready[area] if is_cdc else math.nan
        row["readiness_source"] = readiness_source if is_cdc else "not measured (the survey describes the management)"
        rows.append(row)
    return pd.DataFrame(rows)


# ----- Stage V ----------------------------------------------------------------------------

def _ids(ids) -> str:
    return ", ".join(ids)


def stage5_sequence(
    network: Network,
    links: pd.DataFrame,
    admissible_links: pd.DataFrame,
    order: pd.DataFrame,
    realised: list[float],
    retained: dict[str, float],
    readiness: pd.DataFrame | None,
    readiness_label: str,
    surveyed: bool = True,
    why: dict | None = None,
) -> pd.DataFrame:
    """The road map as steps in a valid precedence order: who obtains what information, who
    chooses which strategy, after which steps (``after``), and why. ``retained`` holds the
    scenario's retained volume (as_is, digital, admissible). ``readiness``: the table of
    :func:`.readiness.readiness_table`, or None (no survey given: ``surveyed`` False; or
    withheld, e.g. a group too small to show); ``why``: per area, why it matters."""
    it_id, added = it_actor(network)
    cdc = network.cdc
    parts = participants(network)
    responsible = _ids([a for a in (cdc, it_id) if a])
    steps: list[dict] = []

    def add(stage, actor, action, after, reason, **numbers):
        steps.append({"step": len(steps) + 1, "stage": stage, "actor": actor, "action": action,
                      "after": ", ".join(str(a) for a in sorted(after)), "reason": reason, **numbers})
        return len(steps)

    s1 = add("I", responsible, f"identify the participants and their roles ({len(parts)} participants, stage I table)",
             [], "At the first stage the main actors responsible for restructuring are identified, first of all the "
                 "management company (the CDC) and the information and analytical centre (Buyanova & Shiro's road map).")
    s2 = add("II", f"all participants ({len(parts) - (1 if added else 0)})",
             f"report their channels ({len(network.links)}) and information needs ({len(network.flows)} flows) to {responsible}",
             [s1], "The responsible entities analyse the existing relationships; every channel and need must be known "
                   "before any link can be ranked.")
    regulators = parts.loc[parts["type"].isin(["public_authority", "local_government"]), "actor_id"].tolist()
    restricted = sorted(set(network.actor_restrictions["actor_id"]) - set(regulators))
    s3 = add("III", _ids(regulators + restricted) or responsible,
             f"report the restrictions: {len(network.actor_restrictions)} on actors, {len(network.link_restrictions)} on links",
             [s1], "Admissible strategies depend on the institutional restrictions the regulators set and the "
                   "technological and other restrictions of the participants.")
    total_gain = float(links["retained_volume_gain"].sum()) if len(links) else 0.0
    s4 = add("II", responsible,
             f"rank the {len(links)} links subject to digitalization (retained volume gain {total_gain:.2f})",
             [s2], "Ranking needs every participant's channels and needs (step %d)." % s2)
    kept = int((admissible_links["status"] != "kept on existing channels").sum()) if len(admissible_links) else 0
    adm_gain = float(admissible_links["retained_volume_gain_admissible"].sum()) if len(admissible_links) else 0.0
    s5 = add("III", responsible,
             f"define the admissible strategies: {kept} of {len(links)} links stay digitalizable "
             f"(retained volume gain {adm_gain:.2f})",
             [s3, s4], "Strategies are admissible only within the restrictions (step %d) and matter only for the "
                       "ranked links (step %d)." % (s3, s4))
    if readiness is not None and not readiness.empty:
        values = ", ".join(f"{t.lower()} {r:.2f}" for t, r in zip(readiness["title"], readiness["readiness"]))
        s6 = add("IV", cdc or responsible, f"assess the management's readiness ({readiness_label}): {values}", [s1],
                 "The participants' essential parameters must be known when they decide; the survey measures the "
                 "management's self-assessed competencies.")
        capacity = [s6]
        for area, title, value, threshold, below in readiness[
                ["area", "title", "readiness", "threshold", "below_threshold"]].itertuples(index=False):
            if below:
                reason = f"Its readiness is below the threshold of {threshold:.2f}"
                reason += f"; {why[area]}." if why and why.get(area) else "."
                capacity.append(add(
                    "IV", cdc or responsible,
                    f"build capacity in {title.lower()} before the decisions "
                    f"(readiness {value:.2f} < {threshold:.2f})", [s6], reason))
    elif not surveyed:
        capacity = [add("IV", cdc or responsible, NO_SURVEY_ACTION, [s1], NO_SURVEY_REASON)]
    else:
        capacity = [add("IV", cdc or responsible, f"readiness not used ({readiness_label})", [s1],
                        "The readiness of this group is not shown; the decisions rest on the network alone.")]
    admitted_all = [k for k in LINK_KINDS if any(k in str(p) for p in order["platform_kinds"])]
    sp = add("V", it_id,
             ("open the platform" if added else "extend its platform to every participant")
             + f" for {', '.join(admitted_all) or 'no kind'}",
             [s5] + capacity, "No participant can join a platform before it exists; it is opened once the "
                              "admissible strategies and the management's readiness are known.")
    base = retained["as_is"]
    target_gain = retained["admissible"] - base
    decided: dict[str, int] = {}
    for (actor, gain, saved, n, deps, kinds, join, note), after in zip(
        order[["actor_id", "stake_retained_volume", "stake_volume_days", "gaining_flows", "depends_on",
               "platform_kinds", "join", "note"]].itertuples(index=False),
        realised,
    ):
        earlier = [d for d in deps if d in decided]
        if join:
            action = f"join the platform for {kinds}"
            reason = (f"Stake: retained volume +{gain:.2f} and {saved:.2f} volume-days saved on {n} flow(s) "
                      "whose route uses its platform channel")
            reason += (f"; decides after {_ids(earlier)}, whose platform membership those gains need."
                       if earlier else "; the largest stake among those still to decide.")
        else:
            action = "keep its existing channels"
            reason = note
        share = (after - base) / target_gain if abs(target_gain) > 1e-12 else math.nan
        decided[actor] = add("V", actor, action, [sp] + [decided[d] for d in earlier], reason,
                             stake_retained_volume=gain, stake_volume_days=saved,
                             retained_volume_after=after, share_of_gain_realised=share)
    add("V", responsible,
        f"form the restructuring road map: retained volume {base:.2f} as-is, {retained['admissible']:.2f} "
        f"admissible, {retained['digital']:.2f} unrestricted digital",
        list(decided.values()) or [sp], "At the last stage the road map is formed from the chosen strategies.")
    frame = pd.DataFrame(steps)
    for col in ("stake_retained_volume", "stake_volume_days", "retained_volume_after", "share_of_gain_realised"):
        if col not in frame:
            frame[col] = math.nan
    return frame
