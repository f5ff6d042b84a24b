"""Exercise 4: a Neuron, a Layer and an MLP, checked against the same model computed here.

The student's classes keep the template's attribute names (``Neuron.w``, ``Neuron.b``,
``Layer.neurons``, ``MLP.layers``). The student's side builds the model, **sets its weights
and biases** to numbers the judge chose (biases nonzero, so a bias that is never added shows;
every neuron different, so neurons that are one object, ``[Neuron(nin)] * nout``, show), runs
it on an input, runs ``backward()`` from the sum of its outputs, and reports plain numbers:
the outputs, each parameter's gradient, and what ``parameters()`` returned (as parameter
names). The judge computes the same model with micrograd's engine and names the parameter
whose gradient differs (``layers.0.neurons.1.b: expected grad 0.42, got 0``).
"""

from __future__ import annotations

from micrograd import engine
from micrograd.exercises.core import Context, Stop, all_close, close, exercise, fmt
from micrograd.i18n import N_, _

# The library's own Neuron, Layer and MLP (every method, their base class's too).
FORBIDDEN = ("micrograd.nn.Neuron", "micrograd.nn.Layer", "micrograd.nn.MLP")


# --------------------------------------------------------------------------------------
# Inputs: shapes, weights and an input vector
# --------------------------------------------------------------------------------------


def _num(rng, lo=-1.0, hi=1.0, avoid_zero=True) -> float:
    x = round(rng.uniform(lo, hi), 2)
    return x if not avoid_zero or abs(x) >= 0.1 else 0.35


def _layer_weights(rng, nin: int, nout: int) -> list[list[float]]:
    """One row per neuron: nin weights, then the bias (never 0)."""
    return [[_num(rng) for _ in range(nin)] + [_num(rng, -0.8, 0.8)] for _ in range(nout)]


def _case(rng, kind: str, nin: int, sizes: list[int], nonlin: bool = True) -> dict:
    widths = [nin, *sizes]
    return {
        "kind": kind,
        "nin": nin,
        "sizes": sizes,
        "nonlin": nonlin,
        "weights": [_layer_weights(rng, widths[i], widths[i + 1]) for i in range(len(sizes))],
        "x": [_num(rng, -2.0, 2.0) for _ in range(nin)],
    }


def _neuron_inputs(rng):
    return [
        _case(rng, "neuron", nin, [1], nonlin) for nin in (1, 2, 3, 5) for nonlin in (True, False)
    ]


def _layer_inputs(rng):
    return [_case(rng, "layer", nin, [nout]) for nin, nout in ((2, 3), (3, 1), (1, 4), (3, 3))]


def _mlp_inputs(rng):
    shapes = ((2, [4, 1]), (3, [4, 4, 1]), (2, [3, 2]), (1, [1]))
    return [_case(rng, "mlp", nin, list(sizes)) for nin, sizes in shapes]


def _prefix(kind: str, layer: int, neuron: int) -> str:
    if kind == "neuron":
        return ""
    if kind == "layer":
        return f"neurons.{neuron}."
    return f"layers.{layer}.neurons.{neuron}."


def parameter_names(case: dict) -> list[str]:
    """Every parameter's name, in the order of ``weights`` (w.0, w.1, ..., b per neuron)."""
    names = []
    for i, layer in enumerate(case["weights"]):
        for j, row in enumerate(layer):
            p = _prefix(case["kind"], i, j)
            names += [f"{p}w.{k}" for k in range(len(row) - 1)] + [f"{p}b"]
    return names


# --------------------------------------------------------------------------------------
# The student's side
# --------------------------------------------------------------------------------------


def _structure(model, kind: str) -> list[list]:
    """The model as layers of neurons, through the template's attribute names."""
    if kind == "neuron":
        return [[model]]
    if kind == "layer":
        neurons = getattr(model, "neurons", None)
        if not isinstance(neurons, (list, tuple)):
            raise Stop(
                "error", _("Layer needs `self.neurons`, a list of Neurons (as in the template).")
            )
        return [list(neurons)]
    layers = getattr(model, "layers", None)
    if not isinstance(layers, (list, tuple)):
        raise Stop("error", _("MLP needs `self.layers`, a list of Layers (as in the template)."))
    return [list(getattr(layer, "neurons", None) or []) for layer in layers]


