# %% [markdown]
# # 4. Optimizers: momentum, Adagrad, RMSprop, Adam (优化器)
#
# **What you will learn**
#
# - momentum (动量) as the notes picture it: a ball rolling down the loss curve, which can roll
#   *through* a local minimum (局部极小点) where plain SGD stops;
# - the notes' momentum snippet (marked 不懂 in the notes): three steps of it by hand, the ball
#   picture in its own variables, then line by line — what `velocity` is, what the constant `0.1`
#   does, and why the update adds `momentum * velocity` **again** (it is *Nesterov* momentum, the
#   form PyTorch uses);
# - what momentum buys on a long narrow valley, with a slider for the learning rate and β;
# - Adagrad, RMSprop and Adam, one at a time, each a change of one line to the one before, and a
#   fair race between all of them.
#
# Words in English and Chinese side by side: the [glossary](../docs/glossary.md). When you have
# read this notebook, write SGD, momentum and Adam yourself in
# [exercise 5](exercises/05_optimizers.ipynb).

# %%
import io

import matplotlib.pyplot as plt

from micrograd import Value
from micrograd.optim import SGD, Adagrad, Adam, RMSprop
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
# value, **not** the notes' 0.1; what 0.1 does is the subject of the next section. Where two
# balls are at the same place, the later one is drawn smaller, inside the first, as a ring.

# %%
plot_ball_rolling(("sgd", "momentum"), lr=0.02, steps=100)

# %% [markdown]
# The same run as a film strip, a few frames of the 100 steps (at step 0 both balls are at the
# start, one inside the other):

# %%
plot_ball_rolling(("sgd", "momentum"), lr=0.02, steps=100, frames=[0, 8, 16, 30, 60, 100])

# %% [markdown]
# ## The notes' snippet
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
# (The line numbers are ours, to refer to below.) Lines 3, 4 and 8 are the training loop around
# the update: line 4 is "a forward pass, the loss and a backward pass", line 8 writes the new `w`
# back. The update itself is lines 5 to 7.
#
# ### Three steps by hand
#
# Before any explanation, let us just run lines 5–7 three times, with plain floats, on our curve
# (its slope, by hand, is `w³ − 2w + 0.3`), from `w = 2.5` with `learning_rate = 0.02`. To make the
# numbers easy to follow we take `momentum = 0.5` here; the notes' 0.1 comes later.

# %%
def slope(w):
    """The derivative of double_well(w) = w**4/4 - w**2 + 0.3*w, by hand."""
    return w**3 - 2 * w + 0.3


learning_rate, momentum = 0.02, 0.5
w, past_velocity = 2.5, 0.0
print(" step |   w before |  gradient g |  velocity (line 5) |   w after (line 6)")
for step in range(1, 4):
    gradient = slope(w)
    velocity = past_velocity * momentum - learning_rate * gradient  # line 5
    w_new = w + momentum * velocity - learning_rate * gradient  # line 6
    print(f" {step:4d} | {w:10.4f} | {gradient:11.4f} | {velocity:18.4f} | {w_new:18.4f}")
    w, past_velocity = w_new, velocity  # lines 7 and 8
sgd_w = 2.5
for _ in range(3):
    sgd_w -= learning_rate * slope(sgd_w)
print(f"plain SGD (w -= learning_rate * g) after the same 3 steps: w = {sgd_w:.4f}")
assert w < sgd_w  # downhill is towards smaller w here: the snippet got further

