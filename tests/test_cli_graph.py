"""End-to-end tests of ``micrograd graph``: an expression typed by a user becomes a drawing."""

from __future__ import annotations

import html
import math
import os
import stat
import subprocess
import sys

import pytest

from micrograd import draw as draw_module
from micrograd.cli import main

NEURON = ["tanh(x*w + b)", "--at", "x=2", "w=-3", "b=6.88"]


def neuron_numbers() -> dict[str, float]:
    """The lecture neuron computed by hand with floats, for the expected output."""
    n = 2.0 * -3.0 + 6.88
    o = math.tanh(n)
    d_n = 1 - o * o
    return {"o": o, "x": d_n * -3.0, "w": d_n * 2.0, "b": d_n}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["graph", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def svg_text(path) -> str:
    return html.unescape(path.read_text())


def test_draws_the_expression_as_svg(tmp_path, capsys):
    target = tmp_path / "graph.svg"
    code, out, err = run(capsys, *NEURON, "-o", str(target))
    assert code == 0, err
    svg = svg_text(target)
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    want = neuron_numbers()
    for text in ("x", "w", "b", "x*w", "x*w + b", "tanh(x*w + b)", "tanh", "data 2", "data -3"):
        assert f">{text}</text>" in svg, text
    for name in ("x", "w", "b"):
        assert f">grad {want[name]:.4g}</text>" in svg
    assert f">data {want['o']:.4g}</text>" in svg
    # the console says what was computed
    assert f"tanh(x*w + b) = {want['o']:.4g}" in out
    assert f"d/dx = {want['x']:.4g}, d/dw = {want['w']:.4g}, d/db = {want['b']:.4g}" in out
    assert f"wrote {target}" in out


def test_as_a_separate_process(tmp_path):
    target = tmp_path / "graph.svg"
    result = subprocess.run(
        [sys.executable, "-m", "micrograd", "graph", *NEURON, "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert ">tanh(x*w + b)</text>" in svg_text(target)


def test_no_backward_leaves_the_gradients_at_zero(tmp_path, capsys):
    target = tmp_path / "graph.svg"
    code, out, _ = run(capsys, *NEURON, "--no-backward", "-o", str(target))
    assert code == 0
    svg = svg_text(target)
    assert svg.count(">grad 0</text>") == 6  # x, w, b, x*w, x*w + b, tanh
    assert "gradients" not in out


@pytest.mark.parametrize(
    ("name", "check"),
    [
        ("graph.png", lambda data: data.startswith(b"\x89PNG\r\n\x1a\n")),
        ("graph.pdf", lambda data: data.startswith(b"%PDF")),
        ("graph.dot", lambda data: data.startswith(b"digraph {") and b"tanh" in data),
        ("GRAPH.SVG", lambda data: b"<svg" in data),
    ],
)
def test_the_format_comes_from_the_extension(tmp_path, capsys, name, check):
    target = tmp_path / name
    code, _, err = run(capsys, *NEURON, "-o", str(target))
    assert code == 0, err
    assert check(target.read_bytes())


def test_dash_prints_the_dot_source(capsys):
    code, out, _ = run(capsys, "x * y", "--at", "x=3", "y=4", "-o", "-")
    assert code == 0
    assert "digraph {" in out and '"{ out | data 12 | grad 1 }"' not in out
    assert '"{ x * y | data 12 | grad 1 }"' in out and '"{ x | data 3 | grad 4 }"' in out


def test_html_writes_the_step_through_page(tmp_path, capsys):
    page = tmp_path / "steps.html"
    code, out, err = run(capsys, *NEURON, "--html", str(page))
    assert code == 0, err
    text = page.read_text()
    assert "<title>tanh(x*w + b)</title>" in text
    assert text.count("<svg") == 4  # the start and one frame per interior node
    assert "http://" not in text.replace("http://www.w3.org", "")  # no network
    assert f"wrote {page}" in out


def test_html_without_the_stepper_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "micrograd.stepper", None)  # import fails
    code, _, err = run(capsys, *NEURON, "--html", str(tmp_path / "steps.html"))
    assert code == 2
    assert "--html needs micrograd.stepper.export_html" in err
    assert not (tmp_path / "steps.html").exists()


def test_no_output_option_prints_the_value_and_a_hint(capsys):
    code, out, _ = run(capsys, "x ** 2", "--at", "x=3")
    assert code == 0
    assert "x ** 2 = 9" in out and "d/dx = 6" in out and "-o graph.svg" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tanh(x*y)", "--at", "x=1"], "no value for y: add --at y=..."),
        (["x*w", "--at", "x=1", "w=2", "z=3"], "--at gives z, which 'x*w' does not use"),
        (["x", "--at", "x=abc"], "--at x=abc: 'abc' is not a number"),
        (["x", "--at", "x"], "--at expects NAME=VALUE"),
        (["x", "--at", "x=inf"], "finite"),
        (["x", "--at", "x=1", "x=2"], "--at gives x twice"),
        (["x.__class__", "--at", "x=1"], "column 1: attribute access"),
        (["x +* 2", "--at", "x=1"], "column 4: syntax error"),
        (["9**9**9"], "exponent '9**9'"),
        (["log(x)", "--at", "x=-1"], "cannot compute 'log(x)'"),
        (["exp(x)", "--at", "x=1", "-o", "graph.bmp"], "cannot tell the format"),
    ],
)
def test_user_mistakes_are_one_line_errors(capsys, tmp_path, argv, message):
    argv = [a.replace("graph.bmp", str(tmp_path / "graph.bmp")) for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert message in err
    assert err.count("\n") == 1 and err.startswith("micrograd graph: error: ")
    assert not list(tmp_path.iterdir())


def test_hostile_expression_runs_nothing(tmp_path, capsys):
    canary = tmp_path / "canary"
    code, _, err = run(capsys, f"__import__('os').system('touch {canary}')", "-o", "-")
    assert code == 2 and "unknown function" in err
    assert not canary.exists()


def test_no_renderer_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(draw_module.ENV_VAR, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "python"))
    code, _, err = run(capsys, *NEURON, "-o", str(tmp_path / "graph.svg"))
    assert code == 2
    assert "pip install graphviz-pure" in err and draw_module.ENV_VAR in err
    # the DOT source needs no renderer
    code, _, _ = run(capsys, *NEURON, "-o", str(tmp_path / "graph.dot"))
    assert code == 0 and (tmp_path / "graph.dot").read_text().startswith("digraph")


