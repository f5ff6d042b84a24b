"""The data generators, batches, splits, the iris table and the handwritten digits."""

from __future__ import annotations

import doctest
import math
import random

import pytest

import micrograd.data
from micrograd.data import (
    DIGITS_IMAGE_SHAPE,
    DIGITS_PIXEL_MAX,
    IRIS_CLASSES,
    IRIS_FEATURES,
    batches,
    load_digits,
    load_iris,
    make_blobs,
    make_circles,
    make_moons,
    make_spirals,
    scale_pixels,
    standardize,
    train_test_split,
    xor,
)

GENERATORS = {
    "moons": (make_moons, 2),
    "circles": (make_circles, 2),
    "spirals": (make_spirals, 3),
    "blobs": (make_blobs, 3),
}


def test_docstring_examples():
    result = doctest.testmod(micrograd.data)
    assert result.attempted > 5
    assert result.failed == 0


@pytest.mark.parametrize("name", GENERATORS)
@pytest.mark.parametrize("n_samples", [30, 31, 100])
def test_shapes_types_and_balance(name, n_samples):
    make, n_classes = GENERATORS[name]
    X, y = make(n_samples=n_samples, seed=1)
    assert len(X) == len(y) == n_samples
    assert all(isinstance(p, list) and len(p) == 2 for p in X)
    assert all(type(c) is float and math.isfinite(c) for p in X for c in p)
    assert all(type(label) is int for label in y)
    counts = [y.count(k) for k in range(n_classes)]
    assert sum(counts) == n_samples  # no label outside 0..n_classes-1
    assert max(counts) - min(counts) <= 1


@pytest.mark.parametrize("name", GENERATORS)
def test_same_seed_same_data_and_different_seed_different_data(name):
    make, _ = GENERATORS[name]
    assert make(n_samples=50, seed=7) == make(n_samples=50, seed=7)
    assert make(n_samples=50, seed=7)[0] != make(n_samples=50, seed=8)[0]


@pytest.mark.parametrize("name", GENERATORS)
def test_generators_do_not_touch_the_global_random_state(name):
    make, _ = GENERATORS[name]
    random.seed(123)
    expected = random.random()
    random.seed(123)
    make(n_samples=20, seed=3)
    assert random.random() == expected


def test_moons_geometry_without_noise_matches_scikit_learn():
    # sklearn: outer = (cos t, sin t), inner = (1 - cos t, 1 - sin t - 0.5), t in [0, pi]
    X, y = make_moons(n_samples=10, noise=0.0, shuffle=False)
    assert y == [0] * 5 + [1] * 5
    for (a, b), label in zip(X, y):
        if label == 0:
            assert math.isclose(a * a + b * b, 1.0) and b >= -1e-12
        else:
            assert math.isclose((a - 1) ** 2 + (b - 0.5) ** 2, 1.0) and b <= 0.5 + 1e-12
    assert X[0] == pytest.approx([1.0, 0.0]) and X[4] == pytest.approx([-1.0, 0.0], abs=1e-12)
    assert X[5] == pytest.approx([0.0, 0.5]) and X[9] == pytest.approx([2.0, 0.5])


def test_moons_noise_has_the_requested_spread():
    clean, _ = make_moons(n_samples=2000, noise=0.0, seed=0)
    noisy, _ = make_moons(n_samples=2000, noise=0.1, seed=0)
    # same seed, same shuffle: the difference is the noise alone
    diffs = [n - c for pn, pc in zip(noisy, clean) for n, c in zip(pn, pc)]
    mean = sum(diffs) / len(diffs)
    std = math.sqrt(sum((d - mean) ** 2 for d in diffs) / len(diffs))
    assert abs(mean) < 0.01
    assert 0.09 < std < 0.11


def test_circles_radii():
    X, y = make_circles(n_samples=40, noise=0.0, factor=0.3, seed=0)
    for point, label in zip(X, y):
        assert math.hypot(*point) == pytest.approx(1.0 if label == 0 else 0.3)


