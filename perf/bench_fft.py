"""FFT family benchmarks: fastgrad against scipy.fft, numpy.fft, pyFFTW and ducc0; DFT vs FFT.

Peers (all single-threaded unless the case is about ``workers``):

* ``scipy``: ``scipy.fft.fft(x, workers=w)`` (pocketfft), allocates its output like fastgrad.
* ``numpy``: ``numpy.fft.fft(x)`` (pocketfft in C), no threads.
* ``fftw``: a pyFFTW ``builders`` object planned with FFTW_MEASURE before timing (planning
  excluded, as the issue asks); it transforms its own aligned input buffer into its own output
  buffer, so it neither copies the input nor allocates: a slightly flattering setting for FFTW.
* ``ducc0``: ``ducc0.fft.c2c``/``r2c`` with ``nthreads=w`` (scipy's next engine).

Derived figures (:func:`derive`): log-log slopes of DFT and FFT time vs n, the FFT/DFT crossover
n, and the DFT/FFT time ratio at n = 10^6 extrapolated from the fitted DFT curve.
"""

from __future__ import annotations

import math

import numpy as np
from _harness import Case, Config, finite_or_none, loglog_fit, round_robin

BLUESTEIN_SIZES = (17, 97, 1000, 1009, 10007, 100003, 1000000, 1000003)
BLUESTEIN_SIZES_QUICK = (17, 97, 1000, 1009)


def _complex_input(n: int, dtype, rows: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(n)
    shape = (n,) if rows is None else (rows, n)
    return (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)).astype(dtype)


def _fftw_plan(pyfftw, x: np.ndarray, kind: str, threads: int):
    buffer = pyfftw.empty_aligned(x.shape, dtype=x.dtype)
    build = pyfftw.builders.rfft if kind == "rfft" else pyfftw.builders.fft
    plan = build(buffer, planner_effort="FFTW_MEASURE", threads=threads, axis=-1)
    plan.input_array[...] = x  # FFTW_MEASURE planning scribbles on the input buffer
    return plan


def _transforms(x: np.ndarray, kind: str, config: Config, workers: int = 1) -> dict:
    """Callables computing the same transform of ``x`` along its last axis, fastgrad first."""
    import scipy.fft

    import fastgrad

    if kind == "rfft":
        functions = {
            "fastgrad": lambda: fastgrad.rfft(x, workers=workers),
            "scipy": lambda: scipy.fft.rfft(x, workers=workers),
        }
        if workers == 1:
            functions["numpy"] = lambda: np.fft.rfft(x)
    else:
        functions = {
            "fastgrad": lambda: fastgrad.fft(x, workers=workers),
            "scipy": lambda: scipy.fft.fft(x, workers=workers),
        }
        if workers == 1:
            functions["numpy"] = lambda: np.fft.fft(x)
    pyfftw = config.peers.get("pyfftw")
    if pyfftw is not None:
        functions["fftw"] = _fftw_plan(pyfftw, x, kind, workers)
    ducc0 = config.peers.get("ducc0")
    if ducc0 is not None:
        if kind == "rfft":
            functions["ducc0"] = lambda: ducc0.fft.r2c(x, axes=(x.ndim - 1,), nthreads=workers)
        else:
            functions["ducc0"] = lambda: ducc0.fft.c2c(
                x, axes=(x.ndim - 1,), forward=True, nthreads=workers
            )
    return functions


def _c2c_case(n: int, dtype) -> Case:
    def run(config: Config) -> dict:
        x = _complex_input(n, dtype)
        return round_robin(_transforms(x, "c2c", config), config, subject="fastgrad")

    name = np.dtype(dtype).name
    return Case(f"fft.c2c/{name}/n={n}", "fft.c2c", {"n": n, "dtype": name}, run)


def _rfft_case(n: int, dtype) -> Case:
    def run(config: Config) -> dict:
        x = np.random.default_rng(n).standard_normal(n).astype(dtype)
        return round_robin(_transforms(x, "rfft", config), config, subject="fastgrad")

    name = np.dtype(dtype).name
    return Case(f"fft.rfft/{name}/n={n}", "fft.rfft", {"n": n, "dtype": name}, run)


def _bluestein_case(n: int) -> Case:
    def run(config: Config) -> dict:
        x = _complex_input(n, np.complex128)
        return round_robin(_transforms(x, "c2c", config), config, subject="fastgrad")

    return Case(
        f"fft.bluestein/complex128/n={n}", "fft.bluestein", {"n": n, "dtype": "complex128"}, run
    )


def _batch_case(rows: int, n: int, workers: int) -> Case:
    def run(config: Config) -> dict:
        x = _complex_input(n, np.complex128, rows=rows)
        functions = _transforms(x, "c2c", config, workers=workers)
        # several threads: samples of many calls, so that waking an idle core is paid once
        min_sample = 20 * config.min_sample if workers > 1 else None
        return round_robin(functions, config, subject="fastgrad", min_sample=min_sample)

    params = {"rows": rows, "n": n, "workers": workers, "dtype": "complex128"}
    return Case(f"fft.batch/{rows}x{n}/workers={workers}", "fft.batch", params, run)


def _dft_case(n: int) -> Case:
    def run(config: Config) -> dict:
        import fastgrad

        x = _complex_input(n, np.complex128)
        functions = {
            "fastgrad.fft": lambda: fastgrad.fft(x),
            "fastgrad.dft": lambda: fastgrad.dft(x),
        }
        return round_robin(functions, config, subject="fastgrad.fft")

    return Case(f"fft.dft/complex128/n={n}", "fft.dft", {"n": n, "dtype": "complex128"}, run)


