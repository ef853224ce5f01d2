"""Incremental rebuilds (batch/buildinfo.py): a rerun reuses unchanged reports; changing one
cluster's answers rebuilds that cluster's, its country's and the all-data reports only."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from clusterresearch import cli, config
from clusterresearch.batch import buildinfo, executors, kernels, record
from clusterresearch.batch.jobs import plan_jobs
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.loading import load_survey
from clusterresearch.scope import scopes
from clusterresearch.loading.source import SurveySource

STUB = Path(__file__).parent / "data" / "batch" / "scope_stub.ipynb"


def _changed_answer(source: Path, target: Path, respondent: str) -> None:
    """A copy of the responses with one answer of ``respondent`` moved by one point."""
    lines = source.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(respondent + ","):
            cells = line.rstrip("\n").split(",")
            cells[3] = "1" if cells[3] != "1" else "2"  # the first item's answer
            lines[i] = ",".join(cells) + "\n"
    target.write_text("".join(lines))


def _keys(data: Path, out: Path) -> dict[str, str]:
    survey = load_survey(data)
    options = ReproduceOptions(source=SurveySource(data_path=data), out=out, only="competencies", notebooks={"competencies": STUB})
    jobs = plan_jobs(scopes(survey), options)
    return {name: build["key"] for name, build in buildinfo.build_keys(jobs, survey, {}).items()}


def test_one_clusters_answers_change_three_keys(tmp_path):
    before = tmp_path / "before.csv"
    after = tmp_path / "after.csv"
    shutil.copy(config.RESPONSES_PATH, before)
    _changed_answer(config.RESPONSES_PATH, after, "R03")  # R03 is the manager of cluster PL03
    assert before.read_text() != after.read_text()
    old = _keys(before, tmp_path / "site")
    shutil.copy(after, before)  # the data path is a parameter: keep it, change the content
    new = _keys(before, tmp_path / "site")
    changed = sorted(name for name in old if old[name] != new[name])
    assert changed == ["confidential/competencies_cluster_PL03", "public/competencies_all",
                       "public/competencies_country_PL"]
    assert len(old) == 15


WEIGHTED = Path(__file__).parent / "data" / "studies" / "weighted"


def _study_keys(study: Path, out: Path) -> dict[str, str]:
    source = SurveySource(study_dir=study)
    survey = source.load()
    options = ReproduceOptions(source=source, out=out, only="competencies", notebooks={"competencies": STUB},
                               min_group=1)
    jobs = plan_jobs(scopes(survey), options)
    return {name: build["key"] for name, build in buildinfo.build_keys(jobs, survey, {}).items()}


def test_a_weight_or_a_psu_changes_every_key_of_a_weighted_study(tmp_path):
    """Weighted figures read the weights, and a scope's design-based intervals the design of
    the whole sample: a changed weight (or PSU) is never a reason to reuse a report."""
    study = tmp_path / "study"
    shutil.copytree(WEIGHTED, study)
    responses = study / "responses.csv"
    original = responses.read_text()
    old = _study_keys(study, tmp_path / "site")
    assert len(old) == 3  # all data, sector d, sector x
    responses.write_text(original.replace("F5,d,B,b2,3,", "F5,d,B,b2,4,"))  # F5's weight 3 -> 4
    assert _study_keys(study, tmp_path / "site").keys() == old.keys()
    assert all(new != old[name] for name, new in _study_keys(study, tmp_path / "site").items())
    responses.write_text(original.replace("F6,x,B,b3,", "F6,x,B,b2,"))  # F6 moves to F5's PSU
    assert all(new != old[name] for name, new in _study_keys(study, tmp_path / "site").items())


def test_an_optional_study_file_added_is_not_nothing_changed(tmp_path):
    """A study without areas.csv (or scales.csv) that gets one: every report reads it, so the
    run's record (the files the last run listed) must list it before it exists."""
    study = tmp_path / "study"
    shutil.copytree(WEIGHTED, study)
    assert not (study / "areas.csv").exists() and not (study / "scales.csv").exists()
    source = SurveySource(study_dir=study)
    survey = source.load()
    options = ReproduceOptions(source=source, out=tmp_path / "site", only="competencies",
                               notebooks={"competencies": STUB}, min_group=1)
    listed = buildinfo.run_inputs(plan_jobs(scopes(survey), options), survey)  # what the record keeps
    before = record.run_key(options, listed)
    (study / "areas.csv").write_text("area,title,description\nbeta,Beta first,\nalpha,Alpha second,\n")
    assert record.run_key(options, listed) != before
    (study / "areas.csv").unlink()
    (study / "scales.csv").write_text("scale,code,label,side\nagree5,1,No,disagree\nagree5,2,Yes,agree\n")
    assert record.run_key(options, listed) != before


