"""The kernel template process: imports once, then forks one ipykernel per request.

Started by :class:`clusterresearch.batch.kernels.Template` (see that module for the design
and why each forked kernel starts from a fresh interpreter state). This module runs in the
template process and in its forked children only.
"""

from __future__ import annotations

import json
import os
import select
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


def _imports_and_preload(preload: Sequence[str]) -> None:
    import importlib

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    if preload:
        from .. import preload as preloading

        preloading.preload_calls(preload)


class _Peer:
    """One source of requests: the owner (stdin, replies on the reply pipe) or a worker
    connected to the template's socket (replies on the same connection)."""

    def __init__(self, fd: int, write, sock=None):
        self.fd, self.write, self.sock, self.pending = fd, write, sock, b""


def _fork(request: dict, peer: _Peer, closing) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
    except Exception as exc:  # noqa: BLE001 - answer, never die on one request
        peer.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
        return
    if pid == 0:
        code = 0
        try:
            closing()
            _become_kernel(request, ())
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
    try:
        peer.write(json.dumps({"pid": pid}) + "\n")
    except OSError:  # the worker went away meanwhile: its kernel is orphaned, end it
        os.kill(pid, signal.SIGKILL)


def template_main(reply_fd: int, preload: Sequence[str], server=None) -> None:
    """Import, preload, then serve requests until stdin (the owner) closes.

    A request is one JSON line: ``{"argv", "env", "cwd"}`` forks a kernel and is answered
    ``{"pid"}`` or ``{"error"}``; ``{"preload": [calls]}`` (owner only, no answer) preloads
    more, one call at a time whenever no request waits: the first reports (the jobs' order)
    start once their own call is made, while the template makes the next. With ``server``
    (a listening Unix socket, bound by kernels.TEMPLATE_MAIN in a private temporary folder)
    the worker processes of one ``reproduce`` run connect there and share this template, so
    its imports and preloads are done once per run.
    """
    os.environ["JPY_PARENT_PID"] = str(os.getpid())  # ipykernel reads it at import
    # as ipykernel_launcher does: the launch folder is not on the kernel's path
    if sys.path and (sys.path[0] in ("", os.getcwd())):
        del sys.path[0]
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's business
    _imports_and_preload(preload)
    signal.signal(signal.SIGCHLD, _reap)
    peers = {0: _Peer(0, lambda text: os.write(reply_fd, text.encode("utf-8")))}

    def closing() -> None:  # in a forked kernel: nothing of the template's requests stays open
        os.close(reply_fd)
        for sock in [server] + [p.sock for p in peers.values()]:
            if sock is not None:
                os.close(sock.detach())

    pending: list[str] = []  # preload calls not made yet: one at a time, between requests
    while True:
        watched = list(peers) + ([server.fileno()] if server is not None else [])
        ready, _, _ = select.select(watched, [], [], 0 if pending else None)
        if not ready and pending:
            _imports_and_preload([pending.pop(0)])
            continue
        for fd in ready:
            if server is not None and fd == server.fileno():
                conn, _ = server.accept()
                peers[conn.fileno()] = _Peer(conn.fileno(), lambda text, c=conn: c.sendall(text.encode("utf-8")), conn)
                continue
            peer = peers.get(fd)
            if peer is None:
                continue
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                if fd == 0:
                    return  # the owner is gone
                peers.pop(fd)
                peer.sock.close()
                continue
            peer.pending += data
            while b"\n" in peer.pending:
                line, peer.pending = peer.pending.split(b"\n", 1)
                try:
                    request = json.loads(line)
                except ValueError:
                    continue
                if "preload" in request:
                    if fd == 0:
                        pending.extend(request["preload"])
                    continue
                _fork(request, peer, closing)
