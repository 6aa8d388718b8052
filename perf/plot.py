"""Charts of a perf/run.py result file (needs matplotlib: ``pip install "fastgrad[perf]"``).

Usage::

    python perf/plot.py RESULT.json [--out DIR]

Writes, into DIR (default: next to RESULT.json):

* ``fft_vs_dft.png``: log-log time per call against n for fastgrad's DFT and FFT, scipy.fft,
  numpy.fft, pyFFTW and ducc0 (those measured), with O(n^2) and O(n log n) guide lines and the
  DFT fit extrapolated to n = 10^6 (dashed, labelled extrapolated).
* ``backprop_vs_finite_differences.png``: time of the gradient against the parameter count P,
  by backprop, by finite differences (eq. 46) and of one forward pass.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

PEER_STYLES = {
    "scipy": ("scipy.fft", "tab:green"),
    "numpy": ("numpy.fft", "tab:olive"),
    "fftw": ("pyFFTW (MEASURE)", "tab:purple"),
    "ducc0": ("ducc0", "tab:brown"),
}


def _series(result: dict, group: str, implementation: str, dtype: str = "complex128"):
    points = sorted(
        (r["params"]["n"], r["times"][implementation]["median"])
        for r in result["benchmarks"]
        if r["group"] == group
        and r["params"].get("dtype") == dtype
        and implementation in r.get("times", {})
    )
    return [p[0] for p in points], [p[1] for p in points]


def plot_fft(result: dict, path: Path, plt) -> bool:
    dft_n, dft_t = _series(result, "fft.dft", "fastgrad.dft")
    fft_n, fft_t = _series(result, "fft.c2c", "fastgrad")
    small_n, small_t = _series(result, "fft.dft", "fastgrad.fft")
    if not dft_n and not fft_n:
        return False
    merged = dict(zip(small_n, small_t, strict=True))
    merged.update(dict(zip(fft_n, fft_t, strict=True)))
    fft_n, fft_t = sorted(merged), [merged[n] for n in sorted(merged)]
    figure, axes = plt.subplots(figsize=(8, 5.5))
    axes.loglog(dft_n, dft_t, "o-", color="tab:red", label="fastgrad.dft  O(n²)")
    axes.loglog(fft_n, fft_t, "o-", color="tab:blue", label="fastgrad.fft")
    for peer, (label, color) in PEER_STYLES.items():
        n, t = _series(result, "fft.c2c", peer)
        if n:
            axes.loglog(n, t, ".-", color=color, label=label, alpha=0.8, linewidth=1)
    if dft_n:  # guide lines through the largest measured points
        n0, t0 = dft_n[-1], dft_t[-1]
        guide = [n for n in fft_n + dft_n if n <= n0]
        guide = sorted(set(guide))
        axes.loglog(guide, [t0 * (n / n0) ** 2 for n in guide], ":", color="gray", label="∝ n²")
    if fft_n:
        n0, t0 = fft_n[-1], fft_t[-1]
        guide = sorted(set(fft_n))
        scale = t0 / (n0 * math.log2(n0))
        axes.loglog(
            guide,
            [scale * n * math.log2(max(n, 2)) for n in guide],
            "--",
            color="gray",
            label="∝ n log n",
        )
    derived = result.get("derived", {})
    slope = derived.get("dft_loglog_slope", {})
    extrapolated = derived.get("dft_time_at_1e6_s", {}).get("value")
    if extrapolated and dft_n:
        axes.loglog([dft_n[-1], 1e6], [dft_t[-1], extrapolated], "--", color="tab:red", alpha=0.6)
        axes.plot([1e6], [extrapolated], "x", color="tab:red", markersize=9)
        ratio = derived.get("dft_over_fft_at_1e6", {}).get("value")
        text = f"DFT at n=10⁶: {extrapolated:.3g} s (extrapolated)"
        if ratio:
            text += f"\n= {ratio:.3g} × the FFT"
        axes.annotate(text, (1e6, extrapolated), xytext=(-10, -30), textcoords="offset points",
                      ha="right", fontsize=8, color="tab:red")  # fmt: skip
    title = "Time per 1-D complex128 transform, one thread"
    if slope:
        fft_slope = derived.get("fft_loglog_slope", {}).get("value", float("nan"))
        title += f"\nlog-log slopes: DFT {slope['value']:.2f}, FFT {fft_slope:.2f} (measured)"
    axes.set_title(title, fontsize=10)
    axes.set_xlabel("n")
    axes.set_ylabel("seconds per call (median)")
    axes.grid(True, which="major", alpha=0.3)
    axes.legend(fontsize=8)
    figure.text(0.01, 0.01, _caption(result), fontsize=6, color="gray")
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def plot_backprop(result: dict, path: Path, plt) -> bool:
    rows = sorted(
        (r["params"]["P"], r["times"]) for r in result["benchmarks"]
        if r["group"] == "network.gradient" and "times" in r
    )  # fmt: skip
    if not rows:
        return False
    p = [row[0] for row in rows]
    figure, axes = plt.subplots(figsize=(7, 5))
    axes.loglog(p, [t["backprop"]["median"] for _, t in rows], "o-", label="backprop")
    axes.loglog(p, [t["forward_pass"]["median"] for _, t in rows], ".-", label="one forward pass")
    full = [(n, t["finite_differences"]["median"]) for n, t in rows
            if "label" not in t["finite_differences"]]  # fmt: skip
    scaled = [(n, t["finite_differences"]["median"]) for n, t in rows
              if "label" in t["finite_differences"]]  # fmt: skip
    if full:
        axes.loglog(
            *zip(*full, strict=True), "s-", color="tab:red", label="finite differences, eq. (46)"
        )
    if scaled:
        axes.loglog(*zip(*scaled, strict=True), "s", color="tab:red", mfc="none",
                    label="finite differences (extrapolated from a subset)")  # fmt: skip
    axes.set_xlabel("parameters P")
    axes.set_ylabel("seconds per gradient (median), mini-batch of 10")
    slope = result.get("derived", {}).get("backprop_speedup_loglog_slope", {}).get("value")
    title = "Gradient of the cost: backprop vs finite differences"
    if slope is not None:
        title += f"\nspeedup ∝ P^{slope:.2f} (measured)"
    axes.set_title(title, fontsize=10)
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=8)
    figure.text(0.01, 0.01, _caption(result), fontsize=6, color="gray")
    figure.tight_layout(rect=(0, 0.02, 1, 1))
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def _caption(result: dict) -> str:
    machine = result.get("machine", {})
    versions = result.get("versions", {})
    commit = (result.get("git", {}).get("commit") or "?")[:10]
    return (
        f"{machine.get('cpu', '?')}, {machine.get('cores', '?')} cores; fastgrad "
        f"{versions.get('fastgrad', '?')} @ {commit}; {result.get('date', '?')}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="perf/plot.py", description=__doc__.splitlines()[0])
    parser.add_argument("result", type=Path)
    parser.add_argument("--out", type=Path, help="directory for the PNG files")
    args = parser.parse_args(argv)
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print('perf/plot.py needs matplotlib: pip install "fastgrad[perf]"', file=sys.stderr)
        return 2
    with open(args.result, encoding="utf-8") as handle:
        result = json.load(handle)
    out = args.out or args.result.parent
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, function in (
        ("fft_vs_dft.png", plot_fft),
        ("backprop_vs_finite_differences.png", plot_backprop),
    ):
        if function(result, out / name, plt):
            written.append(out / name)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print("nothing to plot: the result has no FFT/DFT or network.gradient benchmarks")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
