"""micrograd.nn: parameters and their names, the fused and expanded forward passes, seeding,
saving and loading (and refusing bad files)."""

from __future__ import annotations

import json
import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import micrograd
from micrograd import Value, gradcheck, topological_order
from micrograd.nn import DEFAULT_SEED, FORMAT, MLP, Layer, Module, Neuron

ACTIVATIONS = ["relu", "tanh", "sigmoid", "linear"]
finite = st.floats(min_value=-3.0, max_value=3.0, allow_nan=False)


def reference_neuron(w, b, x, activation):
    """The neuron's output computed with the math module, independent of the library."""
    z = math.fsum(wi * xi for wi, xi in zip(w, x)) + b
    return {
        "relu": max(z, 0.0),
        "tanh": math.tanh(z),
        "sigmoid": 1.0 / (1.0 + math.exp(-z)),
        "linear": z,
    }[activation]


# -- parameters and names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("nin", "sizes"), [(1, [1]), (2, [16, 16, 1]), (3, [4, 4, 2]), (5, [7]), (2, [3, 5, 4, 1])]
)
def test_parameter_count_is_weights_plus_biases(nin, sizes):
    widths = [nin, *sizes]
    expected = sum((widths[i] + 1) * widths[i + 1] for i in range(len(sizes)))
    model = MLP(nin, sizes)
    assert len(model.parameters()) == expected
    assert len(set(map(id, model.parameters()))) == expected  # all distinct Values
    assert f"parameters={expected}" in repr(model)


def test_neuron_and_layer_counts():
    assert len(Neuron(3).parameters()) == 4
    assert len(Layer(3, 4).parameters()) == 16
    assert [n for n, _ in Neuron(3).named_parameters()] == ["w.0", "w.1", "w.2", "b"]


def test_named_parameters_follow_the_attribute_path():
    model = MLP(2, [3, 1])
    names = [name for name, _ in model.named_parameters()]
    expected = []
    for layer, (nin, nout) in enumerate([(2, 3), (3, 1)]):
        for j in range(nout):
            expected += [f"layers.{layer}.neurons.{j}.w.{k}" for k in range(nin)]
            expected.append(f"layers.{layer}.neurons.{j}.b")
    assert names == expected
    params = dict(model.named_parameters())
    assert params["layers.0.neurons.2.w.1"] is model.layers[0].neurons[2].w[1]
    assert params["layers.1.neurons.0.b"] is model.layers[1].neurons[0].b


@pytest.mark.parametrize(
    "make", [lambda: Neuron(3), lambda: Layer(3, 4), lambda: MLP(2, [3, 4, 1])]
)
def test_fast_parameters_equal_the_generic_search(make):
    model = make()
    generic = [p for _, p in model.named_parameters()]
    assert len(model.parameters()) == len(generic)
    assert all(a is b for a, b in zip(model.parameters(), generic))


def test_subclass_with_an_extra_parameter_is_searched():
    class ScaledMLP(MLP):
        def __init__(self):
            super().__init__(2, [3, 1])
            self.scale = Value(2.0)

    model = ScaledMLP()
    assert len(model.parameters()) == 14 and model.parameters()[-1] is model.scale
    layer = Layer(2, 2)
    layer.neurons[1] = layer.neurons[0]  # shared: listed once by both paths
    assert len(layer.parameters()) == 3 == len(layer.named_parameters())


def test_custom_module_is_discovered_and_shared_parameters_listed_once():
    class Twin(Module):
        def __init__(self):
            self.first = Neuron(2)
            self.second = self.first  # the same neuron used twice
            self.scale = Value(2.0)
            self._cache = [Value(9.0)]  # private: not a parameter
            self.name = "twin"

    names = [n for n, _ in Twin().named_parameters()]
    assert names == ["first.w.0", "first.w.1", "first.b", "scale"]


