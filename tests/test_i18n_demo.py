"""`micrograd demo --lang zh`: progress, summary and plot labels in Chinese (issue 11)."""

from __future__ import annotations

import json
import re

import matplotlib.text
import pytest
from matplotlib.figure import Figure

from micrograd import i18n
from micrograd.cli import main

CJK = re.compile(r"[\u4e00-\u9fff]")
SMALL_MOONS = ["demo", "--epochs", "2", "--samples", "20", "--hidden", "4", "--no-progress"]
SMALL_DIGITS = ["demo", "--dataset", "digits", "--samples", "200", "--epochs", "1"]
SMALL_DIGITS += ["--hidden", "4", "--no-progress"]


@pytest.fixture(autouse=True)
def no_language_from_outside(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)


@pytest.fixture
def saved_figures(monkeypatch):
    """Every figure the demo saves, and its text, in order."""
    texts: list[str] = []
    save = Figure.savefig

    def recording_savefig(figure, *args, **kwargs):
        save(figure, *args, **kwargs)  # drawn first: missing glyphs warn here
        words = [t.get_text() for t in figure.findobj(matplotlib.text.Text)]
        texts.append(" | ".join(w for w in words if w))

    monkeypatch.setattr(Figure, "savefig", recording_savefig)
    return texts


def run(capsys, tmp_path, *args: str) -> tuple[str, str]:
    code = main([*args, "--out", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out, err


@pytest.mark.filterwarnings("error:Glyph .* missing from font")
@pytest.mark.filterwarnings("error:.*does not have a glyph")
def test_demo_lang_zh_prints_and_draws_in_chinese(capsys, tmp_path, saved_figures):
    out, _ = run(capsys, tmp_path, *SMALL_MOONS, "--lang", "zh")
    lines = out.splitlines()
    assert lines[0].startswith("moons：20 个点，2 个类别")
    assert "轮次    1  损失" in out and "轮次    2  损失" in out
    assert re.search(r"完成，用时 [\d.]+ 秒.*训练准确率 [\d.]+%", out)
    assert "已写入 summary：" in out and "wrote" not in out
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["epochs"] == 2  # the files themselves are the same in every language
    assert len(saved_figures) == 2
    if i18n.cjk_font() is not None:
        boundary, curves = saved_figures
        assert "训练准确率" in boundary and "决策边界" not in boundary  # the demo's own title
        assert "hinge 损失，sgd" in curves and "步数" in curves
    else:  # no font for Chinese: English labels rather than boxes
        assert not any(CJK.search(text) for text in saved_figures)


def test_demo_takes_the_language_from_micrograd_lang(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    out, _ = run(capsys, tmp_path, *SMALL_MOONS)
    assert "轮次    1" in out and "epoch" not in out


def test_lang_en_wins_over_micrograd_lang(capsys, tmp_path, monkeypatch, saved_figures):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    out, _ = run(capsys, tmp_path, *SMALL_MOONS, "--lang", "en")
    assert "epoch    1  loss" in out and "training accuracy" in out
    assert not CJK.search(out)
    assert not any(CJK.search(text) for text in saved_figures)
    assert i18n.language() == "zh"  # the demo's choice ended with it


def test_demo_without_a_language_is_english(capsys, tmp_path):
    out, _ = run(capsys, tmp_path, *SMALL_MOONS)
    assert "epoch    2  loss" in out and not CJK.search(out)


def test_an_unknown_lang_is_one_clear_line(capsys, tmp_path):
    with pytest.raises(SystemExit) as exit_:
        main([*SMALL_MOONS, "--lang", "fr", "--out", str(tmp_path / "out")])
    assert exit_.value.code != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--lang" in err and "'zh'" in err
    assert not (tmp_path / "out").exists()


def test_zh_without_a_cjk_font_draws_english_labels(capsys, tmp_path, monkeypatch, saved_figures):
    monkeypatch.setattr(i18n, "cjk_font", lambda lang="zh": None)
    out, _ = run(capsys, tmp_path, *SMALL_MOONS, "--lang", "zh")
    assert "轮次    1" in out  # the terminal shows Chinese without any font of ours
    assert saved_figures and not any(CJK.search(text) for text in saved_figures)
    assert "training accuracy" in saved_figures[0]


@pytest.mark.filterwarnings("error:Glyph .* missing from font")
@pytest.mark.filterwarnings("error:.*does not have a glyph")
def test_digits_demo_lang_zh(capsys, tmp_path, saved_figures):
    out, _ = run(capsys, tmp_path, *SMALL_DIGITS, "--lang", "zh")
    assert out.startswith("手写数字：8x8 的图像，10 个类别，共 200 张")
    assert "轮次    1  损失" in out and "训练准确率" in out
    assert re.search(r"测试准确率 [\d.]+%（训练时从未见过的 40 个测试数字中认对了 \d+ 个）", out)
    assert "已写入 confusion_matrix：" in out
    assert len(saved_figures) == 3
    if i18n.cjk_font() is not None:
        confusion, _misclassified, curves = saved_figures
        assert "测试集：40 个中对了" in confusion and "预测类别" in confusion
        assert "手写数字，MLP(64, [4, 10])" in curves


def test_the_progress_bar_is_labelled_in_chinese(capsys, tmp_path):
    with_bar = [arg for arg in SMALL_MOONS if arg != "--no-progress"]
    _, err = run(capsys, tmp_path, *with_bar, "--lang", "zh")
    assert "训练:" in err and "2/2" in err
