"""Byte-stable saving, and the display object a report returns for a figure.

- :func:`save_figure` writes PNG and SVG (for papers: ``clusterresearch roadmap``);
- :func:`render` draws a figure as the SVG a page shows (:class:`Rendered`), :func:`show_rendered`
  writes it; :func:`show_figure` is the two in one: it writes the figure once, as SVG, and returns a :class:`FigureDisplay`
  whose HTML *references* that file (``<img src=... alt=...>``) instead of embedding it, so
  a report page, its executed notebook and the figure file hold the image once between
  them. JupyterLab resolves the relative ``src`` against the notebook's folder, which is
  the kernel's working folder; ``clusterresearch reproduce`` rewrites it relative to the
  report page (see ``batch.export.relink``), using the metadata the display carries.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import matplotlib as mpl
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from .. import config
from ..outputs import write_bytes, write_text

DPI = 150
SVG_HASHSALT = "clusterresearch"
# What each backend accepts: Agg's PNG writer takes tEXt keys and drops those set to None
# (Software would carry the matplotlib version); the SVG writer takes Dublin Core keys and
# omits Date (a timestamp) and Creator (the matplotlib version) when they are None.
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}
# Metadata key of a display's text/html output: {"src": <src as written>, "file": <file name>}.
LINK_METADATA = "clusterresearch"


def _render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = PNG_METADATA if fmt == "png" else SVG_METADATA
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def _close(fig: Figure) -> None:
    if "matplotlib.pyplot" in sys.modules:  # only a pyplot-made figure has anything to close
        sys.modules["matplotlib.pyplot"].close(fig)


def save_figure(fig: Figure, stem: str | Path) -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.svg`` (atomically, never under data/raw), close the
    figure, and return the two paths.

    Fixed dpi, fixed SVG hash salt (the ids of clip paths) and no timestamps or software
    version in the metadata make equal figures give equal bytes.
    """
    stem = Path(stem)
    paths = []
    for fmt in ("png", "svg"):
        data = _render(fig, fmt)
        paths.append(write_bytes(stem.with_name(f"{stem.name}.{fmt}"), data))
    _close(fig)
    return paths


def web_svg(fig: Figure) -> bytes:
    """The figure as SVG for a web page: text kept as text (``svg.fonttype`` none), which is
    a quarter of the size of glyphs drawn as paths, selectable, and read by screen readers.
    The fonts are matplotlib's list ending in the generic ``sans-serif``, all local.

    It prints through the SVG canvas directly, in one pass: ``savefig`` first draws a
    figure with a layout engine once to lay it out and then again to print it, measuring
    every text twice with two renderers. The one pass lays out and prints with one renderer
    and gives the same bytes (tests/test_figures_svg.py) in about two thirds of the time."""
    buffer = io.BytesIO()
    dpi, face, canvas = fig.dpi, fig.get_facecolor(), fig.canvas
    try:
        fig.dpi = DPI  # the resolution of any raster part, as savefig(dpi=DPI) sets it
        fig.set_facecolor("white")
        with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}):
            FigureCanvasSVG(fig).print_svg(buffer, metadata=SVG_METADATA)
    finally:
        fig.dpi = dpi
        fig.set_facecolor(face)
        fig.set_canvas(canvas)
    return buffer.getvalue()


def page_src(path: Path, base: Path | None = None) -> str:
    """``path`` as a URL relative to ``base`` (default: the working folder), forward slashes,
    percent-encoded."""
    base = Path.cwd() if base is None else Path(base)
    try:
        relative = os.path.relpath(Path(path).absolute(), base.absolute())
    except ValueError:  # another drive (Windows)
        return Path(path).absolute().as_uri()
    return quote(Path(relative).as_posix())


