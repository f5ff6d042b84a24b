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