# %% [markdown]
# Read the velocity column: at step 1 it is just the plain SGD step `−0.02 · g`; at step 2 it is
# that step plus half of the previous velocity, at step 3 again plus half of the one before. In
# plain words: **the velocity is a running total of the SGD steps, in which older steps count
# less and less. Then `w` moves by `momentum` times that velocity plus one more plain SGD step
# (line 6; why, is explained below), so after three steps it is further along than plain SGD
# (the last printed line).**
#
# ### The ball picture, in the snippet's variables
#
# The notes (point 8) describe the ball by its *acceleration* (the current slope) and its
# *velocity* (the result of earlier accelerations). In the code:
#
# | the ball | the snippet |
# |---|---|
# | slope of the ground under it: pushes it downhill | `- learning_rate * gradient`, added to the velocity every step |
# | velocity: how far it moves per step | `velocity` (and `past_velocity`, the velocity of the step before) |
# | friction: takes away part of the velocity each step | `momentum`: the fraction of the velocity that **survives** a step; friction takes `1 − momentum` |
# | position | `w` |
#
# With `momentum = 0` there is no memory at all: the velocity is the push of this step alone, which
# is plain SGD. With `momentum` close to 1 there is little friction: the ball keeps its speed,
# rolls on where the slope flattens, and can coast over a small bump.
#
# **How fast does it get?** On a long even slope the push `−lr · g` is the same every step, and
# the velocity grows until friction takes away as much as the push adds:
# `v = momentum · v − lr · g`, so `v = −lr · g / (1 − momentum)`. The ball then moves
# `1 / (1 − momentum)` times as far per step as plain SGD: its **effective step** is
# `lr / (1 − momentum)`.

# %%
for m in [0.1, 0.5, 0.9, 0.99]:
    print(f"momentum {m:4}: effective step lr / (1 - momentum) = {1 / (1 - m):5.1f} x lr")

# %% [markdown]
# So the notes' 0.1 makes the ball only about 10 % faster than plain SGD on a long slope, while
# the usual 0.9 makes it 10 times as fast. Here are the notes' snippet (as runnable code on our
# curve, with `Value` and `backward()` giving the gradient) and plain SGD, 100 steps each:

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
# The local minimum is near `w = +1.33`, the global one near `w = −1.48` (see the first plot).
# With the notes' 0.1 the ball keeps too little speed to climb the bump and stops in the local
# dip, like plain SGD; with 0.9 it rolls through (the printed end points).
#
# ### Line by line
#
# **Line 1: `past_velocity = 0.`** — the ball starts at rest.
#
# **Line 2: `momentum = 0.1`** — the fraction of the velocity that survives one step, as above.
# The notes' constant is "constant" (不变) only in the sense that it does not change during
# training; its *value* is what matters, and 0.9 is the usual one.
#
# **Line 5: `velocity = past_velocity * momentum - learning_rate * gradient`** — the new velocity is
# the old one, damped, plus a push downhill (the step plain SGD would take). Unrolled over the
# steps, it is the decaying sum we saw in the table:
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
# simple ball of the picture would just move by its velocity: `w = w + velocity`. Substitute line 5
# into the snippet's version:
#
# ```
# momentum * velocity - lr * g  =  momentum * (momentum * past_velocity - lr * g) - lr * g
#                               =  momentum² * past_velocity - (1 + momentum) * lr * g
# ```
#
# It adds the current gradient step once more *on top of* the velocity that already contains it:
# the ball moves to where its momentum is taking it and **then** looks at the slope — a
# look-ahead. That is the "one more small step" of the table.
#
# **Line 7: `past_velocity = velocity`** — remember the velocity for the next step.
#
# ### Its name: Nesterov momentum, next to PyTorch's form
#
# The simple ball (`w = w + velocity`) is called **heavy-ball momentum**. The snippet's look-ahead
# version is **Nesterov momentum**, in the form Sutskever gave it (the one PyTorch uses). Where is
# the look-ahead, when the gradient in line 4 is taken at the current `w`? In this form the `w`
# stored between steps **is the look-ahead point**: the position the ball would reach by coasting
# on its velocity, not the ball's own position. So the gradient at the stored `w` is exactly the
# look-ahead gradient, and line 6 keeps the stored `w` one coasting step ahead of the ball.
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
# (`lambda p, m=m: SGD(...)` is a one-line function of `p`; `m=m` is a *default argument* that
# freezes the value `m` has when the lambda is made — see notebook 3.)
#
# Heavy ball and Nesterov, both with momentum 0.9, against the notes' 0.1 and plain SGD:

