# %% [markdown]
# # 2. Gradients: the derivative of a loss with respect to a whole matrix (梯度)
#
# **What you will learn**
#
# - how `loss_value = f(W)` — a loss (损失) as a function of a weight matrix `W` — is built from
#   scalar Values, exactly as the notes write it: `y_pred = dot(W, x)`, `loss(y_pred, y)`;
# - what the gradient (梯度) is: one partial derivative ∂loss/∂W[i, j] per entry of `W`, shown
#   as a matrix of the same shape — and, in plain words, **why it has `W`'s shape** (the notes'
#   "TODO");
# - what the notes' word *curvature* (曲率) in point 6 of 张量运算的导数 means there, and why the
#   gradient is better called the **slope**, the direction of steepest ascent; curvature in the
#   usual sense is the **second** derivative. We compute both with
#   `micrograd.grad(..., create_graph=True)` and compare a gradient step with a Newton step,
#   which uses both.
#
# Terms in English and Chinese: the [glossary](../docs/glossary.md).

# %% [markdown] lang="zh"
# # 2. 梯度：损失对整个矩阵的导数
#
# **本讲内容**
#
# - 损失（loss）怎样写成权重矩阵 `W` 的函数 `loss_value = f(W)`，并且完全照笔记的写法，用一个个标量 Value 搭出来：`y_pred = dot(W, x)`，`loss(y_pred, y)`；
# - 梯度（gradient）是什么：`W` 的每个元素对应一个偏导数（partial derivative）∂loss/∂W[i, j]，排成一个和 `W` 形状相同的矩阵；并用浅显的话回答笔记里的 TODO：**梯度为什么和 `W` 形状相同**；
# - 笔记"张量运算的导数"一节第 6 点中的"曲率"（curvature）一词在那里指什么，为什么梯度更应该叫作**斜率**，即上升最快的方向；通常意义下的曲率是**二阶**导数。我们用 `micrograd.grad(..., create_graph=True)` 把两者都算出来，并比较梯度下降的一步和同时用到两者的牛顿法（Newton's method）的一步。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。

# %%
import matplotlib.pyplot as plt

import micrograd
from micrograd import Value
from micrograd.i18n import N_, use_language_for_plots

%matplotlib inline
plt.rcParams["figure.dpi"] = 90
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

# %% [markdown]
# ## A loss as a function of a matrix
#
# The notes' example: an input vector `x`, a matrix `W`, a target `y`, and
#
# ```
# y_pred = dot(W, x)
# loss_value = loss(y_pred, y)
# ```
#
# With `W` of shape 2 × 3 and `x` of length 3, `y_pred` has 2 entries: entry `i` is the dot
# product of row `i` of `W` with `x`. We build every entry of `W` as its own Value, labelled
# with its position, and use the squared distance as the loss.
#
# Two Python details in the cell below: `micrograd.dot(row, x)` is the dot product of two lists
# (`Σ_j row[j] · x[j]`), and `micrograd.sum((p - t) ** 2 for p, t in zip(y_pred, y))` adds up the
# squared differences. The part in parentheses is a *generator expression*: it produces the terms
# one at a time for `sum` to add, without first building a list (notebook 5 says more about
# generators).

# %% [markdown] lang="zh"
# ## 把损失看作矩阵的函数
#
# 笔记中的例子：一个输入向量 `x`、一个矩阵 `W`、一个目标 `y`，以及
#
# ```
# y_pred = dot(W, x)
# loss_value = loss(y_pred, y)
# ```
#
# `W` 的形状是 2 × 3，`x` 的长度是 3，所以 `y_pred` 有 2 个元素：第 `i` 个元素是 `W` 的第 `i` 行与 `x` 的点积。我们把 `W` 的每个元素都建成一个单独的 Value，用它的位置作为名字（`label`），并用预测值与目标之差的平方和作为损失。
#
# 下面的代码里有两处 Python 写法需要说明：`micrograd.dot(row, x)` 是两个列表的点积（`Σ_j row[j] · x[j]`）；`micrograd.sum((p - t) ** 2 for p, t in zip(y_pred, y))` 把各个差的平方加起来。括号里的部分叫*生成器表达式*（generator expression）：它逐个产生要相加的项，交给 `sum` 去加，而不必先建一个列表（第 5 讲会进一步介绍生成器）。

