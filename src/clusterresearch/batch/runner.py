"""`clusterresearch reproduce`: plan the jobs, run them in parallel, write the site index.

Exit status: 0 when every report was built, 1 when any notebook failed (each failure is
named on stderr as ``failed: <notebook> <scope> <group>: <reason>``), 2 for bad input
(raised as InputError before any job runs; the CLI prints it).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Mapping, Sequence

from .. import config
from ..errors import InputError
from ..outputs import guard_not_raw
from ..loading.source import SurveySource
from ..scope import scopes
from . import buildinfo, kernels
from .kernels import SharedTemplate, preload_calls
from .jobs import Job, check_inputs, check_notebooks, plan_jobs, survey_given
from .page import SiteInfo
from .site import navigate, replacing_site, write_site
from .worker import JobResult, RunSettings, kernel_environment, one_line, run_job, warm_up

EXECUTORS = ("local", "dask")


@dataclass(frozen=True)
class ReproduceOptions:
    """Everything `clusterresearch reproduce` accepts (the CLI fills the first 15 fields and
    the three roadmap parameters)."""

    source: SurveySource = SurveySource()  # the survey every report reads (None study: data/raw)
    no_survey: bool = False            # --no-survey: one roadmap report without readiness
    network: Path | None = config.ROADMAP_EXAMPLE_DIR
    out: Path = config.REPORTS_DIR
    jobs: int | None = None            # worker processes; None = number of usable cores
    only: str | None = None            # "competencies" | "roadmap"
    groups: tuple[tuple[str, str], ...] = ()   # --group COLUMN=GROUP filters
    min_group: int = config.MIN_GROUP  # groups with fewer respondents are confidential
    with_code: bool = False
    executor: str = "local"            # "local" | "dask"
    scheduler: str | None = None       # Dask scheduler address; None with dask = a LocalCluster
    timeout: int | None = 600          # per-cell execution timeout (s); None or 0 = no limit
    progress: bool = True
    force: bool = False                # rebuild every report, even those whose inputs are unchanged
    # Not on the command line (yet):
    start_timeout: float = 120.0       # kernel start-up timeout (s)
    kernel_name: str = "python3"
    transport: str | None = None       # kernel transport, "ipc" or "tcp"; None = ipc except on Windows
    notebooks: Mapping[str, Path] | None = None  # {"competencies": path, "roadmap": path}; None = config's
    relay_retention: float | None = None       # roadmap parameters (--relay-retention ...), passed when set
    platform_retention: float | None = None
    platform_delay: float | None = None
    warm: bool = True                  # kernels forked from a pre-imported template (batch/kernels.py)
    site: SiteInfo | None = None               # what the pages say about the study; None = site_info()


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def _validate(options: ReproduceOptions) -> ReproduceOptions:
    """Check the options that need no file; resolve paths. Raises InputError."""
    if options.jobs is not None and options.jobs < 1:
        raise InputError("--jobs", str(options.jobs), "must be at least 1")
    if options.min_group < 1:
        raise InputError("--min-group", str(options.min_group), "must be at least 1")
    if options.timeout is not None and options.timeout < 0:
        raise InputError("--timeout", str(options.timeout), "must be 0 (no limit) or a number of seconds")
    if options.executor not in EXECUTORS:
        raise InputError("--executor", str(options.executor), f"must be one of {', '.join(EXECUTORS)}")
    if options.scheduler and options.executor != "dask":
        raise InputError("--scheduler", options.scheduler, "needs --executor dask")
    if options.only is not None and options.only not in ("competencies", "roadmap"):
        raise InputError("--only", str(options.only), "must be competencies or roadmap")
    if options.transport not in (None, "ipc", "tcp"):
        raise InputError("transport", str(options.transport), "must be ipc or tcp")
    from ..roadmap.scenarios import Parameters

    Parameters.resolve(options.platform_retention, options.platform_delay, options.relay_retention)
    out = guard_not_raw(Path(options.out).expanduser())  # RawDataWriteError -> exit 2 in the CLI
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out", "exists and is not a folder")
    return replace(
        options,
        source=options.source.resolved(),
        network=Path(options.network).expanduser().resolve() if options.network is not None else None,
        out=out,
        jobs=options.jobs or default_jobs(),
    )


def _check_kernel(name: str) -> str | None:
    """The interpreter the kernelspec runs (None: not an ipykernel); InputError if it is missing."""
    from jupyter_client.kernelspec import NoSuchKernel

    try:
        return kernels.kernel_python(name)
    except NoSuchKernel:
        raise InputError(
            f"kernel {name!r}", "kernelspec",
            "not installed; install it with `python -m ipykernel install --sys-prefix`"
            " (ipykernel provides it; `jupyter kernelspec list` shows what exists)",
        ) from None


def _failure(job: Job, exc: BaseException) -> JobResult:
    if isinstance(exc, BrokenProcessPool):
        reason = "the worker process running it died (killed, out of memory?)"
    else:
        reason = f"worker error: {type(exc).__name__}: {exc}"
    return JobResult(stem=job.stem, visibility=job.visibility, status="failed", seconds=0.0,
                     error=one_line(reason),
                     notebook_kept=Path(job.output_notebook).is_file())


# What every worker imports (batch.worker pulls in papermill, nbclient, nbconvert): imported
# once in the fork server, so that the workers forked from it do not import it each. The
# fork server starts as soon as the options are known (_start_early), beside the template.
WORKER_IMPORTS = ["clusterresearch.batch.lean", "clusterresearch.batch.worker", "papermill", "nbclient",
                  "nbconvert", "nbformat"]


def _mp_context():
    # 'forkserver' where available (fast, and the parent's threads are not forked); else 'spawn'.
    methods = multiprocessing.get_all_start_methods()
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(WORKER_IMPORTS)
    return context


def _local_worker(with_code: bool, settings: RunSettings | None = None) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle (one line, the site restored), so
    workers ignore SIGINT instead of each printing a traceback; SIGTERM (the parent stopping
    them) ends the job's kernel with the worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _exit_on_term)
    warm_up(with_code, None, settings)


def _exit_on_term(signum, frame):
    """The parent is stopping the run (and says so in one line): end the job's kernel and
    this worker at once, silently. Kernels run in sessions of their own, so the terminal's
    Ctrl-C does not reach them; without /proc (not Linux) they exit by themselves once they
    see their parent gone."""
    for pid in _children():
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    os._exit(128 + signum)


def _children() -> list[int]:
    pids: list[int] = []
    for task in Path(f"/proc/{os.getpid()}/task").glob("*/children"):
        try:
            pids += [int(pid) for pid in task.read_text().split()]
        except OSError:
            continue
    return pids


def _stop(pool: ProcessPoolExecutor, grace: float = 10.0) -> None:
    """Cancel what has not started and stop the running jobs now (their kernels with them)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()


