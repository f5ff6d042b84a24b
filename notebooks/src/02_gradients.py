# %% [markdown]
# # 2. Gradients: the derivative of a loss with respect to a whole matrix (梯度)
#
# **What you will learn**
#
# - how `loss_value = f(W)` — a loss (损失) as a function of a weight matrix `W` — is built from
#   scalar Values, exactly as the notes write it: `y_pred = dot(W, x)`, `loss(y_pred, y)`;
# - what the gradient (梯度) is: one partial derivative ∂loss/∂W[i, j] per entry of `W`, shown
#   as a matrix of the same shape — and, in plain words, **why it has `W`'s shape** (the notes'
#   "TODO");
# - what the notes' word *curvature* (曲率) in point 6 of 张量运算的导数 means there, and why the
#   gradient is better called the **slope**, the direction of steepest ascent; curvature in the
#   usual sense is the **second** derivative. We compute both with
#   `micrograd.grad(..., create_graph=True)` and compare a gradient step with a Newton step,
#   which uses both.
#
# Terms in English and Chinese: the [glossary](../docs/glossary.md).

# %%
import matplotlib.pyplot as plt

import micrograd
from micrograd import Value

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## A loss as a function of a matrix
#
# The notes' example: an input vector `x`, a matrix `W`, a target `y`, and
#
# ```
# y_pred = dot(W, x)
# loss_value = loss(y_pred, y)
# ```
#
# With `W` of shape 2 × 3 and `x` of length 3, `y_pred` has 2 entries: entry `i` is the dot
# product of row `i` of `W` with `x`. We build every entry of `W` as its own Value, labelled
# with its position, and use the squared distance as the loss.
#
# Two Python details in the cell below: `micrograd.dot(row, x)` is the dot product of two lists
# (`Σ_j row[j] · x[j]`), and `micrograd.sum((p - t) ** 2 for p, t in zip(y_pred, y))` adds up the
# squared differences. The part in parentheses is a *generator expression*: it produces the terms
# one at a time for `sum` to add, without first building a list (notebook 5 says more about
# generators).

# %%
W = [[Value(v, label=f"W[{i},{j}]") for j, v in enumerate(row)] for i, row in
     enumerate([[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]])]
x = [1.0, 2.0, -1.0]
y = [1.0, 0.0]


def f(W):
    """loss_value = f(W): x and y are fixed, only W varies."""
    y_pred = [micrograd.dot(row, x) for row in W]  # dot(W, x), one row at a time
    return micrograd.sum((p - t) ** 2 for p, t in zip(y_pred, y))


loss_value = f(W)
loss_value.backward()
print("loss =", loss_value.data)
print("gradient, entry by entry:")
for row in W:
    print("   ", "  ".join(f"∂loss/∂{w.label} = {w.grad:+.2f}" for w in row))

# %% [markdown]
# After `backward()`, every entry of `W` holds its own partial derivative in `.grad`. Laid out the
# way `W` is laid out, they form a matrix of the same shape:

# %%
def show_matrix(ax, values, title, fmt):
    rows, cols = len(values), len(values[0])
    limit = max(abs(v) for row in values for v in row)
    ax.imshow(values, cmap="coolwarm", vmin=-limit, vmax=limit)
    for i in range(rows):
        for j in range(cols):
            ax.text(j, i, fmt(i, j, values[i][j]), ha="center", va="center", fontsize=9)
    ax.set_xticks(range(cols), [f"j = {j}" for j in range(cols)])
    ax.set_yticks(range(rows), [f"i = {i}" for i in range(rows)])
    ax.set_title(title)


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
show_matrix(left, [[w.data for w in row] for row in W], "W (2 × 3)",
            lambda i, j, v: f"W[{i},{j}]\n{v:+.2f}")
show_matrix(right, [[w.grad for w in row] for row in W], "gradient(f)(W) (2 × 3)",
            lambda i, j, v: f"∂loss/∂W[{i},{j}]\n{v:+.2f}")
plt.show()

# %% [markdown]
# ### Why does the gradient have `W`'s shape? (the notes' TODO)
#
# Because it holds **one number for each number in `W`**, and we keep each number where its
# weight is.
#
# - The loss is a single number. `W` is six numbers.
# - For each of the six, we can ask one question: *if I nudge only this entry, how fast does the
#   loss change, and in which direction?* The answer is one number, the partial derivative
#   ∂loss/∂W[i, j] (偏导数). Six entries, six answers.
# - We could list the six answers in any order, but storing the answer for `W[i, j]` at position
#   `[i, j]` is the arrangement that makes the update one line: `W -= step * gradient` moves every
#   entry by its own answer. Same shape, entry by entry.
#
# The real reason is the many-variable version of notebook 1's formula
# `f(p + eps) ≈ f(p) + a * eps`. Nudge **every** entry of `W` at once, `W[i, j]` by its own small
# `dW[i, j]`; close to `W0` the loss changes by the sum of the six separate effects:
#
# ```
# loss(W0 + dW) ≈ loss(W0) + Σ_ij grad[i, j] · dW[i, j]
# ```
#
# The nudge `dW` has `W`'s shape (it is a change of `W`), and the formula needs **one coefficient
# per entry of `dW`**: that coefficient is `grad[i, j]` = ∂loss/∂W[i, j], the slope (notebook 1's
# `a`) in the direction of that one entry. So the gradient is exactly "the slope", one slope per
# entry, and it has `W`'s shape because it is paired entry by entry with `dW`. (If the weights
# were a 3-D tensor, the gradient would be a 3-D tensor of the same shape for the same reason.)
#
# [Exercise 7](exercises/07_gradient_shape.ipynb) asks you to compute this gradient by hand and
# with the engine, and to explain its shape in your own words; notebook 7 checks the answer with
# PyTorch tensors (`W.grad.shape == W.shape`).
#
# We can check one entry with the naive method of notebook 1 — nudge `W[1,2]` alone:

