# %% [markdown]
# # 4. Optimizers: momentum, Adagrad, RMSprop, Adam (优化器)
#
# **What you will learn**
#
# - momentum (动量) as the notes picture it: a ball rolling down the loss curve, which can roll
#   *through* a local minimum (局部极小点) where plain SGD stops;
# - the notes' momentum snippet (marked 不懂 in the notes), taken apart line by line and set next to
#   PyTorch's form: what `velocity` is, what the constant `0.1` does, and why the update adds
#   `momentum * velocity` **again** (it is *Nesterov* momentum);
# - how Adagrad, RMSprop and Adam differ, watching their paths on 2-D loss surfaces.

# %%
import matplotlib.pyplot as plt

from micrograd import Value
from micrograd.optim import SGD
from micrograd.plots import (
    SURFACES,
    ball_positions,
    double_well,
    optimizer_path,
    plot_ball_rolling,
    plot_optimizer_paths,
)

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## A ball on a curve with a local minimum
#
# The notes' picture (优化方法, point 4): the loss as a function of one parameter `w`, with a
# shallow dip (a local minimum) on the right and the deeper global minimum on the left. We use
# `double_well(w) = w⁴/4 − w² + 0.3·w` and start on the right, at `w = 2.5`.
#
# Plain SGD (`w -= lr * gradient`) walks downhill and stops at the first place where the slope is
# zero: the local minimum. SGD with momentum keeps part of its previous velocity, like a heavy ball,
# and rolls over the bump.
#
# In this plot and the film strip, "momentum" means PyTorch-style **heavy-ball SGD with momentum
# 0.9** (it keeps 90 % of its velocity each step), both with learning rate 0.02. That is the usual
# value, **not** the notes' 0.1; what 0.1 does is the subject of the next section.

# %%
plot_ball_rolling(("sgd", "momentum"), lr=0.02, steps=100)

# %% [markdown]
# The same run as a film strip, a few frames of the 100 steps:

# %%
plot_ball_rolling(("sgd", "momentum"), lr=0.02, steps=100, frames=[0, 8, 16, 30, 60, 100])

# %% [markdown]
# ## The notes' snippet, line by line
#
# The notes (point 9) give this implementation, and mark it 不懂 ("I don't get it"):
#
# ```
# 1  past_velocity = 0.
# 2  momentum = 0.1  # 不变的动量因子
# 3  while loss > 0.01:   # 优化循环
# 4      w, loss, gradient = get_current_parameters()
# 5      velocity = past_velocity * momentum - learning_rate * gradient
# 6      w = w + momentum * velocity - learning_rate * gradient
# 7      past_velocity = velocity
# 8      update_parameter(w)
# ```
#
# (The line numbers are ours, to refer to below.)
#
# Here it is as runnable code on our curve. Lines 3, 4 and 8 are the training loop around the
# update: `get_current_parameters()` (line 4) is "a forward pass, the loss and a backward pass";
# `update_parameter(w)` (line 8) is writing the new value back. Because our loss goes below zero,
# a fixed number of steps replaces `while loss > 0.01` (line 3).

# %%
def notes_momentum(momentum, learning_rate=0.02, start=2.5, steps=100):
    w = Value(start)
    past_velocity = 0.0
    positions = [w.data]
    for _ in range(steps):
        # w, loss, gradient = get_current_parameters()
        loss = double_well(w)
        w.grad = 0.0
        loss.backward()
        gradient = w.grad
        # the two lines of the snippet
        velocity = past_velocity * momentum - learning_rate * gradient
        w.data = w.data + momentum * velocity - learning_rate * gradient  # update_parameter(w)
        past_velocity = velocity
        positions.append(w.data)
    return positions


for m in [0.1, 0.5, 0.9]:
    print(f"notes' snippet, momentum = {m}: ends at w = {notes_momentum(m)[-1]:+.3f}")
print(f"plain SGD:                      ends at w = {ball_positions('sgd')[-1]:+.3f}")

