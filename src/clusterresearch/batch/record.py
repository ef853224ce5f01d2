"""The run's record: a rerun with nothing changed ends before the survey is read.

After a run that built every report, ``<out>/.reproduce.json`` keeps the run's key and the
files the run read (notebooks, the study's files, the responses file, the network), as the
run itself listed them (:func:`run_inputs`). The next run whose key is the same ends at once
(:func:`unchanged`) when every report it listed is still there: the options, the config
paths the defaults come from, clusterresearch's code, the libraries' versions and every
listed file's bytes are what that run had. It needs neither pandas nor the survey: the cost
is hashing those files. Any difference and the run goes on to the per-report reuse of
:mod:`.buildinfo`. The record sits beside the local index, outside ``public/``: it holds
absolute paths of the builder's machine.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import fields
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import config
from ..outputs import sha256_file, write_text

RECORD = ".reproduce.json"
FORMAT = 1
# The libraries whose version changes what a report looks like (tables, figures, HTML).
LIBRARIES = ("clusterresearch", "papermill", "nbclient", "nbconvert", "nbformat", "ipykernel", "numpy", "pandas",
             "scipy", "statsmodels", "matplotlib", "seaborn", "networkx")
# Options that change how a run goes, not what it builds.
HOW = ("jobs", "executor", "scheduler", "progress", "force", "start_timeout", "transport", "warm")


def file_digest(path: str | Path) -> str:
    """sha256 of a file's bytes ("missing" if there is none)."""
    return sha256_file(Path(path)) if Path(path).is_file() else "missing"


def code_digest() -> str:
    """Digest of clusterresearch's source files (the version string alone misses edits)."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def run_key(options: Any, files: Iterable[str | Path]) -> str:
    """sha256 over what a run's reports depend on: the options that shape them, the config
    paths their defaults come from, the code, the libraries and the bytes of ``files``."""
    shaping = {f.name: repr(getattr(options, f.name)) for f in fields(options) if f.name not in HOW}
    defaults = {name: str(getattr(config, name)) for name in
                ("RAW_DIR", "COMPETENCIES_NOTEBOOK", "ROADMAP_NOTEBOOK", "ROADMAP_EXAMPLE_DIR")}
    inputs = {str(path): file_digest(path) for path in sorted(set(map(str, files)))}
    text = json.dumps([FORMAT, shaping, defaults, code_digest(), library_versions(), inputs], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def unchanged(options: Any) -> dict | None:
    """The last run's record when this run would build the same site and every report it
    listed is still in ``options.out``; else None."""
    try:
        record = json.loads((Path(options.out) / RECORD).read_text(encoding="utf-8"))
        if record.get("format") != FORMAT or record["key"] != run_key(options, record["files"]):
            return None
        return record if all(Path(path).exists() for path in record["outputs"]) else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def forget(out: Path) -> None:
    """A run is under way: until it ends well, there is no record to go by."""
    (Path(out) / RECORD).unlink(missing_ok=True)


def write(options: Any, files: Iterable[Path], outputs: Iterable[Path], said: Mapping[str, Any]) -> Path:
    """Record a run that built every report: its key, the files it read, the files it wrote
    (reports and indexes) and ``said``: what its summary told (counts, index)."""
    files = sorted({str(path) for path in files})
    record = {"format": FORMAT, "key": run_key(options, files), "files": files,
              "outputs": sorted(str(path) for path in outputs), **said}
    return write_text(Path(options.out) / RECORD, json.dumps(record, indent=1) + "\n")
