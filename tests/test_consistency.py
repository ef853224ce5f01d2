"""Cronbach's alpha against hand-computed cases, including every degenerate one."""

import math

import numpy as np
import pandas as pd
import pytest

from clusterresearch.metrics import consistency
from clusterresearch.metrics.consistency import alpha_from_matrix

from conftest import grid_of


def as_grid(answers: pd.DataFrame):
    """The survey grid of the tidy rows (a categorical area column gives the report order)."""
    order = list(answers["area"].cat.categories) if isinstance(answers["area"].dtype, pd.CategoricalDtype) else None
    return grid_of(answers.astype({"area": "str"}), order)


def cronbach_alpha(answers, area, items=None):
    return consistency.cronbach_alpha(as_grid(answers), area, items)


def area_consistency(answers, items=None):
    return consistency.area_consistency(as_grid(answers), items)


def answers_from(matrix: dict[str, list], area="communication", item_type="likert", start=0):
    """Tidy rows from {item_id: [value per respondent]}."""
    rows = []
    for item, values in matrix.items():
        for r, v in enumerate(values, start=start):
            rows.append(dict(respondent_id=f"R{r:02d}", country="PL" if r % 2 else "LT", cluster=f"C{r:02d}",
                             item_id=item, area=area, type=item_type, value=float(v)))
    return pd.DataFrame(rows)


# Item variances 5/3, 2, 19/12 (sum 21/4); totals 4, 7, 9, 13 have variance 57/4;
# alpha = 3/2 * (1 - 21/57) = 18/19.
HAND = {"a": [1, 2, 3, 4], "b": [2, 2, 3, 5], "c": [1, 3, 3, 4]}


def test_hand_computed_alpha():
    result = alpha_from_matrix(pd.DataFrame(HAND))
    assert result.alpha == pytest.approx(18 / 19)
    assert (result.k, result.n) == (3, 4)
    assert not (result.n_below_items or result.too_few_items or result.zero_variance_items)


def test_alpha_from_answers_ignores_other_types_and_areas():
    answers = pd.concat([
        answers_from(HAND),
        answers_from({"wish": [5, 1, 5, 1]}, item_type="desired"),
        answers_from({"x": [1, 5, 1, 5], "y": [5, 1, 5, 1]}, area="negotiation"),
    ], ignore_index=True)
    assert cronbach_alpha(answers, "communication").alpha == pytest.approx(18 / 19)


def test_listwise_deletion_of_missing_answers():
    matrix = {k: v + [v[0]] for k, v in HAND.items()}
    matrix["b"][-1] = np.nan   # respondent 5 skipped item b: dropped entirely
    result = cronbach_alpha(answers_from(matrix), "communication")
    assert result.alpha == pytest.approx(18 / 19)
    assert result.n == 4


def test_unanswered_item_set_aside_not_deleting_everyone():
    matrix = dict(HAND, empty=[np.nan] * 4)
    result = alpha_from_matrix(pd.DataFrame(matrix))
    assert result.alpha == pytest.approx(18 / 19)
    assert result.unanswered_items == ("empty",)
    assert result.k == 3


def test_single_respondent_gives_nan_with_flags():
    result = alpha_from_matrix(pd.DataFrame({"a": [4], "b": [5], "c": [3]}))
    assert math.isnan(result.alpha)
    assert result.n == 1 and result.k == 3
    assert result.n_below_items
    assert "two complete respondents" in result.note


def test_all_answers_equal_gives_nan_and_lists_items():
    result = alpha_from_matrix(pd.DataFrame({"a": [3, 3, 3], "b": [3, 3, 3]}))
    assert math.isnan(result.alpha)
    assert result.zero_variance_items == ("a", "b")
    assert "no variance" in result.note


def test_one_zero_variance_item_still_gives_alpha():
    # var(a) = 1, var(b) = 0, totals 4, 5, 6 have variance 1: alpha = 2 * (1 - 1/1) = 0.
    result = alpha_from_matrix(pd.DataFrame({"a": [1, 2, 3], "b": [3, 3, 3]}))
    assert result.alpha == pytest.approx(0.0)
    assert result.zero_variance_items == ("b",)


def test_fewer_respondents_than_items_is_flagged_but_computed():
    # item variances 2, 4.5, 0.5 (sum 7); totals 4, 10 variance 18: alpha = 1.5 * 11/18.
    result = alpha_from_matrix(pd.DataFrame({"a": [1, 3], "b": [2, 5], "c": [1, 2]}))
    assert result.alpha == pytest.approx(1.5 * 11 / 18)
    assert result.n_below_items


def test_one_item_and_no_items():
    one = cronbach_alpha(answers_from({"a": [1, 2, 3]}), "communication")
    assert math.isnan(one.alpha) and one.too_few_items and one.k == 1
    none = cronbach_alpha(answers_from({"a": [1, 2, 3]}), "budgeting")
    assert math.isnan(none.alpha) and none.too_few_items and (none.k, none.n) == (0, 0)


def test_area_consistency_one_row_per_area_in_the_surveys_order():
    answers = pd.concat([
        answers_from(HAND, area="communication"),
        answers_from({"x": [1, 2, 3], "y": [3, 3, 3]}, area="negotiation"),
    ], ignore_index=True)
    table = area_consistency(answers)
    assert list(table["area"]) == ["communication", "negotiation"]
    assert table.loc[0, "alpha"] == pytest.approx(18 / 19)
    assert table.loc[1, "zero_variance_items"] == "y"
    categorical = answers.assign(area=pd.Categorical(answers["area"], categories=["negotiation", "communication"]))
    assert list(area_consistency(categorical)["area"]) == ["negotiation", "communication"]
    assert table.loc[1, "k"] == 2 and table.loc[1, "n"] == 3


def test_negative_alpha_is_explained():
    # a = 1,2,3 and b = 3,1,2 (item variances 1 and 1) give totals 4,3,5 (variance 1):
    # alpha = 2 * (1 - 2/1) = -2.
    result = alpha_from_matrix(pd.DataFrame({"a": [1, 2, 3], "b": [3, 1, 2]}))
    assert result.alpha == pytest.approx(-2.0)
    assert "negative" in result.note


def test_reverse_keyed_items_are_reversed_before_alpha():
    """An item worded the other way round correlates negatively; keyed, alpha is as if it were not."""
    flipped = {name: [6 - v for v in values] if name == "c" else values for name, values in HAND.items()}
    answers = answers_from(flipped)
    items = pd.DataFrame({"item_id": list(HAND), "scale": "agree5", "k": 5, "disagree_max": 2, "agree_min": 4,
                          "reverse": [name == "c" for name in HAND]})
    assert cronbach_alpha(answers, "communication", items).alpha == pytest.approx(18 / 19)
    assert cronbach_alpha(answers, "communication").alpha < 18 / 19
