"""The ``micrograd`` command run as a user runs it: in a fresh interpreter, from its script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_micrograd(
    *args: str, timeout: float = 300, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """Run the installed console script (``python -m micrograd`` where there is none)."""
    script = Path(sys.executable).with_name("micrograd")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "micrograd"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=timeout, cwd=cwd
    )
