"""Exercise 4: a Neuron, a Layer and an MLP, checked against ``micrograd.nn``.

The student's classes keep the template's attribute names (``Neuron.w``, ``Neuron.b``,
``Layer.neurons``, ``MLP.layers``), so the checker can copy the student's weights into
micrograd's own ``Neuron``/``Layer``/``MLP`` (the reference) and compare the outputs and the
gradients of the weights, case by case. The activation is tanh, except the MLP's last layer,
which is linear (a raw score), as in ``micrograd.nn.MLP(..., activation="tanh")``.
"""

from __future__ import annotations

import math

from micrograd import nn
from micrograd.engine import Value
from micrograd.exercises.core import Context, Stop, close, exercise, fmt


def _outputs(out) -> list:
    return list(out) if isinstance(out, (list, tuple)) else [out]


def _neuron_weights(neuron, where: str):
    w, b = getattr(neuron, "w", None), getattr(neuron, "b", None)
    if not isinstance(w, (list, tuple)) or not all(isinstance(v, Value) for v in w):
        raise Stop("error", f"{where} needs `self.w`, a list of Values (as in the template).")
    if not isinstance(b, Value):
        raise Stop("error", f"{where} needs `self.b`, a Value (as in the template).")
    return list(w), b


def _copy_into(ref_neuron: nn.Neuron, w, b) -> None:
    for r, s in zip(ref_neuron.w, w):
        r.data = s.data
    ref_neuron.b.data = b.data


def _inputs(ctx: Context, n: int) -> list[float]:
    return [round(ctx.rng.uniform(-2, 2), 2) for _ in range(n)]


def _check_parameters(obj, expected: list, where: str, ctx: Context, name: str) -> bool:
    outcome = ctx.call(obj.parameters, what=f"{where}.parameters")
    if not outcome.ok:
        ctx.error_case(f"{name}: parameters()", outcome)
        return False
    params = outcome.value
    problem = ""
    if not isinstance(params, (list, tuple)):
        problem = f"parameters() returned {type(params).__name__}, not a list"
    elif any(isinstance(p, (list, tuple)) for p in params):
        problem = "parameters() returned a nested list"
        ctx.diagnose(
            "nested-parameters",
            f"{where}.parameters() returns a list of lists; it must be one flat list "
            "of Values (an optimizer loops over it).",
            "Collect the parameters of the parts with `+=` or a comprehension with two "
            "`for`s: [p for n in self.neurons for p in n.parameters()].",
        )
    else:
        got, want = {id(p) for p in params}, {id(p) for p in expected}
        if len(params) != len(expected):
            problem = f"parameters() has {len(params)} Values, expected {len(expected)}"
            if len(params) == len(expected) - _bias_count(expected, obj):
                ctx.diagnose(
                    "missing-bias",
                    f"{where}.parameters() leaves out the bias: a neuron has nin "
                    "weights *and* a bias.",
                    "return self.w + [self.b]",
                )
            else:
                ctx.diagnose(
                    "parameter-count",
                    f"{where}.parameters() returns {len(params)} Values; a Neuron has "
                    "nin + 1 (weights and bias), a Layer nout * (nin + 1), an MLP the "
                    "sum over its layers.",
                    "Return the parameters of every part, each once.",
                )
        elif got != want:
            problem = "parameters() returns other Values than the model's weights"
            ctx.diagnose(
                "parameter-copies",
                f"{where}.parameters() returns new Values (copies), not the ones the "
                "model computes with: an optimizer stepping them changes nothing.",
                "Return the Value objects themselves (self.w, self.b), not Value(w.data).",
            )
    ctx.case(f"{name}: parameters()", not problem, problem=problem)
    return not problem


def _bias_count(expected: list, obj) -> int:
    if hasattr(obj, "layers"):
        return sum(len(getattr(layer, "neurons", [])) for layer in obj.layers)
    if hasattr(obj, "neurons"):
        return len(obj.neurons)
    return 1


