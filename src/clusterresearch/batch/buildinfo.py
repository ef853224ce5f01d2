"""Incremental rebuilds: what each report was built from, and which reports a run can reuse.

A report is a function of its notebook, its parameters, the answers of the respondents in
its scope, the study files every report reads (:func:`shared_inputs`), the code of
clusterresearch and the libraries that render it. :func:`build_keys` digests all of these
per job (sha256); a run keeps each built report's digests in ``<visibility>/.build.json``
beside the reports (so a confidential group's digests stay in ``confidential/``). The next
run reuses a report whose key is unchanged and whose files are still there, and runs the
rest; ``--force`` runs everything.

Per scope, only the scope's own rows count (:func:`scope_digest`, through
``scope.select``): changing one cluster's answers changes that cluster's, its country's and
the all-data keys, and no other. A weighted study's design columns (weight, strata, psu,
fpc) count in every scope's key.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import pandas as pd

from ..outputs import write_text
from .jobs import NO_SURVEY, Job
from .record import code_digest, file_digest, library_versions

BUILD_FILE = ".build.json"
FORMAT = 1


def shared_inputs(survey: Any, job: Job) -> dict[str, Path]:
    """The files ``job``'s report reads besides its scope's answers: the study folder's
    files (``Study.files``: study.toml, instrument, scales, areas, names, statements) and,
    for the roadmap, the IT services file and the network folder. The one list to extend
    when reports read more."""
    files: dict[str, Path] = {}
    if survey is not None:
        study = survey.study
        for path in study.files(absent=True):  # an optional file it lacks counts, as "missing"
            path = Path(path)
            name = path.relative_to(study.dir).as_posix() if path.is_relative_to(study.dir) else path.name
            files[f"study/{name}"] = path
    network = job.parameters.get("network_dir")
    if network:
        from ..roadmap.folder import network_files
        from ..roadmap.network import SERVICES_PATH

        files["services"] = SERVICES_PATH
        for path in network_files(network, absent=True):
            files[f"network/{path.name}"] = path
    return files


def run_inputs(jobs: Sequence[Job], survey: Any) -> set[Path]:
    """Every file the run's reports read: their notebooks, :func:`shared_inputs` and the
    survey's responses and names files (what `record.write` lists)."""
    files = {Path(job.input_path) for job in jobs}
    for job in jobs:
        files.update(shared_inputs(survey, job).values())
    if survey is not None:
        files.add(Path(survey.source))
    return files


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's columns and values (row order included, index ignored;
    categoricals hash by value, so unused categories do not count)."""
    digest = hashlib.sha256(json.dumps([str(c) for c in frame.columns]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False, categorize=False).to_numpy().tobytes())
    return digest.hexdigest()


def scope_digest(survey: Any, column: str | None, group: str) -> str:
    """Digest of the answers and essays of the scope's respondents (``scope.select``): all a
    report reads of the responses file."""
    from ..scope import Scope, select

    if survey is None:  # a roadmap report without a survey reads no answers
        return ""
    answers = select(survey.answers, Scope(column, group))
    people = set(answers["respondent_id"].astype("str"))
    essays = survey.essays[survey.essays["respondent_id"].astype("str").isin(people)]
    # a weighted study's figures read the weights, and a scope's design-based intervals the
    # design of every respondent (a scope is a domain of the whole sample): all of it counts
    design = getattr(survey.grid, "design", None)
    return hashlib.sha256((frame_digest(answers) + frame_digest(essays)
                           + ("" if design is None else frame_digest(design))).encode()).hexdigest()


def navigation(job: Job) -> list:
    """What the page's header says of the other scopes (`page.report_page`): the links it
    shows, with their counts (``Country PL (n = 7)``), and how many scopes the site has. A
    respondent added to another group changes it, and so this page."""
    from ..page import neighbours

    siblings = tuple(getattr(job, "siblings", ()) or ())
    if len(siblings) <= 1:
        return []
    return [len(siblings), [[s.label, s.href, s.current] for s in neighbours(siblings)]]


def build_keys(jobs: Sequence[Job], survey: Any, export: Mapping[str, Any]) -> dict[str, dict]:
    """Per job (``visibility/stem``): its inputs' digests and the key over them all."""
    digests: dict[str, str] = {}  # every file hashed once per run

    def digest(path: Path) -> str:
        if str(path) not in digests:
            digests[str(path)] = file_digest(path)
        return digests[str(path)]

    common = {"code": code_digest(), "libraries": library_versions(), "export": dict(export)}
    scopes: dict[tuple[str, str], str] = {}
    builds = {}
    for job in jobs:
        if (job.scope, job.group) not in scopes:
            column = None if job.scope == "all" else job.scope
            # a roadmap report without a survey reads no answers
            scopes[(job.scope, job.group)] = "" if job.scope == NO_SURVEY else scope_digest(survey, column, job.group)
        inputs = {
            "notebook": digest(Path(job.input_path)),
            "parameters": json.dumps(job.parameters, sort_keys=True, default=str),
            "title": job.title,
            "scope answers": scopes[(job.scope, job.group)],
            "files": {name: digest(path) for name, path in shared_inputs(survey, job).items()},
            "navigation": navigation(job),
            **common,
        }
        key = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()
        builds[f"{job.visibility}/{job.stem}"] = {"key": key, "inputs": inputs}
    return builds


