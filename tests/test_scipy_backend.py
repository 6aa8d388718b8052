"""fastgrad.scipy_fft as a scipy.fft backend: calls dispatch to fastgrad (proved bit for bit),
unsupported calls fall back to scipy, and the global backend is restored after each test."""

import numpy as np
import pytest
import scipy.fft
from conftest import assert_fft_close, make_input

import fastgrad

CALLS = [
    ("fft", (8, 1000), {}),
    ("ifft", (8, 1000), {"norm": "ortho"}),
    ("rfft", (8, 1000), {"n": 999}),
    ("irfft", (8, 501), {}),
    ("fft2", (40, 50), {}),
    ("ifft2", (40, 50), {"s": (30, 64)}),
    ("rfft2", (40, 50), {"axes": (1, 0)}),
    ("irfft2", (40, 26), {}),
    ("fftn", (6, 10, 20), {}),
    ("ifftn", (6, 10, 20), {"axes": (0, 2), "norm": "forward"}),
    ("rfftn", (6, 10, 20), {}),
    ("irfftn", (6, 10, 11), {"s": (6, 10, 20)}),
]


def input_for(name: str, shape, rng) -> np.ndarray:
    return make_input(rng, shape, np.float64 if name.startswith("rfft") else np.complex128)


@pytest.fixture
def restore_global_backend():
    """Whatever a test does to the global backend, put scipy's own back afterwards."""
    yield
    scipy.fft.set_global_backend("scipy")


def test_scipy_backend_protocol_attributes():
    assert fastgrad.scipy_fft.__ua_domain__ == "numpy.scipy.fft"
    assert callable(fastgrad.scipy_fft.__ua_function__)


@pytest.mark.parametrize(("name", "shape", "kwargs"), CALLS)
def test_scipy_backend_dispatches_to_fastgrad(name, shape, kwargs, rng):
    """Under set_backend, scipy.fft returns fastgrad's exact bits, which differ from pocketfft's:
    so the computation really went through fastgrad."""
    x = input_for(name, shape, rng)
    ours = getattr(fastgrad, name)(x, **kwargs)
    theirs = getattr(scipy.fft, name)(x, **kwargs)
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        dispatched = getattr(scipy.fft, name)(x, **kwargs)
    assert dispatched.dtype == ours.dtype
    assert dispatched.shape == ours.shape
    np.testing.assert_array_equal(dispatched, ours)  # identity of the computation, not accuracy
    assert not np.array_equal(ours, theirs), "fastgrad and scipy agree bit for bit: no proof"
    assert_fft_close(dispatched, theirs, x.size)


def test_scipy_backend_dispatch_counted_by_a_spy(monkeypatch, rng):
    """A spy on the backend's entry point sees every scipy.fft call made under the backend."""
    seen = []
    original = fastgrad.scipy_fft.__ua_function__

    def spy(method, args, kwargs):
        seen.append(method.__name__)
        return original(method, args, kwargs)

    monkeypatch.setattr(fastgrad.scipy_fft, "__ua_function__", spy)
    x = make_input(rng, 64, np.complex128)
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        result = scipy.fft.fft(x)
        scipy.fft.irfft(x)
    assert result.dtype == np.complex128
    assert seen[:2] == ["fft", "irfft"]
    assert_fft_close(result, scipy.fft.fft(x), 64)


@pytest.mark.parametrize(("name", "shape", "kwargs"), CALLS[:4])
def test_scipy_backend_passes_positional_arguments(name, shape, kwargs, rng):
    x = input_for(name, shape, rng)
    ours = getattr(fastgrad, name)(x, 64, 0, "ortho")
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        dispatched = getattr(scipy.fft, name)(x, 64, 0, "ortho")
    assert dispatched.dtype == ours.dtype
    assert dispatched.shape == ours.shape
    np.testing.assert_array_equal(dispatched, ours)


