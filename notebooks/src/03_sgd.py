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

# %% [markdown] lang="zh"
# # 3. 随机梯度下降
#
# **本讲内容**
#
# - 笔记中的训练循环（training loop），逐行写成代码：抽取一个数据批量（batch）、前向传播、计算损失、反向传播、逆着梯度走一步；
# - 步长（笔记里的 `step`，即学习率，learning rate）起什么作用：太小、合适、太大各会怎样；
# - 真 SGD（每步一个样本）、小批量 SGD（mini-batch SGD）和批量 SGD（每步用全部样本）：它们的损失曲线，以及不同批量大小（batch size）下梯度的估计有多大噪声；
# - 为什么"解方程 `gradient = 0`"对只有 N = 2 个参数的模型可行，对神经网络却行不通。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。

# %%
import math
import random
import time

import matplotlib.pyplot as plt
import numpy as np

from micrograd import Value, grad
from micrograd.data import batches, make_moons
from micrograd.i18n import N_, use_language_for_plots
from micrograd.losses import mse
from micrograd.nn import MLP
from micrograd.optim import SGD
from micrograd.plots import Surface, plot_optimizer_paths
from micrograd.train import fit

%matplotlib inline
plt.rcParams["figure.dpi"] = 90
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

# %% [markdown]
# ## A problem small enough to see
#
# To *see* gradient descent, the model must have only two parameters, so that the loss is a
# surface over a plane. We fit a straight line `y_pred = w · x + b` to 64 noisy points of the line
# `y = 2x + 0.5`. The parameters are `w` and `b`; the loss is the mean squared error.

# %% [markdown] lang="zh"
# ## 一个小到可以画出来的问题
#
# 要*看见*梯度下降，模型只能有两个参数，这样损失才是平面上方的一张曲面。我们用一条直线 `y_pred = w · x + b` 去拟合直线 `y = 2x + 0.5` 上的 64 个带噪声的点。参数是 `w` 和 `b`，损失是均方误差（mean squared error，MSE）。

# %%
rng = random.Random(0)
xs = [rng.uniform(-1, 1) for _ in range(64)]
ys = [2.0 * x + 0.5 + rng.gauss(0, 0.3) for x in xs]
X = [[x] for x in xs]  # each sample is a list of features (here one)

fig, ax = plt.subplots(figsize=(5, 3.5))
ax.scatter(xs, ys, s=12)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title(tr("64 samples of y = 2x + 0.5, plus noise"))
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

# %% [markdown] lang="zh"
# ## 训练循环，一步一步来
#
# 下面是笔记中的循环（"随机梯度下降"一节第 6 点），注释里用括号注出了笔记的术语。权重从一个固定的"随机"值开始（对应笔记的随机初始化），所以每次运行结果都一样。
#
# 笔记先是把这个循环分成**四**步（"基于梯度的优化"第 4 点），最后一步是"更新网络的所有权重"。而"随机梯度下降"一节的第 6 点列出的是**五**步：它把更新拆成了两步，先计算梯度（一次反向传播），再让参数逆着梯度移动。下面代码的注释与第 6 点的五步一一对应。
#
# 写代码之前先认识一个词：**轮次**（epoch）指把整个训练集完整地过一遍。64 个样本、每批 16 个，一个轮次就是 4 步；下面的循环跑 3 个轮次，共 12 步。本讲中，无论是打印结果还是图，轮次都从 1 开始编号。
#
# 随机梯度下降（stochastic gradient descent，SGD）的"随机"体现在哪里？在第 1 步：`batches(X, ys, batch_size=16, seed=epoch)` 在每个轮次开始时把 64 个样本**打乱**（每次用不同的随机种子 `epoch`，所以每个轮次的样本顺序都是新的随机顺序，切出的 16 个一组的批量也各不相同）。每一步的梯度只用随机抽出的四分之一数据算出，而不是用全部数据。
#
# 为什么每次调用 `backward()` 之前都要写一行 `w.grad = b.grad = 0.0`？因为 `backward()` 不会*覆盖* `w` 这类叶子节点（leaf node，即你自己创建、不由其他 Value 算出的 Value）的梯度，而是往上**累加**（`+=`，第 5 讲会解释原因）。如果不清零，第 10 步用的就是第 1 步到第 10 步梯度的总和，而那个方向已经不属于当前这个点了。

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