# %%
W = [[Value(v, label=f"W[{i},{j}]") for j, v in enumerate(row)] for i, row in
     enumerate([[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]])]
x = [1.0, 2.0, -1.0]
y = [1.0, 0.0]


def f(W):
    """loss_value = f(W): x and y are fixed, only W varies."""
    y_pred = [micrograd.dot(row, x) for row in W]  # dot(W, x), one row at a time
    return micrograd.sum((p - t) ** 2 for p, t in zip(y_pred, y))


loss_value = f(W)
loss_value.backward()
print("loss =", loss_value.data)
print("gradient, entry by entry:")
for row in W:
    print("   ", "  ".join(f"∂loss/∂{w.label} = {w.grad:+.2f}" for w in row))

# %% [markdown]
# After `backward()`, every entry of `W` holds its own partial derivative in `.grad`. Laid out the
# way `W` is laid out, they form a matrix of the same shape:

# %% [markdown] lang="zh"
# `backward()` 之后，`W` 的每个元素的 `.grad` 里都存着各自的偏导数。把它们按 `W` 的排列方式摆放，就得到一个形状相同的矩阵（左图是 `W`，右图是梯度）：

# %%
def show_matrix(ax, values, title, fmt):
    rows, cols = len(values), len(values[0])
    limit = max(abs(v) for row in values for v in row)
    ax.imshow(values, cmap="coolwarm", vmin=-limit, vmax=limit)
    for i in range(rows):
        for j in range(cols):
            ax.text(j, i, fmt(i, j, values[i][j]), ha="center", va="center", fontsize=9)
    ax.set_xticks(range(cols), [f"j = {j}" for j in range(cols)])
    ax.set_yticks(range(rows), [f"i = {i}" for i in range(rows)])
    ax.set_title(title)


fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3))
show_matrix(left, [[w.data for w in row] for row in W], "W (2 × 3)",
            lambda i, j, v: f"W[{i},{j}]\n{v:+.2f}")
show_matrix(right, [[w.grad for w in row] for row in W], tr("gradient(f)(W) (2 × 3)"),
            lambda i, j, v: f"∂loss/∂W[{i},{j}]\n{v:+.2f}")
plt.show()

# %% [markdown]
# ### Why does the gradient have `W`'s shape? (the notes' TODO)
#
# Because it holds **one number for each number in `W`**, and we keep each number where its
# weight is.
#
# - The loss is a single number. `W` is six numbers.
# - For each of the six, we can ask one question: *if I nudge only this entry, how fast does the
#   loss change, and in which direction?* The answer is one number, the partial derivative
#   ∂loss/∂W[i, j] (偏导数). Six entries, six answers.
# - We could list the six answers in any order, but storing the answer for `W[i, j]` at position
#   `[i, j]` is the arrangement that makes the update one line: `W -= step * gradient` moves every
#   entry by its own answer. Same shape, entry by entry.
#
# The real reason is the many-variable version of notebook 1's formula
# `f(p + eps) ≈ f(p) + a * eps`. Nudge **every** entry of `W` at once, `W[i, j]` by its own small
# `dW[i, j]`; close to `W0` the loss changes by the sum of the six separate effects:
#
# ```
# loss(W0 + dW) ≈ loss(W0) + Σ_ij grad[i, j] · dW[i, j]
# ```
#
# The nudge `dW` has `W`'s shape (it is a change of `W`), and the formula needs **one coefficient
# per entry of `dW`**: that coefficient is `grad[i, j]` = ∂loss/∂W[i, j], the slope (notebook 1's
# `a`) in the direction of that one entry. So the gradient is exactly "the slope", one slope per
# entry, and it has `W`'s shape because it is paired entry by entry with `dW`. (If the weights
# were a 3-D tensor, the gradient would be a 3-D tensor of the same shape for the same reason.)
#
# [Exercise 7](exercises/07_gradient_shape.ipynb) asks you to compute this gradient by hand and
# with the engine, and to explain its shape in your own words; notebook 7 checks the answer with
# PyTorch tensors (`W.grad.shape == W.shape`).
#
# We can check one entry with the naive method of notebook 1 — nudge `W[1,2]` alone:

# %% [markdown] lang="zh"
# ### 梯度为什么和 `W` 的形状相同？（笔记里的 TODO）
#
# 笔记"张量运算的导数"第 4 点写道：
#
# > 假设 $W$ 的当前值为 $W0$。$f$ 在 $W0$ 点的导数是一个张量 $gradient(f)(W0)$，其形状与 $W$ 相同。TODO，导数也是张量且形状与 $W$ 相同的原因是什么？
#
# 简单地说：因为梯度**为 `W` 中的每一个数都准备了一个数**，而我们把每个数放在它所对应的那个权重的位置上。
#
# - 损失是一个数，而 `W` 是六个数。
# - 对这六个数中的每一个，都可以问同一个问题：*如果只微调这一个元素，损失变化得多快？朝哪个方向变？* 答案是一个数，即偏导数 ∂loss/∂W[i, j]。六个元素，六个答案。
# - 这六个答案可以按任何顺序列出来，但把 `W[i, j]` 的答案放在位置 `[i, j]` 上，更新参数就只需要一行：`W -= step * gradient`（`step` 是笔记里的步长，即学习率，第 3 讲细讲），它让每个元素按各自的答案移动。形状相同，逐元素对应。
#
# 更深一层的原因，是第 1 讲公式 `f(p + eps) ≈ f(p) + a * eps` 的多元版本。让 `W` 的**所有**元素同时变化，`W[i, j]` 各自变化一个小量 `dW[i, j]`；在 `W0` 附近，损失的变化等于这六个单独影响之和：
#
# ```
# loss(W0 + dW) ≈ loss(W0) + Σ_ij grad[i, j] · dW[i, j]
# ```
#
# 变化量 `dW` 与 `W` 形状相同（它就是 `W` 的改变量），而这个公式需要**为 `dW` 的每个元素配一个系数**：这个系数就是 `grad[i, j]` = ∂loss/∂W[i, j]，也就是沿着这一个元素方向的斜率（第 1 讲的 `a`）。所以梯度正是"斜率"，每个元素一个斜率；它与 `W` 形状相同，是因为它要和 `dW` 逐元素配对相乘。（如果权重是一个三维张量，出于同样的理由，梯度也是同样形状的三维张量。）
#
# [练习 7](../exercises/07_gradient_shape.ipynb) 要求你分别用手算和用引擎算出这个梯度，并用自己的话解释它的形状；[第 7 讲](07_micrograd_to_pytorch.ipynb)用 PyTorch 的张量验证这个答案（`W.grad.shape == W.shape`）。
#
# 我们可以用第 1 讲的朴素方法检验其中一个元素——只微调 `W[1,2]`：

# %%
def loss_with(i, j, value):
    nudged = [[Value(value if (a, b) == (i, j) else w.data) for b, w in enumerate(row)]
              for a, row in enumerate(W)]
    return f(nudged).data


eps = 1e-6
i, j = 1, 2
estimate = (loss_with(i, j, W[i][j].data + eps) - loss_with(i, j, W[i][j].data - eps)) / (2 * eps)
print(f"nudging W[{i},{j}]: {estimate:+.6f}    backward(): {W[i][j].grad:+.6f}")

# %% [markdown]
# The numbers also have a simple pattern, which the **chain rule** (链式法则) explains. A preview,
# in one paragraph (notebook 5 treats it fully): when a quantity is computed in stages, its
# derivative is the product of the derivatives of the stages. Here `W[i, j]` changes `y_pred[i]`
# at the rate `x[j]` (because `y_pred[i] = Σ_j W[i, j] · x[j]`), and `y_pred[i]` changes the loss
# at the rate `2 · error[i]`, with `error[i] = y_pred[i] - y[i]` (the derivative of `error²`). So
# `∂loss/∂W[i, j] = 2 · error[i] · x[j]`: row `i` of the gradient is the error of output `i` times
# the input. (An "outer product" of the error vector and `x` — which is what a tensor library
# computes in one operation; notebook 7 shows it in PyTorch.) `backward()` applies exactly this
# rule, stage by stage, to any computation: notebook 5 shows how.

