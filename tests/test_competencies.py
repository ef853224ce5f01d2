"""The survey report of one scope: selection, privacy, and every word from the study's files."""

import html
import re
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch.competencies import SurveyReport
from clusterresearch.errors import InputError
from clusterresearch.scope import find, scopes, select

STUDIES = Path(__file__).parent / "data" / "studies"


def test_scopes_select_their_respondents(shipped_survey):
    found = scopes(shipped_survey)
    assert [s.key for s in found[:3]] == ["all", "country=LT", "country=PL"]
    lt = find(found, "country", "LT")
    assert lt.n == 5 and select(shipped_survey.answers, lt)["respondent_id"].nunique() == 5
    cluster = find(found, "cluster", "PL03")
    assert set(select(shipped_survey.answers, cluster)["cluster"]) == {"PL03"}
    assert cluster.parents == (("country", "PL"),) and cluster.within("country", "PL")
    assert cluster.name and cluster.name in cluster.title
    assert find(found, None, None).n == 12


def test_unknown_scope_is_an_input_error(shipped_survey):
    with pytest.raises(InputError, match="no respondent in group 'XX99'"):
        find(scopes(shipped_survey), "cluster", "XX99")
    with pytest.raises(InputError, match="not a grouping column"):
        find(scopes(shipped_survey), "region", "north")


def test_report_checks_statements_only_for_all_data(tmp_path):
    everyone = SurveyReport.from_parameters(output_dir=tmp_path)
    assert everyone.statement_table is not None and everyone.statement_table["holds"].all()
    one = SurveyReport.from_parameters(group_column="cluster", group="LT02", output_dir=tmp_path)
    assert one.statement_table is None


def test_public_report_masks_a_single_managers_answers(tmp_path):
    report = SurveyReport.from_parameters(group_column="cluster", group="PL01", output_dir=tmp_path, min_cell=3)
    table = str(report.area_table("budgeting"))
    assert "suppressed (n &lt; 3)" in table
    assert "one person" in report.banner().data
    open_report = SurveyReport.from_parameters(group_column="cluster", group="PL01", output_dir=tmp_path)
    assert "suppressed" not in str(open_report.area_table("budgeting"))


def test_one_figure_per_area_in_the_studys_order(tmp_path):
    report = SurveyReport.from_parameters(study_dir=STUDIES / "agree7_dk", output_dir=tmp_path)
    assert report.areas == ["export", "innovation", "cooperation"]   # areas.csv order, not the instrument's
    for area in report.areas:
        report.area_figure(area)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [
        "figure1_export.png", "figure2_innovation.png", "figure3_cooperation.png"]
    assert report.figure_title("innovation") == "Figure 2: Innovation"


def test_essays_are_escaped_and_small_groups_withheld_in_public(tmp_path):
    from clusterresearch import config

    wide = pd.read_csv(config.RESPONSES_PATH, dtype=str)
    wide.loc[0, "comm_barriers_essay"] = '<script>alert("x")</script> & more'
    path = tmp_path / "survey.csv"
    wide.to_csv(path, index=False)
    report = SurveyReport.from_parameters(data_path=path, output_dir=tmp_path / "fig")
    shown = str(report.essays())
    assert "<script>" not in shown and html.escape('<script>alert("x")</script>', quote=True) in shown
    public = SurveyReport.from_parameters(data_path=path, output_dir=tmp_path / "fig", min_cell=3)
    withheld = str(public.essays())
    assert "alert" not in withheld and "1 essay answer(s) withheld" in withheld   # its cluster holds one manager


def test_a_reversed_code_scale_reports_the_agree_side(tmp_path):
    """Q1 of labels4_reversed is coded 1 = strongly agree; 16 of its 20 answers agree."""
    raw = pd.read_csv(STUDIES / "labels4_reversed" / "answers.csv", dtype=str)
    agreeing = raw["Q1"].str.strip().str.lower().str.split().str.join(" ").isin({"agree", "strongly agree"}).sum()
    report = SurveyReport.from_parameters(study_dir=STUDIES / "labels4_reversed", output_dir=tmp_path)
    row = report.item_table.set_index("item_id").loc["clim_help"]
    assert (int(row["n_agree"]), int(row["n"])) == (agreeing, 20) == (16, 20)
    assert "16/20" in str(report.area_table("climate")) and "80" in str(report.area_table("climate"))


def test_no_sentence_of_another_study(tmp_path):
    report = SurveyReport.from_parameters(study_dir=STUDIES / "agree7_dk", output_dir=tmp_path, min_cell=3)
    text = " ".join(str(getattr(part, "data", part)) for part in (
        report.heading(), report.banner(), report.scope_table(), report.overview_table(),
        report.consistency_table(), report.comparison_table(), report.essays(), report.gap(),
        report.self_assessment_table(), *[report.area_table(a) for a in report.areas],
        *[report.area_narrative(a).data for a in report.areas]))
    for word in ("InterCom", "Poland", "Lithuania", "12 managers", "manager", "paper"):
        assert not re.search(rf"\b{word}\b", text, re.IGNORECASE), word
    assert "firms" in text and "Sector" in text
