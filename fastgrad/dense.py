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


def _layer_arrays(x, weight, bias):
    dtype = _helper.common_float_dtype(
        _helper.real_array(x, "x"), _helper.real_array(weight, "weight"),
        _helper.real_array(bias, "bias"),
    )  # fmt: skip
    x = _helper.dense_input(x, "x", dtype, 2)
    weight = _helper.dense_input(weight, "weight", dtype, 2)
    bias = _helper.dense_input(bias, "bias", dtype, 1)
    _helper.dense_shapes(x, weight, bias)
    return x, weight, bias, dtype


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
    x, weight, bias, dtype = _layer_arrays(x, weight, bias)
    shape = (x.shape[0], weight.shape[1])
    if out is None:
        out = np.empty(shape, dtype=dtype)
    else:
        _helper.output_buffer(out, "out", shape, dtype, (x, weight, bias))
    _dense.dense_forward(x, weight, bias, code, out)
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
    dtype = _helper.common_float_dtype(
        *(_helper.real_array(v, n) for v, n in ((grad_out, "grad_out"), (x, "x"),
          (weight, "weight"), (out, "out")))
    )  # fmt: skip
    caller_grad_out = grad_out
    grad_out = _helper.dense_input(grad_out, "grad_out", dtype, 2)
    x = _helper.dense_input(x, "x", dtype, 2)
    weight = _helper.dense_input(weight, "weight", dtype, 2)
    out = _helper.dense_input(out, "out", dtype, 2)
    n_samples, n_in = x.shape
    n_out = weight.shape[1]
    if weight.shape[0] != n_in:
        _helper.same_shape(weight, "weight", (n_in, n_out), "n_in = x.shape[1]")
    _helper.same_shape(out, "out", (n_samples, n_out), "(n_samples, n_out) from x and weight")
    _helper.same_shape(grad_out, "grad_out", (n_samples, n_out), "the shape of out")
    # the kernel turns grad_out into delta in place: never write into the caller's array unless
    # overwrite_grad_out allows it (identity leaves grad_out untouched)
    if code != 0 and not overwrite_grad_out and np.may_share_memory(grad_out, caller_grad_out):
        grad_out = grad_out.copy()
    shapes = ((n_samples, n_in), (n_in, n_out), (n_out,))
    if out_grads is None:
        grads = tuple(np.empty(shape, dtype=dtype) for shape in shapes)
    else:
        if not isinstance(out_grads, tuple | list) or len(out_grads) != 3:
            raise TypeError("out_grads must be a tuple (grad_x, grad_weight, grad_bias)")
        names = ("out_grads[0]", "out_grads[1]", "out_grads[2]")
        grads = tuple(
            _helper.output_buffer(buf, name, shape, dtype, (grad_out, x, weight, out))
            for buf, name, shape in zip(out_grads, names, shapes, strict=True)
        )
    grad_x, grad_weight, grad_bias = grads
    _dense.dense_backward_inplace(
        grad_out, x, weight, out, code, grad_x, grad_weight, grad_bias, True
    )
    return grad_x, grad_weight, grad_bias