# %% [markdown] lang="zh"
# 这些数还有一个简单的规律，可以用**链式法则**（chain rule，见笔记"链式求导：反向传播算法"一节）解释。这里先用一段话预告一下（[第 5 讲](05_chain_rule.ipynb)会完整地讲）：一个量如果是分几步算出来的，它的导数就等于每一步的导数相乘。在这里，`y_pred[i]` 对 `W[i, j]` 的导数是 `x[j]`（因为 `y_pred[i] = Σ_j W[i, j] · x[j]`），而损失对 `y_pred[i]` 的导数是 `2 · error[i]`，其中 `error[i] = y_pred[i] - y[i]`（`error²` 的导数是 `2 · error`）。所以 `∂loss/∂W[i, j] = 2 · error[i] · x[j]`：梯度的第 `i` 行等于第 `i` 个输出的 `2 · error[i]` 乘以输入 `x`。（由两个向量 `u`、`v` 构成、第 `[i, j]` 个元素为 `u[i] · v[j]` 的矩阵，叫作它们的外积（outer product）；梯度就是向量 `2 · error` 与 `x` 的外积，张量库用一次运算就能算出来；第 7 讲会在 PyTorch 中演示。）`backward()` 做的正是这件事：对任何计算，一步一步地应用这条法则。第 5 讲会讲它是怎么做到的。

# %%
y_pred = [sum(w.data * xj for w, xj in zip(row, x)) for row in W]
error = [p - t for p, t in zip(y_pred, y)]
for i, row in enumerate(W):
    by_formula = [2 * error[i] * xj for xj in x]
    print(f"row {i}: 2·error·x = {[round(v, 4) for v in by_formula]}   "
          f".grad = {[round(w.grad, 4) for w in row]}")

# %% [markdown]
# And the gradient points **uphill**: a small step *against* it lowers the loss.

# %% [markdown] lang="zh"
# 而且梯度指向**上坡**方向：*逆着*梯度走一小步，损失就会下降。

# %%
step = 0.05
stepped = [[Value(w.data - step * w.grad) for w in row] for row in W]
print(f"loss before: {loss_value.data:.4f}   after W -= {step} * gradient: {f(stepped).data:.4f}")

# %% [markdown]
# ## Slope is not curvature (斜率 ≠ 曲率)
#
# The notes (point 6) say the gradient "can be seen as a tensor describing the **curvature**
# (曲率) of f(W) around W0". That wording is the book's own: *Deep Learning with Python* (first
# edition), which the notes follow, says "the tensor describing the curvature of f(W) around W0",
# and the notes copy it faithfully. The book uses "curvature" loosely, for the shape of the
# surface near `W0`. In the usual mathematical sense the gradient is the **slope**, and curvature
# is something else: for a function of one variable,
#
# | | what it is | what it tells you |
# |---|---|---|
# | `f′(x)`, the first derivative | the **slope** (斜率) | which way is uphill, and how steep |
# | `f″(x)`, the second derivative | the **curvature** (曲率) | how fast the slope itself changes: bowl-shaped (f″ > 0), dome-shaped (f″ < 0) |
#
# Why is the gradient the slope? Because it is the many-variable version of the *first*
# derivative: its entries are the slopes along each entry of `W` (the formula
# `loss(W0 + dW) ≈ loss(W0) + Σ grad[i, j] · dW[i, j]` above), so it describes the **tilt** of
# the surface at `W0`: it points in the direction of steepest ascent and its length is the
# steepness. It says nothing about how that tilt changes as you move, which is what curvature
# measures. The many-variable version of curvature is a
# *matrix* of second derivatives (the Hessian), one per **pair** of parameters.
#
# The engine can compute both. `micrograd.grad(y, [x])` returns the derivatives of `y` with respect
# to the inputs as a tuple, without touching any `.grad`. By default they are plain floats; with
# `create_graph=True` they are **Values** with a graph of their own, so we can differentiate them
# again (hence `slope.data` below, but `curvature` is already a float):

