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

# %% [markdown] lang="zh"
# # 1. 导数：一个权重该往哪个方向调？
#
# 本课程配合一份中文学习笔记（下文简称"笔记"），共七讲，每讲是一个 Jupyter notebook，按笔记的顺序展开。代码、代码里的注释和打印结果都保持英文（与 PyTorch 等库和论文的用语一致），正文会解释其中的关键词。
#
# **本讲内容**
#
# - 光滑函数的导数（derivative）是什么：它就是 `f(x + eps) ≈ y + a * eps`（其中 `y = f(x)`）中的斜率 `a`；以及怎样只用 `f` 的两个函数值把它估计出来；
# - 笔记里的"朴素方法"：只改动一个系数（0.3 → 0.35 或 0.25），重新做一次前向传播（forward pass，即把数据送进网络、算出输出），看损失（loss）是变大还是变小；
# - 这种方法的代价——**每个参数要做两次前向传播**。我们在真实的网络上实测它，并与**一次反向传播（backward pass，即从损失出发往回求导数，第 5 讲详解）同时求出全部参数的导数**相比较。
#
# 本讲对应笔记的前两节："基于梯度的优化"（第 6–9 点）和"导数"。中英文术语对照见[术语表](../../docs/glossary.md)。如果你看过 Andrej Karpathy 讲 micrograd 的视频课，[从视频课过来](../../docs/lecture.md)一页列出了视频里的名字在本库中对应什么。

# %%
import time

import matplotlib.pyplot as plt

import micrograd
from micrograd import Value
from micrograd.data import make_moons
from micrograd.i18n import use_language_for_plots
from micrograd.losses import mse
from micrograd.nn import MLP

%matplotlib inline
plt.rcParams["figure.dpi"] = 90
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

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

# %% [markdown] lang="zh"
# ## 光滑函数的斜率
#
# 取一个光滑函数 `f` 和一个点 `p`。让 `x` 移动一个很小的量 `eps`（笔记里写作 `epsilon_x`），`y` 也随之有一个很小的变化。在 `p` 附近，曲线看上去几乎就是一条直线，所以 `y` 的变化量与 `x` 的变化量成正比：
#
# ```
# f(p + eps) ≈ f(p) + a * eps
# ```
#
# 比例系数 `a` 就是 `f` 在 `p` 点的**导数**（derivative），即曲线在该点的斜率（slope）。我们可以通过"测量"来*估计*它：`a ≈ (f(p + eps) - f(p)) / eps`。下面的代码对 `f(x) = x³ − 3x + 1` 在 `p = 1.5` 处这样做，`eps` 取得越来越小，并与手算的精确值 `f′(x) = 3x² − 3` 比较。

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

# %% [markdown] lang="zh"
# 这种用函数值之差来估计导数的办法叫作有限差分（finite difference）。`eps` 越小，估计越准：误差（表中 error 一列）大致与 `eps` 成正比。*中心*差分 `(f(p + eps) - f(p - eps)) / (2 * eps)` 还要更准（它的误差按 `eps²` 缩小），`micrograd.numerical_grad` 用的就是它。而本库的自动求导引擎（下文简称"引擎"）根本不需要 `eps`，就能得到精确的斜率。
#
# **`Value` 是什么？** 它是引擎的数值类型：一个**记得自己是怎样算出来的**数。`x = Value(1.5, label="x")` 是一个数（`x.data` 等于 1.5），再加上一个画图时用的名字（`label=`，可以不写）。对 Value 做的每一步运算（例如 `x**3 - 3 * x + 1`）都会产生一个新的 Value，它记下自己是由哪些 Value、经过什么运算得到的。调用 `y.backward()` 时，引擎沿着这份记录往回走，把 `y` 对每个 Value 的导数存进该 Value 的 `.grad`：所以 `x.grad` 就是 dy/dx 在 `x.data` 处的值。[第 5 讲](05_chain_rule.ipynb)会讲它内部是怎么做到的；现在只需记住：`.data` 是数本身，`.grad` 由 `backward()` 填入。

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

