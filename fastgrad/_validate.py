"""``python -m fastgrad validate``: every transform against scipy.fft, and accuracy against an
extended-precision reference.

Three tables:

1. L2 relative error ``||fastgrad - scipy|| / ||scipy||`` per size and transform, worst over the
   three norms, for complex128 and complex64 (real transforms: float64 and float32 input), at
   every power of two 2^0..2^max and a set of other sizes (primes, 10^k, 2^k - 1...).
2. Input dtypes (bool, int64, float16, float32, float64, complex64, complex128) and the n-D
   transforms on a few shapes: result dtype and shape equal scipy's, error within tolerance.
3. Accuracy against a long-double reference FFT at powers of two up to 2^14: the RMS relative
   error of fastgrad and of scipy.fft, and their ratio, for the forward FFT and the round trip
   ``ifft(fft(x))``; fastgrad must stay within 1.2x scipy's error.

A check fails when an error exceeds ``10 * eps * max(1, log2 n)`` (eps of the working precision),
when a dtype or shape differs from scipy's, or when an accuracy ratio exceeds 1.2. The command
exits with status 1 if any check failed.
"""

from __future__ import annotations

import argparse
import math
import platform
import time

import numpy as np

OTHER_SIZES = (3, 5, 7, 17, 30, 97, 100, 1000, 4095, 10007, 100000, 1000003)
ACCURACY_LIMIT = 1.2
_NORMS = ("backward", "ortho", "forward")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-log2",
        type=int,
        default=20,
        metavar="K",
        help="largest size is 2^K (default 20); other sizes above it are skipped",
    )
    parser.add_argument(
        "--reference-max-log2",
        type=int,
        default=14,
        metavar="K",
        help="largest size checked against the long-double reference (default 14)",
    )


def run(args: argparse.Namespace) -> int:
    report = validate(max_log2=args.max_log2, reference_max_log2=args.reference_max_log2)
    return 0 if report["passed"] else 1


def tolerance(dtype: np.dtype, n: int) -> float:
    """The largest acceptable L2 relative error for a transform of length n in ``dtype``."""
    eps = float(np.finfo(dtype).eps)  # finfo of a complex dtype is that of its real part
    return 10.0 * eps * max(1.0, math.log2(max(n, 1)))


def relative_error(actual: np.ndarray, desired: np.ndarray) -> float:
    """``||actual - desired|| / ||desired||`` computed in double precision."""
    actual = np.asarray(actual, dtype=np.complex128).ravel()
    desired = np.asarray(desired, dtype=np.complex128).ravel()
    scale = np.linalg.norm(desired)
    difference = np.linalg.norm(actual - desired)
    return float(difference / scale) if scale > 0 else float(difference)


def versions() -> dict[str, str]:
    import numba
    import scipy

    from . import __version__

    return {
        "fastgrad": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "numba": numba.__version__,
    }


# ---------------------------------------------------------------------------------------------
# Table 1: 1-D transforms against scipy.fft
# ---------------------------------------------------------------------------------------------


def _one_d_cases(max_log2: int):
    sizes = sorted({2**k for k in range(max_log2 + 1)} | set(OTHER_SIZES))
    return [n for n in sizes if n <= 2**max_log2]


def _compare_1d(name: str, n: int, precision: str, rng: np.random.Generator) -> tuple[float, bool]:
    """Worst error over the norms of transform ``name`` at size n; and whether dtypes matched."""
    import scipy.fft

    from . import fourier

    complex_dtype = np.complex128 if precision == "double" else np.complex64
    real_dtype = np.float64 if precision == "double" else np.float32
    if name in ("rfft",):
        x = rng.standard_normal(n).astype(real_dtype)
    elif name == "irfft":
        x = (rng.standard_normal(n // 2 + 1) + 1j * rng.standard_normal(n // 2 + 1)).astype(
            complex_dtype
        )
    else:
        x = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(complex_dtype)
    ours = getattr(fourier, name)
    theirs = getattr(scipy.fft, {"dft": "fft", "idft": "ifft"}.get(name, name))
    worst = 0.0
    same_type = True
    for norm in _NORMS:
        kwargs = {"n": n} if name == "irfft" else {}
        actual = ours(x, norm=norm, **kwargs)
        desired = theirs(x, norm=norm, **kwargs)
        same_type &= actual.dtype == desired.dtype and actual.shape == desired.shape
        worst = max(worst, relative_error(actual, desired))
    return worst, same_type


def _round_trip(n: int, precision: str, rng: np.random.Generator) -> float:
    from . import fourier

    dtype = np.complex128 if precision == "double" else np.complex64
    x = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dtype)
    return relative_error(fourier.ifft(fourier.fft(x)), x)


