"""`clusterresearch prepare`: validate a survey, write its tidy answers, summaries and a manifest.

Everything is validated before anything is written, and the files are written inside
``outputs.staged_dir`` so a failed run leaves the output folder exactly as it was. The
per-item and per-area numbers come from `clusterresearch.metrics` (``item_stats``,
``area_stats``); this module only arranges them by scope and writes them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .loading.survey import ANSWER_COLUMNS, Grid, default_registry, read_grid
from .metrics.areas import area_stats
from .metrics.items import item_stats
from .outputs import sha256_file, staged_dir, write_csv, write_text

TIDY = "responses_tidy.csv"
ESSAYS = "essays_tidy.csv"
ITEM_SUMMARY = "item_summary.csv"
AREA_SUMMARY = "area_summary.csv"
MANIFEST = "manifest.json"

SCOPES = (("all", None), ("country", "country"), ("cluster", "cluster"))
ITEM_COLUMNS = ["scope", "group", "area", "item_id", "n", "mean", "share_agree", "ci_low", "ci_high"]
ITEM_EXTRA = ["type", "n_agree", "n_1", "n_2", "n_3", "n_4", "n_5", "sd", "median",
              "n_disagree", "share_disagree", "n_top", "share_top"]
AREA_COLUMNS = ["scope", "group", "area", "n", "mean", "share_agree", "ci_low", "ci_high"]
AREA_EXTRA = ["n_respondents", "n_agree", "spread", "index_mean", "index_sd", "index_ci_low", "index_ci_high"]


def run_prepare(data: str | Path | None = None, out: str | Path | None = None,
                registry: str | Path | None = None, encoding: str | None = None,
                instrument: str | Path | None = None) -> list[Path]:
    """Read ``data`` (default: the shipped responses), validate, and write the prepared files to ``out``.

    ``registry`` defaults to the shipped clusters.csv for the shipped responses and to none
    otherwise. Returns the written paths (inside ``out``, default data/processed/).
    """
    data = Path(data) if data is not None else config.RESPONSES_PATH
    out = Path(out) if out is not None else config.PROCESSED_DIR
    registry = Path(registry) if registry is not None else default_registry(data)
    instrument = Path(instrument) if instrument is not None else config.INSTRUMENT_PATH

    grid = read_grid(data, instrument=instrument, registry=registry, encoding=encoding)
    answers = grid.answers(categorical=True)
    items = item_summary(answers)
    areas = area_summary(answers)

    names = [TIDY, ESSAYS, ITEM_SUMMARY, AREA_SUMMARY, MANIFEST]
    with staged_dir(out) as scratch:
        write_text(scratch / TIDY, render_tidy_csv(grid))
        write_csv(grid.essays, scratch / ESSAYS)
        write_csv(items, scratch / ITEM_SUMMARY)
        write_csv(areas, scratch / AREA_SUMMARY)
        inputs = {"responses": data, "instrument": instrument}
        if registry is not None:
            inputs["registry"] = registry
        manifest = _manifest(inputs, {name: scratch / name for name in names if name != MANIFEST}, grid)
        write_text(scratch / MANIFEST, manifest)
    return [out / name for name in names]


# --------------------------------------------------------------------------- summaries

def _by_scope(answers: pd.DataFrame, stats) -> pd.DataFrame:
    """Run ``stats(answers, by)`` for every scope and stack the results with scope and group."""
    parts = []
    for scope, column in SCOPES:
        table = stats(answers, [column] if column else [])
        group = table.pop(column).astype("str") if column else pd.Series("all", index=table.index, dtype="str")
        table.insert(0, "group", group.to_numpy())
        table.insert(0, "scope", scope)
        parts.append(table)
    table = pd.concat(parts, ignore_index=True)
    for name in table.columns:
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype("str")
    return table


def item_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per scope x group x scaled item (``metrics.items.item_stats`` per scope)."""
    table = _by_scope(answers, item_stats)
    return table[ITEM_COLUMNS + ITEM_EXTRA]


