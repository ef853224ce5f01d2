"""The report site: ``public/`` and ``confidential/`` folders and the index files.

A run replaces the site as a whole: the previous ``public/`` and ``confidential/`` folders
are moved aside when the run starts, deleted when it ends and put back if it is
interrupted. So a report whose group became confidential never lingers in ``public/``,
and the index always describes exactly the files beside it. Other files in ``--out``
(e.g. ``reports/figures``) are left alone.

Every string the index writes is HTML-escaped (group ids and error messages come from
user data); link targets are URL-quoted, then escaped.
"""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Sequence
from urllib.parse import quote

from .. import config
from ..errors import InputError
from ..outputs import guard_not_raw, write_text
from ..disclosure import CONFIDENTIAL, PUBLIC
from .jobs import Job
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
            "html": job.relative(job.output_html) if result and result.html_written else "",
            "ipynb": job.relative(job.output_notebook) if result and result.notebook_kept else "",
            "figures": job.relative(job.output_dir),
            "seconds": result.seconds if result else None,
            "attempts": result.attempts if result else 0,
            "error": result.error if result else "not run",
        })
    return rows


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _link(target: str, label: str) -> str:
    if not target:
        return "&mdash;"
    return f'<a href="{_e(quote(target))}">{_e(label)}</a>'


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 64rem; padding: 0 1rem; color: #222; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1.5rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.failed { color: #b00020; font-weight: bold; }
.done { color: #1b5e20; }
.notice { background: #f5f5f5; border-left: 4px solid #888; padding: 0.5rem 1rem; }
.warning { background: #fff4e5; border-left: 4px solid #e65100; padding: 0.5rem 1rem; }
.error { font-family: monospace; font-size: 0.9em; }
"""


def _table(rows: list[dict]) -> str:
    if not rows:
        return "<p>None.</p>"
    head = "".join(f"<th>{h}</th>" for h in ("Report", "Scope", "Group", "n", "Status", "Notebook"))
    body = []
    for row in rows:
        status = f'<span class="{_e(row["status"])}">{_e(row["status"])}</span>'
        if row["error"]:
            status += f'<br><span class="error">{_e(row["error"])}</span>'
        body.append(
            "<tr>"
            f"<td>{_link(row['html'], row['notebook'])}</td>"
            f"<td>{_e(row['scope'])}</td>"
            f"<td>{_e(row['group'])}</td>"
            f'<td class="n">{_e(row["n"])}</td>'
            f"<td>{status}</td>"
            f"<td>{_link(row['ipynb'], 'ipynb')}</td>"
            "</tr>"
        )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_index_html(rows: list[dict], *, min_group: int, data: Path | str, title: str = "",
                      notice: str = "") -> str:
    """The site's front page: every report with scope, group, n and status, public first."""
    done = sum(r["status"] == "done" for r in rows)
    failed = len(rows) - done
    public = [r for r in rows if r["visibility"] == PUBLIC]
    confidential = [r for r in rows if r["visibility"] == CONFIDENTIAL]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title or 'clusterresearch reports')}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{_e(title or 'clusterresearch reports')}</h1>",
        f"<p>Survey: <code>{_e(Path(data).name)}</code>. {len(rows)} reports: "
        f'<span class="done">{done} done</span>, '
        f'<span class="{"failed" if failed else "done"}">{failed} failed</span>.</p>',
    ]
    if notice:
        parts.append(f'<p class="notice">{_e(notice)}</p>')
    parts += [
        f"<h2>Public reports (groups of {_e(min_group)} or more respondents)</h2>",
        f"<p>Table cells with fewer than {_e(min_group)} answers are marked, not shown.</p>",
        _table(public),
        f"<h2>Confidential reports (groups of fewer than {_e(min_group)} respondents)</h2>",
        '<p class="warning">These reports show the answers of very small groups &mdash; for a group '
        "of one, one person&#x27;s answers: do not publish or share the <code>confidential/</code> folder.</p>",
        _table(confidential),
        "</body></html>",
        "",
    ]
    return "\n".join(parts)


def render_index_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if row[k] is None else row[k]) for k in INDEX_FIELDS})
    return buffer.getvalue()


def write_index(out: Path, rows: list[dict], *, min_group: int, data: Path, network: Path | None,
                with_code: bool, title: str = "", notice: str = "") -> list[Path]:
    """index.html, index.json and index.csv in ``out``, each written atomically."""
    meta = {
        "study": title,
        "data": str(data),
        "network": str(network) if network is not None else None,
        "min_group": min_group,
        "with_code": with_code,
        "notice": notice,
        "reports": rows,
    }
    return [
        write_text(out / "index.html", render_index_html(rows, min_group=min_group, data=data,
                                                         title=title, notice=notice)),
        write_text(out / "index.json", json.dumps(meta, indent=2, ensure_ascii=False) + "\n"),
        write_text(out / "index.csv", render_index_csv(rows)),
    ]
