"""nnkit.network and nnkit.trace: construction, parameter names, gradients of random networks
(plain, skip, dense, residual) against centred differences, restarts axis against a loop,
and the trace against loss_and_grads."""
import numpy as np
import pytest
from fixtures.hand import sine_net_output_grads
from hypothesis import given, settings
from hypothesis import strategies as st

from nnkit import MLP, Layer, Network, get_activation, kink_crossed, numerical_gradient

ACTS = ["identity", "relu", "leaky_relu", "sigmoid", "tanh"]


@st.composite
def networks(draw, max_layers=4):
    """A random network: every layer plain, with a skip from an earlier layer, dense (from every
    earlier layer) or residual."""
    sizes = [draw(st.integers(1, 3))]
    layers = []
    for l in range(1, draw(st.integers(1, max_layers)) + 1):
        kind = draw(st.sampled_from(["plain", "skip", "dense", "residual"]))
        size = sizes[l - 1] if kind == "residual" else draw(st.integers(1, 4))
        inputs = None
        if kind == "skip" and l >= 2:
            inputs = (l - 1, draw(st.integers(0, l - 2)))
        elif kind == "dense":
            inputs = tuple(range(l))
        layers.append(Layer(size, draw(st.sampled_from(ACTS)), draw(st.booleans()), inputs,
                            kind == "residual"))
        sizes.append(size)
    return Network(sizes[0], layers, seed=draw(st.integers(0, 2**32 - 1)))


def randomise(net, rng):
    """Random parameters, biases included (init_params sets them to 0)."""
    return {k: rng.normal(size=v.shape) for k, v in net.params.items()}


def kinks(net, X, Y, loss):
    """The values whose sign change means a kink was crossed: the ReLU-like pre-activations,
    and yhat - y for l1."""
    def g(_):
        zs = [z.ravel() for z, layer in zip(net.preactivations(X), net.layers, strict=True)
              if layer.activation.name in ("relu", "leaky_relu")]
        if loss == "l1":
            zs.append((net.forward(X) - Y).ravel())
        return np.concatenate(zs + [np.zeros(0)])
    return g


def test_parameter_names_and_shapes():
    net = Network(2, [Layer(3), Layer(4, inputs=(1, 0)), Layer(1, "identity", bias=False,
                                                              inputs=(0, 1, 2))], seed=0)
    shapes = {k: v.shape for k, v in net.params.items()}
    assert shapes == {"W1": (2, 3), "b1": (3,), "W2": (3, 4), "W2_0": (2, 4), "b2": (4,),
                      "W3": (4, 1), "W3_0": (2, 1), "W3_1": (3, 1)}
    net = MLP([1, 3, 1], activation="sigmoid")
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (1, 3), "b1": (3,), "W2": (3, 1), "b2": (1,)}
    assert net.layers[0].activation.name == "sigmoid"
    assert net.layers[1].activation.name == "identity"
    assert set(MLP([2, 2], bias=False).params) == {"W1"}


def test_invalid_layers():
    with pytest.raises(ValueError):
        Network(1, [Layer(2, inputs=(1,))])  # not an earlier layer
    with pytest.raises(ValueError):
        Network(1, [Layer(2), Layer(3, residual=True)])  # size mismatch
    with pytest.raises(ValueError):
        Network(1, [Layer(2, "softplus")])


def test_init_seeded_scaled_and_restarts():
    net = MLP([50, 40, 1], seed=3)
    again = MLP([50, 40, 1], seed=3)
    for k in net.params:
        np.testing.assert_array_equal(net.params[k], again.params[k])
    assert not np.array_equal(net.params["W1"], MLP([50, 40, 1], seed=4).params["W1"])
    assert np.std(net.params["W1"]) == pytest.approx(np.sqrt(2 / 50), rel=0.1)  # He for ReLU
    assert np.all(net.params["b1"] == 0)
    assert np.std(MLP([50, 40, 1], "tanh", seed=3).params["W1"]) == pytest.approx(
        np.sqrt(1 / 50), rel=0.1)
    p = net.init_params(seed=1, restarts=7)
    assert p["W1"].shape == (7, 50, 40) and p["b2"].shape == (7, 1)
    assert not np.array_equal(p["W1"][0], p["W1"][1])
    np.testing.assert_array_equal(net.params["W1"], again.params["W1"])  # unchanged


def test_assigning_params_changes_the_network():
    net = MLP([1, 1], output="identity")
    net.params["W1"] = np.array([[2.0]])
    net.params["b1"] = np.array([1.0])
    np.testing.assert_allclose(net.forward(np.array([[3.0]])), [[7.0]])
    net.params = {"W1": np.array([[-1.0]]), "b1": np.array([0.5])}
    np.testing.assert_allclose(net.forward([3.0]), [[-2.5]])  # 1-D X = a column of examples


