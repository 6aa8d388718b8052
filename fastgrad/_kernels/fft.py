"""Fourier-transform kernels: the O(n^2) DFT, a mixed-radix Stockham FFT, Bluestein, real FFTs.

Loops only: no argument checking, no Python objects. The public layer (:mod:`fastgrad.fourier`)
hands these kernels C-contiguous 2-D arrays whose *last* axis is transformed, one transform per
row, together with a *plan*: one 1-D real array of precomputed tables built by
:func:`make_c2c_plan` or :func:`make_r2c_plan` (the public layer caches plans per size and
dtype). Everything else a kernel needs (radix stages, Bluestein's padded length, offsets into
the plan) follows from the transform length, so one array is all that crosses Numba's dispatcher.

The row kernels take complex rows and view them here as *interleaved* real rows
(``z.view(float64)``: ``2n`` values ``re_0, im_0, re_1, ...``), which is cheaper than viewing
them in Python; inside, the butterflies work on *split* real and imaginary scratch arrays, which
LLVM vectorizes (see :mod:`fastgrad._kernels._pipeline`).

Conventions (as scipy.fft, "backward" normalization, unscaled in both directions):

.. math::

    X_k = \\sum_{j=0}^{n-1} x_j \\, e^{-2\\pi i jk/n} \\quad\\text{(forward)}, \\qquad
    x_j = \\sum_{k=0}^{n-1} X_k \\, e^{+2\\pi i jk/n} \\quad\\text{(inverse, unscaled)}.

The inverse is computed as :math:`\\overline{\\mathrm{FFT}(\\overline{x})}`: the first stage
multiplies the imaginary parts by ``conj`` (+1 forward, -1 inverse) and the last stage does
the same, so one set of forward tables serves both directions and both conjugations are exact.
The last stage also multiplies by ``scale`` (1, 1/n or 1/sqrt(n), from the caller), which is
exact when ``scale`` is 1. All arithmetic happens in the dtype of the arrays passed in (complex64
stays in single precision; ``conj`` and ``scale`` are read from or cast to that dtype); tables
are computed in double precision and rounded once to the working dtype. NaN and Inf propagate
through the arithmetic as in any FFT: one non-finite input value generally makes every output
value of its row non-finite.

Every kernel here also runs as plain Python under ``NUMBA_DISABLE_JIT=1``. All callees of a kernel
live in this file, because Numba's disk cache does not notice edits to functions in other files
(the butterfly decorator in ``_pipeline`` only chooses compiler options).
"""

import math

import numpy as np

from .._jit import kernel
from ._pipeline import SIMD_PATH, butterfly, quiet_when_interpreted

__all__ = [
    "SIMD_PATH",
    "bluestein_rows",
    "c2c_rows",
    "c2c_work_length",
    "c2r_rows",
    "c2r_pack_rows",
    "c2r_rows_direct",
    "dft_rows",
    "direct_rows",
    "make_c2c_plan",
    "make_pow2_plan",
    "make_r2c_plan",
    "next_direct_length",
    "pow2_c2r_rows",
    "pow2_c2r_rows_mid8",
    "pow2_c2r_rows_radix8",
    "pow2_c2r_rows_radix8_mid8",
    "pow2_c2r_rows_small",
    "pow2_r2c_rows",
    "pow2_r2c_rows_mid8",
    "pow2_r2c_rows_radix8",
    "pow2_r2c_rows_radix8_mid8",
    "pow2_r2c_rows_small",
    "pow2_rows",
    "pow2_rows_last8",
    "pow2_rows_last8_long",
    "pow2_rows_mid8",
    "pow2_rows_radix8",
    "pow2_rows_radix8_mid8",
    "pow2_rows_radix8_mid8_long",
    "pow2_rows_small",
    "r2c_rows",
    "r2c_rows_direct",
    "r2c_split_rows",
    "real_work_length",
    "unit_roots",
    "fft_1d",
    "ifft_1d",
    "dft_1d",
    "idft_1d",
]

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


# ---------------------------------------------------------------------------------------------
# O(n^2) DFT
# ---------------------------------------------------------------------------------------------


@quiet_when_interpreted
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
# Stockham autosort FFT of 5-smooth lengths n = 4 * 2^a * 3^b * 5^c (and n = 1, 2, 4)
# ---------------------------------------------------------------------------------------------
#
# Decimation in frequency. A stage of radix r takes sub-transforms of length L = r*m laid out
# with stride s (s * L = n): with q < s, p < m and u_j = src[q + s*(p + j*m)], j < r,
#
#     dst[q + s*(r*p + k)] = w^(k*p) * y_k,   y_k = sum_j u_j exp(-2j*pi*jk/r),   w = exp(-2j*pi/L)
#
# (Stockham's ordering: the outputs of a stage go to r*p + k, so the next stage, of stride r*s,
# finds each sub-sequence contiguous and no bit reversal is needed). The first stage is radix 4,
# or 8 for some powers of two (see _radices) (stride 1: vectorized over p, reading the
# interleaved input); the later ones are vectorized over q (stride >= 4). The last stage has
# m = 1 (no twiddles); for a length with a factor of two left it is radix 2 or 4, and it writes
# the interleaved output directly.
#
# Plan layout (one real array, see make_c2c_plan): entries 0..7 are the constants 1, -1,
# sin(pi/3), cos(2pi/5), cos(4pi/5), sin(2pi/5), sin(4pi/5), sqrt(1/2) in the working dtype,
# 8 the kind
# (0: direct, 1: Bluestein), 9 the number of stages S, 10..10+S-1 the radices, then per stage
# 2(r-1) contiguous blocks of m values: Re w^p, Im w^p, Re w^2p, Im w^2p, ... (p < m).

_HEADER = 10

# Values left between the four split scratch buffers of a direct length (16 values: 128 bytes in
# float64, 64 in float32). Without the gap the buffers start at multiples of n, and for powers
# of two every stream of a long-stride stage (8 read and 8 written per buffer pair) maps to the
# same set of the 12-way L1 cache: the stages with stride >= 512 took 1.3-2x longer than
# the others (complex128, 2^16-2^19, timed stage by stage).
_GAP = 16

# From this length, a radix-8 last stage replaces a radix-4 and a radix-2 one where the bits
# allow (see _radices): one pass over memory less. With the blocked _radix8_last, complex64
# took 1.36 -> 1.16 us at 2^9, 7.4 -> 5.9-6.2 us at 2^12, 64 -> 56 us at 2^15 and 1.08 ->
# 0.93 ms at 2^18; complex128 2.22 -> 1.94 ms at 2^18. At 2^6 it was slower (0.72 -> 0.75 us).
_LAST8_FROM = 1 << 9

# Butterflies per block of _radix8_last: a constant that divides n/8 for every plan that ends
# with radix 8 (powers of two n >= _LAST8_FROM), so that LLVM knows the trip count of the
# block's loops (complex64 2^9 0.74 -> 0.66 us against min(128, n/8); 64 and 128 measured alike
# as run-time sizes).
_LAST_BLOCK = 64

# From this length the power-of-two drivers that start with radix 8 are the ``_long`` ones
# (:func:`pow2_rows_radix8_mid8_long`, :func:`pow2_rows_last8_long`; the planner picks them:
# fastgrad._kernels.fft_plan.pow2_kernel), whose first stage is :func:`_radix8_first_long`: it
# reads three of its seven twiddle blocks. There the table no longer fits in L2 (14n/8
# values: 3.7 MB at complex128 2^18) and every stage streams through L3, so each block read is
# memory traffic: complex128 2^18, first stage 0.465 -> 0.379 ms; RMS error against a
# long-double FFT 3.05e-16 -> 3.10e-16 (scipy.fft: 3.33e-16).
_LONG_FIRST_FROM = 1 << 17
_NO_LAST8 = np.bool_(False)  # NumPy scalars, not literals: the planner compiles once
_LAST8 = np.bool_(True)


@kernel
def _smooth_part(n):
    """Return ``(fours, twos, threes, fives, rest)``: n = 4^fours 2^twos 3^threes 5^fives rest."""
    fours = 0
    while n % 4 == 0:
        n //= 4
        fours += 1
    twos = 0
    if n % 2 == 0:
        n //= 2
        twos = 1
    threes = 0
    while n % 3 == 0:
        n //= 3
        threes += 1
    fives = 0
    while n % 5 == 0:
        n //= 5
        fives += 1
    return fours, twos, threes, fives, n


@kernel
def _is_direct(n):
    """Whether length n runs the Stockham FFT directly: n = 1, 2, 4, or 4 * (5-smooth)."""
    if n <= 2 or n == 4:
        return True
    fours, twos, threes, fives, rest = _smooth_part(n)
    return rest == 1 and fours >= 1


