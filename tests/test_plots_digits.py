"""The image plots of the digits work: digits, mistakes, confusion matrix, weights as images."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure
from matplotlib.image import AxesImage

import micrograd.plots
from micrograd.data import load_digits
from micrograd.nn import MLP
from micrograd.plots import (
    plot_confusion_matrix,
    plot_digits,
    plot_misclassified,
    plot_weight_images,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def _images(fig):
    return [im for ax in fig.axes for im in ax.get_images() if isinstance(im, AxesImage)]


def test_new_functions_are_exported():
    for name in (
        "plot_digits",
        "plot_misclassified",
        "plot_confusion_matrix",
        "plot_weight_images",
    ):
        assert name in micrograd.plots.__all__
    assert "plot_history" in micrograd.plots.__all__  # the existing list is kept


def test_plot_digits_draws_each_image_as_8_by_8_with_its_label(digits):
    X, y = digits
    fig = plot_digits(X[:12], y[:12], ncols=5, title="twelve")
    assert isinstance(fig, Figure)
    images = _images(fig)
    assert len(images) == 12 and len(fig.axes) == 12  # the unused cells of 3 x 5 are removed
    assert all(im.get_array().shape == (8, 8) for im in images)
    # the first image is the first sample, row by row
    assert images[0].get_array()[0].tolist() == X[0][:8]
    assert images[0].get_array()[7].tolist() == X[0][56:]
    assert [ax.get_title() for ax in fig.axes] == [str(t) for t in y[:12]]
    assert fig._suptitle.get_text() == "twelve"


def test_plot_digits_marks_wrong_predictions_in_red(digits):
    X, y = digits
    predicted = [y[0], (y[1] + 1) % 10]
    fig = plot_digits(X[:2], y[:2], predicted=predicted)
    right, wrong = fig.axes
    assert right.get_title() == f"{y[0]} (true {y[0]})"
    assert wrong.get_title() == f"{predicted[1]} (true {y[1]})"
    assert right.title.get_color() == "black" and wrong.title.get_color() != "black"


def test_plot_digits_limits_the_count_and_checks_its_input(digits):
    X, y = digits
    assert len(_images(plot_digits(X, max_images=7))) == 7
    with pytest.raises(ValueError, match="image 1 has 3 pixels; each needs 64"):
        plot_digits([X[0], [1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match="y has 2 labels for 3 images"):
        plot_digits(X[:3], y[:2])
    with pytest.raises(ValueError, match="no images"):
        plot_digits([])


def test_plot_misclassified_shows_only_the_mistakes(digits):
    X, y = digits
    X, y = X[:30], y[:30]
    predicted = list(y)
    wrong_at = [3, 17, 29]
    for i in wrong_at:
        predicted[i] = (y[i] + 3) % 10
    fig = plot_misclassified(X, y, predicted)
    images = _images(fig)
    assert len(images) == 3
    assert [im.get_array()[0].tolist() for im in images] == [X[i][:8] for i in wrong_at]
    assert [ax.get_title() for ax in fig.axes] == [
        f"{predicted[i]} (true {y[i]})" for i in wrong_at
    ]
    assert fig._suptitle.get_text() == "misclassified: 3 of 30"
    clean = plot_misclassified(X, y, list(y))
    assert not _images(clean) and "no mistakes" in clean.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="one label and one prediction per image"):
        plot_misclassified(X, y, predicted[:5])


def test_plot_confusion_matrix_counts_and_title():
    y_true = [0, 0, 1, 1, 1, 2]
    y_pred = [0, 1, 1, 1, 2, 2]
    fig = plot_confusion_matrix(y_true, y_pred)
    (ax,) = fig.axes
    (image,) = ax.get_images()
    assert image.get_array().tolist() == [[1, 1, 0], [0, 2, 1], [0, 0, 1]]
    cells = {(t.get_position(), t.get_text()) for t in ax.texts}
    assert ((1, 0), "1") in cells and ((1, 1), "2") in cells  # (column, row): 2 ones read as 1
    assert len(ax.texts) == 5  # zero cells stay blank
    assert ax.get_title() == "4 of 6 right (66.7%)"
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    ten = plot_confusion_matrix([0, 1], [0, 1], n_classes=10)
    assert ten.axes[0].get_images()[0].get_array().shape == (10, 10)


def test_plot_weight_images_draws_each_first_layer_neuron():
    model = MLP(64, [6, 10], seed=0)
    fig = plot_weight_images(model, ncols=3)
    images = _images(fig)
    assert len(images) == 6
    neuron = model.layers[0].neurons[4]
    assert images[4].get_array().ravel().tolist() == [w.data for w in neuron.w]
    # one colour scale centred on 0 for all, so blue and red mean the same in every image
    extent = max(abs(w.data) for n in model.layers[0].neurons for w in n.w)
    assert all(im.get_clim() == (-extent, extent) for im in images)
    with pytest.raises(TypeError, match="needs an MLP"):
        plot_weight_images(object())
    with pytest.raises(ValueError, match="each needs 64"):
        plot_weight_images(MLP(2, [3, 1], seed=0))


def test_figures_save_as_png(tmp_path, digits):
    X, y = digits
    path = tmp_path / "d.png"
    plot_digits(X[:4], y[:4]).savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
