# %% [markdown]
# # 5. The chain rule and backpropagation (链式法则, 反向传播)
#
# **What you will learn**
#
# - how the notes' network `f(W1, W2, W3) = a(W1, b(W2, c(W3)))` becomes a computation graph
#   (计算图) of Values;
# - the chain rule (链式法则) `(f(g(x)))' = f'(g(x)) · g'(x)` applied by hand, link by link, and
#   the same numbers from the engine's `backward()`: backpropagation (反向传播), which is
#   **reverse-mode differentiation** (反向模式微分; the notes write 反式微分);
# - how the backward pass visits the graph, one node at a time (the step-through widget), and
#   where each gradient comes from (the `explain` ledger);
# - why the engine needs a **topological order** and `+=`: what goes wrong on a node that is
#   used twice if you leave either out.
#
# Notebooks 2 and 3 already used the chain rule in passing; here it gets its full treatment.
# Terms in English and Chinese: the [glossary](../docs/glossary.md).

# %% [markdown] lang="zh"
# # 5. 链式求导与反向传播
#
# **本讲内容**
#
# - 笔记里的网络 `f(W1, W2, W3) = a(W1, b(W2, c(W3)))` 怎样变成一张由 Value 组成的**计算图**（computation graph）；
# - **链式法则**（chain rule）`(f(g(x)))' = f'(g(x)) · g'(x)`：先一环一环地手算，再看引擎的 `backward()` 算出同样的数。这就是**反向传播**（backpropagation），也就是笔记里说的**反式微分**（reverse-mode differentiation，也常译作“反向模式自动微分”）；
# - 反向传播怎样一个节点一个节点地走遍整张图（逐步演示控件），以及每个梯度从哪里来（`explain` 给出的明细）；
# - 为什么引擎需要**拓扑排序**（topological order）和 `+=`：少了其中任何一个，一个被用了两次的节点会出什么错。
#
# 第 2、3 本笔记本已经顺带用过链式法则，这里把它完整地讲一遍。中英文术语对照见[术语表](../../docs/glossary.md)。

# %%
from micrograd import Value, topological_order
from micrograd.draw import draw_dot
from micrograd import explain
from micrograd.stepper import (
    backward_steps,
    export_html,
    frame_graph,
    record_backward,
    step_through,
)

# %% [markdown]
# ## The notes' network as a graph
#
# The notes' example has three operations `a`, `b`, `c` and three weights `W1`, `W2`, `W3`:
#
# ```
# f(W1, W2, W3) = a(W1, b(W2, c(W3)))
# ```
#
# To draw it we make each weight a single number (a 1 × 1 matrix) and pick three simple
# operations, each like a tiny layer: `c` multiplies the input `x` by `W3` and applies `tanh`,
# `b` does the same with `W2`, and `a` multiplies by `W1`.
#
# `tanh` (the hyperbolic tangent, 双曲正切) is a common activation function: an S-shaped curve
# `tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)` that squashes any number into (−1, 1), close to `z` itself
# for small `z`. Its derivative has a handy form in terms of its own value:
# `d/dz tanh(z) = 1 − tanh²(z)`.

# %% [markdown] lang="zh"
# ## 把笔记里的网络画成图
#
# 笔记“链式求导：反向传播算法”第 2 点的例子有 3 个运算 `a`、`b`、`c` 和 3 个权重 `W1`、`W2`、`W3`：
#
# ```
# f(W1, W2, W3) = a(W1, b(W2, c(W3)))
# ```
#
# 为了把它画出来，我们让每个权重都只是一个数（1 × 1 的矩阵），再选三个简单的运算，每个都像一个微型的网络层：`c` 把输入 `x` 乘以 `W3`，再取 `tanh`；`b` 对 `W2` 做同样的事（乘以 `W2`，再取 `tanh`）；`a` 只乘以 `W1`。
#
# `tanh`（双曲正切，hyperbolic tangent）是一种常用的**激活函数**（activation function，即神经网络在每层的乘法、加法之后套上的一个非线性函数）。它是一条 S 形曲线 `tanh(z) = (eᶻ − e⁻ᶻ) / (eᶻ + e⁻ᶻ)`，把任何数压到 (−1, 1) 之间，`z` 很小时近似等于 `z` 本身。它的导数可以方便地用它自己的值写出来：`d/dz tanh(z) = 1 − tanh²(z)`。

