"""The five stages of the paper's restructuring road map, each as a computed table.

Stage I    participants and their roles (the paper's typology; who is responsible);
Stage II   links subject to digitalization: the information links (flows) the platform
           improves, ranked by what digitalizing them saves, and the existing channels whose
           traffic moves to the platform;
Stage III  admissible strategies after the institutional, technological and other
           restrictions per actor or link, and what each ranked link keeps of its gain;
Stage IV   what each participant knows when it decides, with the management company's
           readiness from the competency survey;
Stage V    the order in which information is obtained and strategies chosen, as a
           precedence order (each step lists the steps it must follow) with its reason.

The decision order of stage V is by stake: a participant's stake is the retained volume
(then the volume-days) gained by the flows whose admissible route uses its platform
channel. The participant with most at stake decides first; each later participant decides
after the earlier ones its gains depend on (the other actors whose platform channels those
routes use), and knows their decisions. ``retained_volume_after`` shows the road map's cumulative
effect: the retained volume once the participants so far have joined the platform.
All functions are pure: they take the network, the flow tables and parameters.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .network import LINK_KINDS, ROUTE_SEPARATOR, Network
from .readiness import READINESS_AREAS, READINESS_THRESHOLD, READINESS_USE, area_title
from .routes import PLATFORM
from .scenarios import Parameters, admissible, admitted_kinds, it_actor, participants, route_scenario, flow_table

TYPE_GROUPS = {
    "enterprise_large": "cluster actor: large enterprise",
    "enterprise_medium": "cluster actor: medium enterprise",
    "enterprise_small": "cluster actor: small enterprise",
    "science_education": "cluster actor: scientific and educational organisation",
    "public_authority": "public authority (regulator)",
    "local_government": "local government",
    "nonprofit": "non-profit organisation",
    "cdc": "Cluster Development Center (management company)",
    "it_actor": "information and analytical centre (IT-actor)",
}
# Roles in the paper's words (Section II and III of the roadmap paper).
TYPE_ROLES = {
    "enterprise_large": "industrial enterprise; for large and medium businesses data storage and processing "
                        "functions move to internal outsourcing (insourcing) within the cluster",
    "enterprise_medium": "industrial enterprise; for large and medium businesses data storage and processing "
                         "functions move to internal outsourcing (insourcing) within the cluster",
    "enterprise_small": "industrial enterprise; small enterprises get access to the common cloud storage",
    "science_education": "scientific and educational organisation, a key subject of innovative activity",
    "public_authority": "acts as regulator; its rules are the institutional restrictions of stage III",
    "local_government": "local government, a process participant of stage I",
    "nonprofit": "non-profit organisation, a process participant of stage I",
    "cdc": "coordinating body: methodological, organizational, expert-analytical and information support; "
           "distributes the information received (the relay); responsible for the restructuring",
    "it_actor": "accumulates information flows, creates databases, analyses the information and predicts "
                "the actors' needs; carries the IT-actor services; responsible for the restructuring",
}
RESPONSIBLE_TYPES = ("cdc", "it_actor")


def _route_nodes(route: str) -> list[str]:
    return route.split(ROUTE_SEPARATOR) if route else []


def _route_channels(route: str, kinds: str) -> list[tuple[frozenset, str]]:
    nodes = _route_nodes(route)
    kinds_list = kinds.split(ROUTE_SEPARATOR) if kinds else []
    return [(frozenset((u, v)), k) for u, v, k in zip(nodes, nodes[1:], kinds_list)]


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    ok = values.notna()
    total = float(weights[ok].sum())
    return float(np.dot(values[ok], weights[ok]) / total) if total else math.nan


# ----- Stage I ----------------------------------------------------------------------------

def stage1_participants(network: Network, tables: dict, central: dict) -> pd.DataFrame:
    """One row per participant: type, the paper's group and role, responsibility, channels,
    volumes it sends and receives, and its brokerage as-is and digital (betweenness, relayed
    volume). ``tables``: scenario -> flow table; ``central``: scenario -> {actor: betweenness}."""
    from .measures import relayed_volume

    parts = participants(network)
    flows = network.flows
    links = network.links
    rows = []
    relayed = {name: relayed_volume(table) for name, table in tables.items()}
    for actor, name, actor_type, added in parts[["actor_id", "name", "type", "added"]].itertuples(index=False):
        rows.append({
            "actor_id": actor,
            "name": name,
            "type": actor_type,
            "group": TYPE_GROUPS[actor_type],
            "role": TYPE_ROLES[actor_type],
            "responsible": actor_type in RESPONSIBLE_TYPES,
            "listed": "added by the model" if added else "actors.csv",
            "channels": int(((links["source"] == actor) | (links["target"] == actor)).sum()),
            "volume_sent": float(flows.loc[flows["source"] == actor, "volume"].sum()),
            "volume_received": float(flows.loc[flows["target"] == actor, "volume"].sum()),
            "betweenness_as_is": central["as_is"].get(actor, math.nan),
            "betweenness_digital": central["digital"].get(actor, math.nan),
            "relayed_volume_as_is": relayed["as_is"].get(actor, 0.0),
            "relayed_volume_digital": relayed["digital"].get(actor, 0.0),
        })
    return pd.DataFrame(rows)


# ----- Stage II ---------------------------------------------------------------------------

def stage2_links(network: Network, as_is_table: pd.DataFrame, digital_table: pd.DataFrame) -> pd.DataFrame:
    """The information links subject to digitalization: flows whose digital route differs
    from the as-is one, ranked by retained volume gained (volume x retention gained), then
    volume-days saved (volume x delay saved), then source, target, kind."""
    a, d = as_is_table, digital_table
    frame = pd.DataFrame({
        "source": a["source"], "target": a["target"], "kind": a["kind"], "volume": a["volume"],
        "route_as_is": a["route"], "route_digital": d["route"],
        "retention_as_is": a["retention"], "retention_digital": d["retention"],
        "delay_as_is": a["delay_days"], "delay_digital": d["delay_days"],
    })
    frame["retention_gain"] = frame["retention_digital"] - frame["retention_as_is"]
    frame["retained_volume_gain"] = frame["volume"] * frame["retention_gain"]
    frame["delay_saved"] = frame["delay_as_is"] - frame["delay_digital"]
    frame["volume_days_saved"] = frame["volume"] * frame["delay_saved"]
    cdc = network.cdc
    frame["relayed_by_cdc_as_is"] = [cdc is not None and cdc in _route_nodes(r)[1:-1] for r in a["route"]]
    frame = frame[frame["route_as_is"] != frame["route_digital"]]
    frame = frame.assign(_g=-frame["retained_volume_gain"].round(9), _d=-frame["volume_days_saved"].round(9))
    frame = frame.sort_values(["_g", "_d", "source", "target", "kind"], na_position="last", kind="stable")
    frame = frame.drop(columns=["_g", "_d"]).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def channel_volumes(table: pd.DataFrame) -> dict[tuple, float]:
    """Volume carried per channel (unordered actor pair, kind) by a flow table's routes."""
    carried: dict[tuple, float] = {}
    for route, kinds, volume in zip(table["route"], table["channels"], table["volume"]):
        for key in _route_channels(route, kinds):
            carried[key] = carried.get(key, 0.0) + float(volume)
    return carried


