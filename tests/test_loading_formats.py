"""Loaders: every accepted format gives the same tidy Survey; the reference tables load and validate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.errors import InputError
from clusterresearch.loading import Survey, group_names, load_instrument, load_names, load_study
from clusterresearch.loading.registry import load_registry
from clusterresearch.loading import load_survey as _load_survey

DATA = Path(__file__).parent / "data" / "survey"   # the fixture study folder (study.toml)
INSTRUMENT = DATA / "instrument.csv"
REGISTRY = DATA / "clusters_de_fr.csv"
WIDE = DATA / "responses_de_fr.csv"
LIKERT_LABELS = {1: "strongly disagree", 2: "disagree", 3: "neither", 4: "agree", 5: "strongly agree"}


def load_survey(path=None, **kw) -> Survey:
    """Read a responses file as the fixture study's (study.toml in tests/data/survey)."""
    kw.setdefault("study", DATA)
    return _load_survey(path, **kw)


def wide_frame() -> pd.DataFrame:
    return pd.read_csv(WIDE, dtype=str, keep_default_na=False)


def scaled_columns(frame: pd.DataFrame) -> list[str]:
    instrument = load_instrument(INSTRUMENT)
    scaled = set(instrument.loc[instrument["type"] != "text", "item_id"])
    return [c for c in frame.columns if c in scaled]


def write_bom(path: Path) -> Path:
    path.write_bytes(b"\xef\xbb\xbf" + WIDE.read_bytes())
    return path


def write_latin1(path: Path) -> Path:
    path.write_bytes(WIDE.read_text(encoding="utf-8").encode("latin-1"))
    return path


def write_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    frame = wide_frame()
    book = Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    numeric = set(scaled_columns(frame))
    for record in frame.itertuples(index=False):
        cells = []
        for name, value in zip(frame.columns, record):
            if value == "" or (name in numeric and not value.strip()):
                cells.append(None)
            elif name in numeric:
                cells.append(int(value))  # typed as numbers, as a spreadsheet user would
            else:
                cells.append(value)
        sheet.append(cells)
    book.save(path)
    return path


def write_sav(path: Path, labelled_country: bool = True) -> Path:
    """SPSS file with value labels on every Likert column and (optionally) a labelled numeric country."""
    import pyreadstat

    frame = wide_frame()
    out = pd.DataFrame({"respondent_id": frame["respondent_id"], "cluster": frame["cluster"]})
    labels = {}
    if labelled_country:
        codes = {"DE": 1.0, "FR": 2.0}
        out.insert(1, "country", frame["country"].map(codes))
        labels["country"] = {1.0: "DE", 2.0: "FR"}
    else:
        out.insert(1, "country", frame["country"])
    for name in frame.columns[3:]:
        if name in scaled_columns(frame):
            out[name] = pd.to_numeric(frame[name].str.strip().replace("", np.nan)).astype(float)
            labels[name] = {float(k): v for k, v in LIKERT_LABELS.items()}
        else:
            out[name] = frame[name]
    pyreadstat.write_sav(out, str(path), variable_value_labels=labels)
    return path


def write_labels(path: Path) -> Path:
    """Answers typed as the scale's labels, in any case and spacing ("  strongly AGREE")."""
    frame = wide_frame()
    words = {"1": "Strongly disagree", "2": " disagree", "3": "Neither agree  nor disagree", "4": "AGREE",
             "5": "strongly agree "}
    for name in scaled_columns(frame):
        frame[name] = frame[name].map(lambda v: words.get(v.strip(), v))
    frame.to_csv(path, index=False)
    return path


def write_long(path: Path) -> Path:
    frame = wide_frame()
    long = frame.melt(id_vars=["respondent_id", "country", "cluster"], var_name="item_id", value_name="value")
    long = long.sample(frac=1.0, random_state=3)  # order in the file must not matter
    long.to_csv(path, index=False)
    return path


