"""Index files and the public/confidential site folders: no kernel."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from clusterresearch.batch.jobs import plan_jobs
from clusterresearch.scope import Scope
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.batch.indexes import confidential_index, local_index, public_index
from clusterresearch.page import SiteInfo
from clusterresearch.batch.site import MARKER, navigate, records, replacing_site, write_site
from clusterresearch.batch.worker import JobResult, one_line
from clusterresearch.errors import InputError
from clusterresearch.loading.source import SurveySource


def _plan(tmp_path: Path):
    within = (("country", "<i>X"),)
    groups = [Scope(n=3), Scope("country", "<i>X", 3, "Country"),
              Scope("cluster", "<b>&", 1, "Cluster", "secret name", within),
              Scope("cluster", "K2", 2, "Cluster", "Kluster <two>", within)]
    opts = ReproduceOptions(source=SurveySource(data_path=tmp_path / "d.csv"), network=tmp_path, out=tmp_path / "out", min_group=2,
                            notebooks={"competencies": tmp_path / "<nb>.ipynb", "roadmap": tmp_path / "r.ipynb"})
    jobs = navigate(plan_jobs(groups, opts))
    results = [
        JobResult(stem=j.stem, visibility=j.visibility, status="done", seconds=1.0, notebook_kept=True,
                  html_written=True)
        for j in jobs
    ]
    bad = jobs[2]
    assert bad.group == "<b>&"
    results[2] = JobResult(stem=bad.stem, visibility=bad.visibility, status="failed", seconds=0.5,
                           error="ValueError: <script>alert('x')</script> & more", notebook_kept=True)
    for job in jobs:  # the pages the workers would have written, but not the failed one's
        if job is not bad:
            Path(job.output_html).parent.mkdir(parents=True, exist_ok=True)
            Path(job.output_html).write_text("page")
    return jobs, results


def _rows(tmp_path: Path):
    jobs, results = _plan(tmp_path)
    return jobs, records(jobs, results)


SITE = SiteInfo(title="Study <&>", citation="Author & co", notice="Reconstructed <data>", statements_summary="3 of 4 hold")


def test_indexes_escape_every_string(tmp_path):
    jobs, rows = _rows(tmp_path)
    rows[2] = dict(rows[2])
    for render in (public_index, confidential_index, local_index):
        page = render(jobs, rows, site=SITE, min_group=2)
        for raw in ("<b>&", "<i>X", "<script>", "Study <&>", "Kluster <two>"):
            assert raw not in page
    local = local_index(jobs, rows, site=SITE, min_group=2)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in local
    assert "not to be published" in local
    # links are URL-quoted file names (the slug), never the raw id
    assert 'href="confidential/roadmap_cluster_b-' in local


def test_indexes_name_a_grouping_by_its_label(tmp_path):
    """study.toml's label, not the column name: "By airbag <deployed>", not "By country"."""
    jobs, rows = _rows(tmp_path)
    site = SiteInfo(title="T", labels=(("country", "Airbag <deployed>"),))
    page = public_index(jobs, rows, site=site, min_group=2)
    assert "<h2>By airbag &lt;deployed&gt;</h2>" in page and "by airbag &lt;deployed&gt;" in page
    assert "By country" not in page
    assert "<h2>By cluster</h2>" in confidential_index(jobs, rows, site=site, min_group=2)  # no label: the column


def test_public_index_links_only_public_reports(tmp_path):
    jobs, rows = _rows(tmp_path)
    page = public_index(jobs, rows, site=SITE, min_group=2)
    assert "Study &lt;&amp;&gt;" in page and "Author &amp; co" in page and "3 of 4 hold" in page
    assert "Cluster K2 (Kluster &lt;two&gt;) (n = 2)" in page  # names from the registry, with n
    assert "&lt;b&gt;&amp;" not in page and "secret name" not in page
    targets = re.findall(r'href="([^"]+)"', page)
    assert targets and all("/" not in t and not t.startswith("..") for t in targets)
    confidential = confidential_index(jobs, rows, site=SITE, min_group=2)
    assert confidential.index("CONFIDENTIAL") < confidential.index("<h1>")
    assert "&lt;b&gt;&amp;" in confidential and "(failed)" in confidential


def test_write_site(tmp_path):
    jobs, results = _plan(tmp_path)
    out = tmp_path / "out"
    paths = write_site(out, jobs, results, site=SITE, min_group=2, data=tmp_path / "d.csv", network=None,
                       with_code=False)
    assert [p.relative_to(out).as_posix() for p in paths] == [
        "public/index.html", "confidential/index.html", "index.html", "index.json", "index.csv"]
    meta = json.loads((out / "index.json").read_text())
    assert meta["min_group"] == 2 and len(meta["reports"]) == len(jobs)
    assert set(meta["reports"][0]) >= {"scope", "group", "n", "notebook", "status", "visibility", "html", "seconds"}
    lines = (out / "index.csv").read_text().splitlines()
    assert lines[0].startswith("notebook,scope,group,n,visibility,status,html")
    assert len(lines) == len(jobs) + 1
    # the failed report's page stands in, so the links of its siblings are not broken
    failed = Path(jobs[2].output_html).read_text()
    assert "could not be built" in failed and "&lt;script&gt;" in failed and "CONFIDENTIAL" in failed
    assert all(r["html"] for r in meta["reports"])


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
