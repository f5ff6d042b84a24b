"""How much work a ``micrograd demo`` run is, estimated before anything is built.

A run far beyond a teaching run (minutes of grinding, gigabytes of graph) is refused with
the estimate and the flag that insists (``--force``), instead of starting and exhausting
the machine.
"""

from __future__ import annotations

import argparse

from micrograd.cli import CLIError

# One unit of work is one parameter seen by one sample in one epoch (its multiply-add,
# forward and backward, and its share of the update). Measured with fit() on two moons,
# hinge loss, full batch, on the 2-core machine this was written on while other jobs ran:
# 0.85 us per unit for MLP(2, [16, 16, 1]), 0.94 for [32, 32, 1], 1.5 for [64, 1], 2.3 for
# [8, 1] (small layers pay more per parameter for their activations); tracemalloc's peak
# for one step was 59 to 180 bytes per parameter and sample of the batch (the graph of the
# step). The constants are the upper end, so the estimate errs towards caution.
SECONDS_PER_UNIT = 2.5e-6
BYTES_PER_UNIT = 200  # per parameter and sample of one batch: the graph backward() walks
BYTES_PER_SAMPLE = 200  # the data set itself: a list of coordinates and a label
MAX_SECONDS = 300  # the default demo: 3 to 7 s (estimated 8.5 s); a lesson can wait 5 min
MAX_BYTES = 2 * 1024**3


def parameter_count(nin: int, sizes: list[int]) -> int:
    """Weights and biases of MLP(nin, sizes): each layer has (inputs + 1) x outputs."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip([nin, *sizes], sizes))


def estimate(args: argparse.Namespace, nin: int = 2) -> tuple[float, float]:
    """(seconds, bytes) the run would take, from its size alone, before building anything.

    The output layer is counted as one neuron (two classes), a small underestimate for
    more classes.
    """
    parameters = parameter_count(nin, [*args.hidden, 1])
    batch = min(args.batch_size or args.samples, args.samples)
    steps_per_epoch = -(-args.samples // batch)
    units = parameters * args.epochs * (args.samples + steps_per_epoch)
    memory = parameters * batch * BYTES_PER_UNIT + args.samples * BYTES_PER_SAMPLE
    return units * SECONDS_PER_UNIT, memory


def check(args: argparse.Namespace, nin: int = 2) -> float:
    """Refuse a run far beyond a teaching run unless --force; return the estimated seconds."""
    seconds, memory = estimate(args, nin)
    if args.force or (seconds <= MAX_SECONDS and memory <= MAX_BYTES):
        return seconds
    parameters = parameter_count(nin, [*args.hidden, 1])
    work = f"{parameters:,} parameters x {args.samples:,} samples x {args.epochs:,} epochs"
    limit = f"{readable_time(MAX_SECONDS)} and {readable_bytes(MAX_BYTES)}"
    raise CLIError(
        f"this run would take about {readable_time(seconds)} and {readable_bytes(memory)} of "
        f"memory (estimated: {work} at ~{SECONDS_PER_UNIT * 1e6:g} us each); a teaching run "
        f"stays under {limit}: use smaller --samples, --epochs or --hidden (or --batch-size "
        "for memory), or add --force to run it anyway"
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
