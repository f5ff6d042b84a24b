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
#
# Words in English and Chinese side by side: the [glossary](../docs/glossary.md).

# %%
import math
import random
import time

import matplotlib.pyplot as plt
import numpy as np

from micrograd import Value, grad
from micrograd.data import batches, make_moons
from micrograd.losses import mse
from micrograd.nn import MLP
from micrograd.optim import SGD
from micrograd.plots import Surface, plot_optimizer_paths
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
#
# The notes first describe the loop in **four** steps (基于梯度的优化, point 4), the last being
# "update the weights". Point 6 here lists **five**: it splits that update into computing the
# gradient (a backward pass) and moving the parameters against it. The comments below follow
# point 6's five steps, one for one.
#
# One word before the code: an **epoch** (轮次) is one pass over the whole training set. With 64
# samples and batches of 16, one epoch is 4 steps; the loop below runs 3 epochs, 12 steps. We
# number epochs from 1, in the printouts and in every plot of this notebook.
#
# Where is the "stochastic" (随机) in stochastic gradient descent? In step 1: `batches(X, ys,
# batch_size=16, seed=epoch)` **shuffles** the 64 samples at the start of every epoch (with a
# different seed, `epoch`, each time, so each epoch sees the samples in a new random order and
# cuts them into different batches of 16). Each step's gradient is computed from a random quarter
# of the data, not from all of it.
#
# Why the line `w.grad = b.grad = 0.0` before every `backward()`? Because `backward()` does not
# *overwrite* the gradient of a leaf such as `w`: it **adds** to it (`+=`, notebook 5 explains
# why). Without zeroing, step 10 would use the sum of the gradients of steps 1 to 10 — a direction
# that no longer belongs to the current point.

# %%
w, b = Value(-1.0, label="w"), Value(1.5, label="b")
step = 0.3  # the notes' `step`: the learning rate

for epoch in range(1, 4):  # epochs 1, 2, 3
    for X_batch, y_batch in batches(X, ys, batch_size=16, seed=epoch):
        # 1. draw a batch of training samples x and targets y (抽取数据批量)
        # 2. run the network on x: the forward pass (前向传播), giving y_pred
        y_pred = [w * x[0] + b for x in X_batch]
        # 3. the loss on this batch: how far y_pred is from y (损失)
        loss = mse(y_pred, y_batch)
        # 4. the gradient of the loss w.r.t. the parameters: one backward pass (反向传播) ...
        w.grad = b.grad = 0.0  # leaves accumulate (+=) across backward() calls: start at 0
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
for epoch in range(1, 4):
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
# the same start, drawn on the contour lines of the loss with `micrograd.plots`.
#
# **Reading a contour plot** (等高线图). The loss is a height over the plane of `(w, b)`. Seen from
# above, each closed curve joins the points of equal loss, like the lines of equal height on a
# hiking map. The innermost ring is the bottom of the bowl; where rings are close together the
# surface is steep, where they are far apart it is flat. The gradient at a point is perpendicular
# to the ring through it, pointing outward (uphill); a gradient step goes the other way.
#
# **A small Python detail** in the cell below: `lambda p, lr=lr: SGD(p, lr=lr)` is a short
# function of `p` (a *lambda*, an unnamed one-line function). `lr=lr` gives it a *default
# argument*: the value of `lr` at the moment the lambda is made. Without it, every lambda made in
# the loop would look up `lr` when it is called, after the loop, and all three would use the
# last value, 1.1.

# %%
def full_loss(w, b):
    """Mean squared error over all samples; works on Values and on numpy arrays alike."""
    return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


line_fit = Surface(
    "line fit: loss(w, b)", full_loss, start=(-1.0, 1.5), minimum=(2.0, 0.5),
    xlim=(-2.0, 4.0), ylim=(-1.0, 2.5), axis_labels=("w", "b"),
)
rates = {"too small": 0.02, "good": 0.3, "too large": 1.1}  # the legend adds each lr
plot_optimizer_paths(
    line_fit, {name: (lambda p, lr=lr: SGD(p, lr=lr)) for name, lr in rates.items()}, steps=30
)

# %% [markdown]
# (The star marks (2, 0.5), the line the data were made from; the best fit to these 64 noisy
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
    ax.semilogy(descend(lr), label=f"{name} (lr {lr})")
ax.set_xlabel("step")
ax.set_ylabel("loss (full batch)")
ax.legend()
plt.show()

