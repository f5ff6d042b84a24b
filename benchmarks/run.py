"""Benchmarks: this engine and the original micrograd (PyPI 0.1.0), side by side, in one run.

    python benchmarks/run.py            # full run, writes benchmarks/results.json
    python benchmarks/run.py --quick    # smaller sizes, fewer repeats (a smoke test)

Reports ratios (original time / our time, original bytes / our bytes): the machine is shared
and noisy, so absolute times mean little, but both engines run under the same conditions,
interleaved, and each figure is the median of several repeats.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import threading
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's micrograd, even without an install
sys.path.insert(0, str(HERE))

import original  # noqa: E402

import micrograd  # noqa: E402
from micrograd.engine import Value  # noqa: E402

# -- 1. a chain of mixed ops ---------------------------------------------------------------


def chain(value_class: type, n_ops: int):
    """n_ops mixed operations, each on the previous result: * + relu - / ** (cycled)."""
    x = value_class(0.5)
    for i in range(n_ops):
        k = i % 6
        if k == 0:
            x = x * 1.0001
        elif k == 1:
            x = x + 0.001
        elif k == 2:
            x = x.relu()
        elif k == 3:
            x = x - 0.0005
        elif k == 4:
            x = x / 1.0001
        else:
            x = x**1
    return x


def chain_forward_backward(value_class: type, n_ops: int) -> None:
    chain(value_class, n_ops).backward()


# -- 2. training MLP(2, [16, 16, 1]) on two moons, as in the original demo ----------------

SAMPLES, ALPHA = 100, 1e-4


def demo_data():
    from micrograd.data import make_moons

    return make_moons(n_samples=SAMPLES, noise=0.1, seed=1337)


def original_demo(orig_nn, initial: list[float], steps: int) -> float:
    """The original demo.ipynb loop: hinge loss + L2, full batch, lr from 1.0 down by 0.9."""
    X, y = demo_data()
    y = [2 * t - 1 for t in y]  # the original's hinge loss wants labels -1/+1
    model = orig_nn.MLP(2, [16, 16, 1])
    for p, value in zip(model.parameters(), initial, strict=True):
        p.data = value
    Value = type(model.parameters()[0])
    for k in range(steps):
        inputs = [list(map(Value, row)) for row in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * si).relu() for yi, si in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = ALPHA * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    correct = sum((yi > 0) == (model(list(map(Value, row))).data > 0) for row, yi in zip(X, y))
    return correct / len(y)


def our_demo(steps: int) -> float:
    """The same run with this library: nn.MLP, fit(), SGD and the same lr schedule."""
    from micrograd.nn import MLP
    from micrograd.optim import SGD
    from micrograd.train import accuracy, fit

    X, y = demo_data()
    model = MLP(2, [16, 16, 1], seed=1337)
    fit(model, X, y, loss="hinge", optimizer=SGD(model.parameters(), lr=1.0),
        lr_schedule=lambda k: 1.0 - 0.9 * k / 100, epochs=steps, alpha=ALPHA,
        progress=False, shuffle=False)  # fmt: skip
    return accuracy(model, X, y)


def initial_parameters() -> list[float]:
    from micrograd.nn import MLP

    return [p.data for p in MLP(2, [16, 16, 1], seed=1337).parameters()]


def peak_rss_bytes(engine: str, steps: int) -> int:
    """Peak resident memory of a fresh process that runs one engine's demo (and nothing else).

    A separate process, so that neither engine's garbage counts for the other, and no
    tracemalloc, which would slow the original's 100 steps down several times over.
    """
    output = subprocess.run(
        [sys.executable, __file__, "--peak-of", engine, "--steps", str(steps)],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return int(output.split()[-1])


def _report_own_peak(engine: str, steps: int) -> None:
    if engine == "ours":
        our_demo(steps)
    else:
        _, orig_nn = original.load()
        sys.setrecursionlimit(1_000_000)
        original_demo(orig_nn, initial_parameters(), steps)
    print(_peak_rss())


def _peak_rss() -> int:
    """This process's peak resident memory in bytes.

    On Linux, VmHWM of /proc/self/status: getrusage's ru_maxrss would also count the
    parent's peak, which a child inherits through fork and exec.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # kB
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