def _compare(
    name: str,
    student_out,
    ref_out,
    student_params,
    ref_params,
    ctx: Context,
    variants: dict[str, list[float]],
    where: str,
) -> None:
    got, want = _outputs(student_out), _outputs(ref_out)
    inputs = {"case": name}
    if not all(isinstance(v, Value) for v in got):
        ctx.case(
            name,
            False,
            inputs=inputs,
            problem=f"returned {type(student_out).__name__}, not Value(s)",
        )
        ctx.diagnose(
            "wrong-return-type",
            f"{where} must return a Value (one output) or a list of Values, got "
            f"{type(student_out).__name__}.",
            "Build the output from the Values w, b and x with Value operations, so that "
            "backward() can reach the weights.",
        )
        return
    if len(got) != len(want):
        ctx.case(name, False, inputs=inputs, problem=f"{len(got)} outputs, expected {len(want)}")
        ctx.diagnose(
            "output-count",
            f"{where} returns {len(got)} outputs, expected {len(want)}.",
            "A Layer returns one output per neuron (a single Value when it has one).",
        )
        return
    values = [v.data for v in got]
    expected = [v.data for v in want]
    if not all(close(a, b) for a, b in zip(values, expected)):
        ctx.case(
            name,
            False,
            inputs=inputs,
            received=values,
            expected=expected,
            problem=f"output {fmt(values[0])}, expected {fmt(expected[0])}",
        )
        for kind, variant in variants.items():
            if all(close(a, b) for a, b in zip(values, variant)):
                message, *hints = FORWARD_MISTAKES[kind]
                ctx.diagnose(kind, f"{where}: {message}", *hints)
                break
        return
    # Gradients: backward from the sum of the outputs, student and reference.
    loss = got[0]
    for v in got[1:]:
        loss = loss + v
    ref_loss = want[0]
    for v in want[1:]:
        ref_loss = ref_loss + v
    for p in student_params:
        p.grad = 0.0
    outcome = ctx.call(loss.backward, what="backward() through your model")
    if not outcome.ok:
        ctx.error_case(name, outcome, inputs)
        return
    ref_loss.backward()
    grads = [p.grad for p in student_params]
    ref_grads = [p.grad for p in ref_params]
    if not all(close(a, b) for a, b in zip(grads, ref_grads)):
        ctx.case(
            name,
            False,
            inputs=inputs,
            received=grads,
            expected=ref_grads,
            problem="the weights' gradients are wrong after backward()",
        )
        if all(g == 0 for g in grads):
            ctx.diagnose(
                "detached-output",
                f"{where}: backward() from the output leaves every weight's gradient at "
                "0: the output was computed from plain numbers (.data), so the graph "
                "does not reach the weights.",
                "Use the Values themselves: `w * x`, not `w.data * x`.",
            )
        return
    ctx.case(name, True, inputs=inputs, received=values, expected=expected)


FORWARD_MISTAKES = {
    "missing-activation": (
        "the activation (tanh) is missing: the output is the weighted sum itself.",
        "A hidden neuron squashes its weighted sum: `act.tanh()`.",
    ),
    "activation-on-linear": (
        "the neuron applies tanh although nonlin=False.",
        "Return the weighted sum itself when self.nonlin is False.",
    ),
    "missing-bias": ("the bias is not added to the weighted sum.", "act = sum(w_i * x_i) + b"),
    "tanh-on-output": (
        "the last layer applies tanh; it should be linear (nonlin=False), so "
        "that the output is a raw score of any size.",
        "Make the layers with nonlin=(i != len(nouts) - 1).",
    ),
    "no-hidden-activation": (
        "the hidden layers are linear; they should apply tanh (only the last layer is linear).",
        "Make the layers with nonlin=(i != len(nouts) - 1).",
    ),
}


def _neuron_variants(w, b, x, nonlin: bool) -> dict[str, list[float]]:
    z = sum(wi.data * xi for wi, xi in zip(w, x))
    if nonlin:
        return {"missing-activation": [z + b.data], "missing-bias": [math.tanh(z)]}
    return {"activation-on-linear": [math.tanh(z + b.data)], "missing-bias": [z]}


@exercise("neuron", "a Neuron: tanh(w . x + b)", "your Neuron class")
def run_neuron(Neuron, ctx: Context) -> None:
    for nin in (1, 2, 3, 5):
        for nonlin in (True, False):
            made = ctx.call(Neuron, nin, nonlin=nonlin, what="Neuron(nin, nonlin=...)")
            name = f"Neuron({nin}, nonlin={nonlin})"
            if not made.ok:
                ctx.error_case(name, made)
                continue
            neuron = made.value
            w, b = _neuron_weights(neuron, "Neuron")
            if len(w) != nin:
                ctx.case(name, False, problem=f"{len(w)} weights, expected {nin}")
                ctx.diagnose(
                    "weight-count",
                    f"Neuron({nin}) has {len(w)} weights; it needs one per input.",
                    "self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]",
                )
                continue
            if nin > 1 and len({p.data for p in w}) == 1:
                ctx.diagnose(
                    "equal-weights",
                    "all the weights of a Neuron start equal; start "
                    "them at random numbers so that neurons learn different things.",
                    "random.uniform(-1, 1) for each weight.",
                )
            _check_parameters(neuron, [*w, b], "Neuron", ctx, name)
            ref = nn.Neuron(nin, activation="tanh" if nonlin else "linear")
            _copy_into(ref, w, b)
            x = _inputs(ctx, nin)
            given = list(x)
            out = ctx.call(neuron, given, what="Neuron.__call__")
            case = f"{name} on x = {x}"
            if not out.ok:
                ctx.error_case(case, out)
                continue
            if given != x:
                ctx.case(case, False, problem="the input list was changed")
                continue
            _compare(
                case,
                out.value,
                ref(x),
                [*w, b],
                [*ref.w, ref.b],
                ctx,
                _neuron_variants(w, b, x, nonlin),
                "Neuron.__call__",
            )


