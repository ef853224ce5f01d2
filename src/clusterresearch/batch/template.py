"""The kernel template process: imports once, then forks one ipykernel per request.

Started by :class:`clusterresearch.batch.kernels.Template` (see that module for the design
and why each forked kernel starts from a fresh interpreter state). This module runs in the
template process and in its forked children only.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from typing import Any, Sequence

from .kernels import INLINE_BACKEND, PRELOAD


def _reap(*_: Any) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def _become_kernel(request: dict, closing: Sequence[int]) -> None:
    """In the forked child: turn into the ipykernel a fresh launch would have started."""
    for fd in closing:
        os.close(fd)
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
    if "numpy" in sys.modules:
        sys.modules["numpy"].random.seed()
    import ipykernel_launcher
    from ipykernel import kernelapp

    argv = request["argv"]
    sys.argv = [ipykernel_launcher.__file__, *argv[3:]]
    kernelapp.launch_new_instance(argv=argv[3:])


def template_main(reply_fd: int, preload: Sequence[str]) -> None:
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # ipykernel reads it at import
    # as ipykernel_launcher does: the launch folder is not on the kernel's path
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's business
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if preload:
        from .. import preload as preloading

        preloading.preload_calls(preload)
    signal.signal(signal.SIGCHLD, _reap)
    replies = os.fdopen(reply_fd, "w", buffering=1, encoding="utf-8")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
        except Exception as exc:  # noqa: BLE001 - answer, never die on one request
            replies.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            continue
        if pid == 0:
            code = 0
            try:
                _become_kernel(request, (reply_fd,))
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException:  # noqa: BLE001
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        replies.write(json.dumps({"pid": pid}) + "\n")

