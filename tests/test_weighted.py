"""A weighted, stratified, clustered study (issue 19): prepare's and the reports' figures
are design-based and equal answers worked out by hand (tests/data/studies/weighted: the
two-stratum design of tests/test_design.py as a study); ``n`` stays the unweighted count."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import cli
from clusterresearch.competencies import SurveyReport

WEIGHTED = Path(__file__).parent / "data" / "studies" / "weighted"


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    out = tmp_path_factory.mktemp("weighted") / "out"
    assert cli.main(["prepare", "--study", str(WEIGHTED), "--out", str(out)]) == 0
    items = pd.read_csv(out / "item_summary.csv", keep_default_na=False).set_index(["scope", "group", "item_id"])
    areas = pd.read_csv(out / "area_summary.csv", keep_default_na=False).set_index(["scope", "group", "area"])
    return items, areas


def test_a_share_and_its_standard_error_are_the_hand_computed_ones(summaries):
    items, _ = summaries
    q1 = items.loc[("all", "all", "q1")]
    # q1 agrees where the design fixture's y is 1: weights 1, 2, 3 of 9 -> 2/3; Var = 34/729 (test_design.py)
    assert q1["share_agree"] == pytest.approx(2 / 3, abs=1e-6)
    assert q1["se_agree"] == pytest.approx(math.sqrt(34 / 729), abs=1e-6)
    assert q1["n_effective"] == pytest.approx(81 / 17, abs=1e-5)
    assert q1["n"] == 6 and q1["n_agree"] == 3  # counts stay unweighted
    assert q1["mean"] == pytest.approx((5 + 1 + 10 + 1 + 15 + 1) / 9, abs=1e-5)


def test_a_group_is_a_domain_of_the_whole_design(summaries):
    items, _ = summaries
    d = items.loc[("sector", "d", "q1")]
    assert d["share_agree"] == pytest.approx(5 / 6, abs=1e-6)
    assert d["se_agree"] == pytest.approx(math.sqrt(58 / 1296), abs=1e-6)


def test_the_report_of_a_group_gives_the_same_domain_figures(summaries, tmp_path):
    items, _ = summaries
    report = SurveyReport.from_parameters(WEIGHTED, group_column="sector", group="d", output_dir=tmp_path)
    table = report.item_table.set_index("item_id")
    for item in ("q1", "q2", "q3"):
        for column in ("share_agree", "se_agree", "ci_low", "ci_high", "mean"):
            assert table.loc[item, column] == pytest.approx(items.loc[("sector", "d", item), column], rel=1e-5)


def test_the_report_says_the_figures_are_weighted_and_by_which_column(tmp_path):
    report = SurveyReport.from_parameters(WEIGHTED, output_dir=tmp_path)
    said = report.banner().data
    assert "weighted by w" in said and "stratum" in said and "cluster_unit" in said


def test_area_figures_are_weighted_with_respondents_as_clusters(summaries):
    _, areas = summaries
    beta = areas.loc[("all", "all", "beta")]  # one item (q3): the same as that item's figures
    assert beta["share_agree"] == pytest.approx(3 / 9, abs=1e-6)  # F2 (w 1), F4 (w 1), F6 (w 1) agree
    assert beta["n_respondents"] == 6 and beta["n"] == 6
    assert beta["index_mean"] == pytest.approx((2 + 4 + 6 + 5 + 3 + 4) / 9, abs=1e-5)


def test_an_unweighted_study_has_no_design_columns(tmp_path):
    out = tmp_path / "out"
    assert cli.main(["prepare", "--out", str(out)]) == 0
    header = (out / "item_summary.csv").read_text().splitlines()[0]
    assert "n_effective" not in header and "se_agree" not in header


def test_groups_are_compared_by_the_design_based_test(tmp_path):
    from clusterresearch.metrics.areas import Keyed
    from clusterresearch.metrics.design import Design, rao_scott
    from clusterresearch.metrics.weighted import compare_groups

    report = SurveyReport.from_parameters(WEIGHTED, output_dir=tmp_path)
    table = compare_groups(report.grid, "sector", Keyed(report.grid, report.survey.items)).set_index("area")
    # beta has one item (q3): the test on the respondents' own rows, each respondent its own answer
    grid = report.grid
    frame = grid.design.assign(sector=grid.respondents["sector"].to_numpy(),
                               agree=(grid.values[:, 2] >= 4).astype(float))
    expected = rao_scott(frame, "sector", "agree", Design("weight", "strata", "psu"))
    assert table.loc["beta", "F"] == pytest.approx(expected["F"], rel=1e-12)
    assert table.loc["beta", "p"] == pytest.approx(expected["p"], rel=1e-12)
    html = report.comparison_table()._repr_html_()
    assert "Rao-Scott" in html and "Cliff" not in html


def test_report_tables_show_weighted_shares_with_unweighted_counts(tmp_path):
    report = SurveyReport.from_parameters(WEIGHTED, output_dir=tmp_path)
    html = report.area_table("alpha")._repr_html_()
    assert "67 % weighted (3/6 answers)" in html and "design-based, logit" in html and "Wilson" not in html
    assert "unweighted" in report.area_narrative("alpha").data


def test_the_bars_of_a_weighted_study_draw_weighted_shares(tmp_path):
    from clusterresearch.figures.likert import segments

    report = SurveyReport.from_parameters(WEIGHTED, output_dir=tmp_path)
    rows = report.item_table[report.item_table["area"] == "alpha"]
    drawn = report.drawn_rows(rows).set_index("item_id")
    scale = report.study.scales["agree5"]
    widths = {part: width for part, _, _, width in segments(drawn.loc["q1"], scale)}
    assert widths["5"] == pytest.approx(100 * 6 / 9) and widths["1"] == pytest.approx(100 * 3 / 9)
    assert drawn.loc["q1", "n"] == 6 and drawn.loc["q1", "n_agree"] == 3
    assert "unweighted answers" in report.figure_note()
    report.area_figure("alpha")


def test_the_area_sentences_of_a_weighted_study_give_no_unweighted_interval(tmp_path):
    """A Wilson interval on unweighted counts would treat the answers as a simple random sample."""
    report = SurveyReport.from_parameters(WEIGHTED, output_dir=tmp_path)
    for area in report.areas:
        said = report.area_narrative(area).data
        assert "95 % CI" not in said and "without an interval" in said and " of 6 firms (" in said
