"""Warm kernels: each report's kernel is forked from a pre-imported template process.

A fresh ipykernel spends ~2 s importing pandas, matplotlib, seaborn, scipy, statsmodels and
clusterresearch before the report's first cell does any work; ``reproduce`` ran that 30
times. Here one *template* process (batch/template.py) imports those libraries once (and
loads the study once, see :mod:`clusterresearch.preload`) and then only waits: one per
``reproduce`` run, shared by its workers over a Unix socket (:class:`SharedTemplate`), or
one per worker (:func:`template`; Dask, or when the run's template is gone). For every
report the worker's kernel manager asks the template to ``fork()``; the child becomes an ordinary
ipykernel (``IPKernelApp``, the same code ``python -m ipykernel_launcher`` runs) on the
connection file jupyter_client wrote, IPC transport as before.

Why this gives each report a fresh interpreter: the child is a copy of the template, which
has run no report code; whatever a report does (globals, monkeypatched modules, rcParams,
``chdir``, a crash) happens in its own process and dies with it. The next report is a new
copy of the untouched template. What a fresh kernel would see differently is set up to match
it: the environment jupyter_client passes (set before the template imports anything, since
matplotlib and ipykernel read it at import), ``sys.argv``, ``sys.path``, the working
folder, a new process session, default signal handlers and freshly seeded ``random`` and
``numpy.random`` generators. tests/test_batch_kernels.py checks both the isolation and that
the outputs are byte-identical to a fresh kernel's.

The template is single-threaded when it forks (apart from library pools that handle fork
themselves: OpenBLAS, jemalloc), never opens a ZMQ socket and is the kernels' parent: it
reaps them; the worker watches each kernel through a pidfd (Linux) and signals its process
group, as jupyter_client's LocalProvisioner does with a Popen. Where fork or pidfd is
missing (Windows, macOS) or the kernelspec is not ipykernel, kernels start fresh as before.

Protocol (one JSON line each way): the worker writes ``{"argv", "env", "cwd"}`` to the
template's stdin, the template answers ``{"pid": n}`` or ``{"error": text}`` on a private
pipe. EOF on stdin (the worker exited) ends the template; its kernels notice their parent
is gone (ipykernel's parent poller) and exit too.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Sequence

# What a report's kernel finds already imported: the notebooks' own imports and what they
# pull in, plus the kernel itself. Import side effects of these are part of every fresh
# kernel too (the notebooks import them), so preloading them changes no output.
PRELOAD = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "scipy.stats", "networkx",
    "statsmodels.stats.proportion", "clusterresearch", "clusterresearch.competencies",
    "clusterresearch.roadmap.report", "IPython", "IPython.display", "ipykernel.kernelapp",
    "ipykernel.ipkernel", "ipykernel.zmqshell", "pandas.io.formats.html",
)
# The socket (a run's shared template) is bound before anything is imported, so the parent
# knows within milliseconds that the workers can connect (importing clusterresearch.batch
# alone takes seconds).
TEMPLATE_MAIN = ("import sys, socket\n"
                 "server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) if sys.argv[2] else None\n"
                 "if server is not None:\n"
                 "    server.bind(sys.argv[2]); server.listen(64)\n"
                 "from clusterresearch.batch.template import template_main\n"
                 "template_main(int(sys.argv[1]), sys.argv[3:], server)")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"

FIRST_REPLY_TIMEOUT = 600.0  # seconds: imports and loading the study, on a busy machine
REPLY_TIMEOUT = 60.0         # seconds for a fork
_lock = threading.Lock()
_templates: dict[tuple, "Template"] = {}


def supported() -> bool:
    """Fork-based kernels need os.fork and os.pidfd_open (Linux >= 5.3)."""
    return hasattr(os, "fork") and hasattr(os, "pidfd_open") and sys.platform.startswith("linux")


def is_ipykernel(argv: Sequence[str]) -> bool:
    """Whether a kernelspec's argv starts an ipykernel (the only kind a template can fork)."""
    return len(argv) >= 3 and argv[1] == "-m" and argv[2] in ("ipykernel_launcher", "ipykernel")


# --------------------------------------------------------------------------- worker side


