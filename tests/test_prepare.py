"""`clusterresearch prepare`: numbers checked by hand, exact columns, determinism, other countries."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import cli, config
from clusterresearch.loading import load_survey
from clusterresearch.loading.survey import read_grid
from clusterresearch.metrics.areas import area_stats
from clusterresearch.metrics.items import item_stats
from clusterresearch.outputs import sha256_file
from clusterresearch.prepare import run_prepare, summaries
from clusterresearch.scope import scopes

DATA = Path(__file__).parent / "data" / "survey"   # a study folder: study.toml, instrument.csv
REGISTRY = DATA / "clusters_de_fr.csv"
TINY = DATA / "tiny.csv"
DE_FR = DATA / "responses_de_fr.csv"
FILES = ["area_summary.csv", "essays_tidy.csv", "item_summary.csv", "manifest.json", "missing_summary.csv",
         "responses_wide.parquet"]
Z = 1.959963984540054  # the 97.5 % point of the standard normal


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out from its formula."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def prepared(tmp_path: Path, data: Path | None, *extra: str, study: Path = DATA) -> Path:
    out = tmp_path / "out"
    args = ["prepare", "--study", str(study), "--out", str(out), *extra]
    if data is not None:
        args += ["--data", str(data)]
    assert cli.main(args) == 0
    return out


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, keep_default_na=False, na_values=[""])


def load(data: Path, **kw):
    return load_survey(data, study=DATA, **kw)


def plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as plain values (text or NaN; value as float), whatever the column dtypes."""
    frame = frame.copy()
    for name in frame.columns:
        if name != "value":
            frame[name] = frame[name].astype(object).where(frame[name].notna(), np.nan)
    return frame


def assert_same_answers(parquet: Path, answers: pd.DataFrame) -> None:
    """The Parquet file holds the survey's tidy answers: same columns, rows, values; the
    columns stay categorical (dictionary-encoded) where they hold text."""
    back = pd.read_parquet(parquet)
    assert list(back.columns) == list(answers.columns)
    pd.testing.assert_frame_equal(plain(back), plain(answers))
    for name in ("respondent_id", "item_id"):
        assert isinstance(back[name].dtype, pd.CategoricalDtype) or back.empty


def assert_same_wide(parquet: Path, grid) -> None:
    """The wide Parquet file holds the grid: a row per respondent (id and groups as text), a
    column of positions per item (null = no answer), the missing codes' labels where given,
    and each item's scale in the schema's metadata."""
    import pyarrow.parquet as pq

    table = pq.read_table(parquet)
    about = json.loads(table.schema.metadata[b"clusterresearch"])
    back = table.to_pandas()
    people = list(grid.respondents.columns)
    pd.testing.assert_frame_equal(back[people].astype("str"), grid.respondents.astype("str"))
    ids = list(grid.items["item_id"])
    assert [item["item_id"] for item in about["items"]] == ids and about["respondent_columns"] == people
    np.testing.assert_array_equal(back[ids].to_numpy(dtype=float).reshape(grid.values.shape), grid.values)
    for j, item in enumerate(ids):
        labels = np.asarray(grid.labels + ("",), dtype=object)[grid.missing[:, j]]
        if f"{item}:missing" in back:
            assert back[f"{item}:missing"].astype(object).fillna("").tolist() == list(labels)
        else:
            assert not (grid.missing[:, j] >= 0).any()
    scales = grid.scales().set_index("item_id")
    for item in about["items"]:
        assert (item["k"], item["scale"], item["reverse"]) == (scales.loc[item["item_id"], "k"],
                                                               scales.loc[item["item_id"], "scale"],
                                                               bool(scales.loc[item["item_id"], "reverse"]))
        assert len(item["labels"]) == item["k"]


# ------------------------------------------------------------------------ numbers by hand

# tiny.csv: comm_internal_system = 5, 4, 4, 2, 3 and neg_conflicts = 1, 2, (none), 5, 4 for
# T1 (DE, DE-BER), T2 (DE, DE-BER), T3 (DE, DE-MUC), T4 (FR, FR-PAR), T5 (FR, FR-PAR).
HAND = [
    # scope, group, item, n, mean, n_agree, n_disagree
    ("all", "all", "comm_internal_system", 5, 18 / 5, 3, 1),
    ("all", "all", "neg_conflicts", 4, 12 / 4, 2, 2),
    ("country", "DE", "comm_internal_system", 3, 13 / 3, 3, 0),
    ("country", "DE", "neg_conflicts", 2, 3 / 2, 0, 2),
    ("country", "FR", "comm_internal_system", 2, 5 / 2, 0, 1),
    ("country", "FR", "neg_conflicts", 2, 9 / 2, 2, 0),
    ("cluster", "DE-BER", "comm_internal_system", 2, 9 / 2, 2, 0),
    ("cluster", "DE-BER", "neg_conflicts", 2, 3 / 2, 0, 2),
    ("cluster", "DE-MUC", "comm_internal_system", 1, 4.0, 1, 0),
    ("cluster", "DE-MUC", "neg_conflicts", 0, math.nan, 0, 0),
    ("cluster", "FR-PAR", "comm_internal_system", 2, 5 / 2, 0, 1),
    ("cluster", "FR-PAR", "neg_conflicts", 2, 9 / 2, 2, 0),
]


