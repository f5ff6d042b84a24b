"""Tests of micrograd.expression: typed formulas become Value graphs; nothing else runs."""

from __future__ import annotations

import builtins
import math
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import ALL_OPS, cases, close, evaluate_micrograd, to_source

from micrograd import Value, topological_order
from micrograd.cli import expression as expression_module
from micrograd.cli.expression import (
    MAX_EXPONENT,
    MAX_LENGTH,
    ExpressionError,
    parse_expression,
    variable_names,
)

NEURON = {"x": 2.0, "w": -3.0, "b": 6.8813735870195432}


# --------------------------------------------------------------------------------------
# What is allowed computes what it says
# --------------------------------------------------------------------------------------


def test_the_lecture_neuron():
    out = parse_expression("tanh(x*w + b)", NEURON)
    n = 2.0 * -3.0 + 6.8813735870195432
    assert out.data == pytest.approx(math.tanh(n))
    out.backward()
    leaves = {v.label: v for v in topological_order(out) if v.is_leaf}
    assert set(leaves) == {"x", "w", "b"}
    d_n = 1 - math.tanh(n) ** 2  # d tanh(n) / dn
    assert leaves["x"].grad == pytest.approx(d_n * -3.0)
    assert leaves["w"].grad == pytest.approx(d_n * 2.0)
    assert leaves["b"].grad == pytest.approx(d_n)
    assert [v.op for v in topological_order(out) if v.parents] == ["*", "+", "tanh"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x + w", 2.0 + -3.0),
        ("x - w - b", 2.0 - -3.0 - 6.8813735870195432),
        ("x / w", 2.0 / -3.0),
        ("x ** 3", 8.0),
        ("x ** -2", 0.25),
        ("x ** (1/2)", math.sqrt(2.0)),
        ("2 ** x", 4.0),
        ("x ** x", 4.0),
        ("-x + +w", -5.0),
        ("(x + w) * b", (2.0 - 3.0) * 6.8813735870195432),
        ("exp(x) + log(x)", math.exp(2.0) + math.log(2.0)),
        ("sigmoid(w)", 1 / (1 + math.exp(3.0))),
        ("relu(w) + relu(x)", 2.0),
        ("sin(x) * cos(w)", math.sin(2.0) * math.cos(-3.0)),
        ("abs(w)", 3.0),
        ("1.5e2 + 1_000 + 0x10", 150.0 + 1000.0 + 16.0),
        ("   x * 3   ", 6.0),
        ("7", 7.0),
    ],
)
def test_allowed_expressions_compute_their_value(text, expected):
    out = parse_expression(text, NEURON)
    assert isinstance(out, Value)
    assert out.data == pytest.approx(expected)


def test_a_constant_exponent_is_one_power_op_and_a_variable_is_one_leaf():
    out = parse_expression("x ** 2 + x", {"x": 3.0})
    ops = [v.op for v in topological_order(out) if v.parents]
    assert ops == ["**2", "+"]
    xs = [v for v in topological_order(out) if v.label == "x"]
    assert len(xs) == 1  # both uses of x are the same Value
    out.backward()
    assert xs[0].grad == 2 * 3.0 + 1


def test_negative_numbers_are_constants_not_negations():
    out = parse_expression("x * -3", {"x": 2.0})
    assert [v.op for v in topological_order(out) if v.parents] == ["*"]
    assert out.parents[1].data == -3.0 and out.parents[1].label == ""


def test_values_given_are_used_as_they_are():
    x = Value(2.0, label="input x")
    out = parse_expression("x * x", {"x": x})
    assert out.parents == (x, x)
    assert x.label == "input x"


def test_subexpression_labels():
    out = parse_expression("tanh(x*w + b)", NEURON, label_subexpressions=True)
    labels = {v.label for v in topological_order(out)}
    assert labels == {"x", "w", "x*w", "b", "x*w + b", "tanh(x*w + b)"}
    long = parse_expression("x + x + x + x + x + x + x + x + x", {"x": 1.0}, label_subexpressions=1)
    assert long.label == ""  # too long to be a useful label
    assert parse_expression("x * 2", {"x": 1.0}).label == ""  # off by default


