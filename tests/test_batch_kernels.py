"""Warm kernels (batch/kernels.py): forked from one template per process, yet each report
starts from a fresh interpreter state, and one report's crash stays its own.

tests/data/batch/state.ipynb prints the state it starts with (globals, a patched module,
rcParams, working folder, environment, open figures, ...), draws a figure, then does what
its ``action`` says. Every run here happens in this process with one template, as the
reports of a ``reproduce`` run do.
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from pathlib import Path

import pytest

from clusterresearch import preload
from clusterresearch.batch import kernels, worker
from clusterresearch.batch.jobs import Job
from clusterresearch.loading.source import SurveySource

DATA = Path(__file__).parent / "data" / "batch"
STATE = DATA / "state.ipynb"

pytestmark = pytest.mark.skipif(not kernels.supported(), reason="fork-based kernels need Linux (fork, pidfd)")


def _job(folder: Path, action: str) -> Job:
    folder.mkdir(parents=True, exist_ok=True)
    return Job(notebook="state", scope="all", group="all", n=1, visibility="public", min_cell=0,
               input_path=str(STATE), stem="state", output_notebook=str(folder / "state.ipynb"),
               output_html=str(folder / "state.html"), output_dir=str(folder),
               parameters={"action": action, "output_dir": str(folder)})


def _outputs(job: Job) -> list:
    nb = json.loads(Path(job.output_notebook).read_text())
    return [cell.get("outputs") for cell in nb["cells"] if cell["cell_type"] == "code"
            and not {"parameters", "injected-parameters"} & set(cell["metadata"].get("tags", []))]


def _observed(job: Job) -> dict:
    text = _outputs(job)[0][0]["text"]  # the first cell after the parameters prints the state
    return json.loads(text if isinstance(text, str) else "".join(text))


@pytest.fixture
def env(monkeypatch):
    for key, value in kernels.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    kernels.close_templates()
    yield
    kernels.close_templates()


def test_each_report_starts_fresh_and_fails_alone(tmp_path, env):
    warm = worker.RunSettings(warm=True, execution_timeout=20)
    run = lambda action, settings=warm: (job := _job(tmp_path / action, action), worker.run_job(job, settings))  # noqa: E731

    polluter, result = run("pollute")
    assert result.status == "done", result.error
    assert len(kernels._templates) == 1
    template = next(iter(kernels._templates.values()))
    first_kernel_template = template.process.pid
    assert _outputs(polluter)[2][0]["text"] in ("action: pollute\n", ["action: pollute\n"])

    # the next report in the same worker sees none of it
    second, result = run("observe")
    assert result.status == "done", result.error
    seen = _observed(second)
    assert seen == _observed(polluter)
    assert seen["global LEAK"] is False and seen["statistics.median patched"] is False and seen["config patched"] is False
    assert seen["rcParams lines.linewidth"] == 1.5 and seen["open figures"] == []
    assert seen["cwd"] == "batch" and seen["env CR_LEAK"] is None and seen["module leaky_module"] is False

    # a dying kernel, a timeout and a failing cell each fail their own report only
    for action, reason in (("die", "Kernel died"), ("hang", "Timeout"), ("fail", "RuntimeError: this report fails")):
        _, result = run(action, worker.RunSettings(warm=True, execution_timeout=3) if action == "hang" else warm)
        assert result.status == "failed" and reason.lower() in result.error.lower(), (action, result.error)
        # the signal that ended the kernel is named (os.kill(pid, 9) here); memory only for SIGKILL
        assert ("killed by SIGKILL" in result.error) == (action == "die"), (action, result.error)
        assert ("out-of-memory" in result.error) == (action == "die"), (action, result.error)
    after, result = run("observe")
    assert result.status == "done", result.error
    assert _outputs(after) == _outputs(second)

    # still the one template: the reports above were forked from it, not started fresh
    assert [t.process.pid for t in kernels._templates.values()] == [first_kernel_template]

    # outputs byte-identical to a fresh kernel's (papermill's default: a new interpreter)
    fresh, result = run("observe", worker.RunSettings(warm=False))
    assert result.status == "done", result.error
    assert json.dumps(_outputs(fresh)) == json.dumps(_outputs(second))
    assert Path(fresh.output_html).read_bytes() == Path(second.output_html).read_bytes()


def test_kernel_processes_end_with_their_report(tmp_path, env):
    job = _job(tmp_path / "a", "observe")
    assert worker.run_job(job, worker.RunSettings(warm=True)).status == "done"
    template = next(iter(kernels._templates.values()))
    deadline = time.time() + 10
    children = []
    while time.time() < deadline:
        children = [p for p in Path(f"/proc/{template.process.pid}/task").glob("*/children")
                    if p.read_text().strip()]
        if not children:
            break
        time.sleep(0.1)
    assert not children  # the kernel exited and the template reaped it
    kernels.close_templates()
    template.process.wait(timeout=10)  # EOF on its stdin ends the template


def test_preloaded_study_is_handed_out_once(tmp_path):
    from clusterresearch import config, loading

    call = lambda path: json.dumps({"func": preload.SURVEY_LOAD, "path": str(path), "kwargs": {"study": None}})  # noqa: E731
    preload.clear()
    try:
        assert preload.make([call(config.RESPONSES_PATH)]) == [True]
        load_survey = loading.load_survey  # what the library's modules call now, in this process
        first = load_survey(config.RESPONSES_PATH, study=None)  # the preloaded object
        second = load_survey(config.RESPONSES_PATH)             # read anew: nobody shares the first
        assert first is not second
        assert first.answers.equals(second.answers)
        assert preload.calls([]) == ()
        # a file changed after preloading is read again
        copy = tmp_path / "responses.csv"
        copy.write_bytes(config.RESPONSES_PATH.read_bytes())
        assert preload.make([call(copy)]) == [True]
        os.utime(copy, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert len(preload._store) == 1
        kept = next(iter(preload._store.values()))[1]
        assert load_survey(copy) is not kept  # its file changed since: read anew, the kept one dropped
        assert not preload._store
    finally:
        preload.clear()


@pytest.mark.parametrize("how", [{}, {"data_format": "wide", "responses": "all"}])
def test_each_report_takes_what_the_template_preloaded(tmp_path, how):
    """The calls reproduce preloads are the calls the notebooks make: a report built from
    its job's parameters takes the preloaded survey (and roadmap model), loading nothing,
    whatever --format and --responses say."""
    from clusterresearch import config
    from clusterresearch.batch import jobs as jobs_module
    from clusterresearch.batch.runner import ReproduceOptions, _validate
    from clusterresearch.competencies import SurveyReport
    from clusterresearch.loading import load_survey
    from clusterresearch.roadmap.report import RoadmapReport
    from clusterresearch.scope import scopes

    options = _validate(ReproduceOptions(out=tmp_path / "site", source=SurveySource(study_dir=config.RAW_DIR, **how)))
    planned = jobs_module.plan_jobs(scopes(load_survey(None, study=config.RAW_DIR)), options)
    for notebook, build in (("competencies", SurveyReport.from_parameters), ("roadmap", RoadmapReport.from_parameters)):
        job = next(j for j in planned if j.notebook == notebook and j.group == "PL")
        preload.clear()
        try:
            calls = preload.calls([job])
            assert preload.make(calls) == [True] * len(calls)
            build(**{**job.parameters, "output_dir": str(tmp_path / notebook)})
            assert preload._store == {}, f"{notebook}: a preloaded value was not taken"
        finally:
            preload.clear()


FAKE_TEMPLATE = """import json, os, sys, time
fd = int(sys.argv[1])
for line in iter(sys.stdin.readline, ""):
    request = json.loads(line)
    if "preload" in request:
        continue
    if request["argv"][0] == "slow":
        time.sleep(3)
    if request["argv"][0] == "stale":  # an answer to an earlier request first
        os.write(fd, (json.dumps({"id": request["id"] - 1, "pid": 1}) + "\\n").encode())
    os.write(fd, (json.dumps({"id": request["id"], "pid": 1000 + request["id"]}) + "\\n").encode())
