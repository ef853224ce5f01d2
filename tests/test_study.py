"""Study folders: the contract of issue 8 read, validated and analysed on surveys unlike
the shipped one (tests/data/studies/: a 1-7 scale with "Don't know", a 4-point scale coded
from agree to disagree with labels as answers and a reversed item)."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import cli, config
from clusterresearch.loading import load_study, load_survey
from clusterresearch.metrics import area_stats, item_stats
from clusterresearch.metrics.items import missing_counts

from conftest import grid_of

STUDIES = Path(__file__).parent / "data" / "studies"
BAD = STUDIES / "bad"
AGREE7, LABELS4 = STUDIES / "agree7_dk", STUDIES / "labels4_reversed"

EXPECTED = {
    "toml_malformed": ("study.toml", "line 1"),
    "toml_no_respondents": ("study.toml", "key 'respondents'"),
    "toml_group_kind": ("study.toml", "key 'kind'"),
    "toml_compare_unknown": ("study.toml", "key 'compare'"),
    "toml_responses_missing": ("answers.csv", "file not found"),
    "toml_unknown_key": ("study.toml", "key 'wieght': unknown key: did you mean 'weight'?"),
    "toml_group_unknown_key": ("study.toml", "[[groups]] 1, key 'lable': unknown key: did you mean 'label'?"),
    "toml_group_missing_not_list": ("study.toml", "[[groups]] 1, key 'missing'"),
    "toml_group_ordered_not_bool": ("study.toml", "[[groups]] 1, key 'ordered'"),
    "toml_weight_not_text": ("study.toml", "key 'weight'"),
    "toml_weight_is_group": ("study.toml", "key 'weight'"),
    "toml_kinds_unknown": ("study.toml", "[kinds], key 'likret': unknown key: did you mean 'likert'?"),
    "weight_not_positive": ("responses.csv", "row 3, column 'w'"),
    "weight_not_a_number": ("responses.csv", "row 4, column 'w'"),
    "weight_decimal_comma": ("responses.csv", "row 2, column 'w': '1,5' is not a positive number (weight of study.toml); "
                                              "write decimals with a point"),
    "weight_column_absent": ("responses.csv", "row 1, column 'w'"),
    "strata_empty": ("responses.csv", "row 3, column 's'"),
    "weight_first_bad_row": ("responses.csv", "row 2, column 'w'"),
    "psu_first_empty_row": ("responses.csv", "row 2, column 'p'"),
    "group_column_absent": ("responses.csv", "row 1, column 'unit'"),
    "scale_unknown": ("instrument.csv", "row 3, column 'scale'"),
    "scale_one_answer": ("scales.csv", "row 2, column 'scale'"),
    "scale_side_invalid": ("scales.csv", "row 3, column 'side'"),
    "scale_side_order": ("scales.csv", "row 3, column 'side'"),
    "scale_duplicate_code": ("scales.csv", "row 4, column 'code'"),
    "instrument_duplicate_item": ("instrument.csv", "row 3, column 'item_id'"),
    "instrument_reverse_word": ("instrument.csv", "row 3, column 'reverse'"),
    "areas_area_without_item": ("areas.csv", "row 4, column 'area'"),
    "areas_area_not_listed": ("instrument.csv", "row 4, column 'area'"),
    "answer_label_unknown": ("responses.csv", "row 3, column 'q2'"),
    "answer_code_outside": ("responses.csv", "row 2, column 'q1'"),
    "answer_not_whole": ("responses.csv", "row 3, column 'q1'"),
    "country_not_iso": ("units.csv", "row 3, column 'country'"),
    "country_not_iso_in_responses": ("responses.csv", "row 4, column 'country'"),
    "names_unknown_group": ("responses.csv", "row 4, column 'unit'"),
    "names_other_country": ("responses.csv", "row 4, column 'country'"),
    "id_column_missing": ("responses.csv", "row 1, column 'respondent_id'"),
}


def test_every_bad_case_has_an_expectation():
    cases = {p.name for p in BAD.iterdir() if p.is_dir() and not p.name.startswith("_")}
    assert cases == set(EXPECTED)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_study_gives_one_line_exit_2_and_writes_nothing(case, capsys, tmp_path):
    out = tmp_path / "out"
    code = cli.main(["prepare", "--study", str(BAD / case), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    file, place = EXPECTED[case]
    assert f"{case}/{file}" in lines[0] and place in lines[0], lines[0]
    assert not out.exists()


def test_the_good_base_of_the_corpus_is_valid(capsys):
    assert cli.main(["check", "--study", str(BAD / "_base")]) == 0


def test_shipped_study_is_described_by_its_files():
    study = load_study()
    assert study.shipped and study.respondents == "managers"
    assert [g.column for g in study.groups] == ["country", "cluster"] and study.compare == "country"
    assert "reconstruct" in study.notice.lower() and study.caution
    assert len(study.areas) == 8 and study.statements == config.STATEMENTS_PATH
    assert not load_study(AGREE7).shipped


def test_labels_and_codes_map_to_positions_case_and_space_insensitively():
    survey = load_survey(study=LABELS4)
    raw = pd.read_csv(LABELS4 / "answers.csv", dtype=str)
    normal = raw["Q3"].str.split().str.join(" ").str.lower()
    position = normal.map({"strongly disagree": 1, "disagree": 2, "agree": 3, "strongly agree": 4})
    got = survey.answers[survey.answers["item_id"] == "clim_blame"].set_index("respondent_id")["value"]
    assert got.loc[raw["person"]].to_numpy().tolist() == position.astype(float).tolist()


def test_missing_codes_are_counted_apart_and_never_averaged():
    survey = load_survey(study=AGREE7)
    raw = pd.read_csv(AGREE7 / "responses.csv", dtype=str)
    stats = item_stats(survey.grid, survey.items).set_index("item_id")
    missing = missing_counts(survey.grid).set_index("item_id")
    for item in ("inn_rnd", "coop_trust"):
        cells = raw[item]
        answered = cells.notna() & (cells != "99")
        assert stats.loc[item, "n"] == answered.sum()
        assert stats.loc[item, "n_missing"] == (cells == "99").sum() == missing.loc[item, "count"]
        assert stats.loc[item, "mean"] == pytest.approx(cells[answered].astype(float).mean())
        agree = cells[answered].astype(int).isin([5, 6, 7]).sum()
        assert stats.loc[item, "n_agree"] == agree
        assert stats.loc[item, "share_agree"] == pytest.approx(agree / answered.sum())
        assert stats.loc[item, "k"] == 7


def test_reverse_keyed_items_are_reversed_only_in_the_area_index():
    survey = load_survey(study=LABELS4)
    answers = survey.answers
    raw_blame = answers[answers["item_id"] == "clim_blame"]["value"]
    stats = item_stats(survey.grid, survey.items).set_index("item_id")
    assert stats.loc["clim_blame", "mean"] == pytest.approx(raw_blame.mean())   # as worded
    climate = answers[(answers["area"] == "climate")].copy()
    climate.loc[climate["item_id"] == "clim_blame", "value"] = 5 - climate["value"]
    by_hand = climate.groupby("respondent_id", observed=True)["value"].mean().mean()
    table = area_stats(survey.grid, survey.items).set_index("area")
    assert table.loc["climate", "index_mean"] == pytest.approx(by_hand)
    assert table.loc["climate", "index_range"] == "1-4"


def test_areas_mixing_scale_lengths_go_on_a_0_100_range():
    answers = pd.DataFrame({"respondent_id": ["a", "a", "b", "b"], "item_id": ["x", "y", "x", "y"],
                            "area": "mix", "type": "likert", "value": [4.0, 7.0, 1.0, 1.0]})
    items = pd.DataFrame({"item_id": ["x", "y"], "scale": ["s4", "s7"], "k": [4, 7], "disagree_max": [2, 3],
                          "agree_min": [3, 5], "reverse": [False, False]})
    table = area_stats(grid_of(answers), items).set_index("area")
    assert table.loc["mix", "index_range"] == "0-100"
    assert table.loc["mix", "index_mean"] == pytest.approx(50.0)   # a: (100 + 100) / 2, b: 0


@pytest.mark.parametrize("study", [AGREE7, LABELS4])
def test_prepare_and_check_run_on_other_studies(study, tmp_path, capsys):
    assert cli.main(["check", "--study", str(study)]) == 0
    assert "no statements" in capsys.readouterr().out
    assert cli.main(["prepare", "--study", str(study), "--out", str(tmp_path)]) == 0
    items = pd.read_csv(tmp_path / "item_summary.csv")
    survey = load_survey(study=study)
    assert set(items["scope"]) == {"all", *survey.groups}
    mine = items[items["scope"] == "all"].set_index("item_id")
    direct = item_stats(survey.grid, survey.items).set_index("item_id")
    assert (mine["n_agree"] == direct.loc[mine.index, "n_agree"]).all()
    wide = pd.read_parquet(tmp_path / "responses_wide.parquet")[list(survey.grid.items["item_id"])]
    assert (wide.to_numpy(dtype=float) == survey.grid.values).sum() == np.isfinite(survey.grid.values).sum()


def test_group_kind_country_is_checked_and_categories_are_free_text():
    survey = load_survey(study=AGREE7)
    assert set(survey.answers["sector"].astype(str)) == {"food", "metal", "software"}
    assert set(survey.answers["country"].astype(str)) == {"AT", "DE"}


def test_no_intercom_word_in_the_test_studies_files():
    for folder in (AGREE7, LABELS4):
        text = " ".join(p.read_text(encoding="utf-8") for p in folder.iterdir() if p.suffix in (".csv", ".toml"))
        assert not re.search(r"\b(InterCom|Poland|Lithuania|manager)\b", text)
