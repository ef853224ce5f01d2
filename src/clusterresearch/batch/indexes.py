"""The index pages of the site.

- ``public/index.html``: the site to publish as it is. The study's title, citation and
  notice, what was built, the paper's statements check, and every public report grouped by
  scope (group names from the registry, n). It links only to files inside ``public/``.
- ``confidential/index.html``: the confidential reports, under the CONFIDENTIAL band.
- ``index.html`` (beside both): a local overview of the run (status and errors of every
  report) that says it is not to be published.

Every string is HTML-escaped; link targets are URL-quoted file names in the same folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ..disclosure import CONFIDENTIAL, PUBLIC
from .jobs import NO_SURVEY, Job
from .notebooks import NOTEBOOK_TITLES
from ..page import SiteInfo, e, href, page



def _scopes(jobs: Sequence[Job]) -> list[str]:
    """"all", then the grouping columns, in plan order."""
    return list(dict.fromkeys(j.scope for j in jobs))


def _grouping(scope: str, site: SiteInfo) -> str:
    """A grouping column in words: its label from study.toml, lower case ("year of accident")."""
    return dict(site.labels).get(scope, scope).lower()


def _scope_title(scope: str, site: SiteInfo) -> str:
    if scope == NO_SURVEY:
        return "Without a survey"
    return "All respondents" if scope == "all" else f"By {_grouping(scope, site)}"


def _version() -> str:
    from .. import __version__

    return __version__


def _matrix(jobs: Sequence[Job], rows: dict[tuple[str, str], dict], folder: str, scope: str,
            site: SiteInfo) -> str:
    """One table per scope: a row per group (name, n), a column per notebook, links to the pages."""
    mine = [j for j in jobs if j.visibility == folder and j.scope == scope]
    if not mine:
        return ""
    notebooks = list(dict.fromkeys(j.notebook for j in mine))
    groups = list(dict.fromkeys((j.group, j.scope_label) for j in mine))
    head = "<th>Group</th>" + "".join(f"<th>{e(NOTEBOOK_TITLES.get(n, n))}</th>" for n in notebooks)
    body = []
    for group, label in groups:
        cells = []
        for notebook in notebooks:
            job = next((j for j in mine if j.notebook == notebook and j.group == group), None)
            row = rows.get((job.visibility, job.stem)) if job else None
            if row is None:
                cells.append("<td>—</td>")
                continue
            link = f'<a href="{href(Path(row["html"]).name)}">report</a>' if row["html"] else "no page"
            notebook_link = f' · <a href="{href(Path(row["ipynb"]).name)}">notebook</a>' if row["ipynb"] else ""
            failed = ' <span class="status-failed">(failed)</span>' if row["status"] != "done" else ""
            cells.append(f"<td>{link}{notebook_link}{failed}</td>")
        body.append(f"<tr><td>{e(label)}</td>{''.join(cells)}</tr>")
    return (f"<h2>{e(_scope_title(scope, site))}</h2><div class=\"cr-table-wrap\"><table><thead><tr>{head}"
            f"</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def _by_stem(records: Sequence[dict], jobs: Sequence[Job]) -> dict[tuple[str, str], dict]:
    return {(j.visibility, j.stem): r for j, r in zip(jobs, records)}


def _built(records: Sequence[dict], jobs: Sequence[Job], min_group: int, site: SiteInfo = SiteInfo()) -> str:
    """What was built, in words: counts by notebook and scope, what is not published, failures."""
    public = [j for j in jobs if j.public]
    scopes = {s: len({j.group for j in public if j.scope == s}) for s in _scopes(jobs)}
    words = ["all respondents" if s == "all" else "one report without a survey" if s == NO_SURVEY
             else f"{count} group{'' if count == 1 else 's'} by {_grouping(s, site)}" for s, count in scopes.items() if count]
    notebooks = list(dict.fromkeys(NOTEBOOK_TITLES.get(j.notebook, j.notebook) for j in public))
    text = (f"{len(public)} report{'' if len(public) == 1 else 's'} ({', '.join(notebooks) or 'none'}) for {', '.join(words) or 'no group'}. "
            f"Groups with fewer than {min_group} respondents are not published: their reports are kept "
            "within the project.")
    failed = sum(1 for j, r in zip(jobs, records) if j.public and r["status"] != "done")
    if failed:
        text += f" {failed} of these reports failed to build and are marked below."
    return text


def public_index(jobs: Sequence[Job], records: Sequence[dict], *, site: SiteInfo, min_group: int) -> str:
    rows = _by_stem(records, jobs)
    parts = [f"<h1>{e(site.title)}</h1>"]
    if site.citation:
        parts.append(f'<p class="cr-citation">{e(site.citation)}</p>')
    if site.notice:
        parts.append(f'<p class="cr-notice">{e(site.notice)}</p>')
    parts.append(f"<h2>What is here</h2><p>{e(_built(records, jobs, min_group, site))}</p>"
                 "<p>Each report opens with its scope and a table of contents; tables mark cells with "
                 f"fewer than {e(min_group)} answers instead of showing them.</p>")
    if site.statements_summary:
        parts.append(f"<h2>The paper's statements</h2><p>{e(site.statements_summary)}</p>")
    parts += [_matrix(jobs, rows, PUBLIC, scope, site) for scope in _scopes(jobs)]
    footer = (f'<footer class="cr-footer"><p>Built with clusterresearch {e(_version())}. '
              "This folder is complete: every page, figure and notebook it links to is inside it, "
              "and nothing is loaded from the network.</p></footer>")
    return page(title=site.title, body="\n".join(p for p in parts if p), footer=footer)


def confidential_index(jobs: Sequence[Job], records: Sequence[dict], *, site: SiteInfo, min_group: int) -> str:
    rows = _by_stem(records, jobs)
    mine = [j for j in jobs if not j.public]
    parts = [f"<h1>Confidential reports — {e(site.title)}</h1>",
             f"<p>{len(mine)} reports of groups with fewer than {e(min_group)} respondents. They show "
             "individual answers unmasked, for the project team; the published site is the "
             "<code>public/</code> folder beside this one.</p>"]
    if site.notice:
        parts.append(f'<p class="cr-notice">{e(site.notice)}</p>')
    parts += [_matrix(jobs, rows, CONFIDENTIAL, scope, site) for scope in _scopes(jobs)]
    if not mine:
        parts.append("<p>None in this run.</p>")
    return page(title=f"Confidential reports — {site.title}", body="\n".join(p for p in parts if p),
                confidential=True)


def _status_table(jobs: Sequence[Job], records: Sequence[dict]) -> str:
    head = "".join(f"<th>{h}</th>" for h in ("Report", "Group", "Site", "Status", "Seconds"))
    body = []
    for job, row in zip(jobs, records):
        link = (f'<a href="{href(row["html"])}">{e(job.report)}</a>' if row["html"] else e(job.report))
        status = f'<span class="status-{e(row["status"])}">{e(row["status"])}</span>'
        if row["error"]:
            status += f"<br><code>{e(row['error'])}</code>"
        seconds = "" if row["seconds"] is None else f"{row['seconds']:.1f}"
        body.append(f"<tr><td>{link}</td><td>{e(job.scope_label)}</td><td>{e(job.visibility)}</td>"
                    f"<td>{status}</td><td class=\"num\">{seconds}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def local_index(jobs: Sequence[Job], records: Sequence[dict], *, site: SiteInfo, min_group: int) -> str:
    """The run's overview for the person who ran it; never to be published."""
    done = sum(r["status"] == "done" for r in records)
    parts = [
        '<p class="cr-local"><strong>Local overview, not to be published.</strong> It links to '
        "confidential reports. To publish, copy the <code>public/</code> folder: its own "
        "<code>index.html</code> is the entry page.</p>",
        f"<h1>{e(site.title)}: this run</h1>",
        f"<p>{len(records)} reports: {done} done, {len(records) - done} failed. Groups with fewer than "
        f"{e(min_group)} respondents are confidential.</p>",
        '<ul><li><a href="public/index.html">Public site</a> (publish as it is)</li>'
        '<li><a href="confidential/index.html">Confidential reports</a> (never publish)</li></ul>',
        _status_table(jobs, records),
    ]
    return page(title=f"Local overview — {site.title}", body="\n".join(parts))


def failed_page(job: Job, error: str, *, site: SiteInfo) -> str:
    """Stands in for a report whose page could not be written, so no link is broken."""
    body = (f"<h1>{e(job.title)}</h1><p class=\"status-failed\">This report could not be built.</p>"
            f"<p>Reason: <code>{e(error or 'unknown')}</code></p>"
            '<p><a href="index.html">Back to the index</a></p>')
    return page(title=f"{job.title} (failed) — {site.title}", body=body, confidential=not job.public)
