"""Dense-layer and dense-network kernels: forward, backward, forward-mode tangents, losses, SGD.

Loops only: no validation (that is :mod:`fastgrad._helper`'s job), C-contiguous arrays in,
results written into caller-owned buffers. Every kernel here is compiled through
:func:`fastgrad._jit.kernel`, and every callee lives in this file so that Numba's disk cache
never serves a kernel compiled against a stale callee.

Conventions (batch-major, as everywhere in fastgrad; Nielsen's book uses column vectors and
``weight (n_out, n_in)``, so his ``w a + b`` is our ``x @ weight + bias``)::

    x (n_samples, n_in)   weight (n_in, n_out)   bias (n_out,)
    z = x @ weight + bias                         out = act(z)

A network's parameters live in one flat vector ``params``: for each layer its weight (row-major
``n_in * n_out`` values) then its bias. ``sizes`` holds the layer widths and ``codes`` the
activation code of each layer.

Activations are computed with a branch-free ``exp`` (Cody-Waite range reduction, a Taylor
polynomial and an exponent built by bit manipulation) that LLVM vectorizes; Numba's scalar
``math.exp``/``math.tanh`` call libm once per element and do not vectorize.
"""

from __future__ import annotations

import math

import numpy as np

from fastgrad._jit import kernel
from fastgrad._kernels._pipeline import quiet_when_interpreted  # a plain decorator, no kernel

# activation codes (the public names are mapped to these by fastgrad._helper)
IDENTITY = 0
SIGMOID = 1
TANH = 2
RELU = 3
SOFTMAX = 4

# Constants for the kernels below to pass on: a Python int or bool is typed as a literal, and
# a callee given a literal compiles a version of itself for that value (beside the one for the
# same argument read from an array, or for the other value); NumPy scalars are typed int64 and
# bool, so each callee compiles once per dtype (the first MLP.gradient compiled in 7.3 s instead
# of 9.8).
_IDENTITY_CODE = np.int64(IDENTITY)
_NO_BOUND = np.bool_(False)  # need_bound of _network_gradient_parts
_WITH_BOUND = np.bool_(True)

# loss codes
QUADRATIC = 0
CROSS_ENTROPY = 1
SOFTMAX_CROSS_ENTROPY = 2

# fit status codes returned by sgd_epoch
FIT_OK = 0
FIT_NONFINITE_LOSS = 1
FIT_NONFINITE_UPDATE = 2
FIT_BAD_X = 3  # NaN/Inf in a row of x (found when a batch's first-layer z is not finite)

# FMA contraction for the activation polynomials: ``a*b + c`` may be computed with one rounding.
# It changes no NaN/Inf behaviour (no "nnan"/"ninf" flags: LLVM still assumes nothing about
# values), and it can only shrink the rounding error; the 2-ulp tests hold either way.
_CONTRACT = {"contract"}

# ln 2 split in two (fdlibm): _LN2_HI has trailing zero bits, so n * _LN2_HI is exact for |n| < 2^11
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10
_LOG2E = 1.44269504088896338700e00

# tanh(x) = x + x^3 g(x^2) on |x| <= 0.55: Chebyshev fit of g (mpmath.chebyfit, 12 terms), highest
# power first. Absolute error of g below 3e-19, so the sum is within 1 ulp of tanh.
_TANH_SMALL = 0.55


# ---------------------------------------------------------------------------------------------
# scalar building blocks (inlined into the loops below so that the loops vectorize)
# ---------------------------------------------------------------------------------------------


@kernel(inline="always")
def _reduce(m):
    """Cody-Waite reduction of ``m`` (clamped to 746): ``m = nf * ln 2 + r``, ``|r| <= ln(2)/2``."""
    if m > 746.0:
        m = 746.0
    nf = np.floor(m * _LOG2E + 0.5)
    r = (m - nf * _LN2_HI) - nf * _LN2_LO
    return nf, r


@kernel(inline="always")
def _pow2_neg(nf):
    """``2**-nf`` for an integral float ``0 <= nf <= 1077``, built from IEEE bits as a product of
    two normal numbers (so results down to the subnormal range are exact); NaN gives 1."""
    # NaN turns into an arbitrary integer here; the caller's polynomial is already NaN
    n = np.int64(nf) if nf == nf else np.int64(0)
    half = n >> 1
    return np.int64((1023 - half) << 52).view(np.float64) * np.int64(
        (1023 - (n - half)) << 52
    ).view(np.float64)


@kernel(inline="always")
def _exp_neg_parts(m):
    """Split ``exp(-m)`` for ``m >= 0`` into ``s * (1 + em)``: ``s = 2**-n``, ``em = expm1(-r)``.

    .. math:: m = n \\ln 2 + r,\\quad |r| \\le \\tfrac12 \\ln 2,\\quad
              e^{-m} = 2^{-n} e^{-r} = 2^{-n} (1 + \\operatorname{expm1}(-r))

    ``em`` is a degree-14 Taylor polynomial (truncation error < 1e-17 relative). ``2**-n`` is
    built from its IEEE bits as a product of two normal numbers, so results down to the
    subnormal range are correctly scaled. ``m`` is clamped to 746 (``exp(-746)`` rounds to 0);
    NaN propagates through ``em``.
    """
    nf, r = _reduce(m)
    t = -r
    p = 1.0 / 87178291200.0
    p = p * t + 1.0 / 6227020800.0
    p = p * t + 1.0 / 479001600.0
    p = p * t + 1.0 / 39916800.0
    p = p * t + 1.0 / 3628800.0
    p = p * t + 1.0 / 362880.0
    p = p * t + 1.0 / 40320.0
    p = p * t + 1.0 / 5040.0
    p = p * t + 1.0 / 720.0
    p = p * t + 1.0 / 120.0
    p = p * t + 1.0 / 24.0
    p = p * t + 1.0 / 6.0
    p = p * t + 0.5
    em = t + t * t * p
    return _pow2_neg(nf), em


