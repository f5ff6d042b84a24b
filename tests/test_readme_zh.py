"""README.zh-CN.md: linked from the README, same set-up commands, examples run, no new numbers."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")


def commands(text: str) -> list[str]:
    """The `make ...` lines of the bash blocks, without their comments."""
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.DOTALL)
    lines = (line.split("#")[0].strip() for block in blocks for line in block.splitlines())
    return [line for line in lines if line.startswith("make ")]


def test_the_readme_links_the_chinese_one_in_its_first_lines():
    first_lines = README.splitlines()[:5]
    assert any("](README.zh-CN.md)" in line for line in first_lines)
    assert "](README.md)" in "\n".join(README_ZH.splitlines()[:5])  # and back


def test_the_same_two_set_up_commands():
    assert commands(README_ZH)[:2] == commands(README)[:2] == ["make demo", "make test"]


def test_python_examples_run_and_print_what_they_say(capsys):
    blocks = re.findall(r"```python\n(.*?)```", README_ZH, flags=re.DOTALL)
    assert blocks
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "README.zh-CN.md", "exec"), namespace)
    printed = capsys.readouterr().out.split("\n")
    assert printed[0].startswith("1.0019") and printed[1] == "(12.0,)"


def test_every_number_is_one_the_readme_measured():
    """Copied, not invented: each number of the Chinese README is in the English one."""
    numbers = set(re.findall(r"\d+(?:[.,]\d+)*", README_ZH))
    assert {"95.8", "98.1", "1,438"} <= numbers  # the measured ones are there
    # (the speed table's figures: tests/test_readme.py checks them against results.json)
    assert sorted(n for n in numbers if n not in README) == []


def test_it_is_written_in_chinese():
    prose = re.sub(r"```.*?```", "", README_ZH, flags=re.DOTALL)
    assert len(re.findall(r"[\u4e00-\u9fff]", prose)) > 1000
