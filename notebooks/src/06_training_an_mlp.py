# %% [markdown]
# # 6. Training an MLP, end to end (训练一个神经网络)
#
# **What you will learn**
#
# - the whole story of the notes in one run: random initialization (随机初始化), then the training
#   loop (训练循环) — forward pass, loss, backward pass, step — until the network separates two
#   interleaving half-moons;
# - how to read a loss curve, and how the **decision boundary** (决策边界) takes shape during
#   training;
# - where a small network fails: spirals, and what more neurons buy.
#
# Terms in English and Chinese: the [glossary](../docs/glossary.md).

# %% [markdown] lang="zh"
# # 6. 完整地训练一个神经网络
#
# **本讲内容**
#
# - 用一次完整的训练把笔记讲的全过程走一遍：先随机初始化（random initialization），再一遍遍执行训练循环（training loop）——前向传播、计算损失、反向传播、更新参数——直到网络能把两个互相咬合的半月形点集分开；
# - 怎样读损失曲线，以及**决策边界**（decision boundary）在训练过程中是怎样一步步成形的；
# - 小网络在哪里会失败：螺旋形数据，以及增加神经元能带来什么。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。

# %%
import matplotlib.pyplot as plt

from micrograd.data import make_moons, make_spirals
from micrograd.i18n import use_language_for_plots
from micrograd.losses import cross_entropy, hinge, l2
from micrograd.nn import MLP
from micrograd.optim import SGD, linear_decay
from micrograd.plots import plot_decision_boundary, plot_history
from micrograd.train import fit

%matplotlib inline
plt.rcParams["figure.dpi"] = 90
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

# %% [markdown]
# ## The data and an untrained network
#
# 100 points in two classes, shaped like two interleaving moons (the data of the original micrograd
# demo). A straight line cannot separate them.
#
# The network: 2 inputs, two hidden layers of 16 ReLU neurons, 1 output (a score: class 1 if it is
# positive). Each neuron computes `relu(w · x + b)`, with the ReLU (rectified linear unit)
# `relu(z) = max(0, z)`: zero for negative inputs, the identity for positive ones. The output
# neuron has no ReLU, so its score can be any number.
#
# The network has 337 parameters (可训练参数): 304 weights (2·16 + 16·16 + 16·1, one per input of
# each neuron) and 33 biases (one per neuron). The weights start as random numbers drawn uniformly
# from [−1, 1] and the biases start at 0 (随机初始化) — a fixed seed makes them the same on every
# run. Before any training its decision boundary is arbitrary: the notes' point 1, "the result is
# certainly not a useful representation".

# %% [markdown] lang="zh"
# ## 数据和未经训练的网络
#
# 数据是平面上的 100 个点，分为两类，形状像两个互相咬合的半月（第 1 讲用过的"双月"数据，也是 Andrej Karpathy 原版 micrograd 演示所用的数据）。任何一条直线都无法把这两类点分开。
#
# 网络的结构：2 个输入；两个隐藏层（hidden layer，即夹在输入和输出之间的层），每层 16 个 ReLU 神经元；1 个输出。输出是一个得分（score）：得分为正，网络就判为第 1 类，否则判为第 0 类。每个神经元计算 `relu(w · x + b)`（`w · x` 是该神经元的权重与输入的点积），其中 ReLU（rectified linear unit，修正线性单元）是 `relu(z) = max(0, z)`：输入为负时输出 0，输入为正时原样输出。输出层的神经元不经过 ReLU，所以得分可以是任意实数。
#
# 这个网络共有 337 个可训练参数：304 个权重（2·16 + 16·16 + 16·1，每个神经元的每个输入各有一个权重）和 33 个偏置（每个神经元一个）。权重的初始值是从 [−1, 1] 中均匀抽取的随机数，偏置的初始值为 0，这就是随机初始化；随机种子（`seed=0`）是固定的，所以每次运行得到的初始值都一样。
#
# 下面的图按网络的判断把平面涂成两种颜色，两种颜色的分界线就是**决策边界**：一侧的点被判为第 0 类，另一侧的被判为第 1 类。训练之前，这条边界是随意的，正如笔记第 1 点所说："当然，计算结果肯定不会得到任何有用的表示。"