# %% [markdown] lang="zh"
# `micrograd.optim.SGD` 把第 5 步写成了一个现成的工具（方法名与 PyTorch 相同：`zero_grad()` 和 `step()`），于是这个循环读起来就和 PyTorch 的训练循环一样：

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

# %% [markdown] lang="zh"
# 两次的数字完全相同：数据顺序相同，每一步也相同。
#
# ## 步长：太小、合适、太大
#
# 用全部 64 个样本算出的损失是 `(w, b)` 的函数——一张碗形的曲面。笔记第 9 点说：步长太小，需要迭代很多次；步长太大，更新之后可能落到曲线上"完全随机的位置"。下面分别演示这三种情况：用全批量梯度下降（每一步都用全部数据，也就是下文的批量 SGD），从同一个起点出发走 30 步，路径画在损失的等高线上（用 `micrograd.plots` 绘制）。
#
# **怎样读等高线图**（contour plot）。损失可以看作 `(w, b)` 平面上方的高度。从上往下看，每一条闭合曲线连接损失相等的点，就像地形图上的等高线。最里面的一圈是碗底；等高线密集的地方曲面陡，稀疏的地方曲面平缓。某一点的梯度垂直于经过该点的那条等高线，指向外侧（上坡）；梯度下降的一步则朝相反方向走。
#
# **一个 Python 细节**：下面代码中的 `lambda p, lr=lr: SGD(p, lr=lr)` 是一个以 `p` 为参数的简短函数（*lambda* 表达式，即没有名字的单行函数）。`lr=lr` 给它设了一个*默认参数*：取的是创建这个 lambda 那一刻 `lr` 的值。如果不这样写，循环中创建的每个 lambda 都会等到被调用时（那时循环已经结束）才去查 `lr`，三个 lambda 用的就全是最后一个值 1.1。

# %%
def full_loss(w, b):
    """Mean squared error over all samples; works on Values and on numpy arrays alike."""
    return sum((w * x + b - y) ** 2 for x, y in zip(xs, ys)) / len(xs)


line_fit = Surface(
    tr("line fit: loss(w, b)"), full_loss, start=(-1.0, 1.5), minimum=(2.0, 0.5),
    xlim=(-2.0, 4.0), ylim=(-1.0, 2.5), axis_labels=("w", "b"),
)
rates = {tr("too small"): 0.02, tr("good"): 0.3, tr("too large"): 1.1}  # the legend adds each lr
plot_optimizer_paths(
    line_fit, {name: (lambda p, lr=lr: SGD(p, lr=lr)) for name, lr in rates.items()}, steps=30
)

# %% [markdown]
# (The star marks (2, 0.5), the line the data were made from; the best fit to these 64 noisy
# points is very close to it.) The loss along the way, on a log scale:

# %% [markdown] lang="zh"
# （星号标出的是 (2, 0.5)，即生成数据所用的那条直线；对这 64 个带噪声的点的最佳拟合离它很近。）下面是沿途的损失，纵轴为对数刻度：

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
ax.set_xlabel(tr("step"))
ax.set_ylabel(tr("loss (full batch)"))
ax.legend()
plt.show()

# %% [markdown]
# - **Too small**: every step goes downhill, but 30 steps get nowhere near the bottom.
# - **Good**: the loss drops by more than an order of magnitude, then flattens at the noise level
#   of the data.
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

