"""The roadmap notebook runs under papermill on a network folder a user wrote, per cluster."""

import papermill

from clusterresearch import config

from test_roadmap_pipeline import write_user_network


def test_notebook_runs_on_a_user_folder_for_one_cluster(tmp_path):
    folder = write_user_network(tmp_path / "my_cluster")
    out_nb = tmp_path / "run.ipynb"
    papermill.execute_notebook(
        str(config.ROADMAP_NOTEBOOK), str(out_nb), kernel_name="python3", progress_bar=False,
        parameters={"network_dir": str(folder), "cluster": "LT02", "min_cell": 3,
                    "output_dir": str(tmp_path / "figures"), "platform_retention": 0.95},
    )
    text = out_nb.read_text(encoding="utf-8")
    assert '"output_type": "error"' not in text
    assert "fund&gt;IT&gt;ent2" in text  # the user's isolated actor reaches the platform
    assert "suppressed (n &lt; 3)" in text  # one manager's readiness is not shown in a public report
    assert "Illustrative network: the worked" not in text  # the run-time notice is only for the example
    assert sorted(p.name for p in (tmp_path / "figures").iterdir()) == sorted(
        f"{n}.{e}" for n in ("network", "retention_delay", "sensitivity", "ranked_links") for e in ("svg",))
