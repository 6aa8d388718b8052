"""fastgrad.dense_forward / dense_backward: values, gradients, buffers and bad input."""

import numpy as np
import pytest

import fastgrad
from fastgrad._kernels import dense as kernels

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "softmax"]
CODES = {"identity": 0, "sigmoid": 1, "tanh": 2, "relu": 3, "softmax": 4}
DTYPES = [np.float64, np.float32]


def numpy_activation(name, z):
    """The activations in plain NumPy (float64 in, float64 out)."""
    if name == "identity":
        return z
    if name == "sigmoid":
        e = np.exp(-np.abs(z))  # the stable form: 1/(1+e) for z >= 0, e/(1+e) below
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.maximum(z, 0.0)
    shifted = np.exp(z - z.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


def activate(z, bias, name):
    """The kernel's activation on a copy of ``z``.

    Compiled kernels never warn; with NUMBA_DISABLE_JIT=1 the same lines run on NumPy scalars,
    which warn on Inf - Inf and the like, hence the errstate.
    """
    out = z.copy()
    with np.errstate(all="ignore"):
        kernels.activate_inplace(out, bias, CODES[name])
    return out


def ulp_distance(actual, expected):
    """|actual - expected| in units of the spacing at ``expected`` (its own dtype)."""
    expected = np.asarray(expected)
    spacing = np.spacing(np.abs(expected).astype(expected.dtype)).astype(np.float64)
    return np.abs(actual.astype(np.float64) - expected.astype(np.float64)) / spacing


def layer(rng, n_samples, n_in, n_out, dtype):
    x = rng.standard_normal((n_samples, n_in)).astype(dtype)
    weight = rng.standard_normal((n_in, n_out)).astype(dtype)
    bias = rng.standard_normal(n_out).astype(dtype)
    return x, weight, bias


def extreme_values(rng):
    """Many values across the whole float64 range, both signs, plus the edges of each regime."""
    wide = np.sign(rng.standard_normal(200_000)) * 10.0 ** rng.uniform(-320, 2.9, 200_000)
    edges = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 0.55, -0.55, 0.5500000000000001, 19.06, 36.7,
             -36.7, 708.4, -708.4, 709.8, -709.8, 745.1, -745.1, 745.2, -746.0, 800.0, -800.0,
             1e308, -1e308]  # fmt: skip
    return np.concatenate([rng.standard_normal(200_000) * 4, wide, rng.uniform(-800, 800, 50_000),
                           np.array(edges)])  # fmt: skip


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_activation_within_2_ulp_of_numpy_float64(rng, name):
    z = extreme_values(rng).reshape(1, -1)
    out = activate(z, np.zeros(z.shape[1]), name)
    expected = numpy_activation(name, z)
    assert out.dtype == np.float64
    assert ulp_distance(out, expected).max() <= 2.0


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_activation_within_2_ulp_of_numpy_float32(rng, name):
    z32 = rng.uniform(-110, 110, 100_000).astype(np.float32)
    z32 = np.concatenate([z32, (rng.standard_normal(100_000) * 3).astype(np.float32)])
    z32 = z32.reshape(1, -1)
    out = activate(z32, np.zeros(z32.shape[1], np.float32), name)
    expected = numpy_activation(name, z32.astype(np.float64)).astype(np.float32)
    assert out.dtype == np.float32
    assert ulp_distance(out, expected).max() <= 2.0


