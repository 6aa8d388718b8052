"""FFT plans built with vectorized NumPy, for the public layer.

:func:`c2c_plan`, :func:`pow2_plan` and :func:`r2c_plan` return what the compiled
:func:`fastgrad._kernels.fft.make_c2c_plan`, ``make_pow2_plan`` and ``make_r2c_plan`` return
(bit for bit, tested, except Bluestein's filter spectrum: NumPy's FFT, within rounding),
without compiling them: the planners cost about a second of Numba compilation for powers of
two and five for other lengths (their Bluestein branch compiles a whole Stockham driver to
transform the chirp), more than the transforms that use the plans.
(The compiled planners stay for users' own ``@njit`` code, which cannot call NumPy-level
Python.) The twiddles are folded into the first octant with exact integer arithmetic, as
:func:`fastgrad._kernels.fft.unit_root` does, and NumPy's float64 ``cos``/``sin`` agree with
the C library's there. :func:`pow2_kernel` and :func:`c2c_kernel` pick the driver a plan runs
on, so that a first call compiles only the driver its length needs.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import fft as _fft


def unit_roots_table(k: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(cos(2 pi k/n), sin(2 pi k/n))`` for an integer array k, as :func:`_fft.unit_root`."""
    k = np.asarray(k, dtype=np.int64) % n
    a = 2 * k
    d = np.full_like(a, n)
    sin_sign = np.where(a > d, -1.0, 1.0)  # angle in (pi, 2pi): sin(2pi - t) = -sin t
    a = np.where(a > d, 2 * d - a, a)
    cos_sign = np.where(2 * a > d, -1.0, 1.0)  # (pi/2, pi]: cos(pi - t) = -cos t
    a = np.where(2 * a > d, d - a, a)
    swap = 4 * a > d  # (pi/4, pi/2]: swap cos and sin of pi/2 - t
    a = np.where(swap, d - 2 * a, a)
    d = np.where(swap, 2 * d, d)
    t = math.pi * a / d
    c = np.cos(t)
    s = np.sin(t)
    return cos_sign * np.where(swap, s, c), sin_sign * np.where(swap, c, s)


def _pure(kernel):
    """The Python function of a kernel (itself when the JIT is disabled): nothing to compile."""
    return getattr(kernel, "py_func", kernel)


def is_direct(n: int) -> bool:
    """:func:`_fft._is_direct` in Python: its Python function would call the compiled
    ``_smooth_part``, 0.1 s of compilation in a first call that needs it nowhere else."""
    if n <= 2 or n == 4:
        return True
    fours, _, _, _, rest = _pure(_fft._smooth_part)(n)
    return rest == 1 and fours >= 1


def bluestein_length(n: int) -> int:
    """:func:`_fft._bluestein_length` in Python (on the Python ``_smooth_part``, as
    :func:`is_direct`)."""
    m = 2 * n - 1
    while True:
        fours, twos, _, _, rest = _pure(_fft._smooth_part)(m)
        if _pure(_fft._suits_bluestein)(m, fours, twos, rest):
            return m
        m += 1


def _real_of(dtype) -> type:
    return np.float32 if np.dtype(dtype) == np.complex64 else np.float64


def _radices(plan: np.ndarray) -> np.ndarray:
    """The radices of a direct plan's stages (read from its header)."""
    return plan[_fft._HEADER : _fft._HEADER + int(plan[9])]


def _middle_eights(plan: np.ndarray) -> bool:
    """Whether a direct plan has radix-8 stages between its first and last ones."""
    return bool((_radices(plan)[1:-1] == 8).any())


