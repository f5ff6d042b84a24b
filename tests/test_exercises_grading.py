"""``micrograd exercises grade``: each trick a student could play scores nothing, each
mistake is named, and the grades come out as a CSV.

Submissions are the built notebooks (from this checkout's sources) with cells appended: a
tampering trick, or a wrong answer redefining one of the student's functions. Everything
goes through the command line, as a teacher would run it.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from exercise_helpers import GRADE

from micrograd.exercises import build as exbuild
from micrograd.exercises.grading import NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    exbuild.build(out, solutions=True)
    return out


def submission(built: Path, folder: Path, stem: str, name: str, *cells: str, solved=True) -> Path:
    """A notebook of exercise ``stem`` (solved or the empty template) with ``cells`` appended."""
    source = built / "solutions" / f"{stem}.ipynb" if solved else built / f"{stem}.ipynb"
    nb = json.loads(source.read_text())
    nb["cells"] = [
        c
        for c in nb["cells"]
        if "nbgrader" not in c["metadata"] or c["metadata"]["nbgrader"].get("solution")
    ]
    for i, text in enumerate(cells):
        nb["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"extra-{i}",
                "metadata": {},
                "outputs": [],
                "source": text,
            }
        )
    path = folder / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def grade(*args: str | Path, timeout: float = 120) -> tuple[subprocess.CompletedProcess, list]:
    """Run the command line; return the process and the CSV rows (as dicts)."""
    csv_path = Path(tempfile.mkdtemp(prefix="grades-")) / "grades.csv"
    proc = subprocess.run(
        [*GRADE, *map(str, args), "--csv", str(csv_path), "--quiet"],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    rows = list(csv.DictReader(csv_path.open())) if proc.returncode == 0 else []
    return proc, rows


def points(rows: list, submission: Path) -> float:
    return sum(float(r["points"]) for r in rows if r["submission"] == str(submission))


# --------------------------------------------------------------------------------------
# Tampering: each trick of the issue scores zero (on the empty template), and does not
# lower an honest student's grade either
# --------------------------------------------------------------------------------------

TRICKS = {
    "replace-exercises": (
        "01_local_derivatives",
        "import dataclasses\n"
        "from micrograd.exercises.core import EXERCISES, PASSED\n"
        "for name, ex in list(EXERCISES.items()):\n"
        "    EXERCISES[name] = dataclasses.replace(ex, judge=lambda i, r, ctx: None,\n"
        "                                          observe=lambda s, i, p: iter([{}]))\n",
    ),
    "patch-close": (
        "02_backward",
        "import micrograd.exercises.core as core, micrograd.exercises.checks.graph as g\n"
        "core.close = g.close = lambda *a, **k: True\n"
        "core.all_close = g.all_close = lambda *a, **k: True\n",
    ),
    "shrink-graphs": (
        "02_backward",
        "import micrograd.exercises.checks.graph as g\n"
        "g.SHAPES.clear()\n"
        "g.make_graphs = lambda rng: []\n",
    ),
    "expected-from-the-stack": (
        "07_gradient_shape",
        "import sys\n"
        "def grad_W_by_hand(W, x, y):\n"
        "    frame = sys._getframe(1)\n"
        "    while frame:\n"
        "        for key in ('want', 'expected', 'reference'):\n"
        "            if key in frame.f_locals and isinstance(frame.f_locals[key], list):\n"
        "                return frame.f_locals[key]\n"
        "        frame = frame.f_back\n"
        "grad_W_with_engine = grad_W_by_hand\n",
    ),
    "target-accuracy-zero": (
        "06_training_loop",
        "import micrograd.exercises.checks.training as t\n"
        "t.TARGET_ACCURACY = 0\n"
        "def train(model, optimizer, X, y, steps):\n"
        "    return [0.0] * steps\n",
    ),
    "rewrite-the-labels": (
        "06_training_loop",
        "def train(model, optimizer, X, y, steps):\n"
        "    y[:] = [1 if model(x).data > 0 else -1 for x in X]  # agree with the untrained model\n"
        "    return [0.0] * steps\n",
    ),
    "patch-the-score": (
        "03_gradient_check",
        "from micrograd.exercises.core import CheckResult, PASSED\n"
        "CheckResult.score = property(lambda self: 1.0)\n"
        "CheckResult.passed = property(lambda self: True)\n",
    ),
    "friendly-seed-and-timeout": (
        "06_training_loop",
        "from micrograd.exercises import check\n"
        "def train(model, optimizer, X, y, steps):\n"
        "    return [0.0] * steps\n"
        "check('train', train, seed=12345, timeout=1e9)\n",
    ),
    "wrap-the-library": (
        "05_optimizers",
        "from micrograd import optim\n"
        "class SGD(optim.SGD):\n"
        "    pass\n"
        "class SGDMomentum(optim.SGD):\n"
        "    def __init__(self, params, lr=0.01, momentum=0.9):\n"
        "        super().__init__(params, lr=lr, momentum=momentum)\n"
        "class Adam(optim.Adam):\n"
        "    pass\n",
    ),
    "wrap-micrograd-grad": (
        "02_backward",
        "import micrograd\n"
        "def topological_sort(root):\n"
        "    return micrograd.topological_order(root)\n"
        "def backward(root):\n"
        "    root.backward()\n",
    ),
    "base-exceptions": (
        "01_local_derivatives",
        "class Mine(BaseException):\n"
        "    pass\n"
        "def _raise(error):\n"
        "    raise error\n"
        "Value.__mul__ = lambda self, other: _raise(KeyboardInterrupt())\n"
        "Value.__truediv__ = lambda self, other: _raise(GeneratorExit())\n"
        "Value.exp = lambda self: _raise(Mine())\n"
        "Value.tanh = lambda self: _raise(SystemExit(0))\n",
    ),
    "forge-the-results-file": (
        "03_gradient_check",
        "import glob, json\n"
        "for path in glob.glob('/tmp/micrograd-grade-*/results.jsonl'):\n"
        "    with open(path, 'a') as f:\n"
        "        for name in ('numerical_grad', 'gradient_check'):\n"
        "            line = {'check': name, 'records': [], 'stop': ['passed', '']}\n"
        "            f.write(json.dumps(line) + '\\n')\n",
    ),
    "print-ten-megabytes": (
        "01_local_derivatives",
        "def loud(self, other):\n"
        "    print('x' * 10_000_000)\n"
        "    raise NotImplementedError\n"
        "Value.__mul__ = loud\n",
    ),
}


@pytest.mark.parametrize("trick", TRICKS, ids=str)
def test_a_trick_on_the_empty_template_scores_nothing(built, tmp_path, trick):
    stem, code = TRICKS[trick]
    path = submission(built, tmp_path, stem, f"trick-{trick}", code, solved=False)
    proc, rows = grade(path)
    assert proc.returncode == 0, proc.stderr
    mine = [r for r in rows if r["submission"] == str(path)]
    assert [r["check"] for r in mine] == list(NOTEBOOKS[stem])
    assert points(rows, path) == 0, [(r["check"], r["status"], r["message"][:200]) for r in mine]
    assert all(r["status"] != "passed" for r in mine)


def test_switching_off_the_time_limit_costs_the_timeout_not_more(built, tmp_path):
    code = (
        "import signal\n"
        "def exp(self):\n"
        "    signal.signal(signal.SIGALRM, signal.SIG_IGN)  # no more time-outs in here\n"
        "    signal.setitimer(signal.ITIMER_REAL, 0)\n"
        "    while True:\n"
        "        pass\n"
        "Value.exp = exp\n"
    )
    looping = submission(built, tmp_path, "01_local_derivatives", "loops", code)
    honest = submission(built, tmp_path, "01_local_derivatives", "honest")
    start = time.perf_counter()
    proc, rows = grade(looping, honest, "--timeout", "8")
    elapsed = time.perf_counter() - start
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 40, elapsed
    statuses = {r["check"]: r["status"] for r in rows if r["submission"] == str(looping)}
    assert statuses["mul"] == "passed" and statuses["exp"] == "timeout"
    assert statuses["tanh"] == "timeout"  # never reported: the process was killed
    assert points(rows, looping) == 3  # mul, div, pow came back before the loop
    assert points(rows, honest) == 6


def test_ending_the_process_scores_what_came_before_it_only(built, tmp_path):
    code = "import os\ndef tanh(self):\n    os._exit(0)\nValue.tanh = tanh\n"
    path = submission(built, tmp_path, "01_local_derivatives", "exits", code)
    proc, rows = grade(path)
    statuses = {r["check"]: r["status"] for r in rows}
    # os._exit inside a check is an exception there (the student's side replaces it)...
    assert statuses["tanh"] == "error" and statuses["exp"] == "passed"
    # ... and in a cell too: the cells after it and the checks still run
    path = submission(built, tmp_path, "01_local_derivatives", "exits2", "import os\nos._exit(0)")
    proc, rows = grade(path)
    assert points(rows, path) == 6
    # a process that really dies (here: kills itself) scores zero, each check an error
    code = "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)"
    path = submission(built, tmp_path, "01_local_derivatives", "dies", code)
    proc, rows = grade(path)
    assert proc.returncode == 0
    assert {r["status"] for r in rows} == {"error"} and points(rows, path) == 0
    assert "ended before this check" in rows[0]["message"]


def test_a_memory_hog_is_stopped_and_the_rest_graded(built, tmp_path):
    path = submission(built, tmp_path, "02_backward", "hog", "hog = bytearray(3 * 2**30)\n")
    proc, rows = grade(path, "--memory", "512")
    assert proc.returncode == 0, proc.stderr
    assert points(rows, path) == 2


def test_an_honest_submission_gets_full_marks_whatever_its_cells_print(built, tmp_path):
    for stem in NOTEBOOKS:
        path = submission(built, tmp_path, stem, f"honest-{stem}", "print('y' * 5_000_000)")
        proc, rows = grade(path)
        assert proc.returncode == 0, proc.stderr
        assert points(rows, path) == sum(NOTEBOOKS[stem].values()), rows


# --------------------------------------------------------------------------------------
# Wrong answers: named in the CSV message, partial credit as CheckResult.score
# --------------------------------------------------------------------------------------

WRONG = [
    (
        "01_local_derivatives",
        "mul",
        "assign-not-accumulate",
        "def mul(self, other):\n"
        "    other = other if isinstance(other, Value) else Value(other)\n"
        "    out = Value(self.data * other.data, (self, other), '*')\n"
        "    def _backward():\n"
        "        self.grad = other.data * out.grad\n"
        "        other.grad = self.data * out.grad\n"
        "    out._backward = _backward\n"
        "    return out\n"
        "Value.__mul__ = mul\n",
    ),
    (
        "02_backward",
        "backward",
        "backward-no-seed",
        "def backward(root):\n"
        "    for node in reversed(topological_sort(root)):\n"
        "        for parent, d in zip(node.parents, node.local_grads):\n"
        "            parent.grad += d * node.grad\n",
    ),
    (
        "03_gradient_check",
        "numerical_grad",
        "forward-difference",
        "def numerical_grad(f, inputs, eps=1e-6):\n"
        "    out = []\n"
        "    for i in range(len(inputs)):\n"
        "        up = list(inputs); up[i] += eps\n"
        "        out.append((f(*up) - f(*inputs)) / eps)\n"
        "    return out\n",
    ),
    (
        "04_neural_network",
        "neuron",
        "missing-bias",
        "def call(self, x):\n"
        "    act = sum(wi * xi for wi, xi in zip(self.w, x))\n"
        "    return act.tanh() if self.nonlin else act\n"
        "Neuron.__call__ = call\n",
    ),
    (
        "05_optimizers",
        "momentum",
        "momentum-ema-no-lr",
        "def step(self):\n"
        "    for i, p in enumerate(self.params):\n"
        "        v = self.momentum * self.velocities[i] + (1 - self.momentum) * p.grad\n"
        "        self.velocities[i] = v\n"
        "        p.data -= self.velocities[i]\n"
        "SGDMomentum.step = step\n",
    ),
    (
        "06_training_loop",
        "hinge_loss",
        "sum-not-mean",
        "def hinge_loss(scores, labels):\n"
        "    return sum(((1 - y * s).relu() for s, y in zip(scores, labels)), 0.0)\n",
    ),
    (
        "07_gradient_shape",
        "grad_W_with_engine",
        "engine-not-used",
        "grad_W_with_engine = grad_W_by_hand\n",
    ),
    (
        "07_gradient_shape",
        "grad_W_by_hand",
        "library-unavailable",
        "grad_W_by_hand = grad_W_with_engine\n",
    ),
]


@pytest.mark.parametrize("stem, check, kind, code", WRONG, ids=[w[2] for w in WRONG])
def test_a_wrong_answer_is_named_in_the_grades(built, tmp_path, stem, check, kind, code):
    path = submission(built, tmp_path, stem, f"wrong-{kind}", code)
    proc, rows = grade(path)
    assert proc.returncode == 0, proc.stderr
    (row,) = [r for r in rows if r["check"] == check]
    assert row["status"] in ("failed", "error"), row
    assert f"[{kind}]" in row["message"], row["message"]
    assert 0 <= float(row["points"]) < float(row["max_points"])


def test_the_earlier_part_is_named_when_it_is_the_cause(built, tmp_path):
    code = WRONG[5][3]  # hinge_loss sums instead of averaging; train_step calls it
    path = submission(built, tmp_path, "06_training_loop", "earlier", code)
    _, rows = grade(path)
    by_check = {r["check"]: r for r in rows}
    assert by_check["train_step"]["status"] == "failed"
    assert "[fix-earlier-part]" in by_check["train_step"]["message"]
    assert "hinge_loss" in by_check["train_step"]["message"]


# --------------------------------------------------------------------------------------
# The CSV and the command line
# --------------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_submission_and_check(built, tmp_path):
    honest = submission(built, tmp_path, "05_optimizers", "a")
    empty = submission(built, tmp_path, "05_optimizers", "b", solved=False)
    proc, rows = grade(honest, empty, "--seed", "7")
    assert proc.returncode == 0
    assert list(rows[0]) == [
        "submission",
        "exercise",
        "check",
        "points",
        "max_points",
        "status",
        "message",
        "seed",
    ]
    assert len(rows) == 6 and {r["seed"] for r in rows} == {"7"}
    assert [r["status"] for r in rows] == ["passed"] * 3 + ["not implemented"] * 3
    assert points(rows, honest) == 3 and points(rows, empty) == 0


def test_inputs_are_drawn_afresh_for_each_run(built, tmp_path):
    path = submission(built, tmp_path, "07_gradient_shape", "fresh")
    seeds = {grade(path)[1][0]["seed"] for _ in range(2)}
    assert len(seeds) == 2


def test_partial_credit_is_the_fraction_of_cases(built, tmp_path):
    code = (
        "right_log = Value.log\n"
        "def log(self):  # right above 1, wrong below\n"
        "    return right_log(self) if self.data > 1 else Value(0.0, (self,), 'log')\n"
        "Value.log = log\n"
    )
    path = submission(built, tmp_path, "01_local_derivatives", "partial", code)
    _, rows = grade(path)
    (row,) = [r for r in rows if r["check"] == "log"]
    assert row["status"] == "failed"
    cases = 13  # ten random inputs in [0.1, 5], 0.05, 7.5 and the plain case 0.8
    score = float(row["points"]) / float(row["max_points"])
    assert 0 < score < 1
    assert score * cases == pytest.approx(round(score * cases), abs=1e-3)


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d: (d / "notes.txt", "hello"), "not a notebook"),
        (
            lambda d: (d / "other.ipynb", json.dumps({"cells": [], "metadata": {}})),
            "no known exercise",
        ),
    ],
)
def test_bad_input_is_one_clear_line_and_a_nonzero_exit(tmp_path, make, message):
    path, text = make(tmp_path)
    path.write_text(text)
    proc = subprocess.run(
        [sys.executable, "-m", "micrograd", "exercises", "grade", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_an_unwritable_csv_is_refused_before_grading(built, tmp_path):
    path = submission(built, tmp_path, "02_backward", "x")
    for target in (tmp_path / "missing" / "g.csv", tmp_path):
        proc = subprocess.run(
            [*GRADE, str(path), "--csv", str(target)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.returncode == 2 and "--csv" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr


def test_thirty_submissions_grade_in_well_under_a_minute(built, tmp_path):
    """Measured on this machine (2 cores, shared): printed, and bounded at 45 s."""
    paths = []
    for i in range(30):
        kind = i % 3
        paths.append(
            submission(
                built,
                tmp_path,
                "01_local_derivatives",
                f"s{i:02d}",
                WRONG[0][3] if kind == 1 else "",
                solved=kind != 2,
            )
        )
    start = time.perf_counter()
    proc, rows = grade(*paths)
    elapsed = time.perf_counter() - start
    print(f"30 submissions of exercise 1 graded in {elapsed:.1f} s")
    assert proc.returncode == 0
    assert len(rows) == 30 * 6
    assert elapsed < 45, elapsed


def test_answers_cannot_be_computed_with_the_library_ahead_of_the_checks(built, tmp_path):
    code = (
        "import micrograd\n"
        "try:\n"
        "    micrograd.topological_order(micrograd.Value(1.0) * 2)\n"
        "    print('the library was available')\n"
        "    ahead = True\n"
        "except RuntimeError:\n"
        "    ahead = False\n"
        "def topological_sort(root):  # right only if the cell above could use the library\n"
        "    order, seen = [], set()\n"
        "    def visit(node):\n"
        "        if node not in seen:\n"
        "            seen.add(node)\n"
        "            for parent in node.parents:\n"
        "                visit(parent)\n"
        "            order.append(node)\n"
        "    visit(root)\n"
        "    return order if ahead else [root]\n"
    )
    path = submission(built, tmp_path, "02_backward", "ahead", code, solved=False)
    proc, rows = grade(path)
    assert proc.returncode == 0, proc.stderr
    by_check = {r["check"]: r for r in rows}
    assert by_check["topological_sort"]["status"] == "failed"
    assert float(by_check["topological_sort"]["points"]) < 0.2
