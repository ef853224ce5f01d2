"""Warm kernels: each report's kernel is forked from a pre-imported template process.

A fresh ipykernel spends ~2 s importing pandas, matplotlib, seaborn, scipy, statsmodels and
clusterresearch before the report's first cell does any work; ``reproduce`` ran that 30
times. Here one *template* process per ``reproduce`` run (per Dask worker with the Dask
executor) imports those libraries once, loads the study once (:mod:`clusterresearch.preload`)
and then only waits. For every report, jupyter_client starts the kernel through the
``clusterresearch-fork`` kernel provisioner (:mod:`.provisioner`, registered by entry
point), which asks the template to ``fork()``; the child becomes an ordinary ipykernel
(``IPKernelApp``, the code ``python -m ipykernel_launcher`` runs) on the connection file
jupyter_client wrote, over IPC sockets.

Why this gives each report a fresh interpreter: the child is a copy of the template, which
has run no report code; whatever a report does (globals, monkeypatched modules, rcParams,
``chdir``, a crash) happens in its own process and dies with it. What a fresh kernel would
see differently is set up to match it: the environment jupyter_client passes, ``sys.argv``,
``sys.path``, the working folder, a new process session, default signal handlers, freshly
seeded ``random`` and ``numpy.random``. tests/test_batch_kernels.py checks the isolation and
that the outputs are byte-identical to a fresh kernel's.

The template is single-threaded when it forks, never opens a ZMQ socket and is the
kernels' parent (it reaps them). Requests carry ids and a reply must carry its request's id;
a template that does not answer in time is killed and counted gone, so a late reply is never
read as the answer to another request. Where fork or pidfd is missing (Windows, macOS), the
kernelspec is not ipykernel or the provisioner is not installed, kernels start fresh.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Sequence

TEMPLATE_MAIN = ("import sys\nfrom clusterresearch.batch.template import template_main\n"
                 "template_main(int(sys.argv[1]))")
PROVISIONER = "clusterresearch-fork"
FIRST_REPLY_TIMEOUT = 600.0  # seconds: imports and the study, on a busy machine
REPLY_TIMEOUT = 60.0         # seconds for a fork
_lock = threading.Lock()
_templates: dict[str, "Template"] = {}
_preload: list[str] = []     # calls every template of this process makes (preload.calls)
stopping = threading.Event()  # set on Ctrl-C: no template (no kernel) is started any more
forked = threading.local()    # .pid, .template: the kernel last forked for this thread's job


# Set for the kernels the workers start (inherited environment), unless already set:
# a fixed hash seed keeps set/dict-of-str iteration (e.g. graph layouts) identical between
# runs; SOURCE_DATE_EPOCH makes matplotlib write a fixed date into SVG/PDF metadata.
KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "SOURCE_DATE_EPOCH": "1451606400",  # 2016-01-01, the year of the paper
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # silence the debugger's frozen-modules warning
    # Reports are made of the kernels' outputs: a figure shown with plt.show() must reach the
    # page even where the shell exports a non-interactive backend (MPLBACKEND=Agg in CI).
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
}
# Set even when the environment has another value (see MPLBACKEND above).
FORCED = ("MPLBACKEND",)


def kernel_environment(base: dict[str, str]) -> dict[str, str]:
    """``base`` with :data:`KERNEL_ENV` applied (defaults, and the forced ones)."""
    env = dict(base)
    for key, value in KERNEL_ENV.items():
        if key in FORCED:
            env[key] = value
        else:
            env.setdefault(key, value)
    return env


@functools.lru_cache(maxsize=None)
def supported() -> bool:
    """Fork-based kernels need os.fork, os.pidfd_open (Linux >= 5.3) and the provisioner."""
    if not (hasattr(os, "fork") and hasattr(os, "pidfd_open") and sys.platform.startswith("linux")):
        return False
    from importlib.metadata import entry_points

    return bool(entry_points(group="jupyter_client.kernel_provisioners", name=PROVISIONER))


def is_ipykernel(argv: Sequence[str]) -> bool:
    """Whether a kernelspec's argv starts an ipykernel (the only kind a template can fork)."""
    return len(argv) >= 3 and argv[1] == "-m" and argv[2] in ("ipykernel_launcher", "ipykernel")


def kernel_python(kernel_name: str) -> str | None:
    """The interpreter a kernelspec runs (as jupyter_client formats it), None if not ipykernel.
    NoSuchKernel if it is not installed."""
    from jupyter_client.kernelspec import KernelSpecManager

    argv = KernelSpecManager().get_kernel_spec(kernel_name).argv
    if not is_ipykernel(argv):
        return None
    if argv[0] in ("python", f"python{sys.version_info[0]}", f"python{sys.version_info[0]}.{sys.version_info[1]}"):
        return sys.executable  # what jupyter_client's format_kernel_cmd does
    return argv[0]


def startup_env(env: dict[str, str]) -> dict[str, str]:
    """The variables an interpreter or its libraries read once at start or import
    (PYTHONHASHSEED, PYTHONPATH, MPLBACKEND, ...): a template stands in for a fresh kernel
    only when the kernel's environment has the same ones."""
    return {k: v for k, v in env.items() if k.startswith(("PYTHON", "MPL", "OMP_", "OPENBLAS", "MKL_"))}


