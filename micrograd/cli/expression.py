"""Turn an expression typed by a user, such as ``"tanh(x*w + b)"``, into a graph of Values.

>>> out = parse_expression("tanh(x*w + b)", {"x": 2.0, "w": -3.0, "b": 6.8813735870195432})
>>> round(out.data, 4)
0.7071
>>> parse_expression("x.__class__", {"x": 1.0})
Traceback (most recent call last):
...
micrograd.cli.expression.ExpressionError: column 1: attribute access ('x.__class__') is not allowed

The text is **never** given to ``eval``. Python's ``ast`` module parses it, and one walk
over the syntax tree computes it: each node is looked up in an allow-list (numbers, the
given variables, ``+ - * / **``, unary ``-``, and calls of the engine's functions exp log
tanh sigmoid relu sin cos abs with one argument) and anything not on the list stops the
walk with an :class:`ExpressionError` naming the part and its column. So the only code
that ever runs is micrograd's own arithmetic on Values. Attributes, indexing, other calls,
strings, lambdas, huge exponents such as ``9**9**9``, very long or deeply nested input are
refused.
"""

from __future__ import annotations

import ast
import keyword
import math
import operator
import unicodedata
import warnings
from collections.abc import Callable, Mapping

from micrograd.cli import shorten  # long input is cut in messages
from micrograd.engine import Value

__all__ = ["FUNCTIONS", "ExpressionError", "parse_expression", "variable_names"]

MAX_LENGTH = 500  # characters: a formula for a teaching graph, not a program
MAX_DEPTH = 250  # nesting of the syntax tree (x + x + ... nests one level per +)
MAX_EXPONENT = 100  # |k| in x ** k for a constant k: 9**9**9 would never finish as an int
MAX_LABEL = 24  # longest sub-expression used as a node label

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "exp": Value.exp, "log": Value.log, "tanh": Value.tanh, "sigmoid": Value.sigmoid,
    "relu": Value.relu, "sin": Value.sin, "cos": Value.cos, "abs": Value.__abs__,
}  # fmt: skip
OPERATORS: dict[type, Callable] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.Pow: operator.pow,
}  # fmt: skip
# Syntax a student may try, in words for the error message (other syntax is named by its
# ast class).
REFUSED = {
    "Attribute": "attribute access", "Subscript": "indexing", "Lambda": "a lambda",
    "List": "a list", "Tuple": "a tuple", "Set": "a set", "Dict": "a dict",
    "ListComp": "a comprehension", "SetComp": "a comprehension", "DictComp": "a comprehension",
    "GeneratorExp": "a comprehension", "Compare": "a comparison", "BoolOp": "and/or",
    "IfExp": "if/else", "NamedExpr": "an assignment (:=)", "JoinedStr": "an f-string",
    "Starred": "unpacking (*)",
}  # fmt: skip