@pytest.mark.parametrize("dtype", [np.float32, np.float16, np.int64, np.bool_, np.complex64])
def test_scipy_backend_keeps_scipy_dtypes(dtype, rng):
    x = make_input(rng, (3, 100), dtype)
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        result = scipy.fft.fft(x)
        inverse = scipy.fft.irfft(x)
    expected = scipy.fft.fft(x)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, 100)
    assert inverse.dtype == scipy.fft.irfft(x).dtype
    assert_fft_close(inverse, scipy.fft.irfft(x), 198)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: scipy.fft.dct(x.real),
        lambda x: scipy.fft.idst(x.real, type=3),
        lambda x: scipy.fft.hfft(x),
        lambda x: scipy.fft.ihfft(x.real),
        lambda x: scipy.fft.hfft2(x),
        lambda x: scipy.fft.fht(x.real[0], dln=0.1, mu=0.5),
    ],
    ids=["dct", "idst", "hfft", "ihfft", "hfft2", "fht"],
)
def test_scipy_backend_falls_back_for_unsupported_transforms(call, rng):
    x = make_input(rng, (4, 32), np.complex128)
    expected = call(x)
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        result = call(x)
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, 32)


@pytest.mark.parametrize("dtype", [np.longdouble, np.clongdouble])
@pytest.mark.parametrize("name", ["fft", "ifft", "irfft", "fftn", "irfftn"])
def test_scipy_backend_hands_longdouble_back_to_scipy(name, dtype, rng):
    x = make_input(rng, (4, 16), dtype)
    expected = getattr(scipy.fft, name)(x)
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        result = getattr(scipy.fft, name)(x)
    # scipy's extended-precision result, not fastgrad's double one
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert result.dtype.itemsize == expected.dtype.itemsize
    assert_fft_close(result, expected, 64, dtype=np.float64)


def test_scipy_backend_with_only_keeps_fastgrad_errors(rng):
    x = make_input(rng, 16, np.complex128)
    with scipy.fft.set_backend(fastgrad.scipy_fft, only=True):
        with pytest.raises(ValueError, match="norm"):
            scipy.fft.fft(x, norm="sideways")
        with pytest.raises(NotImplementedError):
            scipy.fft.fft(x, plan=object())


def test_scipy_backend_as_global_backend(restore_global_backend, rng):
    x = make_input(rng, (5, 1000), np.complex128)
    ours = fastgrad.fft(x)
    scipy.fft.set_global_backend(fastgrad.scipy_fft)
    dispatched = scipy.fft.fft(x)
    scipy.fft.set_global_backend("scipy")
    assert dispatched.dtype == ours.dtype
    assert dispatched.shape == ours.shape
    np.testing.assert_array_equal(dispatched, ours)
    # the default is back: scipy's own bits again
    assert not np.array_equal(scipy.fft.fft(x), ours)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: scipy.fft.dct(x.real),
        lambda x: scipy.fft.hfft(x),
        lambda x: scipy.fft.fft(x.astype(np.clongdouble)),
    ],
    ids=["dct", "hfft", "clongdouble"],
)
def test_scipy_backend_global_falls_back_for_unsupported_calls(call, restore_global_backend, rng):
    """With fastgrad as the *global* backend, scipy's own backend is no longer the global one;
    registered as a fallback (the documented usage), it still gets what fastgrad does not
    implement, and gives scipy's result."""
    x = make_input(rng, (5, 64), np.complex128)
    expected = call(x)
    scipy.fft.set_global_backend(fastgrad.scipy_fft)
    scipy.fft.register_backend("scipy")
    result = call(x)
    scipy.fft.set_global_backend("scipy")
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert_fft_close(result, expected, 64, dtype=np.float64)


def test_scipy_backend_accepts_array_likes(rng):
    x = make_input(rng, 12, np.float64).tolist()
    with scipy.fft.set_backend(fastgrad.scipy_fft):
        result = scipy.fft.fft(x)
        spectrum = scipy.fft.rfft(x=x)
    assert result.dtype == np.complex128
    assert result.shape == (12,)
    assert_fft_close(result, fastgrad.fft(x), 12)
    assert spectrum.shape == (7,)
    assert_fft_close(spectrum, fastgrad.rfft(x), 12)