# %%
X, y = make_moons(n_samples=100, noise=0.1, seed=0)
model = MLP(2, [16, 16, 1], seed=0)
print(model)
names = [name for name, _ in model.named_parameters()]
biases = sum(name.endswith(".b") for name in names)
print(f"{len(names)} parameters: {len(names) - biases} weights and {biases} biases")
plot_decision_boundary(model, X, y, resolution=40, title=tr("before training"))

# %% [markdown]
# ## The training loop
#
# The four steps of the notes, as in the original demo: every step uses the whole data set
# (batch SGD), and three pieces shape each step. Each is explained here, where it is used, and
# shown on small numbers in the cell below.
#
# - **The loss: hinge** (`hinge(scores, y)`, 合页损失, notebook 3). The labels 0/1 are read as
#   `y = −1/+1`, and `y · score` is the point's *margin*: positive when the score has the right
#   sign, larger when it is more safely right. `hinge = mean(max(0, 1 − y · score))` costs
#   nothing for a margin of 1 or more and grows linearly below that. So only the points that are
#   wrong, or right by too little, push the boundary; points far on their right side are left
#   alone.
# - **The penalty: L2** (`l2(model, alpha=1e-4)`, L2 正则化): `alpha · Σ p²` over all
#   parameters `p`, added to the loss. Its gradient adds `2 · alpha · p` to each parameter's
#   gradient, so every step also pulls every weight a little towards 0. Why: with many weights,
#   the hinge loss alone can be driven to 0 by making the weights large, which makes the boundary
#   sharp and twisty; the penalty prefers the smallest weights that do the job. `alpha` sets how
#   hard it pulls; 1e-4 is gentle.
# - **The learning rate: linear decay** (`linear_decay(1.0, 0.1, total_steps=60)`): the rate at
#   step `k` is `1.0 + (0.1 − 1.0) · k / 60`, so 1.0 at the start and 0.1 from step 60 on. Large
#   steps early, while the network is far from any good point, make fast progress; small steps
#   late let it settle instead of jumping around the bottom (notebook 3's "too large" case).
#
# And to measure, not to train: **accuracy** (准确率), the fraction of
# points whose predicted class (1 if `score > 0`, else 0) equals the label.

# %% [markdown] lang="zh"
# ## 训练循环
#
# 训练循环就是笔记里的四个步骤，做法与原版演示相同：每一步都使用全部数据（即第 3 讲的批量 SGD），每一步的更新由下面三样东西决定。它们都在用到的地方解释，并在下一个代码单元里用几个小数字演示。
#
# - **损失：合页损失**（hinge loss，代码中的 `hinge(scores, y)`，第 3 讲介绍过）。先把标签 0/1 换成 `y = −1/+1`，乘积 `y · score` 就是这个点的**间隔**（margin）：得分的正负号对了，间隔就为正；判得越稳妥（得分离 0 越远），间隔越大。`hinge = mean(max(0, 1 − y · score))`：间隔达到 1 或更大的点，损失为 0；间隔小于 1 时，损失随间隔的减小线性增长。所以，只有判错的点和"判对了但把握不够"的点才会推动决策边界；远在正确一侧的点不起作用。
# - **惩罚项：L2 正则化**（L2 regularization，代码中的 `l2(model, alpha=1e-4)`）：在损失上再加 `alpha · Σ p²`，求和遍及所有参数 `p`。它的梯度给每个参数的梯度加上 `2 · alpha · p`，所以每一步还会把每个权重往 0 拉一点。为什么要这样做？权重很多时，只要把权重变大，合页损失本身就可以降到 0，但这样得到的边界又陡又曲折；加上惩罚项后，训练会偏向于用尽量小的权重完成任务。`alpha` 决定拉力的大小，1e-4 是很轻的拉力。
# - **学习率：线性衰减**（学习率衰减即 learning-rate decay，让学习率随训练逐步变小，这里用最简单的线性方式；代码中的 `linear_decay(1.0, 0.1, total_steps=60)`）：第 `k` 步的学习率是 `1.0 + (0.1 − 1.0) · k / 60`，即开始时为 1.0，从第 60 步起为 0.1。开始时网络离任何好的位置都很远，大步走进展快；后期改用小步，网络才能在损失曲面的谷底稳定下来，而不是在谷底附近来回跳（第 3 讲中步长"太大"的情形）。
#
# 此外还有一个量，它不参与训练，只用来衡量效果：**准确率**（accuracy），即预测类别（`score > 0` 时为 1，否则为 0）与标签相同的点所占的比例。