def stage2_channels(network: Network, as_is_table: pd.DataFrame, digital_table: pd.DataFrame) -> pd.DataFrame:
    """Existing channels by the volume the platform takes off them (as-is minus digital
    volume carried); ``subject_to_digitalization`` where some volume moves."""
    before, after = channel_volumes(as_is_table), channel_volumes(digital_table)
    cdc = network.cdc
    rows = []
    for source, target, kind, retention, delay in network.links.itertuples(index=False):
        key = (frozenset((source, target)), kind)
        vb, va = before.get(key, 0.0), after.get(key, 0.0)
        rows.append({
            "source": source, "target": target, "kind": kind, "retention": retention, "delay_days": delay,
            "touches_cdc": cdc in (source, target), "volume_as_is": vb, "volume_digital": va,
            "volume_moved": vb - va, "share_moved": (vb - va) / vb if vb else math.nan,
            "subject_to_digitalization": vb - va > 1e-9,
        })
    frame = pd.DataFrame(rows)
    frame = frame.assign(_m=-frame["volume_moved"].round(9), _b=-frame["volume_as_is"].round(9))
    frame = frame.sort_values(["_m", "_b", "source", "target", "kind"], kind="stable").drop(columns=["_m", "_b"])
    frame = frame.reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


# ----- Stage III --------------------------------------------------------------------------

