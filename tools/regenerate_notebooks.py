"""Build the course notebooks from their sources, run them, and stamp what they were run with.

The source of each notebook is a plain Python file in ``notebooks/src/`` in jupytext's
"percent" format (which VS Code and PyCharm also run cell by cell), read with jupytext::

    # %% [markdown]
    # # A title
    # Some text.

    # %% [markdown] lang="zh"
    # # 标题
    # 一段文字。

    # %%
    x = 1 + 1

One source makes two editions with the same code cells: the English one
(``notebooks/NN_name.ipynb``: the untagged text cells) and the Chinese one
(``notebooks/zh/NN_name.ipynb``: the text cells tagged ``lang="zh"``), so their code cannot
drift apart. This script builds each edition, executes it top to bottom on a
fresh kernel (the interpreter that runs this script), keeps the outputs by the rule in
``notebooks/README.md`` and writes a *stamp* into the notebook's metadata:

* ``code``: a hash of the notebook's cells, and
* ``library``: a hash of every micrograd file the notebook imported while it ran.

``tests/test_notebooks.py`` recomputes the stamp. If a cell or an imported micrograd file has
changed since the outputs were made, the outputs are stale and the test says to run::

    python tools/regenerate_notebooks.py            # every notebook
    python tools/regenerate_notebooks.py 02 05      # only those whose names start so
    python tools/regenerate_notebooks.py --lang zh  # only the Chinese edition
    python tools/regenerate_notebooks.py --check    # say what is stale, change nothing
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from micrograd._files import atomic_write

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SOURCES = NOTEBOOKS / "src"
PACKAGE = ROOT / "micrograd"
STAMP_KEY = "micrograd_edu"
CELL_TIMEOUT = 120  # seconds; every notebook is meant to finish in well under a minute

# Outputs that are noise in a committed notebook (see notebooks/README.md, "Outputs").
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Run after the notebook (and then removed): which interpreter ran it, which micrograd files
# it imported. The stamp hashes exactly those files, so a change to, say, the CLI does not
# make the outputs of a notebook that never imports it stale.
_PROBE = """\
import json as _json, sys as _sys
print(_json.dumps({
    "prefix": _sys.prefix,
    "files": sorted({
        _m.__file__ for _n, _m in list(_sys.modules.items())
        if _n.split(".")[0] == "micrograd" and getattr(_m, "__file__", None)
    }),
}))
"""


# --------------------------------------------------------------------------------------
# Sources -> notebooks
# --------------------------------------------------------------------------------------


# The course comes in two editions built from the same sources: the code cells are shared, and
# each text cell belongs to one edition (untagged: English; `# %% [markdown] lang="zh"`: 中文).
EDITIONS = ("en", "zh")


def edition_folder(lang: str = "en") -> Path:
    """Where an edition's notebooks live: notebooks/ for English, notebooks/zh/ for Chinese."""
    return NOTEBOOKS if lang == "en" else NOTEBOOKS / lang


def edition_of(notebook: Path) -> str:
    return "en" if notebook.parent == NOTEBOOKS else notebook.parent.name


def notebook_paths(lang: str = "en") -> list[Path]:
    """The course notebooks of one edition (not notebooks/exercises/), in course order."""
    return sorted(edition_folder(lang).glob("[0-9][0-9]_*.ipynb"))


def source_paths() -> list[Path]:
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def source_for(notebook: Path) -> Path:
    return SOURCES / (notebook.stem + ".py")


def target_for(source: Path, lang: str = "en") -> Path:
    return edition_folder(lang) / (source.stem + ".ipynb")


def cells_of(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source) for cell in nb.cells]


def read_notebook(source: Path, lang: str = "en") -> nbformat.NotebookNode:
    """Parse a percent-format source with jupytext: the code cells and the text cells of the
    edition ``lang`` (cells only, no outputs)."""
    text = source.read_text(encoding="utf-8")
    # jupytext would turn stray text above the first marker into a code cell: refuse it.
    first = next((line for line in text.splitlines() if line.strip()), "# %%")
    if not first.startswith("# %%"):
        raise ValueError(f"{source}: text before the first '# %%' line: {first!r}")
    nb = jupytext.reads(text, fmt="py:percent")
    nb.cells = [
        cell
        for cell in nb.cells
        if cell.cell_type == "code" or cell.metadata.pop("lang", "en") == lang
    ]
    for cell in nb.cells:  # a "#" line just before the next "# %%" is not part of the text
        cell.source = cell.source.strip("\n")
    return nb


def read_cells(source: Path, lang: str = "en") -> list[tuple[str, str]]:
    """``[(cell_type, text), ...]`` of a percent-format source, in the edition ``lang``."""
    return cells_of(read_notebook(source, lang))


