"""Internal consistency of an area's self-assessed items: Cronbach's alpha.

Written from the formula (Cronbach 1951) rather than taken from a library so that every
degenerate case of a small survey (fewer managers than items, an item everyone answered alike, an area with
one item) gives a flagged NaN instead of an exception or a silently meaningless number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .areas import keyed_positions
from .tally import factor


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha of one scale with what it rests on.

    ``alpha`` is NaN whenever it is undefined; ``note`` then says why. ``k`` counts the items
    that entered the scale, ``n`` the respondents left after listwise deletion.
    """

    alpha: float
    k: int
    n: int
    n_below_items: bool = False
    zero_variance_items: tuple[str, ...] = ()
    too_few_items: bool = False
    unanswered_items: tuple[str, ...] = ()
    note: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def alpha_from_matrix(matrix: pd.DataFrame) -> AlphaResult:
    """Cronbach's alpha of a respondent x item matrix (rows respondents, columns items).

    alpha = k/(k-1) * (1 - sum of item variances / variance of the total score), variances
    with ddof=1. Columns with no answer at all are set aside (listed in
    ``unanswered_items``) so one empty column does not delete every respondent; then rows
    with any missing answer are deleted (listwise). Never raises on degenerate data.
    """
    matrix = pd.DataFrame(matrix).apply(pd.to_numeric, errors="coerce").astype(float)
    empty = tuple(str(c) for c in matrix.columns[matrix.isna().all(axis=0)])
    matrix = matrix.loc[:, matrix.notna().any(axis=0)]
    complete = matrix.dropna(axis=0, how="any")
    k, n = matrix.shape[1], complete.shape[0]

    item_var = complete.var(axis=0, ddof=1) if n >= 2 else pd.Series(np.nan, index=complete.columns)
    zero = tuple(str(c) for c, v in item_var.items() if n >= 2 and np.isclose(v, 0.0))
    flags = dict(
        k=k,
        n=n,
        n_below_items=n < k,
        zero_variance_items=zero,
        too_few_items=k < 2,
        unanswered_items=empty,
    )
    if k < 2:
        return AlphaResult(np.nan, note="alpha needs at least two items", **flags)
    if n < 2:
        return AlphaResult(np.nan, note="alpha needs at least two complete respondents", **flags)
    total_var = complete.sum(axis=1).var(ddof=1)
    if np.isclose(total_var, 0.0):
        return AlphaResult(np.nan, note="total score has no variance", **flags)
    alpha = (k / (k - 1)) * (1.0 - item_var.sum() / total_var)
    notes = []
    if alpha < 0:
        notes.append("negative: the items do not vary together as one scale")
    if n < k:
        notes.append("fewer complete respondents than items")
    note = "; ".join(notes)
    return AlphaResult(float(alpha), note=note, **flags)


def area_matrix(answers: pd.DataFrame, area: str, items: pd.DataFrame | None = None,
                item_type: str = "likert") -> pd.DataFrame:
    """Respondent x item matrix of an area's items of ``item_type`` (NaN = no answer), on
    keyed positions (reverse-keyed items reversed; see `areas.keyed_positions`).

    Columns keep the order in which items appear in ``answers`` (the instrument's order).
    """
    subset = answers[(answers["area"] == area) & (answers["type"] == item_type)]
    value, _ = keyed_positions(subset, items)
    r_codes, r_names = factor(subset["respondent_id"], sort=False)
    i_codes, i_names = factor(subset["item_id"], sort=False)
    rows, r_at = np.unique(r_codes, return_inverse=True)
    cols, i_at = np.unique(i_codes, return_inverse=True)
    matrix = np.full((len(rows), len(cols)), np.nan)
    matrix[r_at.reshape(-1), i_at.reshape(-1)] = value
    return pd.DataFrame(matrix, index=pd.Index(np.asarray(r_names, dtype=object)[rows], name="respondent_id"),
                        columns=pd.Index(np.asarray(i_names, dtype=object)[cols], name="item_id"))


def cronbach_alpha(answers: pd.DataFrame, area: str, items: pd.DataFrame | None = None) -> AlphaResult:
    """Cronbach's alpha of the self-assessed (``likert``) items of one area, keyed."""
    return alpha_from_matrix(area_matrix(answers, area, items))


def area_consistency(answers: pd.DataFrame, items: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per area found in ``answers`` (in the survey's order): alpha, k, n and flags.

    ``zero_variance_items`` and ``unanswered_items`` are joined with "; " so the table
    writes to CSV as plain text.
    """
    present = {str(a) for a in answers.loc[answers["type"] == "likert", "area"].unique()}
    order = [a for a in factor(answers["area"], sort=False)[1] if a in present]
    rows = []
    for area in order:
        result = cronbach_alpha(answers, area, items)
        row = {"area": area, **result.as_dict()}
        row["zero_variance_items"] = "; ".join(result.zero_variance_items)
        row["unanswered_items"] = "; ".join(result.unanswered_items)
        rows.append(row)
    columns = [
        "area", "alpha", "k", "n", "n_below_items", "zero_variance_items",
        "too_few_items", "unanswered_items", "note",
    ]
    return pd.DataFrame(rows, columns=columns)
