"""What `clusterresearch prepare` writes: the wide answers' Parquet, the long tidy table only
on request (--long, --long-csv),
a manifest whose output digests (hashed while writing) match the files."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from clusterresearch import cli
from clusterresearch.loading import load_survey
from clusterresearch.outputs import atomic_file, sha256_file


def test_parquet_manifest_and_long_csv_on_request(tmp_path, capsys):
    out = tmp_path / "processed"
    assert cli.main(["prepare", "--out", str(out), "--long", "--long-csv"]) == 0
    assert "responses_tidy.csv" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text())
    assert {"responses_wide.parquet", "responses_tidy.parquet", "responses_tidy.csv"} <= set(manifest["outputs"])
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest, name
    survey = load_survey(None)
    tidy = pd.read_parquet(out / "responses_tidy.parquet")
    columns = [c for c in survey.answers.columns if c != "value"]
    def text(frame):  # text columns as str, a missing cell as "" (pandas 2 reads Arrow's nulls as None)
        return frame.astype({c: object for c in columns}).fillna({c: "" for c in columns}).astype({c: "str" for c in columns})

    pd.testing.assert_frame_equal(text(tidy), text(survey.answers))

    # without --long and --long-csv: no tidy table, and those of the earlier run are gone (not in the manifest)
    assert cli.main(["prepare", "--out", str(out)]) == 0
    printed = [Path(p).name for p in capsys.readouterr().out.split()]
    for name in ("responses_tidy.csv", "responses_tidy.parquet"):
        assert name not in printed and not (out / name).exists()
        assert name not in json.loads((out / "manifest.json").read_text())["outputs"]
    manifest = json.loads((out / "manifest.json").read_text())
    for name, digest in manifest["outputs"].items():
        assert sha256_file(out / name) == digest, name


def test_atomic_file_hashes_what_it_writes(tmp_path):
    with atomic_file(tmp_path / "a.bin") as sink:
        sink.write(b"abc")
        sink.write(memoryview(b"def"))
        assert not (tmp_path / "a.bin").exists()  # only complete files appear
    assert (tmp_path / "a.bin").read_bytes() == b"abcdef"
    assert sink.hexdigest() == sha256_file(tmp_path / "a.bin")


def test_wide_item_columns_are_what_arrow_makes_of_nan_as_null():
    """`prepare._nullable` wraps a column's bytes with a validity bitmap; it must be the
    array pyarrow's own conversion gives (NaN as null), whatever the pattern of nulls."""
    import numpy as np
    import pyarrow as pa

    from clusterresearch.prepare import _nullable

    rng = np.random.default_rng(3)
    for values in (np.array([]), np.array([np.nan] * 9), np.arange(1.0, 20.0),
                   np.where(rng.random(1001) < 0.3, np.nan, rng.integers(1, 6, 1001).astype(float))):
        made = _nullable(np.ascontiguousarray(values))
        expected = pa.array(values, from_pandas=True, type=pa.float64())
        assert made.equals(expected)
        assert made.null_count == expected.null_count
