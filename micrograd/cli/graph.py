"""Draw the computation graph of an expression you type, with its values and gradients.

examples:
  micrograd graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 -o graph.svg
  micrograd graph "x**2 + 3*x" --at x=2 -o graph.png --html steps.html
  micrograd graph "sigmoid(a*b)" --at a=1 b=-2 -o - | dot -Tpdf > graph.pdf

The expression may use numbers, the variables given with --at, + - * / ** and
parentheses, and the functions exp log tanh sigmoid relu sin cos abs. It is parsed
safely: it is never run as Python code. An expression may start with a minus sign
("-x*2"); it is told apart from the options.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
import unicodedata
from pathlib import Path

from micrograd._files import atomic_path, check_file_path
from micrograd.cli import CLIError, one_line, shorten
from micrograd.engine import topological_order

HELP = 'draw the computation graph of an expression, e.g. "tanh(x*w + b)"'

PICTURE_FORMATS = ("svg", "png", "pdf", "dot", "gv")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter  # keep the examples' lines
    parser.add_argument("expression", help='the formula, in quotes, e.g. "tanh(x*w + b)"')
    parser.add_argument(
        "--at",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME=VALUE",
        help="the value of each variable, e.g. --at x=2 w=-3 b=6.88",
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write the drawing to PATH; the format comes from the extension "
        "(.svg, .png, .pdf, or .dot for the Graphviz source); '-' prints the source",
    )
    parser.add_argument(
        "--html",
        metavar="PATH",
        help="also write the step-through of the backward pass as one HTML page",
    )
    parser.add_argument(
        "--backward",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run backward() so the drawing shows gradients (default: yes)",
    )
    parser.add_argument(
        "--rankdir",
        choices=("LR", "TB", "RL", "BT"),
        default="LR",
        help="direction of the drawing: LR = inputs on the left (default), TB = on top",
    )
    parser.add_argument(
        "--precision",
        type=int,
        default=4,
        choices=range(1, 18),
        metavar="DIGITS",
        help="significant digits of the numbers shown (default: 4)",
    )


def parse_assignments(
    items: list[str], where: str = "--at", error: type[Exception] = CLIError
) -> dict[str, float]:
    """``["x=2", "w=-3"]`` -> ``{"x": 2.0, "w": -3.0}``, with one clear error per mistake.

    Names are NFKC-normalised as Python normalises them in the expression ("ｘ" is "x").
    ``where`` names the input in messages and ``error`` is raised (the playground passes
    its own).
    """
    values: dict[str, float] = {}
    for item in items:
        name, sign, text = item.partition("=")
        name, text = unicodedata.normalize("NFKC", name.strip()), text.strip()
        shown = shorten(item)
        if not sign or not name or not text:
            raise error(f"{where} expects NAME=VALUE (e.g. x=2), got {shown!r}")
        try:
            value = float(text)
        except ValueError:
            raise error(f"{where} {shown}: {shorten(text)!r} is not a number") from None
        if not math.isfinite(value):
            raise error(f"{where} {shown}: the value must be a finite number")
        if name in values:
            first = f"{shorten(name)}={values[name]:g}"
            raise error(f"{where} gives {shorten(name)} twice ({first} and {shown})")
        values[name] = value
    return values


# A token that argparse would take for an option but that is an expression: it starts
# with "-" and is neither one of our options nor a negative number ("-x*2", "-(a+b)").
_NEGATIVE_NUMBER = re.compile(r"^-\d+$|^-\d*\.\d+$")


def prepare_argv(argv: list[str], parser: argparse.ArgumentParser) -> list[str]:
    """Move an expression that starts with "-" after a ``--``, so argparse reads it as one.

    ``graph "-x*2" --at x=3`` becomes ``graph --at x=3 -- "-x*2"``.
    """
    if "--" in argv:
        return argv
    options = [s for action in parser._actions for s in action.option_strings]

    def is_option(token: str) -> bool:
        if token == "-" or not token.startswith("-") or _NEGATIVE_NUMBER.match(token):
            return True  # "-" (stdout) and numbers are values; argparse handles them
        word = token.split("=", 1)[0]
        if token.startswith("--"):  # argparse accepts unambiguous prefixes: --out
            return any(option.startswith(word) for option in options)
        return token[:2] in options  # -o or -ograph.svg

    positions = [i for i, token in enumerate(argv) if not is_option(token)]
    if len(positions) != 1:
        return argv  # none, or several: let argparse say what is wrong
    (i,) = positions
    return [*argv[:i], *argv[i + 1 :], "--", argv[i]]


def run(args: argparse.Namespace) -> int:
    from micrograd.cli.expression import (
        ExpressionError,
        match_values,
        parse_expression,
    )
    from micrograd.draw import draw_dot, format_number

    text = args.expression
    _check_outputs(args)
    values = parse_assignments(args.at)
    try:
        used, missing, unused = match_values(text, values)
        if missing:
            example = " ".join(f"{name}=..." for name in missing)
            raise CLIError(
                f"no value for {shorten(', '.join(missing))}: add --at {shorten(example)}"
            )
        if unused:
            raise CLIError(
                f"--at gives {shorten(', '.join(unused))}, which {shorten(text)!r} does not use"
            )
        root = parse_expression(text, values, label_subexpressions=True)
    except ExpressionError as error:
        raise CLIError(f"{error} (in {shorten(text)!r})") from None
    if not root.label:
        root.label = "out"

    # with -o - the DOT source goes to stdout for a pipe (| dot -Tpdf): the rest to stderr
    console = sys.stderr if args.output == "-" else sys.stdout
    print(f"{shorten(text, 200)} = {format_number(root.data, args.precision)}", file=console)
    if args.backward:  # first, so that gradients too large for a float leave no page
        _backward(root, text)
    if args.html:
        _write_html(root, args)
    if args.backward and used:
        leaves = {v.label: v for v in topological_order(root) if v.is_leaf}
        grads = ", ".join(
            f"d/d{name} = {format_number(leaves[name].grad, args.precision)}" for name in used
        )
        print(f"gradients: {grads}", file=console)

    if args.output:
        try:
            graph = draw_dot(
                root, rankdir=args.rankdir, precision=args.precision, warn_no_backward=False
            )
        except ValueError as error:  # GraphTooLargeError: more boxes than the limit
            raise CLIError(one_line(error)) from None
        _write_graph(graph, args.output)
    elif not args.html:
        print("(add -o graph.svg to draw it, or --html steps.html for the step-through)")
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse output paths that cannot work before computing anything."""
    for option, path in (("-o", args.output), ("--html", args.html)):
        if path and path != "-":
            try:
                check_file_path(path, what=option)
            except ValueError as error:
                raise CLIError(str(error)) from None
            except OSError as error:  # e.g. a name too long for the file system
                raise CLIError(f"{option} {shorten(path)!r}: {error.strerror or error}") from None
            if Path(path).exists() and not Path(path).is_file():  # /dev/null, a pipe...
                raise CLIError(
                    f"{option} {shorten(path)!r} is not a regular file, and writing a file "
                    "replaces it whole; give a file name (or -o - for the DOT source on stdout)"
                )
    if args.output and args.html and _same_file(args.output, args.html):
        raise CLIError(
            f"-o and --html both name {shorten(args.html)!r}: one would overwrite the other; "
            "give two different files"
        )
    if args.output and args.output != "-":
        fmt = Path(args.output).suffix.lstrip(".").lower()
        if fmt not in PICTURE_FORMATS:
            raise CLIError(
                f"-o {shorten(args.output)}: cannot tell the format from the extension; "
                f"use {', '.join('.' + f for f in PICTURE_FORMATS)}"
            )