def _neuron_values(neuron, where: str) -> list:
    w, b = getattr(neuron, "w", None), getattr(neuron, "b", None)
    if not isinstance(w, (list, tuple)) or not all(isinstance(v, engine.Value) for v in w):
        raise Stop(
            "error",
            _("{where} needs `self.w`, a list of Values (as in the template).").format(where=where),
        )
    if not isinstance(b, engine.Value):
        raise Stop(
            "error", _("{where} needs `self.b`, a Value (as in the template).").format(where=where)
        )
    return [*w, b]


def _make(cls, case: dict, probe):
    nin, sizes = case["nin"], case["sizes"]
    if case["kind"] == "neuron":
        return probe.call(cls, nin, nonlin=case["nonlin"], what="Neuron(nin, nonlin=...)")
    if case["kind"] == "layer":
        return probe.call(cls, nin, sizes[0], what="Layer(nin, nout)")
    return probe.call(cls, nin, list(sizes), what="MLP(nin, nouts)")


def _observe_model(cls, inputs, probe):
    if not isinstance(cls, type):
        raise Stop(
            "error",
            _("this check needs your class itself, got {name}.").format(name=type(cls).__name__),
        )
    for case in inputs:
        made = _make(cls, case, probe)
        if not made.ok:
            yield {"error": made.described}
            continue
        model = made.value
        layers = _structure(model, case["kind"])
        shape = [len(layer) for layer in layers]
        nins = [[len(getattr(n, "w", None) or []) for n in layer] for layer in layers]
        expected_nins = [[len(row) - 1 for row in layer] for layer in case["weights"]]
        if nins != expected_nins:
            yield {"shape": shape, "nins": nins}
            continue
        values = [
            v
            for i, layer in enumerate(layers)
            for j, n in enumerate(layer)
            for v in _neuron_values(n, f"{_prefix(case['kind'], i, j)}neuron")
        ]
        initial = [v.data for v in values]
        wanted = [x for layer in case["weights"] for row in layer for x in row]
        for v, x in zip(values, wanted):
            v.data = x
        aliased = [v.data for v in values] != wanted  # one object set twice keeps the last
        record = {"initial": initial, "aliased": aliased}
        number = {id(v): k for k, v in enumerate(values)}
        params = probe.call(model.parameters, what="parameters()")
        if not params.ok:
            record["params_error"] = params.described
        elif not isinstance(params.value, (list, tuple)):
            record["params_returned"] = type(params.value).__name__
        elif any(isinstance(p, (list, tuple)) for p in params.value):
            record["params_nested"] = True
        else:
            record["params"] = [number.get(id(p), -1) for p in params.value]
        out = probe.call(model, list(case["x"]), what=f"{type(model).__name__}.__call__")
        if not out.ok:
            yield {**record, "error": out.described}
            continue
        outputs = list(out.value) if isinstance(out.value, (list, tuple)) else [out.value]
        if not all(isinstance(v, engine.Value) for v in outputs):
            yield {**record, "returned": type(out.value).__name__}
            continue
        record["out"] = [v.data for v in outputs]
        for v in values:
            v.grad = 0.0
        engine.sum(outputs).backward()
        record["grads"] = [v.grad for v in values]
        yield record


# --------------------------------------------------------------------------------------
# The judge
# --------------------------------------------------------------------------------------


def reference(case: dict, hidden: str = "tanh", output: str | None = None) -> tuple[list, list]:
    """Outputs and parameter gradients of the model with the case's weights (engine Values)."""
    kind = case["kind"]
    if output is None:
        output = "linear" if kind == "mlp" or not case["nonlin"] else "tanh"
    x = [engine.Value(v) for v in case["x"]]
    params, n_layers = [], len(case["weights"])
    for i, layer in enumerate(case["weights"]):
        act = output if i == n_layers - 1 else hidden
        outs = []
        for row in layer:
            w = [engine.Value(v) for v in row]
            params += w
            z = w[-1]
            for wi, xi in zip(w[:-1], x):
                z = z + wi * xi
            outs.append(z.tanh() if act == "tanh" else z)
        x = outs
    return [v.data for v in x], list(engine.grad(engine.sum(x), params))


def _variants(case: dict) -> dict[str, list[float]]:
    """Outputs of the usual mistakes."""
    found = {}
    if case["kind"] == "mlp":
        found["tanh-on-output"] = reference(case, output="tanh")[0]
        found["no-hidden-activation"] = reference(case, hidden="linear")[0]
    elif case["nonlin"]:
        found["missing-activation"] = reference(case, output="linear")[0]
    else:
        found["activation-on-linear"] = reference(case, output="tanh")[0]
    no_bias = {
        **case,
        "weights": [[[*row[:-1], 0.0] for row in layer] for layer in case["weights"]],
    }
    found["missing-bias"] = reference(no_bias)[0]
    return found


