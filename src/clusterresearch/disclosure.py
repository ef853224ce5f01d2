"""The disclosure policy: what a public page may show about a group of respondents.

A group with fewer than ``min_group`` respondents is a few people's answers. Its reports are
confidential; in public reports every per-group number, figure bar, sentence and essay that
rests on fewer than ``min_group`` respondents is withheld. Essays in public pages come only
from respondents whose every group is at or above the threshold: an essay tagged with a small
group, or untagged but written in the words of a group of two, could name its author, so it
is left out rather than shown without a tag. ``min_group`` 0 discloses everything
(confidential pages, which never leave the project).

This module is the one place of the rule ``n < min_group``: renderers (report tables,
sentences, figures) receive a `Disclosure` and ask it; it imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd

from . import config

PUBLIC, CONFIDENTIAL = "public", "confidential"


@dataclass(frozen=True)
class Disclosure:
    """``min_group``: the fewest respondents a public number, bar, sentence or essay may
    rest on (default `config.MIN_GROUP`; 0 = no limit)."""

    min_group: int = config.MIN_GROUP

    def hidden(self, n) -> np.ndarray:
        """Elementwise: does a number resting on ``n`` respondents stay hidden? (n below the
        threshold or unknown; nothing is hidden at threshold 0.) The one rule."""
        n = pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(n, dtype=object))), errors="coerce").to_numpy()
        if self.min_group <= 0:
            return np.zeros(len(n), dtype=bool)
        with np.errstate(invalid="ignore"):
            return np.isnan(n) | (n < self.min_group)

    def shows(self, n) -> bool:
        """May a number resting on ``n`` respondents be shown?"""
        return not bool(self.hidden(n)[0])

    def visibility(self, n: int) -> str:
        """Where a report about ``n`` respondents goes."""
        return PUBLIC if self.shows(n) else CONFIDENTIAL

    def marker(self) -> str:
        """The text that stands where a number is withheld."""
        return f"suppressed (n < {self.min_group})"

    def figures_dir(self, notebook: str, column: str | None, group: str, n: int | None) -> Path:
        """Where a notebook run outside `reproduce` saves its figures
        (`config.figures_dir`): the confidential folder when the page is about ``n``
        respondents and would not be published (below the threshold, or a run with no
        threshold, which masks nothing); ``n`` None: a page about no respondents."""
        public = n is None or (self.min_group > 0 and self.shows(n))
        scope = "all" if column is None else column
        return config.figures_dir(notebook, scope, group, confidential=not public)

    def small_groups(self, people: pd.DataFrame, columns) -> set[tuple[str, str]]:
        """(column, group) pairs of ``people`` (one row per respondent) below the threshold."""
        small = set()
        for column in columns:
            counts = people[column].astype("str").value_counts()
            small |= {(column, g) for g, hide in zip(counts.index, self.hidden(counts.to_numpy())) if hide}
        return small

    def essays(self, essays: pd.DataFrame, people: pd.DataFrame, columns) -> pd.DataFrame:
        """The essays a page may show: all of them at min_group 0; otherwise only those of
        respondents in no small group, and none when the page's own n is below the threshold."""
        if self.min_group <= 0 or essays.empty:
            return essays
        if not self.shows(len(people)):
            return essays.iloc[:0]
        small = self.small_groups(people, columns)
        if not small:
            return essays
        keep = pd.Series(True, index=essays.index)
        for column, group in small:
            keep &= essays[column].astype("str") != group
        return essays[keep]

    def mask(self, frame: pd.DataFrame, n_col: str | None = "n", value_cols: Sequence[str] | None = None,
             group_n_cols: Sequence[str] = ()) -> pd.DataFrame:
        """Copy of ``frame`` with ``value_cols`` replaced by the marker where they rest on
        too few respondents: ``n_col`` or any of ``group_n_cols`` (e.g. n_a, n_b of a
        comparison) below the threshold or missing. ``value_cols`` defaults to every numeric
        column except the n columns. Masked columns become text."""
        n_cols = ([n_col] if n_col else []) + list(group_n_cols)
        if not n_cols:
            raise ValueError("Disclosure.mask: give n_col or group_n_cols")
        absent = [c for c in n_cols if c not in frame.columns]
        if absent:
            raise KeyError(f"Disclosure.mask: no columns {absent}")
        if value_cols is None:
            value_cols = [c for c in frame.select_dtypes(include="number").columns if c not in n_cols]
        missing = [c for c in value_cols if c not in frame.columns]
        if missing:
            raise KeyError(f"Disclosure.mask: no columns {missing}")
        out = frame.copy()
        if self.min_group <= 0:
            return out
        small = np.zeros(len(out), dtype=bool)
        for col in n_cols:
            small |= self.hidden(out[col].to_numpy())
        for col in value_cols:
            out[col] = out[col].astype(object)
            out.loc[small, col] = self.marker()
        return out