def run_local(jobs: Sequence[Job], settings: RunSettings, workers: int,
              on_result: Callable[[JobResult], None], pool_restarts: int = 1) -> list[JobResult]:
    """Run ``jobs`` in a pool of worker processes; one job never stops the others.

    A worker that dies (killed, out of memory) breaks the whole pool; the jobs it took down
    with it are run again once in a fresh pool, then recorded as failed.
    """
    results: list[JobResult] = []
    remaining = list(jobs)
    for round_ in range(pool_restarts + 1):
        broken: list[Job] = []
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(remaining))), mp_context=_mp_context(),
                                 initializer=_local_worker, initargs=(settings.with_code, settings)) as pool:
            pending: dict[Future, Job] = {pool.submit(run_job, job, settings): job for job in remaining}
            try:
                while pending:
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        job = pending.pop(future)
                        try:
                            result = future.result()
                        except BrokenProcessPool as exc:
                            if round_ < pool_restarts:
                                broken.append(job)
                                continue
                            result = _failure(job, exc)
                        except Exception as exc:  # noqa: BLE001 - e.g. an unpicklable result
                            result = _failure(job, exc)
                        results.append(result)
                        on_result(result)
            except BaseException:  # Ctrl-C: stop now; replacing_site puts the previous site back
                _stop(pool)
                raise
        if not broken:
            break
        order = {id(job): i for i, job in enumerate(jobs)}
        remaining = sorted(broken, key=lambda job: order[id(job)])
    return results


