"""nbgrader end to end: the solution notebooks are nbgrader source notebooks, and nbgrader's
autograder gives each check the same points as ``micrograd exercises grade``.

A small course: all seven notebooks go through ``generate_assignment`` (07's written answer
becomes a manually graded cell); exercise 2 is then submitted by four students (honest, a
wrong topological sort, the empty template, tampering) and autograded.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from exercise_helpers import GRADE

from micrograd.exercises import build as exbuild
from micrograd.exercises.grading import NOTEBOOKS, WRITTEN_POINTS

pytest.importorskip("nbgrader")
pytestmark = [pytest.mark.slow, pytest.mark.notebook]

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent

WRONG_TOPO = (
    "def topological_sort(root):  # every node, but outputs first\n"
    "    order, seen, todo = [], set(), [root]\n"
    "    while todo:\n"
    "        node = todo.pop()\n"
    "        if node not in seen:\n"
    "            seen.add(node)\n"
    "            order.append(node)\n"
    "            todo.extend(node.parents)\n"
    "    return order\n"
)
TAMPER = (
    "import dataclasses\n"
    "import micrograd.exercises.core as core\n"
    "core.close = lambda *a, **k: True\n"
    "core.CheckResult.score = property(lambda self: 1.0)\n"
    "for name, ex in list(core.EXERCISES.items()):\n"
    "    core.EXERCISES[name] = dataclasses.replace(ex, judge=lambda i, r, ctx: None)\n"
)


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    return proc


def with_cells(path: Path, *cells: str) -> dict:
    nb = json.loads(path.read_text())
    for i, text in enumerate(cells):
        nb["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"mine-{i}",
                "metadata": {},
                "outputs": [],
                "source": text,
            }
        )
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("course")
    built = root / "built"
    exbuild.build(built, solutions=True)
    (root / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.CourseDirectory.root = {str(root)!r}\n"
        "c.CourseDirectory.course_id = 'course'\n"
    )
    for assignment, stems in (("all", list(NOTEBOOKS)), ("ex2", ["02_backward"])):
        (root / "source" / assignment).mkdir(parents=True)
        for stem in stems:
            shutil.copy(built / "solutions" / f"{stem}.ipynb", root / "source" / assignment)
        run(str(BIN / "nbgrader"), "generate_assignment", assignment, "--force", cwd=root)
    return root


def test_generate_assignment_accepts_all_seven_notebooks(course):
    released = sorted(p.stem for p in (course / "release" / "all").glob("*.ipynb"))
    assert released == sorted(NOTEBOOKS)
    nb = json.loads((course / "release" / "all" / "07_gradient_shape.ipynb").read_text())
    written = [
        c for c in nb["cells"] if c["cell_type"] == "markdown" and "nbgrader" in c["metadata"]
    ]
    assert len(written) == 1
    meta = written[0]["metadata"]["nbgrader"]
    assert meta["grade"] and meta["solution"] and meta["points"] == WRITTEN_POINTS
    assert "YOUR ANSWER HERE" in "".join(written[0]["source"])
    for stem in NOTEBOOKS:
        text = (course / "release" / "all" / f"{stem}.ipynb").read_text()
        assert "BEGIN SOLUTION" not in text
        tests = [
            c
            for c in json.loads(text)["cells"]
            if c["metadata"].get("nbgrader", {}).get("grade_id", "").startswith("test_")
        ]
        assert [c["metadata"]["nbgrader"]["grade_id"] for c in tests] == [
            f"test_{name}" for name in NOTEBOOKS[stem]
        ]
        assert all(c["metadata"]["nbgrader"]["locked"] for c in tests)


def test_nbgrader_gives_the_points_micrograd_exercises_grade_gives(course):
    release = course / "release" / "ex2" / "02_backward.ipynb"
    solution = course / "source" / "ex2" / "02_backward.ipynb"
    students = {
        "honest": json.loads(solution.read_text()),
        "wrong": with_cells(solution, WRONG_TOPO),
        "empty": json.loads(release.read_text()),
        "tamper": with_cells(release, TAMPER),
    }
    submitted = []
    for student, nb in students.items():
        folder = course / "submitted" / student / "ex2"
        folder.mkdir(parents=True)
        (folder / "02_backward.ipynb").write_text(json.dumps(nb))
        submitted.append(folder / "02_backward.ipynb")
        run(str(BIN / "nbgrader"), "db", "student", "add", student, cwd=course)
    run(str(BIN / "nbgrader"), "autograde", "ex2", "--force", cwd=course)

    from nbgrader.api import Gradebook

    nbgrader_points = {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        for student in students:
            for check in NOTEBOOKS["02_backward"]:
                grade = gb.find_grade(f"test_{check}", "02_backward", "ex2", student)
                nbgrader_points[student, check] = grade.score

    grades = course / "grades.csv"
    run(
        *GRADE,
        *map(str, submitted),
        "--csv",
        str(grades),
        "--quiet",
        cwd=course,
    )
    ours = {
        (Path(row["submission"]).parent.parent.name, row["check"]): float(row["points"])
        for row in csv.DictReader(grades.open())
    }
    assert ours.keys() == nbgrader_points.keys()
    for key, points in ours.items():
        assert nbgrader_points[key] == pytest.approx(points, abs=1e-3), key
    assert ours["honest", "topological_sort"] == ours["honest", "backward"] == 1.0
    assert ours["empty", "backward"] == ours["tamper", "topological_sort"] == 0.0
    assert ours["tamper", "backward"] == 0.0
    assert 0 < ours["wrong", "topological_sort"] < 1  # partial credit: the single leaf passes
