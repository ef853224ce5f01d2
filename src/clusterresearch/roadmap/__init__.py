"""The digitalization roadmap of a territorial cluster (Buyanova & Shiro): the information-flow
model, its scenarios (as-is, digital, admissible) and the five stages as computed tables.

Modules, one job each: ``network`` (read and validate a network folder), ``routes`` (pure
route finding), ``scenarios`` (as-is, digital, admissible channel sets), ``measures``
(volume-weighted results, betweenness, sensitivity), ``stages`` (stages I-V), ``readiness``
(stage IV from the competency survey), ``analysis`` (everything for one network),
``narrative`` (the summary in words), ``figures``, ``report`` (the notebook's cells) and
``pipeline`` (``clusterresearch roadmap``). See docs/roadmap.md.
"""
