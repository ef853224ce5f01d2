"""Pure metrics on the tidy answers frame (one row per respondent x item); no file I/O here.

The names below are imported on first use (PEP 562), so that importing a submodule such as
``metrics.tally`` (scope selection does) does not import scipy and statsmodels: a
``reproduce`` rerun that builds nothing needs neither.
"""

import importlib

_WHERE = {
    "area_gap": "areas",
    "area_stats": "areas",
    "respondent_area_index": "areas",
    "self_vs_assessor": "areas",
    "item_stats": "items",
    "wilson_interval": "items",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
