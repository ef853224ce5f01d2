"""The nbval copies of the survey notebook for test studies are the notebook itself, run
with other parameters: same cells in the same order, plus papermill's injected parameters."""

import json
from pathlib import Path

import pytest

from clusterresearch import config

COPIES = sorted((Path(__file__).parent / "notebooks").glob("competencies_*.ipynb"))


def sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if "injected-parameters" not in c.get("metadata", {}).get("tags", [])]


def test_there_are_copies_for_both_test_studies():
    assert [p.stem for p in COPIES] == ["competencies_agree7_dk", "competencies_labels4_reversed"]


@pytest.mark.parametrize("copy", COPIES, ids=lambda p: p.stem)
def test_copy_has_the_notebooks_cells(copy):
    assert sources(copy) == sources(config.COMPETENCIES_NOTEBOOK)
    injected = [c for c in json.loads(copy.read_text(encoding="utf-8"))["cells"]
                if "injected-parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(injected) == 1 and copy.stem.removeprefix("competencies_") in "".join(injected[0]["source"])
