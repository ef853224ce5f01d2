"""`clusterresearch prepare`: validate a study's survey, write its tidy answers, summaries
and a manifest.

Everything is validated before anything is written, and the files are written inside
``outputs.staged_dir`` so a failed run leaves the output folder exactly as it was. The
summaries are those of `clusterresearch.metrics` (``item_stats``, ``area_stats``), per scope
(all data and each group of each grouping column): one implementation for the notebooks
and for prepare, which asks for all scopes at once (``item_stats_by``, ``area_stats_by``).
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .loading.survey import Survey, load_survey
from .metrics.areas import area_stats_by
from .metrics.items import item_stats_by, missing_counts
from .outputs import atomic_file, render_csv, sha256_file, staged_dir, write_text
from .scope import columns as scope_columns

TIDY = "responses_tidy.parquet"
TIDY_CSV = "responses_tidy.csv"
ESSAYS = "essays_tidy.csv"
ITEM_SUMMARY = "item_summary.csv"
AREA_SUMMARY = "area_summary.csv"
MISSING_SUMMARY = "missing_summary.csv"
MANIFEST = "manifest.json"


def run_prepare(study: str | Path | None = None, data: str | Path | None = None, out: str | Path | None = None,
                registry: str | Path | None = None, encoding: str | None = None,
                instrument: str | Path | None = None, long_csv: bool = False, format: str = "auto",
                responses: str = "complete") -> list[Path]:
    """Read the study (default: data/raw) and its responses (``data`` overrides the
    study's file; ``format`` and ``responses`` as `platforms.read_export` takes them),
    validate, and write the prepared files to ``out`` (default data/processed/). The tidy
    answers go to Parquet; ``long_csv`` adds them as CSV. The manifest records how the
    responses were read: layout, rows left out by reason, names of the columns dropped.
    Returns the written paths."""
    out = Path(out) if out is not None else config.PROCESSED_DIR
    survey = load_survey(data, study=study, instrument=instrument, registry=registry, encoding=encoding,
                         format=format, responses=responses)
    items, areas, missing = summaries(survey)
    names = [TIDY] + ([TIDY_CSV] if long_csv else []) + [ESSAYS, ITEM_SUMMARY, AREA_SUMMARY, MISSING_SUMMARY]
    written: dict[str, str] = {}  # name -> sha256 of the bytes as they were written
    with staged_dir(out) as scratch:  # everything is validated before the first write
        with atomic_file(scratch / TIDY) as sink:
            write_tidy_parquet(survey.answers, sink)
        written[TIDY] = sink.hexdigest()
        if long_csv:
            written[TIDY_CSV] = _write(scratch / TIDY_CSV, render_csv(survey.answers))
        written[ESSAYS] = _write(scratch / ESSAYS, render_csv(survey.essays))
        written[ITEM_SUMMARY] = _write(scratch / ITEM_SUMMARY, render_csv(items))
        written[AREA_SUMMARY] = _write(scratch / AREA_SUMMARY, render_csv(areas))
        written[MISSING_SUMMARY] = _write(scratch / MISSING_SUMMARY, render_csv(missing))
        write_text(scratch / MANIFEST, _manifest(survey, data, written))
    if not long_csv:  # a CSV of an earlier run would no longer match the manifest
        (out / TIDY_CSV).unlink(missing_ok=True)
    return [out / name for name in names + [MANIFEST]]


def _write(path: Path, text: str) -> str:
    """Write ``text`` atomically; return the sha256 of its bytes, hashed as written."""
    with atomic_file(path) as sink:
        sink.write(text.encode("utf-8"))
    return sink.hexdigest()


def by_scope(survey: Survey, stats_by) -> pd.DataFrame:
    """``stats_by(answers, items, bys)`` (one table per grouping in ``bys``) for all data
    and for each grouping column, stacked with ``scope`` (all or the column) and ``group``
    (all or the group) in front."""
    columns = list(scope_columns(survey))
    tables = stats_by(survey.answers, survey.items, [[column] if column else [] for column in columns])
    parts = []
    for column, table in zip(columns, tables):
        group = table.pop(column).astype("str") if column else pd.Series("all", index=table.index)
        table.insert(0, "group", group.to_numpy())
        table.insert(0, "scope", column or "all")
        parts.append(table)
    return _typed(pd.concat(parts, ignore_index=True))


def summaries(survey: Survey) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """item_summary, area_summary and missing_summary of every scope (the item and area
    statistics of all scopes in one call each: one pass over the answers, and each
    respondent's area indices once)."""
    items = by_scope(survey, item_stats_by)
    areas = by_scope(survey, area_stats_by)
    missing = by_scope(survey, lambda answers, _items, bys: [missing_counts(answers, by) for by in bys])
    return items, areas, missing


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as int64, labels as str."""
    for name in table.columns:
        if name in ("n", "k") or name.startswith("n_"):
            table[name] = pd.to_numeric(table[name]).fillna(0).astype("int64")
        elif table[name].dtype == object or isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype("str")
    return table.reset_index(drop=True)


def write_tidy_parquet(answers: pd.DataFrame, sink) -> None:
    """The tidy answers as Parquet to a binary file object (dictionary-encoded text; same
    input, same bytes). ``sink`` may hash what it is given (outputs.atomic_file).

    Min/max statistics are kept for ``value`` only: for the dictionary-encoded text columns
    they cost a third of the writing time (0.45 of 1.3 s for 6.7 million answers) and would
    only let a reader skip row groups by the alphabetical range of respondent ids or items.
    """
    answers.to_parquet(sink, index=False, engine="pyarrow", compression="zstd", write_statistics=["value"])


def tidy_parquet(answers: pd.DataFrame) -> bytes:
    """:func:`write_tidy_parquet` into bytes."""
    buffer = io.BytesIO()
    write_tidy_parquet(answers, buffer)
    return buffer.getvalue()


def _relative(path: Path) -> str:
    """A name that does not depend on where the project or a temp folder lives."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def _manifest(survey: Survey, data, outputs: dict[str, str]) -> str:
    """sha256 of every input and output (outputs: as they were written, not read back),
    plus counts; sorted keys and no timestamps."""
    inputs = {"responses": survey.source}
    inputs.update({f"study/{p.name}": p for p in survey.study.files()})
    values = survey.answers["value"].to_numpy()
    document = {
        "command": "clusterresearch prepare",
        "study": survey.study.title,
        "inputs": {role: {"file": _relative(path), "sha256": sha256_file(path)} for role, path in inputs.items()},
        "outputs": dict(outputs),
        "counts": {
            "respondents": int(survey.answers["respondent_id"].nunique()),
            "scaled_items": int(len(survey.items)),
            "answers": int(np.isfinite(values).sum()),
            "missing_codes": int(survey.answers["missing"].notna().sum()),
            "essays": int(len(survey.essays)),
        },
        "responses_file": {  # how it was read; column names only, never their values
            "layout": survey.export.get("layout"),
            "responses": survey.export.get("responses"),
            "excluded": survey.export.get("excluded", {}),
            "dropped_columns": list(survey.export.get("dropped", [])),
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
