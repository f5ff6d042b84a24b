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
