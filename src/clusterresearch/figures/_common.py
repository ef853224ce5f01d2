"""Shared helpers of the figures: a pyplot-free Agg figure and whole-percent rounding."""

from __future__ import annotations


from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FONT_SIZE = 9


def new_figure(width: float, height: float) -> Figure:
    """A Figure on an Agg canvas with constrained layout, outside pyplot's registry."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


