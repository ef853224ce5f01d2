"""`clusterresearch init`: a drafted study folder from an SPSS file and a Qualtrics export.

Fixtures are written by tests/data/init/make_fixtures.py (made-up answers of 12 respondents).
The clear proposals must be right; every unsure one must be in the README's checklist and
marked in the files; `check --study` refuses the draft until a researcher answers it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import cli, config
from clusterresearch.draft import draft_problems
from clusterresearch.draft.words import is_missing, score

DATA = Path(__file__).parent / "data" / "init"
SAV = DATA / "survey.sav"
QUALTRICS = DATA / "qualtrics.csv"
BAD = DATA / "bad"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def init(capsys, tmp_path, source, name="study", *extra) -> Path:
    out = tmp_path / name
    code, _, err = run(capsys, "init", out, "--from", source, *extra)
    assert code == 0, err
    return out


def scale_rows(study: Path, scale: str) -> list[tuple[str, str, str]]:
    scales = pd.read_csv(study / "scales.csv", dtype=str, keep_default_na=False)
    part = scales[scales["scale"] == scale]
    return list(zip(part["code"], part["label"], part["side"]))


def instrument(study: Path) -> pd.DataFrame:
    return pd.read_csv(study / "instrument.csv", dtype=str, keep_default_na=False).set_index("column")


# --------------------------------------------------------------------------- SPSS


def test_spss_draft_clear_proposals(capsys, tmp_path):
    study = init(capsys, tmp_path, SAV)
    items = instrument(study)
    # question text from the variable labels, areas from the name prefix, one row per answer column
    assert list(items.index) == ["comm_1", "comm_2", "comm_3", "acc_1", "acc_2", "sat_1", "sat_2", "overall"]
    assert items.loc["comm_1", "text"] == "Internal communication in my cluster works well."
    assert items.loc["acc_2", "text"] == "I keep to the budget I set."
    assert list(items["area"]) == ["comm"] * 3 + ["acc"] * 2 + ["sat"] * 2 + ["unassigned"]
    assert set(items["type"]) == {"likert"}
    assert items.loc["comm_1", "scale"] == items.loc["overall", "scale"] != items.loc["acc_1", "scale"]
    # agree/disagree: 1 -> 5 from disagree to agree, 9 "Don't know" as missing (from words: a guess)
    agree = scale_rows(study, items.loc["comm_1", "scale"])
    assert [(c, s) for c, _, s in agree] == [("1", "disagree?"), ("2", "disagree?"), ("3", "neutral?"),
                                           ("4", "agree?"), ("5", "agree?"), ("9", "missing?")]
    assert agree[-1][1] == "Don't know"
    # 1 = "Very accurate": listed from the most negative, so 5 first and 1 last
    accuracy = scale_rows(study, items.loc["acc_1", "scale"])
    assert [c for c, _, _ in accuracy] == ["5", "4", "3", "2", "1"]
    assert accuracy[0][1:] == ("Very inaccurate", "disagree?") and accuracy[-1][1:] == ("Very accurate", "agree?")
    # numbers without labels: the observed range 1-7, every side a guess
    sat = scale_rows(study, items.loc["sat_1", "scale"])
    assert [c for c, _, _ in sat] == [str(c) for c in range(1, 8)]
    assert all(side.endswith("?") for _, _, side in sat)


def test_spss_study_toml_groups_id_and_copy(capsys, tmp_path):
    study = init(capsys, tmp_path, SAV)
    toml = tomllib.loads((study / "study.toml").read_text(encoding="utf-8"))
    assert toml["title"] == "Survey" and toml["respondents"] == "respondents"
    assert toml["responses"] == "survey.sav"
    assert (study / "survey.sav").read_bytes() == SAV.read_bytes()
    assert toml["id_column"] == "resp_id"
    assert toml["groups"] == [{"column": "country", "label": "Country", "kind": "country"},
                              {"column": "sector", "label": "Sector", "kind": "category"}]
    areas = pd.read_csv(study / "areas.csv", dtype=str, keep_default_na=False)
    assert list(areas.columns) == ["area", "title", "description"]
    assert list(areas["area"]) == ["comm", "acc", "sat", "unassigned"]


def test_spss_checklist_lists_every_uncertain_proposal(capsys, tmp_path):
    study = init(capsys, tmp_path, SAV)
    readme = (study / "README.md").read_text(encoding="utf-8")
    boxes = [line for line in readme.splitlines() if line.startswith("- [ ] ")]
    def box(*words):
        found = [b for b in boxes if all(w in b for w in words)]
        assert found, f"no checklist line with {words}:\n" + "\n".join(boxes)
    box("`resp_id`", "respondent id")                 # a column taken as id
    box("Personal data", "`email`")                   # a column left out as personal data
    box("`agree5`", "Don't know", "missing?")         # sides and missing inferred from words
    box("`accurate5_rev`", "Very accurate")
    box("`range_1_7`", "observed range", "`sat_1`")   # numeric columns without labels
    box("Unassigned", "`overall`")                    # unassigned areas
    box("`country`", "kind `country`")
    box("`sector`", "kind `category`")
    # personal values never reach a drafted file (the column name is listed, not its values)
    for name in ("study.toml", "instrument.csv", "scales.csv", "areas.csv", "README.md"):
        assert "@example.org" not in (study / name).read_text(encoding="utf-8")


def answer_checklist(study: Path) -> None:
    """What a researcher does with the checklist: give `overall` an area, confirm the sides."""
    items = pd.read_csv(study / "instrument.csv", dtype=str, keep_default_na=False)
    items.loc[items["area"] == "unassigned", "area"] = "general"
    items.to_csv(study / "instrument.csv", index=False)
    areas = pd.read_csv(study / "areas.csv", dtype=str, keep_default_na=False)
    areas.loc[areas["area"] == "unassigned", ["area", "title", "description"]] = ["general", "General", ""]
    areas.to_csv(study / "areas.csv", index=False)
    scales = pd.read_csv(study / "scales.csv", dtype=str, keep_default_na=False)
    assert not (scales["side"] == "?").any(), "a side init could not place: the test would have to choose"
    scales["side"] = scales["side"].str.rstrip("?")
    scales.to_csv(study / "scales.csv", index=False)


def test_check_refuses_unanswered_draft_then_accepts(capsys, tmp_path):
    study = init(capsys, tmp_path, SAV)
    code, out, err = run(capsys, "check", "--study", study)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: {study}: ")
    assert "'unassigned' for overall" in err
    assert "agree5" in err and "accurate5_rev" in err and "range_1_7" in err
    answer_checklist(study)
    assert draft_problems(study) == []


def test_draft_problems_name_what_is_left(capsys, tmp_path):
    study = init(capsys, tmp_path, SAV)
    answer_checklist(study)
    scales = pd.read_csv(study / "scales.csv", dtype=str, keep_default_na=False)
    scales.loc[scales["scale"] == "range_1_7", "side"] += "?"
    scales.to_csv(study / "scales.csv", index=False)
    assert draft_problems(study) == ["scales.csv column 'side': guesses ending in '?' in scale range_1_7"]
    assert draft_problems(DATA / "by_hand") == []


# --------------------------------------------------------------------------- refusals and bad files


def test_refuses_existing_folder(capsys, tmp_path):
    out = tmp_path / "existing"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    code, _, err = run(capsys, "init", out, "--from", SAV)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "already exists" in err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_refuses_data_raw(capsys):
    out = config.RAW_DIR / "drafted_study"
    code, _, err = run(capsys, "init", out, "--from", SAV)
    assert code == 2 and "data/raw" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


BAD_FILES = {
    "empty.csv": "row 1",
    "garbage.sav": "not a readable SPSS .sav file",
    "no_answers.csv": "nothing to draft",
    "notes.txt": "unknown file type",
    "broken_quote.csv": "row 3: a quote opened in this row is never closed",
    "missing.sav": "file not found",
    "only_personal.csv": "nothing to draft",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_files_one_line_nothing_written(capsys, tmp_path, name):
    out = tmp_path / "study"
    code, _, err = run(capsys, "init", out, "--from", BAD / name)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"error: {BAD / name}: ") and BAD_FILES[name] in err
    assert not out.exists() and list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- label words


@pytest.mark.parametrize("labels", [
    ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree", "Somewhat agree", "Strongly agree"],
    ["Very inaccurate", "Moderately inaccurate", "Neither accurate nor inaccurate", "Moderately accurate", "Very accurate"],
    ["Never", "Rarely", "Sometimes", "Often", "Always"],
    ["Never", "Sometimes", "About half the time", "Most of the time", "Always"],
    ["Poor", "Fair", "Good", "Very good", "Excellent"],
    ["Not at all important", "Slightly important", "Very important", "Extremely important"],
    ["Extremely dissatisfied", "Slightly dissatisfied", "Neither satisfied nor dissatisfied", "Moderately satisfied"],
])
def test_words_order_common_scales(labels):
    scores = [score(label) for label in labels]
    assert None not in scores
    assert scores == sorted(scores) and len(set(scores)) == len(scores) or labels[1:3] == ["Sometimes", "About half the time"]


def test_words_missing_and_unknown():
    for label in ("Don't know", "Don’t know", "Not applicable", "N/A", "Refused", "Prefer not to say"):
        assert is_missing(label) and score(label) is None
    for label in ("Manufacturing", "PL", "Blue"):
        assert not is_missing(label) and score(label) is None
    assert score("Neither agree nor disagree") == 0 and score("1 = Strongly agree") > score("Agree") > 0


# --------------------------------------------------------------------------- Qualtrics and other layouts


def test_qualtrics_choice_text_proposals(capsys, tmp_path):
    study = init(capsys, tmp_path, QUALTRICS)
    items = instrument(study)
    assert list(items.index) == ["Q1_1", "Q1_2", "Q1_3", "Q2_1", "Q2_2", "Q3_1", "Q3_2", "Q4"]
    # the matrix question's row text as item text, its question as the area's description
    assert items.loc["Q1_1", "text"] == "Internal communication in my cluster works well."
    assert items.loc["Q3_2", "text"] == "Training"
    assert list(items["area"]) == ["q1"] * 3 + ["q2"] * 2 + ["q3"] * 2 + ["unassigned"]
    areas = pd.read_csv(study / "areas.csv", dtype=str, keep_default_na=False).set_index("area")
    assert areas.loc["q1", "description"] == "How much do you agree with each statement?"
    # choice texts ordered from the most negative; "Don't know" kept apart as missing
    agree = scale_rows(study, items.loc["Q1_1", "scale"])
    assert [label for _, label, _ in agree] == ["Strongly disagree", "Somewhat disagree", "Neither agree nor disagree",
                                                "Somewhat agree", "Strongly agree", "Don't know"]
    assert [side for _, _, side in agree] == ["disagree?", "disagree?", "neutral?", "agree?", "agree?", "missing?"]
    assert items.loc["Q4", "scale"] == items.loc["Q1_1", "scale"]  # same choices: one scale
    accuracy = scale_rows(study, items.loc["Q2_1", "scale"])
    assert accuracy[0][1:] == ("Very inaccurate", "disagree?") and accuracy[-1][1:] == ("Very accurate", "agree?")
    satisfaction = scale_rows(study, items.loc["Q3_1", "scale"])
    assert [side.rstrip("?") for _, _, side in satisfaction] == ["disagree"] * 3 + ["neutral"] + ["agree"] * 3
    toml = tomllib.loads((study / "study.toml").read_text(encoding="utf-8"))
    assert toml["id_column"] == "ResponseId"
    assert toml["groups"] == [{"column": "country", "label": "Country", "kind": "country"}]


def test_qualtrics_personal_and_bookkeeping_listed_never_copied_into_drafted_files(capsys, tmp_path):
    study = init(capsys, tmp_path, QUALTRICS)
    readme = (study / "README.md").read_text(encoding="utf-8")
    personal = next(line for line in readme.splitlines() if "Personal data left out" in line)
    for name in ("IPAddress", "RecipientEmail", "RecipientFirstName", "RecipientLastName", "LocationLatitude"):
        assert f"`{name}`" in personal
    assert "`StartDate`" in readme and "`Progress`" in readme
    assert "1 response the platform marks as preview" in readme
    assert "`ResponseId` taken as the respondent id" in readme
    for name in ("study.toml", "instrument.csv", "scales.csv", "areas.csv", "README.md"):
        text = (study / name).read_text(encoding="utf-8")
        assert "@example.org" not in text and "192.0.2." not in text and "First1" not in text


def test_qualtrics_draft_refused_then_answered(capsys, tmp_path):
    study = init(capsys, tmp_path, QUALTRICS)
    code, _, err = run(capsys, "check", "--study", study)
    assert code == 2 and "'unassigned' for q4" in err and len(err.strip().splitlines()) == 1
    answer_checklist(study)
    assert draft_problems(study) == []


PLATFORMS = Path(__file__).parent / "data" / "platforms"


@pytest.mark.parametrize("name, columns, area", [
    ("limesurvey_codes.csv", ["Q1[SQ001]", "Q1[SQ002]", "Q1[SQ003]", "Q1[SQ004]"], "q1"),
    ("kobo_xml_values.csv", ["g_agree/info_sharing", "g_agree/trust", "g_agree/universities", "g_agree/conflicts"],
     "g_agree"),
])
def test_question_groups_give_areas(capsys, tmp_path, name, columns, area):
    if not (PLATFORMS / name).is_file():
        pytest.skip(f"{name}: platform fixtures not in this tree")
    study = init(capsys, tmp_path, PLATFORMS / name)
    items = instrument(study)
    assert list(items.index) == columns and set(items["area"]) == {area}
    readme = (study / "README.md").read_text(encoding="utf-8")
    assert "taken as items on their observed range" in readme  # codes without labels: a guess, listed


def test_labels_on_endpoints_only_fill_the_codes_between():
    from clusterresearch.draft.scales import from_labels

    scale = from_labels({1.0: "Strongly agree", 7.0: "Strongly disagree", 99.0: "Refused"}, seen={2.0, 5.0},
                        declared={99.0})
    assert [code for code, _, _ in scale.rows] == ["7", "6", "5", "4", "3", "2", "1", "99"]
    assert [side for _, _, side in scale.rows] == ["disagree?"] * 3 + ["neutral?"] + ["agree?"] * 3 + ["missing"]
    assert any("without a label" in d for d in scale.doubts)
    only_missing = from_labels({9.0: "Don't know"}, seen={1.0, 2.0, 4.0, 9.0}, declared=set())
    assert [code for code, _, _ in only_missing.rows] == ["1", "2", "3", "4", "9"]
    assert any("do not tell which end" in d for d in only_missing.doubts)


# --------------------------------------------------------------------------- drafted = written by hand


BY_HAND = DATA / "by_hand"
TITLES = {"comm": "Communication", "acc": "Accuracy", "sat": "Satisfaction", "general": "General"}


def test_drafted_and_answered_study_equals_the_hand_written_one(capsys, tmp_path):
    """init on the SPSS file, the checklist answered (areas titled as the researcher would),
    then the same prepare summaries, byte for byte, as by_hand/ (a wide CSV of the same
    answers with study files written by hand), and a site built by reproduce --study."""
    study = init(capsys, tmp_path, SAV)
    answer_checklist(study)
    areas = pd.read_csv(study / "areas.csv", dtype=str, keep_default_na=False)
    areas["title"] = areas["area"].map(TITLES)
    areas.to_csv(study / "areas.csv", index=False)
    code, out, err = run(capsys, "check", "--study", study)
    assert code == 0, err
    assert "12 respondents, 8 scaled items, 4 areas; the study is valid" in out
    for name, folder in (("drafted", study), ("by_hand", BY_HAND)):
        code, _, err = run(capsys, "prepare", "--study", folder, "--out", tmp_path / f"prepared_{name}")
        assert code == 0, err
    for summary in ("item_summary.csv", "area_summary.csv", "missing_summary.csv"):
        drafted = (tmp_path / "prepared_drafted" / summary).read_bytes()
        assert drafted == (tmp_path / "prepared_by_hand" / summary).read_bytes(), summary
    items = pd.read_csv(tmp_path / "prepared_drafted" / "item_summary.csv")
    acc_1 = items[(items["scope"] == "all") & (items["item_id"] == "acc_1")].iloc[0]
    assert (acc_1["n_5"], acc_1["n_1"]) == (4, 1)  # 1 = "Very accurate" is position 5: read the right way round
    comm_2 = items[(items["scope"] == "all") & (items["item_id"] == "comm_2")].iloc[0]
    assert (comm_2["n"], comm_2["n_missing"]) == (11, 1)  # 9 = "Don't know" kept apart
    site = tmp_path / "site"
    code, _, err = run(capsys, "reproduce", "--study", study, "--out", site, "--only", "competencies",
                       "--group", "country=LT", "--jobs", "1", "--no-progress")
    assert code == 0, err
    index = pd.read_csv(site / "index.csv")
    assert list(index["status"]) == ["done"] * len(index) and len(index) >= 1
    html = (site / index["html"].iloc[0]).read_text(encoding="utf-8")
    assert "Communication" in html and "@example.org" not in html


def test_unlabelled_numbers_each_question_on_its_own_observed_range(capsys, tmp_path):
    study = init(capsys, tmp_path, DATA / "by_hand" / "responses.csv")
    items = instrument(study)
    assert items.loc["sat_1", "scale"] == items.loc["sat_2", "scale"] == "range_1_7"  # one question: Q's range
    assert items.loc["acc_1", "scale"] == "range_1_5"   # not widened to comm's 1-9 (9 is "Don't know" there)
    assert items.loc["comm_1", "scale"] == "range_1_9"
    readme = (study / "README.md").read_text(encoding="utf-8")
    assert "`range_1_9`" in readme and "taken as items on their observed range" in readme


def test_toml_strings_survive_any_column_name():
    from clusterresearch.draft.study import _toml

    for text in ['Q1 "quoted"', "back\\slash", "tab\there", "line\nbreak", "del\x7f", "Łódź — région", "a'b"]:
        assert tomllib.loads(f"x = {_toml(text)}")["x"] == text


def test_drafted_qualtrics_study_gives_the_same_numbers(capsys, tmp_path):
    """The Qualtrics export of the same answers (choice texts, its own item ids and scale
    names, one preview response, personal columns), drafted and answered: every count,
    share and interval of item_summary equals the hand-written study's, item for item."""
    study = init(capsys, tmp_path, QUALTRICS)
    answer_checklist(study)
    for name, folder in (("drafted", study), ("by_hand", BY_HAND)):
        code, _, err = run(capsys, "prepare", "--study", folder, "--out", tmp_path / name)
        assert code == 0, err
    columns = dict(zip(instrument(study)["item_id"], ["comm_1", "comm_2", "comm_3", "acc_1", "acc_2", "sat_1", "sat_2",
                                                      "overall"]))
    drafted = pd.read_csv(tmp_path / "drafted" / "item_summary.csv", dtype=str)
    by_hand = pd.read_csv(tmp_path / "by_hand" / "item_summary.csv", dtype=str)
    by_hand = by_hand[by_hand["scope"].isin(set(drafted["scope"]))]
    drafted["item_id"] = drafted["item_id"].map(columns)
    numbers = ["scope", "group", "item_id"] + list(drafted.columns[drafted.columns.get_loc("k"):])
    key = ["scope", "group", "item_id"]
    pd.testing.assert_frame_equal(drafted[numbers].sort_values(key).reset_index(drop=True),
                                  by_hand[numbers].sort_values(key).reset_index(drop=True))
    assert set(drafted["scope"]) >= {"all", "country"}
    for written in (tmp_path / "drafted").rglob("*"):
        if written.is_file() and written.suffix in (".csv", ".json"):
            text = written.read_text(encoding="utf-8")
            assert "@example.org" not in text and "192.0.2." not in text


def test_design_columns_are_offered_commented_out_and_listed(capsys, tmp_path):
    """A weight, strata and PSU column (GSS/NHANES names) are neither answers nor groups: the
    draft offers their study.toml keys commented out and lists them; without one, nothing."""
    rows = ["respondent_id,wtssall,vstrat,sdmvpsu,q1"]
    rows += [f"R{i},{0.5 + i / 7:.4f},{1 + i % 40},{1 + i % 2},{1 + i % 5}" for i in range(120)]
    source = tmp_path / "gss.csv"
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    study = init(capsys, tmp_path, source)
    toml_text = (study / "study.toml").read_text(encoding="utf-8")
    assert '# weight = "wtssall"' in toml_text and '# strata = "vstrat"' in toml_text
    assert '# psu = "sdmvpsu"' in toml_text
    assert "weight" not in tomllib.loads(toml_text)  # offered, never applied
    readme = (study / "README.md").read_text(encoding="utf-8")
    assert "Sample design: `wtssall` named like a weight" in readme
    plain = init(capsys, tmp_path / "plain", DATA / "by_hand" / "responses.csv")
    assert "sample design" not in (plain / "study.toml").read_text(encoding="utf-8").lower()
