"""Run fastgrad's benchmarks and write one JSON file per run into perf/results/.

Usage::

    python perf/run.py                 # the full run (about 10-15 minutes on 2 cores)
    python perf/run.py --quick         # every benchmark at small sizes, under a minute
    python perf/run.py --only 'fft.c2c*' --only dense.forward
    python perf/run.py --list          # the benchmark names, nothing run

Every library runs on one thread (environment variables set before numpy is imported,
threadpoolctl, ``torch.set_num_threads(1)``), except the ``fft.batch/.../workers=2`` cases; the
settings are stored in the JSON. Optional peers (pyFFTW, ducc0, PyTorch) are used when installed
and noted as skipped otherwise. See perf/README.md for the protocol and the JSON layout.
"""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # _harness, bench_*

import _harness  # noqa: E402  (stdlib only: numpy is not imported yet)

_harness.pin_thread_env(1)  # before numpy, numba, BLAS are loaded
if (_harness.REPO_DIR / "fastgrad" / "__init__.py").is_file():
    sys.path.insert(1, str(_harness.REPO_DIR))  # benchmark this checkout's fastgrad

MODULES = ("bench_fft", "bench_dense", "bench_network", "bench_compile")
OPTIONAL_PEERS = ("threadpoolctl", "pyfftw", "ducc0", "torch")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="perf/run.py",
        description="Benchmark fastgrad against its peers, round-robin in one process, and write "
        "a JSON result file.",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="run the benchmarks whose name matches PATTERN (a glob like 'fft.c2c/*', or a "
        "substring); may be repeated",
    )
    parser.add_argument(
        "--max-log2",
        type=int,
        default=22,
        metavar="K",
        help="largest FFT size 2^K (default 22; the DFT series is not affected)",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmark names and exit")
    parser.add_argument(
        "--out", type=Path, metavar="PATH", help="result file (default: perf/results/<date>.json)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    return parser.parse_args(argv)


def selected(name: str, patterns: list[str] | None) -> bool:
    if not patterns:
        return True
    return any(pattern in name or fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def find_peers(config: _harness.Config) -> None:
    for name in OPTIONAL_PEERS:
        module = _harness.optional_import(name)
        if module is None:
            config.notes.append(f"{name}: not installed; its benchmarks are skipped")
            continue
        config.peers[name] = module
    threadpoolctl = config.peers.get("threadpoolctl")
    if threadpoolctl is not None:
        # kept alive for the whole run; limits every BLAS/OpenMP pool loaded so far and later
        config.peers["_threadpool_limits"] = threadpoolctl.threadpool_limits(limits=1)
    torch = config.peers.get("torch")
    if torch is not None:
        torch.set_num_threads(1)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # already set (torch allows it once per process)
            pass


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    import importlib

    config = _harness.Config.for_mode(args.quick)
    config.max_log2 = args.max_log2
    modules = [importlib.import_module(name) for name in MODULES]
    cases = [
        (module, case)
        for module in modules
        for case in module.cases(config)
        if selected(case.name, args.only)
    ]
    if args.list:
        for _, case in cases:
            print(case.name)
        return 0
    if not cases:
        print(f"perf/run.py: no benchmark matches {args.only}", file=sys.stderr)
        return 2
    find_peers(config)
    import fastgrad  # noqa: F401  (after the thread pinning)

    peers = {k: v for k, v in config.peers.items() if not k.startswith("_")}
    started = time.perf_counter()
    records, failures = [], 0
    progress = _harness.Progress(len(cases), enabled=not args.no_progress)
    for _, case in cases:
        progress.show(case.name)
        record = {"name": case.name, "group": case.group, "params": case.params}
        try:
            record.update(case.run(config))
        except Exception:
            failures += 1
            record["error"] = traceback.format_exc(limit=3).splitlines()[-1]
            print(f"\n{case.name}: FAILED\n{traceback.format_exc()}", file=sys.stderr)
        records.append(record)
        progress.step()
    progress.close()
    measured = [r for r in records if "error" not in r]
    derived = {}
    for module in modules:
        derived.update(module.derive(measured, config))
    git = _harness.git_commit()
    result = {
        "schema": _harness.SCHEMA,
        "date": _harness.now_utc(),
        "quick": args.quick,
        "only": args.only,
        "machine": _harness.machine(),
        "versions": _harness.versions(peers),
        "git": git,
        "threads": _harness.thread_settings(peers),
        "kernel_paths": _harness.kernel_paths(),
        "protocol": {
            "min_sample_s": config.min_sample,
            "budget_per_case_s": config.budget,
            "repeats": [config.min_repeats, config.max_repeats],
            "fft_max_log2": config.max_log2,
            "ratio": "time(peer) / time(subject), per round-robin round; > 1: fastgrad faster",
        },
        "notes": config.notes,
        "wall_time_s": time.perf_counter() - started,
        "benchmarks": records,
        "derived": derived,
    }
    out = args.out
    if out is None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        commit = (git["commit"] or "nogit")[:8]
        out = _harness.RESULTS_DIR / f"{stamp}-{commit}{'-quick' if args.quick else ''}.json"
    _harness.write_json(result, out)
    print_summary(result)
    print(f"\nwrote {out}")
    return 1 if failures else 0


def print_summary(result: dict) -> None:
    """A table of the median times and ratios, then the derived figures."""
    print(f"\nfastgrad perf, {result['machine']['cpu']}, {result['machine']['cores']} cores")
    print("ratio = time(peer) / time(fastgrad), median over round-robin rounds (> 1: faster)\n")
    for record in result["benchmarks"]:
        if "error" in record:
            print(f"{record['name']:<48} FAILED: {record['error']}")
            continue
        subject = record.get("subject")
        if subject is None:
            parts = [f"{k} {v['median']:.3g} s" for k, v in record["times"].items()]
            print(f"{record['name']:<48} " + "; ".join(parts))
            continue
        time_s = record["times"][subject]["median"]
        ratios = "  ".join(f"{k} {v['median']:.2f}" for k, v in record["ratios"].items())
        print(f"{record['name']:<48} {_format_time(time_s):>10}  {ratios}")
    print("\nderived figures:")
    for key, value in result["derived"].items():
        print(f"  {key}: {_format_derived(value)}")
    for note in result["notes"]:
        print(f"note: {note}")


def _format_time(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _format_derived(value) -> str:
    if isinstance(value, dict):
        shown = {k: v for k, v in value.items() if k not in ("per_shape",)}
        return ", ".join(f"{k}={_format_derived(v)}" for k, v in shown.items())
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, list):
        return "[" + ", ".join(_format_derived(v) for v in value) + "]"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
