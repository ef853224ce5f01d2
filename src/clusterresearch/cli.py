"""The ``clusterresearch`` command: thin argument parsing over library functions.

Defaults come from :mod:`clusterresearch.config`. Bad input ends with one line
``error: <file>: <where>: <what>`` and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import config
from .errors import InputError
from .loading.source import FORMATS, RESPONSES, SurveySource
from .outputs import RawDataWriteError


def _prepare(args: argparse.Namespace) -> int:
    from .loading.platforms import describe_export
    from .prepare import run_prepare

    written = run_prepare(study=args.study, data=args.data, out=args.out, registry=args.registry,
                          encoding=args.encoding, long_csv=args.long_csv, format=args.format,
                          responses=args.responses, long=args.long)
    for path in written:
        print(path)
    export = json.loads(written[-1].read_text(encoding="utf-8"))["responses_file"]
    said = describe_export({**export, "dropped": export["dropped_columns"]})
    if said:
        print(said)
    return 0


def _reconstruct(args: argparse.Namespace) -> int:
    from .reconstruction.generator import write_reconstruction

    for path in write_reconstruction(out=args.out, seed=args.seed):
        print(path)
    return 0


def _init(args: argparse.Namespace) -> int:
    from .draft import draft_study

    written = draft_study(args.dir, args.source, fmt=args.format, encoding=args.encoding)
    for path in written:
        print(path)
    print(f"copied {args.source} to {written[-1]}; answer the checklist in {args.dir / 'README.md'}")
    return 0


def _check(args: argparse.Namespace) -> int:
    from .draft import refuse_draft
    from .loading.platforms import describe_export
    from .metrics.statements import check_statements, load_statements

    if args.study is not None:
        refuse_draft(args.study)  # a drafted study with its checklist unanswered: one line naming what is left

    survey = _source(args).load()
    statements = args.statements or survey.study.statements
    n = survey.answers["respondent_id"].nunique()
    print(f"{survey.study.title}: {n} {survey.study.respondents}, {len(survey.items)} scaled items, "
          f"{len(survey.study.areas)} areas; the study is valid.")
    said = describe_export(survey.export)
    if said:
        print(said)
    from .scope import describe_no_value
    if describe_no_value(survey):
        print(describe_no_value(survey))
    if statements is None:
        print("The study has no statements to check (statements in study.toml).")
        return 0
    table = check_statements(survey.grid, load_statements(statements), survey.instrument, survey.items)
    print(table[["statement_id", "figure", "statistic", "op", "value", "observed", "holds"]].to_string(index=False))
    print(f"{int(table['holds'].sum())} of {len(table)} statements hold.")
    return 0 if bool(table["holds"].all()) else 1


def _groups(args: argparse.Namespace) -> tuple[tuple[str, str], ...]:
    """--group COLUMN=GROUP (repeatable), --country and --cluster as (column, group) pairs."""
    from .scope import parse

    groups = [parse(text) for text in args.group]
    groups += [("country", args.country)] if args.country else []
    groups += [("cluster", args.cluster)] if args.cluster else []
    return tuple(groups)


def _source(args: argparse.Namespace) -> SurveySource:
    """The survey the options name, made once and passed whole (loading.source)."""
    return SurveySource(study_dir=args.study, data_path=args.data, data_format=args.format,
                        responses=args.responses, encoding=args.encoding, registry=args.registry)


def _notebooks(args: argparse.Namespace) -> dict[str, Path]:
    """--notebook NAME=PATH (repeatable): a researcher's own copy of a notebook."""
    from .batch.notebooks import NOTEBOOKS

    given: dict[str, Path] = {}
    for text in args.notebook:
        name, sep, path = text.partition("=")
        if not sep or name not in NOTEBOOKS or not path:
            raise InputError("--notebook", text, f"must be NAME=PATH with NAME one of {', '.join(NOTEBOOKS)}")
        given[name] = Path(path).expanduser().absolute()
    return given


def _copy_notebooks(args: argparse.Namespace) -> int:
    from .batch.notebooks import copy_notebooks

    for path in copy_notebooks(args.dir):
        print(path)
    print("run your copies with: clusterresearch reproduce --notebook competencies=PATH --notebook roadmap=PATH")
    return 0


