"""Bad input to the Fourier API: the error type scipy.fft raises (or ValueError/TypeError where the
specification departs from scipy), with a message that names the offending argument, and never a
Numba typing error."""

import os
import re

import numpy as np
import pytest
import scipy.fft
from conftest import make_input

import fastgrad

ONE_D = ["fft", "ifft", "rfft", "irfft", "dft", "idft"]
TWO_D = ["fft2", "ifft2", "rfft2", "irfft2"]
N_D = ["fftn", "ifftn", "rfftn", "irfftn"]
ALL = ONE_D + TWO_D + N_D
REAL_INPUT = {"rfft", "rfft2", "rfftn"}

# Each rule's message names its argument; scipy's own wording is accepted where scipy has one.
N_MESSAGE = r"\bn\b|number of data points"
S_MESSAGE = r"\bs\b|shape|number of data points"
AXIS_MESSAGE = r"\baxis\b|\baxes\b"
AXES_MESSAGE = r"\baxes\b"
NORM_MESSAGE = r"\bnorm\b"
X_MESSAGE = r"\bx\b"
WORKERS_MESSAGE = r"\bworkers\b"


def good_input(name: str, rng, shape=(4, 6)) -> np.ndarray:
    return make_input(rng, shape, np.float64 if name in REAL_INPUT else np.complex128)


def transform(name: str):
    return getattr(fastgrad, name)


@pytest.mark.parametrize("n", [0, -1, -8])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_rejects_n_below_one(name, n, rng):
    with pytest.raises(ValueError, match=N_MESSAGE):
        transform(name)(good_input(name, rng), n=n)


@pytest.mark.parametrize("n", [2.5, 4.0, "4", [4]])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_rejects_non_integer_n(name, n, rng):
    with pytest.raises(TypeError, match=N_MESSAGE):
        transform(name)(good_input(name, rng), n=n)


@pytest.mark.parametrize("n", [np.int32(5), np.int64(5), np.uint8(5)])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_accepts_numpy_integer_n(name, n, rng):
    x = good_input(name, rng)
    result = transform(name)(x, n=n)
    assert result.shape == (4, 5 // 2 + 1 if name == "rfft" else 5)


@pytest.mark.parametrize("norm", ["bad", "Ortho", "", 1, "none"])
@pytest.mark.parametrize("name", ALL)
def test_transform_rejects_unknown_norm(name, norm, rng):
    with pytest.raises(ValueError, match=NORM_MESSAGE):
        transform(name)(good_input(name, rng), norm=norm)


@pytest.mark.parametrize("axis", [2, -3, 100])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_rejects_axis_out_of_range(name, axis, rng):
    # scipy raises IndexError; fastgrad raises numpy's AxisError, both a ValueError and an
    # IndexError, so code written for either keeps working
    with pytest.raises(ValueError, match=AXIS_MESSAGE) as info:
        transform(name)(good_input(name, rng), axis=axis)
    assert isinstance(info.value, IndexError)


@pytest.mark.parametrize("axis", [1.0, "0", None])
@pytest.mark.parametrize("name", ONE_D)
def test_transform_rejects_non_integer_axis(name, axis, rng):
    with pytest.raises(TypeError, match=AXIS_MESSAGE):
        transform(name)(good_input(name, rng), axis=axis)


@pytest.mark.parametrize("axes", [(0, 2), (-3,), (0, 5)])
@pytest.mark.parametrize("name", TWO_D + N_D)
def test_nd_transform_rejects_axes_out_of_range(name, axes, rng):
    if name in TWO_D and len(axes) != 2:
        axes = (axes[0], 1)
    with pytest.raises(ValueError, match=AXIS_MESSAGE):
        transform(name)(good_input(name, rng), axes=axes)


@pytest.mark.parametrize("name", TWO_D)
def test_2d_transform_rejects_1d_input(name, rng):
    with pytest.raises(ValueError, match=AXIS_MESSAGE):
        transform(name)(good_input(name, rng, shape=(8,)))


@pytest.mark.parametrize("axes", [(0, 0), (1, -1), (0, 1, 0)])
@pytest.mark.parametrize("name", TWO_D + N_D)
def test_nd_transform_rejects_duplicate_axes(name, axes, rng):
    if name in TWO_D and len(axes) != 2:
        axes = (0, -2)
    with pytest.raises(ValueError, match=AXES_MESSAGE):
        transform(name)(good_input(name, rng), axes=axes)


@pytest.mark.parametrize(("s", "axes"), [((4, 4, 4), (0, 1)), ((4,), (0, 1)), ((4, 4), (1,))])
@pytest.mark.parametrize("name", TWO_D + N_D)
def test_nd_transform_rejects_s_axes_length_mismatch(name, s, axes, rng):
    with pytest.raises(ValueError, match=r"\bs\b|shape|\baxes\b"):
        transform(name)(good_input(name, rng), s=s, axes=axes)


@pytest.mark.parametrize("name", N_D)
def test_nd_transform_rejects_s_longer_than_ndim(name, rng):
    with pytest.raises(ValueError, match=S_MESSAGE):
        transform(name)(good_input(name, rng), s=(4, 4, 4))


@pytest.mark.parametrize("s", [(4, 0), (-2, 4), (0, 0)])
@pytest.mark.parametrize("name", TWO_D + N_D)
def test_nd_transform_rejects_s_below_one(name, s, rng):
    with pytest.raises(ValueError, match=S_MESSAGE):
        transform(name)(good_input(name, rng), s=s)


@pytest.mark.parametrize("s", [(4, 2.5), ("4", 4)])
@pytest.mark.parametrize("name", TWO_D + N_D)
def test_nd_transform_rejects_non_integer_s(name, s, rng):
    with pytest.raises((TypeError, ValueError), match=S_MESSAGE):
        transform(name)(good_input(name, rng), s=s)


@pytest.mark.parametrize("x", [np.array(1.5), np.complex128(2j), 3.0, 7])
@pytest.mark.parametrize("name", ALL)
def test_transform_rejects_0d_input(name, x):
    if name in REAL_INPUT and np.iscomplexobj(x):
        x = 1.5
    with pytest.raises(ValueError, match=X_MESSAGE):
        transform(name)(x)


BAD_DTYPE_INPUTS = {
    "object": np.array([1.0, 2.0, 3.0, 4.0], dtype=object),
    "str": np.array(["a", "b", "c", "d"]),
    "bytes": np.array([b"a", b"b", b"c", b"d"]),
    "datetime": np.array(["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04"], "M8[D]"),
    "timedelta": np.array([1, 2, 3, 4], dtype="m8[s]"),
    "structured": np.zeros(4, dtype=[("a", "f8"), ("b", "f8")]),
}


@pytest.mark.parametrize("kind", list(BAD_DTYPE_INPUTS))
@pytest.mark.parametrize("name", ALL)
def test_transform_rejects_non_numeric_dtypes(name, kind):
    x = BAD_DTYPE_INPUTS[kind]
    if name in TWO_D:
        x = np.stack([x, x])
    with pytest.raises((TypeError, ValueError), match=X_MESSAGE):
        transform(name)(x)


@pytest.mark.parametrize("name", sorted(REAL_INPUT))
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.clongdouble])
def test_real_transform_rejects_complex_input_as_scipy(name, dtype, rng):
    x = make_input(rng, (4, 6), dtype)
    with pytest.raises(TypeError, match=X_MESSAGE):
        getattr(scipy.fft, name)(x)  # scipy's behaviour, which fastgrad copies
    with pytest.raises(TypeError, match=X_MESSAGE):
        transform(name)(x)