def test_spirals_stay_in_the_unit_disc_and_classes_count():
    X, y = make_spirals(n_samples=100, n_classes=4, noise=0.3, seed=2)
    assert sorted(set(y)) == [0, 1, 2, 3]
    assert [y.count(k) for k in range(4)] == [25, 25, 25, 25]
    assert max(math.hypot(*p) for p in X) <= 1.0 + 1e-12


def test_blobs_with_explicit_centers():
    centers = [[0.0, 0.0], [10.0, -10.0]]
    X, y = make_blobs(n_samples=200, centers=centers, std=0.5, seed=0)
    for k, centre in enumerate(centers):
        points = [p for p, label in zip(X, y) if label == k]
        mean = [sum(c) / len(points) for c in zip(*points)]
        assert mean == pytest.approx(centre, abs=0.15)


def test_blobs_in_three_dimensions():
    X, y = make_blobs(n_samples=12, centers=[[0, 0, 0], [5, 5, 5]], seed=0)
    assert all(len(p) == 3 for p in X) and y.count(0) == y.count(1) == 6


def test_xor_corners_and_noisy_copies():
    X, y = xor()
    assert X == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert y == [0, 1, 1, 0]
    Xn, yn = xor(n_samples=40, noise=0.1, seed=3)
    assert len(Xn) == 40 and yn.count(1) == yn.count(0) == 20
    for point, label in zip(Xn, yn):
        corner = [round(c) for c in point]  # noise of 0.1 keeps each point near its corner
        assert label == (corner[0] ^ corner[1])
    assert xor(n_samples=8, noise=0.1, seed=3) != xor(n_samples=8, noise=0.1, seed=4)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: make_moons(n_samples=0), ValueError, "n_samples must be at least 2, got 0"),
        (lambda: make_moons(n_samples=2.5), TypeError, "n_samples must be an int"),
        (lambda: make_moons(noise=-0.1), ValueError, "noise must be a finite number >= 0"),
        (lambda: make_moons(seed="x"), TypeError, "seed must be an int"),
        (lambda: make_circles(factor=1.5), ValueError, "factor must be between 0 and 1"),
        (lambda: make_spirals(n_classes=1), ValueError, "n_classes must be at least 2"),
        (lambda: make_blobs(centers=[[0, 0], [1]]), ValueError, "one dimension"),
        (lambda: make_blobs(centers="abc"), TypeError, "centers must be an int or a list"),
        (lambda: xor(noise=float("nan")), ValueError, "noise must be a finite number"),
    ],
)
def test_bad_arguments_are_named(call, error, words):
    with pytest.raises(error, match=words):
        call()


# -- batches ----------------------------------------------------------------------------


def _data(n):
    return [[float(i), -float(i)] for i in range(n)], [i % 2 for i in range(n)]


@pytest.mark.parametrize(
    ("n", "batch_size", "sizes"),
    [(10, 1, [1] * 10), (10, 3, [3, 3, 3, 1]), (10, None, [10]), (10, 10, [10]), (10, 64, [10])],
)
def test_batch_sizes_and_every_sample_once(n, batch_size, sizes):
    X, y = _data(n)
    got = list(batches(X, y, batch_size=batch_size, seed=0))
    assert [len(xb) for xb, _ in got] == sizes
    assert [len(yb) for _, yb in got] == sizes
    seen = [point[0] for xb, _ in got for point in xb]
    assert sorted(seen) == [float(i) for i in range(n)]
    for xb, yb in got:  # each label still belongs to its sample
        assert [int(p[0]) % 2 for p in xb] == yb


def test_batches_shuffle_is_seeded():
    X, y = _data(50)
    first = list(batches(X, y, batch_size=7, seed=1))
    assert first == list(batches(X, y, batch_size=7, seed=1))
    assert first != list(batches(X, y, batch_size=7, seed=2))
    in_order = list(batches(X, y, batch_size=7, shuffle=False))
    assert [p[0] for xb, _ in in_order for p in xb] == [float(i) for i in range(50)]
    assert [p[0] for xb, _ in first for p in xb] != [float(i) for i in range(50)]


