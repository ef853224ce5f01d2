"""`clusterresearch prepare`: validate a survey, write its tidy answers, summaries and a manifest.

Everything is validated before anything is written, and the files are written inside
``outputs.staged_dir`` so a failed run leaves the output folder exactly as it was. The
per-item and per-area numbers are those of `clusterresearch.metrics` (``item_stats``,
``area_stats``), computed from the respondents x items matrix for speed (see below).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from . import config
from .config import AGREE_MIN, DISAGREE_MAX
from .loading.survey import ANSWER_COLUMNS, ID_COLUMNS, Grid, default_registry, read_grid
from .metrics.areas import t_interval, area_stats  # the one t-interval of the area index
from .metrics.items import item_stats, wilson_interval
from .outputs import atomic_file, render_csv, sha256_file, staged_dir, write_text

TIDY = "responses_tidy.parquet"
TIDY_CSV = "responses_tidy.csv"  # the same answers as CSV, only with --long-csv
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
                instrument: str | Path | None = None, long_csv: bool = False) -> list[Path]:
    """Read ``data`` (default: the shipped responses), validate, and write the prepared files to ``out``.

    ``registry`` defaults to the shipped clusters.csv for the shipped responses and to none
    otherwise. The tidy answers are written as Parquet; ``long_csv`` also writes them as
    CSV (7 columns, one line per respondent x item: ~420 MB at 100,000 respondents). Returns
    the written paths (inside ``out``, default data/processed/).
    """
    data = Path(data) if data is not None else config.RESPONSES_PATH
    out = Path(out) if out is not None else config.PROCESSED_DIR
    instrument = Path(instrument) if instrument is not None else config.INSTRUMENT_PATH

    grid = read_grid(data, instrument=instrument, registry=registry, encoding=encoding)
    registry = Path(registry) if registry is not None else default_registry(data)
    counts = scope_counts(grid)
    items = item_summary(grid, counts)
    areas = area_summary(grid, counts)

    written: dict[str, str] = {}  # name -> sha256 of the bytes as they were written
    with staged_dir(out) as scratch:  # everything is validated before the first write
        with atomic_file(scratch / TIDY) as sink:
            write_tidy_parquet(grid, sink)
        written[TIDY] = sink.hexdigest()
        if long_csv:  # the same bytes write_csv gives, ~20x faster
            written[TIDY_CSV] = _write(scratch / TIDY_CSV, render_tidy_csv(grid))
        written[ESSAYS] = _write(scratch / ESSAYS, render_csv(grid.essays))
        written[ITEM_SUMMARY] = _write(scratch / ITEM_SUMMARY, render_csv(items))
        written[AREA_SUMMARY] = _write(scratch / AREA_SUMMARY, render_csv(areas))
        inputs = {"responses": data, "instrument": instrument}
        if registry is not None:
            inputs["registry"] = registry
        write_text(scratch / MANIFEST, _manifest(inputs, written, grid))
    if not long_csv:  # a CSV of an earlier run would no longer match the manifest
        (out / TIDY_CSV).unlink(missing_ok=True)
    return [out / name for name in (*written, MANIFEST)]


def _write(path: Path, text: str) -> str:
    """Write ``text`` atomically; return the sha256 of its bytes."""
    with atomic_file(path) as sink:
        sink.write(text.encode("utf-8"))
    return sink.hexdigest()


def tidy_table(grid: Grid):
    """The tidy answers (the columns of ``Survey.answers``) as an Arrow table, one row per
    respondent x scaled item, built from the grid without a Python string per row: the
    id and item columns are dictionary-encoded (indices into the respondents' and items'
    own columns), so they are written once per respondent or item, not once per answer."""
    import pyarrow as pa

    n, k = grid.values.shape
    columns = {}
    for names, frame, spread in ((ID_COLUMNS, grid.respondents, lambda c: np.repeat(c, k)),
                                 (("item_id", "area", "type"), grid.items, lambda c: np.tile(c, n))):
        for name in names:
            codes, labels = pd.factorize(frame[name].astype("str"))  # labels in order of appearance
            columns[name] = pa.DictionaryArray.from_arrays(spread(codes.astype(np.int32)),
                                                           pa.array(labels.tolist(), pa.string()), safe=False)
    columns["value"] = pa.array(grid.values.reshape(-1).astype(np.float64, copy=False), from_pandas=True)
    return pa.table([columns[name] for name in ANSWER_COLUMNS], names=list(ANSWER_COLUMNS))


def write_tidy_parquet(grid: Grid, sink) -> None:
    """Write :func:`tidy_table` as Parquet to a binary file object (zstd, fixed metadata:
    the same grid gives the same bytes). ``pd.read_parquet`` reads the id columns back as
    categoricals; ``.astype(str)`` gives ``Survey.answers``."""
    import pyarrow.parquet as pq

    pq.write_table(tidy_table(grid), sink, compression="zstd", write_statistics=False)


# --------------------------------------------------------------------------- summaries
#
# The numbers are those of metrics.items.item_stats and metrics.areas.area_stats (the
# project's one definition of each statistic; tests assert equality on several surveys,
# and the interval helpers are the metrics' own). They are computed here from the
# respondents x items matrix instead of calling those functions on the tidy frame, because
# at 100,000 respondents (6.7 million tidy rows) the six calls take ~60 s on the str columns
# of Survey.answers (~12 s even on categorical ones), against ~0.5 s here. To go back to the
# metric functions, have run_prepare use summaries_from_metrics(grid.answers()).

def _groups(grid: Grid, column: str | None) -> tuple[np.ndarray, np.ndarray]:
    """Group labels (sorted, as the metric functions order them) and each respondent's code."""
    if column is None:
        return np.array(["all"], dtype=object), np.zeros(len(grid.respondents), dtype=np.int64)
    codes, labels = pd.factorize(grid.respondents[column], sort=True)
    return np.asarray(labels, dtype=object), codes.astype(np.int64)


