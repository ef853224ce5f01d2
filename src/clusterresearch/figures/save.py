"""Byte-stable saving: the same figure gives the same PNG and SVG bytes on every run."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from ..outputs import write_bytes

DPI = 150
SVG_HASHSALT = "clusterresearch"
# What each backend accepts: Agg's PNG writer takes tEXt keys and drops those set to None
# (Software would carry the matplotlib version); the SVG writer takes Dublin Core keys and
# omits Date (a timestamp) and Creator (the matplotlib version) when they are None.
PNG_METADATA = {"Software": None}
SVG_METADATA = {"Date": None, "Creator": None}


def _render(fig: Figure, fmt: str) -> bytes:
    buffer = io.BytesIO()
    metadata = PNG_METADATA if fmt == "png" else SVG_METADATA
    with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        fig.savefig(buffer, format=fmt, dpi=DPI, metadata=metadata, facecolor="white")
    return buffer.getvalue()


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
    if "matplotlib.pyplot" in sys.modules:  # only a pyplot-made figure has anything to close
        sys.modules["matplotlib.pyplot"].close(fig)
    return paths
