"""plan_jobs and its helpers: pure, no kernel."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterresearch import config
from clusterresearch.batch.jobs import (
    Group,
    check_notebooks,
    count_groups,
    notebook_parameters,
    plan_jobs,
    read_respondents,
    slugify,
)
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.errors import InputError

DATA = Path(__file__).parent / "data" / "batch"

RESPONDENTS = [
    ("r1", "PL", "PL01"), ("r2", "PL", "PL02"), ("r3", "PL", "PL02"), ("r4", "PL", "PL02"),
    ("r5", "LT", "LT01"), ("r6", "LT", "LT01"), ("r7", "LT", "LT01"),
]
GROUPS = count_groups(RESPONDENTS)


def options(**kw) -> ReproduceOptions:
    base = dict(data=Path("/d/responses.csv"), network=Path("/d/net"), out=Path("/o"), min_group=3,
                notebooks={"competencies": Path("/nb/c.ipynb"), "roadmap": Path("/nb/r.ipynb")})
    base.update(kw)
    return ReproduceOptions(**base)


def test_count_groups_all_countries_clusters():
    assert [(g.scope, g.group, g.n) for g in GROUPS] == [
        ("all", "all", 7), ("country", "LT", 3), ("country", "PL", 4),
        ("cluster", "LT01", 3), ("cluster", "PL01", 1), ("cluster", "PL02", 3),
    ]
    assert GROUPS[4].countries == ("PL",)


def test_one_job_per_notebook_and_group_in_order():
    jobs = plan_jobs(GROUPS, options())
    assert len(jobs) == 12
    assert [j.stem for j in jobs[:6]] == [
        "competencies_all", "competencies_country_LT", "competencies_country_PL",
        "competencies_cluster_LT01", "competencies_cluster_PL01", "competencies_cluster_PL02",
    ]
    assert all(j.notebook == "roadmap" for j in jobs[6:])


def test_public_confidential_split_by_min_group():
    jobs = {j.stem: j for j in plan_jobs(GROUPS, options(min_group=3))}
    pl01 = jobs["competencies_cluster_PL01"]
    assert (pl01.visibility, pl01.min_cell, pl01.parameters["min_cell"]) == ("confidential", 0, 0)
    assert pl01.output_html == "/o/confidential/competencies_cluster_PL01.html"
    assert pl01.output_dir == "/o/confidential/competencies_cluster_PL01_files"
    pl02 = jobs["roadmap_cluster_PL02"]  # n = 3 = min_group: public
    assert (pl02.visibility, pl02.parameters["min_cell"]) == ("public", 3)
    assert pl02.output_notebook == "/o/public/roadmap_cluster_PL02.ipynb"
    # raising the threshold moves groups to confidential
    jobs = {j.stem: j for j in plan_jobs(GROUPS, options(min_group=4))}
    assert jobs["competencies_country_PL"].visibility == "public"
    assert jobs["competencies_country_LT"].visibility == "confidential"


def test_parameters_match_the_notebooks_contract():
    jobs = {j.stem: j for j in plan_jobs(GROUPS, options())}
    assert jobs["competencies_country_PL"].parameters == {
        "country": "PL", "cluster": None, "data_path": "/d/responses.csv",
        "output_dir": "/o/public/competencies_country_PL_files", "min_cell": 3,
    }
    assert jobs["roadmap_cluster_PL01"].parameters == {
        "country": None, "cluster": "PL01", "network_dir": "/d/net", "data_path": "/d/responses.csv",
        "output_dir": "/o/confidential/roadmap_cluster_PL01_files", "min_cell": 0,
    }
    rel = plan_jobs(GROUPS, options(out=Path("rel"), only="roadmap", platform_delay=2.0))[0]
    assert Path(rel.output_html).is_absolute() and Path(rel.parameters["output_dir"]).is_absolute()
    assert rel.parameters["platform_delay"] == 2.0 and "relay_retention" not in rel.parameters


def test_filters_only_country_cluster():
    assert {j.notebook for j in plan_jobs(GROUPS, options(only="roadmap"))} == {"roadmap"}
    pl = plan_jobs(GROUPS, options(country="PL", only="competencies"))
    assert [(j.scope, j.group) for j in pl] == [("country", "PL"), ("cluster", "PL01"), ("cluster", "PL02")]
    one = plan_jobs(GROUPS, options(cluster="LT01"))
    assert [(j.notebook, j.scope, j.group) for j in one] == [
        ("competencies", "cluster", "LT01"), ("roadmap", "cluster", "LT01")]
    assert len(plan_jobs(GROUPS, options(cluster="LT01", country="LT"))) == 2


@pytest.mark.parametrize("kw, message", [
    ({"country": "DE"}, "--country 'DE'"),
    ({"cluster": "XX9"}, "--cluster 'XX9'"),
    ({"cluster": "LT01", "country": "PL"}, "not a cluster of --country 'PL'"),
])
def test_unknown_filter_is_input_error(kw, message):
    with pytest.raises(InputError, match=message):
        plan_jobs(GROUPS, options(**kw))


def test_slugify_stable_and_safe():
    assert slugify("PL01") == "PL01"
    assert slugify("a_b-c") == "a_b-c"
    odd = slugify("<b>&")
    assert odd == slugify("<b>&") and odd.startswith("b-") and len(odd) == 10
    assert slugify("a b") != slugify("a/b")
    assert slugify("../..").startswith("group-")
    assert slugify("Łódź Cluster") != slugify("odz Cluster")
    assert all(c.isalnum() or c in "_-" for c in slugify("x" * 500 + "/é"))
    assert len(slugify("x" * 500)) <= 69


def test_names_differing_only_in_case_do_not_collide():
    groups = count_groups([("r1", "PL", "k1"), ("r2", "PL", "K1")])
    stems = [j.stem for j in plan_jobs(groups, options(only="competencies"))]
    assert len({s.lower() for s in stems}) == len(stems)


def test_read_respondents_through_the_survey_loader(tmp_path):
    assert read_respondents(DATA / "responses.csv") == [
        ("r1", "PL", "K1"), ("r2", "PL", "K1"), ("r3", "PL", "<b>&"), ("r4", "LT", "K3")]
    shipped = count_groups(read_respondents(config.RESPONSES_PATH))
    assert shipped[0].n == 12 and [g.group for g in shipped if g.scope == "country"] == ["LT", "PL"]
    assert all(g.n == 1 for g in shipped if g.scope == "cluster")  # one manager per cluster
    with pytest.raises(InputError, match="not found"):
        read_respondents(tmp_path / "missing.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,country,cluster,item_id,value\nr1,XX,K1,comm_tools,4\n")
    with pytest.raises(InputError) as info:
        read_respondents(bad)
    assert info.value.where == "row 2, column 'country'"


def test_notebook_parameters_and_check(tmp_path):
    assert notebook_parameters(DATA / "roadmap_stub.ipynb") == {
        "country", "cluster", "network_dir", "data_path", "output_dir",
        "relay_retention", "platform_retention", "platform_delay", "min_cell"}
    jobs = plan_jobs(GROUPS, options(notebooks={"competencies": DATA / "competencies_stub.ipynb",
                                                "roadmap": DATA / "roadmap_stub.ipynb"}))
    check_notebooks(jobs)  # both stubs accept everything passed

    # a notebook without min_cell would publish small cells unmasked: refused
    nb = json.loads((DATA / "competencies_stub.ipynb").read_text())
    for cell in nb["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = "country = None\ncluster = None\ndata_path = None\noutput_dir = None\n"
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb))
    jobs = plan_jobs(GROUPS, options(only="competencies", notebooks={"competencies": bad}))
    with pytest.raises(InputError, match="missing parameter.*min_cell"):
        check_notebooks(jobs)
    with pytest.raises(InputError, match="notebook not found"):
        notebook_parameters(tmp_path / "nope.ipynb")


def test_group_is_plain_data():
    assert Group("all", "all", 3) == Group("all", "all", 3, ())
