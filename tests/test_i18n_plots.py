"""Plots in Chinese (MICROGRAD_LANG=zh) where a CJK font is installed, English otherwise.

Never boxes for missing glyphs: matplotlib's "Glyph ... missing from font" warning (and the
math renderer's "does not have a glyph") fail these tests.
"""

from __future__ import annotations

import io
import re
import warnings

import matplotlib.text
import pytest
from matplotlib.figure import Figure

from micrograd import i18n, plots
from micrograd.data import load_digits, make_moons
from micrograd.nn import MLP
from micrograd.optim import SGD

CJK = re.compile(r"[\u4e00-\u9fff]")
MISSING_GLYPH = r"(Glyph .* missing from font|.*does not have a glyph)"
needs_cjk_font = pytest.mark.skipif(
    i18n.cjk_font() is None, reason="no CJK font installed (Debian: apt-get install fonts-noto-cjk)"
)


def _moons():
    X, y = make_moons(n_samples=24, noise=0.2, seed=3)
    return X, y, MLP(2, [4, 1], seed=0)  # untrained: some points are circled as wrong


def _boundary():
    X, y, model = _moons()
    return plots.plot_decision_boundary(model, X, y, resolution=10)


def _snapshots():
    X, y, model = _moons()
    snapshots = plots.BoundarySnapshots(X, every=1, resolution=10)
    snapshots.record(model)
    snapshots.record(model, steps_done=1)
    return plots.plot_boundary_snapshots(snapshots, y)


HISTORY = {
    "loss": [1.0, 0.8, 0.6, 0.5],
    "accuracy": [0.5, 0.6, 0.7, 0.8],
    "epoch": [0, 0, 1, 1],
    "epoch_loss": [0.9, 0.55],
    "epoch_accuracy": [0.55, 0.75],
}


def _digits(n=30):
    X, y = load_digits(scale=True)
    return X[:n], y[:n]


def _misclassified():
    X, y = _digits(60)
    predicted = [(t + 1) % 10 if i % 2 else t for i, t in enumerate(y)]
    return plots.plot_misclassified(X, y, predicted, max_images=10)  # "the first 10 shown"


def _no_mistakes():
    X, y = _digits(5)
    return plots.plot_misclassified(X, y, list(y))


# Every plot function of micrograd.plots, each drawn with the options that show its labels.
EXAMPLES = {
    "plot_decision_boundary": [_boundary],
    "plot_boundary_snapshots": [_snapshots],
    "plot_history": [lambda: plots.plot_history(HISTORY, title="moons")],
    "plot_optimizer_paths": [
        lambda: plots.plot_optimizer_paths("ravine", ["sgd", lambda p: SGD(p, lr=0.1)], steps=5),
        lambda: plots.plot_optimizer_paths(
            "ravine", {"too fast": lambda p: SGD(p, lr=1e150)}, steps=5
        ),
        lambda: plots.plot_optimizer_paths("local_minimum", steps=5, separate=True),
    ],
    "plot_ball_rolling": [
        lambda: plots.plot_ball_rolling(steps=5),
        lambda: plots.plot_ball_rolling(steps=5, frames=[0, 5]),
    ],
    "plot_digits": [lambda: plots.plot_digits(*_digits(6), predicted=[1, 1, 2, 3, 4, 5])],
    "plot_misclassified": [_misclassified, _no_mistakes],
    "plot_confusion_matrix": [lambda: plots.plot_confusion_matrix([0, 1, 2, 2], [0, 2, 2, 1])],
    "plot_weight_images": [lambda: plots.plot_weight_images(MLP(64, [4, 10], seed=0))],
}
CASES = [
    pytest.param(make, id=f"{name}-{k}")
    for name, makers in EXAMPLES.items()
    for k, make in enumerate(makers)
]


def texts_of(figure: Figure) -> list[str]:
    return [t.get_text() for t in figure.findobj(matplotlib.text.Text) if t.get_text()]


def render(figure: Figure) -> None:
    """Draw the figure as a PNG, as Jupyter and savefig do: missing glyphs warn here."""
    figure.savefig(io.BytesIO(), format="png", dpi=50)


