"""A corpus of typical wrong implementations: each is caught, with the expected diagnosis.

Every entry is real student-style code (a method of the exercise's Value class, a function)
with one typical mistake. The test checks three things: the check fails, the diagnosis
names the mistake (its ``kind``), and the message says where (the op) and with which numbers.
"""

from __future__ import annotations

import math
import re
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from micrograd import Value as EngineValue
from micrograd.exercises import check
from micrograd.exercises.build import solution_namespace
from micrograd.exercises.checks.ops import OpCase, hypotheses

# The finished Value of exercise 1, from the solution source of this checkout (the installed
# package has none).
ScaffoldValue = solution_namespace("01_local_derivatives")["Value"]


def value_class_with(method_source: str) -> type:
    """The exercise's Value class with one method replaced by ``method_source``."""

    class Student(ScaffoldValue):
        pass

    namespace = {"Value": Student, "math": math}
    exec(textwrap.dedent(method_source), namespace)
    for name, fn in namespace.items():
        if callable(fn) and name not in ("Value", "math"):
            setattr(Student, name, fn)
    return Student


BINARY = """
def {name}(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data {op} other.data, {children}, "{op}")
    def _backward():
        self.grad {acc} {self_local} * {chain}
        other.grad {acc} {other_local} * {chain}
    out._backward = _backward
    return out
"""

UNARY = """
def {name}(self{arg}):
    out = Value({forward}, {children}, "{name}")
    def _backward():
        self.grad {acc} {local} * {chain}
    out._backward = _backward
    return out
"""


# The right source of each method; a corpus entry changes one or two fields.
DEFAULTS = {
    "__mul__": dict(op="*", self_local="other.data", other_local="self.data"),
    "__truediv__": dict(
        op="/", self_local="(1 / other.data)", other_local="(-self.data / other.data**2)"
    ),
    "__pow__": dict(arg=", n", forward="self.data ** n", local="(n * self.data ** (n - 1))"),
    "exp": dict(arg="", forward="math.exp(self.data)", local="out.data"),
    "tanh": dict(arg="", forward="math.tanh(self.data)", local="(1 - out.data**2)"),
    "log": dict(arg="", forward="math.log(self.data)", local="(1 / self.data)"),
}


def method(name, acc="+=", chain="out.grad", **changes):
    """The source of the method ``name``, right but for ``changes`` (e.g. ``acc="="``)."""
    binary = "op" in DEFAULTS[name]
    fields = dict(DEFAULTS[name], children="(self, other)" if binary else "(self,)")
    fields.update(changes, name=name, acc=acc, chain=chain)
    return (BINARY if binary else UNARY).format(**fields)


def mul(**changes):
    return method("__mul__", **changes)


def div(**changes):
    return method("__truediv__", **changes)


unary = method  # the one-operand methods: __pow__, exp, tanh, log