def _roadmap(args: argparse.Namespace) -> int:
    from .roadmap.build import RoadmapSettings
    from .roadmap.pipeline import run_roadmap

    settings = RoadmapSettings(
        network=args.network,
        platform_retention=args.platform_retention,
        platform_delay=args.platform_delay,
        relay_retention=args.relay_retention,
        source=_source(args),
        groups=_groups(args),
    )
    written = run_roadmap(settings, out=args.out)
    for path in written:
        print(path)
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from .batch.runner import ReproduceOptions, reproduce

    options = ReproduceOptions(
        source=_source(args),
        no_survey=args.no_survey,
        notebooks=_notebooks(args) or None,
        groups=_groups(args),
        network=args.network,
        out=args.out,
        jobs=args.jobs,
        only=args.only,
        min_group=args.min_group,
        with_code=args.with_code,
        executor=args.executor,
        scheduler=args.scheduler,
        timeout=args.timeout,
        progress=not args.no_progress,
        force=args.force,
        platform_retention=args.platform_retention,
        platform_delay=args.platform_delay,
        relay_retention=args.relay_retention,
    )
    return reproduce(options)


def _roadmap_options(p: argparse.ArgumentParser) -> None:
    """The options that shape a roadmap report, the same for `roadmap` and `reproduce`."""
    p.add_argument("--platform-retention", type=float, default=None,
                   help="retention of each IT-actor platform channel (default 0.98)")
    p.add_argument("--platform-delay", type=float, default=None,
                   help="delay of each IT-actor platform channel, days (default 0.5)")
    p.add_argument("--relay-retention", type=float, default=None,
                   help="override the retention of every channel touching the CDC (default: as in links.csv)")


def _group_options(p: argparse.ArgumentParser, what: str) -> None:
    p.add_argument("--group", action="append", default=[], metavar="COLUMN=GROUP", help=what)
    p.add_argument("--country", default=None, help="same as --group country=CODE (default: none)")
    p.add_argument("--cluster", default=None, help="same as --group cluster=ID (default: none)")


