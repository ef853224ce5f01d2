"""Survey platform exports (issue 9): every layout of the same answers gives the same kept
cells; personal columns are dropped by name; preview, test and incomplete responses are left
out and counted; bad exports give one line naming file, row and column.

The fixtures (tests/data/platforms/, README.md there) hold one survey of 8 responses: 6
complete, one preview (Qualtrics only: the other platforms do not export previews) and one
incomplete or rejected; respondent 1 carries a planted e-mail and IP address.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch.errors import InputError
from clusterresearch.loading.formats import read_table
from clusterresearch.loading.platforms import FORMATS, Export, read_export

DATA = Path(__file__).parent / "data" / "platforms"
BAD = DATA / "bad"
PLANTED = ("planted.7f3c@example.org", "203.0.113.77")
LABELS = {"strongly disagree": "1", "disagree": "2", "neither agree nor disagree": "3", "agree": "4",
          "strongly agree": "5"}
Q = "How far do you agree with each statement about your cluster?"
STATEMENTS = ["Our cluster shares information regularly", "Firms in the cluster trust each other",
              "We cooperate with universities", "Conflicts between members are rare"]
# The answers of the 6 complete responses, in submission order: country, cluster, 4 items.
KEPT = [("PL", "K1", "4", "5", "3", "4"), ("PL", "K1", "2", "4", "4", "5"), ("LT", "K2", "5", "5", "4", "3"),
        ("LT", "K2", "1", "2", "3", "4"), ("PL", "K2", "4", "4", None, "2"), ("LT", "K1", "3", "4", "5", "5")]
INCOMPLETE = ("LT", "K1", "4", "3", None, None)

QUALTRICS = (["Q1_1", "Q1_2", "Q1_3", "Q1_4"], "Q2", "Q3")
LIME = (["Q1[SQ001]", "Q1[SQ002]", "Q1[SQ003]", "Q1[SQ004]"], "country", "cluster")
# file -> (layout, id column, (item columns, country column, cluster column), excluded, dropped personal columns)
CASES = {
    "qualtrics_choice_text.csv": ("qualtrics", "ResponseId", QUALTRICS, {"incomplete": 1, "survey preview": 1},
                                  ("IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                                   "ExternalReference", "LocationLatitude", "LocationLongitude")),
    "qualtrics_numeric.xlsx": ("qualtrics", "ResponseId", QUALTRICS, {"incomplete": 1, "survey preview": 1},
                               ("IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                                "ExternalReference", "LocationLatitude", "LocationLongitude")),
    "qualtrics_legacy.csv": ("qualtrics-legacy", "ResponseID", QUALTRICS, {"incomplete": 1, "survey preview": 1},
                             ("Name", "ExternalDataReference", "EmailAddress", "IPAddress", "LocationLatitude",
                              "LocationLongitude", "LocationAccuracy")),
    "limesurvey_codes.csv": ("limesurvey", "id", LIME, {"incomplete": 1},
                             ("ipaddr", "token", "firstname", "lastname", "email")),
    "limesurvey_full_answers.csv": ("limesurvey", "id", LIME, {"incomplete": 1},
                                    ("ipaddr", "token", "firstname", "lastname", "email")),
    "limesurvey_vv.txt": ("limesurvey-vv", "id", (["Q1_SQ001", "Q1_SQ002", "Q1_SQ003", "Q1_SQ004"], "country",
                                                  "cluster"), {"incomplete": 1}, ("ipaddr",)),
    "surveymonkey.csv": ("surveymonkey", "Respondent ID", ([f"{Q} | {s}" for s in STATEMENTS],
                         "In which country is your firm?", "Which cluster is your firm a member of?"), {},
                         ("IP Address", "Email Address", "First Name", "Last Name", "Custom Data 1")),
    "kobo_xml_values.csv": ("kobo", "_uuid", (["g_agree/info_sharing", "g_agree/trust", "g_agree/universities",
                                               "g_agree/conflicts"], "country", "cluster"),
                            {"rejected in review": 1}, ("email", "_submitted_by")),
    "kobo_labels.xlsx": ("kobo", "_uuid", (STATEMENTS, "In which country is your firm?",
                                           "Which cluster is your firm a member of?"),
                         {"rejected in review": 1}, ("email", "_submitted_by")),
    "odk_central.csv": ("odk-central", "KEY", (["agree-info_sharing", "agree-trust", "agree-universities",
                                                "agree-conflicts"], "country", "cluster"),
                        {"rejected in review": 1}, ("email", "SubmitterID", "SubmitterName", "DeviceID")),
    "wide.csv": ("wide", "respondent_id", (["info_sharing", "trust", "universities", "conflicts"], "country",
                                           "cluster"), {}, ("email",)),
}


def keep_of(name: str) -> set[str]:
    layout, id_column, (items, country, cluster), _, _ = CASES[name]
    return {id_column, country, cluster, *items}


def code(cell) -> str | None:
    """What the study loader does with a cell: choice text matched case- and space-insensitively
    to the scale's labels, numbers as whole codes."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, (int, float)):
        return str(int(cell))
    text = " ".join(str(cell).split())
    return LABELS.get(text.lower(), text)