def test_forward_by_hand_residual_and_dense():
    # layer 1: h1 = relu(x w1) ; layer 2 residual: h2 = tanh(h1 w2) + h1 ;
    # layer 3 dense: yhat = x a + h1 c + h2 d (identity, no bias)
    net = Network(1, [Layer(1, bias=False), Layer(1, "tanh", bias=False, residual=True),
                      Layer(1, "identity", bias=False, inputs=(0, 1, 2))])
    net.params = {"W1": np.array([[2.0]]), "W2": np.array([[0.5]]), "W3_0": np.array([[1.0]]),
                  "W3_1": np.array([[-1.0]]), "W3": np.array([[3.0]])}
    x = 0.25
    h1 = 0.5
    h2 = np.tanh(0.25) + 0.5
    assert net.forward([[x]])[0, 0] == pytest.approx(x - h1 + 3 * h2)


@settings(max_examples=60, deadline=None)
@given(net=networks(), n=st.integers(1, 4), loss=st.sampled_from(["mse", "sse", "l1"]),
       seed=st.integers(0, 2**32 - 1))
def test_gradients_match_centred_differences(net, n, loss, seed):
    rng = np.random.default_rng(seed)
    net.params = randomise(net, rng)
    X = rng.normal(size=(n, net.input_size))
    Y = rng.normal(size=(n, net.sizes[-1]))
    J, grads = net.loss_and_grads(X, Y, loss)
    assert isinstance(J, float)
    assert {k: v.shape for k, v in grads.items()} == {k: v.shape for k, v in net.params.items()}
    for name, p in net.params.items():
        num = numerical_gradient(lambda _: net.loss_and_grads(X, Y, loss)[0], p)
        ok = ~kink_crossed(kinks(net, X, Y, loss), p)
        np.testing.assert_allclose(grads[name][ok], num[ok], rtol=1e-5, atol=1e-7,
                                   err_msg=f"{name} of {net}")


@settings(max_examples=30, deadline=None)
@given(net=networks(), R=st.integers(1, 4), n=st.integers(1, 4),
       loss=st.sampled_from(["mse", "sse", "l1"]), seed=st.integers(0, 2**32 - 1))
def test_restarts_axis_equals_loop(net, R, n, loss, seed):
    rng = np.random.default_rng(seed)
    params = net.init_params(seed=seed, restarts=R)
    params = {k: v + 0.1 * rng.normal(size=v.shape) for k, v in params.items()}
    X = rng.normal(size=(n, net.input_size))
    Y = rng.normal(size=(n, net.sizes[-1]))
    J, grads = net.loss_and_grads(X, Y, loss, params=params)
    assert J.shape == (R,)
    assert net.forward(X, params).shape == (R, n, net.sizes[-1])
    for r in range(R):
        Jr, gr = net.loss_and_grads(X, Y, loss, params={k: v[r] for k, v in params.items()})
        assert J[r] == pytest.approx(Jr, rel=1e-12, abs=1e-12)
        for k in gr:
            np.testing.assert_allclose(grads[k][r], gr[k], rtol=1e-10, atol=1e-12)


def test_custom_loss_callable():
    net = MLP([2, 3, 1], "tanh", seed=0)
    X = np.array([[0.3, -0.2], [1.0, 0.5]])
    J, grads = net.loss_and_grads(X, None, loss=lambda yhat, y: (yhat.sum(), np.ones_like(yhat)))
    assert J == pytest.approx(net.forward(X).sum())
    np.testing.assert_allclose(grads["b2"], [2.0])  # d(sum of yhat)/d b2 = n


# ------------------------------------------------------------------ trace

