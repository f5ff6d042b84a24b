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

# %% [markdown] lang="zh"
# # 练习 1：每个运算的局部导数
#
# 自动求导（autograd）引擎里的每个运算都要知道两件事：怎样算出结果（**前向传播**，forward pass），以及某个输入稍微变一点时结果会变多少（它的**局部导数**，local derivative）。反向传播（backpropagation）说到底就是沿着计算图（computation graph：记录每个运算由哪些输入算出的图）把这些局部导数乘起来，也就是链式法则（chain rule）。
#
# 下面是一个很小的 `Value` 类，写法和 Andrej Karpathy 的 micrograd 一样。每个运算都会新建一个节点 `out`，它记住两样东西：
#
# - 它的**子节点**（children），即算出它的那些输入，存在 `out._prev` 里，这样 `backward()` 才能沿着计算图一路走回输入；
# - 一个闭包（closure，即记住了外层变量的内部函数）`out._backward`：一旦知道了 `out.grad`（即 d loss / d out），它就把 `局部导数 * out.grad` **加到**每个子节点的 `.grad` 上。
#
# `__add__` 已经写好，作为示例。请写出 `__mul__`、`__truediv__`、`__pow__`、`exp`、`tanh` 和 `log`：把每个标着 `# YOUR CODE HERE` 的地方填好，然后运行它下面的检查。
#
# 检查会测试下面三条规则，原因如下：
#
# 1. `Value(result, (self, other), "op")`：新建节点时如果不带上子节点，`backward()` 就走不到输入。
# 2. 用 `+=`，不要用 `=`：一个节点如果被用了两次（`a * a`、`a + a`），每用一次都会得到一份梯度。
# 3. 乘上 `* out.grad`：这就是链式法则。局部导数说的是 `out` 随输入怎样变化；`out.grad` 说的是损失随 `out` 怎样变化。

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

# %% [markdown] lang="zh"
# ## 逐个检查每个运算
#
# 每个检查都会在许多输入上运行你的运算（随机的、负的、零，以及同一个 Value 被用两次的情形），并和 micrograd 自己的引擎对比。为了让常见的疏忽显露出来，检查会先给每个输入一个已有的梯度（好像它在计算图的别处也被用到了），并把 `out.grad` 设成一个不等于 1 的数。如果检查没通过，请读它的诊断：诊断会说明错在哪里、在什么位置、用了哪些数字；提示会提出一个问题，引你找到改法。检查运行期间，micrograd 自己的 `backward()` 和 `grad()` 不能使用。

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

# %% [markdown] lang="zh"
# ## 一起检查
#
# `check("ops", Value)` 把六个运算一起检查；老师的评分程序读取 `result.score` 和 `result.passed`。

# %%
result = check("ops", Value, quiet=True)
print(f"status: {result.status}, score: {result.score:.0%}")