# %%
example_scores, example_labels = [2.0, 0.5, -0.3], [1, 1, 1]  # all three should be class 1
per_point = hinge(example_scores, example_labels, reduction="none")
for score, loss in zip(example_scores, per_point):
    print(f"label 1, score {score:+.1f}: margin {score:+.1f}, hinge max(0, 1 - margin) = {loss.data:.1f}")
correct = [(score > 0) == (label == 1) for score, label in zip(example_scores, example_labels)]
print(f"accuracy of these three scores: {sum(correct) / len(correct):.0%}")
schedule = linear_decay(1.0, 0.1, total_steps=60)
print("learning rate at steps 0, 20, 40, 60, 80:",
      [round(schedule(k), 2) for k in (0, 20, 40, 60, 80)])

# %% [markdown]
# The first point is right with a margin of 2 and costs nothing; the second is right, but by too
# little (margin 0.5), and still costs something; the third is on the wrong side. (Accuracy counts
# the second as right: it only looks at the sign.)
#
# Along the way we keep a copy of the weights at a few steps, to draw the boundary later.

# %% [markdown] lang="zh"
# 第一个点判对了，间隔为 2，损失为 0；第二个点也判对了，但间隔只有 0.5，把握不够，仍有损失；第三个点在错误的一侧。（准确率把第二个点算作判对：它只看得分的正负号。）
#
# 下面开始训练。代码里，`optimizer.zero_grad()` 先把上一步留下的梯度清零（`backward()` 是用 `+=` 把梯度累加到 `.grad` 上的，见第 5 讲），`optimizer.lr = schedule(step)` 设定这一步的学习率，`optimizer.step()` 沿梯度的反方向更新每个参数。训练过程中，我们还在几个时刻用 `model.state_dict()` 把所有权重复制保存下来（按参数的名字存放），稍后用来画决策边界。

# %%
optimizer = SGD(model.parameters(), lr=1.0)
schedule = linear_decay(1.0, 0.1, total_steps=60)
history = {"loss": [], "accuracy": []}
snapshots = {}

for step in range(61):
    if step in (0, 5, 10, 20, 35, 60):
        snapshots[step] = model.state_dict()  # a copy of every weight, by name
    if step == 60:
        break
    # 1.-2. the batch (all of it) through the network: the forward pass
    scores = [model(x) for x in X]
    # 3. the loss: how far the scores are from the labels
    loss = hinge(scores, y) + l2(model, alpha=1e-4)
    # 4. backward pass, then a step against the gradient
    optimizer.zero_grad()
    loss.backward()
    optimizer.lr = schedule(step)
    optimizer.step()

    history["loss"].append(loss.data)
    predicted = [1 if s.data > 0 else 0 for s in scores]
    history["accuracy"].append(sum(p == t for p, t in zip(predicted, y)) / len(y))
    if step % 10 == 0 or step == 59:
        print(f"step {step:3d}  loss {loss.data:.4f}  accuracy {history['accuracy'][-1]:.0%}")

# %% [markdown]
# ## The loss curve
#
# Loss and accuracy per step (measured on the batch before each update):

# %% [markdown] lang="zh"
# ## 损失曲线
#
# 每一步的损失和准确率（都是在该步更新参数之前、在全部数据上测得的）：