FORMATS = {
    "wide_csv": lambda tmp: WIDE,
    "wide_csv_bom": lambda tmp: write_bom(tmp / "bom.csv"),
    "latin1_with_encoding": lambda tmp: write_latin1(tmp / "latin1.csv"),
    "xlsx": lambda tmp: write_xlsx(tmp / "survey.xlsx"),
    "sav_labelled": lambda tmp: write_sav(tmp / "labelled.sav"),
    "sav_string_country": lambda tmp: write_sav(tmp / "strings.sav", labelled_country=False),
    "long_csv": lambda tmp: write_long(tmp / "long.csv"),
    "wide_csv_labels": lambda tmp: write_labels(tmp / "labels.csv"),
}


@pytest.fixture(scope="module")
def reference() -> Survey:
    return load_survey(WIDE)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_gives_the_same_tidy_frames(fmt, tmp_path, reference):
    path = FORMATS[fmt](tmp_path)
    encoding = "latin-1" if fmt == "latin1_with_encoding" else None
    survey = load_survey(path, encoding=encoding)
    pd.testing.assert_frame_equal(survey.answers, reference.answers)
    pd.testing.assert_frame_equal(survey.essays, reference.essays)
    assert survey.source == path


def test_tidy_frame_follows_the_contract(reference):
    answers = reference.answers
    assert list(answers.columns) == ["respondent_id", "country", "cluster", "item_id", "area", "type", "value",
                                     "missing"]
    assert answers["value"].dtype == np.float64
    for name in ("respondent_id", "country", "cluster", "item_id", "area", "type", "missing"):
        assert isinstance(answers[name].dtype, pd.CategoricalDtype), name
    assert all(isinstance(c, str) for c in answers["item_id"].cat.categories)
    assert answers["missing"].isna().all()  # agree5 has no missing code
    assert isinstance(answers.index, pd.RangeIndex)
    # sorted by respondent (the file is not), then instrument order; missing answers keep their row
    assert list(pd.unique(answers["respondent_id"])) == ["D1", "D2", "D3", "F1", "F2", "F3"]
    assert list(answers["item_id"][:6]) == [
        "comm_internal_system", "comm_no_problems", "communication_desired",
        "neg_conflicts", "pm_preparedness", "pm_preparedness_assessed",
    ]
    assert len(answers) == 6 * 6 and answers["value"].isna().sum() == 9
    assert set(answers["type"]) == {"likert", "desired", "assessor"}
    # a user's survey has no names file unless study.toml or --registry gives one
    assert reference.study.group("cluster").names is None and group_names(reference.study, "cluster") == {}
    assert reference.groups == ("country", "cluster")


def test_essays_are_kept_verbatim_and_blank_ones_dropped(reference):
    essays = reference.essays
    assert list(essays.columns) == ["respondent_id", "country", "cluster", "item_id", "area", "text"]
    assert essays["text"].tolist() == [
        'Members speak different "languages", literally.\nWe meet monthly: <b>always</b> & café',
        "Gantt charts; a shared budget sheet, =SUM(A1)",
    ]
    assert essays["area"].tolist() == ["communication", "project_management"]


def test_sav_value_labels_do_not_replace_likert_numbers(tmp_path):
    import pyreadstat

    path = write_sav(tmp_path / "s.sav")
    _, meta = pyreadstat.read_sav(str(path), metadataonly=True)
    assert meta.variable_value_labels["comm_internal_system"][5.0] == "strongly agree"
    answers = load_survey(path).answers
    assert set(answers["value"].dropna()) == {1.0, 2.0, 3.0, 4.0, 5.0}
    assert set(answers["country"]) == {"DE", "FR"}


def test_items_not_in_the_file_are_left_out(tmp_path):
    path = tmp_path / "subset.csv"
    wide_frame()[["respondent_id", "country", "cluster", "neg_conflicts"]].to_csv(path, index=False)
    survey = load_survey(path)
    assert set(survey.answers["item_id"]) == {"neg_conflicts"}
    assert len(survey.answers) == 6 and survey.essays.empty
    assert len(survey.instrument) == 8  # the instrument itself stays whole


