"""A researcher's own network folder (tests/data/roadmap/own_network: its own IT-actor, a
hospital as regulator, a restricted IT-actor, a county off the platform, its own network.toml
and readiness areas) through `roadmap`, `reproduce --network ... --only roadmap` and the
notebook: its report speaks in its own words, and the two commands give the same numbers."""

import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch.cli import main
from clusterresearch.roadmap.build import RoadmapSettings, build_roadmap
from clusterresearch.roadmap.narrative import findings
from clusterresearch.loading.source import SurveySource

OWN = Path(__file__).parent / "data" / "roadmap" / "own_network"
STUDY = Path(__file__).parent / "data" / "studies" / "agree7_dk"  # another questionnaire: firms, 1-7 scale
SURVEY = Path(__file__).parent / "data" / "survey" / "responses_de_fr.csv"
REGISTRY = Path(__file__).parent / "data" / "survey" / "clusters_de_fr.csv"
# Words about the shipped example or the InterCom survey that must never reach a user's report.
FOREIGN = re.compile(r"worked|intercom|illustrative|poland|lithuania", re.IGNORECASE)
SETTINGS = ["--platform-retention", "0.95", "--platform-delay", "1", "--relay-retention", "0.85"]


def foreign_words(text: str) -> list[str]:
    return sorted({m.group(0).lower() for m in FOREIGN.finditer(text)})


@pytest.fixture(scope="module")
def own_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("own") / "out"
    assert main(["roadmap", "--network", str(OWN), "--out", str(out), *SETTINGS,
                 "--study", str(STUDY), "--group", "sector=metal"]) == 0
    return out


def test_the_report_uses_the_folders_own_words(own_run):
    md = (own_run / "summary.md").read_text(encoding="utf-8")
    assert md.startswith("# Digitalization roadmap: Medical technology cluster of the upper valley")
    assert "> Network: Medical technology cluster of the upper valley. A hand-written test network" in md
    assert "Source: Written for the clusterresearch test suite" in md
    for path in own_run.rglob("*"):
        if path.suffix in (".md", ".csv", ".svg"):
            assert foreign_words(path.read_text(encoding="utf-8")) == [], path


def test_readiness_comes_from_its_own_survey_and_declared_areas(own_run):
    readiness = pd.read_csv(own_run / "stage4_readiness.csv")
    assert list(readiness["area"]) == ["cooperation", "innovation"]  # network.toml [readiness] areas
    assert set(readiness["threshold"]) == {0.6} and set(readiness["group"]) == {"metal"}
    assert set(readiness["n_respondents"]) == {10}
    assert ((readiness["readiness"] - (readiness["index_mean"] - 1) / 6).abs() < 1e-9).all()  # a 1-7 scale
    assert not readiness["note"].str.contains("one person").any()
    steps = pd.read_csv(own_run / "stage5_sequence.csv", keep_default_na=False)
    stage4 = steps[steps["stage"] == "IV"]
    assert "Sector metal of Innovation practices of cluster firms (test study) (n = 10)" in stage4["action"].iloc[0]
    capacity = stage4[stage4["action"].str.startswith("build capacity in cooperation")]
    assert len(capacity) == int(readiness.set_index("area").at["cooperation", "below_threshold"])
    if len(capacity):
        assert "the firms must agree on what they share" in capacity["reason"].iloc[0]  # [readiness.why]
    params = pd.read_csv(own_run / "parameters.csv").set_index("parameter")
    assert params.at["platform_retention", "value"] == "0.95" and params.at["relay_retention", "value"] == "0.85"
    assert params.at["readiness_threshold", "value"] == "0.60"


def test_restrictions_of_the_own_network_take_effect(own_run):
    admissible = pd.read_csv(own_run / "admissible" / "flows.csv", keep_default_na=False)
    routes = dict(zip(zip(admissible["source"], admissible["target"]), admissible["route"]))
    assert routes[("county", "chamber")] == "county>office>chamber"  # the county is off the platform
    # the hospital's own platform channel carries no data_storage: its data reaches the platform
    # only through the university's data_storage channel (0.97 x 0.95 x 0.95 beats 0.8 x 0.85 via the office)
    assert routes[("hosp", "imaging")] == "hosp>uni>dc>imaging"
    assert "dc" not in routes[("imaging", "sensors")]  # the data centre carries no contract exchange
    strategies = pd.read_csv(own_run / "stage3_strategies.csv").set_index(["actor_id", "kind"])
    assert not strategies.at[("uni", "contractor_network"), "platform_admissible"]  # restricted at the IT-actor


@pytest.mark.parametrize("cluster, one", [("FR-LYS", True), ("FR-PAR", False)])
def test_one_person_only_for_a_scope_of_one(tmp_path, cluster, one):
    from test_roadmap_pipeline import write_user_network

    out = tmp_path / "out"
    folder = write_user_network(tmp_path / "net")
    assert main(["roadmap", "--network", str(folder), "--out", str(out), "--data", str(SURVEY),
                 "--registry", str(REGISTRY), "--cluster", cluster]) == 0
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert ("one person's self-assessment" in md) is one
    assert "Reconstructed data" not in md  # the shipped study's notice is about its own answers, not this file


def test_without_a_survey_stage_iv_says_so(tmp_path):
    out = tmp_path / "out"
    assert main(["roadmap", "--network", str(OWN), "--out", str(out)]) == 0
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert "No survey was given" in md and "Stage IV: no survey was given" in md
    assert pd.read_csv(out / "stage4_readiness.csv").empty
    assert foreign_words(md) == []


def test_reproduce_gives_the_numbers_of_the_roadmap_command(own_run, tmp_path):
    """reproduce runs the notebook with the same settings: the findings (retention, delay,
    platform settings), the road map's last step and the settings shown are the command's."""
    site = tmp_path / "site"
    code = main(["reproduce", "--network", str(OWN), "--only", "roadmap", "--out", str(site), *SETTINGS,
                 "--study", str(STUDY), "--group", "sector=metal", "--jobs", "1", "--no-progress"])
    assert code == 0
    page = (site / "public" / "roadmap_sector_metal.html").read_text(encoding="utf-8")
    text = re.sub(r">\s+<", "><", html.unescape(page))
    notebook = json.loads((site / "public" / "roadmap_sector_metal.ipynb").read_text(encoding="utf-8"))
    assert foreign_words(page) == [] and foreign_words(json.dumps(notebook)) == []
    roadmap = build_roadmap(RoadmapSettings(network=OWN, platform_retention=0.95, platform_delay=1, relay_retention=0.85,
                                            source=SurveySource(study_dir=STUDY), groups=(("sector", "metal"),)))
    md = (own_run / "summary.md").read_text(encoding="utf-8")
    for line in findings(roadmap):
        assert f"- {line}" in md  # the command wrote these sentences ...
        assert line in text, line  # ... and the reproduced report shows the same
    last = pd.read_csv(own_run / "stage5_sequence.csv", keep_default_na=False)["action"].iloc[-1]
    assert last in text
    for shown in ("<td>platform retention</td><td>0.95</td>", "<td>relay retention</td><td>0.85</td>",
                  "<td>platform delay (days)</td><td>1</td>"):
        flat = re.sub(r'<td class="num">', "<td>", re.sub(r">\s+<", "><", text))  # markup aside
        assert shown in flat, shown
