"""The notebooks here are inputs of tests/test_batch_*.py (run through papermill with
parameters), not notebooks to validate: keep nbval (repo addopts) from collecting them."""

collect_ignore_glob = ["*.ipynb"]
