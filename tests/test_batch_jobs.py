"""plan_jobs and its helpers: pure, no kernel. Scopes come from real (tiny) surveys of the
batch test study (tests/data/batch: study.toml, one item), through the survey loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clusterresearch import config
from clusterresearch.batch.jobs import plan_jobs, select_scopes, slugify
from clusterresearch.batch.notebooks import check_notebooks, notebook_parameters
from clusterresearch.batch.runner import ReproduceOptions
from clusterresearch.errors import InputError
from clusterresearch.loading import load_survey
from clusterresearch.loading.source import SurveySource
from clusterresearch.scope import Scope, parse, scopes

DATA = Path(__file__).parent / "data" / "batch"   # the batch study folder and stub notebooks

RESPONDENTS = [
    ("r1", "PL", "PL01"), ("r2", "PL", "PL02"), ("r3", "PL", "PL02"), ("r4", "PL", "PL02"),
    ("r5", "LT", "LT01"), ("r6", "LT", "LT01"), ("r7", "LT", "LT01"),
]


def found_scopes(folder: Path, respondents) -> list[Scope]:
    """The scopes of a survey with these (respondent, country, cluster), one answer each."""
    path = folder / "responses.csv"
    path.write_text("respondent_id,country,cluster,comm_tools\n"
                    + "".join(f"{r},{c},{k},4\n" for r, c, k in respondents), encoding="utf-8")
    return scopes(load_survey(path, study=DATA))


@pytest.fixture(scope="module")
def groups(tmp_path_factory) -> list[Scope]:
    return found_scopes(tmp_path_factory.mktemp("survey"), RESPONDENTS)


SOURCE_NAMES = {"study": "study_dir", "data": "data_path", "encoding": "encoding", "registry": "registry",
                "data_format": "data_format", "responses": "responses"}


def options(**kw) -> ReproduceOptions:
    """ReproduceOptions; the survey's options (study=, data=, ...) go into its SurveySource."""
    base = dict(study=Path("/s"), data=Path("/d/responses.csv"), network=Path("/d/net"), out=Path("/o"), min_group=3,
                notebooks={"competencies": Path("/nb/c.ipynb"), "roadmap": Path("/nb/r.ipynb")})
    base.update(kw)
    source = SurveySource(**{SOURCE_NAMES[k]: base.pop(k) for k in list(base) if k in SOURCE_NAMES})
    return ReproduceOptions(source=source, **base)


def test_scopes_all_countries_clusters(groups):
    assert [(g.column, g.group, g.n) for g in groups] == [
        (None, "all", 7), ("country", "LT", 3), ("country", "PL", 4),
        ("cluster", "LT01", 3), ("cluster", "PL01", 1), ("cluster", "PL02", 3),
    ]
    assert groups[4].parents == (("country", "PL"),)  # every PL01 respondent is in PL
    assert groups[1].parents == (("cluster", "LT01"),)  # ... and every LT respondent in LT01
    assert [g.key for g in groups[:2]] == ["all", "country=LT"]
    assert [g.title for g in groups[:2]] == ["all data", "Country LT"]


def test_one_job_per_notebook_and_group_in_order(groups):
    jobs = plan_jobs(groups, options())
    assert len(jobs) == 12
    assert [j.stem for j in jobs[:6]] == [
        "competencies_all", "competencies_country_LT", "competencies_country_PL",
        "competencies_cluster_LT01", "competencies_cluster_PL01", "competencies_cluster_PL02",
    ]
    assert all(j.notebook == "roadmap" for j in jobs[6:])
    assert [(j.scope, j.group) for j in jobs[:2]] == [("all", "all"), ("country", "LT")]
    assert jobs[1].title == "Survey report: Country LT (n = 3)"


def test_public_confidential_split_by_min_group(groups):
    jobs = {j.stem: j for j in plan_jobs(groups, options(min_group=3))}
    pl01 = jobs["competencies_cluster_PL01"]
    assert (pl01.visibility, pl01.min_cell, pl01.parameters["min_cell"]) == ("confidential", 0, 0)
    assert pl01.output_html == "/o/confidential/competencies_cluster_PL01.html"
    assert pl01.output_dir == "/o/confidential/competencies_cluster_PL01_files"
    pl02 = jobs["roadmap_cluster_PL02"]  # n = 3 = min_group: public
    assert (pl02.visibility, pl02.parameters["min_cell"]) == ("public", 3)
    assert pl02.output_notebook == "/o/public/roadmap_cluster_PL02.ipynb"
    # raising the threshold moves groups to confidential
    jobs = {j.stem: j for j in plan_jobs(groups, options(min_group=4))}
    assert jobs["competencies_country_PL"].visibility == "public"
    assert jobs["competencies_country_LT"].visibility == "confidential"


