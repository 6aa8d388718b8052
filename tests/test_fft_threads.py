"""Thread safety: the kernels release the GIL and share cached plans, so concurrent calls on
different data must give what the same calls give one after another; ``workers`` must not change
results."""

import os
import threading

import numpy as np
import pytest
import scipy.fft
from conftest import JIT_DISABLED, assert_fft_close, make_input

import fastgrad

N_THREADS = 4
ROUNDS = 3
# Lengths no other test module uses, so the first calls below also race to build the plans
# (twiddle tables, Bluestein chirps) for them: powers of two, odd and prime sizes.
THREAD_SIZES = (
    (8192, 6000, 2**11 + 1, 510) if not JIT_DISABLED else (32, 24, 19, 6),
    (4096, 3001, 1536, 258) if not JIT_DISABLED else (64, 21, 48, 10),
    (2**13, 1023, 4000, 66) if not JIT_DISABLED else (16, 33, 40, 14),
    (2048, 5000, 999, 130) if not JIT_DISABLED else (8, 27, 12, 18),
)


def thread_work(seed: int, sizes) -> list[tuple[str, np.ndarray, dict]]:
    """One thread's calls: (function name, input, keyword arguments)."""
    rng = np.random.default_rng(seed)
    calls = []
    for n in sizes:
        for dtype in (np.complex128, np.complex64):
            x = make_input(rng, (3, n), dtype)
            calls.append(("fft", x, {}))
            calls.append(("ifft", x, {"norm": "ortho"}))
            calls.append(("irfft", x, {"n": 2 * n - 1}))
            calls.append(("rfft", x.real.copy(), {}))
            calls.append(("fftn", x, {"s": (4, n // 2 + 1)}))
        calls.append(("dft", make_input(rng, (2, min(n, 300)), np.complex128), {}))
    return calls


def test_fft_threads_match_serial_calls():
    work = [thread_work(1000 + t, THREAD_SIZES[t]) for t in range(N_THREADS)]
    barrier = threading.Barrier(N_THREADS)
    results: list[list | None] = [None] * N_THREADS
    errors: list[BaseException] = []

    def run(t):
        try:
            barrier.wait()
            out = []
            for _ in range(ROUNDS):
                out.append([getattr(fastgrad, name)(x, **kw) for name, x, kw in work[t]])
            results[t] = out
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # serial calls after the threads, then scipy as an outside check on both
    for t in range(N_THREADS):
        serial = [getattr(fastgrad, name)(x, **kw) for name, x, kw in work[t]]
        for round_results in results[t]:
            for (name, x, kw), threaded, expected in zip(
                work[t], round_results, serial, strict=True
            ):
                assert threaded.dtype == expected.dtype, name
                assert threaded.shape == expected.shape, name
                n = x.shape[-1] if "n" not in kw else kw["n"]
                assert_fft_close(threaded, expected, n)
        for (name, x, kw), expected in zip(work[t], serial, strict=True):
            scipy_name = {"dft": "fft"}.get(name, name)
            assert_fft_close(expected, getattr(scipy.fft, scipy_name)(x, **kw), x.size)


def test_fft_threads_share_one_size_safely(rng):
    """All four threads transform the same fresh length at once (one plan, built once)."""
    n = 24 if JIT_DISABLED else 12345
    inputs = [make_input(rng, (2, n), np.complex128) for _ in range(N_THREADS)]
    barrier = threading.Barrier(N_THREADS)
    results = [None] * N_THREADS

    def run(t):
        barrier.wait()
        results[t] = fastgrad.fft(inputs[t])

    threads = [threading.Thread(target=run, args=(t,)) for t in range(N_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for x, result in zip(inputs, results, strict=True):
        assert result is not None
        assert result.dtype == np.complex128
        assert result.shape == x.shape
        assert_fft_close(result, scipy.fft.fft(x), n)


# (with the JIT off, the long rows shrink to the n <= 128 of the rest of the suite)
WORKER_CASES = [
    ("fft", (64, 100 if JIT_DISABLED else 1000), {}),
    ("ifft", (33, 128), {"norm": "forward"}),
    ("dft", (16, 100), {}),
    ("idft", (16, 30), {"axis": 0}),
    ("rfft", (40, 128 if JIT_DISABLED else 512), {}),
    ("irfft", (40, 65 if JIT_DISABLED else 257), {}),
    ("fft2", (6, 32, 30), {}),
    ("ifftn", (8, 16, 17), {"axes": (0, 2)}),
    ("rfftn", (9, 20, 16), {}),
    ("irfftn", (9, 20, 9), {"s": (9, 20, 16)}),
]


@pytest.mark.parametrize("workers", [2, 4, -1, -2])
@pytest.mark.parametrize(("name", "shape", "kwargs"), WORKER_CASES)
def test_fft_workers_match_one_worker(name, shape, kwargs, workers, rng):
    if workers < 0 and -workers > (os.cpu_count() or 1):
        workers = -1
    real = name.startswith("rfft")
    x = make_input(rng, shape, np.float64 if real else np.complex128)
    one = getattr(fastgrad, name)(x, workers=1, **kwargs)
    default = getattr(fastgrad, name)(x, **kwargs)
    many = getattr(fastgrad, name)(x, workers=workers, **kwargs)
    assert many.dtype == one.dtype == default.dtype
    assert many.shape == one.shape == default.shape
    assert_fft_close(many, one, one.size)
    assert_fft_close(default, one, one.size)