def test_item_summary_against_hand_computed_numbers(tmp_path):
    table = read(prepared(tmp_path, TINY), "item_summary.csv")
    assert list(table.columns[:9]) == ["scope", "group", "area", "type", "item_id", "scale", "k", "n", "n_missing"]
    assert {"mean", "share_agree", "ci_low", "ci_high", "n_disagree", "share_disagree"} <= set(table.columns)
    assert len(table) == len(HAND)
    for row, (scope, group, item, n, mean, agree, disagree) in zip(table.itertuples(index=False), HAND):
        assert (row.scope, row.group, row.item_id, row.n, row.n_agree, row.n_disagree) == (
            scope, group, item, n, agree, disagree)
        assert (row.scale, row.k, row.n_missing) == ("agree5", 5, 0)
        if n == 0:
            assert math.isnan(row.mean) and math.isnan(row.share_agree) and math.isnan(row.ci_low)
            continue
        low, high = wilson(agree, n)
        assert row.mean == pytest.approx(mean, rel=1e-6)
        assert row.share_agree == pytest.approx(agree / n, rel=1e-6)
        assert row.share_disagree == pytest.approx(disagree / n, rel=1e-6)
        assert (row.ci_low, row.ci_high) == (pytest.approx(low, rel=1e-5, abs=1e-9), pytest.approx(high, rel=1e-5))
    # one check spelled out: 3 of 5 agree -> 0.6, Wilson 95 % (0.2307, 0.8824)
    first = table.iloc[0]
    assert (round(first.ci_low, 4), round(first.ci_high, 4)) == (0.2307, 0.8824)
    # counts per position: 5, 4, 4, 2, 3 -> one 2, one 3, two 4, one 5
    assert [int(first[f"n_{p}"]) for p in range(1, 6)] == [0, 1, 1, 2, 1]


def test_area_summary_pools_likert_items_only(tmp_path):
    data = tmp_path / "two.csv"
    data.write_text(
        "respondent_id,country,cluster,comm_internal_system,comm_no_problems,communication_desired\n"
        "A,DE,C1,5,4,1\nB,DE,C1,2,,1\nC,DE,C2,,,5\n"
    )
    table = read(prepared(tmp_path, data), "area_summary.csv")
    assert list(table.columns[:8]) == ["scope", "group", "area", "n", "mean", "spread", "n_agree", "share_agree"]
    everyone = table[(table.scope == "all")].iloc[0]
    # pooled likert answers 5, 4, 2 (the desired answers 1, 1, 5 are not pooled); C answered none
    assert (everyone.area, everyone.n, everyone.n_respondents, everyone.n_agree) == ("communication", 3, 2, 2)
    assert everyone["mean"] == pytest.approx(11 / 3, rel=1e-6)
    assert (everyone.ci_low, everyone.ci_high) == tuple(pytest.approx(v, rel=1e-5) for v in wilson(2, 3))
    # area index per respondent: A (5+4)/2 = 4.5, B 2 -> mean 3.25
    assert everyone["index_mean"] == pytest.approx(3.25) and everyone["index_range"] == "1-5"
    c2 = table[(table.scope == "cluster") & (table.group == "C2")].iloc[0]
    assert (c2.n, c2.n_respondents) == (0, 0) and math.isnan(c2["mean"])


def test_missing_codes_are_counted_apart(tmp_path):
    """A study whose scale has a "Don't know" code: counted in missing_summary, never an answer."""
    study = tmp_path / "study"
    shutil.copytree(DATA, study, ignore=shutil.ignore_patterns("bad"))
    (study / "scales.csv").write_text(
        "scale,code,label,side\n" + "".join(
            f"agree5,{c},{label},{side}\n" for c, label, side in [
                (1, "Strongly disagree", "disagree"), (2, "Disagree", "disagree"), (3, "Neither", "neutral"),
                (4, "Agree", "agree"), (5, "Strongly agree", "agree"), (99, "Don't know", "missing")]))
    data = tmp_path / "dk.csv"
    data.write_text("respondent_id,country,cluster,neg_conflicts\nA,DE,C1,99\nB,DE,C1,4\nC,FR,C2,don't KNOW\n")
    out = prepared(tmp_path, data, study=study)
    missing = read(out, "missing_summary.csv")
    assert missing[missing.scope == "all"][["item_id", "missing", "count"]].values.tolist() == [
        ["neg_conflicts", "Don't know", 2]]
    assert missing[missing.scope == "country"][["group", "count"]].values.tolist() == [["DE", 1], ["FR", 1]]
    items = read(out, "item_summary.csv")
    everyone = items[items.scope == "all"].iloc[0]
    assert (everyone.n, everyone.n_missing, everyone.n_agree, everyone["mean"]) == (1, 2, 1, 4.0)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["missing_codes"] == 2 and manifest["counts"]["answers"] == 1
    assert "study/scales.csv" in manifest["inputs"]


