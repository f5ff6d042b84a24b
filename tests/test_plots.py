"""The training plots: figures with the expected artists, and paths computed by the engine."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

matplotlib = pytest.importorskip("matplotlib")

from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.contour import ContourSet  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from micrograd import Value, numerical_grad  # noqa: E402
from micrograd.plots import (  # noqa: E402
    SURFACES,
    BoundarySnapshots,
    Surface,
    ball_positions,
    double_well,
    local_minimum,
    optimizer_path,
    plot_ball_rolling,
    plot_boundary_snapshots,
    plot_decision_boundary,
    plot_history,
    plot_optimizer_paths,
    ravine,
    rosenbrock,
)
from micrograd.train import History  # noqa: E402


def _contours(ax):
    return [c for c in ax.collections if isinstance(c, ContourSet)]


def _scatters(ax):
    return [c for c in ax.collections if isinstance(c, PathCollection)]


def _region_image(ax):
    """The one image of predicted classes that plot_decision_boundary paints."""
    (image,) = ax.get_images()
    return image


def _pixel_centres(ax, image):
    """The (x1, x2) of every pixel centre, rows from the bottom (origin='lower')."""
    import numpy as np

    left, right, bottom, top = image.get_extent()
    rows, cols = image.get_array().shape
    # the image spans the grid's first to last point, one pixel per interpolated point
    return np.meshgrid(np.linspace(left, right, cols), np.linspace(bottom, top, rows))


# -- decision boundary -------------------------------------------------------------------


def test_decision_boundary_binary_marks_the_mistakes():
    X = [[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 2.0]]
    y = [1, 0, 0, 0]

    def model(p):  # class 1 where x1 > x2: wrong on the third point only
        return Value(p[0]) - p[1]

    fig = plot_decision_boundary(model, X, y, resolution=30)
    assert isinstance(fig, Figure)
    (ax,) = fig.axes
    assert _region_image(ax).get_array().shape == (400, 400)
    points, wrong = _scatters(ax)
    assert points.get_offsets().tolist() == X
    assert points.get_array().tolist() == y
    assert wrong.get_offsets().tolist() == [[2.0, 0.0]]
    assert "75%" in ax.get_title()


def test_decision_boundary_filled_regions_follow_the_model():
    X, y = [[-1.0, -1.0], [1.0, 1.0]], [0, 1]
    fig = plot_decision_boundary(lambda p: p[0] + p[1], X, y, resolution=21, padding=0.0)
    (ax,) = fig.axes
    assert len(_scatters(ax)) == 1  # no mistakes, no circles
    # every pixel shows the class the model predicts at its centre: 1 where x1 + x2 > 0
    image = _region_image(ax)
    px, py = _pixel_centres(ax, image)
    painted = image.get_array()
    clear = abs(px + py) > 1e-9  # pixels exactly on the boundary may go either way
    assert ((painted == 1) == (px + py > 0))[clear].all()
    assert set(painted.ravel().tolist()) == {0, 1}
    assert ax.get_xlim() == (-1.0, 1.0)


def test_decision_boundary_several_classes():
    centres = [[0.0, 0.0], [3.0, 0.0], [0.0, 3.0]]
    X, y = [c[:] for c in centres], [0, 1, 2]

    def model(p):  # one score per class: minus the squared distance to its centre
        return [-((p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2) for c in centres]

    fig = plot_decision_boundary(model, X, y, resolution=20)
    (ax,) = fig.axes
    assert set(_region_image(ax).get_array().ravel().tolist()) == {0, 1, 2}  # three classes
    assert len(_scatters(ax)) == 1


def test_linear_softmax_regions_have_no_strips_of_a_third_class():
    """Between the regions of classes 0 and 2 there is no thin band of class 1.

    Filled contours of the class *numbers* interpolate 2 -> 0 through 1 and paint such a band;
    a linear model cannot have one. The image must show, at every pixel, the argmax of the
    model's own scores there (computed here directly, not by the plotting code).
    """
    import numpy as np

    weights = [(1.0, 0.2, 0.0), (0.0, 0.0, -0.5), (-1.0, -0.3, 0.1)]  # class 1 wins only far out

    def model(p):
        return [a * p[0] + b * p[1] + c for a, b, c in weights]

    X = [[-2.0, -2.0], [2.0, 2.0], [0.0, 0.0]]
    fig = plot_decision_boundary(model, X, [0, 1, 2], resolution=15, padding=0.0)
    (ax,) = fig.axes
    image = _region_image(ax)
    px, py = _pixel_centres(ax, image)
    scores = np.stack([a * px + b * py + c for a, b, c in weights], axis=-1)
    ordered = np.sort(scores, axis=-1)
    clear = ordered[..., -1] - ordered[..., -2] > 1e-9  # no tie at the pixel centre
    assert (image.get_array() == np.argmax(scores, axis=-1))[clear].all()
    assert clear.mean() > 0.99


def test_boundary_image_is_fine_even_from_a_coarse_grid():
    """A resolution-8 grid still gives a smooth boundary: hundreds of pixels, not 8 blocks."""
    X, y = [[-1.0, -1.0], [1.0, 1.0]], [0, 1]
    fig = plot_decision_boundary(lambda p: p[0] - 0.3 * p[1], X, y, resolution=8, padding=0.0)
    painted = _region_image(fig.axes[0]).get_array()
    # each row switches class exactly once, and the switch moves along the rows (a sloped line)
    switches = [int((row[1:] != row[:-1]).sum()) for row in painted]
    assert switches == [1] * len(painted)
    first_ones = {int(row.argmax()) for row in painted}
    assert len(first_ones) > 50


def test_decision_boundary_rejects_non_2d_points():
    with pytest.raises(ValueError, match="2-D points"):
        plot_decision_boundary(lambda p: 0.0, [[1.0, 2.0, 3.0]], [0])
    with pytest.raises(ValueError, match="resolution"):
        plot_decision_boundary(lambda p: 0.0, [[1.0, 2.0]], [0], resolution=1)


def test_decision_boundary_draws_into_a_given_axes():
    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    assert plot_decision_boundary(lambda p: p[0], [[0.0, 1.0]], [1], ax=ax2) is fig
    assert len(ax2.get_images()) == 1 and not ax1.get_images()


def test_boundary_snapshots_record_during_fit_and_plot_one_panel_each():
    from micrograd.data import make_moons
    from micrograd.nn import MLP
    from micrograd.train import fit, predict

    X, y = make_moons(n_samples=20, seed=0)
    model = MLP(2, [4, 1], seed=0)
    snapshots = BoundarySnapshots(X, every=2, resolution=10)
    snapshots.record(model)
    fit(model, X, y, epochs=5, lr=0.2, callbacks=[snapshots], progress=False)
    assert snapshots.steps == [0, 2, 4]
    assert all(len(g) == 100 for g in snapshots.grid_scores)
    assert snapshots.grid_scores[0] != snapshots.grid_scores[-1]  # training moved it
    fig = plot_boundary_snapshots(snapshots, y, cols=2)
    assert len(fig.axes) == 3  # the fourth cell of the 2 x 2 grid is removed
    for ax, step, predicted in zip(fig.axes, snapshots.steps, snapshots.predictions):
        accuracy = sum(p == t for p, t in zip(predicted, y)) / len(y)
        assert ax.get_title() == f"step {step}: {accuracy:.0%}"
        assert len(ax.get_images()) == 1
    # a snapshot taken now matches the model now
    snapshots.record(model, steps_done=5)
    assert snapshots.predictions[-1] == predict(model, X)


def test_boundary_snapshots_bad_input():
    with pytest.raises(ValueError, match="every must be a whole number >= 1"):
        BoundarySnapshots([[0.0, 0.0]], every=0)
    with pytest.raises(ValueError, match="no snapshots yet"):
        plot_boundary_snapshots(BoundarySnapshots([[0.0, 0.0]]), [0])


# -- history -----------------------------------------------------------------------------


def test_history_full_batch_one_line_per_panel():
    history = History(loss=[1.0, 0.5, 0.25], accuracy=[0.5, 0.75, 1.0], epoch=[0, 1, 2])
    history.epoch_loss, history.epoch_accuracy = [1.0, 0.5, 0.25], [0.5, 0.75, 1.0]
    fig = plot_history(history)
    loss_ax, acc_ax = fig.axes
    (loss_line,) = loss_ax.get_lines()
    (acc_line,) = acc_ax.get_lines()
    assert loss_line.get_ydata().tolist() == [1.0, 0.5, 0.25]
    assert acc_line.get_ydata().tolist() == [0.5, 0.75, 1.0]
    assert loss_line.get_xdata().tolist() == [0, 1, 2]


def test_history_with_epochs_adds_epoch_averages_at_epoch_ends():
    data = {
        "loss": [4.0, 3.0, 2.0, 1.0, 0.5, 0.25],
        "accuracy": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        "epoch": [0, 0, 1, 1, 2, 2],
        "epoch_loss": [3.5, 1.5, 0.375],
        "epoch_accuracy": [0.15, 0.35, 0.55],
    }
    fig = plot_history(data, title="run")
    loss_ax, acc_ax = fig.axes
    steps, epochs = loss_ax.get_lines()
    assert len(steps.get_xdata()) == 6
    assert epochs.get_xdata().tolist() == [1, 3, 5]
    assert epochs.get_ydata().tolist() == [3.5, 1.5, 0.375]
    assert acc_ax.get_lines()[1].get_ydata().tolist() == [0.15, 0.35, 0.55]
    assert fig._suptitle.get_text() == "run"


def test_history_without_accuracy_has_one_panel_and_empty_is_an_error():
    fig = plot_history({"loss": [3.0, 2.0]})
    assert len(fig.axes) == 1
    with pytest.raises(ValueError, match="no loss values"):
        plot_history(History())


# -- surfaces and optimizer paths --------------------------------------------------------


@pytest.mark.parametrize("surface", [ravine, local_minimum, rosenbrock])
def test_surfaces_take_values_and_the_engine_gradient_is_right(surface):
    for point in [(0.3, -0.7), (-1.2, 1.1), (2.0, 0.5)]:
        x, y = Value(point[0]), Value(point[1])
        out = surface(x, y)
        out.backward()
        assert out.data == pytest.approx(surface(*point))
        expected = numerical_grad(surface, list(point))
        assert [x.grad, y.grad] == pytest.approx(expected, rel=1e-5, abs=1e-6)


def test_surfaces_minima_are_where_they_say():
    for surface in SURFACES.values():
        x, y = Value(surface.minimum[0]), Value(surface.minimum[1])
        surface(x, y).backward()
        assert abs(x.grad) < 1e-2 and abs(y.grad) < 1e-2
    assert rosenbrock(1.0, 1.0) == 0.0


def test_sgd_path_first_step_by_hand():
    # ravine = 0.05 x^2 + y^2, gradient (0.1 x, 2 y); at (-9, 1.5): (-0.9, 3.0)
    path = optimizer_path("ravine", "sgd", lr=0.9, steps=1)
    assert path[0] == (-9.0, 1.5)
    assert path[1] == pytest.approx((-9.0 + 0.9 * 0.9, 1.5 - 0.9 * 3.0))


def test_optimizer_paths_plot_one_line_per_optimizer():
    steps = 40
    fig = plot_optimizer_paths("ravine", ["sgd", "momentum", "adam"], steps=steps)
    (ax,) = fig.axes
    assert len(_contours(ax)) == 1
    lines = ax.get_lines()
    paths = [
        line for line in lines if line.get_label().split(" ")[0] in {"sgd", "momentum", "adam"}
    ]
    assert len(paths) == 3
    for line in paths:
        assert len(line.get_xdata()) == steps + 1
        assert (line.get_xdata()[0], line.get_ydata()[0]) == SURFACES["ravine"].start
    adam = next(line for line in paths if line.get_label().startswith("adam"))
    expected = optimizer_path("ravine", "adam", steps=steps)
    assert list(zip(adam.get_xdata(), adam.get_ydata())) == expected
    labels = [line.get_label() for line in lines]
    assert "minimum" in labels and "start" in labels


def test_optimizer_paths_make_progress_on_every_surface():
    for name, surface in SURFACES.items():
        for optimizer in ["sgd", "momentum", "adam"]:
            path = optimizer_path(name, optimizer, steps=100)
            assert len(path) == 101, (name, optimizer)
            assert surface(*path[-1]) < surface(*path[0]), (name, optimizer)


def test_momentum_escapes_the_local_minimum_on_the_2d_surface():
    sgd = optimizer_path("local_minimum", "sgd", steps=200)[-1]
    momentum = optimizer_path("local_minimum", "momentum", steps=200)[-1]
    assert sgd[0] > 1.0  # in the local dip on the right
    assert momentum[0] < -1.0  # over the bump, in the global minimum on the left


def test_optimizer_paths_accept_factories_and_report_divergence():
    from micrograd.optim import SGD

    steps = 30
    fig = plot_optimizer_paths(
        "rosenbrock",
        {"careful": lambda p: SGD(p, lr=1e-4), "reckless": lambda p: SGD(p, lr=0.1)},
        steps=steps,
    )
    (ax,) = fig.axes
    careful = next(line for line in ax.get_lines() if line.get_label().startswith("careful"))
    assert careful.get_label() == "careful (lr=0.0001)"  # the legend gives the settings
    reckless = next(line for line in ax.get_lines() if line.get_label().startswith("reckless"))
    assert len(careful.get_xdata()) == steps + 1
    assert len(reckless.get_xdata()) < steps + 1
    assert "diverged" in reckless.get_label()


def test_optimizer_paths_legend_gives_the_momentum_and_marks_every_end():
    from micrograd.optim import SGD

    steps = 20
    fig = plot_optimizer_paths(
        "ravine",
        {"heavy ball": lambda p: SGD(p, lr=0.5, momentum=0.6), "adam": "adam"},
        steps=steps,
    )
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "heavy ball (lr=0.5, β=0.6)" in labels
    adam_lr = SURFACES["ravine"].lr["adam"]
    assert f"adam (lr={adam_lr:g}, β₁=0.9, β₂=0.999)" in labels
    ends = [line for line in ax.get_lines() if line.get_label() == "_end"]
    expected = [
        optimizer_path("ravine", lambda p: SGD(p, lr=0.5, momentum=0.6), steps=steps)[-1],
        optimizer_path("ravine", "adam", steps=steps)[-1],
    ]
    assert [(e.get_xdata()[0], e.get_ydata()[0]) for e in ends] == expected
    sizes = [e.get_markersize() for e in ends]
    assert sizes[0] > sizes[1]  # a later dot sits inside an earlier one, never hidden by it


def test_optimizer_paths_separate_draws_one_panel_per_optimizer():
    names = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
    fig = plot_optimizer_paths("rosenbrock", names, steps=30, separate=True)
    assert len(fig.axes) == 5
    for ax, name in zip(fig.axes, names):
        (path,) = [line for line in ax.get_lines() if line.get_label().startswith(name)]
        assert list(zip(path.get_xdata(), path.get_ydata())) == optimizer_path(
            "rosenbrock", name, steps=30
        )
        assert ax.get_title().startswith(name)
    with pytest.raises(ValueError, match="separate=True"):
        plot_optimizer_paths("ravine", ["sgd"], separate=True, ax=Figure().subplots())


def test_surface_names_its_axes():
    line_fit = Surface(
        "fit",
        lambda w, b: (w - 2) ** 2 + b**2,
        (0.0, 1.0),
        (2.0, 0.0),
        (-1, 3),
        (-2, 2),
        axis_labels=("w", "b"),
    )
    (ax,) = plot_optimizer_paths(line_fit, {"sgd": "sgd"}, lr={"sgd": 0.1}, steps=3).axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("w", "b")
    (ax,) = plot_optimizer_paths("ravine", ["sgd"], steps=3).axes
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$w_1$", "$w_2$")


def test_custom_surface_and_bad_names():
    bowl = Surface("bowl", lambda x, y: x**2 + y**2, (1.0, 1.0), (0.0, 0.0), (-2, 2), (-2, 2))
    path = optimizer_path(bowl, "sgd", lr=0.25, steps=3)
    assert path == [(1.0, 1.0), (0.5, 0.5), (0.25, 0.25), (0.125, 0.125)]
    with pytest.raises(ValueError, match="unknown surface 'bowl'"):
        plot_optimizer_paths("bowl")
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'"):
        optimizer_path("ravine", "lbfgs")


# -- the ball rolling ------------------------------------------------------------------


def _critical_points():
    """Roots of double_well'(w) = w^3 - 2w + 0.3, found by bisection (independent of plots)."""

    def slope(w):
        return w**3 - 2 * w + 0.3

    roots = []
    for a, b in [(-2.0, -1.0), (0.0, 0.5), (1.0, 2.0)]:
        for _ in range(60):
            mid = (a + b) / 2
            a, b = (mid, b) if slope(a) * slope(mid) > 0 else (a, mid)
        roots.append((a + b) / 2)
    return roots


