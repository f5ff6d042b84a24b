"""Turn an expression typed by a user, such as ``"tanh(x*w + b)"``, into a graph of Values.

>>> out = parse_expression("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.8813735870195432})
>>> round(out.data, 4)
0.7071
>>> parse_expression("x.__class__", {"x": 1.0})
Traceback (most recent call last):
...
micrograd.expression.ExpressionError: column 1: attribute access ('x.__class__') is not allowed

The text is **never** given to ``eval``. It is parsed with Python's ``ast`` module, and
every node of the syntax tree is checked against an allow-list before anything is
computed: numbers, the given variables, ``+ - * / **``, unary ``-``, parentheses, and
calls of the engine's functions (exp log tanh sigmoid relu sin cos abs) with one argument.
Anything else (attributes, indexing, other calls, strings, lambdas, huge exponents such
as ``9**9**9``, very long or deeply nested input) is an :class:`ExpressionError` naming
the offending part and its column, and nothing is executed.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
from collections.abc import Callable, Mapping
from typing import Union

from micrograd.engine import Value

__all__ = ["FUNCTIONS", "ExpressionError", "parse_expression", "variable_names"]

MAX_LENGTH = 500  # characters: a formula for a teaching graph, not a program
MAX_DEPTH = 250  # nesting of the syntax tree (x + x + ... nests one level per +)
MAX_EXPONENT = 100  # |k| in x ** k for a constant k: 9**9**9 would never finish as an int
MAX_LABEL = 24  # longest sub-expression used as a node label

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp,
    "log": Value.log,
    "tanh": Value.tanh,
    "sigmoid": Value.sigmoid,
    "relu": Value.relu,
    "sin": Value.sin,
    "cos": Value.cos,
    "abs": Value.__abs__,
}
BINARY: dict[type, Callable[[Value, Value], Value]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
SYMBOLS = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.Not: "not", ast.Invert: "~",
}  # fmt: skip
# What the user wrote, in words, for the syntax that is not allowed.
DESCRIPTIONS = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
    ast.List: "a list", ast.Tuple: "a tuple", ast.Set: "a set", ast.Dict: "a dict",
    ast.ListComp: "a comprehension", ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension", ast.GeneratorExp: "a generator",
    ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "if/else",
    ast.NamedExpr: "an assignment (:=)", ast.JoinedStr: "an f-string",
    ast.Starred: "unpacking (*)", ast.Await: "await", ast.Yield: "yield",
    ast.YieldFrom: "yield", ast.Slice: "a slice", ast.FormattedValue: "an f-string",
}  # fmt: skip

Number = Union[int, float]  # noqa: UP007 - evaluated at runtime on 3.10


class ExpressionError(ValueError):
    """An expression that cannot be drawn: the message names the problem and its column."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def parse_expression(
    text: str,
    variables: Mapping[str, Number | Value],
    *,
    label_subexpressions: bool = False,
) -> Value:
    """Compute ``text`` with micrograd Values and return the result (the graph's root).

    ``variables`` maps each name to a number (made into a leaf Value labelled with the
    name) or to a Value (used as it is). Numbers in the text become unlabelled constant
    leaves, except a constant exponent, which stays a plain number (``x ** 2`` is one
    ``**2`` op). With ``label_subexpressions=True`` each computed Value is labelled with
    the part of the text it computes (if short), e.g. ``"x*w"``.

    Raises :class:`ExpressionError` for anything outside the allowed grammar, before
    computing anything, and for math errors while computing (e.g. ``log(0)``).

    >>> parse_expression("x ** 2 + 1", {"x": 3}).data
    10.0
    """
    tree, shift = _parse(text)
    values = _variables(variables)
    _check(tree, text, shift, values)
    return _Evaluator(text, shift, values, label_subexpressions).value(tree.body)


def variable_names(text: str) -> list[str]:
    """The variable names ``text`` uses, in order of first appearance (functions excluded).

    Only parses (nothing is computed); a syntax error is an :class:`ExpressionError`.

    >>> variable_names("tanh(x*w + b) + x")
    ['x', 'w', 'b']
    """
    tree, _ = _parse(text)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called]
    names.sort(key=lambda n: n.col_offset)
    return list(dict.fromkeys(n.id for n in names))