# %%
x = Value(0.5, label="x")  # the input: fixed data, not a weight
W1, W2, W3 = Value(2.0, label="W1"), Value(-1.5, label="W2"), Value(0.8, label="W3")


def c(W3):
    return (W3 * x).tanh()


def b(W2, u):
    return (W2 * u).tanh()


def a(W1, v):
    return W1 * v


u = c(W3)
u.label = "u"
v = b(W2, u)
v.label = "v"
f = a(W1, v)
f.label = "f"
print(f"u = {u.data:.4f}, v = {v.data:.4f}, f = {f.data:.4f}")
# warn_no_backward=False: draw_dot normally warns when every gradient is 0 (usually a forgotten
# backward()); here we have not run backward() yet on purpose.
draw_dot(f, params=[W1, W2, W3], warn_no_backward=False)

# %% [markdown]
# Read it from left to right: that is the forward pass (前向传播). Each box is a Value (label,
# data, grad — all grads still 0), each oval the operation that made the box to its right.
#
# ## The chain rule by hand
#
# How does `f` change when `W3` changes? `W3` reaches `f` through a chain: `W3 → W3·x → u → W2·u →
# v → f`. The chain rule says: multiply the local derivatives along the chain. Each one is
# simple, using `d/dz tanh(z) = 1 − tanh²(z)` and the fact that `v` and `u` *are* the tanh values:
#
# | link | local derivative |
# |---|---|
# | `f = W1 · v` | ∂f/∂v = `W1` |
# | `v = tanh(W2 · u)` | ∂v/∂u = `(1 − tanh²(W2 · u)) · W2 = (1 − v²) · W2` |
# | `u = tanh(W3 · x)` | ∂u/∂W3 = `(1 − tanh²(W3 · x)) · x = (1 − u²) · x` |

# %% [markdown] lang="zh"
# 从左往右读，就是**前向传播**（forward pass）。每个方框是一个 Value（依次是标签 label、数值 data、梯度 grad——此时所有梯度都还是 0），每个椭圆是一个运算，它算出紧挨在它右边的那个方框。
#
# ## 手算链式法则
#
# `W3` 变化时，`f` 怎样变化？`W3` 通过一条链影响到 `f`：`W3 → W3·x → u → W2·u → v → f`。链式法则说：把链上每一环的**局部导数**（local derivative：一个运算的输出对它某个直接输入的导数，只看这一环，不管整条链）乘起来。每一环都很简单，只用到 `d/dz tanh(z) = 1 − tanh²(z)`，以及 `v` 和 `u` *本身就是* tanh 的值这一点：
#
# | 环节 | 局部导数 |
# |---|---|
# | `f = W1 · v` | ∂f/∂v = `W1` |
# | `v = tanh(W2 · u)` | ∂v/∂u = `(1 − tanh²(W2 · u)) · W2 = (1 − v²) · W2` |
# | `u = tanh(W3 · x)` | ∂u/∂W3 = `(1 − tanh²(W3 · x)) · x = (1 − u²) · x` |

# %%
df_dv = W1.data
dv_du = (1 - v.data**2) * W2.data
du_dW3 = (1 - u.data**2) * x.data
by_hand = {
    "W1": v.data,  # f = W1 · v, so ∂f/∂W1 = v
    "W2": df_dv * (1 - v.data**2) * u.data,  # ∂v/∂W2 = (1 − v²) · u
    "W3": df_dv * dv_du * du_dW3,
}
for name, value in by_hand.items():
    print(f"∂f/∂{name} by hand = {value:+.6f}")

