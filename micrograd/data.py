"""Small data sets to train on, made with the standard library only.

Every generator returns ``(X, y)`` as plain Python lists: ``X`` is a list of points
(each a list of floats, ``[x1, x2]``) and ``y`` a list of integer class labels
``0, 1, ...``. A ``seed`` makes the data the same on every run, so a notebook shows the
same pictures every time; ``seed=None`` gives fresh random data.

>>> X, y = make_moons(n_samples=6, noise=0.0, seed=0)
>>> len(X), len(X[0]), sorted(y)
(6, 2, [0, 0, 0, 1, 1, 1])

``batches`` cuts a data set into batches, so that one argument switches between the three
flavours of gradient descent in the course notes:

- ``batch_size=1``: true (stochastic) SGD, one sample per update;
- ``batch_size=16``: mini-batch SGD;
- ``batch_size=None``: full-batch gradient descent, every sample in every update.

There are also two small real data sets: the classic iris table (``load_iris``) and the 8x8
handwritten digits (``load_digits``, with ``scale_pixels`` for the scaling a network wants).
"""

from __future__ import annotations

import csv
import gzip
import io
import math
import random
from collections.abc import Iterator, Sequence
from importlib import resources

__all__ = [
    "DIGITS_IMAGE_SHAPE",
    "DIGITS_PIXEL_MAX",
    "IRIS_CLASSES",
    "IRIS_FEATURES",
    "batches",
    "load_digits",
    "load_iris",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spirals",
    "scale_pixels",
    "standardize",
    "train_test_split",
    "xor",
]

Points = list[list[float]]
Labels = list[int]


# --------------------------------------------------------------------------------------
# Argument checks: a clear message that names the function and the offending value
# --------------------------------------------------------------------------------------


