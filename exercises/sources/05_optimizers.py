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