# %% [markdown]
# ## The same by the engine
#
# `backward()` does exactly these multiplications, starting from `f` (∂f/∂f = 1) and moving right
# to left. The graph now shows every gradient:

# %% [markdown] lang="zh"
# ## 引擎算出的结果
#
# `backward()` 做的正是这些乘法：从 `f` 出发（∂f/∂f = 1），从右往左。现在图上显示出了每个梯度：

# %%
f.backward()
for w in (W1, W2, W3):
    print(f"∂f/∂{w.label} by backward() = {w.grad:+.6f}   matches by hand: "
          f"{abs(w.grad - by_hand[w.label]) < 1e-12}")
draw_dot(f, params=[W1, W2, W3])

# %% [markdown]
# Notice the order: to know ∂f/∂W3 we needed ∂f/∂u first, and for that ∂f/∂v. The backward pass
# (反向传播) reuses each of those intermediate results for everything further left. That reuse is
# why one backward pass costs about as much as one forward pass, however many weights there are
# (notebook 1).
#
# ## Step through the backward pass
#
# In Jupyter, this widget shows the pass one node at a time: Previous/Next (or the slider) move
# between steps, and the gradients known so far are filled in. Two outlines:
#
# - **red**: the current node, the one whose gradient is being passed back in this step;
# - **blue**: its parents, the nodes that **receive a share** of that gradient in this step
#   (each receives `local derivative × the current node's gradient`, added with `+=`).
#
# The widget needs a running kernel. On the web page of this notebook it is not live and shows
# nothing, and in a saved notebook that you reopen, the cell shows **"Error displaying widget:
# model not found"** until you run it again (standard ipywidgets behaviour: the widget lives in
# the kernel, which a reopened notebook does not have yet). Run the cells above it and this one,
# and it comes back. Right below it is a static picture of one of its frames, for readers of the
# saved notebook, and further down the text of every frame.

# %% [markdown] lang="zh"
# 注意顺序：要得到 ∂f/∂W3，先要有 ∂f/∂u，而要得到 ∂f/∂u，又先要有 ∂f/∂v。反向传播把这些中间结果重复用于它们左边的所有计算。正因为有这种复用，不管有多少个权重，一次反向传播的代价都和一次前向传播差不多（见[第 1 本笔记本](01_derivatives.ipynb)）。
#
# ## 一步一步看反向传播
#
# 在 Jupyter 里，下面这个控件（widget）一次展示反向传播中的一个节点：用 Previous/Next 按钮（或滑块）在各步之间切换，已经算出的梯度会逐步填进图里。图中有两种描边：
#
# - **红色**：当前节点，即这一步要把自己的梯度往回传的那个节点；
# - **蓝色**：它的父节点（parents，即直接用来算出它的那些 Value；这里的“父”指“来源”，比如 `v` 由 `W2 · u` 算出，`W2 · u` 就是 `v` 的父节点），也就是在这一步中**分到一份**梯度的节点（每个父节点分到 `局部导数 × 当前节点的梯度`，用 `+=` 加到自己的梯度上）。
#
# 这个控件需要一个正在运行的内核（kernel）。在本笔记本的网页版上它不会动，什么也不显示；在重新打开的已保存笔记本里，这个单元格会显示 **"Error displaying widget: model not found"**，直到你再运行一次（这是 ipywidgets 的正常行为：控件活在内核里，而刚打开的笔记本还没有内核里的这些对象）。把它上面的单元格和这一个运行一遍，控件就回来了。紧接着下面是它某一帧的静态图，给阅读已保存笔记本的人看；再往下是每一帧的文字说明。

# %%
for leaf in (x, W1, W2, W3):
    leaf.grad = 0.0  # leaves accumulate across backward passes (like PyTorch): start from zero
step_through(f, params=[W1, W2, W3])