# %%
ball_runs = {
    "SGD": lambda p: SGD(p, lr=0.02),
    "notes' snippet, momentum 0.1": lambda p: SGD(p, lr=0.02, momentum=0.1, nesterov=True),
    "heavy ball, momentum 0.9": lambda p: SGD(p, lr=0.02, momentum=0.9),
    "Nesterov, momentum 0.9": lambda p: SGD(p, lr=0.02, momentum=0.9, nesterov=True),
}
plot_ball_rolling(ball_runs, steps=100)

# %%
plot_ball_rolling(ball_runs, steps=100, frames=[0, 10, 25, 50, 100])

# %%
for name, make in ball_runs.items():
    path = ball_positions(make, steps=100)
    overshoot = min(path)  # how far left of the global minimum (-1.48) the ball swings
    print(f"{name:30s} ends at w = {path[-1]:+.3f}, leftmost point {overshoot:+.3f}")
    ball_runs[name] = (make, path)
heavy, nesterov = ball_runs["heavy ball, momentum 0.9"][1], ball_runs["Nesterov, momentum 0.9"][1]
assert min(nesterov) > min(heavy)  # Nesterov swings less far past the global minimum

# %% [markdown]
# Both 0.9 variants roll over the bump and settle in the global minimum; Nesterov's look-ahead
# brakes earlier, so it swings less far past the minimum (the leftmost points printed above). The
# notes' 0.1 stays in the local minimum with plain SGD: its ball is drawn inside SGD's, because the
# two end at almost the same place. Momentum addresses both problems the notes name (point 3):
# faster progress along long slopes (the effective step), and a chance to escape shallow local
# minima. (A chance, not a guarantee: with too little momentum, or a deep enough dip, the ball
# stays.)

# %% [markdown]
# ## A ravine, and what momentum does there
#
# A long narrow valley, 20 times more curved across than along: `ravine(w₁, w₂) = 0.05·w₁² + w₂²`,
# minimum at (0, 0). (How to read the contour lines: notebook 3.) Across the valley (`w₂`) the
# curvature is 2, so plain SGD is stable only for `lr < 2 / 2 = 1` (notebook 3's rule); along it
# (`w₁`) the curvature is 0.1, so with `lr < 1` each step shrinks the distance along the valley by
# at most 10 %. The steep direction sets the learning rate, and the flat direction then crawls.
#
# Momentum changes that: its effective step along a long slope is `lr / (1 − β)` (β is the usual
# symbol for the `momentum` factor), and across the valley, where the gradient flips sign
# every step, the pushes cancel instead of adding up. Move the sliders to see it: plain SGD with
# the same learning rate for comparison, 60 steps from (−9, 1.5). (In the spirit of distill.pub's
# "Why Momentum Really Works", which has many more sliders.)

# %%
def momentum_on_the_ravine(lr=0.5, beta=0.6, steps=60, ax=None):
    """Plain SGD and heavy-ball momentum with the same learning rate on the ravine."""
    return plot_optimizer_paths(
        "ravine",
        {"SGD": lambda p: SGD(p, lr=lr), "momentum": lambda p: SGD(p, lr=lr, momentum=beta)},
        steps=steps,
        ax=ax,
    )


try:
    import ipywidgets as widgets
    from IPython.display import display
except ImportError:
    widgets = None
    print("ipywidgets is not installed (pip install -e '.[notebook]'): see the pictures below.")

if widgets is not None:

    def ravine_png(lr, beta):
        """The figure as PNG bytes, for an Image widget that the sliders redraw."""
        buffer = io.BytesIO()
        momentum_on_the_ravine(lr, beta).savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()

    lr_slider = widgets.FloatSlider(value=0.5, min=0.05, max=2.0, step=0.05, description="lr")
    beta_slider = widgets.FloatSlider(value=0.6, min=0.0, max=0.99, step=0.01, description="β")
    picture = widgets.Image(value=ravine_png(0.5, 0.6), format="png")

    def redraw(_change):
        picture.value = ravine_png(lr_slider.value, beta_slider.value)

    lr_slider.observe(redraw, names="value")
    beta_slider.observe(redraw, names="value")
    display(widgets.VBox([widgets.HBox([lr_slider, beta_slider]), picture]))

