"""Fourier-transform kernels: the O(n^2) DFT, a Stockham radix-4 FFT, Bluestein, real FFTs.

Loops only: no argument checking, no Python objects. The public layer (:mod:`fastgrad.fourier`)
hands these kernels C-contiguous 2-D arrays whose *last* axis is transformed, one transform per
row, together with a *plan*: a tuple of precomputed tables built by :func:`make_c2c_plan` or
:func:`make_r2c_plan` (the public layer caches plans per size and dtype).

Conventions (as scipy.fft, "backward" normalization, unscaled in both directions):

.. math::

    X_k = \\sum_{j=0}^{n-1} x_j \\, e^{-2\\pi i jk/n} \\quad\\text{(forward)}, \\qquad
    x_j = \\sum_{k=0}^{n-1} X_k \\, e^{+2\\pi i jk/n} \\quad\\text{(inverse, unscaled)}.

Scaling by 1/n (or 1/sqrt(n)) is the caller's job. All arithmetic happens in the dtype of the
arrays passed in (complex64 stays in single precision); tables are computed in double precision
and rounded once to the working dtype. NaN and Inf propagate through the arithmetic as in any
FFT: one non-finite input value generally makes every output value of its row non-finite.

Every kernel here also runs as plain Python under ``NUMBA_DISABLE_JIT=1``. All callees of a kernel
live in this file, because Numba's disk cache does not notice edits to functions in other files.
"""

import math

import numpy as np

from .._jit import kernel

# ---------------------------------------------------------------------------------------------
# Twiddle factors
# ---------------------------------------------------------------------------------------------


@kernel
def unit_root(k, n):
    """Return ``(cos(2*pi*k/n), sin(2*pi*k/n))`` correct to about one ulp, for any integer k.

    The angle is never formed directly: integer arithmetic folds ``k/n`` into the first octant
    [0, pi/4] through the exact symmetries of sine and cosine, and only there is ``pi*a/d``
    rounded. Repeated multiplication (error growing with k) and large arguments (error growing
    with the angle) are both avoided.
    """
    k = k % n
    # angle = pi * a / d with 0 <= a < 2d
    a = 2 * k
    d = n
    sin_sign = 1.0
    cos_sign = 1.0
    if a > d:  # angle in (pi, 2pi): sin(2pi - t) = -sin t, cos(2pi - t) = cos t
        a = 2 * d - a
        sin_sign = -1.0
    if 2 * a > d:  # angle in (pi/2, pi]: cos(pi - t) = -cos t, sin(pi - t) = sin t
        a = d - a
        cos_sign = -1.0
    swap = False
    if 4 * a > d:  # angle in (pi/4, pi/2]: swap cos and sin of pi/2 - t
        a = d - 2 * a
        d = 2 * d
        swap = True
    t = math.pi * a / d
    c = math.cos(t)
    s = math.sin(t)
    if swap:
        c, s = s, c
    return cos_sign * c, sin_sign * s


@kernel
def unit_roots(n, sign):
    """Return the n complex128 values ``exp(sign * 2j*pi*k/n)``, k = 0..n-1 (sign is +1 or -1)."""
    out = np.empty(n, dtype=np.complex128)
    for k in range(n):
        c, s = unit_root(k, n)
        out[k] = complex(c, sign * s)
    return out


