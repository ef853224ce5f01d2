"""The ``clusterresearch`` command: thin argument parsing over library functions.

Defaults come from :mod:`clusterresearch.config`. Bad input ends with one line
``error: <file>: <where>: <what>`` and exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import config
from .errors import InputError
from .outputs import RawDataWriteError


def _prepare(args: argparse.Namespace) -> int:
    from .prepare import run_prepare

    written = run_prepare(data=args.data, out=args.out, registry=args.registry, encoding=args.encoding)
    for path in written:
        print(path)
    return 0


def _reconstruct(args: argparse.Namespace) -> int:
    from .reconstruction.generator import write_reconstruction

    for path in write_reconstruction(out=args.out, seed=args.seed):
        print(path)
    return 0


def _check(args: argparse.Namespace) -> int:
    from .loading import load_survey
    from .metrics.statements import check_statements, load_statements

    survey = load_survey(args.data, encoding=args.encoding)
    table = check_statements(survey.answers, load_statements(args.statements), survey.instrument)
    print(table[["statement_id", "figure", "statistic", "op", "value", "observed", "holds"]].to_string(index=False))
    return 0 if bool(table["holds"].all()) else 1


def _roadmap(args: argparse.Namespace) -> int:
    from .roadmap.build import RoadmapSettings
    from .roadmap.pipeline import run_roadmap

    settings = RoadmapSettings(
        network=args.network,
        platform_retention=args.platform_retention,
        platform_delay=args.platform_delay,
        relay_retention=args.relay_retention,
        data=args.data,
        cluster=args.cluster,
        country=args.country,
    )
    written = run_roadmap(settings, out=args.out)
    for path in written:
        print(path)
    return 0


def _reproduce(args: argparse.Namespace) -> int:
    from .batch.runner import ReproduceOptions, reproduce

    options = ReproduceOptions(
        data=args.data,
        network=args.network,
        out=args.out,
        jobs=args.jobs,
        only=args.only,
        country=args.country,
        cluster=args.cluster,
        min_group=args.min_group,
        with_code=args.with_code,
        executor=args.executor,
        scheduler=args.scheduler,
        timeout=args.timeout,
        progress=not args.no_progress,
        platform_retention=args.platform_retention,
        platform_delay=args.platform_delay,
        relay_retention=args.relay_retention,
    )
    return reproduce(options)


def _roadmap_options(p: argparse.ArgumentParser) -> None:
    """The options that shape a roadmap report, the same for `roadmap` and `reproduce`."""
    p.add_argument("--platform-retention", type=float, default=None,
                   help="retention of each platform channel (default 0.98)")
    p.add_argument("--platform-delay", type=float, default=None, help="delay of each platform channel, days (default 0.5)")
    p.add_argument("--relay-retention", type=float, default=None,
                   help="override the retention of every channel touching the CDC (default: as in links.csv)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clusterresearch", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="validate a survey and write tidy answers and summaries")
    p.add_argument("--data", type=Path, default=config.RESPONSES_PATH,
                   help="responses file: wide or long CSV, XLSX or SPSS .sav (default: the reconstructed survey)")
    p.add_argument("--registry", type=Path, default=None,
                   help="clusters.csv registry (default: the shipped one for the shipped data, none otherwise)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR)
    p.add_argument("--encoding", default=None, help="text encoding of CSV input (default: UTF-8, BOM allowed)")
    p.set_defaults(func=_prepare)

    p = sub.add_parser("reconstruct", help="regenerate the reconstructed survey answers from the paper's statements")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "reconstruction")
    p.add_argument("--seed", type=int, default=None, help="generator seed (default: the one the shipped data used)")
    p.set_defaults(func=_reconstruct)

    p = sub.add_parser("check", help="check the paper's statements on a survey; exit 1 if any fails")
    p.add_argument("--data", type=Path, default=config.RESPONSES_PATH)
    p.add_argument("--statements", type=Path, default=config.STATEMENTS_PATH)
    p.add_argument("--encoding", default=None)
    p.set_defaults(func=_check)

    p = sub.add_parser("roadmap", help="information-flow model and the five roadmap stages for a cluster network")
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR,
                   help="folder with actors.csv, links.csv, flows.csv")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "roadmap")
    _roadmap_options(p)
    p.add_argument("--data", type=Path, default=None,
                   help="survey whose respondents give stage IV readiness (default: none, no readiness)")
    p.add_argument("--cluster", default=None, help="survey cluster whose respondents give the readiness (needs --data)")
    p.add_argument("--country", default=None, help="survey country whose respondents give the readiness (needs --data)")
    p.set_defaults(func=_roadmap)

    p = sub.add_parser("reproduce", help="run every notebook for all data, each country and each cluster; build the HTML site")
    p.add_argument("--data", type=Path, default=None,
                   help="survey (default: the shipped one for the competency reports; the roadmap reports use a "
                        "survey only when --data is given)")
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR)
    _roadmap_options(p)
    p.add_argument("--out", type=Path, default=config.REPORTS_DIR)
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: number of cores)")
    p.add_argument("--only", choices=("competencies", "roadmap"), default=None)
    p.add_argument("--country", default=None)
    p.add_argument("--cluster", default=None)
    p.add_argument("--min-group", type=int, default=3,
                   help="groups with fewer respondents are confidential (default 3)")
    p.add_argument("--with-code", action="store_true", help="keep code cells in the HTML reports")
    p.add_argument("--executor", choices=("local", "dask"), default="local")
    p.add_argument("--scheduler", default=None, help="Dask scheduler address for --executor dask")
    p.add_argument("--timeout", type=int, default=600, help="per-cell execution timeout in seconds")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (InputError, RawDataWriteError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
