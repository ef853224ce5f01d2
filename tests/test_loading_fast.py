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

from clusterresearch.loading.codes import coded, long_categorical, missing_codes, string_order

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
