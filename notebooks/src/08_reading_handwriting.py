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
#
# Terms in English and Chinese: the [glossary](../docs/glossary.md).

# %% [markdown] lang="zh"
# # 8. 识别手写数字
#
# 前几讲用的都是程序生成的小数据集（比如平面上的双月和螺旋）。本讲换成真实的数据：人手写的数字。
#
# **本讲内容**
#
# - 你能逐行读懂的这个引擎，能做一件真正有用的事：学会认出它从没见过的手写数字；
# - 对网络来说，一幅图像是什么（64 个数），以及网络为什么有 64 个输入、10 个输出；
# - 十个类别时的 softmax 和交叉熵（cross-entropy），做法和第 6 讲的螺旋数据相同；
# - **测试准确率**（test accuracy）和训练准确率的区别，并亲眼看到过拟合（overfitting）；
# - 网络错在哪里（用混淆矩阵来看），以及第一层学会了看什么；
# - 同一个网络在 PyTorch 里快多少——就在本讲中实测。
#
# 中英文术语对照见[术语表](../../docs/glossary.md)。

# %%
import math
import time

import matplotlib.pyplot as plt

from micrograd.data import load_digits, scale_pixels, train_test_split
from micrograd.digits import confusion_matrix, init_like_pytorch
from micrograd.engine import topological_order
from micrograd.i18n import use_language_for_plots
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
tr = use_language_for_plots()  # figure labels in MICROGRAD_LANG's language (English without a CJK font)

# %% [markdown]
# ## The digits, as images
#
# The data set is the test set of the UCI "Optical Recognition of Handwritten Digits" (the copy
# scikit-learn ships; it comes inside micrograd, see `micrograd/datasets/README.md`). 13 people
# wrote digits on a form; each was scanned, cut into an 8×8 grid of blocks, and each block
# counted: how many of its 16 dots are inked. So every image is **64 whole numbers from 0 to 16**,
# stored row after row, and its label is the digit.

# %% [markdown] lang="zh"
# ## 把数字当作图像来看
#
# 数据集是 UCI 机器学习数据集仓库（UCI Machine Learning Repository）中"手写数字光学识别"（Optical Recognition of Handwritten Digits）数据集的测试集部分，也就是 scikit-learn 自带的那一份。它已经打包在 micrograd 里面，不需要下载；来源和许可见 `micrograd/datasets/README.md`。13 个人在表格上写下数字，表格经过扫描，每个数字被切成 8×8 个小方块，再数出每个方块的 16 个点中有几个点有墨迹。所以每幅图像就是 **64 个 0 到 16 之间的整数**，一行接一行地存放；图像的标签（label）就是它写的那个数字。
#
# 下面打印的是图像总数、每幅图像的像素（pixel，图像上的一个小格）个数、全部标签，以及每个数字各有多少幅图像；图中是前 30 幅图像，每幅上方是它的标签。

# %%
X_raw, y = load_digits()
print(f"{len(X_raw)} images of {len(X_raw[0])} pixels, labels {sorted(set(y))}")
print("images per digit:", [y.count(k) for k in range(10)])
plot_digits(X_raw[:30], y[:30], title=tr("the first 30 images and their labels"))

# %% [markdown]
# The first image, as the network sees it: 64 numbers (here printed as 8 rows of 8). It is a 0:
# ink left and right, a hole in the middle.

# %% [markdown] lang="zh"
# 第一幅图像在网络"眼中"的样子：64 个数（这里按 8 行、每行 8 个打印出来，数越大墨迹越浓）。它是一个 0：左右两边有墨迹，中间是空的。

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

# %% [markdown] lang="zh"
# ## 为什么是 64 个输入、10 个输出
#
# 第一层的每个神经元有 64 个输入，**每个像素一个**。它并不知道哪些像素在同一行、同一列，或者彼此相邻；它只是给每个像素一个权重，把像素值乘上各自的权重再加起来（本讲最后会把这些权重画出来）。
#
# 网络的回答是**每个数字一个得分**（score），共 10 个输出；得分最大的那个数字就是网络的预测。输入和输出之间是一个隐藏层，有 16 个 tanh 神经元。下面数一数 `MLP(64, [16, 10])` 有多少个参数：每个神经元对每个输入有一个权重，另外还有一个偏置。

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

