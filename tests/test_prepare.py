"""`clusterresearch prepare`: numbers checked by hand, exact columns, determinism, other countries."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import cli, config
from clusterresearch.loading import load_survey
from clusterresearch.loading.survey import read_grid
from clusterresearch.outputs import sha256_file
from clusterresearch.prepare import (
    area_summary,
    item_summary,
    render_tidy_csv,
    run_prepare,
    summaries_from_metrics,
)

DATA = Path(__file__).parent / "data" / "survey"
INSTRUMENT = DATA / "instrument.csv"
REGISTRY = DATA / "clusters_de_fr.csv"
TINY = DATA / "tiny.csv"
DE_FR = DATA / "responses_de_fr.csv"
FILES = ["area_summary.csv", "essays_tidy.csv", "item_summary.csv", "manifest.json", "responses_tidy.csv"]
Z = 1.959963984540054  # the 97.5 % point of the standard normal


@pytest.fixture
def fixture_instrument(monkeypatch):
    monkeypatch.setattr(config, "INSTRUMENT_PATH", INSTRUMENT)


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson's score interval written out from its formula."""
    p = k / n
    centre = (p + Z * Z / (2 * n)) / (1 + Z * Z / n)
    half = Z / (1 + Z * Z / n) * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n))
    return centre - half, centre + half


