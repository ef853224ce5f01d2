"""A study's responses file, in any accepted format, to one validated tidy `Survey`.

The work goes through a `Grid` (respondents x asked scaled items as positions): wide files
are already that shape, long files are pivoted into it, and the tidy frame is built from it
with categorical codes only, so every format gives the same frame and a 100,000-respondent
survey needs no Python loop per respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .answers import number_positions, to_positions
from .cells import as_text
from .codes import coded, label_codes, long_categorical, missing_codes, missing_labels, string_order
from .formats import ColumnRoles, RawTable
from .groups import check_groups, read_design
from .instrument import load_instrument
from .platforms import PLATFORM_IDS, layout_of, read_export
from .scales import item_scales
from .study import Study, load_areas, load_study
from .validation import refuse_columns, require_columns, require_filled, require_same_within, require_unique

ITEM_COLUMNS = ["item_id", "area", "type", "value", "missing"]


@dataclass(frozen=True)
class Survey:
    """A study's validated survey: its `Grid` (respondents x asked scaled items, the one
    model every metric counts on) and what comes with it.

    ``answers`` is the tidy export of the grid (docs/architecture.md): one row per respondent
    x asked scaled item: ``respondent_id``, the study's grouping columns, ``item_id, area,
    type, value, missing`` (``value`` = the answer's position on its scale, 1 = most
    negative, NaN = no answer or a missing code; ``missing`` = the missing code's label,
    else NaN), sorted by respondent_id, then instrument order; made when first asked for.
    ``essays``: one row per non-empty text answer. ``items``: each scaled item's scale
    geometry (`scales.item_scales`). ``export``: how the responses file was read (layout,
    responses option, names of the columns dropped, rows excluded by reason; see
    `platforms.read_export`).
    """

    grid: "Grid"

    @cached_property
    def answers(self) -> pd.DataFrame:
        return self.grid.answers()

    @cached_property
    def items(self) -> pd.DataFrame:
        return self.grid.scales()

    @property
    def essays(self) -> pd.DataFrame:
        return self.grid.essays

    @property
    def study(self) -> Study:
        return self.grid.study

    @property
    def source(self) -> Path:
        return self.grid.source

    @property
    def export(self) -> dict:
        return self.grid.export

    @property
    def instrument(self) -> pd.DataFrame:
        return self.study.instrument

    @property
    def groups(self) -> tuple[str, ...]:
        return self.study.group_columns


@dataclass(frozen=True)
class Grid:
    """The validated answers before they are made tidy: respondents x asked scaled items.

    ``respondents`` (respondent_id and grouping columns) is sorted by respondent_id;
    ``items`` (item_id, area, type) is in instrument order; ``values[r, i]`` is respondent
    r's position on item i, ``missing[r, i]`` the index of its missing code's label in
    ``labels`` or -1 (small integers: a 100,000 x 67 grid of labels would be 6.7 million
    Python objects to copy and compare).
    """

    respondents: pd.DataFrame
    items: pd.DataFrame
    values: np.ndarray
    missing: np.ndarray
    labels: tuple[str, ...]
    essays: pd.DataFrame
    study: Study
    source: Path
    export: dict = field(default_factory=dict)
    design: pd.DataFrame | None = None   # weight, strata, psu, fpc of EVERY respondent (study.toml's design keys)
    domain: np.ndarray | None = None     # this grid's respondents' rows in ``design`` (None: all, in order)

    def design_rows(self) -> np.ndarray:
        """Rows of ``design`` that are this grid's respondents (a scope is a domain of the whole design)."""
        return np.arange(len(self.respondents)) if self.domain is None else self.domain

    def coded(self) -> dict[str, tuple[np.ndarray, pd.Index, int, int]]:
        """Each text column of the tidy answers as (codes of the short column, categories,
        repeat, tile): respondents' codes are repeated k times, the items' tiled n times,
        missing codes stand for each answer. The one recipe of `answers` and of the tidy
        Parquet file (`prepare.tidy_batches`)."""
        n, k = self.values.shape
        columns = {name: (*coded(self.respondents[name], sort=True), k, 1) for name in self.respondents.columns}
        for name in ("item_id", "type"):
            columns[name] = (*coded(self.items[name], sort=False), 1, n)
        area = pd.Categorical(self.items["area"].astype("str"), categories=self.area_order())
        columns["area"] = (area.codes, area.categories, 1, n)
        columns["missing"] = (*missing_codes(self.missing.reshape(-1), self.labels), 1, 1)
        return {name: columns[name] for name in list(self.respondents.columns) + list(ITEM_COLUMNS) if name != "value"}

    def area_order(self) -> list[str]:
        """The areas of the asked items in the study's report order (areas.csv)."""
        return self.study.area_order(self.items["area"])

    def answers(self, empty: bool = False, coded: dict | None = None) -> pd.DataFrame:
        """The tidy answers frame, from categorical codes (no string is repeated); ``empty``:
        no rows, the same columns and dtypes; ``coded``: `coded()` if already made."""
        columns = {name: long_categorical(codes[:0] if empty else codes, categories, repeat=repeat, tile=tile)
                   for name, (codes, categories, repeat, tile) in (coded or self.coded()).items()}
        values = self.values.reshape(-1)
        columns["value"] = (values[:0] if empty else values).astype(np.float64, copy=False)
        order = list(self.respondents.columns) + ITEM_COLUMNS
        return pd.DataFrame({name: columns[name] for name in order}, copy=False)

    def scales(self) -> pd.DataFrame:
        """Each asked scaled item's scale geometry (`scales.item_scales`), in instrument order."""
        items = item_scales(self.study.instrument, self.study.scales)
        return items[items["item_id"].isin(set(self.items["item_id"]))].reset_index(drop=True)

    def subset(self, rows) -> "Grid":
        """The grid of some respondents (positions or a mask, in respondent order)."""
        rows = np.asarray(rows)
        domain = None if self.design is None else self.design_rows()[rows]
        return replace(self, respondents=self.respondents[rows].reset_index(drop=True) if rows.dtype == bool
                       else self.respondents.iloc[rows].reset_index(drop=True),
                       values=self.values[rows], missing=self.missing[rows], domain=domain)

    def select(self, scope) -> "Grid":
        """The grid of a scope's respondents (`scope.select` says who they are)."""
        if scope.column is None:
            return self
        from ..scope import select

        rows = select(self.respondents.assign(_row=np.arange(len(self.respondents))), scope)["_row"]
        return self.subset(rows.to_numpy())

    def to_survey(self) -> Survey:
        return Survey(self)


