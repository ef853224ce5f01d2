"""How `reproduce` plans the roadmap reports: a survey only when --study or --data names one,
the roadmap options passed to the notebook unchanged."""

from pathlib import Path

import pytest

from clusterresearch.batch.jobs import NO_SURVEY, plan_jobs
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.errors import InputError
from clusterresearch.scope import Scope

FOUND = [Scope(None, "all", 7, "all data"), Scope("country", "PL", 4, "Country"),
         Scope("cluster", "PL01", 1, "Cluster", parents=(("country", "PL"),))]
NOTEBOOKS = {"competencies": Path("/nb/c.ipynb"), "roadmap": Path("/nb/r.ipynb")}


def options(**kw) -> ReproduceOptions:
    base = dict(network=Path("/d/net"), out=Path("/o"), min_group=3, notebooks=NOTEBOOKS)
    base.update(kw)
    return ReproduceOptions(**base)


def test_without_a_survey_one_public_roadmap_report():
    jobs = plan_jobs(FOUND, options(relay_retention=0.8, platform_retention=0.9, platform_delay=2.0))
    roadmap = [j for j in jobs if j.notebook == "roadmap"]
    assert len(roadmap) == 1 and roadmap[0].stem == "roadmap_all" and roadmap[0].visibility == "public"
    assert roadmap[0].scope == NO_SURVEY and roadmap[0].title == "Digitalization roadmap: no survey"
    p = roadmap[0].parameters
    assert p["study_dir"] is None and p["data_path"] is None and p["group_column"] is None
    assert (p["relay_retention"], p["platform_retention"], p["platform_delay"]) == (0.8, 0.9, 2.0)
    assert len([j for j in jobs if j.notebook == "competencies"]) == 3  # they read the shipped study
    assert len(plan_jobs([], options(only="roadmap"))) == 1
    with pytest.raises(InputError, match="names a survey group but no survey was given"):
        plan_jobs([], options(only="roadmap", groups=(("cluster", "PL01"),)))


def test_with_a_survey_one_roadmap_report_per_scope():
    jobs = [j for j in plan_jobs(FOUND, options(data=Path("/d/mine.csv"), only="roadmap")) if j.notebook == "roadmap"]
    assert [(j.scope, j.group, j.visibility) for j in jobs] == [
        ("all", "all", "public"), ("country", "PL", "public"), ("cluster", "PL01", "confidential")]
    p = jobs[2].parameters
    assert (p["data_path"], p["group_column"], p["group"], p["network_dir"]) == ("/d/mine.csv", "cluster", "PL01", "/d/net")


def test_public_index_names_the_report_without_a_survey_in_words():
    from clusterresearch.batch.indexes import public_index
    from clusterresearch.batch.page import SiteInfo

    jobs = [j for j in plan_jobs(FOUND, options()) if j.public]
    records = [{"html": j.output_html, "ipynb": j.output_notebook, "status": "done"} for j in jobs]
    page = public_index(jobs, records, site=SiteInfo(title="A study"), min_group=3)
    assert "Without a survey" in page and "one report without a survey" in page
    assert NO_SURVEY not in page
