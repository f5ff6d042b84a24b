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

# %% [markdown] lang="zh"
# # 练习 2：拓扑排序与 `backward()`
#
# 在练习 1 中，每个运算学会了自己的局部导数。要得到输出对*每一个*节点的梯度，`backward()` 必须按正确的顺序在每个节点上应用链式法则：一个节点只有在**所有**用到它的节点都把自己那一份加上之后，才能把它的梯度往下传。这个顺序就是计算图的**拓扑排序**（topological order）倒过来读。
#
# 这里用的是 micrograd 自己的 `Value`。每个 Value 都知道
#
# - `v.parents`：算出它的那些 Value（叶子节点的这一项为空），以及
# - `v.local_grads`：对每个父节点的 d v / d parent，在前向传播时就已算好，
#
# 所以不需要练习 1 的任何东西。请写出
#
# 1. `topological_sort(root)`：`root` 所依赖的每个节点组成的列表（包括 root 和叶子节点），每个节点都排在**它的所有父节点之后**，每个节点只出现**一次**；
# 2. `backward(root)`：先令 `root.grad = 1`（d root / d root），然后从输出往输入依次走过各个节点，把 `local_grad * node.grad` 加到每个父节点的 `.grad` 上（链式法则）。请用上你的 `topological_sort`。
#
# 检查运行期间，micrograd 自己的 `backward()` 和 `topological_order` 不能使用：本练习的目的就是自己把它们写出来。

# %%
from micrograd import Value
from micrograd.exercises import check

# %% [markdown]
# A graph to look at: `L = (a * b + c) * f`. Its topological order starts with leaves and ends
# with `L`.

# %% [markdown] lang="zh"
# 先看一个计算图：`L = (a * b + c) * f`。它的拓扑排序从叶子节点开始，以 `L` 结束。

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

# %% [markdown] lang="zh"
# ## 为什么顺序很重要
#
# `e = a * b` 只算了一次，但在 `e + e * c` 中它被用了两次。如果 `e` 在*两处*使用都把各自那一份加进 `e.grad` 之前就把梯度往下传，它传下去的只有一半。按拓扑排序的逆序走过各个节点，就能保证每一处使用都已计入；而把各份加起来的，正是 `+=`。
