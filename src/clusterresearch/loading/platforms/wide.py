"""Our plain layout: row 1 names the columns, one respondent per row (CSV, XLSX or SAV).

Read by `formats.read_table` as before; columns whose names say they hold personal data
(e-mail, IP address, names, phone, coordinates) are left out unless the study maps them.
"""

from __future__ import annotations

from pathlib import Path

from ..formats import RolesFor, all_codes, read_table
from .export import Reading, no_reason

PERSONAL = frozenset({"email", "e-mail", "email address", "e-mail address", "ip", "ip address", "ipaddress",
                      "name", "first name", "last name", "firstname", "lastname", "phone", "phone number",
                      "latitude", "longitude"})


def read(path: Path, encoding: str | None, roles: RolesFor = all_codes) -> Reading:
    """Read a wide file; ``roles`` as `read_table` takes them (which columns are text)."""
    table = read_table(path, encoding=encoding, roles=roles)
    personal = frozenset(name for name in table.header if name.strip().lower().replace("_", " ") in PERSONAL)
    id_column = "respondent_id" if "respondent_id" in table.header else None
    return Reading("wide", table, id_column, personal, {}, no_reason(table), no_reason(table))