# %% [markdown]
# - **Too small**: every step goes downhill, but 30 steps get nowhere near the bottom.
# - **Good**: the loss drops by orders of magnitude, then flattens at the noise level of the data.
# - **Too large**: the loss first *falls* for a couple of steps, then climbs without bound:
#   gradient descent **diverges**.
#
# Why both, first falling and then climbing? **The bowl is not equally curved in every
# direction.** Look at the contour rings: they are long ovals, so the loss rises steeply if you
# move `b` (up or down on the plot) and gently if you move `w` (sideways). Each direction has its
# own curvature — notebook 2's second derivative, measured along that direction. A step that is
# the right size for a gentle direction can be far too big for a steep one: it jumps over the
# valley floor to a point *higher up* the other side, and the next step jumps back even further.
# So **the learning rate must suit the steepest direction.**
#
# For a bowl like this one (a quadratic) there is an exact rule: a step multiplies the distance to
# the bottom along a direction of curvature `c` by `1 − lr · c`, so that distance shrinks only
# while `lr < 2 / c`. We can measure the curvature along `w` (holding `b` fixed) and along `b`
# (holding `w` fixed) with notebook 2's `grad(..., create_graph=True)` twice:

# %%
def curvature_along(which, point=(-1.0, 1.5)):
    """The second derivative of the full loss along one parameter, the other held fixed."""
    w, b = Value(point[0]), Value(point[1])
    param = w if which == "w" else b
    (slope,) = grad(full_loss(w, b), [param], create_graph=True)
    (second,) = grad(slope, [param])
    return second


for which in ["w", "b"]:
    c = curvature_along(which)
    print(f"curvature along {which}: {c:.3f}   ->   a step is stable for lr < 2 / {c:.3f} = "
          f"{2 / c:.2f};   at lr 1.1 it multiplies the distance by 1 - 1.1·{c:.3f} = "
          f"{1 - 1.1 * c:+.2f}")

# %% [markdown]
# Along `b` the curvature is the larger, and lr 1.1 is beyond its limit: each step multiplies the
# error in `b` by a factor below −1 (printed above), so it flips sign and grows — the green
# zig-zag on the contour plot, almost vertical. Along `w` the factor is between −1 and 1, so that
# part of the error shrinks: that is why the loss falls at first, until the growing `b` part
# dominates. The slope is only a good guide for small steps (notebook 1's tangent line), and what
# counts as "small" is set by the curvature of the steepest direction.
#
# ### Going deeper (optional): the directions of a bowl
#
# *You can skip this part; nothing later depends on it.* The rule above is exact only along the
# bowl's own axes, the directions of its longest and shortest oval axes, and here these are
# tilted a little away from the `w` and `b` axes (the ovals on the plot are slightly slanted,
# because the data's `x` does not average to exactly 0). Linear algebra finds them:
#
# - The second derivatives of a function of `(w, b)` form a 2 × 2 matrix, the **Hessian** `H`:
#   `H[0][0]` is the curvature along `w`, `H[1][1]` along `b`, and the off-diagonal entries say
#   how the slope in `w` changes when `b` moves. For our loss it is the same at every point,
#   because the loss is quadratic.
# - An **eigenvector** (特征向量) of `H` is a direction `d` that `H` only stretches, without turning
#   it: `H · d = λ · d`. The factor `λ` is its **eigenvalue** (特征值). For a Hessian, the
#   eigenvectors are exactly the bowl's axes, and each eigenvalue is the curvature along its
#   axis. `numpy.linalg.eigh` computes both.

# %%
# The Hessian of the mean squared error of y_pred = w·x + b (differentiate twice by hand:
# ∂²/∂w² = 2·mean(x²), ∂²/∂w∂b = 2·mean(x), ∂²/∂b² = 2).
x_arr = np.array(xs)
hessian = 2 * np.array([[np.mean(x_arr**2), np.mean(x_arr)], [np.mean(x_arr), 1.0]])
curvatures, directions = np.linalg.eigh(hessian)
for curvature, direction in zip(curvatures, directions.T):
    print(f"curvature {curvature:.3f} along (w, b) = ({direction[0]:+.2f}, {direction[1]:+.2f}): "
          f"converges for lr < {2 / curvature:.2f}; "
          f"factor per step at lr 1.1: {1 - 1.1 * curvature:+.2f}")

