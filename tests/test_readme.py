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


def test_speed_table_states_the_figures_of_benchmarks_results_json():
    """Every number in the README's speed table comes from ``make bench``'s output file, so
    a new benchmark run that is not copied into the README fails here."""
    import json

    results = json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8"))
    measured = {}  # README row label -> (original, ours, ratio) as results.json has them
    for entry in results["timings"]:
        measured[entry["benchmark"]] = (entry["original_s"], entry["ours_s"], entry["speedup"])
    for entry in results["memory"]:
        measured[entry["benchmark"]] = (
            entry["original_bytes_per_node"],
            entry["ours_bytes_per_node"],
            entry["ratio"],
        )
    for entry in results["peak"]:
        measured[entry["benchmark"]] = (
            entry["original_bytes"],
            entry["ours_bytes"],
            entry["ratio"],
        )
    rows = re.findall(
        r"^\| ([^|]+?) \| ([\d.]+ (?:s|B|MB)) \| ([\d.]+ (?:s|B|MB)) \| ([\d.]+)x ",
        README,
        flags=re.MULTILINE,
    )
    assert len(rows) == len(measured) == 7, rows
    scale = {"s": 1.0, "B": 1.0, "MB": 1e6}
    for (label, original, ours, ratio), (name, figures) in zip(rows, measured.items()):
        expected_original, expected_ours, expected_ratio = figures
        assert ratio == (
            f"{expected_ratio:.1f}" if expected_ratio < 10 else f"{expected_ratio:.0f}"
        ), (label, name)
        for shown, expected in ((original, expected_original), (ours, expected_ours)):
            number, unit = shown.split()
            assert abs(float(number) * scale[unit] - expected) <= 0.051 * expected, (
                label,
                shown,
                expected,
            )


def test_chinese_readme_states_the_same_speed_ratios():
    """README.zh-CN.md shows four of the rows; their ratios are the English table's."""
    chinese = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
    english = dict(
        (label, ratio)
        for label, ratio in re.findall(r"^\| ([^|]+?) \|[^|]+\|[^|]+\| ([\d.]+)x ", README, re.M)
    )
    shown = re.findall(r"^\| [^|]+ \| [^|]+ \| [^|]+ \| [快小] ([\d.]+)x \|$", chinese, re.M)
    assert shown == [
        english["one training step, MLP(2,[16,16,1]) on 100 moons, hinge + L2"],
        english["the demo: 100 such steps (both reach 100% training accuracy)"],
        english["one Adam step, MLP(64,[16,10]) on 32 digits, softmax cross-entropy"],
        english["peak memory (RSS) of the demo run"],
    ]
