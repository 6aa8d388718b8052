"""Power-of-two FFT plans built with vectorized NumPy, for the public layer.

:func:`pow2_plan` returns exactly (bit for bit, tested) what the compiled
:func:`fastgrad._kernels.fft.make_pow2_plan` returns, without compiling it: the twiddle kernels
cost about a second of Numba compilation, a third of the first ``fastgrad.fft`` call of a fresh
install. (``make_pow2_plan`` stays for users' own ``@njit`` code, which cannot call NumPy-level
Python.) The twiddles are folded into the first octant with exact integer arithmetic, as
:func:`fastgrad._kernels.fft.unit_root` does, and NumPy's float64 ``cos``/``sin`` agree with
the C library's there.
"""

from __future__ import annotations

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


def pow2_kernel(plan: np.ndarray):
    """The kernel for the complex rows of a :func:`pow2_plan`: its first radix picks it, and a
    plan without stages (n <= 4) runs :func:`_fft.pow2_rows_small`."""
    if plan.shape[0] == _fft._HEADER:
        return _fft.pow2_rows_small
    return _fft.pow2_rows_radix8 if plan[_fft._HEADER] == 8 else _fft.pow2_rows


def pow2_plan(n: int, dtype) -> np.ndarray:
    """The plan of :func:`_fft.make_pow2_plan` for complex ``dtype`` (n a power of two)."""
    single = np.dtype(dtype) == np.complex64
    radices = _pure(_fft._radices_of)(n, single, *_pure(_fft._smooth_part)(n)[:4])
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
    real = np.float32 if np.dtype(dtype) == np.complex64 else np.float64
    return np.concatenate(parts).astype(real)


def pow2_r2c_plan(n: int, dtype) -> np.ndarray:
    """The plan of :func:`_fft.make_r2c_plan` for real transforms of length n, a power of two
    >= 2 (``dtype`` the complex working dtype): the split twiddles then the half plan."""
    h = n // 2
    c, s = unit_roots_table(np.arange(h + 1), n)
    half = pow2_plan(h, dtype)
    return np.concatenate([c.astype(half.dtype), (-s).astype(half.dtype), half])
