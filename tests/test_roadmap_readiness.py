"""Stage IV readiness: a pure function of an area-statistics frame and the declared areas and
threshold; from a survey only when one is given; one person only when the scope holds one;
the small-group suppression of a public report."""

import math
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.roadmap.build import RoadmapSettings, build_roadmap
from clusterresearch.roadmap.readiness import (
    ONE_RESPONDENT_NOTE, READINESS_COLUMNS, readiness_table, survey_area_stats, to_readiness,
)

STATS = pd.DataFrame({
    "area": ["communication", "negotiation", "online_marketing", "budgeting"],
    "n_respondents": [2, 2, 1, 0],
    "index_mean": [4.0, 2.5, 2.0, float("nan")],
    "spread": [0.1, 0.2, 0.3, 0.4],  # other columns of metrics.area_stats are ignored
})


def test_mapping_endpoints():
    assert [to_readiness(v) for v in (1, 2, 3, 4, 5)] == [0, 0.25, 0.5, 0.75, 1]
    assert to_readiness(4, low=0, high=10) == 0.4


def test_default_is_every_area_and_the_neutral_point():
    t = readiness_table(STATS, n_scope=2).set_index("area")
    assert list(t.columns) == [c for c in READINESS_COLUMNS if c != "area"]
    assert list(t.index) == list(STATS["area"])
    assert t["readiness"].iloc[:3].tolist() == [0.75, 0.375, 0.25]
    assert (t["threshold"] == 0.5).all()
    assert t["below_threshold"].tolist() == [False, True, True, False]  # budgeting: nobody answered, NaN not 0
    assert math.isnan(t.at["budgeting", "readiness"])
    assert not t["note"].str.contains(ONE_RESPONDENT_NOTE, regex=False).any()  # two respondents


def test_declared_areas_and_threshold():
    t = readiness_table(STATS, areas=["negotiation", "communication", "project_funding"], threshold=0.8, n_scope=2)
    assert list(t["area"]) == ["negotiation", "communication", "project_funding"]  # declared order
    assert t["below_threshold"].tolist() == [True, True, False]
    assert t.loc[2, "n_respondents"] == 0 and math.isnan(t.loc[2, "readiness"])


def test_one_person_only_when_the_scope_holds_one():
    one = readiness_table(STATS[STATS["area"] == "online_marketing"], n_scope=1)
    assert one["note"].str.contains(ONE_RESPONDENT_NOTE, regex=False).all()
    two = readiness_table(STATS[STATS["area"] == "online_marketing"], n_scope=2)  # one answered the area, two in scope
    assert not two["note"].str.contains(ONE_RESPONDENT_NOTE, regex=False).any()


def test_missing_columns_are_refused():
    with pytest.raises(ValueError):
        readiness_table(STATS.drop(columns="index_mean"))


def test_shipped_survey_scope_matches_the_area_index():
    from clusterresearch.loading import load_survey
    from clusterresearch.metrics.areas import respondent_area_index

    scope = survey_area_stats(data=config.RESPONSES_PATH, groups=(("cluster", "LT01"),))
    assert scope.notice.startswith("Reconstructed data") and scope.n_respondents == 1
    assert (scope.scope, scope.group) == ("cluster", "LT01")
    table = readiness_table(scope.stats, n_scope=scope.n_respondents)
    survey = load_survey(config.RESPONSES_PATH)
    index = respondent_area_index(survey.grid, survey.items)
    mine = index[index["cluster"] == "LT01"].set_index("area")["index"]
    for area, value in zip(table["area"], table["readiness"]):
        assert value == pytest.approx((mine[area] - 1) / 4)


def test_another_questionnaire_on_a_seven_point_scale():
    """A study with other areas and a 1-7 scale feeds the same function (index_range "1-7")."""
    study = Path(__file__).parent / "data" / "studies" / "agree7_dk"
    scope = survey_area_stats(study=study, groups=(("sector", "metal"),))
    assert scope.n_respondents == 10 and scope.notice == "" and scope.titles["cooperation"] == "Cooperation"
    table = readiness_table(scope.stats, areas=["cooperation"], n_scope=scope.n_respondents, titles=scope.titles)
    mean = float(scope.stats.set_index("area").at["cooperation", "index_mean"])
    assert table["readiness"].iloc[0] == pytest.approx((mean - 1) / 6) and table["title"].iloc[0] == "Cooperation"


def test_scale_from_index_range():
    stats = pd.DataFrame({"area": ["a", "b"], "n_respondents": [3, 3], "index_mean": [4.0, 40.0],
                          "index_range": ["1-7", "0-100"]})
    assert readiness_table(stats)["readiness"].tolist() == pytest.approx([0.5, 0.4])


def test_no_survey_no_readiness():
    r = build_roadmap(RoadmapSettings())
    assert r.survey is None and r.readiness.empty and not r.readiness_used
    step = r.stage5[r.stage5["stage"] == "IV"]
    assert len(step) == 1 and step["action"].iloc[0] == "readiness not assessed: no survey was given"
    assert "would give its readiness" in step["reason"].iloc[0]
    assert not any(c.startswith("readiness_") and c != "readiness_source" for c in r.stage4_information.columns)


def test_public_report_suppresses_a_single_managers_readiness_everywhere():
    from clusterresearch.roadmap.report import RoadmapReport

    report = RoadmapReport.from_parameters(data_path=str(config.RESPONSES_PATH), cluster="PL01", min_cell=3)
    html = str(report.readiness_table())
    assert "suppressed (n &lt; 3)" in html
    info = report.roadmap.stage4_information
    assert not any(c.startswith("readiness_") and c != "readiness_source" for c in info.columns)
    actions = " ".join(report.roadmap.stage5["action"])
    assert "suppressed (n < 3)" in actions and "build capacity" not in actions
    open_report = RoadmapReport.from_parameters(data_path=str(config.RESPONSES_PATH), cluster="PL01", min_cell=0)
    assert "suppressed" not in str(open_report.readiness_table())
    cdc = open_report.roadmap.stage4_information.set_index("actor_id").loc["CDC"]
    assert not cdc[[f"readiness_{a}" for a in open_report.roadmap.readiness["area"]]].isna().any()


def test_declared_areas_absent_from_the_survey_are_an_input_error(tmp_path, capsys):
    """The worked example declares four InterCom areas; a study without them cannot feed its
    stage IV (it would read as areas nobody answered), in `roadmap` and `reproduce` alike."""
    from clusterresearch import cli

    study = Path(__file__).parent / "data" / "studies" / "labels4_reversed"
    for argv in (["roadmap", "--out", str(tmp_path / "roadmap")],
                 ["reproduce", "--only", "roadmap", "--out", str(tmp_path / "site"), "--no-progress"]):
        assert cli.main(argv + ["--study", str(study), "--network", str(config.ROADMAP_EXAMPLE_DIR)]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith("error: ") and "network.toml: readiness.areas: 'communication'" in err
        assert "(climate, leadership)" in err and len(err.splitlines()) == 1
    assert not any(tmp_path.iterdir())
