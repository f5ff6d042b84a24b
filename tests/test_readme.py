"""The README's Python examples run as printed, and its commands name real make targets."""

import re
from pathlib import Path

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
