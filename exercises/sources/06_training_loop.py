# %% [markdown]
# # Exercise 6: the training loop on two moons
#
# The course notes' training loop (训练循环), step by step:
#
# 1. take a batch of samples `x` and targets `y`;
# 2. run the network on `x` (the forward pass) to get predictions;
# 3. compute the loss: how far the predictions are from `y`;
# 4. update every weight so that the loss goes down a little.
#
# Step 4 is where everything you built comes together: `zero_grad()` (gradients add up until
# zeroed), `loss.backward()` (all the gradients in one backward pass), `optimizer.step()`.
#
# Write
#
# 1. `hinge_loss(scores, labels)`: the mean of `relu(1 - y * score)` over the samples, labels
#    +1 or -1 (a sample costs nothing once its score is on the right side by a margin of 1);
# 2. `train_step(model, optimizer, X, y)`: one full-batch step; return the loss as a number;
# 3. `train(model, optimizer, X, y, steps)`: `steps` steps; return the list of losses.
#
# The model and the optimizer come from micrograd (`micrograd.nn.MLP`, `micrograd.optim.Adam`),
# so that this exercise does not depend on the previous ones. The check trains a fresh
# `MLP(2, [8, 8, 1])` with your loop and wants 90% accuracy on 80 points after 50 steps.

# %% [markdown] lang="zh"
# # 练习 6：在两个半月形（two moons）数据上的训练循环
#
# 课程笔记里的训练循环（training loop），一步一步来：
#
# 1. 抽取训练样本 `x` 和对应目标 `y` 组成的数据批量；
# 2. 在 `x` 上运行网络（前向传播），得到预测值；
# 3. 计算损失：预测值和 `y` 之间的距离；
# 4. 更新所有权重，使损失略微下降。
#
# 第 4 步把你搭建的所有东西用到了一起：`zero_grad()`（梯度会一直累加，直到被清零）、`loss.backward()`（一次反向传播得到所有梯度）、`optimizer.step()`。
#
# 请写出
#
# 1. `hinge_loss(scores, labels)`：合页损失（hinge loss），即 `relu(1 - y * score)` 在所有样本上的平均值，标签为 +1 或 -1（一个样本的分数落在正确的一侧、并超出间隔（margin）1 之后，它就没有代价了）；
# 2. `train_step(model, optimizer, X, y)`：用全部数据（整个数据集作为一个批量）走一步；以数字的形式返回损失；
# 3. `train(model, optimizer, X, y, steps)`：走 `steps` 步；返回损失组成的列表。
#
# 模型和优化器来自 micrograd（`micrograd.nn.MLP`、`micrograd.optim.Adam`），所以本练习不依赖前面的练习。检查会用你的循环训练一个新的 `MLP(2, [8, 8, 1])`，要求 50 步之后在 80 个数据点上的准确率达到 90%。two moons 是两团交错的半月形数据点，每个点属于两类之一，所以这是一个二分类问题。

# %%
from micrograd.exercises import check


# %%
def hinge_loss(scores, labels):
    """Mean of relu(1 - y * score); labels are +1 or -1."""
    ### BEGIN SOLUTION
    total = sum(((1 - y * s).relu() for s, y in zip(scores, labels)), 0.0)
    return total / len(scores)
    ### END SOLUTION


# %%
check("hinge_loss", hinge_loss)


# %%
def train_step(model, optimizer, X, y):
    """zero_grad, forward, loss, backward, step; returns the loss as a float."""
    ### BEGIN SOLUTION
    optimizer.zero_grad()  # gradients add up (+=) until zeroed
    scores = [model(x) for x in X]
    loss = hinge_loss(scores, y)
    loss.backward()
    optimizer.step()
    return loss.data
    ### END SOLUTION


# %%
check("train_step", train_step)


# %%
def train(model, optimizer, X, y, steps):
    """Run train_step `steps` times; return the list of losses."""
    ### BEGIN SOLUTION
    return [train_step(model, optimizer, X, y) for _ in range(steps)]
    ### END SOLUTION


# %%
check("train", train)

# %% [markdown]
# ## Try it yourself
#
# With your loop working, train on more points and watch the loss fall:
#
# ```python
# from micrograd.data import make_moons
# from micrograd.nn import MLP
# from micrograd.optim import Adam
#
# X, labels = make_moons(n_samples=100, noise=0.1, seed=1)
# y = [1 if t == 1 else -1 for t in labels]
# model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
# losses = train(model, Adam(model.parameters(), lr=0.05), X, y, steps=60)
# print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")
# ```

# %% [markdown] lang="zh"
# ## 自己试试
#
# 循环写好之后，在更多的数据点上训练，看损失怎样下降：
#
# ```python
# from micrograd.data import make_moons
# from micrograd.nn import MLP
# from micrograd.optim import Adam
#
# X, labels = make_moons(n_samples=100, noise=0.1, seed=1)
# y = [1 if t == 1 else -1 for t in labels]
# model = MLP(2, [16, 16, 1], activation="tanh", seed=0)
# losses = train(model, Adam(model.parameters(), lr=0.05), X, y, steps=60)
# print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}")
# ```
