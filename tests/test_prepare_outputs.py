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
    pd.testing.assert_frame_equal(tidy.astype({c: "str" for c in columns}),
                                  survey.answers.astype({c: "str" for c in columns}))

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