def load_survey(path: str | Path | None = None, *, study: Study | str | Path | None = None,
                instrument: pd.DataFrame | str | Path | None = None,
                registry: str | Path | None = None, encoding: str | None = None,
                format: str = "auto", responses: str = "complete") -> Survey:
    """Read and validate a study's responses (wide/long CSV, XLSX, SAV, or a survey
    platform's export) into a `Survey`.

    ``study`` is a `Study` or a study folder (default: data/raw); ``path`` overrides the
    study's responses file (--data); ``instrument`` overrides its instrument; ``registry``
    overrides the names file of its named grouping column (--registry); ``format`` and
    ``responses`` as `platforms.read_export` takes them (--format, --responses).
    """
    return read_grid(path, study=study, instrument=instrument, registry=registry, encoding=encoding,
                     format=format, responses=responses).to_survey()


def resolve_study(study: Study | str | Path | None, instrument=None, registry=None) -> Study:
    """The study to read, with --instrument/--registry overrides applied."""
    if not isinstance(study, Study):
        study = load_study(study)
    if instrument is not None:
        if not isinstance(instrument, pd.DataFrame):
            instrument = load_instrument(instrument, scales=study.scales)
        study = replace(study, instrument=instrument, areas=load_areas(study.dir / "_none_", instrument))
    if registry is not None:
        named = [g for g in study.groups if g.names is not None] or [g for g in study.groups if g.kind == "category"]
        if not named:
            raise InputError(registry, "file", "the study has no grouping column to name (--registry)")
        target = named[-1]
        study = replace(study, groups=tuple(replace(g, names=Path(registry)) if g is target else g
                                            for g in study.groups))
    return study


def read_grid(path: str | Path | None = None, *, study: Study | str | Path | None = None,
              instrument=None, registry=None, encoding: str | None = None,
              format: str = "auto", responses: str = "complete") -> Grid:
    """Everything `load_survey` does except building the tidy frame (see `Grid`)."""
    study = resolve_study(study, instrument, registry)
    path = Path(path) if path is not None else study.responses
    inst = study.instrument
    by_column = {c: i for i, c in enumerate(inst["column"])}
    text_columns = frozenset(inst.loc[inst["type"] == "text", "column"])
    design_columns = study.design.columns if study.design is not None else ()
    keys = (study.id_column,) + study.group_columns + design_columns

    def roles(header: list[str]) -> ColumnRoles:
        if "item_id" in header and "value" in header:
            return ColumnRoles(codes=frozenset(keys + ("item_id",)), texts=frozenset({"value"}))
        return ColumnRoles(codes=frozenset(keys), texts=text_columns)

    table, keys, export = _read_responses(path, study, keys, roles, encoding, format, responses)
    reader = _read_long if table.layout == "long" else _read_wide
    respondents, items, values, missing, essays = reader(table, study, keys, by_column)
    check_groups(table.file, respondents, study)
    respondents, values, missing, essays = _sorted(respondents, values, missing, essays, inst)
    design = read_design(table.file, respondents, study) if design_columns else None
    essays = essays.drop(columns=[c for c in design_columns if c in essays.columns])
    respondents = respondents.drop(columns=["_row", *design_columns]).rename(columns={keys[0]: "respondent_id"})
    return Grid(respondents.reset_index(drop=True), items, values, missing, missing_labels(study), essays, study,
                path, export, design)