# -- 3. a training step on the handwritten digits: MLP(64, [16, 10]), softmax CE, Adam ------

DIGITS_BATCH, DIGITS_STEPS, DIGITS_LR = 32, 3, 0.01


def digits_batches() -> list[tuple[list[list[float]], list[int]]]:
    """The first DIGITS_STEPS batches of DIGITS_BATCH scaled digits, in the file's order."""
    from micrograd.data import load_digits

    X, y = load_digits(scale=True)
    size = DIGITS_BATCH
    return [
        (X[i * size : (i + 1) * size], y[i * size : (i + 1) * size]) for i in range(DIGITS_STEPS)
    ]


def digits_initial_parameters() -> list[float]:
    from micrograd.nn import MLP

    return [p.data for p in MLP(64, [16, 10], seed=1337).parameters()]


def _original_exp_log(Value: type):
    """exp and log for the original's Value, written its way (a closure sets each _backward).

    micrograd 0.1.0 has no exp or log; softmax cross-entropy needs both.
    """
    import math

    def exp(v):
        out = Value(math.exp(v.data), (v,), "exp")

        def _backward():
            v.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(v):
        out = Value(math.log(v.data), (v,), "log")

        def _backward():
            v.grad += out.grad / v.data

        out._backward = _backward
        return out

    return exp, log


def original_digits(orig_nn, initial: list[float], data) -> float:
    """The original's MLP(64, [16, 10]) (ReLU, linear outputs), softmax CE and Adam by hand."""
    import math

    model = orig_nn.MLP(64, [16, 10])
    params = model.parameters()
    for p, value in zip(params, initial, strict=True):
        p.data = value
    Value = type(params[0])
    exp, log = _original_exp_log(Value)
    m, v = [0.0] * len(params), [0.0] * len(params)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t, (X, y) in enumerate(data, start=1):
        losses = []
        for row, label in zip(X, y):
            logits = model(list(map(Value, row)))
            top = max(z.data for z in logits)  # log-sum-exp, shifted as ours does
            shifted = [z - top for z in logits]
            losses.append(log(sum(exp(s) for s in shifted)) - shifted[label])
        loss = sum(losses) * (1.0 / len(losses))
        model.zero_grad()
        loss.backward()
        for i, p in enumerate(params):  # Adam, PyTorch's formula (as micrograd.optim.Adam)
            m[i] = b1 * m[i] + (1 - b1) * p.grad
            v[i] = b2 * v[i] + (1 - b2) * p.grad * p.grad
            step = DIGITS_LR / (1 - b1**t)
            p.data -= step * m[i] / (math.sqrt(v[i]) / math.sqrt(1 - b2**t) + eps)
    return loss.data


def our_digits(data) -> float:
    """The same steps with this library: nn.MLP, train.fit, optim.Adam, cross_entropy."""
    from micrograd.nn import MLP
    from micrograd.optim import Adam
    from micrograd.train import fit

    model = MLP(64, [16, 10], seed=1337)
    optimizer = Adam(model.parameters(), lr=DIGITS_LR)
    X = [row for X_batch, _ in data for row in X_batch]
    y = [label for _, y_batch in data for label in y_batch]
    history = fit(model, X, y, loss="cross_entropy", optimizer=optimizer, epochs=1,
                  batch_size=DIGITS_BATCH, progress=False, shuffle=False)  # fmt: skip
    return history.loss[-1]