# %% [markdown]
# What the widget shows after one press of Next (frame 1), drawn once: `f` (outlined in red) has
# passed its gradient to its two inputs, `W1` and `v` (outlined in blue).

# %% [markdown] lang="zh"
# 按一次 Next 之后（第 1 帧）控件显示的内容，这里静态地画一次：`f`（红色描边）已经把梯度传给了它的两个输入 `W1` 和 `v`（蓝色描边）。
#
# 图下面打印出每一帧的文字说明（输出是英文）。每一步（step）写明：哪个节点把梯度往回传（`op` 是算出它的运算，`data` 是它的值），传给了哪个输入（to …），这条边的局部导数（local derivative）是多少，加上了多少（adds …），以及那个输入的 grad 从多少变成多少（`0 -> …`）。

# %%
from IPython.display import HTML

# frame_graph marks the parents receiving a share with the SVG class "mg_receiving";
# the widget colours them with this style rule, and so do we here.
RECEIVING_STYLE = "<style>g.mg_receiving polygon { stroke: #1f77b4; stroke-width: 3; }</style>"


def show_frame(trace, frame):
    """One frame of the step-through as a picture, red and blue outlines as in the widget."""
    svg = frame_graph(trace, frame, params=[W1, W2, W3])._repr_image_svg_xml()
    return HTML(RECEIVING_STYLE + svg)


trace = record_backward(f)  # every frame of the pass, recorded without touching any .grad
show_frame(trace, 1)

# %%
print(f"{len(trace)} steps. What each one does:\n")
for frame in range(len(trace) + 1):
    print(trace.frame_text(frame), "\n")

# %% [markdown]
# Outside Jupyter — to project in class, or to send to students without Python — the same frames
# go into one self-contained HTML page (inline SVG and a few lines of JavaScript, no network):

# %% [markdown] lang="zh"
# 不在 Jupyter 里的时候——比如在课堂上投影，或者发给没有装 Python 的学生——同样的各帧可以放进一个独立的 HTML 网页（内嵌 SVG 图和几行 JavaScript，不需要联网）：

# %%
page = export_html(f, "steps.html", title="f = a(W1, b(W2, c(W3)))", params=[W1, W2, W3])
print(f"wrote {page} ({page.stat().st_size // 1024} KB): open it in any browser, press Next")

# %% [markdown]
# (`micrograd graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 --html steps.html` does the same from the
# command line for any formula.)
#
# Frame 2 as a picture: `v` (outlined in red) has passed its gradient back through `tanh` to the
# product `W2 · u` (outlined in blue), whose gradient is printed below; `W2` and `u` receive
# theirs in the next step.

# %% [markdown] lang="zh"
# （命令 `micrograd graph "tanh(x*w + b)" --at x=2 w=-3 b=6.88 --html steps.html` 可以在命令行里对任意公式做同样的事。）
#
# 第 2 帧的静态图：`v`（红色描边）通过 `tanh` 把梯度传回给乘积 `W2 · u`（蓝色描边），`W2 · u` 得到的梯度打印在下面；`W2` 和 `u` 要到下一步才收到各自的那一份。

# %%
print(trace.frame_text(2))
show_frame(trace, 2)

# %% [markdown]
# You can also run the real backward pass one step at a time with `backward_steps(f)`, a
# **generator**: a function that hands out its results one at a time, when asked, instead of
# computing them all first. A `for` loop asks for the next one at each turn (so does `next(...)`);
# the generator then runs until its next result, pauses, and hands it over. Here each result is
# one step of the pass, applied to the `.grad` fields just before it is handed out. When the
# generator is exhausted the gradients are exactly those `f.backward()` leaves.

# %% [markdown] lang="zh"
# 也可以用 `backward_steps(f)` 一步一步地运行真正的反向传播。它是一个**生成器**（generator）：一种在被要求时才把结果一个一个交出来、而不是先把所有结果都算好的函数。`for` 循环每转一圈就要一个结果（`next(...)` 也是）；生成器于是运行到下一个结果为止，暂停，把结果交出来。这里每个结果是反向传播的一步，在交出之前，这一步已经作用到各个 `.grad` 上了。生成器全部交完时，各个梯度恰好就是 `f.backward()` 算出的那些。

