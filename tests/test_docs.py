"""The docs site builds with no warnings, and holds what it promises.

The tests of the built site need the ``docs`` extra (mkdocs, mkdocs-material, mkdocstrings,
mkdocs-jupyter, mkdocs-static-i18n for the 简体中文 site at /zh/, jieba to index it), which
``make test`` installs; they are marked ``slow`` (a build takes several seconds), so the quick
runs on other Python versions, which install only ``dev``, leave them out. The examples of
"Coming from the lecture" (docs/lecture.md) run everywhere.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "docs" / "lecture.md"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build the site once with ``mkdocs build --strict`` into a temporary folder."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, "mkdocs warned:\n" + "\n".join(warnings)
    return out


def _page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_every_course_notebook_is_a_page(site):
    notebooks = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert notebooks
    for stem in notebooks:
        page = _page(site, f"notebooks/{stem}")
        assert "What you will learn" in page, stem
        assert "Try it" in page, stem
    assert not (site / "notebooks" / "src").exists(), "the notebooks' sources are not pages"
    # The committed outputs are shown (the site does not run the notebooks): plots and graphs.
    assert "data:image/png" in _page(site, "notebooks/04_optimizers")
    assert "<svg" in _page(site, "notebooks/05_chain_rule").split("Out[", 1)[1]


@pytest.mark.slow
def test_api_reference_comes_from_the_docstrings(site):
    engine = _page(site, "reference/engine")
    # Text that exists only in the docstrings, so the page cannot pass by accident.
    assert "A scalar that remembers the op that made it" in engine
    assert "create_graph" in engine
    assert "```" not in engine, "a doctest fence was rendered as text"


@pytest.mark.slow
def test_glossary_pairs_the_notes_terms(site):
    glossary = _page(site, "glossary")
    for chinese, english in [
        ("权重", "weight"),
        ("可训练参数", "trainable parameter"),
        ("随机初始化", "random initialization"),
        ("训练循环", "training loop"),
        ("前向传播", "forward pass"),
        ("反向传播", "backward pass"),
        ("梯度", "gradient"),
        ("小批量随机梯度下降", "mini-batch SGD"),
        ("动量", "momentum"),
        ("局部极小点", "local minimum"),
        ("链式法则", "chain rule"),
        ("曲率", "curvature"),
    ]:
        assert chinese in glossary and english in glossary, (chinese, english)


@pytest.mark.slow  # griffe comes with the docs extra
def test_doctest_fences():
    sys.path.insert(0, str(ROOT / "tools"))
    from griffe_doctests import fence_doctests

    assert fence_doctests("Text.\n\n>>> 1 + 1\n2\n\nMore.") == (
        "Text.\n\n```pycon\n>>> 1 + 1\n2\n```\n\nMore."
    )
    # reST style: "::" then an indented example becomes ":" then a fenced, dedented example.
    assert fence_doctests("Add::\n\n    >>> 1 + 1\n    2") == "Add:\n\n```pycon\n>>> 1 + 1\n2\n```"
    # An example already in a fence is left alone.
    fenced = "```python\n>>> x = 1\n```"
    assert fence_doctests(fenced) == fenced


@pytest.mark.slow
def test_lecture_page_is_in_the_site(site):
    page = _page(site, "lecture")
    assert "Coming from the lecture" in page
    assert 'href="lecture/"' in (site / "index.html").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------
# The site in two languages (issue 11): English at /, 简体中文 at /zh/, with a switcher
# --------------------------------------------------------------------------------------

# The pages written in Chinese (docs/NAME.zh.md beside docs/NAME.md); the API reference stays
# English (the Chinese site shows the English page).
ZH_PAGES = ["", "installation", "teachers", "concepts/engine", "concepts/simplifications",
            "glossary", "lecture", "playground"]  # fmt: skip
ZH_NOTEBOOKS = sorted(p.stem for p in (ROOT / "notebooks" / "zh").glob("[0-9][0-9]_*.ipynb"))
HAN = re.compile(r"[\u4e00-\u9fff]")


def _html(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def _switcher(site: Path, page: str) -> dict[str, str]:
    """``{language: page}`` the language switcher of ``page`` links to, as site paths."""
    links = re.findall(r'<a href="([^"]*)" hreflang="([a-z]+)" class="md-select__link"',
                       _html(site, page))  # fmt: skip
    assert links, f"{page or 'home'} has no language switcher"
    return {lang: posixpath.normpath(posixpath.join(page, href)) for href, lang in links}


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.DOTALL)
    assert match, "the page has no title"
    return re.sub(r"<[^>]+>", "", match.group(1))


@pytest.mark.parametrize("page", ZH_PAGES)
def test_each_translated_page_has_its_chinese_source(page):
    english = ROOT / "docs" / f"{page or 'index'}.md"
    chinese = english.with_suffix(".zh.md")
    assert english.exists() and chinese.exists(), chinese
    text = chinese.read_text(encoding="utf-8")
    opening = text.split("\n\n", 2)[:2]  # the title and the first paragraph
    assert HAN.search("\n".join(opening)), f"{chinese.name} does not open in Chinese"
    # A line break inside a Chinese sentence shows as a space between two characters.
    prose = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    broken = re.search(r"[\u4e00-\u9fff，。；：、）]\n[ \t]*[\u4e00-\u9fff]", prose)
    assert not broken, f"{chinese.name}: join the lines at {broken.group()!r}"


@pytest.mark.slow
@pytest.mark.parametrize("page", ZH_PAGES)
def test_chinese_pages_are_in_the_site_with_a_switcher_both_ways(site, page):
    english_path, chinese_path = page or ".", posixpath.join("zh", page) if page else "zh"
    english, chinese = _html(site, page), _html(site, f"zh/{page}")
    assert '<html lang="en"' in english and '<html lang="zh"' in chinese
    opening = _h1(chinese) + chinese.split("<p>", 1)[1].split("</p>", 1)[0]
    assert HAN.search(opening), f"zh/{page}: does not open in Chinese"
    assert not HAN.search(_h1(english).replace("中文", "")), f"{page}: the English title"
    assert _switcher(site, page) == {"en": english_path, "zh": chinese_path}
    assert _switcher(site, f"zh/{page}") == {"en": english_path, "zh": chinese_path}


@pytest.mark.slow
def test_the_chinese_site_has_its_own_nav_and_keeps_the_api_reference(site):
    home = _html(site, "zh/")
    for title in ["安装", "从视频课过来", "第 1 讲", "第 7 讲", "术语表", "给教师", "API 参考"]:
        assert f"{title}" in home, title
    # The reference is not translated: the Chinese site shows the English docstrings, and its
    # cross-references stay in the Chinese site.
    reference = _html(site, "zh/reference/engine")
    assert "A scalar that remembers the op that made it" in reference
    assert '<html lang="zh"' in reference


@pytest.mark.slow
def test_search_finds_chinese_words(site):
    """Chinese has no spaces: the index splits it into words (jieba), and search splits there."""
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert r"\u200b" in index["config"]["separator"]  # a JavaScript regular expression
    chinese = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("zh/"))
    assert "\u200b梯度\u200b" in chinese, "the Chinese pages were not split into words"


def test_the_chinese_nav_lists_the_same_pages_as_the_english_one():
    """A page added to the English nav must be added to the zh one (plugins → i18n → zh)."""
    import yaml

    def files(nav) -> list[str]:
        found = []
        for item in nav:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            found += files(value) if isinstance(value, list) else [value]
        return found

    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    zh = next(lang for lang in i18n["languages"] if lang["locale"] == "zh")
    assert files(zh["nav"]) == files(config["nav"])


@pytest.mark.slow
def test_every_zh_course_notebook_is_a_page_of_the_chinese_site(site):
    assert ZH_NOTEBOOKS, "no notebooks/zh/*.ipynb: run tools/regenerate_notebooks.py --lang zh"
    # The course's index: notebooks/README.zh.md beside notebooks/README.md.
    assert "第 1 讲" in _html(site, "zh/notebooks") and "第 1 讲" not in _html(site, "notebooks")
    index = {"en": "notebooks", "zh": "zh/notebooks"}
    assert _switcher(site, "notebooks") == _switcher(site, "zh/notebooks") == index
    for stem in ZH_NOTEBOOKS:
        chinese, english = _html(site, f"zh/notebooks/{stem}"), _html(site, f"notebooks/{stem}")
        assert "本讲内容" in chinese and "小结" in chinese, stem
        assert "What you will learn" not in chinese, f"zh/notebooks/{stem} shows the English"
        assert "What you will learn" in english and "本讲内容" not in english, stem
        assert "data:image/png" in chinese, f"zh/notebooks/{stem}: the outputs are shown"
        # Links written for Jupyter (../../docs/glossary.md, 05_chain_rule.ipynb) lead to pages.
        assert not re.search(r'href="(?![a-z]+:)[^"]*\.(md|ipynb)[#"]', chinese), stem
        both = {"en": f"notebooks/{stem}", "zh": f"zh/notebooks/{stem}"}
        assert _switcher(site, f"notebooks/{stem}") == both
        assert _switcher(site, f"zh/notebooks/{stem}") == both
    if "01_derivatives" in ZH_NOTEBOOKS:
        chinese = _html(site, "zh/notebooks/01_derivatives")
        assert 'href="../../glossary/"' in chinese  # zh/glossary/, from docs/glossary.md
        assert "blob/main/notebooks/exercises/01_local_derivatives.ipynb" in chinese
    # A notebook with no zh edition yet is still a page of the Chinese site, in English.
    for stem in sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        if stem not in ZH_NOTEBOOKS:
            assert "What you will learn" in _html(site, f"zh/notebooks/{stem}"), stem
    # The generated folder itself is not a second set of pages.
    assert (
        not (site / "notebooks" / "zh").exists() and not (site / "zh" / "notebooks" / "zh").exists()
    )


@pytest.mark.slow
def test_the_chinese_glossary_shows_every_term_of_the_english_table(site):
    english, chinese = _html(site, "glossary"), _html(site, "zh/glossary")
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", english, flags=re.DOTALL)
    assert len(rows) > 40
    assert rows == re.findall(r"<tr>\s*<td>(.*?)</td>", chinese, flags=re.DOTALL)
    assert "在代码里" in chinese and "In code / where" not in chinese
    # The notes' own sentence on 曲率 is quoted (as a quote) before it is answered.
    source = (ROOT / "docs" / "glossary.zh.md").read_text(encoding="utf-8")
    assert "> 前面已经看到，单变量函数 $f(x)$ 的导数可以看作函数 $f$ 曲线的斜率。" in source
    assert "曲率" in chinese.split("<blockquote>", 1)[1].split("</blockquote>", 1)[0]


# --------------------------------------------------------------------------------------
# "Coming from the lecture": every ```python block runs (```py blocks are the lecture's code)
# --------------------------------------------------------------------------------------


def _python_blocks(path: Path) -> list[tuple[str, int, str]]:
    """``(section heading, first line number, code)`` of each ```python block of a page."""
    text = path.read_text(encoding="utf-8")
    blocks = []
    for match in re.finditer(r"^```python\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE):
        before = text[: match.start()]
        headings = re.findall(r"^## (.+)$", before, flags=re.MULTILINE)
        line = before.count("\n") + 2
        blocks.append((headings[-1] if headings else "top", line, match.group(1)))
    return blocks


