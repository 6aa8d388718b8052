"""The ``fastgrad`` command line: ``python -m fastgrad [validate|train|bench] ...``.

Each subcommand lives in its own module and is imported only when it runs, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module that implements it, one-line help). Each module defines
# ``add_arguments(parser)`` and ``run(args) -> int`` (the exit status).
_SUBCOMMANDS = {
    "bench": ("fastgrad._bench", "run the benchmarks in perf/ (from a source checkout)"),
    "train": ("fastgrad._train", "train an MLP on the bundled handwritten digits"),
    "validate": ("fastgrad._validate", "check every transform against scipy.fft and print a table"),
}
# The module run when no subcommand is given (same protocol), or None to print the help.
_DEFAULT: str | None = "fastgrad._demo"


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the chosen subcommand; return its exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(
        prog="fastgrad",
        description="fastgrad: backpropagation vs finite differences, FFT vs DFT, measured live. "
        "With no subcommand, runs the demo.",
    )
    subparsers = parser.add_subparsers(dest="command")
    for name, (module_name, help_text) in _SUBCOMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        sub.set_defaults(module_name=module_name)
        _load(module_name).add_arguments(sub)
    if _DEFAULT is not None:
        _load(_DEFAULT).add_arguments(parser)
    parser.set_defaults(module_name=_DEFAULT)
    args = parser.parse_args(argv)
    if args.module_name is None:
        parser.print_help()
        return 2
    return int(_load(args.module_name).run(args))


def _load(module_name: str):
    return importlib.import_module(module_name)


if __name__ == "__main__":
    sys.exit(main())
