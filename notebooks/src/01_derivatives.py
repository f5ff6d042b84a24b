# %% [markdown]
# # 1. Derivatives: how much does the loss move when a weight moves? (导数)
#
# **What you will learn**
#
# - what the derivative (导数) of a smooth function is: the slope (斜率) `a` in
#   `f(x + eps) ≈ y + a * eps`, and how to estimate it with two evaluations of `f`;
# - the "naive method" of the course notes: nudge one coefficient, rerun the forward pass (前向传播),
#   see whether the loss (损失) went up or down;
# - what that costs: **two forward passes per parameter**, measured on real networks, against
#   **one backward pass (反向传播) for all of them**.

# %%
import math

import matplotlib.pyplot as plt

from micrograd import Value

print(Value(2.0) * 3)

# %% [markdown]
# ## Try it
#
# 1. one
# 2. two