@settings(max_examples=60, deadline=None)
@given(cases(ops=[op for op in ALL_OPS if op not in ("sum", "dot")]))
def test_any_generated_formula_matches_the_engine(case):
    """The parsed text and the same formula built directly with Values agree."""
    direct, inputs = evaluate_micrograd(case.expr, case.inputs)
    direct.backward()
    variables = {f"x{i}": x for i, x in enumerate(case.inputs)}
    parsed = parse_expression(to_source(case.expr), variables)
    parsed.backward()
    assert close(parsed.data, direct.data)
    leaves = {v.label: v for v in topological_order(parsed) if v.label}
    for i, x in enumerate(inputs):
        want = x.grad
        got = leaves[f"x{i}"].grad if f"x{i}" in leaves else 0.0
        assert close(got, want, rel=1e-6, abs_=1e-7), (i, got, want)


def test_variable_names_in_order_without_functions():
    assert variable_names("tanh(x*w + b) + x") == ["x", "w", "b"]
    assert variable_names("exp(2)") == []
    with pytest.raises(ExpressionError, match="syntax"):
        variable_names("x +")


# --------------------------------------------------------------------------------------
# What is not allowed is refused, with the place, and nothing runs
# --------------------------------------------------------------------------------------

HOSTILE = [
    ("__import__('os')", "unknown function '__import__'"),
    ("__import__('os').system('touch {canary}')", "unknown function"),
    ("open('{canary}', 'w')", "unknown function 'open'"),
    ('exec(\'open("{canary}", "w")\')', "unknown function 'exec'"),
    ("eval('1')", "unknown function 'eval'"),
    ("x.__class__", "attribute access ('x.__class__')"),
    ("().__class__.__bases__", "attribute access"),
    ("x.data", "attribute access"),
    ("getattr(x, 'data')", "unknown function 'getattr'"),
    ("lambda: 1", "lambda"),
    ("[x]", "a list"),
    ("(x, x)", "a tuple"),
    ("{x}", "a set"),
    ("{'a': x}", "a dict"),
    ("[i for i in (1, 2)]", "comprehension"),
    ("x[0]", "indexing"),
    ('"s"', "a string"),
    ("b'bytes'", "a string"),
    ("f'{x}'", "f-string"),
    ("9**9**9", "exponent '9**9'"),
    ("10**10**10", "exponent '10**10'"),
    ("x ** 1000", "exponent '1000'"),
    ("2 ** -101", "exponent '-101'"),
    ("x ** (2 ** 7)", "exponent '2 ** 7'"),
    ("y + x", "unknown name 'y'"),
    ("__builtins__", "unknown name '__builtins__'"),
    ("exp", "'exp' is a function"),
    ("exp(x, x)", "takes one argument"),
    ("exp()", "takes one argument"),
    ("exp(x=1)", "keyword arguments"),
    ("exp(*[x])", "unpacking"),
    ("x.exp()", "unknown function 'x.exp'"),
    ("sum([x])", "unknown function 'sum'"),
    ("x // 2", "'//'"),
    ("x % 2", "'%'"),
    ("x @ x", "'@'"),
    ("~x", "'~'"),
    ("not x", "'not'"),
    ("x < 1", "comparison"),
    ("x and 1", "and/or"),
    ("x if x else 1", "if/else"),
    ("(y := 1)", "assignment"),
    ("1j", "complex"),
    ("True", "bool"),
    ("None", "NoneType"),
    ("...", "ellipsis"),
    ("1e400", "too large"),
    ("tanh(x", "syntax error"),
    ("x +", "syntax error at the end"),
    ("x; import os", "syntax error"),
    ("import os", "syntax error"),
    ("x\n+ 1", "one line"),
    ("x\x00", "one line"),
    ("", "empty"),
    ("   ", "empty"),
    ("-" * 300 + "x", "nested"),
    ("x + " * 200 + "x", "characters long"),
]


