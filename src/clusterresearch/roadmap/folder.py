"""Reading and validating a cluster's network folder: actors, links (channels), flows, restrictions.

A network folder holds three required CSV files, two optional ones and an optional
description of itself (``network.toml``, see :mod:`.description`):

``actors.csv``            ``actor_id, name, type`` - the participants, typed by the paper's typology
``links.csv``             ``source, target, kind, retention, delay_days`` - one row per existing channel
``flows.csv``             ``source, target, kind, volume`` - the information each actor needs from another
``actor_restrictions.csv`` (optional) ``actor_id, kind, restriction, reason`` - stage III, per actor
``link_restrictions.csv``  (optional) ``source, target, kind, restriction, reason`` - stage III, per link

The CSV files are read by ``loading.formats.read_table``, the reader of the survey files.
Every fault raises :class:`clusterresearch.errors.InputError` naming the file, the row (as a
spreadsheet shows it: the header is row 1) and the column, so the command can end with one
line. Columns beyond the documented ones are allowed and ignored (for the user's notes).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from ..errors import InputError, where
from ..loading.formats import read_table
from .description import read_description
from .network import ACTOR_TYPES, ALL_KINDS, LINK_KINDS, RESTRICTION_TYPES, ROUTE_SEPARATOR, Network

ACTORS_FILE = "actors.csv"
LINKS_FILE = "links.csv"
FLOWS_FILE = "flows.csv"
ACTOR_RESTRICTIONS_FILE = "actor_restrictions.csv"
LINK_RESTRICTIONS_FILE = "link_restrictions.csv"
REQUIRED_FILES = (ACTORS_FILE, LINKS_FILE, FLOWS_FILE)
OPTIONAL_FILES = (ACTOR_RESTRICTIONS_FILE, LINK_RESTRICTIONS_FILE)

ACTOR_COLUMNS = ("actor_id", "name", "type")
LINK_COLUMNS = ("source", "target", "kind", "retention", "delay_days")
FLOW_COLUMNS = ("source", "target", "kind", "volume")
ACTOR_RESTRICTION_COLUMNS = ("actor_id", "kind", "restriction", "reason")
LINK_RESTRICTION_COLUMNS = ("source", "target", "kind", "restriction", "reason")


# ----- reading a table ---------------------------------------------------------------------

def _read_rows(path: Path, columns: tuple[str, ...], allow_empty: bool = False) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV file as (spreadsheet row number, {column: stripped text}).

    Read by :func:`clusterresearch.loading.formats.read_table`, the reader of every input
    file (UTF-8 with or without BOM, comma/semicolon/tab, blank rows skipped but counted as
    a spreadsheet counts them, no repeated column, no row longer than the header); here
    only the required columns are checked. ``allow_empty``: the optional restriction files
    may hold only their header.
    """
    if not path.is_file():
        raise InputError(path, where(), "file not found; a network folder holds " + ", ".join(REQUIRED_FILES))
    table = read_table(path, encoding="utf-8", allow_empty=allow_empty)
    for name in columns:
        if name not in table.header:
            raise InputError(path, where(row=1, column=name),
                             "missing column; the header needs " + ", ".join(columns))
    cells = table.frame.astype(object).where(table.frame.notna(), "")
    return [(int(row), {name: str(value).strip() for name, value in zip(table.header, values)})
            for row, values in zip(table.rows, cells.itertuples(index=False, name=None))]


def _text(path: Path, row: int, record: dict[str, str], column: str) -> str:
    value = record[column]
    if not value:
        raise InputError(path, where(row=row, column=column), "empty; a value is required")
    return value


def _choice(path: Path, row: int, record: dict[str, str], column: str, allowed, what: str) -> str:
    value = _text(path, row, record, column)
    if value not in allowed:
        raise InputError(path, where(row=row, column=column),
                         f"unknown {what} {value!r}; expected one of " + ", ".join(allowed))
    return value


def _number(path: Path, row: int, record: dict[str, str], column: str) -> float:
    value = _text(path, row, record, column)
    try:
        number = float(value)
    except ValueError:
        raise InputError(path, where(row=row, column=column), f"not a number: {value!r}") from None
    if not math.isfinite(number):
        raise InputError(path, where(row=row, column=column), f"not a finite number: {value!r}")
    return number