def _same_file(a: str, b: str) -> bool:
    """Whether two paths name one file (also through links, or in different spellings)."""
    try:
        if Path(a).exists() and Path(b).exists():
            return Path(a).samefile(b)
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return False


def _backward(root, text: str) -> None:
    """``root.backward()``, refusing gradients too large for a float (as the engine does)."""
    try:
        root.backward()
        if all(math.isfinite(v.grad) for v in topological_order(root)):
            return
        reason = "a gradient is infinite"
    except ArithmeticError as error:
        reason = one_line(error)
    raise CLIError(
        f"the gradients of {shorten(text)!r} at these values are too large for a float "
        f"({shorten(reason, 120)}); choose other values with --at, or --no-backward"
    )


def _write_graph(graph, output: str) -> None:
    from micrograd.draw import RenderError, save

    if output == "-":
        sys.stdout.write(graph.source)
        return
    fmt = Path(output).suffix.lstrip(".").lower()
    try:
        with atomic_path(output) as tmp:  # a failed drawing leaves no half-written file
            save(graph, tmp, format=fmt)
    except RenderError as error:  # the renderer's one-line message (crash, timeout...)
        raise CLIError(one_line(error, 300)) from None
    except OSError as error:
        raise CLIError(f"cannot write {shorten(output)}: {error.strerror or error}") from None
    print(f"wrote {output}")


def _write_html(root, args: argparse.Namespace) -> None:
    try:
        from micrograd.stepper import export_html
    except ImportError as error:
        raise CLIError(
            f"--html needs micrograd.stepper.export_html, which this installation lacks ({error})"
        ) from None
    from micrograd.draw import RenderError

    nodes = topological_order(root)
    grads = [v.grad for v in nodes]
    try:
        for v in nodes:  # the page steps through backward() from zero gradients
            v.grad = 0.0
        with atomic_path(args.html) as tmp:
            export_html(
                root, tmp, title=args.expression, rankdir=args.rankdir, precision=args.precision
            )
    except RenderError as error:
        raise CLIError(one_line(error, 300)) from None
    except OSError as error:
        raise CLIError(f"cannot write {shorten(args.html)}: {error.strerror or error}") from None
    except ValueError as error:  # e.g. too many steps for one page, or too many boxes
        raise CLIError(one_line(error)) from None
    except ArithmeticError as error:  # a gradient too large for a float, on the way back
        raise CLIError(f"cannot step through the backward pass: {one_line(error)}") from None
    finally:
        for v, grad in zip(nodes, grads):
            v.grad = grad
    print(f"wrote {args.html}")
