"""From a `Source` to a `Draft`: the rows of instrument.csv, scales.csv and areas.csv, the
candidate groups, and the checklist of every proposal init is unsure of.

Pure: nothing here reads or writes files (see :mod:`clusterresearch.draft.study`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

import pandas as pd

from .columns import Column, areas_of, classify, design_guesses, safe_name, split_stem
from .scales import GUESS, ProposedScale, from_answers, from_labels, from_range, name_scales
from .source import Source

UNASSIGNED = "unassigned"
ITEM_COLUMNS = ["item_id", "area", "type", "text", "scale", "reverse", "column"]
SCALE_COLUMNS = ["scale", "code", "label", "side"]
AREA_COLUMNS = ["area", "title", "description"]


@dataclass
class Draft:
    """A drafted study: the three tables, groups, id column and the checklist (Markdown lines)."""

    items: pd.DataFrame
    scales: pd.DataFrame
    areas: pd.DataFrame
    groups: list[dict]
    id_column: str | None
    checklist: list[str] = field(default_factory=list)
    columns: list[Column] = field(default_factory=list)


def draft(source: Source) -> Draft:
    """Propose the study for ``source``; every unsure proposal gets a checklist line."""
    columns = classify(source)
    answers = [c for c in columns if c.role == "answer"]
    if not answers:
        raise_no_answers(source)
    prefix = areas_of([c.name for c in answers], source.layout)
    scale_of, scales = _scales(answers, prefix, source)
    items, areas = _items_and_areas(answers, prefix, scale_of, source)
    groups = [{"column": c.name, "label": _label(c.name, source), "kind": c.kind} for c in columns if c.role == "group"]
    id_column = next((c.name for c in columns if c.role == "id"), None)
    result = Draft(items, _scale_frame(scales), areas, groups, id_column, columns=columns)
    result.checklist = _checklist(result, scales, scale_of, source)
    return result


def raise_no_answers(source: Source) -> None:
    from ..errors import InputError, where

    raise InputError(source.file, where(), "no column looks like answers on a scale (value labels, answer texts "
                     "such as 'Agree', or whole numbers on a short range): nothing to draft")


def _label(name: str, source: Source) -> str:
    text = source.labels.get(name, "")
    return text if 0 < len(text) <= 40 else name.replace("_", " ").strip().capitalize()


def _scales(answers: list[Column], prefix: dict, source: Source) -> tuple[dict[str, ProposedScale], list[ProposedScale]]:
    """One scale per distinct set of value labels, per question's answer texts (widened to
    another question's texts that include them all), per question's observed range."""
    by_labels: dict[tuple, list[Column]] = {}
    by_question: dict[tuple, list[Column]] = {}
    for column in answers:
        if column.kind == "labels":
            key = (tuple(sorted(source.value_labels[column.name].items())),
                   tuple(sorted(source.declared_missing.get(column.name, ()))))
            by_labels.setdefault(key, []).append(column)
        else:
            by_question.setdefault((column.kind, prefix[column.name] or column.name), []).append(column)
    proposed: dict[str, ProposedScale] = {}
    for (labels, declared), members in by_labels.items():
        seen = {v for c in members for v in c.values}
        scale = from_labels(dict(labels), seen, set(declared))
        proposed.update({c.name: scale for c in members})
    texts = {q: [t for c in members for t in c.values] for q, members in by_question.items() if q[0] == "answers"}
    ranges = {q: (min(c.values[0] for c in members), max(c.values[1] for c in members))
              for q, members in by_question.items() if q[0] == "range"}
    for question, members in by_question.items():
        if question in texts:
            scale = from_answers(_widest(texts[question], texts.values()))
        else:  # never widened across questions: 1-4 items beside 1-7 ones are common
            scale = from_range(*ranges[question])
        proposed.update({c.name: scale for c in members})
    unique: dict[tuple, ProposedScale] = {}
    for name in [c.name for c in answers]:
        proposed[name] = unique.setdefault(proposed[name].key, proposed[name])
    scales = list(unique.values())
    name_scales(scales)
    return proposed, scales


def _observed(scale: ProposedScale, users: list[Column]) -> str:
    """For range scales: the columns whose answers cover less than the scale, with their own range."""
    if scale.basis != "range":
        return ""
    low, high = scale.rows[0][0], scale.rows[-1][0]
    narrower = [f"`{c.name}` {c.values[0]}-{c.values[1]}" for c in users if (str(c.values[0]), str(c.values[1])) != (low, high)]
    return f" Observed narrower: {', '.join(narrower)}: their range is the question's." if narrower else ""


def _widest(seen: list[str], every: Iterable[list[str]]) -> list[str]:
    """The answer texts of the question with the most texts that include all of ``seen``:
    questions on one scale where some choice was not picked share the fuller scale."""
    def key(texts):
        return {" ".join(t.lower().split()) for t in texts}
    mine = key(seen)
    wider = [texts for texts in every if mine <= key(texts)]
    return max(wider, key=lambda texts: len(key(texts)), default=seen)


def _text(name: str, source: Source) -> str:
    """The question text for a column; a SurveyMonkey key ``question | row`` gives its row
    label when the header's text is the bare question."""
    text = source.labels.get(name, "")
    question, _, row = name.partition(" | ")
    return f"{question} | {row}" if row and text.strip() in ("", question) else text