@kernel(inline="always")
def _exp_neg_parts_single(m):
    """:func:`_exp_neg_parts` for results rounded to float32: a degree-8 Taylor polynomial.

    The truncation error, ``|r|^9 / 9! < 2.2e-10`` relative, is 270 times below float32's half
    ulp (``2**-25``), so rounding the float64 result to float32 stays within 1 ulp of the
    correctly rounded value, as with the full polynomial.
    """
    nf, r = _reduce(m)
    t = -r
    p = 1.0 / 40320.0
    p = p * t + 1.0 / 5040.0
    p = p * t + 1.0 / 720.0
    p = p * t + 1.0 / 120.0
    p = p * t + 1.0 / 24.0
    p = p * t + 1.0 / 6.0
    p = p * t + 0.5
    em = t + t * t * p
    return _pow2_neg(nf), em


@kernel(inline="always")
def _exp_neg(m, single):
    """``exp(-m)`` for ``m >= 0`` as ``(s, em)`` (see :func:`_exp_neg_parts`); ``single`` (a
    constant at every call site, so the branch folds away) selects the float32 polynomial."""
    if single:
        return _exp_neg_parts_single(m)
    return _exp_neg_parts(m)


@kernel(inline="always")
def _sigmoid(v, single):
    """Logistic function ``1 / (1 + exp(-v))`` in float64, within 2 ulp of NumPy's formula
    (rounded to float32 when ``single``)."""
    s, em = _exp_neg(abs(v), single)
    e = s + s * em  # exp(-|v|) in (0, 1]
    d = 1.0 + e
    return 1.0 / d if v >= 0.0 else e / d


@kernel(inline="always")
def _tanh(v, single):
    """Hyperbolic tangent in float64, within 2 ulp of ``numpy.tanh``.

    ``|v| <= 0.55``: ``v + v^3 g(v^2)`` with a fitted polynomial ``g``; otherwise
    ``1 - 2 e / (1 + e)`` with ``e = exp(-2|v|)``. Both are evaluated (the loop stays branch-free)
    and one is selected.
    """
    a = abs(v)
    s, em = _exp_neg(2.0 * (400.0 if a > 400.0 else a), single)  # tanh(400) is 1; NaN stays NaN
    e = s + s * em
    large = 1.0 - 2.0 * e / (1.0 + e)
    small_a = a if a <= 1.0 else 1.0  # keeps the unused branch finite (and quiet) for huge v
    q = small_a * small_a
    g = 7.874274345344419e-06
    g = g * q - 3.372080112046316e-05
    g = g * q + 9.455133052924858e-05
    g = g * q - 0.0002384727248015252
    g = g * q + 0.0005899052969492733
    g = g * q - 0.001455819097151351
    g = g * q + 0.0035921267699626346
    g = g * q - 0.0088632354631468
    g = g * q + 0.021869488534073906
    g = g * q - 0.05396825396822037
    g = g * q + 0.1333333333333331
    g = g * q - 0.3333333333333333
    small = small_a + small_a * q * g
    return math.copysign(small if a <= _TANH_SMALL else large, v)


@kernel(inline="always")
def _relu(v):
    """``max(v, 0)``; NaN propagates (``0.0 if v <= 0 else v``), -0.0 maps to 0.0."""
    return 0.0 if v <= 0.0 else v


# ---------------------------------------------------------------------------------------------
# activations: forward (bias fused in) and its derivative from the output
# ---------------------------------------------------------------------------------------------


@kernel(fastmath=_CONTRACT)
def activate_inplace(values, bias, code):
    """``values[i, j] = act(values[i, j] + bias[j])`` in place; returns how many ``z`` are not
    finite.

    In place on purpose: with one array read and written at the same index, LLVM vectorizes the
    loop; with two arrays that might alias it adds a runtime overlap check and runs the scalar
    loop whenever they are the same buffer. Element-wise activations are computed in float64
    and rounded to the array's dtype (float32 arrays use the shorter polynomial of
    :func:`_exp_neg_parts_single`). Softmax is per row, shifted by the row maximum:
    ``exp(z_ij - max_k z_ik) / sum_k (...)``. NaN propagates; a softmax row holding +Inf or NaN
    becomes NaN.

    The count of non-finite ``z = values + bias`` (NaN or +-Inf) lets callers detect NaN/Inf in
    a layer's inputs without scanning them: every entry of ``x``, ``weight`` and ``bias``
    reaches some ``z`` through a multiply-add, and NaN or Inf times anything (0 included) is
    NaN or Inf. A non-zero count therefore means a non-finite input or an overflow of ``z``.
    """
    n_samples, n_out = values.shape
    single = values.itemsize == 4  # a compile-time constant: the branches on it fold away
    n_bad = 0
    if code == IDENTITY:
        for i in range(n_samples):
            for j in range(n_out):
                v = values[i, j] + bias[j]
                n_bad += 0 if abs(v) < np.inf else 1  # False for Inf and NaN
                values[i, j] = v
    elif code == SIGMOID:
        for i in range(n_samples):
            for j in range(n_out):
                v = np.float64(values[i, j] + bias[j])
                n_bad += 0 if abs(v) < np.inf else 1
                values[i, j] = _sigmoid(v, single)
    elif code == TANH:
        for i in range(n_samples):
            for j in range(n_out):
                v = np.float64(values[i, j] + bias[j])
                n_bad += 0 if abs(v) < np.inf else 1
                values[i, j] = _tanh(v, single)
    elif code == RELU:
        for i in range(n_samples):
            for j in range(n_out):
                v = values[i, j] + bias[j]
                n_bad += 0 if abs(v) < np.inf else 1
                values[i, j] = _relu(v)
    else:  # SOFTMAX
        for i in range(n_samples):
            top = -np.inf
            nan = False
            for j in range(n_out):
                v = values[i, j] + bias[j]
                n_bad += 0 if abs(v) < np.inf else 1
                values[i, j] = v
                v64 = np.float64(v)
                nan = nan or v64 != v64
                top = v64 if v64 > top else top
            if nan:
                top = np.nan
            for j in range(n_out):  # branch-free: vectorizes
                s, em = _exp_neg(top - np.float64(values[i, j]), single)
                values[i, j] = s + s * em
            total = 0.0
            for j in range(n_out):
                total += np.float64(values[i, j])
            scale = 1.0 / total
            for j in range(n_out):
                values[i, j] = values[i, j] * scale
    return n_bad


