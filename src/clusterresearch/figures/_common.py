"""Shared helpers of the figures: a pyplot-free Agg figure and whole-percent rounding."""

from __future__ import annotations

import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FONT_SIZE = 9


def new_figure(width: float, height: float) -> Figure:
    """A Figure on an Agg canvas with constrained layout, outside pyplot's registry."""
    fig = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def whole_percent(share: float) -> int:
    """Round a share (0-1) to a whole percent, halves up (12.5 % -> 13 %), as a reader would."""
    return int(math.floor(share * 100 + 0.5 + 1e-9))
