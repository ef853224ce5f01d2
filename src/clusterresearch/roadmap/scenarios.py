"""The scenarios of the information-flow model and the flow table each one gives.

``as_is``       the existing channels of links.csv; the CDC relays what has no direct channel.
``digital``     the paper's IT-actor (the information and analytical centre; added when the
                folder has none) joins with one platform channel to every actor; platform
                channels carry every kind of information.
``admissible``  the digital scenario after the restrictions of stage III: an actor
                restriction takes the restricted kinds off that actor's platform channel
                (``all``: the actor has no platform channel); a link restriction keeps every
                flow that travels over that channel today on the existing channels.

The platform's retention and delay are parameters, not findings: the paper gives no
number. The defaults, ``PLATFORM_RETENTION = 0.98`` and ``PLATFORM_DELAY_DAYS = 0.5`` per
platform channel, describe a platform that loses 2 % of what is posted (unread, misfiled)
and makes it available within half a working day. A flow between two actors crosses two
platform channels (actor - IT-actor - actor), so by default it arrives with 0.98 x 0.98 =
0.9604 retention after 1 day. Vary them (``--platform-retention``, ``--platform-delay``).

``relay_retention`` (default None: as in links.csv) replaces the retention of every
existing channel with the CDC at one end, to ask how the result moves with the relay's
losses; platform channels keep the platform's retention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ..errors import InputError
from .network import ALL_KINDS, LINK_KINDS, Network
from .routes import PLATFORM, Channel, Route, carried_kinds, channel_key, format_route, route_flows

PLATFORM_RETENTION = 0.98
PLATFORM_DELAY_DAYS = 0.5
IT_ACTOR_ID = "IT"
IT_ACTOR_NAME = "Information and analytical centre (IT-actor, added by the model)"
SCENARIOS: tuple[str, ...] = ("as_is", "digital", "admissible")
SCENARIO_TITLES = {
    "as_is": "as-is",
    "digital": "digital",
    "admissible": "digital, admissible (stage III)",
}
# flows.csv of every scenario: the columns, then the volume and the channel kinds.
FLOW_TABLE_COLUMNS = ("source", "target", "kind", "route", "hops", "retention", "delay_days", "volume", "channels")


def _check_retention(label: str, value: float) -> float:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and 0 < value <= 1):
        raise InputError(label, f"value {value!r}", "must be a number in (0, 1]")
    return float(value)


def _check_delay(label: str, value: float) -> float:
    if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
        raise InputError(label, f"value {value!r}", "must be a number of days >= 0")
    return float(value)


@dataclass(frozen=True)
class Parameters:
    """Platform and relay parameters; build with :meth:`resolve` so None means the default."""

    platform_retention: float = PLATFORM_RETENTION
    platform_delay: float = PLATFORM_DELAY_DAYS
    relay_retention: float | None = None

    @classmethod
    def resolve(cls, platform_retention=None, platform_delay=None, relay_retention=None) -> "Parameters":
        return cls(
            PLATFORM_RETENTION if platform_retention is None
            else _check_retention("--platform-retention", platform_retention),
            PLATFORM_DELAY_DAYS if platform_delay is None else _check_delay("--platform-delay", platform_delay),
            None if relay_retention is None else _check_retention("--relay-retention", relay_retention),
        )


@dataclass(frozen=True)
class Scenario:
    """Channels to route over; ``existing_only`` lists flows kept off the platform."""

    name: str
    actors: tuple
    channels: tuple
    existing_only: frozenset = frozenset()


def it_actor(network: Network) -> tuple[str, bool]:
    """The IT-actor's id and whether the model adds it (True when the folder has none)."""
    if network.it_actor is not None:
        return network.it_actor, False
    taken = set(network.actor_ids)
    candidate, n = IT_ACTOR_ID, 1
    while candidate in taken:
        n += 1
        candidate = f"{IT_ACTOR_ID}{n}"
    return candidate, True


def participants(network: Network) -> pd.DataFrame:
    """actors.csv plus the IT-actor when the model adds it; column ``added`` marks it."""
    actors = network.actors.assign(added=False)
    it_id, added = it_actor(network)
    if added:
        actors = pd.concat(
            [actors, pd.DataFrame([{"actor_id": it_id, "name": IT_ACTOR_NAME, "type": "it_actor", "added": True}])],
            ignore_index=True,
        )
    return actors


def existing_channels(network: Network, relay_retention: float | None = None) -> tuple[Channel, ...]:
    """The channels of links.csv; with ``relay_retention``, those touching the CDC get it."""
    cdc = network.cdc
    channels = []
    for source, target, kind, retention, delay in network.links.itertuples(index=False):
        if relay_retention is not None and cdc in (source, target):
            retention = relay_retention
        channels.append(Channel(source, target, kind, float(retention), float(delay), carried_kinds(kind)))
    return tuple(channels)


def admitted_kinds(network: Network) -> dict[str, frozenset]:
    """Per participant, the kinds its platform channel may carry after the actor restrictions."""
    admitted = {actor: frozenset(LINK_KINDS) for actor in participants(network)["actor_id"]}
    for actor, kind in network.actor_restrictions[["actor_id", "kind"]].itertuples(index=False):
        removed = frozenset(LINK_KINDS) if kind == ALL_KINDS else frozenset({kind})
        admitted[actor] = admitted[actor] - removed
    return admitted