def test_zero_grad_clears_every_parameter():
    model = MLP(2, [3, 1])
    model([1.0, 2.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


# -- the forward pass --------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_neuron_output_matches_the_formula(activation):
    n = Neuron(3, activation=activation, seed=4)
    n.b.data = 0.25
    x = [0.5, -1.5, 2.0]
    expected = reference_neuron([p.data for p in n.w], n.b.data, x, activation)
    assert n(x).data == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_mlp_returns_one_value_for_one_output_and_a_list_otherwise():
    assert isinstance(MLP(2, [3, 1])([1.0, 2.0]), Value)
    out = MLP(2, [3, 2])([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2 and all(isinstance(v, Value) for v in out)
    assert isinstance(Layer(2, 1)([1.0, 2.0]), Value)
    assert len(Layer(2, 3)([1.0, 2.0])) == 3


def test_output_activation_and_hidden_activation():
    model = MLP(2, [3, 1], activation="tanh", output_activation="sigmoid")
    out = model([0.3, -0.7])
    assert out.op == "sigmoid"
    hidden = model.layers[0]._forward([Value(0.3), Value(-0.7)])
    assert [v.op for v in hidden] == ["tanh"] * 3
    assert MLP(2, [3, 1])([0.3, -0.7]).op == "dot"  # linear output: no activation node


def test_inputs_may_be_values_and_receive_gradients():
    model = MLP(2, [4, 1], activation="tanh")
    x = [Value(0.5), Value(-0.25)]
    model(x).backward()
    numeric = micrograd.numerical_grad(lambda a, b: model([a, b]), [0.5, -0.25])
    assert [v.grad for v in x] == pytest.approx(numeric, rel=1e-6, abs=1e-9)


def test_parameter_gradients_match_central_differences():
    model = MLP(3, [4, 3, 1], activation="tanh", seed=7)
    x = [0.2, -0.4, 0.9]
    model(x).backward()
    eps = 1e-6
    for name, p in model.named_parameters():
        p.data += eps
        up = model(x).data
        p.data -= 2 * eps
        down = model(x).data
        p.data += eps
        assert p.grad == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8), name


def test_gradcheck_through_a_model_with_sigmoid():
    model = MLP(2, [3, 1], activation="sigmoid", seed=2)
    assert gradcheck(lambda a, b: model([a, b]), [0.3, -1.2])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@settings(max_examples=25, deadline=None)
@given(x=st.lists(finite, min_size=3, max_size=3), seed=st.integers(0, 10**6))
def test_fused_and_expanded_give_the_same_values_and_gradients(activation, x, seed):
    fused = MLP(3, [4, 2], activation=activation, output_activation=activation, seed=seed)
    expanded = MLP(
        3, [4, 2], activation=activation, output_activation=activation, seed=seed, fused=False
    )
    xf, xe = [Value(v) for v in x], [Value(v) for v in x]
    out_f, out_e = fused(xf), expanded(xe)
    assert [v.data for v in out_f] == [v.data for v in out_e]  # bit for bit
    micrograd.sum(out_f).backward()
    micrograd.sum(out_e).backward()
    for (name, p), q in zip(fused.named_parameters(), expanded.parameters()):
        assert p.grad == pytest.approx(q.grad, rel=1e-12, abs=1e-15), name
    assert [v.grad for v in xf] == pytest.approx([v.grad for v in xe], rel=1e-12, abs=1e-15)


def test_single_neuron_expanded_form_is_drawable_as_products_and_sums():
    n = Neuron(3, activation="tanh", fused=False)
    out = n([1.0, 2.0, 3.0])
    ops = [v.op for v in topological_order(out) if v.op]
    assert ops.count("*") == 3 and ops.count("+") == 3 and ops.count("tanh") == 1
    assert "dot" not in ops
    fused_ops = [v.op for v in topological_order(Neuron(3, "tanh")([1.0, 2.0, 3.0])) if v.op]
    assert fused_ops == ["dot", "tanh"]


def test_fused_node_is_the_node_micrograd_dot_builds():
    n = Neuron(3, activation="linear", seed=1)
    n.b.data = -0.5
    x = [Value(0.5), Value(2.0), Value(-1.0)]
    mine = n(x)
    reference = micrograd.dot(n.w, x, n.b)
    assert mine.op == reference.op == "dot"
    assert mine.data == reference.data
    assert all(a is b for a, b in zip(mine.parents, reference.parents))
    assert mine.local_grads == reference.local_grads


def test_fused_graph_is_much_smaller_than_expanded():
    x = [0.3, -0.2]
    fused = len(topological_order(MLP(2, [16, 16, 1])(x)))
    expanded = len(topological_order(MLP(2, [16, 16, 1], fused=False)(x)))
    # leaves (337 parameters + 2 inputs) plus 33 dot nodes and 32 relu nodes
    assert fused == 339 + 33 + 32
    assert expanded - 339 > 9 * (fused - 339)


def test_overflow_in_the_weighted_sum_is_the_engines_error():
    n = Neuron(2, activation="linear")
    n.load_state_dict({"w.0": 1e308, "w.1": 1e308, "b": 0.0})
    with pytest.raises(OverflowError, match="dot"):
        n([10.0, 10.0])


# -- bad arguments -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: Neuron(0), "nin"),
        (lambda: Neuron(2.5), "nin"),
        (lambda: Neuron(2, activation="softmax"), "softmax"),
        (lambda: Layer(2, 0), "nout"),
        (lambda: Layer(2, 2, activation=["relu"]), "unknown activation"),
        (lambda: MLP(2, []), "at least one layer"),
        (lambda: MLP(2, [3, -1]), "layer size"),
        (lambda: MLP(2, [3], output_activation="gelu"), "gelu"),
        (lambda: MLP(2, [3], seed=1, rng=random.Random(1)), "seed or rng"),
    ],
)
def test_bad_construction_arguments_are_value_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_bad_rng_and_seed_types():
    with pytest.raises(TypeError, match=r"random\.Random"):
        MLP(2, [3], rng=42)
    with pytest.raises(TypeError, match="seed"):
        MLP(2, [3], seed="zero")


def test_wrong_number_of_inputs_names_both_counts():
    with pytest.raises(ValueError, match="expects 2 inputs, got 3"):
        MLP(2, [3, 1])([1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match="str"):
        MLP(2, [3, 1])([1.0, "a"])


def test_one_input_model_accepts_a_bare_number():
    model = MLP(1, [3, 1], seed=3)
    assert model(0.5).data == model([0.5]).data


# -- seeding -----------------------------------------------------------------------------


def test_same_seed_same_network_different_seed_different_network():
    assert MLP(2, [8, 1], seed=3).state_dict() == MLP(2, [8, 1], seed=3).state_dict()
    assert MLP(2, [8, 1], seed=3).state_dict() != MLP(2, [8, 1], seed=4).state_dict()


def test_default_is_the_documented_seed_and_rng_gives_the_same_stream():
    default = MLP(2, [8, 1]).state_dict()
    assert default == MLP(2, [8, 1], seed=DEFAULT_SEED).state_dict()
    assert MLP(2, [8, 1], seed=5).state_dict() == MLP(2, [8, 1], rng=random.Random(5)).state_dict()


def test_shared_rng_continues_its_stream_and_global_random_is_untouched():
    random.seed(123)
    before = random.getstate()
    rng = random.Random(9)
    a, b = MLP(2, [4, 1], rng=rng), MLP(2, [4, 1], rng=rng)
    assert a.state_dict() != b.state_dict()  # the second model continues the stream
    assert random.getstate() == before


def test_initial_weights_are_uniform_in_minus_one_one_and_biases_zero():
    model = MLP(4, [32, 32, 1], seed=11)
    weights = [v for n, v in model.state_dict().items() if ".w." in n]
    biases = [v for n, v in model.state_dict().items() if n.endswith(".b")]
    assert all(-1.0 <= w <= 1.0 for w in weights)
    assert min(weights) < -0.9 and max(weights) > 0.9
    assert biases == [0.0] * len(biases)


# -- state dicts, saving and loading -----------------------------------------------------


def test_state_dict_round_trip_keeps_the_value_objects():
    source, target = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2)
    before = target.parameters()
    target.load_state_dict(source.state_dict())
    assert target.state_dict() == source.state_dict()
    assert all(a is b for a, b in zip(before, target.parameters()))


def test_load_state_dict_lists_missing_and_unexpected_names():
    model = MLP(2, [3, 1])
    state = model.state_dict()
    del state["layers.0.neurons.1.w.0"]
    state["layers.5.neurons.0.b"] = 1.0
    with pytest.raises(ValueError, match=r"missing 1 .*'layers\.0\.neurons\.1\.w\.0'") as info:
        model.load_state_dict(state)
    assert "unexpected 1" in str(info.value) and "'layers.5.neurons.0.b'" in str(info.value)


def test_load_state_dict_non_strict_loads_the_common_names():
    model = MLP(2, [3, 1], seed=0)
    model.load_state_dict({"layers.0.neurons.0.b": 0.5, "other": 1.0}, strict=False)
    assert model.layers[0].neurons[0].b.data == 0.5


def test_load_state_dict_rejects_bad_values_without_changing_anything():
    model = MLP(2, [3, 1])
    before = model.state_dict()
    state = dict(before)
    state["layers.0.neurons.0.w.0"] = 0.5
    state["layers.1.neurons.0.b"] = "big"
    with pytest.raises(ValueError, match=r"'layers\.1\.neurons\.0\.b' must be a number"):
        model.load_state_dict(state)
    state["layers.1.neurons.0.b"] = float("nan")
    with pytest.raises(ValueError, match="not a finite number"):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_save_load_round_trip(tmp_path):
    path = tmp_path / "model.json"
    model = MLP(2, [5, 3, 1], activation="tanh", seed=1)
    model.save(path)
    other = MLP(2, [5, 3, 1], activation="tanh", seed=2)
    assert other.load(path) is other
    assert other.state_dict() == model.state_dict()  # floats survive JSON exactly
    assert other([0.1, 0.2]).data == model([0.1, 0.2]).data

    rebuilt = MLP.load(str(path))  # on the class: a new model of the saved architecture
    assert isinstance(rebuilt, MLP) and rebuilt.architecture() == model.architecture()
    assert rebuilt.state_dict() == model.state_dict()


def test_saved_file_is_plain_json_with_a_header(tmp_path):
    path = tmp_path / "model.json"
    Neuron(2, activation="sigmoid").save(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == FORMAT and document["version"] == 1
    assert document["architecture"] == {"type": "Neuron", "nin": 2, "activation": "sigmoid"}
    assert set(document["parameters"]) == {"w.0", "w.1", "b"}
    assert Neuron.load(path).activation == "sigmoid"


def write(tmp_path, content):
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def saved_document(model):
    return {
        "format": FORMAT,
        "version": 1,
        "architecture": model.architecture(),
        "parameters": model.state_dict(),
    }


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("{not json", "not valid JSON"),
        (b"\x80\x81\xfe binary", "not valid JSON"),
        ([1, 2, 3], "not a micrograd model file"),
        ({"format": "keras", "version": 1}, "expected format 'micrograd-edu-model'"),
        ({"format": FORMAT, "version": 99}, "version 99"),
        ({"format": FORMAT, "version": 1, "parameters": {}}, "'architecture'"),
        ({"format": FORMAT, "version": 1, "architecture": {}, "parameters": [1]}, "'parameters'"),
    ],
)
def test_corrupt_files_are_rejected_with_a_clear_message(tmp_path, content, match):
    path = write(tmp_path, content)
    model = MLP(2, [3, 1])
    before = model.state_dict()
    with pytest.raises(ValueError, match=match):
        model.load(path)
    with pytest.raises(ValueError, match=match):
        MLP.load(path)
    assert model.state_dict() == before


