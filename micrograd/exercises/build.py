"""One source per exercise, two notebooks: the solution and the student version.

The sources are Python files in the "percent" format (the one jupytext and VS Code read) in
``micrograd/exercises/sources/``. Cells start with ``# %%`` (code) or ``# %% [markdown]``;
the lines before the first cell (e.g. a ``# ruff: noqa`` line) are not part of the notebook.
Solutions are marked as nbgrader marks them::

    def __mul__(self, other):
        ### BEGIN SOLUTION
        out = Value(self.data * other.data, (self, other), "*")
        ...
        ### END SOLUTION
        return out

The *solution notebook* keeps the markers (so nbgrader can import it: its cells carry
nbgrader's ``solution`` metadata). The *student notebook* has each marked region replaced,
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

__all__ = [
    "BEGIN",
    "END",
    "Cell",
    "SOURCES",
    "build",
    "notebook_json",
    "parse_source",
    "solution_lines",
    "source_paths",
    "to_student",
]

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
SOURCES = Path(__file__).resolve().parent / "sources"
_DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+(\w+)")


class SourceError(ValueError):
    """A malformed exercise source; the message names the file and line."""


@dataclass(frozen=True)
class Cell:
    kind: str  # "code" or "markdown"
    text: str
    has_solution: bool = False


def source_paths(directory: Path = SOURCES) -> list[Path]:
    """The exercise sources, in order (``NN_name.py``)."""
    return sorted(Path(directory).glob("[0-9][0-9]_*.py"))


def parse_source(text: str, name: str = "<source>") -> list[Cell]:
    """Split a percent-format source into cells (markdown cells lose their ``# ``)."""
    cells: list[tuple[str, list[str]]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("# %%"):
            cells.append(("markdown" if "[markdown]" in line else "code", []))
        elif not cells:
            continue  # a header (e.g. ruff directives) before the first cell
        elif cells[-1][0] == "markdown":
            if line and not line.startswith("#"):
                raise SourceError(f"{name}:{number}: markdown line without '# ': {line!r}")
            cells[-1][1].append(line[2:] if line.startswith("# ") else line[1:])
        else:
            cells[-1][1].append(line)
    result = []
    for kind, lines in cells:
        body = "\n".join(lines).strip("\n")
        _check_regions(body, name)
        result.append(Cell(kind, body, BEGIN in body))
    return result


def _check_regions(text: str, name: str) -> None:
    depth = 0
    for line in text.splitlines():
        if line.strip() == BEGIN:
            if depth:
                raise SourceError(f"{name}: nested {BEGIN!r}")
            depth = 1
        elif line.strip() == END:
            if not depth:
                raise SourceError(f"{name}: {END!r} without {BEGIN!r}")
            depth = 0
    if depth:
        raise SourceError(f"{name}: {BEGIN!r} without {END!r}")


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
    inside = False
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            if cell.kind == "markdown":
                out.append("YOUR ANSWER HERE")
                continue
            if not indent:
                raise SourceError(
                    f"{name}: a solution region must be inside a function, so that the "
                    f"student notebook runs: {cell.text[:60]!r}"
                )
            where = _enclosing(lines, i, len(indent))
            out.append(f"{indent}# YOUR CODE HERE")
            out.append(f'{indent}raise NotImplementedError("{where} is yours to write")')
        elif stripped == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def to_student(cells: list[Cell], name: str = "<source>") -> list[Cell]:
    """The student version: every solution region replaced by a placeholder."""
    return [replace(c, text=_student_text(c, name)) if c.has_solution else c for c in cells]


def solution_lines(cells: list[Cell]) -> list[str]:
    """Every line inside a solution region (for tests: none may reach a student notebook)."""
    found, inside = [], False
    for cell in cells:
        for line in cell.text.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside:
                found.append(line)
    return found


def notebook_json(cells: list[Cell], stem: str, solution: bool) -> str:
    """A notebook (nbformat 4.5, no outputs, stable cell ids) as the text of an .ipynb file."""
    nb_cells = []
    for i, cell in enumerate(cells):
        entry: dict = {
            "cell_type": cell.kind,
            "id": f"{stem[:40]}-{i:02d}",
            "metadata": {},
            "source": cell.text.splitlines(keepends=True),
        }
        if cell.kind == "code":
            entry["execution_count"] = None
            entry["outputs"] = []
        if solution and cell.has_solution:
            entry["metadata"]["nbgrader"] = {
                "grade": False,
                "grade_id": f"{stem[:40]}-{i:02d}",
                "locked": False,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        nb_cells.append(entry)
    notebook = {
        "cells": nb_cells,
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
            "micrograd_exercise": {
                "source": f"micrograd/exercises/sources/{stem}.py",
                "version": "solution" if solution else "student",
            },
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def build(out: Path, solutions: bool = False, sources: Path = SOURCES) -> list[Path]:
    """Write the student notebooks to ``out`` (and the solutions to ``out/solutions``).

    Returns the paths written. The files depend only on the sources (no timestamps, no
    random ids), so building twice gives the same bytes.
    """
    out = Path(out)
    written = []
    paths = source_paths(sources)
    if not paths:
        raise SourceError(f"no exercise sources (NN_name.py) in {sources}")
    for path in paths:
        cells = parse_source(path.read_text(encoding="utf-8"), path.name)
        targets = [(out / f"{path.stem}.ipynb", to_student(cells, path.name), False)]
        if solutions:
            targets.append((out / "solutions" / f"{path.stem}.ipynb", cells, True))
        for target, content, is_solution in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(notebook_json(content, path.stem, is_solution), encoding="utf-8")
            written.append(target)
    return written