@kernel
def activation_backward(grad, out, code, delta):
    """``delta`` = dL/dz from ``grad`` = dL/d(out), using only the forward output ``out``.

    .. math::
        \\text{sigmoid: } \\delta = g \\odot a (1 - a), \\quad
        \\text{tanh: } \\delta = g \\odot (1 - a^2), \\quad
        \\text{relu: } \\delta = g \\odot [a > 0],

        \\text{softmax (per row): } \\delta_j = a_j \\bigl(g_j - \\textstyle\\sum_k g_k a_k\\bigr).

    ``delta`` may be ``grad`` itself (in place). Returns how many entries of ``grad`` and ``out``
    are not finite (NaN or +-Inf): counted here, where both are read anyway, because relu's
    ``[a > 0]`` would hide a NaN in ``grad``.

    The Jacobian of every activation is symmetric, so the same map pushes a forward-mode tangent
    (dz -> d(out)); :func:`network_jvp` relies on this.
    """
    n_samples, n_out = grad.shape
    n_bad = 0
    if code == IDENTITY:
        for i in range(n_samples):
            for j in range(n_out):
                g = grad[i, j]
                n_bad += (0 if abs(g) < np.inf else 1) + (0 if abs(out[i, j]) < np.inf else 1)
                delta[i, j] = g
    elif code == SIGMOID:
        for i in range(n_samples):
            for j in range(n_out):
                g = grad[i, j]
                a = out[i, j]
                n_bad += (0 if abs(g) < np.inf else 1) + (0 if abs(a) < np.inf else 1)
                delta[i, j] = g * (a * (1 - a))
    elif code == TANH:
        for i in range(n_samples):
            for j in range(n_out):
                g = grad[i, j]
                a = out[i, j]
                n_bad += (0 if abs(g) < np.inf else 1) + (0 if abs(a) < np.inf else 1)
                delta[i, j] = g * (1 - a * a)
    elif code == RELU:
        for i in range(n_samples):
            for j in range(n_out):
                g = grad[i, j]
                a = out[i, j]
                n_bad += (0 if abs(g) < np.inf else 1) + (0 if abs(a) < np.inf else 1)
                delta[i, j] = g if a > 0 else 0
    else:  # SOFTMAX
        for i in range(n_samples):
            dot = 0.0
            for j in range(n_out):
                g = grad[i, j]
                a = out[i, j]
                n_bad += (0 if abs(g) < np.inf else 1) + (0 if abs(a) < np.inf else 1)
                dot += np.float64(g) * np.float64(a)
            for j in range(n_out):
                delta[i, j] = out[i, j] * (grad[i, j] - dot)
    return n_bad


@kernel
def activation_backward_inplace(grad, out, code):
    """:func:`activation_backward` with ``delta`` = ``grad``: turns dL/d(out) into dL/dz."""
    return activation_backward(grad, out, code, grad)


@kernel
def count_nonfinite(values):
    """How many entries of the 2-D array ``values`` are NaN or +-Inf."""
    n_samples, n_cols = values.shape
    n_bad = 0
    for i in range(n_samples):
        for j in range(n_cols):
            n_bad += 0 if abs(values[i, j]) < np.inf else 1  # False for Inf and NaN
    return n_bad


# ---------------------------------------------------------------------------------------------
# one dense layer
# ---------------------------------------------------------------------------------------------


@quiet_when_interpreted
@kernel
def dense_forward(x, weight, bias, code, out):
    """Dense layer forward: ``out = act(x @ weight + bias)``.

    .. math:: z = x W + b, \\qquad a = \\sigma(z)

    (row ``i`` of ``x`` is one example; Nielsen writes :math:`a = \\sigma(w a^{l-1} + b)` for a
    column vector, with ``w`` our ``weight.T``). The product goes to BLAS (``gemm``), the bias
    and activation are one fused pass over ``out``.

    Returns the number of non-finite ``z`` (see :func:`activate_inplace`): zero unless an input
    holds NaN/Inf or ``z`` overflowed.
    """
    np.dot(x, weight, out)
    return activate_inplace(out, bias, code)


@quiet_when_interpreted
@kernel
def dense_backward(grad_out, x, weight, out, code, delta, grad_x, grad_weight, grad_bias):
    """Dense layer backward into ``delta`` (dL/dz; may be ``grad_out`` itself) and the gradients.

    The same equations as :func:`dense_backward_inplace`, for the public layer, in one call.
    Returns the number of non-finite values found in ``grad_out``, ``out``, ``x`` and
    ``grad_x``: ``grad_out`` and ``out`` are checked where they are read, ``x`` is scanned
    (``n * n_in`` values, cheap beside the products) and ``weight`` is checked through
    ``grad_x = delta @ weight.T``, in which every weight entry is multiplied into a whole column
    (NaN or Inf times anything, 0 included, is not finite). Zero unless an input holds NaN/Inf
    or ``grad_x`` overflowed.
    """
    n_bad = activation_backward(grad_out, out, code, delta) + count_nonfinite(x)
    np.dot(x.T, delta, grad_weight)
    n_samples, n_out = delta.shape
    for j in range(n_out):
        grad_bias[j] = 0
    for i in range(n_samples):
        for j in range(n_out):
            grad_bias[j] += delta[i, j]
    np.dot(delta, weight.T, grad_x)
    return n_bad + count_nonfinite(grad_x)


