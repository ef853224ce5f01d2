"""Issue 9 end to end: the same answers exported by every platform go through
`clusterresearch prepare --study DIR` with the same item and area summaries as the wide file;
the planted e-mail and IP address reach no output file of prepare or reproduce; the
manifest names the dropped columns and the rows left out.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import cli

from test_platforms import CASES, DATA, PLANTED, STATEMENTS

ITEMS = [("info_sharing", "cooperation"), ("trust", "cooperation"), ("universities", "cooperation"),
         ("conflicts", "conflict")]


def make_study(folder: Path, name: str, id_column: bool = True) -> Path:
    """A study folder whose responses file is the fixture ``name``, mapped by its column keys."""
    _, platform_id, (items, country, cluster), _, _ = CASES[name]
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / name, folder / name)
    toml = [f'title = "Platform test study ({name})"', 'respondents = "firms"', f'responses = "{name}"']
    if id_column:
        toml.append(f'id_column = "{platform_id}"')
    toml += ["", "[[groups]]", f'column = "{country}"', 'label = "Country"', 'kind = "country"',
             "", "[[groups]]", f'column = "{cluster}"', 'label = "Cluster"', 'kind = "category"']
    (folder / "study.toml").write_text("\n".join(toml) + "\n", encoding="utf-8")
    rows = ["item_id,area,type,text,column"]
    for (item, area), column, text in zip(ITEMS, items, STATEMENTS):
        rows.append(f'{item},{area},likert,{text},"{column}"')
    (folder / "instrument.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def prepare(tmp_path: Path, name: str, *extra: str, id_column: bool = True) -> Path:
    study = make_study(tmp_path / "study", name, id_column)
    out = tmp_path / "out"
    assert cli.main(["prepare", "--study", str(study), "--out", str(out), *extra]) == 0
    return out


def summary(out: Path, file: str, name: str) -> str:
    """A summary's text with the grouping columns named as in the wide file (a study names
    its grouping columns by the platform's column keys, which differ between platforms)."""
    _, _, (_, country, cluster), _, _ = CASES[name]
    table = pd.read_csv(out / file, dtype=str, keep_default_na=False)
    table["scope"] = table["scope"].replace({country: "country", cluster: "cluster"})
    return table.to_csv(index=False)


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Path:
    return prepare(tmp_path_factory.mktemp("wide"), "wide.csv")


@pytest.mark.parametrize("name", sorted(set(CASES) - {"wide.csv"}))
def test_every_layout_gives_the_summaries_of_the_wide_file(tmp_path, name, wide):
    out = prepare(tmp_path / "platform", name)
    for file in ("item_summary.csv", "area_summary.csv", "missing_summary.csv"):
        assert summary(out, file, name) == summary(wide, file, "wide.csv"), file
        if CASES[name][2][1:] == ("country", "cluster"):  # same column names: the very same bytes
            assert (out / file).read_bytes() == (wide / file).read_bytes()


def output_text(out: Path) -> str:
    """Every output file as text; Parquet and compressed files read back as tables."""
    parts = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        if path.suffix == ".parquet":
            parts.append(pd.read_parquet(path).astype(str).to_csv())
        else:
            parts.append(path.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)


@pytest.mark.parametrize("name", sorted(CASES))
def test_prepare_writes_no_personal_data_and_lists_what_it_left_out(tmp_path, name):
    out = prepare(tmp_path, name, "--responses", "all", "--long-csv")
    text = output_text(out)
    assert "Kowalska" not in text and not any(p in text for p in PLANTED)
    manifest = json.loads((out / "manifest.json").read_text())
    read = manifest["responses_file"]
    assert read["layout"] == CASES[name][0]
    assert set(CASES[name][4]) <= set(read["dropped_columns"])
    assert read["excluded"] == ({"survey preview": 1} if "survey preview" in CASES[name][3] else {})


def test_manifest_counts_incomplete_responses_left_out(tmp_path, capsys):
    out = prepare(tmp_path, "qualtrics_choice_text.csv", id_column=False)  # id: the platform's ResponseId
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["responses_file"]["excluded"] == {"incomplete": 1, "survey preview": 1}
    assert manifest["counts"]["respondents"] == 6
    assert "RecipientEmail" in manifest["responses_file"]["dropped_columns"]
    printed = capsys.readouterr().out
    assert "responses left out: 1 incomplete, 1 survey preview" in printed and "planted" not in printed


def test_forced_format_that_does_not_fit_exits_2(tmp_path, capsys):
    study = make_study(tmp_path / "study", "qualtrics_choice_text.csv")
    status = cli.main(["prepare", "--study", str(study), "--out", str(tmp_path / "out"), "--format", "kobo"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1 and "not a kobo export" in err[0]
    assert not (tmp_path / "out").exists()


def test_a_label_outside_the_scale_names_file_row_and_column(tmp_path, capsys):
    study = make_study(tmp_path / "study", "qualtrics_choice_text.csv")
    data = study / "qualtrics_choice_text.csv"
    data.write_text(data.read_text(encoding="utf-8-sig").replace("Disagree,Agree,Agree", "Disagree,Agree,Agreed"),
                    encoding="utf-8")
    status = cli.main(["check", "--study", str(study)])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1
    assert err[0].startswith(f"error: {data}: row 5, column 'Q1_3': 'Agreed' is not an answer"), err[0]


def test_reproduce_writes_no_personal_data(tmp_path):
    study = make_study(tmp_path / "study", "qualtrics_choice_text.csv")
    site = tmp_path / "site"
    status = cli.main(["reproduce", "--study", str(study), "--out", str(site), "--only", "competencies",
                       "--group", "Q2=PL", "--jobs", "1", "--no-progress", "--responses", "all"])
    assert status == 0
    files = [p for p in site.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" for p in files)
    text = output_text(site)
    assert "Kowalska" not in text and not any(p in text for p in PLANTED)
    assert "Left out of the qualtrics export before any figure: 1 survey preview (--responses all)" in text


def test_report_states_what_was_left_out(tmp_path):
    from clusterresearch.competencies import SurveyReport

    study = make_study(tmp_path / "study", "qualtrics_choice_text.csv")
    report = SurveyReport.from_parameters(str(study), output_dir=str(tmp_path / "figures"))
    assert "1 incomplete, 1 survey preview (--responses complete)" in report.heading().data
    wide = SurveyReport.from_parameters(str(make_study(tmp_path / "wide", "wide.csv")),
                                        output_dir=str(tmp_path / "figures2"))
    assert "Left out" not in wide.heading().data