def test_file_of_another_architecture_says_what_differs(tmp_path):
    path = tmp_path / "model.json"
    MLP(2, [16, 16, 1]).save(path)
    with pytest.raises(ValueError, match=r"sizes=\[16, 16, 1\].*sizes=\[8, 1\]"):
        MLP(2, [8, 1]).load(path)
    with pytest.raises(ValueError, match="holds a 'MLP', not a 'Layer'"):
        Layer.load(path)


def test_file_with_other_parameter_names_lists_them(tmp_path):
    model = MLP(2, [3, 1])
    document = saved_document(model)
    document["parameters"]["layers.0.neurons.0.w.7"] = document["parameters"].pop(
        "layers.0.neurons.0.w.1"
    )
    path = write(tmp_path, document)
    with pytest.raises(ValueError, match=r"missing 1 .*w\.1'.*unexpected 1 .*w\.7'"):
        model.load(path)


def test_file_with_a_wrong_value_type_names_the_parameter(tmp_path):
    model = MLP(2, [3, 1])
    document = saved_document(model)
    document["parameters"]["layers.1.neurons.0.w.2"] = [0.5]
    with pytest.raises(ValueError, match=r"'layers\.1\.neurons\.0\.w\.2' must be a number"):
        model.load(write(tmp_path, document))