# %% [markdown]
# The two axes are close to `w` and `b` (the larger entry of each direction), and the two
# curvatures close to the ones measured along `w` and `b` above: the simple picture was nearly
# right. On a real network the Hessian has one row per parameter, millions of them, and nobody
# computes it; but the lesson carries over: the steepest direction limits the learning rate.
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
# The paths on the loss surface, 2 epochs each (an epoch: every sample used once):

# %%
def sgd_path(batch_size, lr=0.1, epochs=2):
    w, b = Value(-1.0), Value(1.5)
    optimizer = SGD([w, b], lr=lr)
    path = [(w.data, b.data)]
    for epoch in range(1, epochs + 1):
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
# full data set. For each batch size we draw 200 random batches and measure how far each batch's
# gradient is from the full one (the length of the difference, `math.hypot`). To sum up 200 such
# errors in one "typical error" we take their **root mean square** (RMS, 均方根): square them,
# average the squares, take the square root. Unlike the plain average, it cannot be fooled by
# signs, and it is the usual measure of the size of random noise.

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
# three batch sizes, 15 epochs each. The loss per epoch, and the time it took.
#
# Four new words, one line each (notebook 6 uses them again):
#
# - **MLP** (多层感知机): layers of neurons; each neuron computes `relu(w · x + b)`, where
#   **ReLU** is `relu(z) = max(0, z)` (the last layer has no ReLU: its output is a *score*).
# - **two moons** (`make_moons`): points in the plane in two classes, labels 0 and 1, shaped like
#   two interleaving half-moons.
# - **margin** (间隔): reading the labels 0/1 as `y = -1/+1`, the product `y · score` is positive
#   when the point is on its right side of the boundary (score > 0 for class 1, < 0 for class 0),
#   and the larger it is, the more safely. That product is the point's margin. The support vector
#   machine (SVM, 支持向量机), a classic linear classifier, is trained to give every point a
#   margin of at least 1.
# - **hinge loss** (the SVM "max-margin" loss, 合页损失): `loss = mean(max(0, 1 − y · score))` —
#   zero for a point with a margin of at least 1, growing linearly as the margin falls below 1
#   (and further for a point on the wrong side).
# - **accuracy** (准确率): the fraction of points whose predicted class (1 if `score > 0`, else 0)
#   is the label.

