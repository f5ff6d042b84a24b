"""The exercise checker itself: the sandbox, results and hints, the oracles, the build."""

from __future__ import annotations

import json
import math
import threading
import time
from pathlib import Path

import pytest
from exercise_helpers import assert_committed_as_built

import micrograd
from micrograd.cli import main
from micrograd.exercises import EXERCISES, CheckResult, check, list_exercises
from micrograd.exercises import build as exbuild
from micrograd.exercises.checks.graph import build as build_graph
from micrograd.exercises.checks.graph import make_graphs
from micrograd.exercises.checks.ops import OPS, make_cases
from micrograd.exercises.sandbox import LibraryUnavailable, call, unavailable

# The finished Value of exercise 1, from this checkout's solution source.
ScaffoldValue = exbuild.solution_namespace("01_local_derivatives")["Value"]

ROOT = Path(__file__).resolve().parent.parent
COMMITTED = ROOT / "notebooks" / "exercises"


pytestmark = pytest.mark.usefixtures("fresh_attempts")  # tests/conftest.py


# --------------------------------------------------------------------------------------
# The sandbox: nothing the student does breaks the checker
# --------------------------------------------------------------------------------------


def test_call_returns_the_value_and_catches_exceptions():
    assert call(lambda: 6 * 7).value == 42
    outcome = call(lambda: 1 / 0)
    assert isinstance(outcome.error, ZeroDivisionError)
    assert not outcome.ok


def spin_forever():
    while True:
        pass


def spin_and_swallow():
    while True:
        try:
            while True:
                pass
        except Exception:  # a student's catch-all cannot swallow the time limit
            pass


@pytest.mark.parametrize("fn", [spin_forever, spin_and_swallow])
def test_an_infinite_loop_is_stopped_within_the_time_limit(fn):
    start = time.perf_counter()
    outcome = call(fn, timeout=0.3)
    assert outcome.timed_out
    assert time.perf_counter() - start < 2.0


def test_an_infinite_loop_is_stopped_off_the_main_thread_too():
    box = {}
    thread = threading.Thread(target=lambda: box.update(outcome=call(spin_forever, timeout=0.3)))
    start = time.perf_counter()
    thread.start()
    thread.join(5)
    assert box["outcome"].timed_out
    assert time.perf_counter() - start < 3.0


def test_sys_exit_in_student_code_is_feedback_not_an_exit():
    import sys

    outcome = call(lambda: sys.exit(3))
    assert isinstance(outcome.error, SystemExit)


class Custom(BaseException):
    pass


def raise_it(error):
    raise error


@pytest.mark.parametrize(
    "error", [KeyboardInterrupt(), GeneratorExit(), Custom("mine"), SystemExit(0)]
)
def test_every_base_exception_from_student_code_is_feedback(error):
    outcome = call(raise_it, error)
    assert isinstance(outcome.error, type(error)) and not outcome.ok


def test_os_exit_in_student_code_is_feedback_not_a_dead_kernel():
    import os

    outcome = call(lambda: os._exit(0))
    assert isinstance(outcome.error, SystemExit) and "os._exit" in str(outcome.error)
    assert os._exit.__name__ == "_exit"  # the real one is back


def test_what_student_code_prints_is_captured_and_capped(capsys):
    class Loud(ScaffoldValue):
        def exp(self):
            print("x" * 10_000_000)
            return ScaffoldValue.exp(self)

    result = check("exp", Loud, quiet=True)
    assert result.passed
    assert capsys.readouterr().out == ""  # nothing reached the notebook while checking
    text = str(result)
    assert "Your code printed" in text and len(text) < 5000
    assert "characters in all" in text


def test_library_functions_are_unavailable_only_inside_the_block():
    from micrograd import optim
    from micrograd.engine import Value

    step = optim.SGD.step  # a reference taken before: covered too
    params = [Value(1.0)]
    sgd = optim.SGD(params, lr=0.1)
    with (
        unavailable(("micrograd.optim.Optimizer.step",)),
        pytest.raises(LibraryUnavailable, match=r"micrograd\.optim\.Optimizer\.step"),
    ):
        step(sgd)
    params[0].grad = 1.0
    sgd.step()
    assert params[0].data == pytest.approx(0.9)


