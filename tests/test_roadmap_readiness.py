"""Stage IV readiness: the 1-5 area index mapped to 0-1 per scope, from frames built by hand,
and the small-group suppression of a public report."""

import math

import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.roadmap.readiness import (
    ONE_MANAGER_NOTE, READINESS_AREAS, READINESS_THRESHOLD, readiness_table, to_readiness,
)


def index_frame(rows):
    return pd.DataFrame(rows, columns=["respondent_id", "country", "cluster", "area", "index"])


INDEX = index_frame([
    ("R1", "PL", "PL01", "communication", 4.0), ("R1", "PL", "PL01", "online_marketing", 2.0),
    ("R1", "PL", "PL01", "project_management", 3.0), ("R1", "PL", "PL01", "budgeting", 5.0),
    ("R1", "PL", "PL01", "negotiation", 1.0),
    ("R2", "PL", "PL02", "communication", 2.0), ("R2", "PL", "PL02", "online_marketing", float("nan")),
    ("R2", "PL", "PL02", "project_management", 1.0), ("R2", "PL", "PL02", "budgeting", 3.0),
    ("R3", "LT", "LT01", "communication", 5.0), ("R3", "LT", "LT01", "online_marketing", 4.0),
    ("R3", "LT", "LT01", "project_management", 2.0), ("R3", "LT", "LT01", "budgeting", 4.0),
])


def test_mapping_endpoints_and_threshold():
    assert [to_readiness(v) for v in (1, 2, 3, 4, 5)] == [0, 0.25, 0.5, 0.75, 1]
    assert READINESS_THRESHOLD == 0.5


def test_cluster_scope_is_its_one_manager():
    t = readiness_table(INDEX, cluster="PL01").set_index("area")
    assert list(t.index) == list(READINESS_AREAS)  # negotiation is not a readiness area
    assert t["readiness"].tolist() == [0.75, 0.25, 0.5, 1.0]
    assert (t["n_respondents"] == 1).all() and set(t["scope"]) == {"cluster"}
    assert t["below_threshold"].tolist() == [False, True, False, False]
    assert (t["note"].str.contains(ONE_MANAGER_NOTE, regex=False)).all()


def test_country_scope_is_the_mean_over_its_respondents_skipping_missing():
    t = readiness_table(INDEX, country="PL").set_index("area")
    assert t.at["communication", "index_mean"] == 3.0 and t.at["communication", "n_respondents"] == 2
    assert t.at["online_marketing", "index_mean"] == 2.0 and t.at["online_marketing", "n_respondents"] == 1
    assert t.at["project_management", "readiness"] == pytest.approx(((3 + 1) / 2 - 1) / 4)
    assert not t["note"].str.contains(ONE_MANAGER_NOTE, regex=False).any()


def test_all_scope_and_errors():
    t = readiness_table(INDEX).set_index("area")
    assert t.at["communication", "index_mean"] == pytest.approx(11 / 3) and t.at["communication", "n_respondents"] == 3
    with pytest.raises(LookupError):
        readiness_table(INDEX, cluster="XX01")
    with pytest.raises(LookupError):
        readiness_table(INDEX, country="LT", cluster="PL01")  # the cluster is not in that country
    with pytest.raises(ValueError):
        readiness_table(INDEX.drop(columns="index"))


def test_an_area_nobody_answered_is_nan_not_zero():
    frame = index_frame([("R1", "PL", "PL01", "communication", 3.0)])
    t = readiness_table(frame).set_index("area")
    assert math.isnan(t.at["budgeting", "readiness"]) and t.at["budgeting", "n_respondents"] == 0
    assert not t.at["budgeting", "below_threshold"]


def test_shipped_survey_matches_the_area_index():
    from clusterresearch.loading import load_survey
    from clusterresearch.metrics.areas import respondent_area_index
    from clusterresearch.roadmap.readiness import survey_readiness

    table, reconstructed, _ = survey_readiness(None, cluster="LT01")
    assert reconstructed and set(table["n_respondents"]) == {1}
    index = respondent_area_index(load_survey(config.RESPONSES_PATH).answers)
    mine = index[(index["cluster"] == "LT01")].set_index("area")["index"]
    for area, value in zip(table["area"], table["readiness"]):
        assert value == pytest.approx((mine[area] - 1) / 4)


def test_public_report_suppresses_a_single_managers_readiness_everywhere():
    from clusterresearch.roadmap.report import RoadmapReport

    report = RoadmapReport.from_parameters(cluster="PL01", min_cell=3, output_dir=None)
    html = str(report.readiness_table())
    assert "suppressed (n &lt; 3)" in html or "suppressed (n < 3)" in html
    info = report.roadmap.stage4_information.set_index("actor_id")
    assert info.loc["CDC", [f"readiness_{a}" for a in READINESS_AREAS]].isna().all()
    actions = " ".join(report.roadmap.stage5["action"])
    assert "suppressed (n < 3)" in actions and "build capacity" not in actions
    open_report = RoadmapReport.from_parameters(cluster="PL01", min_cell=0)
    assert "suppressed" not in str(open_report.readiness_table())
    assert not open_report.roadmap.stage4_information.set_index("actor_id").loc[
        "CDC", [f"readiness_{a}" for a in READINESS_AREAS]].isna().any()
