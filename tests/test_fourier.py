"""Every public Fourier transform against scipy.fft and against the naive oracles in reference.py.

Each test asserts the dtype and shape of the result before its values; values are compared
norm-wise with the one tolerance table of conftest.py (``assert_fft_close``).
"""

import numpy as np
import pytest
import reference
import scipy.fft
from conftest import (
    FFT_DTYPES,
    FFT_REAL_DTYPES,
    FFT_SIZES,
    LARGE_SIZE,
    QUADRATIC_SIZES,
    assert_fft_close,
    complex_result_dtype,
    fft_sizes,
    make_input,
    real_result_dtype,
)

import fastgrad

# name -> (the scipy.fft function it must match, the oracle in reference.py)
ONE_D = {
    "fft": ("fft", reference.dft),
    "ifft": ("ifft", reference.idft),
    "dft": ("fft", reference.dft),
    "idft": ("ifft", reference.idft),
    "rfft": ("rfft", reference.rfft),
    "irfft": ("irfft", reference.irfft),
}
N_D = {
    "fft2": ("fft2", reference.fftn),
    "ifft2": ("ifft2", reference.ifftn),
    "rfft2": ("rfft2", reference.rfftn),
    "irfft2": ("irfft2", reference.irfftn),
    "fftn": ("fftn", reference.fftn),
    "ifftn": ("ifftn", reference.ifftn),
    "rfftn": ("rfftn", reference.rfftn),
    "irfftn": ("irfftn", reference.irfftn),
}
NORMS = (None, "backward", "ortho", "forward")
ORACLE_DTYPES = (np.float32, np.float64, np.complex64, np.complex128, np.int64)


def result_dtype(name: str, dtype) -> np.dtype:
    """The dtype transform ``name`` returns for ``dtype`` input."""
    return real_result_dtype(dtype) if name.startswith("irfft") else complex_result_dtype(dtype)


def input_length(name: str, n: int) -> int:
    """Input points for an n-point transform: irfft takes the n//2 + 1 of a half spectrum."""
    return n // 2 + 1 if name == "irfft" else n


def transform_kwargs(name: str, n: int) -> dict:
    """irfft is told its output length; every other transform takes its input length."""
    return {"n": n} if name == "irfft" else {}


def one_d_cases(dtypes_for_complex, dtypes_for_real, sizes_fast, sizes_quadratic):
    for name in ONE_D:
        sizes = sizes_quadratic if name in ("dft", "idft") else sizes_fast
        dtypes = dtypes_for_real if name == "rfft" else dtypes_for_complex
        for n in sizes:
            for dtype in dtypes:
                yield pytest.param(name, n, dtype, id=f"{name}-{n}-{np.dtype(dtype).name}")


# ---------------------------------------------------------------------------------------------
# the oracle itself
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 8, 17, 100])
def test_reference_matches_scipy(n, rng):
    """The oracles agree with scipy.fft, so a disagreement elsewhere points at fastgrad."""
    x = make_input(rng, (2, n), np.complex128)
    assert_fft_close(reference.dft(x), scipy.fft.fft(x), n)
    assert_fft_close(reference.idft(x, norm="ortho"), scipy.fft.ifft(x, norm="ortho"), n)
    assert_fft_close(reference.rfft(x.real), scipy.fft.rfft(x.real), n)
    assert_fft_close(reference.irfft(x, n=2 * n - 1), scipy.fft.irfft(x, n=2 * n - 1), 2 * n)
    y = make_input(rng, (3, 4, n), np.complex128)
    assert_fft_close(reference.fftn(y, axes=(2, 0)), scipy.fft.fftn(y, axes=(2, 0)), 3 * n)
    assert_fft_close(reference.irfftn(y, s=(5, 6)), scipy.fft.irfftn(y, s=(5, 6)), 30)


