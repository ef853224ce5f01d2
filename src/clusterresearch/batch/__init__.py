"""`clusterresearch reproduce`: run every notebook for every group and build the HTML site.

- :mod:`.jobs`      which reports to build: groups in the survey -> one :class:`Job` per
  notebook x scope (pure, no I/O in :func:`plan_jobs`);
- :mod:`.runner`    :class:`ReproduceOptions` and :func:`reproduce`: plan, reuse, run, index;
- :mod:`.executors` where the jobs run: threads of this process, or a Dask cluster;
- :mod:`.worker`    one job: papermill, then the HTML export (:mod:`.export`, :mod:`.page`);
- :mod:`.kernels`   warm kernels: forked from a pre-imported template process
  (:mod:`.template`), started through jupyter_client's provisioner (:mod:`.provisioner`);
- :mod:`.buildinfo` what each report was built from; which reports a rerun can reuse;
- :mod:`.record`    the run's key: a rerun with nothing changed ends before reading the survey;
- :mod:`.site`      index.html / index.json / index.csv and the public|confidential folders.
"""
