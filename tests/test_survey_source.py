"""One survey source, passed whole (issue 21): `reproduce --format F --responses all` reaches
both notebooks, and the survey report and the roadmap's readiness count the same respondents."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from clusterresearch import cli
from clusterresearch.loading.source import SurveySource

from test_platform_study import make_study

NETWORK = Path(__file__).parent / "data" / "batch" / "network"


def network_for(folder: Path, area: str) -> Path:
    """The batch tests' network, its stage IV readiness read from ``area`` of the survey."""
    shutil.copytree(NETWORK, folder)
    toml = folder / "network.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('areas = ["communication"]', f'areas = ["{area}"]'),
                    encoding="utf-8")
    return folder


def counted(page: str) -> set[str]:
    """The respondents a page says it counts: the survey report's scope line ("Scope: Country
    LT, 4 firms."), the roadmap's readiness ("... (n = 4)")."""
    return set(re.findall(r"Scope: [^,<]+, (\d+) firms", page) + re.findall(r"\(n = (\d+)\)", page))


def test_parameters_round_trip_unchanged():
    source = SurveySource(study_dir=Path("/s"), data_path=Path("/d.csv"), data_format="qualtrics",
                          responses="all", encoding="latin-1", registry=Path("/r.csv"))
    assert SurveySource.from_parameters(source.parameters()) == source
    assert SurveySource.from_parameters({}) == SurveySource() and not SurveySource().given


def test_format_and_responses_reach_both_notebooks(tmp_path):
    # The Qualtrics export has one unfinished response, from country LT (3 finished there):
    # --responses all counts 4 LT respondents, the default 3.
    study = make_study(tmp_path / "study", "qualtrics_choice_text.csv")
    network = network_for(tmp_path / "network", "cooperation")
    site = tmp_path / "site"
    status = cli.main(["reproduce", "--study", str(study), "--network", str(network), "--out", str(site),
                       "--format", "qualtrics", "--responses", "all", "--group", "Q2=LT", "--jobs", "1",
                       "--no-progress"])
    assert status == 0
    survey = (site / "public" / "competencies_Q2_LT.html").read_text(encoding="utf-8")
    roadmap = (site / "public" / "roadmap_Q2_LT.html").read_text(encoding="utf-8")
    assert counted(survey) == counted(roadmap) == {"4"}  # the readiness of the same 4 respondents
    for name in ("competencies_Q2_LT", "roadmap_Q2_LT"):
        notebook = json.loads((site / "public" / f"{name}.ipynb").read_text(encoding="utf-8"))
        given = notebook["metadata"]["papermill"]["parameters"]
        assert (given["data_format"], given["responses"]) == ("qualtrics", "all"), name
