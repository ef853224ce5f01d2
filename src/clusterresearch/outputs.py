"""Writing derived files: atomically, never under data/raw, all or nothing."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from . import config


class RawDataWriteError(RuntimeError):
    """Raised when code tries to write under data/raw, which only people change."""


def guard_not_raw(path: Path) -> Path:
    path = Path(path).resolve()
    raw = config.RAW_DIR.resolve()
    if path == raw or raw in path.parents:
        raise RawDataWriteError(f"{path}: data/raw is immutable input; write derived files elsewhere")
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@contextlib.contextmanager
def staged_dir(out_dir: Path) -> Iterator[Path]:
    """Yield a scratch folder beside ``out_dir``; on success its files replace those in ``out_dir``.

    On any error the scratch folder is removed and ``out_dir`` is left exactly as it was,
    so a failed run never leaves half-written outputs.
    """
    out_dir = guard_not_raw(Path(out_dir))
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        yield scratch
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    out_dir.mkdir(parents=True, exist_ok=True)
    for source in sorted(scratch.rglob("*")):
        if source.is_file():
            target = out_dir / source.relative_to(scratch)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    shutil.rmtree(scratch, ignore_errors=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give: mkstemp's 0600 would hide a published site


class HashingFile:
    """A binary file that updates a sha256 with the bytes as they are written, so a manifest
    needs no second read of what was just written."""

    def __init__(self, handle):
        self._handle = handle
        self._digest = hashlib.sha256()

    def write(self, data) -> int:
        self._digest.update(data)
        return self._handle.write(data)

    def flush(self) -> None:
        self._handle.flush()

    def tell(self) -> int:
        return self._handle.tell()

    def writable(self) -> bool:
        return True

    @property
    def closed(self) -> bool:
        return self._handle.closed

    def close(self) -> None:  # the writer owns the file: atomic_file closes it
        self.flush()

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[HashingFile]:
    """Write ``path`` atomically (a reader never sees it half-written) with the usual
    permissions, through a :class:`HashingFile` (its ``hexdigest()`` is the file's sha256)."""
    path = guard_not_raw(Path(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield HashingFile(handle)
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(path: Path, data: bytes) -> Path:
    """Write a file atomically (a reader never sees it half-written) with the usual permissions."""
    with atomic_file(path) as sink:
        sink.write(data)
    return guard_not_raw(Path(path))


def write_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically with Unix newlines."""
    return write_bytes(path, text.encode("utf-8"))


def render_csv(frame, float_format: str = "%.6g") -> str:
    """A frame as CSV text with a fixed float format so equal inputs give equal bytes: the
    text pandas' ``to_csv(index=False, float_format=..., lineterminator="\\n")`` writes.

    pandas formats and quotes cell by cell through several Python calls (1 s for the
    summaries of a 100,000-respondent survey). Here each column's distinct values are
    formatted once (floats as ``float_format % value``, NaN as an empty field; 0.0 and -0.0
    apart) and text is quoted by the csv module itself, once per distinct value; the rows
    are then joined. Frames with other column types (nullable, categorical, dates ...) are
    left to pandas.
    """
    columns = [_field_texts(frame.iloc[:, i], float_format) for i in range(frame.shape[1])]
    if any(texts is None for texts in columns):
        return frame.to_csv(index=False, float_format=float_format, lineterminator="\n")
    lines = [_csv_row([str(name) for name in frame.columns])]
    if len(columns) == 1:  # the csv module writes an empty single-field row as ""
        lines += [text if text else _csv_row([""]) for text in columns[0]]
    else:
        lines += [",".join(row) for row in zip(*columns)]
    return "\n".join(lines) + "\n"


_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/()+%&'")


def _csv_row(fields: list[str]) -> str:
    """One row as the csv module writes it (pandas' writer), without the line end."""
    import csv
    import io

    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(fields)
    return out.getvalue()[:-1]


def _csv_field(text: str) -> str:
    """One text field as the csv module writes it (quoted where it must be)."""
    if _PLAIN.issuperset(text):
        return text
    return _csv_row([text, ""])[:-1]


def _field_texts(column, float_format: str):
    """Each cell of a column as its CSV field (an object array), or None for a column type
    left to pandas."""
    import numpy as np
    import pandas as pd

    dtype = column.dtype
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return _float_texts(np.ascontiguousarray(column.to_numpy(), dtype=np.float64), float_format)
    if isinstance(dtype, np.dtype) and dtype.kind in "iub":
        codes, uniques = pd.factorize(column.to_numpy())
        return np.array([str(v) for v in np.asarray(uniques).tolist()], dtype=object)[codes]
    if dtype == object or (isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan):
        codes, uniques = pd.factorize(column, use_na_sentinel=True)  # Arrow's hashing for "str"
        uniques = np.asarray(uniques, dtype=object)
        if not all(isinstance(v, str) for v in uniques):
            return None
        return np.array([_csv_field(v) for v in uniques] + [""], dtype=object)[codes]
    return None


def _float_texts(values: np.ndarray, float_format: str) -> np.ndarray:
    """``float_format % value`` of each value ("" for NaN), as an object array."""
    import numpy as np
    import pandas as pd

    codes, bits = pd.factorize(values.view(np.int64))
    texts = np.array(["" if v != v else float_format % v for v in np.asarray(bits).view(np.float64).tolist()],
                     dtype=object)
    return texts[codes]


def write_csv(frame, path: Path, float_format: str = "%.6g") -> Path:
    """Write a frame as CSV (see :func:`render_csv`)."""
    return write_text(path, render_csv(frame, float_format))