# %% [markdown] lang="zh"
# 下图画出了这条曲线，以及过点 `(p, f(p))`、斜率为 `a` 的直线，即**切线**（tangent line）。在 `p` 附近，两者几乎分不开；离 `p` 越远，用直线代替曲线就错得越多。梯度下降（gradient descent：沿着斜率的反方向，一小步一小步地往下走）的基本思想全在这里：斜率只能告诉你**走一小步**时会发生什么。

# %%
xs = [i / 100 for i in range(-250, 251)]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(xs, [f(v) for v in xs], label="f(x) = x³ − 3x + 1")
ax.plot(xs, [f(p) + exact * (v - p) for v in xs], "--", label=tr("tangent at p = {p}: slope {slope}").format(p=p, slope=exact))
ax.plot([p], [f(p)], "o", color="black")
ax.axvspan(p - 0.25, p + 0.25, alpha=0.15, color="green", label=tr("where the line is a good guess"))
ax.set_ylim(-4, 8)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.legend(loc="upper left")
ax.set_title(tr("The derivative is the slope of the tangent line"))
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

# %% [markdown] lang="zh"
# ## 朴素方法：一次只改一个系数
#
# 笔记第 7 点描述了一种靠试探来训练网络的办法：除了某一个标量系数，其余权重（weight）全都不动；把这个系数调大一点、再调小一点，哪个方向让损失下降就往哪个方向改。我们就在一个真实的网络上照做：取一个在"双月"数据上工作的小型多层感知机，把它的某一个权重设为 0.3。
#
# 下面要用到的几样东西，先各用一两句话介绍（第 3 讲和第 6 讲会详细用到）：
#
# - `make_moons(n_samples=16, ...)`：平面上的 16 个点，分成两类，两类点的形状像两个互相咬合的半月形，所以叫"双月"（two moons）数据。我们要求网络对一类点输出 +1，对另一类输出 −1（即 `targets`，目标值）。
# - `MLP(2, [8, 8, 1], seed=0)`：一个多层感知机（multi-layer perceptron，MLP）：2 个输入，两层各 8 个神经元，1 个输出。它的权重一开始是随机数（随机种子 `seed` 固定，所以每次运行都一样）。`model.parameters()` 是它全部权重和偏置（bias）组成的列表，每一个都是 Value；`model.zero_grad()` 把它们的 `.grad` 全部清零。
# - `mse(predictions, targets)`：均方误差（mean squared error），即 `(预测值 − 目标值)²` 的平均值。我们用它作为损失。
#
# 笔记里的数字（系数为 0.35 时损失从 0.5 增大到 0.6，为 0.25 时减小到 0.4）是为了举例编出来的；我们的数字来自真实的前向传播，但推理过程一样。我们的损失约为 6 而不是 0.5，这是因为网络**还没有训练**：权重是随机的，输出离目标值 ±1 差了好几个单位，这么大的误差平方后再平均，就是 6 左右。把损失降下来，正是训练要做的事。

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

# %% [markdown] lang="zh"
# （打印出的名字 `layers.0.neurons.1.w.1` 的意思是：第 0 层、第 1 个神经元、对第 1 个输入的权重；编号都从 0 开始。）两个方向中有一个让损失下降，于是我们知道了*这个*系数该往哪边移。而且，两个损失之差除以 `0.1`（0.35 与 0.25 之差），就是损失对这个系数的斜率的估计——和本讲第一节的估计方法完全相同。
#
# 可是这个网络有很多系数，笔记第 8 点说出了问题所在：**每一个系数都要再做两次前向传播**。下面用这个办法求出所有参数的斜率，再与 `backward()` 的结果比较。

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