def area_summary(answers: pd.DataFrame) -> pd.DataFrame:
    """One row per scope x group x area, pooling the area's self-assessed (``likert``) answers.

    ``desired`` and ``assessor`` items are not pooled: they rate something else (the level the
    role needs, the researcher's view) and are compared with the area, not averaged into it.
    """
    table = _by_scope(answers, area_stats)
    return table[AREA_COLUMNS + AREA_EXTRA]


# --------------------------------------------------------------------------- tidy CSV

def _quoted(column: pd.Series) -> pd.Series:
    """CSV quoting as pandas/csv QUOTE_MINIMAL does it: only fields with , " or line breaks."""
    text = column.astype("str")
    needs = text.str.contains('[,"\r\n]', regex=True)
    if needs.any():
        text = text.where(~needs, '"' + text.str.replace('"', '""', regex=False) + '"')
    return text


def _joined(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Each row's quoted fields joined by commas, plus a trailing comma, as UTF-8 bytes."""
    parts = [_quoted(frame[c]) for c in columns]
    line = parts[0]
    for part in parts[1:]:
        line = line + "," + part
    line = line + ","
    return np.strings.encode(line.to_numpy(dtype="U"), "utf-8")


def render_tidy_csv(grid: Grid, chunk: int = 20_000) -> str:
    """The tidy answers as CSV text, byte-identical to ``outputs.write_csv(grid.answers(), ...)``.

    A line is the respondent's fields + the item's fields + the answer, so it is built by
    broadcasting a per-respondent and a per-item byte string against the answer codes,
    chunk by chunk, instead of formatting millions of rows one by one (``to_csv`` takes ~20x
    longer at 100,000 respondents). Answers are whole numbers 1-5 or NaN (validated).
    """
    values = grid.values
    codes = np.nan_to_num(values, nan=0.0).astype(np.int8)
    if not np.array_equal(codes, np.where(np.isnan(values), 0, values)) or codes.min(initial=0) < 0 or codes.max(initial=0) > 5:
        return grid.answers().to_csv(index=False, float_format="%.6g", lineterminator="\n")
    prefix = _joined(grid.respondents, ["respondent_id", "country", "cluster"])
    suffix = _joined(grid.items, ["item_id", "area", "type"])
    if any(b"\x00" in s for s in (prefix.tobytes().rstrip(b"\x00"), suffix.tobytes().rstrip(b"\x00"))):
        return grid.answers().to_csv(index=False, float_format="%.6g", lineterminator="\n")
    tails = np.array([b"\n", b"1\n", b"2\n", b"3\n", b"4\n", b"5\n"], dtype="S2")
    blocks = [(",".join(ANSWER_COLUMNS) + "\n").encode()]
    for start in range(0, len(prefix), chunk):
        lines = np.strings.add(prefix[start:start + chunk, None], suffix[None, :])
        lines = np.strings.add(lines, tails[codes[start:start + chunk]])
        blocks.append(lines.tobytes().replace(b"\x00", b""))
    return b"".join(blocks).decode("utf-8")


# --------------------------------------------------------------------------- manifest

def _relative(path: Path) -> str:
    """A name that does not depend on where the project or a temp folder lives."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def _manifest(inputs: dict[str, Path], outputs: dict[str, Path], grid: Grid) -> str:
    """sha256 of every input and output, plus counts; sorted keys and no timestamps, so
    the same input gives the same bytes."""
    document = {
        "command": "clusterresearch prepare",
        "inputs": {role: {"file": _relative(path), "sha256": sha256_file(path)} for role, path in inputs.items()},
        "outputs": {name: sha256_file(path) for name, path in outputs.items()},
        "counts": {
            "respondents": int(grid.values.shape[0]),
            "scaled_items": int(grid.values.shape[1]),
            "answers": int(np.isfinite(grid.values).sum()),
            "essays": int(len(grid.essays)),
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