def test_damaged_architecture_field_is_a_value_error(tmp_path):
    document = saved_document(MLP(2, [3, 1]))
    document["architecture"]["sizes"] = ["three", 1]
    with pytest.raises(ValueError, match="damaged"):
        MLP.load(write(tmp_path, document))
    del document["architecture"]["nin"]
    with pytest.raises(ValueError, match="no 'nin'"):
        MLP.load(write(tmp_path, document))


def test_custom_module_loads_into_an_instance_but_not_on_the_class(tmp_path):
    class Line(Module):
        def __init__(self):
            self.slope, self.intercept = Value(1.0), Value(0.0)

    path = tmp_path / "line.json"
    line = Line()
    line.slope.data = 3.0
    line.save(path)
    assert Line().load(path).slope.data == 3.0
    with pytest.raises(ValueError, match="make the model first"):
        Line.load(path)


def test_docstring_examples_run_as_printed():
    import doctest

    import micrograd.nn

    result = doctest.testmod(micrograd.nn, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


# -- hostile model files (issue 13): refused at once, by one error type that names the file --


def header(architecture, parameters):
    return {"format": FORMAT, "version": 1, "architecture": architecture, "parameters": parameters}


MLP_ARCHITECTURE = {"type": "MLP", "activation": "relu", "output_activation": "linear"}


@pytest.mark.parametrize(
    ("cls", "architecture"),
    [
        (MLP, {**MLP_ARCHITECTURE, "nin": 10_000_000, "sizes": [1]}),
        (MLP, {**MLP_ARCHITECTURE, "nin": 1, "sizes": [1_000_000, 1]}),
        (Layer, {"type": "Layer", "nin": 10_000_000, "nout": 10, "activation": "relu"}),
        (Neuron, {"type": "Neuron", "nin": 10_000_000, "activation": "relu"}),
        (MLP, {**MLP_ARCHITECTURE, "nin": 2, "sizes": [10**400]}),
        (MLP, {**MLP_ARCHITECTURE, "nin": 10**4000, "sizes": [10**4000, 10**4000]}),
    ],
)
def test_a_small_file_declaring_a_huge_network_is_refused_before_building(
    tmp_path, monkeypatch, cls, architecture
):
    path = write(tmp_path, header(architecture, {"w.0": 1.0}))
    assert path.stat().st_size < 13_000  # 150-200 bytes but for the long sizes

    def no_building(*args, **kwargs):
        raise AssertionError("a model was built before the file was checked")

    monkeypatch.setattr(Neuron, "__init__", no_building)
    with pytest.raises(ValueError, match=r"(has|size of) \d+.* the file stores (only )?1") as info:
        cls.load(path)
    assert repr(str(path)) in str(info.value)


@pytest.mark.parametrize(
    "make",
    [
        lambda: MLP(2, [5000, 5000, 1]),
        lambda: Layer(10**7, 2),
        lambda: Neuron(10**7),
        lambda: MLP(2, [10**5000]),
    ],
)
def test_a_network_too_large_for_a_scalar_engine_is_refused_before_building(make):
    with pytest.raises(ValueError, match=r"would have [\d,]+|over 10\^18 parameters"):
        make()


def test_a_matching_count_still_builds_and_loads(tmp_path):
    """The count check refuses only what disagrees: an honest file loads as before."""
    model = MLP(3, [2, 2], activation="tanh", seed=4)
    path = tmp_path / "model.json"
    model.save(path)
    assert MLP.load(path).state_dict() == model.state_dict()


def neuron_file_text(weight_text):
    """A valid one-input Neuron file whose weight is written as ``weight_text``."""
    return json.dumps(
        header({"type": "Neuron", "nin": 1, "activation": "relu"}, {"w.0": 0.5, "b": 0.0})
    ).replace("0.5", weight_text)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (neuron_file_text("1" + "0" * 400), "not a finite number"),  # OverflowError before
        (neuron_file_text("1e400"), "not a finite number"),
        (neuron_file_text("-1e400"), "not a finite number"),
        (neuron_file_text("NaN"), "not a finite number"),
        (neuron_file_text("Infinity"), "not a finite number"),
        (neuron_file_text("9" * 5000), "not valid JSON"),  # json's ValueError, no file name
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),  # RecursionError before
        ('{"format": "micrograd-edu-model", "version": ' + "{" * 100_000, "not valid JSON"),
        (neuron_file_text("0.5").replace('"version": 1', '"version": true'), "version True"),
        (neuron_file_text("0.5").replace('"version": 1', '"version": 1.0'), "version 1.0"),
        ("", "not valid JSON"),
        ("\ufeff{}", "not valid JSON"),
    ],
)
def test_each_hostile_file_of_the_issue_is_one_clear_value_error(tmp_path, text, match):
    path = tmp_path / "hostile.json"
    path.write_text(text, encoding="utf-8")
    model = Neuron(1, seed=0)
    before = model.state_dict()
    for load in (Neuron.load, model.load):
        with pytest.raises(ValueError, match=match) as info:
            load(path)
        assert repr(str(path)) in str(info.value)  # the message names the file
        assert len(str(info.value)) < 1000  # and is one readable line, not the input
    assert model.state_dict() == before


