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

# %% [markdown] lang="zh"
# # 4. 优化器：动量、Adagrad、RMSprop 与 Adam
#
# **本讲内容**
#
# - 笔记里的**动量**（momentum）图景：小球沿着损失曲线往下滚。普通的随机梯度下降（SGD）停在遇到的第一个**局部极小点**（local minimum），带动量的小球却可能冲过去；
# - 笔记里标了“不懂”的那段动量代码：先手算三步，再把小球的图景对应到代码里的变量，最后逐行解释——`velocity` 是什么，常数 `0.1` 起什么作用，为什么更新 `w` 时又加了一次 `momentum * velocity`，以及这种写法叫什么名字、和 PyTorch 的写法是什么关系；
# - 在一条又长又窄的山谷上，动量能带来什么，附有调节学习率和 β 的滑块；
# - Adagrad、RMSprop、Adam 逐个登场，每个只比前一个改动一行；最后让所有方法公平地比一比。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。读完本笔记本，可以在[练习 5](../exercises/05_optimizers.ipynb) 中亲手实现 SGD、动量和 Adam。

# %%
import io

import matplotlib.pyplot as plt

from micrograd import Value
from micrograd.i18n import N_, use_language_for_plots
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
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

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

# %% [markdown] lang="zh"
# ## 有局部极小点的曲线上的小球
#
# 笔记（“优化方法”第 4 点）配了一张图：损失是单个参数 `w` 的函数，右边有一个浅坑（局部极小点），左边是更深的全局最小点。我们用 `double_well(w) = w⁴/4 − w² + 0.3·w`（“双井”函数，两个坑）画出这样的曲线，从右边的 `w = 2.5` 出发。
#
# 普通 SGD（`w -= lr * gradient`）一路下坡，到第一个斜率为零的地方就停下，也就是那个局部极小点。带动量的 SGD 会保留上一步速度的一部分，像一个沉重的球，能滚过中间的小坡。
#
# 在这张图和下面的分帧图里，动量（momentum）指 PyTorch 式的带动量 SGD（这种最简单的动量叫“重球”动量，heavy-ball momentum；后文还会讲到另一种），**动量因子为 0.9**（每一步保留 90% 的速度）；两种方法的学习率都是 0.02。0.9 是常用的取值，**不是**笔记里的 0.1；0.1 会怎样，是下一节的内容。两个小球在同一位置时，后画的那个画得小一些，嵌在先画的那个里面，看上去是一个圆环。

# %%
plot_ball_rolling(("sgd", "momentum"), lr=0.02, steps=100)

# %% [markdown]
# The same run as a film strip, a few frames of the 100 steps (at step 0 both balls are at the
# start, one inside the other):

# %% [markdown] lang="zh"
# 同一次运行，从 100 步里挑几个时刻逐帧画出来（第 0 步时两个小球都在起点，一个套在另一个里面）：

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

# %% [markdown] lang="zh"
# ## 笔记里的那段代码
#
# 笔记“优化方法”第 9 点写道：
#
# > 这在实践中指的是，更新参数 w 不仅要考虑当前的梯度值，还要考虑上一次的参数更新，其简单实现如下所示 不懂
# >
# > ```py
# > past_velocity = 0.
# > momentum = 0.1  # 不变的动量因子
# > while loss > 0.01:   # 优化循环
# >     w, loss, gradient = get_current_parameters()
# >     velocity = past_velocity * momentum - learning_rate * gradient
# >     w = w + momentum * velocity - learning_rate * gradient
# >     past_velocity = velocity
# >     update_parameter(w)
# > ```
#
# 下面把这 8 行代码从上到下称为第 1–8 行（行号是我们加的）。第 3、4、8 行是包在更新外面的训练循环：第 4 行相当于“做一次前向传播、算出损失、再做一次反向传播”，第 8 行把新的 `w` 写回去。真正的更新只有第 5–7 行。
#
# ### 先手算三步
#
# 先不解释，直接用普通的浮点数，在我们的曲线上把第 5–7 行运行三次。曲线的斜率可以手算出来：`w³ − 2w + 0.3`；从 `w = 2.5` 出发，`learning_rate = 0.02`。为了让数字容易跟上，这里取 `momentum = 0.5`；笔记里的 0.1 稍后再看。打印出的表格各列依次是：第几步（step）、这一步之前的 `w`（w before）、梯度 `g`、第 5 行算出的速度、第 6 行算出的新 `w`（w after）。

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