def test_sgd_stops_in_the_local_minimum_and_momentum_rolls_to_the_global_one():
    global_min, bump, local_min = _critical_points()
    assert double_well(global_min) < double_well(local_min) < double_well(bump)
    sgd = ball_positions("sgd", steps=150)
    momentum = ball_positions("momentum", steps=150)
    assert len(sgd) == len(momentum) == 151
    assert sgd[-1] == pytest.approx(local_min, abs=1e-3)
    assert momentum[-1] == pytest.approx(global_min, abs=1e-2)
    assert all(w > bump for w in sgd)  # plain SGD never crosses the bump


def test_ball_rolling_plot_lines_have_one_point_per_step():
    steps = 60
    fig = plot_ball_rolling(["sgd", "momentum"], steps=steps)
    curve_ax, position_ax = fig.axes
    lines = position_ax.get_lines()
    assert [line.get_label() for line in lines] == ["sgd", "momentum"]
    for line, name in zip(lines, ["sgd", "momentum"]):
        assert line.get_ydata().tolist() == ball_positions(name, steps=steps)
    assert len(_scatters(curve_ax)) == 2
    assert all(len(s.get_offsets()) == steps + 1 for s in _scatters(curve_ax))


def test_ball_rolling_frames_show_each_ball_at_that_step():
    frames = [0, 10, 50]
    fig = plot_ball_rolling(frames=frames, steps=50)
    assert len(fig.axes) == 3
    sgd, momentum = ball_positions("sgd", steps=50), ball_positions("momentum", steps=50)
    for ax, k in zip(fig.axes, frames):
        assert ax.get_title() == f"step {k}"
        balls = [line for line in ax.get_lines() if line.get_marker() == "o"]
        assert [b.get_xdata()[0] for b in balls] == [sgd[k], momentum[k]]
        assert balls[0].get_ydata()[0] == pytest.approx(double_well(sgd[k]))
    # balls at the same place (all of them at step 0) stay visible: each is smaller than the last
    sizes = [line.get_markersize() for line in fig.axes[0].get_lines() if line.get_marker() == "o"]
    assert sizes[0] > sizes[1]
    with pytest.raises(ValueError, match="frames must be step numbers"):
        plot_ball_rolling(frames=[0, 99], steps=50)