@pytest.mark.timeout(10)
@pytest.mark.parametrize(("text", "message"), HOSTILE)
def test_hostile_input_is_refused_and_nothing_runs(text, message, tmp_path, monkeypatch):
    canary = tmp_path / "canary"
    text = text.replace("{canary}", str(canary))

    def tripwire(*args, **kwargs):
        raise AssertionError(f"{text!r} ran Python code outside the allow-list")

    # What a hostile formula would need: none of it may be called while parsing.
    dangerous = ("__import__", "open", "exec", "eval")
    saved = {name: getattr(builtins, name) for name in dangerous}
    monkeypatch.setattr(os, "system", tripwire)
    try:
        for name in dangerous:
            setattr(builtins, name, tripwire)
        parse_expression(text, {"x": 2.0})
    except ExpressionError as refused:
        error = refused
    else:
        error = None
    finally:
        for name, function in saved.items():
            setattr(builtins, name, function)
    assert error is not None, f"{text!r} was accepted"
    shown = str(error)
    assert message.lower() in shown.lower(), shown
    assert "\n" not in shown  # one line
    assert isinstance(error, ValueError)
    assert not canary.exists()


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("y + x", 1),
        ("x + y", 5),
        ("tanh(x * y)", 10),
        ("x + x.__class__", 5),
        ("x ** 1000", 6),
        ("  x + open('f')", 7),
        ("x * (1 + 2 +)", 13),
        ("x +", 4),
        ("tanh(x", 5),
        ("α + x", 1),
        ("α + y", 5),  # columns count characters, not UTF-8 bytes
    ],
)
def test_the_error_says_where(text, column):
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, {"x": 2.0, "α": 1.0} if "α + y" in text else {"x": 2.0})
    assert error.value.column == column
    assert str(error.value).startswith(f"column {column}: ")


def test_the_error_names_the_offending_token_and_the_known_names():
    with pytest.raises(ExpressionError, match=r"unknown name 'z' \(variables: x, w, b\)"):
        parse_expression("x * z", NEURON)
    with pytest.raises(ExpressionError, match=r"allowed: abs, cos, exp, log, relu"):
        parse_expression("sqrt(x)", NEURON)


def test_length_limit_is_exact():
    ok = "x" + " + x" * ((MAX_LENGTH - 1) // 4)
    assert len(ok) <= MAX_LENGTH
    parse_expression(ok.ljust(MAX_LENGTH), {"x": 1.0})
    with pytest.raises(ExpressionError, match=f"{MAX_LENGTH + 1} characters"):
        parse_expression(ok.ljust(MAX_LENGTH + 1), {"x": 1.0})


def test_exponent_limit_is_exact():
    assert parse_expression(f"x ** {MAX_EXPONENT}", {"x": 1.0}).op == f"**{MAX_EXPONENT}"
    assert parse_expression(f"x ** -{MAX_EXPONENT}", {"x": 1.0}).data == 1.0
    with pytest.raises(ExpressionError, match="exponent"):
        parse_expression(f"x ** {MAX_EXPONENT + 1}", {"x": 1.0})


def test_math_errors_while_computing_are_expression_errors():
    with pytest.raises(ExpressionError, match=r"column 5: cannot compute 'log\(w\)'.*log"):
        parse_expression("x + log(w)", NEURON)
    with pytest.raises(ExpressionError, match="division by zero"):
        parse_expression("x / (w + 3)", NEURON)
    with pytest.raises(ExpressionError, match="too large"):
        parse_expression("exp(x * 1000)", NEURON)
    with pytest.raises(ExpressionError, match="not a real number"):
        parse_expression("w ** 0.5", NEURON)


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"exp": 1.0}, "'exp' is the name of a function"),
        ({"1x": 1.0}, "'1x' is not a valid variable name"),
        ({"lambda": 1.0}, "'lambda' is not a valid variable name"),
        ({"x": math.inf}, "the value of x is inf"),
        ({"x": math.nan}, "the value of x is nan"),
        ({"x": "2"}, "must be a number or a Value, got str"),
        ({"x": True}, "got bool"),
    ],
)
def test_bad_variables_are_named(variables, message):
    with pytest.raises(ExpressionError, match=message):
        parse_expression("1", variables)