class ExpressionError(ValueError):
    """An expression that cannot be drawn: the message names the problem and its column."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column


def parse_expression(
    text: str,
    variables: Mapping[str, float | Value],
    *,
    label_subexpressions: bool = False,
) -> Value:
    """Compute ``text`` with micrograd Values and return the result (the graph's root).

    ``variables`` maps each name to a number (made into a leaf Value labelled with the
    name) or to a Value (used as it is); names are NFKC-normalised as Python does, so
    ``"ｘ"`` is ``"x"``. Numbers in the text become unlabelled constant leaves; arithmetic
    on numbers alone is done at once (``2 * 3`` is the constant 6), so a constant exponent
    stays a plain number (``x ** 2`` is one ``**2`` op). With ``label_subexpressions=True``
    each computed Value is labelled with the part of the text it computes (if short), e.g.
    ``"x*w"``.

    Raises :class:`ExpressionError` at the first part outside the allowed grammar, and for
    math errors while computing (e.g. ``log(0)``).

    >>> parse_expression("x ** 2 + 1", {"x": 3}).data
    10.0
    """
    tree, shift = _parse(text)
    walk = _Walk(text, shift, _variables(variables), label_subexpressions)
    result = walk.value(tree.body, depth=1)
    return result if isinstance(result, Value) else Value(result)


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


def match_values(text: str, values: dict) -> tuple[list[str], list[str], list[str]]:
    """The variables ``text`` uses, those of them with no value in ``values``, and the
    names in ``values`` that ``text`` does not use (what the graph command and the
    playground refuse before computing anything).

    >>> match_values("x*w + b", {"x": 1.0, "w": 2.0, "c": 3.0})
    (['x', 'w', 'b'], ['b'], ['c'])
    """
    used = variable_names(text)
    missing = [name for name in used if name not in values and name not in FUNCTIONS]
    return used, missing, [name for name in values if name not in used]


def _parse(text: str) -> tuple[ast.Expression, int]:
    """The syntax tree of ``text``, and how many leading spaces were cut off for ``ast``."""
    if not isinstance(text, str):
        shown = shorten(repr(text))
        raise TypeError(f"an expression must be a str, got {type(text).__name__}: {shown}.")
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
        with warnings.catch_warnings():  # "1if x": a refusal, not a warning printed on stderr
            warnings.simplefilter("error")  # Python then raises it as a SyntaxError
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


def _variables(variables: Mapping[str, float | Value]) -> dict[str, Value]:
    """Check the variables and make numbers into leaf Values labelled with their names."""
    if not isinstance(variables, Mapping):
        raise TypeError(
            f"variables must be a dict of name -> number, got {type(variables).__name__}."
        )
    values: dict[str, Value] = {}
    for given, value in variables.items():
        # Python reads the identifiers of the text in NFKC form ("ｘ" is "x"): so do we.
        name = unicodedata.normalize("NFKC", given) if isinstance(given, str) else given
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name):
            shown = shorten(repr(given))
            raise ExpressionError(f"{shown} is not a valid variable name (use e.g. x, w1, bias)")
        if name in FUNCTIONS:
            raise ExpressionError(
                f"{name!r} is the name of a function; give the variable another name"
            )
        if name in values:
            raise ExpressionError(f"{given!r} and another variable are both {name!r}")
        if isinstance(value, Value):
            values[name] = value
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            if not math.isfinite(value):
                raise ExpressionError(f"the value of {name} is {value!r}; give a finite number")
            values[name] = Value(float(value), label=name)
        else:
            raise ExpressionError(
                f"the value of {name} must be a number or a Value, got "
                f"{type(value).__name__}: {shorten(repr(value))}"
            )
    return values


class _Walk:
    """One walk over the syntax tree that checks each node against the allow-list and
    computes it. Numbers alone give a plain float (so ``x ** (1/2)`` has a constant
    exponent); anything that involves a variable gives a Value."""

    def __init__(self, text: str, shift: int, values: Mapping[str, Value], label: bool) -> None:
        self.source = text[shift:].encode()  # ast's columns count UTF-8 bytes
        self.shift, self.values, self.label = shift, values, label

    def value(self, node: ast.expr, depth: int) -> Value | float:
        if depth > MAX_DEPTH:
            raise self.error(node, f"the expression is nested more than {MAX_DEPTH} levels deep")
        try:
            result = self._compute(node, depth + 1)
        except ExpressionError:
            raise
        except (ArithmeticError, ValueError, TypeError) as error:
            raise self.error(node, f"cannot compute {self.shown(node)}: {error}") from None
        label = " ".join(self.segment(node).split())
        if self.label and isinstance(result, Value) and result.parents and not result.label:
            result.label = label if len(label) <= MAX_LABEL else ""
        return result

    def _compute(self, node: ast.expr, depth: int) -> Value | float:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.variable(node)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.value(node.operand, depth)
            return -operand if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.UnaryOp):
            symbol = self.between(node.col_offset, node.operand.col_offset)
            raise self.error(node, f"the operator {symbol!r} is not supported (use -x)")
        if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
            return self.binary(node, depth)
        if isinstance(node, ast.BinOp):
            symbol = self.between(node.left.end_col_offset, node.right.col_offset)
            raise self.error(node, f"the operator {symbol!r} is not supported (use + - * / **)")
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        what = REFUSED.get(type(node).__name__, type(node).__name__)
        raise self.error(node, f"{what} ({self.shown(node)}) is not allowed")

    def number(self, node: ast.Constant) -> float:
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            what = "a string" if isinstance(node.value, (str, bytes)) else type(node.value).__name__
            only = "only numbers, variables and functions"
            raise self.error(node, f"{what} ({self.shown(node)}) is not allowed; {only}")
        try:
            number = float(node.value)
        except OverflowError:  # an integer with more than 308 digits
            number = math.inf
        if not math.isfinite(number):
            raise self.error(node, f"the number {self.shown(node)} is too large for a float")
        return number

    def variable(self, node: ast.Name) -> Value:
        if node.id in self.values:
            return self.values[node.id]
        if node.id in FUNCTIONS:
            raise self.error(node, f"{node.id!r} is a function: call it, as in {node.id}(x)")
        known = shorten(", ".join(self.values) or "none given", 80)
        raise self.error(node, f"unknown name {shorten(node.id)!r} (variables: {known})")

    def binary(self, node: ast.BinOp, depth: int) -> Value | float:
        left, right = self.value(node.left, depth), self.value(node.right, depth)
        compute = OPERATORS[type(node.op)]
        if isinstance(left, Value) or isinstance(right, Value):
            if isinstance(node.op, ast.Pow) and not isinstance(right, Value):
                self.check_exponent(node.right, right)
            return compute(left, right)
        if isinstance(node.op, ast.Pow):
            self.check_exponent(node.right, right)
        return compute(Value(left), right).data  # the engine refuses inf, NaN and complex

    def check_exponent(self, node: ast.expr, k: float) -> None:
        """A constant exponent stays small: 9**9**9 would take for ever as an integer."""
        if abs(k) > MAX_EXPONENT:
            too_large = f"is too large (the limit is {MAX_EXPONENT})"
            raise self.error(node, f"the exponent {self.shown(node)} = {k:.4g} {too_large}")

    def call(self, node: ast.Call, depth: int) -> Value:
        name = node.func.id if isinstance(node.func, ast.Name) else self.segment(node.func)
        shown, allowed = self.shown(node), ", ".join(sorted(FUNCTIONS))
        if name not in FUNCTIONS:
            message = f"unknown function {shorten(name)!r} in {shown} (allowed: {allowed})"
            raise self.error(node, message)
        if node.keywords:
            raise self.error(node, f"keyword arguments are not allowed in {shown}")
        if len(node.args) != 1:
            raise self.error(node, f"{name}() takes one argument, got {len(node.args)} in {shown}")
        argument = self.value(node.args[0], depth)
        return FUNCTIONS[name](argument if isinstance(argument, Value) else Value(argument))

    # -- where things are in the user's text --------------------------------------------

    def between(self, start: int, end: int) -> str:
        """The text between two ast columns (an operator's symbol), without brackets."""
        return self.source[start:end].decode(errors="replace").strip(" ()")

    def segment(self, node: ast.expr) -> str:
        return self.source[node.col_offset : node.end_col_offset].decode(errors="replace")

    def shown(self, node: ast.expr) -> str:
        return repr(shorten(self.segment(node)))

    def error(self, node: ast.expr, message: str) -> ExpressionError:
        """An error at ``node``'s column, counted in characters of the user's text."""
        column = len(self.source[: node.col_offset].decode(errors="ignore")) + self.shift + 1
        return ExpressionError(message, column)