# %% [markdown] lang="zh"
# - **太小**：每一步都在下坡，但 30 步之后离碗底还差得远。
# - **合适**：损失下降了一个多数量级，然后在数据噪声的水平上停住不再下降。
# - **太大**：损失起初几步是*下降*的，然后无限制地上升：梯度下降**发散**（diverge）了。
#
# 为什么会先降后升？因为**这只碗在各个方向上弯曲的程度不一样**。看等高线：它们是长长的椭圆，所以沿 `b` 的方向移动（图上的上下方向），损失上升得很快；沿 `w` 的方向移动（左右方向），损失上升得很慢。每个方向都有自己的曲率（curvature），即第 2 讲讲过的二阶导数，只不过是沿这个方向求的。对平缓方向大小正合适的一步，对陡峭方向可能就太大了：它越过谷底，落到对面*更高*的地方，下一步又跳回来，而且跳得更远。所以，**学习率必须适合最陡的那个方向。**
#
# 对这样的碗（二次函数）有一条精确的规律：沿着曲率为 `c` 的方向，每走一步，到碗底的距离就乘以 `1 − lr · c`，所以只有当 `lr < 2 / c` 时这个距离才会缩小。我们可以用第 2 讲的方法（调用两次 `grad`，第一次加上 `create_graph=True`）测出沿 `w`（`b` 固定不动）和沿 `b`（`w` 固定不动）的曲率：

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

# %% [markdown] lang="zh"
# 沿 `b` 的曲率较大，而学习率 1.1 超过了它的上限：每一步都把 `b` 上的误差乘以一个小于 −1 的因子（见上面的打印结果），于是误差不断变号、不断增大——这就是等高线图上那条几乎竖直的绿色之字形路径。沿 `w` 的因子在 −1 和 1 之间，所以这部分误差在缩小：这就是损失起初会下降的原因，直到不断增大的 `b` 方向误差占了上风。斜率只有在小步移动时才是好的向导（第 1 讲的切线），而多小才算"小"，由最陡方向的曲率决定。
#
# ### 深入一步（选读）：碗的主方向
#
# *这一部分可以跳过，后面的内容都不依赖它*。上面那条规律只有沿碗自身的轴才精确成立，即椭圆等高线最长轴和最短轴的方向；而在这里，这两个轴与 `w` 轴、`b` 轴有一点点偏斜（图上的椭圆略微倾斜，因为数据中 `x` 的平均值不恰好是 0）。线性代数可以把它们找出来：
#
# - 一个关于 `(w, b)` 的函数的二阶导数组成一个 2 × 2 矩阵，叫作**海森矩阵**（Hessian）`H`：`H[0][0]` 是沿 `w` 的曲率，`H[1][1]` 是沿 `b` 的曲率，非对角元素表示 `b` 变化时 `w` 方向的斜率怎样变化。对我们的损失来说，它在每一点都相同，因为损失是二次函数。
# - `H` 的**特征向量**（eigenvector）是这样一个方向 `d`：`H` 只把它拉长或缩短，而不改变它的方向，即 `H · d = λ · d`。其中的倍数 `λ` 就是它的**特征值**（eigenvalue）。对海森矩阵而言，特征向量恰好就是碗的轴，每个特征值就是沿相应轴的曲率。`numpy.linalg.eigh` 能同时算出这两者。

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

# %% [markdown] lang="zh"
# 两个轴分别接近 `w` 轴和 `b` 轴（看每个方向向量中绝对值较大的那个分量），两个曲率也接近上面沿 `w` 和沿 `b` 测得的值：前面那个简单的图景几乎是对的。在真实的网络上，海森矩阵的行数等于参数个数，可达数百万，没有人去算它；但结论依然成立：最陡的方向限制了学习率。
#
# ## 真 SGD、小批量 SGD、批量 SGD
#
# 笔记第 10 点给出了为每一步挑选样本的三种方式。在代码中它们只差一个参数 `batch_size`（`batches` 和 `fit` 都接受这个参数）：
#
# | 名称 | 每步用的样本数 | `batch_size` |
# |---|---|---|
# | 真 SGD（true SGD） | 1 | `1` |
# | 小批量 SGD（mini-batch SGD） | 几个 | 例如 `8` |
# | 批量 SGD（batch SGD） | 全部 | `None` |
#
# 下面是三种方式在损失曲面上的路径，每种各跑 2 个轮次（一个轮次：每个样本恰好用一次）：

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
    name = {1: tr("true SGD"), 8: tr("mini-batch (8)"), None: tr("batch (all 64)")}[batch_size]
    ax.plot(*zip(*path), style, ms=4, lw=1, label=tr("{name}: {steps} steps").format(name=name, steps=len(path) - 1))