# %%
for step in backward_steps(f):
    print(step.describe(trace.names))

# %% [markdown]
# ## Where a gradient comes from: the ledger
#
# `explain(W3, f)` lists every path from `f` back to `W3`, the local derivative on each edge, and
# the product along the path. The gradient is the **sum** of those products — here there is only
# one path, so it is just the chain rule's product.

# %% [markdown] lang="zh"
# ## 梯度从哪里来：`explain` 给出的明细
#
# `explain(W3, f)` 列出从 `f` 回到 `W3` 的每一条路径、每条边上的局部导数，以及沿这条路径的乘积。梯度是这些乘积的**和**——这里只有一条路径，所以就是链式法则的那个乘积。输出里每条路径写成 `f --[* 2]--> v --[tanh 0.7345]--> …` 的样子：方括号里是这条边上的运算和它的局部导数；product 一列是这些局部导数的乘积，表格底部的 sum 是所有路径的乘积之和。

# %%
explain(W3, f)

# %% [markdown]
# ## Why a topological order, and why `+=`
#
# In the notes' chain every value is used once. Real networks reuse values: a weight is used for
# every sample of a batch, a hidden unit feeds every unit of the next layer. Take a node `h`
# used **twice**:
#
# ```
# h = 3 · x          (h depends on x)
# g = h + 1          (g uses h)
# out = h · g        (out uses h again, and g)
# ```
#
# `out = 3x · (3x + 1)`, so by hand `d out/dx = 18x + 3`, which is 39 at `x = 2`.

# %% [markdown] lang="zh"
# ## 为什么要拓扑排序，为什么要 `+=`
#
# 笔记的链条里，每个值只被用了一次。真实的网络会重复使用值：一个权重要用于一个批量中的每个样本；一层网络算出的每个值，要送给下一层里的每个神经元（neuron）。来看一个被用了**两次**的节点 `h`：
#
# ```
# h = 3 · x          （h 依赖于 x）
# g = h + 1          （g 用到 h）
# out = h · g        （out 又用到 h，还用到 g）
# ```
#
# `out = 3x · (3x + 1)`，所以手算得 `d out/dx = 18x + 3`，在 `x = 2` 处等于 39。

# %%
def reused_graph():
    x = Value(2.0, label="x")
    h = 3 * x
    h.label = "h"
    g = h + 1
    g.label = "g"
    out = h * g
    out.label = "out"
    return x, h, g, out


x2, h, g, out = reused_graph()
out.backward()
print("backward():", x2.grad, "   by hand: 18x + 3 =", 18 * x2.data + 3)
explain(x2, out)

# %% [markdown]
# Two paths lead from `out` to `x` (directly through `h`, and through `g` then `h`), and `x.grad`
# is the sum of their products. Now two naive ways to write backpropagation, both wrong.
#
# To write a backward pass of our own we need two attributes that every Value has (the engine's
# record of how it was computed):
#
# - `node.parents`: the Values it was computed from, in operand order (for `out = h * g`: `(h, g)`;
#   empty for a leaf such as `x`);
# - `node.local_grads`: the local derivative of `node` with respect to each parent, computed during
#   the forward pass (for `out = h * g`: `(g.data, h.data)`, since ∂out/∂h = g and ∂out/∂g = h).
#
# The chain rule then says: a parent receives `local · (the node's gradient)`.

