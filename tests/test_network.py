"""fastgrad.MLP: backprop against finite differences and the per-example oracle, forward mode,
training, persistence and bad input."""

import numpy as np
import pytest
import reference_nn as ref

import fastgrad
from fastgrad.datasets import load_digits

HIDDEN = ["identity", "sigmoid", "tanh", "relu"]
# (loss, output_activation): every output activation each loss allows
LOSSES = [("quadratic", None), ("quadratic", "softmax"), ("cross_entropy", None),
          ("softmax_cross_entropy", None)]  # fmt: skip
DTYPES = [np.float64, np.float32]


def problem(rng, net, n_samples=6, labels=True):
    x = rng.standard_normal((n_samples, net.sizes[0]))
    if labels:
        return x, rng.integers(0, net.sizes[-1], n_samples)
    return x, rng.uniform(0.05, 0.95, (n_samples, net.sizes[-1]))


def flat(grads):
    weights, biases = grads
    return np.concatenate([g.ravel() for g in weights + biases]).astype(np.float64)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("loss", "output"), LOSSES)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_gradient_matches_finite_differences(rng, hidden, loss, output, dtype):
    net = fastgrad.MLP([4, 5, 3], hidden, output, loss, dtype=dtype, seed=rng)
    x, y = problem(rng, net, labels=loss != "quadratic")
    analytic = flat(net.gradient(x, y))
    numeric = flat(net.numerical_gradient(x, y, progress=False))
    assert net.gradient(x, y)[0][0].dtype == dtype
    rtol = 1e-7 if dtype == np.float64 else 2e-2
    assert np.linalg.norm(analytic - numeric) <= rtol * np.linalg.norm(numeric)


def reference_parts(net):
    """Nielsen's shapes: w (n_out, n_in), b (n_out, 1), float64."""
    weights = [w.T.astype(np.float64) for w in net.weights]
    biases = [b.reshape(-1, 1).astype(np.float64) for b in net.biases]
    activations = [net.activation] * (len(weights) - 1) + [net.output_activation]
    return weights, biases, activations


@pytest.mark.parametrize(("loss", "output"), LOSSES)
@pytest.mark.parametrize("hidden", HIDDEN)
def test_batched_gradient_equals_sum_of_per_example_backprop(rng, hidden, loss, output):
    net = fastgrad.MLP([5, 4, 6, 3], hidden, output, loss, seed=rng)
    x, y = problem(rng, net, n_samples=7, labels=False)
    if loss == "softmax_cross_entropy":
        y = y / y.sum(axis=1, keepdims=True)  # a distribution per row
    weights, biases, activations = reference_parts(net)
    sum_w = [np.zeros_like(w) for w in weights]
    sum_b = [np.zeros_like(b) for b in biases]
    total = 0.0
    for xi, yi in zip(x, y, strict=True):
        nabla_w, nabla_b = ref.backprop_one(weights, biases, activations, loss, xi, yi)
        sum_w = [s + g for s, g in zip(sum_w, nabla_w, strict=True)]
        sum_b = [s + g for s, g in zip(sum_b, nabla_b, strict=True)]
        total += ref.cost_one(weights, biases, activations, loss, xi, yi)
    grad_w, grad_b = net.gradient(x, y)
    n = x.shape[0]
    for ours, theirs in zip(grad_w, sum_w, strict=True):
        assert ours.shape == theirs.T.shape
        np.testing.assert_allclose(ours * n, theirs.T, rtol=1e-10, atol=1e-12)
    for ours, theirs in zip(grad_b, sum_b, strict=True):
        np.testing.assert_allclose(ours * n, theirs.ravel(), rtol=1e-10, atol=1e-12)
    assert net.loss(x, y) == pytest.approx(total / n, rel=1e-12)
    expected_out = []
    for xi in x:
        a = xi.reshape(-1, 1)
        for w, b, name in zip(weights, biases, activations, strict=True):
            a = ref.activation(name, w @ a + b)
        expected_out.append(a.ravel())
    np.testing.assert_allclose(net.forward(x), np.array(expected_out), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("loss", "output"), LOSSES)