# ------------------------------------------------------------------------ outputs

def test_outputs_and_manifest(tmp_path):
    out = prepared(tmp_path, DE_FR)
    assert sorted(p.name for p in out.iterdir()) == FILES
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["outputs"]) == set(FILES) - {"manifest.json"}
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest
    assert manifest["inputs"]["responses"] == {"file": "tests/data/survey/responses_de_fr.csv",
                                               "sha256": sha256_file(DE_FR)}
    assert manifest["inputs"]["study/instrument.csv"]["file"] == "tests/data/survey/instrument.csv"
    assert manifest["inputs"]["study/study.toml"]["sha256"] == sha256_file(DATA / "study.toml")
    assert "study/clusters_de_fr.csv" not in manifest["inputs"]  # no names file unless given
    assert manifest["study"] == "Fixture survey of cluster managers (test study)"
    assert manifest["counts"] == {"respondents": 6, "scaled_items": 6, "answers": 27, "missing_codes": 0,
                                  "essays": 2}
    text = (out / "manifest.json").read_text()
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def test_the_study_names_its_own_responses_file(tmp_path):
    """Without --data, prepare reads the file study.toml names (responses_de_fr.csv)."""
    manifest = json.loads((prepared(tmp_path, None) / "manifest.json").read_text())
    assert manifest["inputs"]["responses"]["file"] == "tests/data/survey/responses_de_fr.csv"
    assert manifest["counts"]["respondents"] == 6


def test_tidy_files_read_back_to_the_survey(tmp_path):
    out = prepared(tmp_path, DE_FR, "--long", "--long-csv")
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES + ["responses_tidy.parquet", "responses_tidy.csv"])
    survey = load(DE_FR)
    assert_same_answers(out / "responses_tidy.parquet", survey.answers)
    assert_same_wide(out / "responses_wide.parquet", survey.grid)
    tidy = pd.read_csv(out / "responses_tidy.csv", dtype="str", keep_default_na=False, na_values=[""])
    expected = plain(survey.answers)
    pd.testing.assert_frame_equal(plain(tidy).drop(columns="value"), expected.drop(columns="value"))
    np.testing.assert_array_equal(tidy["value"].astype(float).to_numpy(), survey.answers["value"].to_numpy())
    essays = pd.read_csv(out / "essays_tidy.csv", dtype="str", keep_default_na=False)
    pd.testing.assert_frame_equal(essays, survey.essays)  # text byte for byte, HTML and all


def test_same_input_gives_byte_identical_outputs(tmp_path):
    first = prepared(tmp_path / "a", DE_FR, "--registry", str(REGISTRY), "--long", "--long-csv")
    second = prepared(tmp_path / "b", DE_FR, "--registry", str(REGISTRY), "--long", "--long-csv")
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(FILES + ["responses_tidy.parquet", "responses_tidy.csv"])
    assert {n: (first / n).read_bytes() for n in names} == {n: (second / n).read_bytes() for n in names}


@pytest.mark.parametrize("with_registry", [False, True])
def test_other_countries_and_several_managers_per_cluster(tmp_path, with_registry):
    extra = ("--registry", str(REGISTRY)) if with_registry else ()
    out = prepared(tmp_path, DE_FR, *extra)
    items = read(out, "item_summary.csv")
    groups = {scope: sorted(set(items.loc[items.scope == scope, "group"])) for scope in ("all", "country", "cluster")}
    assert groups == {"all": ["all"], "country": ["DE", "FR"], "cluster": ["DE-BER", "DE-MUC", "FR-LYS", "FR-PAR"]}
    berlin = items[(items.group == "DE-BER") & (items.item_id == "comm_internal_system")].iloc[0]
    assert (berlin.n, berlin["mean"]) == (2, 4.5)
    assert set(items["type"]) == {"likert", "desired", "assessor"}  # scaled items only, no essays
    manifest = json.loads((out / "manifest.json").read_text())
    assert ("study/clusters_de_fr.csv" in manifest["inputs"]) == with_registry