def _actor(path: Path, row: int, record: dict[str, str], column: str, known: dict[str, str]) -> str:
    value = _text(path, row, record, column)
    if value not in known:
        raise InputError(path, where(row=row, column=column),
                         f"unknown actor {value!r}; every actor must be listed in {ACTORS_FILE}")
    return value


def _pair(path: Path, row: int, record: dict[str, str], known: dict[str, str]) -> tuple[str, str]:
    source = _actor(path, row, record, "source", known)
    target = _actor(path, row, record, "target", known)
    if source == target:
        raise InputError(path, where(row=row, column="target"),
                         f"same actor as source ({source!r}); a link joins two different actors")
    return source, target


# ----- the five files ------------------------------------------------------------------------

def _read_actors(path: Path) -> pd.DataFrame:
    rows = []
    first_row: dict[str, int] = {}
    type_row: dict[str, tuple[str, int]] = {}
    for row, record in _read_rows(path, ACTOR_COLUMNS):
        actor_id = _text(path, row, record, "actor_id")
        if ROUTE_SEPARATOR in actor_id:
            raise InputError(path, where(row=row, column="actor_id"),
                             f"{actor_id!r} contains {ROUTE_SEPARATOR!r}, which separates actors in routes")
        if actor_id in first_row:
            raise InputError(path, where(row=row, column="actor_id"),
                             f"duplicate actor id {actor_id!r} (first on row {first_row[actor_id]})")
        first_row[actor_id] = row
        actor_type = _choice(path, row, record, "type", ACTOR_TYPES, "actor type")
        if actor_type in ("cdc", "it_actor"):
            if actor_type in type_row:
                other, other_row = type_row[actor_type]
                raise InputError(path, where(row=row, column="type"),
                                 f"a second {actor_type} actor ({other!r} is on row {other_row}); "
                                 "the model has one Cluster Development Center and one IT-actor")
            type_row[actor_type] = (actor_id, row)
        rows.append((actor_id, record["name"] or actor_id, actor_type))
    return pd.DataFrame(rows, columns=list(ACTOR_COLUMNS))


def _read_links(path: Path, known: dict[str, str]) -> pd.DataFrame:
    rows = []
    first_row: dict[tuple, int] = {}
    for row, record in _read_rows(path, LINK_COLUMNS):
        source, target = _pair(path, row, record, known)
        kind = _choice(path, row, record, "kind", LINK_KINDS, "link kind")
        retention = _number(path, row, record, "retention")
        if not 0 < retention <= 1:
            raise InputError(path, where(row=row, column="retention"),
                             f"{retention:g} is outside (0, 1]; retention is the probability that "
                             "information arrives intact")
        delay = _number(path, row, record, "delay_days")
        if delay < 0:
            raise InputError(path, where(row=row, column="delay_days"), f"negative delay {delay:g}")
        key = (frozenset((source, target)), kind)
        if key in first_row:
            raise InputError(path, where(row=row),
                             f"duplicate channel {source}-{target} of kind {kind} (first on row "
                             f"{first_row[key]}); channels carry information both ways")
        first_row[key] = row
        rows.append((source, target, kind, retention, delay))
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    return frame.astype({"retention": "float64", "delay_days": "float64"})


def _read_flows(path: Path, known: dict[str, str]) -> pd.DataFrame:
    rows = []
    first_row: dict[tuple, int] = {}
    for row, record in _read_rows(path, FLOW_COLUMNS):
        source, target = _pair(path, row, record, known)
        kind = _choice(path, row, record, "kind", LINK_KINDS, "flow kind")
        volume = _number(path, row, record, "volume")
        if volume < 0:
            raise InputError(path, where(row=row, column="volume"), f"negative volume {volume:g}")
        if volume == 0:
            raise InputError(path, where(row=row, column="volume"),
                             "volume 0; a flow is information an actor needs, drop the row if none")
        key = (source, target, kind)
        if key in first_row:
            raise InputError(path, where(row=row),
                             f"duplicate flow {source}>{target} of kind {kind} (first on row "
                             f"{first_row[key]}); give one row with the total volume")
        first_row[key] = row
        rows.append((source, target, kind, volume))
    return pd.DataFrame(rows, columns=list(FLOW_COLUMNS)).astype({"volume": "float64"})