def _previous(out: Path) -> dict[str, dict]:
    reports: dict[str, dict] = {}
    for visibility in {"public", "confidential"}:
        try:
            document = json.loads((out / visibility / BUILD_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if document.get("format") == FORMAT:
            reports.update(document.get("reports", {}))
    return reports


def _files(job: Job) -> list[Path]:
    return [Path(job.output_html), Path(job.output_notebook), Path(job.output_dir)]


def figures(folder: Path) -> list[Path]:
    """The files a report wrote into its ``<stem>_files`` folder (none if there is none)."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file()) if Path(folder).is_dir() else []


def outputs(jobs: Sequence[Job]) -> list[Path]:
    """Every file the reports wrote: page, notebook and each figure (a page whose figures
    were deleted is not the page the run built)."""
    return [path for job in jobs for path in (*_files(job)[:2], *figures(Path(job.output_dir)))]


def reusable(out: Path, jobs: Sequence[Job], builds: Mapping[str, dict]) -> list[Job]:
    """Jobs whose last build had the same key and whose files (page, notebook, every figure
    the build wrote) are all still in ``out``."""
    previous = _previous(out)
    keep = []
    for job in jobs:
        name = f"{job.visibility}/{job.stem}"
        old = previous.get(name)
        if old and old.get("key") == builds[name]["key"] and all(p.exists() for p in _files(job)[:2]) \
                and all((Path(job.output_dir) / f).is_file() for f in old.get("figures", [])):
            keep.append(job)
    return keep


@dataclass
class Staged:
    """Reusable reports' files, hard-linked aside before the site is replaced."""

    folder: Path
    jobs: list[Job]

    def restore(self) -> list:
        """Move the staged files into the new site; one done JobResult per report."""
        from .worker import JobResult

        results = []
        for job in self.jobs:
            for target in _files(job):
                source = self.folder / job.visibility / target.name
                if source.exists():
                    os.replace(source, target)
            results.append(JobResult(stem=job.stem, visibility=job.visibility, status="done",
                                     seconds=0.0,  # no time spent on it in this run
                                     attempts=0, notebook_kept=True, html_written=True))
        self.discard()
        return results

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _link_tree(source: Path, target: Path) -> None:
    if source.is_dir():
        shutil.copytree(source, target, copy_function=_link)
    elif source.exists():
        _link(source, target)


def _link(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(source, target)


def stage(out: Path, jobs: Sequence[Job]) -> Staged:
    """Hard-link the files of ``jobs`` into a scratch folder of ``out`` (the old site stays
    intact, so an interrupted run still puts it back whole)."""
    folder = Path(tempfile.mkdtemp(prefix=".reproduce-reuse-", dir=out))
    for job in jobs:
        (folder / job.visibility).mkdir(exist_ok=True)
        for source in _files(job):
            _link_tree(source, folder / job.visibility / source.name)
    return Staged(folder, list(jobs))


def previous_summary(out: Path, key: str | None) -> str | None:
    """The statements summary the last run wrote with ``key`` (see :func:`write_builds`), or None."""
    try:
        document = json.loads((out / "public" / BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    kept = document.get("summary") or {}
    return kept.get("text") if key and kept.get("key") == key else None


def write_builds(out: Path, builds: Mapping[str, dict], done: Iterable[tuple[str, str]],
                 summary: dict | None = None) -> list[Path]:
    """``<visibility>/.build.json`` for the reports built or reused as done in this run; the
    public one also keeps ``summary`` (``{"key", "text"}``: the index's statements summary
    and the key of the report whose inputs cover it), so a rerun need not compute it again."""
    written = []
    by_visibility: dict[str, dict] = {"public": {}, "confidential": {}}
    for visibility, stem in done:
        name = f"{visibility}/{stem}"
        # public/ is published as it is: its record keeps the key only, not the inputs
        # (absolute paths of the builder's machine, parameters); confidential/ keeps both.
        record = builds[name] if visibility != "public" else {"key": builds[name]["key"]}
        folder = out / visibility / f"{stem}_files"  # the report's figures: reused only while all are there
        drawn = [path.relative_to(folder).as_posix() for path in figures(folder)]
        by_visibility.setdefault(visibility, {})[name] = {**record, "figures": drawn}
    for visibility, reports in by_visibility.items():
        if (out / visibility).is_dir():
            document = {"format": FORMAT, "reports": dict(sorted(reports.items()))}
            if visibility == "public" and summary:
                document["summary"] = summary
            written.append(write_text(out / visibility / BUILD_FILE, json.dumps(document, indent=1) + "\n"))
    return written
