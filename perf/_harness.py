"""Shared machinery of the benchmarks: thread pinning, round-robin timing, ratios, run metadata.

Protocol (CONTRIBUTING.md, "Performance protocol"): every benchmark times fastgrad and its peers
in the same process, round-robin (A B C A B C ...), after a warm-up call of each that absorbs
Numba compilation and plan building; each sample is the mean of ``number`` back-to-back calls
(calibrated so a sample lasts at least ``min_sample`` seconds); the minimum, median and
quartiles over the samples are kept, and the *ratio* of each peer to the subject is computed
per round (the two were measured seconds apart, so machine noise mostly cancels) and summarized
by its median and quartiles. Ratios, not absolute times, are what ``compare.py`` compares.
"""

from __future__ import annotations

import datetime
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PERF_DIR = Path(__file__).resolve().parent
REPO_DIR = PERF_DIR.parent
RESULTS_DIR = PERF_DIR / "results"

# Environment variables that size the thread pools of BLAS, OpenMP and Numba. They must be set
# before numpy/numba are imported (run.py does it first thing).
THREAD_ENV = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMBA_NUM_THREADS",
)

SCHEMA = "fastgrad-perf/1"


def pin_thread_env(threads: int = 1) -> None:
    """Set every thread-count variable to ``threads`` (call before importing numpy)."""
    for name in THREAD_ENV:
        os.environ[name] = str(threads)


# ---------------------------------------------------------------------------------------------
# configuration and cases
# ---------------------------------------------------------------------------------------------


@dataclass
class Config:
    """What a run measures and how long it may spend on each case."""

    quick: bool = False
    min_sample: float = 0.005  # seconds per sample (number of calls calibrated to reach it)
    budget: float = 1.0  # seconds per case, warm-up excluded; at least min_repeats rounds run
    max_repeats: int = 31
    min_repeats: int = 3
    max_log2: int = 22  # largest FFT size 2^max_log2 (FFTW_MEASURE planning is slow up there)
    peers: dict = field(default_factory=dict)  # name -> module, for the optional peers found
    notes: list = field(default_factory=list)  # things skipped and why

    @classmethod
    def for_mode(cls, quick: bool) -> Config:
        if quick:
            return cls(quick=True, min_sample=0.001, budget=0.06, max_repeats=7, min_repeats=3)
        return cls(quick=False, min_sample=0.005, budget=1.0, max_repeats=31, min_repeats=5)


@dataclass
class Case:
    """One benchmark: ``run(config)`` returns the measured part of its record."""

    name: str
    group: str
    params: dict
    run: Callable[[Config], dict]


# ---------------------------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------------------------


def _summary(samples: list[float]) -> dict:
    if len(samples) > 1:
        q25, _, q75 = statistics.quantiles(samples, n=4, method="inclusive")
    else:
        q25 = q75 = samples[0]
    return {
        "min": min(samples),
        "median": statistics.median(samples),
        "q25": q25,
        "q75": q75,
    }


def _sample(function: Callable[[], object], number: int) -> float:
    start = time.perf_counter()
    for _ in range(number):
        function()
    return (time.perf_counter() - start) / number


def round_robin(
    functions: dict[str, Callable[[], object]],
    config: Config,
    *,
    subject: str,
    budget: float | None = None,
    max_repeats: int | None = None,
    min_sample: float | None = None,
) -> dict:
    """Time ``functions`` round-robin and return ``{"times": ..., "ratios": ...}``.

    Parameters
    ----------
    functions : dict of str to callable
        No-argument callables doing the same work; the first is run first in every round.
    config : Config
    subject : str
        The key of the implementation under test (fastgrad). Each other key gets a ratio
        ``time(other) / time(subject)`` per round: above 1 means the subject is faster.
    budget : float, optional
        Seconds for the timed rounds, instead of ``config.budget``.
    max_repeats : int, optional
        At most this many rounds, instead of ``config.max_repeats``.
    min_sample : float, optional
        Seconds per sample, instead of ``config.min_sample``. Multi-threaded cases need long
        samples on a virtual machine: a core left idle during the other libraries' calls is
        halted, and waking it costs the next multi-threaded call about a millisecond
        (fastgrad's workers=2 on 1024 x 1024 measured 2.9 ms a call with a 50 ms pause before
        each sample, 1.8 ms back to back).

    Returns
    -------
    dict
        ``times[name]``: min, median, q25, q75 (seconds per call), number (calls per sample),
        repeats (samples); ``ratios[name]``: median, q25, q75 of the per-round ratios and
        ``min_ratio`` (ratio of the minima).
    """
    budget = config.budget if budget is None else budget
    min_sample = config.min_sample if min_sample is None else min_sample
    max_repeats = config.max_repeats if max_repeats is None else max_repeats
    numbers, first = {}, {}
    for name, function in functions.items():
        # warm-up: compilation, plans, caches, first-touch of the buffers
        warm_up = _sample(function, 1)
        # a call of seconds is its own estimate (an overestimate if it compiled: harmless)
        first[name] = warm_up if warm_up > 2.0 else _sample(function, 1)
        numbers[name] = max(1, math.ceil(min_sample / max(first[name], 1e-9)))
    round_cost = sum(first[name] * numbers[name] for name in functions)
    repeats = int(budget / max(round_cost, 1e-9))
    repeats = max(min(config.min_repeats, max_repeats), min(max_repeats, repeats))
    samples: dict[str, list[float]] = {name: [] for name in functions}
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(repeats):
            for name, function in functions.items():
                samples[name].append(_sample(function, numbers[name]))
    finally:
        if gc_was_enabled:
            gc.enable()
    times = {
        name: {**_summary(values), "number": numbers[name], "repeats": repeats}
        for name, values in samples.items()
    }
    ratios = {}
    for name in functions:
        if name == subject:
            continue
        per_round = [
            other / mine for other, mine in zip(samples[name], samples[subject], strict=True)
        ]
        summary = _summary(per_round)
        ratios[name] = {
            "median": summary["median"],
            "q25": summary["q25"],
            "q75": summary["q75"],
            "min_ratio": times[name]["min"] / times[subject]["min"],
        }
    return {"subject": subject, "times": times, "ratios": ratios}