def _read_responses(path: Path, study: Study, keys: tuple[str, ...], roles, encoding, format, responses):
    """The responses as a RawTable, through `platforms.read_export`: our own files whole (every
    column is checked), a platform's export with only the columns the study maps (the rest,
    personal data included, never leaves the reader). A study that keeps the default id
    column name reads the platform's own id column (ResponseId, Respondent ID, _uuid ...).
    Returns the table, the key columns (id first) and what `Survey.export` records."""
    layout = layout_of(path, format, encoding)
    mapped = set(keys) | set(study.instrument["column"])
    keep = None if layout == "wide" else mapped | set(PLATFORM_IDS[layout])
    exp = read_export(path, format=format, encoding=encoding, keep=keep, responses=responses, roles=roles)
    table, dropped = exp.table, list(exp.dropped)
    if layout != "wide":
        id_column = keys[0]
        if id_column not in table.header and id_column == "respondent_id" and exp.id_column:
            id_column = exp.id_column
        extra = [c for c in table.header if c in PLATFORM_IDS[layout] and c != id_column and c not in mapped]
        if extra:  # the platform's id, read in case the study uses it, is not what the study maps
            table = RawTable(table.file, table.kind, [c for c in table.header if c not in extra],
                             table.frame.drop(columns=extra), table.rows)
            dropped += extra
        keys = (id_column,) + keys[1:]
    export = {"layout": exp.layout, "responses": responses, "dropped": dropped,
              "excluded": dict(exp.excluded)}
    return table, keys, export


# --------------------------------------------------------------------------- wide

def _ids(table: RawTable, keys: tuple[str, ...], study: Study) -> dict[str, pd.Series]:
    """The id (never empty) and grouping columns as text; an empty grouping cell, or one of
    its ``missing`` codes, is no value (NaN): the respondent is in no group of that column."""
    ids = {name: as_text(table.frame[name]) for name in keys}
    require_filled(table.file, table.rows, {keys[0]: ids[keys[0]]})
    for spec in study.groups:
        if spec.missing and spec.column in ids:
            ids[spec.column] = ids[spec.column].mask(ids[spec.column].isin(spec.missing))
    return ids


def _read_wide(table: RawTable, study: Study, keys, by_column):
    inst = study.instrument
    require_columns(table.file, table.header, keys, "a responses file of this study")
    known = ", ".join(keys)
    refuse_columns(table.file, table.header, set(keys) | set(by_column),
                   f"not an item column of the instrument, nor {known}")
    ids = _ids(table, keys, study)
    require_unique(table.file, table.rows, [ids[keys[0]]], keys[0], keys[0] + " {0!r}")
    asked = [c for c in inst["column"] if c in set(table.header)]
    scaled = [c for c in asked if inst["type"].iloc[by_column[c]] != "text"]
    values, missing = _positions(table, study, [(c, inst["scale"].iloc[by_column[c]]) for c in scaled])
    respondents = pd.DataFrame({name: ids[name].to_numpy() for name in keys})
    respondents["_row"] = table.rows
    items = _items(inst, [by_column[c] for c in scaled])
    texts = [c for c in asked if inst["type"].iloc[by_column[c]] == "text"]
    parts = []
    for column in texts:
        text = as_text(table.frame[column], strip=False)
        keep = _written(text)
        parts.append(respondents.loc[keep, list(keys)].assign(
            item_id=inst["item_id"].iloc[by_column[column]], text=text[keep].to_numpy()))
    essays = pd.concat(parts, ignore_index=True) if parts else None
    return respondents, items, values, missing, _finish_essays(essays, study, keys)


def _positions(table: RawTable, study: Study, scaled: list[tuple[str, str]]) -> tuple[np.ndarray, np.ndarray]:
    """Positions and missing codes (the study's labels) of the scaled columns (name, scale
    id): numeric columns of one scale looked up together (`number_positions`), the rest, and
    any with a cell that is not a code, one by one in column order, so the first bad cell
    of the first such column is the error."""
    n = len(table.frame)
    values = np.empty((n, len(scaled)), dtype=np.float64)
    missing = np.empty(values.shape, dtype=np.int32)
    known = missing_labels(study)
    by_scale: dict[str, list[int]] = {}
    for j, (column, scale) in enumerate(scaled):
        if table.frame[column].dtype.kind in "iuf":
            by_scale.setdefault(scale, []).append(j)
    done = np.zeros(len(scaled), dtype=bool)
    for scale, js in by_scale.items():
        block = table.frame[[scaled[j][0] for j in js]].to_numpy(dtype=np.float64)
        found = number_positions(block, study.scales[scale], known)
        if found is not None and len(js) == len(scaled):
            values, missing = found
        elif found is not None:
            values[:, js], missing[:, js] = found
        done[js] = found is not None
    for j, (column, scale) in enumerate(scaled):
        if not done[j]:
            values[:, j], codes = to_positions(table.file, table.rows, column, table.frame[column], study.scales[scale])
            missing[:, j] = label_codes(codes, study.scales[scale], known)
    return values, missing


