"""fastgrad.dask on a dask.distributed LocalCluster of 2 worker processes, started and stopped
here: the kernels and the network's parameters travel to other processes, the results equal
fastgrad's in this process, and a worker killed (or a cluster restarted) in the middle of a
computation gives a retried, correct result or a clear error, never a wrong one."""

import os
import signal
import threading
import time
import uuid

import numpy as np
import pytest
from conftest import JIT_DISABLED, assert_fft_close, make_input

import fastgrad

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
fd = pytest.importorskip("fastgrad.dask")

pytestmark = pytest.mark.cluster

#: How long a fault test waits for the computation to reach the point where it strikes.
FAULT_WAIT_S = 120.0
#: Sizes: examples and chunk length of the fault tests, rows of the gradient test, FFT length
#: (smaller with NUMBA_DISABLE_JIT=1, where the workers run the kernels as plain Python).
FAULT_SAMPLES, FAULT_CHUNK = (2_000, 100) if JIT_DISABLED else (120_000, 1_500)
GRADIENT_SAMPLES = 300 if JIT_DISABLED else 3_000
FFT_LENGTH = 64 if JIT_DISABLED else 1_000


@pytest.fixture(scope="module")
def client():
    """A LocalCluster of 2 single-threaded worker processes, and a Client that is the default
    scheduler while the tests of this module run."""
    fastgrad.warmup()  # fills Numba's cache once, so the workers load instead of compiling
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        seconds = client.run(fastgrad.warmup)
        assert len(seconds) == 2 and all(s >= 0.0 for s in seconds.values())
        yield client


def worker_pids(client) -> set[int]:
    return set(client.run(os.getpid).values())


def hold_odd_chunks(block, event_name: str, block_info=None):
    """Runs on a worker: the labels of every odd chunk announce that the gradient is under way
    (``Event(event_name + "-reached")``) and wait for ``Event(event_name)``, set only after the
    fault is injected, so the gradient cannot finish before the fault."""
    if block_info[0]["chunk-location"][0] % 2 == 1:
        distributed.Event(event_name + "-reached").set()
        distributed.Event(event_name).wait(FAULT_WAIT_S)
    return block


def gated(y, event_name: str):
    return y.map_blocks(hold_odd_chunks, event_name, dtype=y.dtype)