def test_jvp_equals_gradient_dot_tangent(rng, loss, output, dtype):
    net = fastgrad.MLP([6, 5, 4, 3], "tanh", output, loss, dtype=dtype, seed=rng)
    x, y = problem(rng, net, n_samples=9)
    tangent = ([rng.standard_normal(w.shape) for w in net.weights],
               [rng.standard_normal(b.shape) for b in net.biases])  # fmt: skip
    expected = float(flat(net.gradient(x, y)) @ flat(tangent))
    rtol = 1e-12 if dtype == np.float64 else 1e-4
    assert net.jvp(x, y, tangent) == pytest.approx(expected, rel=rtol, abs=rtol)


def test_numerical_gradient_forward_method_subset_and_progress(rng, capsys):
    net = fastgrad.MLP([3, 4, 2], loss="cross_entropy", seed=rng)
    x, y = problem(rng, net)
    exact = flat(net.gradient(x, y))
    forward = flat(net.numerical_gradient(x, y, method="forward", progress=False))
    assert np.linalg.norm(forward - exact) <= 1e-6 * np.linalg.norm(exact)
    assert np.linalg.norm(forward - exact) >= 1e-12 * np.linalg.norm(exact)  # it is an estimate
    partial = flat(net.numerical_gradient(x, y, subset=5, seed=1, progress=True))
    assert np.count_nonzero(~np.isnan(partial)) == 5
    mask = ~np.isnan(partial)
    np.testing.assert_allclose(partial[mask], exact[mask], rtol=1e-6, atol=1e-9)
    assert "numerical_gradient" in capsys.readouterr().err
    weights_before = [w.copy() for w in net.weights]
    net.numerical_gradient(x, y, subset=[0, net.n_params - 1], progress=False)
    for before, after in zip(weights_before, net.weights, strict=True):
        np.testing.assert_array_equal(before, after)


def test_fit_update_rule_is_sgd_with_weight_decay(rng):
    net = fastgrad.MLP([4, 3, 2], "sigmoid", loss="quadratic", seed=rng)
    x, y = problem(rng, net, n_samples=5, labels=False)
    grad_w, grad_b = net.gradient(x, y)
    expected_w = [w - 0.3 * (g + 0.1 * w) for w, g in zip(net.weights, grad_w, strict=True)]
    expected_b = [b - 0.3 * g for b, g in zip(net.biases, grad_b, strict=True)]
    net.fit(x, y, epochs=1, batch_size=5, learning_rate=0.3, weight_decay=0.1, seed=0,
            progress=False)  # fmt: skip
    for ours, theirs in zip(net.weights + net.biases, expected_w + expected_b, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-13, atol=1e-15)


def test_fit_digits_reaches_97_percent_within_30_epochs():
    images, labels = load_digits()
    order = np.random.default_rng(0).permutation(labels.size)
    test, train = order[:449], order[449:]  # 75/25
    net = fastgrad.MLP([64, 30, 10], loss="softmax_cross_entropy", seed=0)
    history = net.fit(images[train], labels[train], epochs=30, batch_size=10, learning_rate=1.0,
                      validation_data=(images[test], labels[test]), seed=0,
                      progress=False)  # fmt: skip
    assert sorted(history) == ["accuracy", "loss", "val_accuracy", "val_loss"]
    assert all(len(values) == 30 for values in history.values())
    assert max(history["val_accuracy"]) >= 0.97
    assert np.mean(net.predict(images[test]) == labels[test]) >= 0.96
    assert history["loss"][-1] < history["loss"][0] / 5
    assert history["val_accuracy"][-1] == np.mean(net.predict(images[test]) == labels[test])


