"""Area-level metrics: the area index, its spread, the desired-vs-existing gap, and
self-assessment against the assessor's rating.

A respondent's area index is the mean position of their self-assessed (``likert``) answers
in the area, reverse-keyed items reversed first (position -> k + 1 - position), so a
higher index always means more of the competence. When an area mixes scales of different
length, positions are put on one 0-100 range first (percent of maximum possible, POMP:
100 * (position - 1) / (k - 1); Cohen, Cohen, Aiken & West 1999) and ``index_range`` says so.
``desired`` and ``assessor`` items are kept apart so they can be compared with the index.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from .items import item_geometry, per_answer, wilson_interval
from .tally import count_stats, factor, no_value, present_keys, respondent_columns, tallies, with_value


def keyed_positions(answers: pd.DataFrame, items: pd.DataFrame | None = None) -> tuple[np.ndarray, dict[str, str]]:
    """Positions with reverse-keyed items reversed, and each area's range ("1-k" or "0-100").

    Areas whose items share one scale length keep positions 1..k; mixed areas go to POMP.
    """
    geometry = item_geometry(answers, items)
    k = per_answer(answers, geometry, "k").astype(np.float64)
    reverse = per_answer(answers, geometry, "reverse").astype(bool)
    value = answers["value"].to_numpy(dtype=np.float64)
    value = np.where(reverse, k + 1 - value, value)
    area_codes, areas = factor(answers["area"], sort=False)
    low = np.full(len(areas), np.inf)
    high = np.zeros(len(areas))
    np.minimum.at(low, area_codes, k)
    np.maximum.at(high, area_codes, k)
    present = np.isfinite(low)
    mixed = present & (low != high)
    ranges = {name: ("0-100" if mixed[i] else f"1-{int(high[i])}") for i, name in enumerate(areas) if present[i]}
    if mixed.any():
        pomp = mixed[area_codes]
        value = np.where(pomp, 100 * (value - 1) / (k - 1), value)
    return value, ranges


def _respondent_index(subset: pd.DataFrame, value: np.ndarray):
    """The area index of each respondent x area present in ``subset`` (one item type): the
    respondent's mean keyed position (``value``, from keyed_positions) over their answered
    items of the area.

    Returns ``first`` (the position in ``subset`` of each pair's first answer; pairs sorted
    by respondent_id, then area order), the pairs' area codes and the areas, ``index`` (NaN
    where none answered) and ``count`` answered items.
    """
    codes, names = factor(subset["respondent_id"], sort=True)
    area_codes, areas = factor(subset["area"], sort=False)
    key = codes.astype(np.int64) * max(len(areas), 1) + area_codes
    present, first, inverse = present_keys(key, max(len(names), 1) * max(len(areas), 1))
    ok = ~np.isnan(value)
    total = np.bincount(inverse, weights=np.where(ok, value, 0.0), minlength=len(present))
    count = np.bincount(inverse, weights=ok, minlength=len(present)).astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(count > 0, total / np.where(count > 0, count, 1), np.nan)
    return first, present % max(len(areas), 1), areas, index, count


def respondent_area_index(answers: pd.DataFrame, items: pd.DataFrame | None = None,
                          item_type: str = "likert") -> pd.DataFrame:
    """One row per respondent x area: the mean keyed position of the respondent's answered
    items of ``item_type`` (``index``), ``n_items`` answered; NaN when there are none."""
    subset = answers[answers["type"] == item_type]
    people = respondent_columns(answers)
    first, area_codes, areas, index, count = _respondent_index(subset, keyed_positions(subset, items)[0])
    table = subset.iloc[first][people].reset_index(drop=True).astype("str")
    table["area"] = np.asarray(areas, dtype=object)[area_codes]
    table["index"] = index
    table["n_items"] = count
    return table.astype({"area": "str"})


def t_interval(mean: pd.Series, sd: pd.Series, n: pd.Series, level: float = 0.95):
    """Student-t interval of a mean from its sd and n, elementwise; NaN below n = 2."""
    with np.errstate(invalid="ignore"):
        df = (n - 1).where(n > 1)
        half = sps.t.ppf(0.5 + level / 2, df) * sd / np.sqrt(n)
    return mean - half, mean + half


def _agree_keyed(answers: pd.DataFrame, items: pd.DataFrame | None) -> np.ndarray:
    """1 where an answer is on the side that means more of the competence (the agree side,
    or the disagree side of a reverse-keyed item), else 0; NaN answers 0."""
    geometry = item_geometry(answers, items)
    value = answers["value"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore"):
        agree = value >= per_answer(answers, geometry, "agree_min").astype(np.float64)
        disagree = value <= per_answer(answers, geometry, "disagree_max").astype(np.float64)
    return np.where(per_answer(answers, geometry, "reverse").astype(bool), disagree, agree).astype(np.int64)


def area_stats(answers: pd.DataFrame, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """One row per group x area, from the self-assessed items only.

    Pooled over all answers of the area (keyed positions): ``n`` answers, ``mean``,
    ``spread`` (sd, ddof=1), ``n_agree`` answers on the competent side and ``share_agree``
    with its Wilson interval ``ci_low``/``ci_high``. Over respondents: ``n_respondents``,
    ``index_mean``, ``index_sd`` and a t-interval ``index_ci_low``/``index_ci_high`` of the
    mean area index (NaN below two respondents); ``index_range`` is "1-k" or "0-100".
    """
    return area_stats_by(answers, items, [by])[0]


def area_stats_by(answers: pd.DataFrame, items: pd.DataFrame | None, bys: Sequence[Sequence[str]]
                  ) -> list[pd.DataFrame]:
    """``[area_stats(answers, items, by) for by in bys]``, with what does not depend on the
    grouping (the self-assessed answers, their keyed positions, each respondent's area
    index, the competent side) worked out once: prepare's scopes share it."""
    if no_value(answers, bys):  # empty group cells: each grouping counts its own respondents
        return [area_stats_by(with_value(answers, by), items, [by])[0] for by in bys]
    likert = answers[answers["type"] == "likert"]
    value, ranges = keyed_positions(likert, items)
    first, _, _, index, _ = _respondent_index(likert, value)
    ok = ~np.isnan(value)
    answered = np.where(ok, 1.0, np.nan)
    weights = {"total": np.where(ok, value, 0.0), "squares": np.where(ok, value ** 2, 0.0),
               "agree": _agree_keyed(likert, items).astype(np.float64)}  # as bincount weighs, once
    rated = ~np.isnan(index)
    counted = tallies(likert, [list(by) for by in bys], "area", answered, 1)
    finest = None
    if counted and counted[0].row_map is not None and np.array_equal(weights["total"], np.floor(weights["total"])):
        # whole numbers (no POMP area): a group's sums are exactly the sums of its finest rows' sums
        finest = {name: np.bincount(counted[0].answer_rows, weights=w) for name, w in weights.items()}
    return [area_table(t.keys, t.counts[:, 1], _sums(t, weights, finest), t.rows_of(first[rated]), index[rated],
                       ranges, list(by)) for by, t in zip(bys, counted)]


