"""`clusterresearch roadmap` end to end: a user's own folder, the worked example, the stage
tables' invariants, byte-identical reruns and the sensitivity to the relay's retention."""

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.cli import main
from clusterresearch.roadmap.analysis import load_services, model, with_readiness
from clusterresearch.roadmap.measures import SENSITIVITY_GRID
from clusterresearch.roadmap.folder import load_network
from clusterresearch.roadmap.readiness import SurveyScope
from clusterresearch.roadmap.pipeline import STAGE_FILES
from clusterresearch.roadmap.scenarios import FLOW_TABLE_COLUMNS, Parameters

SUMMARY_FILES = ["summary.csv", "summary.md", "sensitivity.csv", "parameters.csv", "inputs.csv"]
FIGURE_FILES = [f"figures/{n}.{e}" for n in ("network", "retention_delay", "sensitivity", "ranked_links") for e in ("png", "svg")]


def write_user_network(folder: Path) -> Path:
    """A cluster a user wrote by hand: a pure relay, a direct channel, an isolated actor."""
    folder.mkdir(parents=True)
    (folder / "actors.csv").write_text(
        "actor_id,name,type\n"
        "cdc,Our cluster office,cdc\n"
        "ent1,Foundry,enterprise_medium\n"
        "ent2,Machine shop,enterprise_small\n"
        "uni,University,science_education\n"
        "fund,Innovation fund,nonprofit\n"
    )
    (folder / "links.csv").write_text(
        "source,target,kind,retention,delay_days\n"
        "ent1,cdc,communication,0.8,2\n"
        "cdc,ent2,communication,0.8,3\n"
        "uni,ent1,communication,0.99,1\n"
        "cdc,uni,communication,0.75,2\n"   # via uni: 0.99 * 0.75 * 0.8 = 0.594 < 0.64

    )
    (folder / "flows.csv").write_text(
        "source,target,kind,volume\n"
        "ent1,ent2,contractor_network,10\n"   # relay only: 0.8 * 0.8 = 0.64, 5 days
        "uni,ent1,communication,30\n"        # direct 0.99 beats the platform's 0.9604
        "fund,ent2,communication,5\n"        # fund has no channel: no route as-is
    )
    return folder


@pytest.fixture(scope="module")
def user_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("user")
    folder = write_user_network(base / "my_cluster")
    out = base / "out"
    assert main(["roadmap", "--network", str(folder), "--out", str(out)]) == 0
    return folder, out


def test_user_folder_writes_every_file(user_run, capsys):
    _, out = user_run
    expected = ([f"{s}/flows.csv" for s in ("as_is", "digital", "admissible")] + SUMMARY_FILES
                + list(STAGE_FILES) + FIGURE_FILES)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted(expected)


def test_user_folder_flows_are_the_hand_worked_numbers(user_run):
    _, out = user_run
    as_is = pd.read_csv(out / "as_is" / "flows.csv", keep_default_na=False)
    assert list(as_is.columns[:7]) == ["source", "target", "kind", "route", "hops", "retention", "delay_days"]
    assert list(as_is.columns) == list(FLOW_TABLE_COLUMNS)
    assert list(as_is["route"]) == ["ent1>cdc>ent2", "uni>ent1", ""]
    assert as_is["retention"].astype(float).tolist() == pytest.approx([0.64, 0.99, 0.0])
    assert as_is.loc[2, "hops"] == "" and as_is.loc[2, "delay_days"] == ""  # no route: reported, empty
    digital = pd.read_csv(out / "digital" / "flows.csv", keep_default_na=False)
    assert list(digital["route"]) == ["ent1>IT>ent2", "uni>ent1", "fund>IT>ent2"]
    assert digital["retention"].astype(float).tolist() == pytest.approx([0.9604, 0.99, 0.9604])
    summary = pd.read_csv(out / "summary.csv").set_index("scenario")
    total = 45.0
    assert summary.at["as_is", "retention"] == pytest.approx((10 * 0.64 + 30 * 0.99) / total, abs=1e-6)
    assert summary.at["as_is", "delay_days"] == pytest.approx((10 * 5 + 30 * 1) / 40, abs=1e-5)
    assert summary.at["as_is", "unrouted_flows"] == 1 and summary.at["digital", "unrouted_flows"] == 0
    assert summary.at["digital", "retention"] == pytest.approx((15 * 0.9604 + 30 * 0.99) / total, abs=1e-6)
    assert summary.at["as_is", "cdc_relayed_share"] == pytest.approx(10 / total, abs=1e-6)
    assert summary.at["digital", "cdc_relayed_share"] == 0


def test_user_folder_stage2_ranks_the_links_the_platform_improves(user_run):
    _, out = user_run
    links = pd.read_csv(out / "stage2_links.csv", keep_default_na=False)
    # fund>ent2 gains 5 * 0.9604 = 4.802 retained volume; ent1>ent2 gains 10 * (0.9604 - 0.64) = 3.204
    assert list(zip(links["rank"], links["source"], links["target"])) == [(1, "fund", "ent2"), (2, "ent1", "ent2")]
    assert links["retained_volume_gain"].astype(float).tolist() == pytest.approx([4.802, 3.204])
    assert float(links.loc[1, "volume_days_saved"]) == pytest.approx(10 * (5 - 1))


