"""Measure `clusterresearch reproduce`: every ratio of issue 11 side by side, in one run.

Not a test: it prints timings (time.perf_counter) and the load average (on a busy machine
the ratios mean little). In order:

(floor)  the fresh-kernel floor: as many papermill runs of benchmarks/floor.ipynb (a
         notebook that only imports clusterresearch and its libraries, one fresh kernel
         each, as every papermill user pays) as reproduce runs reports, in J processes;
(a)      reproduce --jobs J --force on the shipped study against the floor (goal <= 0.8);
(b)      reproduce --jobs 1 --force against --jobs 2 (goal: speedup >= 1.8 on 2 cores);
(c)      a rerun with nothing changed, as a whole `clusterresearch reproduce` process,
         against the full build (goal < 5 %, and under 1 s);
(d)      a large synthetic study (64,600 respondents, 25 items, 50 clusters in 5 countries,
         competencies only): mean seconds per report against the shipped study's
         competencies reports (n = 12 and below) (goal <= 1.3);
(e)      prepare on 100,000 respondents against a bare read_csv + groupby, whole processes (goal <= 3),
         from benchmarks/bench_prepare.py (skip with --no-prepare);

then where a report's seconds go (kernel start, each kind of cell, HTML export), from the
executed notebooks' papermill metadata.

    python benchmarks/bench_reproduce.py [--jobs 2] [--no-large] [--no-prepare] [--large-respondents 64600]
                                         [--check-fresh]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import subprocess
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from clusterresearch import config
from clusterresearch.batch.jobs import plan_jobs
from clusterresearch.batch.runner import ReproduceOptions, default_jobs, reproduce
from clusterresearch.scope import scopes
from clusterresearch.loading.source import SurveySource

HERE = Path(__file__).resolve().parent
FLOOR = HERE / "floor.ipynb"
mean = statistics.fmean


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def floor_run(index: int, out_dir: str) -> None:
    import papermill

    papermill.execute_notebook(str(FLOOR), os.path.join(out_dir, f"floor_{index}.ipynb"),
                               parameters={"scope": index}, kernel_name="python3", progress_bar=False)


def time_floor(runs: int, jobs: int, work: Path) -> float:
    out = work / "floor"
    out.mkdir(parents=True, exist_ok=True)
    # J processes that import papermill once (a fork server), each running papermill with a
    # fresh kernel per notebook: what a papermill user pays at the least.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["papermill", "nbclient", "nbformat"])
    start = time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        for future in [pool.submit(floor_run, i, str(out)) for i in range(runs)]:
            future.result()
    seconds = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return seconds


def time_reproduce(options: ReproduceOptions) -> tuple[float, list[dict]]:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):  # the index path it prints
        code = reproduce(options)
    seconds = time.perf_counter() - start
    if code != 0:
        print(f"warning: reproduce exited {code}; timing kept", file=sys.stderr)
    return seconds, json.loads((Path(options.out) / "index.json").read_text())["reports"]


def time_command(argv: list[str], site: Path) -> tuple[float, list[dict], str]:
    """``clusterresearch ARGV`` as its own process, as a user runs it (imports included);
    the seconds, the site's index rows and what it said on stderr."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "clusterresearch", *argv], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        print(f"warning: clusterresearch exited {done.returncode}: {done.stderr.strip()[-300:]}", file=sys.stderr)
    return seconds, json.loads((site / "index.json").read_text())["reports"], done.stderr


_CALL = re.compile(r"report\.([a-z_]+)\(")


def breakdown(site: Path) -> list[str]:
    """Mean seconds per report: kernel start/stop, cells by kind, HTML export and writing."""
    rows = json.loads((site / "index.json").read_text())["reports"]
    job, papermill, cells = [], [], []
    kinds: dict[str, list[float]] = defaultdict(list)
    for row in rows:
        if not row["ipynb"] or not row["seconds"]:
            continue
        nb = json.loads((site / row["ipynb"]).read_text())
        meta = nb["metadata"].get("papermill", {})
        if meta.get("duration") is None:
            continue
        job.append(row["seconds"])
        papermill.append(meta["duration"])
        total = 0.0
        per_kind: dict[str, float] = defaultdict(float)
        for cell in nb["cells"]:
            seconds = cell["metadata"].get("papermill", {}).get("duration") or 0.0
            total += seconds
            source = "".join(cell["source"])
            match = _CALL.search(source)
            kind = ("imports" if source.startswith(("from ", "import ")) else
                    f"report.{match.group(1)}" if match else "other")
            if cell["cell_type"] == "code":
                per_kind[kind] += seconds
        for kind, seconds in per_kind.items():
            kinds[f"{row['notebook']}: {kind}"].append(seconds)
        cells.append(total)
    if not job:
        return ["no executed notebook to break down"]
    lines = [f"per report (mean of {len(job)}): {mean(job):.2f} s = cells {mean(cells):.2f} s"
             f" + kernel start/stop and papermill {mean(papermill) - mean(cells):.2f} s"
             f" + HTML export and writing {mean(job) - mean(papermill):.2f} s"]
    top = sorted(kinds.items(), key=lambda kv: -sum(kv[1]))[:12]
    lines += [f"    {kind:45s} {mean(values):.3f} s per report ({len(values)} reports)" for kind, values in top]
    return lines


