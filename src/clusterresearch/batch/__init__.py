"""`clusterresearch reproduce`: run every notebook for every group and build the HTML site.

- :mod:`.jobs`    which reports to build: groups in the survey -> one :class:`Job` per
  notebook x scope (pure, no I/O in :func:`plan_jobs`);
- :mod:`.worker`  what one worker does for one job: papermill, then HTML export in process;
- :mod:`.site`    index.html / index.json / index.csv and the public|confidential folders;
- :mod:`.runner`  :class:`ReproduceOptions` and :func:`reproduce`, local processes or Dask.
"""

from .jobs import Job, plan_jobs, select_scopes, slugify
from .runner import ReproduceOptions, reproduce
from .worker import JobResult, RunSettings, run_job

__all__ = [
    "Job",
    "JobResult",
    "ReproduceOptions",
    "RunSettings",
    "plan_jobs",
    "select_scopes",
    "reproduce",
    "run_job",
    "slugify",
]