def test_user_folder_summary_md_names_no_absolute_path(user_run):
    folder, out = user_run
    text = (out / "summary.md").read_text()
    assert "Illustrative network" not in text  # a user's own folder is not the worked example
    assert str(folder.parent) not in text and "/tmp" not in text


def test_two_runs_are_byte_identical(tmp_path):
    folder = write_user_network(tmp_path / "net")
    outs = [tmp_path / "a", tmp_path / "b"]
    for out in outs:
        assert main(["roadmap", "--network", str(folder), "--out", str(out), "--platform-retention", "0.95"]) == 0
    files = sorted(p.relative_to(outs[0]) for p in outs[0].rglob("*") if p.is_file())
    assert files and files == sorted(p.relative_to(outs[1]) for p in outs[1].rglob("*") if p.is_file())
    for rel in files:
        assert (outs[0] / rel).read_bytes() == (outs[1] / rel).read_bytes(), rel


def test_a_failure_leaves_an_existing_output_folder_untouched(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("old")
    folder = write_user_network(tmp_path / "net")
    (folder / "flows.csv").write_text("source,target,kind,volume\nent1,ent2,contractor_network,-1\n")
    assert main(["roadmap", "--network", str(folder), "--out", str(out)]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


# ----- the worked example ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def worked():
    return with_readiness(model(load_network(config.ROADMAP_EXAMPLE_DIR), Parameters(), load_services()), None, 0)


def test_worked_example_as_is_against_digital(worked):
    s = worked.summary.set_index("scenario")
    assert worked.it_actor == "IT" and worked.it_actor_added
    assert s.at["as_is", "retention"] < s.at["admissible", "retention"] < s.at["digital", "retention"]
    assert s.at["as_is", "delay_days"] > s.at["admissible", "delay_days"] > s.at["digital", "delay_days"]
    assert s.at["digital", "retention"] == pytest.approx(0.98 ** 2)  # every flow crosses two platform channels
    assert s.at["as_is", "cdc_betweenness"] > s.at["digital", "cdc_betweenness"]
    assert (s["unrouted_flows"] == 0).all()


def test_sensitivity_is_monotone_in_the_relay_retention(worked):
    table = worked.sensitivity
    assert sorted(set(table["relay_retention"])) == list(SENSITIVITY_GRID)
    wide = table.pivot(index="relay_retention", columns="scenario", values="retention").sort_index()
    for scenario in ("as_is", "digital", "admissible"):
        assert (np.diff(wide[scenario].to_numpy()) >= -1e-9).all(), scenario
    assert (wide["digital"] >= wide["as_is"] - 1e-9).all()
    assert (wide["admissible"] >= wide["as_is"] - 1e-9).all()
    assert (wide["digital"] >= wide["admissible"] - 1e-9).all()
    assert wide.at[1.0, "as_is"] == pytest.approx(1.0)  # a lossless relay loses nothing
    assert wide["as_is"].iloc[0] < wide["as_is"].iloc[-1]  # and the relay's losses do matter


def test_stage2_is_ranked_by_retained_volume_gained(worked):
    links = worked.stage2_links
    assert list(links["rank"]) == list(range(1, len(links) + 1))
    gains = links["retained_volume_gain"].to_numpy()
    assert (np.diff(gains) <= 1e-9).all()
    changed = (worked.flows["as_is"]["route"] != worked.flows["digital"]["route"]).sum()
    assert len(links) == changed
    assert links["retained_volume_gain"].to_numpy() == pytest.approx(
        links["volume"].to_numpy() * (links["retention_digital"] - links["retention_as_is"]).to_numpy())


def test_stage3_restrictions_take_effect(worked):
    strategies = worked.stage3_strategies.set_index(["actor_id", "kind"])
    assert not strategies.at[("MIN", "data_storage"), "platform_admissible"]
    assert strategies.at[("MIN", "communication"), "platform_admissible"]
    assert not strategies.loc["S2", "platform_admissible"].any()  # restricted for all kinds
    assert "S4" in strategies.at[("L1", "data_storage"), "it_actor_services"]
    links = worked.stage3_links.set_index(["source", "target", "kind"])
    assert links.at[("MIN", "L1", "communication"), "status"] == "kept on existing channels"
    assert "link MIN-CDC" in links.at[("MIN", "L1", "communication"), "restricted_by"]
    assert links.at[("UNI", "L1", "communication"), "status"] == "digitalized"
    admissible = worked.flows["admissible"]
    # S2 has no platform channel: no route ends on a platform channel into S2
    assert not any(c and c[-1] == "platform" for c in admissible.loc[admissible["target"] == "S2", "channels"])


def test_stage5_is_a_valid_precedence_order(worked):
    steps = worked.stage5
    assert list(steps["step"]) == list(range(1, len(steps) + 1))
    for step, after in zip(steps["step"], steps["after"]):
        for before in filter(None, str(after).split(", ")):
            assert int(before) < step
    assert list(steps["stage"].iloc[:2]) == ["I", "II"]
    decisions = steps.dropna(subset=["retained_volume_after"])
    s = worked.summary.set_index("scenario")
    assert decisions["retained_volume_after"].iloc[-1] == pytest.approx(s.at["admissible", "retained_volume"])
    assert (np.diff(decisions["retained_volume_after"].to_numpy()) >= -1e-9).all()
    kept = decisions[decisions["action"] == "keep its existing channels"]
    assert set(kept["actor"]) == {"MIN", "S2"}


def test_stage4_readiness_attaches_to_the_cdc(worked):
    stats = pd.DataFrame({"area": ["communication", "online_marketing", "project_management", "budgeting"],
                          "n_respondents": 1, "index_mean": [4.0, 2.0, 3.0, 5.0]})
    survey = SurveyScope(stats, "cluster", "PL01", 1, "cluster PL01 of a hand-made survey (n = 1)")
    r = with_readiness(model(worked.network, Parameters()), survey, 0)
    assert r.readiness["readiness"].tolist() == [0.75, 0.25, 0.5, 1.0]
    info = r.stage4_information.set_index("actor_id")
    assert info.at["CDC", "readiness_online_marketing"] == 0.25
    assert math.isnan(info.at["L1", "readiness_online_marketing"])
    capacity = r.stage5[r.stage5["action"].str.startswith("build capacity")]
    assert len(capacity) == 1 and "online marketing" in capacity["action"].iloc[0]
    assert "brought to use" in capacity["reason"].iloc[0]  # the why of network.toml [readiness.why]
    platform = r.stage5[r.stage5["action"].str.startswith("open the platform")]
    assert str(capacity["step"].iloc[0]) in platform["after"].iloc[0].split(", ")
    # every decision knows the decisions that come before it
    steps = dict(zip(r.stage5["actor"], r.stage5["step"]))
    for actor, known in zip(info.index, info["knows_decisions_of"]):
        for other in filter(None, known.split(", ")):
            assert steps[other] < steps[actor]


def test_cli_on_the_worked_example_with_a_survey_cluster(tmp_path):
    out = tmp_path / "out"
    assert main(["roadmap", "--out", str(out), "--data", str(config.RESPONSES_PATH), "--cluster", "PL01",
                 "--relay-retention", "0.8"]) == 0
    readiness = pd.read_csv(out / "stage4_readiness.csv")
    assert set(readiness["scope"]) == {"cluster"} and set(readiness["n_respondents"]) == {1}
    assert list(readiness["area"]) == ["communication", "online_marketing", "project_management", "budgeting"]
    assert readiness["note"].str.contains("one person's self-assessment").all()
    assert ((readiness["readiness"] - (readiness["index_mean"] - 1) / 4).abs() < 1e-6).all()
    md = (out / "summary.md").read_text()
    assert "Illustrative network: Worked example" in md  # the words of worked_example/network.toml
    assert "Reconstructed data" in md and "one person's self-assessment" in md
    params = pd.read_csv(out / "parameters.csv").set_index("parameter")
    assert params.at["relay_retention", "value"] == "0.8"


def test_a_cluster_without_cdc_and_with_its_own_it_actor(tmp_path):
    folder = tmp_path / "net"
    folder.mkdir()
    (folder / "actors.csv").write_text("actor_id,name,type\nhub,Data centre,it_actor\na,A,enterprise_small\nb,B,enterprise_small\nc,C,nonprofit\n")
    (folder / "links.csv").write_text("source,target,kind,retention,delay_days\na,hub,data_storage,0.9,1\nhub,b,data_storage,0.9,1\na,c,communication,0.7,2\nc,b,communication,0.7,2\n")
    (folder / "flows.csv").write_text("source,target,kind,volume\na,b,data_storage,2\na,b,communication,3\n")
    r = with_readiness(model(load_network(folder), Parameters()), None, 0)
    assert r.it_actor == "hub" and not r.it_actor_added
    routes = {s: list(t["route"]) for s, t in r.flows.items()}
    assert routes["as_is"] == [("a", "hub", "b"), ("a", "c", "b")]  # a communication flow may not use data_storage channels
    assert routes["digital"] == [("a", "hub", "b"), ("a", "hub", "b")]  # the platform (0.98) beats its own channels (0.9)
    s = r.summary.set_index("scenario")
    assert math.isnan(s.at["as_is", "cdc_betweenness"]) and s.at["as_is", "cdc_relayed_share"] == 0
    assert (r.sensitivity.groupby("scenario")["retention"].nunique() == 1).all()  # no relay to vary
    assert r.stage5["step"].is_monotonic_increasing