def _read_actor_restrictions(path: Path, known: dict[str, str]) -> pd.DataFrame:
    rows = []
    first_row: dict[tuple, int] = {}
    for row, record in _read_rows(path, ACTOR_RESTRICTION_COLUMNS, allow_empty=True):
        actor = _actor(path, row, record, "actor_id", known)
        kind = _choice(path, row, record, "kind", LINK_KINDS + (ALL_KINDS,), "kind")
        restriction = _choice(path, row, record, "restriction", RESTRICTION_TYPES, "restriction")
        reason = _text(path, row, record, "reason")
        key = (actor, kind)
        if key in first_row:
            raise InputError(path, where(row=row),
                             f"duplicate restriction of {actor!r} for {kind} (first on row {first_row[key]})")
        first_row[key] = row
        rows.append((actor, kind, restriction, reason))
    return pd.DataFrame(rows, columns=list(ACTOR_RESTRICTION_COLUMNS))


def _read_link_restrictions(path: Path, known: dict[str, str], links: pd.DataFrame) -> pd.DataFrame:
    channels = {(frozenset((s, t)), k) for s, t, k in links[["source", "target", "kind"]].itertuples(index=False)}
    rows = []
    first_row: dict[tuple, int] = {}
    for row, record in _read_rows(path, LINK_RESTRICTION_COLUMNS, allow_empty=True):
        source, target = _pair(path, row, record, known)
        kind = _choice(path, row, record, "kind", LINK_KINDS, "link kind")
        key = (frozenset((source, target)), kind)
        if key not in channels:
            raise InputError(path, where(row=row),
                             f"no channel {source}-{target} of kind {kind} in {LINKS_FILE}; "
                             "a link restriction names an existing channel")
        restriction = _choice(path, row, record, "restriction", RESTRICTION_TYPES, "restriction")
        reason = _text(path, row, record, "reason")
        if key in first_row:
            raise InputError(path, where(row=row),
                             f"duplicate restriction of channel {source}-{target} ({kind}) "
                             f"(first on row {first_row[key]})")
        first_row[key] = row
        rows.append((source, target, kind, restriction, reason))
    return pd.DataFrame(rows, columns=list(LINK_RESTRICTION_COLUMNS))


def network_files(folder: str | Path, absent: bool = False) -> list[Path]:
    """The files a network folder is read from, in reading order (the three required files,
    the restriction files and network.toml where present; with ``absent``, those it lacks
    too, since adding one changes the model): the one list of a network's inputs, for
    ``Network.files``, build records and reproduce's preload."""
    from .description import DESCRIPTION_FILE

    folder = Path(folder)
    files = [folder / ACTORS_FILE, folder / LINKS_FILE, folder / FLOWS_FILE]
    optional = [folder / name for name in (ACTOR_RESTRICTIONS_FILE, LINK_RESTRICTIONS_FILE, DESCRIPTION_FILE)]
    return files + [path for path in optional if absent or path.is_file()]


def load_network(folder: str | Path) -> Network:
    """Read and validate a network folder; raise InputError at the first fault found.

    network.toml (its description, optional) is read first; then the files in the order
    actors, links, flows, actor restrictions, link restrictions, each row by row, so the
    message points at the first bad cell.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError(folder, where(), "not a folder; --network names a folder holding " + ", ".join(REQUIRED_FILES))
    description = read_description(folder)
    files = [folder / ACTORS_FILE, folder / LINKS_FILE, folder / FLOWS_FILE]
    actors = _read_actors(files[0])
    known = dict(zip(actors["actor_id"], actors["type"]))
    links = _read_links(files[1], known)
    flows = _read_flows(files[2], known)
    actor_restrictions = pd.DataFrame(columns=list(ACTOR_RESTRICTION_COLUMNS), dtype=object)
    link_restrictions = pd.DataFrame(columns=list(LINK_RESTRICTION_COLUMNS), dtype=object)
    if (folder / ACTOR_RESTRICTIONS_FILE).exists():
        files.append(folder / ACTOR_RESTRICTIONS_FILE)
        actor_restrictions = _read_actor_restrictions(files[-1], known)
    if (folder / LINK_RESTRICTIONS_FILE).exists():
        files.append(folder / LINK_RESTRICTIONS_FILE)
        link_restrictions = _read_link_restrictions(files[-1], known, links)
    if description.file is not None:
        files.append(description.file)
    return Network(actors, links, flows, actor_restrictions, link_restrictions, folder, tuple(network_files(folder)),
                   description)
