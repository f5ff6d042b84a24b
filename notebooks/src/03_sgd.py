# %% [markdown]
# # 3. Stochastic gradient descent (随机梯度下降)
#
# **What you will learn**
#
# - the four-step training loop (训练循环) of the notes, line by line in code: draw a batch, forward
#   pass, loss, backward pass and a step against the gradient;
# - what the step size (学习率 / 步长, the notes' `step`) does: too small, good, too large;
# - true SGD (真 SGD, one sample per step), mini-batch SGD (小批量 SGD) and batch SGD (批量 SGD, all
#   samples): their loss curves, and how noisy the gradient estimate is for each batch size;
# - why "solve `gradient = 0`" works for a model with N = 2 parameters and not for a network.

# %%
import math
import random
import time

import matplotlib.pyplot as plt
import numpy as np

from micrograd import Value
from micrograd.data import batches, make_moons
from micrograd.losses import mse
from micrograd.nn import MLP
from micrograd.optim import SGD
from micrograd.plots import Surface, plot_history, plot_optimizer_paths
from micrograd.train import fit

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## A problem small enough to see
#
# To *see* gradient descent, the model must have only two parameters, so that the loss is a
# surface over a plane. We fit a straight line `y_pred = w · x + b` to 64 noisy points of the line
# `y = 2x + 0.5`. The parameters are `w` and `b`; the loss is the mean squared error.

# %%
rng = random.Random(0)
xs = [rng.uniform(-1, 1) for _ in range(64)]
ys = [2.0 * x + 0.5 + rng.gauss(0, 0.3) for x in xs]
X = [[x] for x in xs]  # each sample is a list of features (here one)

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.scatter(xs, ys, s=12)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("64 samples of y = 2x + 0.5, plus noise")
plt.show()

# %% [markdown]
# ## The training loop, step by step
#
# The notes' loop (随机梯度下降, point 6), with the notes' words as comments. The weights start
# at a fixed "random" value (随机初始化) so every run is the same.

# %%
w, b = Value(-1.0, label="w"), Value(1.5, label="b")
step = 0.3  # the notes' `step`: the learning rate

for epoch in range(3):
    for X_batch, y_batch in batches(X, ys, batch_size=16, seed=epoch):
        # 1. draw a batch of training samples x and targets y (抽取数据批量)
        # 2. run the network on x: the forward pass (前向传播), giving y_pred
        y_pred = [w * x[0] + b for x in X_batch]
        # 3. the loss on this batch: how far y_pred is from y (损失)
        loss = mse(y_pred, y_batch)
        # 4. the gradient of the loss w.r.t. the parameters: one backward pass (反向传播) ...
        w.grad = b.grad = 0.0  # gradients add up until zeroed
        loss.backward()
        # 5. ... and a small step against it: W -= step * gradient
        for p in (w, b):
            p.data -= step * p.grad
    print(f"epoch {epoch}: last batch loss {loss.data:.4f}   w = {w.data:.3f}, b = {b.data:.3f}")

# %% [markdown]
# `micrograd.optim.SGD` is step 5 written once (with PyTorch's names: `zero_grad()` and
# `step()`), so the loop reads like a PyTorch loop:

# %%
w, b = Value(-1.0, label="w"), Value(1.5, label="b")
optimizer = SGD([w, b], lr=0.3)
for epoch in range(3):
    for X_batch, y_batch in batches(X, ys, batch_size=16, seed=epoch):
        loss = mse([w * x[0] + b for x in X_batch], y_batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"epoch {epoch}: last batch loss {loss.data:.4f}   w = {w.data:.3f}, b = {b.data:.3f}")

# %% [markdown]
# Same numbers: same data order, same steps.
#
# ## The step size: too small, good, too large
#
# The loss over all 64 samples is a function of `(w, b)` — a bowl-shaped surface. The notes
# (point 9): too small a step needs many iterations; too large a step lands "at a completely
# random place" on the curve. Here is each case with full-batch gradient descent, 30 steps from
# the same start, drawn on the contour lines of the loss with `micrograd.plots`:

# %%
def full_loss(w, b):
    """Mean squared error over all samples; works on Values and on numpy arrays alike."""
    return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


line_fit = Surface(
    "line fit: loss(w, b)", full_loss, start=(-1.0, 1.5), minimum=(2.0, 0.5),
    xlim=(-2.0, 4.0), ylim=(-1.0, 2.5),
)
rates = {"too small (lr 0.02)": 0.02, "good (lr 0.3)": 0.3, "too large (lr 1.1)": 1.1}
plot_optimizer_paths(
    line_fit, {name: (lambda p, lr=lr: SGD(p, lr=lr)) for name, lr in rates.items()}, steps=30
)

