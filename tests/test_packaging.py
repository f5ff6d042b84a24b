"""The released package works outside the repository, and holds only what a user should get.

One module-scoped fixture builds the sdist and the wheel the way a release does (``python -m
build``: the sdist first, then the wheel *from the sdist*, so a file missing from the sdist
breaks the wheel too), installs the wheel into a fresh virtual environment in a temporary
folder and runs every command from there, with no ``PYTHONPATH`` pointing at the checkout.
So package data (data sets, templates …) that the checkout has but the wheel lacks fails here.

Needs ``build`` (the ``dev`` extra) and pip's access to the runtime dependencies (pip's cache,
its configured index or PyPI): the fresh environment installs them as a user's would.
Marked ``slow``: a venv, a build and an install take about half a minute.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "micrograd"

pytestmark = pytest.mark.slow

# Left out of the copy that is built: environments, caches and earlier build output.
NOT_SOURCE = (".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", "*.pyc", "site",
              "out", ".pytest_cache", ".ruff_cache", ".hypothesis", ".ipynb_checkpoints",
              "node_modules", ".original")  # fmt: skip

# Files a wheel must never carry: tests, byte code, build and editor leftovers.
LEFTOVER = re.compile(
    r"(^|/)(tests?|build|dist|__pycache__|\.ipynb_checkpoints|[^/]*\.egg-info)/"
    r"|(^|/)(test_[^/]*\.py|conftest\.py|\.DS_Store)$"
    r"|\.(pyc|pyo|orig|rej|tmp|swp|bak)$|~$"
)
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"


def _run(args, cwd, env=None, timeout=300):
    result = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, args))} failed ({result.returncode}):\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """(wheel, sdist): built from a clean copy of the checkout, so the checkout stays clean."""
    pytest.importorskip("build", reason="needs the 'build' package (the dev extra)")
    tmp = tmp_path_factory.mktemp("release")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_SOURCE))
    dist = tmp / "dist"
    # --no-isolation: build with this environment's setuptools instead of downloading one.
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", dist, source], cwd=tmp)
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """A fresh venv outside the checkout with the wheel installed: (python, env, workdir)."""
    wheel, _ = built
    where = tmp_path_factory.mktemp("user")
    venv = where / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=where)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    env["MPLBACKEND"] = "Agg"
    _run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel], where, env)
    work = where / "work"
    work.mkdir()
    return python, env, work


def _wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as zf:
        return zf.namelist()


def _solution_regions() -> list[str]:
    """Every solution region of the repository's exercise sources, whitespace-normalised.

    Regions shorter than 40 characters ("return out") are common code, not an answer.
    """
    regions = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if parts[0] in ("tests", "build", "dist", "site") or parts[0].startswith(".venv"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for region in re.findall(rf"{BEGIN}[^\n]*\n(.*?){END}", text, flags=re.DOTALL):
            if len(_normalise(region)) >= 40:
                regions.append(_normalise(region))
    return regions


def _normalise(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


# --------------------------------------------------------------------------------------
# What the wheel holds
# --------------------------------------------------------------------------------------


def test_wheel_holds_the_package_and_its_data(built):
    wheel, _ = built
    names = _wheel_names(wheel)
    tops = {name.split("/")[0] for name in names}
    assert {t for t in tops if not t.endswith(".dist-info")} == {"micrograd"}, tops
    # Every file of the checkout's package is in the wheel (Python, data, templates …),
    # except Markdown notes and files that hold exercise solutions.
    for path in PACKAGE.rglob("*"):
        rel = path.relative_to(ROOT).as_posix()
        if not path.is_file() or LEFTOVER.search(rel) or path.suffix == ".md":
            continue
        if BEGIN in path.read_text(encoding="utf-8", errors="replace"):
            continue
        assert rel in names, f"{rel} is in the checkout but missing from the wheel"
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(wheel) as zf:
        assert "micrograd = micrograd.cli" in zf.read(entry_points).decode()


def test_wheel_holds_no_tests_or_build_leftovers(built):
    wheel, sdist = built
    leftovers = [n for n in _wheel_names(wheel) if LEFTOVER.search(n)]
    assert not leftovers, f"the wheel carries tests or build leftovers: {leftovers}"
    with tarfile.open(sdist) as tf:
        compiled = [n for n in tf.getnames() if re.search(r"__pycache__/|\.py[co]$", n)]
    assert not compiled, f"the sdist carries byte code: {compiled}"


def test_wheel_holds_no_solution_material(built):
    """Students install the wheel: no solution notebook, source or answer may be in it."""
    wheel, _ = built
    regions = _solution_regions()
    assert regions, "found no solution regions in the repository to look for"
    found = []
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            if re.search(r"(^|/)solutions?(/|\.)", name):
                found.append(f"{name} (a solutions file)")
                continue
            text = zf.read(name).decode("utf-8", errors="replace")
            if BEGIN in text and name.endswith((".ipynb", ".json")):
                found.append(f"{name} (a solution notebook)")
            normalised = _normalise(text)
            hits = [r for r in regions if r in normalised]
            if hits:
                first = hits[0].splitlines()[0]
                found.append(f"{name} ({len(hits)} solution regions, e.g. {first!r})")
    assert not found, "the wheel holds exercise solutions:\n" + "\n".join(found)


# --------------------------------------------------------------------------------------
# The installed package, used from a folder that is not the checkout
# --------------------------------------------------------------------------------------

_IMPORT_ALL = """\
import importlib, json, pkgutil, micrograd
names = ["micrograd"] + [
    m.name for m in pkgutil.walk_packages(micrograd.__path__, "micrograd.")
    if not any(part.startswith("_") for part in m.name.split("."))
]
for name in names:
    importlib.import_module(name)
