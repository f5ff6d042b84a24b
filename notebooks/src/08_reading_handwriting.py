# %% [markdown]
# # 8. Reading handwriting (识别手写数字)
#
# **What you will learn**
#
# - that the engine you can read line by line does something real: it learns to read handwritten
#   digits it has never seen;
# - what an image is to a network (64 numbers), and why the network has 64 inputs and 10 outputs;
# - softmax and cross-entropy for ten classes (交叉熵, as for the spirals of notebook 6);
# - **test accuracy** versus training accuracy, and over-fitting (过拟合) made visible;
# - what the mistakes are (the confusion matrix), and what the first layer has learned to look for;
# - how the same network fares in PyTorch, measured here.

# %%
import math
import time

import matplotlib.pyplot as plt

from micrograd.data import load_digits, scale_pixels, train_test_split
from micrograd.digits import confusion_matrix, init_like_pytorch
from micrograd.engine import topological_order
from micrograd.losses import cross_entropy
from micrograd.nn import MLP
from micrograd.optim import Adam, linear_decay
from micrograd.plots import (
    plot_confusion_matrix,
    plot_digits,
    plot_history,
    plot_misclassified,
    plot_weight_images,
)
from micrograd.train import evaluate, fit, predict

%matplotlib inline
plt.rcParams["figure.dpi"] = 90

# %% [markdown]
# ## The digits, as images
#
# The data set is the test set of the UCI "Optical Recognition of Handwritten Digits" (the copy
# scikit-learn ships; it comes inside micrograd, see `micrograd/datasets/README.md`). 13 people
# wrote digits on a form; each was scanned, cut into an 8×8 grid of blocks, and each block
# counted: how many of its 16 dots are inked. So every image is **64 whole numbers from 0 to 16**,
# stored row after row, and its label is the digit.

# %%
X_raw, y = load_digits()
print(f"{len(X_raw)} images of {len(X_raw[0])} pixels, labels {sorted(set(y))}")
print("images per digit:", [y.count(k) for k in range(10)])
plot_digits(X_raw[:30], y[:30], title="the first 30 images and their labels")

# %% [markdown]
# The first image, as the network sees it: 64 numbers (here printed as 8 rows of 8). It is a 0:
# ink left and right, a hole in the middle.

# %%
for r in range(8):
    print(" ".join(f"{v:2.0f}" for v in X_raw[0][8 * r : 8 * r + 8]))
print("label:", y[0])

# %% [markdown]
# ## Why 64 inputs and 10 outputs
#
# A neuron of the first layer takes **one input per pixel**: 64 inputs. It knows nothing about
# rows, columns or neighbours; it only weighs each pixel (we will draw those weights at the end).
#
# The network answers with **one score per digit**: 10 outputs. The predicted digit is the one
# with the largest score. Between the two, a hidden layer of 16 tanh neurons. Let us count the
# parameters of `MLP(64, [16, 10])`: each neuron has one weight per input plus a bias.

# %%
model = init_like_pytorch(MLP(64, [16, 10], activation="tanh", seed=0))
n_params = len(model.parameters())
assert n_params == (64 + 1) * 16 + (16 + 1) * 10
print(f"(64 + 1) * 16 + (16 + 1) * 10 = {n_params} parameters")

# %% [markdown]
# Two preparations, both explained in `help(micrograd.data.load_digits)` and
# `help(micrograd.digits)`:
#
# - **pixels scaled to 0..1** (`scale_pixels`, i.e. divided by 16): a neuron adds up 64 inputs;
#   with pixels of up to 16 its sum would be huge and its tanh flat (gradient about 0);
# - **smaller starting weights** (`init_like_pytorch`): `MLP` draws weights in [−1, 1], right for the
#   course's 2-input networks; with 64 inputs each layer's weights are scaled to
#   [−1/√n_in, 1/√n_in] (PyTorch's default), so the sums start at a sensible size.

# %%
X = scale_pixels(X_raw)
print("pixel range after scaling:", min(map(min, X)), "to", max(map(max, X)))

# %% [markdown]
# ## Softmax and cross-entropy, for ten classes
#
# As for the three spirals of notebook 6: the 10 scores `z` become probabilities by the softmax,
# `p_k = exp(z_k) / Σ_j exp(z_j)`, and the loss of an image of digit `y` is `−log p_y`. An
# untrained network spreads its probability over all ten digits, so its loss is near
# `log 10` (what a uniform guess costs):