# ---------------------------------------------------------------------------------------------
# 1-D transforms on the grid of sizes and dtypes
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "n", "dtype"),
    list(one_d_cases(FFT_DTYPES, FFT_REAL_DTYPES, FFT_SIZES, QUADRATIC_SIZES)),
)
def test_transform_matches_scipy(name, n, dtype, rng):
    x = make_input(rng, input_length(name, n), dtype)
    scipy_name, _ = ONE_D[name]
    result = getattr(fastgrad, name)(x, **transform_kwargs(name, n))
    expected = getattr(scipy.fft, scipy_name)(x, **transform_kwargs(name, n))
    assert result.dtype == result_dtype(name, dtype)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, n)


@pytest.mark.parametrize(
    ("name", "n", "dtype"),
    list(one_d_cases(ORACLE_DTYPES, (np.float32, np.float64), QUADRATIC_SIZES, QUADRATIC_SIZES)),
)
def test_transform_matches_reference(name, n, dtype, rng):
    x = make_input(rng, input_length(name, n), dtype)
    _, oracle = ONE_D[name]
    result = getattr(fastgrad, name)(x, **transform_kwargs(name, n))
    expected = oracle(x, **transform_kwargs(name, n))
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    assert_fft_close(result, expected, n)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("n", fft_sizes(100)[::3])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_norm_matches_scipy_and_reference(name, n, norm, rng):
    dtype = np.float64 if name == "rfft" else np.complex128
    x = make_input(rng, (3, input_length(name, n)), dtype)
    scipy_name, oracle = ONE_D[name]
    kwargs = {**transform_kwargs(name, n), "norm": norm}
    result = getattr(fastgrad, name)(x, **kwargs)
    expected = getattr(scipy.fft, scipy_name)(x, **kwargs)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, n)
    assert_fft_close(result, oracle(x, **kwargs), n)


@pytest.mark.parametrize("n", [1, 5, 8, 12, 16, 23, 64])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_n_crops_and_pads(name, n, rng):
    """n shorter than the input crops it, longer pads it with zeros (irfft: its half spectrum)."""
    dtype = np.float32 if name == "rfft" else np.complex128
    x = make_input(rng, 12, dtype)
    scipy_name, oracle = ONE_D[name]
    result = getattr(fastgrad, name)(x, n=n)
    expected = getattr(scipy.fft, scipy_name)(x, n=n)
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    assert_fft_close(result, expected, n)
    assert_fft_close(result, oracle(x, n=n), n)


@pytest.mark.parametrize("n", [None, 8, 13])
@pytest.mark.parametrize("axis", [0, 1, -1, -2])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_axis_2d_matches_scipy(name, axis, n, rng):
    dtype = np.float64 if name == "rfft" else np.complex128
    x = make_input(rng, (6, 10), dtype)
    scipy_name, oracle = ONE_D[name]
    result = getattr(fastgrad, name)(x, n=n, axis=axis)
    expected = getattr(scipy.fft, scipy_name)(x, n=n, axis=axis)
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    points = expected.shape[axis] if n is None else n
    assert_fft_close(result, expected, points)
    assert_fft_close(result, oracle(x, n=n, axis=axis), points)


@pytest.mark.parametrize("axis", [0, 1, 2, -2])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_axis_3d_matches_scipy(name, axis, rng):
    dtype = np.float32 if name == "rfft" else np.complex64
    x = make_input(rng, (3, 5, 4), dtype)
    scipy_name, _ = ONE_D[name]
    result = getattr(fastgrad, name)(x, axis=axis)
    expected = getattr(scipy.fft, scipy_name)(x, axis=axis)
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    assert_fft_close(result, expected, x.shape[axis])


@pytest.mark.parametrize("n", [c for c in fft_sizes() if c >= 2][::2])
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_ifft_inverts_fft_on_grid(n, dtype, rng):
    x = make_input(rng, n, dtype)
    result = fastgrad.ifft(fastgrad.fft(x))
    assert result.dtype == np.dtype(dtype)
    assert result.shape == x.shape
    assert_fft_close(result, x, n)


