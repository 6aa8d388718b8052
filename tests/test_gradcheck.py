"""fastgrad.check_gradient: passes correct gradients, catches wrong ones, names the worst."""

import numpy as np
import pytest

import fastgrad


def rosenbrock(p):
    return float(np.sum(100.0 * (p[1:] - p[:-1] ** 2) ** 2 + (1 - p[:-1]) ** 2))


def rosenbrock_grad(p):
    g = np.zeros_like(p)
    g[:-1] = -400.0 * p[:-1] * (p[1:] - p[:-1] ** 2) - 2 * (1 - p[:-1])
    g[1:] += 200.0 * (p[1:] - p[:-1] ** 2)
    return g


def test_correct_user_gradient_passes(rng):
    p = rng.uniform(-1, 1, 6)
    saved = p.copy()
    assert fastgrad.check_gradient(rosenbrock, p, grad=rosenbrock_grad) is True
    np.testing.assert_array_equal(p, saved)
    matrix = rng.standard_normal((3, 4))
    assert fastgrad.check_gradient(lambda m: np.sum(np.sin(m)), matrix, grad=np.cos)


def test_wrong_user_gradient_is_caught_and_located(rng):
    p = rng.uniform(-1, 1, (2, 3))

    def wrong(q):
        g = np.cos(q)
        g[1, 2] *= 1.01  # one slightly wrong partial derivative
        return g

    with pytest.raises(fastgrad.GradientCheckError, match=r"1 of 6 .* worst is params\[1, 2\]"):
        fastgrad.check_gradient(lambda q: np.sum(np.sin(q)), p, grad=wrong)
    assert not fastgrad.check_gradient(
        lambda q: np.sum(np.sin(q)), p, grad=wrong, raise_exception=False
    )


def test_mlp_backprop_passes_and_a_sabotaged_gradient_fails(rng, monkeypatch):
    net = fastgrad.MLP([4, 6, 3], "tanh", loss="softmax_cross_entropy", seed=rng)
    x, y = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    assert fastgrad.check_gradient(net, x, y)
    assert fastgrad.check_gradient(net, x, y, subset=7, seed=2)
    honest = net.gradient

    def sabotaged(x_, y_):
        grad_w, grad_b = honest(x_, y_)
        grad_b[1][2] += 1e-3
        return grad_w, grad_b

    monkeypatch.setattr(net, "gradient", sabotaged)
    with pytest.raises(fastgrad.GradientCheckError, match=r"worst is biases\[1\]\[2\]"):
        fastgrad.check_gradient(net, x, y)


def test_float32_network_with_its_own_tolerance(rng):
    net = fastgrad.MLP([4, 5, 2], "sigmoid", dtype=np.float32, seed=rng)
    x, y = rng.standard_normal((6, 4)), rng.integers(0, 2, 6)
    assert fastgrad.check_gradient(net, x, y, atol=1e-3, rtol=1e-2)


def test_bad_arguments(rng):
    net = fastgrad.MLP([2, 2], seed=rng)
    x, y = np.ones((1, 2)), np.array([0])
    p = np.ones(3)
    with pytest.raises(TypeError, match="grad must not be given"):
        fastgrad.check_gradient(net, x, y, grad=np.cos)
    with pytest.raises(TypeError, match="needs exactly x and y"):
        fastgrad.check_gradient(net, x)
    with pytest.raises(TypeError, match="grad must be a callable"):
        fastgrad.check_gradient(np.sum, p)
    with pytest.raises(TypeError, match="fun must be an MLP or a callable"):
        fastgrad.check_gradient(3, p, grad=np.cos)
    with pytest.raises(ValueError, match=r"grad\(params\) must have shape \(3,\)"):
        fastgrad.check_gradient(np.sum, p, grad=lambda q: np.ones(2))
    with pytest.raises(TypeError, match="fun must return a real scalar"):
        fastgrad.check_gradient(lambda q: q, p, grad=np.ones_like)
    with pytest.raises(ValueError, match="params must be finite"):
        fastgrad.check_gradient(np.sum, np.array([np.nan]), grad=np.ones_like)
    with pytest.raises(ValueError, match="atol must be >= 0"):
        fastgrad.check_gradient(np.sum, p, grad=np.ones_like, atol=-1.0)
    with pytest.raises(ValueError, match="analytic gradient contains NaN"):
        fastgrad.check_gradient(np.sum, p, grad=lambda q: np.full(3, np.nan))
