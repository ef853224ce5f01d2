"""reproduce end to end on tiny notebooks (tests/data/batch): local processes, Dask, determinism.

The batch study (tests/data/batch: study.toml, one item, four respondents) holds the awkward
cases (a cluster id with HTML in it, groups of one); one run uses the shipped study in
data/raw, the default. Kept quick: each real kernel run costs about a second; the whole file
runs about a dozen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterresearch import cli, config
from clusterresearch.batch import kernels, worker
from clusterresearch.batch.jobs import plan_jobs
from clusterresearch.batch.runner import ReproduceOptions, _check_kernel, reproduce
from clusterresearch.errors import InputError
from clusterresearch.loading import load_survey
from clusterresearch.scope import scopes
from clusterresearch.loading.source import SurveySource

DATA = Path(__file__).parent / "data" / "batch"   # the batch study folder and stub notebooks
RESPONSES = DATA / "responses.csv"
NETWORK = DATA / "network"  # a valid network (reproduce reads it before any job), not the worked example
STUBS = {"competencies": DATA / "competencies_stub.ipynb", "roadmap": DATA / "roadmap_stub.ipynb"}


def _index(out: Path) -> dict[tuple[str, str, str], dict]:
    rows = json.loads((out / "index.json").read_text())["reports"]
    return {(r["notebook"], r["scope"], r["group"]): r for r in rows}


def _use_stubs(monkeypatch, competencies=STUBS["competencies"]):
    monkeypatch.setattr(config, "COMPETENCIES_NOTEBOOK", competencies)
    monkeypatch.setattr(config, "ROADMAP_NOTEBOOK", STUBS["roadmap"])
    for key, value in kernels.KERNEL_ENV.items():  # run_job sets these (setdefault); undo after the test
        monkeypatch.setenv(key, value)


def test_local_run_one_failure_keeps_going(tmp_path, monkeypatch, capsys):
    _use_stubs(monkeypatch)
    out = tmp_path / "reports"
    code = cli.main(["reproduce", "--study", str(DATA), "--network", str(NETWORK), "--out", str(out),
                     "--jobs", "2", "--group", "country=PL", "--min-group", "2", "--no-progress"])
    assert code == 1
    std = capsys.readouterr()
    assert std.out.strip() == str(out / "public" / "index.html")
    err = std.err
    assert "reproduce: 6 reports in " in err and ": 4 public, 1 confidential, 1 failed." in err
    assert f"Open {out / 'public' / 'index.html'}" in err
    assert "failed: roadmap cluster <b>&: ValueError: no network for cluster <b>& <script> (cell [" in err
    assert err.count("failed: ") == 1

    index = _index(out)
    assert len(index) == 6  # 2 notebooks x (country PL, clusters <b>& and K1)
    bad = index[("roadmap", "cluster", "<b>&")]
    assert bad["status"] == "failed" and bad["visibility"] == "confidential"
    assert (out / bad["ipynb"]).is_file()  # the executed notebook is kept, with its traceback
    kept = json.loads((out / bad["ipynb"]).read_text())
    assert any(o.get("ename") == "ValueError" for c in kept["cells"] for o in c.get("outputs", []))
    assert all(r["status"] == "done" for k, r in index.items() if k != ("roadmap", "cluster", "<b>&"))

    page = (out / "index.html").read_text()
    assert "<b>&" not in page and "<script>" not in page and "&lt;b&gt;&amp;" in page
    assert "Batch test study" in page  # the study's title, from its study.toml

    # privacy: n=1 group in confidential/ (kept out of git), public tables mask small cells
    assert index[("competencies", "cluster", "<b>&")]["html"].startswith("confidential/")
    assert (out / "confidential" / ".gitignore").read_text() == "*\n"
    public = index[("competencies", "country", "PL")]
    assert public["html"] == "public/competencies_country_PL.html"
    table = (out / "public" / "competencies_country_PL_files" / "table.csv").read_text()
    assert table == "cluster,n\n<b>&,<2\nK1,2\n"
    confidential_table = (out / "confidential" / "competencies_cluster_b-8aba981f_files" / "table.csv").read_text()
    assert confidential_table == "cluster,n\n<b>&,1\n"

    # HTML: code hidden, outputs shown, titles escaped
    html = (out / public["html"]).read_text()
    assert "CODE-MARKER-SOURCE" not in html and "respondents: 3" in html
    assert "<td>&lt;b&gt;&amp;</td>" in html
    assert "<title>Survey report: Country PL (n = 3) — Batch test study</title>" in html

    # --with-code keeps the code: same exporter settings the workers use
    import nbformat

    nb = nbformat.read(out / public["ipynb"], as_version=4)
    # a published notebook names no path of the build machine: relative to itself or the project
    text = (out / public["ipynb"]).read_text()
    assert str(tmp_path) not in text and str(config.PROJ_ROOT) not in text
    assert nb.metadata.papermill.parameters["study_dir"] == "tests/data/batch"
    assert nb.metadata.papermill.parameters["output_dir"] == "competencies_country_PL_files"
    with_code, _ = worker.exporter(True).from_notebook_node(nb)
    assert "CODE-MARKER-SOURCE" in with_code


def test_figures_are_byte_identical_between_runs(tmp_path, monkeypatch):
    _use_stubs(monkeypatch, competencies=DATA / "figure.ipynb")
    files = []
    for run in ("a", "b"):  # two runs of the same job (in this process: the pool adds nothing here)
        job = _job(tmp_path / run, cluster="K1")
        result = worker.run_job(job, worker.RunSettings())
        assert result.status == "done", result.error
        files.append({p.name: p.read_bytes() for p in sorted(Path(job.output_dir).iterdir())})
        files[-1]["report.html"] = Path(job.output_html).read_bytes()
    assert sorted(files[0]) == ["report.html", "respondents.png", "respondents.svg"]
    assert b"data:image/png" in files[0]["report.html"]  # a plain matplotlib output is still shown
    assert files[0] == files[1]  # the HTML too (papermill's random id of the injected cell is fixed)
    assert files[0]["respondents.png"].startswith(b"\x89PNG")


def test_dask_local_cluster(tmp_path):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        code = reproduce(ReproduceOptions(source=SurveySource(study_dir=DATA), network=NETWORK, out=tmp_path, min_group=2,
                                          groups=(("cluster", "K1"),), only="roadmap", notebooks=STUBS, executor="dask",
                                          scheduler=cluster.scheduler_address, progress=False))
        # workers that cannot run the jobs (here: no such kernelspec) are bad input, found before any job
        with pytest.raises(InputError, match="a worker cannot run the jobs"):
            reproduce(ReproduceOptions(source=SurveySource(study_dir=DATA), network=NETWORK, out=tmp_path / "no", groups=(("cluster", "K1"),),
                                       notebooks=STUBS, executor="dask", scheduler=cluster.scheduler_address,
                                       kernel_name="no-such-kernel-clusterresearch", progress=False))
        assert not (tmp_path / "no").exists()
    assert code == 0
    index = _index(tmp_path)
    assert [r["status"] for r in index.values()] == ["done"]
    assert (tmp_path / "public" / "roadmap_cluster_K1.html").is_file()
    assert (tmp_path / "public" / "roadmap_cluster_K1_files" / "table.csv").read_text() == "cluster,n\nK1,2\n"


@pytest.mark.parametrize("argv", [
    ["--data", "missing.csv"],
    ["--study", "no_such_study"],
    ["--country", "ZZ"],
    ["--group", "sector=S1"],
    ["--group", "PL"],
    ["--registry", "missing_names.csv"],
    ["--out", str(config.RAW_DIR / "reports")],
    ["--jobs", "0"],
    ["--scheduler", "tcp://127.0.0.1:1"],
    ["--network", str(DATA)],  # a folder without the network's files
])
def test_bad_input_exits_2_before_any_job(tmp_path, monkeypatch, capsys, argv):
    monkeypatch.chdir(tmp_path)
    _use_stubs(monkeypatch)
    args = ["reproduce", "--study", str(DATA), "--data", str(RESPONSES), "--network", str(NETWORK),
            "--out", str(tmp_path / "out"), "--no-progress"] + argv
    assert cli.main(args) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert not (tmp_path / "out").exists()
    assert not (config.RAW_DIR / "reports").exists()


def test_shipped_study_is_the_default(tmp_path, monkeypatch):
    """No --study: the shipped study in data/raw, its names file naming the groups."""
    _use_stubs(monkeypatch)
    out = tmp_path / "reports"
    assert cli.main(["reproduce", "--network", str(NETWORK), "--out", str(out), "--only", "competencies",
                     "--group", "cluster=LT01", "--no-progress"]) == 0
    index = _index(out)
    assert list(index) == [("competencies", "cluster", "LT01")]
    row = index[("competencies", "cluster", "LT01")]
    assert (row["status"], row["n"], row["visibility"]) == ("done", 1, "confidential")  # one manager < 3
    assert (out / "confidential" / "competencies_cluster_LT01_files" / "table.csv").read_text() == "cluster,n\nLT01,1\n"
    meta = json.loads((out / "index.json").read_text())
    from clusterresearch.loading import load_study

    study = load_study()
    assert meta["study"] == study.title and meta["notice"] == study.notice and study.notice
    assert meta["data"] == str(config.RESPONSES_PATH)
    html = (out / row["html"]).read_text()
    assert "Cluster LT01 (Kaunas Airport) (n = 1)" in html  # the group's name from clusters.csv


def test_own_study_without_a_network_builds_no_roadmap_report(tmp_path, monkeypatch, capsys):
    """The worked example network illustrates the shipped study: `reproduce --study mine`
    builds mine's survey reports only, and says why there is no roadmap report."""
    _use_stubs(monkeypatch)
    out = tmp_path / "reports"
    assert cli.main(["reproduce", "--study", str(DATA), "--out", str(out), "--group", "cluster=K1"]) == 0
    assert {notebook for notebook, _, _ in _index(out)} == {"competencies"}
    assert "no roadmap report: the worked example network is not about this study" in capsys.readouterr().err

    # a bad --group is the one line of its error, nothing said before it
    assert cli.main(["reproduce", "--study", str(DATA), "--out", str(out), "--group", "cluster=ZZ"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "cluster=ZZ" in lines[0], lines


def test_missing_kernelspec_explains_the_fix():
    with pytest.raises(InputError, match="ipykernel install --sys-prefix"):
        _check_kernel("no-such-kernel-clusterresearch")


def _job(out, cluster="K3"):
    """The competencies job of one cluster of the batch study (notebook from config, as the CLI would)."""
    found = scopes(load_survey(RESPONSES, study=DATA))
    return plan_jobs(found, ReproduceOptions(source=SurveySource(study_dir=DATA, data_path=RESPONSES), network=NETWORK, out=out, only="competencies",
                                             groups=(("cluster", cluster),), min_group=2))[0]


def test_kernel_start_failure_is_retried_once(tmp_path, monkeypatch):
    _use_stubs(monkeypatch)
    import nbformat
    import papermill

    job = _job(tmp_path)
    calls = []

    def flaky(input_path, output_path, **kw):
        calls.append(kw["config"])
        if len(calls) == 1:  # the engine had the notebook, no cell had started: the kernel died at start
            worker._local.partial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
            raise RuntimeError("Kernel died before replying to kernel_info")
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("ok")])
        nbformat.write(nb, output_path)
        return nb

    monkeypatch.setattr(papermill, "execute_notebook", flaky)
    monkeypatch.setattr(worker, "RETRY_SLEEP", (0.0, 0.0))
    result = worker.run_job(job, worker.RunSettings())
    assert (result.status, result.attempts, result.error) == ("done", 2, "")
    assert result.html_written and Path(job.output_html).is_file()