def test_graph_is_listed_in_the_help(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "graph" in capsys.readouterr().out


# --------------------------------------------------------------------------------------
# Issue 13: one line for every failure, no clobbered or half-written file, small quirks
# --------------------------------------------------------------------------------------


def one_line_error(code: int, err: str) -> None:
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("micrograd graph: error: "), err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["-x*2", "--at", "x=3"],
        ["--at", "x=3", "-x*2"],
        ["--at", "x=3", "--", "-x*2"],
        ["-x*2", "--at=x=3", "--precision", "3"],
    ],
)
def test_an_expression_may_start_with_a_minus(argv, capsys):
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "-x*2 = -6" in out and "d/dx = -2" in out


def test_fullwidth_names_are_normalised_in_at_as_in_the_expression(capsys):
    code, out, err = run(capsys, "ｘ*2", "--at", "ｘ=3")
    assert code == 0, err
    assert "= 6" in out and "d/dx = 2" in out
    code, out, _ = run(capsys, "x*2", "--at", "ｘ=3")  # either spelling names one variable
    assert code == 0 and "= 6" in out
    code, _, err = run(capsys, "x*2", "--at", "ｘ=3", "x=4")
    one_line_error(code, err)
    assert "--at gives x twice" in err


@pytest.mark.parametrize(
    ("first", "second"),
    [("same.svg", "same.svg"), ("same.svg", "./same.svg"), ("same.svg", "sub/../same.svg")],
)
def test_the_picture_and_the_page_must_be_two_files(first, second, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    code, _, err = run(capsys, *NEURON, "-o", first, "--html", second)
    one_line_error(code, err)
    assert "one would overwrite the other" in err
    assert not (tmp_path / "same.svg").exists()


def test_a_path_ending_in_a_separator_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, *NEURON, "-o", str(tmp_path / "adir.svg") + "/")
    one_line_error(code, err)
    assert "ends with a path separator" in err
    code, _, err = run(capsys, *NEURON, "--html", str(tmp_path / "steps.html") + "/")
    one_line_error(code, err)
    assert list(tmp_path.iterdir()) == []


