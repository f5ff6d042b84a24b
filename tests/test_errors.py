"""Every bad input of the issue: the exception type, and a message that names the
operation and the offending value (or type)."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import micrograd
from micrograd import Value


def raised(error: type[Exception], call: Callable[[], object]) -> str:
    """The message of the ``error`` that ``call()`` must raise."""
    with pytest.raises(error) as info:
        call()
    return str(info.value)


# --------------------------------------------------------------------------------------
# Value(data): real numbers only
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, type_name",
    [
        ("3.0", "str"),
        (None, "NoneType"),
        (1 + 2j, "complex"),
        ([1.0], "list"),
        ((1.0,), "tuple"),
        ({"x": 1.0}, "dict"),
        (b"1", "bytes"),
    ],
)
def test_value_of_a_non_number_is_a_type_error_naming_the_type(data, type_name):
    message = raised(TypeError, lambda: Value(data))
    assert type_name in message
    assert "Value" in message  # which call went wrong


@pytest.mark.parametrize("data", [math.nan, math.inf, -math.inf])
def test_value_of_nan_or_infinity_is_a_value_error(data):
    message = raised(ValueError, lambda: Value(data))
    assert "Value" in message and repr(data) in message


def test_value_of_an_integer_too_large_for_a_float():
    with pytest.raises(OverflowError, match="too large"):
        Value(10**400)


def test_label_must_be_a_string():
    with pytest.raises(TypeError, match="int"):
        Value(1.0, label=3)


@pytest.mark.parametrize(
    "build, op, type_name",
    [
        (lambda x: x + "1", "+", "str"),
        (lambda x: "1" + x, "+", "str"),
        (lambda x: x - None, "-", "NoneType"),
        (lambda x: x * [2.0], "*", "list"),
        (lambda x: x / 1j, "/", "complex"),
        (lambda x: 1j / x, "/", "complex"),
    ],
)
def test_operators_with_a_non_number_name_the_op_and_type(build, op, type_name):
    message = raised(TypeError, lambda: build(Value(2.0)))
    assert type_name in message
    assert op in message


def test_power_with_a_non_number_exponent_names_the_type():
    with pytest.raises(TypeError, match="str"):
        Value(2.0) ** "2"


# --------------------------------------------------------------------------------------
# log of a non-positive number
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [0.0, -0.0, -2.5, -1e-300])
def test_log_of_a_non_positive_value(data):
    message = raised(ValueError, Value(data).log)
    assert "log" in message
    assert repr(data) in message


@pytest.mark.parametrize("data", [0.0, -3.0])
def test_log_function_on_a_plain_number(data):
    message = raised(ValueError, lambda: micrograd.log(data))
    assert "log" in message and repr(float(data)) in message


def test_log_of_a_computed_zero():
    x = Value(2.0)
    with pytest.raises(ValueError, match=r"log\(0\.0\)"):
        (x - 2.0).log()


# --------------------------------------------------------------------------------------
# exp overflow, and overflow in other ops
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [710.0, 1000.0, 1e300])
def test_exp_overflow(data):
    message = raised(OverflowError, Value(data).exp)
    assert "exp" in message
    assert repr(data) in message


def test_exp_function_overflow_on_a_plain_number():
    with pytest.raises(OverflowError, match=r"exp\(1000\.0\)"):
        micrograd.exp(1000.0)


def test_exp_just_below_the_limit_is_fine():
    assert Value(709.0).exp().data == pytest.approx(math.exp(709.0))


@pytest.mark.parametrize(
    "build, op",
    [
        (lambda x: x * 1e200, "*"),
        (lambda x: x * 1e108 + 1.7e308, "+"),
        (lambda x: x**200, "**"),
        (lambda x: micrograd.sum([x, 1.7e308, 1.7e308]), "sum"),
    ],
)
def test_overflow_in_arithmetic_names_the_op(build, op):
    message = raised(OverflowError, lambda: build(Value(1e200)))
    assert op in message
    assert "1e+200" in message or "1.7e+308" in message or "1e+308" in message


# --------------------------------------------------------------------------------------
# Division by zero
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda x, z: x / z,
        lambda x, z: x / 0,
        lambda x, z: x / 0.0,
        lambda x, z: 1 / z,
        lambda x, z: z / z,
        lambda x, z: x / (x - x),
    ],
    ids=["value/value", "value/int", "value/float", "number/value", "0/0", "computed zero"],
)
def test_division_by_zero(build):
    message = raised(ZeroDivisionError, lambda: build(Value(3.0), Value(0.0)))
    assert "division" in message or "/" in message
    assert "0.0" in message


@pytest.mark.parametrize("k", [-1, -2, -0.5])
def test_negative_power_of_zero(k):
    message = raised(ZeroDivisionError, lambda: Value(0.0) ** k)
    assert "0.0" in message and repr(float(k)) in message


# --------------------------------------------------------------------------------------
# Powers outside the real numbers
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build, base",
    [
        (lambda: Value(-2.0) ** Value(2.0), -2.0),
        (lambda: Value(0.0) ** Value(2.0), 0.0),
        (lambda: (-2) ** Value(3.0), -2.0),
        (lambda: 0 ** Value(1.0), 0.0),
        (lambda: (-1.5) ** Value(2.0), -1.5),
    ],
)
def test_non_positive_base_with_a_value_exponent(build, base):
    message = raised(ValueError, build)
    assert repr(base) in message
    assert "positive" in message  # says what the base needs to be


def test_negative_base_with_a_fractional_plain_exponent():
    message = raised(ValueError, lambda: Value(-4.0) ** 0.5)
    assert "-4.0" in message and "0.5" in message


def test_negative_base_with_a_whole_plain_exponent_is_fine():
    x = Value(-2.0)
    out = x**3
    out.backward()
    assert (out.data, x.grad) == (-8.0, 12.0)


# --------------------------------------------------------------------------------------
# Nothing half-built: a failing op leaves the operands as they were
# --------------------------------------------------------------------------------------


def test_a_failed_op_does_not_change_its_operands():
    x = Value(0.0, label="x")
    for bad in (lambda: x.log(), lambda: 1 / x, lambda: x ** Value(2.0)):
        with pytest.raises((ValueError, ZeroDivisionError)):
            bad()
    assert (x.data, x.grad, x.label, x.parents) == (0.0, 0.0, "x", ())


# --------------------------------------------------------------------------------------
# A power whose derivative is infinite at 0
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0.5, 0.25])
def test_fractional_power_of_zero_names_the_power_the_user_wrote(k):
    # sqrt(0) = 0 but its derivative is infinite. Whatever the engine does about that, an
    # error must name x ** k as written, not the k - 1 of the derivative rule it used.
    try:
        out = Value(0.0) ** k
    except ArithmeticError as error:
        message = str(error)
        assert f"** {k!r}" in message, message
        assert "0.0" in message and "derivative" in message, message
    else:
        assert out.data == 0.0


def test_second_derivative_of_a_power_infinite_at_zero_names_the_power():
    x = Value(0.0)
    y = x**1.5
    y.backward()
    assert (y.data, x.grad) == (0.0, 0.0)  # 1.5 x ** 0.5 = 0 at 0: fine
    try:
        (d1,) = micrograd.grad(y, [x], create_graph=True)  # 1.5 x ** 0.5, recorded
        (d2,) = micrograd.grad(d1, [x])  # 0.75 x ** -0.5: infinite at 0
    except ArithmeticError as error:
        assert "** 0.5" in str(error) and "derivative" in str(error), str(error)
    else:
        assert d2 == math.inf  # if not an error, then the true value


# --------------------------------------------------------------------------------------
# The same, for many random bad inputs
# --------------------------------------------------------------------------------------

non_numbers = st.one_of(
    st.text(max_size=5),
    st.none(),
    st.complex_numbers(allow_nan=False),
    st.lists(st.floats(allow_nan=False), max_size=3),
    st.binary(max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
    st.sets(st.integers(), max_size=2),
)


@given(non_numbers)
def test_any_non_number_in_value_is_a_type_error_naming_its_type(data):
    assert type(data).__name__ in raised(TypeError, lambda: Value(data))


@given(non_numbers, st.sampled_from(["+", "-", "*", "/"]), st.booleans())
def test_any_non_number_operand_is_a_type_error_naming_its_type(data, op, value_first):
    x = Value(1.5)
    a, b = (x, data) if value_first else (data, x)
    apply = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}[op]
    assert type(data).__name__ in raised(TypeError, lambda: apply(a, b))


@given(st.floats(max_value=0.0, allow_nan=False, allow_infinity=False))
def test_log_of_any_non_positive_number(data):
    message = raised(ValueError, Value(data).log)
    assert "log" in message and repr(data) in message


@given(st.floats(min_value=709.8, allow_nan=False, allow_infinity=False))
def test_exp_of_any_too_large_number(data):
    message = raised(OverflowError, Value(data).exp)
    assert "exp" in message and repr(data) in message
