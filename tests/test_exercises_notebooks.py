"""The exercise notebooks, executed: solutions pass every check, student versions run and say
"not yet implemented" (never an error).

Each notebook runs on a fresh ``python3`` kernel (this interpreter's environment). The
notebooks are built from their sources into a temporary directory, so this tests the
sources even if the committed copies are stale (``test_exercises.py`` tests those).
"""

from __future__ import annotations

import re

import pytest

from micrograd.exercises import build as exbuild

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

pytestmark = pytest.mark.notebook

SOURCES = exbuild.source_paths()
CHECK_CALL = re.compile(r"^(?:\w+\s*=\s*)?check\(", re.MULTILINE)


def _execute(path):
    nb = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute()
    return nb


def _check_outputs(nb) -> list[str]:
    """The printed output of every cell that calls check(...)."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            found.append(text)
    return found


def _errors(nb) -> list[str]:
    return [
        f"{o.ename}: {o.evalue}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("exercises")
    exbuild.build(out, solutions=True)
    return out


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_solution_notebook_passes_every_check(source, built):
    nb = _execute(built / "solutions" / f"{source.stem}.ipynb")
    assert not _errors(nb)
    outputs = _check_outputs(nb)
    assert outputs, "the notebook calls no check()"
    for text in outputs:
        assert "✘" not in text and "not yet implemented" not in text, text
        assert "✔" in text or "status: passed" in text, text


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_the_student_notebook_runs_and_reports_not_yet_implemented(source, built):
    nb = _execute(built / f"{source.stem}.ipynb")
    assert not _errors(nb), "a student notebook must run top to bottom"
    outputs = _check_outputs(nb)
    assert outputs
    for text in outputs:
        assert "not yet implemented" in text or "status: not implemented" in text, text
        assert "✘" not in text and "Traceback" not in text, text


def test_an_infinite_loop_in_a_notebook_cell_becomes_feedback(tmp_path):
    """In a kernel (as in class), a looping student op is stopped and reported, not hung."""
    import time

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "from micrograd.exercises import check\n"
            "class Value:\n"
            "    def __init__(self, data, _children=(), _op='', label=''):\n"
            "        self.data, self.grad, self._prev = float(data), 0.0, tuple(_children)\n"
            "        self._backward = lambda: None\n"
            "class Loops(Value):\n"
            "    def exp(self):\n"
            "        while True:\n"
            "            pass\n"
        ),
        nbformat.v4.new_code_cell('check("exp", Loops, timeout=0.5)'),
        nbformat.v4.new_code_cell(
            'class Raises(Value):\n    def exp(self):\n        return 1 / 0\ncheck("exp", Raises)'
        ),
    ]
    path = tmp_path / "loop.ipynb"
    nbformat.write(nb, path)
    start = time.perf_counter()
    done = _execute(path)
    assert time.perf_counter() - start < 60
    assert not _errors(done)
    outputs = _check_outputs(done)
    assert "time limit exceeded" in outputs[0]
    assert "ZeroDivisionError" in outputs[1]