# %% [markdown]
# **Line 1: `past_velocity = 0.`** — the ball starts at rest.
#
# **Line 2: `momentum = 0.1`** — the momentum factor: the fraction of the previous velocity that
# survives one step (friction takes the rest). With 0.1, 90 % of the speed is lost at every step:
# the ball hardly has any momentum, and as the run above shows, it stops in the local minimum just
# like plain SGD. Typical values are 0.9 (keep 90 %), which does roll through. The notes' constant
# is "constant" (不变) only in the sense that it does not change during training; its *value* is
# what matters.
#
# **Line 5: `velocity = past_velocity * momentum - learning_rate * gradient`** — the new velocity is
# the old one, damped, plus a push downhill (`-learning_rate * gradient`: the step plain SGD would
# take). Unrolled over the steps, it is a decaying sum of all past SGD steps:
#
# ```
# velocity_t = -lr · (g_t + m·g_(t-1) + m²·g_(t-2) + …)
# ```
#
# So `velocity` is measured in units of `w` (a displacement per step, already multiplied by the
# learning rate and pointing downhill). Gradients that keep the same sign add up (the ball
# accelerates down a long slope); gradients that flip sign cancel (zig-zags are damped).
#
# **Line 6: `w = w + momentum * velocity - learning_rate * gradient`** — the puzzling line. The
# simple "heavy ball" would just move by the velocity: `w = w + velocity`. Substitute line 5 into
# the snippet's version:
#
# ```
# momentum * velocity - lr * g  =  momentum * (momentum * past_velocity - lr * g) - lr * g
#                               =  momentum² * past_velocity - (1 + momentum) * lr * g
# ```
#
# It adds the current gradient step once more *on top of* the velocity that already contains it:
# the ball moves to where its momentum is taking it and **then** looks at the slope — a
# look-ahead. This is **Nesterov momentum**, not the plain heavy ball.
#
# Where is the look-ahead, when the gradient in line 4 is taken at the current `w`? In this form of
# Nesterov's method (Sutskever's, the one PyTorch uses), the `w` that is stored between steps **is
# the look-ahead point**: the position the ball would reach by coasting on its velocity, not the
# ball's own position. So the gradient at the stored `w` is exactly the look-ahead gradient, and
# line 6 keeps the stored `w` one coasting step ahead of the ball.
#
# **Line 7: `past_velocity = velocity`** — remember the velocity for the next step.
#
# ### Next to PyTorch's form
#
# PyTorch (and `micrograd.optim.SGD`) keep a buffer `b` measured in *gradients*, not in steps. With
# `mu` the momentum and `g` the gradient:
#
# | | heavy ball (`nesterov=False`) | Nesterov (`nesterov=True`) |
# |---|---|---|
# | PyTorch | `b = mu*b + g`; `w -= lr*b` | `b = mu*b + g`; `w -= lr*(g + mu*b)` |
# | in the notes' units (`velocity = -lr*b`) | `velocity = mu*velocity - lr*g`; `w += velocity` | `velocity = mu*velocity - lr*g`; `w += mu*velocity - lr*g` |
#
# The right column's second row is the notes' snippet exactly. So the snippet *is*
# `SGD(params, lr=learning_rate, momentum=momentum, nesterov=True)`, step for step (as long as the
# learning rate does not change during training). Checked numerically:

# %%
for m in [0.1, 0.9]:
    ours = notes_momentum(m)
    torch_style = ball_positions(lambda p, m=m: SGD(p, lr=0.02, momentum=m, nesterov=True))
    biggest = max(abs(a - b) for a, b in zip(ours, torch_style))
    print(f"momentum {m}: largest difference over 100 steps = {biggest:.1e}")

# %% [markdown]
# Heavy ball and Nesterov, both with momentum 0.9, against the notes' 0.1 and plain SGD:

# %%
plot_ball_rolling(
    {
        "SGD": lambda p: SGD(p, lr=0.02),
        "notes' snippet, momentum 0.1": lambda p: SGD(p, lr=0.02, momentum=0.1, nesterov=True),
        "heavy ball, momentum 0.9": lambda p: SGD(p, lr=0.02, momentum=0.9),
        "Nesterov, momentum 0.9": lambda p: SGD(p, lr=0.02, momentum=0.9, nesterov=True),
    },
    steps=100,
)

# %% [markdown]
# Both 0.9 variants roll over the bump and settle in the global minimum; Nesterov's look-ahead
# brakes a little earlier, so it overshoots less. The notes' 0.1 stays in the local minimum.
# Momentum solves both problems the notes name (point 3): faster convergence along long slopes, and
# a chance to escape shallow local minima. (A chance, not a guarantee: with too little momentum, or
# a deep enough dip, the ball stays.)
#
# ## Adagrad, RMSprop, Adam: a step size for every parameter
#
# Momentum changes the *direction* of a step by averaging gradients. The next family changes the
# *size* of the step for each parameter separately, by dividing by a running measure of how large
# that parameter's gradients have been:
#
# | optimizer | keeps, per parameter | step |
# |---|---|---|
# | Adagrad | `s = s + g²` (sum of all squared gradients) | `w -= lr * g / (√s + ε)` |
# | RMSprop | `s = α·s + (1 − α)·g²` (a *recent* average of g²) | `w -= lr * g / (√s + ε)` |
# | Adam | `m = β₁·m + (1 − β₁)·g` (momentum) and `s = β₂·s + (1 − β₂)·g²` | `w -= lr * m̂ / (√ŝ + ε)` (m̂, ŝ: bias-corrected) |
#
# The symbols, one line each (the defaults are PyTorch's):
#
# - `g`: the gradient of this step; `s`, `m`: running averages kept per parameter, starting at 0.
# - `ε` (epsilon): a tiny constant (1e-10 for Adagrad, 1e-8 for the others) so that the division
#   never divides by zero when `s` is 0.
# - `α` (alpha, RMSprop, default 0.99): how much of the old average `s` survives a step; the average
#   covers roughly the last `1 / (1 − α)` = 100 steps.
# - `β₁` (beta1, Adam, default 0.9): the same for the average of gradients `m` — momentum in
#   average form.
# - `β₂` (beta2, Adam, default 0.999): the same for Adam's average of squared gradients `s`.
# - bias correction: `m̂ = m / (1 − β₁ᵗ)` and `ŝ = s / (1 − β₂ᵗ)` at step `t`: because `m` and `s`
#   start at 0, their first values are too small; dividing by `1 − βᵗ` scales them back up, and
#   the correction fades away as `t` grows.
#
# Dividing by `√s` makes steep directions take smaller steps and flat directions larger ones —
# a cheap stand-in for the curvature of notebook 2. Adagrad's sum only grows, so its steps keep
# shrinking; RMSprop forgets old gradients; Adam is RMSprop plus momentum.
#
# ### A ravine
#
# A long narrow valley, 20 times steeper across than along (`0.05·w₁² + w₂²`). Plain SGD must use
# a small enough step for the steep direction, so it zig-zags and crawls along the flat one.
# Each optimizer uses a learning rate that suits it on this surface (`micrograd.plots.SURFACES`):