@kernel(inline="always")
def _max_magnitude_bits(bits, mask, mantissa_bits, exponent_bias):
    """Largest ``|v|`` of the floats whose bit patterns are ``bits``, as a float64; Inf if any is
    NaN or Inf.

    With the sign bit cleared (``& mask``), the IEEE 754 bit patterns of non-negative floats
    order like the values, and NaN and Inf come above every finite value. So the float maximum
    is an unsigned-integer maximum, which LLVM vectorizes; a float maximum that propagates NaN
    does not vectorize. The winning pattern is decoded exactly (normal or subnormal).
    """
    top = mask ^ mask  # zero of the bits' type
    for k in range(bits.shape[0]):
        b = bits[k] & mask
        top = b if b > top else top
    pattern = np.int64(top)  # < 2^63: the sign bit is cleared
    exponent = pattern >> mantissa_bits
    mantissa = pattern & ((1 << mantissa_bits) - 1)
    if exponent == 2 * exponent_bias + 1:  # all ones: Inf or NaN
        return np.inf
    if exponent == 0:  # zero or subnormal
        return math.ldexp(np.float64(mantissa), int(1 - exponent_bias - mantissa_bits))
    significand = np.float64(mantissa | (1 << mantissa_bits))
    return math.ldexp(significand, int(exponent - exponent_bias - mantissa_bits))


@kernel
def _max_abs(values):
    """Largest ``|v|`` of the 2-D array ``values`` in float64; Inf if any entry is NaN or Inf.

    C-contiguous arrays (every caller's, in practice) take the vectorized integer maximum of
    :func:`_max_magnitude_bits`: at a 10 x 784 mini-batch it is about 15x faster than the
    float loop below, which is kept for other layouts.
    """
    if values.flags.c_contiguous:
        flat = values.ravel()  # a view for arrays typed C-contiguous, a copy for other types
        if values.itemsize == 8:
            return _max_magnitude_bits(
                flat.view(np.uint64), np.uint64(0x7FFFFFFFFFFFFFFF), 52, 1023
            )
        return _max_magnitude_bits(flat.view(np.uint32), np.uint32(0x7FFFFFFF), 23, 127)
    n_rows, n_cols = values.shape
    top = 0.0
    for i in range(n_rows):
        for j in range(n_cols):
            size = np.float64(abs(values[i, j]))
            top = size if size > top else top
            top = top if size < np.inf else np.inf
    return top


@kernel
def dense_backward_inplace(grad_out, x, weight, out, code, grad_x, grad_weight, grad_bias, need_x):
    """Dense layer backward; overwrites ``grad_out`` with ``delta`` = dL/dz.

    Given ``grad_out`` = dL/d(out) for ``out = act(x @ weight + bias)``:

    .. math::
        \\delta = \\frac{\\partial L}{\\partial z} = \\frac{\\partial L}{\\partial a} \\odot
            \\sigma'(z) \\quad (\\sigma'(z) \\text{ from } a: a(1-a),\\ 1-a^2,\\ [a>0])

        \\frac{\\partial L}{\\partial W} = x^T \\delta, \\qquad
        \\frac{\\partial L}{\\partial b} = \\textstyle\\sum_i \\delta_{i\\cdot}, \\qquad
        \\frac{\\partial L}{\\partial x} = \\delta W^T

    These are Nielsen's (BP1)-(BP4) summed over the mini-batch, in batch-major form. Two BLAS
    products (one when ``need_x`` is false, as for a network's first layer) and one pass for the
    column sums; nothing from the forward pass is recomputed.

    Returns :math:`\\max |\\delta|` (Inf if a ``delta`` is NaN or Inf), by :func:`_max_abs`
    (a separate pass: folded into the column sums, its NaN-propagating maximum kept that loop
    from vectorizing): with the largest input it bounds every entry of ``grad_weight`` (see
    :func:`sgd_epoch`).
    """
    activation_backward_inplace(grad_out, out, code)
    np.dot(x.T, grad_out, grad_weight)
    n_samples, n_out = grad_out.shape
    for j in range(n_out):
        grad_bias[j] = 0
    for i in range(n_samples):
        for j in range(n_out):  # vectorized over j
            grad_bias[j] += grad_out[i, j]
    if need_x:
        np.dot(grad_out, weight.T, grad_x)
    return _max_abs(grad_out)


# ---------------------------------------------------------------------------------------------
# losses: mean over the batch of the per-example cost, and dL/dz of the output layer
# ---------------------------------------------------------------------------------------------


@kernel
def _softplus(v):
    """``log(1 + exp(v))`` without overflow."""
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


@kernel
def loss_value(z, out, y, loss_code):
    """Mean over the batch of the per-example cost, accumulated in float64.

    .. math::
        \\text{quadratic: } \\tfrac12 \\lVert a - y \\rVert^2, \\qquad
        \\text{cross entropy: } -\\textstyle\\sum_j [y_j \\ln a_j + (1-y_j) \\ln(1-a_j)]
            = \\sum_j [\\operatorname{softplus}(z_j) - y_j z_j],

        \\text{softmax cross entropy: } -\\textstyle\\sum_j y_j \\ln \\operatorname{softmax}(z)_j
            = \\sum_j y_j (\\operatorname{logsumexp}(z) - z_j).

    The cross entropies are evaluated from the pre-activation ``z`` (``a`` is 0 or 1 in floating
    point long before ``ln a`` is -Inf), so they stay finite where Nielsen's version needs
    ``nan_to_num``.
    """
    n_samples, n_out = z.shape
    total = 0.0
    if loss_code == QUADRATIC:
        for i in range(n_samples):
            for j in range(n_out):
                d = np.float64(out[i, j]) - np.float64(y[i, j])
                total += 0.5 * d * d
    elif loss_code == CROSS_ENTROPY:
        for i in range(n_samples):
            for j in range(n_out):
                v = np.float64(z[i, j])
                total += _softplus(v) - np.float64(y[i, j]) * v
    else:  # SOFTMAX_CROSS_ENTROPY
        for i in range(n_samples):
            top = -np.inf
            for j in range(n_out):
                top = max(top, np.float64(z[i, j]))
            acc = 0.0
            for j in range(n_out):
                acc += math.exp(np.float64(z[i, j]) - top)
            lse = top + math.log(acc)
            for j in range(n_out):
                total += np.float64(y[i, j]) * (lse - np.float64(z[i, j]))
    return total / n_samples


