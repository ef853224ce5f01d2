"""Pure metrics on the tidy answers frame (one row per respondent x item); no file I/O here."""

from .areas import area_gap, area_stats, respondent_area_index, self_vs_assessor
from .items import item_stats, wilson_interval

__all__ = [
    "area_gap",
    "area_stats",
    "item_stats",
    "respondent_area_index",
    "self_vs_assessor",
    "wilson_interval",
]
