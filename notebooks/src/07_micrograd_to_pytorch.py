# %% [markdown]
# # 7. From micrograd to PyTorch (张量)
#
# **What you will learn**
#
# - which names carried over: micrograd uses PyTorch's names on purpose (`backward()`, `.grad`,
#   `parameters()`, `zero_grad()`, `step()`, `state_dict()` …), so what you learned transfers;
# - the same model and the same training loop written in both, side by side — started from the same
#   weights they produce the **same numbers**;
# - what PyTorch adds: tensors (张量) — whole arrays in one operation — and the speed that comes
#   with them.
# - the notes' question "why does the gradient have `W`'s shape?" checked on real tensors:
#   `W.grad.shape == W.shape`.
#
# Terms in English and Chinese: the [glossary](../docs/glossary.md).
#
# The PyTorch cells need `torch`. Without it this notebook still runs: it shows the micrograd side
# and says what it skipped. (Install the CPU build with
# `pip install torch --index-url https://download.pytorch.org/whl/cpu`.)

# %% [markdown] lang="zh"
# # 7. 从 micrograd 到 PyTorch
#
# PyTorch 是目前最常用的深度学习库之一。本讲把前几讲用 micrograd 做过的事，在 PyTorch 里再做一遍。
#
# **本讲内容**
#
# - 哪些名字是相同的：micrograd 特意沿用了 PyTorch 的名字（`backward()`、`.grad`、`parameters()`、`zero_grad()`、`step()`、`state_dict()` ……），所以在这里学到的东西可以直接用到 PyTorch 上；
# - 同一个模型、同一个训练循环，两边各写一遍，对照着看——从相同的权重出发，两者算出**相同的数**；
# - PyTorch 多了什么：张量（tensor，即多维数组：向量是一维的，矩阵是二维的）——一次运算就处理一整个数组——以及随之而来的速度；
# - 笔记里的问题"梯度为什么和 `W` 形状相同"，在真正的张量上检验：`W.grad.shape == W.shape`。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。
#
# 本讲中 PyTorch 的代码单元需要安装 `torch`。没有安装时，本讲照样能运行：它只运行 micrograd 的部分，并说明跳过了什么。（CPU 版的安装命令：`pip install torch --index-url https://download.pytorch.org/whl/cpu`。）

# %%
import time

import micrograd
from micrograd import Value
from micrograd.data import make_moons
from micrograd.losses import hinge, l2
from micrograd.nn import MLP
from micrograd.optim import SGD

try:
    import torch

    HAVE_TORCH = True
    torch.set_default_dtype(torch.float64)  # micrograd computes in float64: compare like with like
    print(f"torch {torch.__version__} is installed: both sides will run.")
except ImportError:
    HAVE_TORCH = False
    print("torch is not installed: the PyTorch cells below are skipped (they say so), "
          "the micrograd cells run as usual.")

# %% [markdown]
# ## The names, side by side
#
# | micrograd | PyTorch | what it is |
# |---|---|---|
# | `Value(2.0)` | `torch.tensor(2.0, requires_grad=True)` | a number that records how it is used |
# | `v.data`, `v.grad` | `t.data` / `t.item()`, `t.grad` | its value and its gradient |
# | `loss.backward()` | `loss.backward()` | the backward pass (反向传播) |
# | `micrograd.grad(y, [x], create_graph=True)` | `torch.autograd.grad(y, [x], create_graph=True)` | derivatives without touching `.grad`; higher order |
# | `micrograd.nn.Module`, `MLP(2, [16, 16, 1])` | `torch.nn.Module`, `nn.Sequential(nn.Linear(2, 16), nn.ReLU(), …)` | a model |
# | `model.parameters()`, `named_parameters()` | the same | the trainable parameters (可训练参数) |
# | `model.zero_grad()`, `state_dict()`, `load_state_dict()` | the same | |
# | `micrograd.optim.SGD(params, lr, momentum, nesterov)`, `Adam` | `torch.optim.SGD(...)`, `torch.optim.Adam` | optimizers (优化器), same update rules |
# | `optimizer.zero_grad()`, `optimizer.step()` | the same | |
# | `micrograd.gradcheck` | `torch.autograd.gradcheck` | compare with finite differences |
# | a list of Values | a tensor (张量) | many numbers at once |
#
# ## One neuron, by hand in both
#
# `tanh(x·w + b)`, the first example of the original micrograd lecture:

# %% [markdown] lang="zh"
# ## 名字对照
#
# | micrograd | PyTorch | 含义 |
# |---|---|---|
# | `Value(2.0)` | `torch.tensor(2.0, requires_grad=True)` | 一个会记录自己参与了哪些运算的数 |
# | `v.data`, `v.grad` | `t.data` / `t.item()`, `t.grad` | 它的值和它的梯度 |
# | `loss.backward()` | `loss.backward()` | 反向传播（backward pass） |
# | `micrograd.grad(y, [x], create_graph=True)` | `torch.autograd.grad(y, [x], create_graph=True)` | 求导数但不改动 `.grad`；可以求高阶导数 |
# | `micrograd.nn.Module`, `MLP(2, [16, 16, 1])` | `torch.nn.Module`, `nn.Sequential(nn.Linear(2, 16), nn.ReLU(), …)` | 模型 |
# | `model.parameters()`, `named_parameters()` | 相同 | 可训练参数（trainable parameter） |
# | `model.zero_grad()`, `state_dict()`, `load_state_dict()` | 相同 | |
# | `micrograd.optim.SGD(params, lr, momentum, nesterov)`, `Adam` | `torch.optim.SGD(...)`, `torch.optim.Adam` | 优化器（optimizer），更新规则相同 |
# | `optimizer.zero_grad()`, `optimizer.step()` | 相同 | |
# | `micrograd.gradcheck` | `torch.autograd.gradcheck` | 与有限差分的结果比较 |
# | 一个 Value 列表 | 一个张量（tensor） | 一次处理许多个数 |
#
# ## 一个神经元，两边各写一遍
#
# `tanh(x·w + b)`，这是 Andrej Karpathy 讲 micrograd 的视频课里的第一个例子：

# %%
x, w, b = Value(2.0), Value(-3.0), Value(6.88)
out = (x * w + b).tanh()
out.backward()
print(f"micrograd: out = {out.data:.6f}   dout/dx = {x.grad:.6f}   dout/dw = {w.grad:.6f}   "
      f"dout/db = {b.grad:.6f}")

# %%
if HAVE_TORCH:
    xt = torch.tensor(2.0, requires_grad=True)
    wt = torch.tensor(-3.0, requires_grad=True)
    bt = torch.tensor(6.88, requires_grad=True)
    out_t = torch.tanh(xt * wt + bt)
    out_t.backward()
    print(f"PyTorch:   out = {out_t.item():.6f}   dout/dx = {xt.grad.item():.6f}   "
          f"dout/dw = {wt.grad.item():.6f}   dout/db = {bt.grad.item():.6f}")
else:
    print("skipped: torch is not installed")

# %% [markdown]
# Second derivatives the same way (notebook 2). `micrograd.grad` returns a tuple with one
# derivative per input: plain floats by default, and Values (with a graph of their own, so they can
# be differentiated again) with `create_graph=True` — hence `d1.data` but plain `d2`. PyTorch's
# `torch.autograd.grad` returns tensors either way. At `x = 3`: `d(x³)/dx = 3x² = 27` and
# `d²(x³)/dx² = 6x = 18`.