@kernel
def _radix4_twiddles(n, sign):
    """Twiddle table for a Stockham radix-4 FFT of size n = 2^k, in the order the stages read it.

    Entry 0 is ``sign * 1j``: the quarter-turn of the radix-4 butterfly, stored in the table so
    that it has the working dtype. Then, for each radix-4 stage of length ``m4 = n, n/4, ...``
    (while m4 >= 4), the triples ``(w^p, w^2p, w^3p)``, ``w = exp(sign*2j*pi/m4)``, for
    p = 0..m4/4-1: each stage reads its own contiguous block, front to back.
    """
    size = 1
    m4 = n
    while m4 >= 4:
        size += 3 * (m4 // 4)
        m4 //= 4
    table = np.empty(size, dtype=np.complex128)
    table[0] = complex(0.0, sign)
    offset = 1
    m4 = n
    while m4 >= 4:
        for p in range(m4 // 4):
            for r in range(1, 4):
                c, s = unit_root(r * p, m4)
                table[offset] = complex(c, sign * s)
                offset += 1
        m4 //= 4
    return table


# ---------------------------------------------------------------------------------------------
# O(n^2) DFT
# ---------------------------------------------------------------------------------------------


@kernel
def dft_rows(x, out, roots):
    """Direct DFT of every row of ``x`` into ``out``, in O(n^2) operations per row.

    .. math:: X_k = \\sum_{j=0}^{n-1} x_j \\, w^{(jk \\bmod n)}, \\qquad w^m = \\texttt{roots}[m]

    ``roots`` holds ``exp(-2j*pi*m/n)`` (forward) or ``exp(+2j*pi*m/n)`` (inverse) in the dtype of
    ``x``. The exponent ``jk mod n`` is carried incrementally, so no product ``j*k`` can overflow
    and every factor is one correctly rounded table entry.
    """
    n_rows, n = x.shape
    for row in range(n_rows):
        for k in range(n):
            acc = x[row, 0] * roots[0]
            index = 0
            for j in range(1, n):
                index += k
                if index >= n:
                    index -= n
                acc += x[row, j] * roots[index]
            out[row, k] = acc


# ---------------------------------------------------------------------------------------------
# Power-of-two FFT: Stockham autosort, radix 4 (one radix-2 stage when log2 n is odd)
# ---------------------------------------------------------------------------------------------


@kernel
def _radix4_stage(src, dst, m4, stride, table, offset):
    """One decimation-in-frequency radix-4 Stockham stage (sub-transforms of length ``m4``).

    With ``q < stride`` indexing the sub-transforms and ``p < m = m4/4`` the position inside them,
    ``a, b, c, d = src[q + stride*(p + {0, m, 2m, 3m})]`` and ``u = table[0]`` (-1j forward,
    +1j inverse):

    .. math::

        \\begin{aligned}
        dst[q + s(4p)]   &= (a + c) + (b + d) \\\\
        dst[q + s(4p+1)] &= w^{p}  \\, ((a - c) + u(b - d)) \\\\
        dst[q + s(4p+2)] &= w^{2p} \\, ((a + c) - (b + d)) \\\\
        dst[q + s(4p+3)] &= w^{3p} \\, ((a - c) - u(b - d))
        \\end{aligned}

    Stockham's ordering: the outputs go to ``4p + r`` with stride ``s`` so that the next stage
    (stride ``4s``) finds each sub-sequence contiguous in its index; no bit reversal is needed.
    """
    m = m4 // 4
    quarter_turn = table[0]
    for p in range(m):
        w1 = table[offset + 3 * p]
        w2 = table[offset + 3 * p + 1]
        w3 = table[offset + 3 * p + 2]
        in0 = stride * p
        in1 = stride * (p + m)
        in2 = stride * (p + 2 * m)
        in3 = stride * (p + 3 * m)
        out0 = stride * 4 * p
        for q in range(stride):
            a = src[in0 + q]
            b = src[in1 + q]
            c = src[in2 + q]
            d = src[in3 + q]
            a_plus_c = a + c
            a_minus_c = a - c
            b_plus_d = b + d
            u_b_minus_d = (b - d) * quarter_turn
            dst[out0 + q] = a_plus_c + b_plus_d
            dst[out0 + stride + q] = w1 * (a_minus_c + u_b_minus_d)
            dst[out0 + 2 * stride + q] = w2 * (a_plus_c - b_plus_d)
            dst[out0 + 3 * stride + q] = w3 * (a_minus_c - u_b_minus_d)


@kernel
def _radix2_last_stage(src, dst, stride):
    """The final radix-2 stage (sub-transforms of length 2, all twiddles equal to 1)."""
    for q in range(stride):
        a = src[q]
        b = src[q + stride]
        dst[q] = a + b
        dst[q + stride] = a - b


@kernel
def _pow2_row(src, dst, work, table):
    """FFT of one power-of-two-length vector ``src`` into ``dst`` (``work`` is scratch).

    ``src`` is only read, so it may be the caller's input. The stages ping-pong between ``dst``
    and ``work``, starting with whichever makes the last stage land in ``dst``.
    """
    n = src.shape[0]
    if n == 1:
        dst[0] = src[0]
        return
    n_stages = 0
    m4 = n
    while m4 >= 4:
        n_stages += 1
        m4 //= 4
    if m4 == 2:
        n_stages += 1
    # Stage i writes dst when (n_stages - 1 - i) is even, so the last stage (i = n_stages - 1)
    # writes dst.
    stride = 1
    offset = 1
    m4 = n
    stage = 0
    current = src
    while m4 >= 4:
        target = dst if (n_stages - 1 - stage) % 2 == 0 else work
        _radix4_stage(current, target, m4, stride, table, offset)
        offset += 3 * (m4 // 4)
        m4 //= 4
        stride *= 4
        stage += 1
        current = target
    if m4 == 2:
        _radix2_last_stage(current, dst, stride)


# ---------------------------------------------------------------------------------------------
# Any length: Bluestein's chirp-z algorithm on top of the power-of-two FFT
# ---------------------------------------------------------------------------------------------


@kernel
def _chirp(n, sign):
    """``exp(sign * 1j*pi*k^2/n)`` for k = 0..n-1, with ``k^2 mod 2n`` reduced exactly."""
    out = np.empty(n, dtype=np.complex128)
    two_n = 2 * n
    for k in range(n):
        c, s = unit_root((k * k) % two_n, two_n)
        out[k] = complex(c, sign * s)
    return out


@kernel
def _bluestein_spectrum(chirp, m, table):
    """FFT of the zero-padded, wrapped conjugate chirp, divided by m (Bluestein's filter).

    .. math::

        b_k = \\overline{c_k}, \\; b_{m-k} = \\overline{c_k} \\; (1 \\le k < n), \\qquad
        B = \\mathrm{FFT}_m(b) / m
    """
    n = chirp.shape[0]
    b = np.zeros(m, dtype=np.complex128)
    for k in range(n):
        b[k] = chirp[k].conjugate()
    for k in range(1, n):
        b[m - k] = chirp[k].conjugate()
    spectrum = np.empty(m, dtype=np.complex128)
    work = np.empty(m, dtype=np.complex128)
    _pow2_row(b, spectrum, work, table)
    for k in range(m):
        spectrum[k] /= m
    return spectrum


@kernel
def _bluestein_row(src, dst, chirp, spectrum, table_forward, table_inverse, a, b, work):
    """Length-n DFT of ``src`` as a length-m circular convolution (m = 2^k >= 2n - 1).

    With the chirp ``c_k = exp(-1j*pi*k^2/n)`` (conjugated for the inverse transform),
    ``jk = (j^2 + k^2 - (k - j)^2) / 2`` turns the DFT into a convolution:

    .. math::

        X_k = c_k \\sum_j (x_j c_j)\\, \\overline{c_{k-j}}
            = c_k \\cdot \\mathrm{IFFT}_m\\big(\\mathrm{FFT}_m(x \\cdot c) \\cdot B\\big)_k

    where ``B`` is :func:`_bluestein_spectrum` (which already carries the 1/m).
    """
    n = src.shape[0]
    m = a.shape[0]
    for k in range(n):
        a[k] = src[k] * chirp[k]
    for k in range(n, m):
        a[k] = 0
    _pow2_row(a, b, work, table_forward)
    for k in range(m):
        b[k] *= spectrum[k]
    _pow2_row(b, a, work, table_inverse)
    for k in range(n):
        dst[k] = a[k] * chirp[k]


# ---------------------------------------------------------------------------------------------
# Complex-to-complex plans and kernels
# ---------------------------------------------------------------------------------------------


@kernel
def make_c2c_plan(n, like):
    """Tables for complex transforms of length n, in the dtype of the array ``like``.

    Returns ``(table_forward, table_inverse, chirp_forward, chirp_inverse, spectrum_forward,
    spectrum_inverse)``. For n a power of two the tables are size n's and the other four arrays
    are empty; otherwise the tables are for Bluestein's length m = 2^k >= 2n - 1 and the chirps
    (length n) and filter spectra (length m) are filled. Computed in double precision.
    """
    if n & (n - 1) == 0:
        m = n
        chirp_forward = np.empty(0, dtype=np.complex128)
        chirp_inverse = np.empty(0, dtype=np.complex128)
        spectrum_forward = np.empty(0, dtype=np.complex128)
        spectrum_inverse = np.empty(0, dtype=np.complex128)
        table_forward = _radix4_twiddles(m, -1.0)
        table_inverse = _radix4_twiddles(m, 1.0)
    else:
        m = 1
        while m < 2 * n - 1:
            m *= 2
        table_forward = _radix4_twiddles(m, -1.0)
        table_inverse = _radix4_twiddles(m, 1.0)
        chirp_forward = _chirp(n, -1.0)
        chirp_inverse = _chirp(n, 1.0)
        spectrum_forward = _bluestein_spectrum(chirp_forward, m, table_forward)
        spectrum_inverse = _bluestein_spectrum(chirp_inverse, m, table_forward)
    dtype = like.dtype
    return (
        table_forward.astype(dtype),
        table_inverse.astype(dtype),
        chirp_forward.astype(dtype),
        chirp_inverse.astype(dtype),
        spectrum_forward.astype(dtype),
        spectrum_inverse.astype(dtype),
    )


@kernel
def _c2c_scratch_length(n, plan):
    """Length of each scratch buffer that :func:`_c2c_row` needs for this plan."""
    spectrum = plan[4]
    return n if spectrum.shape[0] == 0 else spectrum.shape[0]


@kernel
def _c2c_row(src, dst, forward, plan, a, b, work):
    """Unscaled complex DFT (forward or inverse) of one row, any length, O(n log n)."""
    table_forward, table_inverse, chirp_forward, chirp_inverse, spec_forward, spec_inverse = plan
    if chirp_forward.shape[0] == 0:
        _pow2_row(src, dst, work, table_forward if forward else table_inverse)
    elif forward:
        _bluestein_row(
            src, dst, chirp_forward, spec_forward, table_forward, table_inverse, a, b, work
        )
    else:
        _bluestein_row(
            src, dst, chirp_inverse, spec_inverse, table_forward, table_inverse, a, b, work
        )


@kernel
def c2c_rows(x, out, forward, plan):
    """Unscaled complex FFT of every row of ``x`` (rows, n) into ``out`` (rows, n).

    ``x`` and ``out`` must not overlap unless they are the same array (``overwrite_x``): the
    power-of-two path reads a row completely in its first stage, and Bluestein copies it first,
    so ``out is x`` is safe.
    """
    n_rows, n = x.shape
    scratch = _c2c_scratch_length(n, plan)
    a = np.empty(scratch, dtype=out.dtype)
    b = np.empty(scratch, dtype=out.dtype)
    work = np.empty(scratch, dtype=out.dtype)
    row_copy = np.empty(n, dtype=out.dtype)
    for row in range(n_rows):
        # The power-of-two path's first stage reads ``src`` while writing dst or work; when
        # dst is src (in place) it must read a copy.
        for j in range(n):
            row_copy[j] = x[row, j]
        _c2c_row(row_copy, out[row], forward, plan, a, b, work)


# ---------------------------------------------------------------------------------------------
# Real-input FFT (r2c) and its inverse (c2r) through a half-length complex FFT
# ---------------------------------------------------------------------------------------------


@kernel
def make_r2c_plan(n, like):
    """Tables for real transforms of length n (``like`` has the complex working dtype).

    Returns ``(half_plan, split_twiddles)``. For even n, ``half_plan`` is the complex plan of
    length n/2 and ``split_twiddles[k] = exp(-2j*pi*k/n)``, k = 0..n/2. For odd n, ``half_plan``
    is the complex plan of length n itself and ``split_twiddles`` is empty.
    """
    if n % 2 == 0:
        half_plan = make_c2c_plan(n // 2, like)
        split = np.empty(n // 2 + 1, dtype=np.complex128)
        for k in range(n // 2 + 1):
            c, s = unit_root(k, n)
            split[k] = complex(c, -s)
    else:
        half_plan = make_c2c_plan(n, like)
        split = np.empty(0, dtype=np.complex128)
    return half_plan, split.astype(like.dtype)


@kernel
def r2c_rows(x, out, plan):
    """Unscaled FFT of every real row of ``x`` (rows, n) into ``out`` (rows, n//2 + 1).

    Even n packs the row as ``z_j = x_{2j} + i x_{2j+1}`` (length h = n/2), takes one complex FFT
    ``Z = FFT_h(z)`` and splits it (``W = exp(-2j*pi/n)``, ``Z_h = Z_0``):

    .. math::

        E_k = \\tfrac12 (Z_k + \\overline{Z_{h-k}}), \\quad
        O_k = \\tfrac{1}{2i} (Z_k - \\overline{Z_{h-k}}), \\quad
        X_k = E_k + W^k O_k, \\quad k = 0..h.

    Odd n takes the full complex FFT of the row and keeps its first half.
    """
    n_rows, n = x.shape
    half_plan, split = plan
    if n % 2 == 1:
        z = np.empty(n, dtype=out.dtype)
        full = np.empty(n, dtype=out.dtype)
        scratch = _c2c_scratch_length(n, half_plan)
        a = np.empty(scratch, dtype=out.dtype)
        b = np.empty(scratch, dtype=out.dtype)
        work = np.empty(scratch, dtype=out.dtype)
        for row in range(n_rows):
            for j in range(n):
                z[j] = x[row, j]
            _c2c_row(z, full, True, half_plan, a, b, work)
            for k in range(n // 2 + 1):
                out[row, k] = full[k]
        return
    h = n // 2
    z = np.empty(h, dtype=out.dtype)
    spectrum = np.empty(h, dtype=out.dtype)
    scratch = _c2c_scratch_length(h, half_plan)
    a = np.empty(scratch, dtype=out.dtype)
    b = np.empty(scratch, dtype=out.dtype)
    work = np.empty(scratch, dtype=out.dtype)
    for row in range(n_rows):
        for j in range(h):
            z[j] = complex(x[row, 2 * j], x[row, 2 * j + 1])
        _c2c_row(z, spectrum, True, half_plan, a, b, work)
        z0 = spectrum[0]
        out[row, 0] = z0.real + z0.imag
        out[row, h] = z0.real - z0.imag
        for k in range(1, h):
            zk = spectrum[k]
            zc = spectrum[h - k].conjugate()
            even = zk + zc
            odd = zk - zc  # 2i * O_k
            # X_k = (even + W^k * odd / i) / 2 ;  odd / i = (odd.imag, -odd.real)
            rotated = split[k] * complex(odd.imag, -odd.real)
            out[row, k] = (even + rotated) * 0.5


@kernel
def c2r_rows(x, out, plan):
    """Unscaled inverse FFT of Hermitian rows ``x`` (rows, n//2 + 1) into real ``out`` (rows, n).

    The imaginary parts of ``x[:, 0]`` (and of ``x[:, n/2]`` for even n) are ignored, as in
    scipy.fft.irfft. Even n undoes the split of :func:`r2c_rows` (``h = n/2``):

    .. math::

        Z'_k = (X_k + \\overline{X_{h-k}}) + i \\, \\overline{W^k} (X_k - \\overline{X_{h-k}}),
        \\qquad z = \\mathrm{IFFT}_h(Z'), \\quad out_{2j} = \\Re z_j, \\; out_{2j+1} = \\Im z_j

    (``Z' = 2 Z``, which turns the unscaled length-h inverse into the unscaled length-n one).
    Odd n rebuilds the full Hermitian spectrum and takes a complex inverse FFT.
    """
    n_rows, n = out.shape
    half_plan, split = plan
    if n % 2 == 1:
        full = np.empty(n, dtype=x.dtype)
        result = np.empty(n, dtype=x.dtype)
        scratch = _c2c_scratch_length(n, half_plan)
        a = np.empty(scratch, dtype=x.dtype)
        b = np.empty(scratch, dtype=x.dtype)
        work = np.empty(scratch, dtype=x.dtype)
        for row in range(n_rows):
            full[0] = x[row, 0].real
            for k in range(1, n // 2 + 1):
                full[k] = x[row, k]
                full[n - k] = x[row, k].conjugate()
            _c2c_row(full, result, False, half_plan, a, b, work)
            for j in range(n):
                out[row, j] = result[j].real
        return
    h = n // 2
    packed = np.empty(h, dtype=x.dtype)
    z = np.empty(h, dtype=x.dtype)
    scratch = _c2c_scratch_length(h, half_plan)
    a = np.empty(scratch, dtype=x.dtype)
    b = np.empty(scratch, dtype=x.dtype)
    work = np.empty(scratch, dtype=x.dtype)
    for row in range(n_rows):
        first = x[row, 0].real
        last = x[row, h].real
        packed[0] = complex(first + last, first - last)
        for k in range(1, h):
            xk = x[row, k]
            xc = x[row, h - k].conjugate()
            diff = split[k].conjugate() * (xk - xc)
            packed[k] = (xk + xc) + complex(-diff.imag, diff.real)
        _c2c_row(packed, z, False, half_plan, a, b, work)
        for j in range(h):
            out[row, 2 * j] = z[j].real
            out[row, 2 * j + 1] = z[j].imag


# ---------------------------------------------------------------------------------------------
# One-dimensional transforms for users' own @njit code (re-exported by fastgrad.kernels)
# ---------------------------------------------------------------------------------------------


@kernel
def _transform_1d(x, forward, direct):
    """Unscaled transform of a 1-D complex array, any length; builds its tables on each call."""
    n = x.shape[0]
    out = np.empty(n, dtype=x.dtype)
    if n == 0:
        return out
    rows = np.ascontiguousarray(x).reshape((1, n))
    if direct:
        roots = unit_roots(n, -1.0 if forward else 1.0).astype(x.dtype)
        dft_rows(rows, out.reshape((1, n)), roots)
    else:
        c2c_rows(rows, out.reshape((1, n)), forward, make_c2c_plan(n, x))
    return out


@kernel
def _scaled(out, factor):
    for k in range(out.shape[0]):
        out[k] = out[k] * factor
    return out


@kernel
def fft_1d(x):
    """FFT of a 1-D complex64/complex128 array: ``X_k = sum_j x_j exp(-2j*pi*jk/n)``."""
    return _transform_1d(x, True, False)


@kernel
def ifft_1d(x):
    """Inverse FFT of a 1-D complex array: ``x_j = (1/n) sum_k X_k exp(+2j*pi*jk/n)``."""
    out = _transform_1d(x, False, False)
    return _scaled(out, 1.0 / max(x.shape[0], 1))


@kernel
def dft_1d(x):
    """O(n^2) DFT of a 1-D complex array (same result as :func:`fft_1d`)."""
    return _transform_1d(x, True, True)


@kernel
def idft_1d(x):
    """O(n^2) inverse DFT of a 1-D complex array (same result as :func:`ifft_1d`)."""
    out = _transform_1d(x, False, True)
    return _scaled(out, 1.0 / max(x.shape[0], 1))
