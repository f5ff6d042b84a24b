"""Every command over a corpus of bad arguments: one line on stderr, exit non-zero, no traceback.

A user typing at a terminal should read what went wrong and what to do, never a Python
traceback, and never wait minutes for a refusal. Each case runs in this process (fast);
a sample of them also runs as a real command in a fresh interpreter.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from installed import run_micrograd

from micrograd.cli import main

SMALL = ["--samples", "20", "--hidden", "4", "--no-progress"]  # keeps each demo case fast
LONG = "x" * 20_000

CORPUS: dict[str, list[list[str]]] = {
    "top level": [
        [],
        ["frobnicate"],
        ["Demo"],
        ["--bogus"],
        ["-x"],
        # (not "-help": Python 3.13's argparse reads it as -h and prints the help, exit 0)
        ["--helpme"],
        [LONG],
        ["\udcff"],  # a lone surrogate, as a non-UTF-8 byte in argv arrives
    ],
    "demo": [
        ["demo", "extra"],
        ["demo", "--epochs", "0"],
        ["demo", "--epochs", "-1"],
        ["demo", "--epochs", "1e3"],
        ["demo", "--epochs", ""],
        ["demo", "--epochs", "9" * 5000],  # more digits than int() accepts
        ["demo", "--epochs", "1000000000000"],
        ["demo", "--samples", "10000000"],
        ["demo", "--samples", "1"],
        ["demo", "--hidden"],
        ["demo", "--hidden", "0"],
        ["demo", "--hidden", "100000"],
        ["demo", "--hidden", "5000", "5000"],
        ["demo", "--hidden", *["16"] * 2000],
        ["demo", "--lr", "nan"],
        ["demo", "--lr", "inf"],
        ["demo", "--lr", "-0"],
        ["demo", "--lr", "1e-400"],  # rounds to 0
        ["demo", "--lr", LONG],
        ["demo", "--noise", "-1"],
        ["demo", "--noise", "nan"],
        ["demo", "--alpha", "inf"],
        ["demo", "--batch-size", "0"],
        ["demo", "--seed", "x"],
        ["demo", "--dataset", ""],
        ["demo", "--dataset", LONG],
        ["demo", "--loss", "nope"],
        ["demo", "--optimizer", "SGD"],
        ["demo", "--activation", "gelu"],
        ["demo", "--loss", "mse", "--lr", "100", *SMALL],
        ["demo", "--alpha", "1000", *SMALL],
        ["demo", "--lr", "1e300", *SMALL],
        ["demo", "--noise", "1e300", *SMALL],
        ["demo", "--optimizer", "adam", "--lr", "1e300", *SMALL],
        ["demo", "--dataset", "spirals", "--loss", "hinge", *SMALL],
        ["demo", "--out", "{file}", *SMALL],
        ["demo", "--out", "{file}/sub", *SMALL],
    ],
    "graph": [
        ["graph"],
        ["graph", ""],
        ["graph", "   "],
        ["graph", LONG],
        ["graph", "x + " * 5000 + "x", "--at", "x=1"],
        ["graph", "y" * 400, "--at", "x=1"],
        ["graph", "x", "--at", "y" * 400 + "=1"],
        ["graph", "x +", "--at", "x=1"],
        ["graph", "x\x00", "--at", "x=1"],
        ["graph", "x\n+ 1", "--at", "x=1"],
        ["graph", "x\udcff", "--at", "x=1"],
        ["graph", "__import__('os').system('touch {tmp}/canary')"],
        ["graph", "x.__class__", "--at", "x=1"],
        ["graph", "9**9**9"],
        ["graph", "log(x)", "--at", "x=0"],
        ["graph", "exp(x)", "--at", "x=1000"],
        ["graph", "1/x", "--at", "x=1e-300"],
        ["graph", "1/x", "--at", "x=1e-300", "--html", "{tmp}/steps.html"],
        ["graph", "x", "--at"],
        ["graph", "x", "--at", "x"],
        ["graph", "x", "--at", "x=1e999"],
        ["graph", "x", "--at", "x=nan"],
        ["graph", "x", "--at", "x=" + "9" * 5000],
        ["graph", "x", "--at", "ｘ=1", "x=2"],
        ["graph", "x", "--at", "x=1", "y=2"],
        ["graph", "x", "--at", "exp=1"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}/a.svg/"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}/same.svg", "--html", "{tmp}/same.svg"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}/graph.bmp"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}/no/such/folder/graph.dot"],
        ["graph", "x", "--at", "x=1", "-o", "{tmp}/" + "a" * 300 + ".dot"],
        ["graph", "x", "--at", "x=1", "--html", "{tmp}/" + "a" * 300 + ".html"],
        ["graph", "x", "--at", "x=1", "--precision", "0"],
        ["graph", "x", "--at", "x=1", "--precision", "99"],
        ["graph", "x", "--at", "x=1", "--rankdir", "XX"],
        ["graph", "x", "y", "--at", "x=1"],
        ["graph", "-x*2", "-y", "--at", "x=1"],
    ],
    "exercises": [
        ["exercises"],
        ["exercises", "bogus"],
        ["exercises", "list", "extra"],
        ["exercises", "build", "--out", "{file}"],
        ["exercises", "build", "--out"],
        ["exercises", "build", "--solutions=yes"],
    ],
}
CASES = [(group, argv) for group, cases in CORPUS.items() for argv in cases]


def _id(case) -> str:
    group, argv = case
    text = " ".join(argv)
    return f"{group}: {text[:40]}" + ("..." if len(text) > 40 else "")


def run_in_process(argv: list[str], capsys) -> tuple[int, str, str]:
    """``micrograd ARGV`` as the console script runs it: the exit code, stdout, stderr."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors and --help
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def _fill(argv: list[str], tmp_path: Path) -> list[str]:
    a_file = tmp_path / "a_file.txt"
    a_file.write_text("not a folder")
    return [arg.replace("{tmp}", str(tmp_path)).replace("{file}", str(a_file)) for arg in argv]