class FigureDisplay:
    """A saved figure as a notebook shows it: an ``<img>`` that references the file.

    ``alt`` is what a reader who cannot see the image is told (written from the data by the
    report); it is HTML-escaped. Width and height (CSS pixels) let the page reserve space.
    """

    def __init__(self, path: Path, alt: str, width: int, height: int):
        self.path, self.alt, self.width, self.height = Path(path), str(alt), int(width), int(height)

    def html(self, src: str) -> str:
        return (f'<figure class="cr-figure"><img src="{html.escape(src, quote=True)}" '
                f'alt="{html.escape(self.alt, quote=True)}" width="{self.width}" height="{self.height}">'
                "</figure>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        src = page_src(self.path)
        data = {"text/html": self.html(src), "text/plain": f"Figure ({self.path.name}): {self.alt}"}
        metadata = {"text/html": {LINK_METADATA: [{"src": src, "file": self.path.name}]}}
        return data, metadata

    def __repr__(self) -> str:
        return f"FigureDisplay({self.path.name!r}, alt={self.alt!r})"


# rcParams that do not change what savefig writes: where figures are shown, not how.
_NOT_DRAWN = ("backend", "backend_fallback", "interactive", "webagg.", "keymap.", "toolbar")


def drawing_settings() -> str:
    """A digest of matplotlib's version and every rcParam that can change a drawn figure."""
    items = sorted((k, repr(v)) for k, v in mpl.rcParams.items() if not k.startswith(_NOT_DRAWN))
    return hashlib.sha256(repr((mpl.__version__, items)).encode()).hexdigest()


@dataclass(frozen=True)
class Rendered:
    """A figure drawn as page SVG (:func:`web_svg`), its size in CSS pixels, and the
    :func:`drawing_settings` it was drawn under. Drawn ahead (``reproduce`` draws the figures
    every report of a site shares once per worker), it stands for a new drawing only while
    the settings are the same: then the bytes are those a new drawing would give."""

    svg: bytes
    width: int
    height: int
    settings: str

    def current(self) -> bool:
        return self.settings == drawing_settings()


def render(fig: Figure) -> Rendered:
    """Draw ``fig`` as page SVG and close it."""
    width, height = (round(v * 72) for v in fig.get_size_inches())  # SVG size is in points; 1 pt = 1 CSS px here
    rendered = Rendered(web_svg(fig), width, height, drawing_settings())
    _close(fig)
    return rendered


def _require_alt(alt: str) -> None:
    if not str(alt).strip():
        raise ValueError("a figure needs alt text: say what it shows, from its data")


def show_rendered(rendered: Rendered, path_stem: str | Path, alt: str) -> FigureDisplay:
    """Write ``rendered`` as ``<path_stem>.svg`` (atomic, never under data/raw) and return the
    display object that shows it by reference with ``alt``."""
    _require_alt(alt)
    stem = Path(path_stem)
    path = write_bytes(stem.with_name(f"{stem.name}.svg"), rendered.svg)
    confidential = config.CONFIDENTIAL_FIGURES_DIR.absolute()
    if confidential == path.parent or confidential in path.parents:
        confidential_marker(confidential)
    return FigureDisplay(path, alt, rendered.width, rendered.height)


def show_figure(fig: Figure, path_stem: str | Path, alt: str) -> FigureDisplay:
    """Save ``fig`` once as ``<path_stem>.svg`` (byte-stable, atomic, never under data/raw),
    close it, and return the display object that shows it by reference with ``alt`` (checked
    before the figure is drawn)."""
    _require_alt(alt)
    return show_rendered(render(fig), path_stem, alt)


class FileList:
    """Files a report wrote, as a list of links (HTML) or names (plain text); no Python repr."""

    def __init__(self, paths, heading: str = "Files"):
        self.paths = sorted({Path(p) for p in paths}, key=lambda p: p.name)
        self.heading = heading

    def _repr_mimebundle_(self, include=None, exclude=None):
        if not self.paths:
            return {"text/plain": "No files.", "text/html": "<p>No files.</p>"}, {}
        links = [{"src": page_src(p), "file": p.name} for p in self.paths]
        items = "".join(f'<li><a href="{html.escape(link["src"], quote=True)}">{html.escape(link["file"])}</a></li>'
                        for link in links)
        data = {"text/html": f'<ul class="cr-files">{items}</ul>',
                "text/plain": "\n".join(p.name for p in self.paths)}
        return data, {"text/html": {LINK_METADATA: links}}


def confidential_marker(folder: Path) -> None:
    """Mark a folder of confidential figures: a .gitignore keeps it out of version control."""
    ignore = Path(folder) / ".gitignore"
    if not ignore.exists():
        write_text(ignore, "*\n")
