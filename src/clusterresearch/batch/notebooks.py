"""The notebooks `reproduce` runs: which files, their contract (the cell tagged
``parameters`` declares every parameter a job passes) and copies for a researcher to edit."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any, Sequence

from .. import config
from ..errors import InputError

NOTEBOOKS: tuple[str, ...] = ("competencies", "roadmap")
NOTEBOOK_TITLES: dict[str, str] = {
    "competencies": "Survey report",
    "roadmap": "Digitalization roadmap",
}


def notebook_paths(options: Any) -> dict[str, Path]:
    """The notebooks to run: the project's two, each replaced by ``options.notebooks[name]``
    when given (--notebook NAME=PATH: a researcher's edited copy, run with the same parameters)."""
    paths = {"competencies": config.COMPETENCIES_NOTEBOOK, "roadmap": config.ROADMAP_NOTEBOOK}
    paths.update({name: Path(path) for name, path in (getattr(options, "notebooks", None) or {}).items()})
    return paths


def copy_notebooks(folder: str | Path) -> list[Path]:
    """`clusterresearch notebooks DIR`: the packaged notebooks copied into ``folder`` (created),
    a researcher's start for `reproduce --notebook NAME=PATH`. A notebook already there is
    never overwritten (InputError, nothing copied)."""
    from ..outputs import write_bytes

    folder = Path(folder)
    sources = notebook_paths(None)
    for name, source in sources.items():
        if (folder / source.name).exists():
            raise InputError(folder / source.name, "file", f"exists; {name} notebook not copied over it")
    return [write_bytes(folder / source.name, source.read_bytes()) for source in sources.values()]


def notebook_parameters(path: str | Path) -> set[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (InputError if none)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file", "notebook not found")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, "file", f"not a notebook ({exc})") from None
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError as exc:
                raise InputError(path, f"cell {number} (tagged 'parameters')", f"not Python: {exc.msg}") from None
            names: set[str] = set()
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
                for target in targets:
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Name):
                            names.add(leaf.id)
            return names
    raise InputError(path, "cells", "no cell tagged 'parameters' (papermill injects parameters after it)")


def check_notebooks(jobs: Sequence) -> None:
    """Every notebook exists and declares every parameter its jobs pass (min_cell above all:
    a notebook that ignored it would publish small cells unmasked)."""
    needed: dict[str, set[str]] = {}
    for job in jobs:
        needed.setdefault(job.input_path, set()).update(job.parameters)
    for path, names in needed.items():
        missing = sorted(names - notebook_parameters(path))
        if missing:
            raise InputError(path, "cell tagged 'parameters'", f"missing parameter(s): {', '.join(missing)}")
