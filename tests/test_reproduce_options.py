"""reproduce's own-notebook and no-survey options: bad values are one-line errors (exit 2)."""

from __future__ import annotations

import pytest

from clusterresearch import cli


@pytest.mark.parametrize("args, said", [
    (["--notebook", "survey=x.ipynb"], "--notebook: survey=x.ipynb: must be NAME=PATH with NAME one of competencies, roadmap"),
    (["--notebook", "competencies"], "--notebook: competencies: must be NAME=PATH"),
    (["--notebook", "competencies={missing}"], "{missing}: file: notebook not found"),
    (["--no-survey"], "--no-survey: option: builds the roadmap report without a survey only; add --only roadmap"),
    (["--only", "roadmap", "--no-survey", "--group", "country=PL"], "names a survey group but no survey was given"),
])
def test_bad_options_are_one_line_errors(tmp_path, capsys, args, said):
    missing = tmp_path / "missing.ipynb"
    args = [a.replace("{missing}", str(missing)) for a in args]
    status = cli.main(["reproduce", "--out", str(tmp_path / "site"), "--no-progress", *args])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2 and len(err) == 1, err
    assert said.replace("{missing}", str(missing)) in err[0]
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("argv, where", [
    (["reproduce", "--min-group", "abc"], "--min-group: invalid int value: 'abc'"),
    (["prepare", "--format", "bogus"], "--format: invalid choice: 'bogus'"),
    (["prepare", "--nosuch"], "clusterresearch: unrecognized arguments: --nosuch"),
    (["init"], "clusterresearch init: the following arguments are required: dir, --from"),
])
def test_a_bad_option_is_one_error_line(argv, where, capsys):
    """argparse's own errors are said as every other: one line, exit status 2, no usage block."""
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"error: {where}"), err