ax.plot(2.0, 0.5, "*", color="gold", ms=14, mec="black")
ax.set_xlabel("w")
ax.set_ylabel("b")
ax.set_title(tr("2 epochs with lr = 0.1"))
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

# %% [markdown] lang="zh"
# 在同样的两遍数据中，真 SGD 走了 128 小步，每步都带噪声；它最先到达谷底，但之后一直在谷底附近来回抖动。批量 SGD 只走了 2 步，每步都很准，但离谷底还很远。小批量 SGD 介于两者之间。每一步的方向都是用这一批数据对完整梯度所作的*估计*——批量越小，估计的噪声越大。
#
# ### 梯度的估计有多大噪声？
#
# 在一个固定的点 `(w, b)` 处，把许多随机批量算出的梯度与用全部数据算出的梯度相比较。对每种批量大小，我们随机抽 200 个批量，量出每个批量的梯度离完整梯度有多远（两者之差的长度，用 `math.hypot` 计算）。要把这 200 个误差概括成一个"典型误差"，我们取它们的**均方根**（root mean square，RMS）：先平方，再对平方求平均，最后开方。与普通的平均值不同，它不会受正负号的干扰，也是衡量随机噪声大小的常用指标。

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
ax.loglog(sizes[:-1], noise[:-1], "o-", label=tr("measured"))
ax.loglog(sizes[:-1], [noise[0] / math.sqrt(s) for s in sizes[:-1]], "--", label=tr("∝ 1/√batch size"))
ax.set_xlabel(tr("batch size"))
ax.set_ylabel(tr("error of the gradient estimate"))
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
# Five new words, a line or two each (notebook 6 uses them again):
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

# %% [markdown] lang="zh"
# 误差按 `1/√(批量大小)` 的规律缩小：样本数变为四倍，噪声减半。（用全部 64 个样本时，估计值*就是*完整梯度，误差为 0，对数坐标画不出来；而 32 个样本的批量已经是一半数据，所以它比这条直线预测的还要好一点。）所以，批量越大，方向越准，但每一步的代价也成比例地提高——这正是笔记所说的权衡，也是通常选择适中批量大小作为折中的原因。
#
# ### 在真实网络上也一样
#
# `micrograd.train.fit` 替一个模型运行这个循环。这里用一个多层感知机在双月数据上训练，三种批量大小各跑 15 个轮次，记录每个轮次的损失和所用时间。
#
# 先用一两句话介绍五个新词（第 6 讲还会用到）：
#
# - **MLP**（多层感知机，multi-layer perceptron）：由若干层神经元组成；每个神经元计算 `relu(w · x + b)`，其中 **ReLU** 是 `relu(z) = max(0, z)`（最后一层不加 ReLU：它的输出是一个*分数*，score）。
# - **双月数据**（two moons，`make_moons`）：平面上的点，分成标签为 0 和 1 的两类，形状像两个互相咬合的半月形。
# - **间隔**（margin）：把标签 0/1 读作 `y = -1/+1`，乘积 `y · score` 为正，说明这个点落在边界正确的一侧（类别 1 的分数 > 0，类别 0 的分数 < 0），而且乘积越大，分得越稳。这个乘积就是该点的间隔。支持向量机（support vector machine，SVM）是一种经典的线性分类器，它的训练目标是让每个点的间隔都至少为 1。
# - **合页损失**（hinge loss，即 SVM 的"最大间隔"损失）：`loss = mean(max(0, 1 − y · score))`——间隔不小于 1 的点损失为零；间隔小于 1 时，损失随间隔减小而线性增大（点落在错误一侧时更大）。
# - **准确率**（accuracy）：预测类别（`score > 0` 时为 1，否则为 0）等于标签的点所占的比例。

# %%
X_moons, y_moons = make_moons(n_samples=64, noise=0.1, seed=0)
histories = {}
for name, batch_size, lr in [(N_("true SGD"), 1, 0.02), (N_("mini-batch 8"), 8, 0.1),
                             (N_("batch"), None, 0.3)]:
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
    ax.plot(range(1, history.epochs + 1), history.epoch_loss, "o-", ms=3, label=tr(name))
