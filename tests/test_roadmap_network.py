"""Validation of a network folder: each bad file gives one line naming file, row and column,
exit status 2, and nothing written."""

import shutil
from pathlib import Path

import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.cli import main
from clusterresearch.errors import InputError
from clusterresearch.roadmap.folder import (
    ACTOR_COLUMNS, FLOW_COLUMNS, LINK_COLUMNS, ACTOR_RESTRICTION_COLUMNS, LINK_RESTRICTION_COLUMNS, load_network,
)

CORPUS = Path(__file__).parent / "data" / "roadmap"
GOOD = CORPUS / "good"
CASES = pd.read_csv(CORPUS / "bad_cases.csv", dtype=str, keep_default_na=False)


def folder_with(tmp_path: Path, case: str | None = None) -> Path:
    """The good network with the bad case's file put in its place."""
    folder = tmp_path / "network"
    shutil.copytree(GOOD, folder)
    if case:
        for bad in (CORPUS / "bad" / case).iterdir():
            shutil.copy(bad, folder / bad.name)
    return folder


def run_cli(folder: Path, out: Path, *extra) -> int:
    return main(["roadmap", "--network", str(folder), "--out", str(out), *extra])


def test_the_good_network_loads():
    net = load_network(GOOD)
    assert list(net.actors["actor_id"]) == ["CDC", "A", "B", "MIN"]
    assert net.cdc == "CDC" and net.it_actor is None
    assert net.links["retention"].dtype == "float64" and len(net.flows) == 3
    assert len(net.actor_restrictions) == 1 and len(net.link_restrictions) == 1
    assert [p.name for p in net.files] == ["actors.csv", "links.csv", "flows.csv", "actor_restrictions.csv",
                                           "link_restrictions.csv"]


def test_every_bad_case_has_its_folder():
    assert sorted(CASES["case"]) == sorted(p.name for p in (CORPUS / "bad").iterdir())


@pytest.mark.parametrize("case,file,where,message", CASES.itertuples(index=False, name=None), ids=list(CASES["case"]))
def test_bad_file_gives_one_line_and_exit_2(tmp_path, capsys, case, file, where, message):
    folder = folder_with(tmp_path, case)
    out = tmp_path / "out"
    assert run_cli(folder, out) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    prefix = f"error: {folder / file}: {where}: "
    assert err.startswith(prefix), err
    assert message in err, err
    assert not out.exists()


@pytest.mark.parametrize("missing", ["actors.csv", "links.csv", "flows.csv"])
def test_missing_required_file(tmp_path, capsys, missing):
    folder = folder_with(tmp_path)
    (folder / missing).unlink()
    assert run_cli(folder, tmp_path / "out") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {folder / missing}: file: file not found")
    assert not (tmp_path / "out").exists()


def test_network_that_is_not_a_folder(tmp_path, capsys):
    assert run_cli(tmp_path / "nowhere", tmp_path / "out") == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'nowhere'}: file: not a folder")


def test_restriction_files_are_optional_and_may_hold_only_their_header(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "link_restrictions.csv").unlink()
    (folder / "actor_restrictions.csv").write_text(",".join(ACTOR_RESTRICTION_COLUMNS) + "\n")
    net = load_network(folder)
    assert net.actor_restrictions.empty and net.link_restrictions.empty


def test_bom_blank_lines_extra_columns_and_spaces_are_accepted(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "actors.csv").write_bytes(
        "\ufeffactor_id, name ,type,note\n CDC ,Centre,cdc,x\n\nA,,enterprise_large,\nB,B,enterprise_small,\nMIN,M,public_authority,\n".encode()
    )
    net = load_network(folder)
    assert list(net.actors["actor_id"]) == ["CDC", "A", "B", "MIN"]
    assert net.actors.loc[1, "name"] == "A"  # an empty name falls back to the id


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(tmp_path):
    folder = folder_with(tmp_path)
    (folder / "flows.csv").write_text("source,target,kind,volume\nMIN,A,communication,1\n\nMIN,B,communication,-1\n")
    with pytest.raises(InputError) as info:
        load_network(folder)
    assert info.value.where == "row 4, column 'volume'"


def test_not_utf8(tmp_path, capsys):
    folder = folder_with(tmp_path)
    (folder / "actors.csv").write_bytes("actor_id,name,type\nCDC,Centre d\xe9veloppement,cdc\n".encode("latin-1"))
    assert run_cli(folder, tmp_path / "out") == 2
    assert "cannot be decoded as UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize("flag,value,fragment", [
    ("--platform-retention", "1.5", "must be a number in (0, 1]"),
    ("--platform-retention", "0", "must be a number in (0, 1]"),
    ("--platform-delay", "-1", "must be a number of days >= 0"),
    ("--relay-retention", "nan", "must be a number in (0, 1]"),
])
def test_bad_parameters_exit_2(tmp_path, capsys, flag, value, fragment):
    assert run_cli(GOOD, tmp_path / "out", flag, value) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {flag}: ") and fragment in err
    assert not (tmp_path / "out").exists()


def test_unknown_survey_cluster_exits_2(tmp_path, capsys):
    assert run_cli(GOOD, tmp_path / "out", "--data", str(config.RESPONSES_PATH), "--cluster", "XX99") == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {config.RESPONSES_PATH}: column 'cluster': no respondent in group 'XX99'")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("flag", ["--cluster", "--country"])
def test_a_survey_group_without_a_survey_exits_2(tmp_path, capsys, flag):
    assert run_cli(GOOD, tmp_path / "out", flag, "PL01") == 2
    err = capsys.readouterr().err
    column = flag.lstrip("-")
    assert err.startswith(f"error: --group {column}=PL01: value 'PL01': names a survey group but no survey was given")
    assert err.count("\n") == 1 and not (tmp_path / "out").exists()


def test_never_writes_under_data_raw(capsys):
    target = config.ROADMAP_DIR / "output_here"
    assert run_cli(GOOD, target) == 2
    assert "data/raw is immutable" in capsys.readouterr().err
    assert not target.exists()


def test_template_headers_are_the_loaders_columns():
    template = config.ROADMAP_DIR / "template"
    expected = {
        "actors.csv": ACTOR_COLUMNS, "links.csv": LINK_COLUMNS, "flows.csv": FLOW_COLUMNS,
        "actor_restrictions.csv": ACTOR_RESTRICTION_COLUMNS, "link_restrictions.csv": LINK_RESTRICTION_COLUMNS,
    }
    readme = (template / "README.md").read_text(encoding="utf-8")
    for name, columns in expected.items():
        assert (template / name).read_text(encoding="utf-8").strip() == ",".join(columns)
        for column in columns:
            assert f"`{column}`" in readme, (name, column)
