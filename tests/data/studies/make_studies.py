"""Writes the test study folders (run from this folder: python make_studies.py).

Two studies unlike the shipped one, written by hand here so the package is tested on
surveys it was not built around:
- ``agree7_dk``: a 1-7 agree scale with a "Don't know" code (99), three areas of its own,
  a category grouping column (sector) compared pairwise, a country column, an essay item.
- ``labels4_reversed``: a 4-point scale whose codes run from agree (1) to disagree (4),
  answers written as labels in mixed case and spacing, a reverse-keyed item, a category
  grouping column (team) and no comparison.
The answers are seeded random numbers; they stand for no real survey.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent


def write(path: Path, rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def agree7_dk() -> None:
    folder = HERE / "agree7_dk"
    (folder / "study.toml").parent.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text('''title = "Innovation practices of cluster firms (test study)"
citation = "Test study written for clusterresearch's test suite; its answers are seeded random numbers."
respondents = "firms"
respondent = "firm"
responses = "responses.csv"
id_column = "firm_id"
caution = "With 30 firms in three sectors the tests describe; they do not show that sectors differ."
compare = "sector"

[[groups]]
column = "sector"
label = "Sector"
kind = "category"

[[groups]]
column = "country"
label = "Country"
kind = "country"
''', encoding="utf-8")
    write(folder / "scales.csv", [["scale", "code", "label", "side"]] + [
        ["agree7", str(c), label, side] for c, label, side in [
            (1, "Strongly disagree", "disagree"), (2, "Disagree", "disagree"), (3, "Somewhat disagree", "disagree"),
            (4, "Neither", "neutral"), (5, "Somewhat agree", "agree"), (6, "Agree", "agree"),
            (7, "Strongly agree", "agree"), (99, "Don't know", "missing")]])
    items = [
        ("inn_rnd", "innovation", "likert", "We run our own research and development."),
        ("inn_new_products", "innovation", "likert", "We launched a new product in the last two years."),
        ("inn_university", "innovation", "likert", "We work with a university or research institute."),
        ("coop_shared_projects", "cooperation", "likert", "We run joint projects with other cluster firms."),
        ("coop_trust", "cooperation", "likert", "We trust the other firms of the cluster."),
        ("exp_sales_abroad", "export", "likert", "More than a tenth of our sales are abroad."),
        ("exp_fairs", "export", "likert", "We attend international trade fairs."),
        ("inn_barriers", "innovation", "text", "What stops your firm from innovating more?"),
    ]
    write(folder / "instrument.csv", [["item_id", "area", "type", "text", "scale"]] +
          [[i, a, t, x, "" if t == "text" else "agree7"] for i, a, t, x in items])
    write(folder / "areas.csv", [["area", "title", "description"],
                                 ["export", "Export", "Sales and promotion abroad."],
                                 ["innovation", "Innovation", "Research, new products and links to science."],
                                 ["cooperation", "Cooperation", "Joint work and trust between cluster firms."]])
    rng = np.random.default_rng(7)
    sectors = ["food", "metal", "software"]
    rows = [["firm_id", "sector", "country"] + [i for i, *_ in items]]
    for r in range(30):
        level = rng.normal(0, 1)
        answers = []
        for item, area, kind, _ in items:
            if kind == "text":
                answers.append("Cost & <time>, \"mostly\"." if r % 7 == 0 else "")
                continue
            if rng.random() < 0.08:
                answers.append("99")
            elif rng.random() < 0.05:
                answers.append("")
            else:
                answers.append(str(int(np.clip(np.round(4.4 + 1.3 * level + rng.normal(0, 1)), 1, 7))))
        rows.append([f"F{r + 1:03d}", sectors[r % 3], "DE" if r % 2 else "AT"] + answers)
    write(folder / "responses.csv", rows)


def labels4_reversed() -> None:
    folder = HERE / "labels4_reversed"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "study.toml").write_text('''title = "Team climate in a cluster organisation (test study)"
respondents = "staff members"
respondent = "staff member"
responses = "answers.csv"
id_column = "person"

[[groups]]
column = "team"
label = "Team"
kind = "category"
''', encoding="utf-8")
    write(folder / "scales.csv", [["scale", "code", "label", "side"],
                                  ["agree4", "4", "Strongly disagree", "disagree"],
                                  ["agree4", "3", "Disagree", "disagree"],
                                  ["agree4", "2", "Agree", "agree"],
                                  ["agree4", "1", "Strongly agree", "agree"]])
    write(folder / "instrument.csv", [["item_id", "area", "type", "text", "scale", "reverse", "column"],
                                      ["clim_help", "climate", "likert", "Colleagues help each other.", "agree4", "false", "Q1"],
                                      ["clim_open", "climate", "likert", "I can say what I think.", "agree4", "false", "Q2"],
                                      ["clim_blame", "climate", "likert", "Mistakes are held against you.", "agree4", "true", "Q3"],
                                      ["lead_clear", "leadership", "likert", "Goals are clear.", "agree4", "false", "Q4"],
                                      ["lead_feedback", "leadership", "likert", "I get useful feedback.", "agree4", "false", "Q5"]])
    spellings = {1: ["Strongly agree", "strongly agree", "STRONGLY  AGREE"], 2: ["Agree", " agree"],
                 3: ["Disagree", "disagree "], 4: ["Strongly disagree", "strongly disagree"]}
    rng = np.random.default_rng(4)
    rows = [["person", "team", "Q1", "Q2", "Q3", "Q4", "Q5"]]
    for r in range(20):
        level = rng.normal(0, 1)
        cells = []
        for q in range(5):
            position = int(np.clip(np.round(2.8 + level * (-1 if q == 2 else 1) + rng.normal(0, 0.7)), 1, 4))
            code = 5 - position  # position 4 (most positive) is code 1, "Strongly agree"
            if q == 0:
                code = 1 if r < 8 else (2 if r < 16 else 4)  # Q1: 16 of 20 agree (80 %)
            choices = spellings[code]
            cells.append(choices[r % len(choices)])
        rows.append([f"P{r + 1:02d}", ["alpha", "beta"][r % 2], *cells])
    write(folder / "answers.csv", rows)


if __name__ == "__main__":
    agree7_dk()
    labels4_reversed()