@pytest.fixture(autouse=True)
def glyph_warnings_fail(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        yield


def test_every_plot_function_has_an_example():
    drawn = {name for name in plots.__all__ if name.startswith("plot_")}
    assert drawn == set(EXAMPLES)


@needs_cjk_font
@pytest.mark.parametrize("make", CASES)
def test_zh_plots_are_chinese_and_every_glyph_is_drawn(make, monkeypatch):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    figure = make()
    render(figure)  # a missing glyph raises here
    assert any(CJK.search(text) for text in texts_of(figure)), texts_of(figure)


@pytest.mark.parametrize("make", CASES)
def test_zh_without_a_cjk_font_falls_back_to_the_english_labels(make, monkeypatch):
    english_figure = make()
    render(english_figure)  # tick labels are made when drawn: compare drawn figures
    english = texts_of(english_figure)
    monkeypatch.setattr(i18n, "cjk_font", lambda lang="zh": None)  # as on a machine without one
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    figure = make()
    render(figure)
    assert texts_of(figure) == english


@needs_cjk_font
def test_the_chinese_labels_are_the_catalogs(monkeypatch):
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    texts = texts_of(plots.plot_history(HISTORY))
    for english in ("loss", "accuracy", "per step", "epoch average", "step"):
        assert i18n._(english, lang="zh") in texts
    assert "损失：1 → 0.5" in texts


@needs_cjk_font
def test_override_draws_chinese_without_the_environment_variable():
    with i18n.override("zh"):
        figure = plots.plot_confusion_matrix([0, 1], [0, 1])
    render(figure)
    assert "预测类别" in texts_of(figure)
    assert "predicted class" in texts_of(plots.plot_confusion_matrix([0, 1], [0, 1]))


def test_the_font_setting_ends_with_the_figure(monkeypatch):
    import matplotlib

    before = list(matplotlib.rcParams["font.family"])
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    plots.plot_history(HISTORY)
    assert list(matplotlib.rcParams["font.family"]) == before


@needs_cjk_font
def test_the_detected_font_draws_every_chinese_character_of_the_catalog():
    from matplotlib import font_manager

    family = i18n.cjk_font()
    path = font_manager.findfont(font_manager.FontProperties(family=family))
    charmap = font_manager.get_font(path).get_charmap()
    with open(i18n.LOCALE_DIR / "zh" / "LC_MESSAGES" / "micrograd.po", encoding="utf-8") as po:
        chinese = set(CJK.findall(po.read()))
    assert chinese and all(ord(c) in charmap for c in chinese)


def test_no_font_is_found_when_none_is_installed(monkeypatch):
    from matplotlib import font_manager

    i18n.cjk_font.cache_clear()
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    try:
        assert i18n.cjk_font() is None
    finally:
        i18n.cjk_font.cache_clear()


def test_the_guard_catches_boxes(monkeypatch):
    """A control: Chinese drawn without the CJK font does raise under these tests' filter."""
    figure = Figure()
    figure.subplots().set_title(i18n._("predicted class", lang="zh"))
    with pytest.raises(UserWarning, match="missing from font"):
        render(figure)


# --------------------------------------------------------------------------------------
# use_language_for_plots(): the notebooks' own labels (one line in each import cell)
# --------------------------------------------------------------------------------------


@pytest.fixture
def restore_font_family():
    import matplotlib

    saved = list(matplotlib.rcParams["font.family"])
    yield
    matplotlib.rcParams["font.family"] = saved


def test_use_language_for_plots_in_english_changes_nothing(monkeypatch, restore_font_family):
    import matplotlib

    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE, raising=False)
    before = list(matplotlib.rcParams["font.family"])
    tr = i18n.use_language_for_plots()
    assert tr.language == "en"
    assert tr("epoch") == "epoch"
    assert list(matplotlib.rcParams["font.family"]) == before  # English figures as before


def test_use_language_for_plots_without_a_font_stays_english(monkeypatch, restore_font_family):
    import matplotlib

    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    monkeypatch.setattr(i18n, "cjk_font", lambda lang="zh": None)
    before = list(matplotlib.rcParams["font.family"])
    tr = i18n.use_language_for_plots()
    assert tr.language == "en"  # English labels rather than boxes
    assert tr("epoch") == "epoch"
    assert list(matplotlib.rcParams["font.family"]) == before


@needs_cjk_font
def test_use_language_for_plots_in_chinese_draws_without_missing_glyphs(
    monkeypatch, restore_font_family
):
    import matplotlib

    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "zh")
    before = list(matplotlib.rcParams["font.family"])
    tr = i18n.use_language_for_plots()
    i18n.use_language_for_plots()  # a second call adds the font only once
    font = i18n.cjk_font("zh")
    assert tr.language == "zh"
    assert list(matplotlib.rcParams["font.family"]) == [*before, font]
    title = tr("epoch")
    assert CJK.search(title)
    fig = Figure()
    ax = fig.subplots()
    ax.set_title(title)
    ax.set_xlabel(tr("{name}: {steps} steps").format(name=tr("true SGD"), steps=3))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=MISSING_GLYPH)
        fig.savefig(io.BytesIO(), format="png")