# %% [markdown] lang="zh"
# 训练之前还要做两项准备（`help(micrograd.data.load_digits)` 和 `help(micrograd.digits)` 中都有说明）：
#
# - **把像素缩放到 0..1**（`scale_pixels`，即除以 16）：一个神经元要把 64 个加权的输入加起来；像素值如果最大到 16，这个和会非常大，落在 tanh 曲线两端平坦的地方，那里的斜率几乎为 0，梯度也就几乎为 0，网络学不动。
# - **较小的初始权重**（`init_like_pytorch`）：`MLP` 的权重从 [−1, 1] 中随机抽取，这对前几讲只有 2 个输入的网络正合适；现在有 64 个输入，就把每一层的权重缩小到 [−1/√n_in, 1/√n_in]（`n_in` 是这一层每个神经元的输入个数；这是 PyTorch 的默认做法），让加权和一开始就处在合适的大小。（为什么是 √n_in：许多个正负随机的项相加，和的典型大小大约按项数的平方根增长。）
#
# 笔记第 1 点说的正是初始权重要小：
#
# > 一个神经网络初始的**权重**（weight）或**可训练参数**（trainable parameter）只会取较小的随机值，这一步叫作**随机初始化**（random initialization）。
#
# 多小才算"较小"，要看每个神经元有多少个输入：输入越多，权重就要越小。

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

# %% [markdown] lang="zh"
# ## 十个类别的 softmax 和交叉熵
#
# 和第 6 讲的三条螺旋一样：10 个得分 `z` 经过 softmax 变成 10 个概率，`p_k = exp(z_k) / Σ_j exp(z_j)`；一幅写着数字 `y` 的图像，损失是 `−log p_y`。未经训练的网络把概率大致平均地分给十个数字（每个约 1/10），所以它的损失接近 `log 10 = −log(1/10)`，也就是完全靠均匀瞎猜时的损失。
#
# 下面的代码先从每个得分中减去最大的得分 `top`，再取 `exp`：分子和分母同乘 `exp(−top)`，概率不变，却不会因为得分太大而使 `exp` 溢出（overflow，即结果超出浮点数能表示的范围）。然后用 `assert` 检查：手算的 `−log p_y` 与 `micrograd.losses.cross_entropy` 的结果相同。

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

# %% [markdown] lang="zh"
# ## 留出来的测试数字
#
# 网络有可能把训练用的图像死记硬背下来。我们真正关心的，是它认**从没见过的**数字认得怎么样。所以训练之前，先把五分之一的图像放到一边，作为**测试集**（test set），训练时决不使用；其余的图像是**训练集**（training set）。`stratify=y`（分层抽样）让每个数字在两部分中都占各自应有的份额。下面打印的是训练图像和留出的测试图像各有多少，以及测试集中每个数字各有几幅。

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

# %% [markdown] lang="zh"
# ## 训练
#
# 用 Adam（第 4 讲）做小批量训练：每批 32 幅图像，共 12 个轮次（epoch），学习率从 0.02 线性降到 0.002（学习率衰减，第 6 讲）。每个轮次结束时，一个小小的回调函数（callback：交给 `fit` 的函数，`fit` 每走一步就调用它一次；这里的 `watch_test_set` 只在一轮结束时做事）还会测量测试图像上的损失和准确率。这只是*看一看*：`evaluate` 不做反向传播，网络从测试图像中学不到任何东西。
#
# 计时用的是 `time.process_time()`，即 CPU 时间（这个进程实际占用处理器的时间），并且扣除了检查测试集所花的时间。打印的表格每行是一个轮次：`training loss` 是训练损失，`test loss` 是测试损失，`test accuracy` 是测试准确率。

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
plot_history(history, title=tr("digits, MLP(64, [16, 10]): training batches"))

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

# %% [markdown] lang="zh"
# 网络能认对至少 95% 它从没见过的数字（上面的 `assert` 检查了这一点）。训练准确率更高：网络在学过的图像上表现得更好一点。这个差距就是**过拟合**的第一个迹象。过拟合（overfitting）指模型把训练数据学得太"死"，连其中偶然的细节也记住了：在训练数据上表现很好，在新数据上却差一些。
#
# （上图是训练时每一步所用那一批的损失和准确率，红线是每轮的平均。如果你在上面的表格里看到前一两轮的训练损失反而比测试损失高，不要奇怪：一轮的训练损失是这一轮各批损失的平均，每一批都是在更新之前测的，一轮开头的那些批是在网络还很差的时候测的；测试损失则是在这一轮结束、网络已经学过这一轮之后才测的。）
#
# ## 让过拟合看得见
#
# 故意让情况变得更糟：用一个更大的网络（32 个隐藏神经元），只在 50 幅图像上（每个数字 5 幅）训练很多轮（60 轮）。它能把这 50 幅图像背下来——也确实背下来了——但它从*这几幅*图像中学到的东西，到了别的图像上就不灵了。我们同时观察两边的损失。
#
# 代码里借用 `train_test_split` 从训练集中按数字均匀地挑出 50 幅（其余的这里不用）；`EVERY = 5` 表示每 5 个轮次测一次训练图像和测试图像上的损失与准确率。打印的第一行是每个数字的训练图像数；后两行是：最终的训练准确率和测试准确率，测试损失的最低值及其所在的轮次，第 60 轮时的测试损失和训练损失。

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
    ax.plot(epochs_seen, few_curve["train" + name], "o-", label=tr("training images ({count})").format(count=len(X_few)))
    ax.plot(epochs_seen, few_curve["test" + name], "o-", label=tr("test images ({count})").format(count=len(X_test)))
    ax.axvline(epochs_seen[best], color="0.6", ls="--", label=tr("lowest test loss"))
    ax.set_xlabel(tr("epoch"))
    ax.grid(alpha=0.3)
