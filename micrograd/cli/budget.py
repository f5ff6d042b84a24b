"""How much work a ``micrograd demo`` run is, estimated before anything is built.

A run far beyond a teaching run (minutes of grinding, gigabytes of graph) is refused with
the estimate and the flag that insists (``--force``), instead of starting and exhausting
the machine.
"""

from __future__ import annotations

import argparse

from micrograd.cli import CLIError
from micrograd.nn import parameter_count
from micrograd.train import estimate_cost

MAX_SECONDS = 300  # the default demo: 2 to 5 s (estimated 3.4 s); a lesson can wait 5 min
MAX_BYTES = 2 * 1024**3


def estimate(args: argparse.Namespace, nin: int = 2, nout: int = 1) -> tuple[float, float]:
    """(seconds, bytes) the run would take (:func:`micrograd.train.estimate_cost`, the one
    estimate): ``args`` has ``hidden``, ``samples`` (to train on), ``epochs`` and
    ``batch_size``; the model is MLP(nin, [*hidden, nout])."""
    sizes = [*args.hidden, nout]
    return estimate_cost(nin, sizes, args.samples, args.epochs, args.batch_size)


def check(args: argparse.Namespace, nin: int = 2, nout: int = 1) -> float:
    """Refuse a run far beyond a teaching run unless --force; return the estimated seconds."""
    seconds, memory = estimate(args, nin, nout)
    if args.force or (seconds <= MAX_SECONDS and memory <= MAX_BYTES):
        return seconds
    parameters = parameter_count(nin, [*args.hidden, nout])
    work = f"{parameters:,} parameters x {args.samples:,} samples x {args.epochs:,} epochs"
    limit = f"{readable_time(MAX_SECONDS)} and {readable_bytes(MAX_BYTES)}"
    raise CLIError(
        f"this run would take about {readable_time(seconds)} and {readable_bytes(memory)} of "
        f"memory (estimated: {work}); a teaching run stays under {limit}: use smaller "
        "--samples, --epochs or --hidden (or --batch-size for memory), or add --force to run "
        "it anyway"
    )


def readable_time(seconds: float) -> str:
    """``"3.2 s"``, ``"18 min"``, ``"2,700 years"``: the unit that reads best."""
    units = (("years", 365 * 86400), ("days", 86400), ("h", 3600), ("min", 60), ("s", 1))
    return _in_units(seconds, units)


def readable_bytes(n_bytes: float) -> str:
    units = (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2), ("KB", 1024), ("bytes", 1))
    return _in_units(n_bytes, units)


def _in_units(amount: float, units: tuple[tuple[str, int], ...]) -> str:
    name, size = next(((name, size) for name, size in units if amount >= size), units[-1])
    value = amount / size
    return f"{value:,.0f} {name}" if value >= 100 else f"{value:.2g} {name}"
