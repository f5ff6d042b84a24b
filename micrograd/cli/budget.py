"""How much work a ``micrograd demo`` run is, estimated before anything is built.

A run far beyond a teaching run (minutes of grinding, gigabytes of graph) is refused with
the estimate and the flag that insists (``--force``), instead of starting and exhausting
the machine.
"""

from __future__ import annotations

import argparse

from micrograd.cli import CLIError

# One sample in one epoch costs, forward and backward with its share of the update, about
# SECONDS_PER_PARAMETER for each weight and bias (its multiply-add) and SECONDS_PER_NEURON for
# each neuron (its sum, its activation, its lists). Measured with fit() on the 2-core machine
# this was written on while other jobs ran: 0.4 us and 4 us fit MLP(2, [16, 16, 1]),
# [32, 32, 1], [64, 1] and [8, 1] on two moons (hinge loss, full batch) within 10%, and the
# digits run (MLP(64, [16, 10]), cross-entropy, batches of 32) within 2%. The constants are a
# quarter above that, so the estimate errs towards caution. tracemalloc's peak for one step
# was 59 to 180 bytes per parameter and sample of the batch (the graph of the step).
SECONDS_PER_PARAMETER = 0.5e-6
SECONDS_PER_NEURON = 5e-6
BYTES_PER_UNIT = 200  # per parameter and sample of one batch: the graph backward() walks
BYTES_PER_SAMPLE = 200  # the data set itself: a list of coordinates and a label
MAX_SECONDS = 300  # the default demo: 2 to 5 s (estimated 3.4 s); a lesson can wait 5 min
MAX_BYTES = 2 * 1024**3


def parameter_count(nin: int, sizes: list[int]) -> int:
    """Weights and biases of MLP(nin, sizes): each layer has (inputs + 1) x outputs."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip([nin, *sizes], sizes))


def estimate(args: argparse.Namespace, nin: int = 2, nout: int = 1) -> tuple[float, float]:
    """(seconds, bytes) the run would take, from its size alone, before building anything.

    ``args`` has ``hidden``, ``samples`` (to train on), ``epochs`` and ``batch_size``; the
    model is MLP(nin, [*hidden, nout]). The one estimate of a training run's time: the demo
    and the digits run (:func:`micrograd.digits.estimate_seconds`) both use it.
    """
    sizes = [*args.hidden, nout]
    parameters = parameter_count(nin, sizes)
    batch = min(args.batch_size or args.samples, args.samples)
    steps_per_epoch = -(-args.samples // batch)
    per_sample = parameters * SECONDS_PER_PARAMETER + sum(sizes) * SECONDS_PER_NEURON
    seconds = per_sample * args.epochs * (args.samples + steps_per_epoch)
    memory = parameters * batch * BYTES_PER_UNIT + args.samples * BYTES_PER_SAMPLE
    return seconds, memory


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