def test_several_respondents_per_cluster_and_any_countries(tmp_path):
    path = tmp_path / "many.csv"
    rows = [f"R{i},{c},{c}-{i % 3},{1 + i % 5}" for i, c in enumerate(["SE", "NO", "IT", "ES"] * 5)]
    path.write_text("respondent_id,country,cluster,neg_conflicts\n" + "\n".join(rows) + "\n")
    answers = load_survey(path).answers
    assert len(answers) == 20 and answers.groupby("cluster", observed=True).size().max() > 1


def test_semicolon_csv_and_numeric_ids(tmp_path):
    path = tmp_path / "semi.csv"
    path.write_text("respondent_id;country;cluster;neg_conflicts\n7;PL;1;4\n10;PL;1;5\n")
    answers = load_survey(path).answers
    assert answers["respondent_id"].tolist() == ["10", "7"]  # ids are text, sorted as text
    assert answers["value"].tolist() == [5.0, 4.0]


def test_blank_lines_are_skipped_but_rows_keep_their_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("respondent_id,country,cluster,neg_conflicts\nR1,PL,P1,4\n\nR2,PL,P1,9\n")
    with pytest.raises(InputError) as info:
        load_survey(path)
    assert info.value.where == "row 4, column 'neg_conflicts'"


def test_xlsx_rows_are_counted_as_the_spreadsheet_shows_them(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "country", "cluster", "neg_conflicts"])
    sheet.append(["R1", "PL", "P1", 4])
    sheet.append([None, None, None, None])
    sheet.append(["R2", "PL", "P1", 4.5])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(InputError) as info:
        load_survey(tmp_path / "bad.xlsx")
    assert info.value.where == "row 4, column 'neg_conflicts'"
    assert "not a whole number" in info.value.message


def test_xlsx_boolean_is_not_an_answer(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["respondent_id", "country", "cluster", "neg_conflicts"])
    sheet.append(["R1", "PL", "P1", True])
    book.save(tmp_path / "bool.xlsx")
    with pytest.raises(InputError, match="'TRUE' is not an answer of scale 'agree5'"):
        load_survey(tmp_path / "bool.xlsx")


def test_sav_rows_and_out_of_range(tmp_path):
    import pyreadstat

    frame = pd.DataFrame({"respondent_id": ["R1", "R2"], "country": ["LT", "LT"], "cluster": ["L1", "L1"],
                          "neg_conflicts": [4.0, 8.0]})
    pyreadstat.write_sav(frame, str(tmp_path / "bad.sav"))
    with pytest.raises(InputError) as info:
        load_survey(tmp_path / "bad.sav")
    assert (info.value.where, info.value.message) == (
        "row 3, column 'neg_conflicts'",
        "'8' is not an answer of scale 'agree5': 1 Strongly disagree, 2 Disagree, 3 Neither agree nor disagree, "
        "4 Agree, 5 Strongly agree")


