"""One dense layer: forward and backward, batch-major, float32 and float64.

``out = act(x @ weight + bias)`` with ``x (n_samples, n_in)``, ``weight (n_in, n_out)``,
``bias (n_out,)``. Argument handling is in :mod:`fastgrad._helper`; the loops are in
:mod:`fastgrad._kernels.dense`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from fastgrad import _helper
from fastgrad._kernels import dense as _dense

__all__ = ["dense_forward", "dense_backward"]


def dense_forward(
    x: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike,
    activation: str = "identity",
    *,
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Forward pass of a dense layer: ``act(x @ weight + bias)``.

    Parameters
    ----------
    x : array_like, shape (n_samples, n_in)
        A mini-batch, one example per row.
    weight : array_like, shape (n_in, n_out)
    bias : array_like, shape (n_out,)
    activation : {"identity", "sigmoid", "tanh", "relu", "softmax"}
        Applied element-wise, except ``"softmax"`` which normalizes each row.
    out : ndarray, shape (n_samples, n_out), optional
        Preallocated C-contiguous result of the computation dtype; nothing is allocated when it
        is given (and the inputs already have that dtype and are C-contiguous).

    Returns
    -------
    ndarray, shape (n_samples, n_out)
        float32 when every input is float32 (or float16), float64 otherwise.

    Raises
    ------
    TypeError
        An input is not real-valued, or ``out`` has the wrong type or dtype.
    ValueError
        Wrong ndim, mismatched shapes, an empty batch, NaN or Inf in an input, an unknown
        activation, or an ``out`` of the wrong shape/layout or overlapping an input.

    Notes
    -----
    .. math:: z = x W + b, \\qquad a = \\sigma(z)

    Batch-major: Nielsen's column-vector :math:`a = \\sigma(w a' + b)` has ``w = weight.T``.
    The product is one BLAS ``gemm``; bias and activation are one fused, vectorized pass.
    sigmoid and tanh are computed in float64 (within 2 ulp of NumPy's
    ``1 / (1 + exp(-z))`` and ``tanh``) and rounded to the output dtype. Inputs must be finite;
    if ``z`` overflows to Inf, sigmoid/tanh/relu saturate as NumPy does and a softmax row holding
    +Inf becomes NaN.

    See Also
    --------
    dense_backward : the gradients of this layer.

    Examples
    --------
    >>> import numpy as np
    >>> import fastgrad
    >>> fastgrad.dense_forward(np.ones((2, 3)), np.full((3, 1), 0.5), np.zeros(1), "relu")
    array([[1.5],
           [1.5]])
    """
    code = _helper.activation_code(activation)
    x, weight, bias, dtype = _helper.layer_inputs(x, weight, bias)
    shape = (x.shape[0], weight.shape[1])
    if out is None:
        out = np.empty(shape, dtype=dtype)
    else:
        _helper.output_buffer(out, "out", shape, dtype, (x, weight, bias))
    if _dense.dense_forward(x, weight, bias, code, out):  # NaN/Inf in z: which input, if any?
        _helper.finite_inputs((x, "x"), (weight, "weight"), (bias, "bias"))
    return out