# %% [markdown] lang="zh"
# 看表中速度（velocity）那一列：第 1 步的速度就是普通 SGD 的一步 `−0.02 · g`；第 2 步的速度是第 2 步的 SGD 步子（`−0.02 · g`）加上第 1 步速度的一半；第 3 步的速度是第 3 步的 SGD 步子加上第 2 步速度的一半。用大白话说：**速度是过去各步 SGD 步子的累计，越早的步子打的折扣越大。然后 `w` 先移动 `momentum × 速度`，再额外多走一步普通 SGD（第 6 行；为什么这样做，下文解释）。所以三步之后，它比普通 SGD 走得更远（见最后打印的一行）。**
#
# ### 用代码里的变量讲小球
#
# 笔记第 8 点这样描述小球：
#
# > 动量方法的实现过程是每一步都移动小球，不仅要考虑当前的斜率值（当前的加速度），还要考虑当前的速度（来自于之前的加速度）。
#
# 对应到代码里：
#
# | 小球 | 代码 |
# |---|---|
# | 脚下地面的坡度：把球往下坡推 | `- learning_rate * gradient`，每一步都加到速度上 |
# | 速度：每一步移动多远 | `velocity`（`past_velocity` 是上一步的速度） |
# | 摩擦：每一步消耗掉一部分速度 | `momentum`：速度经过一步后**保留下来**的比例；摩擦消耗的是 `1 − momentum` |
# | 位置 | `w` |
#
# `momentum = 0` 时完全没有记忆：速度就是这一步的推力本身，也就是普通 SGD。`momentum` 接近 1 时摩擦很小：小球保持着速度，在坡度变缓的地方继续往前滚，能冲过一个小坡。
#
# **小球最快能有多快？** 在一段又长又均匀的斜坡上，每一步的推力 `−lr · g`（`lr` 即学习率 `learning_rate`）都一样。速度不断增大，直到摩擦每步消耗的恰好等于推力每步加上的：由 `v = momentum · v − lr · g` 解得 `v = −lr · g / (1 − momentum)`。这时小球每一步走的距离是普通 SGD 的 `1 / (1 − momentum)` 倍，也就是说，它的**有效步长**（effective step）是 `lr / (1 − momentum)`。

# %%
for m in [0.1, 0.5, 0.9, 0.99]:
    print(f"momentum {m:4}: effective step lr / (1 - momentum) = {1 / (1 - m):5.1f} x lr")

# %% [markdown]
# So the notes' 0.1 makes the ball only about 10 % faster than plain SGD on a long slope, while
# the usual 0.9 makes it 10 times as fast. Here are the notes' snippet (as runnable code on our
# curve, with `Value` and `backward()` giving the gradient) and plain SGD, 100 steps each:

# %% [markdown] lang="zh"
# 所以在长斜坡上，笔记里的 0.1 只让小球比普通 SGD 快 10% 左右，而常用的 0.9 让它快到 10 倍。下面把笔记的代码改写成能在我们的曲线上运行的形式（梯度由 `Value` 和 `backward()` 给出），和普通 SGD 各跑 100 步：

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