def _check_count(where: str, name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{where}: {name} must be an int, got {type(value).__name__}: {value!r}.")
    if value < minimum:
        raise ValueError(f"{where}: {name} must be at least {minimum}, got {value}.")
    return value


def _check_scale(where: str, name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{where}: {name} must be a number, got {type(value).__name__}: {value!r}.")
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"{where}: {name} must be a finite number >= 0, got {value!r}.")
    return float(value)


def _rng(where: str, seed: int | random.Random | None) -> random.Random:
    """A private random generator, so that the data never depends on (or moves) global state."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(
        f"{where}: seed must be an int, None or a random.Random, "
        f"got {type(seed).__name__}: {seed!r}."
    )


def _linspace(start: float, stop: float, n: int, endpoint: bool = True) -> list[float]:
    """``n`` evenly spaced numbers from start to stop (like numpy.linspace)."""
    if n == 1:
        return [float(start)]
    steps = n - 1 if endpoint else n
    return [start + (stop - start) * i / steps for i in range(n)]


def _finish(
    points: Points, labels: Labels, noise: float, rng: random.Random, shuffle: bool
) -> tuple[Points, Labels]:
    """Shuffle the samples (so classes are mixed), then add Gaussian noise to every coordinate."""
    order = list(range(len(points)))
    if shuffle:
        rng.shuffle(order)
    X = [
        [coordinate + rng.gauss(0.0, noise) if noise else coordinate for coordinate in points[i]]
        for i in order
    ]
    y = [labels[i] for i in order]
    return X, y


# --------------------------------------------------------------------------------------
# Generators
# --------------------------------------------------------------------------------------


def make_moons(
    n_samples: int = 100,
    noise: float = 0.1,
    seed: int | random.Random | None = 0,
    shuffle: bool = True,
) -> tuple[Points, Labels]:
    """Two interleaving half circles: the data set of the original micrograd demo.

    The geometry is scikit-learn's ``make_moons``: class 0 on the upper half of the unit
    circle, class 1 on a half circle shifted to ``(1, 0.5)`` and flipped. ``n_samples // 2``
    points go to class 0 and the rest to class 1; ``noise`` is the standard deviation of
    Gaussian noise added to each coordinate.

    >>> X, y = make_moons(n_samples=100, noise=0.1, seed=0)
    >>> len(X), y.count(0), y.count(1)
    (100, 50, 50)
    """
    where = "make_moons"
    n_samples = _check_count(where, "n_samples", n_samples, minimum=2)
    noise = _check_scale(where, "noise", noise)
    rng = _rng(where, seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, math.pi, n_out)]
    inner = [[1.0 - math.cos(t), 1.0 - math.sin(t) - 0.5] for t in _linspace(0.0, math.pi, n_in)]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise, rng, shuffle)


def make_circles(
    n_samples: int = 100,
    noise: float = 0.05,
    factor: float = 0.5,
    seed: int | random.Random | None = 0,
    shuffle: bool = True,
) -> tuple[Points, Labels]:
    """A small circle (class 1) inside a large one (class 0), as scikit-learn's ``make_circles``.

    ``factor`` is the radius of the inner circle relative to the outer (0 < factor < 1).
    No straight line separates the classes, so a model needs a hidden layer.

    >>> X, y = make_circles(n_samples=8, noise=0.0, factor=0.5, seed=0, shuffle=False)
    >>> [round(math.hypot(*p), 6) for p in X]
    [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    """
    where = "make_circles"
    n_samples = _check_count(where, "n_samples", n_samples, minimum=2)
    noise = _check_scale(where, "noise", noise)
    factor = _check_scale(where, "factor", factor)
    if not 0.0 < factor < 1.0:
        raise ValueError(f"{where}: factor must be between 0 and 1 (exclusive), got {factor!r}.")
    rng = _rng(where, seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    outer = [[math.cos(t), math.sin(t)] for t in _linspace(0.0, 2 * math.pi, n_out, False)]
    inner = [
        [factor * math.cos(t), factor * math.sin(t)]
        for t in _linspace(0.0, 2 * math.pi, n_in, False)
    ]
    return _finish(outer + inner, [0] * n_out + [1] * n_in, noise, rng, shuffle)


def make_spirals(
    n_samples: int = 150,
    n_classes: int = 3,
    noise: float = 0.2,
    seed: int | random.Random | None = 0,
    shuffle: bool = True,
) -> tuple[Points, Labels]:
    """``n_classes`` interleaved spiral arms (the CS231n spiral data), for multi-class training.

    Each class gets ``n_samples // n_classes`` points (the first classes one more if it does
    not divide evenly). Along an arm the radius grows from 0 to 1 while the angle turns by
    4 radians; ``noise`` is the standard deviation of Gaussian noise on the *angle*, which
    keeps the points inside the unit disc.

    >>> X, y = make_spirals(n_samples=90, n_classes=3, seed=0)
    >>> len(X), [y.count(k) for k in range(3)]
    (90, [30, 30, 30])
    """
    where = "make_spirals"
    n_classes = _check_count(where, "n_classes", n_classes, minimum=2)
    n_samples = _check_count(where, "n_samples", n_samples, minimum=n_classes)
    noise = _check_scale(where, "noise", noise)
    rng = _rng(where, seed)
    points: Points = []
    labels: Labels = []
    for k in range(n_classes):
        n = n_samples // n_classes + (1 if k < n_samples % n_classes else 0)
        radii = _linspace(0.0, 1.0, n)
        angles = _linspace(4.0 * k, 4.0 * (k + 1), n)
        for r, t in zip(radii, angles):
            t += rng.gauss(0.0, noise) if noise else 0.0
            points.append([r * math.sin(t), r * math.cos(t)])
            labels.append(k)
    # The noise is already on the angle, so no further noise on the coordinates.
    return _finish(points, labels, 0.0, rng, shuffle)


def make_blobs(
    n_samples: int = 100,
    centers: int | Sequence[Sequence[float]] = 3,
    std: float = 0.5,
    seed: int | random.Random | None = 0,
    shuffle: bool = True,
) -> tuple[Points, Labels]:
    """Gaussian clouds of points, one per class (like scikit-learn's ``make_blobs``).

    ``centers`` is either the number of classes, placed evenly on a circle of radius 2
    (so that with the default ``std=0.5`` the blobs barely touch: a linearly separable
    warm-up, on the same scale as the other data sets), or a list of centre points.
    ``std`` is the standard deviation of each blob. Samples are split evenly between the
    blobs (the first blobs get one more if needed).

    >>> X, y = make_blobs(n_samples=9, centers=[[0, 0], [10, 10], [-10, 10]], std=0.1, seed=0)
    >>> sorted(set(y)), len(X)
    ([0, 1, 2], 9)
    """
    where = "make_blobs"
    if isinstance(centers, int) and not isinstance(centers, bool):
        k = _check_count(where, "centers", centers, minimum=1)
        angles = _linspace(0.0, 2 * math.pi, k, endpoint=False)
        centre_points = [[2.0 * math.cos(t), 2.0 * math.sin(t)] for t in angles]
    else:
        try:
            centre_points = [[float(c) for c in centre] for centre in centers]
        except (TypeError, ValueError):
            raise TypeError(
                f"{where}: centers must be an int or a list of points like [[0, 0], [3, 3]], "
                f"got {centers!r}."
            ) from None
        if not centre_points or len({len(c) for c in centre_points}) != 1 or not centre_points[0]:
            raise ValueError(
                f"{where}: centers must be a non-empty list of points of one dimension, "
                f"got {centers!r}."
            )
    k = len(centre_points)
    n_samples = _check_count(where, "n_samples", n_samples, minimum=k)
    std = _check_scale(where, "std", std)
    rng = _rng(where, seed)
    points: Points = []
    labels: Labels = []
    for label, centre in enumerate(centre_points):
        n = n_samples // k + (1 if label < n_samples % k else 0)
        points += [list(centre) for _ in range(n)]
        labels += [label] * n
    return _finish(points, labels, std, rng, shuffle)


def xor(
    n_samples: int = 4,
    noise: float = 0.0,
    seed: int | random.Random | None = 0,
    shuffle: bool = False,
) -> tuple[Points, Labels]:
    """The XOR problem: label 1 when exactly one coordinate is 1. No line separates it.

    With the defaults, the four corners in order. With ``n_samples > 4`` the corners are
    repeated in turn (sample ``i`` is corner ``i % 4``), and ``noise`` jitters each copy,
    which gives a small cloud around each corner.

    >>> xor()
    ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    where = "xor"
    n_samples = _check_count(where, "n_samples", n_samples, minimum=1)
    noise = _check_scale(where, "noise", noise)
    rng = _rng(where, seed)
    corners = [([0.0, 0.0], 0), ([0.0, 1.0], 1), ([1.0, 0.0], 1), ([1.0, 1.0], 0)]
    points = [list(corners[i % 4][0]) for i in range(n_samples)]
    labels = [corners[i % 4][1] for i in range(n_samples)]
    return _finish(points, labels, noise, rng, shuffle)


# --------------------------------------------------------------------------------------
# Batches and splits
# --------------------------------------------------------------------------------------


def _check_pair(where: str, X: Sequence, y: Sequence) -> int:
    if len(X) != len(y):
        raise ValueError(
            f"{where}: X and y must have the same length, got {len(X)} samples and {len(y)} labels."
        )
    if len(X) == 0:
        raise ValueError(f"{where}: the data set is empty (X and y have no samples).")
    return len(X)


def batches(
    X: Sequence,
    y: Sequence,
    batch_size: int | None = None,
    shuffle: bool = True,
    seed: int | random.Random | None = None,
    drop_last: bool = False,
) -> Iterator[tuple[list, list]]:
    """Yield ``(X_batch, y_batch)`` pairs that together cover every sample exactly once.

    This is one *epoch*. ``batch_size=1`` is true SGD, ``None`` (or ``len(X)``) full-batch
    gradient descent, anything in between mini-batch SGD. With ``shuffle=True`` the
    samples are visited in a random order (the "stochastic" in SGD), reproducible with
    ``seed``. The last batch is smaller when ``batch_size`` does not divide ``len(X)``,
    unless ``drop_last=True``.

    >>> X, y = [[0.0], [1.0], [2.0], [3.0], [4.0]], [0, 1, 0, 1, 0]
    >>> [yb for _, yb in batches(X, y, batch_size=2, shuffle=False)]
    [[0, 1], [0, 1], [0]]
    """
    where = "batches"
    n = _check_pair(where, X, y)
    if batch_size is None:
        batch_size = n
    batch_size = _check_count(where, "batch_size", batch_size, minimum=1)
    order = list(range(n))
    if shuffle:
        _rng(where, seed).shuffle(order)
    for start in range(0, n, batch_size):
        chosen = order[start : start + batch_size]
        if drop_last and len(chosen) < batch_size:
            return
        yield [X[i] for i in chosen], [y[i] for i in chosen]


def train_test_split(
    X: Sequence,
    y: Sequence,
    test_size: float = 0.25,
    seed: int | random.Random | None = 0,
    stratify: Sequence | None = None,
) -> tuple[list, list, list, list]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order).

    ``test_size`` is the fraction of samples held out for testing (0 < test_size < 1);
    ``round(len(X) * test_size)`` samples go to the test set. The shuffle comes from ``seed``,
    so the same seed gives the same split on every run, and every sample lands in exactly one
    of the two parts.

    ``stratify=y`` (as in scikit-learn) keeps the proportion of each class the same in both
    parts: each class is split on its own (its share of the test set rounded so that the total
    is still ``round(len(X) * test_size)``), then both parts are shuffled. With few samples per
    class this makes the test accuracy less a matter of which samples happened to be drawn.

    >>> X_train, X_test, y_train, y_test = train_test_split(*xor(8), test_size=0.25)
    >>> len(X_train), len(X_test)
    (6, 2)
    >>> X, y = xor(8)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.5, stratify=y)
    >>> sorted(y_test)
    [0, 0, 1, 1]
    """
    where = "train_test_split"
    n = _check_pair(where, X, y)
    test_size = _check_scale(where, "test_size", test_size)
    n_test = round(n * test_size)
    if not 0.0 < test_size < 1.0 or not 0 < n_test < n:
        raise ValueError(
            f"{where}: test_size={test_size!r} leaves no samples for training or none for "
            f"testing out of {n}; use a fraction between 0 and 1, e.g. 0.25."
        )
    rng = _rng(where, seed)
    order = list(range(n))
    rng.shuffle(order)
    if stratify is None:
        test, train = order[:n_test], order[n_test:]
    else:
        test, train = _stratified(where, order, stratify, n, n_test, rng)
    return [X[i] for i in train], [X[i] for i in test], [y[i] for i in train], [y[i] for i in test]


def _stratified(
    where: str, order: list[int], groups: Sequence, n: int, n_test: int, rng: random.Random
) -> tuple[list[int], list[int]]:
    """Test and train indices with each group's share of ``n_test`` (largest remainders)."""
    if isinstance(groups, (str, bytes)) or len(groups) != n:
        raise ValueError(
            f"{where}: stratify must be a list of {n} labels, one per sample (e.g. stratify=y), "
            f"got {groups!r:.60}."
        )
    members: dict = {}
    for i in order:  # already shuffled: the first members of each group go to the test set
        members.setdefault(groups[i], []).append(i)
    exact = {g: len(idx) * n_test / n for g, idx in members.items()}
    share = {g: math.floor(e) for g, e in exact.items()}
    # hand the seats left over to the groups that lost the most by rounding down
    by_remainder = sorted(members, key=lambda g: exact[g] - share[g], reverse=True)
    for g in by_remainder[: n_test - sum(share.values())]:
        share[g] += 1
    test = [i for g, idx in members.items() for i in idx[: share[g]]]
    train = [i for g, idx in members.items() for i in idx[share[g] :]]
    rng.shuffle(test)
    rng.shuffle(train)
    return test, train


