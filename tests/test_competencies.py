"""The competency report of one scope: selection, privacy and what it shows."""

import html

import pandas as pd
import pytest

from clusterresearch.competencies import CompetencyReport, select_scope
from clusterresearch.errors import InputError


def test_scopes_select_their_respondents(shipped_survey):
    answers, scope, group = select_scope(shipped_survey, country="LT")
    assert (scope, group) == ("country", "LT") and answers["respondent_id"].nunique() == 5
    answers, scope, group = select_scope(shipped_survey, cluster="PL03")
    assert (scope, group) == ("cluster", "PL03") and set(answers["cluster"]) == {"PL03"}
    answers, scope, _ = select_scope(shipped_survey)
    assert scope == "all" and answers["respondent_id"].nunique() == 12


def test_unknown_scope_is_an_input_error(shipped_survey):
    with pytest.raises(InputError, match="no respondent in cluster 'XX99'"):
        select_scope(shipped_survey, cluster="XX99")


def test_report_checks_statements_only_for_all_data(tmp_path):
    everyone = CompetencyReport.from_parameters(output_dir=tmp_path)
    assert everyone.statement_table is not None and everyone.statement_table["holds"].all()
    one = CompetencyReport.from_parameters(cluster="LT02", output_dir=tmp_path)
    assert one.statement_table is None


def test_public_report_masks_a_single_managers_answers(tmp_path):
    report = CompetencyReport.from_parameters(cluster="PL01", output_dir=tmp_path, min_cell=3)
    table = str(report.area_table("budgeting"))
    assert "suppressed (n &lt; 3)" in table
    assert "one person" in report.banner().data
    open_report = CompetencyReport.from_parameters(cluster="PL01", output_dir=tmp_path, min_cell=0)
    assert "suppressed" not in str(open_report.area_table("budgeting"))


def test_figures_are_saved_beside_the_report(tmp_path):
    report = CompetencyReport.from_parameters(country="PL", output_dir=tmp_path)
    report.area_figure("online_marketing")
    assert report.saved_files() == ["figure8_online_marketing.png", "figure8_online_marketing.svg"]


def test_essays_of_a_users_survey_are_escaped(tmp_path):
    from clusterresearch import config

    wide = pd.read_csv(config.RESPONSES_PATH, dtype=str)
    wide.loc[0, "comm_barriers_essay"] = '<script>alert("x")</script> & more'
    path = tmp_path / "survey.csv"
    wide.to_csv(path, index=False)
    report = CompetencyReport.from_parameters(data_path=path, output_dir=tmp_path / "fig")
    shown = str(report.essays())
    assert "<script>" not in shown and html.escape('<script>alert("x")</script>', quote=True) in shown
    assert report.statement_table is None and not report.reconstructed
