"""Measure `clusterresearch init` on a large synthetic SPSS file against reading it alone.

Not a test: it prints timings. It writes a seeded .sav with N respondents (default 64,600,
the size of the largest survey in issue 8) answering K items (default 60) on a labelled
1-5 scale where 1 = "Strongly agree" plus 9 = "Don't know", a region column with 51 values
and an id, then times, best of 3 with time.perf_counter:

- baseline: ``pyreadstat.read_sav(file)`` (the file read once, nothing else);
- init:     ``draft_study(tmp, file)`` (read through read_export plus the SPSS dictionary,
            classify every column, propose scales, write the folder and copy the file).

    python benchmarks/bench_init.py [--respondents 64600] [--items 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat

from clusterresearch.draft import draft_study

AGREE_FIRST = {1: "Strongly agree", 2: "Agree", 3: "Neither agree nor disagree", 4: "Disagree",
               5: "Strongly disagree", 9: "Don't know"}


def make_sav(path: Path, respondents: int, items: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    answers = rng.integers(1, 6, size=(respondents, items)).astype(float)
    answers[rng.random(answers.shape) < 0.03] = 9
    frame = pd.DataFrame(answers, columns=[f"att_{i + 1}" for i in range(items)])
    frame.insert(0, "region", [f"Region {r:02d}" for r in rng.integers(1, 52, size=respondents)])
    frame.insert(0, "respondent_id", np.arange(1, respondents + 1, dtype=float))
    pyreadstat.write_sav(frame, str(path), variable_value_labels={c: AGREE_FIRST for c in frame.columns[2:]},
                         column_labels={c: f"Statement {c[4:]}" for c in frame.columns[2:]})


def best_of(runs: int, action) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=64_600)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_init."))
    try:
        source = work / "survey.sav"
        make_sav(source, args.respondents, args.items, args.seed)
        counter = iter(range(10**6))

        def init() -> None:
            draft_study(work / f"study{next(counter)}", source)

        baseline = best_of(3, lambda: pyreadstat.read_sav(str(source)))
        drafted = best_of(3, init)
        size = source.stat().st_size / 1e6
        print(f"{args.respondents} respondents x {args.items} items, {size:.1f} MB .sav")
        print(f"baseline pyreadstat.read_sav: {baseline:.2f} s")
        print(f"init (draft_study):          {drafted:.2f} s  ({drafted / baseline:.1f}x the bare read)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