# %% [markdown]
# (The plot calls the two parameters w₁ = `w` and w₂ = `b`. The star marks (2, 0.5), the line the
# data were made from; the best fit to these 64 noisy
# points is very close to it.) The loss along the way, on a log scale:

# %%
def descend(lr, steps=30):
    w, b = Value(-1.0), Value(1.5)
    optimizer = SGD([w, b], lr=lr)
    losses = []
    for _ in range(steps):
        loss = full_loss(w, b)
        losses.append(loss.data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return losses


fig, ax = plt.subplots(figsize=(6, 3.5))
for name, lr in rates.items():
    ax.semilogy(descend(lr), label=name)
ax.set_xlabel("step")
ax.set_ylabel("loss (full batch)")
ax.legend()
plt.show()

# %% [markdown]
# - **Too small**: every step goes downhill, but 30 steps get nowhere near the bottom.
# - **Good**: the loss drops by orders of magnitude, then flattens at the noise level of the data.
# - **Too large**: each step jumps over the valley to a *higher* point on the other side, and the
#   loss grows every step: gradient descent **diverges**. The slope is only a good guide for small
#   steps (notebook 1's tangent line).
#
# ## True SGD, mini-batch SGD, batch SGD
#
# The notes (point 10) name three ways to pick the samples for one step. In code they differ by one
# argument, `batch_size` (`batches` and `fit` both take it):
#
# | name | samples per step | `batch_size` |
# |---|---|---|
# | true SGD (真 SGD) | 1 | `1` |
# | mini-batch SGD (小批量 SGD) | a few | e.g. `8` |
# | batch SGD (批量 SGD) | all | `None` |
#
# The paths on the loss surface, 2 epochs each (one epoch = every sample used once):

# %%
def sgd_path(batch_size, lr=0.1, epochs=2):
    w, b = Value(-1.0), Value(1.5)
    optimizer = SGD([w, b], lr=lr)
    path = [(w.data, b.data)]
    for epoch in range(epochs):
        for X_batch, y_batch in batches(X, ys, batch_size=batch_size, seed=epoch):
            loss = mse([w * x[0] + b for x in X_batch], y_batch)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            path.append((w.data, b.data))
    return path


fig, ax = plt.subplots(figsize=(7, 4.5))
gw, gb = np.meshgrid(np.linspace(-2, 4, 120), np.linspace(-1, 2.5, 120))
ax.contour(gw, gb, full_loss(gw, gb), levels=25, cmap="viridis", linewidths=0.6)
for batch_size, style in [(1, "-"), (8, ".-"), (None, "o-")]:
    path = sgd_path(batch_size)
    name = {1: "true SGD", 8: "mini-batch (8)", None: "batch (all 64)"}[batch_size]
    ax.plot(*zip(*path), style, ms=4, lw=1, label=f"{name}: {len(path) - 1} steps")
ax.plot(2.0, 0.5, "*", color="gold", ms=14, mec="black")
ax.set_xlabel("w")
ax.set_ylabel("b")
ax.set_title("2 epochs with lr = 0.1")
ax.legend(loc="upper left", fontsize="small")
plt.show()

# %% [markdown]
# In the same two passes over the data, true SGD takes 128 small noisy steps and gets to the bottom
# first, but then keeps jittering around it; batch SGD takes 2 precise steps and is still far away;
# mini-batch SGD is in between. Each step's direction is an *estimate* of the full gradient made
# from the batch — the smaller the batch, the noisier the estimate.
#
# ### How noisy is the gradient estimate?
#
# At a fixed point `(w, b)`, compare the gradient of many random batches with the gradient of the
# full data set:

# %%
def gradient(X_batch, y_batch, point=(0.0, 0.0)):
    w, b = Value(point[0]), Value(point[1])
    mse([w * x[0] + b for x in X_batch], y_batch).backward()
    return w.grad, b.grad


full = gradient(X, ys)
sizes = [1, 2, 4, 8, 16, 32, 64]
noise = []
for size in sizes:
    errors = []
    for k in range(200):
        X_batch, y_batch = next(batches(X, ys, batch_size=size, seed=k))
        gw_, gb_ = gradient(X_batch, y_batch)
        errors.append(math.hypot(gw_ - full[0], gb_ - full[1]))
    noise.append(math.sqrt(sum(e * e for e in errors) / len(errors)))
    print(f"batch size {size:2d}: typical error of the gradient estimate {noise[-1]:.3f}")

fig, ax = plt.subplots(figsize=(5.5, 3.5))
ax.loglog(sizes[:-1], noise[:-1], "o-", label="measured")
ax.loglog(sizes[:-1], [noise[0] / math.sqrt(s) for s in sizes[:-1]], "--", label="∝ 1/√batch size")
ax.set_xlabel("batch size")
ax.set_ylabel("error of the gradient estimate")
ax.legend()
plt.show()

# %% [markdown]
# The error shrinks like `1/√(batch size)`: four times the samples for half the noise. (With all
# 64 samples the estimate *is* the full gradient, error 0, which a log scale cannot show; and a
# batch of 32 is already half the data, so it does a little better than the line.) So a
# bigger batch buys a more accurate direction at a proportionally higher price per step — the
# trade-off the notes describe, and why moderate batch sizes are the usual compromise.
#
# ### The same on a real network
#
# `micrograd.train.fit` runs this loop for a model; here an MLP on the two-moons data, for the
# three batch sizes, 15 epochs each. The loss per epoch, and the time it took:

# %%
X_moons, y_moons = make_moons(n_samples=64, noise=0.1, seed=0)
histories = {}
for name, batch_size, lr in [("true SGD", 1, 0.02), ("mini-batch 8", 8, 0.1),
                             ("batch", None, 0.3)]:
    model = MLP(2, [8, 8, 1], seed=1)
    start = time.perf_counter()
    histories[name] = fit(model, X_moons, y_moons, loss="hinge", optimizer="sgd", lr=lr,
                          epochs=15, batch_size=batch_size, progress=False, seed=0)
    print(f"{name:13s} {histories[name].steps:4d} steps in {time.perf_counter() - start:.2f} s, "
          f"final epoch loss {histories[name].epoch_loss[-1]:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, history in histories.items():
    ax.plot(range(1, history.epochs + 1), history.epoch_loss, "o-", ms=3, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("hinge loss (epoch average)")
ax.legend()
plt.show()

# %% [markdown]
# `plot_history` shows one run step by step — the per-step loss of true SGD is noisy because
# each step sees one sample:

# %%
plot_history(histories["true SGD"], title="true SGD: loss and accuracy per step")

# %% [markdown]
# ## Why not just solve `gradient = 0`?
#
# The notes (随机梯度下降, points 1–4): a minimum is where the derivative is 0, so one could solve
# `gradient(f)(W) = 0` directly. For our line, with N = 2 parameters, that works. The loss is a
# quadratic in `w` and `b`, so setting both partial derivatives to zero gives two *linear*
# equations, with the textbook solution:
#
# ```
# ∂loss/∂w = 0  and  ∂loss/∂b = 0   ⇒   w = cov(x, y) / var(x),   b = mean(y) − w · mean(x)
# ```

# %%
mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
cov = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys))
var = sum((x - mean_x) ** 2 for x in xs)
w_exact = cov / var
b_exact = mean_y - w_exact * mean_x
w, b = Value(-1.0), Value(1.5)
optimizer = SGD([w, b], lr=0.3)
for _ in range(200):
    optimizer.zero_grad()
    full_loss(w, b).backward()
    optimizer.step()
print(f"solving gradient = 0:    w = {w_exact:.6f}, b = {b_exact:.6f}")
print(f"200 gradient steps:      w = {w.data:.6f}, b = {b.data:.6f}")

# %% [markdown]
# For a network this breaks down, for three reasons:
#
# 1. **The equations are not linear.** With one `tanh` neuron, `∂loss/∂w = mean(2 · (tanh(w·x + b)
#    − y) · (1 − tanh²(w·x + b)) · x)` — setting that to zero has no formula for `w`. With `relu`
#    the equations change form wherever a unit switches on or off.
# 2. **There are too many of them.** One equation per parameter: 337 for `MLP(2, [16, 16, 1])`, and
#    millions for real networks (notes, point 4). Even a linear system of a million equations is
#    expensive; a nonlinear one is hopeless.
# 3. **Zero gradient does not mean minimum.** The loss of a network has many points where the
#    gradient is 0: local minima, maxima and saddle points. (Swapping two hidden units gives the
#    same loss, so every solution comes with many mirror images.) Even solving the equations, you
#    would still have to find out which solution is the lowest.
#
# The loop needs none of that: it only needs the gradient at the current point, which one backward
# pass delivers — whatever the model, however many parameters. The notes' remark (point 6) says it
# well: we adjust `W` step by step so that the gradient gets close to 0.

# %%
print(len(MLP(2, [16, 16, 1]).parameters()), "equations in as many unknowns for MLP(2, [16, 16, 1])")

# %% [markdown]
# ## Try it
#
# 1. Find the largest learning rate for which full-batch descent on the line still converges
#    (try values between 0.3 and 1.1). Can you relate it to the curvature of the loss (notebook 2)?
# 2. True SGD with `lr = 0.1` keeps jittering around the minimum. Make the learning rate decay
#    (e.g. `optimizer.lr = 0.1 / (1 + step / 20)` in the loop) and watch the jitter die down.
# 3. Change the noise of the data (`rng.gauss(0, 0.3)`) to 0 and to 1. How does the gradient-noise
#    plot change, and why?
