"""``python -m fastgrad bench``: run the benchmarks in ``perf/`` (a source checkout only).

The benchmarks are scripts next to the package, not part of it: an installed wheel has no
``perf/`` directory, and this command then says so and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument(
        "--only",
        action="append",
        metavar="PATTERN",
        help="benchmarks whose name matches PATTERN (glob or substring); may be repeated",
    )
    parser.add_argument("--list", action="store_true", help="list the benchmark names")
    parser.add_argument("--out", metavar="PATH", help="result file (default: perf/results/)")


def perf_script() -> str | None:
    """The path of ``perf/run.py`` in the checkout this package was imported from, or None."""
    package_dir = os.path.dirname(os.path.abspath(__file__))
    script = os.path.join(os.path.dirname(package_dir), "perf", "run.py")
    return script if os.path.isfile(script) else None


def run(args: argparse.Namespace) -> int:
    script = perf_script()
    if script is None:
        print(
            "fastgrad bench: perf/run.py not found next to this fastgrad package. The benchmarks "
            "live in the source repository, not in the installed package: clone the repository "
            "and run `python perf/run.py` (or `python -m fastgrad bench`) from the clone.",
            file=sys.stderr,
        )
        return 2
    command = [sys.executable, script]
    if args.quick:
        command.append("--quick")
    for pattern in args.only or []:
        command += ["--only", pattern]
    if args.list:
        command.append("--list")
    if args.out:
        command += ["--out", args.out]
    # a fresh process, so that perf/run.py pins the thread counts before numpy is imported
    return subprocess.call(command)
