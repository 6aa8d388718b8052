"""Numba compile time, apart from run time: the first call of each entry point in a fresh process.

* ``cold``: a fresh process whose ``NUMBA_CACHE_DIR`` is a new empty directory: every kernel the
  call needs is compiled (and written to that cache).
* ``cached``: another fresh process on the same, now warm, cache directory: kernels are loaded
  from disk.
* ``isolated``: each FFT entry point alone in a fresh process with its own empty cache, so that
  it compiles everything it runs (in ``cold``, later entry points reuse the kernels that earlier
  ones compiled): the compile time a user's first transform of that kind pays.

For each entry point the child process times its first call and then its steady-state call
(the minimum of a few); ``first_call - steady`` is the compile (or cache-load) time, reported per
entry point in ``times``, with ``import fastgrad`` alongside. There is no peer, hence no ratios.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from _harness import Case, Config, single_times

_CHILD = r"""
import json, sys, time
start = time.perf_counter()
import numpy as np
import fastgrad
timings = {"import fastgrad": time.perf_counter() - start}
rng = np.random.default_rng(0)
c128 = rng.standard_normal(1024) + 1j * rng.standard_normal(1024)
x64 = rng.standard_normal((32, 64))
w64 = rng.standard_normal((64, 64)) / 8
b64 = np.zeros(64)
net = fastgrad.MLP([64, 30, 10], seed=0)
labels = np.arange(32) % 10
entry_points = {
    "fft complex128": lambda: fastgrad.fft(c128),
    "fft complex64": lambda: fastgrad.fft(c128.astype(np.complex64)),
    "rfft float64": lambda: fastgrad.rfft(c128.real),
    "fft mixed radix n=1000": lambda: fastgrad.fft(c128[:1000]),
    "fft Bluestein n=997": lambda: fastgrad.fft(c128[:997]),
    "rfft odd n=997": lambda: fastgrad.rfft(c128.real[:997]),
    "dft complex128": lambda: fastgrad.dft(c128),
    "dense_forward float64": lambda: fastgrad.dense_forward(x64, w64, b64, "sigmoid"),
    "dense_backward float64": lambda: fastgrad.dense_backward(x64, x64, w64, x64, "sigmoid"),
    "MLP.gradient": lambda: net.gradient(x64, labels),
    "MLP.fit": lambda: net.fit(x64, labels, 1, 8, 0.1, seed=0, progress=False),
}
for name in sys.argv[1:]:
    function = entry_points[name]
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    steady = []
    for _ in range(3):
        start = time.perf_counter()
        function()
        steady.append(time.perf_counter() - start)
    timings[name] = max(first - min(steady), 0.0)
print(json.dumps(timings))
"""

ENTRY_POINTS = (
    "fft complex128",
    "fft complex64",
    "rfft float64",
    "fft mixed radix n=1000",
    "fft Bluestein n=997",
    "rfft odd n=997",
    "dft complex128",
    "dense_forward float64",
    "dense_backward float64",
    "MLP.gradient",
    "MLP.fit",
)
ENTRY_POINTS_QUICK = ("fft complex128", "dense_forward float64")
ISOLATED_ENTRY_POINTS = ENTRY_POINTS[:6]  # the transforms


def _child(cache_dir: str, entry_points: tuple[str, ...]) -> dict:
    import fastgrad

    env = dict(os.environ)
    env["NUMBA_CACHE_DIR"] = cache_dir
    source_root = os.path.dirname(os.path.dirname(os.path.abspath(fastgrad.__file__)))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source_root, env.get("PYTHONPATH")]))
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, *entry_points],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"compile benchmark child failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _total(child: dict) -> float:
    return sum(value for name, value in child.items() if name != "import fastgrad")


def _case(quick: bool) -> Case:
    entry_points = ENTRY_POINTS_QUICK if quick else ENTRY_POINTS
    cold_repeats = 1 if quick else 2
    cached_repeats = 2 if quick else 3

    def run(config: Config) -> dict:
        cold, cached = [], []
        for _ in range(cold_repeats):
            with tempfile.TemporaryDirectory(prefix="fastgrad-numba-cache-") as cache_dir:
                cold.append(_child(cache_dir, entry_points))
                if not cached:  # the warm-cache runs reuse the first cold run's cache
                    cached = [_child(cache_dir, entry_points) for _ in range(cached_repeats)]
        names = list(cold[0])
        times = {}
        for name in names:
            times[f"cold: {name}"] = single_times([child[name] for child in cold])
            times[f"cached: {name}"] = single_times([child[name] for child in cached])
        total_cold = [_total(child) for child in cold]
        total_cached = [_total(child) for child in cached]
        times["cold: all entry points"] = single_times(total_cold)
        times["cached: all entry points"] = single_times(total_cached)
        return {"subject": None, "times": times, "ratios": {}}

    params = {"entry_points": list(entry_points), "cold_runs": cold_repeats}
    params["cached_runs"] = cached_repeats
    return Case("compile/cold_and_cached", "compile", params, run)


def _isolated_case(quick: bool) -> Case:
    entry_points = ENTRY_POINTS_QUICK[:1] if quick else ISOLATED_ENTRY_POINTS
    repeats = 1 if quick else 2

    def run(config: Config) -> dict:
        samples: dict[str, list[float]] = {name: [] for name in entry_points}
        for _ in range(repeats):
            for name in entry_points:
                with tempfile.TemporaryDirectory(prefix="fastgrad-numba-cache-") as cache_dir:
                    samples[name].append(_child(cache_dir, (name,))[name])
        times = {f"isolated: {name}": single_times(values) for name, values in samples.items()}
        return {"subject": None, "times": times, "ratios": {}}

    params = {"entry_points": list(entry_points), "runs": repeats}
    return Case("compile/isolated_cold", "compile", params, run)


def cases(config: Config) -> list[Case]:
    return [_case(config.quick), _isolated_case(config.quick)]


def derive(records: list[dict], config: Config) -> dict:
    derived = {}
    for record in records:
        if record["group"] != "compile":
            continue
        times = record["times"]
        if "cold: all entry points" not in times:
            isolated = [value["median"] for value in times.values()]
            derived["compile_time_isolated_max_s"] = {
                "value": max(isolated),
                "label": "measured (slowest first transform alone in a fresh process, empty cache)",
            }
            continue
        derived["compile_time_cold_s"] = {
            "value": times["cold: all entry points"]["median"],
            "label": "measured (first calls in a fresh process, empty cache)",
        }
        derived["compile_time_cached_s"] = {
            "value": times["cached: all entry points"]["median"],
            "label": "measured (first calls in a fresh process, warm cache)",
        }
    return derived
