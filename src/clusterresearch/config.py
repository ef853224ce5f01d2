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
# Figures of notebook runs outside `reproduce` for groups below MIN_GROUP: kept apart from
# FIGURES_DIR (which may be shared) and git-ignored; see figures_dir().
CONFIDENTIAL_FIGURES_DIR = REPORTS_DIR / "confidential-figures"
NOTEBOOKS_DIR = PROJ_ROOT / "notebooks"

INSTRUMENT_PATH = RAW_DIR / "instrument.csv"
REGISTRY_PATH = RAW_DIR / "clusters.csv"
RESPONSES_PATH = RAW_DIR / "responses.csv"
STATEMENTS_PATH = RAW_DIR / "paper_statements.csv"
PROVENANCE_PATH = RAW_DIR / "responses_provenance.csv"
ROADMAP_DIR = RAW_DIR / "roadmap"
ROADMAP_EXAMPLE_DIR = ROADMAP_DIR / "worked_example"

# Groups with fewer respondents are confidential (the default of `reproduce --min-group`).
MIN_GROUP = 3

COMPETENCIES_NOTEBOOK = NOTEBOOKS_DIR / "competencies.ipynb"
ROADMAP_NOTEBOOK = NOTEBOOKS_DIR / "digitalization_roadmap.ipynb"

# Table 2 of the InterCom paper, revised list, in the paper's order (Figures 1-8).
AREAS: tuple[str, ...] = (
    "communication",
    "negotiation",
    "project_management",
    "project_funding",
    "international_cooperation",
    "budgeting",
    "marketing",
    "online_marketing",
)
AREA_TITLES: dict[str, str] = {
    "communication": "Communication",
    "negotiation": "Negotiation",
    "project_management": "Project management",
    "project_funding": "Project funding application",
    "international_cooperation": "International project cooperation",
    "budgeting": "Budgeting and price analysis",
    "marketing": "Marketing and promotion",
    "online_marketing": "Online marketing promotion",
}
AREA_FIGURE: dict[str, int] = {area: i for i, area in enumerate(AREAS, start=1)}

LIKERT_LEVELS: tuple[int, ...] = (1, 2, 3, 4, 5)
AGREE_MIN = 4      # share_agree counts answers >= 4
DISAGREE_MAX = 2   # share_disagree counts answers <= 2
NEUTRAL = 3

# Item types of the instrument; every type but ``text`` is answered on the 1-5 scale.
ITEM_TYPES: tuple[str, ...] = ("likert", "desired", "assessor", "text")
SCALED_TYPES: tuple[str, ...] = ("likert", "desired", "assessor")

RECONSTRUCTION_NOTICE = (
    "Reconstructed data: these survey answers were rebuilt from the statements published "
    "in the InterCom paper (Studia Oeconomica Posnaniensia, 2016) by a seeded generator. "
    "They agree with every published percentage but are not the managers' original answers, "
    "which were never published."
)
INFERENCE_CAUTION = (
    "With 12 managers (7 PL, 5 LT) the sample supports description, not inference: the "
    "paper itself abandoned statistical analysis for this reason. Tests and intervals are "
    "shown to make that uncertainty visible, not to claim differences."
)


def figures_dir(notebook: str, scope: str, group: str, confidential: bool) -> Path:
    """Where a notebook run outside `reproduce` saves its figures: ``FIGURES_DIR/<notebook>/
    <scope>_<group>``, or the same under ``CONFIDENTIAL_FIGURES_DIR`` for a confidential group."""
    root = CONFIDENTIAL_FIGURES_DIR if confidential else FIGURES_DIR
    return root / notebook / (scope if scope == "all" else f"{scope}_{group}")