# (check name, source of the wrong method, expected diagnosis kind)
OP_CORPUS = [
    ("mul", mul(acc="="), "assign-not-accumulate"),
    ("mul", mul(acc="-="), "wrong-sign"),
    ("mul", mul(chain="1"), "missing-chain-factor"),
    ("mul", mul(children="()"), "missing-parents"),
    ("mul", mul(self_local="self.data", other_local="other.data"), "swapped-operands"),
    ("mul", mul(chain="self.grad"), "wrong-chain-factor"),
    ("div", div(acc="="), "assign-not-accumulate"),
    ("div", div(other_local="(self.data / other.data**2)"), "wrong-sign"),
    ("div", div(chain="1"), "missing-chain-factor"),
    ("div", div(children="()"), "missing-parents"),
    ("div", div(other_local="(-1 / other.data**2)"), "wrong-local-derivative"),
    ("div", div(other_local="(-self.data / other.data)"), "wrong-local-derivative"),
    ("pow", unary("__pow__", local="(n * self.data ** n)"), "wrong-power-rule"),
    ("pow", unary("__pow__", local="(self.data ** (n - 1))"), "wrong-power-rule"),
    ("pow", unary("__pow__", local="(n * self.data ** (n + 1))"), "wrong-power-rule"),
    ("pow", unary("__pow__", acc="="), "assign-not-accumulate"),
    ("pow", unary("__pow__", chain="1"), "missing-chain-factor"),
    ("pow", unary("__pow__", children="()"), "missing-parents"),
    ("exp", unary("exp", local="self.data"), "wrong-local-derivative"),
    ("exp", unary("exp", acc="="), "assign-not-accumulate"),
    ("exp", unary("exp", chain="1"), "missing-chain-factor"),
    ("exp", unary("exp", acc="-="), "wrong-sign"),
    ("exp", unary("exp", children="()"), "missing-parents"),
    ("tanh", unary("tanh", local="(1 - self.data**2)"), "tanh-uses-input"),
    ("tanh", unary("tanh", local="(out.data**2 - 1)"), "wrong-sign"),
    ("tanh", unary("tanh", acc="="), "assign-not-accumulate"),
    ("tanh", unary("tanh", chain="1"), "missing-chain-factor"),
    ("tanh", unary("tanh", children="[]"), "missing-parents"),
    ("tanh", unary("tanh", local="(1 - out.data)"), "wrong-local-derivative"),
    ("log", unary("log", local="(1 / self.data**2)"), "log-derivative"),
    ("log", unary("log", local="(-1 / self.data)"), "wrong-sign"),
    ("log", unary("log", acc="="), "assign-not-accumulate"),
    ("log", unary("log", chain="1"), "missing-chain-factor"),
    ("log", unary("log", children="()"), "missing-parents"),
    ("log", unary("log", local="out.data"), "log-derivative"),
    ("mul", mul().replace("    return out\n", ""), "wrong-return-type"),
    ("mul", mul().replace("self.data * other.data,", "self.data + other.data,"), "wrong-forward"),
    (
        "mul",
        mul().replace(
            'out = Value(self.data * other.data, (self, other), "*")',
            'self.data *= other.data\n    out = Value(self.data, (self, other), "*")',
        ),
        "mutates-input",
    ),
]

METHOD_NAME = {"mul": "__mul__", "div": "__truediv__", "pow": "__pow__"}


def _id(entry):
    name, source, kind = entry
    return f"{name}-{kind}-{abs(hash(source)) % 1000:03d}"


pytestmark = pytest.mark.usefixtures("fresh_attempts")  # tests/conftest.py


def test_the_corpus_is_large_enough():
    assert len(OP_CORPUS) >= 20
    kinds = {kind for _, _, kind in OP_CORPUS}
    for required in (
        "assign-not-accumulate",
        "wrong-sign",
        "missing-chain-factor",
        "missing-parents",
        "swapped-operands",
        "wrong-power-rule",
        "tanh-uses-input",
        "log-derivative",
    ):
        assert required in kinds


def test_the_template_is_right():
    """The corpus helpers without a mistake pass: the failures below come from the mistakes."""
    cls = value_class_with("".join(method(name) for name in DEFAULTS))
    result = check("ops", cls, quiet=True)
    assert result.passed, result.messages


@pytest.mark.parametrize("entry", OP_CORPUS, ids=[_id(e) for e in OP_CORPUS])
def test_each_wrong_op_is_caught_and_named(entry):
    name, source, kind = entry
    result = check(name, value_class_with(source), quiet=True)
    assert not result.passed
    assert result.status == "failed", result.messages
    assert result.score < 1.0
    kinds = [d.kind for d in result.diagnoses]
    assert kind in kinds, f"expected {kind!r}, got {kinds}:\n{result}"
    text = str(result)
    assert f"[{kind}]" in text
    method = METHOD_NAME.get(name, name)
    assert method in text  # which op
    failing = [c for c in result.cases if not c.passed]
    assert failing and all(c.problem for c in failing)
    if kind not in ("wrong-return-type", "wrong-forward", "mutates-input", "missing-parents"):
        # the numbers: the inputs, the derivative received and the one expected
        assert "received" in text and "expected" in text
        assert "a=" in text and "out.grad=" in text


def test_a_mistake_that_is_alone_gets_no_other_diagnosis():
    result = check("tanh", value_class_with(unary("tanh", local="(1 - self.data**2)")), quiet=True)
    assert [d.kind for d in result.diagnoses] == ["tanh-uses-input"]


def test_reuse_exposes_assignment_even_without_preexisting_gradients():
    """``a * a`` with ``=``: the second line overwrites the first (1 use counted, not 2)."""
    cls = value_class_with(mul(acc="="))
    a = cls(1.5)
    out = a * a
    out.grad = 1.0
    out._backward()
    assert a.grad == 1.5  # the mistake itself, for reference: 2 * 1.5 = 3 is right
    result = check("mul", cls, quiet=True)
    reuse = [c for c in result.cases if c.inputs.get("shape") == "reuse"]
    assert reuse and not any(c.passed for c in reuse)