def answers(exp: Export, name: str) -> list[tuple]:
    _, _, (items, country, cluster), _, _ = CASES[name]
    frame = exp.table.frame
    return [tuple(code(frame[c].iloc[i]) for c in (country, cluster, *items)) for i in range(len(frame))]


@pytest.mark.parametrize("name", sorted(CASES))
def test_layout_is_recognised_and_named(name):
    exp = read_export(DATA / name)
    assert exp.layout == CASES[name][0]
    assert exp.id_column == CASES[name][1]


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_answers_in_every_layout(name):
    exp = read_export(DATA / name, keep=keep_of(name))
    assert answers(exp, name) == KEPT
    assert sorted(exp.table.header) == sorted(keep_of(name))


@pytest.mark.parametrize("name", sorted(CASES))
def test_excluded_rows_are_counted_by_reason(name):
    excluded = CASES[name][3]
    assert read_export(DATA / name).excluded == excluded
    every = read_export(DATA / name, keep=keep_of(name), responses="all")
    # previews never come back; incomplete and rejected ones do, in their place (after respondent 6)
    assert every.excluded == ({"survey preview": 1} if "survey preview" in excluded else {})
    expected = KEPT if not excluded else KEPT[:5] + [INCOMPLETE] + KEPT[5:]
    assert answers(every, name) == expected


@pytest.mark.parametrize("name", sorted(CASES))
def test_personal_columns_dropped_by_name(name):
    personal = CASES[name][4]
    assert read_export(DATA / name).dropped == personal
    mapped = read_export(DATA / name, keep=keep_of(name))
    assert set(mapped.dropped) >= set(personal)
    assert set(mapped.dropped) | set(mapped.table.header) == set(read_export(DATA / name, responses="all").table.header) | set(personal)


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("mapped", [False, True])
def test_planted_email_and_ip_never_in_the_table(name, mapped):
    planted = [p for p in PLANTED if p in file_text(DATA / name)]
    assert planted, "the fixture must carry the planted e-mail or IP address"  # so the test can fail
    exp = read_export(DATA / name, keep=keep_of(name) if mapped else None, responses="all")
    text = exp.table.frame.astype(str).to_csv() + " ".join(exp.table.header) + " ".join(exp.dropped)
    text += " ".join(f"{k} {v}" for k, v in exp.labels.items())
    assert not any(p in text for p in planted)


def file_text(path: Path) -> str:
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        return " ".join(str(v) for row in book.worksheets[0].iter_rows(values_only=True) for v in row)
    return path.read_text(encoding="utf-8-sig")


def test_row_numbers_are_the_spreadsheet_rows():
    assert read_export(DATA / "qualtrics_choice_text.csv").table.rows.tolist() == [4, 5, 6, 8, 9, 11]
    assert read_export(DATA / "limesurvey_vv.txt").table.rows.tolist() == [3, 4, 5, 6, 7, 9]
    assert read_export(DATA / "kobo_labels.xlsx").table.rows.tolist() == [3, 4, 5, 6, 7, 9]  # HXL row 2
    assert read_export(DATA / "surveymonkey.csv").table.rows.tolist() == [3, 4, 5, 6, 7, 8]


def test_cells_stay_as_the_platform_wrote_them():
    text = read_export(DATA / "qualtrics_choice_text.csv").table.frame
    assert text["Q1_1"].tolist()[:3] == ["Agree", "Disagree", "Strongly agree"]
    numbers = read_export(DATA / "qualtrics_numeric.xlsx").table.frame
    assert numbers["Q1_1"].tolist()[:3] == [4, 2, 5]
    assert pd.isna(read_export(DATA / "limesurvey_vv.txt", responses="all").table.frame["Q1_SQ003"].iloc[5])


def test_labels_carry_the_question_text():
    assert read_export(DATA / "qualtrics_choice_text.csv").labels["Q1_1"] == f"{Q} - {STATEMENTS[0]}"
    assert read_export(DATA / "qualtrics_legacy.csv").labels["Q2"] == "In which country is your firm?"
    assert read_export(DATA / "surveymonkey.csv").labels[f"{Q} | {STATEMENTS[1]}"] == Q
    vv = read_export(DATA / "limesurvey_vv.txt").labels
    assert vv["Q1_SQ004"] == f"{Q} ({STATEMENTS[3]})"
    assert read_export(DATA / "wide.csv").labels == {}


@pytest.mark.parametrize("name", sorted(CASES))
def test_forcing_the_right_format_reads_the_same(name):
    layout = CASES[name][0]
    forced = {"qualtrics-legacy": "qualtrics", "limesurvey-vv": "limesurvey", "odk-central": "kobo"}.get(layout, layout)
    assert forced in FORMATS
    assert answers(read_export(DATA / name, format=forced, keep=keep_of(name)), name) == KEPT