# %% [markdown] lang="zh"
# 从 `out` 到 `x` 有两条路径（直接经过 `h`；先经过 `g`，再经过 `h`），`x.grad` 是两条路径上乘积的和。下面看两种朴素的反向传播写法，它们都是错的。
#
# 要自己写反向传播，需要用到每个 Value 都有的两个属性（引擎记下的“它是怎样算出来的”）：
#
# - `node.parents`：算出它的那些 Value（它的父节点），按运算中操作数的顺序排列（对 `out = h * g` 是 `(h, g)`；对 `x` 这样的**叶子节点**（leaf node，由你直接创建、而不是由运算得到的 Value）则是空的）；
# - `node.local_grads`：`node` 对每个父节点的局部导数，在前向传播时就已经算好（对 `out = h * g` 是 `(g.data, h.data)`，因为 ∂out/∂h = g，∂out/∂g = h）。
#
# 于是链式法则就是：每个父节点收到 `局部导数 · （这个节点的梯度）`。

# %%
x2, h, g, out = reused_graph()
print("out.parents    :", [p.label for p in out.parents])
print("out.local_grads:", out.local_grads, "  (= g.data, h.data)")

# %% [markdown]
# **Mistake 1: `=` instead of `+=`.** A *recursive* function (递归) is one that calls itself:
# `naive_backward(node)` handles `node`, then calls `naive_backward` on each of its parents, which
# call it on theirs, and so on down to the leaves. Python keeps every call that has not finished
# yet on its **call stack** (调用栈), a pile where the newest call sits on top and finishes first.
# Here is a recursive backward pass that *sets* each node's gradient:

# %% [markdown] lang="zh"
# **错误 1：用 `=` 而不是 `+=`。** **递归函数**（recursive function）是调用自己的函数：`naive_backward(node)` 处理完 `node`，再对它的每个父节点调用 `naive_backward`，这些调用又对各自的父节点调用它，如此一直到叶子节点。Python 把所有还没结束的调用放在**调用栈**（call stack）上：这是一摞调用，最新的放在最上面，也最先结束。下面是一个*设置*（而不是累加）每个节点梯度的递归反向传播：

# %%
def naive_backward(node, upstream=1.0):
    node.grad = upstream  # "=": forgets what other uses of this node passed back
    for parent, local in zip(node.parents, node.local_grads):
        naive_backward(parent, local * upstream)


x2, h, g, out = reused_graph()
naive_backward(out)
print("naive recursion with '=':", x2.grad, "  (correct: 39.0)")

# %% [markdown]
# `h` is reached twice; the second visit overwrote the first, so one path's contribution is lost.
# With `+=` every use adds its part, and the recursion gives the right answer here — but it walks
# every *path* separately: it is called once for every path from `out` to each node, and the
# number of paths doubles with each reused node. How many calls is that on a chain of such
# diamonds? We can count the paths without making the calls (each node is reached by as many paths
# as all its users together), and check the count against real calls on a short chain:
#

# %% [markdown] lang="zh"
# `h` 被访问了两次，第二次覆盖了第一次，所以有一条路径的贡献丢了。改成 `+=` 后，每次使用都会加上自己的那一份，这里的递归就能给出正确答案——但它是把每条*路径*分开走一遍：从 `out` 到一个节点有多少条路径，这个节点就被调用多少次；而每多一个被重复使用的节点，路径数就翻一倍。上面 `h` 分成两路（直接到 `out`，以及经过 `g` 到 `out`）再汇合，画出来像一个菱形（diamond）。把这样的菱形一个接一个串成一条链，递归要调用多少次？不必真的去调用就能数出路径数（到达一个节点的路径数，等于到达所有使用它的节点的路径数之和），再在一条短链上用真实的调用核对这个计数：

# %%
def diamond_chain(n):
    """n copies of this notebook's diamond in a row: h = 3·x, then out = h·(h + 1), n times."""
    node = Value(0.0)  # the values stay 0: only the shape of the graph matters here
    for _ in range(n):
        h = 3 * node
        node = h * (h + 1)
    return node


def recursive_calls(out):
    """How many calls a recursive += backward makes: one per path from out to each node."""
    paths = {out: 1}
    for node in reversed(topological_order(out)):  # every user before the nodes it uses
        for parent in node.parents:
            paths[parent] = paths.get(parent, 0) + paths[node]
    return sum(paths.values())


