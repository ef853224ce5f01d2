"""Load the study once per worker: values computed before a kernel template forks.

``reproduce`` forks every report's kernel from a template process (batch/kernels.py). The
template calls :func:`preload_calls` once; each forked kernel then finds the loaded values
in memory: its first ``load_survey(...)`` with the same arguments returns the study instead
of reading and validating the file again, and its first ``network_model(...)`` the roadmap
model every scope of a site shares (with its figures drawn ahead). So a report's cost does
not grow with the study's size beyond the one read per worker, and the work all reports
share is done once per worker.

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
import inspect
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


def study_files(arguments: dict) -> list:
    """The files a survey load reads: the paths it is given and every file of its study folder."""
    named = [a for a in arguments.values() if isinstance(a, (str, os.PathLike))]
    return [*named, *_study_files(arguments.get("study"))]


def _key(func: Callable, files: Callable, args: tuple, kwargs: dict) -> tuple | None:
    """The call as the function sees it, defaults filled in (``load(x)``, ``load(x,
    study=None)`` and ``load(x, format="auto")`` are one call), with the files it reads."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return None  # the call itself will say what is wrong
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    simple = (str, int, float, bool, type(None), os.PathLike)
    if not all(isinstance(a, simple) for a in arguments.values()):
        return None  # e.g. an instrument passed as a frame: not worth keying
    return (func.__module__, func.__qualname__, tuple(_stat(f) for f in files(arguments)),
            tuple((k, None if v is None else str(v)) for k, v in arguments.items()))


def preloadable(func: Callable | None = None, *, files: Callable = study_files,
                warm: Callable | None = None) -> Callable:
    """Decorate a loader ``func(path, ...)``: the first call with a preloaded key returns the
    preloaded value; ``func.preload(path, ...)`` computes and keeps one.

    ``files(arguments)`` lists the files the value depends on (default: a survey's,
    :func:`study_files`); ``warm(value)`` is work done ahead only when preloading (for
    example figures drawn once for every report), never on an ordinary call."""
    if func is None:
        return functools.partial(preloadable, files=files, warm=warm)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        if _store:
            key = _key(func, files, args, kwargs)
            if key is not None and key in _store:
                return _store.pop(key)
        return func(*args, **kwargs)

    def preload(path=None, *args, **kwargs) -> bool:
        key = _key(func, files, (path, *args), kwargs)
        if key is None:
            return False
        out, err = io.StringIO(), io.StringIO()
        try:
            with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
                    contextlib.redirect_stderr(err):
                warnings.simplefilter("always")
                value = func(path, *args, **kwargs)
                if warm is not None:
                    warm(value)
        except Exception:  # noqa: BLE001 - the kernel will raise it itself, in the notebook
            return False
        if caught or out.getvalue() or err.getvalue():
            return False
        _store[key] = value
        return True

    wrapper.preload = preload  # type: ignore[attr-defined]
    return wrapper


def preload_calls(calls: Sequence[str]) -> list[bool]:
    """Make each call the notebooks will make first (JSON ``{"func": "module:name", "path",
    "kwargs"}``, see batch.kernels.preload_calls); True where the result is kept. Only
    ``@preloadable`` functions are called."""
    import importlib
    import json

    kept = []
    for call in calls:
        spec = json.loads(call)
        module, _, name = spec["func"].partition(":")
        func = getattr(importlib.import_module(module), name)
        if not hasattr(func, "preload"):
            raise ValueError(f"{spec['func']} is not @preloadable")
        kept.append(func.preload(spec.get("path"), **spec.get("kwargs", {})))
    return kept


def clear() -> None:
    _store.clear()
