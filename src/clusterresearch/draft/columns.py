"""What each column of a survey file is: the respondent id, a grouping column, an answer or neither.

Pure functions of a `Source`. The rules, in order: the layout's own id column (or a column
named like an id whose values are unique); columns with value labels or answer texts whose
words place them on a scale are answers; ISO 3166-1 alpha-2 codes make a country group; text
(or labelled codes) with few distinct values a category group; whole numbers on a short range
are answers on their observed range (a guess), unless named like a sample design column
(`DESIGN_NAMES`: offered as a commented study.toml key); anything else is left out and said so.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..loading.cells import as_number, as_text
from ..loading.countries import ISO_ALPHA2
from .source import Source
from .words import is_missing, score

ID_NAMES = re.compile(r"^(respondent|uuid|(.*[ _])?id|.*(respondent|response|resp|case|participant)[ _]?id)$",
                      re.IGNORECASE)
DESIGN_NAMES = {  # study.toml's sample-design keys and the column names that suggest them (GSS wtssall, NHANES sdmvpsu)
    "weight": re.compile(r"^(.*weight.*|w|wt|wgt|pw|.*[_.]wt|wt[_.]?.*|.*wgt.*)$", re.IGNORECASE),
    "strata": re.compile(r"^.*strat.*$", re.IGNORECASE),
    "psu": re.compile(r"^.*psu.*$", re.IGNORECASE),
    "fpc": re.compile(r"^.*fpc.*$", re.IGNORECASE),
}
RESERVED = ("respondent_id", "country", "cluster", "item_id", "value", "unassigned")
MAX_GROUPS = 100   # a grouping column has at most this many distinct values ...
MAX_RANGE = 10     # ... and a numeric answer at most this many steps (an 11-point scale)
MAX_NAME = 32      # item and area ids longer than this are cut at a word


@dataclass(frozen=True)
class Column:
    """One column's proposed role: ``id``, ``group``, ``answer`` or ``left out`` with the why."""

    name: str
    role: str
    kind: str = ""        # group: country/category; answer: labels/answers/range
    reason: str = ""
    values: tuple = ()    # answer codes or texts seen; range answers: (low, high)


def classify(source: Source) -> list[Column]:
    """The role of every kept column, in file order."""
    frame = source.table.frame
    id_column = source.id_column if source.id_column in source.columns else _find_id(frame)
    out = []
    for name in source.columns:
        if name == id_column:
            reason = "the layout's respondent id" if name == source.id_column else "named like an id, values unique"
            out.append(Column(name, "id", reason=reason))
        else:
            column = _classify_one(name, frame[name], source)
            if column.kind == "range" and any(p.match(str(name)) for p in DESIGN_NAMES.values()):
                column = Column(name, "left out", reason="named like a sample design column, not a scale")
            out.append(column)
    return out


def design_guesses(columns: list[Column]) -> dict[str, str]:
    """Sample-design keys (weight, strata, psu, fpc) -> the first column named like one that
    is not an answer nor the id: a guess the draft offers commented out, never applies."""
    out: dict[str, str] = {}
    for key, pattern in DESIGN_NAMES.items():
        found = [c.name for c in columns if c.role in ("left out", "group") and pattern.match(str(c.name))
                 and c.name not in out.values()]
        if found:
            out[key] = found[0]
    return out


def _find_id(frame: pd.DataFrame) -> str | None:
    for name in frame.columns:
        values = as_text(frame[name])
        if ID_NAMES.match(str(name)) and values.notna().all() and values.is_unique:
            return name
    return None


def _few(count: int, rows: int) -> bool:
    """Few enough distinct values to be groups: 2 to twice the square root of the responses,
    at most MAX_GROUPS (12 responses: up to 6 groups; 64,600: up to 100, so 51 regions)."""
    return 2 <= count <= min(MAX_GROUPS, max(2, int(2 * math.sqrt(rows))))


