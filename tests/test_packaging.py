"""The project's files agree with each other: dependencies, README and CI."""

import json
import re
import tomllib
from pathlib import Path

import yaml

from clusterresearch import config

ROOT = config.PROJ_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_lists_the_same_packages_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = {_name(d) for d in env["dependencies"] if isinstance(d, str)} - {"python", "pip"}
    assert conda == wanted
    pip = [d for d in env["dependencies"] if isinstance(d, dict)][0]["pip"]
    assert pip == ["-e ."]
    assert "conda-forge" in env["channels"]


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in readme.splitlines() if re.match(r'^python -m pip install .*-e "\.\[test\]"', line)]
    assert len(commands) == 1 and "pytest" in commands[0]
    assert "grep -m1 -E '^python -m pip install .*-e \"\\.\\[test\\]\"' README.md" in (ROOT / ".ci" / "run").read_text()


def test_readme_says_the_data_is_reconstructed():
    head = (ROOT / "README.md").read_text()[:3000].lower()
    assert "reconstruct" in head and "not the original answers" in head


def test_layout():
    for name in ("pyproject.toml", "src/clusterresearch", "notebooks", "data/raw", "data/processed",
                 "reports", "tests", "environment.yml", "README.md", ".ci/run"):
        assert (ROOT / name).exists(), name


# --------------------------------------------------------------------------- the wheel

import os
import subprocess
import sys
import zipfile

import pytest

SHIPPED = ("data/raw", "notebooks")  # what setup.py copies into the package


def _tracked(folder: str) -> set[str]:
    """The repository's files under ``folder`` (hidden and cache files aside), as setup.py lists them."""
    base = ROOT / folder
    return {p.relative_to(ROOT).as_posix() for p in base.rglob("*")
            if p.is_file() and not any(part.startswith(".") or part in ("__pycache__", ".ipynb_checkpoints")
                                       for part in p.relative_to(ROOT).parts)}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel `pip wheel --no-deps .` builds from this checkout (an isolated build, as a user's)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(ROOT), "-w", str(out)],
                   check=True, capture_output=True, text=True)
    (built,) = out.glob("clusterresearch-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """The wheel's files unpacked as pip installs them (a folder on sys.path)."""
    site = tmp_path_factory.mktemp("installed")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def _run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CLUSTERRESEARCH_ROOT"}
    env["PYTHONPATH"] = str(site)
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_the_wheel_carries_the_notebooks_and_the_shipped_study(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = {f"clusterresearch/_shipped/{path}" for folder in SHIPPED for path in _tracked(folder)}
    assert "clusterresearch/_shipped/notebooks/competencies.ipynb" in wanted
    assert "clusterresearch/_shipped/data/raw/roadmap/worked_example/network.toml" in wanted
    assert "clusterresearch/_shipped/data/raw/roadmap/template/actors.csv" in wanted
    assert wanted <= names, sorted(wanted - names)
    assert "clusterresearch/cli.py" in names


def test_installed_it_reads_its_own_copy_and_writes_into_the_current_folder(installed, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    probe = ("from clusterresearch import config; from clusterresearch.errors import InputError; "
             "print(config.RAW_DIR); print(config.COMPETENCIES_NOTEBOOK); print(config.REPORTS_DIR); "
             "print(InputError(config.INSTRUMENT_PATH, 'row 2', 'x'))")
    out = _run(installed, empty, "-c", probe)
    assert out.returncode == 0, out.stderr
    raw, notebook, reports, message = out.stdout.splitlines()
    assert Path(raw) == (installed / "clusterresearch" / "_shipped" / "data" / "raw").resolve()
    assert Path(notebook).is_file() and Path(reports) == empty.resolve() / "reports"
    assert message == "<clusterresearch>/data/raw/instrument.csv: row 2: x"  # never site-packages
    clone = _run(installed, empty, "-c", "import os; os.environ['CLUSTERRESEARCH_ROOT'] = %r; "
                                         "from clusterresearch import config; print(config.RAW_DIR)" % str(ROOT))
    assert Path(clone.stdout.strip()) == ROOT / "data" / "raw"  # a clone's own files win


def test_installed_from_an_empty_folder(installed, tmp_path):
    """check, notebooks DIR and a reproduce of the shipped study with no --study, from an
    empty folder: the site lands in ./reports and names no site-packages path."""
    empty = tmp_path / "empty"
    empty.mkdir()
    cli = ("-m", "clusterresearch.cli")
    checked = _run(installed, empty, *cli, "check")
    assert checked.returncode == 0 and "68 of 68 statements hold." in checked.stdout, checked.stderr
    copied = _run(installed, empty, *cli, "notebooks", "mine")
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.name for p in (empty / "mine").iterdir()) == ["competencies.ipynb", "digitalization_roadmap.ipynb"]
    again = _run(installed, empty, *cli, "notebooks", "mine")
    assert again.returncode == 2 and "exists" in again.stderr and "Traceback" not in again.stderr
    built = _run(installed, empty, *cli, "reproduce", "--group", "cluster=PL01", "--jobs", "1", "--no-progress",
                 "--notebook", f"competencies={empty / 'mine' / 'competencies.ipynb'}")
    assert built.returncode == 0, built.stderr
    site = empty / "reports"
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    assert "confidential/competencies_cluster_PL01.html" in pages and "confidential/roadmap_cluster_PL01.html" in pages
    for path in site.rglob("*"):  # pages, notebooks, indexes (not .build.json: this machine's build record)
        if path.is_file() and path.suffix in (".html", ".ipynb", ".json", ".csv") and not path.name.startswith("."):
            text = path.read_text(encoding="utf-8")
            assert str(installed) not in text and "site-packages" not in text, path
    notebook = json.loads((site / "confidential" / "competencies_cluster_PL01.ipynb").read_text(encoding="utf-8"))
    assert notebook["metadata"]["papermill"]["input_path"] == "mine/competencies.ipynb"
    assert str(installed) not in built.stderr + built.stdout