class Template:
    """A running template process (template.py), owned by this process."""

    def __init__(self, python: str, env: dict[str, str]):
        read_fd, write_fd = os.pipe()
        self._replies, reply_fd = os.pipe()
        self.env = dict(env)
        self.process = subprocess.Popen(
            [python, "-c", TEMPLATE_MAIN, str(reply_fd)], stdin=read_fd, env=self.env, pass_fds=(reply_fd,),
            cwd=Path.home() if Path.home().is_dir() else "/",
        )
        os.close(read_fd)
        os.close(reply_fd)
        self._requests = os.fdopen(write_fd, "w", buffering=1, encoding="utf-8")
        self._pending = b""
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self.ready = False   # it has answered once (imports done)
        self.gone = False    # it died, or did not answer in time: never read from again

    def _send(self, request: dict) -> int:
        request["id"] = next(self._ids)
        self._requests.write(json.dumps(request) + "\n")
        return request["id"]

    def fork(self, argv: Sequence[str], env: dict[str, str], cwd: str | None) -> int:
        """Fork a kernel; return its pid (RuntimeError if the template cannot)."""
        with self._lock:
            if self.gone:
                raise RuntimeError("kernel template gone")
            wait = FIRST_REPLY_TIMEOUT if not self.ready else REPLY_TIMEOUT
            try:
                sent = self._send({"argv": list(argv), "env": env, "cwd": cwd})
                while True:
                    reply = json.loads(self._line(wait))
                    if reply.get("id") == sent:
                        break
            except (OSError, ValueError) as exc:
                self._lose()
                raise RuntimeError(f"kernel template gone: {exc}") from None
        self.ready = True
        if "error" in reply:
            raise RuntimeError(f"kernel template: {reply['error']}")
        return int(reply["pid"])

    def _line(self, wait: float) -> bytes:
        """The next reply line (unbuffered reads: select sees what has not been read)."""
        deadline = time.monotonic() + wait
        while b"\n" not in self._pending:
            if not select.select([self._replies], [], [], max(0.0, deadline - time.monotonic()))[0]:
                self._lose()
                raise RuntimeError(f"kernel template did not answer within {wait:.0f} s")
            data = os.read(self._replies, 65536)
            if not data:
                self._lose()
                raise RuntimeError(f"kernel template exited (status {self.process.poll()})")
            self._pending += data
        line, self._pending = self._pending.split(b"\n", 1)
        return line

    def exit_signal(self, pid: int) -> int | None:
        """The signal that ended the template's kernel ``pid`` (None: none, or not known)."""
        with self._lock:
            if self.gone:
                return None
            try:
                sent = self._send({"exit": pid})
                while True:
                    reply = json.loads(self._line(REPLY_TIMEOUT))
                    if reply.get("id") == sent:
                        break
            except (OSError, ValueError, RuntimeError):
                return None
        status = reply.get("status")
        return os.WTERMSIG(status) if status is not None and os.WIFSIGNALED(status) else None

    def preload(self, calls: Sequence[str]) -> None:
        """Have the template make ``calls`` (clusterresearch.preload) between fork requests."""
        if calls:
            with self._lock:
                if not self.gone:
                    self._send({"preload": list(calls)})

    def _lose(self) -> None:
        self.gone = True
        self.process.kill()

    def alive(self) -> bool:
        return not self.gone and self.process.poll() is None

    def close(self) -> None:
        """EOF on its stdin: the template kills the kernels still running and exits."""
        if self._requests.closed:
            return
        for close in (self._requests.close, lambda: os.close(self._replies)):
            try:
                close()
            except OSError:
                pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def template(python: str, env: dict[str, str] | None = None) -> Template:
    """This process's template for ``python`` (started on first use, again if it died)."""
    with _lock:
        if stopping.is_set():
            raise RuntimeError("reproduce is stopping")
        current = _templates.get(python)
        if current is None or not current.alive():
            if current is not None:
                current.close()
            current = _templates[python] = Template(python, dict(os.environ if env is None else env))
            current.preload(_preload)
        return current


def start(kernel_name: str, env: dict[str, str] | None = None, calls: Sequence[str] = ()) -> Template | None:
    """Start this process's template for ``kernel_name`` now (it imports meanwhile) and
    queue ``calls``; None where kernels start fresh."""
    python = kernel_python(kernel_name) if supported() else None
    if python is None:
        return None
    preload(calls)
    return template(python, env)


def preload(calls: Sequence[str]) -> None:
    """Calls this process's templates make ahead (now, and when one is restarted)."""
    with _lock:
        new = [call for call in calls if call not in _preload]
        _preload.extend(new)
        running = [t for t in _templates.values() if t.alive()]
    for current in running:
        current.preload(new)


def close_templates() -> None:
    with _lock:
        for current in _templates.values():
            current.close()
        _templates.clear()
        _preload.clear()


def how_it_died(exc: Exception) -> str:
    """For a kernel that died: the signal that ended it, as its parent (the template) saw it.
    Out of memory is named only for SIGKILL, the signal the kernel's out-of-memory killer sends."""
    pid, template = getattr(forked, "pid", None), getattr(forked, "template", None)
    if pid is None or template is None or "died" not in str(exc).lower():
        return ""
    signum = template.exit_signal(pid)
    if signum is None:
        return ""
    try:
        name = signal.Signals(signum).name
    except ValueError:
        name = f"signal {signum}"
    return f" (killed by {name}{', as the out-of-memory killer does' if signum == signal.SIGKILL else ''})"