# %% [markdown] lang="zh"
# 两种方法得到的是同一组导数，差别只来自有限差分的舍入误差。这一组导数，即损失对每个参数的导数放在一起，就叫**梯度**（gradient），第 2 讲会细讲。而用 `backward()`，只需一次前向传播加一次反向传播就得到了*全部*导数，代价大约相当于一到两次前向传播。下面看两种方法的耗时怎样随网络规模增长（打印结果和图中的 naive 指朴素方法，backward 指反向传播，ratio 是两者耗时之比）：

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
ax.loglog(sizes, naive_times, "o-", label=tr("naive: 2 forward passes per parameter"))
ax.loglog(sizes, backward_times, "s-", label=tr("1 forward + 1 backward pass"))
ax.set_xticks(sizes, [str(n) for n in sizes])  # label the sizes we measured, nothing else
ax.xaxis.set_minor_formatter(plt.NullFormatter())
ax.set_xlabel(tr("number of parameters"))
ax.set_ylabel(tr("seconds for the full gradient"))
ax.set_title(tr("Cost of one gradient, batch of 16 samples"))
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

# %% [markdown] lang="zh"
# 在双对数坐标图上，斜率为 1 的直线表示"耗时与规模成正比"，斜率为 2 表示"耗时与规模的平方成正比"。朴素方法的耗时趋向于按规模的**平方**增长：一次前向传播的耗时本身就与参数个数成正比，而每个参数又要重复两次。（对最小的几个网络，它增长得慢一些，原因和下面说的一样：每次前向传播都有一份固定开销。）反向传播的耗时至多与规模成正比（每个参数只被处理常数次）；对这几个小网络，它甚至增长得*更慢*（见图下打印的数字），因为它的一部分耗时是固定开销——调用函数、构造损失、准备这一遍计算——不论网络大小都一样。网络很大时，这份开销可以忽略，直线的斜率就趋近于 1。真实的网络有成千上万乃至上百万个系数（笔记第 8 点），朴素方法毫无希望——这正是笔记接下来要讲梯度和反向传播（backpropagation）的原因。
#
# 朴素方法仍然有用：它完全不需要求导法则，因此可以用来独立地检验 `backward()` 的结果（`micrograd.gradcheck` 做的正是这件事）。
#
# **练习**。想看 `Value` 是怎样得到导数的，可以自己动手做一个小的：在[练习 1](../exercises/01_local_derivatives.ipynb)中，你要写出每种运算的局部导数（local derivative）；在[练习 2](../exercises/02_backward.ipynb)中，你要写出反向传播（第 5 讲会先讲解它，学完第 5 讲再回来做练习 2）。

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

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 在第一张表中把 `eps` 减小到 `1e-10` 和 `1e-14`。为什么估计值反而又*变差*了？（提示：浮点数只有大约 16 位有效数字。）
# 2. 修改 `list(model.named_parameters())[4]` 中的下标 `4`（打印出来的名字会告诉你选中的是权重 `w` 还是偏置 `b`）。是否总是一个方向让损失下降、另一个方向让它上升？什么情况下两个方向都会让损失变大？
# 3. 在计时的循环里再加一个隐藏层（hidden layer，即输入和输出之间的一层神经元）：`MLP(2, [width, width, width, 1])`。两种方法的耗时之比会怎样变化？

# %% [markdown] lang="zh"
# ## 小结
#
# - 光滑函数在一点附近近似于一条直线：`f(p + eps) ≈ f(p) + a * eps`，其斜率 `a` 就是该点的导数。
# - 导数可以用两个函数值的差来估计；中心差分更准，`micrograd.numerical_grad` 用的就是它。
# - `Value` 记下自己的计算过程，`backward()` 把精确的导数填进每个 Value 的 `.grad`。
# - 笔记中的朴素方法（逐个试探系数）确实可行，但每个参数要两次前向传播，总耗时趋向于按参数个数的平方增长。
# - 一次前向传播加一次反向传播就能得到全部参数的导数（即梯度）：这就是接下来要学梯度和反向传播的原因。