def compare_digits(orig_nn, repeats: int) -> dict:
    """One Adam step on a batch of 32 digits, as the mean over DIGITS_STEPS steps."""
    data = digits_batches()
    initial = digits_initial_parameters()
    losses = {}
    row = compare(
        f"one Adam step, MLP(64,[16,10]), {DIGITS_BATCH} digits, CE",
        lambda: losses.__setitem__("ours", our_digits(data)),
        lambda: losses.__setitem__("original", original_digits(orig_nn, initial, data)),
        repeats,
    )
    row["ours_s"] /= DIGITS_STEPS
    row["original_s"] /= DIGITS_STEPS
    row["steps"] = DIGITS_STEPS
    row["repeats"] = repeats
    # the same network, batches and updates: both end at the same loss
    row["ours_loss"], row["original_loss"] = losses["ours"], losses["original"]
    return row


# -- measuring -----------------------------------------------------------------------------


def timed(function: Callable[[], object]) -> float:
    """CPU seconds of this process: time spent waiting for a busy core is not counted."""
    gc.collect()
    start = time.process_time()
    function()
    elapsed = time.process_time() - start
    gc.collect()  # the original's graphs hold reference cycles: free them outside the timing
    return elapsed


def compare(name: str, ours: Callable[[], object], theirs: Callable[[], object], repeats: int):
    """Best of several runs of both, interleaved so that both see the same machine load.

    The minimum, not the mean: on a shared machine noise only ever adds time.
    """
    our_times, their_times = [], []
    for _ in range(repeats):
        their_times.append(timed(theirs))
        our_times.append(timed(ours))
    ours_s, theirs_s = min(our_times), min(their_times)
    return {
        "benchmark": name,
        "ours_s": ours_s,
        "original_s": theirs_s,
        "speedup": theirs_s / ours_s,
    }


def count_nodes(root, parents_of: Callable) -> int:
    seen, stack = {id(root)}, [root]
    while stack:
        for parent in parents_of(stack.pop()):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


