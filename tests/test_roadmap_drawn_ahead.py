"""The roadmap model and its figures, preloaded once per worker, give what a report builds itself."""

from __future__ import annotations

import json

import matplotlib as mpl
import pytest

from clusterresearch import config, preload

from clusterresearch.roadmap.figures import FIGURES
from clusterresearch.roadmap.report import RoadmapReport

METHODS = {"network": "network_figure", "retention_delay": "retention_delay_figure",
           "sensitivity": "sensitivity_figure", "ranked_links": "ranked_links_figure"}


@pytest.fixture
def clean_store():
    preload.clear()
    yield
    preload.clear()


def _report(out, **scope):
    return RoadmapReport.from_parameters(network_dir=str(config.ROADMAP_EXAMPLE_DIR), output_dir=str(out),
                                         min_cell=3, **scope)


def _preload(**kwargs) -> None:
    call = json.dumps({"func": preload.NETWORK_MODEL, "path": str(config.ROADMAP_EXAMPLE_DIR), "kwargs": kwargs})
    assert preload.make([call]) == [True]


def test_figures_drawn_ahead_are_the_figures_a_scoped_report_draws(tmp_path, clean_store):
    _preload()
    warm = _report(tmp_path / "warm", study_dir=str(config.RAW_DIR), country="PL")
    assert sorted(warm.roadmap.figures) == sorted(FIGURES)  # the preloaded model, figures drawn
    assert not preload._store                                # handed out once
    cold = _report(tmp_path / "cold", study_dir=str(config.RAW_DIR), country="PL")
    assert cold.roadmap.figures == {}
    for name, method in METHODS.items():
        getattr(warm, method)()
        getattr(cold, method)()
        assert (tmp_path / "warm" / f"{name}.svg").read_bytes() == (tmp_path / "cold" / f"{name}.svg").read_bytes()
    assert warm.roadmap.summary.equals(cold.roadmap.summary)
    assert warm.roadmap.stage5.equals(cold.roadmap.stage5)


def test_a_figure_drawn_ahead_is_not_used_once_matplotlib_settings_change(tmp_path, clean_store):
    _preload()
    report = _report(tmp_path / "changed")
    ahead = report.roadmap.figures["sensitivity"].svg
    with mpl.rc_context({"font.size": 17}):
        assert not report.roadmap.figures["sensitivity"].current()
        report.sensitivity_figure()
    assert (tmp_path / "changed" / "sensitivity.svg").read_bytes() != ahead
    report.sensitivity_figure()
    assert (tmp_path / "changed" / "sensitivity.svg").read_bytes() == ahead


def test_other_parameters_are_another_model(tmp_path, clean_store):
    _preload(platform_retention=0.9)
    default = _report(tmp_path / "default")
    assert default.roadmap.figures == {} and len(preload._store) == 1  # not the preloaded one
    varied = RoadmapReport.from_parameters(network_dir=str(config.ROADMAP_EXAMPLE_DIR), output_dir=str(tmp_path),
                                           platform_retention=0.9)
    assert varied.roadmap.parameters.platform_retention == 0.9 and varied.roadmap.figures
