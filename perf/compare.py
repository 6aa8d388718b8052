"""Compare two perf/run.py result files and flag regressions of fastgrad relative to its peers.

Usage::

    python perf/compare.py OLD.json NEW.json [--threshold 0.10]

For every benchmark and peer present in both files, the ratio ``time(peer) / time(fastgrad)``
(median over the round-robin rounds of each run) is compared, never absolute times: both runs
may have been on a busier or quieter machine, but the peer was measured alongside fastgrad each
time. A ratio is a regression when it dropped by more than ``threshold`` (default 10 %) *and*
the drop is outside the run-to-run spread: the new interquartile range of the per-round ratios
lies entirely below the old one. The exit status is 1 when there is at least one regression,
0 otherwise (2 for unreadable input).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def load(path: Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    if not isinstance(data, dict) or "benchmarks" not in data:
        raise ValueError(f"{path}: not a perf/run.py result file (no 'benchmarks')")
    return data


def ratios(result: dict) -> dict[tuple[str, str], dict]:
    """``{(benchmark name, peer): ratio summary}`` for every measured ratio."""
    found = {}
    for record in result["benchmarks"]:
        for peer, summary in record.get("ratios", {}).items():
            found[(record["name"], peer)] = summary
    return found


def compare(old: dict, new: dict, threshold: float = 0.10) -> list[dict]:
    """One row per (benchmark, peer) in both runs, with ``status`` in {"ok", "regression",
    "improvement", "noise"} ("noise": beyond the threshold but within the spread)."""
    old_ratios, new_ratios = ratios(old), ratios(new)
    rows = []
    for key in sorted(old_ratios.keys() & new_ratios.keys()):
        before, after = old_ratios[key], new_ratios[key]
        change = after["median"] / before["median"] - 1.0
        if change < -threshold:
            status = "regression" if after["q75"] < before["q25"] else "noise"
        elif change > threshold:
            status = "improvement" if after["q25"] > before["q75"] else "noise"
        else:
            status = "ok"
        rows.append(
            {
                "benchmark": key[0],
                "peer": key[1],
                "old": before["median"],
                "new": after["median"],
                "change": change,
                "status": status,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="perf/compare.py",
        description="Compare the fastgrad/peer time ratios of two perf/run.py result files.",
    )
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path)
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.10,
        help="relative drop of a ratio counted as a regression (default 0.10)",
    )
    parser.add_argument("--all", action="store_true", help="show unchanged rows too")
    args = parser.parse_args(argv)
    if not 0 < args.threshold < 1:
        parser.error("--threshold must be between 0 and 1")
    try:
        old, new = load(args.old), load(args.new)
    except (OSError, ValueError) as error:
        print(f"perf/compare.py: {error}", file=sys.stderr)
        return 2
    for label, data in (("old", old), ("new", new)):
        machine = data.get("machine", {})
        git = data.get("git", {})
        commit = (git.get("commit") or "?")[:10] + (" (dirty)" if git.get("dirty") else "")
        print(f"{label}: {data.get('date', '?')}  commit {commit}  {machine.get('cpu', '?')}")
    if old.get("machine", {}).get("cpu") != new.get("machine", {}).get("cpu"):
        print("note: different CPUs; ratios are still comparable, absolute times are not")
    rows = compare(old, new, args.threshold)
    print(f"\nratio = time(peer) / time(fastgrad); threshold {args.threshold:.0%}\n")
    print(f"{'benchmark':<50} {'peer':<20} {'old':>8} {'new':>8} {'change':>8}  status")
    for row in rows:
        if not args.all and row["status"] == "ok":
            continue
        print(
            f"{row['benchmark']:<50} {row['peer']:<20} {row['old']:8.3f} {row['new']:8.3f} "
            f"{row['change']:+8.1%}  {row['status']}"
        )
    counts = {status: sum(r["status"] == status for r in rows) for status in
              ("ok", "noise", "improvement", "regression")}  # fmt: skip
    only_old = {r["name"] for r in old["benchmarks"]} - {r["name"] for r in new["benchmarks"]}
    print(
        f"\n{len(rows)} ratios compared: {counts['regression']} regressions, "
        f"{counts['improvement']} improvements, {counts['noise']} beyond the threshold but within "
        f"the spread, {counts['ok']} within the threshold"
    )
    if only_old:
        print(f"{len(only_old)} benchmarks of the old run are missing from the new one")
    return 1 if counts["regression"] else 0


if __name__ == "__main__":
    sys.exit(main())