@pytest.mark.parametrize(
    ("change", "match"),
    [
        (lambda d: d.update(format=1), "expected format"),
        (lambda d: d.update(version="1"), "version '1'"),
        (lambda d: d.update(architecture=["MLP"]), "'architecture' should be a JSON object"),
        (lambda d: d.update(parameters=None), "'parameters' should be a JSON object"),
        (lambda d: d["architecture"].update(type=None), "holds a None, not a 'MLP'"),
        (lambda d: d["architecture"].update(type=["MLP"]), r"holds a \['MLP'\]"),
        (lambda d: d["architecture"].update(nin="2"), "not a positive whole number"),
        (lambda d: d["architecture"].update(nin=True), "not a positive whole number"),
        (lambda d: d["architecture"].update(nin=2.0), "not a positive whole number"),
        (lambda d: d["architecture"].update(nin=-2), "not a positive whole number"),
        (lambda d: d["architecture"].update(sizes="31"), "'sizes' should be a list"),
        (lambda d: d["architecture"].update(sizes=[]), "'sizes' should be a list"),
        (lambda d: d["architecture"].update(sizes=[3, None]), "not a positive whole number"),
        (lambda d: d["architecture"].update(sizes={"0": 3}), "'sizes' should be a list"),
        (lambda d: d["architecture"].update(activation=5), "unknown activation 5"),
        (lambda d: d["architecture"].update(activation=["relu"]), "unknown activation"),
        (lambda d: d["architecture"].pop("output_activation"), "no 'output_activation'"),
        (lambda d: d["parameters"].update({"layers.0.neurons.0.b": None}), "must be a number"),
        (lambda d: d["parameters"].update({"layers.0.neurons.0.b": "1"}), "must be a number"),
        (lambda d: d["parameters"].update({"layers.0.neurons.0.b": True}), "must be a number"),
        (lambda d: d["parameters"].update({"layers.0.neurons.0.b": {}}), "must be a number"),
        (lambda d: d["parameters"].update({"extra": 1.0}), "stores 14"),
    ],
)
def test_wrong_types_anywhere_are_value_errors_naming_the_file(tmp_path, change, match):
    model = MLP(2, [3, 1], seed=0)
    document = saved_document(model)
    change(document)
    path = write(tmp_path, document)
    with pytest.raises(ValueError, match=match) as info:
        MLP.load(path)
    assert repr(str(path)) in str(info.value)
    before = model.state_dict()
    with pytest.raises(ValueError):
        model.load(path)
    assert model.state_dict() == before