def _dask_client(options: ReproduceOptions, workers: int, settings: RunSettings):
    """A connected client whose workers have imported everything (InputError if they cannot)."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise InputError("--executor", "dask",
                         "needs the optional extra: pip install 'clusterresearch[dask]'") from None
    cluster = None
    where = options.scheduler or "LocalCluster"
    if options.scheduler:
        try:
            client = Client(options.scheduler, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise InputError("--scheduler", options.scheduler, f"cannot connect: {one_line(exc)}") from None
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        client.run(warm_up, settings.with_code, settings.kernel_name)
    except Exception as exc:  # noqa: BLE001 - e.g. clusterresearch or the kernelspec missing on a worker
        client.close()
        if cluster is not None:
            cluster.close()
        raise InputError("--scheduler", where, f"a worker cannot run the jobs: {one_line(exc)}") from None
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
    try:
        for future in as_completed(futures):
            job = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - e.g. a worker lost
                result = _failure(job, exc)
            results.append(result)
            on_result(result)
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


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def site_info(options: ReproduceOptions, survey) -> SiteInfo:
    """What the pages say about the study: its title, citation and notice (study.toml), and
    the check of the paper's statements when the study has them. ``options.site`` overrides it."""
    if options.site is not None:
        return options.site
    if survey is None:
        return SiteInfo(title="Digitalization roadmap")
    study = survey.study
    summary = ""
    if study.statements is not None:
        try:
            from ..metrics.statements import check_statements, load_statements

            table = check_statements(survey.grid, load_statements(study.statements), survey.instrument,
                                     survey.items)
            holds = int(table["holds"].sum())
            summary = (f"{holds} of the study's {len(table)} published statements hold on these data; the "
                       "report of all respondents shows each beside its area's figure.")
        except Exception:  # noqa: BLE001 - the index says nothing rather than something wrong
            summary = ""
    from ..scope import describe_no_value

    notice = " ".join(part for part in (study.notice, describe_no_value(survey).replace("\n", " ")) if part)
    return SiteInfo(title=study.title, citation=study.citation, notice=notice, statements_summary=summary)


def _is_worked_example(network: Path | None) -> bool:
    return network is None or Path(network).resolve() == config.ROADMAP_EXAMPLE_DIR.resolve()


def reproduce(options: ReproduceOptions) -> int:
    """Run the notebooks for all data and each group of each grouping column; write the site.

    Prints a closing summary on stderr and the public index's path on stdout.
    Returns 0 when every report was built, 1 when any failed. Bad input raises
    :class:`InputError` (or ``RawDataWriteError`` for an --out under data/raw) before any job.
    """
    started = time.monotonic()
    opts = _validate(options)
    shared = _start_early(opts)
    try:
        return _reproduce(opts, shared, started)
    finally:
        if shared is not None:
            shared.close()


def _start_early(opts: ReproduceOptions) -> SharedTemplate | None:
    """Start what the workers need while this process reads the study and plans the jobs:
    the fork server (it imports the workers' libraries) and the run's kernel template."""
    if opts.executor == "local" and _mp_context().get_start_method() == "forkserver":
        import multiprocessing.forkserver

        multiprocessing.forkserver.ensure_running()
    return _start_shared_template(opts)


def _start_shared_template(opts: ReproduceOptions) -> SharedTemplate | None:
    """The run's kernel template (local workers, warm kernels), started now so that it
    imports while this process reads the study and plans the jobs. It runs this interpreter,
    which is what the default kernelspec runs; :func:`_shared_socket` checks that later,
    when the kernelspec is looked up anyway."""
    if opts.executor != "local" or not opts.warm or not kernels.supported():
        return None
    return SharedTemplate(sys.executable, kernels.template_env(kernel_environment(dict(os.environ))))


