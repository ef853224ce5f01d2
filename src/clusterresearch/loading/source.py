"""SurveySource: which survey to read and how, made once by the CLI and passed whole.

The same six names are the CLI's options (`--study`, `--data`, `--format`, `--responses`,
`--encoding`, `--registry`), this object's fields and the notebooks' parameters, so nothing
is renamed on the way from `reproduce` to a job, a notebook and `load_survey`: each report,
survey or roadmap, counts the same respondents.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

# --format: the layouts a responses file may be read as (auto: recognised from its header rows)
FORMATS = ("auto", "wide", "qualtrics", "limesurvey", "surveymonkey", "kobo")
# --responses: complete leaves out unfinished or rejected responses; all keeps them
RESPONSES = ("complete", "all")
FORMAT_DEFAULT, RESPONSES_DEFAULT = FORMATS[0], RESPONSES[0]


@dataclass(frozen=True)
class SurveySource:
    """A survey to read: ``study_dir`` (None: the shipped study), ``data_path`` (a responses
    file overriding the study's), ``data_format`` (--format), ``responses`` (--responses),
    ``encoding`` (of CSV input) and ``registry`` (a names file for the study's groups)."""

    study_dir: Path | None = None
    data_path: Path | None = None
    data_format: str = FORMAT_DEFAULT
    responses: str = RESPONSES_DEFAULT
    encoding: str | None = None
    registry: Path | None = None

    @property
    def given(self) -> bool:
        """Did the user name a survey (--study or --data)? The roadmap reads one only then."""
        return self.study_dir is not None or self.data_path is not None

    @property
    def names(self) -> str | Path:
        """What an error about the whole survey names: the data file, else the study folder."""
        return self.data_path or self.study_dir or "the shipped study"

    def resolved(self) -> SurveySource:
        """Paths made absolute (``~`` expanded), so a job may run in any folder."""
        def absolute(path):
            return Path(path).expanduser().resolve() if path is not None else None

        return replace(self, study_dir=absolute(self.study_dir), data_path=absolute(self.data_path),
                       registry=absolute(self.registry))

    def parameters(self) -> dict[str, Any]:
        """The notebooks' parameters of this source: paths as absolute text (a job runs in a
        folder of its own; papermill stores JSON), the rest as they are."""
        return {f.name: str(Path(value).absolute()) if isinstance(value, Path) else value
                for f in fields(self) for value in [getattr(self, f.name)]}

    @classmethod
    def from_parameters(cls, parameters: Mapping[str, Any]) -> SurveySource:
        """The source a notebook's parameters name (None or "" for a default)."""
        def path(name):
            return Path(parameters[name]) if parameters.get(name) else None

        return cls(study_dir=path("study_dir"), data_path=path("data_path"),
                   data_format=parameters.get("data_format") or FORMAT_DEFAULT,
                   responses=parameters.get("responses") or RESPONSES_DEFAULT,
                   encoding=parameters.get("encoding") or None, registry=path("registry"))

    def arguments(self) -> tuple[Path | None, dict[str, Any]]:
        """The call `load` makes: ``load_survey(path, **kwargs)`` (reproduce's kernel template
        makes the same call ahead, clusterresearch.preload.calls)."""
        return self.data_path, dict(study=self.study_dir, registry=self.registry, encoding=self.encoding,
                                    format=self.data_format, responses=self.responses)

    def load(self, **kwargs):
        """The `Survey` (loading.load_survey; ``kwargs`` such as ``instrument`` passed on)."""
        from .survey import load_survey

        path, arguments = self.arguments()
        return load_survey(path, **arguments, **kwargs)
