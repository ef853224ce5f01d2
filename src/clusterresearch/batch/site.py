"""The report site: ``public/`` and ``confidential/`` folders, navigation and the index files.

A run replaces the site as a whole: the previous ``public/`` and ``confidential/`` folders
are moved aside when the run starts, deleted when it ends and put back if it is
interrupted. So a report whose group became confidential never lingers in ``public/``,
and the index always describes exactly the files beside it. Other files in ``--out``
(e.g. ``reports/figures``) are left alone.

The HTML indexes are written by :mod:`.indexes`; every string in them is HTML-escaped
(group ids and error messages come from user data); link targets are URL-quoted, then escaped.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterator, Sequence

from .. import config
from ..disclosure import CONFIDENTIAL, PUBLIC
from ..errors import InputError
from ..outputs import guard_not_raw, write_text
from .indexes import confidential_index, failed_page, local_index, public_index
from .jobs import Job
from ..page import NavLink, SiteInfo
from .worker import JobResult

SITE_DIRS = (PUBLIC, CONFIDENTIAL)
MARKER = ".clusterresearch-reproduce"
INDEX_FIELDS = ("notebook", "scope", "group", "n", "visibility", "status", "html", "ipynb", "figures",
                "seconds", "attempts", "error")


@contextlib.contextmanager
def replacing_site(out: Path) -> Iterator[Path]:
    """Give the run empty ``public/`` and ``confidential/`` folders in ``out``; see module doc."""
    out = guard_not_raw(Path(out))
    for name in SITE_DIRS:
        folder = out / name
        if folder.is_dir() and any(folder.iterdir()) and not (folder / MARKER).exists():
            raise InputError(folder, "folder", "exists and was not written by `clusterresearch reproduce`; "
                                               "move it away or choose another --out")
        if folder.exists() and not folder.is_dir():
            raise InputError(folder, "folder", "exists and is not a folder; choose another --out")
    out.mkdir(parents=True, exist_ok=True)
    previous = Path(tempfile.mkdtemp(prefix=".reproduce-previous-", dir=out))
    moved = []
    try:
        for name in SITE_DIRS:
            if (out / name).exists():
                os.replace(out / name, previous / name)
                moved.append(name)
        for name in SITE_DIRS:
            (out / name).mkdir()
            write_text(out / name / MARKER, "Written by `clusterresearch reproduce`; replaced by each run.\n")
        # Confidential reports hold individual answers: keep them out of version control.
        write_text(out / CONFIDENTIAL / ".gitignore", "*\n")
        yield out
    except BaseException:
        for name in SITE_DIRS:
            shutil.rmtree(out / name, ignore_errors=True)
        for name in moved:
            os.replace(previous / name, out / name)
        shutil.rmtree(previous, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def records(jobs: Sequence[Job], results: Sequence[JobResult]) -> list[dict]:
    """One row per job, in plan order: what index.json/index.csv hold."""
    by_stem = {(r.visibility, r.stem): r for r in results}
    rows = []
    for job in jobs:
        result = by_stem.get((job.visibility, job.stem))
        rows.append({
            "notebook": job.notebook,
            "scope": job.scope,
            "group": job.group,
            "n": job.n,
            "visibility": job.visibility,
            "status": result.status if result else "failed",
            "html": job.relative(job.output_html) if Path(job.output_html).is_file() else "",
            "ipynb": job.relative(job.output_notebook) if result and result.notebook_kept else "",
            "figures": job.relative(job.output_dir),
            "seconds": result.seconds if result else None,
            "attempts": result.attempts if result else 0,
            "error": result.error if result else "not run",
        })
    return rows


def render_index_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in INDEX_FIELDS})
    return buffer.getvalue()


def navigate(jobs: Sequence[Job]) -> list[Job]:
    """Give every job the links to the same report for the other scopes of its site (same
    notebook, same folder), named as the pages name them (`Job.scope_label`)."""
    out = []
    for job in jobs:
        siblings = tuple(NavLink(other.scope_label, Path(other.output_html).name, other is job)
                         for other in jobs
                         if other.notebook == job.notebook and other.visibility == job.visibility)
        out.append(replace(job, siblings=siblings))
    return out


def write_site(out: Path, jobs: Sequence[Job], results: Sequence[JobResult], *, site: SiteInfo, min_group: int,
               data: Path, network: Path | None, with_code: bool) -> list[Path]:
    """Everything but the reports: a stand-in page for each report whose page could not be
    written (so no link breaks), ``public/index.html``, ``confidential/index.html``, and the
    local ``index.html``, ``index.json``, ``index.csv``; each written atomically.
    Returns the paths, the public index first."""
    by_stem = {(r.visibility, r.stem): r for r in results}
    for job in jobs:
        result = by_stem.get((job.visibility, job.stem))
        if not Path(job.output_html).is_file():
            write_text(Path(job.output_html), failed_page(job, result.error if result else "not run", site=site))
    rows = records(jobs, results)
    meta = {
        "study": site.title,
        "data": config.shown(data),  # a packaged file by its place in the repository, never site-packages
        "network": config.shown(network) if network is not None else None,
        "min_group": min_group,
        "with_code": with_code,
        "notice": site.notice,
        "reports": rows,
    }
    kw = {"site": site, "min_group": min_group}
    return [
        write_text(out / PUBLIC / "index.html", public_index(jobs, rows, **kw)),
        write_text(out / CONFIDENTIAL / "index.html", confidential_index(jobs, rows, **kw)),
        write_text(out / "index.html", local_index(jobs, rows, **kw)),
        write_text(out / "index.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n"),
        write_text(out / "index.csv", render_index_csv(rows)),
    ]
