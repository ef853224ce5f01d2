"""A weighted study's tables: the item and area statistics of `metrics.items` /
`metrics.areas` with design-based figures, and the design-based group comparison, all
from the estimators of `metrics.design` on the survey's `Grid` (``grid.design``: the
whole design; ``grid.design_rows()``: this scope's respondents in it, so a scope is a
domain of the whole design, as R's ``svyby`` estimates it).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .design import Design, domain_means, rao_scott


def _roles(frame: pd.DataFrame) -> Design:
    return Design(*(r if r in frame.columns else None for r in ("weight", "strata", "psu", "fpc")))


def _scope_frame(grid, by: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The whole design (every respondent) with the grouping labels of this grid's
    respondents (NaN elsewhere: outside the scope, outside every domain)."""
    frame = grid.design.reset_index(drop=True).copy()
    rows = grid.design_rows()
    for name in by:
        labels = np.full(len(frame), None, dtype=object)
        labels[rows] = grid.respondents[name].astype("str").where(grid.respondents[name].notna()).to_numpy(dtype=object)
        frame[name] = labels
    return frame, rows


def _estimate(frame: pd.DataFrame, rows: np.ndarray, y: np.ndarray, by: list[str], design: Design,
              share: bool) -> pd.DataFrame:
    full = np.full(len(frame), np.nan)
    full[rows] = y
    return domain_means(frame.assign(_y=full), "_y", by, design, share=share)


def weigh_items(grid, table: pd.DataFrame, by: list[str], geometry: pd.DataFrame) -> pd.DataFrame:
    """An `items.item_stats` table of a weighted study with design-based figures: ``mean``,
    ``share_agree`` / ``share_disagree`` / ``share_top`` weighted (ratio estimators),
    ``ci_low``/``ci_high`` and the disagree interval by the logit method, and after
    ``ci_high`` ``n_effective`` (Kish) and ``se_agree`` (Taylor, domain of the whole design).
    ``n`` and the counts n_1..n_K, n_agree ... stay unweighted counts of answers."""
    by = list(by)
    frame, rows = _scope_frame(grid, by)
    design = _roles(frame)
    found = []
    for j, item in enumerate(grid.items["item_id"].astype("str")):
        geo = geometry.loc[item]
        value = grid.values[:, j]
        answered = ~np.isnan(value)
        with np.errstate(invalid="ignore"):
            sides = {"agree": value >= geo["agree_min"], "disagree": value <= geo["disagree_max"],
                     "top": value == geo["k"]}
        parts = {"mean": _estimate(frame, rows, value, by, design, False)}
        for name, side in sides.items():
            parts[name] = _estimate(frame, rows, np.where(answered, side.astype(float), np.nan), by, design, True)
        merged = parts["agree"][by + ["n_effective", "mean", "se", "low", "high"]].rename(
            columns={"mean": "share_agree", "se": "se_agree", "low": "ci_low", "high": "ci_high"})
        merged["mean"] = parts["mean"]["mean"].to_numpy()
        for name in ("disagree", "top"):
            merged[f"share_{name}"] = parts[name]["mean"].to_numpy()
        merged["disagree_ci_low"] = parts["disagree"]["low"].to_numpy()
        merged["disagree_ci_high"] = parts["disagree"]["high"].to_numpy()
        found.append(merged.assign(item_id=item))
    return _put(table, found, by + ["item_id"], after="ci_high")


