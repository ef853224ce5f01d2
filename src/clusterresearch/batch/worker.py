"""What a worker does for one job: papermill, then the HTML export, in this process.

Runs in a thread of the ``reproduce`` process (local executor: the work here is mostly waiting
for the kernel) or in a Dask worker. Heavy imports (papermill, nbconvert) happen once per
process in :func:`warm_up`, before the first job.

Nothing here raises for a failing notebook: :func:`run_job` always returns a
:class:`JobResult` (``status`` "done" or "failed" with a one-line reason) and keeps
whatever executed notebook papermill wrote.
"""

from __future__ import annotations

import functools
import logging
import os
import random
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import config
from ..outputs import write_text
from . import kernels
from .export import exporter, portable_paths, relink
from .jobs import Job
from ..page import SiteInfo, report_page

# Kernel start-up failures worth one retry: jupyter_client picks free ports, releases them
# and lets the kernel bind them later, so kernels started at the same moment by several
# processes can collide ("Address already in use"; the kernel dies before replying, which
# surfaces as RuntimeError, or a start timeout). See nteract/papermill#511,
# jupyter/jupyter_client#487.
RETRY_SLEEP = (0.2, 1.5)

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_local = threading.local()


@dataclass(frozen=True)
class RunSettings:
    """How to run every job (the same for all of them)."""

    kernel_name: str = "python3"
    start_timeout: float = 120.0          # seconds for a kernel to start and reply
    execution_timeout: int | None = 600   # seconds per cell; None = no limit
    with_code: bool = False               # keep code cells in the HTML
    # "ipc": kernels talk over Unix sockets with a unique path per job, so no TCP ports are
    # picked at all (no collisions); "tcp" is jupyter's default and the only choice on Windows.
    transport: str = "tcp" if os.name == "nt" else "ipc"
    # Kernels forked from a pre-imported template process (batch/kernels.py) where the
    # platform allows; False starts a fresh interpreter per report, as papermill does.
    warm: bool = True
    # calls (JSON, clusterresearch.preload.calls: the survey load, the roadmap model) the
    # template makes once (preload.make); the same call in a report's kernel is then free.
    preload: tuple[str, ...] = ()
    site: SiteInfo = SiteInfo()           # what the pages say about the study


@dataclass(frozen=True)
class JobResult:
    """What the parent needs to write the index; small so it pickles cheaply."""

    stem: str
    visibility: str
    status: str                # "done" | "failed"
    seconds: float
    error: str = ""            # one line, empty when done
    attempts: int = 1          # 2 when the kernel start was retried
    notebook_kept: bool = False
    html_written: bool = False


