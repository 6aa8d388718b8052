"""perf/: the quick run writes a valid result file; compare.py flags regressions; plot.py draws.

The benchmarks run in a subprocess with the JIT on (``NUMBA_DISABLE_JIT=0``: with plain-Python
kernels the quick run would take many minutes). Nothing here asserts a timing: only that the
scripts run and that their output is well formed.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PERF = REPO / "perf"
GROUPS = {
    "fft.c2c",
    "fft.rfft",
    "fft.bluestein",
    "fft.batch",
    "fft.dft",
    "dense",
    "network.gradient",
    "network.sgd_epoch",
    "compile",
}


def run_script(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_DISABLE_JIT="0")
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=timeout, env=env
    )


def load_compare():
    spec = importlib.util.spec_from_file_location("perf_compare", PERF / "compare.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def quick_result(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("perf") / "quick.json"
    result = run_script(str(PERF / "run.py"), "--quick", "--no-progress", "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert out.is_file()
    return out


def test_run_quick_writes_valid_json(quick_result):
    text = quick_result.read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["schema"] == "fastgrad-perf/1"
    assert data["quick"] is True
    assert data["machine"]["cores"] >= 1 and data["machine"]["cpu"]
    for name in ("python", "numpy", "scipy", "numba", "fastgrad"):
        assert data["versions"][name]
    assert "commit" in data["git"]
    assert data["threads"]["OPENBLAS_NUM_THREADS"] == "1"
    assert data["kernel_paths"]["fft_simd_path"] in ("noalias", "plain", "python")
    assert {record["group"] for record in data["benchmarks"]} == GROUPS
    for record in data["benchmarks"]:
        assert "error" not in record, record
        for summary in record["times"].values():
            assert 0 < summary["min"] <= summary["median"] or record["group"] == "compile"
            assert summary["repeats"] >= 1
        if record["subject"] is not None:
            assert record["subject"] in record["times"]
            assert set(record["ratios"]) == set(record["times"]) - {record["subject"]}
            for ratio in record["ratios"].values():
                assert math.isfinite(ratio["median"]) and ratio["median"] > 0
                assert ratio["q25"] <= ratio["median"] <= ratio["q75"]
    derived = data["derived"]
    for key in ("dft_loglog_slope", "fft_loglog_slope", "fft_dft_crossover",
                "dft_over_fft_at_1e6", "backward_over_forward",
                "backprop_speedup_loglog_slope", "compile_time_cold_s"):  # fmt: skip
        assert key in derived, key
    assert derived["dft_over_fft_at_1e6"]["label"] == "extrapolated"
    # no path of this machine in the result
    assert str(REPO) not in text and str(Path.home()) not in text


def test_compare_passes_identical_runs(quick_result):
    result = run_script(str(PERF / "compare.py"), str(quick_result), str(quick_result))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 regressions" in result.stdout


def _synthetic(median: float, spread: float) -> dict:
    ratio = {"median": median, "q25": median * (1 - spread), "q75": median * (1 + spread)}
    ratio["min_ratio"] = median
    return {
        "machine": {"cpu": "test"},
        "benchmarks": [
            {
                "name": "fft.c2c/complex128/n=1024",
                "group": "fft.c2c",
                "subject": "fastgrad",
                "times": {},
                "ratios": {"scipy": ratio},
            }
        ],
    }


def test_compare_flags_a_synthetic_20_percent_regression(tmp_path):
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text(json.dumps(_synthetic(2.0, 0.02)))
    new.write_text(json.dumps(_synthetic(1.6, 0.02)))
    result = run_script(str(PERF / "compare.py"), str(old), str(new))
    assert result.returncode == 1, result.stdout
    assert "regression" in result.stdout and "-20.0%" in result.stdout
    # the same drop on a run whose spread covers it is noise, not a regression
    noisy = tmp_path / "noisy.json"
    noisy.write_text(json.dumps(_synthetic(1.6, 0.3)))
    assert run_script(str(PERF / "compare.py"), str(old), str(noisy)).returncode == 0
    # and a 5% drop is within the default threshold
    small = tmp_path / "small.json"
    small.write_text(json.dumps(_synthetic(1.9, 0.02)))
    assert run_script(str(PERF / "compare.py"), str(old), str(small)).returncode == 0


def test_compare_scaled_quick_run_is_flagged(quick_result):
    compare = load_compare()
    old = json.loads(quick_result.read_text(encoding="utf-8"))
    new = copy.deepcopy(old)
    for record in new["benchmarks"]:
        for ratio in record.get("ratios", {}).values():
            ratio["median"] *= 0.8  # 20% worse, with a spread entirely below the old one
            ratio["q75"] = ratio["q25"] * 0.99
            ratio["q25"] = ratio["q75"] * 0.99
    rows = compare.compare(old, new)
    assert rows and all(row["status"] == "regression" for row in rows)
    assert all(row["status"] == "ok" for row in compare.compare(old, old))


def test_plot_writes_png(quick_result, tmp_path):
    pytest.importorskip("matplotlib", reason="perf/plot.py needs matplotlib (extra 'perf')")
    result = run_script(str(PERF / "plot.py"), str(quick_result), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    for name in ("fft_vs_dft.png", "backprop_vs_finite_differences.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bench_subcommand_lists_benchmarks():
    result = run_script("-m", "fastgrad", "bench", "--list", timeout=120)
    assert result.returncode == 0, result.stderr
    names = result.stdout.split()
    assert "fft.c2c/complex128/n=1024" in names and "compile/cold_and_cached" in names


def test_bench_subcommand_without_perf_directory(monkeypatch, capsys):
    from fastgrad import _bench

    monkeypatch.setattr(_bench, "perf_script", lambda: None)
    args = type("Args", (), {"quick": True, "only": None, "list": False, "out": None})()
    assert _bench.run(args) == 2
    assert "perf/run.py not found" in capsys.readouterr().err
