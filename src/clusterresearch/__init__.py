"""clusterresearch: reproducible analyses of business-cluster studies.

A survey study is a folder (study.toml, instrument.csv, scales.csv, areas.csv and the
answers); data/raw holds the shipped one, whose files say what it is. The roadmap side
models a cluster's information flows from a network folder.
"""

__version__ = "0.1.0"
