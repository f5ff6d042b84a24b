# %% [markdown]
# # 1. Derivatives: which way should a weight move? (导数)
#
# **What you will learn**
#
# - what the derivative (导数) of a smooth function is: the slope (斜率) `a` in
#   `f(x + eps) ≈ y + a * eps`, and how to estimate it from two evaluations of `f`;
# - the "naive method" of the course notes: nudge one coefficient (0.3 → 0.35 / 0.25), rerun the
#   forward pass (前向传播), and see whether the loss (损失) went up or down;
# - what that costs — **two forward passes per parameter** — measured on real networks against
#   **one backward pass (反向传播) for all parameters at once**.
#
# This follows the notes' first two sections: 基于梯度的优化 (points 6–9) and 导数. English and
# Chinese terms side by side: the [glossary](../docs/glossary.md). If you have watched Andrej
# Karpathy's micrograd lecture, [Coming from the lecture](../docs/lecture.md) says where its
# names went in this library.

# %%
import time

import matplotlib.pyplot as plt

import micrograd
from micrograd import Value
from micrograd.data import make_moons
from micrograd.losses import mse
from micrograd.nn import MLP

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## The slope of a smooth function
#
# Take a smooth function `f` and a point `p`. Move `x` a little, by `eps`; `y` moves a little too.
# Close to `p` the curve looks like a straight line, so the change in `y` is proportional to the
# change in `x`:
#
# ```
# f(p + eps) ≈ f(p) + a * eps
# ```
#
# The factor `a` is the **derivative** of `f` at `p` (导数): the slope (斜率) of the curve there.
# We can *estimate* it by measuring: `a ≈ (f(p + eps) - f(p)) / eps`.

# %%
def f(x):
    return x**3 - 3 * x + 1


p = 1.5
exact = 3 * p**2 - 3  # by hand: f'(x) = 3x² - 3
for eps in [0.5, 0.1, 0.01, 0.001, 1e-6]:
    estimate = (f(p + eps) - f(p)) / eps
    print(f"eps = {eps:<8g} slope estimate = {estimate:.6f}   error = {estimate - exact:+.2e}")
print(f"exact slope f'({p}) = {exact}")

# %% [markdown]
# The estimate gets better as `eps` shrinks: the error is roughly proportional to `eps`. A
# *central* difference, `(f(p + eps) - f(p - eps)) / (2 * eps)`, is better still (its error shrinks
# like `eps²`); it is what `micrograd.numerical_grad` uses. The engine gets the exact slope
# without any `eps`.
#
# **What is a `Value`?** The engine's number type: a number that **remembers how it was
# computed**. `x = Value(1.5, label="x")` is a number (`x.data` is 1.5) with a name for pictures
# (`label=`, optional). Each operation on Values (`x**3 - 3 * x + 1`) makes a new Value that
# records which Values it came from and how. Calling `y.backward()` walks back through that record
# and stores in each Value's `.grad` the derivative of `y` with respect to it: so `x.grad` is
# dy/dx at `x.data`. Notebook 5 shows how this works inside; for now it is enough to know that
# `.data` is the number and `.grad` is filled in by `backward()`.

# %%
x = Value(p, label="x")
y = x**3 - 3 * x + 1
y.backward()
print("backward():        ", x.grad)
print("numerical_grad():  ", micrograd.numerical_grad(lambda v: v**3 - 3 * v + 1, [p]))

# %% [markdown]
# Here is the picture: the curve, and the straight line with slope `a` through `(p, f(p))` — the
# *tangent line*. Near `p` the two are indistinguishable; far from `p` the line is a bad guess.
# That is the whole idea behind gradient descent: the slope only tells you what happens for
# **small** steps.

# %%
xs = [i / 100 for i in range(-250, 251)]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(xs, [f(v) for v in xs], label="f(x) = x³ − 3x + 1")
ax.plot(xs, [f(p) + exact * (v - p) for v in xs], "--", label=f"tangent at p = {p}: slope {exact}")
ax.plot([p], [f(p)], "o", color="black")
ax.axvspan(p - 0.25, p + 0.25, alpha=0.15, color="green", label="where the line is a good guess")
ax.set_ylim(-4, 8)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend(loc="upper left")
ax.set_title("The derivative is the slope of the tangent line")
plt.show()