# %% [markdown] lang="zh"
# ## 斜率 ≠ 曲率
#
# 笔记"张量运算的导数"第 6 点写道：
#
# > 前面已经看到，单变量函数 $f(x)$ 的导数可以看作函数 $f$ 曲线的斜率。同样，$gradient(f)(W0)$ 也可以看作表示 $f(W)$ 在 $W0$ 附近**曲率**（curvature）的张量。
#
# 这句话不是笔记的笔误，而是如实照录了笔记所依据的那本书——《Python 深度学习》（*Deep Learning with Python*，第一版）——的原文，英文原句是"the tensor describing the curvature of f(W) around W0"。书里的"curvature"用得比较宽泛，泛指曲面在 `W0` 附近的形状。按通常的数学含义，梯度是**斜率**，曲率则是另一回事。对单变量函数来说：
#
# | | 是什么 | 告诉你什么 |
# |---|---|---|
# | `f′(x)`，一阶导数 | **斜率**（slope） | 哪个方向是上坡，坡有多陡 |
# | `f″(x)`，二阶导数 | **曲率**（curvature） | 斜率本身变化得多快：像碗一样向上弯（f″ > 0），还是像拱顶一样向下弯（f″ < 0） |
#
# 为什么梯度是斜率？因为它是*一阶*导数的多元版本：它的各个元素就是沿 `W` 各个元素方向的斜率（见上面的公式 `loss(W0 + dW) ≈ loss(W0) + Σ grad[i, j] · dW[i, j]`），所以它描述的是曲面在 `W0` 处的**倾斜**：它指向上升最快的方向，它的长度就是那个方向上的陡峭程度。至于你移动之后倾斜会怎样变化，它什么也没说，而那恰恰是曲率要度量的。曲率的多元版本是一个由二阶导数组成的*矩阵*，叫作海森矩阵（Hessian），每**一对**参数对应其中一个元素。
#
# 引擎能把两者都算出来。`micrograd.grad(y, [x])` 以元组的形式返回 `y` 对各个输入的导数，并且不改动任何 `.grad`。默认情况下返回的是普通浮点数；加上 `create_graph=True`，返回的就是带有自己的计算图（computation graph，即"这个值是怎样算出来的"那份记录）的 **Value**，于是可以再对它求一次导（所以下面写 `slope.data`，而 `curvature` 本身已经是浮点数）。下面的函数是 `x⁴ + x² − 2x`（代码里叫 `g`，图和正文里写作 `f`），我们在 `x = 1.5` 处求它的斜率和曲率，并与手算结果比较：

# %%
def g(x):
    return x**4 + x**2 - 2 * x


x0 = Value(1.5)
(slope,) = micrograd.grad(g(x0), [x0], create_graph=True)  # f'(x) = 4x³ + 2x - 2
(curvature,) = micrograd.grad(slope, [x0])  # f''(x) = 12x² + 2
print(f"at x = 1.5:  slope f'(x) = {slope.data}  (by hand {4 * 1.5**3 + 2 * 1.5 - 2})")
print(f"             curvature f''(x) = {curvature}  (by hand {12 * 1.5**2 + 2})")

# %%
xs = [i / 50 for i in range(-75, 101)]
values, slopes, curvatures = [], [], []
for v in xs:
    xv = Value(v)
    y_v = g(xv)
    (d1,) = micrograd.grad(y_v, [xv], create_graph=True)
    (d2,) = micrograd.grad(d1, [xv])
    values.append(y_v.data)
    slopes.append(d1.data)
    curvatures.append(d2)

fig, axes = plt.subplots(1, 3, figsize=(12, 3.3), sharex=True)
for ax, ys, title in zip(
    axes,
    [values, slopes, curvatures],
    ["f(x) = x⁴ + x² − 2x", tr("f′(x): the slope — the gradient"), tr("f″(x): the curvature")],
):
    ax.plot(xs, ys)
    ax.axhline(0, color="gray", linewidth=0.7)
    ax.set_title(title)
    ax.set_xlabel("x")