# %% [markdown] lang="zh"
# 局部极小点在 `w = +1.33` 附近，全局最小点在 `w = −1.48` 附近（见第一张图）。用笔记的 0.1，小球保留的速度太小，爬不过中间的坡，和普通 SGD 一样停在局部的坑里；用 0.9，它滚了过去（见打印出的终点）。
#
# ### 逐行解释
#
# **第 1 行 `past_velocity = 0.`**：小球从静止出发。
#
# **第 2 行 `momentum = 0.1`**：如上所述，是速度经过一步后保留下来的比例。注释里的“不变”只是说它在训练过程中保持不变；要紧的是它的*取值*，常用的是 0.9。
#
# **第 5 行 `velocity = past_velocity * momentum - learning_rate * gradient`**：新速度 = 打过折扣的旧速度 + 一次往下坡的推力（也就是普通 SGD 本来要走的那一步）。把每一步展开，就是上面表中看到的那个越往前折扣越大的累计（记 `m` 为 `momentum`，`g_t` 为第 t 步的梯度）：
#
# ```
# velocity_t = -lr · (g_t + m·g_(t-1) + m²·g_(t-2) + …)
# ```
#
# 所以 `velocity` 的单位和 `w` 相同：它是每一步的位移，已经乘过学习率，并且指向下坡。符号一直不变的梯度会越加越多（小球在长坡上越滚越快）；符号来回翻转的梯度会相互抵消（左右来回的摆动被抑制）。
#
# **第 6 行 `w = w + momentum * velocity - learning_rate * gradient`**：最让人费解的一行。按小球的图景，最简单的做法是让球按速度移动：`w = w + velocity`。把第 5 行代入代码里的这一行：
#
# ```
# momentum * velocity - lr * g  =  momentum * (momentum * past_velocity - lr * g) - lr * g
#                               =  momentum² * past_velocity - (1 + momentum) * lr * g
# ```
#
# 速度里本来已经含有当前这一步的梯度，这一行又在它**之上**再加了一次。直观地说：小球先顺着惯性滑到动量要把它带去的地方，**然后**才看那里的坡度——先往前看一步（look-ahead，前瞻）。这就是前面表格说明里那“额外多走的一步普通 SGD”。
#
# **第 7 行 `past_velocity = velocity`**：记下这一步的速度，留给下一步用。
#
# ### 它的名字：Nesterov 动量，以及和 PyTorch 写法的对照
#
# 最简单的那种小球（`w = w + velocity`）叫作**重球动量**（heavy-ball momentum）。笔记里带前瞻的版本叫作 **Nesterov 动量**（Nesterov momentum），用的是 Sutskever 给出的写法，也就是 PyTorch 采用的写法。可是第 4 行的梯度明明是在当前的 `w` 处求的，“往前看”体现在哪里？在这种写法里，两步之间保存下来的 `w` **本身就是前瞻点**：它不是小球自己的位置，而是小球凭当前速度再滑一步将会到达的位置。所以在保存的 `w` 处求梯度，求得的正是前瞻点的梯度；第 6 行则让保存的 `w` 始终比小球领先一步滑行的距离。
#
# PyTorch（以及 `micrograd.optim.SGD`）保存的是一个以*梯度*为单位、而不是以步长为单位的缓冲量 `b`（buffer）。记 `mu` 为动量因子，`g` 为梯度：
#
# | | 重球（`nesterov=False`） | Nesterov（`nesterov=True`） |
# |---|---|---|
# | PyTorch | `b = mu*b + g`; `w -= lr*b` | `b = mu*b + g`; `w -= lr*(g + mu*b)` |
# | 换成笔记的单位（`velocity = -lr*b`） | `velocity = mu*velocity - lr*g`; `w += velocity` | `velocity = mu*velocity - lr*g`; `w += mu*velocity - lr*g` |
#
# 右列第二行和笔记的代码完全一样。所以笔记的代码*就是* `SGD(params, lr=learning_rate, momentum=momentum, nesterov=True)`，每一步都相同（只要训练中学习率不变）。用数值验证一下：

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

# %% [markdown] lang="zh"
# （上面打印出的差别只有浮点数舍入误差的量级。`lambda p, m=m: SGD(...)` 是一个只有一行、参数为 `p` 的函数；`m=m` 是一个*默认参数*，它把创建这个 lambda 那一刻 `m` 的值固定下来，详见[第 3 本笔记本](03_sgd.ipynb)。）
#
# 下面把动量都取 0.9 的重球和 Nesterov，与笔记的 0.1 以及普通 SGD 放在一起比较：