def bytes_per_node(build: Callable[[], object], parents_of: Callable) -> tuple[float, int]:
    """Memory held by a chain's graph after backward, per node (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    root = build()
    root.backward()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    nodes = count_nodes(root, parents_of)
    del root
    gc.collect()
    return (after - before) / nodes, nodes


# -- the report ----------------------------------------------------------------------------


def run(quick: bool) -> dict:
    orig_engine, orig_nn = original.load()
    Original = orig_engine.Value
    repeats = 3 if quick else 5
    results = []

    for n in (10_000, 100_000) if not quick else (10_000,):
        row = compare(
            f"chain of {n:,} mixed ops + backward",
            lambda n=n: chain_forward_backward(Value, n),
            lambda n=n: chain_forward_backward(Original, n),
            repeats,
        )
        row["ours_ops_per_s"] = n / row["ours_s"]
        row["original_ops_per_s"] = n / row["original_s"]
        results.append(row)

    initial = initial_parameters()
    step = compare(
        "one training step, MLP(2,[16,16,1]), 100 moons",
        lambda: our_demo(1),
        lambda: original_demo(orig_nn, initial, 1),
        repeats,
    )
    results.append(step)
    results.append(compare_digits(orig_nn, repeats))
    steps = 20 if quick else 100
    accuracies = {}
    demo = compare(
        f"demo training run, {steps} steps",
        lambda: accuracies.__setitem__("ours", our_demo(steps)),
        lambda: accuracies.__setitem__("original", original_demo(orig_nn, initial, steps)),
        1,  # the original needs minutes for 100 steps; one run of each is long enough
    )
    demo["ours_accuracy"], demo["original_accuracy"] = accuracies["ours"], accuracies["original"]
    results.append(demo)

    n = 20_000
    ours_b, ours_nodes = bytes_per_node(lambda: chain(Value, n), lambda v: v.parents)
    theirs_b, theirs_nodes = bytes_per_node(lambda: chain(Original, n), lambda v: v._prev)
    memory = {
        "benchmark": f"memory per node after backward (chain of {n:,} ops)",
        "ours_bytes_per_node": ours_b,
        "original_bytes_per_node": theirs_b,
        "ours_nodes": ours_nodes,
        "original_nodes": theirs_nodes,
        "ratio": theirs_b / ours_b,
    }
    demo_peak = {
        "benchmark": f"peak memory (RSS) of the demo run, {steps} steps",
        "ours_bytes": peak_rss_bytes("ours", steps),
        "original_bytes": peak_rss_bytes("original", steps),
    }
    demo_peak["ratio"] = demo_peak["original_bytes"] / demo_peak["ours_bytes"]
    return {
        "python": sys.version.split()[0],
        "repeats": repeats,
        "micrograd_version": micrograd.__version__,
        "original": original.REQUIREMENT,
        "timings": results,
        "memory": [memory],
        "peak": [demo_peak],
    }


def run_digits_only(path: Path, quick: bool) -> dict:
    """The last full report from ``path`` with the digits row measured again (added if new)."""
    _, orig_nn = original.load()
    report = json.loads(path.read_text()) if path.exists() else None
    if report is None:
        raise SystemExit(f"{path} does not exist: run the full benchmark first")
    row = compare_digits(orig_nn, 3 if quick else 5)
    timings = [r for r in report["timings"] if not r["benchmark"].startswith("one Adam step")]
    at = next((i for i, r in enumerate(timings) if r["benchmark"].startswith("demo")), len(timings))
    timings.insert(at, row)
    report["timings"] = timings
    return report


def print_table(report: dict) -> None:
    title = f"micrograd-edu {report['micrograd_version']} (ours) vs {report['original']}"
    print(f"\n{title} (Python {report['python']}); best of {report['repeats']} CPU times\n")
    print(f"{'benchmark':<52} {'original':>10} {'ours':>10} {'speedup':>8}")
    for row in report["timings"]:
        print(f"{row['benchmark']:<52} {row['original_s']:>9.3f}s {row['ours_s']:>9.3f}s"
              f" {row['speedup']:>7.1f}x")  # fmt: skip
    for row in report["memory"]:
        print(f"{row['benchmark']:<52} {row['original_bytes_per_node']:>9.0f}B"
              f" {row['ours_bytes_per_node']:>9.0f}B {row['ratio']:>7.1f}x")  # fmt: skip
    for row in report["peak"]:
        print(f"{row['benchmark']:<52} {row['original_bytes'] / 1e6:>8.1f}MB"
              f" {row['ours_bytes'] / 1e6:>8.1f}MB {row['ratio']:>7.1f}x")  # fmt: skip
    for row in report["timings"]:
        if "ours_accuracy" in row:
            print(f"\nfinal training accuracy: original {row['original_accuracy']:.0%},"
                  f" ours {row['ours_accuracy']:.0%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke test")
    parser.add_argument("--json", type=Path, default=HERE / "results.json", help="output file")
    parser.add_argument(
        "--digits-only",
        action="store_true",
        help="measure only the digits training step and update its row in --json",
    )
    parser.add_argument("--peak-of", choices=("ours", "original"), help=argparse.SUPPRESS)
    parser.add_argument("--steps", type=int, default=100, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peak_of:  # a child process of peak_rss_bytes()
        _report_own_peak(args.peak_of, args.steps)
        return

    # The original's backward() recurses once per node: give it a deep stack in a thread.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1024 * 1024 * 1024)
    report: dict = {}
    job = (
        (lambda: report.update(run_digits_only(args.json, args.quick)))
        if args.digits_only
        else (lambda: report.update(run(args.quick)))
    )
    worker = threading.Thread(target=job)
    worker.start()
    worker.join()
    print_table(report)
    args.json.write_text(json.dumps(report, indent=2) + "\n")
    print(f"\nwritten to {args.json}")


if __name__ == "__main__":
    main()
