# %% [markdown]
# # Exercise 5: SGD, SGD with momentum, and Adam
#
# An optimizer moves every parameter a little **against** its gradient (随机梯度下降):
# `p.data -= lr * p.grad`. The variants differ in what they remember between steps.
#
# - **SGD**: nothing. `p.data -= lr * p.grad`.
# - **SGD with momentum** (动量): a velocity per parameter, `v = momentum * v + grad`, and
#   `p.data -= lr * v`: a ball rolling down the loss surface keeps some of its speed, which
#   carries it through flat stretches and small dips (the course notes' picture). This is
#   PyTorch's rule; the notes' snippet `velocity = momentum * velocity - lr * gradient` is
#   the same thing measured in steps instead of gradients (`velocity = -lr * v`).
# - **Adam**: a moving average of the gradients `m` (momentum) and of their squares `v`, each
#   corrected for starting at 0, and a step `lr * m_hat / (sqrt(v_hat) + eps)`: each parameter
#   gets a step size of its own.
#
# Each class gets the list of parameters (Values) and has `step()` (update `p.data` from
# `p.grad`) and `zero_grad()` (set every `p.grad` to 0). The checks run your optimizers side
# by side with `micrograd.optim` for several steps.

# %% [markdown] lang="zh"
# # 练习 5：SGD、带动量的 SGD 和 Adam
#
# 优化器（optimizer）把每个参数沿着它的梯度的**反方向**挪动一点（随机梯度下降，SGD）：`p.data -= lr * p.grad`，其中 `lr` 是学习率（learning rate）。各种变体的区别在于两步之间记住了什么。
#
# - **SGD**：什么也不记。`p.data -= lr * p.grad`。
# - **带动量的 SGD**（动量，momentum）：每个参数有一个速度（velocity），`v = momentum * v + grad`，然后 `p.data -= lr * v`。课程笔记的图景是一个小球沿损失曲面滚下来：它保留了一部分速度，靠这部分速度冲过平缓的地段和小的凹坑。这是 PyTorch 的规则。
#
#   笔记里的这段代码标着“不懂”：
#
#   > 这在实践中指的是，更新参数 w 不仅要考虑当前的梯度值，还要考虑上一次的参数更新，其简单实现如下所示 不懂
#
#   笔记中的 `velocity = past_velocity * momentum - learning_rate * gradient` 和这里的规则是一回事，只是度量单位不同：笔记的 velocity 以“步”（参数的变化量）计，这里的 `v` 以梯度计，两者的关系是 `velocity = -lr * v`。把 `velocity = -lr * v` 代入 `v = momentum * v + grad` 的两边，得到的正是笔记的那一行。笔记中更新 w 的那一行 `w = w + momentum * velocity - learning_rate * gradient` 是 Nesterov 动量的写法；普通的动量是 `w = w + velocity`，也就是这里的 `p.data -= lr * v`。
# - **Adam**：对梯度求滑动平均 `m`（动量），对梯度的平方求滑动平均 `v`，两者都修正了从 0 开始带来的偏差（偏差修正，bias correction），每一步走 `lr * m_hat / (sqrt(v_hat) + eps)`：每个参数都有自己的步长。
#
# 每个类接收参数（Value）的列表，并提供 `step()`（根据 `p.grad` 更新 `p.data`）和 `zero_grad()`（把每个 `p.grad` 设为 0）。检查会把你的优化器和 `micrograd.optim` 并排运行若干步，逐步对比。

# %%
import math

from micrograd.exercises import check


# %%
class SGD:
    def __init__(self, params, lr=0.01):
        self.params = list(params)
        self.lr = lr

    def step(self):
        ### BEGIN SOLUTION
        for p in self.params:
            p.data -= self.lr * p.grad
        ### END SOLUTION

    def zero_grad(self):
        ### BEGIN SOLUTION
        for p in self.params:
            p.grad = 0.0
        ### END SOLUTION


# %%
check("sgd", SGD)


# %%
class SGDMomentum(SGD):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = momentum
        ### BEGIN SOLUTION
        self.velocities = [0.0] * len(self.params)  # one per parameter, kept between steps
        ### END SOLUTION

    def step(self):
        ### BEGIN SOLUTION
        for i, p in enumerate(self.params):
            self.velocities[i] = self.momentum * self.velocities[i] + p.grad
            p.data -= self.lr * self.velocities[i]
        ### END SOLUTION


# %%
check("momentum", SGDMomentum)


# %%
class Adam(SGD):
    def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
        super().__init__(params, lr)
        self.betas = betas
        self.eps = eps
        ### BEGIN SOLUTION
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.t = 0
        ### END SOLUTION

    def step(self):
        ### BEGIN SOLUTION
        b1, b2 = self.betas
        self.t += 1
        for i, p in enumerate(self.params):
            g = p.grad
            self.m[i] = b1 * self.m[i] + (1 - b1) * g
            self.v[i] = b2 * self.v[i] + (1 - b2) * g * g
            m_hat = self.m[i] / (1 - b1**self.t)  # undo the pull towards the initial 0
            v_hat = self.v[i] / (1 - b2**self.t)
            p.data -= self.lr * m_hat / (math.sqrt(v_hat) + self.eps)
        ### END SOLUTION


# %%
check("adam", Adam)