# %%
ball_runs = {  # N_: the names are translated in the legends
    "SGD": lambda p: SGD(p, lr=0.02),
    N_("notes' snippet, momentum 0.1"): lambda p: SGD(p, lr=0.02, momentum=0.1, nesterov=True),
    N_("heavy ball, momentum 0.9"): lambda p: SGD(p, lr=0.02, momentum=0.9),
    N_("Nesterov, momentum 0.9"): lambda p: SGD(p, lr=0.02, momentum=0.9, nesterov=True),
}
plot_ball_rolling({tr(name): make for name, make in ball_runs.items()}, steps=100)

# %%
plot_ball_rolling({tr(name): make for name, make in ball_runs.items()}, steps=100,
                  frames=[0, 10, 25, 50, 100])

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

# %% [markdown] lang="zh"
# 两种 0.9 的动量都滚过了小坡，停在全局最小点；Nesterov 因为先往前看，刹车更早，冲过最小点后往左摆得没那么远（见上面打印的最左点）。笔记的 0.1 和普通 SGD 一起留在了局部极小点：两者的终点几乎重合，所以它的小球画在 SGD 的小球里面。笔记第 3 点说：
#
# > 动量解决了 SGD 的两个问题：收敛速度和局部极小点。
#
# 动量对这两个问题确实都有帮助：在长坡上走得更快（有效步长更大），并且有机会逃出较浅的局部极小点。（只是有机会，并不保证：动量太小，或者坑足够深，小球照样出不来。）

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

# %% [markdown] lang="zh"
# ## 狭长的山谷：动量在这里做了什么
#
# 一条又长又窄的山谷（代码里叫 `ravine`），横跨山谷方向的弯曲程度是沿山谷方向的 20 倍：`ravine(w₁, w₂) = 0.05·w₁² + w₂²`，最小点在 (0, 0)。（等高线图怎么读，见[第 3 本笔记本](03_sgd.ipynb)。）横跨山谷的方向（`w₂`）上**曲率**（curvature）是 2。这里的曲率用的是数学上的本义：二阶导数，即斜率变化得有多快。笔记（“张量运算的导数：梯度”第 6 点）里的用法不一样：
#
# > 前面已经看到，单变量函数 $f(x)$ 的导数可以看作函数 $f$ 曲线的斜率。同样，$gradient(f)(W0)$ 也可以看作表示 $f(W)$ 在 $W0$ 附近**曲率**（curvature）的张量。
#
# 那里的“曲率”指的是梯度，也就是斜率（这是笔记所依据的《Python 深度学习》（Deep Learning with Python）第 1 版自己的措辞，笔记忠实地照抄了下来）；斜率和曲率的区别在[第 2 本笔记本](02_gradients.ipynb)里讲过。
#
# 回到山谷：按第 3 本笔记本的规则（学习率要小于 2 / 曲率），横跨方向的曲率是 2，所以普通 SGD 只有在 `lr < 2 / 2 = 1` 时才稳定；沿着山谷的方向（`w₁`）曲率是 0.1，所以在 `lr < 1` 时，每一步沿山谷方向离最小点的距离最多只缩短 10%。陡的方向决定了学习率的上限，平的方向于是只能慢慢爬。
#
# 动量改变了这一点：沿着长坡，它的有效步长是 `lr / (1 − β)`（β 是动量因子 `momentum` 的常用记号）；而在横跨山谷的方向上，梯度每一步都变号，推力相互抵消，而不是越加越大。拖动滑块看看效果：同样学习率的普通 SGD 作为对照，从 (−9, 1.5) 出发，各走 60 步。（这种交互图的想法来自 distill.pub 上的文章 “Why Momentum Really Works”，那里有更多滑块。）