def test_hints_diagnose_but_never_give_the_fix(monkeypatch):
    cls = value_class_with(unary("log", local="(1 / self.data**2)"))
    first = check("log", cls, quiet=True)
    second = check("log", cls, quiet=True)
    assert (first.attempt, second.attempt) == (1, 2)
    for result in (first, second):
        text = str(result)
        assert "Hint:" in text and "log-derivative" in text
        assert "self.grad" not in text and "1 / self.data" not in text  # no code of the fix
        assert "The rule:" not in text
    monkeypatch.setenv("MICROGRAD_EXERCISES_REVEAL", "1")  # the teacher turns the rule on
    assert "The rule: d log(x)/dx = 1/x" in str(check("log", cls, quiet=True))


# --------------------------------------------------------------------------------------
# Exercise 2: topological sort and backward, on micrograd's own Values
# --------------------------------------------------------------------------------------


def topo_with(preorder=False, remember=True):
    """A depth-first topological sort; ``preorder`` lists a node before its parents,
    ``remember=False`` forgets the visited nodes (a reused node comes out more than once)."""

    def topological_sort(root):
        order, visited = [], set()

        def visit(v):
            if remember:
                if v in visited:
                    return
                visited.add(v)
            if preorder:
                order.append(v)
            for parent in v.parents:
                visit(parent)
            if not preorder:
                order.append(v)

        visit(root)
        return order

    return topological_sort


topo_right = topo_with()


def topo_leaves_missing(root):
    return [v for v in topo_right(root) if v.parents]


def backward_with(order=topo_right, seed=True, reverse=True, chain=True, accumulate=True,
                  only_root=False):  # fmt: skip
    def backward(root):
        if seed:
            root.grad = 1.0
        nodes = [root] if only_root else order(root)
        for node in reversed(nodes) if reverse else nodes:
            for parent, local in zip(node.parents, node.local_grads):
                term = local * node.grad if chain else local
                if accumulate:
                    parent.grad += term
                else:
                    parent.grad = term

    return backward


GRAPH_CORPUS = [
    ("topological_sort", topo_with(preorder=True), "topo-preorder"),
    ("topological_sort", topo_with(remember=False), "topo-duplicates"),
    ("topological_sort", topo_leaves_missing, "topo-missing-nodes"),
    ("topological_sort", lambda root: topo_right(root)[::-1], "topo-reversed"),
    ("topological_sort", lambda root: None, "wrong-return-type"),
    ("backward", backward_with(seed=False), "backward-no-seed"),
    ("backward", backward_with(reverse=False), "backward-wrong-order"),
    ("backward", backward_with(order=topo_with(remember=False)), "backward-duplicates"),
    ("backward", backward_with(only_root=True), "backward-wrong-order"),
    ("backward", backward_with(chain=False), "missing-chain-factor"),
    ("backward", backward_with(accumulate=False), "assign-not-accumulate"),
    ("backward", lambda root: root.backward(), "library-unavailable"),
    ("topological_sort", lambda root: __import__("micrograd").topological_order(root),
     "library-unavailable"),
]  # fmt: skip


def assert_caught_and_named(name, student, kind):
    """The check of ``name`` fails (or errors) with a score below 1 and names ``kind``."""
    result = check(name, student, quiet=True)
    assert result.status in ("failed", "error"), result.messages
    assert result.score < 1
    assert kind in [d.kind for d in result.diagnoses], str(result)


@pytest.mark.parametrize("entry", GRAPH_CORPUS, ids=[f"{e[0]}-{e[2]}" for e in GRAPH_CORPUS])
def test_each_wrong_graph_walk_is_caught_and_named(entry):
    assert_caught_and_named(*entry)


def test_the_right_graph_walk_passes():
    assert check("topological_sort", topo_right, quiet=True).passed
    assert check("backward", backward_with(), quiet=True).passed


# --------------------------------------------------------------------------------------
# Exercise 3: numerical derivatives and gradient checks
# --------------------------------------------------------------------------------------


def ng_right(f, inputs, eps=1e-6):
    grads = []
    for i in range(len(inputs)):
        up, down = list(inputs), list(inputs)
        up[i] += eps
        down[i] -= eps
        grads.append((f(*up) - f(*down)) / (2 * eps))
    return grads


