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
