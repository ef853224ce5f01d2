"""`clusterresearch reproduce`: plan the jobs, run them in parallel, write the site index.

Exit status: 0 when every report was built, 1 when any notebook failed (each failure is
named on stderr as ``failed: <notebook> <scope> <group>: <reason>``), 2 for bad input
(raised as InputError before any job runs; the CLI prints it).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from .. import config
from ..errors import InputError
from ..outputs import guard_not_raw
from ..loading.source import SurveySource
from . import kernels, record
from ..page import SiteInfo

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
    if (options.platform_retention, options.platform_delay, options.relay_retention) != (None, None, None):
        from ..roadmap.scenarios import Parameters  # (imports networkx: only when there is something to check)

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


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if minutes else f"{seconds:.1f} s"


def site_info(options: ReproduceOptions, survey, summary: str | None = None) -> SiteInfo:
    """What the pages say about the study: its title, citation and notice (study.toml), and
    the check of the paper's statements when the study has them (``summary``: as a previous
    run found it on the same inputs). ``options.site`` overrides it."""
    if options.site is not None:
        return options.site
    if survey is None:
        return SiteInfo(title="Digitalization roadmap")
    study = survey.study
    labels = tuple((g.column, g.label) for g in study.groups)
    if summary is not None:
        return SiteInfo(title=study.title, citation=study.citation, notice=study.notice, statements_summary=summary,
                        labels=labels)
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
    return SiteInfo(title=study.title, citation=study.citation, notice=notice, statements_summary=summary,
                    labels=labels)


def _is_worked_example(network: Path | None) -> bool:
    return network is None or Path(network).resolve() == config.ROADMAP_EXAMPLE_DIR.resolve()


def reproduce(options: ReproduceOptions) -> int:
    """Run the notebooks for all data and each group of each grouping column; write the site.

    Prints a closing summary on stderr and the public index's path on stdout.
    Returns 0 when every report was built, 1 when any failed or the reports cannot run here
    (one line saying why). Bad input raises :class:`InputError` (or ``RawDataWriteError``
    for an --out under data/raw) before any job.
    """
    started = time.monotonic()
    opts = _validate(options)
    last = None if opts.force else record.unchanged(opts)
    if last is not None:  # said as a build's summary is, with or without --no-progress
        print(f"reproduce: {last['reports']} reports, nothing changed since the last run "
              f"({opts.out / record.RECORD}): {last['public']} public, {last['confidential']} confidential.\n"
              f"Open {last['index']} (publish the public/ folder as it is; never confidential/).", file=sys.stderr)
        print(last["index"])
        return 0
    try:
        return _reproduce(opts, started)
    finally:
        kernels.close_templates()
        kernels.stopping.clear()


def _reproduce(opts: ReproduceOptions, started: float) -> int:
    # what building needs: a rerun with nothing changed ended before, without pandas
    from .. import preload
    from ..scope import scopes
    from . import buildinfo, executors
    from .jobs import check_inputs, plan_jobs, survey_given
    from .notebooks import check_notebooks
    from .site import navigate, replacing_site, write_site
    from .worker import RunSettings, one_line, warm_up

    given = opts  # the record's key is of the options as given (below, a study may narrow them)
    if not survey_given(opts):  # --no-survey: a roadmap report that reads no survey
        survey, found = None, []
    else:
        survey = opts.source.load()
        found = scopes(survey)
        if opts.only is None and not survey.study.shipped and _is_worked_example(opts.network):
            # the worked example illustrates the shipped study; it says nothing about this one
            opts = replace(opts, only="competencies")
    jobs = plan_jobs(found, opts)
    if not jobs:
        raise InputError(survey.source if survey else "--only", "file", "no report to build for these options")
    check_notebooks(jobs)
    check_inputs(jobs, survey)
    if opts.progress and opts.only != given.only:  # said once the input is known good (an error is one line)
        print("reproduce: no roadmap report: the worked example network is not about this study; "
              "--network DIR gives your cluster's roadmap", file=sys.stderr)
    jobs = navigate(jobs)
    builds = buildinfo.build_keys(jobs, survey, {"with_code": opts.with_code, "kernel": opts.kernel_name})
    # the all-data competencies report reads everything the statements summary does
    covering = next((builds[f"{j.visibility}/{j.stem}"]["key"] for j in jobs
                     if j.notebook == "competencies" and j.scope == "all"), None)
    site = site_info(opts, survey, None if opts.force else buildinfo.previous_summary(opts.out, covering))
    reused = [] if opts.force else buildinfo.reusable(opts.out, jobs, builds)
    todo = [job for job in jobs if job not in reused]
    settings = RunSettings(
        site=site,
        kernel_name=opts.kernel_name,
        start_timeout=opts.start_timeout,
        execution_timeout=opts.timeout or None,
        with_code=opts.with_code,
        warm=opts.warm,
        preload=preload.calls(todo),
        **({"transport": opts.transport} if opts.transport else {}),
    )
    client = cluster = None
    if todo and opts.executor == "dask":
        client, cluster = executors.dask_client(opts.scheduler, min(opts.jobs, len(todo)), settings)
    elif todo:
        _check_kernel(opts.kernel_name)
        try:  # what every report needs here: if it fails, it fails them all; say it once
            warm_up(opts.with_code, None, settings)
        except Exception as exc:  # noqa: BLE001
            print(f"reproduce: the reports cannot run here: {one_line(f'{type(exc).__name__}: {exc}')}",
                  file=sys.stderr)
            return 1

    by_stem = {(job.visibility, job.stem): job for job in jobs}
    progress = executors.Progress(len(jobs), opts.progress)
    staged = buildinfo.stage(opts.out, reused) if reused else None
    try:
        with replacing_site(opts.out) as out:
            record.forget(out)

            def on_result(result) -> None:
                progress(by_stem[(result.visibility, result.stem)], result)

            if client is not None:
                results = executors.run_dask(client, todo, settings, on_result)
            else:
                results = executors.run_local(todo, settings, opts.jobs, on_result) if todo else []
            for result in staged.restore() if staged else []:
                results.append(result)
                on_result(result)
            written = write_site(out, jobs, results, site=site, min_group=opts.min_group,
                                 data=survey.source if survey else "no survey",
                                 network=opts.network, with_code=opts.with_code)
            buildinfo.write_builds(out, builds, [(r.visibility, r.stem) for r in results if r.status == "done"],
                                   {"key": covering, "text": site.statements_summary} if covering else None)
    finally:
        progress.close()
        if staged is not None:
            staged.discard()
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
    code = _summary(jobs, results, written[0], started)
    if code == 0:
        record.write(given, buildinfo.run_inputs(jobs, survey), buildinfo.outputs(jobs) + written,
                     {"reports": len(jobs), "public": sum(job.public for job in jobs),
                      "confidential": sum(not job.public for job in jobs), "index": str(written[0])})
    return code


def _summary(jobs: list, results: list, index: Path, started: float) -> int:
    """One line per failed report (the reports not run in one line), the counts, the index."""
    status = {(r.visibility, r.stem): r for r in results}
    failed = [job for job in jobs if getattr(status.get((job.visibility, job.stem)), "status", "failed") != "done"]
    not_run, same = [], {}  # an error is printed once, with the first report it failed
    for job in failed:
        error = status[(job.visibility, job.stem)].error if (job.visibility, job.stem) in status else "not run"
        if error.startswith("not run"):
            not_run.append(job)
        elif error in same:
            same[error].append(job)
        else:
            same[error] = []
            print(f"failed: {job.notebook} {job.scope} {job.group}: {error}", file=sys.stderr)
    for error, jobs_ in same.items():
        if jobs_:
            print(f"failed with the same error: {', '.join(j.describe() for j in jobs_[:5])}"
                  f"{f' and {len(jobs_) - 5} more' if len(jobs_) > 5 else ''}", file=sys.stderr)
    if not_run:
        print(f"not run: {len(not_run)} reports, since the first report's kernel could not start and every "
              "report needs one", file=sys.stderr)
    public = sum(1 for job in jobs if job.public and job not in failed)
    confidential = sum(1 for job in jobs if not job.public and job not in failed)
    print(f"reproduce: {len(jobs)} reports in {_duration(time.monotonic() - started)}: {public} public, "
          f"{confidential} confidential, {len(failed)} failed.\n"
          f"Open {index} (publish the public/ folder as it is; never confidential/).", file=sys.stderr)
    print(index)
    return 1 if failed else 0