# %%
scores = [z.data for z in model(X[0])]
top = max(scores)
exps = [math.exp(z - top) for z in scores]
probabilities = [e / sum(exps) for e in exps]
print("probabilities:", " ".join(f"{p:.2f}" for p in probabilities))
by_hand = -math.log(probabilities[y[0]])
by_engine = cross_entropy([model(X[0])], [y[0]]).data
assert math.isclose(by_hand, by_engine, rel_tol=1e-12)
print(f"loss of image 0 (a {y[0]}): -log p_{y[0]} = {by_hand:.4f}; log 10 = {math.log(10):.4f}")

# %% [markdown]
# ## Held-out test digits
#
# A network could learn the training images by heart. What we care about is how it reads digits
# **it has never seen**. So before training we put a fifth of the images aside, the *test set*
# (测试集), and never train on them. `stratify=y` gives every digit its share of both parts.

# %%
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
print(f"{len(X_train)} images to train on, {len(X_test)} held out")
print("test images per digit:", [y_test.count(k) for k in range(10)])

# %% [markdown]
# ## Training
#
# Mini-batch Adam (notebook 4): batches of 32 images, 12 epochs, the learning rate falling from 0.02
# to 0.002. After every epoch a small callback measures the loss and accuracy on the test images
# too (this only *looks* at them: `evaluate` runs no backward pass, nothing is learned from them).

# %%
EPOCHS, BATCH = 12, 32
steps = EPOCHS * math.ceil(len(X_train) / BATCH)
optimizer = Adam(model.parameters(), lr=0.02)
test_curve = {"epoch": [], "loss": [], "accuracy": [], "seconds": 0.0}


def watch_test_set(info):
    if info.end_of_epoch:
        started = time.process_time()
        loss, acc = evaluate(info.model, X_test, y_test, loss="cross_entropy")
        test_curve["epoch"].append(info.epoch + 1)
        test_curve["loss"].append(loss)
        test_curve["accuracy"].append(acc)
        test_curve["seconds"] += time.process_time() - started  # not training: left out below


started = time.process_time()
history = fit(model, X_train, y_train, loss="cross_entropy", optimizer=optimizer,
              lr_schedule=linear_decay(0.02, 0.002, steps), epochs=EPOCHS, batch_size=BATCH,
              callbacks=[watch_test_set], seed=0)
# CPU time, what one core spent training (the test-set checks left out)
micrograd_seconds = time.process_time() - started - test_curve["seconds"]
micrograd_per_epoch = micrograd_seconds / EPOCHS
print(f"{history.steps} steps in {micrograd_seconds:.1f} s of CPU time "
      f"({micrograd_per_epoch:.2f} s per epoch; the test-set checks took "
      f"{test_curve['seconds']:.1f} s more)")
for e, loss, acc in zip(test_curve["epoch"], test_curve["loss"], test_curve["accuracy"]):
    print(f"epoch {e:2d}  training loss {history.epoch_loss[e - 1]:.3f}  test loss {loss:.3f}  "
          f"test accuracy {acc:.1%}")

# %%
predicted = predict(model, X_test)
test_accuracy = sum(p == t for p, t in zip(predicted, y_test)) / len(y_test)
train_accuracy = sum(p == t for p, t in zip(predict(model, X_train), y_train)) / len(y_train)
print(f"training accuracy {train_accuracy:.1%}, test accuracy {test_accuracy:.1%} "
      f"({sum(p == t for p, t in zip(predicted, y_test))} of {len(y_test)} unseen digits)")
assert test_accuracy >= 0.95
assert train_accuracy > test_accuracy
plot_history(history, title="digits, MLP(64, [16, 10]): training batches")

# %% [markdown]
# The network reads at least 95 % of digits it has never seen (the `assert` above checks it).
# The training accuracy is higher: the network does a little better on images it has learned
# from. That gap is the first hint of **over-fitting**.
#
# ## Over-fitting, made visible
#
# Make it worse on purpose: a larger network (32 hidden neurons) trained on only 50 images
# (5 of each digit) for many epochs (60). It can learn those 50 by heart — and it does — but what
# it learns about *those* images does not carry over. We watch the loss on both sides.

# %%
X_few, _, y_few, _ = train_test_split(X_train, y_train, test_size=1 - 50 / len(X_train),
                                      seed=1, stratify=y_train)