def test_activation_nan_and_inf_behaviour():
    z = np.array([[np.nan, np.inf, -np.inf, 0.0, -0.0]])
    bias = np.zeros(5)
    out = activate(z, bias, "sigmoid")
    np.testing.assert_array_equal(out, [[np.nan, 1.0, 0.0, 0.5, 0.5]])
    out = activate(z, bias, "tanh")
    np.testing.assert_array_equal(out, [[np.nan, 1.0, -1.0, 0.0, -0.0]])
    out = activate(z, bias, "relu")
    np.testing.assert_array_equal(out, [[np.nan, np.inf, 0.0, 0.0, 0.0]])
    out = activate(z, bias, "softmax")
    assert np.isnan(out).all()  # NaN (and +Inf) poison their row
    row = np.array([[1.0, -np.inf, 2.0]])
    soft = activate(row, np.zeros(3), "softmax")
    np.testing.assert_allclose(soft, [[1 / (1 + np.e), 0.0, np.e / (1 + np.e)]], rtol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_forward_matches_numpy(rng, name, dtype):
    x, weight, bias = layer(rng, 7, 5, 4, dtype)
    out = fastgrad.dense_forward(x, weight, bias, name)
    assert out.dtype == dtype
    assert out.shape == (7, 4)
    z = x.astype(np.float64) @ weight.astype(np.float64) + bias.astype(np.float64)
    rtol = 1e-13 if dtype == np.float64 else 2e-5
    np.testing.assert_allclose(out, numpy_activation(name, z), rtol=rtol, atol=rtol)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backward_matches_finite_differences(rng, name, dtype):
    x, weight, bias = layer(rng, 6, 4, 3, dtype)
    probe = rng.standard_normal((6, 3))  # L = sum(probe * out), so dL/d(out) = probe

    def loss(x_, w_, b_):
        x64, w64, b64 = (np.asarray(v, np.float64) for v in (x_, w_, b_))
        return float(np.sum(probe * fastgrad.dense_forward(x64, w64, b64, name)))

    out = fastgrad.dense_forward(x, weight, bias, name)
    grads = fastgrad.dense_backward(probe.astype(dtype), x, weight, out, name)
    assert [g.dtype for g in grads] == [dtype] * 3
    assert [g.shape for g in grads] == [x.shape, weight.shape, bias.shape]
    params = [x.astype(np.float64), weight.astype(np.float64), bias.astype(np.float64)]
    eps = 1e-6
    for which, grad in enumerate(grads):
        numeric = np.empty(grad.shape)
        for index in np.ndindex(grad.shape):
            plus = [p.copy() for p in params]
            minus = [p.copy() for p in params]
            plus[which][index] += eps
            minus[which][index] -= eps
            numeric[index] = (loss(*plus) - loss(*minus)) / (2 * eps)
        rtol = 1e-7 if dtype == np.float64 else 1e-3
        assert np.linalg.norm(grad - numeric) <= rtol * np.linalg.norm(numeric) + rtol


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_backward_matches_chain_rule_in_numpy(rng, name):
    x, weight, bias = layer(rng, 9, 6, 5, np.float64)
    grad_out = rng.standard_normal((9, 5))
    out = fastgrad.dense_forward(x, weight, bias, name)
    if name == "softmax":
        delta = out * (grad_out - np.sum(grad_out * out, axis=1, keepdims=True))
    else:
        derivative = {"identity": np.ones_like(out), "sigmoid": out * (1 - out),
                      "tanh": 1 - out**2, "relu": (out > 0).astype(float)}[name]  # fmt: skip
        delta = grad_out * derivative
    grad_x, grad_weight, grad_bias = fastgrad.dense_backward(grad_out, x, weight, out, name)
    np.testing.assert_allclose(grad_x, delta @ weight.T, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_weight, x.T @ delta, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(grad_bias, delta.sum(axis=0), rtol=1e-12, atol=1e-14)


def test_out_buffers_are_used_and_inputs_untouched(rng):
    x, weight, bias = layer(rng, 8, 5, 3, np.float64)
    grad_out = rng.standard_normal((8, 3))
    saved = [a.copy() for a in (x, weight, bias, grad_out)]
    out = np.empty((8, 3))
    result = fastgrad.dense_forward(x, weight, bias, "tanh", out=out)
    assert result is out
    buffers = (np.empty((8, 5)), np.empty((5, 3)), np.empty(3))
    grads = fastgrad.dense_backward(grad_out, x, weight, out, "tanh", out_grads=buffers)
    assert all(g is b for g, b in zip(grads, buffers, strict=True))
    for before, after in zip(saved, (x, weight, bias, grad_out), strict=True):
        np.testing.assert_array_equal(before, after)
    expected = fastgrad.dense_backward(grad_out, x, weight, out, "tanh")
    in_place = grad_out.copy()
    again = fastgrad.dense_backward(in_place, x, weight, out, "tanh", overwrite_grad_out=True)
    np.testing.assert_allclose(in_place, grad_out * (1 - out**2), rtol=1e-15)  # now delta
    for a, b in zip(again, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_mixed_dtypes_promote_to_float64(rng):
    x, weight, bias = layer(rng, 3, 2, 2, np.float32)
    assert fastgrad.dense_forward(x, weight.astype(np.float64), bias).dtype == np.float64
    assert fastgrad.dense_forward(x.astype(int), weight, bias).dtype == np.float64
    assert fastgrad.dense_forward(x, weight, bias.astype(np.float16)).dtype == np.float32


def _good(rng):
    x, weight, bias = layer(rng, 4, 3, 2, np.float64)
    return {"x": x, "weight": weight, "bias": bias}


FORWARD_BAD = [
    ("x", np.ones(3), ValueError, "x must be 2-D"),
    ("x", np.ones((0, 3)), ValueError, "x must not be empty"),
    ("x", np.full((4, 3), np.nan), ValueError, "x must be finite"),
    ("x", np.array([["a", "b", "c"]] * 4), TypeError, "x must be an array of real numbers"),
    ("x", np.ones((4, 3), complex), TypeError, "x must be an array of real numbers"),
    ("weight", np.ones((4, 2)), ValueError, "weight must have shape"),
    ("weight", np.array([[np.inf, 0.0]] * 3), ValueError, "weight must be finite"),
    ("bias", np.ones(3), ValueError, "bias must have shape"),
    ("bias", np.ones((1, 2)), ValueError, "bias must be 1-D"),
    ("activation", "swish", ValueError, "activation must be one of"),
    ("activation", 3, TypeError, "activation must be a string"),
    ("out", np.empty((4, 3)), ValueError, "out must have shape"),
    ("out", np.empty((4, 2), np.float32), TypeError, "out must have dtype"),
    ("out", [[0.0, 0.0]] * 4, TypeError, "out must be a numpy.ndarray"),
    ("out", np.empty((2, 4)).T, ValueError, "out must be C-contiguous"),
]


@pytest.mark.parametrize(("arg", "value", "error", "message"), FORWARD_BAD)
def test_forward_bad_input_names_the_argument(rng, arg, value, error, message):
    kwargs = _good(rng)
    kwargs[arg] = value
    with pytest.raises(error, match=message):
        fastgrad.dense_forward(**kwargs)


def test_forward_out_must_not_alias_an_input(rng):
    kwargs = _good(rng)
    x = np.zeros((4, 2))
    with pytest.raises(ValueError, match="out must not share memory"):
        fastgrad.dense_forward(x, np.eye(2), np.zeros(2), out=x)
    assert kwargs["x"].shape == (4, 3)


BACKWARD_BAD = [
    ("grad_out", np.ones((4, 3)), ValueError, "grad_out must have shape"),
    ("grad_out", np.full((4, 2), np.nan), ValueError, "grad_out must be finite"),
    ("out", np.ones((5, 2)), ValueError, "out must have shape"),
    ("out", np.ones(2), ValueError, "out must be 2-D"),
    ("weight", np.ones((3, 2, 1)), ValueError, "weight must be 2-D"),
    ("weight", np.ones((2, 2)), ValueError, "weight must have shape"),
    ("x", np.ones((4, 3), dtype=object), TypeError, "x must be an array of real numbers"),
    ("activation", "gelu", ValueError, "activation must be one of"),
    ("out_grads", (np.empty((4, 3)), np.empty((3, 2))), TypeError, "out_grads must be a tuple"),
    ("out_grads", (np.empty((4, 3)), np.empty((3, 2)), np.empty(3)), ValueError,
     r"out_grads\[2\] must have shape"),
]  # fmt: skip


@pytest.mark.parametrize(("arg", "value", "error", "message"), BACKWARD_BAD)
def test_backward_bad_input_names_the_argument(rng, arg, value, error, message):
    good = _good(rng)
    out = fastgrad.dense_forward(**good)
    kwargs = {"grad_out": np.ones_like(out), "x": good["x"], "weight": good["weight"], "out": out}
    kwargs[arg] = value
    with pytest.raises(error, match=message):
        fastgrad.dense_backward(**kwargs)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("arg", ["x", "weight", "bias"])
def test_forward_nonfinite_input_is_found_where_zeros_would_hide_it(arg, bad, dtype):
    # the kernel detects NaN/Inf through z = x @ weight + bias: a zero partner must not hide it
    x, weight, bias = np.zeros((3, 4), dtype), np.zeros((4, 2), dtype), np.zeros(2, dtype)
    {"x": x, "weight": weight, "bias": bias}[arg][(0,) * (1 if arg == "bias" else 2)] = bad
    for activation in ACTIVATIONS:
        with pytest.raises(ValueError, match=f"{arg} must be finite"):
            fastgrad.dense_forward(x, weight, bias, activation)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
@pytest.mark.parametrize("arg", ["grad_out", "x", "weight", "out"])
def test_backward_nonfinite_input_is_found_where_zeros_would_hide_it(arg, bad, dtype):
    # relu with out = 0 zeroes delta, and delta = 0 multiplies the weight: neither hides NaN/Inf
    arrays = {"grad_out": np.zeros((3, 2), dtype), "x": np.zeros((3, 4), dtype),
              "weight": np.zeros((4, 2), dtype), "out": np.zeros((3, 2), dtype)}  # fmt: skip
    arrays[arg][1, 1] = bad
    saved = {k: v.copy() for k, v in arrays.items()}
    for activation in ACTIVATIONS:
        with pytest.raises(ValueError, match=f"{arg} must be finite"):
            fastgrad.dense_backward(activation=activation, **arrays)
    for key, value in arrays.items():  # nothing written into the inputs
        np.testing.assert_array_equal(value, saved[key])


def test_overflow_of_finite_inputs_is_not_an_error():
    x = np.full((2, 3), 1e200)
    weight = np.full((3, 2), 1e200)
    out = fastgrad.dense_forward(x, weight, np.zeros(2), "sigmoid")
    np.testing.assert_array_equal(out, np.ones((2, 2)))  # z = +Inf saturates, as in NumPy
    grads = fastgrad.dense_backward(np.full((2, 2), 1e300), x, weight, np.full((2, 2), 0.5))
    assert np.isinf(grads[0]).all()  # grad_x overflows; the inputs were finite


def test_fast_path_and_general_path_agree(rng):
    x, weight, bias = layer(rng, 5, 4, 3, np.float64)
    fast = fastgrad.dense_forward(x, weight, bias, "tanh")
    general = fastgrad.dense_forward(x.tolist(), np.asfortranarray(weight), bias[::-1][::-1])
    general = np.tanh(general)
    np.testing.assert_allclose(fast, general, rtol=1e-14)
    grad_out = rng.standard_normal((5, 3))
    for a, b in zip(
        fastgrad.dense_backward(grad_out, x, weight, fast, "tanh"),
        fastgrad.dense_backward(
            grad_out.tolist(), x[:, ::-1][:, ::-1], weight.tolist(), fast, "tanh"
        ),  # fmt: skip
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_out_slices_of_one_buffer_are_checked_for_overlap(rng):
    x, weight, bias = layer(rng, 4, 3, 2, np.float64)
    buffer = np.empty(4 * 3 + 3 * 2)
    grad_x, grad_weight = buffer[:12].reshape(4, 3), buffer[12:].reshape(3, 2)
    out = fastgrad.dense_forward(x, weight, bias)
    grads = fastgrad.dense_backward(np.ones((4, 2)), x, weight, out,
                                    out_grads=(grad_x, grad_weight, np.empty(2)))  # fmt: skip
    assert grads[0] is grad_x
    with pytest.raises(ValueError, match=r"out_grads\[0\] must not share memory"):
        fastgrad.dense_backward(grad_x[:, :2].copy(), x, weight, out,
                                out_grads=(x, grad_weight, np.empty(2)))  # fmt: skip