def test_the_timer_is_disarmed_after_the_call():
    import signal

    call(lambda: None, timeout=0.2)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    time.sleep(0.3)  # a stray alarm would raise here


# --------------------------------------------------------------------------------------
# check(): results, statuses, messages
# --------------------------------------------------------------------------------------


def test_passing_prints_a_short_confirmation(capsys):
    result = check("mul", ScaffoldValue)
    out = capsys.readouterr().out
    assert out.startswith("✔ mul: all") and out.count("\n") == 1
    assert isinstance(result, CheckResult)
    assert result.passed and result.score == 1.0 and bool(result)
    assert result.status == "passed"
    assert len(result.cases) >= 10 and all(c.passed for c in result.cases)
    assert result.messages == [out.strip()]


def test_quiet_prints_nothing(capsys):
    check("mul", ScaffoldValue, quiet=True)
    assert capsys.readouterr().out == ""


class NotWritten(ScaffoldValue):
    def __mul__(self, other):
        raise NotImplementedError("Value.__mul__ is yours to write")


def test_not_implemented_is_reported_as_such_not_as_an_error():
    result = check("mul", NotWritten, quiet=True)
    assert result.status == "not implemented"
    assert result.not_implemented and not result.passed and result.score == 0.0
    assert "not yet implemented" in str(result)
    assert "✘" not in str(result) and "raised" not in str(result)
    assert result.attempt == 0  # an untouched template is not a failed attempt


class Raises(ScaffoldValue):
    def tanh(self):
        return math.tanh(self.data) + undefined_name  # noqa: F821


def test_an_exception_is_reported_with_the_line_that_raised_it():
    result = check("tanh", Raises, quiet=True)
    assert result.status == "error"
    text = str(result)
    assert "NameError" in text and "undefined_name" in text
    assert "line" in text and "tanh" in text


class Loops(ScaffoldValue):
    def exp(self):
        while True:
            pass


def test_an_infinite_loop_is_reported_within_the_time_limit():
    start = time.perf_counter()
    result = check("exp", Loops, quiet=True, timeout=0.5)
    assert time.perf_counter() - start < 3.0
    assert result.status == "timeout"
    assert "0.5 s" in str(result) and "infinite loop" in str(result)
    assert result.score == 0.0


class ReturnsAFloat(ScaffoldValue):
    def log(self):
        return math.log(self.data)


def test_a_wrong_return_type_is_named():
    result = check("log", ReturnsAFloat, quiet=True)
    assert result.status == "failed"
    assert [d.kind for d in result.diagnoses] == ["wrong-return-type"]
    assert "float" in str(result)


def test_passing_a_function_where_a_class_is_expected_is_feedback():
    result = check("mul", lambda a, b: a * b, quiet=True)
    assert result.status == "error"
    assert "Value class" in str(result)


def test_unknown_exercise_names_the_known_ones():
    with pytest.raises(ValueError, match=r"unknown exercise .mull..*mul"):
        check("mull", ScaffoldValue)


def test_every_exercise_is_listed():
    listed = list_exercises()
    assert set(listed) == set(EXERCISES)
    for name in (
        "mul",
        "div",
        "pow",
        "exp",
        "tanh",
        "log",
        "ops",
        "topological_sort",
        "backward",
        "numerical_grad",
        "gradient_check",
        "neuron",
        "layer",
        "mlp",
        "sgd",
        "momentum",
        "adam",
        "hinge_loss",
        "train_step",
        "train",
        "grad_W_by_hand",
        "grad_W_with_engine",
    ):
        assert name in listed


def test_ops_reports_which_ops_are_missing():
    result = check("ops", NotWritten, quiet=True)
    assert result.status == "failed"
    assert any(c.name == "__mul__: not yet implemented" for c in result.cases)
    assert 0 < result.score < 1