def _items_and_areas(answers, prefix, scale_of, source) -> tuple[pd.DataFrame, pd.DataFrame]:
    taken: set[str] = set()
    area_ids: dict[str, str] = {}
    area_taken: set[str] = {UNASSIGNED}
    for column in answers:
        group = prefix[column.name]
        if group is not None and group not in area_ids:
            area_ids[group] = safe_name(group, area_taken)
    texts = {c.name: _text(c.name, source) for c in answers}
    descriptions: dict[str, str] = {}
    for group in area_ids:
        members = [c.name for c in answers if prefix[c.name] == group]
        stem, own = split_stem([texts[m] for m in members])
        descriptions[group] = stem
        texts.update(zip(members, own))
    items = pd.DataFrame([{
        "item_id": safe_name(c.name.split(" | ")[-1], taken),  # SurveyMonkey: the row label
        "area": area_ids.get(prefix[c.name], UNASSIGNED),
        "type": "likert",
        "text": texts[c.name],
        "scale": scale_of[c.name].scale,
        "reverse": "false",
        "column": c.name,
    } for c in answers], columns=ITEM_COLUMNS)
    rows = [{"area": area_ids[g], "title": g, "description": "" if descriptions[g] == g else descriptions[g]}
            for g in area_ids]
    if (items["area"] == UNASSIGNED).any():
        rows.append({"area": UNASSIGNED, "title": "Unassigned",
                     "description": "Items init could not place in an area: give each an area of its own."})
    return items, pd.DataFrame(rows, columns=AREA_COLUMNS)


def _scale_frame(scales: list[ProposedScale]) -> pd.DataFrame:
    rows = [(s.scale, code, label, side) for s in scales for code, label, side in s.rows]
    return pd.DataFrame(rows, columns=SCALE_COLUMNS, dtype="str")


def _names(values, limit: int = 12) -> str:
    values = [f"`{v}`" for v in values]
    more = len(values) - limit
    return ", ".join(values[:limit]) + (f" and {more} more" if more > 0 else "")


def _are(values) -> str:
    return "is" if len(values) == 1 else "are"


def _checklist(result: Draft, scales: list[ProposedScale], scale_of: dict, source: Source) -> list[str]:
    """Markdown checklist lines, one per unsure proposal (or per scale / per kind of column)."""
    lines: list[str] = []
    columns = result.columns
    by_role = {role: [c for c in columns if c.role == role] for role in ("id", "group", "left out")}
    if result.id_column:
        why = next(c.reason for c in by_role["id"])
        lines.append(f"Respondent id: column `{result.id_column}` taken as the respondent id ({why}); "
                     "`id_column` in study.toml.")
    else:
        lines.append("Respondent id: no column taken as the respondent id; set `id_column` in study.toml if there is one.")
    if source.dropped:
        lines.append(f"Personal data left out: {_names(source.dropped)} {_are(source.dropped)} never read (names only, not values). "
                     "If one of them is an answer, add it to instrument.csv yourself.")
    if source.metadata:
        lines.append(f"Platform bookkeeping columns left out: {_names(source.metadata)}.")
    by_name = {c.name: c for c in columns}
    for scale in scales:
        users = [c for c, s in scale_of.items() if s is scale]
        guessed = [(code, label, side) for code, label, side in scale.rows if side.endswith(GUESS)]
        if not guessed and not scale.doubts:
            continue
        shown = "; ".join(f"{code} {label!r} -> {side}" for code, label, side in scale.rows)
        doubt = "".join(f" Note: {d}." for d in scale.doubts) + _observed(scale, [by_name[u] for u in users])
        kind = {"labels": "from its value labels' words", "answers": "from the answer texts' words",
                "range": "numeric columns without labels, taken as items on their observed range"}[scale.basis]
        lines.append(f"Scale `{scale.scale}` ({kind}; used by {_names(users, 6)}): {shown}.{doubt} "
                     "Check the order (most negative first) and each side, then delete the `?`.")
    unassigned = result.items.loc[result.items["area"] == UNASSIGNED, "item_id"]
    if len(unassigned):
        lines.append(f"Unassigned areas: {_names(unassigned)} {'has' if len(unassigned) == 1 else 'have'} area `{UNASSIGNED}` in instrument.csv; "
                     "give each an area and describe it in areas.csv.")
    for group in by_role["group"]:
        lines.append(f"Grouping column `{group.name}` proposed as kind `{group.kind}` ({group.reason}); "
                     "delete its `[[groups]]` table in study.toml if it is not a group.")
    design = design_guesses(columns)
    if design:
        lines.append("Sample design: " + "; ".join(f"`{c}` named like a {k}" for k, c in design.items())
                     + ". If they are the survey's design, uncomment their keys in study.toml "
                     "(docs/data_formats.md, \"Weights and sample design\"); else delete the lines.")
    if by_role["left out"]:
        lines.append("Left out, neither answer nor group: "
                     + "; ".join(f"`{c.name}` ({c.reason})" for c in by_role["left out"]) + ".")
    lines.append("Reverse-keyed items: none marked (the file cannot say); set `reverse` to `true` where an item "
                 "is worded against its area.")
    return lines