ax.set_xlabel(tr("epoch"))
ax.set_ylabel(tr("hinge loss (epoch average)"))
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

# %% [markdown] lang="zh"
# **怎样看耗时**。三次训练的耗时在同一个量级：在每个轮次里，无论批量大小是多少，每次训练都要把全部 64 个样本各做一次前向传播和反向传播。不同的是*每次更新*的额外开销（把梯度清零、更新参数本身、构造新的损失），真 SGD 要付 960 次，批量 SGD 只付 15 次（见上面打印的步数）——所以批量越小，每个轮次越慢，真 SGD 是三者中最慢的。按**每次更新**算，顺序则反过来：批量 SGD 的一步要处理 64 个样本，真 SGD 的一步只处理 1 个，所以批量 SGD 每次更新的代价要高出许多倍（见"ms per update"，即每次更新的毫秒数一栏）。批量 SGD 换来的是少量精确的更新，真 SGD 换来的是大量廉价但带噪声的更新，而把数据过一遍的总代价差不多。
#
# **为什么学习率各不相同**？每次训练都用了一个适合它的学习率。真 SGD 每个轮次的步数是批量 SGD 的 64 倍，而且每一步只依据一个带噪声的样本：如果用批量 SGD 的 0.3，它每个轮次要迈 64 大步，而且步步带噪声，只会到处乱跳；反过来，如果批量 SGD 用真 SGD 的 0.02，它要跑几百个轮次才行。批量越大，方向越可靠，也就能承受更大的步长。（所以这不是在相同设置下的比赛，而是让每种方法各用一个合理的设置。）
#
# 如果逐步去看，真 SGD 的训练记录会产生误导：每一步只看到**一个样本**，所以只要这个样本以足够的间隔落在正确的一侧，这一步的损失就是 0；而它的准确率不是 0 % 就是 100 %（一个样本要么分对，要么分错）。逐步的数值在这两个极端之间跳来跳去，其中第一个或最后一个值描述的只是一个样本，而不是整个模型。真正衡量模型的是**轮次平均值**（`History.epoch_loss` 和 `History.epoch_accuracy`：一个轮次中 64 步的平均），轮次和本讲其他地方一样，从 1 开始编号：

# %%
true_sgd = histories["true SGD"]
epochs = range(1, true_sgd.epochs + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.5))
left.plot(epochs, true_sgd.epoch_loss, "o-", ms=3)
left.set_ylabel(tr("hinge loss (epoch average)"))
right.plot(epochs, true_sgd.epoch_accuracy, "o-", ms=3)
right.set_ylabel(tr("accuracy (epoch average)"))
right.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
for ax in (left, right):
    ax.set_xlabel(tr("epoch"))
    ax.grid(alpha=0.3)
fig.suptitle(tr("true SGD: epoch averages (64 one-sample steps each)"))
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

# %% [markdown] lang="zh"
# ## 为什么不直接解方程 `gradient = 0`？
#
# 笔记（"随机梯度下降"一节第 1–4 点）说：最小值处导数为 0，所以可以直接解方程 `gradient(f)(W) = 0`。对于我们这条只有 N = 2 个参数的直线，这行得通。损失是 `w` 和 `b` 的二次函数，令两个偏导数都为零，得到两个*线性*方程，解就是教科书上的公式：
#
# ```
# ∂loss/∂w = 0  且  ∂loss/∂b = 0   ⇒   w = cov(x, y) / var(x),   b = mean(y) − w · mean(x)
# ```
#
# 这里用到三个统计量，各用一句话解释：`mean(x)` 是 `x` 的平均值；**方差**（variance）`var(x)` 是 `x` 到其平均值的距离平方的平均（`x` 有多分散）；**协方差**（covariance）`cov(x, y)` 是 `(x − mean(x)) · (y − mean(y))` 的平均值，当 `x` 高于平均值时 `y` 也倾向于高于平均值，它就为正。两者之比就是最佳直线的斜率。（下面的代码用的是求和而不是平均：两者相除时 `1/64` 约掉了。）

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

