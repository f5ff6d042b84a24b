# %% [markdown]
# # Exercise 1: the local derivative of each op
#
# Every operation of an autograd engine knows two things: how to compute its result (the
# **forward pass**) and how much its result moves when one input moves a little (its **local
# derivative**). Backpropagation is nothing more than multiplying these local derivatives along
# the graph (the chain rule, 链式法则).
#
# Below is a tiny `Value` class in the style of Andrej Karpathy's micrograd. Each op makes a new
# node `out` that remembers
#
# - its **children** (the inputs it was made from) in `out._prev`, so that `backward()` can walk
#   the graph back to the inputs, and
# - a closure `out._backward` that, once `out.grad` (d loss / d out) is known, **adds**
#   `local derivative * out.grad` to the `.grad` of each child.
#
# `__add__` is done for you as an example. Write `__mul__`, `__truediv__`, `__pow__`, `exp`,
# `tanh` and `log`: fill in every cell marked `# YOUR CODE HERE` and run the check under it.
#
# Three rules that the checks test, and why:
#
# 1. `Value(result, (self, other), "op")`: a node made without its children cannot be reached
#    by `backward()`.
# 2. `+=`, not `=`: a node used twice (`a * a`, `a + a`) gets a gradient from each use.
# 3. `* out.grad`: the chain rule. The local derivative says how `out` moves with the input;
#    `out.grad` says how the loss moves with `out`.

# %%
import math

from micrograd.exercises import check


# %%
class Value:
    """A scalar that remembers how it was made, Karpathy-style."""

    def __init__(self, data, _children=(), _op="", label=""):
        self.data = float(data)
        self.grad = 0.0
        self._backward = lambda: None  # a leaf passes nothing on
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data:.4g}, grad={self.grad:.4g})"

    def __add__(self, other):  # the worked example
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            # d(a + b)/da = 1 and d(a + b)/db = 1, times the upstream gradient out.grad
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        ### BEGIN SOLUTION
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad  # d(a*b)/da = b
            other.grad += self.data * out.grad  # d(a*b)/db = a

        out._backward = _backward
        ### END SOLUTION
        return out

    def __truediv__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        ### BEGIN SOLUTION
        out = Value(self.data / other.data, (self, other), "/")

        def _backward():
            self.grad += (1.0 / other.data) * out.grad  # d(a/b)/da = 1/b
            other.grad += (-self.data / other.data**2) * out.grad  # d(a/b)/db = -a/b**2

        out._backward = _backward
        ### END SOLUTION
        return out

    def __pow__(self, n):
        assert isinstance(n, (int, float)), "only a plain-number exponent"
        ### BEGIN SOLUTION
        out = Value(self.data**n, (self,), f"**{n}")

        def _backward():
            self.grad += n * self.data ** (n - 1) * out.grad  # the power rule

        out._backward = _backward
        ### END SOLUTION
        return out

    def exp(self):
        ### BEGIN SOLUTION
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad  # d e**x / dx = e**x, already in out.data

        out._backward = _backward
        ### END SOLUTION
        return out

    def tanh(self):
        ### BEGIN SOLUTION
        out = Value(math.tanh(self.data), (self,), "tanh")

        def _backward():
            self.grad += (1 - out.data**2) * out.grad  # 1 - tanh(x)**2: the output, not x

        out._backward = _backward
        ### END SOLUTION
        return out

    def log(self):
        ### BEGIN SOLUTION
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += (1.0 / self.data) * out.grad  # d log(x)/dx = 1/x

        out._backward = _backward
        ### END SOLUTION
        return out

    # Given: these reuse the ops above.
    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other


# %% [markdown]
# ## Check each op
#
# Each check runs your op on many inputs (random ones, negative ones, zero, the same Value
# used twice) and compares with micrograd's own engine. To make the usual slips visible, it
# gives each input a gradient that is already there (as if it were used elsewhere in the graph)
# and sets `out.grad` to a number other than 1. If a check fails, read the diagnosis: it says
# what is wrong, where and with which numbers, and its hint asks the question that leads to the
# fix. micrograd's own `backward()` and `grad()` are unavailable while a check runs.

# %%
check("mul", Value)

# %%
check("div", Value)

# %%
check("pow", Value)

# %%
check("exp", Value)

# %%
check("tanh", Value)

# %%
check("log", Value)

# %% [markdown]
# ## All together
#
# `check("ops", Value)` runs all six; a teacher's grader reads `result.score` and
# `result.passed`.

# %%
result = check("ops", Value, quiet=True)
print(f"status: {result.status}, score: {result.score:.0%}")
