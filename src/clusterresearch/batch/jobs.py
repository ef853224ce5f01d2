"""Which reports to build: the groups found in the survey and one job per notebook x group.

:func:`plan_jobs` is pure: it turns the groups (counted once from the survey) and the
options into an ordered list of :class:`Job`, each carrying everything a worker needs
(absolute paths, papermill parameters) so that workers never look anything up.

Privacy rule: a group with fewer than ``min_group`` respondents is *confidential*; its
reports go to ``<out>/confidential/`` and run with ``min_cell=0`` (nothing to mask: they
never leave the project). Every other report is *public*: it goes to ``<out>/public/`` and
runs with ``min_cell=min_group`` so that its tables mark small cells instead of showing them.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from .. import config
from ..errors import InputError, where

NOTEBOOKS: tuple[str, ...] = ("competencies", "roadmap")
NOTEBOOK_TITLES: dict[str, str] = {
    "competencies": "Cluster managers' competencies",
    "roadmap": "Digitalization roadmap",
}
SCOPES: tuple[str, ...] = ("all", "country", "cluster")
# A roadmap report without a survey (reproduce without --data): one job, about no respondent.
NO_SURVEY = "no_survey"
PUBLIC, CONFIDENTIAL = "public", "confidential"

_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_SLUG = 60


@dataclass(frozen=True)
class Group:
    """A set of respondents a report is about: all of them, one country or one cluster."""

    scope: str                      # "all" | "country" | "cluster"
    group: str                      # "all", an ISO country code or a cluster id
    n: int                          # distinct respondents
    countries: tuple[str, ...] = ()  # countries of its respondents (for --country filtering)


@dataclass(frozen=True)
class Job:
    """One papermill run + HTML export. Picklable; every path is absolute."""

    notebook: str            # "competencies" | "roadmap"
    scope: str               # "all" | "country" | "cluster"
    group: str
    n: int
    visibility: str          # "public" | "confidential"
    min_cell: int
    input_path: str          # the source notebook
    stem: str                # file name stem, e.g. "competencies_country_PL"
    output_notebook: str     # <out>/<visibility>/<stem>.ipynb
    output_html: str         # <out>/<visibility>/<stem>.html
    output_dir: str          # <out>/<visibility>/<stem>_files/ (figures the notebook saves)
    parameters: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def public(self) -> bool:
        return self.visibility == PUBLIC

    @property
    def title(self) -> str:
        what = NOTEBOOK_TITLES.get(self.notebook, self.notebook)
        if self.scope == NO_SURVEY:
            return f"{what}: no survey"
        where_ = "all respondents" if self.scope == "all" else f"{self.scope} {self.group}"
        return f"{what}: {where_} (n = {self.n})"

    def relative(self, path: str) -> str:
        """``path`` relative to the output folder, with forward slashes (for links)."""
        return f"{self.visibility}/{Path(path).name}"

    def describe(self) -> str:
        return f"{self.notebook} {self.scope} {self.group}"


# --------------------------------------------------------------------------- groups


def read_respondents(path: str | Path) -> list[tuple[str, str, str]]:
    """``(respondent_id, country, cluster)`` once per respondent, in the survey's order.

    Reads the survey with :func:`clusterresearch.loading.load_survey`, so every format and
    every validation rule of the loader applies (bad input is an InputError, exit 2) and the
    groups are exactly those the notebooks will see.
    """
    from ..loading import load_survey

    answers = load_survey(path).answers
    ids = answers[["respondent_id", "country", "cluster"]].drop_duplicates("respondent_id")
    return [tuple("" if value != value or value is None else str(value) for value in row)  # NaN -> ""
            for row in ids.itertuples(index=False, name=None)]


def count_groups(respondents: Iterable[tuple[str, str, str]]) -> list[Group]:
    """All respondents, then each country, then each cluster (sorted ids), with their n.

    Respondents without a country (cluster) count in ``all`` but in no country (cluster).
    """
    rows = list(respondents)
    groups = [Group("all", "all", len({r[0] for r in rows}), tuple(sorted({r[1] for r in rows if r[1]})))]
    for scope, column in (("country", 1), ("cluster", 2)):
        members: dict[str, set[str]] = {}
        countries: dict[str, set[str]] = {}
        for row in rows:
            key = row[column]
            if key:
                members.setdefault(key, set()).add(row[0])
                if row[1]:
                    countries.setdefault(key, set()).add(row[1])
        for key in sorted(members):
            groups.append(Group(scope, key, len(members[key]), tuple(sorted(countries.get(key, ())))))
    return groups


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


def _stems(notebook: str, groups: Sequence[Group]) -> list[str]:
    stems = [f"{notebook}_all" if g.scope in ("all", NO_SURVEY) else f"{notebook}_{g.scope}_{slugify(g.group)}"
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


def notebook_paths(options: Any) -> dict[str, Path]:
    """The notebooks to run: ``options.notebooks`` if given, else the project's two."""
    given = getattr(options, "notebooks", None)
    if given:
        return {name: Path(path) for name, path in given.items()}
    return {"competencies": config.COMPETENCIES_NOTEBOOK, "roadmap": config.ROADMAP_NOTEBOOK}


