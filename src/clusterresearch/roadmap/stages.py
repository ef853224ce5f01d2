"""Stages I-III of the paper's restructuring road map, each as a computed table
(stages IV and V, which need the decision order, are in :mod:`.sequence`).

Stage I    participants and their roles (the paper's typology; who is responsible);
Stage II   links subject to digitalization: the information links (flows) the platform
           improves, ranked by what digitalizing them saves, and the existing channels whose
           traffic moves to the platform;
Stage III  admissible strategies after the institutional, technological and other
           restrictions per actor or link, and what each ranked link keeps of its gain.

All functions are pure: they take the network and the flow tables (routes as data: the
``route``, ``relays``, ``channel_keys`` and ``via_platform`` columns of
``scenarios.flow_table``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .network import LINK_KINDS, Network
from .routes import channel_key
from .scenarios import admitted_kinds, it_actor, participants

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
    frame["relayed_by_cdc_as_is"] = [cdc is not None and cdc in relays for relays in a["relays"]]
    frame = frame[frame["route_as_is"] != frame["route_digital"]]
    frame = frame.assign(_g=-frame["retained_volume_gain"].round(9), _d=-frame["volume_days_saved"].round(9))
    frame = frame.sort_values(["_g", "_d", "source", "target", "kind"], na_position="last", kind="stable")
    frame = frame.drop(columns=["_g", "_d"]).reset_index(drop=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame


def channel_volumes(table: pd.DataFrame) -> dict[tuple, float]:
    """Volume carried per channel (unordered actor pair, kind) by a flow table's routes."""
    carried: dict[tuple, float] = {}
    for keys, volume in zip(table["channel_keys"], table["volume"]):
        for key in keys:
            carried[key] = carried.get(key, 0.0) + float(volume)
    return carried


def stage2_channels(network: Network, as_is_table: pd.DataFrame, digital_table: pd.DataFrame) -> pd.DataFrame:
    """Existing channels by the volume the platform takes off them (as-is minus digital
    volume carried); ``subject_to_digitalization`` where some volume moves."""
    before, after = channel_volumes(as_is_table), channel_volumes(digital_table)
    cdc = network.cdc
    rows = []
    for source, target, kind, retention, delay in network.links.itertuples(index=False):
        key = channel_key(source, target, kind)
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
        if a["route"] == d["route"]:
            status = "digitalized"
        elif a["via_platform"]:
            status = "digitalized by another route"
        else:
            status = "kept on existing channels"
        reasons = []
        if a["route"] != d["route"]:
            if key in pinned:
                s, t, k, restriction, reason = pinned[key]
                reasons.append(f"link {s}-{t} ({k}): {_restriction_text(restriction, reason)}")
            else:
                for actor in d["route"]:
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