fig.tight_layout()
plt.show()

# %% [markdown]
# Where `f′` crosses zero, `f` has its minimum. `f″ = 12x² + 2` is positive everywhere: the curve
# bends upward everywhere, like a bowl. It is smallest at `x = 0`, where the curve bends least
# (there the slope `f′` changes slowly: its graph is flattest), and grows towards both ends, where
# the curve bends more and more sharply upward.
#
# (A footnote for the mathematically minded: in geometry, the curvature of a curve is
# `f″ / (1 + f′²)^(3/2)`, which also depends on the slope. In optimisation, "curvature" loosely
# means the second derivative `f″` itself, or the Hessian matrix for many variables, and that is
# how we use the word here.)
#
# ### A gradient step and a Newton step
#
# Gradient descent uses only the slope: `x ← x − lr · f′(x)`. It needs a learning rate (学习率)
# `lr`, and it takes small steps where the curve is flat and large ones where it is steep.
#
# Newton's method also uses the curvature: it fits a parabola with the same slope and curvature at
# `x`, and jumps to that parabola's bottom: `x ← x − f′(x) / f″(x)`. No learning rate, and close to
# the minimum it converges extremely fast.

# %% [markdown] lang="zh"
# 在 `f′` 等于零（图像穿过横轴）的地方，`f` 取得最小值。`f″ = 12x² + 2` 处处为正：曲线处处向上弯，像一只碗。它在 `x = 0` 处最小，曲线在那里弯得最缓（斜率 `f′` 在那里变化得最慢：`f′` 的图像在那里最平）；往两端越来越大，曲线也向上弯得越来越急。
#
# （给喜欢数学的读者的注解：在几何中，曲线的曲率是 `f″ / (1 + f′²)^(3/2)`，它也与斜率有关。在优化领域，"曲率"通常宽泛地指二阶导数 `f″` 本身，多元时则指海森矩阵；本课程就是在这个意义上使用这个词的。）
#
# ### 梯度下降的一步与牛顿法的一步
#
# 梯度下降只用斜率：`x ← x − lr · f′(x)`。它需要一个学习率（learning rate）`lr`；在平缓处它迈小步，在陡峭处它迈大步。
#
# 牛顿法（Newton's method）还用到曲率：它在 `x` 处作一条与曲线斜率相同、曲率也相同的抛物线，然后直接跳到这条抛物线的最低点：`x ← x − f′(x) / f″(x)`。它不需要学习率，而且在最小值附近收敛得极快。下面两种方法都从 `x = 1.8` 出发，各走 8 步，梯度下降的学习率取 0.03：

# %%
def derivatives(v):
    xv = Value(v)
    (d1,) = micrograd.grad(g(xv), [xv], create_graph=True)
    (d2,) = micrograd.grad(d1, [xv])
    return d1.data, d2


paths = {N_("gradient step, lr = 0.03"): [1.8], N_("Newton step"): [1.8]}  # N_: translated in the legend
for _ in range(8):
    d1, _d2 = derivatives(paths["gradient step, lr = 0.03"][-1])
    paths["gradient step, lr = 0.03"].append(paths["gradient step, lr = 0.03"][-1] - 0.03 * d1)
    d1, d2 = derivatives(paths["Newton step"][-1])
    paths["Newton step"].append(paths["Newton step"][-1] - d1 / d2)

minimum = paths["Newton step"][-1]
fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
left.plot(xs, values, color="gray")
for (name, path), marker in zip(paths.items(), ["o", "s"]):
    left.plot(path, [g(v) for v in path], marker + "-", label=tr(name), alpha=0.8)
    right.semilogy([abs(v - minimum) + 1e-17 for v in path], marker + "-", label=tr(name))