def cases(config: Config) -> list[Case]:
    if config.quick:
        c2c_sizes = [2**k for k in (4, 8, 12)]
        rfft_sizes = [2**k for k in (4, 8, 12)]
        bluestein = BLUESTEIN_SIZES_QUICK
        batch = (64, 1024)
        dft_sizes = [2**k for k in range(1, 11)]
    else:
        c2c_sizes = [2**k for k in range(4, 23)]
        rfft_sizes = [2**k for k in range(4, 23, 2)]
        bluestein = BLUESTEIN_SIZES
        batch = (1024, 1024)
        dft_sizes = [2**k for k in range(1, 16)]  # 2^15: a few seconds per call
    limit = 2**config.max_log2
    c2c_sizes = [n for n in c2c_sizes if n <= limit]
    rfft_sizes = [n for n in rfft_sizes if n <= limit]
    bluestein = [n for n in bluestein if n <= limit]
    found = [_c2c_case(n, dtype) for dtype in (np.complex128, np.complex64) for n in c2c_sizes]
    found += [_rfft_case(n, dtype) for dtype in (np.float64, np.float32) for n in rfft_sizes]
    found += [_bluestein_case(n) for n in bluestein]
    found += [_batch_case(*batch, workers) for workers in (1, 2)]
    found += [_dft_case(n) for n in dft_sizes]
    return found


# ---------------------------------------------------------------------------------------------
# derived figures
# ---------------------------------------------------------------------------------------------


def _series(records: list[dict], group: str, implementation: str, dtype: str = "complex128"):
    points = []
    for record in records:
        if record["group"] == group and record["params"].get("dtype") == dtype:
            points.append((record["params"]["n"], record["times"][implementation]["median"]))
    return sorted(points)


def _fit_upper(points, smallest: int) -> dict | None:
    """Fit log t = slope log n + c on the points with n >= smallest (at least the top 3)."""
    upper = [p for p in points if p[0] >= smallest]
    if len(upper) < 3:
        upper = points[-3:]
    if len(upper) < 2:
        return None
    slope, intercept = loglog_fit([p[0] for p in upper], [p[1] for p in upper])
    return {"slope": slope, "intercept": intercept, "n_min": upper[0][0], "n_max": upper[-1][0]}


def _crossover(points_fft, points_dft) -> dict | None:
    """Smallest measured n from which the FFT is faster than the DFT at every larger n."""
    pairs = [
        (n, t_fft, t_dft) for (n, t_fft), (_, t_dft) in zip(points_fft, points_dft, strict=True)
    ]
    if not pairs:
        return None
    index = len(pairs)
    while index > 0 and pairs[index - 1][1] < pairs[index - 1][2]:
        index -= 1
    if index == len(pairs):
        return {"n": None, "note": "the FFT was not faster than the DFT at the largest n measured"}
    n_measured = pairs[index][0]
    estimate = float(n_measured)
    if index > 0:  # interpolate log(t_dft / t_fft) = 0 between the two measured sizes
        (n0, f0, d0), (n1, f1, d1) = pairs[index - 1], pairs[index]
        r0, r1 = math.log(d0 / f0), math.log(d1 / f1)
        if r1 != r0:
            fraction = -r0 / (r1 - r0)
            estimate = math.exp(math.log(n0) + fraction * (math.log(n1) - math.log(n0)))
    return {"n": n_measured, "n_interpolated": estimate}


def derive(records: list[dict], config: Config) -> dict:
    derived: dict = {}
    dft = _series(records, "fft.dft", "fastgrad.dft")
    fft_small = _series(records, "fft.dft", "fastgrad.fft")
    fft = _series(records, "fft.c2c", "fastgrad")
    smallest_dft = 2**6 if config.quick else 2**9
    smallest_fft = 2**8 if config.quick else 2**12
    dft_fit = _fit_upper(dft, smallest_dft)
    fft_fit = _fit_upper(fft, smallest_fft)
    if dft_fit:
        derived["dft_loglog_slope"] = {
            "value": dft_fit["slope"],
            "label": "measured (fit)",
            "fit_range": [dft_fit["n_min"], dft_fit["n_max"]],
            "expected": 2.0,
        }
    if fft_fit:
        derived["fft_loglog_slope"] = {
            "value": fft_fit["slope"],
            "label": "measured (fit)",
            "fit_range": [fft_fit["n_min"], fft_fit["n_max"]],
            "expected": "1 (n log n: slightly above 1)",
        }
    crossover = _crossover(fft_small, dft)
    if crossover:
        derived["fft_dft_crossover"] = {**crossover, "label": "measured"}
    if dft_fit:
        n = 1e6
        dft_time = math.exp(dft_fit["intercept"]) * n ** dft_fit["slope"]
        measured = [
            r["times"]["fastgrad"]["median"]
            for r in records
            if r["group"] == "fft.bluestein" and r["params"]["n"] == 1000000
        ]
        if measured:
            fft_time, fft_label = measured[0], "measured (Bluestein, n = 10^6)"
        elif fft_fit:
            fft_time = math.exp(fft_fit["intercept"]) * n ** fft_fit["slope"]
            fft_label = "extrapolated (fit of the power-of-two FFT times)"
        else:
            fft_time, fft_label = None, "not measured"
        derived["dft_time_at_1e6_s"] = {
            "value": finite_or_none(dft_time),
            "label": "extrapolated (fit of the DFT times)",
        }
        if fft_time:
            derived["fft_time_at_1e6_s"] = {"value": fft_time, "label": fft_label}
            derived["dft_over_fft_at_1e6"] = {
                "value": finite_or_none(dft_time / fft_time),
                "label": "extrapolated",
            }
    return derived
