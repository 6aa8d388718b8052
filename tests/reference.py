"""Dumb oracles for the Fourier tests: loops, ``np.cos`` and ``np.sin``, nothing clever.

Everything here is the textbook definition, written so that it is obviously right rather than fast:

.. math::

    X_k = \\sum_{j=0}^{n-1} x_j \\, e^{-2\\pi i jk/n}, \\qquad
    x_j = \\frac{1}{n} \\sum_{k=0}^{n-1} X_k \\, e^{+2\\pi i jk/n}

This module never imports fastgrad, scipy.fft or numpy.fft: it is the independent side of every
comparison. The direct sums cost O(n^2), so callers keep n <= 4096.

Accuracy: the twiddle factors are computed once per n in extended precision (``np.longdouble``
where the platform has it) and indexed by ``(j*k) mod n``, so each is correctly rounded to double;
each output is one pairwise-summed NumPy reduction in double precision. The oracle's own error is
a few double epsilons, far below the tolerance table in conftest.py.
"""

from __future__ import annotations

import numpy as np

_PI = np.longdouble("3.141592653589793238462643383279502884197")

_NORMS = (None, "backward", "ortho", "forward")


def twiddles(n: int, sign: int) -> np.ndarray:
    """Return ``exp(sign * 2*pi*i*m/n)`` for m = 0..n-1 as complex128."""
    m = np.arange(n, dtype=np.longdouble)
    angle = 2 * _PI * m / np.longdouble(n)
    real = np.cos(angle).astype(np.float64)
    imag = (sign * np.sin(angle)).astype(np.float64)
    return real + 1j * imag


def scale_factor(n: int, norm: str | None, inverse: bool) -> float:
    """The factor that multiplies the plain sum for this ``norm`` and direction."""
    if norm not in _NORMS:
        raise ValueError(f"unknown norm {norm!r}")
    if norm == "ortho":
        return 1.0 / np.sqrt(n)
    if (norm in (None, "backward")) == inverse:
        return 1.0 / n
    return 1.0


def fix_length(x: np.ndarray, n: int, axis: int) -> np.ndarray:
    """Crop ``x`` to ``n`` points along ``axis``, or pad it at the end with zeros."""
    x = np.asarray(x)
    length = x.shape[axis]
    if n <= length:
        index = [slice(None)] * x.ndim
        index[axis] = slice(0, n)
        return x[tuple(index)]
    pad = [(0, 0)] * x.ndim
    pad[axis] = (0, n - length)
    return np.pad(x, pad)


def _dft_rows(rows: np.ndarray, sign: int) -> np.ndarray:
    """Direct sum along the last axis of a 2-D complex128 array, one output frequency at a time."""
    n = rows.shape[-1]
    table = twiddles(n, sign)
    j = np.arange(n)
    out = np.empty_like(rows)
    for k in range(n):
        # the twiddle of x_j for output k is exp(sign*2*pi*i*j*k/n) = table[(j*k) mod n]
        out[:, k] = (rows * table[(j * k) % n]).sum(axis=-1)
    return out


