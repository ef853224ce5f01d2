"""Writes the bad-study corpus (run from this folder: python make_bad.py).

Each case is a study folder that differs from ``BASE`` in one file; EXPECTED (in
tests/test_study.py) says which file, row and column its one-line error must name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).parent

BASE = {
    "study.toml": '''title = "Bad-case base study"
respondents = "respondents"
responses = "responses.csv"
compare = "unit"

[[groups]]
column = "unit"
label = "Unit"
kind = "category"
names = "units.csv"

[[groups]]
column = "country"
label = "Country"
kind = "country"
''',
    "instrument.csv": "item_id,area,type,text,scale,reverse\nq1,alpha,likert,First.,yes3,false\n"
                      "q2,alpha,likert,Second.,yes3,true\nq3,beta,likert,Third.,,false\n",
    "scales.csv": "scale,code,label,side\nyes3,0,No,disagree\nyes3,1,Partly,neutral\nyes3,2,Yes,agree\n"
                  "yes3,9,Not applicable,missing\n",
    "areas.csv": "area,title,description\nbeta,Beta,Second area.\nalpha,Alpha,First area.\n",
    "units.csv": "unit,name,country\nU1,Unit one,DE\nU2,Unit two,FR\n",
    "responses.csv": "respondent_id,unit,country,q1,q2,q3\nA,U1,DE,0,Yes,4\nB,U1,DE,2,Partly,5\nC,U2,FR,9,no,\n",
}

CASES = {
    "toml_malformed": {"study.toml": 'title = "unclosed\nrespondents = "x"\n'},
    "toml_no_respondents": {"study.toml": BASE["study.toml"].replace('respondents = "respondents"\n', "")},
    "toml_group_kind": {"study.toml": BASE["study.toml"].replace('kind = "category"', 'kind = "region"')},
    "toml_compare_unknown": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "sector"')},
    "toml_responses_missing": {"study.toml": BASE["study.toml"].replace('"responses.csv"', '"answers.csv"')},
    "toml_unknown_key": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nwieght = "w"')},
    "toml_group_unknown_key": {"study.toml": BASE["study.toml"].replace('label = "Unit"', 'lable = "Unit"')},
    "toml_group_missing_not_list": {"study.toml": BASE["study.toml"].replace('label = "Unit"', 'label = "Unit"\nmissing = "DK"')},
    "toml_group_ordered_not_bool": {"study.toml": BASE["study.toml"].replace('label = "Unit"', 'label = "Unit"\nordered = "yes"')},
    "toml_weight_not_text": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = 2')},
    "toml_weight_is_group": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "unit"')},
    "toml_kinds_unknown": {"study.toml": BASE["study.toml"] + '\n[kinds]\nlikret = "self-rated"\n'},
    "weight_not_positive": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "w"'),
                            "responses.csv": "respondent_id,unit,country,w,q1,q2,q3\nA,U1,DE,1.5,0,Yes,4\n"
                                             "B,U1,DE,0,2,Partly,5\nC,U2,FR,2,9,no,\n"},
    "weight_not_a_number": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "w"'),
                            "responses.csv": "respondent_id,unit,country,w,q1,q2,q3\nA,U1,DE,1.5,0,Yes,4\n"
                                             "B,U1,DE,2,2,Partly,5\nC,U2,FR,heavy,9,no,\n"},
    # a comma-decimal locale's semicolon file: the weight 1,5 is refused with the hint to write a point
    "weight_decimal_comma": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "w"'),
                             "responses.csv": "respondent_id;unit;country;w;q1;q2;q3\nA;U1;DE;1,5;0;Yes;4\n"
                                              "B;U1;DE;2;2;Partly;5\nC;U2;FR;0,75;9;no;\n"},
    "weight_column_absent": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "w"')},
    "strata_empty": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nstrata = "s"'),
                     "responses.csv": "respondent_id,unit,country,s,q1,q2,q3\nA,U1,DE,S1,0,Yes,4\n"
                                      "B,U1,DE,,2,Partly,5\nC,U2,FR,S2,9,no,\n"},
    # ids whose text order (A10 before A9) differs from the file's: the error names the
    # first bad row of the file, not of the sorted respondents
    "weight_first_bad_row": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\nweight = "w"'),
                             "responses.csv": "respondent_id,unit,country,w,q1,q2,q3\nA9,U1,DE,-1,0,Yes,4\n"
                                              "A10,U1,DE,0,2,Partly,5\nC,U2,FR,2,9,no,\n"},
    "psu_first_empty_row": {"study.toml": BASE["study.toml"].replace('compare = "unit"', 'compare = "unit"\npsu = "p"'),
                            "responses.csv": "respondent_id,unit,country,p,q1,q2,q3\nA9,U1,DE,,0,Yes,4\n"
                                             "A10,U1,DE,,2,Partly,5\nC,U2,FR,P2,9,no,\n"},
    "group_column_absent": {"responses.csv": BASE["responses.csv"].replace("unit,", "team,", 1)},
    "scale_unknown": {"instrument.csv": BASE["instrument.csv"].replace("Second.,yes3", "Second.,yes9")},
    "scale_one_answer": {"scales.csv": "scale,code,label,side\nyes3,1,Yes,agree\nyes3,9,Not applicable,missing\n"},
    "scale_side_invalid": {"scales.csv": BASE["scales.csv"].replace("Partly,neutral", "Partly,middle")},
    "scale_side_order": {"scales.csv": "scale,code,label,side\nyes3,2,Yes,agree\nyes3,1,Partly,neutral\nyes3,0,No,disagree\n"},
    "scale_duplicate_code": {"scales.csv": BASE["scales.csv"].replace("yes3,2,Yes", "yes3,1,Yes")},
    "instrument_duplicate_item": {"instrument.csv": BASE["instrument.csv"].replace("q2,alpha", "q1,alpha")},
    "instrument_reverse_word": {"instrument.csv": BASE["instrument.csv"].replace("Second.,yes3,true", "Second.,yes3,maybe")},
    "areas_area_without_item": {"areas.csv": BASE["areas.csv"] + "gamma,Gamma,No item has it.\n"},
    "areas_area_not_listed": {"areas.csv": "area,title,description\nalpha,Alpha,First area.\n"},
    "answer_label_unknown": {"responses.csv": BASE["responses.csv"].replace("2,Partly", "2,Sometimes")},
    "answer_code_outside": {"responses.csv": BASE["responses.csv"].replace("A,U1,DE,0", "A,U1,DE,3")},
    "answer_not_whole": {"responses.csv": BASE["responses.csv"].replace("B,U1,DE,2", "B,U1,DE,1.5")},
    "country_not_iso": {"responses.csv": BASE["responses.csv"].replace("C,U2,FR", "C,U2,XX"),
                        "units.csv": BASE["units.csv"].replace("U2,Unit two,FR", "U2,Unit two,XX")},
    "country_not_iso_in_responses": {"study.toml": BASE["study.toml"].replace('names = "units.csv"\n', ""),
                                     "responses.csv": BASE["responses.csv"].replace("C,U2,FR", "C,U2,fr")},
    "names_unknown_group": {"responses.csv": BASE["responses.csv"].replace("C,U2,FR", "C,U3,FR")},
    "names_other_country": {"responses.csv": BASE["responses.csv"].replace("C,U2,FR", "C,U2,DE")},
    "id_column_missing": {"responses.csv": BASE["responses.csv"].replace("respondent_id,", "id,", 1)},
}


def build(folder: Path, changes: dict[str, str]) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, text in {**BASE, **changes}.items():
        (folder / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    build(HERE / "_base", {})
    for case, changes in CASES.items():
        build(HERE / case, changes)
