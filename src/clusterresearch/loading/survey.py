"""A responses file, in any accepted format, to one validated tidy `Survey`.

The work goes through a `Grid` (respondents x asked scaled items as a float matrix): wide
files are already that shape, long files are pivoted into it, and the tidy frame is then
built from it with array operations only, so every format gives the same frame and a
100,000-respondent survey needs no Python loop per respondent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..errors import InputError, where
from ..preload import preloadable
from .cells import as_number, as_text
from .formats import ColumnRoles, RawTable, read_table
from .instrument import load_instrument
from .registry import load_registry
from .validation import (
    refuse_columns,
    require_columns,
    require_countries,
    require_filled,
    require_registered,
    require_same_within,
    require_scale,
    require_unique,
)

ID_COLUMNS = ("respondent_id", "country", "cluster")
LONG_COLUMNS = ID_COLUMNS + ("item_id", "value")
ANSWER_COLUMNS = ["respondent_id", "country", "cluster", "item_id", "area", "type", "value"]
ESSAY_COLUMNS = ["respondent_id", "country", "cluster", "item_id", "area", "text"]


@dataclass(frozen=True)
class Survey:
    """The tidy survey of docs/architecture.md: answers, essays, instrument, registry, source.

    ``answers`` has one row per respondent x asked scaled item (missing answers keep their
    row, value NaN), sorted by respondent_id then instrument order. Items that the file does
    not ask (a wide file without their column, a long file without their rows) are left out.
    ``essays`` has one row per non-empty text answer, the text exactly as in the file.
    """

    answers: pd.DataFrame
    essays: pd.DataFrame
    instrument: pd.DataFrame
    registry: pd.DataFrame | None
    source: Path


@dataclass(frozen=True)
class Grid:
    """The validated answers before they are made tidy: respondents x asked scaled items.

    ``respondents`` (respondent_id, country, cluster) is sorted by respondent_id; ``items``
    (item_id, area, type) is in instrument order; ``values[r, i]`` is respondent r's answer
    to item i (NaN = none). `prepare` summarises and writes from this shape directly.
    """

    respondents: pd.DataFrame
    items: pd.DataFrame
    values: np.ndarray
    essays: pd.DataFrame
    instrument: pd.DataFrame
    registry: pd.DataFrame | None
    source: Path

    def answers(self) -> pd.DataFrame:
        """The tidy answers frame, built by repeating and tiling arrays (no per-row Python)."""
        n, k = self.values.shape
        resp = np.repeat(np.arange(n), k)
        item = np.tile(np.arange(k), n)
        columns = {name: _take(self.respondents[name], resp) for name in ID_COLUMNS}
        columns.update({name: _take(self.items[name], item) for name in ("item_id", "area", "type")})
        columns["value"] = self.values.reshape(-1).astype(np.float64, copy=False)
        return pd.DataFrame(columns, columns=ANSWER_COLUMNS)

    def to_survey(self) -> Survey:
        return Survey(self.answers(), self.essays, self.instrument, self.registry, self.source)


def _take(column: pd.Series, positions: np.ndarray) -> pd.Series:
    """Repeat a small ``str`` column to a long one without re-validating every string."""
    return pd.Series(column.astype("str").array.take(positions))


def default_registry(path: str | Path) -> Path | None:
    """The shipped registry goes with the shipped responses file; a user's survey has none."""
    try:
        shipped = Path(path).resolve() == config.RESPONSES_PATH.resolve()
    except OSError:
        shipped = False
    return config.REGISTRY_PATH if shipped else None


@preloadable  # the study is loaded once per reproduce worker (clusterresearch.preload)
def load_survey(path: str | Path, instrument: pd.DataFrame | str | Path | None = None,
                registry: pd.DataFrame | str | Path | None = None, encoding: str | None = None) -> Survey:
    """Read and validate a responses file (wide/long CSV, XLSX, SAV) into a `Survey`.

    ``instrument`` defaults to data/raw/instrument.csv; ``registry`` (a path or a frame)
    defaults to the shipped clusters.csv for the shipped responses file and to none for any
    other. ``encoding`` applies to CSV input (default UTF-8, with or without BOM).
    """
    return read_grid(path, instrument, registry, encoding).to_survey()


