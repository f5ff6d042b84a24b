# %% [markdown]
# # Exercise 4: a Neuron, a Layer and an MLP
#
# A neuron computes `tanh(w_1 * x_1 + ... + w_n * x_n + b)`: a weighted sum of its inputs plus
# a bias, squashed by an activation. A layer is `nout` neurons that all see the same inputs. A
# multi-layer perceptron (MLP) is layers, each feeding the next.
#
# Build them from micrograd's `Value`, so that `backward()` reaches every weight. Keep the
# attribute names of the template (`self.w`, `self.b`, `self.neurons`, `self.layers`): the
# checks read your weights through them and compare your model with `micrograd.nn` holding the
# same weights.
#
# - `Neuron(nin, nonlin=True)`: `nin` weights drawn from `random.uniform(-1, 1)` (random, so
#   that the neurons of a layer learn different things) and a bias starting at 0; tanh when
#   `nonlin`, else the weighted sum itself; `parameters()` returns the weights and the bias.
# - `Layer(nin, nout, **kwargs)`: `nout` neurons; calling it returns a list of their outputs
#   (a single Value when `nout == 1`).
# - `MLP(nin, nouts)`: layers of sizes `[nin] + nouts`; tanh in every layer except the last,
#   which is linear, so that the output is a raw score.
#
# `parameters()` returns one flat list of the Values themselves: an optimizer steps exactly
# those.

# %% [markdown] lang="zh"
# # 练习 4：Neuron、Layer 和 MLP
#
# 一个神经元计算 `tanh(w_1 * x_1 + ... + w_n * x_n + b)`：输入的加权和加上一个偏置（bias），再经过激活函数（activation）把它“压扁”到一个有限的范围里。一层（layer）是 `nout` 个神经元，它们看到的是同样的输入。多层感知机（multi-layer perceptron，MLP）由若干层组成，每一层的输出是下一层的输入。
#
# 请用 micrograd 的 `Value` 搭建它们，使 `backward()` 能到达每一个权重。请保留模板中的属性名（`self.w`、`self.b`、`self.neurons`、`self.layers`）：检查通过它们读取你的权重，并把你的模型和持有同样权重的 `micrograd.nn` 对比。
#
# - `Neuron(nin, nonlin=True)`：`nin` 个权重，取自 `random.uniform(-1, 1)`（随机初始化，这样同一层的神经元才能学到不同的东西），偏置从 0 开始；`nonlin` 为真时用 tanh，否则直接输出加权和；`parameters()` 返回权重和偏置。
# - `Layer(nin, nout, **kwargs)`：`nout` 个神经元；调用它时返回由它们的输出组成的列表（`nout == 1` 时返回单个 Value）。
# - `MLP(nin, nouts)`：各层的大小为 `[nin] + nouts`；除最后一层外每层都用 tanh，最后一层是线性的，这样输出就是未经压缩的原始分数（raw score）。
#
# `parameters()` 返回一个扁平列表，里面是那些 Value 本身：优化器更新的正是它们。

# %%
import random

from micrograd import Value
from micrograd.exercises import check


# %%
class Neuron:
    def __init__(self, nin, nonlin=True):
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(0.0)
        self.nonlin = nonlin

    def __call__(self, x):
        ### BEGIN SOLUTION
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh() if self.nonlin else act
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return self.w + [self.b]
        ### END SOLUTION


# %%
check("neuron", Neuron)


# %%
class Layer:
    def __init__(self, nin, nout, **kwargs):
        ### BEGIN SOLUTION
        self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]
        ### END SOLUTION

    def __call__(self, x):
        ### BEGIN SOLUTION
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for n in self.neurons for p in n.parameters()]
        ### END SOLUTION


# %%
check("layer", Layer)


# %%
class MLP:
    def __init__(self, nin, nouts):
        ### BEGIN SOLUTION
        sizes = [nin] + nouts
        last = len(nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], nonlin=i != last) for i in range(len(nouts))]
        ### END SOLUTION

    def __call__(self, x):
        ### BEGIN SOLUTION
        for layer in self.layers:
            x = layer(x)
            x = x if isinstance(x, list) else [x]
        return x[0] if len(x) == 1 else x
        ### END SOLUTION

    def parameters(self):
        ### BEGIN SOLUTION
        return [p for layer in self.layers for p in layer.parameters()]
        ### END SOLUTION


# %%
check("mlp", MLP)

# %% [markdown]
# ## Count the parameters
#
# `MLP(2, [16, 16, 1])` has `(2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 = 337` parameters:
# each neuron has one weight per input plus a bias. `micrograd.nn.MLP` is the same model, with
# one `dot` node per neuron instead of `2 * nin` nodes, so it trains faster.

# %% [markdown] lang="zh"
# ## 数一数参数
#
# `MLP(2, [16, 16, 1])` 有 `(2 + 1) * 16 + (16 + 1) * 16 + (16 + 1) * 1 = 337` 个参数：每个神经元对每个输入有一个权重，另加一个偏置。`micrograd.nn.MLP` 是同一个模型，只是每个神经元用一个 `dot` 节点代替了 `2 * nin` 个节点，所以训练得更快。
