"""``python -m fastgrad``: the main job, in its quick mode, in a subprocess with the JIT on.

No timing is asserted: only that it runs, exits 0, prints well-formed JSON whose checks passed,
labels its extrapolated figures, and writes PNG charts when matplotlib is installed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys

import pytest

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    plots = tmp_path_factory.mktemp("plots")
    command = [sys.executable, "-m", "fastgrad", "--quick", "--json"]
    if HAVE_MATPLOTLIB:
        command += ["--plot", str(plots)]
    env = dict(os.environ, NUMBA_DISABLE_JIT="0")
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, env=env)
    return result, plots


def test_demo_quick_exits_zero(demo_run):
    result, _ = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert "validation PASSED" in result.stderr  # with --json the table goes to stderr
    assert "vanishing gradients" in result.stderr


def test_demo_json_is_valid(demo_run):
    result, _ = demo_run
    report = json.loads(result.stdout)
    assert report["passed"] is True and report["quick"] is True
    assert report["validation"]["passed"] is True
    rows = report["backprop_vs_finite_differences"]
    assert [row["P"] for row in rows] == sorted(row["P"] for row in rows) and len(rows) >= 2
    for row in rows:
        assert row["agrees"] is True
        assert row["max_abs_difference"] <= 1e-5 * row["max_abs_gradient"]
        assert (
            row["finite_differences_label"] in ("measured",)
            or "extrapolated" in (row["finite_differences_label"])
        )
    for row in report["dft_vs_fft"]:
        assert row["label"] == "measured"
        assert row["fft_error_vs_scipy"] < 1e-13 and row["dft_error_vs_scipy"] < 1e-12
    large = report["dft_vs_fft_large_n"]
    assert large["dft_label"] == "extrapolated" and large["fft_label"] == "measured"
    norms = report["gradient_norms"]["bias_gradient_norms"]
    assert len(norms) == 5
    assert norms[-1] > norms[0]  # the gradient shrinks toward the input layer


@pytest.mark.skipif(not HAVE_MATPLOTLIB, reason="--plot needs matplotlib (extra 'perf')")
def test_demo_plot_writes_pngs(demo_run):
    result, plots = demo_run
    assert result.returncode == 0, result.stderr[-3000:]
    names = {"cosine_series_spectrum.png", "dft_vs_fft.png", "gradient_norms.png",
             "backprop_vs_finite_differences.png"}  # fmt: skip
    assert names <= {path.name for path in plots.iterdir()}
    for name in names:
        assert (plots / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cosine_series_spectrum_has_five_peaks():
    import numpy as np

    import fastgrad
    from fastgrad._demo import cosine_series

    t, signal, frequencies, amplitudes = cosine_series(n_samples=2**12)
    spectrum = np.abs(fastgrad.rfft(signal * np.hanning(signal.size)))
    freq = fastgrad.rfftfreq(signal.size, t[1] - t[0])
    local_max = (spectrum[1:-1] > spectrum[:-2]) & (spectrum[1:-1] > spectrum[2:])
    peaks = freq[1:-1][local_max & (spectrum[1:-1] > 0.05 * spectrum.max())]
    assert peaks.size == 5
    assert np.allclose(peaks, frequencies, atol=freq[1])


def test_demo_exits_nonzero_when_a_gradient_check_fails(monkeypatch, capsys):
    from fastgrad import _demo

    monkeypatch.setattr(_demo, "backprop_vs_finite_differences", lambda quick, out: [
        {"agrees": False}])  # fmt: skip
    monkeypatch.setattr(_demo, "dft_vs_fft", lambda quick, out: ([], {}))
    monkeypatch.setattr(_demo, "validation", lambda quick, out: {"passed": True})
    monkeypatch.setattr(_demo, "gradient_norms", lambda out: {})
    args = argparse.Namespace(plot=None, json=False, quick=True)
    assert _demo.run(args) == 1
    assert "FAILED" in capsys.readouterr().out
    monkeypatch.setattr(_demo, "validation", lambda quick, out: {"passed": False})
    monkeypatch.setattr(_demo, "backprop_vs_finite_differences", lambda quick, out: [
        {"agrees": True}])  # fmt: skip
    assert _demo.run(args) == 1
