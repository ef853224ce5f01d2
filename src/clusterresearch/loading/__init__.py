"""Loading a study: its folder (study.toml, instrument, scales, areas), its responses in
any accepted format, and group names.

Every fault in user input is an ``InputError`` naming the file, row and column; see
docs/data_formats.md for the formats and rules. The names below are imported when first
used, so a command that reads no survey (a rerun with nothing changed) does not import pandas.
"""

import importlib

_WHERE = {"group_names": "groups", "load_names": "groups", "load_instrument": "instrument",
          "load_registry": "registry", "Scale": "scales", "load_scales": "scales", "GroupSpec": "study",
          "Study": "study", "load_study": "study", "Survey": "survey", "load_survey": "survey"}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