FORWARD_MISTAKES = {
    "missing-activation": (
        N_("the activation (tanh) is missing: the output is the weighted sum itself."),
        N_("What squashes a hidden neuron's weighted sum?"),
    ),
    "activation-on-linear": (
        N_("the neuron applies tanh although nonlin=False."),
        N_("What should a neuron with nonlin=False give back?"),
    ),
    "missing-bias": (
        N_(
            "the bias is not added to the weighted sum (the check sets every bias to a nonzero "
            "number, so a missing bias shows)."
        ),
        N_("Where does self.b go in the neuron's computation?"),
    ),
    "tanh-on-output": (
        N_(
            "the last layer applies tanh; it should be linear, so that the output is a raw score "
            "of any size."
        ),
        N_("Which layer gets nonlin=False?"),
    ),
    "no-hidden-activation": (
        N_("the hidden layers are linear; they should apply tanh (only the last layer is linear)."),
        N_("Which layers get nonlin=True?"),
    ),
}


def _judge_params(rec: dict, names: list[str], where: str, name: str, ctx: Context) -> None:
    problem = ""
    if "params_error" in rec:
        ctx.error_case(f"{name}: parameters()", rec["params_error"])
        return
    if "params_returned" in rec:
        problem = _("parameters() returned {rec}, not a list").format(rec=rec["params_returned"])
    elif rec.get("params_nested"):
        problem = _("parameters() returned a nested list")
        ctx.diagnose(
            "nested-parameters",
            _(
                "{where}.parameters() returns a list of lists; it must be one flat list of Values "
                "(an optimizer loops over it)."
            ).format(where=where),
            _("How do you join the lists of the parts into one?"),
        )
    else:
        got = rec["params"]
        n_bias = sum(n.endswith("b") for n in names)
        if len(got) != len(names):
            problem = _("parameters() has {n_got} Values, expected {n_names}").format(
                n_got=len(got), n_names=len(names)
            )
            if len(got) == len(names) - n_bias:
                ctx.diagnose(
                    "missing-bias",
                    _(
                        "{where}.parameters() leaves out the bias: a neuron has nin weights *and* "
                        "a bias."
                    ).format(where=where),
                    _("Which of the neuron's Values can learn?"),
                )
            else:
                ctx.diagnose(
                    "parameter-count",
                    _(
                        "{where}.parameters() returns {n_got} Values, expected {n_names}: a "
                        "Neuron has nin + 1, a Layer nout * (nin + 1), an MLP the sum over its "
                        "layers."
                    ).format(where=where, n_got=len(got), n_names=len(names)),
                    _("Does every part's parameters() appear once?"),
                )
        elif -1 in got or sorted(got) != list(range(len(names))):
            problem = _("parameters() returns other Values than the model's weights")
            ctx.diagnose(
                "parameter-copies",
                _(
                    "{where}.parameters() returns new Values (copies) or the same Value twice, "
                    "not the ones the model computes with: an optimizer stepping them changes "
                    "nothing."
                ).format(where=where),
                _("Are the Values you return the very objects in self.w and self.b?"),
            )
    ctx.case(f"{name}: parameters()", not problem, problem=problem)


def _title(case: dict) -> str:
    if case["kind"] == "neuron":
        return f"Neuron({case['nin']}, nonlin={case['nonlin']})"
    if case["kind"] == "layer":
        return f"Layer({case['nin']}, {case['sizes'][0]})"
    return f"MLP({case['nin']}, {case['sizes']})"