def test_a_missing_file_is_the_usual_os_error_and_a_nul_in_the_name_a_value_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        MLP.load(tmp_path / "nothing.json")
    with pytest.raises(ValueError, match="cannot read a model"):
        MLP.load(str(tmp_path / "a\0b.json"))


def test_a_file_larger_than_any_model_is_refused_unread(tmp_path, monkeypatch):
    import micrograd.model_file

    monkeypatch.setattr(micrograd.model_file, "MAX_FILE_BYTES", 100)
    path = tmp_path / "big.json"
    MLP(2, [3, 1]).save(path)
    with pytest.raises(ValueError, match="too large for a model file"):
        MLP.load(path)


# -- saving: never a half-written file, never a file that load refuses ----------------------


def test_save_refuses_a_non_finite_parameter_and_writes_nothing(tmp_path):
    model = MLP(2, [3, 1], seed=0)
    path = tmp_path / "model.json"
    model.save(path)
    before = path.read_bytes()
    for bad in (math.inf, -math.inf, math.nan):
        model.layers[1].neurons[0].w[2].data = bad
        with pytest.raises(ValueError, match=r"'layers\.1\.neurons\.0\.w\.2' is .*not a finite"):
            model.save(path)
        assert path.read_bytes() == before  # the previous file is intact
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]  # no temporary left