# ---------------------------------------------------------------------------------------------
# Table 2: input dtypes and n-D transforms
# ---------------------------------------------------------------------------------------------

_INPUT_DTYPES = ("bool", "int64", "float16", "float32", "float64", "complex64", "complex128")
_ND_CASES = (
    ("fft2", (16, 30), None),
    ("ifft2", (16, 30), None),
    ("fftn", (8, 9, 10), None),
    ("ifftn", (8, 9, 10), (0, 2)),
    ("rfft2", (32, 17), None),
    ("irfft2", (32, 17), None),
    ("rfftn", (6, 8, 10), None),
    ("irfftn", (6, 8, 10), (1, 2)),
    ("fft2", (256, 256), None),
    ("rfftn", (64, 64, 64), None),
)


def _random_input(shape, dtype_name: str, rng: np.random.Generator) -> np.ndarray:
    if dtype_name == "bool":
        return rng.random(shape) < 0.5
    if dtype_name == "int64":
        return rng.integers(-1000, 1000, shape)
    values = rng.standard_normal(shape)
    if dtype_name.startswith("complex"):
        values = values + 1j * rng.standard_normal(shape)
    return values.astype(dtype_name)


# ---------------------------------------------------------------------------------------------
# Table 3: accuracy against an extended-precision reference
# ---------------------------------------------------------------------------------------------

_PI_LONG = np.longdouble("3.141592653589793238462643383279502884")