# %% [markdown] lang="zh"
# 两边打印的值和三个导数完全相同。二阶导数也可以这样求（第 2 讲）。`micrograd.grad` 返回一个元组（tuple），每个输入对应其中一个导数：默认是普通的浮点数；加上 `create_graph=True` 时则是 Value，它们带有自己的计算图，所以还可以再求导。因此下面写的是 `d1.data`，而 `d2` 本身就是一个数。（`(d1,) = ...` 这种写法是从只有一个元素的元组中取出这个元素。）PyTorch 的 `torch.autograd.grad` 在两种情况下都返回张量。在 `x = 3` 处：`d(x³)/dx = 3x² = 27`，`d²(x³)/dx² = 6x = 18`。

# %%
xv = Value(3.0)
(d1,) = micrograd.grad(xv**3, [xv], create_graph=True)
(d2,) = micrograd.grad(d1, [xv])
print(f"micrograd: d(x³)/dx = {d1.data}, d²(x³)/dx² = {d2}")
if HAVE_TORCH:
    xt = torch.tensor(3.0, requires_grad=True)
    (d1_t,) = torch.autograd.grad(xt**3, [xt], create_graph=True)
    (d2_t,) = torch.autograd.grad(d1_t, [xt])
    print(f"PyTorch:   d(x³)/dx = {d1_t.item()}, d²(x³)/dx² = {d2_t.item()}")
else:
    print("PyTorch:   skipped: torch is not installed")

# %% [markdown]
# ## The same model
#
# micrograd's `MLP(2, [16, 16, 1])` is PyTorch's stack of `Linear` layers with ReLU between them.
# A micrograd layer is a list of neurons, each with its own weights `w` (one per input) and bias
# `b`; a PyTorch `Linear(16, 16)` holds the same numbers as one 16 × 16 weight **matrix** (row `j` is
# neuron `j`'s `w`) and one bias vector. We copy micrograd's initial weights into the PyTorch model,
# so both start from exactly the same point.

# %% [markdown] lang="zh"
# ## 同一个模型
#
# micrograd 的 `MLP(2, [16, 16, 1])`，在 PyTorch 中就是一串 `Linear` 层（全连接层），层与层之间夹着 ReLU。micrograd 的一层是一个神经元列表，每个神经元有自己的权重 `w`（每个输入一个）和偏置 `b`；PyTorch 的 `Linear(16, 16)` 保存的是同样这些数，只是存成一个 16 × 16 的权重**矩阵**（第 `j` 行就是第 `j` 个神经元的 `w`）和一个偏置向量。我们把 micrograd 的初始权重复制到 PyTorch 模型中，这样两者从完全相同的起点出发（复制写在 `torch.no_grad()` 里：复制数值不属于要求导的计算，不必让 PyTorch 记录）。下面打印的参数个数与 micrograd 的相同，但在 PyTorch 中它们只装在几个张量里：每个 `Linear` 层一个权重矩阵、一个偏置向量。

# %%
X, y = make_moons(n_samples=100, noise=0.1, seed=0)
model = MLP(2, [16, 16, 1], seed=0)
print(model)

# %%
if HAVE_TORCH:
    torch_model = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 1),
    )
    linears = [m for m in torch_model if isinstance(m, torch.nn.Linear)]
    with torch.no_grad():  # copying numbers is not part of any computation to differentiate
        for layer, linear in zip(model.layers, linears):
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons]))
            linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons]))
    print(torch_model)
    print("parameters:", sum(p.numel() for p in torch_model.parameters()), "in",
          len(list(torch_model.parameters())), "tensors")
else:
    print("skipped: torch is not installed")

# %% [markdown]
# ## The same loop
#
# Full-batch SGD on the two moons with the hinge loss plus L2, 20 steps. Read the two cells side by
# side: the four steps of the notes are the same lines with the same names. The difference is in the
# forward pass: micrograd runs the model once per sample (a list of Values), PyTorch runs it once on
# the whole batch (a 100 × 2 tensor) — one matrix multiplication per layer.

