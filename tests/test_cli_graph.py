"""End-to-end tests of ``micrograd graph``: an expression typed by a user becomes a drawing."""

from __future__ import annotations

import html
import math
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