# %% [markdown] lang="zh"
# 对神经网络来说，这个方法行不通，原因有三：
#
# 1. **方程不是线性的**。只要有一个 `tanh` 神经元（输出为 `tanh(w·x + b)` 的神经元），`∂loss/∂w = mean(2 · (tanh(w·x + b) − y) · (1 − tanh²(w·x + b)) · x)`，令它等于零，`w` 没有求解公式。如果用 `relu`，每当某个神经元的 `w · x + b` 越过 0（输出从 0 变为正数，或者反过来），方程的形式就会改变。
# 2. **方程太多**。每个参数对应一个方程：`MLP(2, [16, 16, 1])` 就有 337 个（见上面的打印结果），真实网络则有数百万个（笔记第 4 点）。即使是一百万个方程的线性方程组，求解也很费力；非线性的则毫无希望。
# 3. **梯度为零并不意味着最小值**。神经网络的损失有许多梯度为 0 的点：局部极小点（local minimum）、极大点和鞍点（saddle point，沿某些方向是极小、沿另一些方向是极大的点，形状像马鞍）。（交换隐藏层里的两个神经元，损失不变，所以每个解都有许多"镜像"。）就算把方程解出来了，你还得找出哪个解的损失最低。
#
# 训练循环完全不需要这些：它只需要当前这一点的梯度，而一次反向传播就能给出——不论是什么模型，不论有多少参数。
#
# 笔记"随机梯度下降"一节第 6 点里，记笔记的人加了一句自己的理解：
#
# > 应该是说在梯度导函数中，不断调整 $W$ 使得梯度导函数的值接近于0.
#
# 这里要纠正一下：**目标是让损失更低**，而不是让梯度更小。每一步都在下坡，而越接近极小点，损失越平坦，梯度也随之变小；所以梯度接近 0 只是到达低处的*副产品*。它本身并不说明训练成功了：在极大点和鞍点处梯度同样为 0（上面第 3 条），在任何一片又长又平的平台上梯度也都接近 0。

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

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 在 `descend(lr)` 中试 0.3 到 1.1 之间的值，找出全批量梯度下降在这条直线上仍能收敛的最大学习率。它与上面打印的最陡方向的上限 `2 / curvature` 一致吗？
# 2. 学习率为 `lr = 0.1` 的真 SGD 一直在极小点附近抖动。让学习率逐渐衰减（learning rate decay），看抖动如何平息：在 `sgd_path` 中用一个你自己的变量计数更新次数——在两层循环之前写 `updates = 0`，在 `optimizer.step()` 之后写 `updates += 1`——并在每一步之前设置 `optimizer.lr = lr / (1 + updates / 20)`。（注意：本讲中 `step` 这个名字已经被占用了，它存着第一个循环里的学习率 0.3。）
# 3. 把数据的噪声（`rng.gauss(0, 0.3)`）改成 0 和 1。梯度噪声的那张图会怎样变化？为什么？

# %% [markdown] lang="zh"
# ## 小结
#
# - 训练循环就是笔记第 6 点的五步：抽取一个批量、前向传播、计算损失、反向传播求梯度、逆着梯度走一小步；别忘了每次反向传播前把梯度清零，因为 `backward()` 是累加的。
# - 一个轮次（epoch）是把整个训练集过一遍；"随机"指每个轮次都把样本打乱，再切成批量。
# - 学习率太小走不动，太大会发散；各个方向的曲率（二阶导数）不同，学习率必须适合最陡的方向（沿曲率为 `c` 的方向，要求 `lr < 2 / c`）。
# - 真 SGD、小批量 SGD、批量 SGD 只差 `batch_size`：批量越大，梯度估计越准（误差按 `1/√(批量大小)` 缩小），但每一步越贵；适中的批量是通常的折中。
# - 对两个参数的直线可以直接解 `gradient = 0`，对神经网络不行（方程非线性、数量巨大、梯度为零的点不一定是最小值）；目标是更低的损失，梯度变小只是副产品。