def counting_backward(node, upstream=1.0, calls=None):
    """The recursive += backward, counting its calls (only for short chains!)."""
    calls = calls if calls is not None else [0]
    calls[0] += 1
    node.grad += upstream
    for parent, local in zip(node.parents, node.local_grads):
        counting_backward(parent, local * upstream, calls)
    return calls[0]


short = diamond_chain(5)
assert counting_backward(short) == recursive_calls(short)  # the count is what the calls do
for n in [5, 10, 20]:
    chain = diamond_chain(n)
    print(f"{n:2d} diamonds: the recursion makes {recursive_calls(chain):>9,} calls, "
          f"the engine visits {len(topological_order(chain)):3d} nodes")

# %% [markdown]
# Twenty diamonds already need millions of calls (printed above), against about a hundred nodes
# for the engine; every further diamond doubles the count.
#
# **Mistake 2: `+=`, but a node passes its gradient on before it has it all.** Visit the nodes
# in breadth-first order from the output (nearest first):

# %% [markdown] lang="zh"
# 二十个菱形就已经需要几百万次调用（见上面的打印），而引擎只访问大约一百个节点；每多一个菱形，调用次数就再翻一倍。
#
# **错误 2：用了 `+=`，但节点在梯度还没收齐时就往回传。** 按从输出出发的广度优先顺序（breadth-first，离输出近的先处理）访问各个节点：

# %%
def breadth_first_backward(out):
    out.grad = 1.0
    queue, seen = [out], {out}
    while queue:
        node = queue.pop(0)
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)


x2, h, g, out = reused_graph()
breadth_first_backward(out)
print("breadth-first with '+=':", x2.grad, "  (correct: 39.0)")

# %% [markdown]
# `h` is one step from `out`, so it is processed right after `out` — before `g` has passed back its
# share. `h` hands an incomplete gradient to `x`, and `g`'s share arrives too late.
#
# **The fix is the order.** A *topological order* lists every node after everything it was made
# from; reversed, every node comes after **all** the nodes that use it. So when the engine
# processes a node, every use has already added (`+=`) its part, and the node's gradient is
# complete. Each node is processed once: the cost is the size of the graph, not the number of
# paths.

# %% [markdown] lang="zh"
# `h` 离 `out` 只有一步，所以紧接着 `out` 就被处理——这时 `g` 还没有把它那一份传回来。`h` 把一个不完整的梯度交给了 `x`，而 `g` 的那一份来得太晚了。
#
# **解决办法在于顺序。** **拓扑排序**把每个节点排在所有用来算出它的节点之后；倒过来，每个节点就排在**所有**使用它的节点之后。所以引擎处理一个节点时，它的每一次使用都已经把自己的那一份加（`+=`）了进来，这个节点的梯度已经完整。每个节点只处理一次：代价取决于图的大小，而不是路径的条数。（下面打印的顺序里，`1` 和 `3` 是公式中的常数，引擎也把它们记成 Value，只是没有标签。）

# %%
x2, h, g, out = reused_graph()
order = topological_order(out)
names = [node.label or f"{node.data:g}" for node in order]  # constants have no label
print("topological order (inputs first):", names)
print("backward visits (outputs first):  ", names[::-1])
out.backward()
print("x.grad =", x2.grad)
draw_dot(out, rankdir="LR")

# %% [markdown]
# How does `topological_order` find that order? By a **depth-first search** (深度优先搜索): from
# `out`, go to a parent, then to *its* parent, as deep as possible; when a node has no parent left
# to visit, write it down and step back. A node is written down only after all the nodes it was
# made from, which is exactly a topological order. The natural way to write it is recursion, but
# Python's call stack holds only about a thousand unfinished calls, so a graph a thousand
# operations deep would crash it (`RecursionError`). `topological_order` keeps its own **stack**,
# a Python list where it pushes the nodes still to visit and pops the newest one first, so a
# graph a million operations deep works too.
#
# **Exercises.** Now write it yourself: [exercise 1](exercises/01_local_derivatives.ipynb) (the
# local derivatives of a small `Value` class) and [exercise 2](exercises/02_backward.ipynb) (its
# topological sort and backward pass). Their checks say what is wrong and where; writing `=`
# where `+=` belongs (mistake 1) is one of the mistakes they recognise by name.

