# %% [markdown]
# # Exercise 2: the topological sort and `backward()`
#
# In exercise 1 each op learnt its local derivative. To get the gradient of the output with
# respect to *every* node, `backward()` must apply the chain rule at every node, in the right
# order: a node may pass its gradient on only once **every** node that uses it has added its
# part. That order is a **topological order** of the graph, read backwards.
#
# Here you work on micrograd's own `Value`. Every Value knows
#
# - `v.parents`: the Values it was computed from (empty for a leaf), and
# - `v.local_grads`: d v / d parent for each parent, computed in the forward pass,
#
# so nothing of exercise 1 is needed. Write
#
# 1. `topological_sort(root)`: a list of every node that `root` depends on (root and leaves
#    included), each node **after all of its parents**, each node **once**;
# 2. `backward(root)`: set `root.grad = 1` (d root / d root), then go through the nodes from
#    the output back to the inputs and add `local_grad * node.grad` to each parent's `.grad`
#    (the chain rule). Use your `topological_sort`.
#
# micrograd's own `backward()` and `topological_order` are unavailable while the checks run:
# the point is to write them.

# %%
from micrograd import Value
from micrograd.exercises import check

# %% [markdown]
# A graph to look at: `L = (a * b + c) * f`. Its topological order starts with leaves and ends
# with `L`.

# %%
a = Value(2.0, label="a")
b = Value(-3.0, label="b")
c = Value(10.0, label="c")
f = Value(-2.0, label="f")
e = a * b
e.label = "e"
d = e + c
d.label = "d"
L = d * f
L.label = "L"
print([parent.label for parent in L.parents])  # the parents of L
print(L.local_grads)  # dL/dd = f = -2 and dL/df = d = 4


# %%
def topological_sort(root):
    """Every node that root depends on, each one after all of its parents."""
    ### BEGIN SOLUTION
    order, visited = [], set()
    stack = [(root, False)]  # an explicit stack: no recursion limit on deep graphs
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)  # post-order: after all of its parents
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for parent in node.parents:
                if parent not in visited:
                    stack.append((parent, False))
    return order
    ### END SOLUTION


# %%
check("topological_sort", topological_sort)


# %%
def backward(root):
    """Fill .grad of every node with d root / d node."""
    ### BEGIN SOLUTION
    root.grad = 1.0  # d root / d root
    for node in reversed(topological_sort(root)):  # outputs before inputs
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * node.grad  # the chain rule; += sums over every use
    ### END SOLUTION


# %%
check("backward", backward)

# %% [markdown]
# ## Why the order matters
#
# `e = a * b` is used once, but in `e + e * c` it is used twice. If `e` passed its gradient on
# before *both* uses had added their part to `e.grad`, it would pass on only half of it.
# Going through the nodes in reversed topological order guarantees that every use has been
# counted, and `+=` is what adds up the parts.
