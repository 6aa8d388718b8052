"""Mathematical properties of the transforms, checked with hypothesis on random lengths and data.

Hypothesis draws a length and a seed; the data come from ``np.random.default_rng(seed)``, so every
example is reproducible. ``derandomize=True`` makes the examples themselves the same on every run.
Lengths are bounded by PROPERTY_MAX_N (smaller with the JIT off).
"""

import numpy as np
from conftest import JIT_DISABLED, PROPERTY_MAX_N, assert_fft_close, fft_rtol, make_input
from hypothesis import given, settings
from hypothesis import strategies as st

import fastgrad

PROPERTIES = settings(deadline=None, max_examples=100, derandomize=True)

powers_of_two = st.sampled_from([2**k for k in range(PROPERTY_MAX_N.bit_length())])
lengths = st.one_of(st.integers(1, PROPERTY_MAX_N), powers_of_two)
seeds = st.integers(0, 2**32 - 1)
complex_dtypes = st.sampled_from([np.complex64, np.complex128])
real_dtypes = st.sampled_from([np.float32, np.float64])
norms = st.sampled_from([None, "backward", "ortho", "forward"])


def data(seed: int, shape, dtype) -> np.ndarray:
    return make_input(np.random.default_rng(seed), shape, dtype)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=complex_dtypes)
def test_fft_is_linear(n, seed, dtype):
    rng = np.random.default_rng(seed)
    x = make_input(rng, n, dtype)
    y = make_input(rng, n, dtype)
    a, b = complex(*rng.standard_normal(2)), complex(*rng.standard_normal(2))
    combined = (a * x + b * y).astype(dtype)
    result = fastgrad.fft(combined)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    # the expected value is built from fastgrad's own transforms: linearity, not accuracy
    expected = a * fastgrad.fft(x).astype(np.complex128) + b * fastgrad.fft(y)
    assert_fft_close(result, expected, n, dtype=dtype)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=complex_dtypes)
def test_fft_satisfies_parseval(n, seed, dtype):
    x = data(seed, n, dtype)
    spectrum = fastgrad.fft(x)
    assert spectrum.dtype == np.dtype(dtype)
    assert spectrum.shape == (n,)
    energy = np.sum(np.abs(x.astype(np.complex128)) ** 2)
    assert_fft_close(np.sum(np.abs(spectrum.astype(np.complex128)) ** 2) / n, energy, n, dtype)
    orthonormal = fastgrad.fft(x, norm="ortho")
    assert_fft_close(np.sum(np.abs(orthonormal.astype(np.complex128)) ** 2), energy, n, dtype)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=complex_dtypes, shift=st.integers(-500, 500))
def test_fft_circular_shift_is_a_phase_ramp(n, seed, dtype, shift):
    x = data(seed, n, dtype)
    result = fastgrad.fft(np.roll(x, shift))
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    k = np.arange(n)
    ramp = np.exp(-2j * np.pi * ((k * shift) % n) / n)
    assert_fft_close(result, ramp * fastgrad.fft(x), n)


@PROPERTIES
@given(n=lengths, data_=st.data(), dtype=complex_dtypes)
def test_fft_of_an_impulse_is_a_complex_exponential(n, data_, dtype):
    position = data_.draw(st.integers(0, n - 1))
    impulse = np.zeros(n, dtype=dtype)
    impulse[position] = 1.0
    result = fastgrad.fft(impulse)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    k = np.arange(n)
    assert_fft_close(result, np.exp(-2j * np.pi * ((k * position) % n) / n), n)
    inverse = fastgrad.ifft(impulse)
    assert_fft_close(inverse, np.exp(2j * np.pi * ((k * position) % n) / n) / n, n)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=real_dtypes)
