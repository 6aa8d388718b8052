"""Shared fixtures: one seeded random generator per test."""

import numpy as np
import pytest


@pytest.fixture
def rng() -> np.random.Generator:
    """A fresh generator with a fixed seed, so every test is reproducible on its own."""
    return np.random.default_rng(20261127)


# ---------------------------------------------------------------------------------------------
# Fourier tests: the size grid and the one tolerance table
# ---------------------------------------------------------------------------------------------

import numba  # noqa: E402

#: True under ``NUMBA_DISABLE_JIT=1``: kernels run as plain Python, so the grids below shrink.
JIT_DISABLED = bool(numba.config.DISABLE_JIT)
#: Largest transform length used when the JIT is off (plain-Python kernels are slow).
NO_JIT_MAX_N = 128

_FFT_SIZES_FULL = (1, 2, 3, 4, 5, 7, 8, 16, 17, 30, 64, 97, 100, 128, 1000, 1024, 4096, 2**16)


def fft_sizes(max_n: int | None = None) -> tuple[int, ...]:
    """The grid of transform lengths up to ``max_n`` (and NO_JIT_MAX_N with the JIT off)."""
    limit = NO_JIT_MAX_N if JIT_DISABLED else None
    if max_n is not None:
        limit = max_n if limit is None else min(limit, max_n)
    return tuple(n for n in _FFT_SIZES_FULL if limit is None or n <= limit)


#: Every size of the grid (2^16 included when the JIT is on).
FFT_SIZES = fft_sizes()
#: Sizes for O(n^2) work (fastgrad.dft and the naive oracle in tests/reference.py).
QUADRATIC_SIZES = fft_sizes(4096)
#: The size of the ``slow``-marked tests: 2^20 with the JIT on, a small stand-in with it off.
LARGE_SIZE = 256 if JIT_DISABLED else 2**20
#: Upper bound on n drawn by the hypothesis property tests.
PROPERTY_MAX_N = 64 if JIT_DISABLED else 300

#: The one tolerance table for FFT results, keyed by the precision of the result (complex64 and
#: float32 results are "single", complex128 and float64 "double"). Comparisons are norm-wise:
#:     ||actual - desired||_2 <= FFT_RTOL[precision] * max(1, log2(n)) * ||desired||_2
#: where n is the number of points transformed (the product over the transformed axes). The base
#: is 5 machine epsilons; the log2(n) factor is the worst-case growth of the rounding error of an
#: n-point FFT (Bluestein sizes add a small constant factor, absorbed by the 5). A correct FFT sits
#: at about eps * sqrt(log2 n), so this table has a margin of several times and still catches a
#: wrong twiddle, a lost scale factor or a single-precision pass in a double transform.
FFT_RTOL = {
    np.dtype(np.float32): 5 * float(np.finfo(np.float32).eps),  # ~6.0e-7
    np.dtype(np.float64): 5 * float(np.finfo(np.float64).eps),  # ~1.1e-15
}


def fft_rtol(dtype, n: int) -> float:
    """The tolerance of FFT_RTOL for a result of ``dtype`` from an ``n``-point transform."""
    precision = np.finfo(np.dtype(dtype)).dtype
    return FFT_RTOL[precision] * max(1.0, float(np.log2(max(n, 1))))


def assert_fft_close(actual, desired, n: int, dtype=None) -> None:
    """Assert ``||actual - desired|| <= fft_rtol(dtype, n) * ||desired||`` (norm-wise).

    ``dtype`` picks the row of the table and defaults to ``actual.dtype``; shapes must match
    exactly. Callers assert the dtype and shape of ``actual`` themselves, before calling this.
    """
    actual = np.asarray(actual)
    desired = np.asarray(desired)
    assert actual.shape == desired.shape, f"shape {actual.shape} != {desired.shape}"
    rtol = fft_rtol(actual.dtype if dtype is None else dtype, n)
    diff = actual.astype(np.complex128) - desired.astype(np.complex128)
    error = float(np.linalg.norm(diff.ravel()))
    scale = float(np.linalg.norm(desired.astype(np.complex128).ravel()))
    assert error <= rtol * scale, (
        f"norm-wise error {error:.3e} > rtol {rtol:.3e} * norm {scale:.3e} (n={n})"
    )


#: The input dtypes of the FFT grid, and the real ones among them (rfft rejects complex input).
FFT_DTYPES = (np.float16, np.float32, np.float64, np.complex64, np.complex128, np.int64, np.bool_)
FFT_REAL_DTYPES = (np.float16, np.float32, np.float64, np.int64, np.bool_)


def complex_result_dtype(dtype) -> np.dtype:
    """The dtype of fft/ifft/rfft/fftn of ``dtype`` input: scipy.fft's rules, except that
    longdouble and clongdouble are computed in double (fastgrad's documented departure)."""
    dtype = np.dtype(dtype)
    if dtype in (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.complex64)):
        return np.dtype(np.complex64)
    return np.dtype(np.complex128)


def real_result_dtype(dtype) -> np.dtype:
    """The dtype of irfft/irfftn of ``dtype`` input (scipy.fft's rules, longdouble -> float64)."""
    return np.dtype(np.float32 if complex_result_dtype(dtype) == np.complex64 else np.float64)


def make_input(rng: np.random.Generator, shape, dtype) -> np.ndarray:
    """Random test data of ``dtype``: normal floats, complex normals, small integers, coin flips."""
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind == "u":
        return rng.integers(0, 100, shape).astype(dtype)
    if dtype.kind == "i":
        return rng.integers(-100, 100, shape).astype(dtype)
    if dtype.kind == "c":
        return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)