left.set_ylabel(tr("cross-entropy loss"))
left.set_title(tr("loss: training → 0, test stays high and creeps up"))
left.legend()
right.set_ylabel(tr("accuracy"))
right.set_title(tr("accuracy: all training images, far fewer unseen ones"));

# %% [markdown]
# The training loss keeps falling towards 0 while the test loss, after its lowest point, climbs:
# the network grows ever more *sure* of its answers, also of the wrong ones on unseen digits.
# That is over-fitting; the test accuracy is well below the first network's too. The cures:
# more data (the first network had many times as many images, printed below),
# a smaller network, stopping at the lowest test loss — or, better, at the lowest loss on a third
# set, a *validation* set, so that the test set stays untouched until the very end.

# %% [markdown] lang="zh"
# 训练损失一直降向 0，而测试损失在最低点（图中的虚线）之后反而上升：网络对自己的回答越来越*有把握*，对没见过的数字，答错时也同样有把握；而交叉熵对"很有把握地答错"罚得很重（第 6 讲）。所以测试损失上升，并不一定意味着测试准确率也下降（看右图）。这就是过拟合；这个网络的测试准确率也远低于第一个网络。（左图标题：训练损失 → 0，测试损失一直很高，还在慢慢上升；右图标题：训练图像全部认对，没见过的图像认对的少得多。）
#
# 笔记第 5 点说：
#
# > 最终得到的网络在训练数据上的损失非常小，即预测值 `y_pred` 和预期目标 `y` 之间的距离非常小。
#
# 这里的网络正是这样，可它认没见过的数字，远不如第一个网络：训练数据上的损失小还不够，要看的是没见过的数据。
#
# 对付过拟合的办法有：更多的数据（第一个网络用的图像是这里的许多倍，见下面打印的倍数）；更小的网络；在测试损失最低时停止训练。更好的做法是再分出第三份数据，即**验证集**（validation set），在验证集上的损失最低时停止：如果用测试集来挑停止的时刻，测试集就参与了决定，不再是真正"没见过"的数据；有了验证集，测试集就可以一直不碰，留到最后才用。

# %%
print(f"{len(X_train)} / {len(X_few)} = {len(X_train) / len(X_few):.1f} times as many images")

# %% [markdown]
# ## What the mistakes are: the confusion matrix
#
# Back to the first network. Row = the true digit, column = the network's answer: the diagonal
# counts the right answers, every other cell one kind of mistake.

# %% [markdown] lang="zh"
# ## 网络错在哪里：混淆矩阵
#
# 回到第一个网络。**混淆矩阵**（confusion matrix）的每一行是真实的数字（true class），每一列是网络的回答（predicted class）：对角线上的格子是答对的次数，其余的每个格子是一种错误，比如标着 8 的那一行与标着 1 的那一列交叉处的格子，数的是把 8 认成 1 的次数。打印的那一行给出最常见的错误：哪个数字被认成了哪个，共几次。

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
# after training (the same neurons; each figure has its own colour scale, centred on 0 = white).

# %% [markdown] lang="zh"
# 下面这些是认错的测试图像，每幅上方先写网络的回答，括号里（true …）是真实的数字。其中有不少，在 8×8 的分辨率下人也很难认。
#
# ## 第一层在找什么
#
# 第一层的每个神经元对每个像素有一个权重，所以它的 64 个权重可以画成一幅 8×8 的图像：红色表示这里有墨迹会*增大*它的加权和，蓝色表示会*减小*。下面是训练前后的这些权重（同样的 16 个神经元；每幅图各有自己的颜色刻度，以 0 为中心，0 是白色）。

# %%
before = init_like_pytorch(MLP(64, [16, 10], activation="tanh", seed=0))  # the same start
plot_weight_images(before, ncols=8, title=tr("first-layer weights before training (random)"))

# %%
plot_weight_images(model, ncols=8, title=tr("first-layer weights after 12 epochs"))

# %% [markdown]
# They are not clean pictures of digits: 12 epochs leave much of the random start in place, and
# what training changed is best seen by comparing one neuron before and after. Each neuron has
# become one feature ("ink here, none there"); the output layer weighs the 16 features into a
# score for each digit.
#
# One thing is exactly predictable from the chain rule: the gradient of a weight is its input times
# the gradient of the neuron's sum. A pixel that is blank (0) in every training image gives its
# weights a gradient of 0 at every step, so those weights never move:

