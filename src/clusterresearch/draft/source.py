"""The survey file init drafts from: its answers, and what the file itself says about them.

SPSS files carry variable labels (the question text), value labels (the scale) and declared
missing codes; platform exports carry the question text in their header rows and are read by
:func:`clusterresearch.loading.platforms.read_export`, which also drops personal columns.
Both end as one `Source`, so the proposals never care where the file came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError, where
from ..loading.formats import ColumnRoles, RawTable, kind_of, read_table

SPSS_FORMATS = ("sav", "spss")
# Personal data in files that are not platform exports (SPSS, plain CSV/XLSX): left out by name.
PERSONAL = re.compile(
    r"^(e-?mail.*|.*_e-?mail|ip|ip_?address|.*ipaddress|(first|last|full|given|family|sur)_?name|name|"
    r"phone.*|telephone|mobile|address|street|postcode|zip|latitude|longitude|.*_lat|.*_lon|"
    r"location_?(latitude|longitude)|external_?reference|recipient.*)$",
    re.IGNORECASE,
)
# Platform bookkeeping columns: neither an answer nor a group of respondents.
METADATA = re.compile(
    r"^(startdate|enddate|status|progress|duration.*|finished|recordeddate|distributionchannel|"
    r"userlanguage|submitdate|lastpage|startlanguage|seed|datestamp|refurl|ipaddr|"
    r"collector.?id|start.?date|end.?date|custom.?data.*|"
    r"_(uuid|submission_time|validation_status|index|status|submitted_by|version|notes|tags|"
    r"xform_id|duration|attachments|geolocation|parent_index|id)|__version__|meta/.*|"
    r"start|end|today|deviceid|subscriberid|simserial|phonenumber|username|audit|instanceid)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Source:
    """What init knows about a survey file.

    ``table`` holds the kept columns (SPSS answers as their codes, never relabelled);
    ``labels`` column -> question text; ``value_labels`` column -> {code: label} and
    ``declared_missing`` column -> codes the file itself declares missing (SPSS only);
    ``dropped`` the personal columns left out by name, ``metadata`` the platform's bookkeeping
    columns (StartDate, Progress, _uuid, ...) left out; ``id_column`` the layout's own
    respondent id (a platform's ResponseId), when it has one.
    """

    file: Path
    layout: str
    table: RawTable
    labels: dict[str, str] = field(default_factory=dict)
    value_labels: dict[str, dict[float, str]] = field(default_factory=dict)
    declared_missing: dict[str, set[float]] = field(default_factory=dict)
    dropped: tuple[str, ...] = ()
    metadata: tuple[str, ...] = ()
    excluded: int = 0
    id_column: str | None = None

    @property
    def columns(self) -> list[str]:
        return list(self.table.header)


def read_source(path: str | Path, fmt: str = "auto", encoding: str | None = None) -> Source:
    """Read a survey file for drafting: SPSS directly, platform exports through read_export."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, where(), "file not found" if not path.exists() else "not a file")
    if fmt in SPSS_FORMATS or (fmt == "auto" and path.suffix.lower() in (".sav", ".zsav")):
        return _read_spss(path, encoding)
    try:
        from ..loading.platforms import read_export
    except ImportError:  # before the platform readers: plain wide CSV/XLSX only
        if fmt not in ("auto", "wide"):
            raise InputError(path, where(), f"unknown format {fmt!r}: expected auto, wide or sav") from None
        kind_of(path)
        return _plain(path, read_table(path, encoding=encoding, roles=_no_codes), "wide")
    export = read_export(path, format=fmt)
    metadata = _metadata(export.table.header)
    return Source(
        file=path, layout=export.layout, table=_without(export.table, metadata), metadata=tuple(metadata),
        labels={k: v for k, v in (export.labels or {}).items() if v}, dropped=tuple(export.dropped),
        excluded=_count(export.excluded), id_column=export.id_column,
    )


def _no_codes(header: list[str]) -> ColumnRoles:
    """Read every column as found: SPSS answers stay codes, text stays text."""
    return ColumnRoles(codes=frozenset())


def _count(excluded) -> int:
    if isinstance(excluded, int):
        return excluded
    try:
        return len(excluded)
    except TypeError:
        return 0


def _metadata(header: list[str]) -> list[str]:
    return [name for name in header if METADATA.match(name)]


def _without(table: RawTable, columns: list[str]) -> RawTable:
    """The table less some columns (personal or bookkeeping), nothing else changed."""
    if not columns:
        return table
    keep = [name for name in table.header if name not in set(columns)]
    return RawTable(table.file, table.kind, keep, table.frame[keep], table.rows)


def _plain(path: Path, table: RawTable, layout: str, **extra) -> Source:
    dropped = [name for name in table.header if PERSONAL.match(name)]
    if len(dropped) == len(table.header):
        raise InputError(path, where(row=1), "every column looks like personal data; nothing to draft from")
    return Source(file=path, layout=layout, table=_without(table, dropped), dropped=tuple(dropped), **extra)


def _read_spss(path: Path, encoding: str | None) -> Source:
    import pyreadstat

    table = read_table(path, encoding=encoding, roles=_no_codes)
    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True, encoding=encoding)
    except Exception as exc:  # pyreadstat raises its own ReadstatError and plain ones
        raise InputError(path, where(), f"not a readable SPSS .sav file ({exc})") from None
    names = {str(raw): str(raw).strip() for raw in meta.column_names}
    labels = {names[k]: str(v).strip() for k, v in (meta.column_names_to_labels or {}).items() if v and str(v).strip()}
    values = {names[k]: {float(c): str(t).strip() for c, t in v.items()} for k, v in (meta.variable_value_labels or {}).items()}
    missing: dict[str, set[float]] = {}
    for raw, ranges in (meta.missing_ranges or {}).items():
        for span in ranges:
            low, high = span.get("lo"), span.get("hi")
            if isinstance(low, (int, float)) and low == high:
                missing.setdefault(names[raw], set()).add(float(low))
            elif isinstance(low, (int, float)) and isinstance(high, (int, float)):
                codes = {c for c in values.get(names[raw], {}) if low <= c <= high}
                missing.setdefault(names[raw], set()).update(codes)
    return _plain(path, table, "spss", labels=labels, value_labels=values, declared_missing=missing)
