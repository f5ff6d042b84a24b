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

# %%
import matplotlib.pyplot as plt

from micrograd.data import make_moons, make_spirals
from micrograd.losses import cross_entropy, hinge, l2
from micrograd.nn import MLP
from micrograd.optim import SGD, linear_decay
from micrograd.plots import plot_decision_boundary, plot_history
from micrograd.train import fit

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

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

# %%
X, y = make_moons(n_samples=100, noise=0.1, seed=0)
model = MLP(2, [16, 16, 1], seed=0)
print(model)
names = [name for name, _ in model.named_parameters()]
biases = sum(name.endswith(".b") for name in names)
print(f"{len(names)} parameters: {len(names) - biases} weights and {biases} biases")
plot_decision_boundary(model, X, y, resolution=40, title="before training")

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

# %%
plot_history(history, title="two moons, MLP(2, [16, 16, 1])")

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

# %%
fig, axes = plt.subplots(2, 3, figsize=(12, 7.5))
for ax, (step, weights) in zip(axes.flat, snapshots.items()):
    snapshot = MLP(2, [16, 16, 1])
    snapshot.load_state_dict(weights)
    plot_decision_boundary(snapshot, X, y, ax=ax, resolution=25, title=f"step {step}")
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
networks = {"linear: MLP(2, [3])": [3], "small: MLP(2, [4, 3])": [4, 3],
            "larger: MLP(2, [16, 16, 3])": [16, 16, 3]}
fig, axes = plt.subplots(1, 3, figsize=(13, 4.3))
for ax, (name, sizes) in zip(axes, networks.items()):
    net = MLP(2, sizes, seed=0)
    run = fit(net, X_spiral, y_spiral, loss="cross_entropy", optimizer="adam", lr=0.1,
              epochs=60, progress=False)
    title = f"{name}\n{len(net.parameters())} parameters, accuracy {run.accuracy[-1]:.0%}"
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

# %% [markdown]
# ## Try it
#
# 1. Train the moons with plain `SGD(..., lr=0.1)` and no schedule. How many steps does it need to
#    reach 100 %? What happens with `lr=3.0`?
# 2. Give the small spiral network more epochs (200). Does it catch up with the larger one, or is
#    it limited by its size?
# 3. Replace ReLU by tanh (`MLP(2, [16, 16, 1], activation="tanh")`) for the moons and compare the
#    shape of the decision boundary.
