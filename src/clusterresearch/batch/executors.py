"""Where the jobs run: threads of this process (local) or a Dask cluster; the progress line.

Local: ``--jobs`` threads, each running one job at a time (:func:`.worker.run_job`). A job
spends its time waiting for its kernel, a process of its own, so threads give the
parallelism; this process imports papermill and nbconvert once, and the run's one kernel
template (:mod:`.kernels`) serves every thread. A kernel that dies, times out or fails a cell
fails its own report only (papermill raises in that job's thread).

Both executors stop early when the first report to finish could not start its kernel and no
report has been built: every other report needs the same kernel, so it would fail the same
way; its error is printed once and the rest are counted as not run.
"""

from __future__ import annotations

import os
import signal
import sys
import uuid
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Callable, Sequence

from ..errors import InputError
from . import kernels
from .jobs import Job
from .worker import NO_KERNEL, JobResult, RunSettings, one_line, run_job, warm_up

NOT_RUN = "not run"


class EarlyStop:
    """Whether to stop: the first finished report could not start its kernel, none was built."""

    def __init__(self):
        self.built = 0
        self.stopped: JobResult | None = None

    def __call__(self, result: JobResult) -> bool:
        if result.status == "done":
            self.built += 1
        elif not self.built and self.stopped is None and result.error.startswith(NO_KERNEL):
            self.stopped = result
        return self.stopped is not None


def _failure(job: Job, reason: str) -> JobResult:
    return JobResult(stem=job.stem, visibility=job.visibility, status="failed", seconds=0.0, error=one_line(reason),
                     notebook_kept=Path(job.output_notebook).is_file())


def _not_run(job: Job, first: JobResult) -> JobResult:
    return _failure(job, f"{NOT_RUN}: the first report's kernel could not start ({first.stem})")


def run_local(jobs: Sequence[Job], settings: RunSettings, workers: int,
              on_result: Callable[[JobResult], None]) -> list[JobResult]:
    """Run ``jobs`` in ``workers`` threads; one job never stops the others (but see EarlyStop)."""
    results: list[JobResult] = []
    stop = EarlyStop()
    pool = ThreadPoolExecutor(max_workers=max(1, min(workers, len(jobs))), thread_name_prefix="reproduce")
    pending = {pool.submit(run_job, job, settings): job for job in jobs}
    try:
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                job = pending.pop(future)
                if future.cancelled():
                    continue
                try:
                    result = future.result()
                except Exception as exc:  # noqa: BLE001 - run_job records failures; this is a bug's trace
                    result = _failure(job, f"{type(exc).__name__}: {exc}")
                results.append(result)
                on_result(result)
                if stop(result):
                    for other in [f for f in pending if f.cancel()]:
                        results.append(_not_run(pending.pop(other), stop.stopped))
    except BaseException:  # Ctrl-C: stop now; replacing_site puts the previous site back
        end_kernels()
        # the running jobs end within a second or two once their kernels are gone; wait for
        # them, so that none writes into the site after the previous one is put back
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return results


def end_kernels() -> None:
    """End this process's kernels (forked by the template, or started fresh) at once, so the
    threads waiting for them return. Kernels run in sessions of their own: the terminal's
    Ctrl-C does not reach them."""
    kernels.stopping.set()
    kernels.close_templates()  # the template kills the kernels it forked
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids = [int(pid) for pid in task.read_text().split()]
        except OSError:
            continue
        for pid in pids:
            try:
                os.killpg(pid, signal.SIGKILL)  # a kernel leads its own process group
            except OSError:
                pass


def dask_client(scheduler: str | None, workers: int, settings: RunSettings):
    """A connected client whose workers have imported everything (InputError if they cannot)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor", "dask",
                         "needs the optional extra: pip install 'clusterresearch[dask]'") from None
    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError("--scheduler", scheduler, f"cannot connect: {one_line(exc)}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        client.run(warm_up, settings.with_code, settings.kernel_name, settings)
    except Exception as exc:  # noqa: BLE001 - e.g. clusterresearch or the kernelspec missing on a worker
        client.close()
        if cluster is not None:
            cluster.close()
        raise InputError("--scheduler", scheduler or "LocalCluster",
                         f"a worker cannot run the jobs: {one_line(exc)}") from None
    return client, cluster


def run_dask(client, jobs: Sequence[Job], settings: RunSettings,
             on_result: Callable[[JobResult], None]) -> list[JobResult]:
    """Submit ``jobs`` to a Dask cluster. Workers need clusterresearch installed and the
    same paths (a shared file system) as this process."""
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(run_job, job, settings, key=f"reproduce-{job.visibility}-{job.stem}-{token}", pure=False): job
        for job in jobs
    }
    results: list[JobResult] = []
    stop = EarlyStop()
    try:
        for future in as_completed(futures):
            job = futures.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. a worker lost: distributed says how
                result = _failure(job, f"worker error: {type(exc).__name__}: {exc}")
            results.append(result)
            on_result(result)
            if stop(result):
                client.cancel(list(futures))
                results += [_not_run(other, stop.stopped) for other in futures.values()]
                break
    except BaseException:
        client.cancel(list(futures))
        raise
    return results


class Progress:
    """A bar on a terminal; elsewhere (a log, CI) one line per finished report on stderr;
    nothing with ``enabled=False``."""

    def __init__(self, total: int, enabled: bool, stream=None):
        self.total, self.count, self.stream = total, 0, stream or sys.stderr
        self.bar = None
        self.lines = enabled and not _isatty(self.stream)
        if enabled and not self.lines:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="reproduce", unit="report", file=self.stream, dynamic_ncols=True)

    def __call__(self, job: Job, result: JobResult) -> None:
        self.count += 1
        if self.bar is not None:
            self.bar.set_postfix_str(result.stem if result.status == "done" else f"{result.stem} FAILED", refresh=False)
            self.bar.update(1)
        elif self.lines:
            print(f"[{self.count}/{self.total}] {result.status}: {job.describe()} ({job.visibility}, "
                  f"{result.seconds:.1f} s)", file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
