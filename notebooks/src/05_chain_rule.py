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

# %%
for leaf in (x, W1, W2, W3):
    leaf.grad = 0.0  # leaves accumulate across backward passes (like PyTorch): start from zero
step_through(f, params=[W1, W2, W3])

# %% [markdown]
# What the widget shows after one press of Next (frame 1), drawn once: `f` (outlined in red) has
# passed its gradient to its two inputs, `W1` and `v` (outlined in blue).

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

# %%
for step in backward_steps(f):
    print(step.describe(trace.names))

# %% [markdown]
# ## Where a gradient comes from: the ledger
#
# `explain(W3, f)` lists every path from `f` back to `W3`, the local derivative on each edge, and
# the product along the path. The gradient is the **sum** of those products — here there is only
# one path, so it is just the chain rule's product.

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
