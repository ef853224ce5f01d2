"""Values computed once in the kernel template, handed to the first report that asks for them.

``reproduce`` forks every report's kernel from a template process (batch/kernels.py). The
batch decides what is worth computing there (:data:`WARM`: the survey load, and the roadmap
model with its figures drawn ahead, ~4 s of every roadmap report); the library knows nothing
of it: :func:`calls` lists a run's calls, :func:`make` makes each in the template and wraps the function where
clusterresearch's modules refer to it, in the template only; each forked kernel then finds
the value in memory: its first call with the same arguments returns it instead of reading
and computing again.

Why a report still sees exactly what a fresh call gives:
- a value is handed out once (the first matching call takes it; later calls compute anew),
  and each kernel is its own forked copy of the template, so no report sees another's changes;
- it is kept with the size and modification time of every file it was read from (the
  survey's: its responses file and ``Study.files()``; the model's: ``Network.files`` and the
  IT services file), and taken only while those are unchanged;
- a call that warned, printed or failed is not kept (the kernel makes it itself, so the
  notebook shows the same messages a fresh run shows).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import io
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Any, Callable, Sequence

_store: dict[tuple, tuple[tuple, Any]] = {}  # call -> (file stats, value)
_wrapped: dict[str, tuple[Callable, Callable]] = {}  # name -> (original, wrapper)


def _survey_files(survey: Any) -> list:
    return [survey.source, *survey.study.files()]


def _model_files(model: Any) -> list:
    from .roadmap.network import SERVICES_PATH

    return [*model.network.files, SERVICES_PATH]


def _draw_ahead(model: Any) -> None:
    from .roadmap.figures import draw_ahead

    draw_ahead(model)


SURVEY_LOAD = "clusterresearch.loading.survey:load_survey"
NETWORK_MODEL = "clusterresearch.roadmap.build:network_model"
MODEL_PARAMETERS = ("platform_retention", "platform_delay", "relay_retention")
# What the batch warms: "module:function" -> (the files a value was read from, work done
# ahead on it in the template only).
WARM: dict[str, tuple[Callable, Callable | None]] = {
    SURVEY_LOAD: (_survey_files, None),
    NETWORK_MODEL: (_model_files, _draw_ahead),
}


def calls(jobs) -> tuple[str, ...]:
    """The calls the jobs' notebooks make first, as JSON for the template to make once
    (:func:`make`): each job's survey source loaded as `SurveySource.load` loads
    it (the roadmap's only when it was given a survey), and the roadmap's
    ``network_model(network_dir, platform_retention=..., ...)`` (None arguments do not count)."""
    from .loading.source import SurveySource

    said: list[str] = []

    def add(func: str, path, kwargs: dict) -> None:
        text = json.dumps({"func": func, "path": None if path is None else str(path),
                           "kwargs": {k: str(v) if isinstance(v, Path) else v
                                      for k, v in kwargs.items() if v is not None}}, sort_keys=True)
        if text not in said:
            said.append(text)

    for job in jobs:
        p = job.parameters
        source = SurveySource.from_parameters(p)
        if job.notebook == "roadmap":
            add(NETWORK_MODEL, p.get("network_dir"), {k: p.get(k) for k in MODEL_PARAMETERS})
        if job.notebook != "roadmap" or source.given:
            add(SURVEY_LOAD, *source.arguments())
    return tuple(said)


def _stats(files: Sequence) -> tuple:
    stats = []
    for path in files:
        try:
            info = os.stat(path)
            stats.append((str(Path(path).resolve()), info.st_mtime_ns, info.st_size))
        except (OSError, TypeError, ValueError):
            stats.append((str(path), None, None))
    return tuple(stats)


def _key(func: Callable, args: tuple, kwargs: dict) -> tuple | None:
    """The call as the function sees it, defaults filled in (``load(x)``, ``load(x,
    study=None)`` and ``load(x, format="auto")`` are one call); None for arguments that are
    not plain values (e.g. a frame)."""
    try:
        bound = inspect.signature(func).bind(*args, **kwargs)
    except TypeError:
        return None  # the call itself will say what is wrong
    bound.apply_defaults()
    simple = (str, int, float, bool, type(None), os.PathLike)
    if not all(isinstance(a, simple) for a in bound.arguments.values()):
        return None
    return (func.__module__, func.__qualname__,
            tuple((k, None if v is None else str(v)) for k, v in bound.arguments.items()))


def _taking(func: Callable) -> Callable:
    """``func``, returning a kept value for a kept call whose files are unchanged."""

    @functools.wraps(func)
    def taking(*args, **kwargs):
        key = _key(func, args, kwargs) if _store else None
        if key in _store:
            stats, value = _store.pop(key)
            if _stats([s[0] for s in stats]) == stats:
                return value
        return func(*args, **kwargs)

    return taking


def _rebind(old: Callable, new: Callable) -> None:
    """Make clusterresearch's loaded modules that refer to ``old`` refer to ``new``."""
    for loaded in list(sys.modules.values()):  # reading only: which of our modules are loaded
        if getattr(loaded, "__name__", "").startswith("clusterresearch"):
            for key, value in list(vars(loaded).items()):
                if value is old:
                    setattr(loaded, key, new)


def _wrap(name: str) -> Callable:
    """The original function ``name``; its references in clusterresearch's loaded modules
    lead to :func:`_taking` from now on (in this process: the template, or a test)."""
    if name not in _wrapped:
        module, _, attribute = name.partition(":")
        original = getattr(importlib.import_module(module), attribute)
        _wrapped[name] = (original, _taking(original))
        _rebind(original, _wrapped[name][1])
    return _wrapped[name][0]


def preload(name: str, path: Any = None, **kwargs: Any) -> bool:
    """Make the call ``name(path, **kwargs)`` now and keep its value; True if kept."""
    files, ahead = WARM[name]
    func = _wrap(name)
    key = _key(func, (path,), kwargs)
    if key is None:
        return False
    out, err = io.StringIO(), io.StringIO()
    try:
        with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            warnings.simplefilter("always")
            value = func(path, **kwargs)
            if ahead is not None:
                ahead(value)
    except Exception:  # noqa: BLE001 - the kernel will raise it itself, in the notebook
        return False
    # (a ResourceWarning is the garbage collector's about some other object, not the call's)
    caught = [w for w in caught if not issubclass(w.category, ResourceWarning)]
    if caught or out.getvalue() or err.getvalue():
        return False
    read = [p for p in (*files(value), *(a for a in (path, *kwargs.values()) if isinstance(a, (str, os.PathLike))))]
    _store[key] = (_stats(read), value)
    return True


def make(said: Sequence[str]) -> list[bool]:
    """Make each call (JSON ``{"func": "module:name", "path", "kwargs"}``, see
    :func:`calls`); True where the value is kept."""
    kept = []
    for call in said:
        spec = json.loads(call)
        if spec["func"] not in WARM:
            raise ValueError(f"{spec['func']} is not one of the calls the batch warms")
        kept.append(preload(spec["func"], spec.get("path"), **spec.get("kwargs", {})))
    return kept


def clear() -> None:
    """Forget the kept values and put the original functions back."""
    _store.clear()
    for original, wrapper in _wrapped.values():
        _rebind(wrapper, original)
    _wrapped.clear()