def _judge_model(inputs, records, ctx: Context) -> None:
    for case, rec in zip(inputs, records):
        name = _title(case)
        where = name.split("(")[0]
        names = parameter_names(case)
        if "shape" in rec:
            ctx.fail(
                name,
                "layer-sizes",
                _(
                    "{where}: the numbers of neurons or of their inputs are wrong: layer i takes "
                    "sizes[i] inputs and has sizes[i + 1] neurons, with sizes = [nin] + nouts."
                ).format(where=where),
                _("Print len(neuron.w) for each neuron."),
                problem=_(
                    "neurons per layer {neurons}, inputs per neuron {nins}; expected "
                    "{want_neurons} and {want_nins}"
                ).format(
                    neurons=rec["shape"],
                    nins=rec["nins"],
                    want_neurons=[len(layer) for layer in case["weights"]],
                    want_nins=[[len(r) - 1 for r in layer] for layer in case["weights"]],
                ),
            )
            continue
        if "error" in rec and "initial" not in rec:
            ctx.error_case(name, rec["error"])
            continue
        initial = rec["initial"]
        weights = [x for n, x in zip(names, initial) if not n.endswith("b")]
        if len(weights) > 1 and len(set(weights)) == 1:
            ctx.diagnose(
                "equal-weights",
                _(
                    "{where}: all the weights start equal; start them at random numbers so that "
                    "neurons learn different things."
                ).format(where=where),
                _("What makes two neurons of a layer different at the start?"),
            )
        if rec["aliased"]:
            ctx.fail(
                name,
                "aliased-neurons",
                _(
                    "{where}: some neurons are the same object (e.g. `[Neuron(nin)] * nout` "
                    "repeats one neuron): setting one neuron's weights sets the other's."
                ).format(where=where),
                _("How many Neuron(...) calls does your list make?"),
                problem=_("several neurons are one and the same object"),
            )
            continue
        _judge_params(rec, names, where, name, ctx)
        x_case = _("{name} on x = {case}").format(name=name, case=case["x"])
        if "error" in rec:
            ctx.error_case(x_case, rec["error"])
            continue
        if "returned" in rec:
            ctx.fail(
                x_case,
                "wrong-return-type",
                _(
                    "{where} must return a Value (one output) or a list of Values, got {rec}."
                ).format(where=where, rec=rec["returned"]),
                _(
                    "Is the output built from the Values w, b and x, so that backward() can reach "
                    "the weights?"
                ),
                problem=_("returned {rec}, not Value(s)").format(rec=rec["returned"]),
            )
            continue
        want_out, want_grads = reference(case)
        got_out = rec["out"]
        if len(got_out) != len(want_out):
            ctx.fail(
                x_case,
                "output-count",
                _("{where} returns {n_got_out} outputs, expected {n_want_out}.").format(
                    where=where, n_got_out=len(got_out), n_want_out=len(want_out)
                ),
                _(
                    "How many outputs does a layer of nout neurons have, and what is returned "
                    "when nout == 1?"
                ),
                problem=_("{n_got_out} outputs, expected {n_want_out}").format(
                    n_got_out=len(got_out), n_want_out=len(want_out)
                ),
            )
            continue
        if not all(close(a, b) for a, b in zip(got_out, want_out)):
            ctx.case(
                x_case,
                False,
                received=got_out,
                expected=want_out,
                problem=_("output {got}, expected {want}").format(
                    got=fmt(got_out[0]), want=fmt(want_out[0])
                ),
            )
            found = (k for k, out in _variants(case).items() if all_close(got_out, out))
            ctx.first_mistake(where, FORWARD_MISTAKES, found)
            continue
        wrong = [(n, g, w) for n, g, w in zip(names, rec["grads"], want_grads) if not close(g, w)]
        problem = ", ".join(
            _("{n}: expected grad {w}, got {g}").format(n=n, w=fmt(w), g=fmt(g))
            for n, g, w in wrong[:2]
        )
        ctx.case(x_case, not wrong, received=rec["grads"], expected=want_grads, problem=problem)
        if wrong and all(g == 0 for g in rec["grads"]):
            ctx.diagnose(
                "detached-output",
                _(
                    "{where}: backward() from the output leaves every weight's gradient at 0: the "
                    "output was computed from plain numbers (.data), so the graph does not reach "
                    "the weights."
                ).format(where=where),
                _("Is the output made with the Values themselves, or with their .data?"),
            )
        elif wrong:
            ctx.diagnose(
                "wrong-gradient",
                _(
                    "{where}: {problem}: the output is right but the graph does not connect it to "
                    "these parameters as it should."
                ).format(where=where, problem=problem),
                _("Is every parameter used through Value operations, once?"),
            )


def _model_exercise(name, title, expects, variable, inputs, uses=()):
    """Register one of the three models: they share one observer and one judge."""
    exercise(
        name,
        title,
        expects,
        variable,
        inputs=inputs,
        judge=_judge_model,
        forbidden=FORBIDDEN,
        uses=uses,
    )(_observe_model)


_model_exercise(
    "neuron", N_("a Neuron: tanh(w . x + b)"), N_("your Neuron class"), "Neuron", _neuron_inputs
)
_model_exercise(
    "layer",
    N_("a Layer: nout neurons on the same inputs"),
    N_("your Layer class"),
    "Layer",
    _layer_inputs,
    uses=("neuron",),
)
_model_exercise(
    "mlp",
    N_("an MLP: layers of neurons, tanh inside, linear output"),
    N_("your MLP class"),
    "MLP",
    _mlp_inputs,
    uses=("layer",),
)