print("training images per digit:", [y_few.count(k) for k in range(10)])
big = init_like_pytorch(MLP(64, [32, 10], activation="tanh", seed=1))
EVERY = 5  # epochs between two looks at the losses
few_curve = {"train": [], "test": [], "train_accuracy": [], "test_accuracy": []}


def watch_both(info):
    if info.end_of_epoch and (info.epoch + 1) % EVERY == 0:
        loss, acc = evaluate(big, X_few, y_few, loss="cross_entropy")
        few_curve["train"].append(loss)
        few_curve["train_accuracy"].append(acc)
        loss, acc = evaluate(big, X_test, y_test, loss="cross_entropy")
        few_curve["test"].append(loss)
        few_curve["test_accuracy"].append(acc)


fit(big, X_few, y_few, loss="cross_entropy", optimizer=Adam(big.parameters(), lr=0.02),
    epochs=60, batch_size=10, callbacks=[watch_both], progress=False, seed=1)
few_train_acc = sum(p == t for p, t in zip(predict(big, X_few), y_few)) / len(y_few)
best = min(range(len(few_curve["test"])), key=few_curve["test"].__getitem__)
print(f"{len(X_few)} training images; training accuracy at the end {few_train_acc:.0%}, "
      f"test accuracy {few_curve['test_accuracy'][-1]:.1%}")
print(f"test loss: lowest {few_curve['test'][best]:.3f} at epoch {EVERY * (best + 1)}, "
      f"then {few_curve['test'][-1]:.3f} at epoch 60; training loss {few_curve['train'][-1]:.4f}")
assert few_train_acc == 1.0
assert few_curve["test"][-1] > few_curve["test"][best]  # the test loss went up again
assert few_curve["train"][-1] < few_curve["train"][best]  # while the training loss kept falling
assert few_curve["test_accuracy"][-1] < test_accuracy  # and it reads unseen digits worse

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.6), layout="constrained")
epochs_seen = [EVERY * (i + 1) for i in range(len(few_curve["test"]))]
for ax, name in ((left, ""), (right, "_accuracy")):
    ax.plot(epochs_seen, few_curve["train" + name], "o-", label=f"training images ({len(X_few)})")
    ax.plot(epochs_seen, few_curve["test" + name], "o-", label=f"test images ({len(X_test)})")
    ax.axvline(epochs_seen[best], color="0.6", ls="--", label="lowest test loss")
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
left.set_ylabel("cross-entropy loss")
left.set_title("loss: training → 0, test stays high and creeps up")
left.legend()
right.set_ylabel("accuracy")
right.set_title("accuracy: all training images, far fewer unseen ones");

# %% [markdown]
# The training loss keeps falling towards 0 while the test loss, after its lowest point, climbs:
# the network grows ever more *sure* of its answers, also of the wrong ones on unseen digits.
# That is over-fitting; the test accuracy is well below the first network's too. The cures:
# more data (the first network had many times as many images, printed below),
# a smaller network, stopping at the lowest test loss — or, better, at the lowest loss on a third
# set, a *validation* set, so that the test set stays untouched until the very end.

# %%
print(f"{len(X_train)} / {len(X_few)} = {len(X_train) / len(X_few):.1f} times as many images")

# %% [markdown]
# ## What the mistakes are: the confusion matrix
#
# Back to the first network. Row = the true digit, column = the network's answer: the diagonal
# counts the right answers, every other cell one kind of mistake.

# %%
matrix = confusion_matrix(y_test, predicted, n_classes=10)
mistakes = sorted(((matrix[t][p], t, p) for t in range(10) for p in range(10) if t != p),
                  reverse=True)
count, true_digit, said = mistakes[0]
print(f"the most frequent mistake: the digit {true_digit} read as {said} ({count} times)")
plot_confusion_matrix(y_test, predicted, n_classes=10)

# %%
plot_misclassified(X_test, y_test, predicted)

# %% [markdown]
# Many of these are hard for a person too at 8×8 pixels.
#
# ## What the first layer looks for
#
# Each neuron of the first layer has one weight per pixel, so its 64 weights can be drawn as an
# 8×8 image: red where ink *raises* its sum, blue where ink *lowers* it. Here they are before and
# after training (the same neurons; each figure has its own colour scale, given in its title).

# %%
before = init_like_pytorch(MLP(64, [16, 10], activation="tanh", seed=0))  # the same start
plot_weight_images(before, ncols=8, title="first-layer weights before training (random)")

