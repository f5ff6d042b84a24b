"""The course notebooks: each runs top to bottom on a fresh kernel, and what is committed is clean.

Two kinds of test:

* **hygiene** (fast, no kernel): every committed notebook matches its source in
  ``notebooks/src/``, its execution counts are 1..n in order, it holds no errors or noise, and
  its outputs were made from the current code (the stamp written by
  ``tools/regenerate_notebooks.py``). These run everywhere.
* **execution** (``notebook`` marker, a kernel each): every notebook runs without an error on a
  fresh kernel that is this interpreter. Notebook 07 also runs with torch hidden, as on a
  machine without it.
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import regenerate_notebooks as regen  # noqa: E402

NOTEBOOKS = regen.notebook_paths()  # the English edition
ZH_NOTEBOOKS = regen.notebook_paths("zh")  # the Chinese edition, built from the same sources
EVERY_NOTEBOOK = NOTEBOOKS + ZH_NOTEBOOKS
SOURCES = regen.source_paths()
REGENERATE = "run python tools/regenerate_notebooks.py"
TIME_LIMIT = 150  # seconds per notebook; they take well under a minute on an idle machine


def _ids(paths):
    return [f"zh/{p.stem}" if p.parent.name == "zh" else p.stem for p in paths]


def test_the_course_is_there():
    stems = [p.stem[:2] for p in NOTEBOOKS]
    assert stems == [f"{i:02d}" for i in range(1, 9)], f"expected notebooks 01..08, got {stems}"
    assert _ids(SOURCES) == _ids(NOTEBOOKS), "every notebook needs a source in notebooks/src/"
    assert [p.stem for p in ZH_NOTEBOOKS] == _ids(NOTEBOOKS), "every notebook needs its zh edition"


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_both_editions_have_the_same_code_and_all_the_text(source):
    english, chinese = regen.read_cells(source, "en"), regen.read_cells(source, "zh")
    assert [t for k, t in english if k == "code"] == [t for k, t in chinese if k == "code"]
    en_text = [t for k, t in english if k == "markdown"]
    zh_text = [t for k, t in chinese if k == "markdown"]
    # one Chinese cell for each English one, and a summary (小结) at the end
    assert len(zh_text) == len(en_text) + 1, f"{source.name}: {len(zh_text)} zh text cells"
    assert all(re.search(r"[\u4e00-\u9fff]", t) for t in zh_text), "a zh cell has no Chinese"


def test_committed_editions_share_their_code_cells():
    for english, chinese in zip(NOTEBOOKS, ZH_NOTEBOOKS):
        code = [
            [c.source for c in nbformat.read(p, as_version=4).cells if c.cell_type == "code"]
            for p in (english, chinese)
        ]
        assert code[0] == code[1], f"{chinese.name}: the zh edition's code differs"


# --------------------------------------------------------------------------------------
# Hygiene
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=_ids(EVERY_NOTEBOOK))
def test_notebook_matches_its_source(path):
    nb = nbformat.read(path, as_version=4)
    source = regen.source_for(path)
    assert regen.cells_of(nb) == regen.read_cells(source, regen.edition_of(path)), (
        f"{path.name} differs from {source.relative_to(ROOT)} (edit the source, then {REGENERATE})"
    )


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=_ids(EVERY_NOTEBOOK))
def test_outputs_come_from_the_current_code(path):
    nb = nbformat.read(path, as_version=4)
    reasons = regen.staleness(nb)
    assert not reasons, f"{path.name}: outputs are stale ({'; '.join(reasons)}): {REGENERATE}"


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=_ids(EVERY_NOTEBOOK))
def test_execution_counts_run_one_to_n(path):
    nb = nbformat.read(path, as_version=4)
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1..{len(counts)} in order: {REGENERATE}"
    )


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=_ids(EVERY_NOTEBOOK))
def test_outputs_follow_the_rule(path):
    """No errors, no stderr noise, no live widget views (notebooks/README.md, "Outputs")."""
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            where = f"{path.name}, cell {i}"
            assert out.output_type != "error", f"{where} holds an error: {out.get('ename')}"
            assert not (out.output_type == "stream" and out.name == "stderr"), (
                f"{where} keeps stderr output: {REGENERATE}"
            )
            assert regen.WIDGET_VIEW not in out.get("data", {}), f"{where} keeps a widget view"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_opens_with_goals_and_ends_with_exercises(path):
    nb = nbformat.read(path, as_version=4)
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert "What you will learn" in markdown[0], f"{path.name} should open with its goals"
    assert "Try it" in markdown[-1], f"{path.name} should end with 'Try it' prompts"
    prompts = [line for line in markdown[-1].splitlines() if re.match(r"\s*(\d+\.|-) ", line)]
    assert 2 <= len(prompts) <= 3, f"{path.name}: {len(prompts)} 'try it' prompts, want 2 or 3"


@pytest.mark.parametrize("path", ZH_NOTEBOOKS, ids=_ids(ZH_NOTEBOOKS))
def test_the_zh_edition_opens_with_goals_and_ends_with_a_summary(path):
    markdown = [
        c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown"
    ]
    assert "本讲内容" in markdown[0], f"zh/{path.name} should open with its goals (本讲内容)"
    assert "动手试试" in markdown[-2], f"zh/{path.name} should have 动手试试 before the summary"
    assert markdown[-1].startswith("## 小结"), f"zh/{path.name} should end with ## 小结"


# A line of a code cell that reads as Markdown: a heading ("# ## Title") or a table row
# ("# | a | b |"). In a text cell these lines are normal; in a code cell they mean a missing
# "# %% [markdown]" marker, and the section is hidden inside code as comments.
MARKDOWN_IN_CODE = re.compile(r"^# (#{1,6} \S|\|)")


def markdown_lines_in_code(cells):
    """``[(cell number, line), ...]`` for every code-cell line that looks like Markdown."""
    return [
        (i, line)
        for i, (kind, text) in enumerate(cells)
        if kind == "code"
        for line in text.splitlines()
        if MARKDOWN_IN_CODE.match(line)
    ]


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_no_text_is_hidden_in_a_code_cell(source):
    hidden = markdown_lines_in_code(regen.read_cells(source))
    assert not hidden, (
        f"{source.name}: code cell(s) hold Markdown as comments (a missing '# %% [markdown]' "
        f"line before them?): {hidden}"
    )


def test_hidden_markdown_check_can_fail(tmp_path):
    source = tmp_path / "01_x.py"
    source.write_text(
        "# %% [markdown]\n# ## Fine here\n# | a | b |\n\n"
        "# %%\nx = 1  # a normal comment\n# #1 is not a heading\n#\n# ## Hidden section\n"
        "# | name | size |\n",
        encoding="utf-8",
    )
    assert markdown_lines_in_code(regen.read_cells(source)) == [
        (1, "# ## Hidden section"),
        (1, "# | name | size |"),
    ]


# Relative links in the text cells: [text](target). On GitHub, in Jupyter and in VS Code they are
# resolved from the notebook's folder (notebooks/, or notebooks/zh/ for the Chinese edition), so
# they must name files of the repository.
LINK = re.compile(r"\]\(((?:\.\./|exercises/|\d\d_)[^)#\s]+)\)")
LECTURE_PAGE = "../docs/lecture.md"  # "Coming from the lecture", linked from 01 (issue 16)


def _markdown(source, lang="en"):
    return [text for kind, text in regen.read_cells(source, lang) if kind == "markdown"]


def _links(source, lang="en"):
    return [target for text in _markdown(source, lang) for target in LINK.findall(text)]


@pytest.mark.parametrize("lang", regen.EDITIONS)
@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_links_in_the_text_point_to_files_that_exist(source, lang):
    folder = regen.edition_folder(lang)
    links = _links(source, lang)
    glossary = os.path.relpath(ROOT / "docs" / "glossary.md", folder).replace(os.sep, "/")
    assert glossary in links, f"{source.name} ({lang}) should link the glossary"
    missing = [target for target in links if not (folder / target).resolve().is_file()]
    assert not missing, f"{source.name} ({lang}) links to files that are not there: {missing}"


def test_each_exercise_is_linked_where_it_fits():
    """Issue 10: 01 and 05 -> exercises 1-2, 02 -> 7, 04 -> 5, 06 -> 6; 01 -> the lecture page."""
    wanted = {
        "01": ["01_local_derivatives", "02_backward"],
        "02": ["07_gradient_shape"],
        "04": ["05_optimizers"],
        "05": ["01_local_derivatives", "02_backward"],
        "06": ["06_training_loop"],
    }
    by_number = {s.stem[:2]: _links(s) for s in SOURCES}
    for number, exercises in wanted.items():
        for exercise in exercises:
            assert f"exercises/{exercise}.ipynb" in by_number[number], (number, exercise)
    assert LECTURE_PAGE in by_number["01"]


# Text that points at a printed number ("printed above", "the printed end points") must come
# right after a code cell that prints something: otherwise the number it refers to is not there.
POINTS_AT_OUTPUT = re.compile(r"printed (above|below|lines?|end points|step counts)|\(printed")


def text_pointing_at_missing_prints(cells):
    """Cell numbers of text cells that refer to printed output no neighbouring cell prints."""
    bad = []
    for i, (kind, text) in enumerate(cells):
        if kind != "markdown" or not POINTS_AT_OUTPUT.search(text):
            continue
        before = [t for k, t in cells[max(0, i - 2) : i] if k == "code"]
        after = [t for k, t in cells[i + 1 : i + 2] if k == "code"]
        near = before + (after if "below" in text else [])
        if not any("print(" in code for code in near):
            bad.append(i)
    return bad


@pytest.mark.parametrize("source", SOURCES, ids=_ids(SOURCES))
def test_text_that_points_at_printed_numbers_follows_a_print(source):
    bad = text_pointing_at_missing_prints(regen.read_cells(source))
    assert not bad, (
        f"{source.name}, cells {bad} refer to printed output that no cell next to them prints"
    )


def test_printed_output_check_can_fail():
    cells = [("code", "x = 1"), ("markdown", "The loss (printed above) is small.")]
    assert text_pointing_at_missing_prints(cells) == [1]
    cells[0] = ("code", "print(x)")
    assert text_pointing_at_missing_prints(cells) == []


def test_staleness_is_detected(tmp_path):
    """The stamp check can fail: edit a cell of a stamped notebook and it reports it."""
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    nb.metadata[regen.STAMP_KEY] = regen.make_stamp(nb, [str(ROOT / "micrograd" / "engine.py")])
    assert regen.staleness(nb) == []
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.source += "\n1 + 1"
    assert regen.staleness(nb) == ["its cells were edited after the outputs were made"]
    nb.metadata[regen.STAMP_KEY]["library"]["micrograd/engine.py"] = "0" * 16
    assert "micrograd/engine.py changed after the outputs were made" in regen.staleness(nb)


def test_percent_format_parser(tmp_path):
    source = tmp_path / "01_x.py"
    source.write_text(
        "# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n\nprint(x)\n\n# %%\ny = 2\n",
        encoding="utf-8",
    )
    assert regen.read_cells(source) == [
        ("markdown", "# Title\n\ntext"),
        ("code", "x = 1\n\n\nprint(x)"),
        ("code", "y = 2"),
    ]
    source.write_text("stray\n# %%\nx = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="before the first"):
        regen.read_cells(source)


# --------------------------------------------------------------------------------------
# Execution
# --------------------------------------------------------------------------------------


def _run(path):
    lang = regen.edition_of(path)
    nb = regen.build(regen.source_for(path), lang)
    start = time.perf_counter()
    executed, probe = regen.execute(nb, lang=lang)
    return executed, probe, time.perf_counter() - start


@pytest.mark.notebook
@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=_ids(EVERY_NOTEBOOK))
def test_notebook_runs_on_a_fresh_kernel(path):
    # execute() raises CellExecutionError, showing the failing cell, if any cell errors.
    executed, probe, seconds = _run(path)
    assert Path(probe["prefix"]).resolve() == Path(sys.prefix).resolve(), (
        f"the kernel ran {probe['prefix']}, not this interpreter's environment {sys.prefix}"
    )
    assert any(f.startswith(str(ROOT / "micrograd")) for f in probe["files"]), probe["files"]
    counts = [c.execution_count for c in executed.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))
    assert seconds < TIME_LIMIT, f"{path.name} took {seconds:.0f} s; keep each under a minute"
    # matplotlib warns "Glyph ... missing from font" when a label would show boxes
    assert not regen.missing_glyphs(executed), regen.missing_glyphs(executed)[:3]


def test_missing_glyph_warnings_are_found():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot")])
    nb.cells[0].outputs = [
        nbformat.v4.new_output(
            "stream",
            name="stderr",
            text="UserWarning: Glyph 26799 missing from font(s) DejaVu Sans.",
        )
    ]
    assert regen.missing_glyphs(nb) == [nb.cells[0].outputs[0].text]


@pytest.mark.notebook
def test_pytorch_notebook_runs_without_torch(tmp_path, monkeypatch):
    """On a machine without torch, notebook 07 says so and still runs to the end."""
    blocker = tmp_path / "torch"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('torch hidden by the test')\n")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the kernel inherits the environment
    (path,) = [p for p in NOTEBOOKS if p.stem.startswith("07")]
    executed, _, _ = _run(path)
    printed = "".join(
        out.get("text", "") + str(out.get("data", {}).get("text/markdown", ""))
        for cell in executed.cells
        for out in cell.get("outputs", [])
    )
    assert "torch is not installed" in printed


@pytest.mark.notebook
def test_a_user_wide_python3_kernel_does_not_take_over(tmp_path, monkeypatch):
    """A "python3" kernel spec in the user's Jupyter folder must not replace this interpreter."""
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        '{"argv": ["/nonexistent/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],'
        ' "display_name": "elsewhere", "language": "python"}'
    )
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))  # the user's folder ...
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")  # ... searched before the environment's
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    executed, probe = regen.execute(nb)
    assert executed.cells[0].outputs[0]["text"] == "42\n"
    assert Path(probe["prefix"]).resolve() == Path(sys.prefix).resolve()


def test_output_rule_keeps_what_teaches_and_drops_noise():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="loss 0.1\n"),
        nbformat.v4.new_output("stream", name="stderr", text="100%|#####| 10/10\n"),
        nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="}),
        nbformat.v4.new_output(
            "display_data",
            data={regen.WIDGET_VIEW: {"model_id": "abc"}, "text/plain": "VBox(...)"},
        ),
    ]
    cell.metadata = {"execution": {"iopub.status.busy": "2026-01-01"}, "tags": ["keep"]}
    nb.cells.append(cell)
    nb.metadata["widgets"] = {"state": {}}
    regen.clean_outputs(nb)
    kinds = [(o.output_type, o.get("name") or next(iter(o.get("data", {})))) for o in cell.outputs]
    assert kinds == [("stream", "stdout"), ("display_data", "image/png")]
    assert cell.metadata == {"tags": ["keep"]}
    assert "widgets" not in nb.metadata