@pytest.mark.parametrize("n", [c for c in fft_sizes() if c >= 2][1::2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_irfft_inverts_rfft_on_grid(n, dtype, rng):
    x = make_input(rng, n, dtype)
    result = fastgrad.irfft(fastgrad.rfft(x), n=n)
    assert result.dtype == np.dtype(dtype)
    assert result.shape == x.shape
    assert_fft_close(result, x, n)


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft"])
def test_transform_large_matches_scipy(name, dtype, rng):
    """2^20 points (a small stand-in with the JIT off); rfft gets the real part of the data."""
    n = LARGE_SIZE
    x = make_input(rng, input_length(name, n), dtype)
    if name == "rfft":
        x = x.real
    result = getattr(fastgrad, name)(x, **transform_kwargs(name, n))
    expected = getattr(scipy.fft, name)(x, **transform_kwargs(name, n))
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    assert_fft_close(result, expected, n)


# ---------------------------------------------------------------------------------------------
# 2-D and n-D transforms
# ---------------------------------------------------------------------------------------------

S_AXES_2D = [
    (None, (-2, -1)),
    ((3, 8), (-2, -1)),
    ((4, 6), (0, 2)),
    (None, (2, 0)),
    ((5, 4), (1, 0)),
    ((1, 1), (0, 1)),
]
S_AXES_N = [
    (None, None),
    ((3, 4, 8), None),
    ((8,), None),
    (None, (0,)),
    (None, (2, 0)),
    ((7, 2), (-1, -3)),
    ((2, 9, 3), (1, 2, 0)),
    (None, (1, 2, 0)),
]


def nd_cases():
    for name in N_D:
        cases = S_AXES_2D if name.endswith("2") else S_AXES_N
        for s, axes in cases:
            real = name.startswith("rfft")
            for dtype in (np.float32, np.float64) if real else (np.float32, np.complex128):
                yield pytest.param(name, s, axes, dtype, id=f"{name}-{s}-{axes}-{np.dtype(dtype)}")


def points(shape, axes) -> int:
    """Number of points transformed: the product of the lengths along ``axes``."""
    return int(np.prod([shape[a] for a in axes])) if axes else 1


@pytest.mark.parametrize(("name", "s", "axes", "dtype"), list(nd_cases()))
def test_nd_transform_matches_scipy_and_reference(name, s, axes, dtype, rng):
    x = make_input(rng, (4, 6, 5), dtype)
    scipy_name, oracle = N_D[name]
    kwargs = {"s": s} if axes is None else {"s": s, "axes": axes}
    result = getattr(fastgrad, name)(x, **kwargs)
    expected = getattr(scipy.fft, scipy_name)(x, **kwargs)
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    oracle_axes = axes if axes is not None else (None if s is None else range(-len(s), 0))
    # the transformed lengths: the output's along axes, except irfft's last which is its s
    full_axes = range(x.ndim) if oracle_axes is None else oracle_axes
    n = points(result.shape, list(full_axes))
    assert_fft_close(result, expected, n)
    oracle_kwargs = {"s": s, "axes": None if oracle_axes is None else list(oracle_axes)}
    assert_fft_close(result, oracle(x, **oracle_kwargs), n)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", N_D)
def test_nd_transform_norm_matches_scipy(name, norm, rng):
    dtype = np.float64 if name.startswith("rfft") else np.complex128
    x = make_input(rng, (3, 5, 6), dtype)
    scipy_name, oracle = N_D[name]
    axes = (0, 2) if name.endswith("n") else (-2, -1)
    result = getattr(fastgrad, name)(x, axes=axes, norm=norm)
    expected = getattr(scipy.fft, scipy_name)(x, axes=axes, norm=norm)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    n = points(result.shape, axes)
    assert_fft_close(result, expected, n)
    assert_fft_close(result, oracle(x, axes=axes, norm=norm), n)


@pytest.mark.parametrize("shape", [(7,), (2, 16), (1, 1, 1), (3, 1, 4, 2)])
@pytest.mark.parametrize("name", N_D)
def test_nd_transform_other_ranks_match_scipy(name, shape, rng):
    if name.endswith("2") and len(shape) < 2:
        shape = (5, *shape)
    dtype = np.float64 if name.startswith("rfft") else np.complex128
    x = make_input(rng, shape, dtype)
    scipy_name, _ = N_D[name]
    if name.startswith("irfft"):
        # an irfft of a length-1 last axis gives no output; ask for 3 points instead
        s = [*x.shape[-2:]] if name.endswith("2") else [*x.shape]
        s[-1] = 3
        result = getattr(fastgrad, name)(x, s=s)
        expected = getattr(scipy.fft, scipy_name)(x, s=s)
    else:
        result = getattr(fastgrad, name)(x)
        expected = getattr(scipy.fft, scipy_name)(x)
    assert result.dtype == result_dtype(name, dtype)
    assert result.shape == expected.shape
    assert_fft_close(result, expected, int(np.prod(result.shape)))


@pytest.mark.parametrize("s", [(4, 4), (6, 6), (5, 7), (2, 3), (1, 12)])
def test_irfftn_inverts_rfftn(s, rng):
    x = make_input(rng, (3, *s), np.float64)
    result = fastgrad.irfftn(fastgrad.rfftn(x, axes=(1, 2)), s=s, axes=(1, 2))
    assert result.dtype == np.float64
    assert result.shape == x.shape
    assert_fft_close(result, x, int(np.prod(s)))


def test_ifftn_inverts_fftn(rng):
    x = make_input(rng, (3, 5, 8, 2), np.complex64)
    result = fastgrad.ifftn(fastgrad.fftn(x))
    assert result.dtype == np.complex64
    assert result.shape == x.shape
    assert_fft_close(result, x, x.size)


# ---------------------------------------------------------------------------------------------
# dtypes outside the grid, memory layouts, array-likes
# ---------------------------------------------------------------------------------------------

ALL_NAMES = list(ONE_D) + list(N_D)


def call(name: str, x, **kwargs):
    """Call the fastgrad transform ``name``."""
    return getattr(fastgrad, name)(x, **kwargs)


def scipy_call(name: str, x, **kwargs):
    scipy_name = ONE_D[name][0] if name in ONE_D else N_D[name][0]
    return getattr(scipy.fft, scipy_name)(x, **kwargs)


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int32, np.uint64, np.float16])
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "dft", "fftn", "rfftn"])
def test_transform_promotes_other_dtypes_as_scipy(name, dtype, rng):
    x = make_input(rng, (4, 9), dtype)
    result = call(name, x)
    expected = scipy_call(name, x)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, x.size)