def long_double_fft(x: np.ndarray) -> np.ndarray:
    """Radix-2 FFT of the last axis (a power of two) in long double: the accuracy reference.

    On x86-64 long double carries 64 mantissa bits, so this reference is ~2000x more accurate
    than any double-precision FFT; twiddles come from ``np.cos``/``np.sin`` in long double.
    """
    x = np.asarray(x, dtype=np.clongdouble)
    n = x.shape[-1]
    if n == 1:
        return x.copy()
    even = long_double_fft(x[..., 0::2])
    odd = long_double_fft(x[..., 1::2])
    angle = -2 * _PI_LONG * np.arange(n // 2, dtype=np.longdouble) / n
    twiddled = (np.cos(angle) + 1j * np.sin(angle)) * odd
    return np.concatenate([even + twiddled, even - twiddled], axis=-1)


def _rms_error(actual: np.ndarray, desired: np.ndarray) -> float:
    """Root-mean-square over rows of the per-row L2 relative error (rows are independent runs)."""
    difference = np.sum(np.abs(np.asarray(actual, np.clongdouble) - desired) ** 2, axis=-1)
    scale = np.sum(np.abs(desired) ** 2, axis=-1)
    return float(np.sqrt(np.mean(difference / scale)))


def accuracy_against_reference(n: int, precision: str, rng: np.random.Generator) -> dict:
    """RMS relative errors of fastgrad and scipy.fft against :func:`long_double_fft`.

    Averaged over a batch of random vectors so that the ratio is stable even at small n.
    """
    import scipy.fft

    from . import fourier

    dtype = np.complex128 if precision == "double" else np.complex64
    batch = max(8, min(256, 2**16 // n))
    x = (rng.standard_normal((batch, n)) + 1j * rng.standard_normal((batch, n))).astype(dtype)
    reference = long_double_fft(x)
    exact_input = np.asarray(x, dtype=np.clongdouble)
    ours = _rms_error(fourier.fft(x), reference)
    theirs = _rms_error(scipy.fft.fft(x), reference)
    ours_trip = _rms_error(fourier.ifft(fourier.fft(x)), exact_input)
    theirs_trip = _rms_error(scipy.fft.ifft(scipy.fft.fft(x)), exact_input)
    return {
        "fft": (ours, theirs, _ratio(ours, theirs)),
        "round_trip": (ours_trip, theirs_trip, _ratio(ours_trip, theirs_trip)),
    }


def _ratio(ours: float, theirs: float) -> float:
    if theirs == 0.0:
        return 1.0 if ours == 0.0 else math.inf
    return ours / theirs


# ---------------------------------------------------------------------------------------------
# The whole run
# ---------------------------------------------------------------------------------------------


def validate(max_log2: int = 20, reference_max_log2: int = 14, out=print) -> dict:
    """Run all three tables, print them with ``out`` and return a summary dict.

    The summary holds ``passed`` (bool), ``failures`` (list of strings), ``worst_error`` (the
    largest error relative to its tolerance) and ``seconds``.
    """
    start = time.perf_counter()
    rng = np.random.default_rng(2026)
    failures: list[str] = []
    info = versions()
    out("fastgrad validate: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    out("L2 relative error ||fastgrad - scipy.fft|| / ||scipy.fft||, worst over the 3 norms;")
    out("tolerance 10 * eps * log2(n); '*' marks a failure.")
    worst_ratio = 0.0

    names = ("fft", "ifft", "rfft", "irfft", "dft", "idft")
    for precision in ("double", "single"):
        out("")
        out(
            f"{precision} precision".ljust(10)
            + "".join(f"{name:>11}" for name in names)
            + "  ifft(fft)"
        )
        for n in _one_d_cases(max_log2):
            cells = []
            for name in names:
                if name in ("dft", "idft") and n > 4096:
                    cells.append(f"{'-':>11}")
                    continue
                error, same_type = _compare_1d(name, n, precision, rng)
                limit = tolerance(np.complex128 if precision == "double" else np.complex64, n)
                worst_ratio = max(worst_ratio, error / limit)
                bad = error > limit or not same_type
                if bad:
                    failures.append(
                        f"{name} n={n} {precision}: error {error:.2e} (limit {limit:.1e})"
                        + ("" if same_type else ", dtype/shape differs from scipy")
                    )
                cells.append(f"{error:10.1e}{'*' if bad else ' '}")
            trip = _round_trip(n, precision, rng)
            limit = tolerance(np.complex128 if precision == "double" else np.complex64, n)
            if trip > limit:
                failures.append(f"ifft(fft(x)) n={n} {precision}: error {trip:.2e}")
            out(f"{n:>10}" + "".join(cells) + f"{trip:10.1e}{'*' if trip > limit else ' '}")

    out("")
    out("input dtypes (n = 1000 and 1024, fft/rfft/ifft) and n-D transforms, against scipy.fft:")
    import scipy.fft

    from . import fourier

    rows = []
    for dtype_name in _INPUT_DTYPES:
        for n in (1000, 1024):
            x = _random_input(n, dtype_name, rng)
            for name in ("fft", "ifft") + (() if dtype_name.startswith("complex") else ("rfft",)):
                rows.append(
                    (
                        f"{name}({dtype_name}[{n}])",
                        getattr(fourier, name)(x),
                        getattr(scipy.fft, name)(x),
                        n,
                    )
                )
    for name, shape, axes in _ND_CASES:
        real_input = name.startswith("rfft")
        x = _random_input(shape, "float64" if real_input else "complex128", rng)
        label = f"{name}{shape}" + ("" if axes is None else f" axes={axes}")
        rows.append(
            (
                label,
                getattr(fourier, name)(x, axes=axes) if axes else getattr(fourier, name)(x),
                getattr(scipy.fft, name)(x, axes=axes) if axes else getattr(scipy.fft, name)(x),
                int(np.prod(shape)),
            )
        )
    for label, actual, desired, n in rows:
        error = relative_error(actual, desired)
        limit = tolerance(desired.dtype, n)
        same = actual.dtype == desired.dtype and actual.shape == desired.shape
        bad = error > limit or not same
        if bad:
            failures.append(
                f"{label}: error {error:.2e}, dtype {actual.dtype} vs {desired.dtype}, "
                f"shape {actual.shape} vs {desired.shape}"
            )
        out(f"  {label:<34} {str(actual.dtype):>10} {error:10.1e}{' FAIL' if bad else ''}")

    out("")
    out("accuracy against a long-double reference FFT (RMS relative error over a batch):")
    out(
        f"{'n':>8} {'precision':>9} {'fastgrad':>10} {'scipy':>10} {'ratio':>6}"
        f" {'fastgrad':>10} {'scipy':>10} {'ratio':>6}   (fft | ifft(fft(x)))"
    )
    for precision in ("double", "single"):
        for k in range(1, reference_max_log2 + 1):
            n = 2**k
            result = accuracy_against_reference(n, precision, rng)
            cells = []
            for key in ("fft", "round_trip"):
                ours, theirs, ratio = result[key]
                if ratio > ACCURACY_LIMIT:
                    failures.append(f"{key} accuracy n={n} {precision}: {ratio:.2f}x scipy's error")
                cells.append(f"{ours:10.2e} {theirs:10.2e} {ratio:6.2f}")
            out(f"{n:>8} {precision:>9} " + " ".join(cells))

    seconds = time.perf_counter() - start
    out("")
    if failures:
        out(f"FAILED: {len(failures)} check(s) in {seconds:.1f} s")
        for failure in failures:
            out("  " + failure)
    else:
        out(f"PASSED: every transform agrees with scipy.fft ({seconds:.1f} s)")
    return {
        "passed": not failures,
        "failures": failures,
        "worst_error": worst_ratio,
        "seconds": seconds,
        "versions": info,
    }
