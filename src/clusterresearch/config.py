"""Paths and constants of the project, owned in one place.

Everything under ``RAW_DIR`` is immutable input; everything else is derived by a
``clusterresearch`` command and may be deleted and rebuilt.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _project_root() -> tuple[Path, bool]:
    """Where derived files go, and whether its own data/notebooks win over the packaged ones:
    $CLUSTERRESEARCH_ROOT; else the clone this code runs from (src/clusterresearch in a folder
    with pyproject.toml: an editable install or the tests); else, installed, the current folder."""
    if os.environ.get("CLUSTERRESEARCH_ROOT"):
        return Path(os.environ["CLUSTERRESEARCH_ROOT"]), True
    checkout = _PACKAGE.parents[1]
    if _PACKAGE.parent.name == "src" and (checkout / "pyproject.toml").is_file():
        return checkout, True
    return Path.cwd(), False


def _shipped_dir() -> Path | None:
    """The package's copy of the shipped study and notebooks (setup.py puts it in the wheel
    as clusterresearch/_shipped/<path in the repository>); None in a clone not built."""
    shipped = resources.files("clusterresearch") / "_shipped"
    if not shipped.is_dir():
        return None
    return Path(str(shipped)).resolve()  # an installed package is a folder on disk (pip never installs zipped)


PROJ_ROOT, _OWN_FILES = _project_root()
SHIPPED_DIR = _shipped_dir()


def _input(relative: str) -> Path:
    """A shipped input: the clone's own file when there is one, else the package's copy."""
    own = PROJ_ROOT / relative
    if SHIPPED_DIR is None or (_OWN_FILES and own.exists()):
        return own
    return SHIPPED_DIR / relative


# Where the paths a published notebook names are written relative to (batch.export.portable_paths):
# the package's copy first (it may lie inside the current folder, in a venv), then the project.
PORTABLE_ROOTS: tuple[Path, ...] = tuple(p for p in (SHIPPED_DIR, PROJ_ROOT) if p is not None)

DATA_DIR = PROJ_ROOT / "data"
RAW_DIR = _input("data/raw")
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJ_ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
# Figures of notebook runs outside `reproduce` for groups below the threshold: apart from
# FIGURES_DIR and git-ignored (figures.save writes a .gitignore). Not under reports/confidential/:
# `reproduce` replaces that folder as a whole, and refuses one it did not write.
CONFIDENTIAL_FIGURES_DIR = REPORTS_DIR / "confidential-figures"
NOTEBOOKS_DIR = _input("notebooks")

INSTRUMENT_PATH = RAW_DIR / "instrument.csv"
REGISTRY_PATH = RAW_DIR / "clusters.csv"
STUDY_PATH = RAW_DIR / "study.toml"
RESPONSES_PATH = RAW_DIR / "responses.csv"
STATEMENTS_PATH = RAW_DIR / "paper_statements.csv"
PROVENANCE_PATH = RAW_DIR / "responses_provenance.csv"
ROADMAP_DIR = RAW_DIR / "roadmap"
ROADMAP_EXAMPLE_DIR = ROADMAP_DIR / "worked_example"

# Groups with fewer respondents are confidential (the default of `reproduce --min-group`).
MIN_GROUP = 3

COMPETENCIES_NOTEBOOK = NOTEBOOKS_DIR / "competencies.ipynb"
ROADMAP_NOTEBOOK = NOTEBOOKS_DIR / "digitalization_roadmap.ipynb"

# Item types of the instrument; every type but ``text`` is answered on its scale.
ITEM_TYPES: tuple[str, ...] = ("likert", "desired", "assessor", "text")
SCALED_TYPES: tuple[str, ...] = ("likert", "desired", "assessor")


def shown(path: str | Path) -> str:
    """How messages and pages name a file: a packaged file by its path in the repository
    (``<clusterresearch>/data/raw/instrument.csv``), never the site-packages folder; any
    other path as the user gave it."""
    text = str(path)
    if SHIPPED_DIR is not None:
        prefix = str(SHIPPED_DIR) + os.sep
        if text.startswith(prefix):
            return "<clusterresearch>/" + Path(text[len(prefix):]).as_posix()
    return text


def figures_dir(notebook: str, scope: str, group: str, confidential: bool) -> Path:
    """Where a notebook run outside `reproduce` saves its figures: ``FIGURES_DIR/<notebook>/
    <scope>_<group>``, or the same under ``CONFIDENTIAL_FIGURES_DIR`` for a confidential group."""
    root = CONFIDENTIAL_FIGURES_DIR if confidential else FIGURES_DIR
    return root / notebook / (scope if scope == "all" else f"{scope}_{group}")
