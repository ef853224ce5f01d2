"""`clusterresearch prepare`: validate a study's survey, write its answers, summaries and a
manifest.

Everything is validated before anything is written, and the files are written inside
``outputs.staged_dir`` so a failed run leaves the output folder exactly as it was. The
summaries are the notebooks' statistics (``item_stats``, ``area_stats``,
``missing_counts``) per scope (all data and each group of each grouping column), all scopes
counted at once from the survey's grid (`metrics.tally`). The answers go to Parquet in
their wide shape (responses_wide.parquet: a row per respondent, a column per item, the
scales in the schema's metadata), in a second thread while the summaries are made; the long
tidy table (a row per respondent x item) is written on request (``long``: Parquet, from the
grid's codes a row group at a time, `tidy_batches`; ``long_csv``: CSV).
"""

from __future__ import annotations

import importlib
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .loading.grid import Grid
from .loading.survey import read_grid
from .outputs import atomic_file, render_csv, sha256_file, staged_dir, write_text
from .scope import columns as scope_columns

METRICS = "clusterresearch.metrics.areas"  # with items and tally; imports scipy.special (a quarter second)

WIDE = "responses_wide.parquet"
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
                responses: str = "complete", long: bool = False) -> list[Path]:
    """Read the study (default: data/raw) and its responses (``data`` overrides the
    study's file; ``format`` and ``responses`` as `platforms.read_export` takes them),
    validate, and write the prepared files to ``out`` (default data/processed/). The answers
    go to Parquet in their wide shape (`write_wide_parquet`: a row per respondent, a column
    per item); on request the long tidy table too, ``long`` as Parquet and ``long_csv`` as
    CSV (a row per respondent x item). The manifest records how the
    responses were read: layout, rows left out by reason, names of the columns dropped.
    Returns the written paths."""
    out = Path(out) if out is not None else config.PROCESSED_DIR
    with ThreadPoolExecutor(1) as pool:  # imported while Arrow reads the responses without the GIL
        metrics = pool.submit(importlib.import_module, METRICS)
        grid = read_grid(data, study=study, instrument=instrument, registry=registry, encoding=encoding,
                         format=format, responses=responses)
        metrics.result()
    names = ([WIDE] + ([TIDY] if long else []) + ([TIDY_CSV] if long_csv else [])
             + [ESSAYS, ITEM_SUMMARY, AREA_SUMMARY, MISSING_SUMMARY])
    written: dict[str, str] = {}  # name -> sha256 of the bytes as they were written
    with staged_dir(out) as scratch, ThreadPoolExecutor(1) as pool:  # validated before the first write
        wide = pool.submit(_write_parquet, scratch / WIDE, grid, write_wide_parquet)  # Arrow and zstd: no GIL
        tidy = pool.submit(_write_parquet, scratch / TIDY, grid, write_tidy_parquet) if long else None
        items, areas, missing = summaries(grid)
        written[ESSAYS] = _write(scratch / ESSAYS, render_csv(grid.essays))
        written[ITEM_SUMMARY] = _write(scratch / ITEM_SUMMARY, render_csv(items))
        written[AREA_SUMMARY] = _write(scratch / AREA_SUMMARY, render_csv(areas))
        written[MISSING_SUMMARY] = _write(scratch / MISSING_SUMMARY, render_csv(missing))
        if long_csv:
            written[TIDY_CSV] = _write(scratch / TIDY_CSV, render_csv(grid.answers()))
        written[WIDE] = wide.result()
        if tidy is not None:
            written[TIDY] = tidy.result()
        write_text(scratch / MANIFEST, _manifest(grid, {name: written[name] for name in names}))
    for name, asked in ((TIDY, long), (TIDY_CSV, long_csv)):  # one of an earlier run would not match the manifest
        if not asked:
            (out / name).unlink(missing_ok=True)
    return [out / name for name in names + [MANIFEST]]


def _write(path: Path, text: str) -> str:
    """Write ``text`` atomically; return the sha256 of its bytes, hashed as written."""
    with atomic_file(path) as sink:
        sink.write(text.encode("utf-8"))
    return sink.hexdigest()


def summaries(grid: Grid) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """item_summary, area_summary and missing_summary: the notebooks' statistics of every
    scope, counted once for all (`metrics.tally`), stacked with ``scope`` (all or the
    grouping column) and ``group`` (all or the group) in front."""
    from .metrics.areas import area_tables
    from .metrics.items import grid_geometry, item_tables, missing_tables, width_of
    from .metrics.tally import tally

    columns = list(scope_columns(grid))
    bys = [[column] if column else [] for column in columns]
    scales = grid.scales()
    geometry = grid_geometry(grid, scales)
    counted = tally(grid, bys, width_of(geometry))
    tables = (item_tables(grid, geometry, bys, counted), area_tables(grid, scales, bys, counted),
              missing_tables(grid, bys, counted))
    return tuple(_stacked(columns, kind) for kind in tables)