def ng_forward(f, inputs, eps=1e-6):
    grads = []
    for i in range(len(inputs)):
        up = list(inputs)
        up[i] += eps
        grads.append((f(*up) - f(*inputs)) / eps)
    return grads


def ng_no_two(f, inputs, eps=1e-6):
    return [2 * g * eps / eps for g in ng_right(f, inputs, eps)]


def ng_in_place(f, inputs, eps=1e-6):
    grads = []
    for i in range(len(inputs)):
        inputs[i] += eps
        up = f(*inputs)
        inputs[i] -= 2 * eps
        grads.append((up - f(*inputs)) / (2 * eps))
    return grads


def gc_with(tolerance):
    def gradient_check(f, inputs, eps=1e-6, tol=1e-4):
        values = [EngineValue(x) for x in inputs]
        f(*values).backward()
        numerical = ng_right(lambda *xs: f(*(EngineValue(x) for x in xs)).data, inputs, eps)
        return all(abs(v.grad - n) <= tolerance(tol, n) for v, n in zip(values, numerical))

    return gradient_check


NUMERIC_CORPUS = [
    ("numerical_grad", ng_forward, "forward-difference"),
    ("numerical_grad", ng_no_two, "central-without-2"),
    ("numerical_grad", lambda f, xs, eps=1e-6: [-g for g in ng_right(f, xs, eps)], "central-sign"),
    ("numerical_grad", ng_in_place, "mutates-input"),
    ("numerical_grad", lambda f, xs, eps=1e-6: sum(ng_right(f, xs, eps)), "wrong-return-type"),
    ("gradient_check", lambda f, xs, eps=1e-6, tol=1e-4: True, "always-true"),
    ("gradient_check", lambda f, xs, eps=1e-6, tol=1e-4: False, "always-false"),
    ("gradient_check", gc_with(lambda tol, n: tol), "absolute-tolerance"),
    ("gradient_check", gc_with(lambda tol, n: 0.1 * max(1, abs(n))), "tolerance-too-loose"),
    ("gradient_check", lambda f, xs, eps=1e-6, tol=1e-4: 1, "wrong-return-type"),
]


@pytest.mark.parametrize("entry", NUMERIC_CORPUS, ids=[e[2] for e in NUMERIC_CORPUS])
def test_each_wrong_numerical_derivative_is_caught_and_named(entry):
    name, fn, kind = entry
    result = check(name, fn, quiet=True)
    assert result.status == "failed", result.messages
    assert kind in [d.kind for d in result.diagnoses], str(result)


def test_the_right_numerical_derivative_and_check_pass():
    assert check("numerical_grad", ng_right, quiet=True).passed
    assert check("gradient_check", gc_with(lambda tol, n: tol * max(1, abs(n))), quiet=True).passed


# --------------------------------------------------------------------------------------
# Exercise 7: d loss / d W
# --------------------------------------------------------------------------------------


def _residual(W, x, y):
    return [sum(w * xj for w, xj in zip(row, x)) - t for row, t in zip(W, y)]


def by_hand(W, x, y):
    r = _residual(W, x, y)
    return [[2 * r[i] * x[j] for j in range(len(x))] for i in range(len(W))]


SHAPE_CORPUS = [
    (lambda W, x, y: [list(col) for col in zip(*by_hand(W, x, y))], "transposed"),
    (lambda W, x, y: [[g / 2 for g in row] for row in by_hand(W, x, y)], "missing-factor-2"),
    (lambda W, x, y: [[-g for g in row] for row in by_hand(W, x, y)], "wrong-sign"),
    (lambda W, x, y: [g for row in by_hand(W, x, y) for g in row], "flat"),
    (
        lambda W, x, y: [
            2 * sum(W[i][j] * r for i, r in enumerate(_residual(W, x, y))) for j in range(len(x))
        ],
        "wrong-variable",
    ),
]


@pytest.mark.parametrize("entry", SHAPE_CORPUS, ids=[e[1] for e in SHAPE_CORPUS])
@pytest.mark.parametrize("name", ["grad_W_by_hand", "grad_W_with_engine"])
def test_each_wrong_gradient_of_W_is_caught_and_named(entry, name):
    fn, kind = entry
    result = check(name, fn, quiet=True)
    assert result.status == "failed", result.messages
    assert kind in [d.kind for d in result.diagnoses], str(result)


