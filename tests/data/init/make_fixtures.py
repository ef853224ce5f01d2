"""Write the fixtures of tests/test_init.py (run from anywhere: `python tests/data/init/make_fixtures.py`).

One set of made-up answers (12 respondents; not survey data of anyone), written as:
- survey.sav: SPSS with variable labels and value labels, as a researcher's file would be:
  an agree/disagree 5-point scale with 9 = "Don't know" (not declared missing: the words tell),
  a reversed accuracy scale (1 = "Very accurate" ... 5 = "Very inaccurate"), a 1-7 item pair
  without labels, a labelled sector code, an ISO country column, an id and an e-mail address.
- qualtrics.csv: the same answers as a Qualtrics CSV export with its three header rows
  (column ids, question text, ImportId JSON) and choice texts as answers, as Qualtrics
  documents its "Export Data > CSV, use choice text" layout; one preview response added.
- by_hand/responses.csv: the same answers as a wide CSV, for the hand-written study folder
  by_hand/ (study.toml, instrument.csv, scales.csv, areas.csv are written by hand, not here).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pyreadstat

HERE = Path(__file__).resolve().parent

AGREE = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree",
         9: "Don't know"}
ACCURACY = {1: "Very accurate", 2: "Moderately accurate", 3: "Neither accurate nor inaccurate",
            4: "Moderately inaccurate", 5: "Very inaccurate"}
QUESTION = {
    "comm_1": "Internal communication in my cluster works well.",
    "comm_2": "Members share information with each other quickly.",
    "comm_3": "I use at least one foreign language with cluster members.",
    "acc_1": "I plan projects well ahead.",
    "acc_2": "I keep to the budget I set.",
    "sat_1": "How satisfied are you with the cluster's events?",
    "sat_2": "How satisfied are you with the cluster's training?",
    "overall": "Overall, the cluster helps my organisation.",
}
# respondent: country, sector, comm_1..3, acc_1..2, sat_1..2, overall  (9 = Don't know)
ANSWERS = [
    (101, "PL", 1, 5, 4, 9, 1, 2, 7, 6, 4),
    (102, "PL", 2, 4, 4, 3, 2, 1, 5, 5, 5),
    (103, "PL", 1, 2, 3, 4, 3, 3, 4, 3, 3),
    (104, "PL", 1, 4, 5, 5, 1, 1, 6, 7, 4),
    (105, "PL", 2, 3, 9, 2, 2, 4, 2, 1, 2),
    (106, "PL", 2, 5, 4, 4, 5, 2, 3, 4, 9),
    (107, "PL", 1, 1, 2, 1, 4, 5, 1, 2, 1),
    (108, "LT", 2, 4, 5, 4, 1, 2, 7, 6, 5),
    (109, "LT", 1, 2, 2, 3, 3, 3, 5, 5, 3),
    (110, "LT", 2, 9, 4, 5, 2, 1, 6, 4, 4),
    (111, "LT", 1, 3, 3, 2, 4, 4, 3, 2, 2),
    (112, "LT", 2, 5, 5, 4, 1, 2, 4, 5, 4),
]
ITEMS = ["comm_1", "comm_2", "comm_3", "acc_1", "acc_2", "sat_1", "sat_2", "overall"]
SECTOR = {1: "Manufacturing", 2: "Services"}


def answers() -> pd.DataFrame:
    frame = pd.DataFrame(ANSWERS, columns=["resp_id", "country", "sector"] + ITEMS)
    frame["email"] = [f"r{r}@example.org" for r in frame["resp_id"]]
    return frame


def write_sav(frame: pd.DataFrame, path: Path) -> None:
    data = frame[["resp_id", "country", "sector", "email"] + ITEMS].astype({c: float for c in ["resp_id", "sector"] + ITEMS})
    labels = {name: AGREE for name in ("comm_1", "comm_2", "comm_3", "overall")}
    labels.update({"acc_1": ACCURACY, "acc_2": ACCURACY, "sector": SECTOR})
    pyreadstat.write_sav(
        data, str(path),
        column_labels={"resp_id": "Respondent", "country": "Country", "sector": "Sector", "email": "E-mail", **QUESTION},
        variable_value_labels=labels,
        variable_measure={"resp_id": "scale", "country": "nominal", "sector": "nominal", "email": "nominal",
                          **{name: "ordinal" for name in ITEMS}},
    )


QUALTRICS_META = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
                  "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
                  "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"]
QUALTRICS_ITEMS = {"comm_1": "Q1_1", "comm_2": "Q1_2", "comm_3": "Q1_3", "acc_1": "Q2_1", "acc_2": "Q2_2",
                   "sat_1": "Q3_1", "sat_2": "Q3_2", "overall": "Q4"}
AGREE_CHOICES = {1: "Strongly disagree", 2: "Somewhat disagree", 3: "Neither agree nor disagree",
                 4: "Somewhat agree", 5: "Strongly agree", 9: "Don't know"}
SATISFACTION = {1: "Extremely dissatisfied", 2: "Moderately dissatisfied", 3: "Slightly dissatisfied",
                4: "Neither satisfied nor dissatisfied", 5: "Slightly satisfied", 6: "Moderately satisfied",
                7: "Extremely satisfied"}
MATRIX = {"Q1": "How much do you agree with each statement?",
          "Q2": "How accurately does each statement describe you?",
          "Q3": "How satisfied are you with the cluster's offer?"}


def _qualtrics_text(item: str) -> str:
    column = QUALTRICS_ITEMS[item]
    stem = MATRIX.get(column.split("_")[0])
    if stem is None:
        return QUESTION[item]
    own = {"sat_1": "Events", "sat_2": "Training"}.get(item, QUESTION[item])
    return f"{stem} - {own}"


def _import_id(column: str) -> str:
    head, _, tail = column.partition("_")
    return '{"ImportId":"QID%s%s"}' % (head[1:], f"_{tail}" if tail else "")


def write_qualtrics(frame: pd.DataFrame, path: Path) -> None:
    header = QUALTRICS_META + [QUALTRICS_ITEMS[i] for i in ITEMS] + ["country"]
    texts = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)",
             "Finished", "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name",
             "Recipient Email", "External Data Reference", "Location Latitude", "Location Longitude",
             "Distribution Channel", "User Language"] + [_qualtrics_text(i) for i in ITEMS] + ["country"]
    ids = ['{"ImportId":"%s"}' % k for k in ("startDate", "endDate", "status", "ipAddress", "progress", "duration",
                                            "finished", "recordedDate", "_recordId", "recipientLastName",
                                            "recipientFirstName", "recipientEmail", "externalDataReference",
                                            "locationLatitude", "locationLongitude", "distributionChannel",
                                            "userLanguage")]
    ids += [_import_id(QUALTRICS_ITEMS[i]) for i in ITEMS] + ['{"ImportId":"country"}']
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([header, texts, ids])
    preview = ["2026-03-01 09:00:00", "2026-03-01 09:01:00", "Survey Preview", "", "100", "60", "True",
               "2026-03-01 09:01:00", "R_preview0000001", "", "", "", "", "", "", "preview", "EN"]
    writer.writerow(preview + ["Strongly agree"] * 3 + ["Very accurate"] * 2 + ["Extremely satisfied"] * 2
                    + ["Strongly agree", "PL"])
    for n, row in enumerate(frame.itertuples(index=False), start=1):
        meta = [f"2026-03-02 10:{n:02d}:00", f"2026-03-02 10:{n + 5:02d}:00", "IP Address", f"192.0.2.{n}", "100",
                "300", "True", f"2026-03-02 10:{n + 5:02d}:00", f"R_{row.resp_id:015d}", f"Last{n}", f"First{n}",
                row.email, "", "52.40", "16.92", "anonymous", "EN"]
        values = row._asdict()
        choices = [AGREE_CHOICES[values[i]] for i in ("comm_1", "comm_2", "comm_3")]
        choices += [ACCURACY[values[i]] for i in ("acc_1", "acc_2")]
        choices += [SATISFACTION[values[i]] for i in ("sat_1", "sat_2")]
        choices += [AGREE_CHOICES[values["overall"]]]
        writer.writerow(meta + choices + [row.country])
    path.write_bytes(b"\xef\xbb\xbf" + out.getvalue().encode("utf-8"))


def write_wide(frame: pd.DataFrame, path: Path) -> None:
    wide = frame[["resp_id", "country", "sector"] + ITEMS].rename(columns={"resp_id": "respondent_id"})
    wide["sector"] = wide["sector"].map(SECTOR)
    path.write_text(wide.to_csv(index=False, lineterminator="\n"), encoding="utf-8")


def main() -> None:
    frame = answers()
    write_sav(frame, HERE / "survey.sav")
    write_qualtrics(frame, HERE / "qualtrics.csv")
    (HERE / "by_hand").mkdir(exist_ok=True)
    write_wide(frame, HERE / "by_hand" / "responses.csv")


if __name__ == "__main__":
    main()