def test_fft_of_real_input_is_conjugate_symmetric(n, seed, dtype):
    x = data(seed, n, dtype)
    spectrum = fastgrad.fft(x)
    assert spectrum.dtype == (np.complex64 if dtype == np.float32 else np.complex128)
    assert spectrum.shape == (n,)
    mirrored = np.conj(spectrum[(-np.arange(n)) % n])
    assert_fft_close(spectrum, mirrored, n)
    half = fastgrad.rfft(x)
    assert half.dtype == spectrum.dtype
    assert half.shape == (n // 2 + 1,)
    assert_fft_close(half, spectrum[: n // 2 + 1], n)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=complex_dtypes, norm=norms)
def test_ifft_inverts_fft(n, seed, dtype, norm):
    x = data(seed, n, dtype)
    result = fastgrad.ifft(fastgrad.fft(x, norm=norm), norm=norm)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    assert_fft_close(result, x, n)
    result = fastgrad.fft(fastgrad.ifft(x, norm=norm), norm=norm)
    assert_fft_close(result, x, n)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=real_dtypes, norm=norms)
def test_irfft_inverts_rfft(n, seed, dtype, norm):
    x = data(seed, n, dtype)
    result = fastgrad.irfft(fastgrad.rfft(x, norm=norm), n=n, norm=norm)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == (n,)
    assert_fft_close(result, x, n)


@PROPERTIES
@given(n=lengths, seed=seeds, dtype=complex_dtypes, norm=norms)
def test_fft_equals_dft(n, seed, dtype, norm):
    x = data(seed, (2, n), dtype)
    fast = fastgrad.fft(x, norm=norm)
    direct = fastgrad.dft(x, norm=norm)
    assert fast.dtype == direct.dtype == np.dtype(dtype)
    assert fast.shape == direct.shape == (2, n)
    assert_fft_close(fast, direct, n)
    assert_fft_close(fastgrad.ifft(x, norm=norm), fastgrad.idft(x, norm=norm), n)


def test_fft_equals_dft_for_every_n(rng):
    """Not sampled: every length from 1 to the bound, forward and inverse."""
    for n in range(1, (64 if JIT_DISABLED else 260) + 1):
        x = make_input(rng, n, np.complex128)
        fast = fastgrad.fft(x)
        assert fast.dtype == np.complex128
        assert fast.shape == (n,)
        assert_fft_close(fast, fastgrad.dft(x), n)
        assert_fft_close(fastgrad.ifft(x), fastgrad.idft(x), n)


TRANSFORMS = [
    ("fft", {}),
    ("ifft", {}),
    ("dft", {}),
    ("idft", {}),
    ("rfft", {}),
    ("irfft", {}),
    ("fft2", {}),
    ("ifft2", {}),
    ("rfft2", {}),
    ("irfft2", {}),
    ("fftn", {"axes": (0,)}),
    ("ifftn", {}),
    ("rfftn", {}),
    ("irfftn", {"axes": (1, 0)}),
]


@PROPERTIES
@given(
    n=st.integers(2, min(PROPERTY_MAX_N, 64)),
    seed=seeds,
    index=st.integers(0, len(TRANSFORMS) - 1),
    complex_input=st.booleans(),
    layout=st.sampled_from(["contiguous", "reversed", "strided", "fortran"]),
    pad=st.sampled_from([None, -1, 3]),
)
def test_transform_leaves_input_unchanged(n, seed, index, complex_input, layout, pad):
    name, kwargs = TRANSFORMS[index]
    dtype = np.complex128 if complex_input and not name.startswith("rfft") else np.float64
    base = data(seed, (3, n), dtype)
    x = {
        "contiguous": base,
        "reversed": base[::-1, ::-1],
        "strided": base[:, ::2],
        "fortran": np.asfortranarray(base),
    }[layout]
    before = x.copy()
    if pad is not None:
        length = x.shape[-1] + pad
        if name in ("fft", "ifft", "dft", "idft", "rfft", "irfft"):
            kwargs = {**kwargs, "n": max(length, 1)}
        else:
            kwargs = {**kwargs, "s": (x.shape[0] + pad, max(length, 2))}
            kwargs.pop("axes", None)
    result = getattr(fastgrad, name)(x, **kwargs)
    assert result.ndim == 2
    np.testing.assert_array_equal(x, before)  # bit for bit


def test_tolerance_table_has_teeth(rng):
    """The table rejects a transform with one wrong output, so the properties above can fail."""
    x = make_input(rng, 64, np.complex128)
    spectrum = fastgrad.fft(x)
    spoiled = spectrum.copy()
    spoiled[5] *= 1 + 1e-9
    error = np.linalg.norm(spoiled - spectrum) / np.linalg.norm(spectrum)
    assert error > fft_rtol(np.complex128, 64)
