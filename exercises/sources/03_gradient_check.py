# %% [markdown]
# # Exercise 3: a numerical derivative and a gradient check
#
# The course notes (导数) define the derivative as the slope `a` in
# `f(x + eps) ≈ f(x) + a * eps`. That gives a way to *estimate* it without any derivative
# rules: nudge the input and watch the output. It costs two evaluations of `f` per input,
# far too slow to train a network, but it needs nothing but `f`, which makes it the perfect
# independent check of `backward()`.
#
# The **central difference** `(f(x + eps) - f(x - eps)) / (2 * eps)` is much more accurate
# than the one-sided `(f(x + eps) - f(x)) / eps`: its error shrinks like `eps**2` instead of
# `eps`.
#
# Write
#
# 1. `numerical_grad(f, inputs, eps=1e-6)`: `f` takes plain numbers, `f(*inputs)`; return a
#    list with the central-difference derivative for each input. Do not change `inputs`.
# 2. `gradient_check(f, inputs, eps=1e-6, tol=1e-4)`: `f` takes micrograd `Value`s. Compute
#    the gradients with `backward()` and with `numerical_grad`; return `True` if they agree
#    for every input within `tol * max(1, |numerical|)` (a *relative* tolerance), else `False`.

# %% [markdown] lang="zh"
# # 练习 3：数值导数与梯度检验
#
# 课程笔记（导数一节）把导数定义为下式中的斜率 `a`：`f(x + eps) ≈ f(x) + a * eps`。这给出了一种不用任何求导法则就能*估计*导数的办法：把输入挪动一点点，看输出怎样变化。每个输入要计算两次 `f`，用来训练网络太慢了；但它除了 `f` 什么都不需要，所以正好可以用来独立地检验 `backward()`。
#
# **中心差分**（central difference）`(f(x + eps) - f(x - eps)) / (2 * eps)` 比单侧差分 `(f(x + eps) - f(x)) / eps` 准确得多：它的误差按 `eps**2` 缩小，而不是按 `eps`。
#
# 请写出
#
# 1. `numerical_grad(f, inputs, eps=1e-6)`：`f` 接收普通数字，即 `f(*inputs)`；返回一个列表，其中是每个输入的中心差分导数。不要改动 `inputs`。
# 2. `gradient_check(f, inputs, eps=1e-6, tol=1e-4)`：`f` 接收 micrograd 的 `Value`。分别用 `backward()` 和 `numerical_grad` 算出梯度；如果对每个输入，两者之差都在 `tol * max(1, |numerical|)` 以内（这是*相对*容差），就返回 `True`，否则返回 `False`。

# %%
from micrograd import Value
from micrograd.exercises import check


# %%
def numerical_grad(f, inputs, eps=1e-6):
    """Central differences: one derivative per input, f called with plain numbers."""
    ### BEGIN SOLUTION
    grads = []
    for i in range(len(inputs)):
        up = list(inputs)  # copies: the caller's list stays as it was
        down = list(inputs)
        up[i] += eps
        down[i] -= eps
        grads.append((f(*up) - f(*down)) / (2 * eps))
    return grads
    ### END SOLUTION


# %%
check("numerical_grad", numerical_grad)


# %%
def gradient_check(f, inputs, eps=1e-6, tol=1e-4):
    """True when backward() agrees with central differences for f(*Values)."""
    ### BEGIN SOLUTION
    values = [Value(x) for x in inputs]
    f(*values).backward()

    def on_numbers(*xs):
        return f(*(Value(x) for x in xs)).data

    numerical = numerical_grad(on_numbers, inputs, eps)
    return all(abs(v.grad - n) <= tol * max(1.0, abs(n)) for v, n in zip(values, numerical))
    ### END SOLUTION


# %%
check("gradient_check", gradient_check)

# %% [markdown]
# ## What a gradient check catches
#
# `x * x.detach()` has the value `x**2`, but `backward()` sees the second factor as a
# constant and gives `x` instead of `2x`. A gradient check catches exactly this kind of
# mistake, in an op you wrote yourself or in a graph built the wrong way. micrograd ships one:
# `micrograd.gradcheck(f, inputs)` also names the node whose local derivative is wrong.

# %% [markdown] lang="zh"
# ## 梯度检验能发现什么
#
# `x * x.detach()` 的值是 `x**2`，但 `backward()` 把第二个因子当作常数，给出的是 `x` 而不是 `2x`。梯度检验正好能发现这类错误，不管它出在你自己写的运算里，还是出在搭错了的计算图里。micrograd 自带一个梯度检验：`micrograd.gradcheck(f, inputs)`，它还会指出是哪个节点的局部导数错了。