def single_times(samples: list[float]) -> dict:
    """The summary of a list of times measured one by one (e.g. fresh processes)."""
    return {**_summary(samples), "number": 1, "repeats": len(samples)}


# ---------------------------------------------------------------------------------------------
# fits for the derived figures
# ---------------------------------------------------------------------------------------------


def loglog_fit(xs: list[float], ys: list[float]) -> tuple[float, float]:
    """Least-squares line through ``(log x, log y)``: returns ``(slope, intercept)``."""
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mean_x, mean_y = statistics.fmean(lx), statistics.fmean(ly)
    sxx = sum((v - mean_x) ** 2 for v in lx)
    if sxx == 0:
        return float("nan"), float("nan")
    slope = sum((u - mean_x) * (v - mean_y) for u, v in zip(lx, ly, strict=True)) / sxx
    return slope, mean_y - slope * mean_x


# ---------------------------------------------------------------------------------------------
# run metadata
# ---------------------------------------------------------------------------------------------


def cpu_model() -> str:
    """The CPU model name (Linux /proc/cpuinfo, macOS sysctl, else platform.processor())."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    if sys.platform == "darwin":
        try:
            return subprocess.run(
                ["sysctl", "-n", "machdep.cpu.brand_string"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count()
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "machine": platform.machine(),
    }


def git_commit() -> dict:
    """The commit of the source tree and whether fastgrad/ or perf/ has uncommitted changes."""

    def git(*args: str) -> str | None:
        try:
            result = subprocess.run(
                ["git", *args], cwd=REPO_DIR, capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.TimeoutExpired):
            return None
        return result.stdout.strip() if result.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--", "fastgrad", "perf")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def versions(peers: dict) -> dict:
    import llvmlite
    import numba
    import numpy
    import scipy

    import fastgrad

    found = {
        "python": platform.python_version(),
        "fastgrad": fastgrad.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
        "llvmlite": llvmlite.__version__,
    }
    for name, module in sorted(peers.items()):
        found[name] = getattr(module, "__version__", "unknown")
    return found


def kernel_paths() -> dict:
    """Which compiled path fastgrad's kernels took in this process (recorded with every run).

    ``fft_simd_path``: "noalias" (FFT butterflies compiled with Numba's noalias flag and FMA
    contraction: packed SIMD), "plain" (the feature detection fell back) or "python" (JIT off).
    """
    from fastgrad._kernels import fft

    return {"fft_simd_path": fft.SIMD_PATH}


def optional_import(name: str):
    """The module, or None when it is not installed (or fails to import)."""
    try:
        return __import__(name)
    except Exception:  # a broken optional install must not stop the benchmarks
        return None


def thread_settings(peers: dict) -> dict:
    """The thread count of every library, as set for this run."""
    import numba

    settings = {name: os.environ.get(name) for name in THREAD_ENV}
    settings["numba.config.NUMBA_NUM_THREADS"] = numba.config.NUMBA_NUM_THREADS
    settings["fft_workers"] = "1 (batch benchmarks: as in their name)"
    threadpoolctl = peers.get("threadpoolctl")
    if threadpoolctl is not None:
        settings["threadpoolctl"] = [
            {key: info.get(key) for key in ("user_api", "internal_api", "num_threads", "version")}
            for info in threadpoolctl.threadpool_info()
        ]
    torch = peers.get("torch")
    if torch is not None:
        settings["torch.get_num_threads"] = torch.get_num_threads()
        settings["torch.get_num_interop_threads"] = torch.get_num_interop_threads()
    return settings


def now_utc() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# progress and output
# ---------------------------------------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr (a line per case when stderr is not a terminal)."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.start = time.perf_counter()

    def show(self, name: str) -> None:
        if not self.enabled:
            return
        width = 24
        filled = int(width * self.done / max(self.total, 1))
        bar = "#" * filled + "." * (width - filled)
        elapsed = time.perf_counter() - self.start
        line = f"[{bar}] {self.done + 1}/{self.total} {elapsed:6.1f} s  {name}"
        if self.tty:
            print("\r" + line[:118].ljust(118), end="", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr, flush=True)

    def step(self) -> None:
        self.done += 1

    def close(self) -> None:
        if self.enabled and self.tty:
            print(file=sys.stderr)


def write_json(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=False, allow_nan=False, default=_jsonable)
        handle.write("\n")


def _jsonable(value):
    import numpy

    if isinstance(value, numpy.generic):
        return value.item()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def finite_or_none(value: float | None) -> float | None:
    """JSON has no NaN/Inf: store them as null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