def pow2_kernel(plan: np.ndarray):
    """The kernel for the complex rows of a :func:`pow2_plan`: its first radix picks it, then
    whether it has radix-8 middle stages (and a radix-8 last one: plans all of radix 8) and,
    for those, whether n reaches ``_fft._LONG_FIRST_FROM`` (the ``_long`` drivers); a plan
    without stages (n <= 4) runs :func:`_fft.pow2_rows_small`."""
    if plan.shape[0] == _fft._HEADER:
        return _fft.pow2_rows_small
    radices = _radices(plan)
    middle_eights = _middle_eights(plan)
    if radices[0] != 8:
        return _fft.pow2_rows_mid8 if middle_eights else _fft.pow2_rows
    long_first = math.prod(int(r) for r in radices) >= _fft._LONG_FIRST_FROM
    if radices[-1] == 8:
        return _fft.pow2_rows_last8_long if long_first else _fft.pow2_rows_last8
    if not middle_eights:
        return _fft.pow2_rows_radix8
    return _fft.pow2_rows_radix8_mid8_long if long_first else _fft.pow2_rows_radix8_mid8


def radix_flags(plan: np.ndarray) -> tuple[bool | None, bool | None, bool | None]:
    """``(threes, fives, eights)``: the radix flags of the mixed-radix kernels for a direct
    plan (or a Bluestein plan, whose header is the padded length's): ``True`` where it has
    radix-3, radix-5 and radix-8 middle stages, ``None`` where not (see the comment above
    :func:`_fft._odd_stage`)."""
    radices = _radices(plan)
    present = (3 in radices, 5 in radices, _middle_eights(plan))
    return tuple(True if flag else None for flag in present)


def last_stage_flags(plan: np.ndarray) -> tuple[bool | None, bool | None, bool | None]:
    """``(twos_last, fours_last, odd_last)``: the flags of :func:`_fft.bluestein_rows` for the
    radix of a Bluestein plan's last stage, 2, 4, or 3 or 5 (``True`` for that one, ``None``
    for the others)."""
    last = _radices(plan)[-1]
    return tuple(True if present else None for present in (last == 2, last == 4, last % 2 == 1))


def c2c_kernel(plan: np.ndarray):
    """The kernel for the complex rows of a :func:`c2c_plan` of a length that is not a power
    of two, called as ``kernel(x, y, plan, signed_scale, work)``: the Stockham driver for
    direct lengths, the Bluestein driver for the others, with the plan's radix flags bound
    (:func:`radix_flags`, and for Bluestein :func:`last_stage_flags`), so that a first call
    compiles only the stages its plan runs."""
    if plan[8] == 0:
        return functools.partial(_fft.direct_rows, *radix_flags(plan))
    return functools.partial(_fft.bluestein_rows, *radix_flags(plan), *last_stage_flags(plan))


