"""The worker's side of a warm kernel, on jupyter_client's public extension points only.

- :class:`ForkProvisioner`, registered as the ``clusterresearch-fork`` kernel provisioner
  (entry point ``jupyter_client.kernel_provisioners`` in pyproject.toml): a
  ``LocalProvisioner`` whose ``launch_kernel`` asks this process's template (:mod:`.kernels`)
  for a fork instead of a ``Popen``;
- :class:`WarmSpecs`: the kernelspec with ``metadata.kernel_provisioner`` naming it, which is
  how jupyter_client picks a provisioner;
- :func:`kernel_manager_class`: the ``AsyncKernelManager`` nbclient gets through papermill's
  ``kernel_manager_class`` (engine keyword), with these specs and a client that counts the
  kernel as ready without jupyter_client's wait for 0.2 s of IOPub silence.
"""

from __future__ import annotations

import asyncio
import functools
import os
import select
import signal
import subprocess
import time
from pathlib import Path
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import LocalProvisioner
from traitlets import default

from . import kernels


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
            self.fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # already gone (and reaped)
            self.fd, self.returncode = None, 1

    def poll(self) -> int | None:
        if self.returncode is None and self.fd is not None and select.select([self.fd], [], [], 0)[0]:
            self._finish()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None and self.fd is not None:
            if not select.select([self.fd], [], [], timeout)[0]:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            self._finish()
        return self.returncode  # type: ignore[return-value]

    async def exited(self, timeout: float) -> None:
        """Wait (without blocking the event loop) until the kernel has exited, at most ``timeout``."""
        if self.poll() is not None:
            return
        loop = asyncio.get_running_loop()
        done = loop.create_future()
        fd = self.fd
        loop.add_reader(fd, lambda: done.done() or done.set_result(None))
        try:
            await asyncio.wait_for(done, timeout)
        except asyncio.TimeoutError:
            pass
        finally:
            loop.remove_reader(fd)
        self.poll()

    def _finish(self) -> None:
        self.returncode = 1
        os.close(self.fd)  # type: ignore[arg-type]
        self.fd = None

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            signal.pidfd_send_signal(self.fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def __del__(self):
        if getattr(self, "fd", None) is not None:
            os.close(self.fd)


class ForkProvisioner(LocalProvisioner):
    """LocalProvisioner whose kernel is forked by this process's template, not Popen'ed."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        env = dict(kwargs.get("env") or os.environ)
        cwd = kwargs.get("cwd")
        current = kernels.template(cmd[0])
        if kernels.startup_env(env) != kernels.startup_env(current.env):
            # e.g. another PYTHONHASHSEED or PYTHONPATH: only a new interpreter has it
            return await super().launch_kernel(cmd, **kwargs)
        pid = await asyncio.get_running_loop().run_in_executor(
            None, current.fork, cmd, env, str(cwd) if cwd else None)
        kernels.forked.pid, kernels.forked.template = pid, current  # for the report's error line
        self.process = ForkedKernel(pid)  # type: ignore[assignment]
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


class WarmSpecs(KernelSpecManager):
    """Kernelspecs as installed; an ipykernel's names the fork provisioner."""

    def get_kernel_spec(self, kernel_name: str):
        spec = super().get_kernel_spec(kernel_name)
        if kernels.is_ipykernel(spec.argv):
            spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": kernels.PROVISIONER}}
        return spec


class ReadyClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """jupyter_client's wait for a new kernel (a kernel_info reply on shell, then a
        message on IOPub, so IOPub is connected) without its last step, which waits until
        IOPub has been quiet for 0.2 s: nbclient keeps only the IOPub messages of the
        request it sent, so the start-up messages need no draining."""
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
                        return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


@functools.lru_cache(maxsize=None)
def kernel_manager_class():
    """An AsyncKernelManager (what nbclient uses) whose ipykernels are forked by the template."""

    class WarmKernelManager(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _warm_specs(self):
            return WarmSpecs(data_dir=self.data_dir)

        @default("client_factory")
        def _ready_client(self):
            return ReadyClient

    return WarmKernelManager