def _restriction_text(restriction: str, reason: str) -> str:
    return f"{restriction}: {reason}"


def actor_restriction(network: Network, actor: str, kind: str) -> tuple[str, str] | None:
    """The (restriction, reason) keeping ``actor`` off the platform for ``kind``, if any."""
    rows = network.actor_restrictions
    hit = rows[(rows["actor_id"] == actor) & rows["kind"].isin([kind, "all"])]
    if hit.empty:
        return None
    return str(hit.iloc[0]["restriction"]), str(hit.iloc[0]["reason"])


def stage3_strategies(network: Network, services: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per participant (the IT-actor aside) and kind: the admissible strategies - keep the
    existing channels, and use the platform unless a restriction of the actor or of the
    IT-actor forbids it - with the restriction and the IT-actor services for that kind."""
    it_id, _ = it_actor(network)
    admitted = admitted_kinds(network)
    rows = []
    for actor, actor_type in participants(network)[["actor_id", "type"]].itertuples(index=False):
        if actor == it_id:
            continue
        for kind in LINK_KINDS:
            own = actor_restriction(network, actor, kind)
            carrier = actor_restriction(network, it_id, kind)
            ok = kind in admitted[actor] and kind in admitted[it_id]
            why = []
            if own:
                why.append(f"{actor}: {_restriction_text(*own)}")
            if carrier:
                why.append(f"{it_id} (IT-actor): {_restriction_text(*carrier)}")
            kinds_of = [] if services is None else [
                sid for sid, k in zip(services["service_id"], services["link_kinds"]) if kind in str(k).split(";")
            ]
            rows.append({
                "actor_id": actor, "type": actor_type, "kind": kind,
                "strategies": "existing channels; platform" if ok else "existing channels",
                "platform_admissible": ok,
                "restriction": own[0] if own else (carrier[0] if carrier else ""),
                "reason": "; ".join(why),
                "it_actor_services": ", ".join(kinds_of),
            })
    return pd.DataFrame(rows)


def stage3_links(
    network: Network,
    links: pd.DataFrame,
    digital_table: pd.DataFrame,
    admissible_table: pd.DataFrame,
    pinned: dict,
) -> pd.DataFrame:
    """What each ranked link of stage II keeps of its gain within the restrictions.

    ``status``: digitalized (same route as the digital scenario), digitalized by another
    route (a platform route the restrictions leave), or kept on existing channels;
    ``restricted_by`` names the restriction responsible when the route differs.
    """
    it_id, _ = it_actor(network)
    admitted = admitted_kinds(network)
    keyed_d = digital_table.set_index(["source", "target", "kind"])
    keyed_a = admissible_table.set_index(["source", "target", "kind"])
    rows = []
    for link in links.itertuples(index=False):
        key = (link.source, link.target, link.kind)
        d, a = keyed_d.loc[key], keyed_a.loc[key]
        via = PLATFORM in str(a["channels"]).split(ROUTE_SEPARATOR)
        if a["route"] == d["route"]:
            status = "digitalized"
        elif via:
            status = "digitalized by another route"
        else:
            status = "kept on existing channels"
        reasons = []
        if a["route"] != d["route"]:
            if key in pinned:
                s, t, k, restriction, reason = pinned[key]
                reasons.append(f"link {s}-{t} ({k}): {_restriction_text(restriction, reason)}")
            else:
                for actor in _route_nodes(d["route"]):
                    if actor == it_id:
                        continue
                    if link.kind not in admitted[actor]:
                        hit = actor_restriction(network, actor, link.kind)
                        reasons.append(f"{actor}: {_restriction_text(*hit)}")
                if link.kind not in admitted[it_id]:
                    hit = actor_restriction(network, it_id, link.kind)
                    reasons.append(f"{it_id}: {_restriction_text(*hit)}")
        gain = link.volume * (a["retention"] - link.retention_as_is)
        saved = link.volume * (link.delay_as_is - a["delay_days"])
        rows.append({
            "rank": link.rank, "source": link.source, "target": link.target, "kind": link.kind,
            "volume": link.volume, "route_digital": d["route"], "route_admissible": a["route"],
            "retention_digital": d["retention"], "retention_admissible": a["retention"],
            "retained_volume_gain_digital": link.retained_volume_gain,
            "retained_volume_gain_admissible": gain,
            "volume_days_saved_digital": link.volume_days_saved,
            "volume_days_saved_admissible": saved,
            "status": status, "restricted_by": "; ".join(reasons),
        })
    columns = [
        "rank", "source", "target", "kind", "volume", "route_digital", "route_admissible",
        "retention_digital", "retention_admissible", "retained_volume_gain_digital",
        "retained_volume_gain_admissible", "volume_days_saved_digital", "volume_days_saved_admissible",
        "status", "restricted_by",
    ]
    return pd.DataFrame(rows, columns=columns)


# ----- Stage V order (used by IV) -----------------------------------------------------------

def _platform_members(route: list[str], it_id: str) -> list[str]:
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
        if PLATFORM not in str(b_row.channels).split(ROUTE_SEPARATOR):
            continue
        gain = b_row.volume * (b_row.retention - a_row.retention)
        saved = b_row.volume * (a_row.delay_days - b_row.delay_days) if a_row.route else 0.0
        nodes = _platform_members(_route_nodes(b_row.route), it_id)
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
    management company (the CDC), the readiness parameters from the survey."""
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
        for area in READINESS_AREAS:
            row[f"readiness_{area}"] = ready.get(area, math.nan) if is_cdc else math.nan
        row["readiness_source"] = readiness_source if is_cdc else "not measured (the survey asked cluster managers)"
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
) -> pd.DataFrame:
    """The road map as steps in a valid precedence order: who obtains what information, who
    chooses which strategy, after which steps (``after``), and why. ``retained`` holds the
    scenario's retained volume (as_is, digital, admissible)."""
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
                 "management company (the CDC) and the information and analytical centre (the paper).")
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
        values = ", ".join(f"{area_title(a).lower()} {r:.2f}" for a, r in zip(readiness["area"], readiness["readiness"]))
        s6 = add("IV", cdc or responsible, f"assess the management's readiness ({readiness_label}): {values}", [s1],
                 "The participants' essential parameters must be known when they decide; the competency survey "
                 "measures the cluster managers' self-assessed competencies.")
        capacity = [s6]
        for area, value in zip(readiness["area"], readiness["readiness"]):
            if pd.notna(value) and value < READINESS_THRESHOLD:
                capacity.append(add(
                    "IV", cdc or responsible,
                    f"build capacity in {area_title(area).lower()} before the decisions "
                    f"(readiness {value:.2f} < {READINESS_THRESHOLD:.2f})",
                    [s6], f"Below the scale's neutral point; {READINESS_USE[area]}."))
    else:
        capacity = [add("IV", cdc or responsible, f"readiness not used ({readiness_label})", [s1],
                        "Without readiness values the decisions rest on the network alone.")]
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