# --------------------------------------------------------------------------------------
# Step 1: parse, with limits on the input
# --------------------------------------------------------------------------------------


def _parse(text: str) -> tuple[ast.Expression, int]:
    """The syntax tree of ``text``, and how many leading spaces were cut off for ``ast``."""
    if not isinstance(text, str):
        raise TypeError(f"an expression must be a str, got {type(text).__name__}: {text!r}.")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}"
        )
    for column, char in enumerate(text, start=1):
        if not char.isprintable():
            raise ExpressionError(
                f"the expression must be one line of printable text; found {char!r}", column
            )
    body = text.lstrip()
    if not body:
        raise ExpressionError("the expression is empty; type a formula such as 'x * w + b'")
    shift = len(text) - len(body)  # ast would reject leading spaces as an indent
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError as error:
        # offset 0 (or past the text) means the text ended too early, as in "x +"
        offset = error.offset if error.offset and error.offset <= len(body) else len(body) + 1
        column = offset + shift
        near = text[column - 1 : column + 9]
        where = f" near {near!r}" if near.strip() else " at the end"
        raise ExpressionError(f"syntax error{where}: {error.msg}", column) from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply or is too complex") from None
    return tree, shift


def _variables(variables: Mapping[str, Number | Value]) -> dict[str, Value]:
    """Check the variables and make numbers into leaf Values labelled with their names."""
    if not isinstance(variables, Mapping):
        raise TypeError(
            f"variables must be a dict of name -> number, got {type(variables).__name__}."
        )
    values: dict[str, Value] = {}
    for name, value in variables.items():
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            raise ExpressionError(f"{name!r} is not a valid variable name (use e.g. x, w1, bias)")
        if name in FUNCTIONS:
            raise ExpressionError(
                f"{name!r} is the name of a function; give the variable another name"
            )
        if isinstance(value, Value):
            values[name] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ExpressionError(f"the value of {name} is {value!r}; give a finite number")
            values[name] = Value(float(value), label=name)
        else:
            raise ExpressionError(
                f"the value of {name} must be a number or a Value, got "
                f"{type(value).__name__}: {value!r}"
            )
    return values


# --------------------------------------------------------------------------------------
# Step 2: check every node against the allow-list, before computing anything
# --------------------------------------------------------------------------------------


def _check(tree: ast.Expression, text: str, shift: int, values: Mapping[str, Value]) -> None:
    """Raise an ExpressionError for the leftmost part of ``tree`` that is not allowed."""
    problems: list[tuple[int, str]] = []

    def problem(node: ast.AST, message: str) -> None:
        column = _column(text, shift, node)
        problems.append((column, message))

    called = set()
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:  # iterative, so a deep tree cannot overflow Python's stack here
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            problem(node, f"the expression is nested more than {MAX_DEPTH} levels deep")
            break
        message = _problem(node, text, shift, values, called)
        if message:
            # point at the exponent, not at the whole power, when the exponent is the problem
            at = node.right if isinstance(node, ast.BinOp) and "exponent" in message else node
            problem(at, message)
        else:
            children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.expr)]
            stack.extend((child, depth + 1) for child in children)  # not ops, not Load
    if problems:
        column, message = min(problems)
        raise ExpressionError(message, column)


def _problem(
    node: ast.AST, text: str, shift: int, values: Mapping[str, Value], called: set[int]
) -> str | None:
    """What is wrong with this one node (not its children), or None if it is allowed."""
    shown = repr(_segment(text, shift, node))
    if isinstance(node, ast.BinOp):
        if type(node.op) not in BINARY:
            symbol = SYMBOLS.get(type(node.op), "?")
            return f"the operator {symbol!r} is not supported (use + - * / **)"
        if isinstance(node.op, ast.Pow):
            return _exponent_problem(node.right, text, shift)
        return None
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            return None
        return f"the operator {SYMBOLS.get(type(node.op), '?')!r} is not supported (use -x)"
    if isinstance(node, ast.Constant):
        return _constant_problem(node.value, shown)
    if isinstance(node, ast.Name):
        if id(node) in called:
            return None
        if node.id in values:
            return None
        if node.id in FUNCTIONS:
            return f"{node.id!r} is a function: call it, as in {node.id}(x)"
        known = ", ".join(values) or "none given"
        return f"unknown name {node.id!r} (variables: {known})"
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = (
                node.func.id
                if isinstance(node.func, ast.Name)
                else _segment(text, shift, node.func)
            )
            return f"unknown function {name!r} in {shown} (allowed: {', '.join(sorted(FUNCTIONS))})"
        if node.keywords:
            return f"keyword arguments are not allowed in {shown}"
        if len(node.args) != 1:
            return f"{node.func.id}() takes one argument, got {len(node.args)} in {shown}"
        called.add(id(node.func))
        return None
    what = DESCRIPTIONS.get(type(node), type(node).__name__)
    return f"{what} ({shown}) is not allowed"


