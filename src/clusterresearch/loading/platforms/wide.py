"""Our plain layout: row 1 names the columns, one respondent per row (CSV, XLSX or SAV).

Read by `formats.read_table` as before; columns whose names say they hold personal data
(`export.looks_personal`: e-mail, IP address, names, phone, coordinates) are left out unless
the study maps them, which is refused.
"""

from __future__ import annotations

from pathlib import Path

from ..formats import RolesFor, all_codes, read_table
from .export import Reading, no_reason


def read(path: Path, encoding: str | None, roles: RolesFor = all_codes) -> Reading:
    """Read a wide file; ``roles`` as `read_table` takes them (which columns are text)."""
    table = read_table(path, encoding=encoding, roles=roles)
    id_column = "respondent_id" if "respondent_id" in table.header else None
    return Reading("wide", table, id_column, frozenset(), {}, no_reason(table), no_reason(table))