def _pid_of(line: str, exited: str) -> int:
    """The pid in a template's answer to a fork request (RuntimeError for an error or none)."""
    if not line:
        raise RuntimeError(exited)
    reply = json.loads(line)
    if "error" in reply:
        raise RuntimeError(f"kernel template: {reply['error']}")
    return int(reply["pid"])


class Template:
    """A running template process, owned by one worker process (or, shared, by a run)."""

    def __init__(self, python: str, env: dict[str, str], preload: Sequence[str], listen: str = ""):
        read_fd, self._write_fd = os.pipe()
        self._replies, reply_fd = os.pipe()
        os.set_inheritable(reply_fd, True)
        self.process = subprocess.Popen(
            [python, "-c", TEMPLATE_MAIN, str(reply_fd), listen, *preload],
            stdin=read_fd, env=env, pass_fds=(reply_fd,), cwd=Path.home() if Path.home().is_dir() else "/",
        )
        os.close(read_fd)
        os.close(reply_fd)
        self._requests = os.fdopen(self._write_fd, "w", buffering=1, encoding="utf-8")
        self._reader = os.fdopen(self._replies, "r", encoding="utf-8")
        self._lock = threading.Lock()
        self.ready = False

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str | None) -> int:
        """Fork a kernel; return its pid (RuntimeError if the template cannot)."""
        with self._lock:
            try:
                self._requests.write(json.dumps({"argv": list(argv), "env": env, "cwd": cwd}) + "\n")
                self._requests.flush()
                # the first reply also waits for the imports and the study
                wait = FIRST_REPLY_TIMEOUT if not self.ready else REPLY_TIMEOUT
                if not select.select([self._replies], [], [], wait)[0]:
                    self.process.kill()
                    raise RuntimeError(f"kernel template did not answer within {wait:.0f} s")
                line = self._reader.readline()
            except (OSError, ValueError) as exc:
                raise RuntimeError(f"kernel template gone: {exc}") from None
        pid = _pid_of(line, f"kernel template exited (status {self.process.poll()})")
        self.ready = True
        return pid

    def preload(self, calls: Sequence[str]) -> None:
        """Have the template preload ``calls`` before it serves the next request (no answer)."""
        with self._lock:
            self._requests.write(json.dumps({"preload": list(calls)}) + "\n")
            self._requests.flush()

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        for stream in (self._requests, self._reader):
            try:
                stream.close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class SharedClient:
    """A worker's connection to the template of its ``reproduce`` run (:class:`SharedTemplate`)."""

    def __init__(self, path: str):
        import socket

        self.path = path
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.connect(path)
        self._reader = self._sock.makefile("r", encoding="utf-8")
        self._lock = threading.Lock()
        self.ready = False
        self.gone = False

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str | None) -> int:
        with self._lock:
            try:
                self._sock.sendall((json.dumps({"argv": list(argv), "env": env, "cwd": cwd}) + "\n").encode("utf-8"))
                wait = FIRST_REPLY_TIMEOUT if not self.ready else REPLY_TIMEOUT
                if not select.select([self._sock], [], [], wait)[0]:
                    raise RuntimeError(f"kernel template did not answer within {wait:.0f} s")
                line = self._reader.readline()
            except (OSError, ValueError) as exc:
                self.gone = True
                raise RuntimeError(f"kernel template gone: {exc}") from None
        self.gone = not line
        pid = _pid_of(line, "kernel template exited")
        self.ready = True
        return pid

    def alive(self) -> bool:
        return not self.gone

    def close(self) -> None:
        for closable in (self._reader, self._sock):
            try:
                closable.close()
            except OSError:
                pass


