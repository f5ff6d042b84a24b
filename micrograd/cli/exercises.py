"""Build the exercise notebooks from their sources.

``micrograd exercises build`` writes the student notebooks (every solution region replaced
by ``# YOUR CODE HERE`` and ``raise NotImplementedError``) into --out; with --solutions it
also writes the solution notebooks (nbgrader ``### BEGIN SOLUTION`` markers kept) into
OUT/solutions. ``micrograd exercises list`` names the checks that ``check()`` knows.
"""

from __future__ import annotations

import argparse

from micrograd.cli import CLIError

HELP = "build the exercise notebooks (student and solution versions) or list the checks"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="write the student notebooks (and, with --solutions, the solutions)"
    )
    build.add_argument(
        "--out",
        default="notebooks/exercises",
        metavar="DIR",
        help="directory for the student notebooks (default: notebooks/exercises)",
    )
    build.add_argument(
        "--solutions",
        action="store_true",
        help="also write the solution notebooks into DIR/solutions",
    )
    actions.add_parser("list", help="list the exercises that check() knows")


def run(args: argparse.Namespace) -> int:
    if args.action == "list":
        from micrograd.exercises import list_exercises

        for name, what in list_exercises().items():
            print(f"{name:20} {what}")
        return 0

    from pathlib import Path

    from micrograd.exercises.build import SourceError, build

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {args.out!r} is a file; give a directory.")
    try:
        written = build(out, solutions=args.solutions)
    except (SourceError, OSError) as error:
        raise CLIError(str(error)) from None
    for path in written:
        print(path)
    return 0