def prepared(tmp_path: Path, data: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    assert cli.main(["prepare", "--data", str(data), "--out", str(out), *extra]) == 0
    return out


def read(out: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(out / name, keep_default_na=False, na_values=[""])


# ------------------------------------------------------------------------ numbers by hand

# tiny.csv: comm_internal_system = 5, 4, 4, 2, 3 and neg_conflicts = 1, 2, (none), 5, 4 for
# T1 (DE, DE-BER), T2 (DE, DE-BER), T3 (DE, DE-MUC), T4 (FR, FR-PAR), T5 (FR, FR-PAR).
HAND = [
    # scope, group, item, n, mean, n_agree
    ("all", "all", "comm_internal_system", 5, 18 / 5, 3),
    ("all", "all", "neg_conflicts", 4, 12 / 4, 2),
    ("country", "DE", "comm_internal_system", 3, 13 / 3, 3),
    ("country", "DE", "neg_conflicts", 2, 3 / 2, 0),
    ("country", "FR", "comm_internal_system", 2, 5 / 2, 0),
    ("country", "FR", "neg_conflicts", 2, 9 / 2, 2),
    ("cluster", "DE-BER", "comm_internal_system", 2, 9 / 2, 2),
    ("cluster", "DE-BER", "neg_conflicts", 2, 3 / 2, 0),
    ("cluster", "DE-MUC", "comm_internal_system", 1, 4.0, 1),
    ("cluster", "DE-MUC", "neg_conflicts", 0, math.nan, 0),
    ("cluster", "FR-PAR", "comm_internal_system", 2, 5 / 2, 0),
    ("cluster", "FR-PAR", "neg_conflicts", 2, 9 / 2, 2),
]


def test_item_summary_against_hand_computed_numbers(tmp_path, fixture_instrument):
    table = read(prepared(tmp_path, TINY), "item_summary.csv")
    assert list(table.columns[:9]) == ["scope", "group", "area", "item_id", "n", "mean", "share_agree", "ci_low", "ci_high"]
    assert len(table) == len(HAND)
    for row, (scope, group, item, n, mean, agree) in zip(table.itertuples(index=False), HAND):
        assert (row.scope, row.group, row.item_id, row.n, row.n_agree) == (scope, group, item, n, agree)
        if n == 0:
            assert math.isnan(row.mean) and math.isnan(row.share_agree) and math.isnan(row.ci_low)
            continue
        low, high = wilson(agree, n)
        assert row.mean == pytest.approx(mean, rel=1e-6)
        assert row.share_agree == pytest.approx(agree / n, rel=1e-6)
        assert (row.ci_low, row.ci_high) == (pytest.approx(low, rel=1e-5, abs=1e-9), pytest.approx(high, rel=1e-5))
    # one check spelled out: 3 of 5 agree -> 0.6, Wilson 95 % (0.2307, 0.8824)
    first = table.iloc[0]
    assert (round(first.ci_low, 4), round(first.ci_high, 4)) == (0.2307, 0.8824)


def test_area_summary_pools_likert_items_only(tmp_path, fixture_instrument):
    data = tmp_path / "two.csv"
    data.write_text(
        "respondent_id,country,cluster,comm_internal_system,comm_no_problems,communication_desired\n"
        "A,DE,C1,5,4,1\nB,DE,C1,2,,1\nC,DE,C2,,,5\n"
    )
    table = read(prepared(tmp_path, data), "area_summary.csv")
    assert list(table.columns[:8]) == ["scope", "group", "area", "n", "mean", "share_agree", "ci_low", "ci_high"]
    everyone = table[(table.scope == "all")].iloc[0]
    # pooled likert answers 5, 4, 2 (the desired answers 1, 1, 5 are not pooled); C answered none
    assert (everyone.area, everyone.n, everyone.n_respondents, everyone.n_agree) == ("communication", 3, 2, 2)
    assert everyone["mean"] == pytest.approx(11 / 3, rel=1e-6)
    assert (everyone.ci_low, everyone.ci_high) == tuple(pytest.approx(v, rel=1e-5) for v in wilson(2, 3))
    c2 = table[(table.scope == "cluster") & (table.group == "C2")].iloc[0]
    assert (c2.n, c2.n_respondents) == (0, 0) and math.isnan(c2["mean"])


# ------------------------------------------------------------------------ outputs

def test_outputs_and_manifest(tmp_path, fixture_instrument):
    out = prepared(tmp_path, DE_FR)
    assert sorted(p.name for p in out.iterdir()) == FILES
    manifest = json.loads((out / "manifest.json").read_text())
    assert set(manifest["outputs"]) == set(FILES) - {"manifest.json"}
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest
    assert manifest["inputs"]["responses"] == {"file": "tests/data/survey/responses_de_fr.csv",
                                               "sha256": sha256_file(DE_FR)}
    assert manifest["inputs"]["instrument"]["file"] == "tests/data/survey/instrument.csv"
    assert "registry" not in manifest["inputs"]
    assert manifest["counts"] == {"respondents": 6, "scaled_items": 6, "answers": 27, "essays": 2}
    text = (out / "manifest.json").read_text()
    assert text == json.dumps(manifest, indent=2, sort_keys=True) + "\n"


def test_tidy_files_read_back_to_the_survey(tmp_path, fixture_instrument):
    out = prepared(tmp_path, DE_FR)
    survey = load_survey(DE_FR)
    tidy = pd.read_csv(out / "responses_tidy.csv", dtype={c: "str" for c in survey.answers.columns[:-1]},
                       keep_default_na=False, na_values={"value": [""]})
    pd.testing.assert_frame_equal(tidy, survey.answers)
    essays = pd.read_csv(out / "essays_tidy.csv", dtype="str", keep_default_na=False)
    pd.testing.assert_frame_equal(essays, survey.essays)  # text byte for byte, HTML and all


def test_same_input_gives_byte_identical_outputs(tmp_path, fixture_instrument):
    first = prepared(tmp_path / "a", DE_FR, "--registry", str(REGISTRY))
    second = prepared(tmp_path / "b", DE_FR, "--registry", str(REGISTRY))
    assert {n: (first / n).read_bytes() for n in FILES} == {n: (second / n).read_bytes() for n in FILES}


@pytest.mark.parametrize("with_registry", [False, True])
def test_other_countries_and_several_managers_per_cluster(tmp_path, fixture_instrument, with_registry):
    extra = ("--registry", str(REGISTRY)) if with_registry else ()
    out = prepared(tmp_path, DE_FR, *extra)
    items = read(out, "item_summary.csv")
    groups = {scope: sorted(set(items.loc[items.scope == scope, "group"])) for scope in ("all", "country", "cluster")}
    assert groups == {"all": ["all"], "country": ["DE", "FR"], "cluster": ["DE-BER", "DE-MUC", "FR-LYS", "FR-PAR"]}
    berlin = items[(items.group == "DE-BER") & (items.item_id == "comm_internal_system")].iloc[0]
    assert (berlin.n, berlin["mean"]) == (2, 4.5)
    assert set(items["type"]) == {"likert", "desired", "assessor"}  # scaled items only, no essays
    manifest = json.loads((out / "manifest.json").read_text())
    assert ("registry" in manifest["inputs"]) == with_registry


def test_shipped_survey_with_defaults(tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["prepare", "--out", str(out)]) == 0
    printed = capsys.readouterr().out.split()
    assert sorted(Path(p).name for p in printed) == sorted(FILES)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["inputs"]["responses"]["file"] == "data/raw/responses.csv"
    assert manifest["inputs"]["registry"]["file"] == "data/raw/clusters.csv"  # shipped data -> shipped registry


# ------------------------------------------------------------------------ fast paths = reference

@pytest.mark.parametrize("data", [TINY, DE_FR])
def test_fast_summaries_equal_the_metric_functions(data, fixture_instrument):
    grid = read_grid(data)
    items, areas = summaries_from_metrics(grid.answers())
    pd.testing.assert_frame_equal(item_summary(grid), items)
    pd.testing.assert_frame_equal(area_summary(grid), areas)


def test_fast_summaries_equal_the_metric_functions_on_the_shipped_survey():
    grid = read_grid(config.RESPONSES_PATH)
    items, areas = summaries_from_metrics(grid.answers())
    pd.testing.assert_frame_equal(item_summary(grid), items)
    pd.testing.assert_frame_equal(area_summary(grid), areas)


def test_fast_summaries_on_random_surveys(tmp_path, fixture_instrument):
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
        grid = read_grid(path)
        ref_items, ref_areas = summaries_from_metrics(grid.answers())
        pd.testing.assert_frame_equal(item_summary(grid), ref_items)
        pd.testing.assert_frame_equal(area_summary(grid), ref_areas)


def test_tidy_csv_renderer_matches_to_csv_on_awkward_text(tmp_path, fixture_instrument):
    path = tmp_path / "awkward.csv"
    path.write_text(
        "respondent_id,country,cluster,comm_internal_system,neg_conflicts\n"
        '"a,b",PL,"Klaster ""Łódź""",4,\n'
        "é-long-identifier-123,LT,\"line\nbreak\",,5\n"
        "z,PL,'quote',1,2\n",
        encoding="utf-8",
    )
    grid = read_grid(path)
    expected = grid.answers().to_csv(index=False, float_format="%.6g", lineterminator="\n")
    assert render_tidy_csv(grid) == expected
    assert render_tidy_csv(grid, chunk=1) == expected
    written = run_prepare(data=path, out=tmp_path / "out")
    assert written[0].read_text(encoding="utf-8") == expected


def test_tidy_csv_renderer_matches_to_csv_on_the_shipped_survey():
    grid = read_grid(config.RESPONSES_PATH)
    assert render_tidy_csv(grid) == grid.answers().to_csv(index=False, float_format="%.6g", lineterminator="\n")
    assert pd.read_csv(io.StringIO(render_tidy_csv(grid))).shape == (len(grid.answers()), 7)


@pytest.mark.parametrize("body", [
    "respondent_id,country,cluster,comm_barriers_essay\nR1,PL,P1,hello\nR2,PL,P1,\n",  # essays only
    "respondent_id,country,cluster,communication_desired\nR1,PL,P1,4\nR2,LT,L1,\n",  # no likert item
])
def test_surveys_without_scaled_or_likert_items(tmp_path, fixture_instrument, body):
    data = tmp_path / "few.csv"
    data.write_text(body)
    out = prepared(tmp_path, data)
    assert list(read(out, "area_summary.csv").columns[:3]) == ["scope", "group", "area"]
    assert read(out, "area_summary.csv").empty
    grid = read_grid(data)
    assert (out / "responses_tidy.csv").read_text() == grid.answers().to_csv(
        index=False, float_format="%.6g", lineterminator="\n")
