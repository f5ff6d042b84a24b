"""The README's first example works as printed."""

from micrograd import Value


def test_readme_example():
    x = Value(2.0, label="x")
    y = x * x + 3 * x
    y.backward()
    assert x.grad == 7.0