def r2c_kernels(n: int, plan: np.ndarray):
    """``(r2c kernel, c2r kernel)`` for real transforms of length n with the :func:`r2c_plan`
    ``plan``, called as ``kernel(x, out, plan, scale, work)``: powers of two (by the first
    radix of the half plan and its radix-8 middle stages, as :func:`pow2_kernel`), even lengths
    whose half is direct (without Bluestein's code; the half plan's radix flags bound, as in
    :func:`c2c_kernel`), and the others through the complex Bluestein kernel of
    :func:`c2c_kernel` (:func:`_r2c_odd`, :func:`_r2c_by_halves` and their inverses), whose
    compiled versions the complex transforms share (n = 1: :func:`_fft.pow2_rows_small`)."""
    if n % 2 == 1:  # odd n > 1 is never direct: Bluestein
        complex_kernel = _fft.pow2_rows_small if n == 1 else c2c_kernel(plan)
        return (
            functools.partial(_r2c_odd, complex_kernel),
            functools.partial(_c2r_odd, complex_kernel),
        )
    half_plan = plan[n + 2 :]  # after the 2(n/2 + 1) split twiddles
    if n & (n - 1) == 0:
        if int(half_plan[9]) == 0:
            suffix = "_small"
        else:
            suffix = "_radix8" if half_plan[_fft._HEADER] == 8 else ""
            suffix += "_mid8" if _middle_eights(half_plan) else ""
        return getattr(_fft, "pow2_r2c_rows" + suffix), getattr(_fft, "pow2_c2r_rows" + suffix)
    if is_direct(n // 2):  # n/2 is not a power of two here
        flags = radix_flags(half_plan)
        return (
            functools.partial(_fft.r2c_rows_direct, *flags),
            functools.partial(_fft.c2r_rows_direct, *flags),
        )
    complex_kernel = c2c_kernel(half_plan)  # Bluestein's, for n/2
    return (
        functools.partial(_r2c_by_halves, complex_kernel),
        functools.partial(_c2r_by_halves, complex_kernel),
    )


# Real transforms of the lengths that run Bluestein's algorithm, composed in Python of compiled
# kernels: the complex Bluestein driver (one compiled version per set of radix flags, shared
# with the complex transforms) and, for even lengths, the split or packing loop. A dedicated
# real kernel would compile its own copy of that driver for every set of flags (a first rfft of
# 997 points compiled in 8.4-8.8 s through the general r2c_rows). The NumPy steps between them
# copy O(n) values, against two FFTs of Bluestein's padded length (at least 2n - 1) per row.
# Arguments as the real kernels' (``work``: scratch in the plan's dtype, see
# :func:`real_work_length`); the complex kernel takes ``scale`` as a float, negative for the
# inverse.


def _r2c_odd(complex_kernel, x, out, plan, scale, work):
    """rfft of odd rows ``x`` (rows, n): the complex FFT of the rows, first n//2 + 1 values."""
    full = x.astype(out.dtype)
    complex_kernel(full, full, plan, float(scale), work)
    out[...] = full[:, : out.shape[1]]


def _c2r_odd(complex_kernel, x, out, plan, scale, work):
    """irfft of Hermitian half spectra ``x`` (rows, n//2 + 1) into odd rows ``out`` (rows, n):
    the full spectrum (``X_{n-k} = conj X_k``; the imaginary part of ``X_0`` ignored, as in
    scipy.fft.irfft), its complex inverse FFT, the real parts."""
    n = out.shape[1]
    half = x.shape[1] - 1
    full = np.empty((x.shape[0], n), dtype=x.dtype)
    full[:, : half + 1] = x
    full[:, 0] = x[:, 0].real
    full[:, half + 1 :] = np.conj(x[:, half:0:-1])
    complex_kernel(full, full, plan, -float(scale), work)
    out[...] = full.real


def _r2c_by_halves(complex_kernel, x, out, plan, scale, work):
    """rfft of even rows ``x`` (rows, n = 2h) whose half runs Bluestein: the complex FFT of
    the rows read as h complex values, then :func:`_fft.r2c_split_rows`."""
    n = x.shape[1]
    half_spectra = np.empty((x.shape[0], n // 2), dtype=out.dtype)
    complex_kernel(x.view(out.dtype), half_spectra, plan[n + 2 :], 1.0, work)
    _fft.r2c_split_rows(half_spectra, out, plan, scale)


def _c2r_by_halves(complex_kernel, x, out, plan, scale, work):
    """irfft into even rows ``out`` (rows, n = 2h) whose half runs Bluestein:
    :func:`_fft.c2r_pack_rows`, then the unscaled inverse complex FFT of length h written into
    ``out`` read as complex rows."""
    n = out.shape[1]
    packed = np.empty((x.shape[0], n // 2), dtype=x.dtype)
    _fft.c2r_pack_rows(x, packed, plan)
    complex_kernel(packed, out.view(x.dtype), plan[n + 2 :], -float(scale), work)


def c2c_work_length(n: int) -> int:
    """:func:`_fft.c2c_work_length` (the scratch the kernels need for length n), in Python."""
    if is_direct(n):
        return _pure(_fft.direct_work_length)(n)
    m = bluestein_length(n)
    return 4 * m + _pure(_fft.direct_work_length)(m)


def real_work_length(n: int) -> int:
    """:func:`_fft.real_work_length` (the scratch the real kernels need for length n), in
    Python."""
    if n % 2 == 1:
        return 4 * n + c2c_work_length(n)
    return n + c2c_work_length(n // 2)


def _stockham_plan64(n: int, single: bool, last8: bool = False) -> np.ndarray:
    """Header and twiddles of a direct length n in float64 (:func:`_fft._stockham_header`)."""
    radices = _pure(_fft._radices_of)(n, single, *_pure(_fft._smooth_part)(n)[:4], last8)
    fifths_c, fifths_s = unit_roots_table(np.array([1, 2]), 5)
    header = [1.0, -1.0, math.sqrt(3.0) / 2.0, fifths_c[0], fifths_c[1], fifths_s[0]]
    header += [fifths_s[1], math.sqrt(0.5), 0.0, float(len(radices))]
    parts = [np.array(header), radices.astype(np.float64)]
    length = n
    for r in radices:
        m = length // r
        p = np.arange(m)
        for j in range(1, r):
            c, s = unit_roots_table(j * p, length)
            parts += [c, -s]
        length = m
    return np.concatenate(parts)


def _c2c_plan64(n: int, single: bool) -> np.ndarray:
    """:func:`_fft._c2c_plan_float64`: the float64 plan of any length n.

    For Bluestein's lengths the filter spectrum B = FFT_m(conj chirp, wrapped) / m is NumPy's
    float64 FFT: the compiled planner's own transform agrees within rounding (about 1e-16
    relative), and computing it here with fastgrad's mixed-radix driver compiled that driver
    in float64 first, 5 of the 9 s the first transform of a Bluestein length took in a fresh
    process.
    """
    if is_direct(n):
        return _stockham_plan64(n, single)
    m = bluestein_length(n)
    head = _stockham_plan64(m, single)
    head[8] = 1.0
    k = np.arange(n, dtype=np.int64)
    c, s = unit_roots_table((k * k) % (2 * n), 2 * n)  # c_k = exp(-1j*pi*k^2/n)
    chirp_re, chirp_im = c, -s
    filt = np.zeros(m, dtype=np.complex128)  # b_k = b_{m-k} = conj(c_k)
    filt[:n] = chirp_re - 1j * chirp_im
    filt[m - n + 1 :] = (chirp_re[1:] - 1j * chirp_im[1:])[::-1]
    spectrum = np.fft.fft(filt)
    return np.concatenate([head, chirp_re, chirp_im, spectrum.real / m, spectrum.imag / m])


def c2c_plan(n: int, dtype) -> np.ndarray:
    """The plan of :func:`_fft.make_c2c_plan` for complex ``dtype`` and any length n, without
    compiling the planner (only, for Bluestein's lengths, the direct transform of length m)."""
    single = np.dtype(dtype) == np.complex64
    return _c2c_plan64(n, single).astype(_real_of(dtype))


def pow2_plan(n: int, dtype) -> np.ndarray:
    """The plan of :func:`_fft.make_pow2_plan` for complex ``dtype`` (n a power of two)."""
    single = np.dtype(dtype) == np.complex64
    return _stockham_plan64(n, single, last8=True).astype(_real_of(dtype))


def r2c_plan(n: int, dtype) -> np.ndarray:
    """The plan of :func:`_fft.make_r2c_plan` for real transforms of length n (``dtype`` the
    complex working dtype): for even n the split twiddles then the plan of n/2, for odd n the
    complex plan of n."""
    if n % 2 == 1:
        return c2c_plan(n, dtype)
    h = n // 2
    c, s = unit_roots_table(np.arange(h + 1), n)
    half = _c2c_plan64(h, np.dtype(dtype) == np.complex64)
    return np.concatenate([c, -s, half]).astype(_real_of(dtype))
