"""fastgrad.dask on a dask.distributed LocalCluster: scaling from 1 to 2 worker processes, and
the overhead against the same call in this process.

Two clusters run side by side, one with 1 single-threaded worker process and one with 2; the
data is generated *on* each cluster's workers and persisted there (as data loaded by the workers
would be), so the timings do not include shipping it from this process. Each round times, in
turn: the in-process call (``fastgrad.fft`` / ``MLP.gradient`` on a NumPy array, one thread),
the 1-worker cluster and the 2-worker cluster. Per round, ``scaling = t(1 worker) / t(2
workers)`` and ``overhead = t(cluster) / t(in-process)``; the median and quartiles over the
rounds are reported (the per-round ratios cancel most of the noise of a shared machine).

* ``dask.fft_batch``: a 4096 x 4096 complex128 batch, FFT along the last axis, chunked
  (512, 4096); the result is persisted on the workers (256 MiB: gathering it here would time the
  network, not the FFT).
* ``dask.gradient``: the full-batch gradient of a [64, 30, 10] softmax network over 200,000
  digit-sized examples (64 features), chunked by 12,500; the reduced gradient comes back here.

Usage (self-contained; needs ``pip install fastgrad[dask]``)::

    python perf/bench_dask.py            # full sizes, 7 rounds
    python perf/bench_dask.py --quick    # small sizes, 3 rounds
    python perf/bench_dask.py --worker-profiler on   # Dask's default worker configuration

The workers run with Dask's statistical profiler off unless ``--worker-profiler on``: it samples
each worker thread's stack every 10 ms, and with one single-threaded worker per core each sample
preempts a computing thread (4 alternating runs of each: gradient scaling 1.50-1.62, median
1.57, with it on; 1.61-1.65, median 1.615, off). The setting is recorded in the JSON.

Writes ``perf/results/<date>-<commit>-dask[-quick].json`` (schema as ``perf/run.py``'s) and
prints a summary; ``cases``/``derive`` follow the ``perf/run.py`` module protocol, so the module
can be added to its ``MODULES``.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _harness

import _harness  # noqa: E402  (stdlib only: numpy is not imported yet)
from _harness import Case, Config  # noqa: E402

if __name__ == "__main__":
    _harness.pin_thread_env(1)  # before numpy; the worker processes inherit the environment
    if (_harness.REPO_DIR / "fastgrad" / "__init__.py").is_file():
        sys.path.insert(1, str(_harness.REPO_DIR))

FULL = {"fft_shape": (4096, 4096), "fft_chunk": 512, "n_samples": 200_000, "grad_chunk": 12_500}
QUICK = {"fft_shape": (512, 1024), "fft_chunk": 64, "n_samples": 20_000, "grad_chunk": 2_500}
SIZES = [64, 30, 10]


def _signal_block(seed: int, rows: int, columns: int):
    """A chunk of complex128 signals, made on the worker that will hold it."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return rng.standard_normal((rows, columns)) + 1j * rng.standard_normal((rows, columns))


def _example_block(seed: int, rows: int, columns: int):
    """A chunk of float64 examples, made on the worker that will hold it."""
    import numpy as np

    return np.random.default_rng(seed).standard_normal((rows, columns))


def _placed(client, n_rows: int, chunk: int, make_block, columns: int, dtype, labels=False):
    """A dask array of ``n_rows`` rows made by ``make_block`` chunk by chunk, chunk i on worker
    i mod n_workers (the scheduler's own placement of root tasks can be lopsided, and a 7/9
    split would cap the scaling at 16/9); with ``labels``, also the chunks of ``_labels``,
    each next to its chunk of examples. Returns ``(x, y)``, y None without labels."""
    import dask.array as da
    import distributed
    import numpy as np

    workers = sorted(client.scheduler_info()["workers"])
    x_parts, y_parts, futures = [], [], []
    for i, start in enumerate(range(0, n_rows, chunk)):
        rows = min(chunk, n_rows - start)
        where = {"workers": [workers[i % len(workers)]], "pure": False}
        block = client.submit(make_block, i, rows, columns, **where)
        futures.append(block)
        x_parts.append(da.from_delayed(block, (rows, columns), dtype))
        if labels:
            label_block = client.submit(_labels, block, **where)
            futures.append(label_block)
            y_parts.append(da.from_delayed(label_block, (rows,), np.int64))
    # persisted once, so that the timed computations do not rerun the concatenation's aliases
    arrays = [da.concatenate(x_parts)] + ([da.concatenate(y_parts)] if labels else [])
    with client.as_current():
        arrays = client.persist(arrays)
        distributed.wait(arrays)
    del futures  # the persisted arrays hold the chunks now
    return arrays[0], (arrays[1] if labels else None)