def dense_backward(
    grad_out: ArrayLike,
    x: ArrayLike,
    weight: ArrayLike,
    out: ArrayLike,
    activation: str = "identity",
    *,
    out_grads: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    overwrite_grad_out: bool = False,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of a dense layer: the gradients with respect to ``x``, ``weight``, ``bias``.

    Parameters
    ----------
    grad_out : array_like, shape (n_samples, n_out)
        :math:`\\partial L / \\partial a`, the gradient of a scalar loss with respect to the
        layer output.
    x : array_like, shape (n_samples, n_in)
        The input given to :func:`dense_forward`.
    weight : array_like, shape (n_in, n_out)
    out : array_like, shape (n_samples, n_out)
        What :func:`dense_forward` returned: activation derivatives are computed from it
        (nothing is recomputed, so the bias is not needed).
    activation : {"identity", "sigmoid", "tanh", "relu", "softmax"}
        The activation used in the forward pass.
    out_grads : (ndarray, ndarray, ndarray), optional
        Preallocated ``(grad_x, grad_weight, grad_bias)`` of the computation dtype.
    overwrite_grad_out : bool
        Allow overwriting ``grad_out`` (when it is already a C-contiguous array of the
        computation dtype) with :math:`\\delta = \\partial L / \\partial z`, which saves a
        temporary. With ``out_grads`` this makes the call allocation-free.

    Returns
    -------
    grad_x : ndarray, shape (n_samples, n_in)
    grad_weight : ndarray, shape (n_in, n_out)
    grad_bias : ndarray, shape (n_out,)

    Raises
    ------
    TypeError, ValueError
        As :func:`dense_forward`, for every argument; ``out`` must have shape
        ``(n_samples, n_out)`` like ``grad_out``.

    Notes
    -----
    The chain rule, batch-major (Nielsen's BP1-BP4 summed over the mini-batch):

    .. math::
        \\delta = \\frac{\\partial L}{\\partial a} \\odot \\sigma'(z), \\quad
        \\frac{\\partial L}{\\partial W} = x^T \\delta, \\quad
        \\frac{\\partial L}{\\partial b} = \\textstyle\\sum_i \\delta_{i\\cdot}, \\quad
        \\frac{\\partial L}{\\partial x} = \\delta W^T

    with :math:`\\sigma'` from the output: sigmoid :math:`a(1-a)`, tanh :math:`1-a^2`, relu
    :math:`[a>0]`, identity 1, and for softmax rows
    :math:`\\delta_j = a_j (g_j - \\sum_k g_k a_k)`. Two BLAS products and one pass.
    Inputs must be finite (NaN/Inf raise ValueError).

    Examples
    --------
    >>> import numpy as np
    >>> import fastgrad
    >>> x, w, b = np.ones((2, 3)), np.full((3, 1), 0.5), np.zeros(1)
    >>> a = fastgrad.dense_forward(x, w, b)
    >>> gx, gw, gb = fastgrad.dense_backward(np.ones_like(a), x, w, a)
    >>> gw.ravel(), gb
    (array([2., 2., 2.]), array([2.]))
    """
    code = _helper.activation_code(activation)
    caller_grad_out = grad_out
    grad_out, x, weight, out, dtype = _helper.layer_backward_inputs(grad_out, x, weight, out)
    n_samples, n_in = x.shape
    n_out = weight.shape[1]
    # delta (dL/dz) goes into grad_out only when the caller allows it (or grad_out is already
    # a converted copy); otherwise into a scratch buffer: the caller's array is never written
    if overwrite_grad_out or grad_out is not caller_grad_out:
        delta = grad_out
    else:
        delta = np.empty((n_samples, n_out), dtype=dtype)
    if out_grads is None:
        grad_x = np.empty((n_samples, n_in), dtype=dtype)
        grad_weight = np.empty((n_in, n_out), dtype=dtype)
        grad_bias = np.empty(n_out, dtype=dtype)
    else:
        if not isinstance(out_grads, tuple | list) or len(out_grads) != 3:
            raise TypeError("out_grads must be a tuple (grad_x, grad_weight, grad_bias)")
        inputs = (grad_out, x, weight, out)
        grad_x = _helper.output_buffer(
            out_grads[0], "out_grads[0]", (n_samples, n_in), dtype, inputs
        )
        grad_weight = _helper.output_buffer(
            out_grads[1], "out_grads[1]", (n_in, n_out), dtype, inputs
        )
        grad_bias = _helper.output_buffer(out_grads[2], "out_grads[2]", (n_out,), dtype, inputs)
    if _dense.dense_backward(
        grad_out, x, weight, out, code, delta, grad_x, grad_weight, grad_bias
    ):  # NaN/Inf in an input, or an overflow
        _helper.finite_inputs((grad_out, "grad_out"), (x, "x"), (weight, "weight"), (out, "out"))
    return grad_x, grad_weight, grad_bias
