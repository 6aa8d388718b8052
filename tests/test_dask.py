"""fastgrad.dask on Dask's threaded scheduler: the chunked FFTs equal fastgrad's on the
materialized array, the chunked gradient and loss equal the MLP's on all the data, and bad input
is refused with a message naming the argument. (The same on worker processes:
test_dask_cluster.py.)"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from conftest import assert_fft_close, complex_result_dtype, make_input, real_result_dtype

import fastgrad

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
fd = pytest.importorskip("fastgrad.dask")


@pytest.fixture(autouse=True)
def threaded_scheduler():
    with dask.config.set(scheduler="threads"):
        yield


def chunked(array: np.ndarray, chunks) -> "da.Array":
    return da.from_array(array, chunks=chunks)


# ---------------------------------------------------------------------------------------------
# importing
# ---------------------------------------------------------------------------------------------


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_fastgrad_does_not_import_dask():
    result = run_python(
        "import sys, fastgrad\n"
        "loaded = sorted(m for m in sys.modules if m == 'dask' or m.startswith('dask.')\n"
        "                or m == 'distributed' or m.startswith('distributed.'))\n"
        "print(loaded)\n"
        "assert not loaded, loaded\n"
        "assert callable(fastgrad.warmup)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_import_fastgrad_dask_without_dask_names_the_extra():
    result = run_python(
        "import sys\n"
        "sys.modules['dask'] = None  # as if Dask were not installed\n"
        "try:\n"
        "    import fastgrad.dask\n"
        "except ImportError as error:\n"
        "    print(error)\n"
        "else:\n"
        "    raise SystemExit('no ImportError')\n"
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "pip install fastgrad[dask]" in result.stdout


# ---------------------------------------------------------------------------------------------
# FFTs
# ---------------------------------------------------------------------------------------------

ROWS, LENGTH = 7, 24  # rows chunked (3, 3, 1); the transform axis is whole
DTYPES = (np.float32, np.float64, np.complex64, np.complex128, np.int64)


def expected_chunks(x_chunks, axis: int, length: int) -> tuple:
    chunks = list(x_chunks)
    chunks[axis] = (length,)
    return tuple(chunks)


def check_against_fastgrad(result, expected, source, n_points: int) -> None:
    """dtype, shape and chunks of the lazy array, then the computed values."""
    assert result.dtype == expected.dtype
    assert result.shape == expected.shape
    assert sum(result.chunks[0]) == expected.shape[0]
    computed = result.compute()
    assert isinstance(computed, np.ndarray)
    assert computed.dtype == expected.dtype
    assert computed.shape == expected.shape
    assert_fft_close(computed, expected, n_points)


KINDS_AND_DTYPES = [
    (kind, dtype)
    for kind in ("fft", "ifft", "rfft")
    for dtype in DTYPES
    if not (kind == "rfft" and np.dtype(dtype).kind == "c")  # rfft takes real input
]


@pytest.mark.parametrize(("kind", "dtype"), KINDS_AND_DTYPES)
@pytest.mark.parametrize("n", [None, 16, 31])
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_transform_matches_fastgrad(rng, kind, dtype, n, norm):
    data = make_input(rng, (ROWS, LENGTH), dtype)
    x = chunked(data, (3, LENGTH))
    result = getattr(fd, kind)(x, n=n, norm=norm)
    expected = getattr(fastgrad, kind)(data, n=n, norm=norm)
    length = LENGTH if n is None else n
    assert expected.dtype == complex_result_dtype(dtype)
    out_length = length // 2 + 1 if kind == "rfft" else length
    assert result.chunks == ((3, 3, 1), (out_length,))
    check_against_fastgrad(result, expected, data, length)


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.float64])
@pytest.mark.parametrize("n", [None, 10, 31])
def test_irfft_matches_fastgrad(rng, dtype, n):
    data = make_input(rng, (ROWS, LENGTH), dtype)
    x = chunked(data, (3, LENGTH))
    result = fd.irfft(x, n=n, norm="ortho")
    expected = fastgrad.irfft(data, n=n, norm="ortho")
    length = 2 * (LENGTH - 1) if n is None else n
    assert expected.dtype == real_result_dtype(dtype)
    assert result.chunks == ((3, 3, 1), (length,))
    check_against_fastgrad(result, expected, data, length)


@pytest.mark.parametrize("kind", ["fft", "ifft", "rfft", "irfft"])
def test_transform_along_axis_0_keeps_other_chunks(rng, kind):
    data = make_input(rng, (20, 9, 4), np.float64 if kind == "rfft" else np.complex128)
    x = chunked(data, (20, 4, 2))
    result = getattr(fd, kind)(x, axis=0)
    expected = getattr(fastgrad, kind)(data, axis=0)
    assert result.chunks[1:] == ((4, 4, 1), (2, 2))
    assert result.chunks[0] == (expected.shape[0],)
    computed = result.compute()
    assert computed.dtype == expected.dtype
    assert_fft_close(computed, expected, 20)


@pytest.mark.parametrize("kind", ["fftn", "ifftn"])
@pytest.mark.parametrize(("s", "axes"), [(None, (1, 2)), ((5, 12), (1, 2)), ((6,), (-1,))])
def test_transform_nd_over_whole_axes_matches_fastgrad(rng, kind, s, axes):
    data = make_input(rng, (5, 6, 8), np.complex128)
    x = chunked(data, (2, 6, 8))
    result = getattr(fd, kind)(x, s=s, axes=axes)
    expected = getattr(fastgrad, kind)(data, s=s, axes=axes)
    assert result.chunks[0] == (2, 2, 1)
    assert result.shape == expected.shape
    computed = result.compute()
    assert computed.dtype == expected.dtype
    assert_fft_close(computed, expected, int(np.prod(expected.shape[1:])))


@pytest.mark.parametrize("kind", ["fft2", "ifft2"])
def test_transform_2d_matches_fastgrad(rng, kind):
    data = make_input(rng, (4, 6, 10), np.float32)
    result = getattr(fd, kind)(chunked(data, (1, 6, 10)), norm="ortho")
    expected = getattr(fastgrad, kind)(data, norm="ortho")
    assert result.dtype == expected.dtype == np.complex64
    assert result.chunks == ((1, 1, 1, 1), (6,), (10,))
    assert_fft_close(result.compute(), expected, 60)


def test_transform_propagates_nan_like_fastgrad(rng):
    data = make_input(rng, (6, 16), np.complex128)
    data[4, 3] = np.nan
    computed = fd.fft(chunked(data, (3, 16))).compute()
    expected = fastgrad.fft(data)
    assert np.array_equal(np.isnan(computed), np.isnan(expected))
    assert np.isnan(computed[4]).all()
    finite_rows = [0, 1, 2, 3, 5]
    assert_fft_close(computed[finite_rows], expected[finite_rows], 16)


def test_transform_of_split_axis_rechunks_with_warning(rng):
    data = make_input(rng, (6, 40), np.complex128)
    x = chunked(data, (2, 15))
    with pytest.warns(fd.RechunkWarning, match=r"axis 1 \(3 chunks\)") as record:
        result = fd.fft(x)
    assert record[0].filename == __file__  # the warning points at the caller's line
    assert result.chunks == ((2, 2, 2), (40,))
    assert_fft_close(result.compute(), fastgrad.fft(data), 40)


def test_transform_nd_names_every_split_axis(rng):
    x = chunked(make_input(rng, (4, 6, 8), np.float64), (4, 3, 4))
    with pytest.warns(fd.RechunkWarning, match=r"axis 1 \(2 chunks\), axis 2 \(2 chunks\)"):
        result = fd.fftn(x, axes=(1, 2))
    assert result.chunks == ((4,), (6,), (8,))
    with pytest.warns(fd.RechunkWarning, match=r"^fastgrad\.dask\.ifft2: x is split .* axis 2"):
        fd.ifft2(x.rechunk((4, 6, 4)))


def test_transform_of_split_axis_refused_without_rechunk(rng):
    x = chunked(make_input(rng, (6, 40), np.float64), (6, 15))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RechunkWarning either
        with pytest.raises(ValueError, match=r"axis 1 \(3 chunks\).*rechunk=True"):
            fd.rfft(x, rechunk=False)
        with pytest.raises(ValueError, match=r"axis 0 \(3 chunks\)"):
            fd.ifftn(x.rechunk((2, 40)), axes=(0, 1), rechunk=False)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda x: fd.fft(np.ones(8)), TypeError, r"x must be a dask\.array\.Array.*numpy"),
        (lambda x: fd.fftn([1.0, 2.0]), TypeError, r"x must be a dask\.array\.Array"),
        (lambda x: fd.fft(x.astype("U3")), TypeError, "x must be an array of numbers"),
        (lambda x: fd.fft(da.ones(())), ValueError, "at least 1-D"),
        (lambda x: fd.rfft(x.astype(complex)), TypeError, "x must be a real sequence"),
        (lambda x: fd.fft(x, n=0), ValueError, r"Invalid number of data points \(0\)"),
        (lambda x: fd.fft(x, n=2.5), TypeError, "n must be an integer"),
        (lambda x: fd.irfft(x[:, :1]), ValueError, r"Invalid number of data points \(0\)"),
        (lambda x: fd.ifft(x, axis=2), np.exceptions.AxisError, "axis"),
        (lambda x: fd.fft(x, norm="none"), ValueError, "Invalid norm value"),
        (lambda x: fd.fft(x, workers=0), ValueError, "workers must not be zero"),
        (lambda x: fd.fft(x, plan=object()), NotImplementedError, "plan"),
        (lambda x: fd.fft(x, rechunk="no"), TypeError, "rechunk must be True or False"),
        (lambda x: fd.fftn(x, axes=(1, 1)), ValueError, "axes must be unique"),
        (lambda x: fd.fft(x[x[:, 0] > 0], axis=0), ValueError, "x has unknown chunk sizes"),
        (lambda x: fd.fft(x[x[:, 0] > 0], axis=1).compute(), None, None),
    ],
)
def test_transform_bad_input_names_the_argument(call, error, match):
    x = chunked(np.arange(24.0).reshape(4, 6), (2, 6))
    if error is None:  # unknown chunk sizes along a batch axis are fine
        result = call(x)
        assert result.shape == (3, 6) and result.dtype == np.complex128
        return
    with pytest.raises(error, match=match):
        call(x)


def test_transform_never_overwrites_the_input(rng):
    data = make_input(rng, (4, 16), np.complex128)
    before = data.copy()
    fd.fft(chunked(data, (2, 16)), overwrite_x=True).compute()
    fd.ifftn(chunked(data, (2, 16)), axes=(1,), overwrite_x=True).compute()
    assert np.array_equal(data, before)


# ---------------------------------------------------------------------------------------------
# networks
# ---------------------------------------------------------------------------------------------

N_SAMPLES = 203
CHUNKS = (50, 50, 50, 50, 3)  # uneven, and a tiny last chunk
NETWORKS = [
    dict(sizes=[8, 6, 4], loss="softmax_cross_entropy", activation="tanh"),
    dict(sizes=[8, 5, 3, 4], loss="cross_entropy", activation="relu"),
    dict(sizes=[8, 4], loss="quadratic", activation="sigmoid"),
]


def make_data(rng, net, labels: bool, dtype=np.float64):
    x = rng.standard_normal((N_SAMPLES, net.sizes[0])).astype(dtype)
    y = rng.integers(0, net.sizes[-1], N_SAMPLES)
    if not labels:
        y = rng.random((N_SAMPLES, net.sizes[-1])).astype(dtype)
    return x, y


def assert_same_gradient(actual, expected, rtol):
    for got, want in zip(actual[0] + actual[1], expected[0] + expected[1], strict=True):
        assert got.dtype == want.dtype
        assert got.shape == want.shape
        scale = max(float(np.abs(want).max()), 1e-30)
        assert float(np.abs(got - want).max()) <= rtol * scale


@pytest.mark.parametrize("spec", NETWORKS)
@pytest.mark.parametrize("labels", [True, False])
@pytest.mark.parametrize("split_every", [None, 2])
def test_gradient_matches_whole_batch_gradient(rng, spec, labels, split_every):
    net = fastgrad.MLP(**spec, seed=1)
    x, y = make_data(rng, net, labels)
    y_chunks = CHUNKS if labels else (CHUNKS, net.sizes[-1])
    grads = fd.gradient(net, chunked(x, (CHUNKS, 8)), chunked(y, y_chunks), split_every=split_every)
    expected = net.gradient(x, y)
    assert isinstance(grads, tuple) and len(grads) == 2
    assert all(isinstance(g, np.ndarray) for g in grads[0] + grads[1])
    assert_same_gradient(grads, expected, rtol=1e-12)
    loss = fd.loss(net, chunked(x, (CHUNKS, 8)), chunked(y, y_chunks), split_every=split_every)
    assert isinstance(loss, float)
    assert loss == pytest.approx(net.loss(x, y), rel=1e-13)


def test_gradient_of_a_float32_network(rng):
    net = fastgrad.MLP([8, 6, 4], loss="softmax_cross_entropy", dtype=np.float32, seed=2)
    x, y = make_data(rng, net, labels=True, dtype=np.float32)
    grads = fd.gradient(net, chunked(x, 50), chunked(y, 50))
    expected = net.gradient(x, y)
    assert grads[0][0].dtype == np.float32
    assert_same_gradient(grads, expected, rtol=2e-5)


def test_gradient_merges_split_columns_and_one_chunk_is_exact(rng):
    net = fastgrad.MLP(**NETWORKS[0], seed=3)
    x, y = make_data(rng, net, labels=False)
    grads = fd.gradient(net, chunked(x, (N_SAMPLES, 3)), chunked(y, (N_SAMPLES, 2)))
    expected = net.gradient(x, y)
    assert_same_gradient(grads, expected, rtol=1e-14)


def test_chunks_run_one_per_task_without_a_blocking_distributed_client(rng, monkeypatch):
    """Grouping by holder needs a synchronous dask.distributed client: Dask's threads, and an
    asynchronous client (whose queries return awaitables), keep one task per chunk."""
    x = chunked(rng.standard_normal((N_SAMPLES, 4)), 64)
    singles = [[i] for i in range(x.numblocks[0])]
    assert fd._chunk_groups(x, x.numblocks[0]) == singles  # Dask's threads

    class AsyncClient:
        asynchronous = True

        def who_has(self, *args):  # pragma: no cover - must not be called
            raise AssertionError("queried an asynchronous client")

        def get(self, *args):  # pragma: no cover - only its __self__ is looked at
            raise AssertionError

    monkeypatch.setattr(fd, "get_scheduler", lambda: AsyncClient().get)
    assert fd._chunk_groups(x, x.numblocks[0]) == singles


def test_gradient_does_not_modify_the_network(rng):
    net = fastgrad.MLP(**NETWORKS[1], seed=4)
    before = [p.copy() for p in net.weights + net.biases]
    x, y = make_data(rng, net, labels=True)
    fd.gradient(net, chunked(x, 64), chunked(y, 64))
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights + net.biases, strict=True))


def test_forward_and_predict_map_over_chunks(rng):
    net = fastgrad.MLP(**NETWORKS[0], seed=5)
    x, _ = make_data(rng, net, labels=True)
    out = fd.forward(net, chunked(x, (CHUNKS, 8)))
    assert out.dtype == np.float64 and out.chunks == (CHUNKS, (4,))
    np.testing.assert_allclose(out.compute(), net.forward(x), rtol=1e-14, atol=0)
    classes = fd.predict(net, chunked(x, (CHUNKS, 8)))
    assert classes.chunks == (CHUNKS,)
    computed = classes.compute()
    assert computed.dtype == np.int64
    assert np.array_equal(computed, net.predict(x))


def test_fit_equals_full_batch_descent_on_one_machine(rng):
    net = fastgrad.MLP(**NETWORKS[0], seed=6)
    twin = fastgrad.MLP(**NETWORKS[0], seed=6)
    x, y = make_data(rng, net, labels=True)
    history = fd.fit(net, chunked(x, 40), chunked(y, 40), steps=5, learning_rate=0.5)
    losses = []
    for _ in range(5):
        losses.append(twin.loss(x, y))
        grad_weights, grad_biases = twin.gradient(x, y)
        twin.weights = [w - 0.5 * g for w, g in zip(twin.weights, grad_weights, strict=True)]
        twin.biases = [b - 0.5 * g for b, g in zip(twin.biases, grad_biases, strict=True)]
    assert len(history["loss"]) == 5
    np.testing.assert_allclose(history["loss"], losses, rtol=1e-12)
    assert history["loss"][-1] < history["loss"][0]
    for got, want in zip(net.weights + net.biases, twin.weights + twin.biases, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-11, atol=1e-14)


def test_fit_that_diverges_raises_and_keeps_the_parameters(rng):
    net = fastgrad.MLP([8, 4], loss="quadratic", activation="identity", seed=7)
    x, y = make_data(rng, net, labels=False)
    x *= 1e100
    before = [p.copy() for p in net.weights + net.biases]
    # the synchronous scheduler runs the chunks in this thread, where errstate applies: under
    # NUMBA_DISABLE_JIT=1 the kernels run on NumPy scalars, which warn on overflow
    with (
        dask.config.set(scheduler="sync"),
        np.errstate(all="ignore"),
        pytest.raises(FloatingPointError, match="diverged at step") as info,
    ):
        fd.fit(net, chunked(x, 64), chunked(y, (64, 4)), steps=10, learning_rate=1.0)
    losses = info.value.history["loss"]
    assert 1 <= len(losses) < 10 and np.isfinite(losses).all()  # a first finite step, then Inf
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)
    assert not all(
        np.array_equal(a, b) for a, b in zip(before, net.weights + net.biases, strict=True)
    )


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda net, x, y: (net, x.compute(), y), TypeError, r"x must be a dask\.array\.Array"),
        (lambda net, x, y: (net, x, y.compute()), TypeError, r"y must be a dask\.array\.Array"),
        (lambda net, x, y: ("net", x, y), TypeError, "mlp must be a fastgrad.MLP"),
        (lambda net, x, y: (net, x[:, :5], y), ValueError, "x must have 8 columns"),
        (lambda net, x, y: (net, x[:, :, None], y), ValueError, "x must be 2-D"),
        (lambda net, x, y: (net, x.astype(complex), y), TypeError, "x must be an array of real"),
        (lambda net, x, y: (net, x, y[:-1]), ValueError, "y must have 203 labels"),
        (lambda net, x, y: (net, x, y.astype(float)), TypeError, "y with one dimension"),
        (lambda net, x, y: (net, x, da.ones((203, 3), chunks=50)), ValueError, r"y must have sh"),
        (lambda net, x, y: (net, x, y.rechunk(64)), ValueError, "y must be chunked like x"),
        (lambda net, x, y: (net, x[:0], y[:0]), ValueError, "x must not be empty"),
        (lambda net, x, y: (net, x[x[:, 0] > 0], y), ValueError, "x has unknown chunk sizes"),
    ],
)
def test_gradient_bad_input_names_the_argument(rng, make, error, match):
    net = fastgrad.MLP(**NETWORKS[0], seed=8)
    x, y = make_data(rng, net, labels=True)
    args = make(net, chunked(x, (CHUNKS, 8)), chunked(y, CHUNKS))
    for func in (fd.gradient, fd.loss):
        with pytest.raises(error, match=match):
            func(*args)


def test_gradient_bad_keywords_raise(rng):
    net = fastgrad.MLP(**NETWORKS[0], seed=9)
    x, y = make_data(rng, net, labels=True)
    x, y = chunked(x, 50), chunked(y, 50)
    with pytest.raises(ValueError, match="split_every must be >= 2"):
        fd.gradient(net, x, y, split_every=1)
    with pytest.raises(ValueError, match="steps must be >= 1"):
        fd.fit(net, x, y, steps=0, learning_rate=0.1)
    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        fd.fit(net, x, y, steps=1, learning_rate=-1.0)
    with pytest.raises(ValueError, match="x must have 8 columns"):
        fd.predict(net, x[:, :2])
    with pytest.raises(TypeError, match=r"x must be a dask\.array\.Array"):
        fd.forward(net, x.compute())


def test_gradient_with_nan_raises_when_computed(rng):
    net = fastgrad.MLP(**NETWORKS[0], seed=10)
    x, y = make_data(rng, net, labels=True)
    x[170, 2] = np.nan
    with pytest.raises(ValueError, match="x must be finite"):
        fd.gradient(net, chunked(x, 50), chunked(y, 50))
    y[3] = 4  # out of range for 4 outputs
    with pytest.raises(ValueError, match=r"y labels must be in \[0, 4\)"):
        fd.loss(net, chunked(np.nan_to_num(x), 50), chunked(y, 50))


def test_warmup_returns_its_duration():
    seconds = fastgrad.warmup()
    assert isinstance(seconds, float) and seconds >= 0.0
