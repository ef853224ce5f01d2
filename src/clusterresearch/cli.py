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
    from .roadmap.pipeline import run_roadmap

    written = run_roadmap(
        network=args.network,
        out=args.out,
        platform_retention=args.platform_retention,
        platform_delay=args.platform_delay,
        relay_retention=args.relay_retention,
        data=args.data,
        cluster=args.cluster,
        country=args.country,
        encoding=args.encoding,
    )
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
        encoding=args.encoding,
        registry=args.registry,
    )
    return reproduce(options)


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(prog="clusterresearch", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"clusterresearch {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("prepare", help="validate a survey and write tidy answers and summaries")
    p.add_argument("--data", type=Path, default=config.RESPONSES_PATH,
                   help="responses file: wide or long CSV, XLSX or SPSS .sav (default: the reconstructed survey)")
    p.add_argument("--registry", type=Path, default=None,
                   help="clusters.csv registry (default: the shipped one for the shipped data, none otherwise)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR,
                   help="output folder (default: data/processed/)")
    p.add_argument("--encoding", default=None, help="text encoding of CSV input (default: UTF-8, BOM allowed)")
    p.set_defaults(func=_prepare)

    p = sub.add_parser("reconstruct", help="regenerate the reconstructed survey answers from the paper's statements")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "reconstruction",
                   help="output folder, never under data/raw (default: data/processed/reconstruction/)")
    p.add_argument("--seed", type=int, default=None, help="generator seed (default: the one the shipped data used)")
    p.set_defaults(func=_reconstruct)

    p = sub.add_parser("check", help="check the paper's statements on a survey; exit 1 if any fails")
    p.add_argument("--data", type=Path, default=config.RESPONSES_PATH,
                   help="responses file: wide or long CSV, XLSX or SPSS .sav (default: the reconstructed survey)")
    p.add_argument("--statements", type=Path, default=config.STATEMENTS_PATH,
                   help="the paper's statements (default: data/raw/paper_statements.csv)")
    p.add_argument("--encoding", default=None, help="text encoding of CSV input (default: UTF-8, BOM allowed)")
    p.set_defaults(func=_check)

    p = sub.add_parser("roadmap", help="information-flow model and the five roadmap stages for a cluster network")
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR,
                   help="folder with actors.csv, links.csv, flows.csv (default: the worked example)")
    p.add_argument("--out", type=Path, default=config.PROCESSED_DIR / "roadmap",
                   help="output folder (default: data/processed/roadmap/)")
    p.add_argument("--platform-retention", type=float, default=None,
                   help="retention of each platform channel, 0-1 (default: 0.98)")
    p.add_argument("--platform-delay", type=float, default=None,
                   help="delay of each platform channel in days (default: 0.5)")
    p.add_argument("--relay-retention", type=float, default=None,
                   help="override the retention of every channel touching the CDC (default: as in links.csv)")
    p.add_argument("--data", type=Path, default=None,
                   help="survey whose competency results give stage IV readiness (default: the reconstructed survey)")
    p.add_argument("--cluster", default=None,
                   help="survey cluster id whose results give stage IV readiness (default: all managers)")
    p.add_argument("--country", default=None,
                   help="survey country whose managers' mean results give stage IV readiness (default: all managers)")
    p.add_argument("--encoding", default=None, help="text encoding of a CSV survey (default: UTF-8, BOM allowed)")
    p.set_defaults(func=_roadmap)

    p = sub.add_parser("reproduce", help="run every notebook for all data, each country and each cluster; build the HTML site")
    p.add_argument("--data", type=Path, default=config.RESPONSES_PATH,
                   help="responses file: wide or long CSV, XLSX or SPSS .sav (default: the reconstructed survey)")
    p.add_argument("--encoding", default=None, help="text encoding of CSV input (default: UTF-8, BOM allowed)")
    p.add_argument("--registry", type=Path, default=None,
                   help="clusters.csv registry: cluster ids, countries and names shown in the site "
                        "(default: the shipped one for the shipped data, none otherwise)")
    p.add_argument("--network", type=Path, default=config.ROADMAP_EXAMPLE_DIR,
                   help="roadmap network folder with actors.csv, links.csv, flows.csv (default: the worked example)")
    p.add_argument("--out", type=Path, default=config.REPORTS_DIR,
                   help="site folder; public/ in it is the site to publish (default: reports/)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: the number of usable cores)")
    p.add_argument("--only", choices=("competencies", "roadmap"), default=None,
                   help="run one notebook only (default: both)")
    p.add_argument("--country", default=None,
                   help="only the reports of this country and its clusters (default: every group)")
    p.add_argument("--cluster", default=None, help="only this cluster's reports (default: every group)")
    p.add_argument("--min-group", type=int, default=config.MIN_GROUP,
                   help=f"groups with fewer respondents are confidential (default: {config.MIN_GROUP})")
    p.add_argument("--with-code", action="store_true", help="keep code cells in the HTML reports (default: off)")
    p.add_argument("--executor", choices=("local", "dask"), default="local",
                   help="where the jobs run: local processes or a Dask cluster (default: local)")
    p.add_argument("--scheduler", default=None,
                   help="Dask scheduler address for --executor dask (default: none, a local Dask cluster)")
    p.add_argument("--timeout", type=int, default=600,
                   help="per-cell execution timeout in seconds, 0 for none (default: 600)")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar or progress lines on stderr (default: shown)")
    p.set_defaults(func=_reproduce)
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
