"""Every bad file in tests/data/survey/bad/ fails `prepare` with one line naming file, row and column.

Each file is one case, named after it; EXPECTED says where the error must point. The files are
read as responses of the fixture study tests/data/survey (study.toml: groups country and
cluster, the built-in agree5 scale). Files named ``registry_*`` are run with the fixture
names file for clusters (--registry), which also gives each cluster's country.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterresearch import cli

DATA = Path(__file__).parent / "data" / "survey"
BAD = DATA / "bad"
REGISTRY = DATA / "clusters_de_fr.csv"

EXPECTED = {
    "blank_lines_only.csv": "row 1",
    "blank_respondent_id.csv": "row 3, column 'respondent_id'",
    "country_lower_case.csv": "row 2, column 'country'",
    "country_not_iso.csv": "row 3, column 'country'",
    "country_user_assigned_xk.csv": "row 2, column 'country'",
    "duplicate_column.csv": "row 1, column 'neg_conflicts'",
    "duplicate_respondent_id.csv": "row 4, column 'respondent_id'",
    "empty_file.csv": "row 1",
    "header_and_blank_lines.csv": "row 2",
    "header_only.csv": "row 2",
    "likert_not_a_number.csv": "row 3, column 'neg_conflicts'",
    "likert_not_whole.csv": "row 3, column 'comm_internal_system'",
    "likert_out_of_range.csv": "row 3, column 'neg_conflicts'",
    "likert_unknown_label.csv": "row 2, column 'comm_internal_system'",
    "likert_zero.csv": "row 2, column 'comm_internal_system'",
    "long_cluster_differs.csv": "row 3, column 'cluster'",
    "long_country_differs.csv": "row 3, column 'country'",
    "long_duplicate_answer.csv": "row 4, column 'item_id'",
    "long_extra_column.csv": "row 1, column 'timestamp'",
    "long_missing_item_id.csv": "row 3, column 'item_id'",
    "long_unknown_item.csv": "row 3, column 'item_id'",
    "long_value_out_of_range.csv": "row 3, column 'value'",
    "missing_cluster_column.csv": "row 1, column 'cluster'",
    "missing_respondent_id.csv": "row 3, column 'respondent_id'",
    "registry_cluster_in_two_countries.csv": "row 4, column 'country'",
    "registry_country_mismatch.csv": "row 3, column 'country'",
    "registry_unknown_cluster.csv": "row 3, column 'cluster'",
    "too_many_fields.csv": "row 3",
    "undecodable.csv": "row 3",
    "unknown_item_column.csv": "row 1, column 'comm_typo'",
    "value_in_unnamed_column.csv": "row 3",
}


AGREE5 = ("scale 'agree5': 1 Strongly disagree, 2 Disagree, 3 Neither agree nor disagree, 4 Agree, "
          "5 Strongly agree")

# What the message says after the place, for the cases whose wording matters most to a user.
MESSAGES = {
    "likert_out_of_range.csv": f"'7' is not an answer of {AGREE5}",
    "likert_zero.csv": f"'0' is not an answer of {AGREE5}",
    "likert_not_a_number.csv": f"'often' is not an answer of {AGREE5}",
    "likert_unknown_label.csv": f"'totally agree' is not an answer of {AGREE5}",
    "likert_not_whole.csv": f"3.5 is not a whole number of {AGREE5}",
    "long_value_out_of_range.csv": f"'6' is not an answer of {AGREE5}",
    "registry_unknown_cluster.csv": f"cluster 'DE-HAM' is not in the names file {REGISTRY}",
    "registry_cluster_in_two_countries.csv": f"cluster 'DE-BER' is in country 'DE' in {REGISTRY}, not 'FR'",
    "country_lower_case.csv": "'de' is not an ISO 3166-1 alpha-2 country code (codes are upper case: 'DE')",
}


def run(capsys, data: Path, out: Path, *extra: str) -> tuple[int, list[str], str]:
    status = cli.main(["prepare", "--study", str(DATA), "--data", str(data), "--out", str(out), *extra])
    captured = capsys.readouterr()
    return status, captured.err.splitlines(), captured.out


def test_every_case_has_a_file_and_every_file_a_case():
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_fails_with_one_line_and_writes_nothing(name, tmp_path, capsys):
    data = BAD / name
    extra = ("--registry", str(REGISTRY)) if name.startswith("registry_") else ()
    out = tmp_path / "out"
    status, err, stdout = run(capsys, data, out, *extra)
    assert status == 2
    assert len(err) == 1, err
    assert err[0].startswith(f"error: {data}: {EXPECTED[name]}: "), err[0]
    if name in MESSAGES:
        assert err[0] == f"error: {data}: {EXPECTED[name]}: {MESSAGES[name]}"
    assert "Traceback" not in err[0] and stdout == ""
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # no scratch folder left beside it either


def test_the_same_rows_pass_with_the_mistake_fixed(tmp_path, capsys):
    """The cases fail for the reason named, not for something else in the file."""
    fixes = {"likert_out_of_range.csv": (",5,7", ",5,5"), "likert_unknown_label.csv": ("totally agree", "Strongly agree"),
             "likert_not_a_number.csv": ("often", "4"), "country_lower_case.csv": ("R1,de,", "R1,DE,"),
             "registry_cluster_in_two_countries.csv": ("R3,FR,DE-BER", "R3,FR,FR-PAR")}
    for name, (wrong, right) in fixes.items():
        fixed = tmp_path / name
        fixed.write_text((BAD / name).read_text().replace(wrong, right))
        extra = ("--registry", str(REGISTRY)) if name.startswith("registry_") else ()
        status, err, _ = run(capsys, fixed, tmp_path / f"out_{name}", *extra)
        assert status == 0, (name, err)


def test_a_failed_run_leaves_existing_outputs_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    assert run(capsys, DATA / "tiny.csv", out)[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    status, err, _ = run(capsys, BAD / "likert_out_of_range.csv", out)
    assert status == 2 and len(err) == 1
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize("make, fragment", [
    (lambda tmp: tmp / "nowhere.csv", "file not found"),
    (lambda tmp: tmp, "not a file"),
    (lambda tmp: _write(tmp / "survey.txt", b"respondent_id\n"), "unknown file type '.txt'"),
    (lambda tmp: _write(tmp / "broken.xlsx", b"not a zip"), "not a readable .xlsx workbook"),
    (lambda tmp: _write(tmp / "broken.sav", b"not spss"), "not a readable SPSS .sav file"),
])
def test_file_level_errors_name_the_file(make, fragment, tmp_path, capsys):
    data = make(tmp_path)
    out = tmp_path / "out"
    status, err, _ = run(capsys, data, out)
    assert status == 2 and len(err) == 1
    assert err[0].startswith(f"error: {data}: file: ") and fragment in err[0], err[0]
    assert not out.exists()


def test_unknown_encoding_is_an_input_error(tmp_path, capsys):
    status, err, _ = run(capsys, DATA / "tiny.csv", tmp_path / "out", "--encoding", "klingon")
    assert status == 2 and err == [f"error: {DATA / 'tiny.csv'}: file: unknown encoding 'klingon'"]


def test_latin1_needs_the_encoding_option(tmp_path, capsys):
    data = tmp_path / "latin1.csv"
    data.write_bytes((DATA / "responses_de_fr.csv").read_text(encoding="utf-8").encode("latin-1"))
    status, err, _ = run(capsys, data, tmp_path / "out")
    assert status == 2 and err[0].startswith(f"error: {data}: row 3: cannot be decoded as UTF-8")
    status, _, _ = run(capsys, data, tmp_path / "out", "--encoding", "latin-1")
    assert status == 0


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