def test_an_optional_network_file_added_is_not_nothing_changed(tmp_path):
    """The same for a network folder without network.toml or restriction files."""
    network = tmp_path / "network"
    network.mkdir()
    for name in ("actors.csv", "links.csv", "flows.csv"):
        shutil.copy(config.ROADMAP_EXAMPLE_DIR / name, network / name)
    options = ReproduceOptions(out=tmp_path / "site", only="roadmap", no_survey=True, network=network)
    listed = buildinfo.run_inputs(plan_jobs([], options), None)
    before = record.run_key(options, listed)
    for name in ("network.toml", "actor_restrictions.csv", "link_restrictions.csv"):
        shutil.copy(config.ROADMAP_EXAMPLE_DIR / name, network / name)
        assert record.run_key(options, listed) != before, name
        (network / name).unlink()


def test_a_respondent_added_elsewhere_changes_the_pages_that_count_them(tmp_path):
    """Every page's header links the other scopes with their counts ("All respondents (n =
    12)"): a respondent added to an LT cluster changes what a PL cluster's page says, though
    not its answers."""
    from clusterresearch.batch.site import navigate

    data = tmp_path / "responses.csv"
    shutil.copy(config.RESPONSES_PATH, data)

    def keys() -> dict[str, str]:
        survey = load_survey(data)
        options = ReproduceOptions(source=SurveySource(data_path=data), out=tmp_path / "site", only="competencies",
                                   notebooks={"competencies": STUB})
        jobs = navigate(plan_jobs(scopes(survey), options))
        return {name: build["key"] for name, build in buildinfo.build_keys(jobs, survey, {}).items()}

    old = keys()
    last = data.read_text().splitlines()[-1]
    assert last.startswith("R12,LT,")
    with data.open("a") as file:
        file.write("R13" + last[3:] + "\n")
    new = keys()
    assert new["confidential/competencies_cluster_PL01"] != old["confidential/competencies_cluster_PL01"]
    assert new.keys() == old.keys()


def _recording(tmp_path, monkeypatch):
    """argv of a reproduce of the stub notebook on LT's six scopes of a copy of the responses,
    its --out, and the list each run's jobs are added to (by stem)."""
    for key, value in kernels.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(config, "COMPETENCIES_NOTEBOOK", STUB)
    ran: list[list[str]] = []
    real = executors.run_local

    def recording(jobs, *args, **kwargs):
        ran.append(sorted(job.stem for job in jobs))
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(executors, "run_local", recording)
    data = tmp_path / "responses.csv"
    shutil.copy(config.RESPONSES_PATH, data)
    out = tmp_path / "site"
    argv = ["reproduce", "--data", str(data), "--out", str(out), "--only", "competencies", "--jobs", "1",
            "--group", "country=LT", "--no-progress"]
    return argv, out, ran