def test_shipped_survey_with_defaults(tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["prepare", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == sorted(FILES)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["responses"]["file"] == "data/raw/responses.csv"
    # the shipped study's names file (study.toml: names = "clusters.csv") is an input
    assert manifest["inputs"]["study/clusters.csv"]["file"] == "data/raw/clusters.csv"
    assert manifest["counts"]["respondents"] == 12
    survey = load_survey()
    assert_same_wide(out / "responses_wide.parquet", survey.grid)


# ------------------------------------------------------------------------ summaries = metrics per scope

def assert_summaries_match_each_scope(grid):
    """prepare's item and area summaries (all scopes counted at once), row for row, equal
    the metric functions run on each scope's own grid (`Grid.select`), the way the
    notebooks compute them."""
    items, areas = summaries(grid)[:2]
    survey = grid.to_survey()
    found = scopes(survey)
    assert sorted(set(zip(items["scope"], items["group"]))) == sorted(
        (s.column or "all", s.group) for s in found)
    for table, stats in ((items, item_stats), (areas, area_stats)):
        for scope in found:
            mine = table[(table["scope"] == (scope.column or "all")) & (table["group"] == scope.group)]
            mine = mine.drop(columns=["scope", "group"]).reset_index(drop=True)
            expected = stats(survey.grid.select(scope), survey.items)
            if stats is item_stats:  # every scope lists every asked item, even with no answer
                assert len(expected) == len(survey.items)
            pd.testing.assert_frame_equal(mine, expected, check_dtype=False, obj=f"{stats.__name__} {scope.key}")


@pytest.mark.parametrize("data", [TINY, DE_FR])
def test_summaries_equal_the_metric_functions_per_scope(data):
    assert_summaries_match_each_scope(read_grid(data, study=DATA))


def test_summaries_equal_the_metric_functions_on_the_shipped_survey():
    assert_summaries_match_each_scope(read_grid(config.RESPONSES_PATH))


def test_summaries_on_random_surveys(tmp_path):
    rng = np.random.default_rng(11)
    items = ["comm_internal_system", "comm_no_problems", "communication_desired", "neg_conflicts", "pm_preparedness"]
    for trial in range(3):
        n = int(rng.integers(5, 60))
        country = rng.choice(["DE", "FR", "PL"], n)
        frame = pd.DataFrame({"respondent_id": [f"X{i}" for i in rng.permutation(n)], "country": country,
                              "cluster": [f"{c}{rng.integers(0, 4)}" for c in country]})
        for item in items:
            values = rng.integers(1, 6, n).astype(float)
            values[rng.random(n) < 0.3] = np.nan
            frame[item] = pd.array(values).astype("Int64")
        path = tmp_path / f"random{trial}.csv"
        frame.to_csv(path, index=False)
        assert_summaries_match_each_scope(read_grid(path, study=DATA))


def test_long_csv_reads_back_on_awkward_text(tmp_path):
    path = tmp_path / "awkward.csv"
    path.write_text(
        "respondent_id,country,cluster,comm_internal_system,neg_conflicts\n"
        '"a,b",PL,"Klaster ""Łódź""",4,\n'
        "é-long-identifier-123,LT,\"line\nbreak\",,5\n"
        "z,PL,'quote',1,2\n",
        encoding="utf-8",
    )
    survey = load(path)
    written = run_prepare(study=DATA, data=path, out=tmp_path / "out", long_csv=True)
    assert [p.name for p in written[:2]] == ["responses_wide.parquet", "responses_tidy.csv"]
    back = pd.read_csv(written[1], dtype="str", keep_default_na=False, na_values=[""])
    assert back["cluster"].tolist() == [c for c in survey.answers["cluster"].astype("str")]
    assert set(back["cluster"]) == {'Klaster "Łódź"', "line\nbreak", "'quote'"}
    assert set(back["respondent_id"]) == {"a,b", "é-long-identifier-123", "z"}
    assert back["value"].astype(float).tolist() == pytest.approx(survey.answers["value"].tolist(), nan_ok=True)
    assert_same_wide(written[0], survey.grid)


@pytest.mark.parametrize("body", [
    "respondent_id,country,cluster,comm_barriers_essay\nR1,PL,P1,hello\nR2,PL,P1,\n",  # essays only
    "respondent_id,country,cluster,communication_desired\nR1,PL,P1,4\nR2,LT,L1,\n",  # no likert item
])
def test_surveys_without_scaled_or_likert_items(tmp_path, body):
    data = tmp_path / "few.csv"
    data.write_text(body)
    out = prepared(tmp_path, data)
    assert list(read(out, "area_summary.csv").columns[:3]) == ["scope", "group", "area"]
    assert read(out, "area_summary.csv").empty
    survey = load(data)
    assert_same_wide(out / "responses_wide.parquet", survey.grid)
    assert len(read(out, "item_summary.csv")) == len(survey.answers["item_id"].unique()) * len(scopes(survey))
