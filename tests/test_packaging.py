"""The project's files agree with each other: dependencies, README and CI."""

import re
import tomllib

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
