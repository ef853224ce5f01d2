"""The loader's shortcuts against the straightforward computation, on random data.

`Grid.answers` sorts only the distinct values of a column (not every cell), keeps missing
codes as small integers and turns them into the categorical pandas would infer; the
respondents are ordered by Arrow's sort. Each must equal what np.unique, pd.Categorical and
numpy's stable argsort of Python strings give.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterresearch.errors import InputError
from clusterresearch.loading.answers import number_positions, to_positions
from clusterresearch.loading.codes import coded, label_codes, long_categorical, missing_codes, string_order
from clusterresearch.loading.scales import Scale

WORDS = np.array(["b", "a", "B", "ä", "Z-10", "Z-9", "é", "ß", "R0001", "R001", "", " x", "日本", "a b", "😀"], dtype=object)


@pytest.mark.parametrize("seed", range(6))
def test_sorted_codes_are_np_unique(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice(WORDS, int(rng.integers(1, 300)))
    codes, categories = coded(pd.Series(values, dtype="str"), sort=True)
    uniques, inverse = np.unique(values, return_inverse=True)
    assert list(categories) == list(uniques)
    np.testing.assert_array_equal(codes, inverse.reshape(-1))
    codes, categories = coded(pd.Series(values, dtype="str"), sort=False)
    want_codes, want = pd.factorize(values)
    assert list(categories) == list(want)
    np.testing.assert_array_equal(codes, want_codes)


@pytest.mark.parametrize("seed", range(6))
def test_string_order_is_stable_argsort_of_python_strings(seed):
    rng = np.random.default_rng(seed)
    values = rng.choice(WORDS, int(rng.integers(0, 300)))  # with ties: stability matters
    want = np.argsort(values, kind="stable")
    np.testing.assert_array_equal(string_order(pd.Series(values, dtype="str")), want)


@pytest.mark.parametrize("repeat,tile", [(1, 1), (3, 1), (1, 4), (0, 2), (2, 0)])
def test_long_is_the_repeated_categorical(repeat, tile):
    codes, categories = np.array([2, 0, 1, 0]), pd.Index(["x", "y", "z"], dtype="str")
    want = pd.Categorical.from_codes(np.tile(np.repeat(codes, repeat), tile), categories=categories)
    got = long_categorical(codes, categories, repeat=repeat, tile=tile)
    assert got.equals(want) and got.codes.dtype == want.codes.dtype and got.dtype == want.dtype


@pytest.mark.parametrize("seed", range(6))
def test_missing_labels_are_the_inferred_categorical(seed):
    rng = np.random.default_rng(seed)
    labels = ("No answer", "Don't know", "Refused", "n/a")[: int(rng.integers(0, 5))]
    codes = rng.integers(-1, len(labels), int(rng.integers(0, 200))).astype(np.int32)
    if seed % 2:
        codes[:] = np.where(codes == 0, -1, codes)  # a label nobody gave is no category
    want = pd.Categorical(np.array([labels[c] if c >= 0 else None for c in codes], dtype=object))
    got = long_categorical(*missing_codes(codes, labels))
    assert got.equals(want) and got.dtype == want.dtype and got.codes.dtype == want.codes.dtype
    assert got.categories.dtype == want.categories.dtype


SCALES = [
    Scale("agree5", ("1", "2", "3", "4", "5"), ("a", "b", "c", "d", "e"), ("disagree",) * 2 + ("neutral",) + ("agree",) * 2),
    Scale("reversed", ("5", "4", "3", "2", "1"), ("a", "b", "c", "d", "e"), ("disagree",) * 2 + ("neutral",) + ("agree",) * 2),
    Scale("dk", ("0", "1", "2", "3"), ("a", "b", "c", "d"), ("disagree", "disagree", "agree", "agree"),
          missing=(("99", "Don't know"), ("-1", "Refused"))),
    Scale("gaps", ("1", "3", "7"), ("a", "b", "c"), ("disagree", "neutral", "agree"), missing=(("9", "Skip"),)),
]


@pytest.mark.parametrize("scale", SCALES, ids=lambda s: s.id)
@pytest.mark.parametrize("seed", range(4))
def test_number_positions_are_to_positions_per_column(scale, seed):
    """The numeric block's table look-up gives each column's `to_positions` (and
    `label_codes`), or None exactly when some cell is not a code of the scale."""
    rng = np.random.default_rng(seed)
    codes = [float(c) for c in scale.codes] + [float(c) for c, _ in scale.missing]
    stray = seed % 2 == 1  # odd seeds: one cell that is no code (a gap, a fraction or out of range)
    block = rng.choice(codes + [np.nan], size=(int(rng.integers(1, 200)), 3))
    if stray:
        block[rng.integers(len(block)), rng.integers(3)] = rng.choice([2.5, 4.0 if scale.id == "gaps" else 42.0, 1e6])
    known = ("Refused", "Skip", "Don't know")
    found = number_positions(np.asfortranarray(block), scale, known)
    rows = np.arange(2, len(block) + 2)
    if stray:
        assert found is None
        with pytest.raises(InputError):
            for j in range(block.shape[1]):
                to_positions("f.csv", rows, "c", pd.Series(block[:, j]), scale)
        return
    assert found is not None and found[0].flags.c_contiguous
    for j in range(block.shape[1]):
        position, missing = to_positions("f.csv", rows, "c", pd.Series(block[:, j]), scale)
        np.testing.assert_array_equal(found[0][:, j], position)
        np.testing.assert_array_equal(found[1][:, j], label_codes(missing, scale, known))
