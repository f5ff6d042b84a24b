# %% [markdown]
# # Exercise 2: the topological sort and `backward()`
#
# In exercise 1 each op learnt to pass its gradient one step back (`out._backward()`). To get
# the gradient of the output with respect to *every* node, `backward()` must call those
# closures in the right order: a node may pass its gradient on only once **every** node that
# uses it has added its part. That order is a **topological order** of the graph, read
# backwards.
#
# Here the `Value` class is given, complete (`micrograd.exercises.scaffold.Value`, the one you
# wrote in exercise 1). Write
#
# 1. `topological_sort(root)`: a list of every node that `root` depends on (root and leaves
#    included), each node **after all of its children** (`node._prev`), each node **once**;
# 2. `backward(root)`: set `root.grad = 1` (d root / d root) and call every node's `_backward`
#    from the output back to the inputs.

# %%
from micrograd.exercises import check
from micrograd.exercises.scaffold import Value

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
print([child.label for child in L._prev])  # the children of L


# %%
def topological_sort(root):
    """Every node that root depends on, each one after all of its children."""
    ### BEGIN SOLUTION
    order, visited = [], set()
    stack = [(root, False)]  # an explicit stack: no recursion limit on deep graphs
    while stack:
        node, children_done = stack.pop()
        if children_done:
            order.append(node)  # post-order: after all of its children
        elif node not in visited:
            visited.add(node)
            stack.append((node, True))
            for child in node._prev:
                if child not in visited:
                    stack.append((child, False))
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
        node._backward()
    ### END SOLUTION


# %%
check("backward", backward)

# %% [markdown]
# ## Why the order matters
#
# `e = a * b` is used once, but in `e + e * c` it is used twice. If `e._backward` ran before
# *both* uses had added their part to `e.grad`, it would pass on only half of the gradient.
# Calling the closures in reversed topological order guarantees that every use has been
# counted. And the `+=` of exercise 1 is what adds up the parts.