# 25 scaled items: each area's desired item and two self-assessed ones, and one assessor item
def large_items() -> list[str]:
    instrument = pd.read_csv(config.INSTRUMENT_PATH)
    chosen = []
    for _, items in instrument.groupby("area", sort=False):
        chosen += items.loc[items["type"] == "desired", "item_id"].tolist()[:1]
        chosen += items.loc[items["type"] == "likert", "item_id"].tolist()[:2]
    chosen += instrument.loc[instrument["type"] == "assessor", "item_id"].tolist()[:1]
    return chosen


def make_large_study(folder: Path, respondents: int, seed: int = 7) -> Path:
    """A study folder (the shipped instrument and areas) whose responses.csv has
    ``respondents`` answering 25 items, in 50 clusters of 5 countries, 5 % missing answers."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("instrument.csv", "areas.csv"):
        shutil.copy(config.RAW_DIR / name, folder / name)
    (folder / "study.toml").write_text(
        'title = "Synthetic large study (benchmark)"\nrespondents = "managers"\nrespondent = "manager"\n'
        'responses = "responses.csv"\nnotice = "Synthetic answers drawn at random for a benchmark."\n'
        'compare = "country"\n\n[[groups]]\ncolumn = "country"\nlabel = "Country"\nkind = "country"\n\n'
        '[[groups]]\ncolumn = "cluster"\nlabel = "Cluster"\nkind = "category"\nnames = "clusters.csv"\n')
    rng = np.random.default_rng(seed)
    countries = np.array(["PL", "LT", "DE", "FR", "CZ"])
    clusters = [f"{countries[c // 10]}{c % 10 + 1:02d}" for c in range(50)]
    pd.DataFrame({"cluster_id": clusters, "country": [c[:2] for c in clusters],
                  "name": [f"Cluster {c}" for c in clusters]}).to_csv(folder / "clusters.csv", index=False)
    cluster_no = rng.integers(0, 50, respondents)
    frame = {"respondent_id": [f"R{i:06d}" for i in range(1, respondents + 1)],
             "country": countries[cluster_no // 10], "cluster": np.array(clusters)[cluster_no]}
    for item in large_items():
        answers = rng.integers(1, 6, respondents).astype(float)
        answers[rng.random(respondents) < 0.05] = np.nan
        frame[item] = pd.array(answers).astype("Int64")
    pd.DataFrame(frame).to_csv(folder / "responses.csv", index=False)
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="workers for (floor), (a), (c), (d) (default: cores)")
    parser.add_argument("--large-respondents", type=int, default=64_600)
    parser.add_argument("--no-large", action="store_true", help="skip (d)")
    parser.add_argument("--no-prepare", action="store_true", help="skip (e)")
    parser.add_argument("--no-speedup", action="store_true", help="skip (b)")
    parser.add_argument("--check-fresh", action="store_true",
                        help="also build with a fresh kernel per report and compare the files byte for byte")
    args = parser.parse_args()

    jobs = args.jobs or default_jobs()
    work = Path(tempfile.mkdtemp(prefix="bench_reproduce."))
    site = work / "site"
    # --study data/raw names the survey: both notebooks for every scope (30 reports), the site
    # the issue measured (without it the roadmap runs once, without a survey)
    options = ReproduceOptions(source=SurveySource(study_dir=config.RAW_DIR), out=site, jobs=jobs, progress=False, force=True)
    runs = len(plan_jobs(scopes(options.source.load()), options))
    print(f"cores {default_jobs()}, --jobs {jobs}, {runs} reports on the shipped study; load average {load()}")
    results: list[tuple[str, str, str, str]] = []
    try:
        floor = time_floor(runs, jobs, work)
        print(f"  floor: {floor:.1f} s ({runs} fresh-kernel papermill runs of floor.ipynb, {jobs} processes); "
              f"load {load()}")
        full, rows = time_reproduce(options)
        print(f"  reproduce --jobs {jobs} --force: {full:.1f} s, {mean(r['seconds'] for r in rows):.2f} s per report "
              f"in its worker, {sum(r['status'] == 'done' for r in rows)}/{len(rows)} done; load {load()}")
        shipped = [r["seconds"] for r in rows if r["notebook"] == "competencies"]
        results.append(("(a) reproduce vs fresh-kernel floor", f"{full:.1f} s / {floor:.1f} s",
                        f"{full / floor:.2f}", "<= 0.8"))
        profile = breakdown(site)

        rerun, rows, said = time_command(["reproduce", "--study", str(options.source.study_dir), "--out", str(site), "--jobs",
                                    str(jobs), "--no-progress"], site)
        print(f"  rerun, nothing changed (a whole process): {rerun:.2f} s; "
              f"{sum(r['status'] == 'done' for r in rows)}/{len(rows)} done; ended by the run's record: "
              f"{'yes' if 'nothing changed since the last run' in said else 'no'}")
        results.append(("(c) no-change rerun vs full build", f"{rerun:.2f} s / {full:.1f} s",
                        f"{100 * rerun / full:.1f} %", "< 5 %"))

        if args.check_fresh:  # the same build with a fresh kernel per report: same bytes?
            kept = work / "warm_site"
            shutil.copytree(site, kept)
            fresh, _ = time_reproduce(ReproduceOptions(**{**options.__dict__, "warm": False}))
            files = [p.relative_to(kept) for p in sorted(kept.rglob("*")) if p.is_file()
                     and p.suffix in (".html", ".csv", ".png", ".svg") and p.parent != kept]
            differ = [str(f) for f in files if (kept / f).read_bytes() != (site / f).read_bytes()]
            print(f"  reproduce --jobs {jobs} --force with fresh kernels: {fresh:.1f} s; {len(files)} report files "
                  f"(HTML, tables, figures) compared with the warm build: {len(differ)} differ {differ[:3]}")
            results.append(("    warm vs fresh kernels, same reproduce", f"{full:.1f} s / {fresh:.1f} s",
                             f"{full / fresh:.2f}", "(for reference)"))
            shutil.rmtree(kept, ignore_errors=True)

        if not args.no_speedup:
            other = 1 if jobs != 1 else 2
            one, _ = time_reproduce(ReproduceOptions(**{**options.__dict__, "jobs": other, "out": work / "site1"}))
            print(f"  reproduce --jobs {other} --force: {one:.1f} s; load {load()}")
            slow, fast = (one, full) if other == 1 else (full, one)
            results.append(("(b) speedup --jobs 2 over --jobs 1", f"{slow:.1f} s / {fast:.1f} s",
                            f"{slow / fast:.2f}", ">= 1.8"))

        if not args.no_large:
            study = make_large_study(work / "large_study", args.large_respondents)
            large, rows = time_reproduce(ReproduceOptions(source=SurveySource(study_dir=study), out=work / "large", jobs=jobs,
                                                          only="competencies", progress=False, force=True))
            per = [r["seconds"] for r in rows]
            biggest = max(rows, key=lambda r: r["n"])
            print(f"  large study ({args.large_respondents:,} respondents, 25 items, 50 clusters): {large:.1f} s for "
                  f"{len(rows)} competencies reports, {sum(r['status'] == 'done' for r in rows)} done; per report "
                  f"{mean(per):.2f} s (n = {biggest['n']:,}: {biggest['seconds']:.2f} s); shipped competencies "
                  f"reports {mean(shipped):.2f} s; load {load()}")
            results.append(("(d) large study per report vs 12-respondent", f"{mean(per):.2f} s / {mean(shipped):.2f} s",
                            f"{mean(per) / mean(shipped):.2f}", "<= 1.3"))

        if not args.no_prepare:
            sys.path.insert(0, str(HERE))
            import bench_prepare

            data = work / "prepare" / "survey.csv"  # the study folder bench_prepare writes around it names this file
            data.parent.mkdir()
            scaled = bench_prepare.make_survey(data, 100_000, 7)
            best = bench_prepare.measure(["baseline", "prepare"], data, work / "prepared", scaled, 3)
            base, prep = best["baseline"], best["prepare"]
            print(f"  prepare 100,000 respondents: {prep['seconds']:.2f} s; read_csv + groupby {base['seconds']:.2f} s "
                  f"(whole processes, interleaved); load {load()} (peak memory: run bench_prepare.py alone; a "
                  "child forked from this large process inherits its peak RSS)")
            results.append(("(e) prepare vs bare read + groupby", f"{prep['seconds']:.2f} s / {base['seconds']:.2f} s",
                            f"{prep['seconds'] / base['seconds']:.2f}", "<= 3"))

        print(f"\n{'measure':46s} {'seconds':>22s} {'ratio':>8s}  goal")
        for name, seconds, ratio, goal in results:
            print(f"{name:46s} {seconds:>22s} {ratio:>8s}  {goal}")
        print(f"load average at end {load()}\n")
        print("where a report's seconds go (shipped study, reproduce --jobs %d):" % jobs)
        for line in profile:
            print("  " + line)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
