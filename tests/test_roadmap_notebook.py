"""The roadmap notebook runs under papermill on network folders a user wrote: with a survey
scope (readiness suppressed in a public report) and without a survey (stage IV says so)."""

import json
import re
from pathlib import Path

import papermill

from clusterresearch import config

from test_roadmap_pipeline import write_user_network

OWN = Path(__file__).parent / "data" / "roadmap" / "own_network"
FIGURES = sorted(f"{n}.{e}" for n in ("network", "retention_delay", "sensitivity", "ranked_links") for e in ("svg",))


def run(tmp_path, **parameters) -> str:
    out_nb = tmp_path / "run.ipynb"
    papermill.execute_notebook(str(config.ROADMAP_NOTEBOOK), str(out_nb), kernel_name="python3", progress_bar=False,
                               parameters={"output_dir": str(tmp_path / "figures"), **parameters})
    text = out_nb.read_text(encoding="utf-8")
    assert '"output_type": "error"' not in text
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == FIGURES
    return text


def test_notebook_runs_on_a_user_folder_for_one_cluster(tmp_path):
    folder = write_user_network(tmp_path / "my_cluster")
    text = run(tmp_path, network_dir=str(folder), data_path=str(config.RESPONSES_PATH), cluster="LT02",
               min_cell=3, platform_retention=0.95)
    assert "fund&gt;IT&gt;ent2" in text  # the user's isolated actor reaches the platform
    assert "suppressed (n &lt; 3)" in text  # one manager's readiness is not shown in a public report
    assert "Illustrative network" not in text  # the folder has no network.toml saying so
    assert "Network: my_cluster." in text  # its name is the folder's


def test_notebook_on_the_own_network_without_a_survey(tmp_path):
    text = run(tmp_path, network_dir=str(OWN))
    outputs = json.dumps([c.get("outputs", []) for c in json.loads(text)["cells"]])
    assert "Medical technology cluster of the upper valley" in outputs
    assert "Stage IV: no survey was given" in outputs
    assert re.findall(r"worked|intercom|illustrative|poland|lithuania", text, re.IGNORECASE) == []
