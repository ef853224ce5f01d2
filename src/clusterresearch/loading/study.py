"""A study is a folder: study.toml, instrument.csv, optional scales.csv, areas.csv, names
of groups and the paper's statements. Every word a report says about a study comes from
these files; nothing about one study lives in code.

See docs/data_formats.md ("A study folder") for every key and column.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .. import config
from ..errors import InputError, where
from .cells import as_text
from .formats import read_table
from .instrument import load_instrument
from .scales import Scale, load_scales
from .validation import require_columns, require_filled, require_unique

STUDY_FILE = "study.toml"
GROUP_KINDS = ("country", "category")
KNOWN_KEYS = ("title", "citation", "respondents", "respondent", "responses", "notice", "caution",
              "groups", "compare", "id_column", "statements", "readiness", "consistency_note",
              "weight", "strata", "psu", "fpc", "kinds")
GROUP_KEYS = ("column", "label", "kind", "names", "missing", "ordered")
# How a report words each item type; a study sets its own in a [kinds] table of study.toml.
KIND_WORDS = {"likert": "rated", "desired": "desired level", "assessor": "assessor's rating", "text": "essay"}


@dataclass(frozen=True)
class GroupSpec:
    """A grouping column of the responses: ``kind`` country (ISO alpha-2) or category."""

    column: str
    label: str
    kind: str
    names: Path | None = None   # optional file: group id (first column), name, other group columns
    missing: tuple[str, ...] = ()   # cell values that mean "no value" (besides an empty cell)
    ordered: bool = False       # waves, years, ranks: groups in order, trend figures


@dataclass(frozen=True)
class Design:
    """The sample design columns of the responses (study.toml ``weight``, ``strata``, ``psu``,
    ``fpc``). Any of them makes the study weighted: without ``weight`` every weight is 1."""

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(c for c in (self.weight, self.strata, self.psu, self.fpc) if c)


@dataclass(frozen=True)
class Study:
    """Everything a study's files say, validated. ``instrument`` as `load_instrument`
    returns it, ``areas`` (area, title, description) in report order."""

    dir: Path
    title: str
    respondents: str
    respondent: str
    responses: Path
    instrument: pd.DataFrame
    scales: dict[str, Scale]
    areas: pd.DataFrame
    groups: tuple[GroupSpec, ...] = ()
    citation: str = ""
    notice: str = ""
    caution: str = ""
    compare: str | None = None
    id_column: str = "respondent_id"
    statements: Path | None = None
    extra: dict = field(default_factory=dict)
    design: Design | None = None
    kinds: dict = field(default_factory=lambda: dict(KIND_WORDS))

    @property
    def weighted(self) -> bool:
        return self.design is not None

    @property
    def shipped(self) -> bool:
        """Is this the study shipped in data/raw (the one question code may ask about it)."""
        return _same(self.dir, config.RAW_DIR)

    @property
    def group_columns(self) -> tuple[str, ...]:
        return tuple(g.column for g in self.groups)

    def group(self, column: str) -> GroupSpec:
        for spec in self.groups:
            if spec.column == column:
                return spec
        known = ", ".join(self.group_columns) or "none"
        raise InputError(self.dir / STUDY_FILE, "groups", f"{column!r} is not a grouping column (have: {known})")

    def area_order(self, asked=None) -> list[str]:
        """The study's areas in report order (areas.csv; without it, instrument order), or
        those of them in ``asked``: the one answer to "in which order do areas come"."""
        order = [str(a) for a in self.areas["area"]]
        return order if asked is None else [a for a in order if a in set(map(str, asked))]

    def area_title(self, area: str) -> str:
        titles = dict(zip(self.areas["area"], self.areas["title"]))
        return titles.get(area) or area

    def files(self, absent: bool = False) -> list[Path]:
        """Every file of the study folder that shapes a report (for build records); with
        ``absent``, also the optional ones the folder lacks (adding one changes the reports)."""
        names = [STUDY_FILE, "instrument.csv", "scales.csv", "areas.csv"]
        paths = [self.dir / n for n in names if absent or (self.dir / n).is_file()]
        paths += [g.names for g in self.groups if g.names is not None]
        if self.statements is not None:
            paths.append(self.statements)
        return paths


def _same(a: Path, b: Path) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _text(path: Path, data: dict, key: str, required: bool = False) -> str:
    value = data.get(key, "")
    if required and (not isinstance(value, str) or not value.strip()):
        raise InputError(path, f"key {key!r}", "missing: a study needs it (a non-empty text)")
    if not isinstance(value, str):
        raise InputError(path, f"key {key!r}", f"must be text, not {type(value).__name__}")
    return value.strip()


def check_keys(path: Path, place: str, data: dict, known: tuple[str, ...]) -> None:
    """Refuse a key the study format does not have, so a typo (``wieght``) is never ignored."""
    for key in data:
        if key in known:
            continue
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        hint = f": did you mean {close[0]!r}?" if close else f" (known keys: {', '.join(known)})"
        raise InputError(path, f"{place}key {key!r}".strip(), f"unknown key{hint}")


def _read_toml(path: Path) -> dict:
    if not path.is_file():
        raise InputError(path, "file", "not found: a study folder needs a study.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(path, "file", "cannot be decoded as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, str(exc).split("(")[-1].rstrip(")") if "(" in str(exc) else "file",
                         f"not valid TOML: {str(exc).split(' (')[0]}") from None


def _groups(path: Path, folder: Path, data: dict) -> tuple[GroupSpec, ...]:
    entries = data.get("groups", [])
    if not isinstance(entries, list):
        raise InputError(path, "groups", "write one [[groups]] table per grouping column")
    specs, seen = [], set()
    for number, entry in enumerate(entries, 1):
        place = f"[[groups]] {number}"
        if not isinstance(entry, dict):
            raise InputError(path, place, "must be a table with column, label and kind")
        check_keys(path, f"{place}, ", entry, GROUP_KEYS)
        column = entry.get("column")
        if not isinstance(column, str) or not column.strip():
            raise InputError(path, f"{place}, key 'column'", "missing: name the grouping column")
        if column in seen:
            raise InputError(path, f"{place}, key 'column'", f"{column!r} is listed twice")
        seen.add(column)
        kind = entry.get("kind", "category")
        if kind not in GROUP_KINDS:
            raise InputError(path, f"{place}, key 'kind'", f"{kind!r} is not a kind: use country or category")
        label = entry.get("label", column)
        if not isinstance(label, str):
            raise InputError(path, f"{place}, key 'label'", "must be text")
        missing = entry.get("missing", [])
        if not isinstance(missing, list) or not all(isinstance(m, (str, int)) and not isinstance(m, bool)
                                                    for m in missing):
            raise InputError(path, f"{place}, key 'missing'", 'must be a list of codes, e.g. ["DK", "-99"]')
        ordered = entry.get("ordered", False)
        if not isinstance(ordered, bool):
            raise InputError(path, f"{place}, key 'ordered'", "must be true or false")
        names = entry.get("names")
        if names is not None:
            names = folder / str(names)
            if not names.is_file():
                raise InputError(path, f"{place}, key 'names'", f"file {names} not found")
        specs.append(GroupSpec(column.strip(), label.strip() or column, kind, names,
                               tuple(str(m).strip() for m in missing), ordered))
    return tuple(specs)


def _design(path: Path, data: dict, taken: set[str]) -> Design | None:
    """study.toml's sample design keys: each names a responses column of its own."""
    found = {}
    for key in ("weight", "strata", "psu", "fpc"):
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str) or not value.strip():
            raise InputError(path, f"key {key!r}", "must name a column of the responses file")
        value = value.strip()
        if value in taken or value in found.values():
            raise InputError(path, f"key {key!r}", f"{value!r} is already the id, a grouping or a design column")
        found[key] = value
    return Design(**found) if found else None


