"""Load the study once per worker: a value computed before a kernel template forks.

``reproduce`` forks every report's kernel from a template process (batch/kernels.py). The
template calls :func:`preload_study` once; each forked kernel then finds the loaded study
in memory and its first ``load_survey(...)`` with the same arguments returns it instead of reading and validating
the file again. So a report's cost does not grow with the study's size beyond the one read
per worker.

Why a report still sees exactly what a fresh load gives:
- a value is handed out once (the first matching call takes it; later calls load anew),
  and each kernel is its own forked copy of the template, so no report can see another
  report's changes to it;
- it is keyed by the function, its arguments and the size and modification time of every
  file involved (the responses file, every file of the study folder, a registry given), so
  a file changed after the template loaded it is read again;
- a load that warned or printed anything is not kept (the kernel loads it itself, so the
  notebook shows the same messages a fresh run shows); one that failed is not kept either.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

from . import config

_store: dict[tuple, Any] = {}


def _stat(path: Any) -> tuple | None:
    try:
        info = os.stat(path)
    except (OSError, TypeError, ValueError):
        return None
    return (str(Path(path).resolve()), info.st_mtime_ns, info.st_size)


def _study_files(study: Any) -> list:
    """The files of a study folder (default data/raw), not recursive: any of them may shape
    what the loader returns."""
    folder = Path(study) if isinstance(study, (str, os.PathLike)) else config.RAW_DIR
    try:
        return sorted(entry.path for entry in os.scandir(folder) if entry.is_file())
    except OSError:
        return []


def _key(func: Callable, path: Any, args: tuple, kwargs: dict) -> tuple | None:
    kwargs = {k: v for k, v in kwargs.items() if v is not None}  # load(x, study=None) == load(x)
    simple = (str, int, float, bool, type(None), os.PathLike)
    if not all(isinstance(a, simple) for a in (path, *args, *kwargs.values())):
        return None  # e.g. an instrument passed as a frame: not worth keying
    named = [a for a in (path, *args, *kwargs.values()) if isinstance(a, (str, os.PathLike))]
    files = [*named, *_study_files(kwargs.get("study"))]
    return (func.__module__, func.__qualname__, tuple(_stat(f) for f in files),
            str(path), tuple(map(str, args)), tuple(sorted((k, str(v)) for k, v in kwargs.items())))


def preloadable(func: Callable) -> Callable:
    """Decorate a loader ``func(path, ...)``: the first call with a preloaded key returns the
    preloaded value; ``func.preload(path, ...)`` computes and keeps one."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _store:
            key = _key(func, args[0] if args else kwargs.get("path"), args[1:],
                       {k: v for k, v in kwargs.items() if k != "path"})
            if key is not None and key in _store:
                return _store.pop(key)
        return func(*args, **kwargs)

    def preload(path=None, *args, **kwargs) -> bool:
        key = _key(func, path, args, kwargs)
        if key is None:
            return False
        out, err = io.StringIO(), io.StringIO()
        try:
            with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                warnings.simplefilter("always")
                value = func(path, *args, **kwargs)
        except Exception:  # noqa: BLE001 - the kernel will raise it itself, in the notebook
            return False
        if caught or out.getvalue() or err.getvalue():
            return False
        _store[key] = value
        return True

    wrapper.preload = preload  # type: ignore[attr-defined]
    return wrapper


def preload_study(calls: Sequence[str]) -> list[bool]:
    """Make each ``load_survey`` call the notebooks will make (JSON ``{"path", "kwargs"}``,
    see batch.kernels.study_loads); True where the result is kept."""
    import json

    from .loading import load_survey

    kept = []
    for call in calls:
        spec = json.loads(call)
        kept.append(load_survey.preload(spec.get("path"), **spec.get("kwargs", {})))
    return kept


def clear() -> None:
    _store.clear()
