"""The ``micrograd`` command run as a user runs it: in a fresh interpreter, from its script."""

from __future__ import annotations

import json
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


def modules_loaded_by(statement: str, names: tuple[str, ...]) -> list[str]:
    """Which of ``names`` (modules, or packages with everything below them) are loaded after
    ``statement`` runs in a fresh interpreter: what an import costs a user."""
    code = (
        f"import json, sys\n{statement}\n"
        f"print(json.dumps(sorted(m for m in sys.modules if any(m == n or m.startswith(n + '.') "
        f"for n in {names!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)
