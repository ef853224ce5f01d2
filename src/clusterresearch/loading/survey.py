"""A study's responses file, in any accepted format, to one validated tidy `Survey`.

`read_grid` reads the file through `platforms.read_export`, makes the `Grid`
(`responses`: wide files are already that shape, long files are pivoted into it) and
checks the grouping columns and the design; `Survey` wraps the grid with its tidy export.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..errors import InputError
from .codes import missing_labels
from .formats import ColumnRoles, RawTable
from .grid import Grid
from .groups import check_groups, read_design
from .instrument import load_instrument
from .platforms import PLATFORM_IDS, layout_of, read_export
from .responses import read_long, read_wide, sort_respondents
from .study import Study, load_areas, load_study


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

    grid: Grid

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
    reader = read_long if table.layout == "long" else read_wide
    respondents, items, values, missing, essays = reader(table, study, keys, by_column)
    check_groups(table.file, respondents, study)
    respondents, values, missing, essays = sort_respondents(respondents, values, missing, essays, inst)
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
    exp = read_export(path, format=format, encoding=encoding, keep=keep, responses=responses, roles=roles,
                      layout=layout)
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
