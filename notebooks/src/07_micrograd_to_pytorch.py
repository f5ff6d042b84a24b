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

# %% [markdown]
# ## Try it
#
# 1. Replace both optimizers by `SGD(..., lr=0.1, momentum=0.9, nesterov=True)` (and
#    `torch.optim.SGD` with the same arguments). Do the losses still agree?
# 2. Change the PyTorch model's dtype to float32 (remove the `set_default_dtype` line). How many
#    digits still agree, and why?
# 3. Write the hinge loss of the micrograd loop with PyTorch-style tensor operations in your head:
#    which micrograd line becomes `torch.relu(1 - signs * scores_t).mean()`?