@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble])
@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_longdouble_computed_in_double(name, dtype, rng):
    """longdouble input gives a double-precision result (fastgrad's documented departure)."""
    if name.startswith("rfft") and dtype == np.clongdouble:
        dtype = np.longdouble
    x = make_input(rng, (6, 8), dtype)
    result = call(name, x)
    expected = scipy_call(name, x)  # scipy computes in extended precision
    assert result.dtype == (np.float64 if name.startswith("irfft") else np.complex128)
    assert result.shape == expected.shape
    desired = expected.astype(result.dtype)
    assert_fft_close(result, desired, 8 if name in ONE_D else x.size)


def layouts(rng):
    """(label, array) pairs: views with odd strides and orders, all of complex128."""
    base = make_input(rng, (12, 10), np.complex128)
    return {
        "every-other-row": base[::2],
        "reversed-rows": base[::-1],
        "reversed-cols": base[:, ::-1],
        "strided-cols": base[:, 1::3],
        "fortran": np.asfortranarray(base),
        "transposed": base.T,
        "negative-2d-step": base[::-3, ::-2],
    }


@pytest.mark.parametrize("axis", [0, -1])
@pytest.mark.parametrize(
    "layout",
    [
        "every-other-row",
        "reversed-rows",
        "reversed-cols",
        "strided-cols",
        "fortran",
        "transposed",
        "negative-2d-step",
    ],
)
@pytest.mark.parametrize("name", ONE_D)
def test_transform_non_contiguous_views_match_scipy(name, layout, axis, rng):
    x = layouts(rng)[layout]
    if name == "rfft":
        x = x.real
    result = call(name, x, axis=axis)
    expected = scipy_call(name, x, axis=axis)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, expected.shape[axis])