# %%
plot_history(history, title=tr("two moons, MLP(2, [16, 16, 1])"))

# %%
print("the first steps:", "  ".join(f"{loss:.3f}" for loss in history["loss"][:5]))
assert history["loss"][2] > history["loss"][1]  # the jump the text below describes

# %% [markdown]
# (The command `micrograd demo` runs this same training — 100 steps, as the original — and
# saves the decision boundary and these curves as PNG files.)
#
# Look at the start: the loss does not fall at once, it **jumps up** at step 2 before falling.
# A learning rate of 1.0 is a large step for this untrained network: one update overshoots to a
# worse point, like the "too large" case in notebook 3's section *The step size: too small, good,
# too large*: the step is longer than the local curvature allows along some direction. There the
# overshoot grew step after step; here it happens once, and the next steps recover. Try it 1 below
# explores smaller and larger rates.
#
# After that the loss falls fast, while the network gets the broad shape right, then slowly while it
# fixes the last points near the boundary. The accuracy moves in jumps: it only changes when a point
# crosses the boundary.
#
# ## The decision boundary, as the network learns
#
# The snapshots loaded back into a network of the same shape (`load_state_dict`), one panel each.
# Circled points are the ones the network gets wrong at that step.

# %% [markdown] lang="zh"
# （`micrograd demo` 命令运行的就是这个训练，只不过像原版一样走 100 步，并把决策边界和这两条曲线保存为 PNG 图片。）
#
# 先看开头：损失并没有马上下降，而是在第 2 步**跳了上去**（步数从 0 开始数，即上面打印的第三个数），然后才下降。对这个尚未训练的网络来说，学习率 1.0 是很大的一步：一次更新冲过了头，落到了更差的位置。这正是第 3 讲讨论步长时"太大"的情形：沿某个方向，曲面弯得很厉害（曲率大，曲率即二阶导数，见第 2 讲），斜率只在很短的距离内可靠，而这一步走得比这个距离还远。在第 3 讲的例子里，冲过头的幅度一步比一步大；这里只冲过头一次，接下来的几步就恢复了。下面"动手试试"的第 1 题会试验更小和更大的学习率。
#
# 此后，损失先快速下降，这时网络在学习大致的形状；然后下降变慢，这时它在修正边界附近最后几个点。准确率是跳跃式变化的：只有当某个点越过决策边界时，它才会变。
#
# ## 决策边界随训练的变化
#
# 把训练中保存的各组权重装回一个结构相同的网络（`load_state_dict`），每组画一幅图。画圈的点是网络在那一步判错的点。

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 7.5))
for ax, (step, weights) in zip(axes.flat, snapshots.items()):
    snapshot = MLP(2, [16, 16, 1])
    snapshot.load_state_dict(weights)
    plot_decision_boundary(snapshot, X, y, ax=ax, resolution=25, title=tr("step {step}").format(step=step))
fig.tight_layout()
plt.show()

# %% [markdown]
# Each ReLU neuron of the first layer can only cut the plane with a straight line; the next layers
# combine those half-planes into a bent boundary. Early on the boundary is nearly straight; the
# bends that wrap around the tips of the moons come last.
#
# ## Spirals: where a small network fails
#
# Three interleaved spiral arms are much harder: the boundary must wind around the centre. We
# train three networks of growing size (60 epochs each) on the same 90 points with
# `micrograd.train.fit` (the same loop as above in one call). Three classes need three new
# pieces:
#
# - **Three outputs**, one score per class; the predicted class is the one with the largest score
#   (the coloured regions below show which class wins where).
# - **Softmax** (归一化指数函数) turns the three scores `z` into three probabilities that are
#   positive and add up to 1: `p_k = exp(z_k) / Σ_j exp(z_j)`. The largest score gets the largest
#   probability; `exp` makes every term positive.
# - **Cross-entropy** (交叉熵), the usual loss for several classes: the loss of a sample of class
#   `y` is `−log p_y`. It is 0 when the network gives the right class probability 1 and grows
#   without bound as that probability goes to 0: a confident wrong answer costs a lot.
#
# The cell below shows both on one sample. The optimizer is **Adam** (notebook 4: RMSprop's
# per-parameter step sizes plus momentum), with learning rate 0.1; unlike plain SGD it needs no
# schedule to work well here. The three networks:
#
# - `MLP(2, [3])`: no hidden layer at all — a linear classifier;
# - `MLP(2, [4, 3])`: one hidden layer of 4 neurons;
# - `MLP(2, [16, 16, 3])`: two hidden layers of 16.