# %% [markdown] lang="zh"
# 它们并不是清晰的数字图案：12 个轮次的训练之后，权重里还保留着许多随机初始值的痕迹，要看出训练改变了什么，最好把同一个神经元训练前后的两幅图对照着看。每个神经元变成了一个特征（feature），比如"这里有墨迹，那里没有"；输出层再把这 16 个特征加权组合，给每个数字打分。
#
# 有一件事可以用链式求导（第 5 讲）精确地预言。神经元的加权和是 `s = w_0·x_0 + … + w_63·x_63 + b`，所以 `∂s/∂w_i = x_i`，于是 `∂loss/∂w_i = x_i · ∂loss/∂s`：一个权重的梯度，等于它的输入乘以这个神经元加权和的梯度。如果某个像素在所有训练图像中都是空白（0），它的权重在每一步的梯度都是 0，这些权重就永远不会动。（用 Adam 也一样：Adam 的更新是由过去的梯度（及其平方）的滑动平均算出来的，梯度一直为 0，更新也一直为 0。）像素按行编号，0 到 63：编号 `i` 的像素在第 `i // 8` 行、第 `i % 8` 列（都从 0 数起）。

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
# The same architecture, the same starting weights, batches of 32 as before, Adam with the same
# schedule, on one CPU thread. PyTorch works on whole arrays (tensors) at once instead of one
# scalar `Value` at a time (notebook 7). This needs `torch`; without it the cell says so and skips.

# %% [markdown] lang="zh"
# ## 同一个网络在 PyTorch 中
#
# 同样的结构、同样的初始权重、同样每批 32 幅图像、同样的 Adam 和学习率衰减；PyTorch 也只用一个 CPU 线程（`torch.set_num_threads(1)`，和 micrograd 一样只用一个核，这样比较才公平）。PyTorch 一次处理整个数组（张量，tensor），而不是像 micrograd 那样一次处理一个标量 `Value`（第 7 讲）。代码里的 `torch.nn.functional.cross_entropy` 一次做完 softmax 和交叉熵；每一步开始前把 `schedule(step)` 写进优化器，学习率就和 micrograd 一样逐步衰减。这个单元需要 `torch`；没有安装时，它会说明原因并跳过比较。

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

# %% [markdown] lang="zh"
# （两次运行中样本被抽到的顺序不同，所以结果略有差别；两者的测试准确率相近。）PyTorch 快很多倍（打印的倍数是 micrograd 每轮的 CPU 时间除以 PyTorch 的）：它对整批数据的每一层只调用一次编译好的代码，而 micrograd 要搭出一张由 Python 对象组成的计算图，再一个标量一个标量地走一遍（上面打印的节点数只是一幅图像的）。所以，真正训练网络时用 PyTorch；而 micrograd 是用来*读*的，让你看清网络是怎样学习的：两者的算法是一样的。
#
# 在命令行中，`micrograd demo --dataset digits` 运行的就是这里的训练，并把混淆矩阵和认错的数字保存为 PNG 图片。
#
# ## 动手试试
#
# 1. 不用 `init_like_pytorch`（初始权重就是 [−1, 1] 中的随机数）来训练。12 个轮次后，测试准确率会怎样？
# 2. 用原始像素（0..16）代替 `scale_pixels(X_raw)` 来训练。看看损失曲线有什么不同。
# 3. 在过拟合那个网络的 `fit(...)` 调用中加上 `alpha=1e-3`（L2 正则化，第 6 讲），比较它的测试损失。

# %% [markdown] lang="zh"
# ## 小结
#
# - 同一个能逐行读懂的标量引擎，在 8×8 的手写数字上训练 12 个轮次，就能认对至少 95% 从没见过的测试数字。
# - 对网络来说，图像就是 64 个数：64 个输入（每个像素一个），10 个输出（每个数字一个得分）。像素缩放到 0..1、初始权重按 1/√n_in 缩小，神经元的加权和一开始才不会太大。
# - 十个类别照样用 softmax 加交叉熵；未经训练的网络，损失约为 log 10。
# - 评价网络要看测试集。训练准确率高于测试准确率是过拟合的苗头；网络大、数据少、训练久时，训练损失降向 0，测试损失却回升。对策：更多的数据、更小的网络、在验证集的损失最低时停止。
# - 混淆矩阵告诉你网络把哪个数字认成了哪个。第一层的权重可以画成 8×8 的图像；在所有训练图像中都空白的像素，权重的梯度恒为 0，永远不动——这是链式求导的直接推论。
# - PyTorch 用张量一次处理整批数据，快很多倍；它的算法和 micrograd 一样。