# %% [markdown] lang="zh"
# ## 同一个训练循环
#
# 在双月数据上，用合页损失加 L2 正则化（第 6 讲）做批量 SGD（每一步都用全部数据），共 20 步。把下面两个代码单元对照着读：笔记里的四个步骤，在两边是同样的几行、同样的名字。区别在前向传播：micrograd 对每个样本分别运行一次模型（得到一个 Value 列表），PyTorch 则对整批数据（一个 100 × 2 的张量）只运行一次——每层只做一次矩阵乘法。
#
# PyTorch 那一格里有几处写法要说明：`signs` 是把标签 0/1 换成的 −1/+1；模型对整批数据的输出是一个 100 × 1 的张量，`squeeze(1)` 去掉长度为 1 的第二维，把它变成 100 个得分组成的向量；`loss_t.item()` 取出损失这个数。

# %%
optimizer = SGD(model.parameters(), lr=0.5)
micrograd_losses = []
start = time.perf_counter()
for step in range(20):
    scores = [model(x) for x in X]  # forward pass, one sample at a time
    loss = hinge(scores, y) + l2(model, alpha=1e-4)  # loss
    optimizer.zero_grad()
    loss.backward()  # backward pass
    optimizer.step()  # step against the gradient
    micrograd_losses.append(loss.data)
micrograd_seconds = time.perf_counter() - start
print(f"micrograd: 20 steps in {micrograd_seconds:.2f} s, loss {micrograd_losses[0]:.6f} -> "
      f"{micrograd_losses[-1]:.6f}")

# %%
if HAVE_TORCH:
    X_t = torch.tensor(X)  # the whole batch as one 100 x 2 tensor
    signs = torch.tensor([1.0 if label == 1 else -1.0 for label in y])
    torch_optimizer = torch.optim.SGD(torch_model.parameters(), lr=0.5)
    torch_losses = []
    start = time.perf_counter()
    for step in range(20):
        scores_t = torch_model(X_t).squeeze(1)  # forward pass, the whole batch at once
        loss_t = torch.relu(1 - signs * scores_t).mean() + 1e-4 * sum(
            (p**2).sum() for p in torch_model.parameters()
        )  # the same loss: hinge + L2
        torch_optimizer.zero_grad()
        loss_t.backward()  # backward pass
        torch_optimizer.step()  # step against the gradient
        torch_losses.append(loss_t.item())
    torch_seconds = time.perf_counter() - start
    print(f"PyTorch:   20 steps in {torch_seconds:.2f} s, loss {torch_losses[0]:.6f} -> "
          f"{torch_losses[-1]:.6f}")
else:
    print("skipped: torch is not installed")

# %% [markdown]
# Step by step, the two losses:

# %% [markdown] lang="zh"
# 逐步对比两边的损失：

# %%
if HAVE_TORCH:
    for step in [0, 1, 2, 5, 10, 19]:
        print(f"step {step:2d}: micrograd {micrograd_losses[step]:.12f}   "
              f"PyTorch {torch_losses[step]:.12f}")
    worst = max(abs(a - b) for a, b in zip(micrograd_losses, torch_losses))
    print(f"largest difference over 20 steps: {worst:.1e}")
    print(f"time per step: micrograd {micrograd_seconds / 20 * 1000:.1f} ms, "
          f"PyTorch {torch_seconds / 20 * 1000:.2f} ms "
          f"(PyTorch is {micrograd_seconds / torch_seconds:.0f} times as fast)")
else:
    print("skipped: torch is not installed. With torch, the two columns would be printed here "
          "side by side, with the largest difference between them.")

