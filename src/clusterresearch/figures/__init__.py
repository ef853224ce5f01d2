"""Figures of the survey: the diverging Likert bars of Figures 1-8, the area overview and
the desired-vs-existing gap, plus byte-stable saving.

Figures are built as ``matplotlib.figure.Figure`` objects with an Agg canvas, never through
pyplot, so importing this package neither picks nor changes the global backend (a notebook
keeps its inline backend) and no figure piles up in pyplot's registry.
"""

from .areas import gap_figure, overview_figure
from .likert import LEVEL_COLORS, LEVEL_LABELS, likert_figure
from .save import FigureDisplay, save_figure, show_figure

__all__ = [
    "FigureDisplay",
    "LEVEL_COLORS",
    "LEVEL_LABELS",
    "gap_figure",
    "likert_figure",
    "overview_figure",
    "save_figure",
    "show_figure",
]