def test_irfft_rejects_a_length_that_gives_no_output(rng):
    # a single input point means the default output length 2*(1 - 1) = 0
    with pytest.raises(ValueError, match=N_MESSAGE):
        fastgrad.irfft(make_input(rng, (3, 1), np.complex128))
    with pytest.raises(ValueError, match=N_MESSAGE):
        fastgrad.irfft(make_input(rng, 5, np.complex128), n=0)


@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "dft", "idft"])
def test_transform_rejects_an_empty_transform_axis(name):
    with pytest.raises(ValueError, match=N_MESSAGE):
        transform(name)(np.zeros((3, 0)))


@pytest.mark.parametrize("name", ALL)
def test_transform_rejects_a_plan_as_scipy(name, rng):
    with pytest.raises(NotImplementedError):
        transform(name)(good_input(name, rng), plan=object())


@pytest.mark.parametrize("workers", [0, -(os.cpu_count() or 1) - 1, -1000])
@pytest.mark.parametrize("name", ALL)
def test_transform_rejects_bad_worker_counts(name, workers, rng):
    with pytest.raises(ValueError, match=WORKERS_MESSAGE):
        transform(name)(good_input(name, rng), workers=workers)


@pytest.mark.parametrize("workers", [1.5, "2"])
@pytest.mark.parametrize("name", ["fft", "rfft", "fftn", "irfftn"])
def test_transform_rejects_non_integer_workers(name, workers, rng):
    with pytest.raises(TypeError, match=WORKERS_MESSAGE):
        transform(name)(good_input(name, rng), workers=workers)


def test_errors_are_not_numba_errors(rng):
    """Sweep the bad inputs once more: whatever is raised must come from fastgrad's checks."""
    import numba.core.errors

    x = good_input("fft", rng)
    calls = [
        lambda: fastgrad.fft(x, n=0),
        lambda: fastgrad.fft(x, n=1.5),
        lambda: fastgrad.fft(x, norm="x"),
        lambda: fastgrad.fft(x, axis=9),
        lambda: fastgrad.fftn(x, axes=(0, 0)),
        lambda: fastgrad.fftn(x, s=(1, 2, 3), axes=(0,)),
        lambda: fastgrad.fft(np.float64(1.0)),
        lambda: fastgrad.fft(BAD_DTYPE_INPUTS["object"]),
        lambda: fastgrad.rfft(x),
        lambda: fastgrad.dft(x, workers=0),
    ]
    for bad_call in calls:
        with pytest.raises((ValueError, TypeError)) as info:
            bad_call()
        assert not isinstance(info.value, numba.core.errors.NumbaError)
        assert "numba" not in str(info.value).lower()


@pytest.mark.parametrize("target", [-3, 2.5, "8"])
def test_next_fast_len_rejects_bad_targets(target):
    with pytest.raises((ValueError, TypeError), match=re.compile("target", re.IGNORECASE)):
        fastgrad.next_fast_len(target)