@pytest.mark.parametrize("name, format, fragment", [
    ("qualtrics_choice_text.csv", "limesurvey", "not a limesurvey export: expected row 1 id, submitdate"),
    ("qualtrics_choice_text.csv", "wide", "it looks like the qualtrics layout"),
    ("limesurvey_codes.csv", "surveymonkey", "not a surveymonkey export"),
    ("wide.csv", "kobo", "not a kobo export"),
    ("surveymonkey.csv", "qualtrics", "not a qualtrics export"),
    ("kobo_xml_values.csv", "nonsense", "unknown format 'nonsense'"),
])
def test_forcing_a_format_that_does_not_fit_is_one_line(name, format, fragment):
    with pytest.raises(InputError) as err:
        read_export(DATA / name, format=format)
    message = str(err.value)
    assert message.startswith(f"{DATA / name}: ") and fragment in message and "\n" not in message


def test_a_personal_column_cannot_be_mapped():
    with pytest.raises(InputError, match=r"row 1, column 'RecipientEmail': holds personal data"):
        read_export(DATA / "qualtrics_choice_text.csv", keep={"ResponseId", "RecipientEmail"})


def test_unknown_responses_option():
    with pytest.raises(InputError, match="unknown responses option 'some'"):
        read_export(DATA / "wide.csv", responses="some")


def test_vv_escapes_are_undone(tmp_path):
    vv = tmp_path / "vv.txt"
    vv.write_text('"Response ID"\t"Date submitted"\t"Last page"\t"Start language"\t"Comment"\n'
                  "id\tsubmitdate\tlastpage\tstartlanguage\tC1\n"
                  '1\t"2024-03-01 10:00:00"\t1\ten\t"{quote}Two{newline}lines {lbrace}x}{tab}end"\n')
    exp = read_export(vv)
    assert exp.layout == "limesurvey-vv"
    assert exp.table.frame["C1"].iloc[0] == '"Two\nlines {x}\tend'


CORPUS = pd.read_csv(DATA / "bad_cases.csv", dtype=str, keep_default_na=False)


def test_every_bad_case_has_its_file():
    assert sorted(CORPUS["file"]) == sorted(p.name for p in BAD.iterdir())


@pytest.mark.parametrize("file, place, fragment", CORPUS.itertuples(index=False, name=None))
def test_bad_export_gives_one_line_naming_file_row_column(file, place, fragment):
    path = BAD / file
    with pytest.raises(InputError) as err:
        read_export(path)
    message = str(err.value)
    assert message.startswith(f"{path}: {place}: "), message
    assert fragment in message and "\n" not in message


def test_qualtrics_tsv_in_utf16_with_encoding(tmp_path):
    """Qualtrics also downloads TSV, written as UTF-16: read with encoding="utf-16"."""
    import csv
    import io

    text = (DATA / "qualtrics_choice_text.csv").read_text(encoding="utf-8-sig")
    records = list(csv.reader(io.StringIO(text, newline="")))
    out = io.StringIO()
    csv.writer(out, delimiter="\t", lineterminator="\r\n").writerows(records)
    tsv = tmp_path / "export.tsv"
    tsv.write_bytes(out.getvalue().encode("utf-16"))
    with pytest.raises(InputError, match="pass --encoding"):
        read_export(tsv)
    exp = read_export(tsv, encoding="utf-16", keep=keep_of("qualtrics_choice_text.csv"))
    assert exp.layout == "qualtrics"
    assert answers(exp, "qualtrics_choice_text.csv") == KEPT


def test_personal_columns_found_by_name_in_any_layout(tmp_path):
    """A SurveyMonkey contact-information question and a Qualtrics embedded field named
    like personal data are dropped without a mapping, and refused when mapped."""
    monkey = tmp_path / "monkey.csv"
    monkey.write_text("Respondent ID,Collector ID,Start Date,End Date,Contact information,,,Your country?\n"
                      ",,,,Name,Email Address,Phone Number,Response\n"
                      "1,2,03/01/2024,03/01/2024,Anna Kowalska,planted.7f3c@example.org,+48 600 000 000,PL\n")
    exp = read_export(monkey)
    assert exp.dropped == ("Contact information | Name", "Contact information | Email Address",
                           "Contact information | Phone Number")
    assert "planted" not in exp.table.frame.to_csv()
    with pytest.raises(InputError, match="holds personal data"):
        read_export(monkey, keep={"Respondent ID", "Contact information | Email Address"})


SURVEY_BAD = sorted((Path(__file__).parent / "data" / "survey" / "bad").iterdir())


@pytest.mark.parametrize("path", SURVEY_BAD, ids=[p.name for p in SURVEY_BAD])
def test_wide_files_fail_as_before(path):
    """Reading through read_export changes nothing for our own files: every bad file of the
    survey corpus gives the error `read_table` gives, or reads the same way."""
    def outcome(read):
        try:
            return read(path).frame.to_csv()
        except InputError as exc:
            return str(exc)
    assert outcome(lambda p: read_export(p, responses="all").table) == outcome(read_table)
