"""A cluster's network: its actors, links (channels), flows and restrictions, validated
(:func:`.folder.load_network` reads a network folder into it), and the paper's typology.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from .description import Description

# The paper's typology of participants (Stage I): cluster actors (enterprises by size,
# scientific and educational organisations), public authorities acting as regulator,
# local governments, non-profit organisations, the Cluster Development Center and the
# information and analytical centre (IT-actor).
ACTOR_TYPES: tuple[str, ...] = (
    "enterprise_large",
    "enterprise_medium",
    "enterprise_small",
    "science_education",
    "public_authority",
    "local_government",
    "nonprofit",
    "cdc",
    "it_actor",
)
# Stage II of the paper: "communication system, data collection and storage system,
# creation of a social network of contractors".
LINK_KINDS: tuple[str, ...] = ("communication", "data_storage", "contractor_network")
RESTRICTION_TYPES: tuple[str, ...] = ("institutional", "technological", "other")
ALL_KINDS = "all"
ROUTE_SEPARATOR = ">"

@dataclass(frozen=True)
class Network:
    """A validated cluster network. Frames keep the files' row order and have a RangeIndex.

    ``actors``: actor_id, name, type. ``links``: source, target, kind, retention, delay_days
    (channels carry information both ways). ``flows``: source, target, kind, volume (directed:
    the target needs the information the source has). ``actor_restrictions`` and
    ``link_restrictions`` are empty frames with their columns when the files are absent.
    ``files`` lists the files read, in reading order.
    """

    actors: pd.DataFrame
    links: pd.DataFrame
    flows: pd.DataFrame
    actor_restrictions: pd.DataFrame
    link_restrictions: pd.DataFrame
    folder: Path
    files: tuple[Path, ...]
    description: Description | None = None

    @property
    def name(self) -> str:
        """The network's name: ``name`` of network.toml, else the folder's name."""
        return self.description.name if self.description is not None else self.folder.name

    def _one_of_type(self, actor_type: str) -> str | None:
        ids = self.actors.loc[self.actors["type"] == actor_type, "actor_id"]
        return None if ids.empty else str(ids.iloc[0])

    @property
    def cdc(self) -> str | None:
        """The Cluster Development Center's actor id, or None if the cluster has none."""
        return self._one_of_type("cdc")

    @property
    def it_actor(self) -> str | None:
        """The information and analytical centre's actor id, or None if the folder has none."""
        return self._one_of_type("it_actor")

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(self.actors["actor_id"])


# what the IT actor offers (read beside every network: ``analysis.load_services``)
SERVICES_PATH = config.ROADMAP_DIR / "it_actor_services.csv"
