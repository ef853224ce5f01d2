"""One report page: the exported notebook body inside a self-contained page.

The body comes from nbconvert's ``basic`` template (cells only: no require.js, no MathJax,
no CDN, no theme CSS of 250 kB). Around it this module writes the page: the title (study,
report, scope), a CONFIDENTIAL band on confidential pages, a link to the site's index, links
to the same report for the other scopes of the site, a table of contents built from the
body's headings, and one stylesheet (screen and print) inlined in the page. Nothing is
loaded from outside the page's folder. `reproduce` frames each report with
:func:`report_page` and writes its indexes with :func:`page`; every value is escaped (`e`).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote


CONFIDENTIAL_TEXT = ("The answers of a group smaller than the publication threshold "
                     "(for a cluster, one person's answers). For the project team only: "
                     "do not publish, share or forward this page.")


@dataclass(frozen=True)
class SiteInfo:
    """What the site's pages say about the study (the runner fills it; the study can)."""

    title: str = "clusterresearch reports"
    citation: str = ""
    notice: str = ""                 # e.g. "Reconstructed data: ..."; shown on the indexes
    statements_summary: str = ""     # the paper's statements check, one or two sentences
    labels: tuple = ()               # (grouping column, its label) pairs: "By year of accident", not "By year"


@dataclass(frozen=True)
class NavLink:
    """A link to the same report for one scope of the site."""

    label: str       # e.g. "Country PL (n = 7)"
    href: str        # file name in the same folder
    current: bool = False


def e(value: object) -> str:
    """HTML-escape any value (quotes too: safe in attributes)."""
    return html.escape(str(value), quote=True)


def href(target: str) -> str:
    """A relative link target: URL-quoted, then escaped for the attribute."""
    return e(quote(target))


# --------------------------------------------------------------------------- contents


class _Headings(HTMLParser):
    """(level, id, text) of every h2/h3 with an id, in order; the pilcrow anchors dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str, str]] = []
        self._current: tuple[int, str] | None = None
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "h3") and attrs.get("id"):
            self._current, self._text = (int(tag[1]), attrs["id"]), []
        elif self._current and tag == "a" and "anchor-link" in (attrs.get("class") or ""):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "a" and self._skip:
            self._skip -= 1
        elif self._current and tag == f"h{self._current[0]}":
            text = " ".join("".join(self._text).split())
            if text:
                self.found.append((self._current[0], self._current[1], text))
            self._current = None

    def handle_data(self, data):
        if self._current and not self._skip:
            self._text.append(data)


def headings(body: str) -> list[tuple[int, str, str]]:
    parser = _Headings()
    parser.feed(body)
    return parser.found


def toc(body: str) -> str:
    """A nested list of the body's h2 (and their h3) headings, linking to their ids."""
    items: list[str] = []
    open_sub = False
    for level, anchor, text in headings(body):
        if level == 3 and items:
            if not open_sub:
                items[-1] = items[-1].removesuffix("</li>") + "<ol>"
                open_sub = True
            items.append(f'<li><a href="#{e(quote(anchor, safe=""))}">{e(text)}</a></li>')
            continue
        if open_sub:
            items.append("</ol></li>")
            open_sub = False
        items.append(f'<li><a href="#{e(quote(anchor, safe=""))}">{e(text)}</a></li>')
    if open_sub:
        items.append("</ol></li>")
    if not items:
        return ""
    return f'<nav class="cr-toc" aria-label="Contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>'


# --------------------------------------------------------------------------- the page

