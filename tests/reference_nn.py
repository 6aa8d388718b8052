"""Dumb oracles for the dense-network tests: Nielsen's network.py, one example at a time.

Written independently of fastgrad (never imports it): column vectors, ``w`` of shape
``(n_out, n_in)``, Python loops over examples and layers, ``np.exp`` and ``np.tanh``. Slow on
purpose; only for small networks.
"""

import numpy as np


def activation(name, z):
    """The activation ``name`` applied to the column vector ``z``."""
    if name == "identity":
        return z.copy()
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "softmax":
        e = np.exp(z - np.max(z))
        return e / np.sum(e)
    raise ValueError(name)


def activation_jacobian(name, z):
    """d activation(z) / dz as a full matrix (n, n), from z (not from the output)."""
    if name == "softmax":
        a = activation(name, z).ravel()
        return np.diag(a) - np.outer(a, a)
    if name == "identity":
        d = np.ones_like(z)
    elif name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        d = s * (1.0 - s)
    elif name == "tanh":
        d = 1.0 / np.cosh(z) ** 2
    elif name == "relu":
        d = (z > 0).astype(float)
    else:
        raise ValueError(name)
    return np.diag(d.ravel())


def cost(loss, z, a, y):
    """Per-example cost for the output pre-activation z, output a and target y (columns)."""
    if loss == "quadratic":
        return 0.5 * float(np.sum((a - y) ** 2))
    if loss == "cross_entropy":
        return float(-np.sum(y * np.log(a) + (1.0 - y) * np.log(1.0 - a)))
    if loss == "softmax_cross_entropy":
        return float(-np.sum(y * np.log(activation("softmax", z))))
    raise ValueError(loss)


def cost_gradient(loss, a, y):
    """dC/da for one example (columns)."""
    if loss == "quadratic":
        return a - y
    if loss == "cross_entropy":
        return -(y / a) + (1.0 - y) / (1.0 - a)
    if loss == "softmax_cross_entropy":
        return -(y / a)
    raise ValueError(loss)


def backprop_one(weights, biases, activations, loss, x, y):
    """Gradient of one example's cost: lists (nabla_w, nabla_b) with Nielsen's shapes.

    ``weights[l]`` is ``(n_out, n_in)`` and ``biases[l]`` ``(n_out, 1)``; ``activations[l]`` is
    the activation name of layer ``l``. The cost gradient goes through the full Jacobian of the
    output activation (no simplification of sigmoid + cross entropy, softmax + log-likelihood).
    """
    a = np.asarray(x, dtype=float).reshape(-1, 1)
    inputs, zs = [a], []
    for w, b, name in zip(weights, biases, activations, strict=True):
        z = np.dot(w, a) + b
        zs.append(z)
        a = activation(name, z)
        inputs.append(a)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    delta = np.dot(activation_jacobian(activations[-1], zs[-1]).T, cost_gradient(loss, a, y))
    nabla_w = [None] * len(weights)
    nabla_b = [None] * len(weights)
    for layer in range(len(weights) - 1, -1, -1):
        nabla_w[layer] = np.dot(delta, inputs[layer].T)
        nabla_b[layer] = delta.copy()
        if layer > 0:
            jac = activation_jacobian(activations[layer - 1], zs[layer - 1])
            delta = np.dot(jac.T, np.dot(weights[layer].T, delta))
    return nabla_w, nabla_b


def cost_one(weights, biases, activations, loss, x, y):
    """One example's cost, by the same forward pass."""
    a = np.asarray(x, dtype=float).reshape(-1, 1)
    z = a
    for w, b, name in zip(weights, biases, activations, strict=True):
        z = np.dot(w, a) + b
        a = activation(name, z)
    return cost(loss, z, a, np.asarray(y, dtype=float).reshape(-1, 1))
