"""Route finding of the information-flow model: pure functions, no file I/O.

A flow of kind *k* travels over the channels that carry *k*: channels of kind *k*, channels
of kind ``communication`` (which carry every kind) and, in the digital scenarios, the
platform channels that the actors at both of their ends admit for *k*. Along a route the
retention multiplies and the delay adds. The chosen route is the best one in this order:

1. highest retention, found as the shortest path with cost ``-ln(retention)`` per channel
   (costs add where retentions multiply; a retention itself is never used as a weight);
2. among routes of equal retention, the fewest hops (channels);
3. then the lowest delay;
4. then the fewest platform channels, so that where the platform is no better in retention,
   hops and delay the existing channels keep the flow (the platform wins only where it is
   better);
5. then, so that the choice never depends on the order of a file, the route whose actor ids
   come first alphabetically, compared actor by actor.

**Tolerance.** Costs and delays are floating-point sums, so "equal" means equal within
``TIE_TOLERANCE = 1e-9`` per channel: a channel is on a best route when
``cost_to(u) + cost(u, v) <= cost_to(v) + 1e-9`` (likewise for delay). Two routes whose
retentions differ by a factor within about ``1 ± hops * 1e-9`` count as tied - so a relay
A-CDC-B with retention 0.9 on each channel ties with a direct channel of retention 0.81,
although ``0.9 * 0.9`` and ``0.81`` differ in the last bit - and the tie goes to fewer hops.
The tolerance is many orders of magnitude below any retention a person would write down.

Implementation: Dijkstra (networkx) gives the exact best cost from the source to every
actor; the channels that are tight within the tolerance form the subgraph of best routes;
a breadth-first search in it gives the fewest hops; a pass by hop level the lowest delay and
then the fewest platform channels; and a walk from the source that always takes the
alphabetically first actor still able to reach the target picks the route. Each step keeps only the routes optimal for every
earlier criterion, which is the lexicographic order above.

Between two actors with several channels that carry the flow (say a data_storage channel
and a communication channel), only the best channel is kept, by retention, then delay;
on a tie an existing channel beats a platform channel, and a channel of the flow's own
kind beats a communication channel.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import networkx as nx

from .network import LINK_KINDS, ROUTE_SEPARATOR

TIE_TOLERANCE = 1e-9
PLATFORM = "platform"


@dataclass(frozen=True)
class Channel:
    """One channel between two actors; it carries information both ways.

    ``kind`` is a link kind or ``platform``; ``carries`` the flow kinds it can carry;
    ``origin`` is ``existing`` (from links.csv) or ``platform`` (added by a digital scenario).
    """

    source: str
    target: str
    kind: str
    retention: float
    delay_days: float
    carries: frozenset
    origin: str = "existing"
    cost: float = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        # -ln(retention): additive along a route, 0 for a channel that loses nothing.
        object.__setattr__(self, "cost", max(0.0, -math.log(self.retention)))

    def other(self, actor: str) -> str:
        return self.target if actor == self.source else self.source


def carried_kinds(kind: str) -> frozenset:
    """What an existing channel carries: a communication channel every kind, others their own."""
    return frozenset(LINK_KINDS) if kind == "communication" else frozenset({kind})


@dataclass(frozen=True)
class Route:
    """The chosen route of one flow; ``nodes`` is empty when the flow has no route."""

    source: str
    target: str
    kind: str
    nodes: tuple = ()
    channels: tuple = ()

    @property
    def found(self) -> bool:
        return bool(self.nodes)

    @property
    def hops(self) -> int | None:
        return len(self.channels) if self.found else None

    @property
    def retention(self) -> float:
        """Product of the channels' retentions; 0 when there is no route (nothing arrives)."""
        return math.prod(c.retention for c in self.channels) if self.found else 0.0

    @property
    def delay_days(self) -> float:
        """Sum of the channels' delays; NaN when there is no route."""
        return math.fsum(c.delay_days for c in self.channels) if self.found else math.nan

    @property
    def relays(self) -> tuple:
        """Actors the flow passes through (relays), excluding its two ends."""
        return self.nodes[1:-1]

    @property
    def channel_kinds(self) -> tuple:
        """The kind of each channel in order (``platform`` for a platform channel)."""
        return tuple(c.kind for c in self.channels)

    @property
    def channel_keys(self) -> tuple:
        """Each channel as ``(frozenset of its two actors, kind)``, the key of a channel."""
        return tuple(channel_key(c.source, c.target, c.kind) for c in self.channels)

    @property
    def via_platform(self) -> bool:
        return any(c.origin == PLATFORM for c in self.channels)


def channel_key(source: str, target: str, kind: str) -> tuple:
    """The key of a channel: its two actors (unordered: a channel carries both ways) and kind."""
    return frozenset((source, target)), kind


def format_route(actors: Sequence[str]) -> str:
    """A route written for a reader or a CSV file: actor ids joined by ``>`` (output only;
    routes are carried as tuples and never read back from this text)."""
    return ROUTE_SEPARATOR.join(actors)


def _preferred(a: Channel, b: Channel, kind: str) -> bool:
    """True if channel ``a`` is better than ``b`` for a flow of ``kind`` between the same actors."""
    if a.cost < b.cost - TIE_TOLERANCE:
        return True
    if a.cost > b.cost + TIE_TOLERANCE:
        return False
    if a.delay_days < b.delay_days - TIE_TOLERANCE:
        return True
    if a.delay_days > b.delay_days + TIE_TOLERANCE:
        return False
    rank = lambda c: (c.origin == PLATFORM, c.kind != kind)  # noqa: E731
    return rank(a) < rank(b)