def scope_counts(grid: Grid) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    """Per scope: (scope, group labels, respondent group codes, counts[group, item, level 0-5]).

    The one pass over all answers that both summaries share: one bincount per scope.
    """
    codes = _answer_codes(grid.values)
    n, k = codes.shape
    item_level = codes.astype(np.int64) + (np.arange(k, dtype=np.int64) * 6)[None, :]
    result = []
    for scope, column in SCOPES:
        labels, groups = _groups(grid, column)
        if len(labels) == 1:
            index = item_level
        else:
            index = item_level + (groups * (k * 6))[:, None]
        counts = np.bincount(index.ravel(), minlength=len(labels) * k * 6).reshape(len(labels), k, 6)
        result.append((scope, labels, groups, counts))
    return result


def _count_stats(counts: np.ndarray) -> dict[str, np.ndarray]:
    """n, mean, sd (ddof=1), median and shares from answer counts per level (last axis 0-5)."""
    levels = np.arange(6, dtype=np.float64)
    valid = counts[..., 1:]
    n = valid.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (counts * levels).sum(axis=-1) / np.where(n > 0, n, np.nan)
        squares = (counts * (levels - mean[..., None]) ** 2)[..., 1:].sum(axis=-1)
        sd = np.sqrt(squares / np.where(n > 1, n - 1, np.nan))
        cumulative = np.cumsum(valid, axis=-1)
        low = 1 + (cumulative < ((n + 1) // 2)[..., None]).sum(axis=-1)
        high = 1 + (cumulative < (n // 2 + 1)[..., None]).sum(axis=-1)
        median = np.where(n > 0, (low + high) / 2.0, np.nan)
        agree = valid[..., AGREE_MIN - 1:].sum(axis=-1)
        disagree = valid[..., :DISAGREE_MAX].sum(axis=-1)
        top = valid[..., -1]
        share = lambda count: count / np.where(n > 0, n, np.nan)  # noqa: E731
        result = {"n": n, "mean": mean, "sd": sd, "median": median,
                  "n_agree": agree, "share_agree": share(agree),
                  "n_disagree": disagree, "share_disagree": share(disagree),
                  "n_top": top, "share_top": share(top)}
    for level in range(1, 6):
        result[f"n_{level}"] = valid[..., level - 1]
    low_ci, high_ci = wilson_interval(agree, n)
    result["ci_low"], result["ci_high"] = low_ci, high_ci
    return result


def item_summary(grid: Grid, counts: list | None = None) -> pd.DataFrame:
    """One row per scope x group x scaled item: the numbers of ``metrics.items.item_stats``."""
    k = len(grid.items)
    parts = []
    for scope, labels, _, level_counts in counts or scope_counts(grid):
        stats = _count_stats(level_counts)
        table = pd.DataFrame({
            "scope": scope,
            "group": np.repeat(labels, k),
            "area": np.tile(grid.items["area"].to_numpy(dtype=object), len(labels)),
            "item_id": np.tile(grid.items["item_id"].to_numpy(dtype=object), len(labels)),
            "type": np.tile(grid.items["type"].to_numpy(dtype=object), len(labels)),
        })
        for name, values in stats.items():
            table[name] = values.reshape(-1)
        parts.append(table)
    table = pd.concat(parts, ignore_index=True)
    return _typed(table[ITEM_COLUMNS + ITEM_EXTRA])


def area_summary(grid: Grid, counts: list | None = None) -> pd.DataFrame:
    """One row per scope x group x area, pooling the area's self-assessed (``likert``) answers.

    The numbers of ``metrics.areas.area_stats``: pooled n, mean, spread (sd), share_agree and
    its Wilson interval; and over respondents, the area index (a respondent's mean likert
    answer in the area): n_respondents who have one, its mean, sd and t-interval.
    ``desired`` and ``assessor`` items are not pooled: they rate something else (the level
    the role needs, the researcher's view) and are compared with the area, not averaged in.
    """
    likert = (grid.items["type"] == "likert").to_numpy()
    present = set(grid.items.loc[likert, "area"])
    areas = [a for a in config.AREAS if a in present] + sorted(present - set(config.AREAS))
    index = np.full((len(grid.respondents), len(areas)), np.nan)
    members = []
    for a, area in enumerate(areas):  # one vectorised pass per area
        member = likert & (grid.items["area"] == area).to_numpy()
        members.append(member)
        block = grid.values[:, member]
        answered = np.isfinite(block).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            index[:, a] = np.where(answered > 0, np.nansum(block, axis=1) / answered, np.nan)
    parts = []
    for scope, labels, groups, level_counts in counts or scope_counts(grid):
        pooled = np.zeros((len(labels), len(areas), 6), dtype=np.int64)
        for a, member in enumerate(members):
            pooled[:, a, :] = level_counts[:, member, :].sum(axis=1)
        stats = _count_stats(pooled)
        per = pd.DataFrame(index, columns=range(len(areas))).groupby(groups)
        n_resp, i_mean, i_sd = (per.count().to_numpy(), per.mean().to_numpy(), per.std().to_numpy())
        low, high = t_interval(pd.Series(i_mean.ravel()), pd.Series(i_sd.ravel()), pd.Series(n_resp.ravel()))
        parts.append(pd.DataFrame({
            "scope": scope,
            "group": np.repeat(labels, len(areas)),
            "area": np.tile(np.array(areas, dtype=object), len(labels)),
            "n": stats["n"].ravel(), "mean": stats["mean"].ravel(),
            "share_agree": stats["share_agree"].ravel(),
            "ci_low": stats["ci_low"].ravel(), "ci_high": stats["ci_high"].ravel(),
            "n_respondents": n_resp.ravel(), "n_agree": stats["n_agree"].ravel(),
            "spread": stats["sd"].ravel(), "index_mean": i_mean.ravel(), "index_sd": i_sd.ravel(),
            "index_ci_low": np.asarray(low, dtype=float), "index_ci_high": np.asarray(high, dtype=float),
        }))
    table = pd.concat(parts, ignore_index=True)
    return _typed(table[AREA_COLUMNS + AREA_EXTRA])


def _answer_codes(values: np.ndarray) -> np.ndarray:
    """Answers as int8 codes: 0 = missing, 1-5 = the answer (load_survey validated them)."""
    filled = np.where(np.isnan(values), 0.0, values)
    codes = filled.astype(np.int8)
    if values.size and (codes.min() < 0 or codes.max() > 5 or (codes != filled).any()):
        raise ValueError("answers must be whole numbers 1-5 or NaN")
    return codes


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    """Counts as int64, labels as str, as the metric functions return them."""
    for name in table.columns:
        if name == "n" or name.startswith("n_"):
            table[name] = table[name].astype("int64")
        elif table[name].dtype == object:
            table[name] = table[name].astype("str")
    return table.reset_index(drop=True)


def summaries_from_metrics(answers: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """item_summary and area_summary by calling metrics.item_stats / area_stats per scope.

    The reference for the fast path above (tests compare the two); fine for small surveys.
    """
    def by_scope(stats) -> pd.DataFrame:
        parts = []
        for scope, column in SCOPES:
            table = stats(answers, [column] if column else [])
            group = table.pop(column).astype("str") if column else pd.Series("all", index=table.index)
            table.insert(0, "group", group.to_numpy())
            table.insert(0, "scope", scope)
            parts.append(table)
        return pd.concat(parts, ignore_index=True)

    items = by_scope(item_stats)[ITEM_COLUMNS + ITEM_EXTRA]
    areas = by_scope(area_stats)[AREA_COLUMNS + AREA_EXTRA]
    return _typed(items), _typed(areas)


# --------------------------------------------------------------------------- tidy CSV

def _quoted(column: pd.Series) -> pd.Series:
    """CSV quoting as pandas/csv QUOTE_MINIMAL does it: only fields with , " or line breaks."""
    text = column.astype("str")
    needs = text.str.contains('[,"\r\n]', regex=True)
    if needs.any():
        text = text.where(~needs, '"' + text.str.replace('"', '""', regex=False) + '"')
    return text


def _field_bytes(frame: pd.DataFrame, columns: list[str]) -> list[bytes]:
    """Each row's quoted fields joined by commas, plus a trailing comma, as UTF-8 bytes."""
    line = _quoted(frame[columns[0]])
    for name in columns[1:]:
        line = line + "," + _quoted(frame[name])
    return (line + ",").str.encode("utf-8").tolist()


def render_tidy_csv(grid: Grid, chunk: int = 4096) -> str:
    """The tidy answers as CSV text, byte-identical to ``outputs.write_csv(grid.answers(), ...)``.

    A line is (respondent's fields)(item's fields)(answer), so lines are assembled as bytes
    in a (respondents x line bytes) buffer, one column block per item, instead of formatting
    millions of rows one by one: at 100,000 respondents ``to_csv`` takes ~20x longer.
    Shorter ids leave NUL padding, which is deleted at the end; text with a NUL byte (never
    in a valid file) takes the slow path.
    """
    codes = _answer_codes(grid.values)
    prefixes = _field_bytes(grid.respondents, list(ID_COLUMNS))
    suffixes = _field_bytes(grid.items, ["item_id", "area", "type"])
    header = ",".join(ANSWER_COLUMNS) + "\n"
    if not prefixes or not suffixes or any(b"\x00" in part for part in prefixes + suffixes):
        return grid.answers().to_csv(index=False, float_format="%.6g", lineterminator="\n")
    fixed = np.array(prefixes, dtype=bytes)  # NUL-padded to the longest
    width = fixed.dtype.itemsize
    prefix = fixed.view(np.uint8).reshape(len(prefixes), width)
    first = np.frombuffer(b"\n12345", dtype=np.uint8)  # the answer digit, or the line end if none
    second = np.frombuffer(b"\x00\n\n\n\n\n", dtype=np.uint8)  # the line end, or padding if none
    offsets = np.cumsum([0] + [width + len(sfx) + 2 for sfx in suffixes])
    buffer = np.zeros((min(chunk, len(prefixes)), int(offsets[-1])), dtype=np.uint8)
    pieces = [header]
    for start in range(0, len(prefixes), chunk):
        rows = slice(start, start + chunk)
        block = buffer[: len(prefix[rows])]
        for i, sfx in enumerate(suffixes):  # one block of columns per item, all respondents at once
            at = int(offsets[i])
            block[:, at:at + width] = prefix[rows]
            at += width
            block[:, at:at + len(sfx)] = np.frombuffer(sfx, dtype=np.uint8)
            at += len(sfx)
            block[:, at] = first[codes[rows, i]]
            block[:, at + 1] = second[codes[rows, i]]
        pieces.append(block.tobytes().translate(None, b"\x00").decode("utf-8"))
    return "".join(pieces)


# --------------------------------------------------------------------------- manifest

def _relative(path: Path) -> str:
    """A name that does not depend on where the project or a temp folder lives."""
    path = Path(path).resolve()
    try:
        return path.relative_to(config.PROJ_ROOT.resolve()).as_posix()
    except ValueError:
        return path.name


def _manifest(inputs: dict[str, Path], outputs: dict[str, str], grid: Grid) -> str:
    """sha256 of every input and output (outputs: as they were written), plus counts;
    sorted keys and no timestamps, so the same input gives the same bytes."""
    document = {
        "command": "clusterresearch prepare",
        "inputs": {role: {"file": _relative(path), "sha256": sha256_file(path)} for role, path in inputs.items()},
        "outputs": dict(outputs),
        "counts": {
            "respondents": int(grid.values.shape[0]),
            "scaled_items": int(grid.values.shape[1]),
            "answers": int(np.isfinite(grid.values).sum()),
            "essays": int(len(grid.essays)),
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
