"""Loading a study: its folder (study.toml, instrument, scales, areas), its responses in
any accepted format, and group names.

Every fault in user input is an ``InputError`` naming the file, row and column; see
docs/data_formats.md for the formats and rules.
"""

from .groups import group_names, load_names
from .instrument import load_instrument
from .registry import load_registry
from .scales import Scale, load_scales
from .study import GroupSpec, Study, load_study
from .survey import Survey, load_survey

__all__ = ["GroupSpec", "Scale", "Study", "Survey", "group_names", "load_instrument", "load_names", "load_registry",
           "load_scales", "load_study", "load_survey"]
