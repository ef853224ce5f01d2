"""One build step beyond pyproject.toml: the files a researcher needs besides the code.

The shipped study (``data/raw``) and the notebooks live where a clone has them, once; the
build copies them into the package as ``clusterresearch/_shipped/<same path>``, which
``clusterresearch.config`` reads through importlib.resources when the package is installed
rather than run from a clone. MANIFEST.in puts the same folders in the sdist, so a wheel
built from the sdist carries them too. An editable install reads the clone's own files.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED = ("data/raw", "notebooks")  # folders of the repository carried in the package
SKIP = {"__pycache__", ".ipynb_checkpoints"}


def shipped_files() -> list[Path]:
    """Every file of the SHIPPED folders, relative to the repository (hidden files left out)."""
    files = []
    for folder in SHIPPED:
        for path in sorted((ROOT / folder).rglob("*")):
            parts = path.relative_to(ROOT).parts
            if path.is_file() and not any(p in SKIP or p.startswith(".") for p in parts):
                files.append(path.relative_to(ROOT))
    return files


class BuildWithShipped(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # the clone's own files are read in place
        target = Path(self.build_lib) / "clusterresearch" / "_shipped"
        for relative in shipped_files():
            self.mkpath(str((target / relative).parent))
            self.copy_file(str(ROOT / relative), str(target / relative))


setup(cmdclass={"build_py": BuildWithShipped})