def test_a_transposed_square_gradient_is_caught_by_its_numbers():
    """For a square W the shape is right: only the numbers show the transposition."""
    result = check(
        "grad_W_by_hand", lambda W, x, y: [list(c) for c in zip(*by_hand(W, x, y))], quiet=True
    )
    square = [c for c in result.cases if len(c.inputs["W"]) == len(c.inputs["x"]) > 1]
    assert square and not any(c.passed for c in square)
    assert any("d loss/d W[" in c.problem for c in square)


# --------------------------------------------------------------------------------------
# Exercises 4-6: the network, the optimizers, the training loop
# --------------------------------------------------------------------------------------


# The right ones are the teacher's solutions; each wrong one below changes one method.
NETWORK = solution_namespace("04_neural_network")
NeuronRight = NETWORK["Neuron"]


class NeuronNoActivation(NeuronRight):
    def __call__(self, x):
        return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)


class NeuronOnData(NeuronRight):
    def __call__(self, x):
        act = sum(wi.data * xi for wi, xi in zip(self.w, x)) + self.b.data
        return EngineValue(math.tanh(act) if self.nonlin else act)


class NeuronCopies(NeuronRight):
    def parameters(self):
        return [EngineValue(p.data) for p in [*self.w, self.b]]


class NeuronNoBias(NeuronRight):
    def parameters(self):
        return list(self.w)


class NeuronForgetsBias(NeuronRight):  # the bias starts at 0: only a nonzero one shows
    def __call__(self, x):
        act = sum(wi * xi for wi, xi in zip(self.w, x))
        return act.tanh() if self.nonlin else act


class LayerAliased(NETWORK["Layer"]):
    def __init__(self, nin, nout, **kwargs):
        self.neurons = [NeuronRight(nin, **kwargs)] * nout  # one neuron, nout times


class NeuronWrapsTheLibrary:
    def __init__(self, nin, nonlin=True):
        from micrograd import nn

        self.inner = nn.Neuron(nin, activation="tanh" if nonlin else "linear")
        self.w, self.b = self.inner.w, self.inner.b

    def __call__(self, x):
        return self.inner(x)

    def parameters(self):
        return self.inner.parameters()


SGDRight = solution_namespace("05_optimizers")["SGD"]


class SGDUphill(SGDRight):
    def step(self):
        for p in self.params:
            p.data += self.lr * p.grad


class SGDNoLR(SGDRight):
    def step(self):
        for p in self.params:
            p.data -= p.grad


class MomentumForgets(SGDRight):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr)
        self.momentum = momentum

    def step(self):
        for p in self.params:
            velocity = 0.0  # recreated every step: nothing is remembered
            velocity = self.momentum * velocity + p.grad
            p.data -= self.lr * velocity


class MomentumAverage(MomentumForgets):
    def __init__(self, params, lr=0.01, momentum=0.9):
        super().__init__(params, lr, momentum)
        self.v = [0.0] * len(self.params)

    def step(self):
        for i, p in enumerate(self.params):
            self.v[i] = self.momentum * self.v[i] + (1 - self.momentum) * p.grad
            p.data -= self.lr * self.v[i]


class MomentumAverageNoLR(MomentumAverage):  # right only when lr == 1 - momentum
    def step(self):
        for i, p in enumerate(self.params):
            self.v[i] = self.momentum * self.v[i] + (1 - self.momentum) * p.grad
            p.data -= self.v[i]


class SGDWrapsTheLibrary:
    def __init__(self, params, lr=0.01):
        from micrograd import optim

        self.inner = optim.SGD(params, lr=lr)

    def step(self):
        self.inner.step()

    def zero_grad(self):
        self.inner.zero_grad()


def adam_class(bias_correction=True, eps_inside=False):
    class Adam(SGDRight):
        def __init__(self, params, lr=0.001, betas=(0.9, 0.999), eps=1e-8):
            super().__init__(params, lr)
            self.betas, self.eps, self.t = betas, eps, 0
            self.m = [0.0] * len(self.params)
            self.v = [0.0] * len(self.params)

        def step(self):
            b1, b2 = self.betas
            self.t += 1
            for i, p in enumerate(self.params):
                self.m[i] = b1 * self.m[i] + (1 - b1) * p.grad
                self.v[i] = b2 * self.v[i] + (1 - b2) * p.grad**2
                m, v = self.m[i], self.v[i]
                if bias_correction:
                    m, v = m / (1 - b1**self.t), v / (1 - b2**self.t)
                denominator = math.sqrt(v + self.eps) if eps_inside else math.sqrt(v) + self.eps
                p.data -= self.lr * m / denominator

    return Adam