def platform_channels(
    network: Network,
    parameters: Parameters,
    admitted: dict[str, frozenset] | None = None,
    members=None,
) -> tuple[Channel, ...]:
    """One platform channel between the IT-actor and each other participant (or each of
    ``members``); it carries the kinds both ends admit (every kind when ``admitted`` is None)."""
    it_id, _ = it_actor(network)
    everyone = frozenset(LINK_KINDS)
    channels = []
    for actor in participants(network)["actor_id"]:
        if actor == it_id or (members is not None and actor not in members):
            continue
        kinds = everyone if admitted is None else admitted[actor] & admitted[it_id]
        if kinds:
            channels.append(Channel(actor, it_id, PLATFORM, parameters.platform_retention,
                                    parameters.platform_delay, kinds, PLATFORM))
    return tuple(channels)


def as_is(network: Network, parameters: Parameters = Parameters()) -> Scenario:
    return Scenario("as_is", network.actor_ids, existing_channels(network, parameters.relay_retention))


def digital(network: Network, parameters: Parameters = Parameters()) -> Scenario:
    actors = tuple(participants(network)["actor_id"])
    channels = existing_channels(network, parameters.relay_retention) + platform_channels(network, parameters)
    return Scenario("digital", actors, channels)


def restricted_flows(network: Network, as_is_routes: list[Route]) -> dict[tuple, tuple]:
    """Flows whose as-is route uses a link-restricted channel, each with that channel's row
    of link_restrictions (source, target, kind, restriction, reason)."""
    restricted = {
        channel_key(s, t, k): (s, t, k, r, why)
        for s, t, k, r, why in network.link_restrictions.itertuples(index=False)
    }
    pinned = {}
    for route in as_is_routes:
        for key in route.channel_keys:
            if key in restricted:
                pinned[(route.source, route.target, route.kind)] = restricted[key]
                break
    return pinned


def admissible(
    network: Network,
    parameters: Parameters,
    as_is_routes: list[Route],
    members=None,
    name: str = "admissible",
) -> Scenario:
    """The digital scenario within the stage III restrictions (see the module doc).

    ``members`` limits the platform to those participants (the IT-actor always on it): the
    road map of stage V adds them one decision at a time.
    """
    actors = tuple(participants(network)["actor_id"])
    channels = existing_channels(network, parameters.relay_retention) + platform_channels(
        network, parameters, admitted_kinds(network), members
    )
    pinned = frozenset(restricted_flows(network, as_is_routes))
    return Scenario(name, actors, channels, pinned)


def flow_keys(network: Network) -> list[tuple[str, str, str]]:
    return list(network.flows[["source", "target", "kind"]].itertuples(index=False, name=None))


def route_scenario(network: Network, scenario: Scenario) -> list[Route]:
    """The chosen route of every flow of flows.csv, in the file's order."""
    return route_flows(scenario.channels, flow_keys(network), scenario.actors, scenario.existing_only)


def flow_table(network: Network, routes: list[Route]) -> pd.DataFrame:
    """The routes of a scenario as data, one row per flow in the file's order.

    ``route`` the actors in order (a tuple; empty when the flow has no route), ``relays``
    the actors inside it, ``channels`` the kind of each channel (``platform`` for a platform
    channel), ``channel_keys`` each channel as (frozenset of its actors, kind),
    ``via_platform`` whether it uses a platform channel; ``hops``, ``retention`` (0 without
    a route), ``delay_days`` (NaN without a route) and the flow's ``volume``.
    """
    frame = pd.DataFrame({
        "source": [r.source for r in routes],
        "target": [r.target for r in routes],
        "kind": [r.kind for r in routes],
        "route": [r.nodes for r in routes],
        "hops": pd.array([r.hops for r in routes], dtype="Int64"),
        "retention": [r.retention for r in routes],
        "delay_days": [r.delay_days for r in routes],
        "volume": network.flows["volume"].to_numpy(dtype=float),
        "channels": [r.channel_kinds for r in routes],
        "relays": [r.relays for r in routes],
        "channel_keys": [r.channel_keys for r in routes],
        "via_platform": [r.via_platform for r in routes],
    })
    return frame.astype({"retention": "float64", "delay_days": "float64"})


def flow_file(table: pd.DataFrame) -> pd.DataFrame:
    """flows.csv of a scenario (``FLOW_TABLE_COLUMNS``): the route and the channel kinds
    written out with :func:`.routes.format_route`; everything else as in the flow table."""
    out = table[list(FLOW_TABLE_COLUMNS)].copy()
    out["route"] = [format_route(r) for r in table["route"]]
    out["channels"] = [format_route(c) for c in table["channels"]]
    return out


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario routed: its channels, the chosen routes and their flow table."""

    scenario: Scenario
    routes: tuple
    table: pd.DataFrame


def route_all(network: Network, parameters: Parameters) -> dict[str, ScenarioRun]:
    """The three scenarios routed once each, for one set of parameters (the admissible one
    needs the as-is routes: a link restriction pins the flows that use that channel today)."""
    base = as_is(network, parameters)
    base_routes = route_scenario(network, base)
    runs = {"as_is": ScenarioRun(base, tuple(base_routes), flow_table(network, base_routes))}
    for scenario in (digital(network, parameters), admissible(network, parameters, base_routes)):
        routes = route_scenario(network, scenario)
        runs[scenario.name] = ScenarioRun(scenario, tuple(routes), flow_table(network, routes))
    return runs