# %% [markdown]
# Same start, same data, same loss, same update rule: the same numbers, up to the last few digits
# of floating-point rounding (the two libraries add in different orders). Every idea of the
# previous notebooks — the loop, the gradient, backpropagation, the optimizer — is exactly what
# PyTorch does.
#
# What PyTorch adds is *how* it computes: tensors let one operation handle a whole batch and a whole
# weight matrix, in optimized C++ (or on a GPU). micrograd has one Python object per number and
# pays Python's overhead for each. The time per step printed above (when torch is installed)
# compares the two on this small network; the gap grows with the size of the network, because
# micrograd's cost grows with the number of scalar operations and PyTorch's mostly does not until
# the matrices get large. The list of what else micrograd leaves out is in the docs
# (*Simplified compared to PyTorch*).
#
# ## The notes' open question, with real tensors
#
# Notebook 2 answered the notes' TODO — *why does the gradient have `W`'s shape?* — with lists of
# Values: one partial derivative per entry of `W`, stored where that entry is. In PyTorch `W` is
# one tensor, and so is its gradient, and you can check the answer directly: after `backward()`,
# `W.grad` is a tensor of exactly `W`'s shape, entry `[i, j]` being ∂loss/∂W[i, j]. Here with
# notebook 2's example (`W` 2 × 3, `y_pred = W @ x`, squared error), and for every weight matrix of
# the model trained above:

# %% [markdown] lang="zh"
# 起点相同、数据相同、损失相同、更新规则相同，得到的数也就相同，只在最后几位上有浮点舍入造成的差别（两个库做加法的顺序不同）。前面几讲的每一个概念——训练循环、梯度、反向传播、优化器——都正是 PyTorch 所做的事。
#
# PyTorch 多出来的是*怎样*计算：有了张量，一次运算就能处理整批数据和整个权重矩阵，并且由优化过的 C++ 代码（或在 GPU，即图形处理器上）执行。micrograd 中每个数都是一个 Python 对象，每个数都要付出 Python 解释器的开销。上面打印的每步耗时和 PyTorch 快了多少倍（装了 torch 时才有），就是两者在这个小网络上的比较。网络越大，差距越大：micrograd 的耗时随标量运算的次数增长，而 PyTorch 的耗时在矩阵变得很大之前基本不随之增长。micrograd 还省略了哪些东西，见文档中的[与 PyTorch 相比的简化](../../docs/concepts/simplifications.md)（*Simplified compared to PyTorch*）一页。
#
# ## 笔记里的问题：用真正的张量来回答
#
# 笔记"张量运算的导数"第 4 点写道：
#
# > 假设 $W$ 的当前值为 $W0$。$f$ 在 $W0$ 点的导数是一个张量 $gradient(f)(W0)$，其形状与 $W$ 相同。TODO，导数也是张量且形状与 $W$ 相同的原因是什么？
#
# 第 2 讲已经用 Value 列表回答了这个问题：`W` 的每个元素对应一个偏导数，就存放在这个元素所在的位置上。在 PyTorch 中，`W` 是一个张量，它的梯度也是一个张量，所以答案可以直接检验：`backward()` 之后，`W.grad` 是一个形状与 `W` 完全相同的张量，其中第 `[i, j]` 个元素就是 ∂loss/∂W[i, j]。下面先用第 2 讲的例子（`W` 为 2 × 3，`y_pred = W @ x`，损失为平方误差之和；`@` 是 Python 的矩阵乘法运算符，`W @ x` 就是笔记里的 `dot(W, x)`），再检查上面训练过的模型的每一个参数：

# %%
if HAVE_TORCH:
    W_t = torch.tensor([[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]], requires_grad=True)
    x_t, y_t = torch.tensor([1.0, 2.0, -1.0]), torch.tensor([1.0, 0.0])
    loss_W = ((W_t @ x_t - y_t) ** 2).sum()  # notebook 2's f(W)
    loss_W.backward()
    print("W.shape      =", tuple(W_t.shape))
    print("W.grad.shape =", tuple(W_t.grad.shape))
    assert W_t.grad.shape == W_t.shape
    error = (W_t @ x_t - y_t).detach()
    assert torch.allclose(W_t.grad, 2 * torch.outer(error, x_t))  # notebook 2's 2·error[i]·x[j]
    print("W.grad =", W_t.grad.tolist(), " (notebook 2 printed the same six numbers)")
    for name, param in torch_model.named_parameters():
        print(f"{name:9s} shape {tuple(param.shape)!s:9s} grad shape {tuple(param.grad.shape)}")
        assert param.grad.shape == param.shape