def test_batches_drop_last():
    X, y = _data(10)
    assert [len(xb) for xb, _ in batches(X, y, 3, drop_last=True)] == [3, 3, 3]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"X": [[1.0]], "y": [0, 1]}, "same length, got 1 samples and 2 labels"),
        ({"X": [], "y": []}, "empty"),
        ({"batch_size": 0}, "batch_size must be at least 1, got 0"),
        ({"batch_size": 2.0}, "batch_size must be an int"),
    ],
)
def test_batches_bad_arguments(kwargs, words):
    X, y = _data(4)
    arguments = {"X": X, "y": y, **kwargs}
    with pytest.raises((ValueError, TypeError), match=words):
        list(batches(**arguments))


def test_train_test_split_partitions_the_data():
    X, y = _data(20)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, seed=0)
    assert len(X_test) == len(y_test) == 5 and len(X_train) == len(y_train) == 15
    assert sorted(p[0] for p in X_train + X_test) == [float(i) for i in range(20)]
    with pytest.raises(ValueError, match="test_size"):
        train_test_split(X, y, test_size=1.0)


# -- iris -------------------------------------------------------------------------------


def test_iris_shape_classes_and_means():
    X, y = load_iris()
    assert len(X) == len(y) == 150
    assert all(len(row) == 4 for row in X)
    assert [y.count(k) for k in range(3)] == [50, 50, 50]
    assert y == sorted(y)  # the table lists the species in order
    means = [sum(column) / 150 for column in zip(*X)]
    # Published column means of Fisher's table (cm)
    assert means == pytest.approx([5.8433, 3.0573, 3.758, 1.1993], abs=5e-4)
    assert IRIS_FEATURES == ("sepal_length", "sepal_width", "petal_length", "petal_width")
    assert IRIS_CLASSES == ("setosa", "versicolor", "virginica")
    # Fisher's values, where the UCI copy has transcription errors
    assert X[34] == [4.9, 3.1, 1.5, 0.2] and X[37] == [4.9, 3.6, 1.4, 0.1]


def test_iris_is_found_as_package_data():
    from importlib import resources

    resource = resources.files("micrograd").joinpath("datasets/iris.csv")
    assert resource.is_file()
    assert resource.read_text("utf-8").startswith("sepal_length,")


def test_standardize_gives_mean_0_and_std_1_and_reuses_the_training_stats():
    X, _ = load_iris()
    scaled, mean, std = standardize(X)
    for column in zip(*scaled):
        m = sum(column) / len(column)
        sd = math.sqrt(sum((v - m) ** 2 for v in column) / len(column))
        assert m == pytest.approx(0.0, abs=1e-12) and sd == pytest.approx(1.0)
    assert mean == pytest.approx([5.8433, 3.0573, 3.758, 1.1993], abs=5e-4)
    again, _, _ = standardize(X[:3], mean, std)
    assert again == scaled[:3]
    constant, _, std_c = standardize([[1.0, 5.0], [2.0, 5.0]])
    assert std_c[1] == 1.0 and [row[1] for row in constant] == [0.0, 0.0]
    with pytest.raises(ValueError, match="one number per feature"):
        standardize(X, mean=[0.0], std=[1.0])


# -- digits -----------------------------------------------------------------------------

UCI_TEST_SET_COUNTS = [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]