def test_failure_after_cells_ran_is_not_retried(tmp_path, monkeypatch):
    _use_stubs(monkeypatch)
    import nbformat
    import papermill

    job = _job(tmp_path)
    calls = []

    def dies(input_path, output_path, **kw):
        calls.append(1)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x")])
        nb.cells[0].metadata["papermill"] = {"start_time": "2016-01-01T00:00:00"}
        worker._local.partial = nb  # what the engine holds when a cell times out or the kernel dies
        raise RuntimeError("Kernel died\nmid-way")

    monkeypatch.setattr(papermill, "execute_notebook", dies)
    monkeypatch.setattr(worker, "RETRY_SLEEP", (0.0, 0.0))
    result = worker.run_job(job, worker.RunSettings())
    assert len(calls) == 1
    assert result.status == "failed" and result.error == "RuntimeError: Kernel died mid-way"
    assert result.notebook_kept and result.html_written  # the partial notebook is kept and exported
    assert "".join(json.loads(Path(job.output_notebook).read_text())["cells"][0]["source"]) == "x"


def test_kernel_that_never_starts_fails_after_one_retry(tmp_path, monkeypatch):
    _use_stubs(monkeypatch)
    import papermill

    job = _job(tmp_path)
    calls = []

    def never(input_path, output_path, **kw):
        calls.append(1)
        raise TimeoutError("Kernel didn't respond in 120 seconds")

    monkeypatch.setattr(papermill, "execute_notebook", never)
    monkeypatch.setattr(worker, "RETRY_SLEEP", (0.0, 0.0))
    result = worker.run_job(job, worker.RunSettings())
    assert len(calls) == 2 and result.attempts == 2
    assert result.status == "failed" and result.error.startswith("kernel did not start: TimeoutError")
    assert not result.notebook_kept and not result.html_written


def test_cell_timeout_fails_the_report_and_keeps_what_ran(tmp_path, monkeypatch):
    nb = json.loads(STUBS["competencies"].read_text())
    nb["cells"].append({"cell_type": "code", "id": "slow", "metadata": {}, "execution_count": None, "outputs": [],
                        "source": "import time\ntime.sleep(30)"})
    slow = tmp_path / "slow.ipynb"
    slow.write_text(json.dumps(nb))
    _use_stubs(monkeypatch, competencies=slow)
    job = _job(tmp_path / "out", cluster="K1")
    result = worker.run_job(job, worker.RunSettings(execution_timeout=1))
    assert result.status == "failed" and result.attempts == 1
    assert "timed out" in result.error and "\n" not in result.error
    kept = json.loads(Path(job.output_notebook).read_text())
    outputs = [o for c in kept["cells"] for o in c.get("outputs", [])]
    assert any("respondents: 2" in "".join(o.get("text", "")) for o in outputs)  # the cells before it ran
    assert result.html_written
