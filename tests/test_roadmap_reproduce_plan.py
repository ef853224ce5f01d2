"""How `reproduce` plans the roadmap reports: one per scope of the survey (the shipped study
by default, the same reports as --study data/raw), one without a survey only with --no-survey;
the roadmap options passed to the notebook unchanged."""

from pathlib import Path

import pytest

from clusterresearch import config
from clusterresearch.batch.jobs import NO_SURVEY, plan_jobs
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.errors import InputError
from clusterresearch.loading.source import SurveySource
from clusterresearch.scope import Scope

FOUND = [Scope(None, "all", 7, "all data"), Scope("country", "PL", 4, "Country"),
         Scope("cluster", "PL01", 1, "Cluster", parents=(("country", "PL"),))]
NOTEBOOKS = {"competencies": Path("/nb/c.ipynb"), "roadmap": Path("/nb/r.ipynb")}


def options(**kw) -> ReproduceOptions:
    base = dict(network=Path("/d/net"), out=Path("/o"), min_group=3, notebooks=NOTEBOOKS)
    base.update(kw)
    return ReproduceOptions(**base)


def test_the_default_is_the_whole_mission_as_with_study_data_raw():
    default = plan_jobs(FOUND, options())
    named = plan_jobs(FOUND, options(source=SurveySource(study_dir=config.RAW_DIR)))
    assert [(j.notebook, j.scope, j.group) for j in default] == [
        (notebook, scope.column or "all", scope.group) for notebook in ("competencies", "roadmap") for scope in FOUND]
    assert [j.parameters for j in default] == [j.parameters for j in named]
    assert {j.parameters["study_dir"] for j in default} == {str(config.RAW_DIR)}
    with pytest.raises(InputError, match="--no-survey"):
        plan_jobs(FOUND, options(no_survey=True))


def test_without_a_survey_one_public_roadmap_report():
    jobs = plan_jobs(FOUND, options(relay_retention=0.8, platform_retention=0.9, platform_delay=2.0,
                                    only="roadmap", no_survey=True))
    roadmap = [j for j in jobs if j.notebook == "roadmap"]
    assert len(roadmap) == 1 and roadmap[0].stem == "roadmap_all" and roadmap[0].visibility == "public"
    assert roadmap[0].scope == NO_SURVEY and roadmap[0].title == "Digitalization roadmap: no survey"
    p = roadmap[0].parameters
    assert p["study_dir"] is None and p["data_path"] is None and p["group_column"] is None
    assert (p["relay_retention"], p["platform_retention"], p["platform_delay"]) == (0.8, 0.9, 2.0)
    assert len(jobs) == 1
    with pytest.raises(InputError, match="names a survey group but no survey was given"):
        plan_jobs([], options(only="roadmap", no_survey=True, groups=(("cluster", "PL01"),)))


def test_with_a_survey_one_roadmap_report_per_scope():
    jobs = [j for j in plan_jobs(FOUND, options(source=SurveySource(data_path=Path("/d/mine.csv")), only="roadmap")) if j.notebook == "roadmap"]
    assert [(j.scope, j.group, j.visibility) for j in jobs] == [
        ("all", "all", "public"), ("country", "PL", "public"), ("cluster", "PL01", "confidential")]
    p = jobs[2].parameters
    assert (p["data_path"], p["group_column"], p["group"], p["network_dir"]) == ("/d/mine.csv", "cluster", "PL01", "/d/net")


def test_public_index_names_the_report_without_a_survey_in_words():
    from clusterresearch.batch.indexes import public_index
    from clusterresearch.page import SiteInfo

    jobs = [j for j in plan_jobs(FOUND, options(only="roadmap", no_survey=True)) if j.public]
    records = [{"html": j.output_html, "ipynb": j.output_notebook, "status": "done"} for j in jobs]
    page = public_index(jobs, records, site=SiteInfo(title="A study"), min_group=3)
    assert "Without a survey" in page and "one report without a survey" in page
    assert NO_SURVEY not in page