def test_the_student_objects_are_fresh_for_every_case():
    """A student op that keeps state between calls cannot leak into later cases."""
    seen = []

    class Remembers(ScaffoldValue):
        def __mul__(self, other):
            seen.append(self)
            return ScaffoldValue.__mul__(self, other)

    assert check("mul", Remembers, quiet=True).passed
    assert len({id(v) for v in seen}) == len(seen)


# --------------------------------------------------------------------------------------
# The oracles: what the checks expect agrees with central finite differences
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_expected_local_derivatives_agree_with_finite_differences(op, seed):
    import random

    for case in make_cases(op, random.Random(seed)):
        _, expected = case.reference()

        def f(*xs, case=case):
            return case.apply(*xs)

        if case.shape == "reuse":
            numeric = micrograd.numerical_grad(lambda a: f(a), [case.xs[0]], eps=1e-6)
        else:
            numeric = micrograd.numerical_grad(f, list(case.xs), eps=1e-6)
        for got, want in zip(expected, numeric):
            assert got == pytest.approx(want, rel=1e-4, abs=1e-5), case.describe()


@pytest.mark.parametrize("graph", make_graphs(__import__("random").Random(3)), ids=str)
def test_expected_backward_gradients_agree_with_finite_differences(graph):
    root, leaves = build_graph(graph)
    expected = micrograd.grad(root, leaves)

    def f(*xs):
        return build_graph({**graph, "leaves": list(xs)})[0].data

    xs, eps = list(graph["leaves"]), 1e-6
    numeric = []
    for i in range(len(xs)):  # central differences, written out: an oracle of its own
        up, down = list(xs), list(xs)
        up[i] += eps
        down[i] -= eps
        numeric.append((f(*up) - f(*down)) / (2 * eps))
    assert expected == pytest.approx(numeric, rel=1e-4, abs=1e-5)


# --------------------------------------------------------------------------------------
# The build: one source, two notebooks
# --------------------------------------------------------------------------------------


def test_student_regions_become_placeholders_at_the_same_indentation():
    source = (
        "# %%\nclass A:\n    def f(self):\n        ### BEGIN SOLUTION\n        return 1\n"
        "        ### END SOLUTION\n"
    )
    (cell,) = exbuild.to_student(exbuild.parse_source(source))
    assert cell.text.splitlines() == [
        "class A:",
        "    def f(self):",
        "        # YOUR CODE HERE",
        '        raise NotImplementedError("A.f is yours to write")',
    ]


def test_markdown_regions_become_your_answer_here():
    source = "# %% [markdown]\n# Why?\n#\n# ### BEGIN SOLUTION\n# Because.\n# ### END SOLUTION\n"
    (cell,) = exbuild.to_student(exbuild.parse_source(source))
    assert cell.text == "Why?\n\nYOUR ANSWER HERE"


@pytest.mark.parametrize(
    "source, message",
    [
        ("# %%\ndef f():\n    ### BEGIN SOLUTION\n    pass\n", "without"),
        ("# %%\ndef f():\n    ### END SOLUTION\n", "without"),
        ("# %%\n### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n", "inside a function"),
        ("# %% [markdown]\nnot a comment\n", "markdown line"),
    ],
)
def test_malformed_sources_are_rejected_clearly(source, message):
    with pytest.raises(exbuild.SourceError, match=message):
        exbuild.to_student(exbuild.parse_source(source))


def test_every_source_has_solutions_and_the_build_is_deterministic(tmp_path):
    paths = exbuild.source_paths()
    assert [p.stem[:2] for p in paths] == [f"{i:02d}" for i in range(1, 8)]
    first = exbuild.build(tmp_path / "one", solutions=True)
    second = exbuild.build(tmp_path / "two", solutions=True)
    assert len(first) == 2 * len(paths)
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes()
    for path in paths:
        assert exbuild.solution_lines(exbuild.parse_source(path.read_text())), path.name