"""


def test_a_reply_is_read_only_as_the_answer_to_its_own_request(monkeypatch):
    """Requests carry ids: a late or stale reply is never taken for another request's, and a
    template that does not answer in time is killed and replaced."""
    monkeypatch.setattr(kernels, "TEMPLATE_MAIN", FAKE_TEMPLATE)
    monkeypatch.setattr(kernels, "FIRST_REPLY_TIMEOUT", 60)
    kernels.close_templates()
    try:
        first = kernels.template(sys.executable)
        assert first.fork(["stale"], {}, None) == 1001  # the stale answer (id 0) is skipped
        assert first.fork(["fast"], {}, None) == 1002
        monkeypatch.setattr(kernels, "REPLY_TIMEOUT", 0.5)
        with pytest.raises(RuntimeError, match="did not answer"):
            first.fork(["slow"], {}, None)
        assert not first.alive()  # gone: its late answer is never read
        with pytest.raises(RuntimeError, match="gone"):
            first.fork(["fast"], {}, None)
        second = kernels.template(sys.executable)
        assert second is not first and second.fork(["fast"], {}, None) == 1001
    finally:
        kernels.close_templates()


def test_a_kernel_that_cannot_start_says_why_once_and_stops_the_run(tmp_path, monkeypatch, capsys):
    """The kernel's own import fails (here: a broken ipykernel_launcher first on the path):
    the first report names the real error in one line and the others are not run."""
    from clusterresearch import cli, config

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "ipykernel_launcher.py").write_text("raise ImportError('boom: the kernel cannot import')\n")
    for key, value in kernels.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PYTHONPATH", str(broken))
    monkeypatch.setattr(worker, "RETRY_SLEEP", (0.0, 0.0))
    kernels.close_templates()
    code = cli.main(["reproduce", "--study", str(config.RAW_DIR), "--out", str(tmp_path / "site"), "--only",
                     "competencies", "--jobs", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1
    failed = [line for line in err.splitlines() if line.startswith("failed:")]
    assert len(failed) == 1 and "ImportError: boom: the kernel cannot import" in failed[0], err
    # with one thread the next report may have started before the first failed: its error is
    # not repeated
    assert len(re.findall("ImportError", err)) == 1 and "out of memory" not in err, err
    assert re.search(r"not run: 1[34] reports", err), err
