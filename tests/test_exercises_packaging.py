"""What a student installs holds no solution: the wheel and the sdist, built for real.

Every line inside a ``### BEGIN SOLUTION`` region of every exercise source (and every
solution notebook's code) is looked for in every file of both archives. Short lines that
any program could contain (``return order``) are skipped; a solution line that also appears
outside the solution regions of the sources (given code) is skipped too.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from micrograd.exercises import build as exbuild

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
MIN_LENGTH = 17  # characters: shorter lines (`optimizer.step()`) are too common to mean anything


def solution_lines() -> set[str]:
    given, secret = set(), set()
    for path in exbuild.source_paths():
        cells = exbuild.parse_source(path.read_text(encoding="utf-8"), path.name)
        secret |= {line.strip() for line in exbuild.solution_lines(cells)}
        for cell in exbuild.to_student(cells):
            given |= {line.strip() for line in cell.text.splitlines()}
    return {line for line in secret - given if len(line) >= MIN_LENGTH and not line.startswith("#")}


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> dict[str, dict[str, str]]:
    """name -> {file inside the archive: its text} for the wheel and the sdist."""
    tmp = tmp_path_factory.mktemp("package")
    tree = tmp / "tree"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "__pycache__", "*.egg-info", "site", "build", "dist"
        ),
    )
    out = tmp / "dist"
    for hook in ("build_wheel", "build_sdist"):  # one process each: setuptools keeps state
        script = f"import sys\nfrom setuptools import build_meta\nbuild_meta.{hook}(sys.argv[1])"
        subprocess.run(
            [sys.executable, "-c", script, str(out)],
            cwd=tree,
            check=True,
            capture_output=True,
            timeout=300,
        )
    found = {}
    (wheel,) = out.glob("*.whl")
    with zipfile.ZipFile(wheel) as z:
        found["wheel"] = {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}
    (sdist,) = out.glob("*.tar.gz")
    with tarfile.open(sdist) as t:
        found["sdist"] = {
            m.name: t.extractfile(m).read().decode("utf-8", "replace")
            for m in t.getmembers()
            if m.isfile()
        }
    return found


def test_there_are_solution_lines_to_look_for():
    lines = solution_lines()
    assert len(lines) > 60
    assert "self.grad += (1 - out.data**2) * out.grad  # 1 - tanh(x)**2: the output, not x" in lines


@pytest.mark.parametrize("kind", ["wheel", "sdist"])
def test_no_solution_text_is_in_what_students_install(archives, kind):
    files = archives[kind]
    assert any(name.endswith("micrograd/exercises/checks/ops.py") for name in files)
    assert not [n for n in files if "exercises/sources" in n or "scaffold" in n], sorted(files)
    notebooks = [n for n in files if n.endswith(".ipynb")]
    # the student notebooks of both editions: English in student/, Chinese in student/zh/
    assert len(notebooks) == 14 and all("micrograd/exercises/student/" in n for n in notebooks)
    assert len([n for n in notebooks if "micrograd/exercises/student/zh/" in n]) == 7
    assert not [n for n in notebooks if "BEGIN SOLUTION" in files[n]]
    secret = solution_lines()
    found = {
        (name, line.strip())
        for name, text in files.items()
        for line in text.splitlines()
        if line.strip() in secret
    }
    # The library itself computes what the exercises ask for (its engine walks the graph with
    # a `visited` set, an MLP loops over its layers): a common line there is not a leak. In
    # the exercises package, and anywhere else, no solution line may appear at all.
    leaks = {(name, line) for name, line in found if not _library_code(name)}
    assert not leaks, sorted(leaks)[:10]
    assert len(found - leaks) <= 8, sorted(found - leaks)


def _library_code(name: str) -> bool:
    path = name.split("micrograd/", 1)[-1] if "micrograd/" in name else ""
    return bool(path) and "/" not in path and path.endswith(".py")


def test_the_installed_package_cannot_build_solutions(archives):
    assert not [n for n in archives["wheel"] if "sources" in n]
    text = archives["wheel"]["micrograd/exercises/build.py"]
    assert "not part of the installed package" in text
