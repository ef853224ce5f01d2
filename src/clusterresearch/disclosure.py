"""The disclosure policy: what a public page may show about a group of respondents.

A group with fewer than ``min_group`` respondents is a few people's answers. Its reports are
confidential; in public reports every per-group number, figure bar, sentence and essay that
rests on fewer than ``min_group`` respondents is withheld. Essays in public pages come only
from respondents whose every group is at or above the threshold: an essay tagged with a small
group, or untagged but written in the words of a group of two, could name its author, so it
is left out rather than shown without a tag. ``min_group`` 0 discloses everything
(confidential pages, which never leave the project).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PUBLIC, CONFIDENTIAL = "public", "confidential"


@dataclass(frozen=True)
class Disclosure:
    min_group: int = 0

    @property
    def min_cell(self) -> int:
        """The smallest n a public number may rest on (0 = no limit)."""
        return int(self.min_group)

    def shows(self, n) -> bool:
        """May a number resting on ``n`` respondents be shown?"""
        return self.min_group <= 0 or (pd.notna(n) and int(n) >= self.min_group)

    def visibility(self, n: int) -> str:
        """Where a report about ``n`` respondents goes."""
        return PUBLIC if self.shows(n) else CONFIDENTIAL

    def marker(self) -> str:
        return f"suppressed (n < {self.min_group})"

    def small_groups(self, people: pd.DataFrame, columns) -> set[tuple[str, str]]:
        """(column, group) pairs of ``people`` (one row per respondent) below the threshold."""
        if self.min_group <= 0:
            return set()
        small = set()
        for column in columns:
            counts = people[column].astype("str").value_counts()
            small |= {(column, g) for g, n in counts.items() if n < self.min_group}
        return small

    def essays(self, essays: pd.DataFrame, people: pd.DataFrame, columns) -> pd.DataFrame:
        """The essays a page may show: all of them at min_group 0; otherwise only those of
        respondents in no small group, and none when the page's own n is below the threshold."""
        if self.min_group <= 0 or essays.empty:
            return essays
        if len(people) < self.min_group:
            return essays.iloc[:0]
        small = self.small_groups(people, columns)
        if not small:
            return essays
        keep = pd.Series(True, index=essays.index)
        for column, group in small:
            keep &= essays[column].astype("str") != group
        return essays[keep]

    def mask(self, frame: pd.DataFrame, n_col: str | None = "n", value_cols=None, group_n_cols=()) -> pd.DataFrame:
        """``frame`` with values resting on fewer than min_group respondents replaced by the marker."""
        from .report.tables import mask_small_cells

        return mask_small_cells(frame, n_col=n_col, min_cell=self.min_cell, value_cols=value_cols,
                                group_n_cols=group_n_cols)
