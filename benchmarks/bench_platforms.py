"""Measure `read_export` on large platform exports against reading the same answers as a wide CSV.

Not a test: it prints timings. It writes, seeded, the same N respondents (default 64,600)
x 60 agreement items as (a) a wide CSV read by ``formats.read_table`` and (b) a Qualtrics
export (three header rows, choice text, metadata incl. IPAddress/RecipientEmail, 2 %
previews, 5 % unfinished) and (c) a KoboToolbox ``;`` CSV, then times, best of 3 with
time.perf_counter, each reader and prints the ratios side by side; then ``run_prepare`` on a
study folder holding the wide file and on one holding the Qualtrics export (same instrument,
items mapped by ``column``), best of 3 each.

    python benchmarks/bench_platforms.py [--respondents 64600] [--items 60] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from clusterresearch.loading.formats import read_table
from clusterresearch.loading.platforms import read_export
from clusterresearch.prepare import run_prepare

LABELS = np.array(["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"])


def make_files(folder: Path, n: int, items: int, seed: int) -> dict[str, tuple[Path, set[str]]]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(1, 6, size=(n, items))
    ids = [f"R_{i:015d}" for i in range(n)]
    country = rng.choice(["PL", "LT", "DE", "FR"], size=n)
    names = [f"Q1_{k}" for k in range(1, items + 1)]
    wide = pd.DataFrame(codes, columns=names)
    wide.insert(0, "country", country)
    wide.insert(0, "respondent_id", ids)
    wide.to_csv(folder / "wide.csv", index=False)

    status = np.where(rng.random(n) < 0.02, "Survey Preview", "IP Address")
    finished = np.where(rng.random(n) < 0.05, "False", "True")
    meta = pd.DataFrame({"StartDate": "2024-03-01 10:00:00", "EndDate": "2024-03-01 10:05:00", "Status": status,
                         "IPAddress": "192.0.2.1", "Progress": np.where(finished == "True", 100, 50),
                         "Duration (in seconds)": 300, "Finished": finished, "RecordedDate": "2024-03-01 10:05:01",
                         "ResponseId": ids, "RecipientEmail": "someone@example.org", "UserLanguage": "EN"})
    answers = pd.DataFrame(LABELS[codes - 1], columns=names)
    qualtrics = pd.concat([meta, answers.assign(Q2=country)], axis=1)
    header = list(qualtrics.columns)
    second = pd.DataFrame([header, [f'{{"ImportId":"{c}"}}' for c in header]], columns=header)
    pd.concat([second, qualtrics]).to_csv(folder / "qualtrics.csv", index=False)

    kobo = pd.DataFrame(codes, columns=[f"g/q{k}" for k in range(1, items + 1)])
    kobo.insert(0, "country", country)
    kobo["_id"] = range(n)
    kobo["_uuid"] = ids
    kobo["_submission_time"] = "2024-03-01T09:04:20"
    kobo["_validation_status"] = np.where(rng.random(n) < 0.03, "validation_status_not_approved", "")
    kobo["_submitted_by"] = "enumerator"
    kobo.to_csv(folder / "kobo.csv", index=False, sep=";")
    return {"wide": (folder / "wide.csv", set()),
            "qualtrics": (folder / "qualtrics.csv", {"ResponseId", "Q2", *names}),
            "kobo": (folder / "kobo.csv", {"_uuid", "country", *[f"g/q{k}" for k in range(1, items + 1)]})}


def make_study(folder: Path, responses: Path, items: int) -> Path:
    """A study folder around ``responses``: one area, the built-in agree5 scale, a country group."""
    folder.mkdir()
    (folder / responses.name).write_bytes(responses.read_bytes())
    (folder / "study.toml").write_text(f'title = "Benchmark"\nrespondents = "firms"\nresponses = "{responses.name}"\n'
                                       '\n[[groups]]\ncolumn = "country"\nlabel = "Country"\nkind = "country"\n')
    rows = ["item_id,area,type,text,column"] + [f"i{k},area1,likert,Statement {k},Q1_{k}" for k in range(1, items + 1)]
    (folder / "instrument.csv").write_text("\n".join(rows) + "\n")
    return folder


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=64_600)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = make_files(Path(tmp), args.respondents, args.items, args.seed)
        base = best_of(3, lambda: read_table(files["wide"][0]))
        print(f"{args.respondents} respondents x {args.items} items, best of 3")
        size = files["wide"][0].stat().st_size / 1e6
        print(f"  wide CSV, formats.read_table        {base:7.2f} s   1.00x   {size:5.1f} MB")
        for name in ("qualtrics", "kobo"):
            path, keep = files[name]
            took = best_of(3, lambda: read_export(path, keep=keep))
            exp = read_export(path, keep=keep)
            size = path.stat().st_size / 1e6
            print(f"  {name:<9} read_export (keep)        {took:7.2f} s   {took / base:4.2f}x   {size:5.1f} MB   "
                  f"kept {len(exp.table.frame)}, excluded {exp.excluded}")
        qualtrics = Path(tmp) / "qualtrics_q2.csv"  # the country question keyed "country", as the study maps it
        text = files["qualtrics"][0].read_text(encoding="utf-8")
        head, rest = text.split("\n", 1)
        qualtrics.write_text(head.replace(",Q2", ",country") + "\n" + rest, encoding="utf-8")
        studies = {"wide": make_study(Path(tmp) / "wide_study", files["wide"][0], args.items),
                   "qualtrics": make_study(Path(tmp) / "qualtrics_study", qualtrics, args.items)}
        times = {name: best_of(3, lambda s=study: run_prepare(study=s, out=Path(tmp) / f"out_{s.name}"))
                 for name, study in studies.items()}
        print(f"  prepare --study (wide CSV)          {times['wide']:7.2f} s   1.00x")
        print(f"  prepare --study (Qualtrics export)  {times['qualtrics']:7.2f} s   "
              f"{times['qualtrics'] / times['wide']:4.2f}x")


if __name__ == "__main__":
    main()