def test_a_graph_over_the_box_limit_is_one_line(tmp_path, capsys, monkeypatch):
    import functools

    small_limit = functools.partial(draw_module.draw_dot, max_nodes=3)
    monkeypatch.setattr(draw_module, "draw_dot", small_limit)
    code, _, err = run(capsys, *NEURON, "-o", str(tmp_path / "graph.svg"))
    one_line_error(code, err)
    assert "max_nodes=3" in err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["graph.svg", "graph.png"])
def test_a_failing_renderer_is_one_line_and_keeps_the_old_file(name, tmp_path, capsys, monkeypatch):
    target = tmp_path / name
    target.write_bytes(b"the previous drawing")
    monkeypatch.setenv(draw_module.ENV_VAR, "/bin/false")
    code, _, err = run(capsys, *NEURON, "-o", str(target))
    one_line_error(code, err)
    assert "renderer" in err.lower()
    assert target.read_bytes() == b"the previous drawing"
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # no temporary file left


def test_the_step_through_page_with_a_failing_renderer_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv(draw_module.ENV_VAR, "/bin/false")
    code, _, err = run(capsys, *NEURON, "--html", str(tmp_path / "steps.html"))
    one_line_error(code, err)
    assert list(tmp_path.iterdir()) == []


def test_files_are_replaced_whole(tmp_path, capsys):
    target = tmp_path / "graph.svg"
    target.write_text("old")
    code, _, _ = run(capsys, *NEURON, "-o", str(target))
    assert code == 0 and "<svg" in target.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]


def test_long_input_is_cut_in_messages(capsys):
    code, _, err = run(capsys, "x" * 20_000)
    one_line_error(code, err)
    assert "20000 characters long" in err and len(err) < 300
    code, _, err = run(capsys, "y" * 400, "--at", "x=1")
    one_line_error(code, err)
    assert len(err) < 300 and "..." in err
    code, _, err = run(capsys, "x", "--at", "x=" + "1" * 20_000 + "z")
    one_line_error(code, err)
    assert len(err) < 300


def test_the_dot_source_on_stdout_can_be_piped(capsys):
    """With -o - stdout holds only the DOT source (for | dot -Tpdf); the rest is on stderr."""
    code, out, err = run(capsys, "x * y", "--at", "x=3", "y=4", "-o", "-")
    assert code == 0
    assert out.startswith("digraph {") and out.rstrip().endswith("}")
    assert "x * y = 12" in err


def test_gradients_too_large_for_a_float_are_one_line_and_write_nothing(tmp_path, capsys):
    """d(1/x)/dx = -1/x**2 = -1e600 at x = 1e-300: no float holds it."""
    page, picture = tmp_path / "steps.html", tmp_path / "graph.svg"
    code, out, err = run(capsys, "1/x", "--at", "x=1e-300", "-o", str(picture), "--html", str(page))
    one_line_error(code, err)
    assert "gradients of '1/x'" in err and "too large for a float" in err
    assert "inf" not in out  # no infinite gradient printed as if it were a result
    assert list(tmp_path.iterdir()) == []
    code, out, _ = run(capsys, "1/x", "--at", "x=1e-300", "--no-backward")
    assert code == 0 and "1/x = 1e+300" in out


def test_special_files_are_not_replaced(tmp_path, capsys):
    """Writing atomically replaces the target: never do that to a pipe or /dev/null."""
    fifo = tmp_path / "pipe.svg"
    os.mkfifo(fifo)
    code, _, err = run(capsys, *NEURON, "-o", str(fifo))
    one_line_error(code, err)
    assert "is not a regular file" in err
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_reader_that_leaves_early_is_no_traceback():
    """`micrograd graph ... -o - | head -c 1`: the pipe closes before the source is written."""
    command = [sys.executable, "-m", "micrograd", "graph", "x" + " + x" * 40, "--at", "x=1"]
    process = subprocess.Popen(
        [*command, "-o", "-"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    process.stdout.close()  # the reader leaves before the first byte
    err = process.stderr.read()
    assert process.wait(timeout=120) != 0 or err.count("\n") <= 1
    assert "Traceback" not in err and "Exception ignored" not in err
