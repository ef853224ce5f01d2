"""Writes the two XLSX fixtures (run once; the .xlsx files are committed).

qualtrics_numeric.xlsx: a Qualtrics "Download data table" XLSX with "Use numeric values":
the three header rows of the CSV layout, Status and Finished as codes, answers as numbers.
kobo_labels.xlsx: a KoboToolbox XLS export with "Labels" as header format (no group
hierarchy) and the HXL hashtag row KoboToolbox adds under the header of tagged forms.
"""

from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent
META = ["StartDate", "EndDate", "Status", "IPAddress", "Progress", "Duration (in seconds)", "Finished",
        "RecordedDate", "ResponseId", "RecipientLastName", "RecipientFirstName", "RecipientEmail",
        "ExternalReference", "LocationLatitude", "LocationLongitude", "DistributionChannel", "UserLanguage"]
IMPORT = ["startDate", "endDate", "status", "ipAddress", "progress", "duration", "finished", "recordedDate",
          "_recordId", "recipientLastName", "recipientFirstName", "recipientEmail", "externalDataReference",
          "locationLatitude", "locationLongitude", "distributionChannel", "userLanguage"]
TEXTS = ["Start Date", "End Date", "Response Type", "IP Address", "Progress", "Duration (in seconds)", "Finished",
         "Recorded Date", "Response ID", "Recipient Last Name", "Recipient First Name", "Recipient Email",
         "External Data Reference", "Location Latitude", "Location Longitude", "Distribution Channel", "User Language"]
Q = "How far do you agree with each statement about your cluster?"
STATEMENTS = ["Our cluster shares information regularly", "Firms in the cluster trust each other",
              "We cooperate with universities", "Conflicts between members are rare"]
LABELS = {1: "Strongly disagree", 2: "Disagree", 3: "Neither agree nor disagree", 4: "Agree", 5: "Strongly agree"}
# status, ip, progress, finished, response id, e-mail, answers, country, cluster
PEOPLE = [
    (0, "203.0.113.77", 100, 1, "R_1dA3kPq9ZxY2mNb", "planted.7f3c@example.org", (4, 5, 3, 4), "PL", "K1"),
    (0, "198.51.100.14", 100, 1, "R_2bQ8wLm4TcV7hJe", None, (2, 4, 4, 5), "PL", "K1"),
    (0, "192.0.2.31", 100, 1, "R_3cF5nRt1GyU6kLw", None, (5, 5, 4, 3), "LT", "K2"),
    (1, None, 100, 1, "R_4dG2pSx8HzI3oMq", None, (3, 3, 3, 3), "PL", "K1"),
    (0, "192.0.2.88", 100, 1, "R_5eH7qTy2JaO9pNr", None, (1, 2, 3, 4), "LT", "K2"),
    (0, "198.51.100.201", 100, 1, "R_6fJ4rUz5KbP1qOs", None, (4, 4, None, 2), "PL", "K2"),
    (0, "192.0.2.140", 50, 0, "R_7gK9sVa3LcQ8rPt", None, (4, 3, None, None), "LT", "K1"),
    (0, "203.0.113.9", 100, 1, "R_8hL1tWb6MdR2sQu", None, (3, 4, 5, 5), "LT", "K1"),
]


def qualtrics() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(META + ["Q1_1", "Q1_2", "Q1_3", "Q1_4", "Q2", "Q3"])
    sheet.append(TEXTS + [f"{Q} - {s}" for s in STATEMENTS]
                 + ["In which country is your firm?", "Which cluster is your firm a member of?"])
    sheet.append([f'{{"ImportId":"{i}"}}' for i in IMPORT]
                 + [f'{{"ImportId":"QID1_{k}"}}' for k in range(1, 5)] + ['{"ImportId":"QID2_TEXT"}', '{"ImportId":"QID3_TEXT"}'])
    for n, (status, ip, progress, finished, rid, email, answers, country, cluster) in enumerate(PEOPLE, start=1):
        sheet.append([f"2024-03-0{min(n, 9)} 10:00:00", f"2024-03-0{min(n, 9)} 10:04:00", status, ip, progress, 240,
                      finished, f"2024-03-0{min(n, 9)} 10:04:01", rid, None, None, email, None, None, None,
                      "preview" if status else "anonymous", "EN", *answers, country, cluster])
    book.save(HERE / "qualtrics_numeric.xlsx")


def kobo() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["start", "end", *STATEMENTS, "In which country is your firm?",
                  "Which cluster is your firm a member of?", "email", "_id", "_uuid", "_submission_time",
                  "_validation_status", "_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"])
    sheet.append(["", "", "#indicator+info", "#indicator+trust", "#indicator+univ", "#indicator+conflict",
                  "#country+code", "#group+cluster", "", "", "", "", "", "", "", "", "", "", ""])
    kept = [p for p in PEOPLE if p[0] == 0]
    for n, (_, _, _, finished, rid, email, answers, country, cluster) in enumerate(kept, start=1):
        status = "Not Approved" if not finished else ("Approved" if n % 2 else "")
        sheet.append([f"2024-03-0{n}T10:00:00.000+01:00", f"2024-03-0{n}T10:04:00.000+01:00",
                      *[LABELS[a] if a else None for a in answers], country, cluster, email, 400 + n,
                      f"0000000{n}-aaaa-4bbb-8ccc-dddddddddddd", f"2024-03-0{n}T09:04:10", status, None,
                      "submitted_via_web", "enumerator_x", "vQx8ZmVb3kLgT2", None, n])
    book.save(HERE / "kobo_labels.xlsx")


if __name__ == "__main__":
    qualtrics()
    kobo()
