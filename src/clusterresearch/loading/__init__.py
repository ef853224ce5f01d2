"""Loading survey input: the instrument, the cluster registry and responses in any accepted format.

Every fault in user input is an ``InputError`` naming the file, row and column; see
docs/data_formats.md for the formats and rules.
"""

from .instrument import load_instrument
from .registry import load_registry
from .survey import Survey, load_survey

__all__ = ["Survey", "load_instrument", "load_registry", "load_survey"]
