"""Build the exercise notebooks, list the checks, grade submissions.

``micrograd exercises build`` writes the student notebooks (every solution region replaced
by ``# YOUR CODE HERE`` and ``raise NotImplementedError``) into --out; with --solutions it
also writes the solution notebooks (nbgrader source notebooks) into OUT/solutions. Both
need the exercise sources, which hold the solutions and so exist only in a checkout of the
repository (``exercises/sources/``), never in the installed package.

``micrograd exercises grade SUBMISSION.ipynb...`` grades submissions: each runs in a fresh
process with a wall-clock, memory and output limit; the verdicts are computed here. One CSV
row per submission and check (``--csv``); exit status 0 whenever grading ran.

``micrograd exercises list`` names the checks that ``check()`` knows.
"""

from __future__ import annotations

import argparse

from micrograd.cli import CLIError
from micrograd.i18n import LANGUAGES

HELP = "build the exercise notebooks, list the checks, or grade submissions"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"must be between 0 and 3600 seconds, got {text}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="write the student notebooks (and, with --solutions, the solutions)"
    )
    build.add_argument(
        "--out",
        default=None,
        metavar="DIR",
        help="directory for the student notebooks (default: notebooks/exercises, and "
        "notebooks/exercises/zh for --lang zh)",
    )
    build.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="the edition: en or zh (default: $MICROGRAD_LANG, else en)",
    )
    build.add_argument(
        "--solutions",
        action="store_true",
        help="also write the solution notebooks (nbgrader sources) into DIR/solutions",
    )
    build.add_argument(
        "--shipped",
        action="store_true",
        help="also refresh the student notebooks that ship with the package (in a checkout)",
    )
    build.add_argument(
        "--sources",
        metavar="DIR",
        default=None,
        help="the exercise sources (default: exercises/sources of this checkout)",
    )
    actions.add_parser("list", help="list the exercises that check() knows")
    grade = actions.add_parser(
        "grade",
        help="grade submitted notebooks, each in a fresh process",
        description="Grade submitted exercise notebooks. Each runs in a fresh process with a "
        "wall-clock, memory and output limit; the verdicts are computed outside it, on "
        "inputs drawn afresh for this run (the seed is in every CSV row).",
    )
    grade.add_argument("submissions", nargs="+", metavar="SUBMISSION.ipynb")
    grade.add_argument("--csv", metavar="FILE", help="write the grades to this CSV file")
    grade.add_argument(
        "--timeout",
        type=_seconds,
        default=60.0,
        metavar="SECONDS",
        help="wall-clock limit per submission (default: 60)",
    )
    grade.add_argument(
        "--seed",
        type=int,
        default=None,
        help="draw the inputs from this seed (default: a fresh one)",
    )
    grade.add_argument(
        "--memory",
        type=int,
        default=1024,
        metavar="MB",
        help="memory limit per submission (default: 1024)",
    )
    grade.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help="language of the feedback messages: en or zh (default: $MICROGRAD_LANG, else en)",
    )
    grade.add_argument("--quiet", action="store_true", help="no progress bar, no summary")


def run(args: argparse.Namespace) -> int:
    if args.action == "list":
        from micrograd.exercises import list_exercises

        for name, what in list_exercises().items():
            print(f"{name:20} {what}")
        return 0
    if args.action == "grade":
        return _grade(args)
    from pathlib import Path

    from micrograd.exercises.build import SourceError, build, default_language

    lang = default_language(args.lang)
    default_out = "notebooks/exercises" if lang == "en" else f"notebooks/exercises/{lang}"
    out = Path(args.out or default_out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {str(out)!r} is a file; give a directory.")
    try:
        written = build(out, solutions=args.solutions, sources=args.sources, lang=lang)
        if args.shipped:
            from micrograd.exercises.build import build_shipped

            written += build_shipped(sources=args.sources)
    except (SourceError, OSError) as error:
        raise CLIError(str(error)) from None
    for path in written:
        print(path)
    return 0


def _grade(args: argparse.Namespace) -> int:
    from micrograd.exercises.grading import GradingError, grade
    from micrograd.i18n import _

    if args.memory < 64:
        raise CLIError(f"--memory must be at least 64 MB, got {args.memory}.")
    try:
        rows = grade(
            args.submissions,
            csv_path=args.csv,
            timeout=args.timeout,
            seed=args.seed,
            memory_mb=args.memory,
            progress=not args.quiet,
            lang=args.lang,
        )
    except (GradingError, OSError) as error:
        raise CLIError(str(error)) from None
    if not args.quiet:
        totals: dict[str, list[float]] = {}
        for row in rows:
            got = totals.setdefault(row.submission, [0.0, 0.0])
            got[0] += row.points
            got[1] += row.max_points
        for submission, (points, out_of) in totals.items():
            print(f"{points:g}/{out_of:g}  {submission}")
        if args.csv:
            summary = _("seed {seed}; grades in {csv}", lang=args.lang)
        else:
            summary = _("seed {seed}", lang=args.lang)
        print(summary.format(seed=rows[0].seed, csv=args.csv))
    return 0