# %%
def momentum_on_the_ravine(lr=0.5, beta=0.6, steps=60, ax=None):
    """Plain SGD and heavy-ball momentum with the same learning rate on the ravine."""
    return plot_optimizer_paths(
        "ravine",
        {"SGD": lambda p: SGD(p, lr=lr), tr("momentum"): lambda p: SGD(p, lr=lr, momentum=beta)},
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

# %% [markdown] lang="zh"
# 滑块需要一个正在运行的内核（kernel）：在本笔记本的网页版上，或者重新打开一个已保存、但还没运行过单元格的笔记本时，它什么也不显示。下面在四组设置下把同一个实验各画一次：

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
    ax.set_title(tr("lr {lr}, β {beta}: loss {loss:.1e} after 60 steps").format(
        lr=lr, beta=beta, loss=SURFACES["ravine"](*path[-1])))
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

# %% [markdown] lang="zh"
# 四幅图说明了什么：
#
# - **lr 0.9，β 0**（普通 SGD，接近它的上限 1）：在横跨山谷的方向上来回摆动（每一步把 `w₂` 乘以 `1 − 2·0.9 = −0.8`），沿山谷的方向慢慢爬。
# - **lr 0.9，β 0.5**：学习率相同，但沿山谷的有效步长是原来的两倍：同样 60 步，离最小点近得多（见子图标题中的损失值）。
# - **lr 0.1，β 0.9**：学习率小、动量大：沿山谷的有效步长为 1，但摩擦太小，小球沿着山谷冲过最小点后又得折回来，一路画出跨过山谷的缓慢弧线。
# - **lr 1.5，β 0.9**：超过了普通 SGD 的上限（lr < 1），却依然稳定：对重球动量来说，横跨山谷方向上稳定的条件是 `lr · 曲率 < 2 · (1 + β)`，在这里就是 `lr < 1 + β`（见打印的各行）。不过摩擦同样太小：它在最小点附近剧烈摆动。
#
# 可见动量也有代价：β 太小收效甚微，β 太大来回摆动。合适的 β 取决于曲面在各个方向上弯曲程度相差多大。（想亲眼看到稳定条件 `lr < 1 + β`，可以把 β 设为 0.9，再把学习率从 1.85 拖到 1.95；也可以调用 `momentum_on_the_ravine(1.85, 0.9)` 和 `momentum_on_the_ravine(1.95, 0.9)`。）
#
# ## Adagrad、RMSprop、Adam：每个参数有自己的步长
#
# 动量通过累计梯度来改变每一步的*方向*。下面这一族方法改变的是每个参数各自步长的*大小*：用这个参数过去梯度有多大的某种度量去除它的步长。我们逐个引入，每个只比前一个改一行。对一个梯度为 `g` 的参数 `w`：
#
# **Adagrad** 维护一个从 0 开始的和 `s`，把所有梯度的平方都加进去，再用它的平方根去除步长：
#
# ```
# s = s + g²
# w = w - lr * g / (√s + ε)
# ```
#
# `ε`（epsilon，1e-10）是一个极小的常数，保证第一次除法不会除以零。因为 `√s` 大致就是迄今为止梯度的大小，`g / √s` 约为 ±1：一开始，无论梯度是大是小，每个参数每一步都移动大约 `lr`。于是陡的方向走得比普通 SGD 小，平的方向走得比它大——这是对曲率（二阶导数，见[第 2 本笔记本](02_gradients.ipynb)）作用的一种廉价替代。但 `s` 只增不减，步长越来越小，走了很多步之后 Adagrad 几乎停了下来。
#
# **RMSprop** 改了第一行：不再累加*所有*梯度的平方，而是取*最近*一段梯度平方的平均，旧的梯度会被逐渐遗忘：
#
# ```
# s = α·s + (1 − α)·g²          # 原来是：s = s + g²
# w = w - lr * g / (√s + ε)
# ```
#
# `α`（alpha，默认 0.99）是旧的平均值每一步保留下来的比例，作用和动量的 β 类似；这个平均大约覆盖最近 `1 / (1 − α)` = 100 步。（√s 是最近梯度的均方根，即 RMS，root mean square，名字由此而来。）它最初的几步很大：第一步之后 `s` 只有 `(1 − α)·g² = 0.01·g²`，所以第一步的步长是 `lr · g / (0.1·|g|) = 10 · lr`。
#
# **Adam** 改了第二行：它把动量放进分子，用梯度的近期平均 `m` 代替 `g` 本身。两个平均各有自己的因子：`m` 用 `β₁`，`s` 用 `β₂`（作用和 RMSprop 的 α 相同）：
#
# ```
# m = β₁·m + (1 − β₁)·g         # 新增：以平均形式出现的动量（β₁ = 0.9）
# s = β₂·s + (1 − β₂)·g²        # RMSprop 的那一行（β₂ = 0.999）
# w = w - lr * m̂ / (√ŝ + ε)     # 原来是：g / (√s + ε)
# ```
#
# 另外还有一处修正：`m` 和 `s` 都从 0 开始，所以它们最初的值偏小（RMSprop 第一步过大就是这个原因）。Adam 在第 `t` 步把它们分别除以 `1 − β₁ᵗ` 和 `1 − β₂ᵗ`（`m̂ = m / (1 − β₁ᵗ)`，`ŝ = s / (1 − β₂ᵗ)`）：这个修正在第一步很大，随着 `t` 增大逐渐消失。所以 Adam = RMSprop + 动量 + 这个启动修正。上面的默认值都和 PyTorch 相同。下面把三种方法都写成只有一个参数的形式，在山谷的 `w₂` 方向上（只看 `w₂²` 这一项）从 `w₂ = 1.5` 出发走五步，并与 `micrograd.optim` 核对。每行打印的是每一步之后 `w₂` 的值，最后是与 `micrograd.optim` 的最大差别：

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

# %% [markdown] lang="zh"
# ### 在山谷上公平地比一比
#
# 哪个优化器“最好”，取决于各自拿到的学习率；所以每种方法随手取一个学习率来比，说明不了什么（学习率选得不好时，普通 SGD 甚至能赢过动量）。为了公平，每种方法都从**同一张列表** `0.03, 0.1, 0.3, 0.5, 0.9, 1.5, 3.0` 里挑出**最好的学习率**；两种带动量的方法（重球动量和 Adam）还要从 `0.5, 0.9` 中挑出最好的 β（对 Adam 是 β₁）。“最好”指：让损失降到 1e-6 以下所需的步数最少（最多走 300 步）。完整的表格如下，每一行是一种方法（带动量的方法每个 β 一行），每一列是一个学习率，格子里是所需的步数，“-” 表示 300 步之内没有达到（或者发散了）：

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

# %% [markdown] lang="zh"
# 表格和比赛结果说明了什么（步数见上面的打印）：
#
# - **普通 SGD 最慢**，原因正是本讲的要点：为了照顾陡的方向，它的学习率必须小于 1，而在这样的学习率下，平的方向每步最多缩短 10%。它的最佳学习率是列表中小于 1 的最大那个。
# - **动量**需要的步数不到 SGD 的一半，用的学习率 SGD 也能用：它沿山谷的有效步长更长。它在这里的最佳 β 是 0.5，而不是常用的 0.9：这条山谷横跨方向的弯曲程度只是沿山谷方向的 20 倍，β 取 0.9 时小球会来回摆动（见表中 “momentum β 0.9” 那一行，以及上面的滑块）。
# - **RMSprop 胜出**，**Adagrad 和 Adam** 也明显快于 SGD。它们把每个坐标的步长除以这个坐标自己的梯度大小，一下子就抹平了两个方向 20 倍的差异——但这是因为这条山谷恰好**沿着坐标轴** `w₁` 和 `w₂` 的方向。如果山谷和坐标轴成 45°，每个梯度里都混合着两个方向，这个优势基本就没了（见下面“动手试试”的第 3 题）。RMSprop 的路径第一步就跑出了画面：这正是前面算过的 RMSprop 第一步 `10 · lr`，而 Adam 的启动修正避免了它。
# - Adagrad 的最佳学习率是列表中最大的那个：它的步长只会越来越小，所以需要一个大的起步。（更长的列表也许能给它找到更好的学习率；这里故意只搜了一个小范围。）
#
# 一般而言没有唯一的赢家：哪种方法最快，既取决于曲面，也取决于各自拿到的学习率。实践中，默认设置的 Adam 是稳妥的首选；而动量为 0.9、再配上学习率调度（训练过程中逐步调小学习率）的 SGD，最终往往泛化得更好（泛化：在训练时没见过的数据上也表现良好）。

# %% [markdown]
# ### A surface with a local minimum
#
# The 2-D version of the double well: a local minimum on the right, the global one on the left.

# %% [markdown] lang="zh"
# ### 有局部极小点的曲面
#
# 双井函数的二维版本：右边是局部极小点，左边是全局最小点。

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

# %% [markdown] lang="zh"
# 这里只有两种动量方法越过了中间的山脊（两个坑之间隆起的部分；见上面的打印）。自适应的步长（像 RMSprop、Adam 那样，按梯度的大小自动调整每个参数的步长）在平坦和陡峭的方向上都有帮助，但给不了爬出坑所需的“速度”。（Adam 也有动量，但以这里给它的学习率，它在山脊前就慢了下来：可以试试 `plot_optimizer_paths("local_minimum", local_names, lr={"adam": 0.5})`，只把 Adam 的学习率改成 0.5。）
#
# ### Rosenbrock 函数：一条弯曲的山谷
#
# Rosenbrock 函数的等高线形似香蕉，所以也叫“香蕉函数”。找到它的山谷很容易；难的是沿着弯曲的谷底走到最小点 (1, 1)。各条路径在谷底相互重叠，所以每个优化器单独画一幅子图（大圆点是它的终点）：

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

# %% [markdown] lang="zh"
# 要看什么：每条路径都先从起点 (−1.2, 1) 出发，几步之内落进山谷（横跨山谷的方向非常陡）。然后是慢的部分：谷底弯弯曲曲地经过 (0, 0) 通向最小点 (1, 1)，沿着谷底梯度很小，横跨谷底却很大，于是每个优化器都只能沿着这条香蕉形的谷底慢慢挪。打印出的终点说明了各自在 500 步里走了多远：没有一个到达 (1, 1)，两种带动量的方法（momentum 和 Adam）走得最远。
#
# 所有这些优化器用的输入都一样——一次反向传播得到的梯度——而且每个在 `micrograd/optim.py` 里都只有几行。想自己动手写一遍，并让检查程序告诉你错在哪里：[练习 5](../exercises/05_optimizers.ipynb)。

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

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 找出能让笔记的代码逃出局部极小点的最小动量（对 0.5 到 0.9 之间的 `m` 试试 `notes_momentum(m)`）。起点对结果有影响吗？
# 2. 只改一行，把笔记的代码变成重球动量，再用 `ball_positions` 与 `SGD(p, lr=0.02, momentum=m)` 对照。
# 3. 把山谷旋转 45°：用 `lambda x, y: 0.05 * ((x + y) / 2**0.5) ** 2 + ((x - y) / 2**0.5) ** 2` 构造一个 `Surface`（从 `micrograd.plots` 导入 `Surface`，其余参数照抄 `SURFACES["ravine"]`），在它上面重新比一次。哪些方法失去了优势？为什么？

# %% [markdown] lang="zh"
# ## 小结
#
# - 动量让更新带上了记忆：`velocity` 是过去各步 SGD 步子的累计，越早的打折越多；`momentum`（β）是每一步保留下来的速度比例，`1 − β` 相当于摩擦。
# - 在长而均匀的斜坡上，动量的有效步长是 `lr / (1 − β)`：笔记的 0.1 只快 10% 左右，常用的 0.9 快到 10 倍；动量够大的小球能冲过较浅的局部极小点。
# - 笔记里标“不懂”的代码是 Nesterov 动量：第 6 行在速度之上再加一次当前的梯度步，相当于先往前看一步；它和 `SGD(..., momentum=m, nesterov=True)` 每一步都相同。
# - 在狭长的山谷里，学习率受最陡的方向限制；动量沿谷底加速、在横跨山谷的方向上抵消摆动，但 β 太大会来回摆。
# - Adagrad、RMSprop、Adam 按每个参数自己的梯度大小调整步长，每个只比前一个改一行；Adam = RMSprop + 动量 + 启动修正。
# - 没有永远最好的优化器：比较时要给每种方法公平地挑选学习率。