def _labels(x_block):
    """Class labels in [0, 10) made from a chunk of examples (on the worker that holds it)."""
    import numpy as np

    return (np.abs(x_block[:, 0]) * 1e6).astype(np.int64) % SIZES[-1]


def _start_cluster(n_workers: int, profiler: bool):
    """A LocalCluster of ``n_workers`` single-threaded worker processes, Numba's cache loaded
    on each. ``profiler``: keep Dask's statistical profiler on in the workers (its default). It
    samples every worker thread's stack every 10 ms; with as many workers as cores, each
    sample preempts a computing thread (see ``--worker-profiler``)."""
    import logging

    import dask
    import distributed

    import fastgrad

    with dask.config.set({"distributed.worker.profile.enabled": profiler}):  # the nannies pass
        cluster = distributed.LocalCluster(  # their config on to the worker processes
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
    client = distributed.Client(cluster, set_as_default=False)
    client.run(fastgrad.warmup)
    return cluster, client


def _profiler_setting(client) -> bool:
    """Whether the workers' statistical profiler is on (as each worker sees its config)."""

    def enabled():
        import dask

        return bool(dask.config.get("distributed.worker.profile.enabled"))

    return all(client.run(enabled).values())


def _rounds(calls: dict, repeats: int) -> tuple[dict, dict, dict]:
    """Each round times every call once, in order (after one untimed call each). A call may
    return a function (others return None), run after the call's timing and CPU accounting: it
    releases what the call left on the cluster (see :func:`_release`).

    ``calls[name]`` is ``(call, cpu_seconds)``: ``cpu_seconds()`` is the CPU time used so far by
    each process doing the work (this one, or each of the cluster's workers), read before and
    after each call, outside the timed interval. Returns the wall times, the cores the work got
    (all its CPU time / wall time: on a machine shared with other jobs, 2 workers may get far
    less than 2 cores) and the CPU time of the busiest process (the work's critical path if
    every process had a core of its own).
    """
    for call, _ in calls.values():
        release = call()
        if release is not None:
            release()
    times: dict[str, list[float]] = {name: [] for name in calls}
    cores: dict[str, list[float]] = {name: [] for name in calls}
    busiest: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, (call, cpu_seconds) in calls.items():
            cpu_before = cpu_seconds()
            start = time.perf_counter()
            release = call()
            wall = time.perf_counter() - start
            cpu = [after - before for before, after in zip(cpu_before, cpu_seconds(), strict=True)]
            if release is not None:
                release()
            times[name].append(wall)
            cores[name].append(sum(cpu) / wall)
            busiest[name].append(max(cpu))
    return times, cores, busiest


def _release(client, holder: list) -> None:
    """Drop the persisted result in ``holder`` and wait until the scheduler has forgotten its
    chunks and every worker has handled the messages sent before this point (freeing them).

    Untimed: otherwise a worker of one cluster frees its 256 MiB of results (page unmapping, on
    a core) while the next call, on the other cluster, is being timed.
    """
    import distributed

    keys = [future.key for future in distributed.futures_of(holder[0])]
    holder.clear()  # the last references: the client tells the scheduler to release them

    def held(dask_scheduler, keys=keys):
        return sum(key in dask_scheduler.tasks for key in keys)

    deadline = time.monotonic() + 30.0
    while client.run_on_scheduler(held) and time.monotonic() < deadline:
        time.sleep(0.005)
    client.run(lambda: None)  # after the workers' free-keys messages


def _process_cpu_seconds() -> list[float]:
    return [time.process_time()]


def _workers_cpu_seconds(client) -> list[float]:
    used = client.run(time.process_time)
    return [used[worker] for worker in sorted(used)]


def _chunks_per_worker(client, x) -> list[int]:
    """How many chunks of ``x`` each worker holds (the work is balanced if they are equal)."""
    import collections

    holders = collections.Counter(w for workers in client.who_has(x).values() for w in workers)
    return sorted(holders.values())


def _summarize(measured: tuple[dict, dict], placement: dict) -> dict:
    times, cores, busiest = measured

    def summary(values):
        q25, _, q75 = statistics.quantiles(values, n=4, method="inclusive")
        return {"median": statistics.median(values), "q25": q25, "q75": q75}

    def per_round(a: str, b: str) -> list[float]:
        return [x / y for x, y in zip(times[a], times[b], strict=True)]

    ratios = {
        "scaling_1_to_2_workers": per_round("1 worker", "2 workers"),
        "overhead_1_worker": per_round("1 worker", "in-process"),
        "overhead_2_workers": per_round("2 workers", "in-process"),
        # not a measured speedup: what the scaling would be with a free core per worker
        "cpu_critical_path_scaling": [
            a / b for a, b in zip(busiest["1 worker"], busiest["2 workers"], strict=True)
        ],
    }
    return {
        "subject": None,
        "chunks_per_worker": placement,
        "load_average_after": list(os.getloadavg()),
        "times": {name: _harness.single_times(v) for name, v in times.items()},
        "cores_used": {name: summary(v) for name, v in cores.items()},
        "ratios": {name: {**summary(v), "per_round": v} for name, v in ratios.items()},
    }


def _fft_case(sizes: dict, repeats: int, clusters) -> Case:
    def run(config: Config) -> dict:
        import distributed

        import fastgrad
        import fastgrad.dask as fd

        shape, chunk = sizes["fft_shape"], sizes["fft_chunk"]
        local = _signal_block(0, shape[0], shape[1])

        def in_process():
            fastgrad.fft(local)  # the result is dropped (freed) inside the timed call

        calls = {"in-process": (in_process, _process_cpu_seconds)}
        placement = {}
        for name, (_, client) in clusters.items():
            with client.as_current():
                x, _ = _placed(client, shape[0], chunk, _signal_block, shape[1], "complex128")
                placement[name] = _chunks_per_worker(client, x)

                def call(client=client, x=x):
                    with client.as_current():
                        y = client.persist(fd.fft(x))
                        distributed.wait(y)
                    return functools.partial(_release, client, [y])

                calls[name] = (call, functools.partial(_workers_cpu_seconds, client))
        return _summarize(_rounds(calls, repeats), placement)

    params = {"shape": list(sizes["fft_shape"]), "dtype": "complex128", "axis": -1}
    params["chunks"] = [sizes["fft_chunk"], sizes["fft_shape"][1]]
    rows, columns = sizes["fft_shape"]
    return Case(f"dask.fft_batch/{rows}x{columns}", "dask", params, run)


def _gradient_case(sizes: dict, repeats: int, clusters) -> Case:
    def run(config: Config) -> dict:

        import fastgrad
        import fastgrad.dask as fd

        n, chunk = sizes["n_samples"], sizes["grad_chunk"]
        net = fastgrad.MLP(SIZES, loss="softmax_cross_entropy", seed=0)
        x_local = _example_block(0, n, SIZES[0])
        y_local = _labels(x_local)

        def in_process():
            net.gradient(x_local, y_local)

        calls = {"in-process": (in_process, _process_cpu_seconds)}
        placement = {}
        for name, (_, client) in clusters.items():
            with client.as_current():
                x, y = _placed(client, n, chunk, _example_block, SIZES[0], "float64", labels=True)
                placement[name] = _chunks_per_worker(client, x)

                def call(client=client, x=x, y=y):
                    with client.as_current():
                        fd.gradient(net, x, y)

                calls[name] = (call, functools.partial(_workers_cpu_seconds, client))
        return _summarize(_rounds(calls, repeats), placement)

    params = {"sizes": SIZES, "n_samples": sizes["n_samples"], "chunk": sizes["grad_chunk"]}
    params["loss"] = "softmax_cross_entropy"
    return Case(f"dask.gradient/{sizes['n_samples']}x{SIZES[0]}", "dask", params, run)


def cases(config: Config, clusters=None) -> list[Case]:
    """The two benchmarks; ``clusters`` maps "1 worker"/"2 workers" to (cluster, client)."""
    sizes = QUICK if config.quick else FULL
    repeats = 3 if config.quick else 7
    return [_fft_case(sizes, repeats, clusters), _gradient_case(sizes, repeats, clusters)]


def derive(records: list[dict], config: Config) -> dict:
    derived = {}
    for record in records:
        if record["group"] != "dask":
            continue
        key = record["name"].split("/")[0].replace("dask.", "dask_")
        for ratio, value in record["ratios"].items():
            derived[f"{key}_{ratio}"] = {
                "value": value["median"],
                "label": "median over round-robin rounds",
            }
    return derived


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perf/bench_dask.py", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, 3 rounds")
    parser.add_argument(
        "--worker-profiler",
        choices=("off", "on"),
        default="off",
        help="Dask's statistical profiler in the workers (default off; Dask's default is on: "
        "with one single-threaded worker per core its samples preempt the computing threads, "
        "which measured 3%% of the gradient's scaling)",
    )
    args = parser.parse_args(argv)
    import fastgrad

    fastgrad.warmup()  # fill Numba's cache once; the workers load it
    config = Config.for_mode(args.quick)
    profiler = args.worker_profiler == "on"
    clusters = {
        "1 worker": _start_cluster(1, profiler),
        "2 workers": _start_cluster(2, profiler),
    }
    profiler_seen = [_profiler_setting(client) for _, client in clusters.values()]
    started = time.perf_counter()
    load_before = list(os.getloadavg())
    records = []
    try:
        for case in cases(config, clusters):
            print(f"{case.name} ...", file=sys.stderr, flush=True)
            records.append({"name": case.name, "group": case.group, "params": case.params})
            records[-1].update(case.run(config))
    finally:
        for cluster, client in clusters.values():
            client.close()
            cluster.close()
    git = _harness.git_commit()
    import dask
    import distributed

    result = {
        "schema": _harness.SCHEMA,
        "date": _harness.now_utc(),
        "quick": args.quick,
        "machine": _harness.machine(),
        "versions": {
            **_harness.versions({}),
            "dask": dask.__version__,
            "distributed": distributed.__version__,
        },
        "git": git,
        "threads": {name: os.environ.get(name) for name in _harness.THREAD_ENV},
        "protocol": {
            "clusters": "LocalCluster, processes, 1 thread per worker: 1 and 2 workers",
            "worker_profiler": "on" if all(profiler_seen) else "off",
            "rounds": "in-process, 1 worker, 2 workers in turn; data persisted on the workers",
            "ratio": "per round: scaling = t(1 worker) / t(2 workers); "
            "overhead = t(cluster) / t(in-process)",
        },
        "wall_time_s": time.perf_counter() - started,
        "load_average_before": load_before,
        "benchmarks": records,
        "derived": derive(records, config),
    }
    stamp = time.strftime("%Y%m%d-%H%M%S")
    suffix = ("-dask-quick" if args.quick else "-dask") + ("-profiler" if profiler else "")
    out = _harness.RESULTS_DIR / f"{stamp}-{(git['commit'] or 'nogit')[:8]}{suffix}.json"
    _harness.write_json(result, out)
    for record in records:
        print(f"\n{record['name']}  chunks per worker {record['chunks_per_worker']}")
        print(f"  load average (1, 5, 15 min) after: {record['load_average_after']}")
        for name, value in record["times"].items():
            print(f"  {name:<12} median {value['median']:.3f} s  (min {value['min']:.3f} s)")
        for name, value in record["cores_used"].items():
            print(f"  cores used, {name:<12} median {value['median']:.2f}")
        for name, value in record["ratios"].items():
            print(
                f"  {name:<24} {value['median']:.2f}  (quartiles {value['q25']:.2f} to "
                f"{value['q75']:.2f})"
            )
    print(f"\nworker profiler: {result['protocol']['worker_profiler']}; wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