def usable_graph(channels: Iterable[Channel], kind: str, actors: Iterable[str] = ()) -> dict[str, dict[str, Channel]]:
    """Adjacency ``{actor: {neighbour: best channel}}`` of the channels that carry ``kind``."""
    adjacency: dict[str, dict[str, Channel]] = {a: {} for a in actors}
    for channel in channels:
        if kind not in channel.carries:
            continue
        for u, v in ((channel.source, channel.target), (channel.target, channel.source)):
            adjacency.setdefault(u, {})
            current = adjacency[u].get(v)
            if current is None or _preferred(channel, current, kind):
                adjacency[u][v] = channel
    return adjacency


def cost_graph(adjacency: dict[str, dict[str, Channel]]) -> nx.Graph:
    """The usable graph as networkx, each edge weighted by its channel's cost."""
    graph = nx.Graph()
    graph.add_nodes_from(adjacency)
    for u, neighbours in adjacency.items():
        for v, channel in neighbours.items():
            graph.add_edge(u, v, cost=channel.cost)
    return graph


class _BestRoutes:
    """Best routes from one source in one usable graph, for any target (see module doc)."""

    def __init__(self, adjacency: dict[str, dict[str, Channel]], source: str, graph: nx.Graph | None = None):
        self.source = source
        if source not in adjacency:
            self.hop: dict[str, int] = {}
            self.next: dict[str, list[str]] = {}
            self.prev: dict[str, list[str]] = {}
            self.adjacency = adjacency
            return
        graph = cost_graph(adjacency) if graph is None else graph
        cost = nx.single_source_dijkstra_path_length(graph, source, weight="cost")
        tight = {
            u: [v for v, ch in adjacency[u].items() if v in cost and cost[u] + ch.cost <= cost[v] + TIE_TOLERANCE]
            for u in cost
        }
        hop = {source: 0}
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for v in tight[u]:
                if v not in hop:
                    hop[v] = hop[u] + 1
                    queue.append(v)
        level = defaultdict(list)
        for node, h in hop.items():
            level[h].append(node)
        delay = {source: 0.0}
        for h in sorted(level)[1:]:
            for v in level[h]:
                delay[v] = min(
                    delay[u] + adjacency[u][v].delay_days
                    for u in level[h - 1]
                    if v in tight[u]
                )
        fastest = {
            u: [v for v in tight[u] if hop[v] == hop[u] + 1
                and delay[u] + adjacency[u][v].delay_days <= delay[v] + TIE_TOLERANCE]
            for u in hop
        }
        platform = {source: 0}
        for h in sorted(level)[1:]:
            for v in level[h]:
                platform[v] = min(
                    platform[u] + (adjacency[u][v].origin == PLATFORM)
                    for u in level[h - 1]
                    if v in fastest[u]
                )
        nxt: dict[str, list[str]] = defaultdict(list)
        prev: dict[str, list[str]] = defaultdict(list)
        for u in hop:
            for v in fastest[u]:
                if platform[u] + (adjacency[u][v].origin == PLATFORM) == platform[v]:
                    nxt[u].append(v)
                    prev[v].append(u)
        self.hop, self.next, self.prev, self.adjacency = hop, nxt, prev, adjacency

    def route(self, target: str, kind: str) -> Route:
        if target not in self.hop:
            return Route(self.source, target, kind)
        reaches = {target}
        queue = deque([target])
        while queue:
            v = queue.popleft()
            for u in self.prev.get(v, ()):
                if u not in reaches:
                    reaches.add(u)
                    queue.append(u)
        nodes = [self.source]
        while nodes[-1] != target:
            nodes.append(min(v for v in self.next[nodes[-1]] if v in reaches))
        channels = tuple(self.adjacency[u][v] for u, v in zip(nodes, nodes[1:]))
        return Route(self.source, target, kind, tuple(nodes), channels)


def route_flows(
    channels: Sequence[Channel],
    flows: Iterable[tuple[str, str, str]],
    actors: Iterable[str] = (),
    existing_only: Iterable[tuple[str, str, str]] = (),
) -> list[Route]:
    """The best route of each flow ``(source, target, kind)``, in the order given.

    Flows listed in ``existing_only`` may use existing channels only (a link restriction of
    stage III keeps them off the platform). A flow with no route gets an empty Route.
    """
    channels = tuple(channels)
    actors = tuple(actors)
    existing = tuple(c for c in channels if c.origin != PLATFORM)
    pinned = set(existing_only)
    graphs: dict[tuple, dict] = {}
    trees: dict[tuple, _BestRoutes] = {}
    routes = []
    for source, target, kind in flows:
        only_existing = (source, target, kind) in pinned
        gkey = (kind, only_existing)
        if gkey not in graphs:
            adjacency = usable_graph(existing if only_existing else channels, kind, actors)
            graphs[gkey] = (adjacency, cost_graph(adjacency))
        tkey = (source,) + gkey
        if tkey not in trees:
            trees[tkey] = _BestRoutes(*graphs[gkey][:1], source, graphs[gkey][1])
        routes.append(trees[tkey].route(target, kind))
    return routes