def _constant_problem(value: object, shown: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        what = "a string" if isinstance(value, (str, bytes)) else type(value).__name__
        return f"{what} ({shown}) is not allowed; only numbers, variables and functions"
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        return f"the number {shown} is too large for a float"
    return None


def _exponent_problem(exponent: ast.AST, text: str, shift: int) -> str | None:
    """A constant exponent must be small: 9**9**9 as integers would never finish."""
    try:
        k = _constant_value(exponent)
    except (OverflowError, ZeroDivisionError, ValueError):
        return f"the exponent {_segment(text, shift, exponent)!r} cannot be computed"
    if k is not None and abs(k) > MAX_EXPONENT:
        return (
            f"the exponent {_segment(text, shift, exponent)!r} = {k:.4g} is too large "
            f"(the limit is {MAX_EXPONENT})"
        )
    return None


def _constant_value(node: ast.AST) -> float | None:
    """The value of a subtree of numbers only, computed with floats; None if it has names.

    Floats, not ints: ``9.0 ** 387420489.0`` overflows at once where the int version
    would compute for ever. Exponents inside are held to the same limit.
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        inner = _constant_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY:
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            raise OverflowError
        result = BINARY[type(node.op)](left, right)
        if isinstance(result, complex) or not math.isfinite(result):
            raise ValueError
        return result
    return None


def _column(text: str, shift: int, node: ast.AST) -> int:
    """1-based column of ``node`` in the user's text (ast counts UTF-8 bytes)."""
    body = text[shift:]
    return len(body.encode()[: node.col_offset].decode(errors="ignore")) + shift + 1


def _segment(text: str, shift: int, node: ast.AST) -> str:
    return ast.get_source_segment(text[shift:], node) or ""


# --------------------------------------------------------------------------------------
# Step 3: compute, now that every node is known to be allowed
# --------------------------------------------------------------------------------------


class _Evaluator:
    """Walks the checked tree and builds the Values (one new node per operation)."""

    def __init__(
        self, text: str, shift: int, values: Mapping[str, Value], label_subexpressions: bool
    ) -> None:
        self.text, self.shift, self.values = text, shift, values
        self.label_subexpressions = label_subexpressions

    def value(self, node: ast.AST) -> Value:
        try:
            result = self._compute(node)
        except ExpressionError:
            raise
        except (ArithmeticError, ValueError, TypeError) as error:
            raise ExpressionError(
                f"cannot compute {_segment(self.text, self.shift, node)!r}: {error}",
                _column(self.text, self.shift, node),
            ) from None
        if self.label_subexpressions and result.parents and not result.label:
            label = " ".join(_segment(self.text, self.shift, node).split())
            if len(label) <= MAX_LABEL:
                result.label = label
        return result

    def _compute(self, node: ast.AST) -> Value:
        if isinstance(node, ast.Constant):
            return Value(float(node.value))
        if isinstance(node, ast.Name):
            return self.values[node.id]
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
                return Value(-float(node.operand.value))  # -3 is a number, not neg(3)
            operand = self.value(node.operand)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp):
            left = self.value(node.left)
            if isinstance(node.op, ast.Pow):
                k = _constant_value(node.right)
                if k is not None:  # x ** 2: a plain-number exponent, one '**2' op
                    return left**k
            return BINARY[type(node.op)](left, self.value(node.right))
        if isinstance(node, ast.Call):
            return FUNCTIONS[node.func.id](self.value(node.args[0]))
        raise AssertionError(f"unchecked node {ast.dump(node)}")  # _check lets none through