def standardize(
    X: Sequence[Sequence[float]],
    mean: Sequence[float] | None = None,
    std: Sequence[float] | None = None,
) -> tuple[Points, list[float], list[float]]:
    """Scale each feature to mean 0 and standard deviation 1: ``(x - mean) / std``.

    Features on very different scales (centimetres and millimetres, say) make gradient
    descent zig-zag; standardised features let one learning rate suit them all. Returns
    ``(X_scaled, mean, std)``; pass the training set's ``mean`` and ``std`` to scale a test
    set the same way. A feature that never varies is only shifted (its std counts as 1).

    >>> X_scaled, mean, std = standardize([[1.0, 10.0], [3.0, 30.0]])
    >>> X_scaled, mean, std
    ([[-1.0, -1.0], [1.0, 1.0]], [2.0, 20.0], [1.0, 10.0])
    """
    where = "standardize"
    if not X:
        raise ValueError(f"{where}: X is empty.")
    width = len(X[0])
    if any(len(row) != width for row in X):
        raise ValueError(f"{where}: every sample needs the same number of features ({width}).")
    columns = list(zip(*X))
    if mean is None:
        mean = [sum(c) / len(c) for c in columns]
    if std is None:
        std = [math.sqrt(sum((v - m) ** 2 for v in c) / len(c)) for c, m in zip(columns, mean)]
    mean, std = [float(m) for m in mean], [float(s) or 1.0 for s in std]
    if len(mean) != width or len(std) != width:
        raise ValueError(
            f"{where}: mean and std need one number per feature ({width}), "
            f"got {len(mean)} and {len(std)}."
        )
    scaled = [[(v - m) / s for v, m, s in zip(row, mean, std)] for row in X]
    return scaled, mean, std