@pytest.mark.parametrize("name", N_D)
def test_nd_transform_non_contiguous_views_match_scipy(name, rng):
    x = make_input(rng, (5, 8, 6), np.complex128).transpose(2, 0, 1)[::-1, :, ::2]
    if name.startswith("rfft"):
        x = x.real
    result = call(name, x)
    expected = scipy_call(name, x)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, x.size)


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_accepts_read_only_big_endian_and_lists(name, rng):
    real = name.startswith("rfft")
    x = make_input(rng, (4, 6), np.float64 if real else np.complex128)
    read_only = x.copy()
    read_only.flags.writeable = False
    big_endian = x.astype(x.dtype.newbyteorder(">"))
    expected = scipy_call(name, x)
    for variant in (read_only, big_endian, x.tolist()):
        result = call(name, variant)
        assert result.dtype == expected.dtype
        assert result.shape == expected.shape
        assert_fft_close(result, expected, x.size)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "fftn", "rfftn", "irfftn"])
def test_transform_empty_batch_matches_scipy_shape(name):
    """A batch of zero rows is transformed into zero rows (the transformed axis is non-empty)."""
    x = np.zeros((0, 6), dtype=np.float64)
    kwargs = {"axes": (1,)} if name.endswith("n") else {}
    result = call(name, x, **kwargs)
    expected = scipy_call(name, x, **kwargs)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert result.size == 0


# ---------------------------------------------------------------------------------------------
# inputs are left alone; overwrite_x; NaN and Inf
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [None, 7, 16])
@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_leaves_input_unchanged(name, n, rng):
    real = name.startswith("rfft")
    for dtype in (np.float32, np.float64) if real else (np.complex64, np.complex128, np.float64):
        base = make_input(rng, (6, 10), dtype)
        for x in (base, base[:, ::-1], np.asfortranarray(base)):
            before = x.copy()
            if name in ONE_D:
                result = call(name, x, n=n)
            else:
                result = call(name, x, s=None if n is None else (n, n))
            assert result.dtype == result_dtype(name, dtype)
            np.testing.assert_array_equal(x, before)  # untouched, bit for bit


@pytest.mark.parametrize("name", ALL_NAMES)
def test_transform_overwrite_x_gives_the_same_result(name, rng):
    real = name.startswith("rfft")
    x = make_input(rng, (6, 16), np.float64 if real else np.complex128)
    expected = scipy_call(name, x)
    result = call(name, x.copy(), overwrite_x=True)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, x.size)


NONFINITE_REAL = [np.nan, np.inf, -np.inf]
NONFINITE_COMPLEX = [*NONFINITE_REAL, complex(np.nan, 1.0), complex(1.0, np.inf)]


@pytest.mark.parametrize("norm", [None, "forward"])
@pytest.mark.parametrize("n", [2, 8, 17, 100])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_nan_and_inf_propagate_as_in_scipy(name, n, norm, rng):
    """Rows with a NaN or Inf are non-finite where scipy's are; clean rows stay clean."""
    values = NONFINITE_REAL if name == "rfft" else NONFINITE_COMPLEX
    dtype = np.float64 if name == "rfft" else np.complex128
    x = make_input(rng, (len(values) + 1, input_length(name, n)), dtype)
    for row, value in enumerate(values, start=1):
        x[row, row % x.shape[1]] = value
    kwargs = {**transform_kwargs(name, n), "norm": norm}
    result = call(name, x, **kwargs)
    expected = scipy_call(name, x, **kwargs)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert np.isfinite(result[0]).all()
    assert_fft_close(result[0], expected[0], n)
    if name == "irfft":
        # which outputs of a real inverse a NaN reaches depends on the algorithm (scipy keeps
        # a few finite by luck of its twiddles): fastgrad must be non-finite wherever scipy is
        assert not np.isfinite(result[1:])[~np.isfinite(expected[1:])].any()
    else:
        np.testing.assert_array_equal(np.isfinite(result), np.isfinite(expected))


