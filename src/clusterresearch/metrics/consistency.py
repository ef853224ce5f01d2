"""Internal consistency of an area's self-assessed items: Cronbach's alpha.

Written from the formula (Cronbach 1951) rather than taken from a library so that every
degenerate case of a small survey (fewer managers than items, an item everyone answered alike, an area with
one item) gives a flagged NaN instead of an exception or a silently meaningless number.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from .areas import Keyed


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


def area_matrix(grid, area: str, items: pd.DataFrame | None = None, item_type: str = "likert") -> pd.DataFrame:
    """Respondent x item matrix of an area's items of ``item_type`` (NaN = no answer), on
    keyed positions (reverse-keyed items reversed; see `areas.Keyed`), items in the
    instrument's order. An area without such items gives an empty matrix."""
    ids, matrix = Keyed(grid, items, item_type).matrix(area)
    people = grid.respondents["respondent_id"].astype("str") if ids else pd.Series([], dtype="str")
    return pd.DataFrame(matrix[:len(people)], index=pd.Index(people.to_numpy(dtype=object), name="respondent_id"),
                        columns=pd.Index(ids, dtype=object, name="item_id"))


def cronbach_alpha(grid, area: str, items: pd.DataFrame | None = None) -> AlphaResult:
    """Cronbach's alpha of the self-assessed (``likert``) items of one area, keyed."""
    return alpha_from_matrix(area_matrix(grid, area, items))


def area_consistency(grid, items: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per area with self-assessed items (in the study's order): alpha, k, n and flags.

    ``zero_variance_items`` and ``unanswered_items`` are joined with "; " so the table
    writes to CSV as plain text.
    """
    rows = []
    for area in Keyed(grid, items).areas:
        result = cronbach_alpha(grid, area, items)
        row = {"area": area, **result.as_dict()}
        row["zero_variance_items"] = "; ".join(result.zero_variance_items)
        row["unanswered_items"] = "; ".join(result.unanswered_items)
        rows.append(row)
    columns = [
        "area", "alpha", "k", "n", "n_below_items", "zero_variance_items",
        "too_few_items", "unanswered_items", "note",
    ]
    return pd.DataFrame(rows, columns=columns)