def test_parameters_match_the_notebooks_contract(groups):
    jobs = {j.stem: j for j in plan_jobs(groups, options(encoding="latin-1", registry=Path("/s/names.csv")))}
    survey = {"study_dir": "/s", "data_path": "/d/responses.csv", "data_format": "auto", "responses": "complete",
              "encoding": "latin-1", "registry": "/s/names.csv"}  # SurveySource's six, for both notebooks
    assert jobs["competencies_country_PL"].parameters == {
        **survey, "group_column": "country", "group": "PL",
        "output_dir": "/o/public/competencies_country_PL_files", "min_cell": 3,
    }
    everyone = jobs["competencies_all"].parameters
    assert (everyone["group_column"], everyone["group"]) == (None, None)
    assert jobs["roadmap_cluster_PL01"].parameters == {  # the roadmap takes the survey scope as the report does
        **survey, "group_column": "cluster", "group": "PL01", "network_dir": "/d/net",
        "output_dir": "/o/confidential/roadmap_cluster_PL01_files", "min_cell": 0,
    }
    for job in plan_jobs(groups, options(study=None, data=None)):  # the default study, named to both notebooks
        assert (job.parameters["study_dir"], job.parameters["data_path"]) == (str(config.RAW_DIR), None)
    rel = plan_jobs(groups, options(out=Path("rel"), only="roadmap", platform_delay=2.0))[0]
    assert Path(rel.output_html).is_absolute() and Path(rel.parameters["output_dir"]).is_absolute()
    assert rel.parameters["platform_delay"] == 2.0 and "relay_retention" not in rel.parameters


def test_the_real_notebooks_declare_every_parameter_they_are_given(groups):
    jobs = plan_jobs(groups, options(notebooks=None, platform_delay=1.0, relay_retention=0.5,
                                     platform_retention=0.9))
    assert {j.input_path for j in jobs} == {str(config.COMPETENCIES_NOTEBOOK), str(config.ROADMAP_NOTEBOOK)}
    check_notebooks(jobs)


def test_filters_only_and_groups(groups):
    assert {j.notebook for j in plan_jobs(groups, options(only="roadmap"))} == {"roadmap"}
    pl = plan_jobs(groups, options(groups=(("country", "PL"),), only="competencies"))
    assert [(j.scope, j.group) for j in pl] == [("country", "PL"), ("cluster", "PL01"), ("cluster", "PL02")]
    one = plan_jobs(groups, options(groups=(("cluster", "LT01"),)))
    assert [(j.notebook, j.scope, j.group) for j in one] == [
        ("competencies", "country", "LT"), ("competencies", "cluster", "LT01"),
        ("roadmap", "country", "LT"), ("roadmap", "cluster", "LT01")]  # LT's only cluster holds all of LT
    pl02 = plan_jobs(groups, options(groups=(("cluster", "PL02"), ("country", "PL"))))
    assert [(j.scope, j.group) for j in pl02] == [("cluster", "PL02")] * 2


def test_a_group_spanning_two_countries_is_in_neither(tmp_path):
    found = found_scopes(tmp_path, [("r1", "PL", "K"), ("r2", "LT", "K"), ("r3", "PL", "P")])
    chosen = select_scopes(found, (("country", "PL"),), "data")
    assert [(s.column, s.group) for s in chosen] == [("country", "PL"), ("cluster", "P")]


def test_group_all_selects_the_all_data_scope_only(tmp_path):
    """`reproduce --group all` (scope.parse gives (None, None)): the all-data report, not an
    error '--group None=None: not a grouping column'."""
    found = found_scopes(tmp_path, RESPONDENTS)
    chosen = select_scopes(found, (parse("all"),), "data")
    assert [(s.column, s.group) for s in chosen] == [(None, "all")]
    with pytest.raises(InputError, match=r"--group all --group country=PL: no group lies within all of them"):
        select_scopes(found, (parse("all"), ("country", "PL")), "data")


