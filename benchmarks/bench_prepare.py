"""Measure `clusterresearch prepare` on a large synthetic survey against a bare pandas baseline.

Not a test: it prints timings. It writes a seeded wide CSV with N respondents (default
100,000) answering every item of the shipped instrument, then times, best of 3 with
time.perf_counter:

- baseline: ``pd.read_csv(file)`` + ``groupby("cluster")[scaled items].mean()``;
- prepare:  ``run_prepare(data=file, out=tmp)`` (read, validate, summarise, write all files);

and prints the ratio, plus where prepare's time goes (stage timings of one extra run). Most
of it is the size of responses_tidy.csv (~420 MB at 100,000 x 67): rendering, writing and
hashing it for the manifest.

    python benchmarks/bench_prepare.py [--respondents 100000] [--seed 7]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from clusterresearch import config
from clusterresearch.loading import load_instrument
from clusterresearch.loading.survey import read_grid
from clusterresearch.outputs import sha256_file, write_text
from clusterresearch.prepare import area_summary, item_summary, render_tidy_csv, run_prepare, scope_counts

COUNTRIES = ("PL", "LT", "DE", "FR", "LV", "EE", "CZ", "SK")


def make_survey(path: Path, respondents: int, seed: int) -> list[str]:
    """A wide responses CSV: 8 countries, ~60 clusters each, 5 % missing answers, 1 % essays."""
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
    return scaled


def best_of(runs: int, func) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench_prepare."))
    try:
        data = work / "survey.csv"
        scaled = make_survey(data, args.respondents, args.seed)
        size = data.stat().st_size / 1e6
        print(f"survey: {args.respondents:,} respondents x {len(scaled)} scaled items "
              f"({args.respondents * len(scaled):,} answers), {size:.1f} MB")

        def baseline():
            pd.read_csv(data).groupby("cluster")[scaled].mean()

        def prepare():
            run_prepare(data=data, out=work / "out")

        base = best_of(args.runs, baseline)
        prep = best_of(args.runs, prepare)
        print(f"baseline read_csv + groupby mean: {base:.3f} s (best of {args.runs})")
        print(f"prepare:                          {prep:.3f} s (best of {args.runs})")
        print(f"ratio prepare / baseline:         {prep / base:.1f}x")

        stages = {}
        start = time.perf_counter()
        grid = read_grid(data, instrument=config.INSTRUMENT_PATH, registry=None)
        stages["read + validate"] = time.perf_counter() - start
        start = time.perf_counter()
        counts = scope_counts(grid)
        item_summary(grid, counts)
        area_summary(grid, counts)
        stages["summaries"] = time.perf_counter() - start
        start = time.perf_counter()
        text = render_tidy_csv(grid)
        stages["render responses_tidy.csv"] = time.perf_counter() - start
        start = time.perf_counter()
        write_text(work / "tidy_copy.csv", text)
        stages["write_text it"] = time.perf_counter() - start
        del text
        start = time.perf_counter()
        sha256_file(work / "tidy_copy.csv")
        stages["sha256 it"] = time.perf_counter() - start
        print("prepare stages (one run): " + "; ".join(f"{k} {v:.3f} s" for k, v in stages.items()))
        tidy = (work / "out" / "responses_tidy.csv").stat().st_size / 1e6
        print(f"responses_tidy.csv: {tidy:.1f} MB (one line per respondent x scaled item)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
