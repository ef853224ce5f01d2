"""The roadmap's tables as a reader sees them: a few columns that fit a page, headers in
words, rules as sentences, no True/False cells. Pure functions of a :class:`.analysis.Roadmap`
(the CSV files keep every column for machines; these frames are for the notebook and the HTML).
"""

from __future__ import annotations

import math

import pandas as pd

from ..formatting import number
from .measures import SUMMARY_COLUMNS
from .routes import format_route
from .scenarios import SCENARIO_TITLES, SCENARIOS

MEASURE_WORDS = {
    "flows": ("flows", 0), "volume": ("volume", 2), "unrouted_flows": ("flows without a route", 0),
    "unrouted_volume": ("volume without a route", 2), "retention": ("retention (volume-weighted)", 3),
    "delay_days": ("delay, days (volume-weighted)", 2), "retained_volume": ("volume retained", 2),
    "lost_volume": ("volume lost", 2), "volume_days": ("volume-days of waiting", 2),
    "mean_hops": ("channels per flow (volume-weighted)", 2), "platform_share": ("share of the volume on the platform", 3),
    "cdc_relayed_share": ("share of the volume the CDC relays", 3), "cdc_betweenness": ("betweenness of the CDC", 3),
    "it_betweenness": ("betweenness of the IT-actor", 3),
}
PARAMETER_WORDS = {
    "network": "network", "platform_retention": "platform retention", "platform_delay": "platform delay (days)",
    "relay_retention": "relay retention", "it_actor": "IT-actor", "survey": "survey (stage IV)",
    "readiness_areas": "readiness areas", "readiness_threshold": "readiness threshold",
    "sensitivity_grid": "relay retentions of the sensitivity table",
}


def _kind(kind: str) -> str:
    return kind.replace("_", " ")


def _link(source: str, target: str, kind: str) -> str:
    """An information link: from the source to the target."""
    return f"{format_route((source, target))} ({_kind(kind)})"


def _channel(source: str, target: str, kind: str) -> str:
    """A channel: it carries information both ways."""
    return f"{source} – {target} ({_kind(kind)})"


def _volume(v: float) -> str:
    return f"{v:g}"


def _arrives(retention: float, delay: float) -> str:
    return "nothing to receive" if math.isnan(retention) else f"{retention:.3f} after {delay:.1f} days"


def _num(x, digits: int = 3) -> str:
    return number(x, digits, missing="–")


def parameters(roadmap) -> pd.DataFrame:
    frame = roadmap.parameters_table()
    return pd.DataFrame({"setting": [PARAMETER_WORDS.get(p, p) for p in frame["parameter"]],
                         "value used": frame["value"], "default": frame["default"], "meaning": frame["meaning"]})


def summary(roadmap) -> pd.DataFrame:
    """Rows: the measures in words; columns: the scenarios."""
    s = roadmap.summary.set_index("scenario")
    rows = []
    for measure in SUMMARY_COLUMNS[1:]:
        words, digits = MEASURE_WORDS[measure]
        row = {"measure": words}
        for scenario in SCENARIOS:
            row[SCENARIO_TITLES[scenario]] = _num(float(s.at[scenario, measure]), digits)
        rows.append(row)
    return pd.DataFrame(rows)


def flows(roadmap, scenario: str) -> pd.DataFrame:
    t = roadmap.flows[scenario]
    return pd.DataFrame({
        "from": t["source"], "to": t["target"], "kind": t["kind"].map(_kind), "volume": t["volume"].map(_volume),
        "route": [format_route(r) if r else "no route" for r in t["route"]],
        "retention": t["retention"], "delay, days": t["delay_days"],
    })


def sensitivity(roadmap) -> pd.DataFrame:
    wide = roadmap.sensitivity.pivot(index="relay_retention", columns="scenario", values="retention")
    wide = wide[list(SCENARIOS)].reset_index()
    wide.columns = ["relay retention"] + [f"retention {SCENARIO_TITLES[s]}" for s in SCENARIOS]
    return wide


def stage1(roadmap) -> pd.DataFrame:
    t = roadmap.stage1
    return pd.DataFrame({
        "participant": [f"{n} ({a})" + (", added by the model" if listed != "actors.csv" else "")
                        for a, n, listed in zip(t["actor_id"], t["name"], t["listed"])],
        "group": t["group"],
        "in the restructuring": ["responsible" if r else "participant" for r in t["responsible"]],
        "channels": t["channels"], "volume sent": t["volume_sent"], "volume received": t["volume_received"],
        "volume it relays, as-is → digital": [f"{a:.2f} → {d:.2f}" for a, d in
                                              zip(t["relayed_volume_as_is"], t["relayed_volume_digital"])],
    })


def roles(roadmap) -> pd.DataFrame:
    return roadmap.stage1.drop_duplicates("type")[["group", "role"]]


def services(roadmap) -> pd.DataFrame:
    s = roadmap.services
    return pd.DataFrame({"service": s["service_id"] + ": " + s["service"],
                         "supports links of kind": [", ".join(_kind(k) for k in v.split(";")) for v in s["link_kinds"]],
                         "the paper's words": s["quote"]})