def _sums(t, weights: dict[str, np.ndarray], finest: dict[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    """Each row's sum of each weight: from the finest rows' sums when given (whole numbers
    add up exactly in any order), else over the answers in their order, as bincount adds."""
    if finest is None:
        return {name: np.bincount(t.row_of, weights=w, minlength=len(t.keys)) for name, w in weights.items()}
    return {name: np.bincount(t.row_map, weights=w, minlength=len(t.keys)) for name, w in finest.items()}


def area_table(keys: pd.DataFrame, n: np.ndarray, sums: dict[str, np.ndarray], pair_rows: np.ndarray,
               index: np.ndarray, ranges: dict[str, str], by: list[str]) -> pd.DataFrame:
    """area_stats of one grouping: ``keys`` (the grouping's columns and area), ``n``
    answered items per row, the rows' ``sums`` of the answers' keyed positions, their
    squares and the competent side (see area_stats_by), and the rated respondent x area
    pairs' ``index`` with the row each belongs to (``pair_rows``), in respondent order.
    Shared by the tidy answers' tally and the wide answers' counts (`metrics.wide`)."""
    table = keys.copy()
    total, squares, agree = sums["total"], sums["squares"], sums["agree"].astype(np.int64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = total / np.where(n > 0, n, np.nan)
        spread = np.sqrt((squares - n * mean ** 2).clip(min=0) / np.where(n > 1, n - 1, np.nan))
    table["n"], table["mean"], table["spread"] = n.astype(np.int64), mean, spread
    table["n_agree"] = agree
    with np.errstate(invalid="ignore", divide="ignore"):
        table["share_agree"] = agree / np.where(n > 0, n, np.nan)
    table["ci_low"], table["ci_high"] = wilson_interval(agree, n)

    # over respondents: a respondent x area pair belongs to the row of its first answer
    per = pd.Series(index).groupby(pair_rows, sort=False).agg(
        ["count", "mean", "std"]).reindex(np.arange(len(table)))
    table["n_respondents"] = per["count"].fillna(0).to_numpy(dtype=np.int64)
    table["index_mean"], table["index_sd"] = per["mean"].to_numpy(), per["std"].to_numpy()
    table["index_ci_low"], table["index_ci_high"] = t_interval(table["index_mean"], table["index_sd"],
                                                               table["n_respondents"])
    table["index_range"] = table["area"].map(ranges).fillna("").astype("str")
    columns = by + ["area", "n", "mean", "spread", "n_agree", "share_agree", "ci_low", "ci_high",
                    "n_respondents", "index_mean", "index_sd", "index_ci_low", "index_ci_high", "index_range"]
    return table[columns].reset_index(drop=True)


def area_gap(answers: pd.DataFrame, items: pd.DataFrame | None = None, by: Sequence[str] = ()) -> pd.DataFrame:
    """Desired minus existing level per group x area, over respondents who gave both.

    ``existing`` is the mean area index, ``desired`` the mean of the area's ``desired``
    items (positions), ``gap`` the mean of each respondent's difference; ``n`` counts them.
    """
    by = list(by)
    people = respondent_columns(answers)
    existing = respondent_area_index(answers, items, "likert").rename(columns={"index": "existing"})
    desired = respondent_area_index(answers, items, "desired").rename(columns={"index": "desired"})
    keys = people + ["area"]
    paired = existing[keys + ["existing"]].merge(desired[keys + ["desired"]], on=keys)
    paired = paired.dropna(subset=["existing", "desired"])
    paired["gap"] = paired["desired"] - paired["existing"]
    order = _order(answers)
    table = paired.groupby(by + ["area"], sort=True).agg(
        n=("gap", "count"), existing=("existing", "mean"), desired=("desired", "mean"), gap=("gap", "mean")
    ).reset_index()
    return _sorted(table, by, order)


def self_vs_assessor(answers: pd.DataFrame, instrument: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Self-assessment against the assessor's rating of the same competency.

    Pairs come from the instrument: an ``assessor`` item whose ``compares_to`` names a
    self-assessed item. ``difference`` is the mean of self minus assessor (positions) over
    respondents who have both answers (positive: respondents rate themselves higher).
    """
    by = list(by)
    people = respondent_columns(answers)
    pairs = instrument[(instrument["type"] == "assessor") & instrument["compares_to"].fillna("").ne("")]
    columns = by + ["area", "self_item", "assessor_item", "n", "self_mean", "assessor_mean", "difference"]
    rows = []
    for assessor_item, self_item, area in pairs[["item_id", "compares_to", "area"]].itertuples(index=False):
        own = answers.loc[answers["item_id"] == self_item, people + ["value"]].rename(columns={"value": "self"})
        rated = answers.loc[answers["item_id"] == assessor_item, ["respondent_id", "value"]].rename(
            columns={"value": "assessor"})
        both = own.merge(rated, on="respondent_id").dropna(subset=["self", "assessor"])
        rows.append(both.assign(self_item=self_item, assessor_item=assessor_item, area=area))
    if not rows:
        return pd.DataFrame(columns=columns)
    paired = pd.concat(rows, ignore_index=True)
    paired["diff"] = paired["self"] - paired["assessor"]
    table = paired.groupby(by + ["area", "self_item", "assessor_item"], sort=False, observed=True).agg(
        n=("diff", "count"), self_mean=("self", "mean"), assessor_mean=("assessor", "mean"), difference=("diff", "mean")
    ).reset_index()
    return _sorted(table, by, _order(answers))[columns]


def _order(answers: pd.DataFrame) -> list[str]:
    """Areas in the survey's order (categorical order, else first appearance)."""
    _, areas = factor(answers["area"], sort=False)
    return list(areas)


def _sorted(table: pd.DataFrame, by: list[str], order: list[str]) -> pd.DataFrame:
    rank = {a: i for i, a in enumerate(order)}
    table = table.astype({c: "str" for c in by + ["area"]})
    table = table.assign(_o=table["area"].map(rank)).sort_values(by + ["_o"], kind="stable")
    return table.drop(columns="_o").reset_index(drop=True)