def assert_one_clear_line(code, out: str, err: str) -> None:
    assert code not in (0, None), (code, out, err)
    assert "Traceback" not in out + err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("micrograd"), err  # says who speaks
    assert len(err) < 700, f"{len(err)} characters: long input must be cut"
    assert "internal error" not in err, err  # a foreseen mistake, not a bug


@pytest.mark.timeout(60)
@pytest.mark.parametrize("case", CASES, ids=[_id(case) for case in CASES])
def test_bad_arguments_give_one_line_and_a_non_zero_exit(case, tmp_path, capsys, monkeypatch):
    _, argv = case
    monkeypatch.chdir(tmp_path)  # the default --out folders land here, if anywhere
    argv = _fill(argv, tmp_path)
    before = sorted(tmp_path.iterdir())
    started = time.perf_counter()
    code, out, err = run_in_process(argv, capsys)
    assert time.perf_counter() - started < 20  # refused at once, not after grinding
    assert_one_clear_line(code, out, err)
    assert sorted(tmp_path.iterdir()) == before  # nothing written, no empty folder


SUBPROCESS_CASES = [
    ["frobnicate"],
    ["demo", "--epochs", "1000000000000"],
    ["demo", "--loss", "mse", "--lr", "100", *SMALL, "--out", "{tmp}/out"],
    ["graph", "x", "--at", "x=1", "-o", "{tmp}/a.svg/"],
    ["graph", LONG],
    ["exercises", "build", "--out", "{file}"],
]


@pytest.mark.parametrize("argv", SUBPROCESS_CASES, ids=[" ".join(a)[:40] for a in SUBPROCESS_CASES])
def test_as_a_real_command(argv, tmp_path):
    result = run_micrograd(*_fill(argv, tmp_path), timeout=120, cwd=tmp_path)
    assert_one_clear_line(result.returncode, result.stdout, result.stderr)
    assert not (tmp_path / "out").exists()


def test_help_is_not_an_error(capsys):
    for argv in (["--help"], ["demo", "--help"], ["graph", "--help"], ["exercises", "--help"]):
        code, out, err = run_in_process(argv, capsys)
        assert code == 0 and "usage: micrograd" in out and err == ""
