"""The survey file init drafts from: its answers, and what the file itself says about them.

SPSS files carry variable labels (the question text), value labels (the scale) and declared
missing codes; platform exports carry the question text in their header rows and are read by
:func:`clusterresearch.loading.platforms.read_export`, which also drops personal columns.
Both end as one `Source`, so the proposals never care where the file came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InputError, where
from ..loading.formats import ColumnRoles, RawTable
from ..loading.platforms import read_export

# Platform bookkeeping columns (platform layouts only): neither an answer nor a group of respondents.
METADATA = re.compile(
    r"^(startdate|enddate|status|progress|duration.*|finished|recordeddate|distributionchannel|"
    r"userlanguage|submitdate|lastpage|startlanguage|seed|datestamp|refurl|ipaddr|"
    r"collector.?id|start.?date|end.?date|custom.?data.*|"
    r"_(uuid|submission_time|validation_status|index|status|submitted_by|version|notes|tags|"
    r"xform_id|duration|attachments|geolocation|parent_index|id)|__version__|meta/.*|"
    r"start|end|today|deviceid|subscriberid|simserial|phonenumber|username|audit|instanceid|"
    r"submissiondate|key|submitterid|submittername|attachmentspresent|attachmentsexpected|reviewstate|edits|"
    r"formversion|meta-instanceid|meta-instancename)$",
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
    """Read a survey file for drafting through ``read_export`` (which drops personal columns and
    leaves out preview and incomplete responses); SPSS files add what their dictionary says."""
    path = Path(path)
    export = read_export(path, format=fmt, encoding=encoding, roles=_no_codes)
    metadata = [name for name in export.table.header
                if export.layout != "wide" and METADATA.match(name) and name != export.id_column]
    source = Source(
        file=path, layout=export.layout, table=_without(export.table, metadata), metadata=tuple(metadata),
        labels=dict(export.labels), dropped=tuple(export.dropped), excluded=sum(export.excluded.values()),
        id_column=export.id_column,
    )
    if export.table.kind == "sav":
        source = _with_spss_dictionary(source)
    return source


def _no_codes(header: list[str]) -> ColumnRoles:
    """Read every column as found: SPSS answers stay codes (never relabelled), text stays text."""
    return ColumnRoles(codes=frozenset())


def _without(table: RawTable, columns: list[str]) -> RawTable:
    """The table less some columns (platform bookkeeping), nothing else changed."""
    if not columns:
        return table
    keep = [name for name in table.header if name not in set(columns)]
    return RawTable(table.file, table.kind, keep, table.frame[keep], table.rows)


def _with_spss_dictionary(source: Source) -> Source:
    """Add an SPSS file's variable labels, value labels and declared missing codes."""
    import pyreadstat

    path, kept = source.file, set(source.columns)
    try:
        _, meta = pyreadstat.read_sav(str(path), metadataonly=True, user_missing=True)
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
    return replace(source, layout="spss", labels={k: v for k, v in labels.items() if k in kept},
                   value_labels={k: v for k, v in values.items() if k in kept},
                   declared_missing={k: v for k, v in missing.items() if k in kept})