# %% [markdown]
# ## The naive method: nudge one coefficient
#
# The notes (point 7) describe training a network by trial: keep every weight (权重) fixed except
# one scalar coefficient, try a slightly larger and a slightly smaller value, and keep whichever
# lowers the loss. Let us do exactly that on a real network: a small multi-layer perceptron on the
# two-moons data, with one of its weights set to 0.3.
#
# The pieces, in a few words (notebooks 3 and 6 use them at length):
#
# - `make_moons(n_samples=16, ...)`: 16 points in the plane, in two classes shaped like two
#   interleaving half-moons (the "two moons" data); we ask the network for +1 on one class and −1
#   on the other (`targets`).
# - `MLP(2, [8, 8, 1], seed=0)`: a multi-layer perceptron (多层感知机): 2 inputs, two layers of 8
#   neurons, 1 output. Its weights start as random numbers (a fixed `seed`, so the same every run).
#   `model.parameters()` is the list of all its weights and biases, each a Value;
#   `model.zero_grad()` sets all their `.grad` back to 0.
# - `mse(predictions, targets)`: the mean squared error, the average of `(prediction − target)²`.
#
# The notes' numbers (loss 0.5 → 0.6 at 0.35, → 0.4 at 0.25) were made up for illustration; ours
# come from a real forward pass, but the reasoning is the same. Our loss is about 6, not 0.5,
# because this network is **untrained**: with random weights its outputs are a few units away from
# the targets ±1, and squared errors of that size average to about 6. Training is what brings it
# down.

# %%
X, labels = make_moons(n_samples=16, noise=0.1, seed=0)
targets = [1.0 if label == 1 else -1.0 for label in labels]
model = MLP(2, [8, 8, 1], seed=0)
forward_passes = 0


def loss_on_batch(model):
    """One forward pass over the batch: mean squared error between predictions and targets."""
    global forward_passes
    forward_passes += 1
    predictions = [model(x) for x in X]
    return mse(predictions, targets)


# any one weight will do; named_parameters() gives each parameter with its place in the network
name, coefficient = list(model.named_parameters())[4]
print(f"the coefficient: {name} (layer 0, neuron 1, its weight for input 1)")
for value in [0.3, 0.35, 0.25]:
    coefficient.data = value
    print(f"coefficient = {value:.2f}  ->  loss = {loss_on_batch(model).data:.4f}")
coefficient.data = 0.3  # leave it at the notes' value
print("forward passes so far:", forward_passes)

# %% [markdown]
# One of the two directions lowers the loss, so we now know which way to move *this* coefficient.
# And the difference of the two losses divided by `0.1` is an estimate of the slope of the loss
# with respect to that coefficient — the same estimate as in the first section.
#
# But this network has many coefficients, and the notes' point 8 is the catch: **every one of them
# needs two more forward passes.**

# %%
def naive_gradient(model, eps=1e-4):
    """Estimate d loss / d p for every parameter p by nudging it both ways (2 passes each)."""
    estimates = []
    for param in model.parameters():
        original = param.data
        param.data = original + eps
        loss_up = loss_on_batch(model).data
        param.data = original - eps
        loss_down = loss_on_batch(model).data
        param.data = original
        estimates.append((loss_up - loss_down) / (2 * eps))
    return estimates


forward_passes = 0
naive = naive_gradient(model)
print(f"{len(model.parameters())} parameters: {forward_passes} forward passes")

forward_passes = 0
model.zero_grad()
loss = loss_on_batch(model)
loss.backward()  # one backward pass fills p.grad for every parameter
print(f"backward(): {forward_passes} forward pass + 1 backward pass")
worst = max(abs(n - param.grad) for n, param in zip(naive, model.parameters()))
print(f"largest difference between the two gradients: {worst:.1e}")

