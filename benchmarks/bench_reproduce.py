"""Measure `clusterresearch reproduce` against its floor, and its parallel speedup.

Not a test: it prints timings (time.perf_counter, best of --repeat runs).

(a) ratio to the floor: the full reproduce at --jobs J against the same number of papermill
    runs of benchmarks/floor.ipynb (a notebook that only imports clusterresearch and its
    libraries) in a pool of J worker processes. Goal: ratio <= 1.3.
(b) speedup: the full reproduce at --jobs 1 over --jobs 2. Goal: >= 1.7 on 2 cores.

It also prints where a report's time goes (kernel start-up, cells, export), from the executed
notebooks' papermill metadata, the mean seconds per report of each run and the load average:
on a busy machine the ratios mean little (a per-report time that grows between runs shows
other processes took CPU).

    python benchmarks/bench_reproduce.py [--jobs J] [--repeat 1] [--only competencies|roadmap]
                                         [--data PATH] [--network DIR] [--no-speedup]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from clusterresearch import config
from clusterresearch.batch.jobs import count_groups, plan_jobs, read_respondents
from clusterresearch.batch.runner import ReproduceOptions, default_jobs, reproduce

FLOOR = Path(__file__).resolve().with_name("floor.ipynb")


def floor_run(index: int, out_dir: str) -> None:
    import papermill

    papermill.execute_notebook(str(FLOOR), os.path.join(out_dir, f"floor_{index}.ipynb"),
                               parameters={"scope": index}, kernel_name="python3", progress_bar=False)


def time_floor(runs: int, jobs: int, work: Path) -> float:
    out = work / "floor"
    out.mkdir(parents=True, exist_ok=True)
    context = multiprocessing.get_context("forkserver" if "forkserver" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for future in [pool.submit(floor_run, i, str(out)) for i in range(runs)]:
            future.result()
    seconds = time.perf_counter() - start
    papermill, cells = [], []
    for path in out.glob("*.ipynb"):
        nb = json.loads(path.read_text())
        papermill.append(nb["metadata"]["papermill"]["duration"])
        cells.append(sum((c["metadata"].get("papermill", {}).get("duration") or 0) for c in nb["cells"]))
    shutil.rmtree(out, ignore_errors=True)
    print(f"    floor: {seconds:.1f} s; per run: cells (imports) {statistics.fmean(cells):.2f} s + kernel start/stop "
          f"and papermill {statistics.fmean(papermill) - statistics.fmean(cells):.2f} s; "
          f"load average now {os.getloadavg()[0]:.2f}")
    return seconds


def time_reproduce(options: ReproduceOptions, work: Path, keep: Path | None = None) -> float:
    out = work / "site"
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the index path it prints
        code = reproduce(ReproduceOptions(**{**options.__dict__, "out": out}))
    seconds = time.perf_counter() - start
    if code != 0:
        print(f"warning: reproduce exited {code} (see above); timing kept", file=sys.stderr)
    per_report = statistics.fmean(r["seconds"] for r in json.loads((out / "index.json").read_text())["reports"])
    print(f"    reproduce --jobs {options.jobs}: {seconds:.1f} s, {per_report:.2f} s per report in its worker; "
          f"load average now {os.getloadavg()[0]:.2f}")
    if keep is not None:
        shutil.rmtree(keep, ignore_errors=True)
        shutil.move(str(out), keep)
    return seconds


def breakdown(site: Path) -> str:
    """Mean seconds per report: job (worker), papermill (kernel start + cells + shutdown), cells."""
    rows = json.loads((site / "index.json").read_text())["reports"]
    job, papermill, cells = [], [], []
    for row in rows:
        if not row["ipynb"]:
            continue
        nb = json.loads((site / row["ipynb"]).read_text())
        meta = nb["metadata"].get("papermill", {})
        if meta.get("duration") is None:
            continue
        job.append(row["seconds"])
        papermill.append(meta["duration"])
        cells.append(sum((c["metadata"].get("papermill", {}).get("duration") or 0) for c in nb["cells"]))
    if not job:
        return "no executed notebook to break down"
    mean = statistics.fmean
    return (f"per report (mean of {len(job)}): job {mean(job):.2f} s = cells {mean(cells):.2f} s"
            f" + kernel start/stop and papermill {mean(papermill) - mean(cells):.2f} s"
            f" + HTML export and writing {mean(job) - mean(papermill):.2f} s")


def best(repeat: int, func) -> float:
    return min(func() for _ in range(repeat))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="workers for (a) (default: number of cores)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each measurement; the best is kept")
    parser.add_argument("--only", choices=("competencies", "roadmap"), default=None)
    parser.add_argument("--data", type=Path, default=config.RESPONSES_PATH)
    parser.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR)
    parser.add_argument("--no-speedup", action="store_true", help="skip (b)")
    args = parser.parse_args()

    jobs = args.jobs or default_jobs()
    options = ReproduceOptions(data=args.data, network=args.network, out=Path("unused"), jobs=jobs, only=args.only,
                               progress=False)
    runs = len(plan_jobs(count_groups(read_respondents(args.data)), options))
    print(f"cores {default_jobs()}, --jobs {jobs}, {runs} notebook runs"
          f"{' (--only ' + args.only + ')' if args.only else ''}; load average at start "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    work = Path(tempfile.mkdtemp(prefix="bench_reproduce."))
    try:
        kept = work / "kept"
        full = best(args.repeat, lambda: time_reproduce(options, work, keep=kept))
        floor = best(args.repeat, lambda: time_floor(runs, jobs, work))
        print(f"(a) reproduce --jobs {jobs}: {full:.1f} s; floor ({runs} papermill runs of floor.ipynb, "
              f"{jobs} workers): {floor:.1f} s; ratio {full / floor:.2f} (goal <= 1.3)")
        print(f"    {breakdown(kept)}")
        if not args.no_speedup:
            one = best(args.repeat, lambda: time_reproduce(ReproduceOptions(**{**options.__dict__, "jobs": 1}), work))
            two = full if jobs == 2 else best(
                args.repeat, lambda: time_reproduce(ReproduceOptions(**{**options.__dict__, "jobs": 2}), work))
            print(f"(b) reproduce --jobs 1: {one:.1f} s; --jobs 2: {two:.1f} s; speedup {one / two:.2f} "
                  f"(goal >= 1.7 on 2 cores)")
        print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
