"""The survey model every metric counts on: `Grid`, respondents x asked scaled items as
positions, and the tidy export made from it with categorical codes only, so every
format gives the same frame and a 100,000-respondent survey needs no Python loop per
respondent.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .codes import coded, long_categorical, missing_codes
from .scales import item_scales
from .study import Study

ITEM_COLUMNS = ["item_id", "area", "type", "value", "missing"]


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

    def to_survey(self):
        """The `survey.Survey` around this grid."""
        from .survey import Survey

        return Survey(self)
