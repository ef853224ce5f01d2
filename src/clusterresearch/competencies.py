"""The survey analysis of one scope (all data or one group), as the notebook shows it.

``notebooks/competencies.ipynb`` builds a :class:`SurveyReport` from its parameters and
then calls one method per cell; every number comes from :mod:`clusterresearch.metrics`,
every word about the study from the study's files, and what a page may show from
:class:`clusterresearch.disclosure.Disclosure`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from .area_sections import AreaSections
from .disclosure import Disclosure
from .figures import gap_figure, overview_figure, show_figure
from .loading import Survey
from .loading.grid import Grid
from .loading.groups import group_order
from .loading.source import SurveySource
from .metrics import area_gap, area_stats, self_vs_assessor
from .metrics.compare import MAX_GROUPS, compare_pairs
from .metrics.consistency import area_consistency
from .report import frames, tables
from .scope import Scope, find, scopes
from .sections import ReportSections


@dataclass
class SurveyReport(AreaSections, ReportSections):
    """Every area's figure and tables, and the across-area views, for one scope of a survey."""

    survey: Survey
    scope: Scope
    grid: Grid
    output_dir: Path
    disclosure: Disclosure = Disclosure(0)
    _saved: list[Path] = field(default_factory=list)

    @classmethod
    def from_parameters(cls, study_dir=None, data_path=None, group_column=None, group=None,
                        output_dir=None, min_cell=0, encoding=None, registry=None, data_format="auto",
                        responses="complete"):
        """Build the report from the notebook's parameters (None: the shipped study, all data)."""
        survey = SurveySource.from_parameters(dict(
            study_dir=study_dir, data_path=data_path, data_format=data_format, responses=responses,
            encoding=encoding, registry=registry)).load()
        scope = find(scopes(survey), group_column, group, survey.source)
        disclosure = Disclosure(int(min_cell or 0))
        out = Path(output_dir) if output_dir else disclosure.figures_dir("competencies", scope.column, scope.group,
                                                                          scope.n)
        return cls(survey, scope, survey.grid.select(scope), out, disclosure)

    # ----- what the study and scope are ------------------------------------------------------
    @property
    def study(self):
        return self.survey.study

    @property
    def noun(self) -> str:
        return self.study.respondents

    @property
    def n_respondents(self) -> int:
        return self.scope.n

    def heading(self) -> HTML:
        """The study's title and citation, and the scope this report is about."""
        citation = f"<p><em>{html.escape(self.study.citation)}</em></p>" if self.study.citation else ""
        return HTML(f"<h2>{html.escape(self.study.title)}</h2>{citation}"
                    f"<p>Scope: {html.escape(self.scope.title)}, {self.n_respondents} {html.escape(self._people(self.n_respondents))}.</p>"
                    + self._left_out())

    def _left_out(self) -> str:
        """How many responses of the file were left out and why (platform exports), or ""."""
        export = self.survey.export
        if not export.get("excluded"):
            return ""
        said = ", ".join(f"{n} {reason}" for reason, n in export["excluded"].items())
        return (f"<p>Left out of the {html.escape(export.get('layout', ''))} export before any figure: "
                f"{html.escape(said)} (--responses {html.escape(export.get('responses', ''))}).</p>")

    def banner(self):
        """The notice every report opens with: the study's notice, privacy, and its caution."""
        lines = [self.study.notice]
        if self.n_respondents == 1:
            lines.append(f"One {self.study.respondent} answered in this scope: the figures below are one "
                         "person's answers.")
        if not self.disclosure.shows(self.n_respondents):
            lines.append(f"Confidential: fewer than {self.disclosure.min_group} {self.noun} in this scope.")
        lines.append(self.study.caution)
        lines.append(self.design_note())  # a weighted study says so, and by which column
        return frames.notice(lines)

    @cached_property
    def people(self) -> pd.DataFrame:
        """The scope's respondents: respondent_id and the grouping columns, as text."""
        return self.grid.respondents.astype("str")

    def _people(self, n: int) -> str:
        return self.study.respondent if n == 1 else self.noun

    def scope_table(self):
        """Respondents per group of each grouping column in this scope."""
        people = self.people
        parts = []
        for spec in self.study.groups:
            given = self.grid.respondents[spec.column].notna().to_numpy()
            counts = people[spec.column][given].astype("str").value_counts()
            groups = group_order(self.study, spec.column, list(counts.index))
            numbers = [int(counts[g]) for g in groups]
            if not given.all():  # respondents without a value in this column: in all data, in no group of it
                groups, numbers = groups + ["(no value)"], numbers + [int((~given).sum())]
            parts.append(pd.DataFrame({"grouping": spec.label, "group": groups, self.noun: numbers}))
        if not parts:
            return frames.notice([f"The study has no grouping column: {self.n_respondents} {self.noun} in all."])
        return tables.html_table(pd.concat(parts, ignore_index=True))

    # ----- across areas ----------------------------------------------------------------------
    @cached_property
    def area_table_all(self) -> pd.DataFrame:
        return area_stats(self.grid, self.survey.items)

    def _span(self, ranges) -> tuple[tuple[float, float], str]:
        ranges = sorted(set(ranges))
        if len(ranges) == 1 and ranges[0] != "0-100":
            high = int(ranges[0].split("-")[1])
            return (1, high), f"the 1-{high} scale"
        return (0, 100), "a 0-100 range (percent of the maximum)"

    def overview(self):
        """Area means (over respondents' area indices) with their 95 % t-intervals."""
        table = self.area_table_all
        shown = table[~self.disclosure.hidden(table["n_respondents"].to_numpy())]
        columns = {"area": "area", "index_mean": "mean", "index_ci_low": "ci_low",
                   "index_ci_high": "ci_high", "n_respondents": "n"}
        span, unit = self._span(table["index_range"])
        title = f"Mean area index of the {self.kind('likert')} items"
        fig = overview_figure(shown[list(columns)].rename(columns=columns), labels=self.titles, span=span,
                              unit=unit, title=title)
        return self._show(fig, "overview_area_means", f"Mean area index of {len(shown)} areas, {self.n_respondents} {self.noun}.")

    def overview_table(self):
        frame = frames.area_frame(self.area_table_all, self.titles, self.noun)
        return tables.html_table(self.disclosure.mask(frame, n_col=self.noun))

    @cached_property
    def gap_by_area(self) -> pd.DataFrame:
        return area_gap(self.grid, self.survey.items)

    def gap(self):
        """Desired against existing level per area, where the instrument asks a desired level."""
        if self.gap_by_area.empty:
            return frames.notice(["The instrument asks no desired level: no gap to show."])
        span, unit = self._span(self.area_table_all["index_range"])
        shown = self.gap_by_area[~self.disclosure.hidden(self.gap_by_area["n"].to_numpy())]
        return self._show(gap_figure(shown, labels=self.titles, span=span, unit=unit), "overview_desired_gap",
                          f"Desired against existing level in {len(shown)} areas.")

    def gap_table(self):
        if self.gap_by_area.empty:
            return None
        frame = frames.gap_frame(self.gap_by_area, self.titles, self.noun)
        return tables.html_table(self.disclosure.mask(frame, n_col=self.noun))

    def self_assessment_table(self):
        """Self-assessment against the assessor's rating where the instrument has both."""
        pairs = self_vs_assessor(self.grid, self.study.instrument)
        if pairs.empty:
            return frames.notice(["The instrument has no assessor's rating to compare with."])
        frame = frames.assessor_frame(pairs, self.titles, self.texts, self.noun)
        return tables.html_table(self.disclosure.mask(frame, n_col=self.noun))

    def consistency_table(self):
        """Cronbach's alpha per area (keyed), flagged where n or the items cannot support it."""
        frame = frames.consistency_frame(area_consistency(self.grid, self.survey.items), self.titles, self.noun)
        note = self.study.extra.get("consistency_note")
        return tables.html_table(self.disclosure.mask(frame, n_col=f"{self.noun} (complete answers)"),
                                 caption=note if isinstance(note, str) else None)

    def comparison_table(self):
        """Every pair of groups of the study's ``compare`` column: permutation tests with Holm's
        adjustment and Cliff's delta, said in words."""
        column = self.study.compare
        if column is None:
            return frames.notice(["The study names no grouping column to compare (compare in study.toml)."])
        label = self.study.group(column).label
        groups = sorted(set(self.people[column].dropna()))  # no value: in no group
        if len(groups) < 2:
            return frames.notice([f"This scope holds one {label.lower()} group: no comparison."])
        if len(groups) > MAX_GROUPS:
            return frames.notice([f"{len(groups)} {label.lower()} groups give {len(groups) * (len(groups) - 1) // 2} "
                                  f"pairs; pairwise tests are shown for at most {MAX_GROUPS} groups. Call "
                                  "metrics.compare.compare_pairs with the groups of interest."])
        if self.study.design is not None:  # a weighted study: the design-based test, never the unweighted one
            return self.design_comparison(column, label)
        table = compare_pairs(self.grid, column, self.survey.items)
        frame = frames.comparison_frame(table, self.titles)
        sizes = ("n (first)", "n (second)")
        values = [c for c in frame.columns if c not in ("area", "groups", *sizes)]
        shown = self.disclosure.mask(frame, n_col=None, value_cols=values, group_n_cols=sizes)
        caption = (f"{label}: every pair of groups on every area's index. p is a two-sided permutation test of "
                   f"the difference in means; p (Holm) adjusts it by Holm's method over the {table.attrs['tests']} "
                   f"tests in this table. {self.study.caution}")
        return tables.html_table(shown, caption=caption.strip())

    def essays(self):
        """Essay answers this page may show (see Disclosure), always HTML-escaped."""
        people = self.people
        essays = self.survey.essays[self.survey.essays["respondent_id"].isin(set(people["respondent_id"]))]
        shown = self.disclosure.essays(essays, people, self.survey.groups)
        withheld = len(essays) - len(shown)
        tag = (self.study.compare,) if self.study.compare else ()
        block = tables.essay_block(shown, self.study.instrument, label_cols=tag)
        if withheld:
            block = tables.HtmlFragment(block + f"<p><em>{withheld} essay answer(s) withheld: "
                                        f"{html.escape(self.disclosure.marker())} in their group.</em></p>")
        return block

    def _show(self, fig, name: str, alt: str):
        """Save the figure once (SVG) in ``output_dir``; show it by reference with ``alt`` text."""
        shown = show_figure(fig, self.output_dir / name, alt)
        self._saved.append(shown.path)
        return shown