class SharedTemplate:
    """The one template of a ``reproduce`` run, shared by its worker processes over a Unix
    socket: imported and preloaded once per run instead of once per worker. Started by the
    parent as soon as the options are known, so it imports while the parent reads the study
    and plans the jobs; :meth:`preload` then hands it the calls of the jobs to run. A worker
    that cannot reach it starts a template of its own (:func:`template`)."""

    def __init__(self, python: str, env: dict[str, str]):
        import tempfile

        self.python = python
        self._folder = tempfile.mkdtemp(prefix="cr-tpl-")  # private (0700), short path
        self.path = os.path.join(self._folder, "template.sock")
        self._template = Template(python, env, (), listen=self.path)

    def listening(self, timeout: float = FIRST_REPLY_TIMEOUT) -> bool:
        """Wait until the template listens (it binds its socket before it imports); False if
        it died first."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.path):
            if not self._template.alive() or time.monotonic() > deadline:
                return False
            time.sleep(0.02)
        return True

    def preload(self, calls: Sequence[str]) -> None:
        if calls:
            self._template.preload(calls)

    def close(self) -> None:
        """End the template now: the run is over (its kernels have been shut down), and a
        template still importing (a rerun that reused every report) need not finish."""
        import shutil

        self._template.process.kill()
        self._template.close()
        shutil.rmtree(self._folder, ignore_errors=True)

    def __enter__(self) -> "SharedTemplate":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


_shared_path: str | None = None


def use_shared(path: str | None) -> None:
    """Fork this process's kernels from the run's shared template at ``path`` (None: its own)."""
    global _shared_path
    _shared_path = path


def template_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a kernel would get from jupyter_client, as far as it is known before
    the kernel starts (JPY_PARENT_PID is set by the template to its own pid)."""
    env = dict(os.environ if env is None else env)
    env.setdefault("MPLBACKEND", INLINE_BACKEND)  # what ipykernel sets before any user import
    return env


def startup_env(env: dict[str, str]) -> dict[str, str]:
    """The variables an interpreter or its libraries read once at start or import
    (PYTHONHASHSEED, PYTHONPATH, MPLBACKEND, ...): a template can only stand in for a
    fresh kernel whose environment has the same ones."""
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "MPL", "OMP_", "OPENBLAS", "MKL_"))}


def template(python: str, preload: Sequence[str] = ()) -> Template:
    """This process's template for ``python`` and ``preload`` (started on first use, restarted
    if it died)."""
    key = (python, tuple(preload))
    with _lock:
        if _shared_path:
            shared = _templates.get(("shared", _shared_path))
            if shared is not None and shared.alive():
                return shared
            try:
                _templates[("shared", _shared_path)] = shared = SharedClient(_shared_path)
                return shared
            except OSError:
                pass  # the run's template is gone: this worker starts its own
        current = _templates.get(key)
        if current is None or not current.alive():
            if current is not None:
                current.close()
            current = _templates[key] = Template(python, template_env(), preload)
        return current


SURVEY_LOAD = "clusterresearch.loading.survey:load_survey"
NETWORK_MODEL = "clusterresearch.roadmap.build:network_model"
MODEL_PARAMETERS = ("platform_retention", "platform_delay", "relay_retention")


def preload_calls(jobs) -> tuple[str, ...]:
    """The calls the jobs' notebooks make first, as JSON for the template to make once
    (clusterresearch.preload): the competencies report's
    ``load_survey(data_path, study=study_dir, encoding=..., registry=...)``, the roadmap's
    readiness ``load_survey(data_path, study=study_dir)`` and its
    ``network_model(network_dir, platform_retention=..., ...)`` (None arguments do not count)."""
    calls = []

    def add(func: str, path, kwargs: dict) -> None:
        text = json.dumps({"func": func, "path": path,
                           "kwargs": {k: v for k, v in kwargs.items() if v is not None}}, sort_keys=True)
        if text not in calls:
            calls.append(text)

    for job in jobs:
        p = job.parameters
        if job.notebook == "roadmap":
            add(NETWORK_MODEL, p.get("network_dir"), {k: p.get(k) for k in MODEL_PARAMETERS})
            if p.get("study_dir") is not None or p.get("data_path") is not None:
                add(SURVEY_LOAD, p.get("data_path"), {"study": p.get("study_dir")})
        else:
            add(SURVEY_LOAD, p.get("data_path"), {"study": p.get("study_dir"), "encoding": p.get("encoding"),
                                                  "registry": p.get("registry")})
    return tuple(calls)


def kernel_python(kernel_name: str) -> str | None:
    """The interpreter a kernelspec runs (as jupyter_client formats it), None if not ipykernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    if not is_ipykernel(argv):
        return None
    if argv[0] in ("python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return sys.executable  # what jupyter_client's format_kernel_cmd does
    return argv[0]


def start_template(kernel_name: str, preload: Sequence[str] = ()) -> None:
    """Start this worker's template now, so that it imports while the worker warms up."""
    python = kernel_python(kernel_name)
    if python is not None:
        template(python, preload)


def close_templates() -> None:
    with _lock:
        for current in _templates.values():
            current.close()
        _templates.clear()