else:
    print("skipped: torch is not installed (notebook 2 shows the same with lists of Values)")

# %% [markdown]
# Every gradient has its parameter's shape, for the same reason as in notebook 2: it holds one
# number per number of the parameter, and the update `W -= lr * W.grad` pairs them entry by entry.
# (With the row-by-column pattern `2 · error[i] · x[j]` of notebook 2 — an outer product, one
# tensor operation, checked by the `assert` above.) Exercise 7,
# [the gradient's shape](exercises/07_gradient_shape.ipynb), asks you to derive it yourself.

# %% [markdown] lang="zh"
# 每个梯度都和它的参数形状相同，原因和第 2 讲一样：参数里的每一个数，梯度里都有一个数与之对应；更新 `W -= lr * W.grad` 就是把两者逐元素配对。（梯度还有第 2 讲中"行乘列"的规律 `2 · error[i] · x[j]`：它是误差向量与 `x` 的外积（outer product），在 PyTorch 中只需一次张量运算 `torch.outer`，上面的 `assert` 检验了这一点。）再看模型的参数：`0.weight` 的形状是 (16, 2)，即 16 行（每个神经元一行）、2 列（每个输入一列），正是"同一个模型"一节所说的排列方式，而它的梯度也是 (16, 2)。（名字里的 0、2、4 是各个 `Linear` 层在 `Sequential` 中的序号；1 和 3 是 ReLU，没有参数。）[练习 7：梯度的形状](../exercises/07_gradient_shape.ipynb)请你自己推导这一点。

# %% [markdown]
# ## Try it
#
# 1. Replace both optimizers by `SGD(..., lr=0.1, momentum=0.9, nesterov=True)` (and
#    `torch.optim.SGD` with the same arguments). Do the losses still agree?
# 2. Change the PyTorch model's dtype to float32 (remove the `set_default_dtype` line). How many
#    digits still agree, and why?
# 3. Write the hinge loss of the micrograd loop with PyTorch-style tensor operations in your head:
#    which micrograd line becomes `torch.relu(1 - signs * scores_t).mean()`?

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 把两边的优化器都换成 `SGD(..., lr=0.1, momentum=0.9, nesterov=True)`（`torch.optim.SGD` 用同样的参数）。两边的损失还一致吗？
# 2. 把 PyTorch 模型的数据类型改为 float32（单精度；删掉 `set_default_dtype` 那一行，micrograd 一直用双精度的 float64）。还有几位数字一致？为什么？
# 3. 在脑子里把 micrograd 循环中的合页损失改写成 PyTorch 风格的张量运算：micrograd 的哪一行变成了 `torch.relu(1 - signs * scores_t).mean()`？

# %% [markdown] lang="zh"
# ## 小结
#
# - micrograd 特意沿用了 PyTorch 的名字：`backward()`、`.grad`、`parameters()`、`zero_grad()`、`step()`……会用一个，就会用另一个。
# - 从相同的权重出发，用相同的数据、损失和更新规则，两者 20 步的损失在打印出的所有位数上都相同，只差浮点舍入。
# - PyTorch 多的是张量：一次运算处理整批数据和整个权重矩阵，所以快得多；micrograd 则是每个数一个 Python 对象。
# - PyTorch 的 `Linear` 层把一层神经元的权重存成一个矩阵，每一行是一个神经元的 `w`。
# - 笔记的 TODO 在真正的张量上得到检验：对每个参数都有 `W.grad.shape == W.shape`。梯度为参数的每个元素给出一个偏导数，并放在同样的位置上，所以 `W -= lr * W.grad` 能逐元素更新。
