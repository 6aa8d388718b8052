"""fastgrad.kernels: the 1-D transforms called from a user's own ``@numba.njit`` function."""

import numba
import numpy as np
import pytest
import reference
import scipy.fft
from conftest import QUADRATIC_SIZES, assert_fft_close, fft_sizes, make_input

import fastgrad
from fastgrad import kernels


@numba.njit
def user_fft(x):
    return kernels.fft(x)


@numba.njit
def user_ifft(x):
    return kernels.ifft(x)


@numba.njit
def user_dft(x):
    return kernels.dft(x)


@numba.njit
def user_idft(x):
    return kernels.idft(x)


USER_FUNCTIONS = {
    "fft": (user_fft, scipy.fft.fft, reference.dft),
    "ifft": (user_ifft, scipy.fft.ifft, reference.idft),
    "dft": (user_dft, scipy.fft.fft, reference.dft),
    "idft": (user_idft, scipy.fft.ifft, reference.idft),
}


def kernel_cases():
    for name in USER_FUNCTIONS:
        sizes = QUADRATIC_SIZES if name in ("dft", "idft") else fft_sizes()
        for n in sizes[::2] if name in ("dft", "idft") else sizes:
            yield pytest.param(name, n, id=f"{name}-{n}")


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize(("name", "n"), list(kernel_cases()))
def test_kernel_inside_njit_matches_scipy(name, n, dtype, rng):
    user_function, scipy_function, oracle = USER_FUNCTIONS[name]
    x = make_input(rng, n, dtype)
    before = x.copy()
    result = user_function(x)
    expected = scipy_function(x)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    assert_fft_close(result, expected, n)
    if n <= 1024:
        assert_fft_close(result, oracle(x), n)
    np.testing.assert_array_equal(x, before)  # the input is left alone


@pytest.mark.parametrize("name", list(USER_FUNCTIONS))
@pytest.mark.parametrize("view", ["strided", "reversed"])
def test_kernel_inside_njit_accepts_non_contiguous_views(name, view, rng):
    user_function, scipy_function, _ = USER_FUNCTIONS[name]
    base = make_input(rng, 200, np.complex128)
    x = base[::2] if view == "strided" else base[::-1]
    result = user_function(x)
    expected = scipy_function(x)
    assert result.dtype == np.complex128
    assert result.shape == x.shape
    assert_fft_close(result, expected, x.shape[0])


@numba.njit
def circular_convolution(signal, kernel_taps):
    """A user's own compiled code: convolution by the FFT, the kind of caller the kernels serve."""
    product = kernels.fft(signal) * kernels.fft(kernel_taps)
    return kernels.ifft(product).real


@numba.njit
def naive_circular_convolution(signal, kernel_taps):
    n = signal.shape[0]
    out = np.zeros(n)
    for i in range(n):
        for j in range(n):
            out[i] += signal[j].real * kernel_taps[(i - j) % n].real
    return out


@pytest.mark.parametrize("n", fft_sizes(1000)[::2])
def test_kernel_convolution_inside_njit_matches_direct_sum(n, rng):
    signal = make_input(rng, n, np.float64).astype(np.complex128)
    taps = make_input(rng, n, np.float64).astype(np.complex128)
    result = circular_convolution(signal, taps)
    expected = naive_circular_convolution(signal, taps)
    assert result.dtype == np.float64
    assert result.shape == (n,)
    assert_fft_close(result, expected, n)


@numba.njit
def round_trips(x):
    return kernels.ifft(kernels.fft(x)), kernels.idft(kernels.dft(x))


@pytest.mark.parametrize("n", [1, 2, 3, 64, 100, 127])
def test_kernel_round_trip_inside_njit(n, rng):
    x = make_input(rng, n, np.complex128)
    fast, direct = round_trips(x)
    for result in (fast, direct):
        assert result.dtype == np.complex128
        assert result.shape == (n,)
        assert_fft_close(result, x, n)


def test_kernel_called_from_python_matches_public_api(rng):
    """The kernels are also plain callables: same numbers as fastgrad.fft."""
    x = make_input(rng, 96, np.complex128)
    for name in USER_FUNCTIONS:
        result = getattr(kernels, name)(x)
        expected = getattr(fastgrad, name)(x)
        assert result.dtype == expected.dtype
        assert result.shape == expected.shape
        assert_fft_close(result, expected, 96)