def _select(groups: Sequence[Group], country: str | None, cluster: str | None, data: Any) -> list[Group]:
    """Groups whose respondents all satisfy --country and --cluster (``all`` only without filters)."""
    if country is None and cluster is None:
        return list(groups)
    known_countries = [g.group for g in groups if g.scope == "country"]
    known_clusters = {g.group: g for g in groups if g.scope == "cluster"}
    if country is not None and country not in known_countries:
        raise InputError(data, where(column="country"),
                         f"--country {country!r}: no respondents; found {', '.join(known_countries) or 'none'}")
    if cluster is not None:
        if cluster not in known_clusters:
            raise InputError(data, where(column="cluster"),
                             f"--cluster {cluster!r}: no respondents; found {', '.join(known_clusters) or 'none'}")
        if country is not None and known_clusters[cluster].countries != (country,):
            raise InputError(data, where(column="cluster"),
                             f"--cluster {cluster!r} is not a cluster of --country {country!r}")
        return [known_clusters[cluster]]
    return [g for g in groups
            if (g.scope == "country" and g.group == country) or (g.scope == "cluster" and g.countries == (country,))]


def _parameters(notebook: str, group: Group, data: Path | None, network: Path | None, output_dir: Path,
                min_cell: int, options: Any) -> dict[str, Any]:
    params: dict[str, Any] = {
        "country": group.group if group.scope == "country" else None,
        "cluster": group.group if group.scope == "cluster" else None,
    }
    if notebook == "roadmap":
        params["network_dir"] = str(network) if network is not None else None
    params["data_path"] = str(data) if data is not None else None
    params["output_dir"] = str(output_dir)
    if notebook == "roadmap":
        for name in ("relay_retention", "platform_retention", "platform_delay"):
            value = getattr(options, name, None)
            if value is not None:
                params[name] = value
    params["min_cell"] = int(min_cell)
    return params


def plan_jobs(survey_groups: Sequence[Group], options: Any) -> list[Job]:
    """One job per notebook x group, filtered by --only / --country / --cluster.

    Order: notebook (competencies, roadmap), then ``all``, countries, clusters as given
    (``count_groups`` sorts them). The competency reports read ``options.data`` (None: the
    shipped survey); the roadmap reports read a survey only when ``options.data`` is given,
    else there is one roadmap report without readiness (scope ``no_survey``, public: it shows
    no respondent). Raises :class:`InputError` for a --country/--cluster the data does not
    contain. Reads no file: paths are made absolute, not resolved.
    """
    given = Path(options.data).absolute() if getattr(options, "data", None) is not None else None
    survey = given or config.RESPONSES_PATH.absolute()
    network = Path(options.network).absolute() if getattr(options, "network", None) is not None else None
    out = Path(options.out).absolute()
    min_group = int(options.min_group)
    paths = notebook_paths(options)
    names = [options.only] if getattr(options, "only", None) else list(NOTEBOOKS)
    country, cluster = getattr(options, "country", None), getattr(options, "cluster", None)
    if names == ["roadmap"] and given is None:
        for option, value in (("--cluster", cluster), ("--country", country)):
            if value is not None:
                raise InputError(option, f"value {value!r}", "names a survey group but no survey was given; add "
                                 "--data FILE, the survey whose respondents give stage IV readiness")
        groups: list[Group] = []
    else:
        groups = _select(survey_groups, country, cluster, survey)

    jobs: list[Job] = []
    for notebook in names:
        # The roadmap reads a survey only when --data names one: else one report without readiness.
        plan = [Group(NO_SURVEY, "none", 0)] if notebook == "roadmap" and given is None else groups
        data = given if notebook == "roadmap" else survey
        for group, stem in zip(plan, _stems(notebook, plan)):
            visibility = CONFIDENTIAL if group.scope != NO_SURVEY and group.n < min_group else PUBLIC
            min_cell = 0 if visibility == CONFIDENTIAL else min_group
            folder = out / visibility
            output_dir = folder / f"{stem}_files"
            jobs.append(Job(
                notebook=notebook,
                scope=group.scope,
                group=group.group,
                n=group.n,
                visibility=visibility,
                min_cell=min_cell,
                input_path=str(Path(paths[notebook]).absolute()),
                stem=stem,
                output_notebook=str(folder / f"{stem}.ipynb"),
                output_html=str(folder / f"{stem}.html"),
                output_dir=str(output_dir),
                parameters=_parameters(notebook, group, data, network, output_dir, min_cell, options),
            ))
    return jobs


# --------------------------------------------------------------------------- notebook checks


def notebook_parameters(path: str | Path) -> set[str]:
    """Names assigned in the notebook's cell tagged ``parameters`` (InputError if none)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "file", "notebook not found")
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(path, "file", f"not a notebook ({exc})") from None
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError as exc:
                raise InputError(path, f"cell {number} (tagged 'parameters')", f"not Python: {exc.msg}") from None
            names: set[str] = set()
            for node in tree.body:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
                for target in targets:
                    for leaf in ast.walk(target):
                        if isinstance(leaf, ast.Name):
                            names.add(leaf.id)
            return names
    raise InputError(path, "cells", "no cell tagged 'parameters' (papermill injects parameters after it)")


def check_notebooks(jobs: Sequence[Job]) -> None:
    """Every notebook exists and declares every parameter its jobs pass (min_cell above all:
    a notebook that ignored it would publish small cells unmasked)."""
    needed: dict[str, set[str]] = {}
    for job in jobs:
        needed.setdefault(job.input_path, set()).update(job.parameters)
    for path, names in needed.items():
        missing = sorted(names - notebook_parameters(path))
        if missing:
            raise InputError(path, "cell tagged 'parameters'", f"missing parameter(s): {', '.join(missing)}")


def check_inputs(jobs: Sequence[Job]) -> None:
    """The network folder exists when a roadmap job will read it."""
    for job in jobs:
        network = job.parameters.get("network_dir")
        if job.notebook == "roadmap" and network is not None and not Path(network).is_dir():
            raise InputError(network, "folder", "roadmap network folder not found (--network)")