# %%
X_moons, y_moons = make_moons(n_samples=64, noise=0.1, seed=0)
histories = {}
for name, batch_size, lr in [("true SGD", 1, 0.02), ("mini-batch 8", 8, 0.1),
                             ("batch", None, 0.3)]:
    model = MLP(2, [8, 8, 1], seed=1)
    start = time.perf_counter()
    histories[name] = fit(model, X_moons, y_moons, loss="hinge", optimizer="sgd", lr=lr,
                          epochs=15, batch_size=batch_size, progress=False, seed=0)
    seconds = time.perf_counter() - start
    print(f"{name:13s} {histories[name].steps:4d} steps in {seconds:.2f} s "
          f"({seconds / histories[name].steps * 1000:5.1f} ms per update), "
          f"final epoch loss {histories[name].epoch_loss[-1]:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for name, history in histories.items():
    ax.plot(range(1, history.epochs + 1), history.epoch_loss, "o-", ms=3, label=name)
ax.set_xlabel("epoch")
ax.set_ylabel("hinge loss (epoch average)")
ax.legend()
plt.show()

# %% [markdown]
# **Reading the timings.** The three runs take times of the same order: each epoch, every run
# pushes all 64 samples through one forward and one backward pass, whatever the batch size. What
# differs is the extra work *per update* (zeroing the gradients, the update itself, starting a new
# loss), which true SGD pays 960 times and batch SGD 15 times (the step counts printed above) —
# so smaller batches are slower per epoch, and true SGD is the slowest of the three. Per **update** the order is reversed: one step of batch SGD
# processes 64 samples, one step of true SGD just 1, so batch SGD's update costs many times
# more (the "ms per update" column). Batch SGD buys few precise updates, true SGD many cheap
# noisy ones, for about the same price per pass over the data.
#
# **Why different learning rates?** Each run got a learning rate that works for it. True SGD
# takes 64 times as many steps per epoch as batch SGD, each from a single noisy sample: with
# batch SGD's 0.3 it would take 64 large noisy steps per epoch and jump around; with true SGD's
# 0.02, batch SGD would need hundreds of epochs. A larger batch gives a more reliable direction,
# which tolerates a larger step. (So this is not a race at equal settings; it shows each method
# at a sensible setting.)
#
# Step by step, true SGD's history is misleading: each step sees **one sample**, so the loss of a
# step is 0 whenever that one sample is on the right side by a margin, and its accuracy is either
# 0 % or 100 % (one sample is either right or wrong). The per-step values jump between these
# extremes, and the first or last of them describes one sample, not the model. What measures the
# model is the **epoch average** (`History.epoch_loss`, `History.epoch_accuracy`: the mean over
# the 64 steps of an epoch), epochs numbered from 1 as everywhere in this notebook:

# %%
true_sgd = histories["true SGD"]
epochs = range(1, true_sgd.epochs + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
left.plot(epochs, true_sgd.epoch_loss, "o-", ms=3)
left.set_ylabel("hinge loss (epoch average)")
right.plot(epochs, true_sgd.epoch_accuracy, "o-", ms=3)
right.set_ylabel("accuracy (epoch average)")
right.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
for ax in (left, right):
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
fig.suptitle("true SGD: epoch averages (64 one-sample steps each)")
plt.show()
for epoch in [1, 5, 10, 15]:
    print(f"epoch {epoch:2d}: average loss {true_sgd.epoch_loss[epoch - 1]:.3f}, "
          f"average accuracy {true_sgd.epoch_accuracy[epoch - 1]:.0%}")

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
#
# Three statistics, one line each: `mean(x)` is the average of the `x` values; the **variance**
# `var(x)` (方差) is the average squared distance of `x` from its mean (how spread out `x` is);
# the **covariance** `cov(x, y)` (协方差) is the average of `(x − mean(x)) · (y − mean(y))`, positive
# when `y` tends to be above its mean where `x` is above its mean. Their ratio is the slope of the
# best line. (The code below uses sums instead of averages: the `1/64` cancels in the ratio.)

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
n_params = len(MLP(2, [16, 16, 1]).parameters())
print(f"MLP(2, [16, 16, 1]) has {n_params} parameters: {n_params} equations in as many unknowns")

# %% [markdown]
# For a network this breaks down, for three reasons:
#
# 1. **The equations are not linear.** With one `tanh` neuron, `∂loss/∂w = mean(2 · (tanh(w·x + b)
#    − y) · (1 − tanh²(w·x + b)) · x)` — setting that to zero has no formula for `w`. With `relu`
#    the equations change form wherever a unit switches on or off.
# 2. **There are too many of them.** One equation per parameter: 337 for `MLP(2, [16, 16, 1])`
#    (printed above), and
#    millions for real networks (notes, point 4). Even a linear system of a million equations is
#    expensive; a nonlinear one is hopeless.
# 3. **Zero gradient does not mean minimum.** The loss of a network has many points where the
#    gradient is 0: local minima, maxima and saddle points. (Swapping two hidden units gives the
#    same loss, so every solution comes with many mirror images.) Even solving the equations, you
#    would still have to find out which solution is the lowest.
#
# The loop needs none of that: it only needs the gradient at the current point, which one backward
# pass delivers — whatever the model, however many parameters.
#
# One correction to the notes' remark (point 6) that we "adjust `W` so that the gradient gets close
# to 0": the **goal is a lower loss**, not a small gradient. Each step goes downhill, and the
# gradient shrinks as the loss flattens out near a minimum, so a gradient near 0 is a *by-product*
# of reaching a low point. It is not a sign of success by itself: the gradient is also 0 at a
# maximum and at a saddle point (point 3 above), and close to 0 on any long flat plateau.

# %% [markdown]
# ## Try it
#
# 1. Find, by trying values between 0.3 and 1.1 in `descend(lr)`, the largest learning rate for
#    which full-batch descent on the line still converges. Does it agree with the limit
#    `2 / curvature` printed above for the steepest direction?
# 2. True SGD with `lr = 0.1` keeps jittering around the minimum. Make the learning rate decay and
#    watch the jitter die down: in `sgd_path`, count the updates with a variable of your own,
#    `updates = 0` before the loops and `updates += 1` after `optimizer.step()`, and set
#    `optimizer.lr = lr / (1 + updates / 20)` before each step. (Careful: the name `step` is
#    already taken in this notebook — it holds the learning rate 0.3 from the first loop.)
# 3. Change the noise of the data (`rng.gauss(0, 0.3)`) to 0 and to 1. How does the gradient-noise
#    plot change, and why?
