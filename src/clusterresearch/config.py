"""Paths and constants of the project, owned in one place.

Everything under ``RAW_DIR`` is immutable input; everything else is derived by a
``clusterresearch`` command and may be deleted and rebuilt.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT = Path(os.environ.get("CLUSTERRESEARCH_ROOT", Path(__file__).resolve().parents[2]))
DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
CONFIDENTIAL_FIGURES_DIR = REPORTS_DIR / "confidential" / "figures"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"

INSTRUMENT_PATH = RAW_DIR / "instrument.csv"
REGISTRY_PATH = RAW_DIR / "clusters.csv"
STUDY_PATH = RAW_DIR / "study.toml"
RESPONSES_PATH = RAW_DIR / "responses.csv"
STATEMENTS_PATH = RAW_DIR / "paper_statements.csv"
PROVENANCE_PATH = RAW_DIR / "responses_provenance.csv"
ROADMAP_DIR = RAW_DIR / "roadmap"
ROADMAP_EXAMPLE_DIR = ROADMAP_DIR / "worked_example"

COMPETENCIES_NOTEBOOK = NOTEBOOKS_DIR / "competencies.ipynb"
ROADMAP_NOTEBOOK = NOTEBOOKS_DIR / "digitalization_roadmap.ipynb"

# Item types of the instrument; every type but ``text`` is answered on its scale.
ITEM_TYPES: tuple[str, ...] = ("likert", "desired", "assessor", "text")
SCALED_TYPES: tuple[str, ...] = ("likert", "desired", "assessor")