# --------------------------------------------------------------------------------------
# A real data set: Fisher's iris table
# --------------------------------------------------------------------------------------

IRIS_FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def load_iris() -> tuple[Points, Labels]:
    """The iris flowers: 150 samples, 4 measurements in cm, 3 species (50 of each).

    Features, in order: ``IRIS_FEATURES`` (sepal length, sepal width, petal length, petal
    width). Labels: 0, 1, 2 for ``IRIS_CLASSES`` (setosa, versicolor, virginica).

    Source: R. A. Fisher (1936), "The use of multiple measurements in taxonomic problems",
    Annals of Eugenics 7(2), 179-188; data collected by Edgar Anderson. As distributed by the
    UCI Machine Learning Repository (Iris data set, 1988), with samples 35 and 38 corrected
    to the values printed in Fisher's paper (as scikit-learn also does). The measurements are
    facts published in 1936 and are in the public domain; the UCI copy is offered under
    CC BY 4.0. The file ships inside the package (``micrograd/datasets/iris.csv``), so no
    download is needed.

    >>> X, y = load_iris()
    >>> len(X), len(X[0]), [y.count(k) for k in range(3)]
    (150, 4, [50, 50, 50])
    """
    table = resources.files("micrograd").joinpath("datasets").joinpath("iris.csv")
    text = table.read_text("utf-8")
    X: Points = []
    y: Labels = []
    for row in csv.DictReader(io.StringIO(text)):
        X.append([float(row[name]) for name in IRIS_FEATURES])
        y.append(IRIS_CLASSES.index(row["species"]))
    return X, y