@kernel
def next_direct_length(target, real):
    """The smallest length >= target (>= 1) that runs without Bluestein's padding.

    Complex transforms: :func:`_is_direct` lengths. Real transforms (``real``): 1, or an even
    length whose half is direct (even real lengths run a complex FFT of half the length).
    """
    n = target
    while True:
        if real:
            if n == 1 or (n % 2 == 0 and _is_direct(n // 2)):
                return n
        elif _is_direct(n):
            return n
        n += 1


@kernel
def _radices(n, single, last8):
    """The radix of each Stockham stage for a direct length n (empty for n = 1, 2, 4).

    A first stage that reads the interleaved input: radix 8 for powers of two from 16 in single
    precision (``single``) and from 2^17 in double, radix 4 otherwise. Then the radix-5 and
    radix-3 stages, then the powers of two: radix 8 in the middle for n >= 2^12 (fewer passes
    over memory), and a last stage of radix 4 or 2 (or 5 or 3 when n has no more factors of
    two). With ``last8`` (the plans of :func:`pow2_rows_last8` only), from ``_LAST8_FROM`` a
    power of two that starts with radix 8 and has a multiple of 3 bits left after it has only
    radix-8 stages: its last stage is radix 8 instead of a radix-4 and a radix-2 one.

    Radix 8 first leaves a stride of 8 to the second stage, whose inner loop runs over the
    stride: after a radix-4 first stage that loop had 4 iterations, too few to vectorize in
    single precision (a radix-8 stage at stride 4 took 6.0 us at n = 4096 in complex64, 2.4 us
    at stride 8; complex64 transforms of 2^10 to 2^20 took 1.3-1.5x less time). In double
    precision, radix 8 first measured 6-13% slower from 2^12 to 2^16 and 4-6% faster from 2^17
    (where it also saves a stage at some lengths: 2^17 has 6 instead of 7).
    """
    fours, twos, threes, fives, _ = _smooth_part(n)
    return _radices_of(n, single, fours, twos, threes, fives, last8)


@kernel
def _radices_of(n, single, fours, twos, threes, fives, last8):
    """:func:`_radices` given the factors of n from :func:`_smooth_part` (plain Python through
    ``py_func``: the power-of-two planner in :mod:`fastgrad._kernels.fft_plan` compiles
    nothing)."""
    if n <= 4:
        return np.empty(0, dtype=np.int64)
    power_of_two = threes == 0 and fives == 0
    first = 8 if power_of_two and n >= (16 if single else 1 << 17) else 4
    bits = 2 * fours + twos - (3 if first == 8 else 2)  # factors of two after the first stage
    eights = 0
    if bits == 0:
        last = 5 if fives >= 1 else 3
        fives -= last == 5
        threes -= last == 3
    elif last8 and first == 8 and bits % 3 == 0 and n >= _LAST8_FROM:  # k eights, last too
        last = 8
        eights = bits // 3 - 1
    elif n < 4096:
        last = 2 if bits % 2 == 1 else 4
    elif bits % 3 == 1:
        last = 2
        eights = bits // 3
    elif bits % 3 == 2:
        last = 4
        eights = bits // 3
    else:  # 3k bits: k - 1 eights, a four and a two
        last = 2
        eights = bits // 3 - 1
    last_bits = 0 if bits == 0 else (1 if last == 2 else (2 if last == 4 else 3))
    middle_fours = (bits - last_bits - 3 * eights) // 2
    out = np.empty(2 + fives + threes + eights + middle_fours, dtype=np.int64)
    out[0] = first
    k = 1
    for _ in range(fives):
        out[k] = 5
        k += 1
    for _ in range(threes):
        out[k] = 3
        k += 1
    for _ in range(eights):
        out[k] = 8
        k += 1
    for _ in range(middle_fours):
        out[k] = 4
        k += 1
    out[k] = last
    return out


@kernel
def _twiddle_length(radices, n):
    """Number of twiddle values the stages of ``radices`` store for length n."""
    size = 0
    length = n
    for r in radices:
        m = length // r
        size += 2 * (r - 1) * m
        length = m
    return size


@kernel
def _stockham_header(n, out, single, last8):
    """Write the header and twiddles of a direct length n into ``out``; return the length used.

    Pass ``out`` of length 0 to only compute the length. ``single``: the plan is for single
    precision; ``last8``: it may end with a radix-8 stage (see :func:`_radices`).
    """
    radices = _radices(n, single, last8)
    size = _HEADER + radices.shape[0] + _twiddle_length(radices, n)
    if out.shape[0] == 0:
        return size
    out[0] = 1.0
    out[1] = -1.0
    out[2] = math.sqrt(3.0) / 2.0
    c, s = unit_root(1, 5)
    out[3] = c
    out[5] = s
    c, s = unit_root(2, 5)
    out[4] = c
    out[6] = s
    out[7] = math.sqrt(0.5)
    out[8] = 0.0
    out[9] = radices.shape[0]
    offset = _HEADER
    for r in radices:
        out[offset] = r
        offset += 1
    length = n
    for r in radices:
        m = length // r
        for j in range(1, r):
            for p in range(m):
                c, s = unit_root(j * p, length)
                out[offset + (2 * j - 2) * m + p] = c
                out[offset + (2 * j - 1) * m + p] = -s
        offset += 2 * (r - 1) * m
        length = m
    return size


@butterfly
def _dft4(ar, ai, br, bi, cr, ci, dr, di):
    """The forward 4-point DFT of ``a, b, c, d`` as real and imaginary parts ``y_0 .. y_3``."""
    s0r = ar + cr
    s0i = ai + ci
    d0r = ar - cr
    d0i = ai - ci
    s1r = br + dr
    s1i = bi + di
    d1r = br - dr
    d1i = bi - di
    return (
        s0r + s1r,
        s0i + s1i,
        d0r + d1i,
        d0i - d1r,
        s0r - s1r,
        s0i - s1i,
        d0r - d1i,
        d0i + d1r,
    )


@kernel(inline="always")
def _dft8(
    u0r, u0i, u1r, u1i, u2r, u2i, u3r, u3i, u4r, u4i, u5r, u5i, u6r, u6i, u7r, u7i, sqrt_half
):
    """The forward 8-point DFT of ``u_0 .. u_7``: two 4-point DFTs of the even and odd inputs,
    ``E = DFT_4(u_0, u_2, u_4, u_6)``, ``O = DFT_4(u_1, u_3, u_5, u_7)``, then

    .. math:: y_k = E_k + \\omega_8^k O_k, \\quad y_{k+4} = E_k - \\omega_8^k O_k, \\quad
        \\omega_8 = e^{-i\\pi/4} = \\sqrt{1/2}\\,(1 - i)

    Returns the real and imaginary parts of ``y_0 .. y_7``.
    """
    e0r, e0i, e1r, e1i, e2r, e2i, e3r, e3i = _dft4(u0r, u0i, u2r, u2i, u4r, u4i, u6r, u6i)
    o0r, o0i, o1r, o1i, o2r, o2i, o3r, o3i = _dft4(u1r, u1i, u3r, u3i, u5r, u5i, u7r, u7i)
    # omega_8^k O_k: k = 1: sqrt(1/2)(1 - i), k = 2: -i, k = 3: -sqrt(1/2)(1 + i)
    v1r = sqrt_half * (o1r + o1i)
    v1i = sqrt_half * (o1i - o1r)
    v3r = sqrt_half * (o3i - o3r)
    v3i = -sqrt_half * (o3r + o3i)
    return (
        e0r + o0r, e0i + o0i, e1r + v1r, e1i + v1i, e2r + o2i, e2i - o2r, e3r + v3r, e3i + v3i,
        e0r - o0r, e0i - o0i, e1r - v1r, e1i - v1i, e2r - o2i, e2i + o2r, e3r - v3r, e3i - v3i,
    )  # fmt: skip


@butterfly
def _radix4_first(xf, dst_re, dst_im, tw, conj):
    """The first radix-4 stage (L = n, stride 1): interleaved input ``xf`` to split ``dst``.

    One butterfly per p, vectorized over p (contiguous loads of the four input quarters and of
    the twiddles; the outputs 4p + r are an interleaved store group). ``conj`` (+1 or -1)
    multiplies the imaginary parts on the way in.
    """
    m = xf.shape[0] // 8
    xa = xf[0 : 2 * m]
    xb = xf[2 * m : 4 * m]
    xc = xf[4 * m : 6 * m]
    xd = xf[6 * m : 8 * m]
    w1r = tw[0:m]
    w1i = tw[m : 2 * m]
    w2r = tw[2 * m : 3 * m]
    w2i = tw[3 * m : 4 * m]
    w3r = tw[4 * m : 5 * m]
    w3i = tw[5 * m : 6 * m]
    for p in range(m):
        ar = xa[2 * p]
        ai = conj * xa[2 * p + 1]
        br = xb[2 * p]
        bi = conj * xb[2 * p + 1]
        cr = xc[2 * p]
        ci = conj * xc[2 * p + 1]
        dr = xd[2 * p]
        di = conj * xd[2 * p + 1]
        y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i = _dft4(ar, ai, br, bi, cr, ci, dr, di)
        o = 4 * p
        dst_re[o] = y0r
        dst_im[o] = y0i
        dst_re[o + 1] = y1r * w1r[p] - y1i * w1i[p]
        dst_im[o + 1] = y1r * w1i[p] + y1i * w1r[p]
        dst_re[o + 2] = y2r * w2r[p] - y2i * w2i[p]
        dst_im[o + 2] = y2r * w2i[p] + y2i * w2r[p]
        dst_re[o + 3] = y3r * w3r[p] - y3i * w3i[p]
        dst_im[o + 3] = y3r * w3i[p] + y3i * w3r[p]


@butterfly
def _radix8_first(xf, dst_re, dst_im, tw, conj, sqrt_half):
    """The first stage as radix 8 (L = n, stride 1), for powers of two from 16: interleaved
    input ``xf`` to split ``dst``, as :func:`_radix4_first` (vectorized over p, ``conj`` on
    the way in) with the butterfly :func:`_dft8`."""
    _radix8_first_body(xf, dst_re, dst_im, tw, conj, sqrt_half, None)


@butterfly
def _radix8_first_long(xf, dst_re, dst_im, tw, conj, sqrt_half):
    """:func:`_radix8_first` reading only the twiddle blocks of ``w^p``, ``w^2p`` and
    ``w^4p`` from the same table (the others stay in the plan, which has one layout for every
    length), for long transforms (see ``_LONG_FIRST_FROM``). The other four are products,
    rounded once more:

    .. math:: w^{3p} = w^p w^{2p}, \\quad w^{5p} = w^p w^{4p}, \\quad w^{6p} = w^{2p} w^{4p},
        \\quad w^{7p} = w^{3p} w^{4p}
    """
    _radix8_first_body(xf, dst_re, dst_im, tw, conj, sqrt_half, True)


@kernel(inline="always")
def _radix8_first_body(xf, dst_re, dst_im, tw, conj, sqrt_half, products):
    """The loop of :func:`_radix8_first` (``products`` ``None``) and
    :func:`_radix8_first_long` (``True``, a radix flag: see the comment above
    :func:`_odd_stage`)."""
    m = xf.shape[0] // 16
    x0 = xf[0 : 2 * m]
    x1 = xf[2 * m : 4 * m]
    x2 = xf[4 * m : 6 * m]
    x3 = xf[6 * m : 8 * m]
    x4 = xf[8 * m : 10 * m]
    x5 = xf[10 * m : 12 * m]
    x6 = xf[12 * m : 14 * m]
    x7 = xf[14 * m : 16 * m]
    for p in range(m):
        y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i, y4r, y4i, y5r, y5i, y6r, y6i, y7r, y7i = _dft8(
            x0[2 * p], conj * x0[2 * p + 1], x1[2 * p], conj * x1[2 * p + 1],
            x2[2 * p], conj * x2[2 * p + 1], x3[2 * p], conj * x3[2 * p + 1],
            x4[2 * p], conj * x4[2 * p + 1], x5[2 * p], conj * x5[2 * p + 1],
            x6[2 * p], conj * x6[2 * p + 1], x7[2 * p], conj * x7[2 * p + 1], sqrt_half,
        )  # fmt: skip
        w1r = tw[p]
        w1i = tw[m + p]
        w2r = tw[2 * m + p]
        w2i = tw[3 * m + p]
        w4r = tw[6 * m + p]
        w4i = tw[7 * m + p]
        if products is None:
            w3r = tw[4 * m + p]
            w3i = tw[5 * m + p]
            w5r = tw[8 * m + p]
            w5i = tw[9 * m + p]
            w6r = tw[10 * m + p]
            w6i = tw[11 * m + p]
            w7r = tw[12 * m + p]
            w7i = tw[13 * m + p]
        else:
            w3r, w3i = _twiddled(w1r, w1i, w2r, w2i)
            w5r, w5i = _twiddled(w1r, w1i, w4r, w4i)
            w6r, w6i = _twiddled(w2r, w2i, w4r, w4i)
            w7r, w7i = _twiddled(w3r, w3i, w4r, w4i)
        o = 8 * p
        dst_re[o] = y0r
        dst_im[o] = y0i
        dst_re[o + 1], dst_im[o + 1] = _twiddled(y1r, y1i, w1r, w1i)
        dst_re[o + 2], dst_im[o + 2] = _twiddled(y2r, y2i, w2r, w2i)
        dst_re[o + 3], dst_im[o + 3] = _twiddled(y3r, y3i, w3r, w3i)
        dst_re[o + 4], dst_im[o + 4] = _twiddled(y4r, y4i, w4r, w4i)
        dst_re[o + 5], dst_im[o + 5] = _twiddled(y5r, y5i, w5r, w5i)
        dst_re[o + 6], dst_im[o + 6] = _twiddled(y6r, y6i, w6r, w6i)
        dst_re[o + 7], dst_im[o + 7] = _twiddled(y7r, y7i, w7r, w7i)


@butterfly
def _twiddled(yr, yi, wr, wi):
    """``(yr + i yi) * (wr + i wi)`` as real and imaginary parts."""
    return yr * wr - yi * wi, yr * wi + yi * wr


@butterfly
def _radix4_stage(src_re, src_im, dst_re, dst_im, tw, m, stride):
    """A middle radix-4 stage (L = 4m, stride s), split arrays to split arrays.

    The twiddles of each p are scalars; the inner loop runs over q < s with unit stride (one
    butterfly per iteration), on one slice per array and p indexed ``q + j*step``: plain
    contiguous streams that LLVM vectorizes without overlap checks (see :func:`_radix5_stage`).
    """
    step = stride * m
    for p in range(m):
        w1r = tw[p]
        w1i = tw[m + p]
        w2r = tw[2 * m + p]
        w2i = tw[3 * m + p]
        w3r = tw[4 * m + p]
        w3i = tw[5 * m + p]
        i0 = stride * p
        o0 = 4 * stride * p
        ur = src_re[i0 : i0 + 3 * step + stride]
        ui = src_im[i0 : i0 + 3 * step + stride]
        yr = dst_re[o0 : o0 + 4 * stride]
        yi = dst_im[o0 : o0 + 4 * stride]
        for q in range(stride):
            t0r, t0i, t1r, t1i, t2r, t2i, t3r, t3i = _dft4(
                ur[q],
                ui[q],
                ur[q + step],
                ui[q + step],
                ur[q + 2 * step],
                ui[q + 2 * step],
                ur[q + 3 * step],
                ui[q + 3 * step],
            )
            yr[q] = t0r
            yi[q] = t0i
            yr[q + stride], yi[q + stride] = _twiddled(t1r, t1i, w1r, w1i)
            yr[q + 2 * stride], yi[q + 2 * stride] = _twiddled(t2r, t2i, w2r, w2i)
            yr[q + 3 * stride], yi[q + 3 * stride] = _twiddled(t3r, t3i, w3r, w3i)


@butterfly
def _radix4_last(src_re, src_im, yf, conj, scale):
    """The last radix-4 stage (L = 4, no twiddles): split arrays to interleaved output ``yf``,
    times ``scale``, imaginary parts times ``conj``."""
    s = src_re.shape[0] // 4
    ar_ = src_re[0:s]
    ai_ = src_im[0:s]
    br_ = src_re[s : 2 * s]
    bi_ = src_im[s : 2 * s]
    cr_ = src_re[2 * s : 3 * s]
    ci_ = src_im[2 * s : 3 * s]
    dr_ = src_re[3 * s : 4 * s]
    di_ = src_im[3 * s : 4 * s]
    y0 = yf[0 : 2 * s]
    y1 = yf[2 * s : 4 * s]
    y2 = yf[4 * s : 6 * s]
    y3 = yf[6 * s : 8 * s]
    scale_im = conj * scale
    for q in range(s):
        y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i = _dft4(
            ar_[q], ai_[q], br_[q], bi_[q], cr_[q], ci_[q], dr_[q], di_[q]
        )
        y0[2 * q] = scale * y0r
        y0[2 * q + 1] = scale_im * y0i
        y1[2 * q] = scale * y1r
        y1[2 * q + 1] = scale_im * y1i
        y2[2 * q] = scale * y2r
        y2[2 * q + 1] = scale_im * y2i
        y3[2 * q] = scale * y3r
        y3[2 * q + 1] = scale_im * y3i


@butterfly
def _radix8_last(src_re, src_im, tmp_re, tmp_im, yf, conj, scale, sqrt_half):
    """The last stage as radix 8 (L = 8, no twiddles): split arrays to the interleaved output
    ``yf``, times ``scale``, imaginary parts times ``conj``, as :func:`_radix4_last`. For the
    powers of two whose stages after a radix-8 first one are all radix 8 (see
    :func:`_radices_of`): one pass over memory instead of a radix-4 and a radix-2 pass.

    In blocks of ``_LAST_BLOCK`` butterflies (n/8 must be a multiple of it): the 8-point DFTs
    of a block go to the split scratch ``tmp_re``, ``tmp_im`` (at least n values each, free
    during the last stage; the block stays in L1), then one loop per output writes its
    interleaved slice. One loop storing all eight interleaved outputs took 0.9 ns a point
    (complex64 and complex128, n = 2^12 to 2^18); blocked, 0.28-0.62 in complex64 and 0.7-1.2
    in complex128.
    """
    s = src_re.shape[0] // 8
    block = _LAST_BLOCK
    scale_im = conj * scale
    for start in range(0, s, block):
        u0r = src_re[start : start + block]
        u0i = src_im[start : start + block]
        u1r = src_re[s + start : s + start + block]
        u1i = src_im[s + start : s + start + block]
        u2r = src_re[2 * s + start : 2 * s + start + block]
        u2i = src_im[2 * s + start : 2 * s + start + block]
        u3r = src_re[3 * s + start : 3 * s + start + block]
        u3i = src_im[3 * s + start : 3 * s + start + block]
        u4r = src_re[4 * s + start : 4 * s + start + block]
        u4i = src_im[4 * s + start : 4 * s + start + block]
        u5r = src_re[5 * s + start : 5 * s + start + block]
        u5i = src_im[5 * s + start : 5 * s + start + block]
        u6r = src_re[6 * s + start : 6 * s + start + block]
        u6i = src_im[6 * s + start : 6 * s + start + block]
        u7r = src_re[7 * s + start : 7 * s + start + block]
        u7i = src_im[7 * s + start : 7 * s + start + block]
        t0r = tmp_re[0:block]
        t0i = tmp_im[0:block]
        t1r = tmp_re[block : 2 * block]
        t1i = tmp_im[block : 2 * block]
        t2r = tmp_re[2 * block : 3 * block]
        t2i = tmp_im[2 * block : 3 * block]
        t3r = tmp_re[3 * block : 4 * block]
        t3i = tmp_im[3 * block : 4 * block]
        t4r = tmp_re[4 * block : 5 * block]
        t4i = tmp_im[4 * block : 5 * block]
        t5r = tmp_re[5 * block : 6 * block]
        t5i = tmp_im[5 * block : 6 * block]
        t6r = tmp_re[6 * block : 7 * block]
        t6i = tmp_im[6 * block : 7 * block]
        t7r = tmp_re[7 * block : 8 * block]
        t7i = tmp_im[7 * block : 8 * block]
        for q in range(block):
            (
                t0r[q], t0i[q], t1r[q], t1i[q], t2r[q], t2i[q], t3r[q], t3i[q],
                t4r[q], t4i[q], t5r[q], t5i[q], t6r[q], t6i[q], t7r[q], t7i[q],
            ) = _dft8(
                u0r[q], u0i[q], u1r[q], u1i[q], u2r[q], u2i[q], u3r[q], u3i[q],
                u4r[q], u4i[q], u5r[q], u5i[q], u6r[q], u6i[q], u7r[q], u7i[q], sqrt_half,
            )  # fmt: skip
        for j in range(8):
            tr = tmp_re[j * block : (j + 1) * block]
            ti = tmp_im[j * block : (j + 1) * block]
            y = yf[2 * (j * s + start) : 2 * (j * s + start + block)]
            for q in range(block):
                y[2 * q] = scale * tr[q]
                y[2 * q + 1] = scale_im * ti[q]


@butterfly
def _radix2_last(src_re, src_im, yf, conj, scale):
    """The last stage when log2 n is odd (L = 2): ``y_0 = a + b``, ``y_1 = a - b``."""
    s = src_re.shape[0] // 2
    ar_ = src_re[0:s]
    ai_ = src_im[0:s]
    br_ = src_re[s : 2 * s]
    bi_ = src_im[s : 2 * s]
    y0 = yf[0 : 2 * s]
    y1 = yf[2 * s : 4 * s]
    scale_im = conj * scale
    for q in range(s):
        ar = ar_[q]
        ai = ai_[q]
        br = br_[q]
        bi = bi_[q]
        y0[2 * q] = scale * (ar + br)
        y0[2 * q + 1] = scale_im * (ai + bi)
        y1[2 * q] = scale * (ar - br)
        y1[2 * q + 1] = scale_im * (ai - bi)


@butterfly
def _radix3_stage(src_re, src_im, dst_re, dst_im, tw, m, stride, sin60, half):
    """A radix-3 stage (L = 3m, stride s), split to split. With ``d = b - c``:

    .. math::

        y_0 = a + b + c, \\quad y_{1,2} = a - \\tfrac12 (b + c) \\mp i \\sin(\\pi/3)\\, d
    """
    for p in range(m):
        w1r = tw[p]
        w1i = tw[m + p]
        w2r = tw[2 * m + p]
        w2i = tw[3 * m + p]
        i0 = stride * p
        i1 = stride * (p + m)
        i2 = stride * (p + 2 * m)
        o0 = stride * 3 * p
        ar_ = src_re[i0 : i0 + stride]
        ai_ = src_im[i0 : i0 + stride]
        br_ = src_re[i1 : i1 + stride]
        bi_ = src_im[i1 : i1 + stride]
        cr_ = src_re[i2 : i2 + stride]
        ci_ = src_im[i2 : i2 + stride]
        y0r = dst_re[o0 : o0 + stride]
        y0i = dst_im[o0 : o0 + stride]
        y1r = dst_re[o0 + stride : o0 + 2 * stride]
        y1i = dst_im[o0 + stride : o0 + 2 * stride]
        y2r = dst_re[o0 + 2 * stride : o0 + 3 * stride]
        y2i = dst_im[o0 + 2 * stride : o0 + 3 * stride]
        for q in range(stride):
            ar = ar_[q]
            ai = ai_[q]
            sr = br_[q] + cr_[q]
            si = bi_[q] + ci_[q]
            dr = sin60 * (br_[q] - cr_[q])
            di = sin60 * (bi_[q] - ci_[q])
            tr = ar - half * sr
            ti = ai - half * si
            y0r[q] = ar + sr
            y0i[q] = ai + si
            y1r[q], y1i[q] = _twiddled(tr + di, ti - dr, w1r, w1i)
            y2r[q], y2i[q] = _twiddled(tr - di, ti + dr, w2r, w2i)


@butterfly
def _radix5_stage(src_re, src_im, dst_re, dst_im, tw, m, stride, c1, c2, s1, s2):
    """A radix-5 stage (L = 5m, stride s), split to split. With ``c_j = cos(2 pi j/5)``,
    ``s_j = sin(2 pi j/5)``, ``(u_0, .., u_4) = (a, b, c, d, e)``:

    .. math::

        y_0 = \\sum u_j, \\quad
        y_{1,4} = a + c_1 (b + e) + c_2 (c + d) \\mp i\\,(s_1 (b - e) + s_2 (c - d)), \\\\
        y_{2,3} = a + c_2 (b + e) + c_1 (c + d) \\mp i\\,(s_2 (b - e) - s_1 (c - d))

    One slice per array and p, indexed ``q + j*step``: LLVM vectorizes this (with a slice per
    input and output stream it gives up: "too many memory checks needed").
    """
    step = stride * m
    for p in range(m):
        i0 = stride * p
        o0 = 5 * stride * p
        ur = src_re[i0 : i0 + 4 * step + stride]
        ui = src_im[i0 : i0 + 4 * step + stride]
        yr = dst_re[o0 : o0 + 5 * stride]
        yi = dst_im[o0 : o0 + 5 * stride]
        w1r = tw[p]
        w1i = tw[m + p]
        w2r = tw[2 * m + p]
        w2i = tw[3 * m + p]
        w3r = tw[4 * m + p]
        w3i = tw[5 * m + p]
        w4r = tw[6 * m + p]
        w4i = tw[7 * m + p]
        for q in range(stride):
            ar = ur[q]
            ai = ui[q]
            s1r = ur[q + step] + ur[q + 4 * step]
            s1i = ui[q + step] + ui[q + 4 * step]
            d1r = ur[q + step] - ur[q + 4 * step]
            d1i = ui[q + step] - ui[q + 4 * step]
            s2r = ur[q + 2 * step] + ur[q + 3 * step]
            s2i = ui[q + 2 * step] + ui[q + 3 * step]
            d2r = ur[q + 2 * step] - ur[q + 3 * step]
            d2i = ui[q + 2 * step] - ui[q + 3 * step]
            t1r = ar + c1 * s1r + c2 * s2r
            t1i = ai + c1 * s1i + c2 * s2i
            t2r = ar + c2 * s1r + c1 * s2r
            t2i = ai + c2 * s1i + c1 * s2i
            u1r = s1 * d1r + s2 * d2r
            u1i = s1 * d1i + s2 * d2i
            u2r = s2 * d1r - s1 * d2r
            u2i = s2 * d1i - s1 * d2i
            yr[q] = ar + s1r + s2r
            yi[q] = ai + s1i + s2i
            yr[q + stride], yi[q + stride] = _twiddled(t1r + u1i, t1i - u1r, w1r, w1i)
            yr[q + 2 * stride], yi[q + 2 * stride] = _twiddled(t2r + u2i, t2i - u2r, w2r, w2i)
            yr[q + 3 * stride], yi[q + 3 * stride] = _twiddled(t2r - u2i, t2i + u2r, w3r, w3i)
            yr[q + 4 * stride], yi[q + 4 * stride] = _twiddled(t1r - u1i, t1i + u1r, w4r, w4i)


@butterfly
def _radix8_stage(src_re, src_im, dst_re, dst_im, tw, m, stride, sqrt_half):
    """A radix-8 stage (L = 8m, stride s), split to split: the butterfly :func:`_dft8` and the
    twiddles ``w^{kp}``. Used for the middle stages of long transforms: one pass over
    memory instead of 1.5 radix-4 passes. One slice per array and p, indexed ``q + j*step``,
    as in :func:`_radix5_stage`, so that LLVM vectorizes it.
    """
    step = stride * m
    for p in range(m):
        i0 = stride * p
        o0 = 8 * stride * p
        ur = src_re[i0 : i0 + 7 * step + stride]
        ui = src_im[i0 : i0 + 7 * step + stride]
        yr = dst_re[o0 : o0 + 8 * stride]
        yi = dst_im[o0 : o0 + 8 * stride]
        w1r = tw[p]
        w1i = tw[m + p]
        w2r = tw[2 * m + p]
        w2i = tw[3 * m + p]
        w3r = tw[4 * m + p]
        w3i = tw[5 * m + p]
        w4r = tw[6 * m + p]
        w4i = tw[7 * m + p]
        w5r = tw[8 * m + p]
        w5i = tw[9 * m + p]
        w6r = tw[10 * m + p]
        w6i = tw[11 * m + p]
        w7r = tw[12 * m + p]
        w7i = tw[13 * m + p]
        for q in range(stride):
            y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i, y4r, y4i, y5r, y5i, y6r, y6i, y7r, y7i = _dft8(
                ur[q], ui[q], ur[q + step], ui[q + step],
                ur[q + 2 * step], ui[q + 2 * step], ur[q + 3 * step], ui[q + 3 * step],
                ur[q + 4 * step], ui[q + 4 * step], ur[q + 5 * step], ui[q + 5 * step],
                ur[q + 6 * step], ui[q + 6 * step], ur[q + 7 * step], ui[q + 7 * step],
                sqrt_half,
            )  # fmt: skip
            yr[q] = y0r
            yi[q] = y0i
            yr[q + stride], yi[q + stride] = _twiddled(y1r, y1i, w1r, w1i)
            yr[q + 2 * stride], yi[q + 2 * stride] = _twiddled(y2r, y2i, w2r, w2i)
            yr[q + 3 * stride], yi[q + 3 * stride] = _twiddled(y3r, y3i, w3r, w3i)
            yr[q + 4 * stride], yi[q + 4 * stride] = _twiddled(y4r, y4i, w4r, w4i)
            yr[q + 5 * stride], yi[q + 5 * stride] = _twiddled(y5r, y5i, w5r, w5i)
            yr[q + 6 * stride], yi[q + 6 * stride] = _twiddled(y6r, y6i, w6r, w6i)
            yr[q + 7 * stride], yi[q + 7 * stride] = _twiddled(y7r, y7i, w7r, w7i)


@butterfly
def _interleave_out(src_re, src_im, yf, conj, scale):
    """``y = scale * (re + i conj im)`` into the interleaved output (after a radix-3/5 last
    stage)."""
    scale_im = conj * scale
    for k in range(src_re.shape[0]):
        yf[2 * k] = scale * src_re[k]
        yf[2 * k + 1] = scale_im * src_im[k]


@kernel
def _pow2_small(xf, yf, conj, scale):
    """Lengths 1, 2 and 4, read completely before writing (``yf`` may be ``xf``)."""
    n = xf.shape[0] // 2
    scale_im = conj * scale
    if n == 1:
        yf[0] = scale * xf[0]
        yf[1] = scale_im * (conj * xf[1])
    elif n == 2:
        ar = xf[0]
        ai = conj * xf[1]
        br = xf[2]
        bi = conj * xf[3]
        yf[0] = scale * (ar + br)
        yf[1] = scale_im * (ai + bi)
        yf[2] = scale * (ar - br)
        yf[3] = scale_im * (ai - bi)
    else:
        ar = xf[0]
        ai = conj * xf[1]
        br = xf[2]
        bi = conj * xf[3]
        cr = xf[4]
        ci = conj * xf[5]
        dr = xf[6]
        di = conj * xf[7]
        y0r, y0i, y1r, y1i, y2r, y2i, y3r, y3i = _dft4(ar, ai, br, bi, cr, ci, dr, di)
        yf[0] = scale * y0r
        yf[1] = scale_im * y0i
        yf[2] = scale * y1r
        yf[3] = scale_im * y1i
        yf[4] = scale * y2r
        yf[5] = scale_im * y2i
        yf[6] = scale * y3r
        yf[7] = scale_im * y3i


# Radix flags. A driver compiles the butterfly kernel of every branch it may take, and each one
# costs 0.2-0.5 s of a first call's compilation, so the drivers take flags that say which
# stages their plan can have: ``None`` (it has none: the branch is never taken) or ``True``.
# Branches test them with ``flag is not None``, which Numba resolves from the argument's type
# (NoneType or boolean) before typing, through inlined functions as well: it prunes the
# branches of absent radices and never compiles their kernels. Each combination of flags is
# one compiled version of the driver. The direct drivers take three (radix-3, radix-5 and
# radix-8 middle stages) and always compile the stages after those: radix-4 middle ones and a
# last stage of radix 2, 4, 3 or 5. Bluestein's padded lengths have plans with no radix-4
# middle stage and an even last stage (see :func:`_suits_bluestein`), and its driver also
# takes the radix of that last stage. Flags are ``None`` or ``True`` whether they are passed
# from Python (the planner binds them: fastgrad._kernels.fft_plan) or written as constants in
# a kernel's code; ``False`` would count as present.


@kernel(inline="always")
def _odd_stage(r, src_re, src_im, dst_re, dst_im, block, m, stride, plan, threes, fives):
    """A radix-5 or radix-3 stage (the constants are read from the plan header); ``threes``
    and ``fives``: radix flags (see above), at least one of them ``True``."""
    if fives is not None and (threes is None or r == 5):
        _radix5_stage(
            src_re, src_im, dst_re, dst_im, block, m, stride, plan[3], plan[4], plan[5], plan[6]
        )
    elif threes is not None:
        one = plan[0]
        _radix3_stage(src_re, src_im, dst_re, dst_im, block, m, stride, plan[2], one / (one + one))


@kernel(inline="always")
def _even_stage(
    r, last, src_re, src_im, dst_re, dst_im, yf, block, m, stride, plan, conj, scale, eights,
    fours, twos_last, fours_last,
):  # fmt: skip
    """A radix-8, 4 or 2 stage; the last one (radix 4 or 2) writes the interleaved output
    ``yf``. Radix flags (see above): ``eights`` and ``fours`` for radix-8 and radix-4 middle
    stages, ``twos_last`` and ``fours_last`` for a last stage of radix 2 and 4."""
    if last:
        if fours_last is None:
            if twos_last is not None:
                _radix2_last(src_re, src_im, yf, conj, scale)
        elif twos_last is None:
            _radix4_last(src_re, src_im, yf, conj, scale)
        elif r == 4:
            _radix4_last(src_re, src_im, yf, conj, scale)
        else:
            _radix2_last(src_re, src_im, yf, conj, scale)
    elif eights is None:
        if fours is not None:
            _radix4_stage(src_re, src_im, dst_re, dst_im, block, m, stride)
    elif fours is None:
        _radix8_stage(src_re, src_im, dst_re, dst_im, block, m, stride, plan[7])
    elif r == 4:
        _radix4_stage(src_re, src_im, dst_re, dst_im, block, m, stride)
    else:
        _radix8_stage(src_re, src_im, dst_re, dst_im, block, m, stride, plan[7])


@kernel(inline="always")
def _first_stage(xf, plan, work, conj):
    """Run the radix-4 first stage into ``work``'s first split buffer; return the number of
    stages and the plan offset of the second stage's twiddles."""
    n = xf.shape[0] // 2
    n_stages = int(plan[9])
    offset = _HEADER + n_stages
    size = 6 * (n // 4)
    _radix4_first(
        xf, _split_buffer(work, n, 0), _split_buffer(work, n, 1), plan[offset : offset + size], conj
    )
    return n_stages, offset + size


@kernel
def _direct_row(xf, yf, plan, work, conj, scale):
    """FFT of one direct length whatever its first radix: n <= 4 and plans that start with
    radix 8 (only powers of two do, see :func:`_radices`) run the body of the power-of-two
    drivers, the others :func:`_stockham_row`; arguments as there."""
    if int(plan[9]) == 0 or plan[_HEADER] == 8:
        _pow2_row(xf, yf, plan, work, conj, scale, True, True, True, True)
    else:
        _stockham_row(xf, yf, plan, work, conj, scale, True, True, True, True, True, True, True)


@kernel(inline="always")
def _split_buffer(work, n, k):
    """The ``k``-th (0 to 3) split buffer of n values in the scratch ``work`` of a direct
    length n (see :func:`direct_work_length`)."""
    start = k * (n + _GAP)
    return work[start : start + n]


@kernel
def direct_work_length(n):
    """Scratch values a direct length n needs: four split buffers of n values (real and
    imaginary parts of two ping-pong arrays) with ``_GAP`` values between them."""
    return 4 * n + 3 * _GAP


@kernel(inline="always")
def _stage_buffers(work, n, stage):
    """``(src_re, src_im, dst_re, dst_im)`` of a stage: the two split pairs of ``work``
    alternate (stage 0 writes the first)."""
    first = (_split_buffer(work, n, 0), _split_buffer(work, n, 1))
    second = (_split_buffer(work, n, 2), _split_buffer(work, n, 3))
    return first + second if stage % 2 == 1 else second + first


@kernel(inline="always")
def _stockham_row(
    xf, yf, plan, work, conj, scale, threes, fives, eights, fours, twos_last, fours_last, odd_last
):
    """FFT of one direct length (see :func:`_is_direct`) n > 4 whose plan starts with radix 4
    (every one but the powers of two that start with radix 8: :func:`_direct_row` takes any):
    interleaved ``xf`` (2n values) into ``yf``, with the radices and twiddles of ``plan``;
    ``work`` is scratch of :func:`direct_work_length` values (two split ping-pong buffers).
    ``xf`` is read completely by the first stage and ``yf`` written only by the last, so ``yf``
    may be ``xf``. Radix flags (see above): ``threes``, ``fives``, ``eights`` and ``fours`` for
    its radix-3, radix-5, radix-8 and radix-4 middle stages, ``twos_last``, ``fours_last`` and
    ``odd_last`` for a last stage of radix 2, 4 and 3 or 5.

    Inlined, as everything between a driver and the butterflies: Numba links the compiled
    code of every callee into its caller and optimizes it again there, so each call level
    between a driver and a butterfly kernel costs one more optimization of that kernel (the
    first transform of length 1000 compiled in 5.2 s with these levels as functions of their
    own, 4.0 s inlined). There is no radix-8 first stage here, so the mixed-radix drivers
    (:func:`direct_rows`) compile without one.
    """
    n = xf.shape[0] // 2
    n_stages, offset = _first_stage(xf, plan, work, conj)
    stride = int(plan[_HEADER])  # the first stage's radix
    length = n // stride
    for stage in range(1, n_stages):
        r = int(plan[_HEADER + stage])
        m = length // r
        block = plan[offset : offset + 2 * (r - 1) * m]
        src_re, src_im, dst_re, dst_im = _stage_buffers(work, n, stage)
        last = stage == n_stages - 1
        if r % 2 == 0:
            _even_stage(
                r, last, src_re, src_im, dst_re, dst_im, yf, block, m, stride, plan, conj, scale,
                eights, fours, twos_last, fours_last,
            )  # fmt: skip
        else:
            _odd_stage(r, src_re, src_im, dst_re, dst_im, block, m, stride, plan, threes, fives)
            if odd_last is not None and last:
                _interleave_out(dst_re, dst_im, yf, conj, scale)
        offset += 2 * (r - 1) * m
        length = m
        stride *= r


# ---------------------------------------------------------------------------------------------
# Any other length: Bluestein's chirp-z algorithm on top of the Stockham FFT
# ---------------------------------------------------------------------------------------------


@kernel
def _bluestein_length(n):
    """Bluestein's padded length for n: the smallest direct length m >= 2n - 1 that
    :func:`_suits_bluestein`."""
    m = 2 * n - 1
    while True:
        fours, twos, _, _, rest = _smooth_part(m)
        if _suits_bluestein(m, fours, twos, rest):
            return m
        m += 1


@kernel
def _suits_bluestein(m, fours, twos, rest):
    """Whether m, with its factors from :func:`_smooth_part`, is one of Bluestein's padded
    lengths: a direct length whose plan (see :func:`_radices`) starts with radix 4 and has no
    radix-4 middle stage.

    Powers of two from 16 may start with radix 8, which only their own drivers run. Without
    radix-4 middle stages, Bluestein's driver compiles only the stages its plan has: it takes
    flags for them and for the radix of the last stage (see :func:`bluestein_rows`; the first
    transform of 997 points in a fresh process compiled in 3.6-3.9 s, 2.9-3.0 s since, both
    on a busy machine). The condition
    leaves out about a third of the direct lengths; the next one that meets it is 2-3% longer
    on average below 4096 (at most 17%) and under 1% above (at most 9%).
    """
    if rest != 1 or fours == 0:
        return False
    if m & (m - 1) == 0:
        return m == 8  # radices 4, 2 (m = 4 has no stages; no n needs it)
    bits = 2 * fours + twos - 2  # the factors of two after the radix-4 first stage
    if m < 4096:  # no radix-8 stages: a radix 2 or 4 last stage at most
        return bits <= 2
    return bits % 3 != 0 or bits == 0  # 3k bits: k - 1 eights, a radix-4 and a radix-2 stage


@butterfly
def _pointwise_product(src, dst, w_re, w_im, conj_src, conj_dst, scale):
    """``dst_k = scale * conj_dst(conj_src(src_k) * w_k)`` for k < len(w), zero after, with
    interleaved ``src`` and ``dst`` and split ``w``; ``conj_src`` and ``conj_dst`` are 1 or -1
    (-1 conjugates). One kernel for Bluestein's three products (chirp in, filter, chirp out):
    each kernel a driver calls costs its own compilation."""
    scale_im = conj_dst * scale
    count = w_re.shape[0]
    for k in range(count):
        sr = src[2 * k]
        si = conj_src * src[2 * k + 1]
        dst[2 * k] = scale * (sr * w_re[k] - si * w_im[k])
        dst[2 * k + 1] = scale_im * (sr * w_im[k] + si * w_re[k])
    for k in range(2 * count, dst.shape[0]):
        dst[k] = 0


@kernel(inline="always")
def _header_length(plan, n):
    """Where the stage tables of a plan for the direct length n end (what
    :func:`_stockham_header` returns), from the radices stored in the plan."""
    n_stages = int(plan[9])
    size = _HEADER + n_stages
    length = n
    for stage in range(n_stages):
        r = int(plan[_HEADER + stage])
        m = length // r
        size += 2 * (r - 1) * m
        length = m
    return size


@kernel(inline="always")
def _padded_length(plan):
    """Bluestein's padded length m of a plan whose kind is 1: the product of its radices (read
    from the plan rather than recomputed with :func:`_bluestein_length`, which would compile
    the factoring code into the drivers)."""
    m = 1
    for stage in range(int(plan[9])):
        m *= int(plan[_HEADER + stage])
    return m


@kernel(inline="always")
def _bluestein_row(
    xf, yf, plan, work, conj, scale, threes, fives, eights, twos_last, fours_last, odd_last
):
    """Length-n DFT of ``xf`` as a length-m circular convolution (m from
    :func:`_bluestein_length`; the radix flags are those of m's stages, see
    :func:`_stockham_row`: m has no radix-4 middle stage).

    With the chirp ``c_k = exp(-1j*pi*k^2/n)``, ``jk = (j^2 + k^2 - (k - j)^2) / 2`` turns the
    DFT into a convolution:

    .. math::

        X_k = c_k \\sum_j (x_j c_j)\\, \\overline{c_{k-j}}
            = c_k \\cdot \\mathrm{IFFT}_m\\big(\\mathrm{FFT}_m(x \\cdot c) \\cdot B\\big)_k

    where ``B`` is the FFT of the wrapped conjugate chirp divided by m. Plan layout: the header
    and twiddles of the direct length m, then ``Re c (n), Im c (n), Re B (m), Im B (m)``;
    ``work`` holds ``4m + direct_work_length(m)`` values. The inverse transform conjugates on
    the way in and out (``conj = -1``). ``yf`` may be ``xf``.
    """
    n = xf.shape[0] // 2
    m = _padded_length(plan)
    one = plan[0]
    base = _header_length(plan, m)
    chirp_re = plan[base : base + n]
    chirp_im = plan[base + n : base + 2 * n]
    spectrum_re = plan[base + 2 * n : base + 2 * n + m]
    spectrum_im = plan[base + 2 * n + m : base + 2 * n + 2 * m]
    af = work[0 : 2 * m]
    bf = work[2 * m : 4 * m]
    scratch = work[4 * m : 4 * m + direct_work_length(m)]
    _pointwise_product(xf, af, chirp_re, chirp_im, conj, one, one)  # a = x c, zero-padded
    # b = FFT_m(a), a = b B, then b = IFFT_m(a) (unscaled: B holds the 1/m), in one loop so that
    # the inlined Stockham driver appears once (m starts with radix 4: see _suits_bluestein)
    for step in range(2):
        sign = one if step == 0 else -one
        _stockham_row(
            af, bf, plan, scratch, sign, one, threes, fives, eights, None, twos_last, fours_last,
            odd_last,
        )  # fmt: skip
        if step == 0:
            _pointwise_product(bf, af, spectrum_re, spectrum_im, one, one, one)
    _pointwise_product(bf, yf, chirp_re, chirp_im, one, conj, scale)  # y = scale b c


# ---------------------------------------------------------------------------------------------
# Complex-to-complex plans and kernels
# ---------------------------------------------------------------------------------------------


@kernel
def _c2c_plan_float64(n, single):
    """The complex plan of length n in float64 (layout: see :func:`make_c2c_plan`), for single
    or double precision (the radices may differ, see :func:`_radices`)."""
    if _is_direct(n):
        plan = np.empty(_stockham_header(n, np.empty(0), single, _NO_LAST8), dtype=np.float64)
        _stockham_header(n, plan, single, _NO_LAST8)
        return plan
    m = _bluestein_length(n)
    base = _stockham_header(m, np.empty(0), single, _NO_LAST8)
    plan = np.empty(base + 2 * n + 2 * m, dtype=np.float64)
    _stockham_header(m, plan, single, _NO_LAST8)
    plan[8] = 1.0
    chirp_re = plan[base : base + n]
    chirp_im = plan[base + n : base + 2 * n]
    two_n = 2 * n
    for k in range(n):  # c_k = exp(-1j*pi*k^2/n), k^2 reduced mod 2n exactly
        c, s = unit_root((k * k) % two_n, two_n)
        chirp_re[k] = c
        chirp_im[k] = -s
    # B = FFT_m(b) / m with b_k = conj(c_k), b_{m-k} = conj(c_k) (1 <= k < n), zero elsewhere
    bf = np.zeros(2 * m, dtype=np.float64)
    for k in range(n):
        bf[2 * k] = chirp_re[k]
        bf[2 * k + 1] = -chirp_im[k]
    for k in range(1, n):
        bf[2 * (m - k)] = chirp_re[k]
        bf[2 * (m - k) + 1] = -chirp_im[k]
    spectrum = np.empty(2 * m, dtype=np.float64)
    work = np.empty(direct_work_length(m), dtype=np.float64)
    _stockham_row(bf, spectrum, plan, work, 1.0, 1.0, True, True, True, None, True, True, True)
    for k in range(m):
        plan[base + 2 * n + k] = spectrum[2 * k] / m
        plan[base + 2 * n + m + k] = spectrum[2 * k + 1] / m
    return plan


@kernel
def make_c2c_plan(n, like):
    """Tables for complex transforms of length n, in the real dtype of the complex array ``like``.

    One 1-D array: a header (constants in the working dtype, the kind and the radices, see the
    Stockham section above) and the twiddles of every stage, for the direct length n or, for
    other n, for Bluestein's padded length m, followed then by Bluestein's chirp and filter
    spectrum. Computed in double precision and rounded once.
    """
    plan64 = _c2c_plan_float64(n, like.itemsize == 8)
    plan = np.empty(plan64.shape[0], dtype=like.real.dtype)
    for k in range(plan64.shape[0]):
        plan[k] = plan64[k]
    return plan


@kernel
def make_pow2_plan(n, like):
    """:func:`make_c2c_plan` for n a power of two, compiled without Bluestein's code."""
    single = like.itemsize == 8
    plan64 = np.empty(_stockham_header(n, np.empty(0), single, _LAST8), dtype=np.float64)
    _stockham_header(n, plan64, single, _LAST8)
    plan = np.empty(plan64.shape[0], dtype=like.real.dtype)
    for k in range(plan64.shape[0]):
        plan[k] = plan64[k]
    return plan


@kernel
def c2c_work_length(n):
    """Length of the real scratch array that :func:`_c2c_row` needs for length n."""
    if _is_direct(n):
        return direct_work_length(n)
    m = _bluestein_length(n)
    return 4 * m + direct_work_length(m)


@kernel
def _c2c_row(xf, yf, plan, work, conj, scale):
    """Complex DFT of one interleaved row, any length, O(n log n); ``yf`` may be ``xf``."""
    if plan[8] == 0:
        _direct_row(xf, yf, plan, work, conj, scale)
    else:
        _bluestein_row(xf, yf, plan, work, conj, scale, True, True, True, True, True, True)


@quiet_when_interpreted
@kernel
def c2c_rows(x, y, plan, signed_scale, work):
    """Complex FFT of every row of ``x`` (rows, n: C-contiguous complex) into ``y``, times
    ``|signed_scale|``, whose sign picks the direction: > 0 forward (``exp(-2j*pi*jk/n)``),
    < 0 inverse (``exp(+2j*pi*jk/n)``); see :func:`_conj_and_scale`.

    The rows are viewed here as interleaved real rows (rows, 2n): in Python, viewing both
    arrays would cost about 0.3 us, half a transform of length 16.

    ``work`` is scratch of at least :func:`c2c_work_length` values, or a shorter (empty) array
    to have the kernel allocate it: callers with long transforms keep one buffer, because a
    fresh one of many megabytes costs page faults on every call. ``y`` may be ``x`` itself
    (in place, ``overwrite_x``): every row is read completely before any of its outputs is
    written; otherwise the two must not overlap.
    """
    xf = x.view(plan.dtype)
    yf = y.view(plan.dtype)
    n_rows = x.shape[0]
    n = x.shape[1]
    conj, scale = _conj_and_scale(plan, signed_scale)
    size = c2c_work_length(n)
    work = work[:size] if work.shape[0] >= size else np.empty(size, dtype=plan.dtype)
    for row in range(n_rows):
        _c2c_row(xf[row], yf[row], plan, work, conj, scale)


@kernel(inline="always")
def _conj_and_scale(plan, signed_scale):
    """``(conj, scale)`` in the plan's real dtype from a driver's ``signed_scale`` (nonzero, a
    Python float or a float of either precision): ``conj`` is +1 for the forward transform
    (``signed_scale > 0``) and -1 for the inverse, ``scale = |signed_scale|``.

    One argument for both: every argument of a compiled function costs its caller about 50 ns of
    Numba's dispatch, and a Python float about 50 ns less than a NumPy float32 (a transform of
    length 16 takes 1.4 us in all).
    """
    if signed_scale > 0:
        return plan[0], plan.dtype.type(signed_scale)
    return plan[1], plan.dtype.type(-signed_scale)


@kernel(inline="always")
def _rows_setup(x, y, plan, signed_scale, work):
    """``(xf, yf, n, conj, scale, work, offset, stride)`` for the direct-length drivers:
    interleaved real views of the complex rows, the length, the sign of the transform and the
    output factor (:func:`_conj_and_scale`), the scratch of :func:`direct_work_length`, where the
    twiddles start and the first radix (read from the plan, not a literal: the stage kernels
    then compile for one signature whichever driver calls them)."""
    n = x.shape[1]
    size = direct_work_length(n)
    work = work[:size] if work.shape[0] >= size else np.empty(size, dtype=plan.dtype)
    conj, scale = _conj_and_scale(plan, signed_scale)
    n_stages = int(plan[9])
    stride = int(plan[_HEADER]) if n_stages > 0 else 1
    xf = x.view(plan.dtype)
    return xf, y.view(plan.dtype), n, conj, scale, work, _HEADER + n_stages, stride


@quiet_when_interpreted
@kernel
def pow2_rows(x, y, plan, signed_scale, work):
    """:func:`c2c_rows` for n a power of two whose plan (from :func:`make_pow2_plan`) starts
    with a radix-4 stage and has no radix-8 stage (n < 4096 in double precision).

    The Stockham driver of :func:`_stockham_row` for radices 8, 4 and 2 only, written out in
    one function: Numba re-optimizes the inlined body of every callee at each level of calls,
    so a flat driver without the radix-3/5 code compiles in a fraction of the time. Each
    power-of-two driver compiles one first-stage kernel, and the radix-8 middle stage only
    where its lengths have one (:func:`pow2_rows_mid8`, :func:`pow2_rows_radix8`,
    :func:`pow2_rows_radix8_mid8`, :func:`pow2_rows_last8` and, from ``_LONG_FIRST_FROM``,
    their ``_long`` twins; n <= 4 runs :func:`pow2_rows_small`): a first call compiles only
    what its length needs (:func:`fastgrad._kernels.fft_plan.pow2_kernel` picks the driver).
    """
    _pow2_rows_body(x, y, plan, signed_scale, work, None, None, None)


@quiet_when_interpreted
@kernel
def pow2_rows_mid8(x, y, plan, signed_scale, work):
    """:func:`pow2_rows` for plans that start with radix 4 and have radix-8 middle stages
    (4096 <= n < 2^17 in double precision)."""
    _pow2_rows_body(x, y, plan, signed_scale, work, None, True, None)


@quiet_when_interpreted
@kernel
def pow2_rows_radix8(x, y, plan, signed_scale, work):
    """:func:`pow2_rows` for plans that start with a radix-8 stage and have no other one
    (16 <= n < 4096 in single precision)."""
    _pow2_rows_body(x, y, plan, signed_scale, work, True, None, None)


@quiet_when_interpreted
@kernel
def pow2_rows_radix8_mid8(x, y, plan, signed_scale, work):
    """:func:`pow2_rows` for plans that start with a radix-8 stage, have radix-8 middle stages
    and end with radix 4 or 2, below ``_LONG_FIRST_FROM`` (single precision from 4096)."""
    _pow2_rows_body(x, y, plan, signed_scale, work, True, True, None)


@quiet_when_interpreted
@kernel
def pow2_rows_radix8_mid8_long(x, y, plan, signed_scale, work):
    """:func:`pow2_rows_radix8_mid8` from ``_LONG_FIRST_FROM`` (2^17), with the first stage
    :func:`_radix8_first_long`."""
    _pow2_rows_body(x, y, plan, signed_scale, work, True, True, True)


@kernel(inline="always")
def _pow2_rows_body(x, y, plan, signed_scale, work, first8, eights, long_first):
    """The body of the five drivers above. ``first8`` (the plan starts with radix 8),
    ``eights`` (it has radix-8 middle stages) and ``long_first`` (the first stage is
    :func:`_radix8_first_long`) are radix flags (see the comment above :func:`_odd_stage`),
    constants in each driver's code: each driver compiles one first-stage kernel, and the
    radix-8 middle stage only with ``eights``."""
    xf, yf, n, conj, scale, work, offset, stride = _rows_setup(x, y, plan, signed_scale, work)
    twiddles = offset + 2 * (stride - 1) * (n // stride)  # after the first stage's
    for row in range(x.shape[0]):
        if first8 is not None:
            _radix8_first_of(xf[row], plan, work, n, offset, conj, long_first)
        else:
            _radix4_first_of(xf[row], plan, work, n, offset, conj)
        _pow2_stages(yf[row], plan, work, conj, scale, n, stride, twiddles, eights)


@kernel(inline="always")
def _radix4_first_of(x_row, plan, work, n, offset, conj):
    """The radix-4 first stage of a power-of-two row into the first split buffer pair of
    ``work`` (``offset``: where the plan's twiddles start)."""
    length = n // 4
    _radix4_first(
        x_row, _split_buffer(work, n, 0), _split_buffer(work, n, 1),
        plan[offset : offset + 6 * length], conj,
    )  # fmt: skip


@kernel(inline="always")
def _radix8_first_of(x_row, plan, work, n, offset, conj, long_first):
    """:func:`_radix4_first_of` for a radix-8 first stage: :func:`_radix8_first`, or with
    ``long_first`` (a radix flag, see the comment above :func:`_odd_stage`)
    :func:`_radix8_first_long`."""
    length = n // 8
    dst_re = _split_buffer(work, n, 0)
    dst_im = _split_buffer(work, n, 1)
    twiddles = plan[offset : offset + 14 * length]
    if long_first is not None:
        _radix8_first_long(x_row, dst_re, dst_im, twiddles, conj, plan[7])
    else:
        _radix8_first(x_row, dst_re, dst_im, twiddles, conj, plan[7])


@quiet_when_interpreted
@kernel
def pow2_rows_last8(x, y, plan, signed_scale, work):
    """:func:`pow2_rows` for plans that start and end with a radix-8 stage (from
    :func:`make_pow2_plan`, n >= ``_LAST8_FROM``; see :func:`_radices`), below
    ``_LONG_FIRST_FROM`` (single precision only): with :func:`pow2_rows_last8_long`, the only
    drivers that compile :func:`_radix8_last`, which uses the split buffers that the last stage
    does not read as scratch. Such plans have three stages or more, all radix 8."""
    _pow2_rows_last8_body(x, y, plan, signed_scale, work, None)


@quiet_when_interpreted
@kernel
def pow2_rows_last8_long(x, y, plan, signed_scale, work):
    """:func:`pow2_rows_last8` from ``_LONG_FIRST_FROM`` (2^18, 2^21, ... in both
    precisions), with the first stage :func:`_radix8_first_long`."""
    _pow2_rows_last8_body(x, y, plan, signed_scale, work, True)


@kernel(inline="always")
def _pow2_rows_last8_body(x, y, plan, signed_scale, work, long_first):
    """The body of the two drivers above (``long_first``: see :func:`_pow2_rows_body`)."""
    xf, yf, n, conj, scale, work, offset, _ = _rows_setup(x, y, plan, signed_scale, work)
    length = n // 8
    for row in range(x.shape[0]):
        _radix8_first_of(xf[row], plan, work, n, offset, conj, long_first)
        # Stages 1 and 2 at the literal strides 8 and 64: Numba compiles a version of
        # _radix8_stage for each constant, whose inner loop LLVM then vectorizes without a
        # remainder (complex64, ns a point: stride 8 0.18-0.32 against 0.35-0.44 at n = 2^9 to
        # 2^15, stride 64 0.22-0.28 against 0.30-0.34; complex128 the same or slightly faster).
        ra = _split_buffer(work, n, 0)
        ia = _split_buffer(work, n, 1)
        rb = _split_buffer(work, n, 2)
        ib = _split_buffer(work, n, 3)
        m = length // 8
        twiddles = offset + 14 * length
        _radix8_stage(ra, ia, rb, ib, plan[twiddles : twiddles + 14 * m], m, 8, plan[7])
        twiddles += 14 * m
        if int(plan[9]) == 3:  # n = 512: stage 2 is the last
            _radix8_last(rb, ib, ra, ia, yf[row], conj, scale, plan[7])
            continue
        m //= 8
        _radix8_stage(rb, ib, ra, ia, plan[twiddles : twiddles + 14 * m], m, 64, plan[7])
        src_re, src_im, free_re, free_im = _pow2_middle_stages(
            plan, work, n, 512, twiddles + 14 * m, 3, True
        )
        _radix8_last(src_re, src_im, free_re, free_im, yf[row], conj, scale, plan[7])


@quiet_when_interpreted
@kernel
def direct_rows(threes, fives, eights, x, y, plan, signed_scale, work):
    """:func:`c2c_rows` for the direct lengths (:func:`_is_direct`) n > 4 whose plan starts
    with radix 4 (all but the powers of two that have drivers of their own): the mixed-radix
    Stockham driver without Bluestein's code, the radix-8 first stage or the small-length code.

    ``threes``, ``fives`` and ``eights`` are the radix flags of the plan's radix-3, radix-5
    and radix-8 middle stages (``None`` or ``True``: see the comment above :func:`_odd_stage`),
    first so that the planner can bind them (:func:`fastgrad._kernels.fft_plan.c2c_kernel`):
    a first call compiles only the stages of its plan.
    """
    xf, yf, _, conj, scale, work, _, _ = _rows_setup(x, y, plan, signed_scale, work)
    for row in range(x.shape[0]):
        _stockham_row(
            xf[row], yf[row], plan, work, conj, scale, threes, fives, eights, True, True, True, True
        )


@quiet_when_interpreted
@kernel
def bluestein_rows(
    threes, fives, eights, twos_last, fours_last, odd_last, x, y, plan, signed_scale, work
):
    """:func:`c2c_rows` for the lengths that run Bluestein's algorithm (plans whose kind is
    1), calling it directly: fewer call levels to compile than through :func:`_c2c_row`. The
    radix flags are those of the padded length's plan (see :func:`direct_rows`), and
    ``twos_last``, ``fours_last`` and ``odd_last`` say whether its last stage has radix 2, 4,
    or 3 or 5: exactly one is ``True`` (the plan has no radix-4 middle stage, see
    :func:`_suits_bluestein`)."""
    xf = x.view(plan.dtype)
    yf = y.view(plan.dtype)
    m = _padded_length(plan)
    size = 4 * m + direct_work_length(m)  # c2c_work_length, without factoring n
    work = work[:size] if work.shape[0] >= size else np.empty(size, dtype=plan.dtype)
    conj, scale = _conj_and_scale(plan, signed_scale)
    for row in range(x.shape[0]):
        _bluestein_row(
            xf[row], yf[row], plan, work, conj, scale, threes, fives, eights, twos_last,
            fours_last, odd_last,
        )  # fmt: skip


@quiet_when_interpreted
@kernel
def pow2_rows_small(x, y, plan, signed_scale, work):
    """:func:`pow2_rows` for n = 1, 2 and 4 (plans without stages)."""
    xf = x.view(plan.dtype)
    yf = y.view(plan.dtype)
    conj, scale = _conj_and_scale(plan, signed_scale)
    for row in range(x.shape[0]):
        _pow2_small(xf[row], yf[row], conj, scale)


@kernel(inline="always")
def _pow2_row(x_row, y_row, plan, work, conj, scale, small, first4, first8, eights):
    """One interleaved row of n values (``work``: see :func:`direct_work_length`), inlined into
    the kernels that call it (no extra call level to compile). The radix flags (see the comment
    above :func:`_odd_stage`) ``small`` (the plan may have no stage: n <= 4), ``first4`` (it
    may start with radix 4), ``first8`` (it may start with radix 8) and ``eights`` (it may have
    radix-8 middle stages) let Numba prune what the caller's plans never run."""
    n = x_row.shape[0] // 2
    if small is not None and n <= 4:
        _pow2_small(x_row, y_row, conj, scale)
        return
    if first4 is None and first8 is None:  # a caller for n <= 4 only
        return
    offset = _HEADER + int(plan[9])
    stride = int(plan[_HEADER])  # the first stage's radix, 8 or 4 (see _radices)
    length = n // stride
    if first4 is not None and first8 is not None:
        if stride == 8:
            _radix8_first_of(x_row, plan, work, n, offset, conj, None)
        else:
            _radix4_first_of(x_row, plan, work, n, offset, conj)
    elif first8 is not None:
        _radix8_first_of(x_row, plan, work, n, offset, conj, None)
    else:
        _radix4_first_of(x_row, plan, work, n, offset, conj)
    _pow2_stages(
        y_row, plan, work, conj, scale, n, stride, offset + 2 * (stride - 1) * length, eights
    )


@kernel(inline="always")
def _pow2_middle_stages(plan, work, n, stride, offset, first, eights):
    """The stages from ``first`` (>= 1) to the last but one of a power-of-two row: stage 0
    left its output in the first two split buffers of ``work`` (stage k >= 1 reads the pair that
    stage k - 1 wrote), ``stride`` is the product of the radices before ``first`` and
    ``offset`` where the twiddles of stage ``first`` start. Returns the split buffers
    ``(re, im, free_re, free_im)``: the pair that the last stage reads, then the other pair.

    ``eights``, a radix flag (see the comment above :func:`_odd_stage`), says whether the plan
    has radix-8 middle stages (lengths from 4096): with ``None`` the caller never compiles
    :func:`_radix8_stage` (0.4-0.5 s of a first call's 2.9-3.0 s). Drivers must be picked so
    that plans with radix-8 middle stages run with ``True``
    (:func:`fastgrad._kernels.fft_plan.pow2_kernel`)."""
    ra = _split_buffer(work, n, 0)
    ia = _split_buffer(work, n, 1)
    rb = _split_buffer(work, n, 2)
    ib = _split_buffer(work, n, 3)
    n_stages = int(plan[9])
    length = n // stride
    for stage in range(first, n_stages - 1):
        r = int(plan[_HEADER + stage])
        m = length // r
        block = plan[offset : offset + 2 * (r - 1) * m]
        src_re, src_im, dst_re, dst_im = (ra, ia, rb, ib) if stage % 2 == 1 else (rb, ib, ra, ia)
        if r == 4:
            _radix4_stage(src_re, src_im, dst_re, dst_im, block, m, stride)
        elif eights is not None:
            _radix8_stage(src_re, src_im, dst_re, dst_im, block, m, stride, plan[7])
        offset += 2 * (r - 1) * m
        length = m
        stride *= r
    return (ra, ia, rb, ib) if (n_stages - 1) % 2 == 1 else (rb, ib, ra, ia)


@kernel(inline="always")
def _pow2_stages(y_row, plan, work, conj, scale, n, stride, offset, eights):
    """The stages after the first of a power-of-two row (arguments as
    :func:`_pow2_middle_stages`); the last one, radix 4 or 2, writes the interleaved ``y_row``
    (plans that end with radix 8 run :func:`pow2_rows_last8`)."""
    src_re, src_im, _, _ = _pow2_middle_stages(plan, work, n, stride, offset, 1, eights)
    if int(plan[_HEADER + int(plan[9]) - 1]) == 4:
        _radix4_last(src_re, src_im, y_row, conj, scale)
    else:
        _radix2_last(src_re, src_im, y_row, conj, scale)


# ---------------------------------------------------------------------------------------------
# Real-input FFT (r2c) and its inverse (c2r) through a half-length complex FFT
# ---------------------------------------------------------------------------------------------


@kernel
def make_r2c_plan(n, like):
    """Tables for real transforms of length n (``like`` has the complex working dtype).

    Even n: ``[Re W^k (h+1), Im W^k (h+1), complex plan of h]`` with h = n/2 and
    ``W = exp(-2j*pi/n)``; odd n: the complex plan of n.
    """
    if n % 2 == 1:
        return make_c2c_plan(n, like)
    h = n // 2
    half = _c2c_plan_float64(h, like.itemsize == 8)
    plan = np.empty(2 * (h + 1) + half.shape[0], dtype=like.real.dtype)
    for k in range(h + 1):
        c, s = unit_root(k, n)
        plan[k] = c
        plan[h + 1 + k] = -s
    for k in range(half.shape[0]):
        plan[2 * (h + 1) + k] = half[k]
    return plan


@butterfly
def _mirror_sum_difference(zf, k, h):
    """``Z_k + conj(Z_{h-k})`` and ``Z_k - conj(Z_{h-k})`` (real and imaginary parts) of an
    interleaved vector: the pairing shared by the real FFT's split and its inverse."""
    zkr = zf[2 * k]
    zki = zf[2 * k + 1]
    zcr = zf[2 * (h - k)]
    zci = -zf[2 * (h - k) + 1]
    return zkr + zcr, zki + zci, zkr - zcr, zki - zci


@butterfly
def _r2c_split(zf, of, split_re, split_im, half):
    """Split step of the real FFT (``Z`` of length h in ``zf``, ``X`` in ``of``), times
    ``2 * half``. With ``Z_h = Z_0``, ``W = exp(-2j*pi/n)``:

    .. math::

        E_k = Z_k + \\overline{Z_{h-k}}, \\quad D_k = Z_k - \\overline{Z_{h-k}}, \\quad
        X_k = \\tfrac12 \\big(E_k - i W^k D_k\\big), \\quad k = 1..h-1,

    ``X_0 = Re Z_0 + Im Z_0``, ``X_h = Re Z_0 - Im Z_0``.
    """
    h = zf.shape[0] // 2
    z0r = zf[0]
    z0i = zf[1]
    of[0] = (half + half) * (z0r + z0i)
    of[1] = 0
    of[2 * h] = (half + half) * (z0r - z0i)
    of[2 * h + 1] = 0
    for k in range(1, h):
        er, ei, dr, di = _mirror_sum_difference(zf, k, h)
        wr = split_re[k]
        wi = split_im[k]
        # -i W D = -i (wr dr - wi di) + (wr di + wi dr)
        of[2 * k] = half * (er + (wr * di + wi * dr))
        of[2 * k + 1] = half * (ei - (wr * dr - wi * di))


@kernel(inline="always")
def _real_even_setup(plan, n):
    """``(h, split_re, split_im, half_plan)`` of a real plan for an even length n (see
    :func:`make_r2c_plan`): the split twiddles and the complex plan of h = n/2."""
    h = n // 2
    return h, plan[0 : h + 1], plan[h + 1 : 2 * h + 2], plan[2 * h + 2 :]


@kernel(inline="always")
def _real_scratch(work, size, plan):
    """The first ``size`` values of the caller's ``work`` if it holds that many, else a new
    array: the real kernels' rows and the complex transform's scratch, all in one (callers of
    long transforms keep one buffer, as for :func:`c2c_rows`; see :func:`real_work_length`)."""
    return work[:size] if work.shape[0] >= size else np.empty(size, dtype=plan.dtype)


@kernel
def real_work_length(n):
    """Scratch values the real kernels of length n use at most (:func:`r2c_rows`,
    :func:`c2r_rows` and their variants): two complex rows and the complex transform's scratch
    for odd n; one half-length complex row and the half transform's scratch for even n."""
    if n % 2 == 1:
        return 4 * n + c2c_work_length(n)
    return n + c2c_work_length(n // 2)


@quiet_when_interpreted
@kernel
def r2c_rows_direct(threes, fives, eights, x, out, plan, scale, work):
    """:func:`r2c_rows` for even n whose half n/2 is a direct length that is not a power of two
    (its plan starts with radix 4): the half transform runs :func:`_stockham_row`, so neither
    Bluestein's code nor the radix-8 first stage is compiled. The radix flags are those of the
    half plan (see :func:`direct_rows`)."""
    of, split_re, split_im, half_plan, one, half, zf, scratch = _r2c_setup(
        x, out, plan, scale, work
    )
    for row in range(x.shape[0]):
        _stockham_row(
            x[row], zf, half_plan, scratch, one, one, threes, fives, eights, True, True, True, True
        )
        _r2c_split(zf, of[row], split_re, split_im, half)


@kernel(inline="always")
def _r2c_setup(x, out, plan, scale, work):
    """``(of, split_re, split_im, half_plan, one, half, zf, scratch)`` for the even-length
    real kernels: the interleaved view of ``out``, the split twiddles and the half plan
    (:func:`_real_even_setup`), 1 and ``scale / 2`` in the working dtype, the half-length
    complex row and the half transform's scratch (both in ``work``).

    The even-length kernels each write their own loop over the rows around this: an inlined
    body shared by several kernels with literal flags would carry the code of every half
    transform until Numba prunes it, and inlining that code cost the first ``rfft`` of a power
    of two 0.6 s more to compile."""
    of = out.view(plan.dtype)
    h, split_re, split_im, half_plan = _real_even_setup(plan, x.shape[1])
    one = half_plan[0]
    work = _real_scratch(work, 2 * h + direct_work_length(h), plan)
    half = scale / (one + one)
    return of, split_re, split_im, half_plan, one, half, work[: 2 * h], work[2 * h :]


@quiet_when_interpreted
@kernel
def r2c_rows(x, out, plan, scale, work):
    """FFT of every real row of ``x`` (rows, n) into complex ``out`` (rows, n//2 + 1), times
    ``scale``; both C-contiguous (``out`` is viewed as interleaved real rows here). ``work`` is
    scratch of :func:`real_work_length` values, or a shorter (empty) array to have the kernel
    allocate it.

    Even n reads the row as the interleaved complex vector ``z_j = x_{2j} + i x_{2j+1}``
    (length h = n/2), takes one complex FFT and splits it (:func:`_r2c_split`). Odd n takes the
    full complex FFT of the row and keeps its first half.
    """
    of = out.view(plan.dtype)
    n_rows, n = x.shape
    if n % 2 == 1:
        conj = plan[0]
        work = _real_scratch(work, 4 * n + c2c_work_length(n), plan)
        zf = work[: 2 * n]
        full = work[2 * n : 4 * n]
        for row in range(n_rows):
            for j in range(n):
                zf[2 * j] = x[row, j]
                zf[2 * j + 1] = 0
            _c2c_row(zf, full, plan, work[4 * n :], conj, scale)
            for k in range(n + 1):
                of[row, k] = full[k]
        return
    h, split_re, split_im, half_plan = _real_even_setup(plan, n)
    one = half_plan[0]
    half = scale / (one + one)
    work = _real_scratch(work, 2 * h + c2c_work_length(h), plan)
    zf = work[: 2 * h]
    for row in range(n_rows):
        _c2c_row(x[row], zf, half_plan, work[2 * h :], one, one)
        _r2c_split(zf, of[row], split_re, split_im, half)


@butterfly
def _c2r_pack(xf, pf, split_re, split_im):
    """Undo the split of :func:`_r2c_split` into ``Z' = 2 Z`` (length h, in ``pf``).

    .. math::

        Z'_k = (X_k + \\overline{X_{h-k}}) + i \\, \\overline{W^k} (X_k - \\overline{X_{h-k}}),
        \\qquad Z'_0 = (X_0 + X_h) + i (X_0 - X_h) \\text{ (real parts only)}
    """
    h = pf.shape[0] // 2
    first = xf[0]
    last = xf[2 * h]
    pf[0] = first + last
    pf[1] = first - last
    for k in range(1, h):
        sr, si, dr, di = _mirror_sum_difference(xf, k, h)
        wr = split_re[k]
        wi = -split_im[k]
        # i * (w * d) = i (wr dr - wi di) - (wr di + wi dr)
        pf[2 * k] = sr - (wr * di + wi * dr)
        pf[2 * k + 1] = si + (wr * dr - wi * di)


@quiet_when_interpreted
@kernel
def r2c_split_rows(z, out, plan, scale):
    """The split step of :func:`r2c_rows` alone: ``z`` (rows, h) holds the complex FFTs of
    the real rows of even length n = 2h read as complex ones (``x.view(complex)``), ``out``
    (rows, h + 1) receives their real FFTs, times ``scale``. For lengths whose half runs
    Bluestein's algorithm, which the public layer then calls through
    :func:`bluestein_rows` (:func:`fastgrad._kernels.fft_plan.r2c_kernels`): that driver's
    compiled versions serve both, and the real transform compiles only this loop."""
    zf = z.view(plan.dtype)
    of = out.view(plan.dtype)
    _, split_re, split_im, half_plan = _real_even_setup(plan, 2 * z.shape[1])
    one = half_plan[0]
    half = scale / (one + one)
    for row in range(z.shape[0]):
        _r2c_split(zf[row], of[row], split_re, split_im, half)


@quiet_when_interpreted
@kernel
def c2r_pack_rows(x, packed, plan):
    """The packing step of :func:`c2r_rows` alone (:func:`_c2r_pack`): Hermitian half spectra
    ``x`` (rows, h + 1) of real rows of even length n = 2h into ``packed`` (rows, h), whose
    unscaled inverse complex FFT, read as real rows, is n times the real inverse FFT (see
    :func:`r2c_split_rows`)."""
    xf = x.view(plan.dtype)
    pf = packed.view(plan.dtype)
    _, split_re, split_im, _ = _real_even_setup(plan, 2 * packed.shape[1])
    for row in range(x.shape[0]):
        _c2r_pack(xf[row], pf[row], split_re, split_im)


@quiet_when_interpreted
@kernel
def c2r_rows_direct(threes, fives, eights, x, out, plan, scale, work):
    """:func:`c2r_rows` for even n whose half is a direct length that is not a power of two
    (see :func:`r2c_rows_direct`)."""
    xf, split_re, split_im, half_plan, conj, pf, scratch = _c2r_setup(x, out, plan, work)
    for row in range(out.shape[0]):
        _c2r_pack(xf[row], pf, split_re, split_im)
        _stockham_row(
            pf, out[row], half_plan, scratch, conj, scale, threes, fives, eights, True, True, True,
            True,
        )  # fmt: skip


@kernel(inline="always")
def _c2r_setup(x, out, plan, work):
    """``(xf, split_re, split_im, half_plan, conj, pf, scratch)`` for the even-length inverse
    real kernels (as :func:`_r2c_setup`): the interleaved view of ``x``, the split twiddles,
    the half plan, -1 in the working dtype (the inverse direction), the packed half-length row
    and the half transform's scratch."""
    xf = x.view(plan.dtype)
    h, split_re, split_im, half_plan = _real_even_setup(plan, out.shape[1])
    work = _real_scratch(work, 2 * h + direct_work_length(h), plan)
    return xf, split_re, split_im, half_plan, half_plan[1], work[: 2 * h], work[2 * h :]


@quiet_when_interpreted
@kernel
def c2r_rows(x, out, plan, scale, work):
    """Inverse FFT of complex Hermitian rows ``x`` (rows, n//2 + 1) into real ``out`` (rows, n),
    times ``scale``; both C-contiguous (``x`` is viewed as interleaved real rows here).

    The imaginary parts of ``x[:, 0]`` (and of ``x[:, n/2]`` for even n) are ignored, as in
    scipy.fft.irfft. Even n packs the half spectrum into ``Z' = 2Z`` (:func:`_c2r_pack`) and
    takes one unscaled inverse FFT of length h = n/2, whose interleaved output is the real row
    (``out_{2j} = Re z_j``, ``out_{2j+1} = Im z_j``). Odd n rebuilds the full Hermitian spectrum
    and takes a complex inverse FFT. ``work``: as for :func:`r2c_rows`.
    """
    xf = x.view(plan.dtype)
    n_rows, n = out.shape
    if n % 2 == 1:
        conj = plan[1]
        work = _real_scratch(work, 4 * n + c2c_work_length(n), plan)
        full = work[: 2 * n]
        result = work[2 * n : 4 * n]
        for row in range(n_rows):
            full[0] = xf[row, 0]
            full[1] = 0
            for k in range(1, n // 2 + 1):
                full[2 * k] = xf[row, 2 * k]
                full[2 * k + 1] = xf[row, 2 * k + 1]
                full[2 * (n - k)] = xf[row, 2 * k]
                full[2 * (n - k) + 1] = -xf[row, 2 * k + 1]
            _c2c_row(full, result, plan, work[4 * n :], conj, scale)
            for j in range(n):
                out[row, j] = result[2 * j]
        return
    h, split_re, split_im, half_plan = _real_even_setup(plan, n)
    conj = half_plan[1]
    work = _real_scratch(work, 2 * h + c2c_work_length(h), plan)
    pf = work[: 2 * h]
    for row in range(n_rows):
        _c2r_pack(xf[row], pf, split_re, split_im)
        _c2c_row(pf, out[row], half_plan, work[2 * h :], conj, scale)


@quiet_when_interpreted
@kernel
def pow2_r2c_rows(x, out, plan, scale, work):
    """:func:`r2c_rows` for n a power of two (n >= 16) whose half plan starts with radix 4 and
    has no radix-8 stage (n = 2, 4 and 8 run :func:`pow2_r2c_rows_small`).

    The half-length transform runs the power-of-two stages (:func:`_pow2_row`), one variant per
    first radix and radix-8 middle stages as the complex drivers (:func:`pow2_rows` and its
    variants): neither the general Stockham driver nor Bluestein is compiled, and only the
    stages the half plan runs (the plan is :func:`make_r2c_plan`'s, whose half plan never ends
    with the radix-8 stage of :func:`pow2_rows_last8`)."""
    _pow2_r2c_body(x, out, plan, scale, work, None, True, None, None)


@quiet_when_interpreted
@kernel
def pow2_c2r_rows(x, out, plan, scale, work):
    """:func:`c2r_rows` for the plans of :func:`pow2_r2c_rows`."""
    _pow2_c2r_body(x, out, plan, scale, work, None, True, None, None)


@quiet_when_interpreted
@kernel
def pow2_r2c_rows_mid8(x, out, plan, scale, work):
    """:func:`r2c_rows` for n a power of two whose half plan starts with radix 4 and has radix-8
    middle stages."""
    _pow2_r2c_body(x, out, plan, scale, work, None, True, None, True)


@quiet_when_interpreted
@kernel
def pow2_c2r_rows_mid8(x, out, plan, scale, work):
    """:func:`c2r_rows` for the plans of :func:`pow2_r2c_rows_mid8`."""
    _pow2_c2r_body(x, out, plan, scale, work, None, True, None, True)


@quiet_when_interpreted
@kernel
def pow2_r2c_rows_radix8(x, out, plan, scale, work):
    """:func:`r2c_rows` for n a power of two whose half plan starts with radix 8 and has no other
    radix-8 stage."""
    _pow2_r2c_body(x, out, plan, scale, work, None, None, True, None)


@quiet_when_interpreted
@kernel
def pow2_c2r_rows_radix8(x, out, plan, scale, work):
    """:func:`c2r_rows` for the plans of :func:`pow2_r2c_rows_radix8`."""
    _pow2_c2r_body(x, out, plan, scale, work, None, None, True, None)


@quiet_when_interpreted
@kernel
def pow2_r2c_rows_radix8_mid8(x, out, plan, scale, work):
    """:func:`r2c_rows` for n a power of two whose half plan starts with radix 8 and has radix-8
    middle stages."""
    _pow2_r2c_body(x, out, plan, scale, work, None, None, True, True)


@quiet_when_interpreted
@kernel
def pow2_c2r_rows_radix8_mid8(x, out, plan, scale, work):
    """:func:`c2r_rows` for the plans of :func:`pow2_r2c_rows_radix8_mid8`."""
    _pow2_c2r_body(x, out, plan, scale, work, None, None, True, True)


@quiet_when_interpreted
@kernel
def pow2_r2c_rows_small(x, out, plan, scale, work):
    """:func:`r2c_rows` for n = 2, 4 and 8 (half plans without stages)."""
    _pow2_r2c_body(x, out, plan, scale, work, True, None, None, None)


@quiet_when_interpreted
@kernel
def pow2_c2r_rows_small(x, out, plan, scale, work):
    """:func:`c2r_rows` for n = 2, 4 and 8."""
    _pow2_c2r_body(x, out, plan, scale, work, True, None, None, None)


@kernel(inline="always")
def _pow2_r2c_body(x, out, plan, scale, work, small, first4, first8, eights):
    """The body of the four ``pow2_r2c_rows`` kernels (the literal flags: see
    :func:`_pow2_row`)."""
    of, split_re, split_im, half_plan, one, half, zf, scratch = _r2c_setup(
        x, out, plan, scale, work
    )
    for row in range(x.shape[0]):
        _pow2_row(x[row], zf, half_plan, scratch, one, one, small, first4, first8, eights)
        _r2c_split(zf, of[row], split_re, split_im, half)


@kernel(inline="always")
def _pow2_c2r_body(x, out, plan, scale, work, small, first4, first8, eights):
    """The body of the four ``pow2_c2r_rows`` kernels (as :func:`_pow2_r2c_body`)."""
    xf, split_re, split_im, half_plan, conj, pf, scratch = _c2r_setup(x, out, plan, work)
    for row in range(out.shape[0]):
        _c2r_pack(xf[row], pf, split_re, split_im)
        _pow2_row(pf, out[row], half_plan, scratch, conj, scale, small, first4, first8, eights)


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
    if direct:
        rows = np.ascontiguousarray(x).reshape((1, n))
        roots = unit_roots(n, -1.0 if forward else 1.0).astype(x.dtype)
        dft_rows(rows, out.reshape((1, n)), roots)
        return out
    plan = make_c2c_plan(n, x)
    out[:] = x
    rows = out.reshape((1, n))
    c2c_rows(rows, rows, plan, 1.0 if forward else -1.0, np.empty(0, dtype=plan.dtype))
    return out


@kernel
def _scaled(out, factor):
    for k in range(out.shape[0]):
        out[k] = out[k] * factor
    return out


@quiet_when_interpreted
@kernel
def fft_1d(x):
    """FFT of a 1-D complex64/complex128 array: ``X_k = sum_j x_j exp(-2j*pi*jk/n)``."""
    return _transform_1d(x, True, False)


@quiet_when_interpreted
@kernel
def ifft_1d(x):
    """Inverse FFT of a 1-D complex array: ``x_j = (1/n) sum_k X_k exp(+2j*pi*jk/n)``."""
    out = _transform_1d(x, False, False)
    return _scaled(out, 1.0 / max(x.shape[0], 1))


@quiet_when_interpreted
@kernel
def dft_1d(x):
    """O(n^2) DFT of a 1-D complex array (same result as :func:`fft_1d`)."""
    return _transform_1d(x, True, True)


@quiet_when_interpreted
@kernel
def idft_1d(x):
    """O(n^2) inverse DFT of a 1-D complex array (same result as :func:`ifft_1d`)."""
    out = _transform_1d(x, False, True)
    return _scaled(out, 1.0 / max(x.shape[0], 1))