def _in_a_fresh_interpreter(code: str) -> str:
    """Run ``code`` with this Python in a new process; its printed output, stripped."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_plots_never_touch_pyplot():
    """Importing and using the module picks no backend, so it cannot break Jupyter's."""
    code = (
        "import sys, micrograd.plots as p\n"
        "fig = p.plot_ball_rolling(steps=5)\n"
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'\n"
        "print(type(fig).__name__)\n"
    )
    assert _in_a_fresh_interpreter(code) == "Figure"


def test_figures_save_as_png(tmp_path):
    fig = plot_ball_rolling(steps=5)
    path = tmp_path / "ball.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not math.isnan(fig.get_figwidth())


def test_docstring_examples():
    import doctest

    import micrograd.plots

    result = doctest.testmod(micrograd.plots)
    assert result.attempted >= 5
    assert result.failed == 0


def test_ipython_shows_the_figures_as_png_without_pyplot():
    """In IPython the returned figure has a PNG picture; pyplot is still never imported.

    Runs in a fresh interpreter because the IPython shell is a process-wide singleton.
    """
    pytest.importorskip("IPython")
    code = (
        "import base64, sys\n"
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import micrograd.plots as p\n"
        "data, _ = shell.display_formatter.format(p.plot_ball_rolling(steps=5))\n"
        "png = data['image/png']\n"
        "png = png if isinstance(png, bytes) else base64.b64decode(png)\n"
        "assert png[:8] == b'\\x89PNG\\r\\n\\x1a\\n', png[:8]\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print('ok')\n"
    )
    assert _in_a_fresh_interpreter(code) == "ok"


@pytest.mark.notebook
def test_jupyter_displays_a_figure_exactly_once():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("import sys\nprint(sys.prefix)"),
        nbformat.v4.new_code_cell(
            "from micrograd.plots import plot_history\nplot_history({'loss': [2.0, 1.0]})"
        ),
        nbformat.v4.new_code_cell(
            "import matplotlib.pyplot as plt\nplot_history({'loss': [2.0, 1.0]})"
        ),
    ]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert nb.cells[0].outputs[0]["text"].strip() == sys.prefix  # the kernel is this venv
    for cell in nb.cells[1:]:
        (output,) = cell.outputs  # one output: no second copy from a pyplot backend
        assert output["output_type"] == "execute_result"
        assert "image/png" in output["data"]