LECTURE_BLOCKS = _python_blocks(LECTURE)


def _block_id(block: tuple[str, int, str]) -> str:
    heading, line, _ = block
    return f"line{line}-" + re.sub(r"[^a-z0-9]+", "-", heading.lower()).strip("-")[:40]


@pytest.mark.parametrize("block", LECTURE_BLOCKS, ids=[_block_id(b) for b in LECTURE_BLOCKS])
def test_lecture_page_example_runs(block, tmp_path, monkeypatch):
    """Each example runs on its own, as a reader pastes it (files go to a temporary folder)."""
    _, line, code = block
    monkeypatch.chdir(tmp_path)
    # Padding with blank lines makes a traceback point at the line of docs/lecture.md.
    exec(compile("\n" * (line - 1) + code, str(LECTURE), "exec"), {"__name__": "__lecture__"})


def test_the_chinese_lecture_page_has_the_same_examples():
    """docs/lecture.zh.md shows exactly the code of docs/lecture.md, which the tests run."""
    fences = r"^```(?:py|python)\n.*?^```"

    def code(path: Path) -> list[str]:
        return re.findall(fences, path.read_text(encoding="utf-8"), flags=re.DOTALL | re.M)

    assert code(LECTURE) and code(LECTURE.with_suffix(".zh.md")) == code(LECTURE)


def test_lecture_page_covers_each_idiom():
    text = LECTURE.read_text(encoding="utf-8")
    headings = "\n".join(re.findall(r"^## (.+)$", text, flags=re.MULTILINE))
    for idiom in ['Value(2.0, label="a")', "_prev", "_op", "_backward", "o._backward()",
                  "draw_dot", "n.parameters()", "zero_grad"]:  # fmt: skip
        assert idiom in headings, f"docs/lecture.md has no section on {idiom}"
    for difference in ["Calling `backward()` twice", "Deep graphs"]:
        assert f"**{difference}.**" in text, difference
    assert len(LECTURE_BLOCKS) >= 8, "each idiom needs a runnable example"


def test_lecture_page_is_linked():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert re.search(r"^  - .*: lecture\.md$", nav, flags=re.MULTILINE), "not in mkdocs.yml's nav"
    assert "(lecture.md)" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    readme_start = (ROOT / "README.md").read_text(encoding="utf-8").split("```", 1)[0]
    assert "docs/lecture.md" in readme_start, "the README should link it before its first example"
