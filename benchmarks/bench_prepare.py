"""Measure `clusterresearch prepare` on a large synthetic survey against a bare pandas read,
as whole processes, side by side.

Not a test: it prints timings and memory. It writes a seeded wide CSV with N respondents
(default 100,000) answering every item of the shipped instrument, then runs, --runs times
each and interleaved (baseline, prepare, baseline, prepare ...; best of the runs counts),
each as a fresh process timed from its start to its exit, imports included (the package
byte-compiled first, as an installed wheel is):

- baseline: ``python -c "import pandas; pd.read_csv(file).groupby('cluster')[items].mean()"``;
- prepare:  ``clusterresearch prepare --study DIR --out OUT`` (read, validate, summarise,
  write responses_wide.parquet, the summaries and the manifest);
- prepare --long: the same plus the long tidy table as Parquet (for reference, one run);

and prints the ratios, each process's peak RSS (os.wait4) and where prepare's time goes
(stages of one run, in this process).

    python benchmarks/bench_prepare.py [--respondents 100000] [--seed 7] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

COUNTRIES = ("PL", "LT", "DE", "FR", "LV", "EE", "CZ", "SK")


def make_survey(path: Path, respondents: int, seed: int) -> list[str]:
    """A wide responses CSV: 8 countries, ~60 clusters each, 5 % missing answers, 1 % essays."""
    from clusterresearch.loading import load_instrument

    rng = np.random.default_rng(seed)
    instrument = load_instrument()
    country = rng.choice(COUNTRIES, respondents)
    cluster = np.char.add(np.char.add(country, "-"), rng.integers(1, 61, respondents).astype(str))
    frame = {"respondent_id": [f"R{i:07d}" for i in range(1, respondents + 1)], "country": country,
             "cluster": cluster}
    scaled = []
    for item_id, kind in instrument[["item_id", "type"]].itertuples(index=False):
        if kind == "text":
            text = np.where(rng.random(respondents) < 0.01, "We share news, by e-mail; \"often\".", "")
            frame[item_id] = text
        else:
            answers = rng.integers(1, 6, respondents).astype(float)
            answers[rng.random(respondents) < 0.05] = np.nan
            frame[item_id] = pd.array(answers).astype("Int64")
            scaled.append(item_id)
    pd.DataFrame(frame).to_csv(path, index=False)
    write_study(path.parent, sorted(set(cluster)))
    return scaled


def write_study(folder: Path, clusters: list[str]) -> None:
    """The study folder around ``folder/survey.csv``: the shipped instrument and areas, the
    clusters as the names file of the cluster column (prepare checks the ids against it)."""
    import shutil

    from clusterresearch import config

    for name in ("instrument.csv", "areas.csv"):
        shutil.copy(config.RAW_DIR / name, folder / name)
    (folder / "study.toml").write_text(
        'title = "Synthetic survey (benchmark)"\nrespondents = "managers"\nrespondent = "manager"\n'
        'responses = "survey.csv"\n\n[[groups]]\ncolumn = "country"\nlabel = "Country"\nkind = "country"\n\n'
        '[[groups]]\ncolumn = "cluster"\nlabel = "Cluster"\nkind = "category"\nnames = "clusters.csv"\n')
    pd.DataFrame({"cluster_id": clusters, "country": [c.split("-")[0] for c in clusters],
                  "name": clusters}).to_csv(folder / "clusters.csv", index=False)


BASELINE = "import sys, pandas as pd; pd.read_csv(sys.argv[1]).groupby('cluster')[sys.argv[2].split(',')].mean()"
PREPARE = "import sys; from clusterresearch.cli import main; raise SystemExit(main(sys.argv[1:]))"


def command(mode: str, data: Path, out: Path, scaled: list[str]) -> list[str]:
    if mode == "baseline":
        return [sys.executable, "-c", BASELINE, str(data), ",".join(scaled)]
    extra = ["--long"] if mode == "prepare-long" else []
    return [sys.executable, "-c", PREPARE, "prepare", "--study", str(data.parent), "--out", str(out), *extra]


def run(argv: list[str]) -> dict:
    """One whole process: wall seconds from start to exit, and its own peak RSS."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{argv[:3]}... exited {proc.returncode}: {proc.stderr.read().decode()[-400:]}")
    proc.stderr.close()
    return {"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024}  # KiB on Linux


def byte_compile() -> None:
    """Compile the package's modules as `pip install` of the wheel does, so that prepare, like
    the baseline's pandas, loads bytecode: an editable install run with
    PYTHONDONTWRITEBYTECODE set would compile every module again in every process."""
    import compileall

    import clusterresearch

    compileall.compile_dir(Path(clusterresearch.__file__).parent, quiet=1)


def measure(modes: list[str], data: Path, work: Path, scaled: list[str], runs: int) -> dict[str, dict]:
    """Best of ``runs`` per mode, the modes interleaved so that both see the same machine."""
    byte_compile()
    best: dict[str, dict] = {}
    for _ in range(runs):
        for mode in modes:
            result = run(command(mode, data, work / mode, scaled))
            if mode not in best or result["seconds"] < best[mode]["seconds"]:
                best[mode] = result
    return best


def stages(data: Path, work: Path) -> str:
    from clusterresearch.loading.survey import read_grid
    from clusterresearch.outputs import atomic_file
    from clusterresearch.prepare import summaries, write_wide_parquet

    times = {}
    start = time.perf_counter()
    grid = read_grid(None, study=data.parent)
    times["read + validate"] = time.perf_counter() - start
    start = time.perf_counter()
    summaries(grid)
    times["summaries"] = time.perf_counter() - start
    start = time.perf_counter()
    with atomic_file(work / "copy.parquet") as sink:
        write_wide_parquet(grid, sink)
    times["write + hash responses_wide.parquet"] = time.perf_counter() - start
    size = (work / "copy.parquet").stat().st_size / 1e6
    return "; ".join(f"{k} {v:.3f} s" for k, v in times.items()) + f" (parquet {size:.1f} MB; prepare runs the last two side by side)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-long", action="store_true", help="skip the prepare --long run")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_prepare."))
    try:
        data = work / "survey.csv"
        # made in a child, so this process stays small: a child forked from it would inherit its
        # peak RSS (ru_maxrss counts the pages a process had before exec)
        made = subprocess.run([sys.executable, __file__, "--make", str(data), str(args.respondents), str(args.seed)],
                              check=True, capture_output=True, text=True)
        scaled = made.stdout.split()
        size = data.stat().st_size / 1e6
        print(f"survey: {args.respondents:,} respondents x {len(scaled)} scaled items "
              f"({args.respondents * len(scaled):,} answers), {size:.1f} MB; whole processes, "
              f"best of {args.runs}, interleaved", flush=True)
        best = measure(["baseline", "prepare"], data, work, scaled, args.runs)
        base, prep = best["baseline"], best["prepare"]
        print(f"baseline read_csv + groupby mean: {base['seconds']:.3f} s, peak RSS {base['peak_mb']:.0f} MB")
        print(f"prepare (responses_wide.parquet): {prep['seconds']:.3f} s, peak RSS {prep['peak_mb']:.0f} MB")
        print(f"ratio prepare / baseline:         {prep['seconds'] / base['seconds']:.2f}x (goal <= 3x); "
              f"memory {prep['peak_mb'] / base['peak_mb']:.2f}x", flush=True)
        if not args.no_long:
            long = measure(["prepare-long"], data, work, scaled, 1)["prepare-long"]
            print(f"prepare --long (+ responses_tidy.parquet): {long['seconds']:.3f} s, peak RSS "
                  f"{long['peak_mb']:.0f} MB (one run); ratio {long['seconds'] / base['seconds']:.2f}x", flush=True)
        print("prepare stages (one run, in this process): " + stages(data, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--make":
        print(" ".join(make_survey(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))))
    else:
        main()