# %% [markdown]
# The slider needs a running kernel: on the web page of this notebook, or in a saved notebook
# reopened before its cells are run, it shows nothing. The same experiment at four settings,
# drawn once:

# %%
settings = [(0.9, 0.0), (0.9, 0.5), (0.1, 0.9), (1.5, 0.9)]  # (lr, β); β = 0 is plain SGD
fig, axes = plt.subplots(2, 2, figsize=(11, 6.5))
for ax, (lr, beta) in zip(axes.flat, settings):
    path = optimizer_path("ravine", lambda p, lr=lr, beta=beta: SGD(p, lr=lr, momentum=beta),
                          steps=60)
    plot_optimizer_paths(
        "ravine", {"path": lambda p, lr=lr, beta=beta: SGD(p, lr=lr, momentum=beta)},
        steps=60, ax=ax,
    )
    ax.get_legend().remove()
    ax.set_title(f"lr {lr}, β {beta}: loss {SURFACES['ravine'](*path[-1]):.1e} after 60 steps")
fig.tight_layout()
plt.show()
for lr, beta in settings:
    print(f"lr {lr}, β {beta}: effective step along the valley lr / (1 - β) = "
          f"{lr / (1 - beta):5.2f}; stable across it while lr < 1 + β = {1 + beta:.2f}")

# %% [markdown]
# What the four panels show:
#
# - **lr 0.9, β 0** (plain SGD, close to its limit 1): across the valley it zig-zags (each step
#   multiplies `w₂` by `1 − 2·0.9 = −0.8`), along it it crawls.
# - **lr 0.9, β 0.5**: the same learning rate, but an effective step along the valley twice as
#   long: it gets much closer in the same 60 steps (the loss in the title).
# - **lr 0.1, β 0.9**: a small learning rate with a lot of momentum: an effective step of 1 along
#   the valley, but with little friction the ball rolls past the minimum along the valley and has
#   to come back, in slow arcs across it.
# - **lr 1.5, β 0.9**: beyond plain SGD's limit (lr < 1) and still stable: for heavy-ball momentum
#   the limit across is `lr · curvature < 2 · (1 + β)`, here `lr < 1 + β` (the printed lines). Too
#   little friction again, though: it swings wildly around the minimum.
#
# So momentum is not free: β too small gains little, β too large swings. The right β depends on
# how unevenly curved the surface is. (To see the stability limit `lr < 1 + β`, set β to 0.9 and
# move the learning rate from 1.85 to 1.95 with the slider, or call
# `momentum_on_the_ravine(1.85, 0.9)` and `momentum_on_the_ravine(1.95, 0.9)`.)
#
# ## Adagrad, RMSprop, Adam: a step size for every parameter
#
# Momentum changes the *direction* of a step by summing gradients. The next family changes the
# *size* of the step for each parameter separately, by dividing by a running measure of how large
# that parameter's gradients have been. We build them one at a time, each a change of one line to
# the one before. For one parameter `w` with gradient `g`:
#
# **Adagrad** keeps a sum `s` (starting at 0) of all squared gradients, and divides the step by
# its square root:
#
# ```
# s = s + g²
# w = w - lr * g / (√s + ε)
# ```
#
# `ε` (epsilon, 1e-10) is a tiny constant so that the first division never divides by zero. Since
# `√s` is about the size of the gradients seen so far, `g / √s` is about ±1: each parameter moves
# by about `lr` per step at first, whether its gradients are large or small. Steep directions take
# smaller steps than plain SGD would, flat ones larger — a cheap stand-in for the curvature of
# notebook 2. But `s` only grows, so the steps keep shrinking, and after many steps Adagrad
# almost stops.
#
# **RMSprop** changes the first line: instead of the sum of *all* squared gradients, a *recent*
# average of them, so old gradients are forgotten:
#
# ```
# s = α·s + (1 − α)·g²          # was: s = s + g²
# w = w - lr * g / (√s + ε)
# ```
#
# `α` (alpha, default 0.99) is the fraction of the old average that survives a step, like
# momentum's β; the average covers roughly the last `1 / (1 − α)` = 100 steps. (√s is the RMS,
# root mean square, of the recent gradients: hence the name.) Its first steps are large: after one
# step `s` is only `(1 − α)·g² = 0.01·g²`, so the first step is `lr · g / (0.1·|g|) = 10 · lr`.
#
# **Adam** changes the second line: it puts momentum into the numerator, a recent average `m` of
# the gradients instead of `g` itself. Its two averages have their own factors, `β₁` for `m` and
# `β₂` for `s` (the same role as RMSprop's α):
#
# ```
# m = β₁·m + (1 − β₁)·g         # new: momentum, as an average (β₁ = 0.9)
# s = β₂·s + (1 − β₂)·g²        # RMSprop's line (β₂ = 0.999)
# w = w - lr * m̂ / (√ŝ + ε)     # was: g / (√s + ε)
# ```
#
# and one repair: `m` and `s` start at 0, so their first values are too small (the large first
# steps of RMSprop). Adam divides them by `1 − β₁ᵗ` and `1 − β₂ᵗ` at step `t`
# (`m̂ = m / (1 − β₁ᵗ)`, `ŝ = s / (1 − β₂ᵗ)`): a correction that is large at the first step and
# fades as `t` grows. So Adam = RMSprop + momentum + this correction. The defaults above are
# PyTorch's. Here are the three, written out for one parameter, checked against
# `micrograd.optim` for five steps on the ravine's `w₂`:

# %%
def adagrad_steps(w, lr, steps, eps=1e-10):
    s, out = 0.0, []
    for _ in range(steps):
        g = 2 * w  # the gradient of w**2, the ravine across
        s = s + g**2
        w = w - lr * g / (s**0.5 + eps)
        out.append(w)
    return out


def rmsprop_steps(w, lr, steps, alpha=0.99, eps=1e-8):
    s, out = 0.0, []
    for _ in range(steps):
        g = 2 * w
        s = alpha * s + (1 - alpha) * g**2  # the one changed line
        w = w - lr * g / (s**0.5 + eps)
        out.append(w)
    return out


def adam_steps(w, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8):
    m, s, out = 0.0, 0.0, []
    for t in range(1, steps + 1):
        g = 2 * w
        m = beta1 * m + (1 - beta1) * g  # new: momentum as an average
        s = beta2 * s + (1 - beta2) * g**2
        m_hat, s_hat = m / (1 - beta1**t), s / (1 - beta2**t)  # the start-up correction
        w = w - lr * m_hat / (s_hat**0.5 + eps)
        out.append(w)
    return out


def library_steps(make, w, steps):
    p = Value(w)
    opt = make([p])
    out = []
    for _ in range(steps):
        opt.zero_grad()
        (p**2).backward()
        opt.step()
        out.append(p.data)
    return out


for name, ours, make in [
    ("Adagrad", adagrad_steps(1.5, 0.5, 5), lambda p: Adagrad(p, lr=0.5)),
    ("RMSprop", rmsprop_steps(1.5, 0.05, 5), lambda p: RMSprop(p, lr=0.05)),
    ("Adam", adam_steps(1.5, 0.5, 5), lambda p: Adam(p, lr=0.5)),
]:
    theirs = library_steps(make, 1.5, 5)
    print(f"{name:8s}", "  ".join(f"{v:+.4f}" for v in ours),
          f"   largest difference from micrograd.optim: {max(abs(a - b) for a, b in zip(ours, theirs)):.0e}")

# %% [markdown]
# ### A fair race on the ravine
#
# Which optimizer is "best" depends on the learning rate each one gets, so a race at one
# arbitrary rate each says little (at badly chosen rates, plain SGD can beat momentum). To be
# fair, every method gets the **best learning rate from the same list**,
# `0.03, 0.1, 0.3, 0.5, 0.9, 1.5, 3.0`, and the two with momentum (heavy-ball momentum and Adam)
# also the best β (Adam's β₁) from `0.5, 0.9`. "Best" means: the fewest steps to bring the loss
# below 1e-6 (at most 300 steps). The full table:

# %%
RATES = [0.03, 0.1, 0.3, 0.5, 0.9, 1.5, 3.0]
BETAS = [0.5, 0.9]
TARGET, BUDGET = 1e-6, 300


