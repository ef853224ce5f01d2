"""The one constructor of a roadmap: settings in, every input read and validated, the
analysis run. ``clusterresearch roadmap`` (:mod:`.pipeline`), the notebook
(:mod:`.report`) and ``clusterresearch reproduce`` (which runs the notebook) all build
their roadmap here, so the same settings give the same numbers everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import config
from ..errors import InputError
from ..loading.source import SurveySource
from .analysis import Model, Roadmap, load_services, model, with_readiness
from .folder import load_network
from .readiness import check_declared_areas, survey_area_stats
from .scenarios import Parameters


@dataclass(frozen=True)
class RoadmapSettings:
    """Everything that shapes a roadmap; None means the documented default.

    ``network``: a network folder (default: the worked example). ``platform_retention``
    (0.98), ``platform_delay`` (0.5 days), ``relay_retention`` (as in links.csv).
    ``source`` (loading.source.SurveySource, the same object every report of `reproduce` reads):
    the survey whose respondents give stage IV readiness - none by default: readiness comes
    from a survey only when one is given (a study folder or a data file). ``groups``: ``(column,
    group)`` pairs narrowing it to one scope (--group, --country, --cluster; they need a
    survey). ``min_cell``: a public report withholds readiness of an area with fewer
    respondents (0: show everything).
    """

    network: str | Path | None = None
    platform_retention: float | None = None
    platform_delay: float | None = None
    relay_retention: float | None = None
    source: SurveySource = SurveySource()
    groups: tuple = ()
    min_cell: int = 0

    @property
    def survey_given(self) -> bool:
        return self.source.given


def network_model(network_dir: str | Path | None = None, platform_retention: float | None = None,
                  platform_delay: float | None = None, relay_retention: float | None = None) -> Model:
    """The network folder (default: the worked example) read and analysed under these
    parameters: the part of a roadmap that is the same for every survey scope."""
    parameters = Parameters.resolve(platform_retention, platform_delay, relay_retention)
    network = load_network(Path(network_dir) if network_dir else config.ROADMAP_EXAMPLE_DIR)
    return model(network, parameters, load_services())


def build_roadmap(settings: RoadmapSettings) -> Roadmap:
    """Read and validate every input, then analyse. Raises InputError on bad input (the
    parameters first, then the network folder, then the survey)."""
    Parameters.resolve(settings.platform_retention, settings.platform_delay, settings.relay_retention)
    if settings.groups and not settings.survey_given:
        column, group = settings.groups[0]
        raise InputError(f"--group {column}={group}", f"value {group!r}",
                         "names a survey group but no survey was given; add --study DIR or --data FILE, the survey "
                         "whose respondents give stage IV readiness")
    base = network_model(settings.network, platform_retention=settings.platform_retention,
                         platform_delay=settings.platform_delay, relay_retention=settings.relay_retention)
    survey = None
    if settings.survey_given:
        s = settings.source
        survey = survey_area_stats(s.study_dir, s.data_path, tuple(settings.groups), s.registry, s.encoding,
                                   s.data_format, s.responses)
        check_declared_areas(base.network.description, list(survey.titles), survey.study)
    return with_readiness(base, survey, int(settings.min_cell or 0))