def _shared_socket(shared: SharedTemplate | None, python: str | None) -> str | None:
    """The shared template's socket once it listens, if it runs the kernelspec's interpreter."""
    if shared is None or python != shared.python or not shared.listening():
        return None
    return shared.path


def _reproduce(opts: ReproduceOptions, shared: SharedTemplate | None, started: float) -> int:
    if not survey_given(opts):  # --no-survey: a roadmap report that reads no survey
        survey, found = None, []
    else:
        survey = opts.source.load()
        found = scopes(survey)
        if opts.only is None and not survey.study.shipped and _is_worked_example(opts.network):
            # the worked example illustrates the shipped study; it says nothing about this one
            opts = replace(opts, only="competencies")
            if opts.progress:
                print("reproduce: no roadmap report: the worked example network is not about this study; "
                      "--network DIR gives your cluster's roadmap", file=sys.stderr)
    jobs = plan_jobs(found, opts)
    if not jobs:
        raise InputError(survey.source if survey else "--only", "file", "no report to build for these options")
    check_notebooks(jobs)
    check_inputs(jobs, survey)
    site = site_info(opts, survey)
    jobs = navigate(jobs)
    builds = buildinfo.build_keys(jobs, survey, {"with_code": opts.with_code, "kernel": opts.kernel_name})
    reused = [] if opts.force else buildinfo.reusable(opts.out, jobs, builds)
    todo = [job for job in jobs if job not in reused]
    settings = RunSettings(
        site=site,
        kernel_name=opts.kernel_name,
        start_timeout=opts.start_timeout,
        execution_timeout=opts.timeout or None,
        with_code=opts.with_code,
        warm=opts.warm,
        preload=preload_calls(todo),
        **({"transport": opts.transport} if opts.transport else {}),
    )
    client = cluster = None
    if not todo:
        pass  # every report is reused: no kernel needed
    elif opts.executor == "dask":
        client, cluster = _dask_client(opts, min(opts.jobs, len(todo)), settings)
    else:
        socket = _shared_socket(shared, _check_kernel(opts.kernel_name))
        if socket:
            shared.preload(settings.preload)
            settings = replace(settings, template_socket=socket)

    by_stem = {(job.visibility, job.stem): job for job in jobs}
    progress = Progress(len(jobs), opts.progress)
    staged = buildinfo.stage(opts.out, reused) if reused else None
    try:
        with replacing_site(opts.out) as out:
            def on_result(result: JobResult) -> None:
                progress(by_stem[(result.visibility, result.stem)], result)

            if client is not None:
                results = run_dask(client, todo, settings, on_result)
            else:
                results = run_local(todo, settings, opts.jobs, on_result) if todo else []
            for result in staged.restore() if staged else []:
                results.append(result)
                on_result(result)
            written = write_site(out, jobs, results, site=site, min_group=opts.min_group,
                                 data=survey.source if survey else "no survey",
                                 network=opts.network, with_code=opts.with_code)
            buildinfo.write_builds(out, builds, [(r.visibility, r.stem) for r in results if r.status == "done"])
    finally:
        progress.close()
        if staged is not None:
            staged.discard()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    status = {(r.visibility, r.stem): r for r in results}
    failed = [job for job in jobs if getattr(status.get((job.visibility, job.stem)), "status", "failed") != "done"]
    for job in failed:
        error = status[(job.visibility, job.stem)].error if (job.visibility, job.stem) in status else "not run"
        print(f"failed: {job.notebook} {job.scope} {job.group}: {error}", file=sys.stderr)
    public = sum(1 for job in jobs if job.public and job not in failed)
    confidential = sum(1 for job in jobs if not job.public and job not in failed)
    print(f"reproduce: {len(jobs)} reports in {_duration(time.monotonic() - started)}: {public} public, "
          f"{confidential} confidential, {len(failed)} failed.\n"
          f"Open {written[0]} (publish the public/ folder as it is; never confidential/).", file=sys.stderr)
    print(written[0])
    return 1 if failed else 0

