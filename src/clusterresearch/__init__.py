"""clusterresearch: reproducible analyses of business-cluster studies.

Two studies are reproduced: the InterCom survey of cluster managers' competencies
(Poland and Lithuania) and the digitalization roadmap of a territorial cluster.
The survey answers shipped with the package are a reconstruction from the
published text, not the original answers (see ``config.RECONSTRUCTION_NOTICE``).
"""

__version__ = "0.1.0"