# %%
def where_they_end(surface, names, steps=None):
    """Print where each optimizer's path ends on a surface, and the loss there."""
    for name in names:
        path = optimizer_path(surface, name, steps=steps)
        w1, w2 = path[-1]
        print(f"{name:9s} after {len(path) - 1} steps: (w1, w2) = ({w1:+.3f}, {w2:+.3f}), "
              f"loss {SURFACES[surface](w1, w2):.2g}")


plot_optimizer_paths("ravine", ["sgd", "momentum", "adagrad", "rmsprop", "adam"], steps=60)

# %%
where_they_end("ravine", ["sgd", "momentum", "adagrad", "rmsprop", "adam"], steps=60)

# %% [markdown]
# What to see: how each path crosses the valley (the steep `w₂` direction) and how fast it moves
# along it (the flat `w₁` direction). Plain SGD zig-zags across: at lr 0.9 each step multiplies
# `w₂` by `1 − 2·0.9 = −0.8`, flipping its sign (try it 3 below). Momentum and Adam sweep past the
# minimum and swing back, carried by their velocity. Adagrad and RMSprop, which divide each
# coordinate's step by that coordinate's own gradient size, take steps of similar size in both
# coordinates: they drop straight to the valley floor first (the `w₂` distance is the short one)
# and then travel along it without any zig-zag.

# %% [markdown]
# ### A surface with a local minimum
#
# The 2-D version of the double well: a local minimum on the right, the global one on the left.

# %%
plot_optimizer_paths("local_minimum", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])

# %% [markdown]
# Only the momentum methods cross the ridge here. Adaptive step sizes help along flat and steep
# directions but do not give the "speed" needed to climb out of a dip. (Adam has momentum too, but
# with its learning rate here it slows down before the ridge: try `lr={"adam": 0.5}`.)
#
# ### Rosenbrock's banana valley
#
# Finding the valley is easy; following its curved floor to the minimum at (1, 1) is hard:

# %%
plot_optimizer_paths("rosenbrock", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])

# %%
where_they_end("rosenbrock", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])

# %% [markdown]
# What to see: every path first drops from the start (−1.2, 1) into the valley within a few steps
# (across the valley the surface is very steep). Then the slow part: the floor curves through
# (0, 0) up to the minimum at (1, 1), and along the floor the gradient is tiny while across it is
# huge, so each optimizer creeps along the banana. The printed end points say how far each got in
# 500 steps: none reached (1, 1), and the two with momentum (momentum and Adam) got furthest.
#
# There is no single winner: which optimizer is best depends on the surface and on the learning
# rate each one gets. In practice Adam with its default settings is a robust first choice, and
# SGD with momentum (0.9) and a learning-rate schedule often generalizes better in the end.
# All of them take the same inputs — the gradients from one backward pass — and all of them are a
# few lines in `micrograd/optim.py`.

# %% [markdown]
# ## Try it
#
# 1. Find the smallest momentum for which the notes' snippet escapes the local minimum
#    (try `notes_momentum(m)` for `m` between 0.5 and 0.9). Does the start point matter?
# 2. Turn the snippet into the heavy ball by changing one line, and check it against
#    `SGD(p, lr=0.02, momentum=m)` with `ball_positions`.
# 3. On the ravine, give plain SGD a larger learning rate (`lr={"sgd": 0.99}` and `1.01`). What
#    happens across the valley, and why does 1.0 mark the limit for `w₂²`? (One step multiplies
#    `w₂` by `1 − 2·lr`.)