def weigh_areas(grid, table: pd.DataFrame, by: list[str], keyed) -> pd.DataFrame:
    """An `areas.area_stats` table of a weighted study: ``mean`` and ``share_agree`` over the
    area's answers weighted by their respondent's weight (PSU: the design's, else the
    respondent, so a respondent's answers are one cluster), logit ``ci_low``/``ci_high``,
    ``n_effective`` and ``se_agree``; ``index_mean`` the weighted mean area index with a
    design-based t-interval (``index_ci_low``/``index_ci_high``). ``n`` and
    ``n_respondents`` stay unweighted."""
    by = list(by)
    frame, rows = _scope_frame(grid, by)
    design = _roles(frame)
    index = keyed.index()[0]  # respondent x area
    found = []
    for a, area in enumerate(keyed.areas):
        mine = [i for i, x in enumerate(keyed.area_of) if x == a]
        columns = [keyed.columns[i] for i in mine]
        positions = [grid.values[:, c] for c in columns]
        agree = [np.where(np.isnan(p), np.nan, keyed.weights(i, p)["agree"]) for i, p in zip(mine, positions)]
        values = [np.where(np.isnan(p), np.nan, keyed.keyed(i, p)) for i, p in zip(mine, positions)]
        long = pd.concat([frame.assign(_respondent=np.arange(len(frame)))] * len(columns), ignore_index=True)
        long_design = design if design.psu else Design(design.weight, design.strata, "_respondent", design.fpc)
        long_rows = np.concatenate([rows + t * len(frame) for t in range(len(columns))]) if columns else rows[:0]
        share = _estimate(long, long_rows, np.concatenate(agree) if agree else np.zeros(0), by, long_design, True)
        mean = _estimate(long, long_rows, np.concatenate(values) if values else np.zeros(0), by, long_design, False)
        person = _estimate(frame, rows, index[:, a], by, design, False)
        merged = share[by + ["n_effective", "mean", "se", "low", "high"]].rename(
            columns={"mean": "share_agree", "se": "se_agree", "low": "ci_low", "high": "ci_high"})
        merged = merged.merge(mean[by + ["mean"]], on=by, how="left") if by else merged.assign(mean=mean["mean"].to_numpy())
        person = person[by + ["mean", "low", "high"]].rename(
            columns={"mean": "index_mean", "low": "index_ci_low", "high": "index_ci_high"})
        merged = merged.merge(person, on=by, how="left") if by else merged.assign(
            **{c: person[c].to_numpy() for c in ("index_mean", "index_ci_low", "index_ci_high")})
        found.append(merged.assign(area=area))
    return _put(table, found, by + ["area"], after="ci_high")


def _put(table: pd.DataFrame, found: list[pd.DataFrame], keys: list[str], after: str) -> pd.DataFrame:
    """``table`` with the design-based columns of ``found`` replacing its own (matched on
    ``keys``), ``n_effective`` and ``se_agree`` inserted after ``after``."""
    if not found or table.empty:
        out = table.copy()
        at = list(out.columns).index(after) + 1
        out.insert(at, "n_effective", np.nan)
        out.insert(at + 1, "se_agree", np.nan)
        return out
    new = pd.concat(found, ignore_index=True)
    for name in keys:
        new[name] = new[name].astype("str")
    lookup = table[keys].astype("str").merge(new, on=keys, how="left")
    out = table.copy()
    for name in new.columns:
        if name in keys or name in ("n_effective", "se_agree"):
            continue
        out[name] = lookup[name].to_numpy()
    at = list(out.columns).index(after) + 1
    out.insert(at, "n_effective", lookup["n_effective"].to_numpy())
    out.insert(at + 1, "se_agree", lookup["se_agree"].to_numpy())
    return out


def compare_groups(grid, column: str, keyed) -> pd.DataFrame:
    """Per area: do the groups of ``column`` differ in their share of answers on the
    competent side? Rao-Scott's design-based test (`rao_scott`) on group x agrees over the
    area's answers (PSU: the design's, else the respondent), domain of the whole design;
    with each group's weighted share, its unweighted answers ``n`` and ``respondents`` (what
    the disclosure rule counts). Never the unweighted test."""
    frame, rows = _scope_frame(grid, [column])
    design = _roles(frame)
    found = []
    for a, area in enumerate(keyed.areas):
        mine = [i for i, x in enumerate(keyed.area_of) if x == a]
        agree = []
        for i in mine:
            p = grid.values[:, keyed.columns[i]]
            full = np.full(len(frame), np.nan)
            full[rows] = np.where(np.isnan(p), np.nan, keyed.weights(i, p)["agree"])
            agree.append(full)
        long = pd.concat([frame.assign(_respondent=np.arange(len(frame)), _agree=y) for y in agree],
                         ignore_index=True) if agree else frame.assign(_respondent=0, _agree=np.nan)
        long_design = design if design.psu else Design(design.weight, design.strata, "_respondent", design.fpc)
        test = rao_scott(long, column, "_agree", long_design)
        shares = domain_means(long, "_agree", [column], long_design, share=True)
        answered = long[long["_agree"].notna() & long[column].notna()]
        people = answered.groupby(column)["_respondent"].nunique().reindex(shares[column]).fillna(0)
        found.append({"area": area, "groups": list(shares[column]), "shares": list(shares["mean"]),
                      "n": [int(v) for v in shares["n"]], "respondents": [int(v) for v in people], **test})
    return pd.DataFrame(found)
