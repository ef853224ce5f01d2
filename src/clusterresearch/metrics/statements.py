"""The paper's published statements as checks on a survey, computed through the metrics.

A statement says that a statistic of an item (or of a whole area) compares with a value:
``share_agree`` of ``fund_reports`` ``==`` 0.8333 ("80% wrote ... reports effectively").
Values are fractions written to 4 decimals, so observed values are rounded the same way
before comparing.
"""

from __future__ import annotations

import operator
from pathlib import Path

import pandas as pd

from ..config import STATEMENTS_PATH
from ..errors import InputError, where
from .areas import area_gap, area_stats, self_vs_assessor
from .items import item_stats

STATEMENT_COLUMNS = ["statement_id", "figure", "item_id", "statistic", "op", "value", "quote"]
ITEM_STATISTICS = {"share_agree": "n_agree", "share_disagree": "n_disagree", "share_top": "n_top", "mean": None}
AREA_STATISTICS = ("area_mean_rank", "area_spread_rank", "area_gap")
PAIR_STATISTICS = ("self_minus_assessor",)
STATISTICS = tuple(ITEM_STATISTICS) + AREA_STATISTICS + PAIR_STATISTICS
OPS = {"==": operator.eq, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}
DECIMALS = 4


def load_statements(path: Path = STATEMENTS_PATH) -> pd.DataFrame:
    """Read and validate a statements file (see data/raw/README.md for its columns)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file", "file not found")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise InputError(path, "file", f"cannot read statements: {exc.__class__.__name__}") from None
    missing = [c for c in STATEMENT_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(path, where(row=1, column=missing[0]), "missing column")
    for i, row in enumerate(table.itertuples(index=False), start=2):
        if row.statistic not in STATISTICS:
            raise InputError(path, where(i, "statistic"), f"unknown statistic {row.statistic!r}")
        if row.op not in OPS:
            raise InputError(path, where(i, "op"), f"unknown comparison {row.op!r}")
        try:
            float(row.value)
        except ValueError:
            raise InputError(path, where(i, "value"), f"not a number: {row.value!r}") from None
    table["value"] = table["value"].astype(float)
    return table


def _rank(table: pd.DataFrame, column: str) -> pd.Series:
    return table.set_index("area")[column].rank(method="min", ascending=True)


def statement_values(grid, statements: pd.DataFrame, instrument: pd.DataFrame,
                     scales: pd.DataFrame | None = None) -> pd.DataFrame:
    """Observed value, n and count behind each statement (NaN where the data cannot say).

    ``scales`` is each item's scale geometry (`Survey.items`); default agree5.
    """
    items = item_stats(grid, scales).set_index("item_id")
    areas = area_stats(grid, scales)
    gaps = area_gap(grid, scales).set_index("area")
    pairs = self_vs_assessor(grid, instrument).set_index("self_item")
    ranks = {"area_mean_rank": _rank(areas, "mean"), "area_spread_rank": _rank(areas, "spread")}
    area_n = areas.set_index("area")["n_respondents"]

    observed, n, count = [], [], []
    for stat, key in zip(statements["statistic"], statements["item_id"]):
        value = size = k = float("nan")
        if stat in ITEM_STATISTICS and key in items.index:
            row = items.loc[key]
            value, size = row[stat], row["n"]
            if ITEM_STATISTICS[stat]:
                k = row[ITEM_STATISTICS[stat]]
        elif stat in ranks and key in ranks[stat].index:
            value, size = ranks[stat][key], area_n.get(key, float("nan"))
        elif stat == "area_gap" and key in gaps.index:
            value, size = gaps.loc[key, "gap"], gaps.loc[key, "n"]
        elif stat == "self_minus_assessor" and key in pairs.index:
            value, size = pairs.loc[key, "difference"], pairs.loc[key, "n"]
        observed.append(value)
        n.append(size)
        count.append(k)
    return pd.DataFrame({"observed": observed, "n": n, "count": count}, index=statements.index)


def check_statements(grid, statements: pd.DataFrame, instrument: pd.DataFrame,
                     scales: pd.DataFrame | None = None) -> pd.DataFrame:
    """The statements with their observed value, n, count and whether each holds;
    ``attrs["areas"]`` is the number of areas ranks run over."""
    values = statement_values(grid, statements, instrument, scales)
    table = pd.concat([statements, values], axis=1)
    rounded = table["observed"].round(DECIMALS)
    table["holds"] = [
        bool(pd.notna(obs) and OPS[op](obs, target))
        for obs, op, target in zip(rounded, table["op"], table["value"].round(DECIMALS))
    ]
    table.attrs["areas"] = len(set(grid.items.loc[grid.items["type"] == "likert", "area"]))
    return table
