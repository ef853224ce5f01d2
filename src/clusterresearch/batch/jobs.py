"""Which reports to build: the study's scopes and one job per notebook x scope.

:func:`plan_jobs` is pure: it turns the scopes (found once from the survey, see
`clusterresearch.scope`) and the options into an ordered list of :class:`Job`, each
carrying everything a worker needs (absolute paths, papermill parameters) so that
workers never look anything up.

Privacy rule (`clusterresearch.disclosure.Disclosure`): a scope with fewer than
``min_group`` respondents is *confidential*; its reports go to ``<out>/confidential/`` and
run with ``min_cell=0`` (nothing to mask: they never leave the project). Every other report
is *public*: it goes to ``<out>/public/`` and runs with ``min_cell=min_group``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Sequence

from .. import config
from ..disclosure import CONFIDENTIAL, PUBLIC, Disclosure
from ..errors import InputError, where
from ..loading.source import SurveySource
from ..scope import Scope
from .notebooks import NOTEBOOK_TITLES, NOTEBOOKS, notebook_paths

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_SLUG = 60
# A roadmap report without a survey (reproduce without --study/--data): one job, about no respondent.
NO_SURVEY = "no_survey"


@dataclass(frozen=True)
class Job:
    """One papermill run + HTML export. Picklable; every path is absolute."""

    notebook: str            # "competencies" | "roadmap"
    scope: str               # "all" or the grouping column
    group: str               # "all" or the group
    n: int
    visibility: str          # "public" | "confidential"
    min_cell: int
    input_path: str          # the source notebook
    stem: str                # file name stem, e.g. "competencies_country_PL"
    output_notebook: str     # <out>/<visibility>/<stem>.ipynb
    output_html: str         # <out>/<visibility>/<stem>.html
    output_dir: str          # <out>/<visibility>/<stem>_files/ (figures the notebook saves)
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    label: str = ""          # the scope's title ("Country PL", "Cluster PL01 (name)")
    # Filled by site.navigate() once the plan is known: page.NavLink of the same report, other scopes
    siblings: tuple = field(default=(), compare=False, hash=False)

    @property
    def public(self) -> bool:
        return self.visibility == PUBLIC

    @property
    def report(self) -> str:
        return NOTEBOOK_TITLES.get(self.notebook, self.notebook)

    @property
    def scope_label(self) -> str:
        """How pages name the scope: "All respondents (n = 12)", "Cluster PL01 (name) (n = 1)"."""
        if self.scope == NO_SURVEY:
            return "No survey"
        where_ = "All respondents" if self.scope == "all" else (self.label or f"{self.scope} {self.group}")
        return f"{where_} (n = {self.n})"

    @property
    def title(self) -> str:
        if self.scope == NO_SURVEY:
            return f"{self.report}: no survey"
        return f"{self.report}: {self.scope_label}"

    def relative(self, path: str) -> str:
        """``path`` relative to the output folder, with forward slashes (for links)."""
        return f"{self.visibility}/{Path(path).name}"

    def describe(self) -> str:
        return f"{self.notebook} {self.scope} {self.group}"


# --------------------------------------------------------------------------- names


def slugify(value: str) -> str:
    """A stable, file-system-safe name for a group id.

    Ids made only of ASCII letters, digits, ``_`` and ``-`` are kept as they are
    (``PL01`` -> ``PL01``); anything else is replaced by ``-`` and a short hash of the
    original id is appended, so different ids never share a name (``<b>&`` -> ``b-1a2b3c4d``).
    """
    slug = _SAFE.sub("-", value).strip("-")
    if slug == value and 0 < len(slug) <= _MAX_SLUG:
        return slug
    digest = hashlib.sha1(value.encode("utf-8")).hexdigest()[:8]
    slug = slug[:_MAX_SLUG].strip("-")
    return f"{slug}-{digest}" if slug else f"group-{digest}"


def _stems(notebook: str, groups: Sequence[Scope]) -> list[str]:
    stems = [f"{notebook}_all" if g.column is None else f"{notebook}_{slugify(g.column)}_{slugify(g.group)}"
             for g in groups]
    # Case-insensitive file systems (macOS, Windows) would merge "pl01" and "PL01".
    lowered: dict[str, int] = {}
    for stem in stems:
        lowered[stem.lower()] = lowered.get(stem.lower(), 0) + 1
    out = []
    for stem, g in zip(stems, groups):
        if lowered[stem.lower()] > 1:
            stem = f"{stem}-{hashlib.sha1(g.group.encode('utf-8')).hexdigest()[:8]}"
        out.append(stem)
    return out


# --------------------------------------------------------------------------- planning


def select_scopes(found: Sequence[Scope], wanted: Sequence[tuple[str, str]], data: Any) -> list[Scope]:
    """The scopes within every --group given (a group and the groups nested in it, e.g.
    --group country=PL gives PL and its clusters; --group all, parsed as (None, None), the
    all-data scope); every scope without a filter. An unknown column or group, or groups that
    share no scope, is an InputError."""
    if not wanted:
        return list(found)
    columns = sorted({s.column for s in found if s.column})
    for column, group in wanted:
        if column is None:  # --group all
            continue
        if column not in columns:
            raise InputError(data, where(column=column),
                             f"--group {column}={group}: not a grouping column (have: {', '.join(columns) or 'none'})")
        known = [s.group for s in found if s.column == column]
        if group not in known:
            raise InputError(data, where(column=column),
                             f"--group {column}={group}: no respondents; found {', '.join(known) or 'none'}")
    chosen = [s for s in found if all(s.column is None if c is None else s.within(c, g) for c, g in wanted)]
    if not chosen:
        asked = " ".join(f"--group {c}={g}" if c else "--group all" for c, g in wanted)
        raise InputError(data, "groups", f"{asked}: no group lies within all of them")
    return chosen


def survey_given(options: Any) -> bool:
    """Do the roadmap reports read a survey? Always (the shipped study by default), unless
    --no-survey asks for the one roadmap report without stage IV readiness."""
    return not getattr(options, "no_survey", False)


def _parameters(notebook: str, scope: Scope | None, options: Any, output_dir: Path, min_cell: int) -> dict[str, Any]:
    """The notebook's parameters: the survey source whole (the same names for both notebooks,
    see loading.source), the scope, and the roadmap's options; ``scope`` None: a roadmap
    report without a survey."""
    source = options.source if scope is not None else SurveySource()
    if scope is not None and not source.given:  # the default study, named: the same reports as --study data/raw
        source = replace(source, study_dir=config.RAW_DIR)
    params: dict[str, Any] = {
        **source.parameters(),
        "group_column": scope.column if scope is not None else None,
        "group": scope.group if scope is not None and scope.column is not None else None,
    }
    if notebook == "roadmap":
        network = getattr(options, "network", None)
        params["network_dir"] = str(Path(network).absolute()) if network is not None else None
        for name in ("relay_retention", "platform_retention", "platform_delay"):
            value = getattr(options, name, None)
            if value is not None:
                params[name] = value
    params["output_dir"] = str(output_dir)
    params["min_cell"] = int(min_cell)
    return params


def plan_jobs(found: Sequence[Scope], options: Any) -> list[Job]:
    """One job per notebook x scope, filtered by --only / --group.

    Order: notebook (competencies, roadmap), then the scopes as `scope.scopes` gives them
    (all data, then each grouping column's groups). Both notebooks read the same survey
    (``options.source``) for each scope; with --no-survey (`survey_given` False) there is one
    roadmap report without readiness instead (scope ``no_survey``, public: it shows no
    respondent), the same as `clusterresearch roadmap` without a survey. Raises
    :class:`InputError` for a --group the data does not contain. Reads no file: paths are
    made absolute, not resolved.
    """
    out = Path(options.out).absolute()
    policy = Disclosure(int(options.min_group))
    paths = notebook_paths(options)
    names = [options.only] if getattr(options, "only", None) else list(NOTEBOOKS)
    wanted = tuple(getattr(options, "groups", ()) or ())
    if not survey_given(options):
        if names != ["roadmap"]:
            raise InputError("--no-survey", "option", "builds the roadmap report without a survey only; "
                             "add --only roadmap")
        if wanted:
            raise InputError("--group", " ".join(f"{c}={g}" for c, g in wanted),
                             "names a survey group but no survey was given; add --study or --data, the survey "
                             "whose respondents give stage IV readiness")
        groups: list[Scope] = []
    else:
        groups = select_scopes(found, wanted, options.source.names)

    jobs: list[Job] = []
    for notebook in names:
        plan: list[Scope | None] = list(groups)
        if notebook == "roadmap" and not survey_given(options):
            plan = [None]
        stems = _stems(notebook, [g or Scope() for g in plan])
        for group, stem in zip(plan, stems):
            if group is None:  # no survey: no respondent to protect
                visibility, min_cell = PUBLIC, policy.min_group
            else:
                visibility = policy.visibility(group.n)
                min_cell = 0 if visibility == CONFIDENTIAL else policy.min_group
            folder = out / visibility
            output_dir = folder / f"{stem}_files"
            jobs.append(Job(
                notebook=notebook,
                scope=NO_SURVEY if group is None else group.column or "all",
                group="none" if group is None else group.group,
                n=0 if group is None else group.n,
                visibility=visibility,
                min_cell=min_cell,
                input_path=str(Path(paths[notebook]).absolute()),
                stem=stem,
                output_notebook=str(folder / f"{stem}.ipynb"),
                output_html=str(folder / f"{stem}.html"),
                output_dir=str(output_dir),
                parameters=_parameters(notebook, group, options, output_dir, min_cell),
                label="no survey" if group is None else group.title,
            ))
    return jobs


def check_inputs(jobs: Sequence[Job], survey: Any = None) -> None:
    """The network folder a roadmap job will read is read and validated here, once, so that
    a bad network file is the usual one-line error before any report runs; with a survey,
    the network's declared readiness areas must be areas of it."""
    from ..roadmap.folder import load_network
    from ..roadmap.readiness import check_declared_areas

    folders = {job.parameters.get("network_dir"): job.scope != NO_SURVEY for job in jobs if job.notebook == "roadmap"}
    for network, with_survey in sorted(folders.items(), key=lambda item: str(item[0])):
        if network is not None and not Path(network).is_dir():
            raise InputError(network, "folder", "roadmap network folder not found (--network)")
        loaded = load_network(network if network is not None else config.ROADMAP_EXAMPLE_DIR)
        if with_survey and survey is not None:
            check_declared_areas(loaded.description, survey.study.area_order(), survey.study.title)