@exercise("layer", "a Layer: nout neurons on the same inputs", "your Layer class")
def run_layer(Layer, ctx: Context) -> None:
    for nin, nout in ((2, 3), (3, 1), (1, 4)):
        name = f"Layer({nin}, {nout})"
        made = ctx.call(Layer, nin, nout, what="Layer(nin, nout)")
        if not made.ok:
            ctx.error_case(name, made)
            continue
        layer = made.value
        neurons = getattr(layer, "neurons", None)
        if not isinstance(neurons, (list, tuple)) or len(neurons) != nout:
            ctx.case(name, False, problem="self.neurons is not a list of nout neurons")
            ctx.diagnose(
                "neuron-count",
                "Layer(nin, nout) needs `self.neurons`, a list of nout Neurons.",
                "self.neurons = [Neuron(nin, **kwargs) for _ in range(nout)]",
            )
            continue
        weights = [_neuron_weights(n, "Layer.neurons[i]") for n in neurons]
        params = [p for w, b in weights for p in (*w, b)]
        _check_parameters(layer, params, "Layer", ctx, name)
        ref = nn.Layer(nin, nout, activation="tanh")
        for r, (w, b) in zip(ref.neurons, weights):
            _copy_into(r, w, b)
        x = _inputs(ctx, nin)
        out = ctx.call(layer, list(x), what="Layer.__call__")
        case = f"{name} on x = {x}"
        if not out.ok:
            ctx.error_case(case, out)
            continue
        ref_params = [p for n in ref.neurons for p in (*n.w, n.b)]
        _compare(case, out.value, ref(x), params, ref_params, ctx, {}, "Layer.__call__")


@exercise("mlp", "an MLP: layers of neurons, tanh inside, linear output", "your MLP class")
def run_mlp(MLP, ctx: Context) -> None:
    for nin, sizes in ((2, [4, 1]), (3, [4, 4, 1]), (2, [3, 2]), (1, [1])):
        name = f"MLP({nin}, {sizes})"
        made = ctx.call(MLP, nin, list(sizes), what="MLP(nin, nouts)")
        if not made.ok:
            ctx.error_case(name, made)
            continue
        model = made.value
        layers = getattr(model, "layers", None)
        if not isinstance(layers, (list, tuple)) or len(layers) != len(sizes):
            ctx.case(name, False, problem="self.layers is not a list with one Layer per size")
            ctx.diagnose(
                "layer-count",
                "MLP(nin, nouts) needs `self.layers`, one Layer per entry of nouts.",
                "sizes = [nin] + nouts; self.layers = "
                "[Layer(sizes[i], sizes[i + 1], ...) for i in range(len(nouts))]",
            )
            continue
        widths = [nin, *sizes]
        ok = True
        weights = []
        for i, layer in enumerate(layers):
            neurons = getattr(layer, "neurons", [])
            shapes = [len(getattr(n, "w", [])) for n in neurons]
            if len(neurons) != widths[i + 1] or any(s != widths[i] for s in shapes):
                ctx.case(
                    name,
                    False,
                    problem=f"layer {i} has {len(neurons)} neurons of "
                    f"{shapes[:1]} inputs, expected {widths[i + 1]} of {widths[i]}",
                )
                ctx.diagnose(
                    "layer-sizes",
                    "the layers' sizes do not chain: layer i takes "
                    "sizes[i] inputs and has sizes[i + 1] neurons, with "
                    "sizes = [nin] + nouts.",
                    "Layer(sizes[i], sizes[i + 1]) for i in range(len(nouts))",
                )
                ok = False
                break
            weights.append([_neuron_weights(n, "MLP.layers[i].neurons[j]") for n in neurons])
        if not ok:
            continue
        params = [p for layer in weights for w, b in layer for p in (*w, b)]
        _check_parameters(model, params, "MLP", ctx, name)
        refs = {
            "": nn.MLP(nin, sizes, activation="tanh", output_activation="linear"),
            "tanh-on-output": nn.MLP(nin, sizes, activation="tanh", output_activation="tanh"),
            "no-hidden-activation": nn.MLP(nin, sizes, activation="linear"),
        }
        for ref in refs.values():
            for ref_layer, layer in zip(ref.layers, weights):
                for r, (w, b) in zip(ref_layer.neurons, layer):
                    _copy_into(r, w, b)
        x = _inputs(ctx, nin)
        out = ctx.call(model, list(x), what="MLP.__call__")
        case = f"{name} on x = {x}"
        if not out.ok:
            ctx.error_case(case, out)
            continue
        variants = {kind: [v.data for v in _outputs(ref(x))] for kind, ref in refs.items() if kind}
        ref_params = refs[""].parameters()
        _compare(case, out.value, refs[""](x), params, ref_params, ctx, variants, "MLP.__call__")