def test_long_file_missing_rows_are_missing_answers(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("respondent_id,country,cluster,item_id,value\n"
                    "R2,PL,P1,neg_conflicts,5\nR1,PL,P1,neg_conflicts,\nR1,PL,P1,comm_internal_system,4\n")
    answers = load_survey(path).answers
    assert answers[["respondent_id", "item_id"]].values.tolist() == [
        ["R1", "comm_internal_system"], ["R1", "neg_conflicts"],
        ["R2", "comm_internal_system"], ["R2", "neg_conflicts"],
    ]
    values = answers["value"].tolist()
    assert values[0] == 4.0 and np.isnan(values[1]) and np.isnan(values[2]) and values[3] == 5.0


def test_names_file_is_checked_when_given_and_returned():
    survey = load_survey(WIDE, registry=REGISTRY)
    assert survey.study.group("cluster").names == REGISTRY  # --registry names the cluster column
    names = group_names(survey.study, "cluster")
    assert list(names) == ["DE-BER", "DE-MUC", "FR-PAR", "FR-LYS"]
    assert names["FR-PAR"] == "Paris, Île-de-France"
    assert survey.study.group("country").names is None


def test_without_names_file_a_cluster_may_span_countries(tmp_path):
    """Nesting (a cluster in one country) is the names file's to say; without one, a
    category is any text and the same id in two countries is two respondents' answers."""
    path = tmp_path / "span.csv"
    path.write_text("respondent_id,country,cluster,neg_conflicts\nR1,DE,C1,4\nR2,FR,C1,5\n")
    answers = load_survey(path).answers
    assert answers[["country", "cluster"]].astype("str").values.tolist() == [["DE", "C1"], ["FR", "C1"]]
    names = tmp_path / "clusters.csv"
    names.write_text("cluster_id,country\nC1,DE\n")
    with pytest.raises(InputError) as info:
        load_survey(path, registry=names)
    assert (info.value.file, info.value.where) == (str(path), "row 3, column 'country'")


def test_shipped_survey_gets_the_shipped_names_file():
    survey = _load_survey(config.RESPONSES_PATH)  # the default study: data/raw
    assert survey.study.shipped and survey.study.group("cluster").names == config.REGISTRY_PATH
    assert len(group_names(survey.study, "cluster")) == len(load_names(config.REGISTRY_PATH))
    assert survey.answers["value"].notna().any()
    assert not load_study(DATA).shipped


# ----------------------------------------------------------------- instrument and names files

def test_shipped_instrument_loads_as_strings():
    instrument = load_instrument(config.INSTRUMENT_PATH)
    assert list(instrument.columns) == ["item_id", "area", "type", "text", "scale", "reverse", "column", "source",
                                        "compares_to"]
    assert set(instrument["type"]) <= set(config.ITEM_TYPES)
    assert set(instrument["area"]) == set(load_study(config.RAW_DIR).areas["area"])
    assert instrument["item_id"].is_unique and not instrument.isna().any().any()
    assert instrument["reverse"].dtype == bool
    assert (instrument["column"] == instrument["item_id"]).all()  # no column differs from its item id
    assert set(instrument.loc[instrument["type"] != "text", "scale"]) == {"agree5"}


def test_instrument_defaults_and_own_columns(tmp_path):
    path = tmp_path / "instrument.csv"
    path.write_text("item_id,area,type,text,scale,reverse,column\n"
                    "q1,sales,likert,Q one,,TRUE,Q1 (text)\nq2,sales,likert,Q two,agree5,no,\n")
    instrument = load_instrument(path)
    assert instrument[["item_id", "area", "scale", "reverse", "column"]].values.tolist() == [
        ["q1", "sales", "agree5", True, "Q1 (text)"], ["q2", "sales", "agree5", False, "q2"]]


@pytest.mark.parametrize("body, where, fragment", [
    ("item_id,area,type,text\nq1,communication,likert,\nq1,negotiation,likert,\n", "row 3, column 'item_id'", "duplicate"),
    ("item_id,area,type,text\nq1,communication,scale,\n", "row 2, column 'type'", "not an item type"),
    ("item_id,area,type,text\nrespondent_id,communication,likert,\n", "row 2, column 'item_id'", "reserved"),
    ("item_id,area,type,compares_to,text\nq1,communication,assessor,q9,\n", "row 2, column 'compares_to'", "not an item_id"),
    ("item_id,type\nq1,likert\n", "row 1, column 'area'", "missing column"),
    ("item_id,area,type\nq1,a,likert\n", "row 1, column 'text'", "missing column"),
    ("item_id,area,type,scale,text\nq1,communication,likert,agree7,\n", "row 2, column 'scale'", "not a scale"),
    ("item_id,area,type,reverse,text\nq1,communication,likert,maybe,\n", "row 2, column 'reverse'", "not true or false"),
    ("item_id,area,type,column,text\nq1,a,likert,Q,\nq2,a,likert,Q,\n", "row 3, column 'column'", "duplicate"),
])
def test_bad_instrument(tmp_path, body, where, fragment):
    from clusterresearch.loading import load_scales

    path = tmp_path / "instrument.csv"
    path.write_text(body)
    with pytest.raises(InputError) as info:
        load_instrument(path, scales=load_scales(None))
    assert info.value.where == where and fragment in info.value.message


def test_an_item_named_like_a_grouping_column_is_refused(tmp_path):
    import shutil

    study = tmp_path / "study"
    shutil.copytree(DATA, study, ignore=shutil.ignore_patterns("bad"))
    with (study / "instrument.csv").open("a") as handle:
        handle.write("cluster,communication,likert,Which cluster?,fixture,\n")
    with pytest.raises(InputError) as info:
        load_study(study)
    assert (info.value.file, info.value.where) == (str(study / "instrument.csv"), "row 10, column 'column'")


@pytest.mark.parametrize("body, where, fragment", [
    ("cluster_id,country,name\nC1,PL,a\nC1,PL,b\n", "row 3, column 'cluster_id'", "duplicate"),
    ("cluster_id,country,name\n,PL,a\n", "row 2, column 'cluster_id'", "empty"),
    ("sector,name\nS1,a\nS1,b\n", "row 3, column 'sector'", "duplicate"),  # the key is the first column
])
def test_bad_names_file(tmp_path, body, where, fragment):
    path = tmp_path / "clusters.csv"
    path.write_text(body)
    with pytest.raises(InputError) as info:
        load_names(path)
    assert info.value.where == where and fragment in info.value.message


def test_names_file_countries_are_iso_codes(tmp_path):
    """A names file's country column is a country group: its codes are checked where they
    are written (the names file's row), as load_names's docstring promises."""
    path = tmp_path / "clusters.csv"
    path.write_text("cluster_id,country,name\nDE-BER,Germany,a\nDE-MUC,DE,b\nFR-PAR,FR,c\nFR-LYS,FR,d\n")
    with pytest.raises(InputError) as info:
        load_survey(WIDE, registry=path)
    assert (info.value.file, info.value.where) == (str(path), "row 2, column 'country'")
    assert "ISO 3166-1" in info.value.message


@pytest.mark.parametrize("body, where, fragment", [
    ("cluster_id,country,name\nC1,PL,a\nC1,PL,b\n", "row 3, column 'cluster_id'", "duplicate"),
    ("cluster_id,country,name\nC1,Poland,a\n", "row 2, column 'country'", "ISO 3166-1"),
    ("cluster_id,country,name\nC1,,a\n", "row 2, column 'country'", "empty"),
    ("cluster,country\nC1,PL\n", "row 1, column 'cluster_id'", "missing column"),
])
def test_bad_registry(tmp_path, body, where, fragment):
    """The reconstruction's cluster registry (load_registry) keeps its own checks."""
    path = tmp_path / "clusters.csv"
    path.write_text(body)
    with pytest.raises(InputError) as info:
        load_registry(path)
    assert info.value.where == where and fragment in info.value.message


def test_registry_name_is_optional(tmp_path):
    path = tmp_path / "clusters.csv"
    path.write_text("cluster_id,country\nC1,PL\n")
    assert load_registry(path).to_dict("records") == [{"cluster_id": "C1", "country": "PL", "name": ""}]


def test_names_file_name_is_optional(tmp_path):
    path = tmp_path / "clusters.csv"
    path.write_text("cluster_id,country\nC1,PL\n")
    assert load_names(path).to_dict("records") == [{"id": "C1", "country": "PL", "name": ""}]


def test_iso_list_is_complete():
    from clusterresearch.loading.countries import ISO_ALPHA2

    assert len(ISO_ALPHA2) == 249 and {"PL", "LT", "DE", "FR", "NA", "GB"} <= ISO_ALPHA2
    assert "UK" not in ISO_ALPHA2 and "XK" not in ISO_ALPHA2
    tab = Path("/usr/share/zoneinfo/iso3166.tab")
    if tab.exists():
        codes = {line.split("\t")[0] for line in tab.read_text().splitlines() if line and not line.startswith("#")}
        assert codes == ISO_ALPHA2
