"""The cluster registry: which clusters exist and in which country.

Optional for a user's survey; when given, every respondent's cluster must be in it, in the
country it gives, so per-cluster and per-country figures cannot silently disagree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .cells import as_text
from .formats import read_table
from .validation import require_columns, require_countries, require_filled, require_unique

COLUMNS = ("cluster_id", "country", "name")


def load_registry(path: str | Path, encoding: str | None = None) -> pd.DataFrame:
    """``cluster_id, country, name`` as ``str`` in file order; ``name`` may be missing or empty ("")."""
    path = Path(path)
    table = read_table(path, encoding=encoding)
    require_columns(path, table.header, ("cluster_id", "country"), "a cluster registry")
    rows = table.rows
    cluster = as_text(table.frame["cluster_id"])
    country = as_text(table.frame["country"])
    require_filled(path, rows, {"cluster_id": cluster, "country": country})
    require_countries(path, rows, country)
    require_unique(path, rows, [cluster], "cluster_id", "cluster_id {0!r}")
    if "name" in table.header:
        name = as_text(table.frame["name"], strip=False).fillna("")
    else:
        name = pd.Series([""] * len(rows), dtype="str")
    return pd.DataFrame({"cluster_id": cluster.to_numpy(), "country": country.to_numpy(),
                         "name": name.to_numpy()}, dtype="str")