CSS = """
:root { --fg: #1d1d1f; --muted: #5a5a5a; --rule: #d9d9d9; --accent: #174ea6; --warn: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
       margin: 0 auto; max-width: 72rem; padding: 0 1.25rem 3rem; }
a { color: var(--accent); }
h1 { font-size: 1.8rem; line-height: 1.25; margin: 1.2rem 0 0.6rem; }
h2 { font-size: 1.4rem; margin: 2.2rem 0 0.6rem; border-bottom: 1px solid var(--rule); padding-bottom: 0.2rem; }
h3 { font-size: 1.15rem; margin: 1.6rem 0 0.5rem; }
.anchor-link { display: none; }
blockquote { margin: 1rem 0; padding: 0.4rem 1rem; border-left: 4px solid var(--rule); color: var(--muted); }
code, pre { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: 0.5rem 0.75rem; }
.cr-header { border-bottom: 1px solid var(--rule); padding: 0.75rem 0 0.5rem; font-size: 0.95rem; }
.cr-header p { margin: 0.2rem 0; }
.cr-scope { font-weight: 600; }
.cr-scopes ul, .cr-reports { list-style: none; padding: 0; margin: 0.3rem 0; }
.cr-scopes li { display: inline-block; margin: 0 0.9rem 0.2rem 0; white-space: nowrap; }
.cr-scopes [aria-current] { font-weight: 700; color: var(--fg); text-decoration: none; }
.cr-toc { background: #f7f7f9; border: 1px solid var(--rule); padding: 0.5rem 1rem; margin: 1rem 0; font-size: 0.95rem; }
.cr-toc h2 { font-size: 1rem; margin: 0.2rem 0; border: 0; }
.cr-toc ol { margin: 0.2rem 0; padding-left: 1.4rem; }
.cr-toc ol ol { list-style: lower-alpha; }
.cr-confidential { position: sticky; top: 0; z-index: 10; background: var(--warn); color: #fff; font-weight: 700;
                   padding: 0.6rem 1rem; margin: 0 -1.25rem; font-size: 1.05rem; letter-spacing: 0.01em; }
.cr-confidential strong { font-size: 1.35rem; letter-spacing: 0.08em; margin-right: 0.5rem; }
.cr-local { background: #fff4e5; border-left: 4px solid #e65100; padding: 0.5rem 1rem; }
.cr-notice { background: #f5f5f5; border-left: 4px solid #888; padding: 0.5rem 1rem; }
/* tables: numbers right, text left; a wide table scrolls inside the page, not the page */
.output_html, .cr-table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1.25rem; font-size: 0.9rem; font-variant-numeric: tabular-nums; }
caption { caption-side: bottom; text-align: left; color: var(--muted); font-size: 0.85rem; padding-top: 0.3rem; }
th, td { border-bottom: 1px solid var(--rule); padding: 0.3rem 0.6rem; vertical-align: top; text-align: left; }
thead th { border-bottom: 2px solid #999; vertical-align: bottom; }
tbody tr:nth-child(even) { background: #fafafa; }
td.n, td.num, th.n, th.num, td[data-num] { text-align: right; white-space: nowrap; }
.cr-pct, .cr-num { white-space: nowrap; }
table.dataframe tr { text-align: left !important; }
figure.cr-figure { margin: 1rem 0; }
figure.cr-figure img, .output_png img, .output_svg img { max-width: 100%; height: auto; }
.output_subarea pre { background: none; padding: 0; }
.output_stderr { display: none; }
.output_error pre { background: #fdecea; }
ul.cr-files { columns: 2; }
.status-failed { color: var(--warn); font-weight: 700; }
.cr-footer { margin-top: 3rem; border-top: 1px solid var(--rule); padding-top: 0.5rem; color: var(--muted); font-size: 0.9rem; }
@media print {
  @page { margin: 1.5cm; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  a { color: inherit; text-decoration: none; }
  .cr-scopes, .cr-footer nav { display: none; }
  .cr-toc { break-after: page; background: none; }
  .cr-confidential { position: static; margin: 0 0 0.5rem; border: 3px solid #000; color: #000; background: none; }
  h2, h3 { break-after: avoid; }
  table, figure, img { break-inside: avoid; }
  .output_html, .cr-table-wrap { overflow: visible; }
  table { font-size: 8.5pt; }
  tbody tr:nth-child(even) { background: none; }
}
"""