def hinge_right(scores, labels):
    return sum(((1 - y * s).relu() for s, y in zip(scores, labels)), 0.0) / len(scores)


def step_with(order):
    def train_step(model, optimizer, X, y):
        loss = None
        for action in order:
            if action == "zero":
                optimizer.zero_grad()
            elif action == "loss":
                loss = hinge_right([model(x) for x in X], y)
            elif action == "backward":
                loss.backward()
            elif action == "step":
                optimizer.step()
        return loss.data

    return train_step


def train_with(train_step):
    def train(model, optimizer, X, y, steps):
        return [train_step(model, optimizer, X, y) for _ in range(steps)]

    return train


RIGHT_STEP = ["zero", "loss", "backward", "step"]

NETWORK_CORPUS = [
    ("neuron", NeuronNoActivation, "missing-activation"),
    ("neuron", NeuronOnData, "detached-output"),
    ("neuron", NeuronCopies, "parameter-copies"),
    ("neuron", NeuronNoBias, "missing-bias"),
    ("sgd", SGDUphill, "gradient-ascent"),
    ("sgd", SGDNoLR, "missing-lr"),
    ("momentum", MomentumForgets, "momentum-not-kept"),
    ("momentum", MomentumAverage, "momentum-ema"),
    ("adam", adam_class(bias_correction=False), "no-bias-correction"),
    ("adam", adam_class(eps_inside=True), "eps-inside-sqrt"),
    ("hinge_loss", lambda s, y: hinge_right(s, y) * len(s), "sum-not-mean"),
    ("hinge_loss", lambda s, y: sum(1 - t * v for v, t in zip(s, y)) / len(s), "missing-relu"),
    ("train_step", step_with(["loss", "backward", "step"]), "no-zero-grad"),
    ("train_step", step_with(["loss", "backward", "zero", "step"]), "step-sees-no-gradients"),
    ("train_step", step_with(["zero", "step", "loss", "backward"]), "step-sees-no-gradients"),
    ("train_step", step_with(["step", "zero", "loss", "backward"]), "step-before-backward"),
    ("train", train_with(step_with(["loss", "backward", "zero", "step"])), "no-progress"),
    ("neuron", NeuronForgetsBias, "missing-bias"),
    ("neuron", NeuronWrapsTheLibrary, "library-unavailable"),
    ("layer", LayerAliased, "aliased-neurons"),
    ("momentum", MomentumAverageNoLR, "momentum-ema-no-lr"),
    ("sgd", SGDWrapsTheLibrary, "library-unavailable"),
    ("hinge_loss", lambda s, y: __import__("micrograd").losses.hinge(s, y), "library-unavailable"),
    ("train", lambda model, optimizer, X, y, steps: [0.0] * steps, "wrong-step-count"),
    ("train", lambda model, optimizer, X, y, steps: [0.0] * steps, "wrong-losses"),
]


@pytest.mark.parametrize("entry", NETWORK_CORPUS, ids=[f"{e[0]}-{e[2]}" for e in NETWORK_CORPUS])
def test_each_wrong_network_optimizer_or_loop_is_caught_and_named(entry):
    assert_caught_and_named(*entry)


def test_a_model_message_names_the_parameter_and_the_numbers():
    class NeuronDetachedBias(NeuronRight):  # the right output, but b is a copy: no gradient
        def __call__(self, x):
            act = sum((wi * xi for wi, xi in zip(self.w, x)), EngineValue(self.b.data))
            return act.tanh() if self.nonlin else act

    class LayerOfThose(LayerAliased):
        def __init__(self, nin, nout, **kwargs):
            self.neurons = [NeuronDetachedBias(nin, **kwargs) for _ in range(nout)]

    result = check("neuron", NeuronDetachedBias, quiet=True)
    assert not result.passed
    assert re.search(r"• .*: b: expected grad -?\d.*, got 0", str(result)), str(result)
    result = check("layer", LayerOfThose, quiet=True)
    assert re.search(r"neurons\.0\.b: expected grad -?\d.*, got 0", str(result)), str(result)


def train_step_calling(hinge_loss_source: str):
    """A right train_step that calls the student's own hinge_loss, defined by the source."""
    namespace: dict = {}
    exec(
        hinge_loss_source + "def train_step(model, optimizer, X, y):\n"
        "    optimizer.zero_grad()\n"
        "    loss = hinge_loss([model(x) for x in X], y)\n"
        "    loss.backward()\n"
        "    optimizer.step()\n"
        "    return loss.data\n",
        namespace,
    )
    return namespace["train_step"]