def stage2(roadmap) -> pd.DataFrame:
    t = roadmap.stage2_links
    return pd.DataFrame({
        "rank": t["rank"], "information link": [_link(s, g, k) for s, g, k in zip(t["source"], t["target"], t["kind"])],
        "volume": t["volume"].map(_volume), "route as-is": [format_route(r) if r else "no route" for r in t["route_as_is"]],
        "route digital": [format_route(r) for r in t["route_digital"]],
        "retention as-is → digital": [f"{_num(a)} → {_num(d)}" for a, d in zip(t["retention_as_is"], t["retention_digital"])],
        "volume retained gained": t["retained_volume_gain"], "volume-days saved": t["volume_days_saved"],
    })


def stage2_channels(roadmap) -> pd.DataFrame:
    t = roadmap.stage2_channels
    t = t[t["subject_to_digitalization"]]
    return pd.DataFrame({
        "existing channel": [_channel(s, g, k) for s, g, k in zip(t["source"], t["target"], t["kind"])],
        "volume carried as-is": t["volume_as_is"], "volume carried digital": t["volume_digital"],
        "share moved to the platform": t["share_moved"],
    })


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def stage3(roadmap) -> pd.DataFrame:
    """One sentence per participant: which kinds may use the platform and why not the others."""
    t = roadmap.stage3_strategies
    rows = []
    for actor, group in t.groupby("actor_id", sort=False):
        ok = [_kind(k) for k, a in zip(group["kind"], group["platform_admissible"]) if a]
        held = [(_kind(k), r) for k, a, r in zip(group["kind"], group["platform_admissible"], group["reason"]) if not a]
        if not held:
            sentence = "May keep its existing channels or use the platform for every kind of information."
        else:
            sentence = (f"May use the platform for {_join(ok)}; " if ok else "Keeps to its existing channels for every kind; ")
            reasons = list(dict.fromkeys(r for _, r in held))
            sentence += (f"{_join([k for k, _ in held])} stay{'s' if len(held) == 1 else ''} on existing channels "
                         if ok else "") + f"({'; '.join(reasons)})."
        services = sorted({s for v in group["it_actor_services"] for s in str(v).split(", ") if s})
        rows.append({"participant": actor, "admissible strategies": sentence,
                     "IT-actor services for its kinds": ", ".join(services)})
    return pd.DataFrame(rows)


def restrictions(roadmap) -> pd.DataFrame:
    a, k = roadmap.network.actor_restrictions, roadmap.network.link_restrictions
    rows = [{"applies to": f"participant {x}", "kind": "every kind" if kind == "all" else _kind(kind),
             "restriction": r, "reason": why} for x, kind, r, why in a.itertuples(index=False)]
    rows += [{"applies to": f"channel {format_route((s, t))}", "kind": _kind(kind), "restriction": r, "reason": why}
             for s, t, kind, r, why in k.itertuples(index=False)]
    return pd.DataFrame(rows, columns=["applies to", "kind", "restriction", "reason"])


def stage3_links(roadmap) -> pd.DataFrame:
    t = roadmap.stage3_links
    return pd.DataFrame({
        "rank": t["rank"], "information link": [_link(s, g, k) for s, g, k in zip(t["source"], t["target"], t["kind"])],
        "admissible route": [format_route(r) for r in t["route_admissible"]],
        "volume retained gained, digital → admissible": [
            f"{d:.2f} → {a:.2f}" for d, a in zip(t["retained_volume_gain_digital"], t["retained_volume_gain_admissible"])],
        "status": t["status"], "held back by": t["restricted_by"].replace("", "–"),
    })


def readiness(roadmap) -> pd.DataFrame:
    """The survey scope's readiness per declared area, with what it means for stage V."""
    t = roadmap.readiness
    return pd.DataFrame({
        "area": t["title"], "respondents": t["n_respondents"],
        "mean index": t["index_mean"], "readiness (0-1)": t["readiness"],
        "for stage V": [("below the threshold of %.2f: a capacity step comes first" % th) if b else
                        ("no answer in this area" if n == 0 else "at or above the threshold of %.2f" % th)
                        for b, th, n in zip(t["below_threshold"], t["threshold"], t["n_respondents"])],
    })


def stage4(roadmap) -> pd.DataFrame:
    t = roadmap.stage4_information
    titles = dict(zip(roadmap.readiness["area"], roadmap.readiness["title"]))
    areas = [c[len("readiness_"):] for c in t.columns if c.startswith("readiness_") and c != "readiness_source"]

    def ready(row) -> str:
        values = [f"{titles.get(a, a).lower()} {row[f'readiness_{a}']:.2f}" for a in areas
                  if pd.notna(row[f"readiness_{a}"])]
        return ", ".join(values) if values else row["readiness_source"]

    return pd.DataFrame({
        "participant": t["actor_id"], "decides at step": t["decides_at_step"].replace(0, "–"),
        "volume it needs": t["volume_in"].map(_volume),
        "arrives as-is": [_arrives(r, d) for r, d in zip(t["retention_in_as_is"], t["delay_in_as_is"])],
        "arrives admissible": [_arrives(r, d) for r, d in zip(t["retention_in_admissible"], t["delay_in_admissible"])],
        "stake (volume retained)": t["stake_retained_volume"],
        "knows the decisions of": t["knows_decisions_of"].replace("", "–"),
        "readiness": [ready(row) for _, row in t.iterrows()],
    })


def stage5(roadmap) -> pd.DataFrame:
    t = roadmap.stage5
    return pd.DataFrame({
        "step": t["step"], "stage": t["stage"], "who": t["actor"], "what": t["action"],
        "after step(s)": t["after"].replace("", "–"), "why": t["reason"],
        "volume retained after": t["retained_volume_after"],
    })