# %%
def loss_with(i, j, value):
    nudged = [[Value(value if (a, b) == (i, j) else w.data) for b, w in enumerate(row)]
              for a, row in enumerate(W)]
    return f(nudged).data


eps = 1e-6
i, j = 1, 2
estimate = (loss_with(i, j, W[i][j].data + eps) - loss_with(i, j, W[i][j].data - eps)) / (2 * eps)
print(f"nudging W[{i},{j}]: {estimate:+.6f}    backward(): {W[i][j].grad:+.6f}")

# %% [markdown]
# The numbers also have a simple pattern, which the **chain rule** (链式法则) explains. A preview,
# in one paragraph (notebook 5 treats it fully): when a quantity is computed in stages, its
# derivative is the product of the derivatives of the stages. Here `W[i, j]` changes `y_pred[i]`
# at the rate `x[j]` (because `y_pred[i] = Σ_j W[i, j] · x[j]`), and `y_pred[i]` changes the loss
# at the rate `2 · error[i]`, with `error[i] = y_pred[i] - y[i]` (the derivative of `error²`). So
# `∂loss/∂W[i, j] = 2 · error[i] · x[j]`: row `i` of the gradient is the error of output `i` times
# the input. (An "outer product" of the error vector and `x` — which is what a tensor library
# computes in one operation; notebook 7 shows it in PyTorch.) `backward()` applies exactly this
# rule, stage by stage, to any computation: notebook 5 shows how.

# %%
y_pred = [sum(w.data * xj for w, xj in zip(row, x)) for row in W]
error = [p - t for p, t in zip(y_pred, y)]
for i, row in enumerate(W):
    by_formula = [2 * error[i] * xj for xj in x]
    print(f"row {i}: 2·error·x = {[round(v, 4) for v in by_formula]}   "
          f".grad = {[round(w.grad, 4) for w in row]}")

# %% [markdown]
# And the gradient points **uphill**: a small step *against* it lowers the loss.

# %%
step = 0.05
stepped = [[Value(w.data - step * w.grad) for w in row] for row in W]
print(f"loss before: {loss_value.data:.4f}   after W -= {step} * gradient: {f(stepped).data:.4f}")

# %% [markdown]
# ## Slope is not curvature (斜率 ≠ 曲率)
#
# The notes (point 6) say the gradient "can be seen as a tensor describing the **curvature**
# (曲率) of f(W) around W0". That wording is the book's own: *Deep Learning with Python* (first
# edition), which the notes follow, says "the tensor describing the curvature of f(W) around W0",
# and the notes copy it faithfully. The book uses "curvature" loosely, for the shape of the
# surface near `W0`. In the usual mathematical sense the gradient is the **slope**, and curvature
# is something else: for a function of one variable,
#
# | | what it is | what it tells you |
# |---|---|---|
# | `f′(x)`, the first derivative | the **slope** (斜率) | which way is uphill, and how steep |
# | `f″(x)`, the second derivative | the **curvature** (曲率) | how fast the slope itself changes: bowl-shaped (f″ > 0), dome-shaped (f″ < 0) |
#
# Why is the gradient the slope? Because it is the many-variable version of the *first*
# derivative: its entries are the slopes along each entry of `W` (the formula
# `loss(W0 + dW) ≈ loss(W0) + Σ grad[i, j] · dW[i, j]` above), so it describes the **tilt** of
# the surface at `W0`: it points in the direction of steepest ascent and its length is the
# steepness. It says nothing about how that tilt changes as you move, which is what curvature
# measures. The many-variable version of curvature is a
# *matrix* of second derivatives (the Hessian), one per **pair** of parameters.
#
# The engine can compute both. `micrograd.grad(y, [x])` returns the derivatives of `y` with respect
# to the inputs as a tuple, without touching any `.grad`. By default they are plain floats; with
# `create_graph=True` they are **Values** with a graph of their own, so we can differentiate them
# again (hence `slope.data` below, but `curvature` is already a float):

# %%
def g(x):
    return x**4 + x**2 - 2 * x