def _study_options(p: argparse.ArgumentParser, roadmap: bool = False) -> None:
    """The options every command that reads a survey takes, with the same defaults (the
    roadmap reads a survey only when --study or --data is given)."""
    p.add_argument("--study", type=Path, default=None,
                   help="study folder (study.toml, instrument.csv, ...; default: data/raw, the shipped study)"
                   if not roadmap else "study folder whose respondents give stage IV readiness (default: none)")
    p.add_argument("--data", type=Path, default=None,
                   help="responses file overriding the study's: wide or long CSV, XLSX or SPSS .sav "
                        "(default: the file study.toml names)")
    p.add_argument("--registry", type=Path, default=None,
                   help="names file for the study's named grouping column (default: the one study.toml names)")
    p.add_argument("--encoding", default=None, help="text encoding of CSV input (default: UTF-8, BOM allowed)")
    p.add_argument("--format", choices=FORMATS, default="auto",
                   help="layout of the responses file: a survey platform's export or our wide/long file "
                        "(default: auto, recognised from its header rows)")
    p.add_argument("--responses", choices=RESPONSES, default="complete",
                   help="complete: leave out unfinished or rejected responses (default); all: keep them. "
                        "Previews, tests and spam are always left out")


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors said as every other: one line ``error: <option>: <what>``
    (``error: <command>: <what>`` when no one option is at fault), exit status 2, no usage
    block (``--help`` shows it)."""

    def error(self, message: str):
        where_, _, what = message.partition(": ") if message.startswith("argument ") else ("", "", message)
        where_ = where_.removeprefix("argument ") or self.prog
        self.exit(2, f"error: {where_}: {what} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="clusterresearch", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"clusterresearch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="validate a study's survey and write its answers (Parquet) and summaries")
    _study_options(p)
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help=f"output folder (default: {config.PROCESSED_DIR})")
    p.add_argument("--long", action="store_true",
                   help="also write the long tidy answers, a row per respondent x item, as responses_tidy.parquet "
                        "(default: responses_wide.parquet only, a row per respondent)")
    p.add_argument("--long-csv", action="store_true",
                   help="also write the long tidy answers as CSV, responses_tidy.csv (default: not written)")
    p.set_defaults(func=_prepare)

    p = sub.add_parser("reconstruct", help="regenerate the reconstructed survey answers from the paper's statements")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "reconstruction",
                   help="output folder, never data/raw (default: data/processed/reconstruction)")
    p.add_argument("--seed", type=int, default=None, help="generator seed (default: the one the shipped data used)")
    p.set_defaults(func=_reconstruct)

    p = sub.add_parser("init", help="draft a study folder (study.toml, instrument.csv, scales.csv, areas.csv) from a survey file")
    p.add_argument("dir", type=Path, help="the study folder to create (must not exist)")
    p.add_argument("--from", dest="source", type=Path, required=True,
                   help="the answers file: SPSS .sav with labels, a platform export, or a wide CSV/XLSX "
                        "(required; no default)")
    p.add_argument("--format", choices=FORMATS, default="auto",
                   help="layout of the file: a survey platform's export or a wide file (default: auto, "
                        "recognised from its header rows; SPSS .sav files are read with their labels)")
    p.add_argument("--encoding", default=None, help="text encoding of the file (default: as declared, UTF-8)")
    p.set_defaults(func=_init)

    p = sub.add_parser("check", help="validate a study; check its published statements (exit 1 if any fails)")
    _study_options(p)
    p.add_argument("--statements", type=Path, default=None,
                   help="statements file (default: the one study.toml names, if any)")
    p.set_defaults(func=_check)

    p = sub.add_parser("roadmap", help="information-flow model and the five roadmap stages for a cluster network")
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR,
                   help="folder with actors.csv, links.csv, flows.csv (default: the illustrative worked example)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "roadmap",
                   help="output folder (default: data/processed/roadmap)")
    _roadmap_options(p)
    _study_options(p, roadmap=True)
    _group_options(p, "the survey group whose respondents give stage IV readiness (needs --study or --data; "
                      "default: all its respondents)")
    p.set_defaults(func=_roadmap)

    p = sub.add_parser("reproduce", help="run every notebook for all data and each group; build the HTML site")
    _study_options(p)
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR,
                   help="roadmap network folder (default: the illustrative worked example)")
    p.add_argument("--out", type=Path, default=config.REPORTS_DIR,
                   help=f"site folder; its public/ is the site to publish (default: {config.REPORTS_DIR})")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--only", choices=("competencies", "roadmap"), default=None,
                   help="build one notebook's reports only (default: both)")
    p.add_argument("--notebook", action="append", default=[], metavar="NAME=PATH",
                   help="run your own copy of a notebook (competencies or roadmap; see `clusterresearch "
                        "notebooks`) with the same parameters (default: the packaged notebooks)")
    p.add_argument("--no-survey", action="store_true",
                   help="build one roadmap report without a survey (no stage IV readiness) instead of a "
                        "roadmap per scope of the survey; needs --only roadmap (default: off)")
    _group_options(p, "only that group and the groups within it, e.g. country=PL; repeat to narrow (default: all)")
    _roadmap_options(p)
    p.add_argument("--min-group", type=int, default=config.MIN_GROUP,
                   help=f"groups with fewer respondents are confidential (default {config.MIN_GROUP})")
    p.add_argument("--with-code", action="store_true", help="keep code cells in the HTML reports (default: hidden)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where reports run: local worker processes or a Dask cluster (default: local)")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address for --executor dask (default: a local cluster)")
    p.add_argument("--timeout", type=int, default=600, help="per-cell execution timeout in seconds (default 600)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress on stderr (default: a bar on a terminal, else one line per finished report)")
    p.add_argument("--force", action="store_true", default=False,
                   help="rebuild every report; by default a report whose inputs (notebook, parameters, its "
                        "scope's answers, study files, code and library versions) are unchanged since the last "
                        "run into --out is reused (default: off)")
    p.set_defaults(func=_reproduce)

    p = sub.add_parser("notebooks", help="copy the packaged notebooks into a folder, to edit and run with "
                                         "reproduce --notebook")
    p.add_argument("dir", type=Path, help="the folder to copy them into (created; existing notebooks are "
                                          "never overwritten)")
    p.set_defaults(func=_copy_notebooks)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, RawDataWriteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        where_ = getattr(args, "out", None)
        kept = f"; {where_} is as it was before this run" if args.command == "reproduce" and where_ else ""
        print(f"interrupted{kept}", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