def test_committed_notebooks_are_what_the_build_writes(tmp_path):
    written = exbuild.build(tmp_path, solutions=True)
    assert_committed_as_built(written, tmp_path, COMMITTED, "micrograd exercises build --solutions")
    english = {  # the zh edition in zh/ has a test of its own (test_exercises_zh.py)
        p.relative_to(COMMITTED)
        for p in COMMITTED.rglob("*.ipynb")
        if p.relative_to(COMMITTED).parts[0] != "zh"
    }
    stale = english - {p.relative_to(tmp_path) for p in written}
    assert not stale, f"notebooks without a source: {stale}"


@pytest.mark.parametrize("source", exbuild.source_paths(), ids=lambda p: p.stem)
def test_student_notebooks_contain_no_solution_code(source, tmp_path):
    cells = exbuild.parse_source(source.read_text())
    student = exbuild.to_student(cells)
    student_lines = [line.strip() for c in student for line in c.text.splitlines()]
    # A solution line may appear in the student version only as often as it appears in the
    # given (non-solution) code, e.g. `return out` after the region.
    outside = {}
    for c in cells:
        inside = False
        for line in c.text.splitlines():
            if line.strip() == exbuild.BEGIN:
                inside = True
            elif line.strip() == exbuild.END:
                inside = False
            elif not inside:
                outside[line.strip()] = outside.get(line.strip(), 0) + 1
    for line in exbuild.solution_lines(cells):
        text = line.strip()
        if text:
            assert student_lines.count(text) <= outside.get(text, 0), text
    nb = json.loads(exbuild.notebook_json(student, source.stem, solution=False))
    joined = "".join("".join(c["source"]) for c in nb["cells"])
    assert exbuild.BEGIN not in joined and exbuild.END not in joined
    assert "YOUR CODE HERE" in joined


def test_solution_cells_carry_nbgrader_metadata():
    source = exbuild.source_paths()[0]
    cells = exbuild.parse_source(source.read_text())
    nb = json.loads(exbuild.notebook_json(cells, source.stem, solution=True))
    marked = [c for c in nb["cells"] if "nbgrader" in c["metadata"]]
    solutions = [c for c in marked if c["metadata"]["nbgrader"]["solution"]]
    tests = [c for c in marked if not c["metadata"]["nbgrader"]["solution"]]
    assert solutions and all(exbuild.BEGIN in "".join(c["source"]) for c in solutions)
    # one locked autograder test cell per graded check, worth that check's points
    from micrograd.exercises.grading import NOTEBOOKS

    assert [c["metadata"]["nbgrader"]["grade_id"] for c in tests] == [
        f"test_{name}" for name in NOTEBOOKS[source.stem]
    ]
    for cell in tests:
        meta = cell["metadata"]["nbgrader"]
        assert meta["grade"] and meta["locked"] and meta["points"] > 0
        assert "autograde(" in "".join(cell["source"])
    ids = [c["id"] for c in nb["cells"]]
    assert len(set(ids)) == len(ids)