def _classify_one(name: str, column: pd.Series, source: Source) -> Column:
    rows = int(column.notna().sum())
    if name in source.value_labels:
        labels = source.value_labels[name]
        texts = list(labels.values())
        if all(t in ISO_ALPHA2 for t in texts):
            return Column(name, "group", "country", "value labels are ISO 3166-1 alpha-2 codes")
        declared = source.declared_missing.get(name, set())
        only_missing = all(is_missing(t) or c in declared for c, t in labels.items())  # {9: "Don't know"} alone
        if only_missing or any(score(t) is not None for t in texts):
            seen = tuple(sorted(float(v) for v in pd.to_numeric(column, errors="coerce").dropna().unique()))
            return Column(name, "answer", "labels", "value labels name a scale", seen)
        return Column(name, "group", "category", "value labels without scale words")
    if rows == 0:
        return Column(name, "left out", reason="empty")
    numbers, not_numbers = as_number(column)
    if not not_numbers.any():  # numbers, or text cells that all read as numbers (platform exports)
        values = numbers[~np.isnan(numbers)]
        low, high = float(values.min()), float(values.max())
        if np.all(values == np.round(values)) and low >= 0 and 1 <= high - low <= MAX_RANGE:
            return Column(name, "answer", "range", "whole numbers without labels", (int(low), int(high)))
        return Column(name, "left out", reason="numbers that are not a short whole-number range (not a scale)")
    text = as_text(column).dropna()
    distinct = list(dict.fromkeys(text))
    placed = [t for t in distinct if score(t) is not None]
    if placed and len(placed) + sum(is_missing(t) for t in distinct) >= max(1, len(distinct) // 2 + 1):
        return Column(name, "answer", "answers", "answer texts name a scale", tuple(distinct))
    if all(t in ISO_ALPHA2 for t in distinct) and len(distinct) <= len(ISO_ALPHA2):
        return Column(name, "group", "country", "ISO 3166-1 alpha-2 codes")
    if _few(len(distinct), rows):
        return Column(name, "group", "category", f"text with {len(distinct)} distinct values")
    if len(distinct) == 1:
        return Column(name, "left out", reason="one value only")
    return Column(name, "left out", reason=f"text with {len(distinct)} distinct values (free text or codes)")


# --------------------------------------------------------------------------- names and areas

def safe_name(name: str, taken: set[str]) -> str:
    """A lower-case identifier from a column name (``Q1[SQ001]`` -> ``q1_sq001``), unique in ``taken``."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    base = re.sub(r"[^0-9a-z]+", "_", ascii_name.lower()).strip("_") or "item"
    if len(base) > MAX_NAME:  # a question text as column key (SurveyMonkey): its first words
        base = base[:MAX_NAME].rsplit("_", 1)[0]
    if base[0].isdigit():
        base = "q" + base
    if base in RESERVED:
        base += "_item"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    taken.add(candidate)
    return candidate


def question_of(name: str, layout: str) -> str | None:
    """The question a column belongs to, from the platforms' naming: LimeSurvey ``Q1[SQ001]``
    -> ``Q1``, Kobo ``grp/q1`` (``grp-q1`` in Kobo exports) -> ``grp``, Qualtrics and SPSS
    ``Q1_1`` -> ``Q1``, SurveyMonkey ``question | row`` -> ``question``. None when the name has no such part."""
    match = re.match(r"^(.+?)\[[^\]]+\]$", name)
    if match:
        return match.group(1)
    if " | " in name:  # SurveyMonkey: "question | row label"
        return name.split(" | ", 1)[0]
    if "/" in name:
        return name.rsplit("/", 1)[0]
    if layout in ("kobo", "odk-central") and "-" in name:
        return name.rsplit("-", 1)[0]
    match = re.match(r"^(.+?)(_(SQ)?\d+)+$", name, re.IGNORECASE)  # Q1_1, LimeSurvey VV Q1_SQ001
    return match.group(1) if match else None


def areas_of(names: list[str], layout: str) -> dict[str, str | None]:
    """Column -> area prefix; a ``_N`` prefix counts only when two answer columns share it
    (``age_1`` alone is no question group), explicit group syntax always does."""
    prefix = {name: question_of(name, layout) for name in names}
    counts: dict[str, int] = {}
    for value in prefix.values():
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    explicit = re.compile(r"\[|/|-| \| ")
    return {name: p if p is not None and (counts[p] > 1 or explicit.search(name)) else None
            for name, p in prefix.items()}


STEMS = (re.compile(r"^(.+) - (.+)$"), re.compile(r"^(.+) \((.+)\)$"), re.compile(r"^(.+) \| (.+)$"))


def split_stem(texts: list[str]) -> tuple[str, list[str]]:
    """Matrix question texts: the shared question (the area's description) and each row's own
    text (the item's). Qualtrics ``"How much do you agree? - I like my job"``, LimeSurvey
    ``"How much ...? (I like my job)"``, SurveyMonkey keys ``"How much ...? | I like my job"``.
    No shared stem: ("", texts)."""
    for pattern in STEMS:
        parts = [pattern.match(t.strip()) for t in texts]
        if len(texts) > 1 and all(parts) and len({p.group(1) for p in parts}) == 1:
            return parts[0].group(1), [p.group(2).strip() for p in parts]
    return "", texts