def steps_to_target(make):
    """Steps until the ravine's loss is below TARGET (None: not within BUDGET, or diverged)."""
    path = optimizer_path("ravine", make, steps=BUDGET)
    for step, point in enumerate(path):
        try:
            if SURFACES["ravine"](*point) < TARGET:
                return step
        except OverflowError:  # so far out that the loss is too large for a float: diverged
            return None
    return None


candidates = {  # method -> {setting: factory}
    "SGD": {(lr, None): (lambda p, lr=lr: SGD(p, lr=lr)) for lr in RATES},
    "momentum": {(lr, beta): (lambda p, lr=lr, beta=beta: SGD(p, lr=lr, momentum=beta))
                 for lr in RATES for beta in BETAS},
    "Adagrad": {(lr, None): (lambda p, lr=lr: Adagrad(p, lr=lr)) for lr in RATES},
    "RMSprop": {(lr, None): (lambda p, lr=lr: RMSprop(p, lr=lr)) for lr in RATES},
    "Adam": {(lr, beta): (lambda p, lr=lr, beta=beta: Adam(p, lr=lr, betas=(beta, 0.999)))
             for lr in RATES for beta in BETAS},
}
best = {}
print(f"steps to loss < {TARGET:g} ('-': not within {BUDGET} steps)")
print(f"{'lr':>14s}" + "".join(f"{lr:>7g}" for lr in RATES))
for method, options in candidates.items():
    results = {setting: steps_to_target(make) for setting, make in options.items()}
    for beta in sorted({b for _, b in options}, key=lambda b: (b is not None, b)):
        row = [results[(lr, beta)] for lr in RATES]
        name = method if beta is None else f"{method} β {beta}"
        print(f"{name:>14s}" + "".join(f"{'-' if n is None else n:>7}" for n in row))
    reached = {s: n for s, n in results.items() if n is not None}
    setting = min(reached, key=reached.get)
    best[method] = (setting, reached[setting], options[setting])
print()
for method, ((lr, beta), n, _) in sorted(best.items(), key=lambda item: item[1][1]):
    print(f"best {method:8s}: lr {lr}" + ("" if beta is None else f", β {beta}") + f": {n} steps")

# %%
plot_optimizer_paths("ravine", {method: make for method, (_, _, make) in best.items()}, steps=60)

# %%
ranking = sorted(best, key=lambda method: best[method][1])
print("fastest to slowest:", ", ".join(f"{m} ({best[m][1]} steps)" for m in ranking))
# The text below says so; these checks make the notebook fail if a change makes it untrue.
assert ranking[-1] == "SGD", ranking
assert ranking[0] == "RMSprop", ranking
assert best["momentum"][1] < best["SGD"][1] / 2, best
assert best["momentum"][0] == (0.9, 0.5), best  # below SGD's limit 1; the smaller β
assert best["SGD"][0][0] == 0.9 and best["Adagrad"][0][0] == RATES[-1], best
assert max(best["Adagrad"][1], best["Adam"][1]) < best["SGD"][1] / 2, best
first_rmsprop_step = optimizer_path("ravine", best["RMSprop"][2], steps=1)[1]
print("RMSprop's first step goes to", first_rmsprop_step)
assert abs(first_rmsprop_step[1]) > SURFACES["ravine"].ylim[1]  # off the picture

# %% [markdown]
# What the table and the race say (the step counts are printed above):
#
# - **Plain SGD is the slowest**, and why is the point of this section: its learning rate must
#   stay below 1 for the steep direction, and at such a rate the flat direction shrinks by at most
#   10 % per step. Its best rate is the largest one below 1 in the list.
# - **Momentum** needs less than half of SGD's steps, at a learning rate SGD could also use: the
#   effective step along the valley is longer. Its best β here is 0.5, not the usual 0.9: this
#   valley is only 20 times more curved across than along, and with 0.9 the ball swings (row
#   "momentum β 0.9" of the table, and the slider).
# - **RMSprop wins** on this surface, and **Adagrad and Adam** also beat SGD clearly. They divide
#   each coordinate's step by that coordinate's own gradient size, which undoes the 20-fold
#   difference in one stroke — because this valley lies **along the axes** `w₁` and `w₂`. A valley
#   at 45° to the axes mixes both coordinates in every gradient, and that advantage mostly goes
#   (try 3 below). RMSprop's path leaves the picture at its first step: that is the `10 · lr`
#   first step of RMSprop computed above, which Adam's start-up correction avoids.
# - Adagrad's best rate is the largest in the list: its steps only shrink, so it needs a large
#   start. (A longer list might find it a better rate; the sweep is small on purpose.)
#
# There is no single winner in general: which method is fastest depends on the surface and on the
# rates each one gets. In practice Adam with its default settings is a robust first choice, and SGD
# with momentum 0.9 and a learning-rate schedule often generalizes better in the end.