@kernel
def loss_and_delta(z, out, y, loss_code, out_code, delta):
    """Return :func:`loss_value` and write ``delta`` = d(mean cost)/dz of the output layer.

    .. math::
        \\text{quadratic: } \\delta = \\tfrac1n (a - y) \\odot \\sigma'(z) \\quad
            \\text{(Nielsen BP1; softmax output: its Jacobian-vector product)}

        \\text{cross entropy (sigmoid output): } \\delta = \\tfrac1n (a - y), \\qquad
        \\text{softmax cross entropy: } \\delta = \\tfrac1n (a \\textstyle\\sum_j y_j - y)

    (for one-hot ``y`` the last one is Nielsen's :math:`a - y`).
    """
    n_samples, n_out = z.shape
    scale = 1.0 / n_samples
    if loss_code == SOFTMAX_CROSS_ENTROPY:
        for i in range(n_samples):
            ysum = 0.0
            for j in range(n_out):
                ysum += np.float64(y[i, j])
            for j in range(n_out):
                delta[i, j] = scale * (ysum * out[i, j] - y[i, j])
    else:
        for i in range(n_samples):
            for j in range(n_out):
                delta[i, j] = scale * (out[i, j] - y[i, j])
        if loss_code == QUADRATIC:
            activation_backward_inplace(delta, out, out_code)
    return loss_value(z, out, y, loss_code)


# ---------------------------------------------------------------------------------------------
# a stack of dense layers on one flat parameter vector
# ---------------------------------------------------------------------------------------------


@kernel
def _layer_params(params, offset, n_in, n_out):
    """Views ``(weight (n_in, n_out), bias (n_out,))`` of the layer starting at ``offset``."""
    weight = params[offset : offset + n_in * n_out].reshape((n_in, n_out))
    bias = params[offset + n_in * n_out : offset + n_in * n_out + n_out]
    return weight, bias


@kernel
def _output_layer_forward(layer_in, weight, bias, code, z_last, zero_bias, out):
    """The last layer keeps its pre-activation: ``z_last = layer_in @ weight + bias``,
    ``out = act(z_last)``; returns the number of non-finite ``z_last``."""
    np.dot(layer_in, weight, z_last)
    n_bad = activate_inplace(z_last, bias, _IDENTITY_CODE)
    n_samples, n_out = out.shape
    for i in range(n_samples):  # a loop, not ``out[...] = z_last``: Numba's slice assignment
        for j in range(n_out):  # compiles a shape-mismatch message formatter (about 2 s)
            out[i, j] = z_last[i, j]
    activate_inplace(out, zero_bias[:n_out], code)
    return n_bad


@kernel
def network_forward(params, sizes, codes, x, acts, z_last, zero_bias):
    """Forward pass through every layer; ``acts`` (flat) receives each layer's output.

    Layer ``l`` output is ``acts[off_l : off_l + n * sizes[l + 1]]`` viewed as
    ``(n, sizes[l + 1])``. The last layer's pre-activation is kept in ``z_last`` for the loss.
    ``zero_bias`` is a buffer of zeros at least ``sizes[-1]`` long.

    Returns the number of non-finite ``z`` of the first layer: with finite parameters, zero
    unless ``x`` holds NaN/Inf (every entry of ``x`` reaches a row of ``z`` through a
    multiply-add, see :func:`activate_inplace`) or ``z`` overflowed. Callers scan ``x`` only
    when it is not zero.
    """
    n_samples = x.shape[0]
    n_layers = sizes.shape[0] - 1
    layer_in = x
    p_off = 0
    a_off = 0
    n_bad = 0
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        weight, bias = _layer_params(params, p_off, n_in, n_out)
        out = acts[a_off : a_off + n_samples * n_out].reshape((n_samples, n_out))
        if layer < n_layers - 1:
            count = dense_forward(layer_in, weight, bias, codes[layer], out)
        else:
            count = _output_layer_forward(
                layer_in, weight, bias, codes[layer], z_last, zero_bias, out
            )
        if layer == 0:
            n_bad = count
        layer_in = out
        p_off += n_in * n_out + n_out
        a_off += n_samples * n_out
    return n_bad


@kernel
def network_backward(
    params, sizes, codes, x, acts, delta_last, grads, scratch_a, scratch_b, need_bound
):
    """Backward pass (backprop) from ``delta_last`` = dL/dz of the output layer.

    Fills the flat ``grads`` (laid out like ``params``). Layer by layer, from the last:
    :func:`dense_backward_inplace` gives dL/dW, dL/db and dL/d(input); the latter, times the
    previous layer's activation derivative, is that layer's delta (Nielsen's BP2). The first
    layer skips dL/dx. ``scratch_a``/``scratch_b`` each hold ``n * max(sizes)`` values;
    ``delta_last`` is overwritten.

    With ``need_bound``, returns a bound on every ``|grads[k]|``: for each layer
    :math:`|\\partial L / \\partial W_{jk}| = |\\sum_i a_{ij} \\delta_{ik}|
    \\le n \\max|a| \\max|\\delta|` and :math:`|\\partial L / \\partial b_k| \\le n \\max|\\delta|`
    (Inf if an activation, input or delta is NaN or Inf); otherwise returns 0.
    """
    n_samples = x.shape[0]
    n_layers = sizes.shape[0] - 1
    grad = delta_last
    code = _IDENTITY_CODE  # delta_last is already dL/dz
    use_a = True
    p_end = params.shape[0]  # walk the flat buffers from their ends
    a_end = acts.shape[0]
    bound = 0.0
    for layer in range(n_layers - 1, -1, -1):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        p_off = p_end - (n_in + 1) * n_out
        a_off = a_end - n_samples * n_out
        weight, _ = _layer_params(params, p_off, n_in, n_out)
        grad_weight, grad_bias = _layer_params(grads, p_off, n_in, n_out)
        out = acts[a_off:a_end].reshape((n_samples, n_out))
        if layer > 0:
            layer_in = acts[a_off - n_samples * n_in : a_off].reshape((n_samples, n_in))
        else:
            layer_in = x
        scratch = scratch_a if use_a else scratch_b
        grad_x = scratch[: n_samples * n_in].reshape((n_samples, n_in))
        delta_max = dense_backward_inplace(
            grad, layer_in, weight, out, code, grad_x, grad_weight, grad_bias, layer > 0
        )
        if need_bound:
            layer_bound = n_samples * delta_max * max(_max_abs(layer_in), 1.0)
            bound = layer_bound if layer_bound > bound else bound
            bound = bound if layer_bound < np.inf else np.inf  # NaN too
        grad = grad_x
        code = codes[layer - 1] if layer > 0 else _IDENTITY_CODE
        use_a = not use_a
        p_end = p_off
        a_end = a_off
    return bound