def long_double_fft(rows: np.ndarray) -> np.ndarray:
    """Forward DFT along the last axis (a power of two) computed in ``np.clongdouble``: the
    textbook radix-2 split into even and odd samples, recursively, with twiddles
    ``exp(-2 pi i k/n)`` from ``np.cos``/``np.sin`` in long double.

    The exception to the O(n^2) rule above, for accuracy checks of long transforms: on x86-64
    long double has 64 mantissa bits, so its error is about 2000 times below any double
    precision FFT's, and the difference of a double result from it is that result's own error.
    """
    rows = np.asarray(rows, dtype=np.clongdouble)
    n = rows.shape[-1]
    if n == 1:
        return rows
    even = long_double_fft(rows[..., 0::2])
    odd = long_double_fft(rows[..., 1::2])
    angle = 2 * _PI * np.arange(n // 2, dtype=np.longdouble) / n
    odd = odd * (np.cos(angle) - 1j * np.sin(angle))
    return np.concatenate([even + odd, even - odd], axis=-1)


def dft(x, n: int | None = None, axis: int = -1, norm: str | None = None, inverse=False):
    """The complex DFT (or inverse DFT) of ``x`` along ``axis``, as complex128, by direct sums."""
    x = np.asarray(x)
    if n is not None:
        x = fix_length(x, n, axis)
    moved = np.moveaxis(x, axis, -1).astype(np.complex128)
    length = moved.shape[-1]
    rows = np.ascontiguousarray(moved.reshape(-1, length))
    out = _dft_rows(rows, +1 if inverse else -1) * scale_factor(length, norm, inverse)
    return np.moveaxis(out.reshape(moved.shape), -1, axis)


def idft(x, n: int | None = None, axis: int = -1, norm: str | None = None):
    """The inverse DFT along ``axis`` (``dft`` with ``inverse=True``)."""
    return dft(x, n=n, axis=axis, norm=norm, inverse=True)


def rfft(x, n: int | None = None, axis: int = -1, norm: str | None = None):
    """The first n//2 + 1 outputs of the DFT of real ``x`` along ``axis``."""
    x = np.asarray(x)
    n = x.shape[axis] if n is None else n
    full = dft(x.astype(np.float64), n=n, axis=axis, norm=norm)
    return fix_length(full, n // 2 + 1, axis)


def irfft(x, n: int | None = None, axis: int = -1, norm: str | None = None):
    """The real inverse of ``rfft``: rebuild the Hermitian spectrum, inverse DFT, real part.

    ``x`` is cropped or zero-padded to n//2 + 1 points (n defaults to 2*(m - 1)); the missing
    half is X[k] = conj(X[n - k]). Taking the real part of the full inverse is what discards the
    imaginary parts of X[0] and (for even n) X[n/2], as scipy does.
    """
    x = np.moveaxis(np.asarray(x).astype(np.complex128), axis, -1)
    n = 2 * (x.shape[-1] - 1) if n is None else n
    half = fix_length(x, n // 2 + 1, -1)
    full = np.empty(half.shape[:-1] + (n,), dtype=np.complex128)
    for k in range(n):
        if k <= n // 2:
            full[..., k] = half[..., k]
        else:
            full[..., k] = np.conj(half[..., n - k])
    out = idft(full, axis=-1, norm=norm).real
    return np.moveaxis(out, -1, axis)


def _shape_and_axes(x: np.ndarray, s, axes):
    """Default ``s`` and ``axes`` as scipy.fft.fftn does: all axes, or the last len(s) axes."""
    if axes is None:
        axes = range(x.ndim) if s is None else range(x.ndim - len(s), x.ndim)
    axes = [a % x.ndim for a in axes]
    s = [x.shape[a] for a in axes] if s is None else list(s)
    return s, axes


def fftn(x, s=None, axes=None, norm=None, inverse=False):
    """The n-D DFT: one 1-D ``dft`` per axis (order does not matter mathematically)."""
    out = np.asarray(x)
    s, axes = _shape_and_axes(out, s, axes)
    out = out.astype(np.complex128)
    for length, axis in zip(s, axes, strict=True):
        out = dft(out, n=length, axis=axis, norm=norm, inverse=inverse)
    return out


def ifftn(x, s=None, axes=None, norm=None):
    """The n-D inverse DFT."""
    return fftn(x, s=s, axes=axes, norm=norm, inverse=True)


def rfftn(x, s=None, axes=None, norm=None):
    """The n-D DFT of real ``x`` with the last transformed axis cut to n//2 + 1 points."""
    x = np.asarray(x).astype(np.float64)
    s, axes = _shape_and_axes(x, s, axes)
    out = rfft(x, n=s[-1], axis=axes[-1], norm=norm)
    for length, axis in zip(s[:-1], axes[:-1], strict=True):
        out = dft(out, n=length, axis=axis, norm=norm)
    return out


def irfftn(x, s=None, axes=None, norm=None):
    """The real n-D inverse: complex inverse DFTs on all but the last axis, then ``irfft``."""
    x = np.asarray(x).astype(np.complex128)
    if s is None:
        s, axes = _shape_and_axes(x, None, axes)
        s[-1] = 2 * (s[-1] - 1)
    else:
        s, axes = _shape_and_axes(x, s, axes)
    out = x
    for length, axis in zip(s[:-1], axes[:-1], strict=True):
        out = idft(out, n=length, axis=axis, norm=norm)
    return irfft(out, n=s[-1], axis=axes[-1], norm=norm)


def fftfreq(n: int, d: float = 1.0) -> np.ndarray:
    """Sample frequencies [0, 1, ..., (n-1)//2, -(n//2), ..., -1] / (n*d), one loop step each."""
    out = np.empty(n)
    for i in range(n):
        k = i if i <= (n - 1) // 2 else i - n
        out[i] = k / (n * d)
    return out


def rfftfreq(n: int, d: float = 1.0) -> np.ndarray:
    """Sample frequencies [0, 1, ..., n//2] / (n*d)."""
    out = np.empty(n // 2 + 1)
    for i in range(n // 2 + 1):
        out[i] = i / (n * d)
    return out


def fftshift(x, axes=None, inverse=False):
    """Move the zero frequency to the centre: out[i] = x[(i - n//2) mod n] along each axis."""
    x = np.asarray(x)
    if axes is None:
        axes = range(x.ndim)
    elif np.ndim(axes) == 0:
        axes = [axes]
    out = x
    for axis in axes:
        n = x.shape[axis]
        shift = -(n // 2) if inverse else n // 2
        index = [(i - shift) % n for i in range(n)]
        out = np.take(out, index, axis=axis)
    return out


def ifftshift(x, axes=None):
    """Undo ``fftshift``: out[i] = x[(i + n//2) mod n] along each axis."""
    return fftshift(x, axes=axes, inverse=True)


def _only_factors_2_3_5(n: int) -> bool:
    for p in (2, 3, 5):
        while n % p == 0:
            n //= p
    return n == 1


def runs_without_padding(n: int) -> bool:
    """Whether fastgrad's complex FFT runs length n directly: 1, 2, 4, or 4 * (5-smooth)."""
    return n in (1, 2, 4) or (n % 4 == 0 and _only_factors_2_3_5(n))


def next_fast_length(target: int, real: bool = False) -> int:
    """fastgrad's next_fast_len by brute force: the smallest n >= target that runs directly
    (real transforms: 1, or an even n whose half runs directly)."""
    n = target
    while True:
        if real and (n == 1 or (n % 2 == 0 and runs_without_padding(n // 2))):
            return n
        if not real and runs_without_padding(n):
            return n
        n += 1
