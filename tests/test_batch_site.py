"""Index files and the public/confidential site folders: no kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterresearch.batch.jobs import plan_jobs
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.batch.site import MARKER, records, render_index_html, replacing_site, write_index
from clusterresearch.batch.worker import JobResult, one_line
from clusterresearch.errors import InputError
from clusterresearch.scope import Scope


def _rows(tmp_path: Path):
    # scopes as `scope.scopes` gives them; ids from user data may hold HTML
    inside = (("country", "<i>X"),)
    groups = [Scope(None, "all", 3, "all data"), Scope("country", "<i>X", 3, "Country"),
              Scope("cluster", "<b>&", 1, "Cluster", "", inside), Scope("cluster", "K2", 2, "Cluster", "", inside)]
    opts = ReproduceOptions(study=tmp_path, data=tmp_path / "d.csv", network=tmp_path, out=tmp_path / "out", min_group=2,
                            notebooks={"competencies": tmp_path / "<nb>.ipynb", "roadmap": tmp_path / "r.ipynb"})
    jobs = plan_jobs(groups, opts)
    results = [
        JobResult(stem=j.stem, visibility=j.visibility, status="done", seconds=1.0, notebook_kept=True,
                  html_written=True)
        for j in jobs
    ]
    bad = jobs[2]
    assert bad.group == "<b>&"
    results[2] = JobResult(stem=bad.stem, visibility=bad.visibility, status="failed", seconds=0.5,
                           error="ValueError: <script>alert('x')</script> & more", notebook_kept=True)
    return jobs, records(jobs, results)


def test_index_escapes_every_string(tmp_path):
    jobs, rows = _rows(tmp_path)
    rows[0] = dict(rows[0], notebook="<nb>&")
    page = render_index_html(rows, min_group=2, data=tmp_path / "d<&>.csv", title="<Study> & co",
                             notice="Reconstructed <script>x</script> data")
    for raw in ("<b>&", "<i>X", "<script>", "<nb>&", "d<&>.csv", "<Study>"):
        assert raw not in page
    assert "<title>&lt;Study&gt; &amp; co</title>" in page and "<h1>&lt;Study&gt; &amp; co</h1>" in page
    assert '<p class="notice">Reconstructed &lt;script&gt;x&lt;/script&gt; data</p>' in page
    assert "&lt;b&gt;&amp;" in page and "&lt;i&gt;X" in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in page
    assert "&lt;nb&gt;&amp;" in page and "d&lt;&amp;&gt;.csv" in page
    # links are URL-quoted file names (the slug), never the raw id
    assert 'href="confidential/competencies_cluster_b-' in page


def test_index_says_public_or_confidential_and_status(tmp_path):
    jobs, rows = _rows(tmp_path)
    page = render_index_html(rows, min_group=2, data="d.csv")
    public, confidential = page.split("<h2>Confidential reports")
    assert "K2" in public and "&lt;b&gt;&amp;" not in public
    assert "&lt;b&gt;&amp;" in confidential and "do not publish" in confidential
    assert '<span class="failed">failed</span>' in confidential
    assert f"{len(rows) - 1} done" in page and "1 failed" in page
    failed = [r for r in rows if r["status"] == "failed"]
    assert len(failed) == 1 and failed[0]["html"] == "" and failed[0]["ipynb"].endswith(".ipynb")


def test_write_index_json_csv(tmp_path):
    jobs, rows = _rows(tmp_path)
    out = tmp_path / "site"
    paths = write_index(out, rows, min_group=2, data=tmp_path / "d.csv", network=None, with_code=False,
                        title="A study", notice="A notice")
    assert [p.name for p in paths] == ["index.html", "index.json", "index.csv"]
    meta = json.loads((out / "index.json").read_text())
    assert meta["min_group"] == 2 and len(meta["reports"]) == len(jobs)
    assert (meta["study"], meta["notice"]) == ("A study", "A notice")
    assert [(r["scope"], r["group"], r["n"]) for r in meta["reports"][:4]] == [
        ("all", "all", 3), ("country", "<i>X", 3), ("cluster", "<b>&", 1), ("cluster", "K2", 2)]
    assert set(meta["reports"][0]) >= {"scope", "group", "n", "notebook", "status", "visibility", "html", "seconds"}
    lines = (out / "index.csv").read_text().splitlines()
    assert lines[0].startswith("notebook,scope,group,n,visibility,status,html")
    assert len(lines) == len(jobs) + 1


def test_one_line():
    assert one_line("a\n  b\x1b[31mred\x1b[0m\tc") == "a bred c"
    assert len(one_line("x" * 1000)) == 300


def test_site_replaced_and_restored(tmp_path):
    out = tmp_path / "reports"
    with replacing_site(out):
        (out / "public" / "old_public.html").write_text("old")
    assert (out / "confidential" / ".gitignore").read_text() == "*\n"
    (out / "figures").mkdir()
    # a new run replaces the site: stale reports do not linger (a group may have become confidential)
    with replacing_site(out):
        assert not (out / "public" / "old_public.html").exists()
        (out / "public" / "new.html").write_text("new")
    assert (out / "public" / "new.html").exists() and (out / "figures").is_dir()
    # an interrupted run leaves the previous site as it was
    with pytest.raises(KeyboardInterrupt):
        with replacing_site(out):
            (out / "public" / "partial.html").write_text("partial")
            raise KeyboardInterrupt
    assert sorted(p.name for p in (out / "public").iterdir()) == [MARKER, "new.html"]
    assert not [p for p in out.iterdir() if p.name.startswith(".reproduce-previous")]


def test_site_refuses_foreign_folder(tmp_path):
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "mine.txt").write_text("not a report")
    with pytest.raises(InputError, match="not written by"):
        with replacing_site(tmp_path):
            pass
    assert (tmp_path / "public" / "mine.txt").exists()
