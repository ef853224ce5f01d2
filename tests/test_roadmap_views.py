"""The stage tables a reader sees fit a page: few columns, headers in words, rules as
sentences, no True/False cells; and routes reach them as data, written out only for show."""

from pathlib import Path

import pytest

from clusterresearch.roadmap import views
from clusterresearch.roadmap.build import RoadmapSettings, build_roadmap
from clusterresearch.loading.source import SurveySource

OWN = Path(__file__).parent / "data" / "roadmap" / "own_network"
STUDY = Path(__file__).parent / "data" / "studies" / "agree7_dk"
VIEWS = ["parameters", "summary", "sensitivity", "stage1", "roles", "services", "stage2", "stage2_channels", "stage3",
         "restrictions", "stage3_links", "readiness", "stage4", "stage5"]


@pytest.fixture(scope="module")
def roadmap():
    return build_roadmap(RoadmapSettings(network=OWN, source=SurveySource(study_dir=STUDY), groups=(("country", "AT"),)))


@pytest.mark.parametrize("name", VIEWS)
def test_views_fit_a_page_and_read_in_words(roadmap, name):
    frame = getattr(views, name)(roadmap)
    assert 0 < frame.shape[1] <= 8, list(frame.columns)
    assert not any("_" in str(c) for c in frame.columns), list(frame.columns)  # headers in words
    cells = frame.astype(str).to_numpy().ravel().tolist()
    assert "True" not in cells and "False" not in cells
    assert not any(str(dtype) == "bool" for dtype in frame.dtypes)


def test_stage3_rules_are_sentences(roadmap):
    rules = dict(zip(*views.stage3(roadmap)[["participant", "admissible strategies"]].to_numpy().T))
    assert rules["county"].startswith("Keeps to its existing channels for every kind")
    assert rules["hosp"].startswith("May use the platform for communication; data storage and contractor network stay")
    assert "patient records stay in the hospital's own systems" in rules["hosp"]


def test_routes_are_tuples_until_shown(roadmap):
    table = roadmap.flows["admissible"]
    assert all(isinstance(r, tuple) for r in table["route"])
    assert all(isinstance(k, tuple) for k in table["channel_keys"])
    row = table[(table["source"] == "hosp") & (table["target"] == "imaging")].iloc[0]
    assert row["route"] == ("hosp", "uni", "dc", "imaging") and row["relays"] == ("uni", "dc") and row["via_platform"]
    shown = views.flows(roadmap, "admissible")
    assert "hosp>uni>dc>imaging" in set(shown["route"])