@kernel
def network_loss(params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias):
    """Forward pass and mean loss."""
    network_forward(params, sizes, codes, x, acts, z_last, zero_bias)
    n_out = sizes[sizes.shape[0] - 1]
    n_samples = x.shape[0]
    start = acts.shape[0] - n_samples * n_out
    out = acts[start:].reshape((n_samples, n_out))
    return loss_value(z_last, out, y, loss_code)


@kernel(inline="always")
def _network_gradient_parts(
    params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias, grads, work, need_bound
):
    """:func:`network_gradient` returning ``(loss, n_bad, bound)``: ``n_bad`` as
    :func:`network_forward`, ``bound`` as :func:`network_backward`.

    Inlined into its callers at Numba's IR level: one level of calls less to compile (the
    first MLP.gradient took 0.8 s less; inlining the forward and backward passes as well moved
    that cost to MLP.fit).
    """
    n_bad = network_forward(params, sizes, codes, x, acts, z_last, zero_bias)
    n_out = sizes[sizes.shape[0] - 1]
    n_samples = x.shape[0]
    out = acts[acts.shape[0] - n_samples * n_out :].reshape((n_samples, n_out))
    width = work.shape[0] // 3
    delta = work[: n_samples * n_out].reshape((n_samples, n_out))
    loss = loss_and_delta(z_last, out, y, loss_code, codes[codes.shape[0] - 1], delta)
    bound = network_backward(
        params, sizes, codes, x, acts, delta, grads, work[width : 2 * width], work[2 * width :],
        need_bound,
    )  # fmt: skip
    return loss, n_bad, bound


@kernel
def network_gradient(params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias, grads, work):
    """Mean loss and its exact gradient (one forward and one backward pass) into ``grads``.

    ``work`` is flat scratch of ``3 * n * max(sizes)`` values; ``acts`` holds exactly the
    activations of this batch (``n * sum(sizes[1:])`` values).
    """
    loss, _, _ = _network_gradient_parts(
        params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias, grads, work, _NO_BOUND
    )
    return loss


# status codes of the checked entry points (network_loss_checked, network_gradient_checked)
BATCH_OK = 0
BATCH_BAD_LABELS = 1  # a class label outside [0, n_out)
BATCH_BAD_Y = 2  # a target row holds NaN or Inf
BATCH_BAD_Z = 3  # a first-layer z is not finite: NaN/Inf in x, or an overflow


@kernel
def labels_to_rows(labels, rows):
    """One-hot ``rows (n_samples, n_out)`` from integer ``labels``; returns how many labels are
    outside ``[0, n_out)`` (their rows stay zero)."""
    n_samples, n_out = rows.shape
    n_bad = 0
    for i in range(n_samples):
        for j in range(n_out):
            rows[i, j] = 0
        label = labels[i]
        if label >= 0 and label < n_out:
            rows[i, label] = 1
        else:
            n_bad += 1
    return n_bad


@kernel
def _batch_targets(labels, rows):
    """Targets of a checked call: ``labels`` (int64) turned into one-hot ``rows`` when there are
    any, else ``rows`` (given by the caller) scanned for NaN/Inf. Returns a status code."""
    if labels.shape[0] > 0:
        return BATCH_BAD_LABELS if labels_to_rows(labels, rows) else BATCH_OK
    return BATCH_BAD_Y if count_nonfinite(rows) else BATCH_OK


@quiet_when_interpreted
@kernel
def network_forward_checked(params, sizes, codes, x, acts, z_last, zero_bias):
    """:func:`network_forward` for an ``x`` that has not been scanned (quiet when interpreted);
    returns the first layer's non-finite ``z`` count, for the caller to scan ``x`` when it is
    not zero."""
    return network_forward(params, sizes, codes, x, acts, z_last, zero_bias)


@quiet_when_interpreted
@kernel
def network_loss_checked(params, sizes, codes, loss_code, x, labels, rows, acts, z_last, zero_bias):
    """:func:`network_loss` for a batch that has not been scanned: returns ``(status, loss)``.

    ``labels`` (int64, one per row of ``x``) are written into ``rows`` as one-hot rows; an empty
    ``labels`` means ``rows`` are the targets. ``status`` is ``BATCH_BAD_LABELS`` or
    ``BATCH_BAD_Y`` (nothing computed), ``BATCH_BAD_Z`` (computed; the caller scans ``x`` to
    tell NaN/Inf in it from an overflow) or ``BATCH_OK``. This replaces a Python scan of
    ``x`` (the first layer's ``z`` sees every entry of ``x``) and the one-hot conversion.
    """
    status = _batch_targets(labels, rows)
    if status != BATCH_OK:
        return status, np.nan
    n_bad = network_forward(params, sizes, codes, x, acts, z_last, zero_bias)
    n_out = sizes[sizes.shape[0] - 1]
    n_samples = x.shape[0]
    out = acts[acts.shape[0] - n_samples * n_out :].reshape((n_samples, n_out))
    loss = loss_value(z_last, out, rows, loss_code)
    return (BATCH_BAD_Z if n_bad else BATCH_OK), loss