x0 = Value(1.5)
(slope,) = micrograd.grad(g(x0), [x0], create_graph=True)  # f'(x) = 4x³ + 2x - 2
(curvature,) = micrograd.grad(slope, [x0])  # f''(x) = 12x² + 2
print(f"at x = 1.5:  slope f'(x) = {slope.data}  (by hand {4 * 1.5**3 + 2 * 1.5 - 2})")
print(f"             curvature f''(x) = {curvature}  (by hand {12 * 1.5**2 + 2})")

# %%
xs = [i / 50 for i in range(-75, 101)]
values, slopes, curvatures = [], [], []
for v in xs:
    xv = Value(v)
    y_v = g(xv)
    (d1,) = micrograd.grad(y_v, [xv], create_graph=True)
    (d2,) = micrograd.grad(d1, [xv])
    values.append(y_v.data)
    slopes.append(d1.data)
    curvatures.append(d2)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.3), sharex=True)
for ax, ys, title in zip(
    axes,
    [values, slopes, curvatures],
    ["f(x) = x⁴ + x² − 2x", "f′(x): the slope — the gradient", "f″(x): the curvature"],
):
    ax.plot(xs, ys)
    ax.axhline(0, color="gray", linewidth=0.7)
    ax.set_title(title)
    ax.set_xlabel("x")
fig.tight_layout()
plt.show()

# %% [markdown]
# Where `f′` crosses zero, `f` has its minimum. `f″ = 12x² + 2` is positive everywhere: the curve
# bends upward everywhere, like a bowl. It is smallest at `x = 0`, where the curve bends least
# (there the slope `f′` changes slowly: its graph is flattest), and grows towards both ends, where
# the curve bends more and more sharply upward.
#
# (A footnote for the mathematically minded: in geometry, the curvature of a curve is
# `f″ / (1 + f′²)^(3/2)`, which also depends on the slope. In optimisation, "curvature" loosely
# means the second derivative `f″` itself, or the Hessian matrix for many variables, and that is
# how we use the word here.)
#
# ### A gradient step and a Newton step
#
# Gradient descent uses only the slope: `x ← x − lr · f′(x)`. It needs a learning rate (学习率)
# `lr`, and it takes small steps where the curve is flat and large ones where it is steep.
#
# Newton's method also uses the curvature: it fits a parabola with the same slope and curvature at
# `x`, and jumps to that parabola's bottom: `x ← x − f′(x) / f″(x)`. No learning rate, and close to
# the minimum it converges extremely fast.

# %%
def derivatives(v):
    xv = Value(v)
    (d1,) = micrograd.grad(g(xv), [xv], create_graph=True)
    (d2,) = micrograd.grad(d1, [xv])
    return d1.data, d2


paths = {"gradient step, lr = 0.03": [1.8], "Newton step": [1.8]}
for _ in range(8):
    d1, _d2 = derivatives(paths["gradient step, lr = 0.03"][-1])
    paths["gradient step, lr = 0.03"].append(paths["gradient step, lr = 0.03"][-1] - 0.03 * d1)
    d1, d2 = derivatives(paths["Newton step"][-1])
    paths["Newton step"].append(paths["Newton step"][-1] - d1 / d2)

minimum = paths["Newton step"][-1]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.plot(xs, values, color="gray")
for (name, path), marker in zip(paths.items(), ["o", "s"]):
    left.plot(path, [g(v) for v in path], marker + "-", label=name, alpha=0.8)
    right.semilogy([abs(v - minimum) + 1e-17 for v in path], marker + "-", label=name)
left.set_xlim(0, 2)
left.set_ylim(-1.5, 12)
left.set_title("8 steps from x = 1.8")
left.legend()
right.set_xlabel("step")
right.set_ylabel("distance to the minimum")
right.set_title("Newton converges in a handful of steps")
right.legend()
fig.tight_layout()
plt.show()
for name, path in paths.items():
    print(f"{name:26s}", "  ".join(f"{v:.5f}" for v in path[:6]), "...")

# %% [markdown]
# So why do networks use gradient steps and not Newton steps? Because the curvature of a loss with
# `N` parameters is an `N × N` matrix: for a network with a million weights, a million million
# numbers, and Newton's step needs to solve a linear system with it. The gradient has only `N`
# numbers and one backward pass computes all of them. The optimizers of notebook 4 (momentum,
# RMSprop, Adam) are cheap ways of getting some of what curvature offers — larger steps along flat
# directions, smaller ones along steep ones — from gradients alone.

# %% [markdown]
# ## Try it
#
# 1. Change `x` or `y` and predict, before running, the sign of each entry of the gradient using
#    `∂loss/∂W[i, j] = 2 · error[i] · x[j]`.
# 2. Make `W` 3 × 3 (add a row and an entry to `y`). What shape is the gradient now, and why?
# 3. Start the two methods at `x = -0.5` or use `lr = 0.2`. When does the gradient step overshoot?
#    Then replace `g` by notebook 4's double well, `x**4 / 4 - x**2 + 0.3 * x`, whose `f″ = 3x² − 2`
#    is zero at `x ≈ ±0.82` (inflection points, 拐点). Start Newton's method at `x = 0.7` or
#    `x = 0.8`: what does it do when `f″(x)` is close to zero, or negative?