def strike_mid_gradient(client, action, event_name: str, record: dict) -> threading.Thread:
    """A thread that waits until the gated gradient is under way (an odd chunk is held back),
    runs ``action()``, then releases the odd chunks; it records when it struck and any
    error."""

    def run():
        try:
            if not distributed.Event(event_name + "-reached", client=client).wait(FAULT_WAIT_S):
                record["error"] = "the gradient never got under way"
                return
            record["struck_at"] = time.monotonic()
            action()
        except BaseException as error:  # reported by the test, in the main thread
            record["error"] = repr(error)
        finally:
            distributed.Event(event_name, client=client).set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_cluster_transforms_match_fastgrad(client, rng):
    n = FFT_LENGTH
    data = make_input(rng, (48, n), np.complex128)
    real = make_input(rng, (48, n), np.float64)
    x, xr = da.from_array(data, chunks=(12, n)), da.from_array(real, chunks=(12, n))
    lazy = [fd.fft(x), fd.ifft(x, n=n - 1, norm="ortho"), fd.rfft(xr), fd.irfft(x, n=n)]
    lazy.append(fd.fftn(x.reshape(48, 8, n // 8).rechunk((12, 8, n // 8)), axes=(1, 2)))
    expected = [
        fastgrad.fft(data),
        fastgrad.ifft(data, n=n - 1, norm="ortho"),
        fastgrad.rfft(real),
        fastgrad.irfft(data, n=n),
        fastgrad.fftn(data.reshape(48, 8, n // 8), axes=(1, 2)),
    ]
    computed = dask.compute(*lazy)  # on the cluster: the Client is the default scheduler
    for got, want, result in zip(computed, expected, lazy, strict=True):
        assert result.dtype == want.dtype and got.dtype == want.dtype
        assert got.shape == want.shape
        assert_fft_close(got, want, n)


def test_cluster_gradient_matches_single_machine_gradient(client, rng):
    net = fastgrad.MLP([64, 30, 10], loss="softmax_cross_entropy", seed=0)
    x = rng.standard_normal((GRADIENT_SAMPLES, 64))
    y = rng.integers(0, 10, GRADIENT_SAMPLES)
    chunk = GRADIENT_SAMPLES // 7
    xd, yd = da.from_array(x, chunks=chunk), da.from_array(y, chunks=chunk)
    grad_weights, grad_biases = fd.gradient(net, xd, yd, split_every=3)
    expected_weights, expected_biases = net.gradient(x, y)
    for got, want in zip(
        grad_weights + grad_biases, expected_weights + expected_biases, strict=True
    ):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-17)
    assert fd.loss(net, xd, yd) == pytest.approx(net.loss(x, y), rel=1e-13)
    assert np.array_equal(fd.predict(net, xd).compute(), net.predict(x))


def test_cluster_gradient_on_persisted_chunks_runs_one_task_per_worker(client, rng):
    """Chunks already held by the workers are grouped by holder (one task per worker thread,
    each where its data is), and the gradient still equals the single-machine one."""
    net = fastgrad.MLP([64, 30, 10], loss="softmax_cross_entropy", seed=0)
    x = rng.standard_normal((GRADIENT_SAMPLES, 64))
    y = rng.integers(0, 10, GRADIENT_SAMPLES)
    chunk = GRADIENT_SAMPLES // 9
    xd, yd = da.from_array(x, chunks=chunk), da.from_array(y, chunks=chunk)
    assert fd._chunk_groups(xd, xd.numblocks[0]) == [[i] for i in range(xd.numblocks[0])]
    xd, yd = client.persist([xd, yd])
    distributed.wait([xd, yd])
    groups = fd._chunk_groups(xd, xd.numblocks[0])
    holders = client.who_has(xd)
    keys = fd._chunk_keys(xd)
    assert sorted(i for group in groups for i in group) == list(range(xd.numblocks[0]))
    assert len(groups) <= 2
    for group in groups:
        assert len({holders[keys[i]][0] for i in group}) == 1
    grad_weights, grad_biases = fd.gradient(net, xd, yd)
    expected_weights, expected_biases = net.gradient(x, y)
    for got, want in zip(
        grad_weights + grad_biases, expected_weights + expected_biases, strict=True
    ):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-17)
    assert fd.loss(net, xd, yd) == pytest.approx(net.loss(x, y), rel=1e-13)


def generated_examples(n_samples: int, chunk: int):
    """Examples made on the workers (so a lost worker also loses its chunks of data, which the
    scheduler must recompute from the graph), the same for any scheduler."""
    x = da.random.default_rng(1).standard_normal((n_samples, 64), chunks=(chunk, 64))
    y = da.random.default_rng(2).integers(0, 10, n_samples, chunks=chunk)
    return x, y


@pytest.mark.parametrize("persisted", [False, True], ids=["computed", "persisted"])
def test_cluster_worker_killed_mid_gradient_is_retried(client, persisted):
    """Also with ``x`` persisted, where a task sums all the chunks one worker holds: the
    killed worker's chunks are recomputed from the graph and its tasks rerun elsewhere."""
    net = fastgrad.MLP([64, 30, 10], loss="softmax_cross_entropy", seed=1)
    x, y = generated_examples(FAULT_SAMPLES, FAULT_CHUNK)
    local_x, local_y = dask.compute(x, y, scheduler="threads")
    if persisted:
        x = client.persist(x)
        distributed.wait(x)
        assert len(fd._chunk_groups(x, x.numblocks[0])) == 2
    expected = net.gradient(local_x, local_y)
    pids = worker_pids(client)
    victim = min(pids)
    record: dict = {}
    event = f"fastgrad-test-{uuid.uuid4()}"
    kill = lambda: os.kill(victim, signal.SIGKILL)  # noqa: E731
    killer = strike_mid_gradient(client, kill, event, record)
    grad_weights, grad_biases = fd.gradient(net, x, gated(y, event))
    returned_at = time.monotonic()
    killer.join(FAULT_WAIT_S)
    assert "error" not in record, record["error"]
    assert record["struck_at"] < returned_at  # the worker died while the gradient ran
    for got, want in zip(grad_weights + grad_biases, expected[0] + expected[1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-17)
    # the nanny replaced the killed process
    deadline = time.monotonic() + FAULT_WAIT_S
    while len(client.scheduler_info()["workers"]) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    new_pids = worker_pids(client)
    assert victim not in new_pids and len(new_pids) == 2


def test_cluster_restart_mid_gradient_raises_then_recovers(client):
    net = fastgrad.MLP([64, 30, 10], loss="softmax_cross_entropy", seed=2)
    x, y = generated_examples(FAULT_SAMPLES, FAULT_CHUNK)
    record: dict = {}
    event = f"fastgrad-test-{uuid.uuid4()}"
    restarter = strike_mid_gradient(client, client.restart, event, record)
    with pytest.raises(distributed.client.FutureCancelledError, match="restart"):
        fd.gradient(net, x, gated(y, event))
    restarter.join(FAULT_WAIT_S)
    assert "error" not in record, record["error"]
    client.run(fastgrad.warmup)
    head = 4 * FAULT_CHUNK
    small_x, small_y = dask.compute(x[:head], y[:head], scheduler="threads")
    grads = fd.gradient(net, x[:head], y[:head])
    expected = net.gradient(small_x, small_y)
    for got, want in zip(grads[0] + grads[1], expected[0] + expected[1], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-17)