def test_rerun_reuses_and_force_rebuilds(tmp_path, monkeypatch, capsys):
    argv, out, ran = _recording(tmp_path, monkeypatch)
    data = tmp_path / "responses.csv"
    everything = ["competencies_cluster_LT01", "competencies_cluster_LT02", "competencies_cluster_LT03",
                  "competencies_cluster_LT04", "competencies_cluster_LT05", "competencies_country_LT"]

    assert cli.main(argv) == 0
    assert ran == [everything]
    site = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.suffix in (".html", ".csv") and p.name != "index.csv"
            and p.relative_to(out).as_posix() != "index.html"}  # the local overview shows timings
    assert len([name for name in site if name.endswith("table.csv")]) == 6

    # nothing changed: no notebook runs, no worker starts, the same site
    assert cli.main(argv) == 0
    assert len(ran) == 1
    assert {name: (out / name).read_bytes() for name in site} == site
    rows = json.loads((out / "index.json").read_text())["reports"]
    assert [r["status"] for r in rows] == ["done"] * 6
    public_record = (out / "public" / ".build.json").read_text()
    assert str(tmp_path) not in public_record and "inputs" not in public_record  # published as it is
    assert str(tmp_path) in (out / "confidential" / ".build.json").read_text()

    # the same rerun as a process of its own ends on the run's record, before reading the survey
    script = (f"import sys; from pathlib import Path\nimport clusterresearch.config as c\n"
              f"c.COMPETENCIES_NOTEBOOK = Path({str(STUB)!r})\nfrom clusterresearch import cli\n"
              f"code = cli.main({argv!r})\n"
              "print('IMPORTED', code, sorted(m for m in ('papermill', 'nbclient', 'nbconvert', 'jupyter_client', "
              "'ipykernel', 'matplotlib', 'networkx', 'pandas', 'numpy') if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "IMPORTED 0 []" in done.stdout, done.stdout + done.stderr
    assert "nothing changed since the last run" in done.stderr
    assert {name: (out / name).read_bytes() for name in site} == site

    # one answer of the manager of LT02 changes (R09): LT02's and LT's reports only
    respondent = next(line.split(",")[0] for line in data.read_text().splitlines() if ",LT,LT02," in line)
    _changed_answer(config.RESPONSES_PATH, data, respondent)
    assert cli.main(argv) == 0
    assert ran[-1] == ["competencies_cluster_LT02", "competencies_country_LT"]
    assert (out / "confidential/competencies_cluster_LT02_files/table.csv").read_bytes() != \
        site["confidential/competencies_cluster_LT02_files/table.csv"]

    # --force rebuilds all
    assert cli.main(argv + ["--force"]) == 0
    assert ran[-1] == everything
    capsys.readouterr()


def test_force_is_documented_in_help(capsys):
    try:
        cli.main(["reproduce", "--help"])
    except SystemExit:
        pass
    text = " ".join(capsys.readouterr().out.split())
    assert "--force" in text and "rebuild every report" in text and "(default: off)" in text


def test_build_keys_of_a_roadmap_report_without_a_survey(shipped_survey, tmp_path):
    """`reproduce --only roadmap --no-survey` plans one roadmap report that reads no survey."""
    from clusterresearch.batch.buildinfo import build_keys
    from clusterresearch.batch.jobs import NO_SURVEY, plan_jobs
    from clusterresearch.batch.runner import ReproduceOptions
    from clusterresearch.scope import scopes

    jobs = plan_jobs(scopes(shipped_survey), ReproduceOptions(out=tmp_path, only="roadmap", no_survey=True))
    assert [j.scope for j in jobs] == [NO_SURVEY]
    keys = build_keys(jobs, shipped_survey, {})
    assert len(keys) == len(jobs) and keys[f"public/{jobs[-1].stem}"]["inputs"]["scope answers"] == ""


def _record_run(tmp_path, monkeypatch):
    """A run of the stub notebook on LT's six scopes; returns (argv, out, the jobs each run ran)."""
    argv, out, ran = _recording(tmp_path, monkeypatch)
    assert cli.main(argv) == 0
    assert len(ran[0]) == 6 and (out / record.RECORD).is_file()
    return argv, out, ran


def test_the_record_ends_a_rerun_only_when_nothing_changed(tmp_path, monkeypatch, capsys):
    argv, out, ran = _record_run(tmp_path, monkeypatch)
    capsys.readouterr()
    assert cli.main(argv) == 0
    assert len(ran) == 1 and "nothing changed since the last run" in capsys.readouterr().err

    # a report's page deleted: the record does not stand, the per-report reuse builds that one
    (out / "confidential" / "competencies_cluster_LT03.html").unlink()
    assert cli.main(argv) == 0
    assert ran[-1] == ["competencies_cluster_LT03"]
    assert "nothing changed" not in capsys.readouterr().err

    # a report's figures (its _files folder) deleted: the same, that report is built again
    (out / "confidential" / "competencies_cluster_LT02_files" / "table.csv").unlink()
    assert cli.main(argv) == 0
    assert ran[-1] == ["competencies_cluster_LT02"]
    assert "nothing changed" not in capsys.readouterr().err
    assert (out / "confidential" / "competencies_cluster_LT02_files" / "table.csv").is_file()

    # an option that shapes the pages: the record does not stand; the public report is rebuilt
    # (confidential ones mask nothing, so their parameters are the same)
    assert cli.main(argv + ["--min-group", "4"]) == 0
    assert ran[-1] == ["competencies_country_LT"]
    assert cli.main(argv + ["--min-group", "4"]) == 0 and len(ran) == 4  # the new record stands
    assert "nothing changed since the last run" in capsys.readouterr().err
    # the notebook is another file with the same bytes: a config path the record keys on
    notebook = tmp_path / "stub.ipynb"
    shutil.copy(STUB, notebook)
    monkeypatch.setattr(config, "COMPETENCIES_NOTEBOOK", notebook)  # the same bytes, another file
    assert cli.main(argv + ["--min-group", "4"]) == 0
    assert "nothing changed" not in capsys.readouterr().err


def test_a_failed_run_leaves_no_record(tmp_path, monkeypatch, capsys):
    argv, out, ran = _record_run(tmp_path, monkeypatch)

    def failing(jobs, *args, **kwargs):
        results = real(jobs, *args, **kwargs)
        return [replace(r, status="failed", error="boom") if r.stem.endswith("LT02") else r for r in results]

    from dataclasses import replace
    real = executors.run_local
    monkeypatch.setattr(executors, "run_local", failing)
    assert cli.main(argv + ["--force"]) == 1
    assert not (out / record.RECORD).exists()
    capsys.readouterr()
    monkeypatch.setattr(executors, "run_local", real)
    assert cli.main(argv) == 0  # not ended by a record: LT02's report is built again
    assert "nothing changed" not in capsys.readouterr().err
    assert (out / record.RECORD).is_file()
