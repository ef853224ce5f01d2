"""The paper's statements: they hold on the shipped data, and the checker can say no."""

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.metrics.statements import check_statements, load_statements
from clusterresearch.reconstruction.pins import pinned_count

from conftest import paper_text


def test_every_statement_holds_on_the_shipped_survey(shipped_survey):
    table = check_statements(shipped_survey.grid, load_statements(), shipped_survey.instrument)
    failing = table.loc[~table["holds"], ["statement_id", "statistic", "observed", "op", "value"]]
    assert failing.empty, failing.to_string()
    assert table["observed"].notna().all()


def test_a_changed_answer_breaks_its_statement(shipped_survey):
    grid = shipped_survey.grid
    values = grid.values.copy()
    item = list(grid.items["item_id"]).index("fund_reports")
    values[np.flatnonzero(values[:, item] >= 4)[0], item] = 1.0  # 9 of 12 instead of 10 of 12
    table = check_statements(replace(grid, values=values), load_statements(), shipped_survey.instrument,
                             shipped_survey.items).set_index("statement_id")
    assert not table.loc["S30", "holds"]
    assert table.loc["S30", "count"] == 9 and table.loc["S30", "n"] == 12


def test_area_rank_statement_can_fail(shipped_survey):
    grid = shipped_survey.grid
    values = grid.values.copy()
    values[:, (grid.items["area"] == "online_marketing").to_numpy()] = 5.0
    table = check_statements(replace(grid, values=values), load_statements(), shipped_survey.instrument,
                             shipped_survey.items).set_index("statement_id")
    assert not table.loc["S49", "holds"]


def test_every_statement_names_an_item_or_area_of_the_instrument(shipped_survey):
    statements = load_statements()
    known = set(shipped_survey.instrument["item_id"]) | set(shipped_survey.study.areas["area"])
    assert set(statements["item_id"]) <= known
    assert set(statements["figure"].astype(int)) == set(range(1, 9))


def test_quotes_and_sources_are_the_papers_words(shipped_survey):
    text = paper_text()
    for quote in load_statements()["quote"]:
        for fragment in quote.split(" ... "):
            assert " ".join(fragment.split()) in text, fragment
    for source in shipped_survey.instrument["source"]:
        assert " ".join(source.split()) in text, source


@pytest.mark.parametrize("op, value, n, expected", [
    (">", 0.8, 12, 10), ("==", 0.8333, 12, 10), ("==", 0.75, 12, 9), ("<", 0.2, 12, 2),
    ("<", 0.1667, 12, 1), (">", 0.6, 12, 8), ("==", 0.5833, 12, 7), ("<=", 0.25, 12, 3), ("==", 0.0, 12, 0),
])
def test_pinned_count_reading(op, value, n, expected):
    assert pinned_count(op, value, n) == expected


def test_bad_statement_file_names_row_and_column(tmp_path):
    from clusterresearch.errors import InputError

    bad = tmp_path / "statements.csv"
    frame = pd.read_csv(config.STATEMENTS_PATH, dtype=str)
    frame.loc[2, "op"] = "=~"
    frame.to_csv(bad, index=False)
    with pytest.raises(InputError) as info:
        load_statements(bad)
    assert str(info.value) == f"{bad}: row 4, column 'op': unknown comparison '=~'"
