"""Draw the computation graph of an expression you type, with its values and gradients.

examples:
  micrograd graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 -o graph.svg
  micrograd graph "x**2 + 3*x" --at x=2 -o graph.png --html steps.html
  micrograd graph "sigmoid(a*b)" --at a=1 b=-2 -o - | dot -Tpdf > graph.pdf

The expression may use numbers, the variables given with --at, + - * / ** and
parentheses, and the functions exp log tanh sigmoid relu sin cos abs. It is parsed
safely: it is never run as Python code.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from micrograd.cli import CLIError

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


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["x=2", "w=-3"]`` -> ``{"x": 2.0, "w": -3.0}``, with one clear error per mistake."""
    values: dict[str, float] = {}
    for item in items:
        name, sign, text = item.partition("=")
        name, text = name.strip(), text.strip()
        if not sign or not name or not text:
            raise CLIError(f"--at expects NAME=VALUE (e.g. x=2), got {item!r}")
        try:
            value = float(text)
        except ValueError:
            raise CLIError(f"--at {item}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise CLIError(f"--at {item}: the value must be a finite number")
        if name in values:
            raise CLIError(f"--at gives {name} twice ({name}={values[name]:g} and {item})")
        values[name] = value
    return values


def run(args: argparse.Namespace) -> int:
    from micrograd.cli.expression import (
        FUNCTIONS,
        ExpressionError,
        parse_expression,
        variable_names,
    )
    from micrograd.draw import draw_dot, format_number

    text = args.expression
    values = parse_assignments(args.at)
    try:
        used = variable_names(text)
        missing = [name for name in used if name not in values and name not in FUNCTIONS]
        if missing:
            example = " ".join(f"{name}=..." for name in missing)
            raise CLIError(f"no value for {', '.join(missing)}: add --at {example}")
        unused = [name for name in values if name not in used]
        if unused:
            raise CLIError(f"--at gives {', '.join(unused)}, which {text!r} does not use")
        root = parse_expression(text, values, label_subexpressions=True)
    except ExpressionError as error:
        raise CLIError(f"{error} (in {text!r})") from None
    if not root.label:
        root.label = "out"

    print(f"{text} = {format_number(root.data, args.precision)}")
    if args.html:  # before backward(): the page starts from zero gradients
        _write_html(root, args)
    if args.backward:
        root.backward()
    if args.backward and used:
        leaves = {v.label: v for v in _leaves(root)}
        grads = ", ".join(
            f"d/d{name} = {format_number(leaves[name].grad, args.precision)}" for name in used
        )
        print(f"gradients: {grads}")

    if args.output:
        graph = draw_dot(
            root, rankdir=args.rankdir, precision=args.precision, warn_no_backward=False
        )
        _write_graph(graph, args.output)
    elif not args.html:
        print("(add -o graph.svg to draw it, or --html steps.html for the step-through)")
    return 0


def _leaves(root):
    from micrograd.engine import topological_order

    return [v for v in topological_order(root) if v.is_leaf]


def _write_graph(graph, output: str) -> None:
    from micrograd.draw import RendererNotFoundError, save

    if output == "-":
        sys.stdout.write(graph.source)
        return
    path = Path(output)
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in PICTURE_FORMATS:
        raise CLIError(
            f"-o {output}: cannot tell the format from the extension; "
            f"use {', '.join('.' + f for f in PICTURE_FORMATS)}"
        )
    try:
        save(graph, path)
    except RendererNotFoundError as error:
        raise CLIError(str(error)) from None
    except OSError as error:
        raise CLIError(f"cannot write {output}: {error.strerror or error}") from None
    print(f"wrote {path}")


def _write_html(root, args: argparse.Namespace) -> None:
    try:
        from micrograd.stepper import export_html
    except ImportError as error:
        raise CLIError(
            f"--html needs micrograd.stepper.export_html, which this installation lacks ({error})"
        ) from None
    from micrograd.draw import RendererNotFoundError

    try:
        path = export_html(
            root, args.html, title=args.expression, rankdir=args.rankdir, precision=args.precision
        )
    except RendererNotFoundError as error:
        raise CLIError(str(error)) from None
    except OSError as error:
        raise CLIError(f"cannot write {args.html}: {error.strerror or error}") from None
    except ValueError as error:  # e.g. too many steps for one page
        raise CLIError(str(error)) from None
    print(f"wrote {path}")
