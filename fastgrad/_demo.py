"""``python -m fastgrad``: the seed's two speed stories, measured live on this machine.

Four parts, in well under a minute once the kernels are compiled (the first run compiles them,
which adds about 20 s, and caches them):

(a) The gradient of a network's cost by backpropagation against finite differences (Nielsen's
    eq. (46): P + 1 cost evaluations for P parameters) on networks of growing P: the time of
    each, the speedup, and the largest difference between the two gradients.
(b) The O(n^2) DFT against the O(n log n) FFT and scipy.fft for growing n: times, speedup, error
    against scipy.fft; and n = 10^6, where the FFT and scipy.fft are measured and the DFT is
    extrapolated from the fitted times.
(c) A one-line verdict of ``python -m fastgrad validate`` on sizes up to 2^14.
(d) Per-layer gradient norms of a deep sigmoid network at initialization: the gradient shrinks
    toward the input layers (vanishing gradients, Nielsen ch. 5).

Every figure is labelled *measured* or *extrapolated*. ``--plot DIR`` writes PNG charts
(including the seed's five-term cosine series and its spectrum computed by fastgrad),
``--json`` prints the results as JSON. The exit status is 1 when the validation or a gradient
agreement check fails.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import sys
import time

# A gradient agrees with finite differences (eq. 46, step sqrt(eps)) when the largest
# difference is below this fraction of the largest gradient entry: forward differences in
# float64 are good to about 1e-7 of it, a wrong gradient is off by order 1.
GRADIENT_AGREEMENT = 1e-5
# Finite differences are timed in full up to this many parameters, on a subset above it.
FULL_FD_LIMIT = 25_000
FD_SUBSET = 4000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--plot", metavar="DIR", help="also write PNG charts into DIR")
    parser.add_argument(
        "--json", action="store_true", help="print the results as JSON (the table goes to stderr)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes only (a few seconds; used by the tests)"
    )


def run(args: argparse.Namespace) -> int:
    if args.plot is not None:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print(
                'fastgrad: --plot needs matplotlib: pip install "fastgrad[perf]"', file=sys.stderr
            )
            return 2
    stream = sys.stderr if args.json else sys.stdout

    def out(line: str = "") -> None:
        print(line, file=stream, flush=True)

    report = demo(quick=args.quick, out=out)
    if args.plot is not None:
        for path in write_plots(report, args.plot):
            out(f"wrote {path}")
    if args.json:
        print(json.dumps(report, indent=1, allow_nan=False))
    return 0 if report["passed"] else 1


# ---------------------------------------------------------------------------------------------
# measuring
# ---------------------------------------------------------------------------------------------


def best_time(function, repeats: int = 5, min_time: float = 0.02) -> float:
    """Seconds per call: the best of ``repeats`` samples of back-to-back calls lasting at least
    ``min_time`` each, after one warm-up call (which absorbs compilation and plan building).
    A call slower than a second is timed once, after the warm-up."""
    function()  # warm-up: Numba compilation (cold cache), plans, first touch of the buffers
    start = time.perf_counter()
    function()
    first = time.perf_counter() - start
    if first > 1.0:
        return first
    number = max(1, math.ceil(min_time / max(first, 1e-7)))
    best = first
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            function()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def relative_error(actual, desired) -> float:
    import numpy as np

    return float(np.linalg.norm(actual - desired) / np.linalg.norm(desired))


def _flat(pairs) -> object:
    import numpy as np

    weights, biases = pairs
    return np.concatenate([g.ravel() for g in weights] + [g.ravel() for g in biases])


def backprop_vs_finite_differences(quick: bool, out) -> list[dict]:
    import numpy as np

    from . import MLP, datasets

    images, labels = datasets.load_digits()
    x, y = images[:10], labels[:10]  # one mini-batch of 10 real digits
    hidden = (8, 32) if quick else (16, 64, 256, 1024)
    rows = []
    out("(a) gradient of the cost of a [64, h, 10] sigmoid network on a mini-batch of 10 digits")
    out("    backprop: one forward + one backward pass; finite differences: eq. (46), P + 1 costs")
    out(
        f"    {'P':>7} {'backprop':>11} {'finite diff.':>13} {'speedup':>9}  "
        f"{'speedup/P':>9}  {'max |difference|':>16}  {'max |gradient|':>14}"
    )
    for h in hidden:
        net = MLP([64, h, 10], seed=0)
        n_params = net.n_params
        exact = _flat(net.gradient(x, y))
        backprop_s = best_time(lambda net=net: net.gradient(x, y))
        subset = None if n_params <= FULL_FD_LIMIT else FD_SUBSET
        kwargs = {"method": "forward", "progress": False}
        if subset is not None:
            kwargs.update(subset=subset, seed=0)
        net.numerical_gradient(x, y, method="forward", subset=1, progress=False)  # compiles
        start = time.perf_counter()
        numeric = _flat(net.numerical_gradient(x, y, **kwargs))
        fd_s = time.perf_counter() - start
        label = "measured"
        if subset is not None:
            fd_s *= n_params / subset
            label = f"extrapolated from {subset} random parameters"
        evaluated = np.isfinite(numeric)
        difference = float(np.max(np.abs(exact - numeric)[evaluated]))
        largest = float(np.max(np.abs(exact)))
        agrees = difference <= GRADIENT_AGREEMENT * largest
        rows.append(
            {
                "sizes": [64, h, 10],
                "P": n_params,
                "backprop_s": backprop_s,
                "finite_differences_s": fd_s,
                "finite_differences_label": label,
                "speedup": fd_s / backprop_s,
                "speedup_label": "measured" if subset is None else "extrapolated",
                "max_abs_difference": difference,
                "max_abs_gradient": largest,
                "agrees": bool(agrees),
            }
        )
        mark = "" if agrees else "  DISAGREES"
        note = "" if subset is None else f"  (finite differences {label})"
        out(
            f"    {n_params:>7} {_seconds(backprop_s):>11} {_seconds(fd_s):>13} "
            f"{fd_s / backprop_s:>8.0f}x {fd_s / backprop_s / n_params:>9.2f}  "
            f"{difference:>16.2e}  {largest:>14.2e}{mark}{note}"
        )
    out("    times measured (best of several runs, compilation excluded)")
    return rows


def dft_vs_fft(quick: bool, out) -> tuple[list[dict], dict]:
    import numpy as np
    import scipy.fft

    from . import dft, fft

    exponents = range(4, 11, 2) if quick else range(6, 15, 2)
    rng = np.random.default_rng(0)
    rows = []
    out("(b) DFT, O(n^2), vs FFT, O(n log n), vs scipy.fft (complex128, one thread)")
    out(
        f"    {'n':>8} {'DFT':>10} {'FFT':>10} {'scipy.fft':>10} {'DFT/FFT':>9} "
        f"{'FFT err':>9} {'DFT err':>9}"
    )
    for k in exponents:
        n = 2**k
        x = rng.standard_normal(n) + 1j * rng.standard_normal(n)
        reference = scipy.fft.fft(x)
        dft_s = best_time(lambda x=x: dft(x), repeats=3)
        fft_s = best_time(lambda x=x: fft(x))
        scipy_s = best_time(lambda x=x: scipy.fft.fft(x, workers=1))
        row = {
            "n": n,
            "dft_s": dft_s,
            "fft_s": fft_s,
            "scipy_s": scipy_s,
            "dft_over_fft": dft_s / fft_s,
            "fft_error_vs_scipy": relative_error(fft(x), reference),
            "dft_error_vs_scipy": relative_error(dft(x), reference),
            "label": "measured",
        }
        rows.append(row)
        out(
            f"    {n:>8} {_seconds(dft_s):>10} {_seconds(fft_s):>10} {_seconds(scipy_s):>10} "
            f"{dft_s / fft_s:>8.0f}x {row['fft_error_vs_scipy']:>9.1e} "
            f"{row['dft_error_vs_scipy']:>9.1e}"
        )
    # n = 10^6: the FFT (Bluestein) and scipy.fft measured, the DFT extrapolated
    top = rows[-3:]
    logs_n = [math.log(r["n"]) for r in top]
    logs_t = [math.log(r["dft_s"]) for r in top]
    mean_n, mean_t = sum(logs_n) / len(top), sum(logs_t) / len(top)
    slope = sum((a - mean_n) * (b - mean_t) for a, b in zip(logs_n, logs_t, strict=True)) / sum(
        (a - mean_n) ** 2 for a in logs_n
    )
    big = 10**6 if not quick else 10**5
    dft_big = math.exp(mean_t + slope * (math.log(big) - mean_n))
    x = rng.standard_normal(big) + 1j * rng.standard_normal(big)
    fft_big = best_time(lambda: fft(x), repeats=3)
    scipy_big = best_time(lambda: scipy.fft.fft(x, workers=1), repeats=3)
    large = {
        "n": big,
        "dft_loglog_slope": slope,
        "dft_loglog_slope_label": f"measured (fit over n = {top[0]['n']}..{top[-1]['n']})",
        "dft_s": dft_big,
        "dft_label": "extrapolated",
        "fft_s": fft_big,
        "fft_label": "measured",
        "scipy_s": scipy_big,
        "scipy_label": "measured",
        "dft_over_fft": dft_big / fft_big,
        "dft_over_fft_label": "extrapolated",
        "fft_error_vs_scipy": relative_error(fft(x), scipy.fft.fft(x)),
    }
    out(
        f"    {big:>8} {_seconds(dft_big):>10} {_seconds(fft_big):>10} "
        f"{_seconds(scipy_big):>10} {dft_big / fft_big:>8.2g}x {large['fft_error_vs_scipy']:>9.1e}"
        "      -"
    )
    out(
        f"    n = {big}: DFT time extrapolated (log-log slope {slope:.2f}, measured); FFT and "
        "scipy.fft measured"
    )
    return rows, large


def validation(quick: bool, out) -> dict:
    from ._validate import validate

    max_log2, reference_max_log2 = (8, 8) if quick else (14, 12)
    summary = validate(max_log2=max_log2, reference_max_log2=reference_max_log2, out=_discard)
    verdict = "PASSED" if summary["passed"] else "FAILED"
    line = (
        f"(c) validation {verdict}: every transform, dtype and norm against scipy.fft for "
        f"n = 1..2^{max_log2}, worst error {summary['worst_error']:.2f} of its tolerance, "
        f"accuracy against a long-double reference up to 2^{reference_max_log2} "
        f"({summary['seconds']:.1f} s; `python -m fastgrad validate` for the table)"
    )
    out(line)
    for failure in summary["failures"][:5]:
        out(f"    {failure}")
    return {
        "passed": bool(summary["passed"]),
        "max_log2": max_log2,
        "reference_max_log2": reference_max_log2,
        "worst_error_over_tolerance": summary["worst_error"],
        "failures": list(summary["failures"]),
        "label": "measured",
    }


def gradient_norms(out) -> dict:
    import numpy as np

    from . import MLP, datasets

    sizes = [64, 30, 30, 30, 30, 10]
    images, labels = datasets.load_digits()
    net = MLP(sizes, activation="sigmoid", loss="quadratic", seed=0)
    grad_weights, grad_biases = net.gradient(images, labels)
    bias_norms = [float(np.linalg.norm(g)) for g in grad_biases]
    weight_norms = [float(np.linalg.norm(g)) for g in grad_weights]
    out(
        f"(d) vanishing gradients: a {sizes} sigmoid network at initialization, "
        f"gradient over all {len(images)} digits"
    )
    out(f"    {'layer':<14} {'||dC/db||':>11} {'||dC/dw||':>11}")
    for index, (b_norm, w_norm) in enumerate(zip(bias_norms, weight_norms, strict=True)):
        shape = f"{sizes[index]}->{sizes[index + 1]}"
        out(f"    {index + 1} ({shape:<8})  {b_norm:>11.3e} {w_norm:>11.3e}")
    ratio = bias_norms[-1] / bias_norms[0]
    out(
        f"    the output layer's bias gradient is {ratio:.0f}x the first hidden layer's "
        "(measured): the early layers learn slowest (Nielsen, ch. 5)"
    )
    return {
        "sizes": sizes,
        "bias_gradient_norms": bias_norms,
        "weight_gradient_norms": weight_norms,
        "last_over_first": ratio,
        "label": "measured",
    }


def demo(quick: bool = False, out=print) -> dict:
    """Run the four parts and return the results (``out`` receives the table, line by line)."""
    import numba
    import numpy as np
    import scipy

    from . import __version__

    start = time.perf_counter()
    out(
        f"fastgrad {__version__} (numpy {np.__version__}, scipy {scipy.__version__}, "
        f"numba {numba.__version__}, Python {platform.python_version()}, {platform.machine()})"
    )
    out("")
    gradients = backprop_vs_finite_differences(quick, out)
    out("")
    transforms, large = dft_vs_fft(quick, out)
    out("")
    validated = validation(quick, out)
    out("")
    norms = gradient_norms(out)
    agreement = all(row["agrees"] for row in gradients)
    passed = validated["passed"] and agreement
    seconds = time.perf_counter() - start
    out("")
    out(
        f"{'all checks passed' if passed else 'FAILED'}: validation {validated['passed']}, "
        f"gradients agree {agreement} ({seconds:.1f} s)"
    )
    return {
        "fastgrad": __version__,
        "quick": quick,
        "backprop_vs_finite_differences": gradients,
        "dft_vs_fft": transforms,
        "dft_vs_fft_large_n": large,
        "validation": validated,
        "gradient_norms": norms,
        "gradients_agree": agreement,
        "passed": passed,
        "seconds": seconds,
    }


def _discard(*args, **kwargs) -> None:
    pass


def _seconds(value: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"


# ---------------------------------------------------------------------------------------------
# plots
# ---------------------------------------------------------------------------------------------


def cosine_series(n_samples: int = 2**14, dt: float = 0.001):
    """The seed's signal: five cosines at multiples of 10*sqrt(2) Hz, amplitudes 1 to 5."""
    import numpy as np

    t = np.arange(n_samples) * dt
    frequencies = 10 * np.sqrt(2) * np.arange(1, 6)
    amplitudes = np.arange(1, 6, dtype=float)
    signal = (amplitudes[:, None] * np.cos(2 * np.pi * frequencies[:, None] * t)).sum(axis=0)
    return t, signal, frequencies, amplitudes