def one_line(text: object, limit: int = 300) -> str:
    """Collapse a message to one plain line (no ANSI colours), at most ``limit`` characters."""
    line = " ".join(_ANSI.sub("", str(text)).split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def prepare_environment() -> None:
    os.environ.update(kernels.kernel_environment(os.environ))
    # papermill warns about unknown parameters (the parent has checked them) and logs per
    # cell, jupyter_client logs a failed kernel start with its traceback; keep the terminal
    # for the progress bar and the failure lines (each failure is reported once, in its line).
    for name in ("papermill", "nbclient", "traitlets"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def warm_up(with_code: bool = False, kernel_name: str | None = None, settings: RunSettings | None = None) -> None:
    """Import papermill/nbconvert and compile the HTML templates once, before the first job;
    with ``kernel_name``, also check that its kernelspec exists here (NoSuchKernel if not);
    with ``settings`` (warm), start this process's kernel template so that it imports meanwhile."""
    prepare_environment()
    if settings is not None and settings.warm:
        kernels.start(settings.kernel_name, dict(os.environ), settings.preload)
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager

    if kernel_name:
        KernelSpecManager().get_kernel_spec(kernel_name)
    _register_engine()

    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_markdown_cell("warm-up"))
    exporter(with_code).from_notebook_node(nb, resources={"metadata": {"name": "warm-up"}})


def _cells_started(nb) -> bool:
    """Whether papermill had started any cell of ``nb`` (False for None)."""
    if nb is None:
        return False
    return any(cell.get("metadata", {}).get("papermill", {}).get("start_time") for cell in nb.get("cells", []))


ENGINE = "clusterresearch"
NO_KERNEL = "kernel did not start"  # how a failure before any cell ran begins


def _register_engine() -> None:
    """A papermill engine that hands over the notebook as it stands when execution fails.

    papermill rewrites the whole output notebook before and after every cell when
    ``request_save_on_cell_execute`` is on; with figures embedded that is megabytes of JSON,
    validated, ~100 times a report (about 3 s of a 12 s report). With it off, papermill
    still writes the notebook on success and on a cell error, but loses it when the kernel
    dies or a cell times out; this engine keeps it for those cases (``_local.partial``).
    Registering again replaces the same class: no need to ask whether it is there.
    """
    from papermill.engines import NBClientEngine, papermill_engines

    papermill_engines.register(ENGINE, _keeping_engine(NBClientEngine))


@functools.lru_cache(maxsize=None)
def _keeping_engine(base):
    class KeepingEngine(base):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            _local.partial = nb_man.nb
            return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

    return KeepingEngine


def _kernel_config(settings: RunSettings, socket_dir: str):
    from traitlets.config import Config

    if settings.transport != "ipc":
        return Config()
    # Sockets in a fresh, short folder of this attempt (Unix socket paths are limited to
    # ~104 characters); jupyter_client's default prefix would be "kernel-ipc" in the cwd,
    # shared by every kernel.
    return Config({"KernelManager": {"transport": "ipc", "ip": os.path.join(socket_dir, "kernel")}})


def _kernel_manager(settings: RunSettings) -> dict[str, Any]:
    """nbclient's kernel_manager_class for warm kernels (none: jupyter_client's default)."""
    if settings.warm and kernels.supported():
        from .provisioner import kernel_manager_class

        kernels.preload(settings.preload)
        return {"kernel_manager_class": kernel_manager_class()}
    return {}


def _keep(nb, path: str) -> None:
    try:
        from papermill.iorw import write_ipynb

        write_ipynb(nb, path)
    except Exception:  # noqa: BLE001 - best effort: the failure is reported anyway
        pass


def _execute(job: Job, settings: RunSettings) -> tuple[Any, str, int]:
    """Run papermill (retrying a failed kernel start once); return (notebook or None, error, attempts)."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    attempts = 0
    while True:
        attempts += 1
        socket_dir = tempfile.mkdtemp(prefix="cr-")
        _local.partial = None
        kernels.forked.pid = None
        try:
            nb = papermill.execute_notebook(
                job.input_path,
                job.output_notebook,
                parameters=job.parameters,
                engine_name=ENGINE,
                kernel_name=settings.kernel_name,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,  # see _register_engine
                # the outputs are all in once the last cell has replied; a graceful
                # shutdown only adds time (history is in memory)
                shutdown_kernel="immediate",
                start_timeout=settings.start_timeout,
                execution_timeout=settings.execution_timeout,
                # the kernel's working folder is the notebook's, as in Jupyter; passed to the
                # kernel launcher, so no chdir (papermill's cwd= is not thread-safe)
                resources={"metadata": {"path": str(Path(job.input_path).parent)}},
                config=_kernel_config(settings, socket_dir),
                **_kernel_manager(settings),
            )
            return nb, "", attempts
        except PapermillExecutionError as exc:  # papermill has written the notebook, error included
            return _local.partial, one_line(f"{exc.ename}: {exc.evalue} (cell [{exc.exec_count}])"), attempts
        except Exception as exc:  # noqa: BLE001 - any failure becomes a record, never a crash
            partial = _local.partial
            started = _cells_started(partial)
            if attempts == 1 and not started and not kernels.stopping.is_set():
                time.sleep(random.uniform(*RETRY_SLEEP))
                continue
            if not started:
                return None, one_line(f"{NO_KERNEL}: {type(exc).__name__}: {exc}"), attempts
            _keep(partial, job.output_notebook)  # a timeout or a dead kernel: keep what ran
            return partial, one_line(f"{type(exc).__name__}: {exc}{kernels.how_it_died(exc)}"), attempts
        finally:
            shutil.rmtree(socket_dir, ignore_errors=True)


def _stable_ids(nb) -> None:
    """papermill gives the cell it injects a random id, which lands in the HTML; fix it."""
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []) and "id" in cell:
            cell["id"] = "injected-parameters"


def _write_notebook(nb, path: str) -> None:
    import nbformat

    write_text(Path(path), nbformat.writes(nb) + "\n")


def run_job(job: Job, settings: RunSettings) -> JobResult:
    """Execute ``job``'s notebook with papermill and export its HTML report."""
    started = time.perf_counter()
    prepare_environment()
    Path(job.output_dir).mkdir(parents=True, exist_ok=True)
    nb, error, attempts = _execute(job, settings)
    kept = Path(job.output_notebook).is_file()
    html_written = False
    if nb is None and kept:
        try:
            import nbformat

            nb = nbformat.read(job.output_notebook, as_version=4)
        except Exception as exc:  # noqa: BLE001
            error = error or one_line(f"cannot read the executed notebook: {exc}")
    if nb is not None:
        try:
            _stable_ids(nb)
            moved = relink(nb, Path(job.output_dir).name)  # its figures open from beside it too
            local = portable_paths(nb, (Path(job.output_notebook).parent, *config.PORTABLE_ROOTS))
            if (moved or local) and kept:
                _write_notebook(nb, job.output_notebook)
            body, _ = exporter(settings.with_code).from_notebook_node(
                nb, resources={"metadata": {"name": job.title}}
            )
            page = report_page(body, report=job.report, scope_label=job.scope_label, site=settings.site,
                               confidential=not job.public, siblings=job.siblings,
                               notebook_file=Path(job.output_notebook).name if kept else "")
            write_text(Path(job.output_html), page)
            html_written = True
        except Exception as exc:  # noqa: BLE001
            error = error or one_line(f"HTML export: {type(exc).__name__}: {exc}")
    if not error and not html_written:
        error = "no executed notebook"
    return JobResult(
        stem=job.stem,
        visibility=job.visibility,
        status="failed" if error else "done",
        seconds=round(time.perf_counter() - started, 3),
        error=error,
        attempts=attempts,
        notebook_kept=kept,
        html_written=html_written,
    )