# --------------------------------------------------------------------------- long

def _read_long(table: RawTable, study: Study, keys, by_column):
    inst = study.instrument
    file, rows = table.file, table.rows
    long_columns = keys + ("item_id", "value")
    require_columns(file, table.header, long_columns, "a long responses file of this study")
    refuse_columns(file, table.header, set(long_columns),
                   f"a long file has only {', '.join(long_columns)}")
    ids = _ids(table, keys, study)
    item_id = as_text(table.frame["item_id"])
    require_filled(file, rows, {"item_id": item_id})
    index = pd.Index(inst["item_id"]).get_indexer(item_id)
    if (index < 0).any():
        i = int(np.argmax(index < 0))
        raise InputError(file, where(row=int(rows[i]), column="item_id"),
                         f"unknown item {item_id.iloc[i]!r}: not an item_id of the instrument")
    require_unique(file, rows, [ids[keys[0]], item_id], "item_id", "answer of respondent {0!r} to item {1!r}")
    require_same_within(file, rows, ids[keys[0]], {k: ids[k] for k in keys[1:]}, "respondent")
    kind = inst["type"].to_numpy()[index]
    scaled = kind != "text"
    first = ~ids[keys[0]].duplicated().to_numpy()
    respondents = pd.DataFrame({name: ids[name].to_numpy()[first] for name in keys})
    respondents["_row"] = rows[first]
    asked = sorted(set(index[scaled]))
    items = _items(inst, asked)
    r = pd.Index(respondents[keys[0]]).get_indexer(ids[keys[0]])
    values = np.full((len(respondents), len(asked)), np.nan)
    missing = np.full(values.shape, -1, dtype=np.int32)
    known = missing_labels(study)
    value = table.frame["value"]
    for j, i in enumerate(asked):
        mine = index == i
        scale = study.scales[inst["scale"].iloc[i]]
        pos, miss = to_positions(file, rows[mine], "value", value[mine].reset_index(drop=True), scale)
        values[r[mine], j], missing[r[mine], j] = pos, label_codes(miss, scale, known)
    text = as_text(value[~scaled], strip=False)
    keep = _written(text)
    essays = pd.DataFrame({name: ids[name][~scaled].to_numpy()[keep] for name in keys})
    essays["item_id"] = item_id[~scaled].to_numpy()[keep]
    essays["text"] = text.to_numpy()[keep]
    return respondents, items, values, missing, _finish_essays(essays, study, keys)


# --------------------------------------------------------------------------- shared

def _items(inst: pd.DataFrame, positions: list[int]) -> pd.DataFrame:
    return inst.iloc[positions][["item_id", "area", "type"]].astype("str").reset_index(drop=True)


def _written(text: pd.Series) -> np.ndarray:
    """Which essay cells hold something besides spaces (blank answers are no essay)."""
    keep = text.notna().to_numpy().copy()
    if keep.any():
        keep[keep] = (text[keep].str.strip() != "").to_numpy()
    return keep


def _finish_essays(essays: pd.DataFrame | None, study: Study, keys) -> pd.DataFrame:
    columns = list(keys) + ["item_id", "area", "text"]
    if essays is None or essays.empty:
        return pd.DataFrame({name: pd.Series(dtype="str") for name in columns})
    area = dict(zip(study.instrument["item_id"], study.instrument["area"]))
    essays = essays.assign(area=essays["item_id"].map(area))
    return essays[columns].astype("str")


def _sorted(respondents, values, missing, essays, inst):
    """Respondents by id; essays by respondent, then instrument order of items."""
    key = respondents.columns[0]
    order = string_order(respondents[key])
    if not np.array_equal(order, np.arange(len(order))):  # files are often sorted already
        respondents = respondents.iloc[order].reset_index(drop=True)
        values, missing = values[order], missing[order]
    if len(essays):
        rank = pd.Index(respondents[key]).get_indexer(essays[key])
        item_rank = pd.Index(inst["item_id"]).get_indexer(essays["item_id"])
        essays = essays.iloc[np.lexsort((item_rank, rank))].reset_index(drop=True)
    essays = essays.rename(columns={key: "respondent_id"})
    return respondents, values, missing, essays.reset_index(drop=True)
