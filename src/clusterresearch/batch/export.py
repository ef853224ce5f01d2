"""The HTML of a report's cells: nbconvert's HTMLExporter (``basic`` template), one per thread.

``HTMLExporter.from_notebook_node`` ends with a pass that parses the page it has just
rendered with BeautifulSoup, gives every ``<img>`` without alt text a placeholder, marks
the cells of the ``lab`` template focusable, and serialises the page again. On a report
that pass was 85 % of the export (0.19 of 0.22 s). :class:`PageExporter` renders the same
template and gives the placeholder with one regular expression instead; the ``basic``
template has no ``lab`` cells to mark. tests/test_batch_export.py checks that its page is
nbconvert's once both are parsed.

Before the export, :func:`relink` points every figure link a display recorded
(``figures.save.LINK_METADATA``) at ``<stem>_files/<file>`` beside the page, and
:func:`portable_paths` writes the builder's absolute paths relative to the project.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from urllib.parse import quote

from ..page import e

_local = threading.local()
NO_ALT = "No description has been provided for this image"  # nbconvert's placeholder
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)", re.IGNORECASE)


def _exporter_class():
    import os

    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):
            """HTMLExporter.from_notebook_node up to the rendered template (the same two
            filters, made from the notebook and its resources as HTMLExporter makes them),
            then alt text for images without, as nbconvert gives it."""
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            self.register_filter("highlight_code",
                                 self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
            meta = (resources or {}).get("metadata", {})
            where = os.path.join(meta.get("path", ""), meta.get("name", ""))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata={where: nb.metadata}, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return _IMG_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', html), resources

    return PageExporter


def exporter(with_code: bool):
    """The HTML exporter of this thread (one per worker process with the local executor).

    nbconvert's ``basic`` template gives the cells only: no require.js or MathJax from a
    CDN, no theme CSS; :func:`clusterresearch.page.report_page` writes the page around them.
    """
    cache = getattr(_local, "exporters", None)
    if cache is None:
        cache = _local.exporters = {}
    if with_code not in cache:
        cache[with_code] = _exporter_class()(
            template_name="basic",
            exclude_input=not with_code,
            exclude_input_prompt=not with_code,
            exclude_output_prompt=not with_code,
        )
    return cache[with_code]


def portable_paths(nb, folders) -> bool:
    """Write the build machine's absolute paths in an executed notebook (papermill's
    metadata, the injected parameters) relative to the first of ``folders`` that holds them
    (the notebook's own folder, then the project root): a published notebook names
    ``data/raw``, not ``/home/someone/project/data/raw``. Changes ``nb`` in place."""
    prefixes = [str(Path(f).resolve()).rstrip("/") + "/" for f in folders]

    def portable(text: str) -> str:
        for prefix in prefixes:
            text = text.replace(prefix, "")
        return text

    places = []  # (mapping, key) of every string that may hold a path
    papermill = nb.get("metadata", {}).get("papermill") or {}
    places += [(papermill, key) for key in ("input_path", "output_path")]
    places += [(papermill["parameters"], key) for key in papermill.get("parameters", {})]
    places += [(cell, "source") for cell in nb.get("cells", [])
               if "injected-parameters" in cell.get("metadata", {}).get("tags", [])]
    changed = False
    for mapping, key in places:
        value = mapping.get(key)
        value = "".join(value) if isinstance(value, list) else value
        if isinstance(value, str) and portable(value) != value:
            mapping[key], changed = portable(value), True
    return changed


def relink(nb, folder: str) -> int:
    """Point the links recorded by figure displays at ``<folder>/<file>`` (relative to the page).

    A display records ``[{"src": as written, "file": name}]`` in the metadata of its
    text/html output; the src was relative to the kernel's working folder, the page lives
    beside ``folder``. Returns the number of links rewritten. Changes ``nb`` in place.
    """
    from ..figures.save import LINK_METADATA  # here: a rerun that builds nothing imports no matplotlib

    count = 0
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            links = output.get("metadata", {}).get("text/html", {}).get(LINK_METADATA)
            data = output.get("data", {})
            if not links or "text/html" not in data:
                continue
            text = data["text/html"]
            text = "".join(text) if isinstance(text, list) else text
            for link in links:
                new = quote(f"{folder}/{link['file']}")
                for attribute in ("src", "href"):
                    old = f'{attribute}="{e(link["src"])}"'
                    if old in text:
                        text = text.replace(old, f'{attribute}="{e(new)}"')
                        count += 1
                link["src"] = new
            data["text/html"] = text
    return count