def _kinds(path: Path, data: dict) -> dict:
    """The words of the item types ([kinds] likert = "self-assessed"), defaults for the rest."""
    given = data.get("kinds", {})
    if not isinstance(given, dict):
        raise InputError(path, "kinds", 'write a [kinds] table, e.g. likert = "self-assessed"')
    check_keys(path, "[kinds], ", given, tuple(KIND_WORDS))
    for key, value in given.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(path, f"[kinds], key {key!r}", "must be a non-empty text")
    return {**KIND_WORDS, **{k: v.strip() for k, v in given.items()}}


def load_areas(path: Path, instrument: pd.DataFrame) -> pd.DataFrame:
    """areas.csv (area, title, description) in report order; without it, instrument order."""
    used = list(pd.unique(instrument["area"]))
    if not path.is_file():
        return pd.DataFrame({"area": used, "title": used, "description": [""] * len(used)}, dtype="str")
    table = read_table(path)
    require_columns(path, table.header, ("area", "title"), "an areas file")
    area = as_text(table.frame["area"])
    require_filled(path, table.rows, {"area": area})
    require_unique(path, table.rows, [area], "area", "area {0!r}")
    title = as_text(table.frame["title"], strip=False).fillna("")
    description = (as_text(table.frame["description"], strip=False).fillna("")
                   if "description" in table.header else pd.Series([""] * len(area)))
    for i, name in enumerate(area):
        if name not in used:
            raise InputError(path, where(row=int(table.rows[i]), column="area"),
                             f"area {name!r} has no item in the instrument")
    listed = set(area)
    for name in used:
        if name not in listed:
            row = int(instrument.index[instrument["area"] == name][0]) + 2
            raise InputError(path.with_name("instrument.csv"), where(row=row, column="area"),
                             f"area {name!r} is not in areas.csv (list every area there, in report order)")
    return pd.DataFrame({"area": area.to_numpy(), "title": [t.strip() or a for t, a in zip(title, area)],
                         "description": description.str.strip().to_numpy()}, dtype="str")