# %% [markdown]
# ### A surface with a local minimum
#
# The 2-D version of the double well: a local minimum on the right, the global one on the left.

# %%
local_names = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
plot_optimizer_paths("local_minimum", local_names)

# %%
def where_they_end(surface, names, steps=None):
    """Print where each optimizer's path ends on a surface, and the loss there; return the ends."""
    ends = {}
    for name in names:
        path = optimizer_path(surface, name, steps=steps)
        ends[name] = path[-1]
        w1, w2 = path[-1]
        print(f"{name:9s} after {len(path) - 1} steps: (w1, w2) = ({w1:+.3f}, {w2:+.3f}), "
              f"loss {SURFACES[surface](w1, w2):.2g}")
    return ends


ends = where_they_end("local_minimum", local_names)
crossed = sorted(name for name, (w1, _) in ends.items() if w1 < 0)
print("crossed the ridge to the global minimum:", crossed)
assert crossed == ["momentum", "nesterov"], crossed

# %% [markdown]
# Only the two momentum methods cross the ridge here (printed above). Adaptive step sizes help
# along flat and steep directions but do not give the "speed" needed to climb out of a dip. (Adam
# has momentum too, but with its learning rate here it slows down before the ridge: try
# `lr={"adam": 0.5}`.)
#
# ### Rosenbrock's banana valley
#
# Finding the valley is easy; following its curved floor to the minimum at (1, 1) is hard. The
# paths overlap along the floor, so each optimizer gets its own panel (the big dot is where it
# ends):

# %%
banana_names = ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
plot_optimizer_paths("rosenbrock", banana_names, separate=True)

# %%
ends = where_they_end("rosenbrock", banana_names)
furthest = sorted(ends, key=lambda name: SURFACES["rosenbrock"](*ends[name]))[:2]
print("lowest loss after 500 steps:", furthest)
assert sorted(furthest) == ["adam", "momentum"], furthest

# %% [markdown]
# What to see: every path first drops from the start (−1.2, 1) into the valley within a few steps
# (across the valley the surface is very steep). Then the slow part: the floor curves through
# (0, 0) up to the minimum at (1, 1), and along the floor the gradient is tiny while across it is
# huge, so each optimizer creeps along the banana. The printed end points say how far each got in
# 500 steps: none reached (1, 1), and the two with momentum (momentum and Adam) got furthest.
#
# All of these optimizers take the same inputs — the gradients from one backward pass — and each
# is a few lines in `micrograd/optim.py`. To write them yourself, with checks that say what is
# wrong: [exercise 5](exercises/05_optimizers.ipynb).

# %% [markdown]
# ## Try it
#
# 1. Find the smallest momentum for which the notes' snippet escapes the local minimum
#    (try `notes_momentum(m)` for `m` between 0.5 and 0.9). Does the start point matter?
# 2. Turn the snippet into the heavy ball by changing one line, and check it against
#    `SGD(p, lr=0.02, momentum=m)` with `ball_positions`.
# 3. Tilt the ravine by 45°: make a `Surface` from
#    `lambda x, y: 0.05 * ((x + y) / 2**0.5) ** 2 + ((x - y) / 2**0.5) ** 2` (import `Surface`
#    from `micrograd.plots`; copy the other arguments from `SURFACES["ravine"]`) and run the race
#    on it. Which methods lose their advantage, and why?