def read_grid(path: str | Path, instrument: pd.DataFrame | str | Path | None = None,
              registry: pd.DataFrame | str | Path | None = None, encoding: str | None = None) -> Grid:
    """Everything `load_survey` does except building the tidy frame (see `Grid`)."""
    path = Path(path)
    if not isinstance(instrument, pd.DataFrame):
        instrument = load_instrument(instrument)
    registry_file, registry_encoding = None, encoding
    if registry is None:
        registry, registry_encoding = default_registry(path), None  # the shipped file is UTF-8
    if registry is not None and not isinstance(registry, pd.DataFrame):
        registry_file = Path(registry)
        registry = load_registry(registry_file, encoding=registry_encoding)
    types = dict(zip(instrument["item_id"], instrument["type"]))
    text_items = frozenset(item for item, kind in types.items() if kind == "text")

    def roles(header: list[str]) -> ColumnRoles:
        if "item_id" in header and "value" in header:
            return ColumnRoles(codes=frozenset(ID_COLUMNS + ("item_id",)), texts=frozenset({"value"}))
        return ColumnRoles(codes=frozenset(ID_COLUMNS), texts=text_items)

    table = read_table(path, encoding=encoding, roles=roles)
    reader = _read_long if table.layout == "long" else _read_wide
    respondents, items, values, essays = reader(table, instrument, types)
    _check_clusters(table, respondents, registry, registry_file)
    respondents, values, essays = _sorted(respondents, values, essays, instrument)
    return Grid(respondents[list(ID_COLUMNS)].reset_index(drop=True), items, values, essays,
                instrument, registry, path)


# --------------------------------------------------------------------------- wide

def _ids(table: RawTable) -> dict[str, pd.Series]:
    ids = {name: as_text(table.frame[name]) for name in ID_COLUMNS}
    require_filled(table.file, table.rows, ids)
    require_countries(table.file, table.rows, ids["country"])
    return ids


def _read_wide(table: RawTable, instrument: pd.DataFrame, types: dict[str, str]):
    require_columns(table.file, table.header, ID_COLUMNS, "a responses file")
    refuse_columns(table.file, table.header, set(ID_COLUMNS) | set(types),
                   "not an item_id of the instrument, nor respondent_id, country or cluster")
    ids = _ids(table)
    require_unique(table.file, table.rows, [ids["respondent_id"]], "respondent_id", "respondent_id {0!r}")
    asked = set(table.header)
    items = _items(instrument, [item for item in instrument["item_id"] if item in asked and types[item] != "text"])
    names = list(items["item_id"])
    columns = table.frame[names]
    if all(kind in "iuf" for kind in columns.dtypes.map(lambda d: d.kind)):  # the common case: one copy
        matrix = columns.to_numpy(dtype=np.float64)
        not_number = np.zeros(matrix.shape, dtype=bool)
    else:
        matrix = np.empty((len(table.frame), len(names)), dtype=np.float64)
        not_number = np.zeros(matrix.shape, dtype=bool)
        for j, name in enumerate(names):  # one vectorised conversion per item column
            matrix[:, j], not_number[:, j] = as_number(columns[name])
    require_scale(table.file, table.rows, matrix, not_number, names, columns)
    respondents = pd.DataFrame({name: ids[name].to_numpy() for name in ID_COLUMNS})
    respondents["_row"] = table.rows
    text_names = [item for item in instrument["item_id"] if item in asked and types[item] == "text"]
    essays = _essays_wide(table, respondents, instrument, text_names)
    return respondents, items, matrix, essays


def _essays_wide(table: RawTable, respondents: pd.DataFrame, instrument: pd.DataFrame, names: list[str]):
    if not names:
        return _no_essays()
    parts = []
    for name in names:
        text = as_text(table.frame[name], strip=False)
        keep = _written(text)
        parts.append(respondents.loc[keep, list(ID_COLUMNS)].assign(item_id=name, text=text[keep].to_numpy()))
    return _finish_essays(pd.concat(parts, ignore_index=True), instrument)


# --------------------------------------------------------------------------- long

