"""Build the playground: one folder of static files that runs micrograd in the browser.

    python playground/build.py [--out playground/dist]

What it does, and why:

1. ``npm ci`` in ``playground/`` fetches exactly the versions pinned in ``package.json`` and
   ``package-lock.json`` (Pyodide, the Python interpreter compiled to WebAssembly, and viz.js,
   Graphviz compiled to WebAssembly). Skipped when ``node_modules`` already has them.
2. Only the files the pages need are copied: Pyodide's core (no other Python packages) and
   ``viz.js``. Nothing is loaded from a CDN at run time.
3. The project's own wheel is built from this checkout, so the browser runs *this* engine,
   and the pure-Python ``graphviz`` wheel (``micrograd.draw`` builds its DOT source with it)
   is downloaded in the version installed here.
4. The pages (HTML, ES modules, CSS) are copied, and ``wheels.json`` tells the worker the
   names of the wheels to install.

The folder is assembled next to its destination and then moved into place, so an
interrupted build never leaves a half-built site. Serve it over http (``python -m
http.server -d playground/dist``): browsers refuse WebAssembly and workers from ``file://``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_OUT = HERE / "dist"

# The files of the npm packages that the pages load (everything else stays out).
PYODIDE_FILES = (
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide.asm.mjs",
    "pyodide.mjs",
    "pyodide-lock.json",
)
VIZ_FILES = ("dist/viz.js",)
# The pages themselves: everything in playground/ with these suffixes (not build.py).
PAGE_SUFFIXES = (".html", ".js", ".css")


class BuildError(RuntimeError):
    """A build step failed; the message says which and what to do."""


def pinned_versions() -> dict[str, str]:
    """The npm packages and versions package-lock.json pins: {name: version}."""
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    wanted = json.loads((HERE / "package.json").read_text(encoding="utf-8"))["dependencies"]
    return {name: lock["packages"][f"node_modules/{name}"]["version"] for name in wanted}


def _installed_version(name: str) -> str | None:
    manifest = HERE / "node_modules" / name / "package.json"
    if not manifest.is_file():
        return None
    return json.loads(manifest.read_text(encoding="utf-8")).get("version")


def fetch_npm_packages() -> None:
    """``npm ci`` unless node_modules already holds exactly the pinned versions."""
    wanted = pinned_versions()
    if all(_installed_version(name) == version for name, version in wanted.items()):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise BuildError(
            "npm is not installed: the playground needs it once to fetch "
            f"{', '.join(f'{n}@{v}' for n, v in wanted.items())}. "
            "Install Node.js (e.g. apt install npm) and run make playground again."
        )
    print("npm ci (pinned:", ", ".join(f"{n}@{v}" for n, v in wanted.items()) + ")")
    _run([npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"], cwd=HERE, what="npm ci")


def _run(command: list[str], cwd: Path, what: str) -> None:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BuildError(f"{what} failed (exit status {result.returncode}): " + " | ".join(tail))


def build_wheels(dest: Path) -> list[str]:
    """The project's wheel (from this checkout) and graphviz's; returns their file names."""
    dest.mkdir(parents=True, exist_ok=True)
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        # Build from a clean copy of the sources: setuptools reuses a build/ folder, which
        # may still hold modules deleted or moved since, and they would end up in the wheel.
        source = Path(scratch) / "source"
        source.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, source / name)
        shutil.copytree(
            ROOT / "micrograd", source / "micrograd", ignore=shutil.ignore_patterns("__pycache__")
        )
        # --no-build-isolation: build with the setuptools installed here, without network.
        _run(
            [python, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
             "-w", scratch, str(source)],
            cwd=source, what="building the micrograd-edu wheel",
        )  # fmt: skip
        graphviz = _graphviz_requirement()
        _run(
            [python, "-m", "pip", "download", graphviz, "--no-deps", "--only-binary=:all:",
             "-q", "-d", scratch],
            cwd=ROOT, what=f"downloading the {graphviz} wheel",
        )  # fmt: skip
        names = []
        for wheel in sorted(Path(scratch).glob("*.whl")):
            shutil.copy2(wheel, dest / wheel.name)
            names.append(wheel.name)
    if len(names) != 2:
        raise BuildError(f"expected two wheels (micrograd-edu, graphviz), got {names}")
    return names


def _graphviz_requirement() -> str:
    """The graphviz version installed here (the one the tests run), else any recent one."""
    try:
        return f"graphviz=={metadata.version('graphviz')}"
    except metadata.PackageNotFoundError:
        return "graphviz>=0.20"


def copy_runtime(out: Path) -> None:
    """Pyodide's core and viz.js, from node_modules."""
    modules = HERE / "node_modules"
    (out / "pyodide").mkdir(parents=True)
    for name in PYODIDE_FILES:
        shutil.copy2(modules / "pyodide" / name, out / "pyodide" / name)
    (out / "viz").mkdir()
    for name in VIZ_FILES:
        shutil.copy2(modules / "@viz-js" / "viz" / name, out / "viz" / Path(name).name)


def copy_pages(out: Path) -> None:
    for page in sorted(HERE.iterdir()):
        if page.is_file() and page.suffix in PAGE_SUFFIXES:
            shutil.copy2(page, out / page.name)


def build(out: Path = DEFAULT_OUT) -> Path:
    """Assemble the playground in ``out`` (replaced whole); returns ``out``."""
    out = Path(out).resolve()
    fetch_npm_packages()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".playground-", dir=out.parent))
    try:
        copy_runtime(staging)
        wheels = build_wheels(staging / "wheels")
        copy_pages(staging)
        manifest = {"wheels": [f"wheels/{name}" for name in wheels], **pinned_versions()}
        (staging / "wheels.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if out.exists():
            old = out.with_name(out.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            staging.rename(out)
            shutil.rmtree(old)
        else:
            staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to (re)build")
    args = parser.parse_args(argv)
    try:
        out = build(args.out)
    except (BuildError, OSError, subprocess.TimeoutExpired) as error:
        print(f"playground: {error}", file=sys.stderr)
        return 1
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
    print(f"playground: built {out} ({size / 1e6:.1f} MB); serve it over http, e.g.")
    print(f"  python -m http.server -d {out} 8000   # then open http://127.0.0.1:8000/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
