"""Drafting a study folder from the survey file a researcher already has (`clusterresearch init`).

source (read the file and what it says of itself) -> columns (what each column is) ->
scales and words (proposed scales and sides) -> build (the draft's tables and checklist) ->
study (write the folder; ``draft_problems`` for ``check --study``).
"""

from .study import draft_problems, draft_study, refuse_draft

__all__ = ["draft_problems", "draft_study", "refuse_draft"]