@pytest.mark.parametrize("name", N_D)
def test_nd_transform_nan_propagates_as_in_scipy(name, rng):
    real = name.startswith("rfft")
    x = make_input(rng, (3, 4, 6), np.float64 if real else np.complex128)
    x[1, 2, 3] = np.nan
    result = call(name, x, axes=(1, 2))
    expected = scipy_call(name, x, axes=(1, 2))
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert np.isfinite(result[[0, 2]]).all()
    assert_fft_close(result[[0, 2]], expected[[0, 2]], 24)
    assert not np.isfinite(result[1])[~np.isfinite(expected[1])].any()
    assert not np.isfinite(result[1]).all()


# ---------------------------------------------------------------------------------------------
# frequencies, shifts, fast lengths
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1.0, 0.25, 3])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 10, 17, 100])
def test_fftfreq_matches_reference_and_scipy(n, d):
    for ours, oracle, theirs in (
        (fastgrad.fftfreq, reference.fftfreq, scipy.fft.fftfreq),
        (fastgrad.rfftfreq, reference.rfftfreq, scipy.fft.rfftfreq),
    ):
        result = ours(n, d)
        expected = oracle(n, d)
        assert result.dtype == np.float64
        assert result.shape == expected.shape
        assert_fft_close(result, expected, 1)
        assert_fft_close(result, theirs(n, d), 1)


def test_fftfreq_default_spacing_is_one():
    result = fastgrad.fftfreq(8)
    assert result.dtype == np.float64
    assert result.shape == (8,)
    assert_fft_close(result, reference.fftfreq(8, 1.0), 1)
    assert_fft_close(fastgrad.rfftfreq(8), reference.rfftfreq(8, 1.0), 1)


@pytest.mark.parametrize("axes", [None, 0, 1, -1, (0,), (1, 0), [0, 1]])
@pytest.mark.parametrize("shape", [(5, 6), (4, 7), (1, 3)])
def test_fftshift_matches_reference_and_scipy(shape, axes):
    x = np.arange(int(np.prod(shape))).reshape(shape)
    for ours, oracle, theirs in (
        (fastgrad.fftshift, reference.fftshift, scipy.fft.fftshift),
        (fastgrad.ifftshift, reference.ifftshift, scipy.fft.ifftshift),
    ):
        result = ours(x, axes=axes)
        expected = oracle(x, axes=axes)
        assert result.dtype == x.dtype
        assert result.shape == x.shape
        np.testing.assert_array_equal(result, expected)  # integers: exact
        np.testing.assert_array_equal(result, theirs(x, axes=axes))


@pytest.mark.parametrize("n", [1, 2, 5, 8, 9])
def test_ifftshift_inverts_fftshift(n, rng):
    x = make_input(rng, (n, 3), np.complex128)
    result = fastgrad.ifftshift(fastgrad.fftshift(x))
    assert result.dtype == x.dtype
    assert result.shape == x.shape
    np.testing.assert_array_equal(result, x)  # a permutation: exact


def test_next_fast_len_is_the_next_length_without_padding():
    for target in range(1, 1100):
        for real in (False, True):
            result = fastgrad.next_fast_len(target, real=real)
            assert isinstance(result, int)
            assert result == reference.next_fast_length(target, real=real)
            assert result >= scipy.fft.next_fast_len(target, real=real)
    assert fastgrad.next_fast_len(0) == 0
    assert fastgrad.next_fast_len(1000) == 1000
    assert fastgrad.next_fast_len(1001) == 1024
    assert fastgrad.next_fast_len(1001, real=True) == 1024
    assert fastgrad.next_fast_len(12) == 12
    assert fastgrad.next_fast_len(12, real=True) == 16  # rfft of 12 would run Bluestein on 6
    assert fastgrad.next_fast_len(2**20 + 1) == 1049760  # 2^5 * 3^8 * 5


def test_public_names_are_exported():
    names = [
        *ALL_NAMES,
        "fftfreq",
        "rfftfreq",
        "fftshift",
        "ifftshift",
        "next_fast_len",
    ]
    for name in names:
        assert name in fastgrad.__all__, name
        assert callable(getattr(fastgrad, name)), name
