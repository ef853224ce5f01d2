"""The 64,600-respondent case of issue 8: prepare and one all-data report on a large study.

Writes a synthetic study folder (64,600 respondents, 25 items in 5 areas on a 1-5 scale
coded from agree (1) to disagree (5), a "Don't know" code, 51 regions, one reverse-keyed
item per area) to a temporary folder, then times, side by side in one run:
  - a bare pandas read_csv of the responses file (the floor),
  - `clusterresearch prepare --study DIR` in process,
  - one all-data report: papermill of notebooks/competencies.ipynb on the study (fresh kernel).
Goals: prepare under 10 s, the report under 30 s on the project's 2-core machine.

    python benchmarks/bench_large_study.py [--respondents 64600]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

AREAS = ("trust", "support", "equality", "safety", "voice")


def write_study(folder: Path, n: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text(
        'title = "Synthetic attitude battery (benchmark)"\nrespondents = "respondents"\n'
        'responses = "responses.csv"\ncompare = "region"\n\n[[groups]]\ncolumn = "region"\n'
        'label = "Region"\nkind = "category"\n', encoding="utf-8")
    scale = ["scale,code,label,side", "agree5r,5,Strongly disagree,disagree", "agree5r,4,Disagree,disagree",
             "agree5r,3,Neither,neutral", "agree5r,2,Agree,agree", "agree5r,1,Strongly agree,agree",
             "agree5r,9,Don't know,missing"]
    (folder / "scales.csv").write_text("\n".join(scale) + "\n", encoding="utf-8")
    rows = ["item_id,area,type,text,scale,reverse"]
    for a, area in enumerate(AREAS):
        for i in range(5):
            rows.append(f"{area}_{i},{area},likert,Statement {i + 1} on {area}.,agree5r,{'true' if i == 4 else 'false'}")
    (folder / "instrument.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    level = rng.normal(0, 1, n)
    data = {"respondent_id": [f"R{i:06d}" for i in range(n)],
            "region": [f"region{r:02d}" for r in rng.integers(0, 51, n)]}
    for a, area in enumerate(AREAS):
        for i in range(5):
            sign = -1 if i == 4 else 1
            position = np.clip(np.round(3 + sign * level + rng.normal(0, 1, n)), 1, 5).astype(int)
            code = (6 - position).astype(object)
            code[rng.random(n) < 0.03] = 9
            code[rng.random(n) < 0.02] = ""
            data[f"{area}_{i}"] = code
    pd.DataFrame(data).to_csv(folder / "responses.csv", index=False)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=64_600)
    args = parser.parse_args()
    import papermill

    from clusterresearch import config
    from clusterresearch.prepare import run_prepare

    with tempfile.TemporaryDirectory() as tmp:
        study = Path(tmp) / "study"
        write_study(study, args.respondents)
        t = time.perf_counter()
        pd.read_csv(study / "responses.csv")
        bare = time.perf_counter() - t
        t = time.perf_counter()
        run_prepare(study=study, out=Path(tmp) / "prepared")
        prepare = time.perf_counter() - t
        memory = peak_mb()
        t = time.perf_counter()
        papermill.execute_notebook(str(config.COMPETENCIES_NOTEBOOK), str(Path(tmp) / "report.ipynb"),
                                   parameters={"study_dir": str(study), "output_dir": str(Path(tmp) / "figures")},
                                   progress_bar=False, cwd=str(config.NOTEBOOKS_DIR))
        report = time.perf_counter() - t
    print(f"study: {args.respondents:,} respondents x 25 items, 51 regions")
    print(f"bare read_csv              {bare:6.2f} s")
    print(f"prepare --study            {prepare:6.2f} s  ({prepare / bare:.1f}x the read; goal < 10 s)  "
          f"peak RSS {memory:,.0f} MB")
    print(f"one all-data report        {report:6.2f} s  (fresh kernel; goal < 30 s)")


if __name__ == "__main__":
    main()
