"""The worker's side of a warm kernel: jupyter_client's kernel manager, with a kernel forked
by the template (:mod:`.kernels`) instead of started by ``Popen``.

nbclient (through papermill) gets :func:`kernel_manager_class`: an ``AsyncKernelManager``
whose provisioner asks the template for a fork, watches the kernel through a pidfd
(:class:`ForkedKernel`), and whose client counts the kernel as ready without
jupyter_client's wait for 0.2 s of IOPub silence.
"""

from __future__ import annotations

import functools
import os
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

from .kernels import is_ipykernel, startup_env, template, template_env


class ForkedKernel:
    """The Popen-like handle LocalProvisioner expects, for a kernel forked by the template.

    The kernel is the template's child, not ours: we watch it through a pidfd (readable once
    it has exited) instead of waitpid; its exit status is not known here, 1 stands for it.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int):
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone (and reaped)
            self._fd, self.returncode = None, 1

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            if select.select([self._fd], [], [], 0)[0]:
                self._finish()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self._fd is not None:
            if not select.select([self._fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._finish()
        return self.returncode  # type: ignore[return-value]

    async def exited(self, timeout: float) -> None:
        """Wait (without blocking the event loop) until the kernel has exited, at most ``timeout``."""
        import asyncio

        if self.poll() is not None:
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        loop.add_reader(self._fd, lambda: done.done() or done.set_result(None))
        try:
            await asyncio.wait_for(done, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            if self._fd is not None:
                loop.remove_reader(self._fd)
        self.poll()

    def _finish(self) -> None:
        self.returncode = 1
        os.close(self._fd)  # type: ignore[arg-type]
        self._fd = None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self._fd, signum) if hasattr(signal, "pidfd_send_signal") else os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self):
        if getattr(self, "_fd", None) is not None:
            os.close(self._fd)


def _provisioner_class():
    from jupyter_client.provisioning import LocalProvisioner

    class WarmProvisioner(LocalProvisioner):
        """LocalProvisioner whose kernel is forked by the worker's template, not Popen'ed."""

        preload: tuple[str, ...] = ()

        async def launch_kernel(self, cmd: list[str], **kwargs: Any):
            env = dict(kwargs.get("env") or os.environ)
            cwd = kwargs.get("cwd")
            if startup_env(template_env(env)) != startup_env(template_env()):
                # e.g. another PYTHONHASHSEED or PYTHONPATH: only a new interpreter has it
                return await super().launch_kernel(cmd, **kwargs)
            pid = template(cmd[0], self.preload).fork(cmd, env, str(cwd) if cwd else None)
            self.process = ForkedKernel(pid)
            self.pid = pid
            self.pgid = pid  # the child starts a new session, as launch_kernel's Popen does
            self.cwd = cwd or Path.cwd()
            return self.connection_info

        async def kill(self, restart: bool = False) -> None:
            """Kill as LocalProvisioner does, then wait for the exit itself: the manager polls
            every 0.1 s otherwise, which was 0.1 s of every report."""
            await super().kill(restart)
            if isinstance(self.process, ForkedKernel):
                await self.process.exited(timeout=1.0)

    return WarmProvisioner


@functools.lru_cache(maxsize=None)
def _ready_client_class():
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            """jupyter_client's wait for a new kernel (a kernel_info reply on shell, then a
            message on IOPub, so IOPub is connected) without its last step, which waits
            until IOPub has been quiet for 0.2 s: nbclient keeps only the IOPub messages of
            the request it sent, so the start-up messages need no draining. That wait was
            0.2 s of every report."""
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    pass
                else:
                    if reply["msg_type"] == "kernel_info_reply":
                        try:
                            await self.iopub_channel.get_msg(timeout=0.2)
                        except Empty:
                            pass
                        else:
                            self._handle_kernel_info_reply(reply)
                            return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    return ReadyClient


@functools.lru_cache(maxsize=None)
def kernel_manager_class(preload: tuple[str, ...] = ()):
    """An AsyncKernelManager (what nbclient uses) whose kernels are forked from a template
    that has loaded ``preload`` (study files, see clusterresearch.preload)."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    provisioner = type("WarmProvisioner", (_provisioner_class(),), {"preload": tuple(preload)})

    class WarmKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _ready_client(self):
            return _ready_client_class()

        async def _async_pre_start_kernel(self, **kw: Any):
            if self.provisioner is None and is_ipykernel(self.kernel_spec.argv):
                import uuid

                self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
                self.provisioner = provisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return WarmKernelManager