def test_digits_counts_shapes_and_pixel_range():
    X, y = load_digits()
    assert len(X) == len(y) == 1797
    assert all(isinstance(row, list) and len(row) == 64 for row in X)
    assert DIGITS_IMAGE_SHAPE == (8, 8) and DIGITS_PIXEL_MAX == 16
    pixels = [v for row in X for v in row]
    assert all(type(v) is float and v == int(v) and 0.0 <= v <= 16.0 for v in pixels)
    assert min(pixels) == 0.0 and max(pixels) == 16.0
    assert sum(pixels) / len(pixels) == pytest.approx(4.884, abs=5e-4)
    assert all(type(label) is int for label in y)
    # the class counts the UCI lists for its test set: balanced, about 180 of each digit
    assert [y.count(k) for k in range(10)] == UCI_TEST_SET_COUNTS
    assert y[:10] == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]  # the file starts with one of each


def test_digits_first_image_is_a_zero():
    X, y = load_digits()
    image = [X[0][8 * r : 8 * r + 8] for r in range(8)]
    assert y[0] == 0
    # a zero: ink on the left and right of the middle rows, a hole in the centre
    assert image[4][1] > 0 and image[4][6] > 0 and image[4][3] == image[4][4] == 0.0
    assert image[0][2:5] == [5.0, 13.0, 9.0]  # the top row of the file, as stored


def test_digits_file_is_the_documented_one():
    import hashlib
    from importlib import resources

    resource = resources.files("micrograd").joinpath("datasets/digits.csv.gz")
    digest = hashlib.sha256(resource.read_bytes()).hexdigest()
    readme = resources.files("micrograd").joinpath("datasets/README.md")
    assert digest in readme.read_text("utf-8")  # the sha256 stated next to the licence
    assert "CC BY 4.0" in readme.read_text("utf-8")


def test_digits_are_package_data_in_pyproject():
    import fnmatch
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8")
    line = re.search(r"^micrograd = \[(.*?)\]", text, re.MULTILINE | re.DOTALL)
    assert line is not None, "pyproject.toml lists no package-data for micrograd"
    patterns = re.findall(r'"([^"]+)"', line.group(1))
    assert any(fnmatch.fnmatch("datasets/digits.csv.gz", p) for p in patterns), patterns


def test_digits_scaling():
    X, y = load_digits()
    Xs, ys = load_digits(scale=True)
    assert ys == y
    assert all(s == v / 16 for rs, r in zip(Xs, X) for s, v in zip(rs, r))
    assert min(map(min, Xs)) == 0.0 and max(map(max, Xs)) == 1.0
    assert scale_pixels(X) == Xs and X[0][2] == 5.0  # a new list: the raw pixels are unchanged
    with pytest.raises(ValueError, match=r"scale_pixels: a pixel is 24\.0, outside 0\.\.16"):
        scale_pixels([[16.0, 24.0]])
    with pytest.raises(TypeError, match="scale must be True or False"):
        load_digits(scale="yes")


def test_digits_split_is_seeded_disjoint_and_stratified():
    X, y = load_digits(scale=True)
    first = train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    assert first == train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    other = train_test_split(X, y, test_size=0.2, seed=1, stratify=y)
    assert first[3] != other[3]
    X_train, X_test, y_train, y_test = first
    assert len(X_test) == len(y_test) == round(1797 * 0.2) == 359
    assert len(X_train) == len(y_train) == 1797 - 359
    # disjoint and complete: every image in exactly one part (compare by identity)
    train_ids, test_ids = {id(r) for r in X_train}, {id(r) for r in X_test}
    assert not train_ids & test_ids and train_ids | test_ids == {id(r) for r in X}
    # each label still belongs to its image
    label_of = {id(r): t for r, t in zip(X, y)}
    assert [label_of[id(r)] for r in X_test] == y_test
    # stratified: each digit's share of the test set is its share of the data, to within one
    for k, count in enumerate(UCI_TEST_SET_COUNTS):
        assert abs(y_test.count(k) - count * 0.2) < 1
    # the classes are mixed in both parts, not sorted
    assert y_test != sorted(y_test) and y_train != sorted(y_train)


def test_stratify_needs_one_label_per_sample():
    X, y = _data(10)
    with pytest.raises(ValueError, match="stratify must be a list of 10 labels"):
        train_test_split(X, y, stratify=y[:5])
