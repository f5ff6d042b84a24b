"""The docs site builds with no warnings, and holds what it promises.

These need the ``docs`` extra (mkdocs, mkdocs-material, mkdocstrings, mkdocs-jupyter), which
``make test`` installs; they are marked ``slow`` (a build takes several seconds), so the
quick runs on other Python versions, which install only ``dev``, leave them out.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


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


def test_api_reference_comes_from_the_docstrings(site):
    engine = _page(site, "reference/engine")
    # Text that exists only in the docstrings, so the page cannot pass by accident.
    assert "A scalar that remembers the op that made it" in engine
    assert "create_graph" in engine
    assert "```" not in engine, "a doctest fence was rendered as text"


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