def test_fit_float32_learns(rng, capsys):
    images, labels = load_digits()
    net = fastgrad.MLP([64, 20, 10], loss="softmax_cross_entropy", dtype=np.float32, seed=1)
    history = net.fit(images[:600], labels[:600], epochs=3, batch_size=16, learning_rate=1.0,
                      seed=1)  # fmt: skip
    assert net.weights[0].dtype == np.float32
    assert history["accuracy"][-1] > 0.8
    assert capsys.readouterr().err.count("epoch ") == 3


def test_fit_divergence_stops_and_keeps_finite_parameters(rng):
    net = fastgrad.MLP([5, 8, 3], "relu", "identity", "quadratic", seed=rng)
    x = rng.standard_normal((40, 5)) * 100
    y = rng.standard_normal((40, 3))
    # errstate: under NUMBA_DISABLE_JIT=1 the kernels run on NumPy scalars, which warn on overflow
    with (
        pytest.raises(FloatingPointError, match="training diverged") as info,
        np.errstate(all="ignore"),
    ):
        net.fit(x, y, epochs=50, batch_size=4, learning_rate=1e6, progress=False)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)
    assert isinstance(info.value.history, dict)
    assert len(info.value.history["loss"]) < 50


def test_bad_fit_arguments_change_nothing(rng):
    net = fastgrad.MLP([3, 2], seed=rng)
    x, y = problem(rng, net)
    before = [p.copy() for p in net.weights + net.biases]
    bad_calls = [
        ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
        ({"learning_rate": 0.0}, ValueError, "learning_rate must be > 0"),
        ({"learning_rate": -1.0}, ValueError, "learning_rate must be > 0"),
        ({"learning_rate": np.nan}, ValueError, "learning_rate must be finite"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"epochs": 2.5}, TypeError, "epochs must be an integer"),
        ({"weight_decay": -0.1}, ValueError, "weight_decay must be >= 0"),
        ({"validation_data": (x,)}, TypeError, "validation_data must be a pair"),
        ({"validation_data": (x[:, :2], y)}, ValueError, r"validation_data\[0\] must have 3"),
        ({"validation_data": (x, y + 7)}, ValueError, r"validation_data\[1\] labels must be"),
        ({"seed": "abc"}, TypeError, "seed must be an integer"),
    ]
    for kwargs, error, message in bad_calls:
        args = {"epochs": 1, "batch_size": 2, "learning_rate": 0.1, "progress": False, **kwargs}
        with pytest.raises(error, match=message):
            net.fit(x, y, **args)
    for p, q in zip(before, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(p, q)


def test_inputs_are_not_mutated(rng):
    net = fastgrad.MLP([4, 5, 3], "tanh", loss="softmax_cross_entropy", seed=rng)
    x, y = problem(rng, net, n_samples=8)
    x_copy, y_copy = x.copy(), y.copy()
    tangent = ([np.ones(w.shape) for w in net.weights], [np.ones(b.shape) for b in net.biases])
    net.forward(x)
    net.loss(x, y)
    net.gradient(x, y)
    net.jvp(x, y, tangent)
    net.numerical_gradient(x, y, subset=3, progress=False)
    net.fit(x, y, epochs=2, batch_size=3, learning_rate=0.1, progress=False)
    np.testing.assert_array_equal(x, x_copy)
    np.testing.assert_array_equal(y, y_copy)
    assert all((t == 1).all() for t in tangent[0] + tangent[1])


def test_weights_are_views_and_setters_validate(rng):
    net = fastgrad.MLP([3, 4, 2], seed=rng)
    x = rng.standard_normal((2, 3))
    net.weights[0][...] = 0
    net.biases[0][...] = 0
    np.testing.assert_allclose(net.forward(x)[:, 0], net.forward(x[::-1])[:, 0])
    new = [np.ones((3, 4)), np.full((4, 2), 2.0)]
    net.weights = new
    assert net.weights[1][0, 0] == 2.0
    with pytest.raises(ValueError, match=r"weights\[1\] must have shape \(4, 2\)"):
        net.weights = [np.ones((3, 4)), np.ones((2, 4))]
    with pytest.raises(ValueError, match=r"biases\[0\] must be finite"):
        net.biases = [np.full(4, np.inf), np.zeros(2)]
    assert net.biases[0][0] == 0.0  # a rejected assignment changes nothing
    assert net.n_params == 3 * 4 + 4 + 4 * 2 + 2


def test_initialization_is_seeded_and_scaled():
    a = fastgrad.MLP([400, 300, 10], seed=3)
    b = fastgrad.MLP([400, 300, 10], seed=3)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert a.weights[0].std() == pytest.approx(1 / np.sqrt(400), rel=0.02)
    assert a.biases[0].std() == pytest.approx(1.0, rel=0.15)
    assert not np.array_equal(a.weights[0], fastgrad.MLP([400, 300, 10], seed=4).weights[0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_save_load_roundtrip(rng, tmp_path, dtype):
    net = fastgrad.MLP([3, 5, 2], "relu", loss="softmax_cross_entropy", dtype=dtype, seed=rng)
    path = tmp_path / "net.npz"
    net.save(path)
    loaded = fastgrad.MLP.load(path)
    assert repr(loaded) == repr(net)
    assert loaded.dtype == dtype
    x = rng.standard_normal((4, 3))
    np.testing.assert_array_equal(loaded.forward(x), net.forward(x))
    np.save(tmp_path / "other.npy", np.zeros(3))
    with pytest.raises(ValueError, match="path .* could not be read as an .npz file"):
        fastgrad.MLP.load(tmp_path / "other.npy")
    np.savez(tmp_path / "wrong.npz", sizes=np.array([3, 2]))
    with pytest.raises(ValueError, match="is not a saved MLP"):
        fastgrad.MLP.load(tmp_path / "wrong.npz")


CONSTRUCTOR_BAD = [
    ({"sizes": [3]}, ValueError, "sizes must list at least two"),
    ({"sizes": [3, 0, 2]}, ValueError, "sizes must all be >= 1"),
    ({"sizes": [3, 2.5]}, TypeError, "sizes must be an integer"),
    ({"sizes": 5}, TypeError, "sizes must be a sequence"),
    ({"activation": "swish"}, ValueError, "activation must be one of"),
    ({"activation": "softmax"}, ValueError, "activation .* must not be 'softmax'"),
    ({"output_activation": "bogus"}, ValueError, "output_activation must be one of"),
    ({"loss": "hinge"}, ValueError, "loss must be one of"),
    ({"loss": "cross_entropy", "output_activation": "softmax"}, ValueError,
     "output_activation must be 'sigmoid'"),
    ({"loss": "softmax_cross_entropy", "output_activation": "tanh"}, ValueError,
     "output_activation must be 'softmax'"),
    ({"dtype": np.int32}, TypeError, "dtype must be numpy.float32 or numpy.float64"),
    ({"dtype": "float16"}, TypeError, "dtype must be numpy.float32 or numpy.float64"),
    ({"seed": 1.5}, TypeError, "seed must be an integer"),
]  # fmt: skip


@pytest.mark.parametrize(("kwargs", "error", "message"), CONSTRUCTOR_BAD)
def test_constructor_bad_input_names_the_argument(kwargs, error, message):
    args = {"sizes": [3, 4, 2], **kwargs}
    with pytest.raises(error, match=message):
        fastgrad.MLP(**args)


def _method_calls(net, x, y):
    tangent = ([np.ones(w.shape) for w in net.weights], [np.ones(b.shape) for b in net.biases])
    return {
        "loss": lambda x_, y_: net.loss(x_, y_),
        "gradient": lambda x_, y_: net.gradient(x_, y_),
        "numerical_gradient": lambda x_, y_: net.numerical_gradient(x_, y_, progress=False),
        "jvp": lambda x_, y_: net.jvp(x_, y_, tangent),
        "fit": lambda x_, y_: net.fit(x_, y_, 1, 2, 0.1, progress=False),
    }


DATA_BAD = [
    ("x", lambda x, y: (x[:, :2], y), ValueError, "x must have 3 columns"),
    ("x", lambda x, y: (x[0], y), ValueError, "x must be 2-D"),
    ("x", lambda x, y: (x[:0], y[:0]), ValueError, "x must not be empty"),
    ("x", lambda x, y: (np.where(x > 0, np.nan, x), y), ValueError, "x must be finite"),
    ("x", lambda x, y: (x.astype(str), y), TypeError, "x must be an array of real numbers"),
    ("y", lambda x, y: (x, y[:-1]), ValueError, "y must have 6 labels"),
    ("y", lambda x, y: (x, y + 2), ValueError, r"y labels must be in \[0, 2\)"),
    ("y", lambda x, y: (x, y - 1), ValueError, r"y labels must be in \[0, 2\)"),
    ("y", lambda x, y: (x, y.astype(float)), TypeError, "y with one dimension must hold integer"),
    ("y", lambda x, y: (x, np.ones((6, 3))), ValueError, "y must have shape"),
    ("y", lambda x, y: (x, np.full((6, 2), np.inf)), ValueError, "y must be finite"),
    ("y", lambda x, y: (x, np.ones((6, 2, 1))), ValueError, "y must be 1-D class labels or 2-D"),
]


@pytest.mark.parametrize("method", ["loss", "gradient", "numerical_gradient", "jvp", "fit"])
@pytest.mark.parametrize(("arg", "make", "error", "message"), DATA_BAD)
def test_methods_bad_data_names_the_argument(rng, method, arg, make, error, message):
    net = fastgrad.MLP([3, 4, 2], seed=rng)
    x = rng.standard_normal((6, 3))
    y = rng.integers(0, 2, 6)
    before = net.weights[0].copy()
    with pytest.raises(error, match=message):
        _method_calls(net, x, y)[method](*make(x, y))
    np.testing.assert_array_equal(before, net.weights[0])


def test_other_method_arguments_are_checked(rng):
    net = fastgrad.MLP([3, 4, 2], seed=rng)
    x, y = rng.standard_normal((6, 3)), rng.integers(0, 2, 6)
    with pytest.raises(ValueError, match="method must be 'central' or 'forward'"):
        net.numerical_gradient(x, y, method="backward")
    with pytest.raises(ValueError, match="eps must be > 0"):
        net.numerical_gradient(x, y, eps=0.0)
    with pytest.raises(ValueError, match="subset must be in"):
        net.numerical_gradient(x, y, subset=[net.n_params])
    with pytest.raises(TypeError, match="subset must hold integer indices"):
        net.numerical_gradient(x, y, subset=[0.5])
    with pytest.raises(TypeError, match="tangent must be a pair"):
        net.jvp(x, y, net.weights[0])
    with pytest.raises(ValueError, match=r"tangent\[0\]\[1\] must have shape"):
        net.jvp(x, y, ([np.ones((3, 4)), np.ones(2)], [np.ones(4), np.ones(2)]))
    with pytest.raises(ValueError, match="forward|x must"):
        net.forward(np.ones((2, 5)))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("loss", "output"), LOSSES)
def test_fast_and_general_paths_agree(rng, loss, output, dtype):
    """Ready arrays (C-contiguous, the network's dtype, int64 labels) take the attribute-only
    path; lists, other dtypes and strided views take the converting one: same results."""
    net = fastgrad.MLP([5, 4, 3], "tanh", output, loss, dtype=dtype, seed=rng)
    x = rng.standard_normal((7, 5)).astype(dtype)
    labels = rng.integers(0, 3, 7)
    rows = np.eye(3, dtype=dtype)[labels]
    fast = [flat(net.gradient(x, labels)), flat(net.gradient(x, rows))]
    general = [
        flat(net.gradient(x.tolist(), labels.astype(np.int32))),
        flat(net.gradient(np.asfortranarray(x), labels.tolist())),
        flat(net.gradient(x, rows.astype(np.float16 if dtype == np.float32 else np.float32))),
        flat(net.gradient(np.repeat(x, 2, axis=0)[::2], np.repeat(labels, 2)[::2])),
    ]
    for result in fast + general:
        assert result.shape == (net.n_params,)
        np.testing.assert_array_equal(result, fast[0])
    losses = [net.loss(x, labels), net.loss(x, rows), net.loss(x.tolist(), labels.astype(np.uint8))]
    assert losses[0] == losses[1] == losses[2]
    np.testing.assert_array_equal(net.forward(x), net.forward(x.tolist()))
    grad_w, grad_b = net.gradient(x, labels)
    assert [g.dtype for g in grad_w + grad_b] == [dtype] * 4
    assert grad_w[0].base is grad_b[1].base  # views into one fresh flat array
    assert net.gradient(x, labels)[0][0].base is not grad_w[0].base


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fast_path_detects_nonfinite_and_bad_labels(rng, dtype, bad):
    net = fastgrad.MLP([4, 6, 3], "relu", loss="softmax_cross_entropy", dtype=dtype, seed=rng)
    x = rng.standard_normal((5, 4)).astype(dtype)
    labels = rng.integers(0, 3, 5)
    rows = np.eye(3, dtype=dtype)[labels]
    net.weights[0][2] = 0  # a zero weight row cannot hide NaN/Inf in that column of x
    x_bad = x.copy()
    x_bad[3, 2] = bad
    y_bad = rows.copy()
    y_bad[1, 0] = bad
    for method in (net.gradient, net.loss):
        with pytest.raises(ValueError, match="x must be finite"):
            method(x_bad, labels)
        with pytest.raises(ValueError, match="x must be finite"):
            method(x_bad, rows)
        with pytest.raises(ValueError, match="y must be finite"):
            method(x, y_bad)
        for wrong in (3, -1):
            labels_bad = labels.copy()
            labels_bad[4] = wrong
            with pytest.raises(ValueError, match=r"y labels must be in \[0, 3\)"):
                method(x, labels_bad)
            with pytest.raises(ValueError, match="x must be finite"):  # x is named first
                method(x_bad, labels_bad)
    with pytest.raises(ValueError, match="x must be finite"):
        net.forward(x_bad)


def test_overflow_inside_the_network_is_not_an_error(rng):
    net = fastgrad.MLP([3, 4, 2], "identity", loss="quadratic", seed=rng)
    net.weights = [np.ones((3, 4)), np.ones((4, 2))]
    x = np.full((2, 3), 1e308)  # finite, but x @ weight overflows
    with np.errstate(all="ignore"):
        grad_w, _ = net.gradient(x, np.array([0, 1]))
        out = net.forward(x)
    assert not np.isfinite(grad_w[1]).all()
    assert not np.isfinite(out).all()


def test_fit_finds_nan_in_a_late_row_and_restores_the_parameters(rng):
    net = fastgrad.MLP([4, 5, 3], seed=rng)
    x = rng.standard_normal((50, 4))
    y = rng.integers(0, 3, 50)
    x[37, 1] = np.nan
    before = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(ValueError, match="x must be finite"):
        net.fit(x, y, epochs=3, batch_size=4, learning_rate=0.5, seed=0, progress=False)
    for p, q in zip(before, net.weights + net.biases, strict=True):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("weight_decay", [0.0, 0.01])
@pytest.mark.parametrize("dtype", DTYPES)
def test_fit_equals_gradient_steps(rng, dtype, weight_decay):
    """The epoch kernel (one-hot from labels, bound-checked one-pass update) takes the same
    steps as MLP.gradient over the same batches."""
    net = fastgrad.MLP([6, 5, 3], "sigmoid", loss="cross_entropy", dtype=dtype, seed=rng)
    twin = fastgrad.MLP([6, 5, 3], "sigmoid", loss="cross_entropy", dtype=dtype, seed=0)
    twin.weights, twin.biases = net.weights, net.biases
    x = rng.standard_normal((23, 6)).astype(dtype)
    y = rng.integers(0, 3, 23)
    history = net.fit(x, y, epochs=2, batch_size=5, learning_rate=0.7,
                      weight_decay=weight_decay, seed=3, progress=False)  # fmt: skip
    order_rng = np.random.default_rng(3)
    lr, wd = dtype(0.7), dtype(weight_decay)
    for _ in range(2):
        order = order_rng.permutation(23)
        for start in range(0, 23, 5):
            batch = order[start : start + 5]
            grad_w, grad_b = twin.gradient(x[batch], y[batch])
            twin.weights = [
                w - lr * (g + wd * w) for w, g in zip(twin.weights, grad_w, strict=True)
            ]
            twin.biases = [b - lr * g for b, g in zip(twin.biases, grad_b, strict=True)]
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    for ours, theirs in zip(net.weights + net.biases, twin.weights + twin.biases, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol)
    assert len(history["loss"]) == 2 and len(history["accuracy"]) == 2


@pytest.mark.parametrize("dtype", DTYPES)
def test_max_abs_of_the_update_bound_is_exact(rng, dtype):
    """The update bound's max |a| (an integer maximum over bit patterns) equals NumPy's
    max |a| for zeros, subnormals, normals and the largest finite value, and is Inf when an
    entry is NaN or +-Inf; other layouts take the float loop and agree."""
    from fastgrad._kernels.dense import _max_abs

    info = np.finfo(dtype)
    special = [0.0, -0.0, info.smallest_subnormal, -info.smallest_subnormal, info.tiny, 1.0,
               -3.5, -float(info.max), float(info.max)]  # fmt: skip
    for value, background in [(v, b) for v in special for b in (0.0, 1e-30)]:
        a = (rng.random((3, 5)) * background).astype(dtype)  # background 0: value is the max
        a[1, 3] = value
        want = float(np.max(np.abs(a)))
        assert _max_abs(a) == want
        assert _max_abs(np.asfortranarray(a)) == want
        assert _max_abs(a[:, ::2]) == float(np.max(np.abs(a[:, ::2])))
    for value in (np.nan, np.inf, -np.inf):
        a = rng.standard_normal((4, 7)).astype(dtype)
        a[2, 6] = value
        assert _max_abs(a) == np.inf
        assert _max_abs(a[:, ::3]) == np.inf
    a = rng.standard_normal((10, 784)).astype(dtype)
    assert _max_abs(a) == float(np.max(np.abs(a)))


def test_no_network_kernel_is_compiled_for_a_literal_constant(tmp_path):
    """Compile time: a constant passed on as a Python int or bool is typed as a literal, and
    the callee then compiles a version for it beside the one for the same argument read from
    an array (MLP.gradient's first call took 12.5 s instead of 7.3). In a fresh process with an
    empty Numba cache (kernels loaded from the cache list no callees, and the signatures of
    this process depend on the other tests), gradient, fit, loss, forward and jvp leave no
    kernel compiled for a literal argument."""
    from conftest import JIT_DISABLED

    if JIT_DISABLED:
        pytest.skip("NUMBA_DISABLE_JIT=1: nothing is compiled")
    import os
    import subprocess
    import sys

    script = (
        "import numba, numpy as np, fastgrad\n"
        "from fastgrad._kernels import dense as kernels\n"
        "net = fastgrad.MLP([5, 4, 3], activation='tanh', loss='cross_entropy', seed=0)\n"
        "x = np.random.default_rng(0).random((12, 5)); y = np.arange(12) % 3\n"
        "net.gradient(x, y); net.fit(x, y, 1, 4, 0.1, seed=0, progress=False)\n"
        "net.loss(x, y); net.forward(x); net.jvp(x, y, net.gradient(x, y))\n"
        "for name in dir(kernels):\n"
        "    f = getattr(kernels, name)\n"
        "    if isinstance(f, numba.core.registry.CPUDispatcher) and name != '_layer_params':\n"
        "        for signature in f.signatures:\n"
        "            if any(isinstance(a, numba.types.Literal) for a in signature):\n"
        "                print(name, signature)\n"
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=600, check=True,
        env=env,
    )  # fmt: skip
    assert result.stdout == "", result.stdout
