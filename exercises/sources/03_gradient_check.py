# %% [markdown]
# # Exercise 3: a numerical derivative and a gradient check
#
# The course notes (导数) define the derivative as the slope `a` in
# `f(x + eps) ≈ f(x) + a * eps`. That gives a way to *estimate* it without any derivative
# rules: nudge the input and watch the output. It costs two evaluations of `f` per input,
# far too slow to train a network, but it needs nothing but `f`, which makes it the perfect
# independent check of `backward()`.
#
# The **central difference** `(f(x + eps) - f(x - eps)) / (2 * eps)` is much more accurate
# than the one-sided `(f(x + eps) - f(x)) / eps`: its error shrinks like `eps**2` instead of
# `eps`.
#
# Write
#
# 1. `numerical_grad(f, inputs, eps=1e-6)`: `f` takes plain numbers, `f(*inputs)`; return a
#    list with the central-difference derivative for each input. Do not change `inputs`.
# 2. `gradient_check(f, inputs, eps=1e-6, tol=1e-4)`: `f` takes micrograd `Value`s. Compute
#    the gradients with `backward()` and with `numerical_grad`; return `True` if they agree
#    for every input within `tol * max(1, |numerical|)` (a *relative* tolerance), else `False`.

# %%
from micrograd import Value
from micrograd.exercises import check


# %%
def numerical_grad(f, inputs, eps=1e-6):
    """Central differences: one derivative per input, f called with plain numbers."""
    ### BEGIN SOLUTION
    grads = []
    for i in range(len(inputs)):
        up = list(inputs)  # copies: the caller's list stays as it was
        down = list(inputs)
        up[i] += eps
        down[i] -= eps
        grads.append((f(*up) - f(*down)) / (2 * eps))
    return grads
    ### END SOLUTION


# %%
check("numerical_grad", numerical_grad)


# %%
def gradient_check(f, inputs, eps=1e-6, tol=1e-4):
    """True when backward() agrees with central differences for f(*Values)."""
    ### BEGIN SOLUTION
    values = [Value(x) for x in inputs]
    f(*values).backward()

    def on_numbers(*xs):
        return f(*(Value(x) for x in xs)).data

    numerical = numerical_grad(on_numbers, inputs, eps)
    return all(abs(v.grad - n) <= tol * max(1.0, abs(n)) for v, n in zip(values, numerical))
    ### END SOLUTION


# %%
check("gradient_check", gradient_check)

# %% [markdown]
# ## What a gradient check catches
#
# `x * x.detach()` has the value `x**2`, but `backward()` sees the second factor as a
# constant and gives `x` instead of `2x`. A gradient check catches exactly this kind of
# mistake, in an op you wrote yourself or in a graph built the wrong way. micrograd ships one:
# `micrograd.gradcheck(f, inputs)` also names the node whose local derivative is wrong.
