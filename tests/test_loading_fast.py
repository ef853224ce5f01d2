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
from clusterresearch.loading.readers import arrow_frame, pandas_frame
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


CSV_BODIES = [
    "1,2,x\n3,,y\n",
    ",,\n5,6,\n",  # empty cells; a row with only its text empty
    "1,2,\"a, quoted\nline break\"\n3,4,\"\"\"quoted\"\" words\"\n",
    "1,2,x\n\n3,4,y\n",  # a blank row
    "1,2\n3,4,z\n",  # a short row
    "1,2,x,extra\n",  # a long row
    "1.5,2,x\n",  # a fraction
    "1,Agree,x\n",  # a label
    "1,NaN,x\n2,nan,y\n",  # words pandas keeps as text here
    " 1,2 ,x\n",  # spaces around numbers
    "+1,-0,x\n007,2,y\n",
    "9007199254740993,1,x\n",  # beyond float64's whole numbers
    "TRUE,false,x\n",
    "0x4,0X1F,x\n1,2,y\n",  # hexadecimal: text to pandas (Arrow would read 4 and 31)
    "1,2,\"never closed\n3,4,y\n5,6,z\n",  # a quote left open: an error, not one long cell
    "1,2,a\"b\n3,4,\"never closed\n5,6,z\n",  # the same after a quote inside a field (even quotes)
    "1,2,a\"b\n3,4,\"never closed",  # the same on the last line, no final line break
    "1,2,  \n3,4, spaced \n",  # spaces kept in text
    "1,2,x\r\n3,4,y\r\n",
    "1,2,ab\"c\n",  # a quote inside a field
    "1,2,\"ab\"c\n",  # text after a closing quote
    "\"1\",\"\",\"\"\n",  # quoted numbers and quoted empties
    "1,2,x",  # no final line break
    "",  # no data rows
]


@pytest.mark.parametrize("body", CSV_BODIES)
@pytest.mark.parametrize("sep", [",", ";"])
def test_arrow_frame_is_the_pandas_frame(body, sep):
    """Arrow's reader gives exactly pandas' frame (values, dtypes, labels), or leaves the file to pandas."""
    data = ("a,b,t\n" + body).replace(",", sep).encode("utf-8")
    fast = arrow_frame(data, sep, 3, {2})
    if fast is None:
        return
    pd.testing.assert_frame_equal(fast, pandas_frame(data, sep, 3, {2}), check_exact=True)


def test_arrow_frame_takes_the_usual_file():
    """The case it is for: whole-number answers with gaps, text columns mostly empty."""
    data = b"id,q1,q2,essay\nR1,1,5,\nR2,,3,\"it, works\"\nR3,2,,\n"
    fast = arrow_frame(data, ",", 4, {0, 3})
    assert fast is not None
    pd.testing.assert_frame_equal(fast, pandas_frame(data, ",", 4, {0, 3}), check_exact=True)


def test_arrow_frame_skips_a_header_with_a_line_break():
    data = b"\"a\nb\",c,t\n1,2,x\n3,4,y\n"
    fast = arrow_frame(data, ",", 3, {2})
    if fast is not None:
        pd.testing.assert_frame_equal(fast, pandas_frame(data, ",", 3, {2}), check_exact=True)


def test_a_quote_left_open_is_an_error_naming_its_row(tmp_path):
    """Not the rest of the file read into one essay (1000 respondents gone without a word)."""
    from clusterresearch.errors import InputError
    from clusterresearch.loading.formats import ColumnRoles, read_table

    rows = [f"R{i},{i % 5 + 1},ok" for i in range(2000)]
    rows[1500] = 'R1500,1,"I said ""no'
    path = tmp_path / "responses.csv"
    path.write_text("respondent_id,q1,essay\n" + "\n".join(rows) + "\n")
    with pytest.raises(InputError) as error:
        read_table(path, roles=lambda header: ColumnRoles(codes=frozenset({"respondent_id"}),
                                                           texts=frozenset({"essay"})))
    assert str(error.value) == f"{path}: row 1502: a quote opened in this row is never closed"
