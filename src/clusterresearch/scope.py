"""Scopes: all data, or one group of one grouping column. The one place that says which
respondents a report, a summary or a readiness figure is about.

A study's scopes are all data, then each group of each grouping column in study.toml's
order (groups sorted). A scope knows its ``parents``: the groups of other columns that hold
all its respondents (a cluster's country), so filters and rebuilds can follow nesting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import InputError, where

if TYPE_CHECKING:  # pandas is imported by the functions that take frames (the CLI parses scopes without it)
    import pandas as pd

ALL = "all"


@dataclass(frozen=True)
class Scope:
    """``column`` None = all data; else the grouping column and its ``group`` value."""

    column: str | None = None
    group: str = ALL
    n: int = 0
    label: str = ""                              # the column's label ("Country")
    name: str = ""                               # the group's name from its names file
    parents: tuple[tuple[str, str], ...] = ()    # (column, group) holding all its respondents

    @property
    def key(self) -> str:
        """'all' or 'column=group': how a scope is written on the command line and in files."""
        return ALL if self.column is None else f"{self.column}={self.group}"

    @property
    def title(self) -> str:
        """'all data', 'Country PL', 'Cluster PL01 (Architectural Glass Cluster)'."""
        if self.column is None:
            return "all data"
        named = f" ({self.name})" if self.name and self.name != self.group else ""
        return f"{self.label or self.column} {self.group}{named}"

    def within(self, column: str, group: str) -> bool:
        """Is this scope that group, or nested in it?"""
        return (self.column, self.group) == (column, group) or (column, group) in self.parents


def respondents(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per respondent: respondent_id and the grouping columns, as text."""
    import numpy as np

    from .metrics.tally import factor, respondent_columns

    codes, _ = factor(answers["respondent_id"], sort=False)
    if len(codes) and (codes[1:] >= codes[:-1]).all():  # sorted by respondent, as a loaded survey is
        first = np.flatnonzero(np.concatenate(([True], codes[1:] != codes[:-1])))
    else:
        first = np.sort(np.unique(codes, return_index=True)[1])
    people = answers[respondent_columns(answers)].iloc[first].reset_index(drop=True)
    return people.astype("str").where(people.notna().to_numpy())  # no value stays NaN (pandas 2 says "nan")


def columns(survey) -> tuple[str | None, ...]:
    """The scope columns: None (all data), then each grouping column in study.toml's order."""
    return (None,) + tuple(survey.study.group_columns)


def scopes(survey, names: dict[str, dict[str, str]] | None = None) -> list[Scope]:
    """All data, then every group of every grouping column of the survey's study."""
    from .loading import group_names

    from .loading.groups import group_order

    people = respondents(survey.answers)
    found = [Scope(None, ALL, len(people), "all data")]
    for column in columns(survey)[1:]:
        spec = survey.study.group(column)
        labels = (names or {}).get(spec.column) or group_names(survey.study, spec.column)
        members_of = dict(iter(people.groupby(spec.column, sort=False)))  # no value: in no group
        for group in group_order(survey.study, spec.column, list(members_of)):
            members = members_of[group]
            parents = tuple((other.column, str(members[other.column].iloc[0])) for other in survey.study.groups
                            if other.column != spec.column and members[other.column].notna().all()
                            and members[other.column].nunique() == 1)
            found.append(Scope(spec.column, str(group), len(members), spec.label, labels.get(str(group), ""),
                               parents))
    return found


def no_value(survey_or_answers) -> dict[str, int]:
    """Per grouping column, how many respondents have no value in it (an empty cell or one of
    the column's ``missing`` codes): they count in all data and their other groupings only."""
    grid = getattr(survey_or_answers, "grid", None)
    people = grid.respondents if grid is not None else respondents(survey_or_answers)
    columns = [c for c in people.columns if c != "respondent_id"]
    return {c: int(people[c].isna().sum()) for c in columns}


def find(found: list[Scope], column: str | None, group: str | None, source="scope") -> Scope:
    """The scope ``column``=``group`` among ``found`` (all data when column is None)."""
    if column is None:
        return found[0]
    matches = [s for s in found if s.column == column and s.group == str(group)]
    if matches:
        return matches[0]
    columns = sorted({s.column for s in found if s.column})
    if column not in columns:
        raise InputError(source, where(column=column),
                         f"not a grouping column of the study (have: {', '.join(columns) or 'none'})")
    groups = ", ".join(s.group for s in found if s.column == column)
    raise InputError(source, where(column=column), f"no respondent in group {group!r} (found: {groups})")


def select(answers: pd.DataFrame, scope: Scope) -> pd.DataFrame:
    """The answers of the scope's respondents."""
    if scope.column is None:
        return answers
    return answers[answers[scope.column] == scope.group].reset_index(drop=True)


def parse(text: str, source="--group") -> tuple[str | None, str | None]:
    """'all' -> (None, None); 'country=PL' -> ('country', 'PL')."""
    if text in (None, "", ALL):
        return None, None
    column, sep, group = text.partition("=")
    if not sep or not column.strip() or not group.strip():
        raise InputError(source, repr(text), "write COLUMN=GROUP, e.g. country=PL, or all")
    return column.strip(), group.strip()


def describe_no_value(survey) -> str:
    """One line per grouping column with respondents without a value, for ``check`` ("" if none)."""
    lines = []
    for column, count in no_value(survey).items():
        if count:
            spec = survey.study.group(column)
            people = survey.study.respondent if count == 1 else survey.study.respondents
            lines.append(f"{count} {people} with no {spec.label.lower()} value ({column}: empty cell or a missing "
                         "code): counted in all data and their other groupings, in no group of this column.")
    return "\n".join(lines)