def build(source: Path, lang: str = "en") -> nbformat.NotebookNode:
    """A fresh notebook (no outputs) of the edition ``lang`` from a percent-format source."""
    nb = read_notebook(source, lang)
    for cell in nb.cells:  # jupytext's own bookkeeping is noise in a committed notebook
        cell.metadata = {k: v for k, v in cell.metadata.items() if k == "tags"}
    nb.metadata = {
        "kernelspec": {
            "name": "python3",
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
        },
        "language_info": {"name": "python"},
    }
    _number_cell_ids(nb)
    return nb


def _number_cell_ids(nb: nbformat.NotebookNode) -> None:
    # Stable ids (nbformat's default is random), so regenerating gives no spurious diff.
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"


# --------------------------------------------------------------------------------------
# The stamp
# --------------------------------------------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def code_hash(nb: nbformat.NotebookNode) -> str:
    """Hash of every cell's type and text (markdown too: prose and outputs go together)."""
    return _digest(json.dumps(cells_of(nb), ensure_ascii=False).encode("utf-8"))


def file_hash(relpath: str) -> str | None:
    """Hash of a repository file with line endings normalised; None if it is gone."""
    path = ROOT / relpath
    if not path.is_file():
        return None
    return _digest(path.read_bytes().replace(b"\r\n", b"\n"))


def library_files(imported: list[str]) -> list[str]:
    """Repository-relative paths of the micrograd files a run used (plus its data files)."""
    files = set()
    for name in imported:
        path = Path(name).resolve()
        if PACKAGE in path.parents:
            files.add(path.relative_to(ROOT).as_posix())
    for data in (PACKAGE / "datasets").glob("*"):
        if data.is_file() and data.suffix != ".pyc":
            files.add(data.relative_to(ROOT).as_posix())
    return sorted(files)


def make_stamp(nb: nbformat.NotebookNode, imported: list[str]) -> dict:
    return {
        "generated_by": "tools/regenerate_notebooks.py",
        "code": code_hash(nb),
        "library": {f: file_hash(f) for f in library_files(imported)},
    }


def staleness(nb: nbformat.NotebookNode) -> list[str]:
    """Why the notebook's outputs do not belong to the current code ([] if they do)."""
    stamp = nb.metadata.get(STAMP_KEY)
    if not stamp:
        return ["it has no stamp (it was not written by tools/regenerate_notebooks.py)"]
    reasons = []
    if stamp.get("code") != code_hash(nb):
        reasons.append("its cells were edited after the outputs were made")
    for relpath, digest in sorted(stamp.get("library", {}).items()):
        if file_hash(relpath) != digest:
            reasons.append(f"{relpath} changed after the outputs were made")
    return reasons


# --------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------