def test_a_wrong_earlier_part_is_named_instead_of_misdiagnosed():
    train_step = train_step_calling(
        "def hinge_loss(scores, labels):\n"
        "    return sum(((1 - y * s).relu() for s, y in zip(scores, labels)), 0.0)\n"  # a sum
    )
    result = check("train_step", train_step, quiet=True)
    assert not result.passed
    assert [d.kind for d in result.diagnoses] == ["fix-earlier-part"]
    assert "hinge_loss" in str(result) and "first" in str(result)


def test_the_right_network_optimizers_and_loop_pass():
    assert check("neuron", NeuronRight, quiet=True).passed
    assert check("sgd", SGDRight, quiet=True).passed
    assert check("adam", adam_class(), quiet=True).passed
    assert check("hinge_loss", hinge_right, quiet=True).passed
    assert check("train_step", step_with(RIGHT_STEP), quiet=True).passed


# --------------------------------------------------------------------------------------
# The diagnosis model against real code: each hypothesis predicts what its code computes
# --------------------------------------------------------------------------------------


FORMULA_CODE = {"b": "other.data", "a": "self.data", "1": "1.0"}
CHAIN_CODE = {"out.grad": "out.grad", "nothing": "1.0", "self.grad": "self.grad"}
MUL_HYPOTHESES = hypotheses("mul", 0)
MUL_MUTANTS = [
    value_class_with(
        mul(
            acc="+=" if h.accumulate else "=",
            self_local=("" if h.sign > 0 else "-") + f"({FORMULA_CODE[h.formula.text]})",
            chain=CHAIN_CODE[h.chain],
        )
    )
    for h in MUL_HYPOTHESES
]
finite = st.floats(min_value=-3, max_value=3, allow_nan=False).map(lambda x: round(x, 3))


@settings(max_examples=40, deadline=None)
@given(a=finite, b=finite, upstream=finite, pre=finite)
def test_every_mul_hypothesis_predicts_what_its_code_computes(a, b, upstream, pre):
    case = OpCase("mul", "binary", (a, b), upstream, (pre, 0.0))
    for h, cls in zip(MUL_HYPOTHESES, MUL_MUTANTS):
        x, y = cls(a), cls(b)
        x.grad = pre
        out = x * y
        out.grad = upstream
        out._backward()
        predicted = h.predict((a, b, a * b), case.upstream, pre)
        assert x.grad == pytest.approx(predicted, rel=1e-9, abs=1e-12), h


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_a_correct_implementation_passes_for_any_seed(seed):
    assert check("ops", ScaffoldValue, quiet=True, seed=seed).passed


# --------------------------------------------------------------------------------------
# Hints: one per wrong formula, never repeated, never the fix
# --------------------------------------------------------------------------------------


def test_each_wrong_formula_has_a_hint_of_its_own():
    from micrograd.exercises.checks.ops import FORMULAS

    wrong = [f for formulas in FORMULAS.values() for f in formulas if f.kind != "correct"]
    hints = [f.hint for f in wrong]
    assert all(hints) and len(set(hints)) == len(hints)
    messages = [f.message for f in wrong]
    assert len(set(messages)) == len(messages)
    for text in hints + messages:
        assert "+=" not in text and "out.grad" not in text, text  # no line of the fix


def test_a_wrong_gradient_on_the_first_input_only_is_caught():
    def first_wrong(f, inputs, eps=1e-6):
        grads = ng_right(f, inputs, eps)
        return [grads[0] * 1.01, *grads[1:]]

    result = check("numerical_grad", first_wrong, quiet=True)
    assert not result.passed
    assert any("d/dx: received" in c.problem for c in result.cases if not c.passed)
    cls = value_class_with(mul(self_local="other.data * 1.01"))
    result = check("mul", cls, quiet=True)
    assert not result.passed and "a.grad received" in str(result)
    assert "b.grad received" not in str(result)


def test_a_backward_whose_gradients_are_too_large_is_caught():
    right = backward_with()

    def twice(root):  # the whole pass twice: every gradient comes out too large
        right(root)
        right(root)

    result = check("backward", twice, quiet=True)
    assert result.status == "failed" and result.score < 0.5