# %%
plot_weight_images(model, ncols=8, title="first-layer weights after 12 epochs")

# %% [markdown]
# They are not clean pictures of digits: 12 epochs leave much of the random start in place, and
# what training changed is best seen by comparing one neuron before and after. Each neuron has
# become one feature ("ink here, none there"); the output layer weighs the 16 features into a
# score for each digit.
#
# One thing is exactly predictable from the chain rule: the gradient of a weight is its input times
# the gradient of the neuron's sum. A pixel that is blank (0) in every training image gives its
# weights a gradient of 0 at every step, so those weights never move:

# %%
blank = [i for i in range(64) if all(x[i] == 0 for x in X_train)]
moved = [
    (i, j)
    for n_before, n_after in zip(before.layers[0].neurons, model.layers[0].neurons)
    for i in blank
    for j in [n_after.w[i].data - n_before.w[i].data]
    if j != 0
]
print(f"pixels blank in all {len(X_train)} training images: {blank}")
print(f"weights of those pixels that moved during training: {len(moved)}")
assert blank and not moved

# %% [markdown]
# ## The same network in PyTorch
#
# The same architecture, the same starting weights, the same batches of 32, Adam with the same
# schedule, on one CPU thread. PyTorch works on whole arrays (tensors) at once instead of one
# scalar `Value` at a time (notebook 7). This needs `torch`; without it the cell says so and skips.

# %%
try:
    import torch
except ImportError:
    torch = None
    print("PyTorch is not installed: skipping the comparison "
          "(pip install torch --index-url https://download.pytorch.org/whl/cpu)")

if torch is not None:
    torch.set_num_threads(1)  # one core, as micrograd
    start = before  # the same starting weights as the micrograd run
    net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.Tanh(), torch.nn.Linear(16, 10))
    with torch.no_grad():
        for linear, layer in zip((net[0], net[2]), start.layers):
            linear.weight.copy_(torch.tensor([[w.data for w in n.w] for n in layer.neurons]))
            linear.bias.zero_()
    Xt, yt = torch.tensor(X_train), torch.tensor(y_train)
    opt = torch.optim.Adam(net.parameters(), lr=0.02)
    schedule = linear_decay(0.02, 0.002, steps)
    generator = torch.Generator().manual_seed(0)
    step = 0
    started = time.process_time()
    for epoch in range(EPOCHS):
        order = torch.randperm(len(Xt), generator=generator)
        for i in range(0, len(order), BATCH):
            batch = order[i : i + BATCH]
            for group in opt.param_groups:
                group["lr"] = schedule(step)
            loss = torch.nn.functional.cross_entropy(net(Xt[batch]), yt[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
    torch_seconds = time.process_time() - started
    with torch.no_grad():
        torch_test = (net(torch.tensor(X_test)).argmax(1) == torch.tensor(y_test)).float().mean()
    ratio = micrograd_per_epoch / (torch_seconds / EPOCHS)
    print(f"PyTorch: {torch_seconds / EPOCHS:.3f} s per epoch, test accuracy {torch_test:.1%}")
    print(f"micrograd: {micrograd_per_epoch:.2f} s per epoch, test accuracy {test_accuracy:.1%}")
    print(f"PyTorch is {ratio:.0f} times faster here")

graph = cross_entropy([model(X[0])], [y[0]])
print(f"micrograd's graph for one image's loss: {len(topological_order(graph))} Value nodes")

# %% [markdown]
# (The samples come in another order, so the two runs differ in their last digits; both end
# near the same test accuracy.) PyTorch is many times faster: it does each layer's work for the
# whole batch in one call of compiled code, where micrograd builds and walks a graph of Python
# objects, one scalar at a time (the node count printed above is for a single image). That is why
# PyTorch is what you train real networks with, and why micrograd is what you *read* to see how
# they learn: the algorithm is the same.
#
# From the command line, `micrograd demo --dataset digits` runs this training and writes the
# confusion matrix and the misclassified digits as PNG files.
#
# ## Try it
#
# 1. Train without `init_like_pytorch` (weights in [−1, 1]). What happens to the test accuracy
#    after 12 epochs?
# 2. Train on the raw pixels (0..16) instead of `scale_pixels(X_raw)`. Look at the loss curve.
# 3. Give the over-fitting network `alpha=1e-3` (an L2 penalty, notebook 6) and compare its test loss.
