# %% [markdown]
# # Exercise 7: why does the gradient have W's shape?
#
# The course notes ask (张量运算的导数：梯度): *the derivative of `loss_value = f(W)` at `W0` is a
# tensor `gradient(f)(W0)` with the same shape as `W`. Why?*
#
# Take `y_pred = W x` with `W` an `m x n` matrix (a list of `m` rows of `n` numbers), `x` a list
# of `n` numbers, and the loss
#
#     loss = sum over i of (y_pred[i] - y[i]) ** 2
#
# Write d loss / d W twice, each time as a list of `m` rows of `n` numbers:
#
# 1. `grad_W_by_hand(W, x, y)`: with a formula you derive on paper (the chain rule: first
#    d loss / d y_pred[i], then d y_pred[i] / d W[i][j]);
# 2. `grad_W_with_engine(W, x, y)`: by making each `W[i][j]` a `Value` and calling
#    `backward()`.
#
# Then answer the question in the cell at the end.

# %% [markdown] lang="zh"
# # 练习 7：梯度为什么和 W 形状相同？
#
# 课程笔记（张量运算的导数：梯度）里写道：
#
# > 假设 $W$ 的当前值为 $W0$。$f$ 在 $W0$ 点的导数是一个张量 $gradient(f)(W0)$，其形状与 $W$ 相同。TODO，导数也是张量且形状与 $W$ 相同的原因是什么？
#
# 这个练习让你自己算出答案。设 `y_pred = W x`，其中 `W` 是 `m x n` 矩阵（`m` 行、每行 `n` 个数的列表），`x` 是 `n` 个数的列表，损失为
#
#     loss = 对所有 i 求和 (y_pred[i] - y[i]) ** 2
#
# 请把 d loss / d W 写两遍，每次都写成 `m` 行、每行 `n` 个数的列表：
#
# 1. `grad_W_by_hand(W, x, y)`：用你在纸上推出的公式（链式法则：先求 d loss / d y_pred[i]，再求 d y_pred[i] / d W[i][j]）；
# 2. `grad_W_with_engine(W, x, y)`：把每个 `W[i][j]` 变成一个 `Value`，然后调用 `backward()`。
#
# 最后，在末尾的单元格里回答这个问题。

# %%
from micrograd import Value
from micrograd.exercises import check


# %%
def grad_W_by_hand(W, x, y):
    """d loss / d W for loss = sum_i ((W x)_i - y_i)**2, in W's shape (by the formula)."""
    ### BEGIN SOLUTION
    residual = [sum(w * xj for w, xj in zip(row, x)) - target for row, target in zip(W, y)]
    # d loss / d W[i][j] = 2 * residual[i] * x[j]: row i of W only affects y_pred[i]
    return [[2 * residual[i] * x[j] for j in range(len(x))] for i in range(len(W))]
    ### END SOLUTION


# %%
check("grad_W_by_hand", grad_W_by_hand)


# %%
def grad_W_with_engine(W, x, y):
    """d loss / d W, computed by micrograd's backward(), in W's shape."""
    ### BEGIN SOLUTION
    weights = [[Value(w) for w in row] for row in W]
    loss = Value(0.0)
    for row, target in zip(weights, y):
        y_pred = sum((w * xj for w, xj in zip(row, x)), Value(0.0))
        loss = loss + (y_pred - target) ** 2
    loss.backward()
    return [[w.grad for w in row] for row in weights]
    ### END SOLUTION


# %%
check("grad_W_with_engine", grad_W_with_engine)

# %% [markdown]
# ## Your answer: why does the gradient have W's shape?
#
# ### BEGIN SOLUTION
# The loss is one number that depends on every weight. The gradient collects one partial
# derivative per weight: entry `[i][j]` is how fast the loss changes when `W[i][j]` alone
# changes (d loss / d W[i][j]). There is exactly one such number for each entry of `W`, so
# arranging them like `W` makes entry `[i][j]` belong to weight `[i][j]`. That is also what
# makes the update `W -= step * gradient` work entry by entry. Here entry `[i][j]` is
# `2 * (y_pred[i] - y[i]) * x[j]`: the error of output `i` times the input `j` that weight
# `[i][j]` multiplies, an outer product of the error (`m` numbers) and the input (`n`).
# ### END SOLUTION

# %% [markdown] lang="zh"
# ## 你的回答：梯度为什么和 W 形状相同？
#
# ### BEGIN SOLUTION
# 损失是一个数，它依赖于每一个权重。梯度把每个权重的偏导数收集在一起：第 `[i][j]` 项是只改变 `W[i][j]` 时损失变化的快慢（d loss / d W[i][j]）。`W` 的每一项恰好对应一个这样的数，所以把它们按 `W` 的样子排列，第 `[i][j]` 项就正好属于权重 `[i][j]`。也正因为如此，更新 `W -= step * gradient` 才能逐项进行。在这里，第 `[i][j]` 项是 `2 * (y_pred[i] - y[i]) * x[j]`：输出 `i` 的误差乘以权重 `[i][j]` 所乘的那个输入 `j`，也就是误差（`m` 个数）和输入（`n` 个数）的外积。
# ### END SOLUTION