@quiet_when_interpreted
@kernel
def network_gradient_checked(
    params, sizes, codes, loss_code, x, labels, rows, acts, z_last, zero_bias, grads, work
):
    """:func:`network_gradient` for a batch that has not been scanned: returns a status code,
    as :func:`network_loss_checked` (the whole public ``MLP.gradient`` in one call)."""
    status = _batch_targets(labels, rows)
    if status != BATCH_OK:
        return status
    _, n_bad, _ = _network_gradient_parts(
        params, sizes, codes, loss_code, x, rows, acts, z_last, zero_bias, grads, work, _NO_BOUND
    )
    return BATCH_BAD_Z if n_bad else BATCH_OK


@kernel
def network_jvp(params, tangent, sizes, codes, loss_code, x, y, acts, z_last, zero_bias, work):
    """Forward-mode derivative of the mean loss along ``tangent`` (flat, shaped like ``params``).

    Tangents are pushed forward with the values, layer by layer (no backward pass):

    .. math::
        \\dot z^l = \\dot a^{l-1} W^l + a^{l-1} \\dot W^l + \\dot b^l, \\qquad
        \\dot a^l = \\sigma'(z^l) \\odot \\dot z^l, \\qquad
        \\dot L = \\textstyle\\sum \\frac{\\partial L}{\\partial z^L} \\odot \\dot z^L

    with :math:`\\dot a^0 = 0`. Returns ``(loss, dloss)``. ``work`` holds ``3 * n * max(sizes)``.
    """
    n_samples = x.shape[0]
    n_layers = sizes.shape[0] - 1
    width = work.shape[0] // 3
    layer_in = x
    layer_in_dot = work[: n_samples * sizes[0]].reshape((n_samples, sizes[0]))
    use_b = True
    p_off = 0
    a_off = 0
    for layer in range(n_layers):
        n_in = sizes[layer]
        n_out = sizes[layer + 1]
        weight, bias = _layer_params(params, p_off, n_in, n_out)
        weight_dot, bias_dot = _layer_params(tangent, p_off, n_in, n_out)
        out = acts[a_off : a_off + n_samples * n_out].reshape((n_samples, n_out))
        base = width if use_b else 2 * width
        out_dot = work[base : base + n_samples * n_out].reshape((n_samples, n_out))
        tmp = work[: n_samples * n_out].reshape((n_samples, n_out))
        np.dot(layer_in, weight_dot, out_dot)
        if layer > 0:
            np.dot(layer_in_dot, weight, tmp)
            for i in range(n_samples):
                for j in range(n_out):
                    out_dot[i, j] += tmp[i, j]
        activate_inplace(out_dot, bias_dot, _IDENTITY_CODE)  # out_dot = dz
        if layer < n_layers - 1:
            dense_forward(layer_in, weight, bias, codes[layer], out)
            activation_backward_inplace(out_dot, out, codes[layer])  # dz -> da
        else:
            _output_layer_forward(layer_in, weight, bias, codes[layer], z_last, zero_bias, out)
        layer_in = out
        layer_in_dot = out_dot
        use_b = not use_b
        p_off += n_in * n_out + n_out
        a_off += n_samples * n_out
    n_out = sizes[n_layers]
    delta = work[: n_samples * n_out].reshape((n_samples, n_out))
    loss = loss_and_delta(z_last, layer_in, y, loss_code, codes[n_layers - 1], delta)
    dloss = 0.0
    for i in range(n_samples):
        for j in range(n_out):
            dloss += np.float64(delta[i, j]) * np.float64(layer_in_dot[i, j])
    return loss, dloss


@kernel
def finite_differences(
    params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias, indices, eps, central, base, out
):
    """Finite-difference partial derivatives of the mean loss for ``params[indices]``.

    .. math::
        \\text{forward (Nielsen eq. 46): }
            \\frac{\\partial C}{\\partial w_j}
            \\approx \\frac{C(w + \\epsilon e_j) - C(w)}{\\epsilon},
        \\qquad
        \\text{central: } \\frac{C(w + \\epsilon e_j) - C(w - \\epsilon e_j)}{2 \\epsilon}

    One forward pass per parameter (two for central); forward differences take :math:`C(w)` as
    ``base``, computed once by the caller (P + 1 evaluations in all, however the parameters are
    split between calls). The divisor is the step actually taken in floating point,
    ``(w + eps) - w``. ``params`` is modified one entry at a time and restored bit for bit.
    """
    for k in range(indices.shape[0]):
        j = indices[k]
        old = params[j]
        params[j] = old + eps
        step_up = np.float64(params[j]) - np.float64(old)
        plus = network_loss(params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias)
        if central:
            params[j] = old - eps
            step_down = np.float64(old) - np.float64(params[j])
            minus = network_loss(params, sizes, codes, loss_code, x, y, acts, z_last, zero_bias)
            out[k] = (plus - minus) / (step_up + step_down)
        else:
            out[k] = (plus - base) / step_up
        params[j] = old


@kernel
def count_correct(out, y):
    """Number of rows where ``argmax(out)`` equals ``argmax(y)`` (first maximum wins)."""
    n_samples, n_out = out.shape
    correct = 0
    for i in range(n_samples):
        best_out = 0
        best_y = 0
        for j in range(1, n_out):
            if out[i, j] > out[i, best_out]:
                best_out = j
            if y[i, j] > y[i, best_y]:
                best_y = j
        if best_out == best_y:
            correct += 1
    return correct


