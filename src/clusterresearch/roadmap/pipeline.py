"""``clusterresearch roadmap``: build the roadmap (:mod:`.build`), write every table and
figure - all or nothing, never under data/raw."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..figures.save import save_figure
from ..outputs import guard_not_raw, sha256_file, staged_dir, write_csv, write_text
from .analysis import Roadmap
from .build import RoadmapSettings, build_roadmap
from .figures import FIGURES
from .narrative import summary_markdown
from .routes import format_route
from .scenarios import SCENARIOS, flow_file

DEFAULT_OUT = config.PROCESSED_DIR / "roadmap"
STAGE_FILES = {
    "stage1_participants.csv": "stage1",
    "stage2_links.csv": "stage2_links",
    "stage2_channels.csv": "stage2_channels",
    "stage3_strategies.csv": "stage3_strategies",
    "stage3_links.csv": "stage3_links",
    "stage4_information.csv": "stage4_information",
    "stage4_readiness.csv": "stage4_readiness",
    "stage5_sequence.csv": "stage5",
}


def file_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A stage table as written to CSV: route columns (tuples of actor ids) written out by
    :func:`.routes.format_route`; every other column as it is."""
    out = frame.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, tuple)).any():
            out[column] = [format_route(v) for v in out[column]]
    return out


def write_roadmap(roadmap: Roadmap, out: Path) -> list[Path]:
    """Write the flow files, summary, sensitivity, parameters, inputs, stage tables and
    figures into ``out`` through a staged folder; return the final paths, sorted."""
    out = Path(out)
    with staged_dir(out) as stage:
        for scenario in SCENARIOS:
            write_csv(flow_file(roadmap.flows[scenario]), stage / scenario / "flows.csv")
        write_csv(roadmap.summary, stage / "summary.csv")
        write_text(stage / "summary.md", summary_markdown(roadmap))
        write_csv(roadmap.sensitivity, stage / "sensitivity.csv")
        write_csv(roadmap.parameters_table(), stage / "parameters.csv")
        inputs = pd.DataFrame({
            "file": [p.name for p in roadmap.network.files],
            "sha256": [sha256_file(p) for p in roadmap.network.files],
        })
        write_csv(inputs, stage / "inputs.csv")
        for name, attribute in STAGE_FILES.items():
            write_csv(file_frame(getattr(roadmap, attribute)), stage / name)
        for name, make in FIGURES.items():
            save_figure(make(roadmap), stage / "figures" / name)
        written = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return [out / p for p in written]


def run_roadmap(settings: RoadmapSettings = RoadmapSettings(), out: str | Path | None = None) -> list[Path]:
    """Run the roadmap analysis of a network folder and write its results into ``out``
    (default data/processed/roadmap). Every input is validated before anything is
    written; a failure writes nothing. See :class:`.build.RoadmapSettings` for the defaults.
    """
    out = Path(out) if out is not None else DEFAULT_OUT
    guard_not_raw(out)  # refuse data/raw before any work, not only when writing
    return write_roadmap(build_roadmap(settings), out)