# --------------------------------------------------------------------------------------
# A real data set: the 8x8 handwritten digits
# --------------------------------------------------------------------------------------

#: Each digit is an image of 8 rows of 8 pixels, stored row by row as 64 numbers.
DIGITS_IMAGE_SHAPE = (8, 8)
#: The largest pixel value: each pixel counts the inked dots in a 4x4 block (0 to 16).
DIGITS_PIXEL_MAX = 16


def load_digits(scale: bool = False) -> tuple[Points, Labels]:
    """The handwritten digits: 1,797 images of 8x8 pixels, labels 0 to 9 (about 180 of each).

    Each sample is a list of 64 floats: the image's 8 rows of 8 pixels, row after row, from the
    top left. A pixel is a whole number from 0 (white) to 16 (black); with ``scale=True`` it is
    divided by 16 (:func:`scale_pixels`), which gives 0.0 to 1.0: the scaling to train with.
    The label is the digit itself, 0 to 9. The samples come in the file's order (the classes are
    mixed); split them with ``train_test_split(X, y, test_size=0.2, seed=0, stratify=y)``.

    Why scale: a neuron starts with weights of size about 1 and adds up 64 inputs. With pixels of
    up to 16 its sum would be in the hundreds, a tanh neuron would sit flat at +-1 (its gradient
    about 0) and Adam's first steps would be far too small to matter. Pixels of 0 to 1 keep the
    sums, and so the gradients, in a useful range. (Dividing by 16 and not by the largest value
    seen keeps the meaning of each number: the fraction of the block that is inked.)

    Source: the test set of the UCI Machine Learning Repository's "Optical Recognition of
    Handwritten Digits" (E. Alpaydin and C. Kaynak, 1998, doi:10.24432/C50P49): digits written
    by 13 people on a form, scanned at 32x32, and each 4x4 block counted. It is the file that
    scikit-learn ships as ``load_digits``, unchanged; the UCI offers it under the Creative
    Commons Attribution 4.0 licence (CC BY 4.0). The file ships inside the package
    (``micrograd/datasets/digits.csv.gz``, 57 KB), so no download is needed.

    >>> X, y = load_digits()
    >>> len(X), len(X[0]), min(map(min, X)), max(map(max, X)), sorted(set(y)) == list(range(10))
    (1797, 64, 0.0, 16.0, True)
    >>> max(map(max, load_digits(scale=True)[0]))
    1.0
    """
    if not isinstance(scale, bool):
        raise TypeError(f"load_digits: scale must be True or False, got {scale!r}.")
    resource = resources.files("micrograd").joinpath("datasets").joinpath("digits.csv.gz")
    text = gzip.decompress(resource.read_bytes()).decode("ascii")
    X: Points = []
    y: Labels = []
    for row in csv.reader(io.StringIO(text)):
        X.append([float(v) for v in row[:-1]])
        y.append(int(row[-1]))
    return (scale_pixels(X), y) if scale else (X, y)


def scale_pixels(X: Sequence[Sequence[float]]) -> Points:
    """Pixels of 0..16 as 0.0..1.0 (divided by 16), a new list: the inputs a network wants.

    >>> scale_pixels([[0, 4, 16]])
    [[0.0, 0.25, 1.0]]
    """
    scaled = [[v / DIGITS_PIXEL_MAX for v in row] for row in X]
    if any(not 0.0 <= v <= 1.0 for row in scaled for v in row):
        bad = next(v for row in X for v in row if not 0 <= v <= DIGITS_PIXEL_MAX)
        raise ValueError(
            f"scale_pixels: a pixel is {bad!r}, outside 0..{DIGITS_PIXEL_MAX}; "
            "scale the raw pixels of load_digits(), and only once."
        )
    return scaled