def test_the_notebooks_are_valid_nbformat(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    for path in exbuild.build(tmp_path, solutions=True):
        nbformat.validate(nbformat.read(path, as_version=4))


def test_cli_build_writes_the_notebooks(tmp_path, capsys):
    assert main(["exercises", "build", "--out", str(tmp_path), "--solutions"]) == 0
    printed = capsys.readouterr().out.split()
    assert len(printed) == 2 * len(exbuild.source_paths())
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == sorted(
        f"{s.stem}.ipynb" for s in exbuild.source_paths()
    )
    assert (tmp_path / "solutions").is_dir()


def test_cli_build_without_solutions_writes_only_student_notebooks(tmp_path):
    assert main(["exercises", "build", "--out", str(tmp_path)]) == 0
    assert not (tmp_path / "solutions").exists()


def test_cli_build_into_a_file_is_a_clear_error(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["exercises", "build", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_cli_list_names_the_exercises(capsys):
    assert main(["exercises", "list"]) == 0
    out = capsys.readouterr().out
    assert "topological_sort" in out and "grad_W_by_hand" in out


def test_one_check_function_and_no_aliases():
    import micrograd.exercises as exercises

    assert not [name for name in dir(exercises) if name.startswith("check_")]


def test_an_installed_package_has_no_sources_and_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(exbuild, "SOURCES", tmp_path / "not-here")
    with pytest.raises(exbuild.SourceError, match="not part of the installed package"):
        exbuild.build(tmp_path / "out", solutions=True)
    assert main(["exercises", "build", "--solutions", "--out", str(tmp_path / "o")]) == 2
    assert "checkout" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    # the student notebooks ship with the package: those it can write
    assert main(["exercises", "build", "--out", str(tmp_path / "class")]) == 0
    written = sorted(p.name for p in (tmp_path / "class").iterdir())
    assert written == sorted(
        f"{p.stem}.ipynb" for p in exbuild.source_paths(ROOT / "exercises" / "sources")
    )
    for path in (tmp_path / "class").iterdir():
        assert path.read_text() == (COMMITTED / path.name).read_text()


def test_the_shipped_student_notebooks_are_what_the_build_writes(tmp_path):
    written = exbuild.build(tmp_path)
    shipped = sorted(exbuild.SHIPPED.glob("*.ipynb"))
    assert [p.name for p in shipped] == [p.name for p in written], (
        "run `micrograd exercises build --solutions --shipped`"
    )
    for ours, built in zip(shipped, written):
        assert ours.read_text() == built.read_text(), (
            f"{ours.name} is stale: run `micrograd exercises build --solutions --shipped`"
        )
        assert exbuild.BEGIN not in ours.read_text()


def test_build_takes_the_sources_folder_from_the_command_line(tmp_path, monkeypatch):
    monkeypatch.setattr(exbuild, "SOURCES", tmp_path / "not-here")
    sources = ROOT / "exercises" / "sources"
    assert main(["exercises", "build", "--out", str(tmp_path), "--sources", str(sources)]) == 0
    assert len(list(tmp_path.glob("*.ipynb"))) == 7


def test_student_notebooks_name_no_solution_file():
    for path in COMMITTED.glob("*.ipynb"):
        meta = json.loads(path.read_text())["metadata"]["micrograd_exercise"]
        assert meta == {"exercise": path.stem}
        assert "sources" not in path.read_text() and "solution" not in json.dumps(meta)


def test_a_topological_sort_that_changes_the_graph_is_caught():
    def destructive(root):
        order, stack = [], [root]
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(node.parents)
            node.data = 0.0  # "visited": but it destroys the graph
        return order[::-1]

    result = check("topological_sort", destructive, quiet=True)
    assert result.status == "failed"
    assert "mutates-graph" in [d.kind for d in result.diagnoses]


def test_an_endless_generator_from_student_code_is_stopped():
    import itertools

    def endless(root):
        return itertools.cycle([root])

    def slow_endless(root):
        while True:
            yield root

    result = check("topological_sort", endless, quiet=True, timeout=0.3)
    assert result.status == "failed"
    assert "wrong-return-type" in [d.kind for d in result.diagnoses]
    assert check("topological_sort", slow_endless, quiet=True, timeout=0.3).status == "failed"


@pytest.mark.parametrize("error", [KeyboardInterrupt, GeneratorExit, Custom])
def test_no_base_exception_escapes_check(error):
    class Raising(ScaffoldValue):
        def exp(self):
            raise error()

    result = check("exp", Raising, quiet=True)  # returns: nothing escapes
    assert result.status == "error" and result.score == 0.0
    assert error.__name__ in str(result)


def test_every_public_library_function_a_check_forbids_exists():
    """A renamed library function would silently become available: name them all here."""
    from micrograd.exercises.sandbox import _functions

    for ex in EXERCISES.values():
        public = [
            n
            for n in ex.forbidden
            if not any(p.startswith("_") and not p.startswith("__") for p in n.split("."))
        ]
        for name in public:
            assert _functions(name), f"{ex.name}: {name} does not exist"
        if ex.name not in ("grad_W_with_engine",):
            assert public, ex.name
