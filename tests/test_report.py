"""Narrative sentences from numbers, escaped HTML tables and essays, small-cell masking."""

import math

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config, report
from clusterresearch.disclosure import Disclosure
from clusterresearch.formatting import percent as format_percent
from clusterresearch.report import HtmlFragment, essay_block, html_table, share_sentence


def area_paragraph(*args, **kwargs):
    """The paragraph of a page that may show everything (Disclosure(0)) unless told."""
    kwargs.setdefault("disclosure", Disclosure(0))
    return report.area_paragraph(*args, **kwargs)


def mask_small_cells(frame, n_col="n", min_cell=3, value_cols=None, group_n_cols=()):
    return Disclosure(min_cell).mask(frame, n_col=n_col, value_cols=value_cols, group_n_cols=group_n_cols)


def wilson(k, n, z=1.959963984540054):
    """Wilson (1927) score interval written out, to check the statsmodels call."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_share_sentence_as_in_the_paper():
    low, high = wilson(10, 12)
    assert (round(low * 100), round(high * 100)) == (55, 95)
    assert share_sentence(10, 12, "wrote technical and financial reports effectively", "manager") == (
        "10 of 12 managers (83 %, 95 % CI 55-95 %) wrote technical and financial reports effectively."
    )


def test_share_sentence_single_manager_and_none():
    assert share_sentence(1, 1, "wrote reports effectively.", "manager") == (
        "1 of 1 manager (one person's answer; no interval) wrote reports effectively."
    )
    assert share_sentence(0, 1, "used a newsletter", "manager") == (
        "0 of 1 manager (one person's answer; no interval) used a newsletter."
    )
    assert share_sentence(0, 0, "used a newsletter", "manager") == "No manager answered, so no share can be given for: used a newsletter."
    with pytest.raises(ValueError):
        share_sentence(3, 2, "x")


def test_share_sentence_edges_of_the_interval():
    # 0 of 12: Wilson lower bound is 0; 12 of 12: upper bound 100.
    assert share_sentence(0, 12, "x", "manager").startswith("0 of 12 managers (0 %, 95 % CI 0-24 %)")
    assert share_sentence(12, 12, "x", "manager").startswith("12 of 12 managers (100 %, 95 % CI 76-100 %)")


def test_percent_rounds_halves_up():
    assert format_percent(1 / 8) == "13 %"
    assert format_percent(0.005) == "1 %"
    assert format_percent(2 / 3) == "67 %"


def test_one_formatting_module_for_counts_numbers_and_absent_values():
    from clusterresearch.formatting import NBSP, count_share, interval, number, percent

    assert percent(0.285) == "29 %" and percent(2 / 3, 1) == "66.7 %" and percent(0.5, nbsp=True) == f"50{NBSP}%"
    assert percent(float("nan")) == "" and percent(None, 1, missing="n/a") == "n/a"
    assert count_share(10, 12) == f"10/12{NBSP}(83{NBSP}%)" and count_share(0, 0) == ""
    assert interval(0.554, 0.955) == f"55–96{NBSP}%" and interval(np.nan, 0.5) == ""
    assert number(3.14159) == "3.14" and number(2.5, 0) == "2" and number(np.nan, 3, missing="–") == "–"


def items(*rows):
    cols = ["area", "type", "item_id", "text", "n", "n_agree", "mean"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_area_paragraph_highest_lowest_and_level():
    table = items(
        ("project_funding", "likert", "reports", "I write reports effectively.", 12, 10, 4.1),
        ("project_funding", "likert", "gantt", "I use Gantt charts", 12, 2, 2.0),
        ("project_funding", "likert", "calls", "I monitor grant calls", 12, 9, 3.9),
        ("project_funding", "desired", "wish", "Desired level", 12, 12, 5.0),
        ("budgeting", "likert", "other", "Other area", 12, 12, 5.0),
    )
    named = {"title": "Project funding application (Figure 4)", "noun": "manager"}
    text = area_paragraph(table, "project_funding", **named)
    assert text == (
        "In Project funding application (Figure 4) most managers agreed with “I write reports effectively”: "
        "10 of 12 managers (83 %, 95 % CI 55-95 %). "
        "Fewest agreed with “I use Gantt charts”: 2 of 12 managers (17 %, 95 % CI 5-45 %). "
        "Across its 3 statements the mean position of all 36 answers is 3.3 on the 1-5 scale."
    )
    with_index = area_paragraph(table, "project_funding", area_index=3.26, n_respondents=12, **named)
    assert with_index.endswith("The area index (each manager's mean answer, averaged over 12 managers) is 3.3 on the 1-5 range.")
    firms = area_paragraph(table, "project_funding", noun="firm", area_index=3.26, n_respondents=12, index_range="1-7")
    assert "manager" not in firms and "Figure" not in firms
    assert firms.startswith("In project_funding most firms agreed") and firms.endswith("is 3.3 on the 1-7 range.")


def test_area_paragraph_single_manager_ties_and_nothing():
    one = items(("marketing", "likert", "a", "Promote services", 1, 1, 5.0),
                ("marketing", "likert", "b", "Have a strategy", 1, 0, 2.0))
    named = {"title": "Marketing and promotion (Figure 7)", "noun": "manager"}
    assert area_paragraph(one, "marketing", **named).startswith(
        "In Marketing and promotion (Figure 7) one manager answered (one person's answers; no interval) "
        "and agreed with 1 of the 2 statements (“Promote services”)."
    )
    same = items(("marketing", "likert", "a", "", 4, 2, 3.0), ("marketing", "likert", "b", None, 4, 2, 3.0))
    assert "agreement was the same for all 2 statements: 2 of 4 managers" in area_paragraph(same, "marketing", **named)
    blank = items(("marketing", "likert", "a", "x", 0, 0, np.nan))
    assert area_paragraph(blank, "marketing", **named) == "Marketing and promotion (Figure 7): no manager answered the statements of this area."
    assert "no statements" in area_paragraph(items(), "marketing")


HOSTILE = "<script>alert(1)</script> & \"quoted\" 'single'"


def test_html_table_escapes_every_cell_and_header_without_index():
    frame = pd.DataFrame({"statement <b>": [HOSTILE, "plain"], "share": [0.8333, np.nan], "n": [12, 5]})
    out = html_table(frame)
    assert isinstance(out, HtmlFragment) and out._repr_html_() == str(out)
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;" in out
    assert "statement &lt;b&gt;" in out
    assert "<td>0.83</td>" in out and "<td>–</td>" in out
    assert "<th></th>" not in out and "<td>0</td>" not in out   # no index column


def test_mask_small_cells():
    frame = pd.DataFrame({"item_id": ["a", "b", "c"], "n": [12, 2, np.nan], "share": [0.5, 1.0, 0.0], "n_agree": [6, 2, 0]})
    masked = mask_small_cells(frame, n_col="n", min_cell=3)
    assert list(masked["share"]) == [0.5, "suppressed (n < 3)", "suppressed (n < 3)"]
    assert list(masked["n_agree"]) == [6, "suppressed (n < 3)", "suppressed (n < 3)"]
    assert list(masked["item_id"]) == ["a", "b", "c"]
    assert frame["share"].tolist() == [0.5, 1.0, 0.0]   # input untouched
    only = mask_small_cells(frame, min_cell=13, value_cols=["share"])
    assert list(only["n_agree"]) == [6, 2, 0] and set(only["share"]) == {"suppressed (n < 13)"}
    with pytest.raises(KeyError):
        mask_small_cells(frame, value_cols=["missing"])


def test_essay_block_escapes_and_keeps_clusters_anonymous():
    essays = pd.DataFrame({
        "respondent_id": ["R01", "R02"], "country": ["PL", "LT"], "cluster": ["PL01", "LT03"],
        "item_id": ["q", "q"], "area": ["negotiation"] * 2, "text": [HOSTILE, "line one\nline two"],
    })
    instrument = pd.DataFrame({"item_id": ["q"], "text": ["Describe a conflict & how it was solved."]})
    out = essay_block(essays, instrument)
    assert isinstance(out, HtmlFragment)
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;" in out
    assert "<h4>Describe a conflict &amp; how it was solved.</h4>" in out
    assert "line one<br>\nline two" in out
    assert "<footer>PL</footer>" in out and "PL01" not in out
    assert "No essay answers" in essay_block(essays.iloc[:0])


def test_area_paragraph_statements_from_texts_and_small_cells():
    rows = items(("communication", "likert", "a", None, 12, 10, 4.0),
                 ("communication", "likert", "b", None, 2, 0, 1.0),
                 ("communication", "likert", "c", None, 12, 3, 2.0)).drop(columns="text")
    texts = pd.Series({"a": "We talk", "b": "We write", "c": "We listen"})
    named = {"title": "Communication (Figure 1)", "noun": "manager"}
    text = area_paragraph(rows, "communication", texts=texts, disclosure=Disclosure(3), **named)
    assert "“We talk”: 10 of 12" in text and "“We listen”: 3 of 12" in text
    assert "We write" not in text   # n = 2 < 3 left out
    small = area_paragraph(rows, "communication", texts=texts, disclosure=Disclosure(13), **named)
    assert report.area_paragraph(rows, "communication", texts=texts, **named) == text  # default: config.MIN_GROUP
    assert small == ("Communication (Figure 1): fewer than 13 managers answered each statement in this scope, "
                     "so no shares are reported (suppressed, n < 13).")


def test_mask_small_cells_by_group_sizes_and_off_switch():
    table = pd.DataFrame({"area": ["x", "y"], "n_a": [7, 1], "n_b": [5, 5], "p_value": [0.2, np.nan],
                          "mean_a": [3.0, 4.0]})
    masked = mask_small_cells(table, n_col=None, min_cell=2, group_n_cols=("n_a", "n_b"))
    assert list(masked["mean_a"]) == [3.0, "suppressed (n < 2)"]
    assert list(masked["n_a"]) == [7, 1]
    assert mask_small_cells(table, n_col="n_a", min_cell=0).equals(table)
    with pytest.raises(ValueError):
        mask_small_cells(table, n_col=None)


def test_essays_withheld_for_small_scope():
    essays = pd.DataFrame({"respondent_id": ["R01"], "country": ["PL"], "cluster": ["PL01"],
                           "item_id": ["q"], "area": ["negotiation"], "text": ["secret"]})
    people = essays[["respondent_id", "country", "cluster"]]
    assert Disclosure(3).essays(essays, people, ("country", "cluster")).empty
    assert "secret" in essay_block(Disclosure(0).essays(essays, people, ("country", "cluster")))
    assert Disclosure().min_group == config.MIN_GROUP and Disclosure().marker() == f"suppressed (n < {config.MIN_GROUP})"


def test_the_one_rule_of_what_is_hidden():
    policy = Disclosure(3)
    assert list(policy.hidden([0, 2, 3, 12, np.nan, None])) == [True, True, False, False, True, True]
    assert [policy.shows(n) for n in (2, 3)] == [False, True] and policy.visibility(2) == "confidential"
    assert not Disclosure(0).hidden([0, 1, np.nan]).any() and Disclosure(0).shows(0)


def test_count_columns_are_headed_by_code_and_label_never_a_bare_number():
    """A scale coded from agree (1) to disagree (4): the first count column is the most
    negative answer, so it must say "4 Strongly disagree", not "answer 1"."""
    import pandas as pd

    from clusterresearch.loading.scales import Scale
    from clusterresearch.report import frames

    agree4 = Scale("agree4", ("4", "3", "2", "1"), ("Strongly disagree", "Disagree", "Agree", "Strongly agree"),
                   ("disagree", "disagree", "agree", "agree"))
    rows = pd.DataFrame({"item_id": ["a"], "type": ["likert"], "scale": ["agree4"], "k": [4], "n": [4],
                         **{f"n_{p}": [1] for p in range(1, 5)}, "mean": [2.5], "median": [2.5],
                         "n_agree": [2], "n_disagree": [2], "ci_low": [0.1], "ci_high": [0.9]})
    frame = frames.item_frame(rows, {"a": "A."}, {}, {}, {"agree4": agree4})
    assert [c for c in frame.columns if c[0].isdigit()][:4] == ["4 Strongly disagree", "3 Disagree", "2 Agree", "1 Strongly agree"]
    mixed = frames.item_frame(pd.concat([rows, rows.assign(item_id="b", scale="other")]), {}, {}, {}, {"agree4": agree4})
    assert "position 1 (most negative)" in mixed.columns and "position 4" in mixed.columns
    assert frames.notice(["", ""]).data == "" and "<p>x</p>" in frames.notice(["x", ""]).data
