"""Load the original micrograd (``micrograd==0.1.0`` from PyPI) beside ours, in one process.

It is installed with ``pip install --target benchmarks/.original`` so that it never shadows
this package, and imported under the name ``micrograd`` only for the moment of loading.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

FOLDER = Path(__file__).resolve().parent / ".original"
REQUIREMENT = "micrograd==0.1.0"


def install() -> None:
    if (FOLDER / "micrograd" / "engine.py").exists():
        return
    print(f"installing {REQUIREMENT} into {FOLDER} ...", file=sys.stderr)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(FOLDER),
         REQUIREMENT],
        check=True,
    )  # fmt: skip


def load() -> tuple[ModuleType, ModuleType]:
    """Return the original ``(engine, nn)`` modules; our ``micrograd`` stays importable."""
    install()
    ours = {name: module for name, module in sys.modules.items() if name.startswith("micrograd")}
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, str(FOLDER))
    try:
        engine = importlib.import_module("micrograd.engine")
        nn = importlib.import_module("micrograd.nn")
    finally:
        sys.path.remove(str(FOLDER))
        for name in [name for name in sys.modules if name.startswith("micrograd")]:
            del sys.modules[name]
        sys.modules.update(ours)
    return engine, nn