left.set_xlim(0, 2)
left.set_ylim(-1.5, 12)
left.set_title(tr("8 steps from x = 1.8"))
left.legend()
right.set_xlabel(tr("step"))
right.set_ylabel(tr("distance to the minimum"))
right.set_title(tr("Newton converges in a handful of steps"))
right.legend()
fig.tight_layout()
plt.show()
for name, path in paths.items():
    print(f"{name:26s}", "  ".join(f"{v:.5f}" for v in path[:6]), "...")

# %% [markdown]
# So why do networks use gradient steps and not Newton steps? Because the curvature of a loss with
# `N` parameters is an `N × N` matrix: for a network with a million weights, a million million
# numbers, and Newton's step needs to solve a linear system with it. The gradient has only `N`
# numbers and one backward pass computes all of them. The optimizers of notebook 4 (momentum,
# RMSprop, Adam) are cheap ways of getting some of what curvature offers — larger steps along flat
# directions, smaller ones along steep ones — from gradients alone.

# %% [markdown] lang="zh"
# 那么，神经网络为什么用梯度下降而不用牛顿法？因为一个有 `N` 个参数的损失，其曲率是一个 `N × N` 的矩阵：对于一个有一百万个权重的网络，那就是一万亿个数，而牛顿法的每一步还要用这个矩阵解一个线性方程组。梯度只有 `N` 个数，一次反向传播就能全部算出。第 4 讲的各种优化器（optimizer，即决定每一步怎样更新参数的方法：动量、RMSprop、Adam 等）都是只用梯度、以低廉的代价获得曲率的一部分好处的方法：在平缓的方向上迈大步，在陡峭的方向上迈小步。

# %% [markdown]
# ## Try it
#
# 1. Change `x` or `y` and predict, before running, the sign of each entry of the gradient using
#    `∂loss/∂W[i, j] = 2 · error[i] · x[j]`.
# 2. Make `W` 3 × 3 (add a row and an entry to `y`). What shape is the gradient now, and why?
# 3. Start the two methods at `x = -0.5` or use `lr = 0.2`. When does the gradient step overshoot?
#    Then replace `g` by notebook 4's double well, `x**4 / 4 - x**2 + 0.3 * x`, whose `f″ = 3x² − 2`
#    is zero at `x ≈ ±0.82` (inflection points, 拐点). Start Newton's method at `x = 0.7` or
#    `x = 0.8`: what does it do when `f″(x)` is close to zero, or negative?

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 修改 `x` 或 `y`，在运行之前先用 `∂loss/∂W[i, j] = 2 · error[i] · x[j]` 预测梯度每个元素的正负号。
# 2. 把 `W` 改成 3 × 3（加一行，`y` 也加一个元素）。梯度现在是什么形状？为什么？
# 3. 让两种方法从 `x = -0.5` 出发，或者改用 `lr = 0.2`。梯度下降在什么时候会冲过头？然后把 `g` 换成第 4 讲的双谷函数 `x**4 / 4 - x**2 + 0.3 * x`，它的 `f″ = 3x² − 2` 在 `x ≈ ±0.82` 处为零（这两点是拐点，inflection point）。让牛顿法从 `x = 0.7` 或 `x = 0.8` 出发：当 `f″(x)` 接近零或为负时，它会怎样？

# %% [markdown] lang="zh"
# ## 小结
#
# - 损失 `loss_value = f(W)` 是一个数；梯度为 `W` 的每个元素给出一个偏导数 ∂loss/∂W[i, j]，按 `W` 的排列摆放，所以和 `W` 形状相同。
# - 形状相同的根本原因：`loss(W0 + dW) ≈ loss(W0) + Σ_ij grad[i, j] · dW[i, j]`，梯度要和变化量 `dW` 逐元素配对，更新也因此只需一行 `W -= step * gradient`。
# - 梯度指向上坡方向；逆着梯度走一小步，损失下降（本讲的例子中从 7.25 降到 1.16）。
# - 梯度是斜率（一阶导数），不是通常意义下的曲率；曲率是二阶导数，多元时是海森矩阵。笔记里的"曲率"一词来自原书，是宽泛的用法。
# - 牛顿法同时用斜率和曲率，收敛极快，但对有 `N` 个参数的网络要处理 `N × N` 的矩阵，所以神经网络用的是梯度下降。