# %% [markdown] lang="zh"
# 第一层的每个 ReLU 神经元只能用一条直线把平面切成两半（直线一侧输出 0，另一侧的输出随着到直线的距离线性增大）；后面的层把这些半平面组合起来，得到弯折的边界。训练初期，边界接近直线；绕过两个半月尖端的那些弯，是最后才形成的。
#
# ## 螺旋形数据：小网络在这里失败
#
# 三条互相缠绕的螺旋臂要难得多：边界必须绕着中心盘旋。我们在同一组 90 个点上训练三个规模递增的网络，各训练 60 个轮次（epoch，每个轮次把全部数据完整地过一遍），用的是 `micrograd.train.fit`（一次调用完成和上面一样的训练循环）。三个类别需要三样新东西：
#
# - **三个输出**，每个类别一个得分；预测的类别是得分最大的那一个（下图中的颜色区域显示每个位置上哪一类胜出）。
# - **softmax**（归一化指数函数）把三个得分 `z` 变成三个概率，它们都为正，加起来等于 1：`p_k = exp(z_k) / Σ_j exp(z_j)`。得分最大的类别，概率也最大；`exp` 保证每一项都为正。
# - **交叉熵**（cross-entropy）是多类别问题常用的损失：类别为 `y` 的样本，损失是 `−log p_y`。网络给正确类别的概率为 1 时，损失为 0；这个概率趋于 0 时，损失无限增大。所以，很有把握地答错，代价非常高。
#
# 下一个代码单元在一个样本上演示这两者。优化器用的是 **Adam**（第 4 讲：RMSprop 的"每个参数各有自己的步长"，再加上动量），学习率为 0.1；与普通的 SGD 不同，它在这里不需要学习率衰减也能训练得很好。三个网络是：
#
# - `MLP(2, [3])`：没有隐藏层，是一个线性分类器；
# - `MLP(2, [4, 3])`：一个隐藏层，4 个神经元；
# - `MLP(2, [16, 16, 3])`：两个隐藏层，每层 16 个神经元。

# %%
import math

z = [2.0, 0.5, -1.0]  # the three scores of one sample
p = [math.exp(zk) / sum(math.exp(zj) for zj in z) for zk in z]
print("scores", z, "-> softmax probabilities", [round(pk, 3) for pk in p], "sum", round(sum(p), 6))
for y_true in range(3):
    by_hand = -math.log(p[y_true])
    library = cross_entropy([z], [y_true]).data
    print(f"if the class is {y_true}: cross-entropy -log p_{y_true} = {by_hand:.3f} "
          f"(micrograd.losses.cross_entropy: {library:.3f})")

# %%
X_spiral, y_spiral = make_spirals(n_samples=90, n_classes=3, noise=0.1, seed=0)
networks = {tr("linear: MLP(2, [3])"): [3], tr("small: MLP(2, [4, 3])"): [4, 3],
            tr("larger: MLP(2, [16, 16, 3])"): [16, 16, 3]}
fig, axes = plt.subplots(1, 3, figsize=(13, 4.3))
for ax, (name, sizes) in zip(axes, networks.items()):
    net = MLP(2, sizes, seed=0)
    run = fit(net, X_spiral, y_spiral, loss="cross_entropy", optimizer="adam", lr=0.1,
              epochs=60, progress=False)
    title = tr("{name}\n{count} parameters, accuracy {accuracy:.0%}").format(
        name=name, count=len(net.parameters()), accuracy=run.accuracy[-1])
    plot_decision_boundary(net, X_spiral, y_spiral, ax=ax, resolution=30, title=title)
