"""`clusterresearch init`: write a drafted study folder; `draft_problems`: what is still unanswered.

The folder (study.toml, instrument.csv, scales.csv, areas.csv, README.md and a copy of the
answers file) is written all at once through ``outputs.staged_dir``, never over an existing
folder and never under data/raw. Guesses are marked in the files themselves, so a check
needs no memory of the draft: an area ``unassigned`` in instrument.csv, a side ending in
``?`` in scales.csv.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from ..errors import InputError, where
from ..loading.formats import read_table
from ..outputs import guard_not_raw, staged_dir, write_csv, write_text
from .build import UNASSIGNED, Draft, draft
from .columns import design_guesses
from .scales import GUESS
from .source import read_source

STUDY_FILES = ("study.toml", "instrument.csv", "scales.csv", "areas.csv", "README.md")


def draft_study(out: str | Path, source_path: str | Path, fmt: str = "auto", encoding: str | None = None) -> list[Path]:
    """Draft a study folder ``out`` from the survey file ``source_path``; return the files written.

    The answers file is copied into the folder unchanged (it is the study's ``responses``);
    personal columns in it are never read by the loaders.
    """
    out, source_path = Path(out), Path(source_path)
    guard_not_raw(out)
    if out.exists():
        raise InputError(out, where(), "already exists: init never overwrites a folder; name a new one")
    source = read_source(source_path, fmt, encoding)
    result = draft(source)
    responses = source_path.name if source_path.name not in STUDY_FILES else f"responses{source_path.suffix}"
    with staged_dir(out) as scratch:
        write_text(scratch / "study.toml", study_toml(result, title_of(source_path), responses, source_path.name))
        write_csv(result.items, scratch / "instrument.csv")
        write_csv(result.scales, scratch / "scales.csv")
        write_csv(result.areas, scratch / "areas.csv")
        write_text(scratch / "README.md", readme(result, source, responses, out))
        shutil.copyfile(source_path, scratch / responses)
    return [out / name for name in STUDY_FILES + (responses,)]


def title_of(path: Path) -> str:
    """``my_survey-2024.sav`` -> ``My survey 2024``."""
    words = " ".join(re.split(r"[_\-.\s]+", path.stem)).strip()
    return (words[:1].upper() + words[1:]) or "Survey"


def _toml(value: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (non-ASCII kept); DEL, which JSON leaves
    bare and TOML refuses, escaped too."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def study_toml(result: Draft, title: str, responses: str, source_name: str) -> str:
    lines = [
        f"# Drafted by `clusterresearch init` from {source_name}: every proposal init was unsure of is",
        "# listed in README.md. `clusterresearch check --study` refuses the study until they are answered.",
        f"title = {_toml(title)}",
        'respondents = "respondents"',
        f"responses = {_toml(responses)}  # a copy of {source_name}",
    ]
    if result.id_column:
        lines.append(f"id_column = {_toml(result.id_column)}  # taken as the respondent id: see README.md")
    design = design_guesses(result.columns)
    if design:
        lines += ["", "# Candidate sample design columns (see README.md): uncomment those that are."]
        lines += [f"# {key} = {_toml(column)}" for key, column in design.items()]
    if result.groups:
        lines += ["", "# Candidate grouping columns (see README.md); delete those that are not groups."]
        kinds = [g for g in result.groups if g["kind"] == "country"] + [g for g in result.groups if g["kind"] != "country"]
        for group in kinds:
            lines += ["", "[[groups]]", f"column = {_toml(group['column'])}", f"label = {_toml(group['label'])}",
                      f"kind = {_toml(group['kind'])}"]
    return "\n".join(lines) + "\n"


def readme(result: Draft, source, responses: str, out: Path) -> str:
    items = len(result.items)
    scales = result.scales["scale"].nunique()
    lines = [
        f"# Draft study from {source.file.name}",
        "",
        f"Drafted by `clusterresearch init` from `{source.file.name}` (read as `{source.layout}`), copied here as",
        f"`{responses}`: {items} items on {scales} scales in {len(result.areas)} areas, "
        f"{len(source.table.frame)} responses read.",
    ]
    if source.excluded:
        one = source.excluded == 1
        lines.append(f"{source.excluded} {'response' if one else 'responses'} the platform marks as preview, test or "
                     f"incomplete {'was' if one else 'were'} not used for the proposals.")
    lines += [
        "",
        "Nothing here is final. Marks in the files show what init guessed:",
        f"- a `side` in scales.csv ending in `{GUESS}` (`agree{GUESS}`, `missing{GUESS}`) was read from the label's words,",
        f"  a bare `{GUESS}` could not be placed; scales list answers from the most negative to the most positive;",
        f"- an `area` of `{UNASSIGNED}` in instrument.csv: no question group in the column name.",
        "",
        "Work through the list, edit the files, tick each box, then run",
        f"`clusterresearch check --study {out}`: it refuses the study while an area is",
        f"`{UNASSIGNED}` or a side still ends in `{GUESS}`.",
        "",
        "## Checklist",
        "",
    ]
    lines += [f"- [ ] {line}" for line in result.checklist]
    return "\n".join(lines) + "\n"


def draft_problems(study_dir: str | Path) -> list[str]:
    """What a drafted study still leaves unanswered, one sentence per file; [] when none.

    Items whose area is ``unassigned`` in instrument.csv, and scales in scales.csv with a side
    ending in ``?`` (a guess from words, or a bare ``?``). A study written by hand has neither.
    """
    study_dir = Path(study_dir)
    problems = []
    instrument = study_dir / "instrument.csv"
    if instrument.is_file():
        table = read_table(instrument)
        if "area" in table.header and "item_id" in table.header:
            frame = table.frame.astype("str")
            open_items = frame.loc[frame["area"].str.strip() == UNASSIGNED, "item_id"].tolist()
            if open_items:
                problems.append(f"instrument.csv column 'area': {UNASSIGNED!r} for {_listed(open_items)}")
    scales = study_dir / "scales.csv"
    if scales.is_file():
        table = read_table(scales)
        if "side" in table.header and "scale" in table.header:
            frame = table.frame.astype("str")
            guessed = frame.loc[frame["side"].str.strip().str.endswith(GUESS), "scale"].drop_duplicates().tolist()
            if guessed:
                problems.append(f"scales.csv column 'side': guesses ending in {GUESS!r} in scale {_listed(guessed)}")
    return problems


def _listed(names: list[str], limit: int = 8) -> str:
    more = len(names) - limit
    return ", ".join(names[:limit]) + (f" and {more} more" if more > 0 else "")


def refuse_draft(study_dir: str | Path) -> None:
    """Raise the one-line error ``check --study`` gives for an unanswered draft."""
    problems = draft_problems(study_dir)
    if problems:
        raise InputError(study_dir, "draft not answered", "; ".join(problems) + " (see the checklist in README.md)")
