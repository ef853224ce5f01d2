"""Figures of the survey: the diverging bars of each area, the area overview and
the desired-vs-existing gap, plus byte-stable saving.

Figures are built as ``matplotlib.figure.Figure`` objects with an Agg canvas, never through
pyplot, so importing this package neither picks nor changes the global backend (a notebook
keeps its inline backend) and no figure piles up in pyplot's registry.
"""

from .areas import gap_figure, overview_figure
from .likert import likert_figure, scale_colors
from .save import save_figure

__all__ = [
    "gap_figure",
    "likert_figure",
    "overview_figure",
    "scale_colors",
    "save_figure",
]