@settings(max_examples=40, deadline=None)
@given(net=networks(), loss=st.sampled_from(["mse", "sse", "l1"]), seed=st.integers(0, 2**32 - 1))
def test_trace_agrees_with_forward_and_grads(net, loss, seed):
    rng = np.random.default_rng(seed)
    net.params = randomise(net, rng)
    x, y = rng.normal(size=net.input_size), rng.normal(size=net.sizes[-1])
    t = net.trace(x, y, loss)
    J, grads = net.loss_and_grads(x[None], y[None], loss)
    assert t.loss == pytest.approx(J)
    yhat = net.forward(x[None])[0]
    expected = float(yhat[0]) if len(yhat) == 1 else tuple(yhat)
    assert t.yhat == pytest.approx(expected)
    assert len(t.nodes) == sum(net.sizes)
    assert len(t.edges) == sum(v.size for k, v in net.params.items() if k.startswith("W"))
    for e in t.edges:
        name, idx = e.name.split("[")
        i, j = (int(v) for v in idx[:-1].split(","))
        assert e.src[1] == i and e.dst[1] == j
        assert e.w == net.params[name][i, j] and e.dw == pytest.approx(grads[name][i, j])
        assert isinstance(e.w, float) and isinstance(e.dw, float)
    zs = net.preactivations(x[None])
    for node in t.nodes:
        if node.layer == 0:
            assert node.z is None and node.a == x[node.unit] and node.dz is None
            continue
        layer = net.layers[node.layer - 1]
        assert node.z == pytest.approx(zs[node.layer - 1][0, node.unit])
        assert node.dz == pytest.approx(node.da * layer.activation.grad(np.array(node.z)))
        if layer.bias:
            assert node.b == net.params[f"b{node.layer}"][node.unit]
            assert node.db == pytest.approx(grads[f"b{node.layer}"][node.unit])
            assert node.db == pytest.approx(node.dz)  # db = dz for one example
        else:
            assert node.b is None and node.db is None
    # the input nodes carry dL/dx: check it numerically away from kinks
    X, Y = x[None], y[None]  # views: numerical_gradient perturbs x through them
    num = numerical_gradient(lambda _: net.loss_and_grads(X, Y, loss)[0], x)
    ok = ~kink_crossed(kinks(net, X, Y, loss), x)
    for j in np.flatnonzero(ok):
        assert t.node(0, j).da == pytest.approx(num[j], rel=1e-5, abs=1e-7)


def test_trace_without_target_and_residual_flag():
    net = Network(2, [Layer(2, "tanh"), Layer(2, "relu", residual=True), Layer(1, "identity")],
                  seed=1)
    t = net.trace([0.5, -1.0])
    assert t.loss is None and all(n.dz is None and n.da is None for n in t.nodes)
    assert all(e.dw is None for e in t.edges)
    assert t.residual == (2,)
    assert t.node(2, 1).a == pytest.approx(
        get_activation("relu").fn(t.node(2, 1).z) + t.node(1, 1).a)
    with pytest.raises(ValueError):
        net.params = net.init_params(restarts=2)
        net.trace([0.5, -1.0])


# ------------------------------------------------------------------ upstream gradient dout

def test_dout_gives_output_gradients_of_the_sine_network_by_hand():
    net = MLP([1, 3, 1], "sigmoid", seed=5)
    net.params = randomise(net, np.random.default_rng(5))
    x = 0.7
    expected = sine_net_output_grads(x, net.params)
    J, grads = net.loss_and_grads([[x]], dout=1.0)
    t = net.trace([x], dout=1.0)
    assert J is None and t.loss is None and t.node(2).da == 1.0
    for name, value in expected.items():
        np.testing.assert_allclose(grads[name], value, rtol=1e-12)
    for k in range(3):
        assert t.edge(f"W1[0,{k}]").dw == pytest.approx(expected["W1"][0, k], rel=1e-12)
        assert t.node(1, k).db == pytest.approx(expected["b1"][k], rel=1e-12)
    # dout is the upstream gradient: the result scales with it
    np.testing.assert_allclose(net.loss_and_grads([[x]], dout=-2.5)[1]["W1"],
                               -2.5 * expected["W1"], rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(net=networks(), n=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_dout_is_the_gradient_of_sum_dout_times_yhat(net, n, seed):
    rng = np.random.default_rng(seed)
    net.params = randomise(net, rng)
    X, dout = rng.normal(size=(n, net.input_size)), rng.normal(size=(n, net.sizes[-1]))
    _, grads = net.loss_and_grads(X, dout=dout)
    t = net.trace(X[0], dout=dout[0])

    def weighted_output(_):
        return float((dout * net.forward(X)).sum())

    for name, p in net.params.items():
        num = numerical_gradient(weighted_output, p)
        ok = ~kink_crossed(kinks(net, X, None, "mse"), p)
        np.testing.assert_allclose(grads[name][ok], num[ok], rtol=1e-5, atol=1e-7)
    one = net.loss_and_grads(X[:1], dout=dout[:1])[1]
    for e in t.edges:
        name, idx = e.name.split("[")
        assert e.dw == pytest.approx(one[name][tuple(int(v) for v in idx[:-1].split(","))])


def test_dout_and_a_target_together_are_an_error():
    net = MLP([1, 2, 1], "tanh", seed=0)
    with pytest.raises(ValueError, match="not both"):
        net.trace([0.5], [1.0], dout=1.0)
    with pytest.raises(ValueError, match="not both"):
        net.loss_and_grads([[0.5]], [[1.0]], dout=1.0)