def test_save_that_fails_halfway_keeps_the_previous_file(tmp_path, monkeypatch):
    import pathlib

    path = tmp_path / "model.json"
    MLP(2, [3, 1], seed=0).save(path)
    before = path.read_bytes()

    def disk_full(self, data, *args, **kwargs):
        with open(self, "w", encoding="utf-8") as f:
            f.write(data[: len(data) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pathlib.Path, "write_text", disk_full)
    with pytest.raises(OSError, match="No space left"):
        MLP(2, [3, 1], seed=1).save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]


def test_save_refuses_a_folder_as_the_file(tmp_path):
    with pytest.raises(ValueError, match="give a file name"):
        MLP(2, [1]).save(tmp_path)
    with pytest.raises(ValueError, match="give a file name"):
        MLP(2, [1]).save(f"{tmp_path}/sub/")


# -- random corruptions: load what the file says, or refuse it with ValueError ---------------

SMALL = MLP(2, [2, 1], activation="tanh", seed=0)
SMALL_TEXT = json.dumps(saved_document(SMALL), indent=1)

HOSTILE_SNIPPETS = st.sampled_from(
    ["1e400", "-1e400", "NaN", "Infinity", "9" * 5000, "[" * 5000, "{", "}", "true", "null",
     '"', "\\", "\ud800", "\x00", ",", ":", "1" + "0" * 400, "-", "0.5", '"relu"', "[]", "{}"]
)  # fmt: skip


@st.composite
def corrupted_texts(draw):
    """The valid file with characters replaced, deleted or inserted at random places."""
    text = SMALL_TEXT
    for _ in range(draw(st.integers(1, 3))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["replace", "delete", "insert", "truncate"]))
        if kind == "replace" and at < len(text):
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)) :]
        elif kind == "insert":
            piece = draw(HOSTILE_SNIPPETS | st.text(max_size=5))
            text = text[:at] + piece + text[at:]
        else:
            text = text[:at]
    return text


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)


@st.composite
def corrupted_documents(draw):
    """The valid document with one field, anywhere, replaced by a random JSON value."""
    document = saved_document(SMALL)
    containers = [document, document["architecture"], document["parameters"]]
    target = draw(st.sampled_from(containers))
    key = draw(st.sampled_from([*target, "extra"]))
    target[key] = draw(json_values)
    return json.dumps(document)


def check_loads_faithfully_or_refuses(path):
    """Loading either gives exactly what the file says, or one ValueError naming the file."""
    text = path.read_text(encoding="utf-8", errors="surrogatepass")
    target = MLP(2, [2, 1], activation="tanh", seed=1)
    before = target.state_dict()
    for load in (MLP.load, target.load):
        try:
            model = load(path)
        except ValueError as error:
            assert repr(str(path)) in str(error)
            assert model_unchanged(target, before)
            continue
        document = json.loads(text)
        assert model.architecture() == document["architecture"]
        assert model.state_dict() == {k: float(v) for k, v in document["parameters"].items()}


def model_unchanged(model, before):
    return model.state_dict() == before


@settings(max_examples=300, deadline=None)
@given(corrupted_texts())
def test_random_text_corruptions_load_faithfully_or_raise_value_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("corrupt") / "model.json"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    check_loads_faithfully_or_refuses(path)


@settings(max_examples=300, deadline=None)
@given(corrupted_documents())
def test_random_field_corruptions_load_faithfully_or_raise_value_error(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("corrupt") / "model.json"
    path.write_text(text, encoding="utf-8")
    check_loads_faithfully_or_refuses(path)
