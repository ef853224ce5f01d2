"""The kernel template process: imports once, then forks one ipykernel per request.

Started by :class:`clusterresearch.batch.kernels.Template` (see that module for the design
and why each forked kernel starts from a fresh interpreter state). This module runs in the
template process and in its forked children only.

Protocol: one JSON line per request on stdin, each with an ``id``; ``{"id", "argv", "env",
"cwd"}`` is answered on the reply pipe with ``{"id", "pid"}`` or ``{"id", "error"}``;
``{"id", "exit": pid}`` with ``{"id", "status"}`` (a kernel's wait status, or None);
``{"id", "preload": [calls]}`` is not answered. EOF on stdin (the owner is gone or closed
it) kills the kernels still running and ends the template.
"""

from __future__ import annotations

import json
import os
import select
import signal
import sys
from typing import Any, Sequence

# What a report's kernel finds already imported: the notebooks' own imports and what they
# pull in. Import side effects of these are part of every fresh kernel too (the notebooks
# import them), so importing them ahead changes no output. A module missing here is simply
# imported by the kernel that needs it.
PRELOAD = (
    "numpy", "pandas", "matplotlib", "matplotlib.pyplot", "seaborn", "scipy.stats", "networkx",
    "statsmodels.stats.proportion", "clusterresearch", "clusterresearch.competencies",
    "clusterresearch.roadmap.report", "IPython", "IPython.display", "ipykernel.ipkernel", "ipykernel.zmqshell",
    "pandas.io.formats.html",
)
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
_kernels: set[int] = set()
_exits: dict[int, int] = {}  # pid -> wait status of a kernel that has ended


def _reap(*_: Any) -> None:
    try:
        while True:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if not pid:
                return
            _kernels.discard(pid)
            _exits[pid] = status
    except ChildProcessError:
        pass


def _become_kernel(request: dict) -> None:
    """In the forked child: turn into the ipykernel a fresh launch would have started."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    env = dict(request["env"])
    env["JPY_PARENT_PID"] = str(os.getppid())  # the template is this kernel's parent
    env.setdefault("MPLBACKEND", INLINE_BACKEND)
    os.environ.clear()
    os.environ.update(env)
    if request.get("cwd"):
        os.chdir(request["cwd"])
    import random

    random.seed()
    numpy = sys.modules.get("numpy")  # reading sys.modules: was numpy imported ahead?
    if numpy is not None:
        numpy.random.seed()
    import ipykernel_launcher
    from ipykernel import kernelapp

    argv = request["argv"]
    sys.argv = [ipykernel_launcher.__file__, *argv[3:]]
    kernelapp.launch_new_instance(argv=argv[3:])


def _fork(request: dict, reply, close_in_child: Sequence[int]) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError as exc:  # answer, never die on one request
        reply({"id": request.get("id"), "error": f"{type(exc).__name__}: {exc}"})
        return
    if pid == 0:
        code = 0
        try:
            for fd in close_in_child:
                os.close(fd)
            _become_kernel(request)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        except BaseException:  # noqa: BLE001 - a kernel that cannot start says why on stderr
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    _kernels.add(pid)
    reply({"id": request.get("id"), "pid": pid})


def _import_ahead(preload_calls: Sequence[str]) -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if preload_calls:
        from .. import preload

        preload.make(preload_calls)


def _kernel_error() -> str | None:
    """Why no kernel can start here (the kernel's own modules fail to import), or None."""
    try:
        import ipykernel_launcher  # noqa: F401
        from ipykernel import kernelapp  # noqa: F401
    except Exception as exc:  # noqa: BLE001 - every request is answered with it
        return " ".join(f"cannot import the kernel: {type(exc).__name__}: {exc}".split())
    return None


def template_main(reply_fd: int) -> None:
    """Import, then serve requests until stdin closes; preload calls are made one at a time
    whenever no fork request waits, so the first reports start while later calls are made."""
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # ipykernel reads it at import
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the owner's business
    broken = _kernel_error()
    if broken is None:
        _import_ahead(())
    signal.signal(signal.SIGCHLD, _reap)

    def reply(message: dict) -> None:
        os.write(reply_fd, (json.dumps(message) + "\n").encode("utf-8"))

    pending: list[str] = []
    buffer = b""
    while True:
        if not select.select([0], [], [], 0 if pending else None)[0]:
            _import_ahead([pending.pop(0)])
            continue
        try:
            data = os.read(0, 65536)
        except InterruptedError:
            continue
        if not data:
            break
        buffer += data
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            try:
                request = json.loads(line)
            except ValueError:
                continue
            if "exit" in request:  # how a kernel ended: its wait status, None if not (yet) known
                reply({"id": request.get("id"), "status": _exits.get(request["exit"])})
            elif "preload" in request:
                pending.extend([] if broken else request["preload"])
            elif broken:
                reply({"id": request.get("id"), "error": broken})
            else:
                _fork(request, reply, (reply_fd,))
    for pid in list(_kernels):  # the owner is gone: so are its reports
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