def test_wrong_argument_types():
    with pytest.raises(TypeError, match="must be a str"):
        parse_expression(42, {})
    with pytest.raises(TypeError, match="dict"):
        parse_expression("x", [("x", 1.0)])


def test_the_old_import_paths_still_work():
    """The parser moved into micrograd.cli; the names users imported before still work."""
    import importlib

    import micrograd
    import micrograd.expression as old

    assert old is expression_module  # one module, not a copy
    assert importlib.import_module("micrograd.expression") is expression_module
    assert micrograd.expression is expression_module
    assert micrograd.parse_expression is parse_expression
    from micrograd import parse_expression as top_level

    assert top_level("x * 2", {"x": 3.0}).data == 6.0


def test_fullwidth_names_are_normalised_in_the_variables_as_in_the_text():
    """Python reads "ｘ" in the text as "x" (NFKC); the variables are read the same way."""
    out = parse_expression("ｘ * 2", {"ｘ": 3.0})
    assert out.data == 6.0
    assert [v.label for v in topological_order(out) if v.label] == ["x"]
    assert parse_expression("x * 2", {"ｘ": 3.0}).data == 6.0
    with pytest.raises(ExpressionError, match="both 'x'"):
        parse_expression("x", {"x": 1.0, "ｘ": 2.0})


@pytest.mark.parametrize(
    "text",
    [
        "x + " + "y" * 450,  # a long unknown name
        "x + foo(" + "x + " * 100 + "x)",  # a long unknown call
        "(" + "x + " * 100 + "x).data",  # a long attribute
        "x ** (" + "1 + " * 100 + "1)",  # a long exponent
    ],
)
def test_messages_cut_long_input(text):
    with pytest.raises(ExpressionError) as error:
        parse_expression(text, {"x": 2.0})
    assert len(str(error.value)) < 250, str(error.value)
    assert "..." in str(error.value)


def test_numbers_alone_are_computed_at_once_and_checked():
    out = parse_expression("x ** (1/2) + 2 * 3", {"x": 4.0})
    assert out.data == 8.0
    assert [v.op for v in topological_order(out) if v.parents] == ["**0.5", "+"]
    with pytest.raises(ExpressionError, match="not a real number"):
        parse_expression("x + (-8) ** (1/3)", {"x": 1.0})
    with pytest.raises(ExpressionError, match="cannot compute '1e308 \\* 10'"):
        parse_expression("x + 1e308 * 10", {"x": 1.0})
    with pytest.raises(ExpressionError, match="cannot compute '1 / 0'"):
        parse_expression("x + 1 / 0", {"x": 1.0})
    assert parse_expression("7", {}).data == 7.0


@pytest.mark.parametrize("text", ["1if x else 2", "x*1and 2", "0x1for", "'\\d'"])
def test_what_python_only_warns_about_is_refused_without_a_warning(text, recwarn):
    with pytest.raises(ExpressionError, match="column"):
        parse_expression(text, {"x": 1.0})
    assert not recwarn.list  # nothing printed beside the one-line error


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["x", "y", "1", "9", "e", ".", "+", "-", "*", "/", "**", "(", ")", "exp(", "log(",
             "tanh(", "abs(", ",", " ", "_", "[", "]", "'", ":", "=", "@", "%", "if", "for", "ｘ"]
        ),
        max_size=30,
    ).map("".join)
)  # fmt: skip
def test_any_text_gives_a_value_or_an_expression_error(text):
    """Whatever a user types: a finite Value, or one ExpressionError line; nothing else."""
    try:
        out = parse_expression(text, {"x": 2.0, "y": -1.0})
    except ExpressionError as error:
        assert "\n" not in str(error) and len(str(error)) < 300
    else:
        assert isinstance(out, Value) and math.isfinite(out.data)