# %% [markdown]
# Same gradient, up to the rounding of the finite difference. The backward pass gets *all* the
# derivatives from one forward pass plus one backward pass, which costs about as much as one or
# two forward passes. How the two methods grow with the size of the network:

# %%
def seconds(fn, repeat=3):
    """The fastest of a few runs, so that other programs on the machine disturb it less."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def backprop(model):
    model.zero_grad()
    loss_on_batch(model).backward()


sizes, naive_times, backward_times = [], [], []
for width in [2, 4, 6, 8, 12]:
    net = MLP(2, [width, width, 1], seed=0)
    sizes.append(len(net.parameters()))
    naive_times.append(seconds(lambda: naive_gradient(net), repeat=3 if width <= 8 else 1))
    backward_times.append(seconds(lambda: backprop(net), repeat=20))
    print(
        f"MLP(2, [{width}, {width}, 1]): {sizes[-1]:4d} parameters   "
        f"naive {naive_times[-1] * 1000:8.1f} ms   backward {backward_times[-1] * 1000:6.2f} ms   "
        f"ratio {naive_times[-1] / backward_times[-1]:5.0f}x"
    )

# %%
fig, ax = plt.subplots(figsize=(6, 4))
ax.loglog(sizes, naive_times, "o-", label="naive: 2 forward passes per parameter")
ax.loglog(sizes, backward_times, "s-", label="1 forward + 1 backward pass")
ax.set_xticks(sizes, [str(n) for n in sizes])  # label the sizes we measured, nothing else
ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.set_xlabel("number of parameters")
ax.set_ylabel("seconds for the full gradient")
ax.set_title("Cost of one gradient, batch of 16 samples")
ax.legend()
plt.show()
growth = sizes[-1] / sizes[0]
print(f"from {sizes[0]} to {sizes[-1]} parameters ({growth:.0f} times as many): "
      f"naive {naive_times[-1] / naive_times[0]:.0f} times slower, "
      f"backward {backward_times[-1] / backward_times[0]:.1f} times slower")

# %% [markdown]
# On a log-log plot a straight line of slope 1 means "time grows in proportion to the size", and
# slope 2 means "in proportion to the size squared". The naive method heads for the **square** of
# the size: one forward pass already costs time proportional to the number of parameters, and it
# is repeated twice per parameter. (For the smallest networks it grows more slowly, for the same
# reason as below: a fixed cost per forward pass.) The backward pass grows at most in proportion to the size
# (each parameter is touched a constant number of times), and for these small networks even
# *slower* than that (see the numbers printed under the plot): part of its time is a fixed
# overhead — calling functions, creating the loss, setting up the pass — that is the same for
# every size. For large networks that overhead becomes negligible and the line approaches
# slope 1. With the thousands to millions of coefficients of a
# real network (notes, point 8) that is hopeless — which is why the notes go on to gradients and
# backpropagation (梯度, 反向传播).
#
# The naive method is still useful: it needs no derivative rules at all, so it is the independent
# check of `backward()` (`micrograd.gradcheck` does exactly this).
#
# **Exercises.** To see how a `Value` gets its derivatives, build a small one yourself: in
# [exercise 1](exercises/01_local_derivatives.ipynb) you write the local derivative of each
# operation, in [exercise 2](exercises/02_backward.ipynb) the backward pass (notebook 5 explains
# it first; come back to exercise 2 after it).

# %% [markdown]
# ## Try it
#
# 1. In the first table, push `eps` down to `1e-10` and `1e-14`. Why does the estimate get
#    *worse* again? (Hint: floating-point numbers have about 16 significant digits.)
# 2. Change the index `4` in `list(model.named_parameters())[4]` (the printed name says whether you
#    picked a weight `w` or a bias `b`). Does the loss always go down in one direction and up in
#    the other? When could both directions make it worse?
# 3. Add a third hidden layer in the timing loop (`MLP(2, [width, width, width, 1])`). How does the
#    ratio between the two methods change?