print(json.dumps({"file": micrograd.__file__, "modules": names}))
"""


def test_every_public_module_imports(installed):
    python, env, work = installed
    report = json.loads(_run([python, "-c", _IMPORT_ALL], work, env).strip().splitlines()[-1])
    assert Path(report["file"]).resolve().is_relative_to(python.parent.parent.resolve()), (
        f"imported micrograd from {report['file']}, not from the fresh environment"
    )
    assert ROOT.resolve() not in Path(report["file"]).resolve().parents
    for module in ("micrograd.engine", "micrograd.nn", "micrograd.draw", "micrograd.stepper"):
        assert module in report["modules"]


def test_demo_runs_and_writes_its_plots(installed):
    python, env, work = installed
    micrograd = python.parent / "micrograd"
    out = work / "demo"
    _run([micrograd, "demo", "--epochs", "3", "--no-progress", "--out", out], work, env)
    for name in ("decision_boundary.png", "loss_curve.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["epochs"] == 3 and summary["dataset"] == "moons", summary


def test_graph_draws_an_svg_and_a_step_through_page(installed):
    python, env, work = installed
    micrograd = python.parent / "micrograd"
    svg, html = work / "graph.svg", work / "steps.html"
    args = ["graph", "tanh(x*w + b)", "--at", "x=2", "w=-3", "b=6.88", "-o", svg, "--html", html]
    _run([micrograd, *args], work, env)
    assert "<svg" in svg.read_text(encoding="utf-8")
    page = html.read_text(encoding="utf-8")
    assert "<svg" in page and "tanh" in page


def test_exercise_notebooks_build(installed):
    python, env, work = installed
    out = work / "class"
    _run([python.parent / "micrograd", "exercises", "build", "--out", out], work, env)
    notebooks = sorted(out.glob("*.ipynb"))
    assert notebooks, "no student notebook was written"
    for notebook in notebooks:
        assert json.loads(notebook.read_text(encoding="utf-8"))["cells"], notebook.name
        assert BEGIN not in notebook.read_text(encoding="utf-8"), notebook.name


_LOAD_ALL = """\
import json, micrograd.data as data
loaded = {}
for name in data.__all__:
    if name.startswith("load_"):
        X, y = getattr(data, name)()
        assert len(X) == len(y) > 0, name
        loaded[name] = len(X)
print(json.dumps(loaded))
"""


def test_every_data_set_loads(installed):
    python, env, work = installed
    loaded = json.loads(_run([python, "-c", _LOAD_ALL], work, env).strip().splitlines()[-1])
    assert loaded.get("load_iris") == 150, loaded