def _stacked(columns: list[str | None], tables: list[pd.DataFrame]) -> pd.DataFrame:
    parts = []
    for column, table in zip(columns, tables):
        group = table.pop(column).astype("str") if column else pd.Series("all", index=table.index)
        table.insert(0, "group", group.to_numpy())
        table.insert(0, "scope", column or "all")
        parts.append(table)
    return _typed(pd.concat(parts, ignore_index=True))


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as int64, labels as str."""
    for name in table.columns:
        if table[name].dtype == "int64":
            continue
        if name in ("n", "k") or (name.startswith("n_") and name != "n_effective"):  # Kish's n is not a count
            table[name] = pd.to_numeric(table[name]).fillna(0).astype("int64")
        elif table[name].dtype == object or isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype("str")
    return table.reset_index(drop=True)


ROW_GROUP = 1 << 20  # pyarrow's default row group: the same row groups, so the same bytes, as one table


def tidy_batches(grid: Grid):
    """The schema of ``grid.answers()`` (pandas metadata included) and its rows as Arrow
    tables of ROW_GROUP rows, built from the grid's codes without the pandas frame, so the
    Parquet file written batch by batch has the bytes ``answers.to_parquet`` writes and no
    column of 6.7 million codes is ever made whole."""
    import pyarrow as pa

    coded = grid.coded()
    schema = pa.Schema.from_pandas(grid.answers(empty=True, coded=coded), preserve_index=False)
    total = grid.values.size
    columns = {}
    for name, (codes, categories, repeat, tile) in coded.items():
        field = schema.field(name)
        codes = np.asarray(codes).astype(field.type.index_type.to_pandas_dtype(), copy=False)
        period = len(codes)
        if tile > 1 and period:  # items: one stretch of the tiled codes, sliced where each batch starts
            codes = np.tile(codes, -(-(ROW_GROUP + period) // period))
        columns[name] = (codes, repeat, tile, period,
                         pa.array(np.asarray(categories, dtype=object), type=field.type.value_type))

    def window(codes, repeat, tile, period, start, stop):
        if repeat > 1:  # respondents: each code repeated once per item
            first = start // repeat
            return np.repeat(codes[first:-(-stop // repeat)], repeat)[start - first * repeat:stop - first * repeat]
        if tile > 1:
            return codes[start % period:start % period + stop - start]
        return codes[start:stop]

    values = grid.values.reshape(-1)

    def batches():
        if not total:
            yield pa.Table.from_pandas(grid.answers(empty=True, coded=coded), preserve_index=False)
        for start in range(0, total, ROW_GROUP):
            stop = min(total, start + ROW_GROUP)
            arrays = []
            for name in schema.names:
                if name == "value":
                    arrays.append(pa.array(values[start:stop], from_pandas=True))
                    continue
                *recipe, dictionary = columns[name]
                part = window(*recipe, start, stop)
                nulls = part < 0
                arrays.append(pa.DictionaryArray.from_arrays(pa.array(part, mask=nulls if nulls.any() else None),
                                                             dictionary))
            yield pa.Table.from_arrays(arrays, schema=schema)

    return schema, batches()


def write_tidy_parquet(grid: Grid, sink) -> None:
    """The tidy answers as Parquet to a binary file object (dictionary-encoded text; same
    input, same bytes). ``sink`` may hash what it is given (outputs.atomic_file).

    Min/max statistics are kept for ``value`` only: for the dictionary-encoded text columns
    they cost a third of the writing time (0.45 of 1.3 s for 6.7 million answers) and would
    only let a reader skip row groups by the alphabetical range of respondent ids or items.
    """
    import pyarrow.parquet as pq

    schema, batches = tidy_batches(grid)
    with pq.ParquetWriter(sink, schema, compression="zstd", write_statistics=["value"]) as writer:
        for batch in batches:
            writer.write_table(batch)


def wide_table(grid: Grid):
    """The answers in their wide shape as an Arrow table: ``respondent_id`` and the grouping
    columns, then one column per asked scaled item (named by item_id, in instrument order:
    the position on its scale, 1 = most negative, null = no answer or a missing code), and
    ``<item_id>:missing`` (the missing code's label) for each item where one was given.

    The schema's metadata ``clusterresearch`` (JSON) says what the columns are: the study,
    the grouping columns, and per item its area, type, scale, k, sides, keying and the
    scale's labels of positions 1..k (so the file reads without the study folder)."""
    import pyarrow as pa

    scales = {row["item_id"]: row for row in grid.scales().to_dict("records")}
    arrays, names = [], []
    for name in grid.respondents.columns:
        array = pa.array(grid.respondents[name].astype("str"), type=pa.string(),
                         from_pandas=True)  # an empty group cell (NaN) is null
        # one chunk, so the file's pages do not depend on the blocks the CSV was read in
        arrays.append(array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array)
        names.append(name)
    columns = np.ascontiguousarray(grid.values.T)  # one pass, then each item's column is contiguous
    missing = []
    items = []
    given = (grid.missing >= 0).any(axis=0)
    for j, (item_id, area, kind) in enumerate(grid.items[["item_id", "area", "type"]].itertuples(index=False)):
        arrays.append(_nullable(columns[j]))
        names.append(item_id)
        geo = scales[item_id]
        scale = grid.study.scales.get(geo["scale"])
        items.append({"item_id": item_id, "area": area, "type": kind, "scale": geo["scale"], "k": int(geo["k"]),
                      "disagree_max": int(geo["disagree_max"]), "agree_min": int(geo["agree_min"]),
                      "reverse": bool(geo["reverse"]), "labels": list(scale.labels) if scale else []})
        if given[j]:
            missing.append((f"{item_id}:missing", grid.missing[:, j]))
    labels = pa.array(list(grid.labels), type=pa.string())
    for name, codes in missing:
        arrays.append(pa.DictionaryArray.from_arrays(pa.array(codes, mask=codes < 0), labels))
        names.append(name)
    about = {"study": grid.study.title, "shape": "wide: one row per respondent, one column per item",
             "respondent_columns": list(grid.respondents.columns), "areas": grid.area_order(), "items": items}
    table = pa.Table.from_arrays(arrays, names=names) if names else pa.table({})
    return table.replace_schema_metadata({"clusterresearch": json.dumps(about, sort_keys=True)})


def _nullable(values: np.ndarray):
    """A contiguous float64 column as an Arrow array with NaN as null: its bytes wrapped with
    a validity bitmap (``pa.array(from_pandas=True)`` gives the same array, checking value by
    value with the GIL held, while the summaries are made beside it)."""
    import pyarrow as pa

    present = ~np.isnan(values)
    validity = pa.py_buffer(np.packbits(present, bitorder="little"))
    return pa.Array.from_buffers(pa.float64(), len(values), [validity, pa.py_buffer(values)],
                                 null_count=len(values) - int(np.count_nonzero(present)))


def write_wide_parquet(grid: Grid, sink) -> None:
    """The wide answers (`wide_table`) as Parquet to a binary file object (same input, same
    bytes; statistics for the item columns only)."""
    import pyarrow.parquet as pq

    table = wide_table(grid)
    scaled = set(grid.items["item_id"])
    items = [c for c in table.column_names if c in scaled]
    pq.write_table(table, sink, compression="zstd", write_statistics=items)


def _write_parquet(path: Path, grid: Grid, write) -> str:
    """Write a Parquet file with ``write(grid, sink)``; return its sha256. Arrow writes into
    its own memory, which is hashed and written at once: a Python file object would need the
    GIL, held by the summaries, for every page."""
    import pyarrow as pa

    buffer = pa.BufferOutputStream()
    write(grid, buffer)
    with atomic_file(path) as sink:
        sink.write(memoryview(buffer.getvalue()))
    return sink.hexdigest()


def _relative(path: Path) -> str:
    """A name that does not depend on where the project or a temp folder lives."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def _manifest(grid: Grid, outputs: dict[str, str]) -> str:
    """sha256 of every input and output (outputs: as they were written, not read back),
    plus counts; sorted keys and no timestamps."""
    inputs = {"responses": grid.source}
    inputs.update({f"study/{p.name}": p for p in grid.study.files()})
    n, k = grid.values.shape
    document = {
        "command": "clusterresearch prepare",
        "study": grid.study.title,
        "inputs": {role: {"file": _relative(path), "sha256": sha256_file(path)} for role, path in inputs.items()},
        "outputs": dict(outputs),
        "counts": {
            "respondents": int(n if k else 0),  # respondents with a row in the tidy answers
            "scaled_items": int(k),  # the asked scaled items, the grid's columns
            "answers": int(np.isfinite(grid.values).sum()),
            "missing_codes": int((grid.missing >= 0).sum()),
            "essays": int(len(grid.essays)),
        },
        "responses_file": {  # how it was read; column names only, never their values
            "layout": grid.export.get("layout"),
            "responses": grid.export.get("responses"),
            "excluded": grid.export.get("excluded", {}),
            "dropped_columns": list(grid.export.get("dropped", [])),
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