@kernel
def sgd_epoch(
    params,
    sizes,
    codes,
    loss_code,
    x_all,
    labels_all,
    y_all,
    order,
    batch_size,
    learning_rate,
    weight_decay,
    decay_mask,
    x_batch,
    y_batch,
    acts,
    z_last,
    zero_bias,
    grads,
    work,
):
    """One epoch of mini-batch SGD over ``x_all[order]``; returns ``(status, loss_sum, correct)``.

    For each mini-batch of ``m <= batch_size`` rows: gather the rows (targets as one-hot rows
    from ``labels_all`` when it is not empty, else rows of ``y_all``), forward, loss, backward,
    then

    .. math:: \\theta \\leftarrow \\theta - \\eta (\\nabla_\\theta C + \\lambda\\, \\mathrm{mask}
              \\odot \\theta)

    where ``C`` is the batch-mean cost (Nielsen's :math:`\\frac{\\eta}{m} \\sum_x \\nabla C_x`) and
    ``decay_mask`` is 1 on weights, 0 on biases. ``loss_sum`` is the sum over processed rows of
    the per-example cost (before each update), ``correct`` the number of rows whose argmax
    matched. Nothing is allocated per batch (the gather copies into ``x_batch``/``y_batch``).

    The parameters are never left half-updated. The loss is checked first (status
    ``FIT_NONFINITE_LOSS``). Then, instead of a read-only pass over every updated value before
    the writing pass, a bound proves the update finite: every ``|grads[k]|`` is at most the
    bound of :func:`network_backward` (from ``max |a|`` and ``max |delta|`` of each layer, read
    where they are computed) and every ``|params[k]|`` at most ``p_max``, a running bound (exact
    at the start of the epoch, raised by each step's bound). While
    ``p_max + eta (bound + lambda p_max)`` stays far below the dtype's largest value
    (1e300 or 1e30), no updated value can overflow and the update is written in one pass; else
    (NaN/Inf in a delta, or huge values) the slow exact path checks every updated value first
    and stops with ``FIT_NONFINITE_UPDATE``, ``params`` as before that batch, if one is not
    finite.

    ``x_all`` is not scanned beforehand: a batch whose first-layer ``z`` is not finite has its
    rows scanned, and NaN/Inf there stops the epoch before that batch's update with status
    ``FIT_BAD_X`` (the caller restores the parameters it had before the call).
    """
    n_total = order.shape[0]
    n_in = x_all.shape[1]
    n_out = sizes[sizes.shape[0] - 1]
    n_layers = sizes.shape[0] - 1
    single = params.itemsize == 4  # a compile-time constant
    limit = 1e30 if single else 1e300
    with_labels = labels_all.shape[0] > 0
    p_max = 0.0
    for k in range(params.shape[0]):
        size = np.float64(abs(params[k]))
        p_max = size if size > p_max else p_max
    loss_sum = 0.0
    correct = 0
    start = 0
    while start < n_total:
        m = min(batch_size, n_total - start)
        for r in range(m):
            row = order[start + r]
            for c in range(n_in):
                x_batch[r * n_in + c] = x_all[row, c]
        xb = x_batch[: m * n_in].reshape((m, n_in))
        yb = y_batch[: m * n_out].reshape((m, n_out))
        if with_labels:  # validated by the caller: in [0, n_out)
            for r in range(m):
                for c in range(n_out):
                    yb[r, c] = 0
                yb[r, labels_all[order[start + r]]] = 1
        else:
            for r in range(m):
                row = order[start + r]
                for c in range(n_out):
                    yb[r, c] = y_all[row, c]
        n_acts = 0
        for layer in range(n_layers):
            n_acts += m * sizes[layer + 1]
        batch_acts = acts[:n_acts]
        batch_z = z_last[: m * n_out].reshape((m, n_out))
        loss, n_bad, bound = _network_gradient_parts(
            params, sizes, codes, loss_code, xb, yb, batch_acts, batch_z, zero_bias, grads, work,
            _WITH_BOUND,
        )  # fmt: skip
        if n_bad and count_nonfinite(xb):
            return FIT_BAD_X, loss_sum, correct
        if not math.isfinite(loss):
            return FIT_NONFINITE_LOSS, loss_sum, correct
        step_max = np.float64(learning_rate) * (bound + np.float64(weight_decay) * p_max) * 1.001
        if p_max + step_max < limit:  # False for NaN/Inf: every updated value is finite
            if weight_decay == 0:
                for k in range(params.shape[0]):
                    params[k] = params[k] - learning_rate * grads[k]
            else:
                for k in range(params.shape[0]):
                    step = learning_rate * (grads[k] + weight_decay * decay_mask[k] * params[k])
                    params[k] = params[k] - step
            p_max += step_max
        else:
            # check every updated value first (a read-only pass), then write exactly the values
            # checked (the same expression)
            n_bad = 0
            if weight_decay == 0:
                for k in range(params.shape[0]):
                    n_bad += 0 if abs(params[k] - learning_rate * grads[k]) < np.inf else 1
            else:
                for k in range(params.shape[0]):
                    step = learning_rate * (grads[k] + weight_decay * decay_mask[k] * params[k])
                    n_bad += 0 if abs(params[k] - step) < np.inf else 1  # False for Inf and NaN
            if n_bad:
                return FIT_NONFINITE_UPDATE, loss_sum, correct
            p_max = 0.0
            if weight_decay == 0:
                for k in range(params.shape[0]):
                    params[k] = params[k] - learning_rate * grads[k]
                    size = np.float64(abs(params[k]))
                    p_max = size if size > p_max else p_max
            else:
                for k in range(params.shape[0]):
                    step = learning_rate * (grads[k] + weight_decay * decay_mask[k] * params[k])
                    params[k] = params[k] - step
                    size = np.float64(abs(params[k]))
                    p_max = size if size > p_max else p_max
        loss_sum += loss * m
        out = batch_acts[n_acts - m * n_out :].reshape((m, n_out))
        correct += count_correct(out, yb)
        start += m
    return FIT_OK, loss_sum, correct


@kernel
def all_finite(values):
    """True when every entry of the flat array ``values`` is finite (no NaN, no +-Inf)."""
    n_bad = 0
    for k in range(values.shape[0]):
        v = values[k]
        n_bad += 0 if abs(v) < np.inf else 1  # False for Inf and NaN
    return n_bad == 0
