"""Empty grouping cells are data (issue 19): a respondent without a cluster (or a country, or
with one of the column's ``missing`` codes) counts in all data and their other groupings, in
no group of that column; `check` reports how many, the "Who answered" table shows them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import cli, scope
from clusterresearch.competencies import SurveyReport
from clusterresearch.loading import load_survey
from clusterresearch.metrics import area_stats, item_stats

DATA = Path(__file__).parent / "data" / "survey"
CELLS = DATA / "empty_group_cells"


def _summary(out: Path) -> pd.DataFrame:
    return pd.read_csv(out / "item_summary.csv", keep_default_na=False)


def test_a_respondent_without_a_cluster_counts_in_all_data_and_the_country(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["prepare", "--study", str(DATA), "--data", str(CELLS / "cluster.csv"), "--out", str(out)]) == 0
    table = _summary(out)
    item = table[table["item_id"] == "comm_internal_system"].set_index(["scope", "group"])["n"]
    assert item[("all", "all")] == 2 and item[("country", "DE")] == 2  # R2 (no cluster) is in both
    assert item[("cluster", "DE-BER")] == 1                            # and in no cluster
    assert set(table["scope"] + "=" + table["group"]) == {"all=all", "country=DE", "cluster=DE-BER"}


def test_a_respondent_without_a_country_counts_in_the_cluster(tmp_path):
    survey = load_survey(CELLS / "country.csv", study=DATA)
    found = {s.key: s for s in scope.scopes(survey)}
    assert found["all"].n == 2 and found["country=DE"].n == 1 and found["cluster=DE-BER"].n == 2
    assert found["cluster=DE-BER"].parents == ()  # not all its respondents are in DE
    assert scope.no_value(survey) == {"country": 1, "cluster": 0}


def test_check_reports_the_count_not_an_error(capsys):
    assert cli.main(["check", "--study", str(DATA), "--data", str(CELLS / "cluster.csv")]) == 0
    said = capsys.readouterr().out
    assert "1 manager with no cluster value (cluster: empty cell or a missing code)" in said


def test_a_grouping_counts_exactly_the_respondents_with_a_value():
    """Grouped by cluster, the grid gives what the grid of the respondents with a cluster gives."""
    grid = load_survey(CELLS / "cluster.csv", study=DATA).grid
    given = grid.subset(grid.respondents["cluster"].notna().to_numpy())
    assert len(given.respondents) == len(grid.respondents) - 1
    for metric in (item_stats, area_stats):
        pd.testing.assert_frame_equal(metric(grid, by=["cluster"]), metric(given, by=["cluster"]))
        assert metric(grid)["n"].sum() > metric(given)["n"].sum()  # all data keeps them


@pytest.fixture
def coded_study(tmp_path) -> Path:
    """The fixture study with ``missing = ["DK", "-99"]`` on its cluster column."""
    folder = tmp_path / "study"
    shutil.copytree(DATA, folder, ignore=shutil.ignore_patterns("bad", "empty_group_cells"))
    text = (folder / "study.toml").read_text()
    (folder / "study.toml").write_text(text.replace('label = "Cluster"', 'label = "Cluster"\nmissing = ["DK", "-99"]'))
    (folder / "responses_de_fr.csv").write_text(
        "respondent_id,country,cluster,comm_internal_system,neg_conflicts\n"
        "R1,DE,DE-BER,4,3\nR2,DE,DK,5,2\nR3,FR,-99,2,2\nR4,FR,FR-PAR,1,\n")
    return folder


def test_missing_codes_of_a_grouping_mean_no_value(coded_study, capsys):
    survey = load_survey(study=coded_study)
    keys = [s.key for s in scope.scopes(survey)]
    assert keys == ["all", "country=DE", "country=FR", "cluster=DE-BER", "cluster=FR-PAR"]
    assert scope.no_value(survey)["cluster"] == 2
    report = SurveyReport.from_parameters(coded_study)
    html = report.scope_table()._repr_html_()
    assert "(no value)" in html and "DK" not in html


def test_an_ordered_grouping_orders_numbers_as_numbers(coded_study):
    text = (coded_study / "study.toml").read_text()
    (coded_study / "study.toml").write_text(text.replace('label = "Cluster"', 'label = "Wave"\nordered = true'))
    (coded_study / "responses_de_fr.csv").write_text(
        "respondent_id,country,cluster,comm_internal_system,neg_conflicts\n"
        "R1,DE,10,4,3\nR2,DE,9,5,2\nR3,FR,2010,2,2\nR4,FR,DK,1,\n")
    survey = load_survey(study=coded_study)
    assert [s.group for s in scope.scopes(survey) if s.column == "cluster"] == ["9", "10", "2010"]


def test_the_site_index_says_how_many_have_no_value():
    from types import SimpleNamespace

    from clusterresearch.batch.runner import site_info

    survey = load_survey(CELLS / "cluster.csv", study=DATA)
    assert "1 manager with no cluster value" in site_info(SimpleNamespace(site=None), survey).notice
    assert "without" not in site_info(SimpleNamespace(site=None), load_survey(study=DATA)).notice


def test_every_report_cell_runs_with_an_empty_cell_in_the_comparison_column(tmp_path):
    report = SurveyReport.from_parameters(DATA, CELLS / "country.csv", output_dir=tmp_path)
    html = report.comparison_table()._repr_html_()
    assert ">nan<" not in html and "nan vs" not in html  # no group named nan
    report.essays()
    report.consistency_table()


def test_an_ordered_grouping_of_words_follows_its_names_file(coded_study):
    text = (coded_study / "study.toml").read_text()
    (coded_study / "study.toml").write_text(text.replace('label = "Cluster"', 'label = "Wave"\nordered = true\nnames = "waves.csv"'))
    (coded_study / "waves.csv").write_text("wave,name\nspring,Spring 2020\nsummer,Summer 2020\nautumn,Autumn 2020\n")
    (coded_study / "responses_de_fr.csv").write_text(
        "respondent_id,country,cluster,comm_internal_system,neg_conflicts\n"
        "R1,DE,autumn,4,3\nR2,DE,spring,5,2\nR3,FR,summer,2,2\nR4,FR,,1,\n")
    survey = load_survey(study=coded_study)
    assert [s.group for s in scope.scopes(survey) if s.column == "cluster"] == ["spring", "summer", "autumn"]
