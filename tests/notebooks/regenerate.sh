#!/usr/bin/env bash
# Re-execute the notebooks with the outputs of their default run, and the survey notebook's copies for the
# test studies (nbval compares these outputs). Run from anywhere; takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/../.."
export MPLBACKEND=Agg
papermill notebooks/competencies.ipynb notebooks/competencies.ipynb --cwd notebooks --no-progress-bar &
papermill notebooks/digitalization_roadmap.ipynb notebooks/digitalization_roadmap.ipynb --cwd notebooks --no-progress-bar &
wait
for s in agree7_dk labels4_reversed; do
  papermill notebooks/competencies.ipynb "tests/notebooks/competencies_$s.ipynb" \
    -p study_dir "../data/studies/$s" --cwd tests/notebooks --no-progress-bar
done
python - <<'PY'
import json, pathlib
for path in [*pathlib.Path("notebooks").glob("*.ipynb"), *pathlib.Path("tests/notebooks").glob("*.ipynb")]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["metadata"].pop("papermill", None)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
PY
