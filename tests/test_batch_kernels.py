"""Warm kernels (batch/kernels.py): forked from one template per worker, yet each report
starts from a fresh interpreter state, and one report's crash stays its own.

tests/data/batch/state.ipynb prints the state it starts with (globals, a patched module,
rcParams, working folder, environment, open figures, ...), draws a figure, then does what
its ``action`` says. Every run here happens in this process, i.e. in one worker with one
template, as consecutive reports of a worker do.
"""

from __future__ import annotations

import json
import os
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
    for key, value in worker.KERNEL_ENV.items():
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
    from clusterresearch import config
    from clusterresearch.loading import load_survey

    call = lambda path: json.dumps({"func": kernels.SURVEY_LOAD, "path": str(path), "kwargs": {"study": None}})  # noqa: E731
    preload.clear()
    try:
        assert preload.preload_calls([call(config.RESPONSES_PATH)]) == [True]
        first = load_survey(config.RESPONSES_PATH, study=None)  # the preloaded object
        second = load_survey(config.RESPONSES_PATH)             # read anew: nobody shares the first
        assert first is not second
        assert first.answers.equals(second.answers)
        assert kernels.preload_calls([]) == ()
        # a file changed after preloading is read again
        copy = tmp_path / "responses.csv"
        copy.write_bytes(config.RESPONSES_PATH.read_bytes())
        assert preload.preload_calls([call(copy)]) == [True]
        os.utime(copy, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert len(preload._store) == 1
        load_survey(copy)
        assert len(preload._store) == 1  # not taken: its key no longer matches the file
    finally:
        preload.clear()


def test_each_report_takes_what_the_template_preloaded(tmp_path):
    """The calls reproduce preloads are the calls the notebooks make: a report built from
    its job's parameters takes the preloaded survey (and roadmap model), loading nothing."""
    from clusterresearch import config
    from clusterresearch.batch import jobs as jobs_module
    from clusterresearch.batch.runner import ReproduceOptions, _validate
    from clusterresearch.competencies import SurveyReport
    from clusterresearch.loading import load_survey
    from clusterresearch.roadmap.report import RoadmapReport
    from clusterresearch.scope import scopes

    options = _validate(ReproduceOptions(out=tmp_path / "site", source=SurveySource(study_dir=config.RAW_DIR)))
    planned = jobs_module.plan_jobs(scopes(load_survey(None, study=config.RAW_DIR)), options)
    for notebook, build in (("competencies", SurveyReport.from_parameters), ("roadmap", RoadmapReport.from_parameters)):
        job = next(j for j in planned if j.notebook == notebook and j.group == "PL")
        preload.clear()
        try:
            calls = kernels.preload_calls([job])
            assert preload.preload_calls(calls) == [True] * len(calls)
            build(**{**job.parameters, "output_dir": str(tmp_path / notebook)})
            assert preload._store == {}, f"{notebook}: a preloaded value was not taken"
        finally:
            preload.clear()


def test_one_template_serves_every_worker_of_a_run_and_its_loss_is_survived(tmp_path, env):
    """reproduce starts one template for the run (kernels.SharedTemplate); each worker
    connects to it. Its kernels start as fresh as a worker's own template's, and a worker
    whose run template is gone starts its own."""
    shared = kernels.SharedTemplate(kernels.kernel_python("python3"), kernels.template_env())
    settings = worker.RunSettings(warm=True, execution_timeout=20, template_socket=shared.path)
    kernels.use_shared(shared.path)
    try:
        polluter, observer = _job(tmp_path / "a", "pollute"), _job(tmp_path / "b", "observe")
        assert shared.listening()
        assert worker.run_job(polluter, settings).status == "done"
        first_connection = kernels._templates.pop(("shared", shared.path))  # as if another worker connected
        assert worker.run_job(observer, settings).status == "done"
        assert list(kernels._templates) == [("shared", shared.path)]     # no worker template was started
        assert _observed(observer) == _observed(polluter)
        first_connection.close()

        shared.close()  # the run's template is gone: the next report starts a template of its own
        after = _job(tmp_path / "c", "observe")
        result = worker.run_job(after, settings)
        assert result.status == "done", result.error
        assert any(isinstance(t, kernels.Template) for t in kernels._templates.values())
        assert _observed(after) == _observed(polluter)
    finally:
        kernels.use_shared(None)
        shared.close()
