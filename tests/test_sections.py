"""Reports shaped by the study's instrument (issue 19): sections only where the study has
what they show, the study's words for item kinds, an ordered grouping's trend."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch.competencies import SurveyReport
from clusterresearch.figures.trend import trend_alt, trend_figure
from clusterresearch.metrics import area_stats

STUDIES = Path(__file__).parent / "data" / "studies"
SURVEY = Path(__file__).parent / "data" / "survey"


def test_the_shipped_study_keeps_every_section_and_its_words(tmp_path):
    report = SurveyReport.from_parameters(output_dir=tmp_path)
    assert report.has_desired and report.has_assessor and report.has_essays and report.study.compare
    assert report.kind("likert") == "self-assessed"
    assert "self-assessed items" in report.across_note().data


def test_a_study_without_them_has_none_of_those_sections_nor_words(tmp_path):
    report = SurveyReport.from_parameters(STUDIES / "labels4_reversed", output_dir=tmp_path)
    assert not (report.has_desired or report.has_assessor or report.has_essays)
    assert report.study.compare is None
    assert "self-assessed" not in report.across_note().data + report.consistency_note().data
    rows = report.item_table[report.item_table["area"] == report.areas[0]]
    assert "self-assessed" not in rows.pipe(lambda r: report.area_table(report.areas[0])._repr_html_())


@pytest.mark.parametrize("study, word", [(None, "self-assessed"), (STUDIES / "labels4_reversed", "rated")])
def test_the_area_overview_figure_is_titled_in_the_studys_words(study, word, tmp_path, monkeypatch):
    import clusterresearch.competencies as competencies
    titles = []
    real = competencies.overview_figure
    monkeypatch.setattr(competencies, "overview_figure", lambda *a, **k: titles.append(k.get("title")) or real(*a, **k))
    report = SurveyReport.from_parameters(study, output_dir=tmp_path)
    report.overview()
    assert titles == [f"Mean area index of the {word} items"]
    assert report.kind("likert") == word


def test_a_figure_subtitle_counts_who_answered_the_area(tmp_path):
    report = SurveyReport.from_parameters(SURVEY, output_dir=tmp_path)
    for area in report.areas:
        answers = report.grid.answers()
        mine = answers[(answers["area"] == area) & answers["value"].notna()]
        assert report.answered(area) == mine["respondent_id"].nunique() <= report.n_respondents
    assert min(report.answered(a) for a in report.areas) < report.n_respondents  # the fixture has gaps


@pytest.fixture
def waves(tmp_path) -> Path:
    """The fixture study with an ordered grouping ``wave`` (9, 10, 2010: text order would differ)."""
    folder = tmp_path / "waves"
    shutil.copytree(SURVEY, folder, ignore=shutil.ignore_patterns("bad", "empty_group_cells"))
    (folder / "study.toml").write_text(
        'title = "Waves"\nrespondents = "managers"\nresponses = "answers.csv"\n\n'
        '[[groups]]\ncolumn = "wave"\nlabel = "Survey wave"\nordered = true\n')
    rng = np.random.default_rng(5)
    rows = ["respondent_id,wave,comm_internal_system,comm_no_problems,neg_conflicts"]
    for i in range(30):
        wave = ["9", "10", "2010"][i % 3]
        rows.append(f"R{i:02d},{wave},{rng.integers(1, 6)},{rng.integers(1, 6)},{rng.integers(1, 6)}")
    rows.append("R99,,4,4,4")  # no wave: in all data only
    (folder / "answers.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_the_trend_table_gives_each_wave_in_order_with_area_stats_numbers(waves, tmp_path):
    report = SurveyReport.from_parameters(waves, output_dir=tmp_path)
    table = report.trend_table("wave")
    assert list(pd.unique(table["group"])) == ["9", "10", "2010"]
    grid = report.grid
    stats = area_stats(grid.subset(grid.respondents["wave"].notna().to_numpy()), report.survey.items, by=["wave"])
    for _, row in table.iterrows():
        mine = stats[(stats["wave"] == row["group"]) & (stats["area"] == row["area"])].iloc[0]
        assert row["share"] == mine["share_agree"] and row["n"] == mine["n"]
        assert row["low"] == mine["ci_low"] and row["high"] == mine["ci_high"]
    assert table.groupby("area")["n_respondents"].sum().max() == 30  # R99 has no wave


def test_the_trend_figure_and_its_alt_text_name_the_grouping(waves, tmp_path):
    report = SurveyReport.from_parameters(waves, output_dir=tmp_path)
    table = report.trend_table("wave")
    alt = trend_alt(table, "Survey wave")
    assert "Survey wave" in alt and "from 9 to 2010" in alt
    fig = trend_figure(table, grouping="Survey wave", titles=report.titles)
    axis = fig.axes[-1]
    assert [t.get_text() for t in axis.get_xticklabels()] == ["9", "10", "2010"]
    assert axis.get_xlabel() == "Survey wave"
    frame = report.trend_frame(table, "Survey wave")
    assert list(frame.columns) == ["area", "Survey wave", "agree", "95 % interval", "answers", "managers"]


def test_only_the_all_data_report_shows_the_trend(waves, tmp_path, capsys):
    group = SurveyReport.from_parameters(waves, group_column="wave", group="10", output_dir=tmp_path)
    group.trend_section()
    assert "Trend" not in capsys.readouterr().out
    report = SurveyReport.from_parameters(waves, output_dir=tmp_path)
    report.trend_section()
    assert (tmp_path / "trend_wave.svg").exists() or any(tmp_path.glob("trend_wave*"))


def test_a_report_header_links_at_most_25_neighbouring_scopes():
    from clusterresearch.page import NEIGHBOURS, NavLink, SiteInfo, neighbours, report_page

    siblings = tuple(NavLink(f"scope {i}", f"r{i}.html", i == 60) for i in range(103))
    shown = neighbours(siblings)
    assert len(shown) == NEIGHBOURS and shown[0].label == "scope 0" and any(s.current for s in shown)
    assert [s.label for s in neighbours(siblings[:10])] == [s.label for s in siblings[:10]]
    last = tuple(NavLink(s.label, s.href, i == 102) for i, s in enumerate(siblings))
    assert neighbours(last)[-1].label == "scope 102" and len(neighbours(last)) == NEIGHBOURS
    page = report_page("<h1>R</h1>", report="Survey", scope_label="scope 60", site=SiteInfo("T", "", "", ""),
                       confidential=False, siblings=siblings)
    assert page.count('href="r') == NEIGHBOURS and "all 103 in the index" in page
