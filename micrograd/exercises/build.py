"""One source per exercise, two notebooks: the solution and the student version.

The sources hold the solutions, so they are **not** part of the installed package: they live
in the repository, in ``exercises/sources/`` (a teacher builds from a checkout; see the
teachers' page). They are Python files in the "percent" format (the one jupytext and VS Code
read). Cells start with ``# %%`` (code) or ``# %% [markdown]``;
the lines before the first cell (e.g. a ``# ruff: noqa`` line) are not part of the notebook.
Solutions are marked as nbgrader marks them::

    def area(self):
        ### BEGIN SOLUTION
        return self.width * self.height
        ### END SOLUTION

The *solution notebook* keeps the markers and is an nbgrader source notebook: solution cells
carry nbgrader's ``solution`` metadata, a written answer (markdown) is a manually graded
cell, and after the last cell come locked autograder test cells, one per check, that award
the check's points (partial credit as ``CheckResult.score``) computed by the same grader as
``micrograd exercises grade``. The *student notebook* has each marked region replaced,
at the same indentation, by::

        # YOUR CODE HERE
        raise NotImplementedError("Value.__mul__ is yours to write")

In a markdown cell the region becomes ``YOUR ANSWER HERE``. Regions must be inside a
function (indented), so that the student notebook still runs top to bottom: the
``NotImplementedError`` is raised only when the function is called, and ``check()`` reports
it as "not yet implemented".

>>> cells = parse_source('''# %%
... def f():
...     ### BEGIN SOLUTION
...     return 1
...     ### END SOLUTION
... ''')
>>> print(to_student(cells)[0].text)
def f():
    # YOUR CODE HERE
    raise NotImplementedError("f is yours to write")
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from micrograd._files import atomic_write
from micrograd.i18n import LANGUAGES, language

__all__ = [
    "BEGIN",
    "END",
    "Cell",
    "SOURCES",
    "build",
    "build_shipped",
    "default_language",
    "default_sources",
    "edition",
    "notebook_json",
    "parse_source",
    "solution_lines",
    "shipped_dir",
    "source_paths",
    "to_student",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
# In a checkout, next to the package; absent from an installed package (on purpose).
SOURCES = Path(__file__).resolve().parents[2] / "exercises" / "sources"
NOT_INSTALLED = (
    "the exercise sources hold the solutions, so they are not part of the installed package: "
    "run this from a checkout of the repository (they are in exercises/sources/), or give "
    "their folder with --sources DIR"
)
_DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")


class SourceError(ValueError):
    """A malformed exercise source; the message names the file and line."""


@dataclass(frozen=True)
class Cell:
    kind: str  # "code" or "markdown"
    text: str
    has_solution: bool = False
    lang: str | None = None  # a markdown cell tagged lang="zh" belongs to that edition only


# Both editions come from one source, as in the course (notebooks/src): code cells are
# shared, an untagged markdown cell is English, and the cell after it tagged
# ``# %% [markdown] lang="zh"`` is its Chinese counterpart.
_LANG = re.compile(r"""\blang\s*=\s*["']?([A-Za-z_-]+)["']?""")

# The zh edition sets the language of check()'s feedback in a cell of its own, before the
# first code cell (the code cells are otherwise the same in both editions).
LANGUAGE_CELL = {
    "zh": (
        "# 让 check() 的反馈（诊断和提示）用中文显示\n"
        "import os\n"
        "\n"
        'os.environ["MICROGRAD_LANG"] = "zh"'
    ),
}


def default_sources() -> Path:
    """The checkout's ``exercises/sources``; SourceError if this is an installed package."""
    if not SOURCES.is_dir():
        raise SourceError(NOT_INSTALLED)
    return SOURCES


def source_paths(directory: Path | None = None) -> list[Path]:
    """The exercise sources, in order (``NN_name.py``)."""
    directory = default_sources() if directory is None else Path(directory)
    if not directory.is_dir():
        raise SourceError(f"no folder of exercise sources at {directory}: {NOT_INSTALLED}")
    return sorted(directory.glob("[0-9][0-9]_*.py"))


def parse_source(text: str, name: str = "<source>") -> list[Cell]:
    """Split a percent-format source into cells (markdown cells lose their ``# ``)."""
    cells: list[tuple[str, list[str], str | None]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# %%"):
            tag = _LANG.search(line)
            lang = tag.group(1) if tag else None
            if lang is not None and lang not in LANGUAGES:
                raise SourceError(f"{name}:{number}: unknown language {lang!r} (known: zh)")
            cells.append(("markdown" if "[markdown]" in line else "code", [], lang))
        elif not cells:
            continue  # a header (e.g. ruff directives) before the first cell
        elif cells[-1][0] == "markdown":
            if line and not line.startswith("#"):
                raise SourceError(f"{name}:{number}: markdown line without '# ': {line!r}")
            cells[-1][1].append(line[2:] if line.startswith("# ") else line[1:])
        else:
            cells[-1][1].append(line)
    result = []
    for kind, lines, lang in cells:
        body = "\n".join(lines).strip("\n")
        _marked(body, name)  # a malformed region is an error here, where the file is named
        result.append(Cell(kind, body, BEGIN in body, lang))
    return result


def edition(cells: list[Cell], lang: str = "en") -> list[Cell]:
    """The cells of one edition: the shared code cells and that language's markdown cells.

    English is the untagged markdown; ``"zh"`` takes the ``lang="zh"`` cells instead and gets
    :data:`LANGUAGE_CELL` before its first code cell.
    """
    if lang not in LANGUAGES:
        raise SourceError(f"unknown language {lang!r}: give one of {', '.join(LANGUAGES)}")
    wanted = None if lang == "en" else lang
    chosen = [c for c in cells if c.kind == "code" or c.lang == wanted]
    if lang in LANGUAGE_CELL:
        first_code = next((i for i, c in enumerate(chosen) if c.kind == "code"), len(chosen))
        chosen.insert(first_code, Cell("code", LANGUAGE_CELL[lang]))
    return chosen


def _marked(text: str, name: str = "<source>") -> list[tuple[str, str]]:
    """Each line with where it stands: BEGIN, END, "inside" a solution region or "" (outside).

    SourceError for a region that is nested or left open.
    """
    found, inside = [], False
    for line in text.splitlines():
        if line.strip() == BEGIN:
            if inside:
                raise SourceError(f"{name}: nested {BEGIN!r}")
            inside = True
            found.append((line, BEGIN))
        elif line.strip() == END:
            if not inside:
                raise SourceError(f"{name}: {END!r} without {BEGIN!r}")
            inside = False
            found.append((line, END))
        else:
            found.append((line, "inside" if inside else ""))
    if inside:
        raise SourceError(f"{name}: {BEGIN!r} without {END!r}")
    return found


def _enclosing(lines: list[str], index: int, indent: int) -> str:
    """``Class.method`` (or ``function``) that line ``index`` is inside."""
    names = []
    for line in reversed(lines[:index]):
        match = _DEF.match(line)
        if match and len(match.group(1)) < indent:
            names.append(match.group(3))
            indent = len(match.group(1))
            if indent == 0:
                break
    return ".".join(reversed(names)) or "this part"


def _student_text(cell: Cell, name: str = "<source>") -> str:
    lines = cell.text.splitlines()
    out: list[str] = []
    for i, (line, where) in enumerate(_marked(cell.text, name)):
        if where == "":
            out.append(line)
        elif where == BEGIN:
            indent = line[: len(line) - len(line.lstrip())]
            if cell.kind == "markdown":
                out.append("YOUR ANSWER HERE")
                continue
            if not indent:
                raise SourceError(
                    f"{name}: a solution region must be inside a function, so that the "
                    f"student notebook runs: {cell.text[:60]!r}"
                )
            owner = _enclosing(lines, i, len(indent))
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f'{indent}raise NotImplementedError("{owner} is yours to write")')
    return "\n".join(out)


def to_student(cells: list[Cell], name: str = "<source>") -> list[Cell]:
    """The student version: every solution region replaced by a placeholder."""
    return [replace(c, text=_student_text(c, name)) if c.has_solution else c for c in cells]


def solution_lines(cells: list[Cell]) -> list[str]:
    """Every line inside a solution region (for tests: none may reach a student notebook)."""
    return [line for c in cells for line, where in _marked(c.text) if where == "inside"]


def _nbgrader(
    grade_id: str, *, solution: bool, grade: bool, locked: bool, points: float | None = None
) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


AUTOGRADE = (
    "# Autograder test (locked): the points of check {name!r}, computed by\n"
    "# `micrograd exercises grade` on this notebook, in a fresh process.\n"
    "from micrograd.exercises.grading import autograde\n"
    "\n"
    "autograde({name!r})"
)


def _cell(kind: str, cell_id: str, text: str, nbgrader: dict | None = None) -> dict:
    entry: dict = {
        "cell_type": kind,
        "id": cell_id,
        "metadata": {"nbgrader": nbgrader} if nbgrader else {},
        "source": text.splitlines(keepends=True),
    }
    if kind == "code":
        entry["execution_count"] = None
        entry["outputs"] = []
    return entry


def notebook_json(cells: list[Cell], stem: str, solution: bool, lang: str = "en") -> str:
    """A notebook (nbformat 4.5, no outputs, stable cell ids) as the text of an .ipynb file.

    The solution version is an nbgrader source notebook (see the module doc).
    """
    from micrograd.exercises.grading import NOTEBOOKS, WRITTEN_POINTS

    nb_cells = []
    for i, cell in enumerate(cells):
        cell_id, meta = f"{stem[:40]}-{i:02d}", None
        if solution and cell.has_solution:
            written = cell.kind == "markdown"  # a written answer: graded by hand
            points = WRITTEN_POINTS if written else None
            meta = _nbgrader(cell_id, solution=True, grade=written, locked=False, points=points)
        nb_cells.append(_cell(cell.kind, cell_id, cell.text, meta))
    if solution:
        for name, points in NOTEBOOKS.get(stem, {}).items():
            meta = _nbgrader(f"test_{name}", solution=False, grade=True, locked=True, points=points)
            nb_cells.append(_cell("code", f"test-{name}"[:64], AUTOGRADE.format(name=name), meta))
    notebook = {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "micrograd_exercise": {"exercise": stem, **({"lang": lang} if lang != "en" else {})},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def default_language(lang: str | None = None) -> str:
    """The edition to build: ``lang``, else ``MICROGRAD_LANG``, else English."""
    return language(lang)


def build(
    out: Path, solutions: bool = False, sources: Path | None = None, lang: str | None = None
) -> list[Path]:
    """Write the student notebooks to ``out`` (and the solutions to ``out/solutions``).

    ``sources`` is the folder of exercise sources (default: the checkout's
    ``exercises/sources``). Without sources (an installed package) the student notebooks
    that ship with the package are written, and ``solutions=True`` is refused. ``lang`` is
    the edition, ``"en"`` or ``"zh"`` (default: ``MICROGRAD_LANG``, else English). Returns
    the paths written. The files depend only on the sources (no timestamps, no random ids),
    so building twice gives the same bytes; each is written atomically.
    """
    out = Path(out)
    lang = default_language(lang)
    if sources is None and not SOURCES.is_dir():
        if solutions:
            raise SourceError(NOT_INSTALLED)
        return _copy_shipped(out, lang)
    written = []
    paths = source_paths(sources)
    if not paths:
        raise SourceError(f"no exercise sources (NN_name.py) in {sources or SOURCES}")
    for path in paths:
        cells = edition(parse_source(path.read_text(encoding="utf-8"), path.name), lang)
        targets = [(out / f"{path.stem}.ipynb", to_student(cells, path.name), False)]
        if solutions:
            targets.append((out / "solutions" / f"{path.stem}.ipynb", cells, True))
        for target, content, is_solution in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, notebook_json(content, path.stem, is_solution, lang))
            written.append(target)
    return written


# The student notebooks (no solution in them) ship with the package, so that
# `micrograd exercises build` works from an installed package too: the English ones in
# student/, each other edition in student/LANG/. In a checkout they are refreshed with
# `micrograd exercises build --shipped`; a test keeps them equal to the build.
SHIPPED = Path(__file__).resolve().parent / "student"


def shipped_dir(lang: str = "en") -> Path:
    """Where the student notebooks of edition ``lang`` ship inside the package."""
    return SHIPPED if lang == "en" else SHIPPED / lang


def _copy_shipped(out: Path, lang: str = "en") -> list[Path]:
    shipped = sorted(shipped_dir(lang).glob("[0-9][0-9]_*.ipynb"))
    if not shipped:
        raise SourceError(f"no student notebooks in {shipped_dir(lang)}: {NOT_INSTALLED}")
    out.mkdir(parents=True, exist_ok=True)
    return [atomic_write(out / p.name, p.read_text(encoding="utf-8")) for p in shipped]


def build_shipped(sources: Path | None = None) -> list[Path]:
    """Refresh the student notebooks that ship with the package, every edition (a checkout)."""
    written = []
    for lang in LANGUAGES:
        written += build(shipped_dir(lang), solutions=False, sources=sources, lang=lang)
    return written


def solution_namespace(stem: str, sources: Path | None = None) -> dict:
    """Run a source's code cells, solutions included, and return what they define.

    For teachers and tests, from a checkout: ``solution_namespace("01_local_derivatives")
    ["Value"]`` is the finished Value class of exercise 1. ``check(...)`` cells are skipped.
    """
    (path,) = [p for p in source_paths(sources) if p.stem == stem]
    namespace: dict = {"__name__": f"solution_{stem}"}
    for cell in parse_source(path.read_text(encoding="utf-8"), path.name):
        if cell.kind == "code" and "check(" not in cell.text:
            exec(compile(cell.text, f"<{stem} solution>", "exec"), namespace)
    return namespace
