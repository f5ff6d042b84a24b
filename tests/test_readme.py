"""The README's Python examples run as printed, its commands name real make targets, and
``make demo`` installs only what the demo needs."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run():
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)
    assert blocks, "the README should show Python examples"
    namespace: dict = {}  # one session, as a reader runs them: top to bottom
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_first_example_prints_what_its_comments_say(capsys):
    block = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)[0]
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.split("\n")
    assert printed[0].startswith("1.0019")  # dy/dw = x * (1 - tanh^2) = 1.002...
    assert printed[1] == "(12.0,)"


def test_quickstart_targets_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make ([\w-]+)", README, flags=re.MULTILINE):
        assert re.search(rf"^{re.escape(target)}:", makefile, flags=re.MULTILINE), target


def _make_plan(target: str, venv: Path) -> list[str]:
    """The commands ``make TARGET`` would run on a fresh machine (``make -n``: runs nothing)."""
    if shutil.which("make") is None:
        pytest.skip("needs make")
    # --no-print-directory: under `make test` this is a sub-make, which would otherwise
    # add "make[1]: Entering/Leaving directory" lines to the plan.
    result = subprocess.run(
        ["make", "-n", "--no-print-directory", target, f"VENV={venv}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_make_demo_installs_only_the_runtime(tmp_path):
    plan = _make_plan("demo", tmp_path / "venv")
    installs = [line for line in plan if "pip install" in line and "pip>=" not in line]
    assert installs == [f"{tmp_path / 'venv'}/bin/python -m pip install -q -e ."], plan
    assert plan[-1].endswith("micrograd demo --out out")


def test_make_test_adds_the_dev_tools(tmp_path):
    plan = _make_plan("test", tmp_path / "venv")
    assert any("pip install -q -e '.[dev,docs]'" in line for line in plan), plan
    assert plan[-1].endswith("python -m pytest")