@pytest.mark.parametrize("wanted, message", [
    ((("country", "DE"),), r"--group country=DE: no respondents; found LT, PL"),
    ((("cluster", "XX9"),), r"--group cluster=XX9: no respondents"),
    ((("sector", "S1"),), r"--group sector=S1: not a grouping column \(have: cluster, country\)"),
    ((("cluster", "LT01"), ("country", "PL")), r"no group lies within all of them"),
])
def test_unknown_filter_is_input_error(groups, wanted, message):
    with pytest.raises(InputError, match=message):
        plan_jobs(groups, options(groups=wanted))


def test_group_text_is_parsed():
    assert parse("country=PL") == ("country", "PL")
    assert parse(" cluster = <b>& ") == ("cluster", "<b>&")
    assert parse("all") == (None, None)
    for bad in ("PL", "=PL", "country="):
        with pytest.raises(InputError, match="write COLUMN=GROUP"):
            parse(bad)


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


def test_names_differing_only_in_case_do_not_collide(tmp_path):
    found = found_scopes(tmp_path, [("r1", "PL", "k1"), ("r2", "PL", "K1")])
    stems = [j.stem for j in plan_jobs(found, options(only="competencies"))]
    assert len(stems) == 4 and len({s.lower() for s in stems}) == len(stems)


def test_scopes_through_the_survey_loader(tmp_path, shipped_survey):
    found = scopes(load_survey(DATA / "responses.csv", study=DATA))
    assert [(s.column, s.group, s.n) for s in found] == [
        (None, "all", 4), ("country", "LT", 1), ("country", "PL", 3),
        ("cluster", "<b>&", 1), ("cluster", "K1", 2), ("cluster", "K3", 1)]
    shipped = scopes(shipped_survey)
    assert shipped[0].n == 12 and [g.group for g in shipped if g.column == "country"] == ["LT", "PL"]
    clusters = [g for g in shipped if g.column == "cluster"]
    assert len(clusters) == 12 and all(g.n == 1 for g in clusters)  # one manager per cluster
    assert all(g.name and g.name in g.title for g in clusters)  # names from the shipped names file
    with pytest.raises(InputError, match="not found"):
        load_survey(tmp_path / "missing.csv", study=DATA)
    bad = tmp_path / "bad.csv"
    bad.write_text("respondent_id,country,cluster,item_id,value\nr1,XX,K1,comm_tools,4\n")
    with pytest.raises(InputError) as info:
        load_survey(bad, study=DATA)
    assert info.value.where == "row 2, column 'country'"


def test_notebook_parameters_and_check(tmp_path, groups):
    assert notebook_parameters(DATA / "roadmap_stub.ipynb") == {
        "study_dir", "data_path", "group_column", "group", "country", "cluster", "encoding", "registry",
        "network_dir", "output_dir", "relay_retention", "platform_retention", "platform_delay", "min_cell",
        "data_format", "responses"}
    assert notebook_parameters(DATA / "competencies_stub.ipynb") == {
        "study_dir", "data_path", "group_column", "group", "output_dir", "min_cell", "encoding", "registry",
        "data_format", "responses"}
    jobs = plan_jobs(groups, options(notebooks={"competencies": DATA / "competencies_stub.ipynb",
                                                "roadmap": DATA / "roadmap_stub.ipynb"}))
    check_notebooks(jobs)  # both stubs accept everything passed

    # a notebook without min_cell would publish small cells unmasked: refused
    nb = json.loads((DATA / "competencies_stub.ipynb").read_text())
    for cell in nb["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = ("study_dir = None\ndata_path = None\ngroup_column = None\ngroup = None\n"
                              "output_dir = None\nencoding = None\nregistry = None\n")
    bad = tmp_path / "bad.ipynb"
    bad.write_text(json.dumps(nb))
    jobs = plan_jobs(groups, options(only="competencies", notebooks={"competencies": bad}))
    with pytest.raises(InputError, match="missing parameter.*min_cell"):
        check_notebooks(jobs)
    with pytest.raises(InputError, match="notebook not found"):
        notebook_parameters(tmp_path / "nope.ipynb")


def test_scope_is_plain_data():
    assert Scope() == Scope(None, "all", 0, "", "", ())
    pl01 = Scope("cluster", "PL01", 1, "Cluster", "Glass", (("country", "PL"),))
    assert (pl01.key, pl01.title) == ("cluster=PL01", "Cluster PL01 (Glass)")
    assert pl01.within("country", "PL") and pl01.within("cluster", "PL01") and not pl01.within("country", "LT")