# %% [markdown] lang="zh"
# `topological_order` 是怎样找到这个顺序的？用**深度优先搜索**（depth-first search）：从 `out` 出发，走到一个父节点，再走到*它的*父节点，尽量往深处走；当一个节点已经没有还没访问过的父节点时，把它记下来，再退回一步。一个节点只有在所有用来算出它的节点都记下之后才会被记下，这恰好就是拓扑排序。最自然的写法是递归，但 Python 的调用栈只能容纳大约一千个还没结束的调用，所以一张有一千层运算的深图会让它崩溃（`RecursionError`）。`topological_order` 自己维护一个**栈**（stack）：一个 Python 列表，把待访问的节点压进去（push），每次取出（pop）最后放进去的那个；这样，一百万层运算的图也能处理。
#
# **练习。** 现在自己动手写：[练习 1](../exercises/01_local_derivatives.ipynb)（一个小 `Value` 类的局部导数）和[练习 2](../exercises/02_backward.ipynb)（它的拓扑排序和反向传播）。检查程序会告诉你错在哪里、是什么错；把该用 `+=` 的地方写成 `=`（错误 1）就是它们能直接认出来的错误之一。

# %% [markdown]
# ## Try it
#
# 1. Change `a` to `(W1 * v).tanh()`. Which rows of the hand-computed table change? Check your
#    new formula against `backward()`.
# 2. Use `x` twice in `c`, e.g. `(W3 * x + x * x).tanh()`. How many paths does `explain(W3, f)`
#    show now, and how many for `explain(x, f)`?
# 3. In `diamond_chain`, replace the two lines of the loop by `node = node * node + node`, which
#    uses `node` three times. Predict how the number of paths grows per link, then check it with
#    `recursive_calls(diamond_chain(10))` against `len(topological_order(...))`.

# %% [markdown] lang="zh"
# ## 动手试试
#
# 1. 把 `a` 改成 `(W1 * v).tanh()`。手算表格里哪几行会变？用 `backward()` 检查你的新公式。
# 2. 在 `c` 里用两次 `x`，比如 `(W3 * x + x * x).tanh()`。现在 `explain(W3, f)` 显示几条路径？`explain(x, f)` 呢？
# 3. 在 `diamond_chain` 里，把循环中的两行换成 `node = node * node + node`，这样 `node` 被用了三次。先预测每多一环路径数怎样增长，再用 `recursive_calls(diamond_chain(10))` 与 `len(topological_order(...))` 对照验证。

# %% [markdown] lang="zh"
# ## 小结
#
# - 把笔记里网络 `a(W1, b(W2, c(W3)))` 的每个运算记成一个 Value，就得到一张计算图；从左往右算是前向传播。
# - 链式法则：沿着从输出到某个参数的链，把每一环的局部导数相乘；有多条路径时，把各条路径的乘积相加（`explain` 会把它们列出来）。
# - 反向传播从 `f.grad = 1` 出发，从输出往输入走，每个节点把 `局部导数 × 自己的梯度` 用 `+=` 加给它的每个父节点；中间结果被复用，所以一次反向传播的代价和一次前向传播相当。
# - 被多次使用的节点要求两件事：用 `+=` 累加每次使用的贡献，并按倒过来的拓扑排序处理节点，保证一个节点在收齐梯度之后才往回传。
# - 逐条路径递归的调用次数随重复使用的节点成倍增长（20 个菱形就要几百万次），而引擎每个节点只访问一次；`topological_order` 用深度优先搜索和自己维护的栈找出这个顺序。