_CELL = re.compile(r"<td>([^<]*)</td>")
_NUMBER = re.compile(r"[\d\s.,%/()\[\]<>≤≥–—−+=-]*\d[\d\s.,%/()\[\]<>≤≥–—−+=-]*|[–—-]")


def _is_number(text: str) -> bool:
    text = html.unescape(text).replace("\xa0", " ").strip()
    return bool(text) and _NUMBER.fullmatch(text) is not None


def align_numbers(body: str) -> str:
    """Right-align (``class="num"``, no wrapping) the table cells whose content is a number,
    a percentage, a count with its share (``7/12 (58 %)``), an interval or a masked count
    (``<3``); every other cell stays left-aligned. Presentation only: the report code decides
    what the cells say."""
    return _CELL.sub(lambda m: f'<td class="num">{m.group(1)}</td>' if _is_number(m.group(1)) else m.group(0), body)


def page(*, title: str, body: str, confidential: bool = False, header: str = "", contents: str = "",
         footer: str = "") -> str:
    """A complete page: inlined CSS, optional CONFIDENTIAL band, header, contents, body."""
    band = (f'<div class="cr-confidential" role="alert"><strong>CONFIDENTIAL</strong>{e(CONFIDENTIAL_TEXT)}</div>'
            if confidential else "")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        *(['<meta name="robots" content="noindex, nofollow">'] if confidential else []),
        f"<title>{'CONFIDENTIAL: ' if confidential else ''}{e(title)}</title>",
        f"<style>{CSS}</style></head>",
        f'<body class="{"confidential" if confidential else "public"}">',
        band, header, contents, f"<main>{body}</main>", footer,
        "</body></html>",
        "",
    ])


NEIGHBOURS = 25  # a report's header links at most this many scopes; the index links them all


def neighbours(siblings: tuple[NavLink, ...], most: int = NEIGHBOURS) -> tuple[NavLink, ...]:
    """The scopes a report's header links: all of them up to ``most``, else the first (all
    data) and the ones around the current report, in the site's order."""
    if len(siblings) <= most:
        return siblings
    current = next((i for i, s in enumerate(siblings) if s.current), 0)
    start = min(max(current - (most - 1) // 2, 1), len(siblings) - (most - 1))
    return (siblings[0],) + siblings[start:start + most - 1]


def report_page(body: str, *, report: str, scope_label: str, site: SiteInfo, confidential: bool,
                siblings: tuple[NavLink, ...] = (), notebook_file: str = "") -> str:
    """The page of one report: ``body`` from nbconvert's basic template, framed."""
    index_name = "confidential reports" if confidential else "all reports"
    scopes = ""
    if len(siblings) > 1:
        shown = neighbours(siblings)
        links = "".join(
            f'<li><a href="{href(s.href)}"{" aria-current=page" if s.current else ""}>{e(s.label)}</a></li>'
            for s in shown)
        if len(shown) < len(siblings):
            links += f'<li><a href="index.html">all {len(siblings)} in the index</a></li>'
        scopes = f'<nav class="cr-scopes" aria-label="Other scopes"><p>This report for:</p><ul>{links}</ul></nav>'
    header = (f'<header class="cr-header"><p><a href="index.html">&larr; Index of {e(index_name)}</a> · '
              f"{e(site.title)}</p>"
              f'<p class="cr-scope">{e(report)}: {e(scope_label)}</p>{scopes}</header>')
    notebook = f' · <a href="{href(notebook_file)}">executed notebook (.ipynb)</a>' if notebook_file else ""
    footer = (f'<footer class="cr-footer"><nav><a href="index.html">Index of {e(index_name)}</a>{notebook}</nav>'
              + (f"<p>{e(site.citation)}</p>" if site.citation else "") + "</footer>")
    body = align_numbers(body)
    contents = toc(body)
    if contents and "</h1>" in body:  # the contents follow the report's own title
        body = body.replace("</h1>", "</h1>" + contents, 1)
        contents = ""
    return page(title=f"{report}: {scope_label} — {site.title}", body=body,
                confidential=confidential, header=header, contents=contents, footer=footer)
