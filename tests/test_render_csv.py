"""`outputs.render_csv` formats each distinct float once; its text must be exactly what
pandas' ``to_csv(float_format=...)`` writes, for any frame."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusterresearch.outputs import render_csv

SPECIAL = [np.nan, 0.0, -0.0, np.inf, -np.inf, 1e-300, 5e-324, 1.7976931348623157e308, 123456.5, 1234567.0,
           0.1 + 0.2, -2.5, 3.0, 1 / 3]


def plain(frame: pd.DataFrame, float_format: str) -> str:
    return frame.to_csv(index=False, float_format=float_format, lineterminator="\n")


@pytest.mark.parametrize("float_format", ["%.6g", "%.3f", "%.17g"])
@pytest.mark.parametrize("seed", range(4))
def test_render_csv_is_pandas_to_csv(seed, float_format):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(0, 60))
    frame = pd.DataFrame({
        "text": rng.choice(["a", "b, c", 'say "hi"', "", "ß"], n),
        "count": rng.integers(-5, 5, n),
        "share": rng.choice(SPECIAL, n),
        "wide": rng.normal(0, 10.0 ** rng.integers(-8, 8), n),
        "small": rng.choice(SPECIAL[:5], n).astype(np.float32),
        "nullable": pd.array(rng.choice([1.5, None, -0.25], n), dtype="Float64"),
        "flag": rng.random(n) < 0.5,
    })
    frame.insert(2, "share_again", frame["share"])  # columns of one block, and a repeated name below
    frame.columns = ["text", "count", "share", "share", "wide", "small", "nullable", "flag"]
    assert render_csv(frame, float_format) == plain(frame, float_format)
    assert render_csv(frame.iloc[::-1], float_format) == plain(frame.iloc[::-1], float_format)  # a view


def test_render_csv_of_a_frame_without_rows_or_floats():
    for frame in (pd.DataFrame(columns=["a", "b"]), pd.DataFrame({"a": ["x"], "b": [1]}),
                  pd.DataFrame({"a": pd.Series([], dtype=float)})):
        assert render_csv(frame) == plain(frame, "%.6g")


TEXTS = ["a", "b, c", 'say "hi"', "", "ß", "two\nlines", "cr\ronly", "tab\there", " padded ", "semi;colon", "#1",
         "'quoted'", "<b>&amp;</b>", "Łódź", "100%", "x" * 300]


@pytest.mark.parametrize("seed", range(4))
def test_render_csv_quotes_text_as_pandas_does(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 80))
    text = rng.choice(np.array(TEXTS + [None], dtype=object), n)
    frame = pd.DataFrame({"plain object": text, "str": pd.array(rng.choice(TEXTS, n), dtype="str"),
                          'name, "quoted"': rng.integers(0, 3, n), "flag": rng.random(n) < 0.5,
                          "share": rng.choice(SPECIAL, n)})
    assert render_csv(frame) == plain(frame, "%.6g")
    for name in frame.columns:  # one column: an empty field is written ""
        assert render_csv(frame[[name]]) == plain(frame[[name]], "%.6g")


def test_render_csv_leaves_other_column_types_to_pandas():
    frame = pd.DataFrame({"when": pd.to_datetime(["2026-01-02", None]), "kind": pd.Categorical(["a", None]),
                          "mixed": [1, "a"], "n": pd.array([1, None], dtype="Int64")})
    assert render_csv(frame) == plain(frame, "%.6g")
