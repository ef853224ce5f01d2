"""Report building blocks: sentences written from the numbers, and HTML-safe tables."""

from .narrative import area_paragraph, share_sentence
from .tables import HtmlFragment, essay_block, html_table

__all__ = [
    "HtmlFragment",
    "area_paragraph",
    "essay_block",
    "html_table",
    "share_sentence",
]