def _save(figure, plt, directory: str, name: str) -> str:
    import os

    figure.tight_layout()
    path = os.path.join(directory, name)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path


def write_plots(report: dict, directory: str) -> list[str]:
    import os

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from . import rfft, rfftfreq

    os.makedirs(directory, exist_ok=True)
    written = []

    # 1. the seed's picture: the five-term cosine series and its spectrum, by fastgrad.rfft
    dt = 0.001
    t, signal, frequencies, amplitudes = cosine_series(dt=dt)
    window = np.hanning(signal.size)  # tapers the edges: the tones fall between FFT bins
    spectrum = np.abs(rfft(signal * window)) * 2 / window.sum()
    freq = rfftfreq(signal.size, dt)
    figure, (top, bottom) = plt.subplots(2, 1, figsize=(8, 6))
    shown = t < 0.5
    top.plot(t[shown], signal[shown], color="tab:blue", linewidth=1)
    top.set_title(
        "Five-term cosine series: frequencies 10√2·k Hz, amplitudes k = 1..5, time step 0.001 s",
        fontsize=10,
    )
    top.set_xlabel("time (s)")
    top.set_ylabel("amplitude")
    band = freq <= 100
    bottom.plot(freq[band], spectrum[band], color="tab:red", linewidth=1)
    for f, a in zip(frequencies, amplitudes, strict=True):
        bottom.annotate(f"{f:.2f} Hz", (f, a), xytext=(0, 4), textcoords="offset points",
                        ha="center", fontsize=7)  # fmt: skip
    bottom.set_title(
        f"Its amplitude spectrum by fastgrad.rfft (n = {signal.size}, Hann window)", fontsize=10
    )
    bottom.set_xlabel("frequency (Hz)")
    bottom.set_ylabel("amplitude")
    bottom.set_ylim(0, 6)
    written.append(_save(figure, plt, directory, "cosine_series_spectrum.png"))

    # 2. DFT vs FFT vs scipy.fft
    rows, large = report["dft_vs_fft"], report["dft_vs_fft_large_n"]
    n = [r["n"] for r in rows]
    figure, axes = plt.subplots(figsize=(7, 5))
    axes.loglog(n, [r["dft_s"] for r in rows], "o-", color="tab:red", label="fastgrad.dft")
    axes.loglog(n, [r["fft_s"] for r in rows], "o-", color="tab:blue", label="fastgrad.fft")
    axes.loglog(n, [r["scipy_s"] for r in rows], ".-", color="tab:green", label="scipy.fft")
    axes.loglog([n[-1], large["n"]], [rows[-1]["dft_s"], large["dft_s"]], "--", color="tab:red",
                label="DFT extrapolated")  # fmt: skip
    axes.loglog([large["n"]], [large["fft_s"]], "s", color="tab:blue")
    axes.loglog([large["n"]], [large["scipy_s"]], "s", color="tab:green")
    axes.annotate(f"{large['dft_s']:.3g} s (extrapolated)", (large["n"], large["dft_s"]),
                  xytext=(-8, 0), textcoords="offset points", ha="right", fontsize=8)  # fmt: skip
    axes.annotate(f"{large['fft_s'] * 1e3:.3g} ms (measured)", (large["n"], large["fft_s"]),
                  xytext=(-8, 0), textcoords="offset points", ha="right", fontsize=8)  # fmt: skip
    axes.set_xlabel("n")
    axes.set_ylabel("seconds per transform")
    axes.set_title("DFT O(n²) vs FFT O(n log n), complex128, one thread", fontsize=10)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    written.append(_save(figure, plt, directory, "dft_vs_fft.png"))

    # 3. backprop vs finite differences
    rows = report["backprop_vs_finite_differences"]
    p = [r["P"] for r in rows]
    figure, axes = plt.subplots(figsize=(7, 5))
    axes.loglog(p, [r["backprop_s"] for r in rows], "o-", label="backprop")
    axes.loglog(p, [r["finite_differences_s"] for r in rows], "s-", color="tab:red",
                label="finite differences, eq. (46)")  # fmt: skip
    axes.set_xlabel("parameters P")
    axes.set_ylabel("seconds per gradient (mini-batch of 10)")
    axes.set_title("Gradient by backprop vs finite differences", fontsize=10)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    written.append(_save(figure, plt, directory, "backprop_vs_finite_differences.png"))

    # 4. vanishing gradients
    norms = report["gradient_norms"]
    layers = np.arange(1, len(norms["bias_gradient_norms"]) + 1)
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.bar(layers, norms["bias_gradient_norms"], color="tab:purple")
    axes.set_yscale("log")
    axes.set_xlabel("layer (1 = first hidden layer)")
    axes.set_ylabel("||∂C/∂b||")
    axes.set_title(f"Gradient norm per layer at initialization, {norms['sizes']}", fontsize=10)
    written.append(_save(figure, plt, directory, "gradient_norms.png"))
    return written
