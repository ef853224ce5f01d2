"""Incremental rebuilds (batch/buildinfo.py): a rerun reuses unchanged reports; changing one
cluster's answers rebuilds that cluster's, its country's and the all-data reports only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clusterresearch import cli, config
from clusterresearch.batch import buildinfo, runner, worker
from clusterresearch.loading import load_survey

DATA = Path(__file__).parent / "data" / "batch"


def _site_files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".csv") and p.name != "index.csv"}


def test_rebuilds_only_what_changed(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(config, "COMPETENCIES_NOTEBOOK", DATA / "competencies_stub.ipynb")
    for key, value in worker.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    ran: list[list[str]] = []
    real = runner.run_local

    def recording(jobs, *args, **kwargs):
        ran.append(sorted(job.stem for job in jobs))
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(runner, "run_local", recording)
    data = tmp_path / "responses.csv"
    shutil.copy(DATA / "responses.csv", data)
    out = tmp_path / "site"
    argv = ["reproduce", "--data", str(data), "--out", str(out), "--only", "competencies", "--jobs", "1",
            "--min-group", "2", "--no-progress"]

    assert cli.main(argv) == 0
    everything = ["competencies_all", "competencies_cluster_K1", "competencies_cluster_K3",
                  "competencies_cluster_b-8aba981f", "competencies_country_LT", "competencies_country_PL"]
    assert ran == [everything]
    first = _site_files(out)

    # nothing changed: nothing runs, the site is the same
    assert cli.main(argv) == 0
    assert ran[-1:] == [everything] and len(ran) == 1
    assert _site_files(out) == first
    rows = json.loads((out / "index.json").read_text())["reports"]
    assert [r["status"] for r in rows] == ["done"] * 6

    # one answer of cluster K1 (country PL) changes
    text = data.read_text().replace("r1,PL,K1,comm_tools,4", "r1,PL,K1,comm_tools,1")
    assert text != data.read_text()
    data.write_text(text)
    assert cli.main(argv) == 0
    assert ran[-1] == ["competencies_all", "competencies_cluster_K1", "competencies_country_PL"]

    # --force rebuilds all
    assert cli.main(argv + ["--force"]) == 0
    assert ran[-1] == everything
    capsys.readouterr()


def test_scope_digest_sees_only_the_scope(tmp_path):
    data = tmp_path / "responses.csv"
    shutil.copy(DATA / "responses.csv", data)
    before = load_survey(data)
    data.write_text(data.read_text().replace("r4,LT,K3,comm_tools,3", "r4,LT,K3,comm_tools,5"))
    after = load_survey(data)
    changed = {(scope, group) for scope, group in [("all", "all"), ("country", "PL"), ("country", "LT"),
                                                    ("cluster", "K1"), ("cluster", "K3"), ("cluster", "<b>&")]
               if buildinfo.scope_digest(before, scope, group) != buildinfo.scope_digest(after, scope, group)}
    assert changed == {("all", "all"), ("country", "LT"), ("cluster", "K3")}


def test_force_is_documented_in_help(capsys):
    try:
        cli.main(["reproduce", "--help"])
    except SystemExit:
        pass
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text and "rebuild every report" in text and "(default: off)" in text
