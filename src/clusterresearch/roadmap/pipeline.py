"""``clusterresearch roadmap``: read a network folder (and a survey), run the model, write
every table and figure - all or nothing, never under data/raw."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .. import config
from ..figures.save import save_figure
from ..outputs import guard_not_raw, sha256_file, staged_dir, write_csv, write_text
from .analysis import Roadmap, analyse, load_services
from .figures import FIGURES
from .narrative import summary_markdown
from .network import load_network
from .readiness import survey_readiness
from .scenarios import FLOW_TABLE_COLUMNS, SCENARIOS, Parameters

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


def readiness_label(scope: str, group: str, data: Path, reconstructed: bool) -> str:
    source = "shipped reconstructed survey" if reconstructed else f"survey {data.name}"
    who = "all managers" if scope == "all" else f"{scope} {group}"
    return f"{who}, {source}"


def build_roadmap(
    network: str | Path | None = None,
    platform_retention: float | None = None,
    platform_delay: float | None = None,
    relay_retention: float | None = None,
    data: str | Path | None = None,
    cluster: str | None = None,
    country: str | None = None,
    encoding: str | None = None,
) -> tuple[Roadmap, bool]:
    """Read and validate every input, then analyse; returns the roadmap and whether the
    readiness comes from the shipped (reconstructed) survey. Raises InputError on bad input."""
    parameters = Parameters.resolve(platform_retention, platform_delay, relay_retention)
    net = load_network(Path(network) if network is not None else config.ROADMAP_EXAMPLE_DIR)
    readiness, reconstructed, data_path = survey_readiness(data, country=country, cluster=cluster, encoding=encoding)
    label = readiness_label(str(readiness["scope"].iloc[0]), str(readiness["group"].iloc[0]), data_path, reconstructed)
    roadmap = analyse(net, parameters, readiness, label, load_services())
    return roadmap, reconstructed


def write_roadmap(roadmap: Roadmap, out: Path, reconstructed: bool) -> list[Path]:
    """Write the flow files, summary, sensitivity, parameters, inputs, stage tables and
    figures into ``out`` through a staged folder; return the final paths, sorted."""
    out = Path(out)
    with staged_dir(out) as stage:
        for scenario in SCENARIOS:
            write_csv(roadmap.flows[scenario][list(FLOW_TABLE_COLUMNS)], stage / scenario / "flows.csv")
        write_csv(roadmap.summary, stage / "summary.csv")
        write_text(stage / "summary.md", summary_markdown(roadmap, reconstructed))
        write_csv(roadmap.sensitivity, stage / "sensitivity.csv")
        write_csv(roadmap.parameters_table(), stage / "parameters.csv")
        inputs = pd.DataFrame({
            "file": [p.name for p in roadmap.network.files],
            "sha256": [sha256_file(p) for p in roadmap.network.files],
        })
        write_csv(inputs, stage / "inputs.csv")
        for name, attribute in STAGE_FILES.items():
            write_csv(getattr(roadmap, attribute), stage / name)
        for name, make in FIGURES.items():
            save_figure(make(roadmap), stage / "figures" / name)
        written = sorted(p.relative_to(stage) for p in stage.rglob("*") if p.is_file())
    return [out / p for p in written]


def run_roadmap(
    network: str | Path | None = None,
    out: str | Path | None = None,
    platform_retention: float | None = None,
    platform_delay: float | None = None,
    relay_retention: float | None = None,
    data: str | Path | None = None,
    cluster: str | None = None,
    country: str | None = None,
    encoding: str | None = None,
) -> list[Path]:
    """Run the roadmap analysis of a network folder and write its results.

    Defaults (None): ``network`` the worked example (config.ROADMAP_EXAMPLE_DIR); ``out``
    data/processed/roadmap; ``platform_retention`` 0.98 and ``platform_delay`` 0.5 days per
    platform channel; ``relay_retention`` as in links.csv; ``data`` the shipped
    (reconstructed) survey; ``cluster``/``country`` all its managers (else that cluster's
    manager, or that country's managers).
    Every input is validated before anything is written; a failure writes nothing.
    """
    out = Path(out) if out is not None else DEFAULT_OUT
    guard_not_raw(out)  # refuse data/raw before any work, not only when writing
    roadmap, reconstructed = build_roadmap(
        network, platform_retention, platform_delay, relay_retention, data, cluster, country, encoding
    )
    return write_roadmap(roadmap, out, reconstructed)
