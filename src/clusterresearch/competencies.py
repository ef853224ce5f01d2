"""The competency analysis of one scope (all data, a country or a cluster), as the notebook shows it.

``notebooks/competencies.ipynb`` builds a :class:`CompetencyReport` from its parameters and
then calls one method per cell; every number comes from :mod:`clusterresearch.metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from . import config
from .errors import InputError
from .figures import gap_figure, likert_figure, overview_figure, show_figure
from .loading import Survey, load_survey
from .metrics import area_gap, area_stats, item_stats, self_vs_assessor
from .metrics.compare import compare_groups
from .metrics.consistency import area_consistency
from .metrics.statements import check_statements, load_statements
from .report import frames, narrative, tables

COMPARISON_GROUPS = ("PL", "LT")


def select_scope(survey: Survey, country: str | None = None, cluster: str | None = None):
    """The answers of one scope, with its name (all | country | cluster) and group id."""
    answers = survey.answers
    if cluster is not None:
        answers = answers[answers["cluster"] == str(cluster)]
        if country is not None:
            answers = answers[answers["country"] == str(country)]
        scope, group = "cluster", str(cluster)
    elif country is not None:
        answers = answers[answers["country"] == str(country)]
        scope, group = "country", str(country)
    else:
        scope, group = "all", "all"
    if answers.empty:
        column = "cluster" if cluster is not None else "country"
        raise InputError(survey.source, f"column {column!r}", f"no respondent in {scope} {group!r}")
    return answers.reset_index(drop=True), scope, group


@dataclass
class CompetencyReport:
    """Figures 1-8 and their tables for one scope of a survey."""

    survey: Survey
    answers: pd.DataFrame
    scope: str
    group: str
    output_dir: Path
    min_cell: int = 0
    reconstructed: bool = True
    _saved: list[Path] = field(default_factory=list)

    @classmethod
    def from_parameters(cls, country=None, cluster=None, data_path=None, output_dir=None, min_cell=0):
        """Build the report from the notebook's parameters (None means the shipped data)."""
        data = Path(data_path) if data_path else config.RESPONSES_PATH
        survey = load_survey(data)
        answers, scope, group = select_scope(survey, country, cluster)
        n = int(answers["respondent_id"].nunique())
        out = Path(output_dir) if output_dir else config.figures_dir("competencies", scope, group,
                                                                       confidential=n < config.MIN_GROUP)
        reconstructed = data.resolve() == config.RESPONSES_PATH.resolve()
        return cls(survey, answers, scope, group, out, int(min_cell or 0), reconstructed)

    # ----- what the scope is -------------------------------------------------------------
    @property
    def n_respondents(self) -> int:
        return int(self.answers["respondent_id"].nunique())

    def banner(self):
        """The notice every report opens with: reconstructed data, scope, privacy, caution."""
        lines = []
        if self.reconstructed:
            lines.append(config.RECONSTRUCTION_NOTICE)
        lines.append(frames.scope_sentence(self.scope, self.group, self.n_respondents))
        if self.scope == "cluster" or self.n_respondents == 1:
            lines.append(
                "One manager answered per cluster: the figures below are one person's answers, "
                "which the project promised would stay within it."
            )
        lines.append(config.INFERENCE_CAUTION)
        return frames.notice(lines)

    def scope_table(self) -> pd.DataFrame:
        """Respondents per country and cluster in this scope."""
        people = self.answers[["respondent_id", "country", "cluster"]].drop_duplicates()
        counts = people.groupby(["country", "cluster"]).size().rename("respondents").reset_index()
        return counts

    # ----- per area ----------------------------------------------------------------------
    @cached_property
    def item_table(self) -> pd.DataFrame:
        return item_stats(self.answers)

    def area_figure(self, area: str):
        """Figure N of the paper for this scope, saved as PNG and SVG in ``output_dir``."""
        note = "Reconstructed data, not the original answers." if self.reconstructed else None
        fig = likert_figure(self.answers, area, self.survey.instrument, note=note, min_cell=self.min_cell)
        alt = f"Figure {config.AREA_FIGURE.get(area, 0)}: {config.AREA_TITLES.get(area, area)}, {self._scope_words}."
        return self._show(fig, f"figure{config.AREA_FIGURE.get(area, 0)}_{area}", alt)

    def area_table(self, area: str):
        """Every item of the area: the counts of each answer, n, mean, sd, median, agreement."""
        rows = self.item_table[self.item_table["area"] == area]
        texts = self.survey.instrument.set_index("item_id")["text"]
        frame = frames.item_frame(rows, texts)
        return tables.html_table(tables.mask_small_cells(frame, n_col="n", min_cell=self.min_cell))

    def area_narrative(self, area: str):
        """Two or three sentences written from the area's numbers."""
        rows = self.item_table[self.item_table["area"] == area]
        texts = self.survey.instrument.set_index("item_id")["text"]
        index = self.area_table_all.set_index("area")
        kwargs = {}
        if area in index.index:
            kwargs = {"area_index": index.loc[area, "index_mean"], "n_respondents": int(index.loc[area, "n_respondents"])}
        text = narrative.area_paragraph(rows, area, texts=texts, min_cell=self.min_cell, **kwargs)
        return frames.paragraph(text)

    @cached_property
    def statement_table(self) -> pd.DataFrame | None:
        if not (self.reconstructed and self.scope == "all"):
            return None
        return check_statements(self.answers, load_statements(), self.survey.instrument)

    def area_statements(self, area: str):
        """The paper's statements about this figure: its words, the reproduced value, holds or not."""
        if self.statement_table is None:
            return frames.notice(["The paper's statements are about all 12 managers; they are checked in the report of all data."])
        figure = config.AREA_FIGURE[area]
        rows = self.statement_table[self.statement_table["figure"].astype(int) == figure]
        return tables.html_table(frames.statement_frame(rows))

    # ----- across areas --------------------------------------------------------------------
    @cached_property
    def area_table_all(self) -> pd.DataFrame:
        return area_stats(self.answers)

    def overview(self):
        """Area means (over managers' area indices) with their 95 % t-intervals."""
        columns = {"area": "area", "index_mean": "mean", "index_ci_low": "ci_low",
                   "index_ci_high": "ci_high", "n_respondents": "n"}
        fig = overview_figure(self.area_table_all[list(columns)].rename(columns=columns))
        return self._show(fig, "overview_area_means", f"Mean area index of the eight areas, {self._scope_words}.")

    def overview_table(self):
        frame = frames.area_frame(self.area_table_all)
        return tables.html_table(tables.mask_small_cells(frame, n_col="managers", min_cell=self.min_cell))

    @cached_property
    def gap_by_area(self) -> pd.DataFrame:
        return area_gap(self.answers)

    def gap(self):
        """Desired against existing level per area."""
        return self._show(gap_figure(self.gap_by_area), "overview_desired_gap",
                          f"Desired against existing level per area, {self._scope_words}.")

    def gap_table(self):
        frame = frames.gap_frame(self.gap_by_area)
        return tables.html_table(tables.mask_small_cells(frame, n_col="managers", min_cell=self.min_cell))

    def self_assessment_table(self):
        """Self-assessment against the assessor's rating where the instrument has both."""
        frame = frames.assessor_frame(self_vs_assessor(self.answers, self.survey.instrument))
        return tables.html_table(tables.mask_small_cells(frame, n_col="managers", min_cell=self.min_cell))

    def consistency_table(self):
        """Cronbach's alpha per area, flagged where n or the items cannot support it."""
        return tables.html_table(area_consistency(self.answers))

    def comparison_table(self, groups=COMPARISON_GROUPS, group_col: str = "country"):
        """Exact permutation test and Cliff's delta between two groups, with the paper's caution."""
        present = set(self.answers[group_col])
        if not set(groups) <= present:
            return frames.notice([f"This scope does not hold both groups {', '.join(groups)}: no comparison."])
        table = compare_groups(self.answers, group_col=group_col, groups=groups)
        table = table.drop(columns=["caution"], errors="ignore")
        values = [c for c in table.columns if c not in ("area", "title", "group_col", "group_a", "group_b", "n_a", "n_b")]
        shown = tables.mask_small_cells(table, n_col=None, min_cell=self.min_cell,
                                        value_cols=values, group_n_cols=("n_a", "n_b"))
        return tables.html_table(shown, float_format=".3f", caption=config.INFERENCE_CAUTION)

    def essays(self):
        """Essay answers of this scope, always HTML-escaped."""
        keep = self.survey.essays["respondent_id"].isin(self.answers["respondent_id"])
        return tables.essay_block(self.survey.essays[keep], self.survey.instrument,
                                  min_cell=self.min_cell, n_respondents=self.n_respondents)

    @property
    def _scope_words(self) -> str:
        where_ = "all respondents" if self.scope == "all" else f"{self.scope} {self.group}"
        return f"{where_}, n = {self.n_respondents}"

    def _show(self, fig, name: str, alt: str):
        """Save the figure once (SVG) in ``output_dir``; show it by reference with ``alt``."""
        shown = show_figure(fig, self.output_dir / name, alt)
        self._saved.append(shown.path)
        return shown

    def saved_files(self) -> list[str]:
        """Figure files written by this report, relative to ``output_dir``."""
        return sorted({p.relative_to(self.output_dir).as_posix() for p in self._saved})