def _read_long(table: RawTable, instrument: pd.DataFrame, types: dict[str, str]):
    file, rows = table.file, table.rows
    require_columns(file, table.header, LONG_COLUMNS, "a long responses file")
    refuse_columns(file, table.header, set(LONG_COLUMNS),
                   "a long file has only respondent_id, country, cluster, item_id and value")
    ids = _ids(table)
    item_id = as_text(table.frame["item_id"])
    require_filled(file, rows, {"item_id": item_id})
    known = item_id.isin(set(types)).to_numpy()
    if not known.all():
        i = int(np.argmax(~known))
        raise InputError(file, where(row=int(rows[i]), column="item_id"),
                         f"unknown item {item_id.iloc[i]!r}: not an item_id of the instrument")
    require_unique(file, rows, [ids["respondent_id"], item_id], "item_id",
                   "answer of respondent {0!r} to item {1!r}")
    require_same_within(file, rows, ids["respondent_id"],
                        {"country": ids["country"], "cluster": ids["cluster"]}, "respondent")

    kind = item_id.map(types).to_numpy()
    scaled = kind != "text"
    value = table.frame["value"]
    numbers, not_number = as_number(value[scaled])
    require_scale(file, rows[scaled], numbers[:, None], not_number[:, None], ["value"],
                  value[scaled].to_frame())

    first = ~ids["respondent_id"].duplicated().to_numpy()
    respondents = pd.DataFrame({name: ids[name].to_numpy()[first] for name in ID_COLUMNS})
    respondents["_row"] = rows[first]
    asked = set(item_id[scaled])
    items = _items(instrument, [item for item in instrument["item_id"] if item in asked])
    r = pd.Index(respondents["respondent_id"]).get_indexer(ids["respondent_id"][scaled])
    c = pd.Index(items["item_id"]).get_indexer(item_id[scaled])
    matrix = np.full((len(respondents), len(items)), np.nan)
    matrix[r, c] = numbers

    text = as_text(value[~scaled], strip=False)
    keep = _written(text)
    essays = pd.DataFrame({name: ids[name][~scaled].to_numpy()[keep] for name in ID_COLUMNS})
    essays["item_id"] = item_id[~scaled].to_numpy()[keep]
    essays["text"] = text.to_numpy()[keep]
    return respondents, items, matrix, _finish_essays(essays, instrument)


# --------------------------------------------------------------------------- shared

def _items(instrument: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    chosen = instrument.set_index("item_id").loc[names, ["area", "type"]].reset_index()
    return chosen.astype("str")[["item_id", "area", "type"]]


def _written(text: pd.Series) -> np.ndarray:
    """Which essay cells hold something besides spaces (blank answers are no essay)."""
    keep = text.notna().to_numpy().copy()
    if keep.any():
        keep[keep] = (text[keep].str.strip() != "").to_numpy()
    return keep


def _no_essays() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="str") for name in ESSAY_COLUMNS})


def _finish_essays(essays: pd.DataFrame, instrument: pd.DataFrame) -> pd.DataFrame:
    area = dict(zip(instrument["item_id"], instrument["area"]))
    essays = essays.assign(area=essays["item_id"].map(area))
    return essays[ESSAY_COLUMNS].astype("str")


def _check_clusters(table: RawTable, respondents: pd.DataFrame, registry, registry_file) -> None:
    """A cluster lies in one country; with a registry, in the registry's country."""
    rows = respondents["_row"].to_numpy()
    cluster, country = respondents["cluster"], respondents["country"]
    if registry is not None:
        require_registered(table.file, rows, cluster, country, registry, registry_file or "given")
    require_same_within(table.file, rows, cluster, {"country": country}, "cluster")


def _sorted(respondents: pd.DataFrame, values: np.ndarray, essays: pd.DataFrame, instrument: pd.DataFrame):
    """Respondents by id; essays by respondent, then instrument order of items."""
    order = np.argsort(respondents["respondent_id"].to_numpy(dtype=object), kind="stable")
    respondents = respondents.iloc[order].reset_index(drop=True)
    values = values[order]
    if len(essays):
        rank = pd.Index(respondents["respondent_id"]).get_indexer(essays["respondent_id"])
        item_rank = pd.Index(instrument["item_id"]).get_indexer(essays["item_id"])
        essays = essays.iloc[np.lexsort((item_rank, rank))].reset_index(drop=True)
    return respondents, values, essays.reset_index(drop=True)