def load_study(folder: str | Path | None = None) -> Study:
    """Read and validate a study folder (default: data/raw, the shipped study)."""
    folder = Path(folder) if folder is not None else config.RAW_DIR
    if not folder.is_dir():
        raise InputError(folder, "folder", "study folder not found (--study)")
    path = folder / STUDY_FILE
    data = _read_toml(path)
    check_keys(path, "", data, KNOWN_KEYS)
    title = _text(path, data, "title", required=True)
    respondents = _text(path, data, "respondents", required=True)
    respondent = _text(path, data, "respondent") or (respondents[:-1] if respondents.endswith("s") else respondents)
    responses = folder / _text(path, data, "responses", required=True)
    groups = _groups(path, folder, data)
    compare = data.get("compare")
    if compare is not None and compare not in {g.column for g in groups}:
        raise InputError(path, "key 'compare'", f"{compare!r} is not one of the [[groups]] columns")
    statements = data.get("statements")
    statements = folder / statements if statements else None
    if statements is not None and not statements.is_file():
        raise InputError(path, "key 'statements'", f"file {statements} not found")
    scales_path = folder / "scales.csv"
    scales = load_scales(scales_path if scales_path.is_file() else None)
    instrument = load_instrument(folder / "instrument.csv", scales=scales)
    clash = set(instrument["column"]) & ({g.column for g in groups} | {_text(path, data, "id_column") or "respondent_id"})
    if clash:
        name = sorted(clash)[0]
        row = int(instrument.index[instrument["column"] == name][0]) + 2
        raise InputError(folder / "instrument.csv", where(row=row, column="column"),
                         f"{name!r} is the id or a grouping column of study.toml, not an item")
    areas = load_areas(folder / "areas.csv", instrument)
    id_column = _text(path, data, "id_column") or "respondent_id"
    design = _design(path, data, {g.column for g in groups} | {id_column})
    if design is not None and set(design.columns) & set(instrument["column"]):
        name = sorted(set(design.columns) & set(instrument["column"]))[0]
        row = int(instrument.index[instrument["column"] == name][0]) + 2
        raise InputError(folder / "instrument.csv", where(row=row, column="column"),
                         f"{name!r} is a sample design column of study.toml, not an item")
    return Study(
        dir=folder, title=title, respondents=respondents, respondent=respondent, responses=responses,
        instrument=instrument, scales=scales, areas=areas, groups=groups,
        citation=_text(path, data, "citation"), notice=_text(path, data, "notice"),
        caution=_text(path, data, "caution"), compare=compare,
        id_column=id_column, statements=statements,
        extra={k: data[k] for k in ("consistency_note", "readiness") if k in data}, design=design,
        kinds=_kinds(path, data),
    )