def clean_outputs(nb: nbformat.NotebookNode) -> None:
    """Apply the output rule of notebooks/README.md (in place).

    Kept: everything a cell displays or prints. Dropped: stderr (progress bars, warnings:
    noise that differs from run to run), live widget views (they render only with a running
    kernel; the notebook shows a static picture next to each widget) and per-cell metadata
    such as execution timings.
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.outputs:
            if out.output_type == "stream" and out.name == "stderr":
                continue
            if out.output_type in ("display_data", "execute_result") and WIDGET_VIEW in out.data:
                continue
            kept.append(out)
        cell.outputs = kept
        cell.metadata = {k: v for k, v in cell.metadata.items() if k in ("tags",)}
    nb.metadata.pop("widgets", None)


@contextlib.contextmanager
def _environment(name: str, value: str | None) -> Iterator[None]:
    """Set (or, with None, leave) one environment variable inside the block, then restore it.
    The kernel is a child process: it inherits the environment as it is when it starts."""
    saved = os.environ.get(name)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


def _this_environments_kernel() -> contextlib.AbstractContextManager[None]:
    """Make the kernel spec "python3" of this environment win over a user-wide one.

    Jupyter looks for kernel specs in $JUPYTER_PATH first, then in the user's folder
    (~/.local/share/jupyter), then in the environment. A "python3" spec in the user's folder
    could start another interpreter; the environment's own (installed with ipykernel) runs
    this one. The probe in the tests checks which interpreter ran.
    """
    ours = Path(sys.prefix) / "share" / "jupyter"
    if not (ours / "kernels" / "python3").is_dir():
        return _environment("JUPYTER_PATH", None)
    saved = os.environ.get("JUPYTER_PATH")
    return _environment("JUPYTER_PATH", os.pathsep.join(filter(None, [str(ours), saved])))


def missing_glyphs(nb: nbformat.NotebookNode) -> list[str]:
    """matplotlib's "Glyph ... missing from font" warnings in a run's outputs (boxes in a plot)."""
    return [
        line
        for cell in nb.cells
        for out in cell.get("outputs", [])
        for line in out.get("text", "").splitlines()
        if "missing from font" in line
    ]


def execute(
    nb: nbformat.NotebookNode, timeout: int = CELL_TIMEOUT, lang: str = "en"
) -> tuple[nbformat.NotebookNode, dict]:
    """Run a copy of ``nb`` on a fresh kernel in an empty temporary folder.

    The kernel runs with ``MICROGRAD_LANG=lang``, so the library labels its plots in the
    edition's language (where a font for it is installed).

    Returns the executed notebook and what the probe reported (``prefix``: the kernel's
    ``sys.prefix``; ``files``: the micrograd files it imported). Raises nbclient's
    ``CellExecutionError`` (which shows the cell and the traceback) if any cell fails.
    """
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # deep copy
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    nb.cells.append(nbformat.v4.new_code_cell(_PROBE))
    workspace = tempfile.TemporaryDirectory(prefix="micrograd-nb-")
    with _this_environments_kernel(), _environment("MICROGRAD_LANG", lang), workspace as workdir:
        client = NotebookClient(
            nb,
            timeout=timeout,
            startup_timeout=120,
            kernel_name="python3",
            resources={"metadata": {"path": workdir}},
            record_timing=False,
        )
        client.execute()
    probe_cell = nb.cells.pop()
    text = "".join(o.get("text", "") for o in probe_cell.outputs if o.output_type == "stream")
    return nb, json.loads(text.strip().splitlines()[-1])


def regenerate(source: Path, lang: str = "en") -> tuple[Path, float]:
    """Build, run, clean and stamp one notebook of an edition; returns its path and seconds."""
    target = target_for(source, lang)
    nb = build(source, lang)
    start = time.perf_counter()
    executed, probe = execute(nb, lang=lang)
    seconds = time.perf_counter() - start
    boxes = missing_glyphs(executed)
    if boxes:
        raise RuntimeError(f"{target.name}: plots would show boxes for missing glyphs: {boxes[0]}")
    clean_outputs(executed)
    _number_cell_ids(executed)
    # No interpreter version in the file: regenerating on another Python gives no diff.
    executed.metadata["language_info"] = {"name": "python"}
    executed.metadata[STAMP_KEY] = make_stamp(executed, probe["files"])
    nbformat.validate(executed)
    target.parent.mkdir(exist_ok=True)
    text = nbformat.writes(executed)
    atomic_write(target, text if text.endswith("\n") else text + "\n")
    return target, seconds


def uncommitted(files: list[str]) -> list[str]:
    """Which of these repository files differ from what git has committed (best effort)."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain", "--", *files],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted(line[3:] for line in result.stdout.splitlines())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help="only notebooks whose file names start with these (e.g. 02)"
    )
    parser.add_argument(
        "--check", action="store_true", help="report stale notebooks and exit 1; write nothing"
    )
    parser.add_argument(
        "--lang", choices=[*EDITIONS, "all"], default="all", help="which edition (default: all)"
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("PYTHONHASHSEED", "0")  # the kernel inherits it: same set order
    sources = [s for s in source_paths() if not args.names or s.stem.startswith(tuple(args.names))]
    if not sources:
        parser.error(f"no source in {SOURCES.relative_to(ROOT)} matches {args.names}")

    editions = EDITIONS if args.lang == "all" else (args.lang,)
    jobs = [(source, lang) for lang in editions for source in sources]
    if args.check:
        stale = 0
        for source, lang in jobs:
            target = target_for(source, lang)
            if not target.exists():
                print(f"{target.relative_to(ROOT)}: missing")
                stale += 1
                continue
            nb = nbformat.read(target, as_version=4)
            reasons = staleness(nb)
            if cells_of(nb) != read_cells(source, lang):
                reasons.insert(0, f"its cells differ from {source.relative_to(ROOT)}")
            for reason in reasons:
                print(f"{target.relative_to(ROOT)}: {reason}")
            stale += bool(reasons)
        print(f"{stale} of {len(jobs)} notebooks need regenerating")
        return 1 if stale else 0

    total = 0.0
    used: set[str] = set()
    for source, lang in jobs:
        target, seconds = regenerate(source, lang)
        total += seconds
        used.update(nbformat.read(target, as_version=4).metadata[STAMP_KEY]["library"])
        print(f"{target.relative_to(ROOT)}: ran in {seconds:.1f} s", flush=True)
    print(f"{len(jobs)} notebooks in {total:.1f} s")
    dirty = uncommitted(sorted(used))
    if dirty:
        # The stamp hashes the files as they are now; if they are committed differently,
        # the committed notebooks will be stale in a clean checkout.
        print("warning: the outputs were made with uncommitted changes to: " + ", ".join(dirty))
    return 0


if __name__ == "__main__":
    sys.exit(main())