fig.tight_layout()
plt.show()

# %% [markdown]
# - The **linear** model can only draw straight boundaries between the classes: about one point in
#   two is wrong (the accuracy in its title), however long it trains. No amount of training fixes a model that cannot express
#   the answer.
# - The **small** network bends its boundary a little, not enough to follow the arms.
# - The **larger** network has enough neurons to wrap the boundary around the spirals. More
#   parameters mean more ways to bend — and more cost per step (notebook 1), and, with little data,
#   a risk of learning the noise of the training points (过拟合, overfitting).
#
# **Exercise.** Write the hinge loss, one training step and the whole loop yourself, until your
# network reaches 90 % on the two moons: [exercise 6](exercises/06_training_loop.ipynb). (And, if
# you like, the `Neuron`, `Layer` and `MLP` classes themselves:
# [exercise 4](exercises/04_neural_network.ipynb).)

# %% [markdown] lang="zh"
# - **线性**模型在类别之间只能画直的边界：大约一半的点被判错（准确率见图的标题），训练多久都一样。如果模型根本表达不出正确答案，再多的训练也无济于事。
# - **小**网络能把边界弯一点，但还不足以跟上螺旋臂。
# - **较大**的网络有足够多的神经元，能让边界绕着螺旋走。参数越多，边界能弯的方式就越多；但每一步的计算量也越大（第 1 讲），而且在数据很少时，还有学到训练点上的噪声的风险（过拟合，overfitting）。
#
# **练习。** 自己写出合页损失、一步训练和整个训练循环，直到你的网络在双月数据上达到 90% 的准确率：[练习 6](../exercises/06_training_loop.ipynb)。（有兴趣的话，也可以自己写 `Neuron`、`Layer` 和 `MLP` 这三个类：[练习 4](../exercises/04_neural_network.ipynb)。）

# %% [markdown]
# ## Try it
#
# 1. Train the moons with plain `SGD(..., lr=0.1)` and no schedule. How many steps does it need to
#    reach 100 %? What happens with `lr=3.0`?
# 2. Give the small spiral network more epochs (200). Does it catch up with the larger one, or is
#    it limited by its size?
# 3. Replace ReLU by tanh (`MLP(2, [16, 16, 1], activation="tanh")`) for the moons and compare the
#    shape of the decision boundary.

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 用普通的 `SGD(..., lr=0.1)` 训练双月数据，不用学习率衰减。要多少步才能达到 100%？用 `lr=3.0` 又会怎样？
# 2. 把小螺旋网络的训练轮次增加到 200。它能赶上较大的网络吗？还是受限于自身的规模？
# 3. 在双月数据上把 ReLU 换成 tanh（`MLP(2, [16, 16, 1], activation="tanh")`），比较决策边界的形状。

# %% [markdown] lang="zh"
# ## 小结
#
# - 训练就是笔记里的循环：随机初始化，然后反复"前向传播 → 计算损失 → 反向传播 → 沿梯度的反方向更新参数"。这里只用 60 步，一个 337 个参数的网络就在双月数据上达到了 100% 的准确率。
# - 每一步由三样东西决定：合页损失（只有判错或间隔小于 1 的点才推动边界）、L2 正则化（把每个权重往 0 拉一点）、线性衰减的学习率（先大步，后小步）。
# - 学习率太大时，损失可能先跳上去再下降；损失曲线和决策边界的变化能让你看清训练在做什么。
# - 多个类别时，softmax 把得分变成概率，交叉熵 `−log p_y` 惩罚给正确类别的概率太低的情形；Adam 不用学习率衰减也能训练好。
# - 模型表达不出的边界，训练多久也学不会：线性模型在螺旋数据上只有约一半判对，更大的网络才能让边界绕着螺旋走，但代价是更多的计算和过拟合的风险。
