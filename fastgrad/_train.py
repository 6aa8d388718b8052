"""``python -m fastgrad train``: train an MLP on the bundled handwritten digits.

Heavy imports (the kernels) happen inside :func:`run`, so ``python -m fastgrad --help`` is fast.
"""

from __future__ import annotations

import argparse
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of the ``train`` subcommand."""
    parser.add_argument(
        "--hidden",
        type=int,
        nargs="*",
        default=[30],
        metavar="N",
        help="hidden layer widths (default: 30, i.e. sizes 64 30 10)",
    )
    parser.add_argument(
        "--activation", default="sigmoid", choices=["sigmoid", "tanh", "relu", "identity"]
    )
    parser.add_argument(
        "--loss",
        default="softmax_cross_entropy",
        choices=["quadratic", "cross_entropy", "softmax_cross_entropy"],
    )
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=10)
    parser.add_argument("--learning-rate", type=float, default=1.0)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--dtype", default="float64", choices=["float32", "float64"])
    parser.add_argument(
        "--test-fraction",
        type=float,
        default=0.25,
        help="share of the 1,797 images held out for testing (default 0.25)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the split, the initialization and the shuffling",
    )
    parser.add_argument("--quiet", action="store_true", help="no per-epoch lines")


def run(args: argparse.Namespace) -> int:
    """Train, print the test accuracy, return 0 (or 2 for bad options)."""
    import numpy as np

    from fastgrad.datasets import load_digits
    from fastgrad.network import MLP

    if not 0.0 < args.test_fraction < 1.0:
        print("train: --test-fraction must be between 0 and 1", file=sys.stderr)
        return 2
    images, labels = load_digits()
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(labels.size)
    n_test = int(round(args.test_fraction * labels.size))
    test, train = order[:n_test], order[n_test:]
    sizes = [images.shape[1], *args.hidden, 10]
    try:
        net = MLP(sizes, activation=args.activation, loss=args.loss, dtype=args.dtype,
                  seed=args.seed)  # fmt: skip
        start = time.perf_counter()
        net.fit(images[train], labels[train], epochs=args.epochs, batch_size=args.batch_size,
                learning_rate=args.learning_rate, weight_decay=args.weight_decay,
                validation_data=(images[test], labels[test]), seed=args.seed,
                progress=not args.quiet)  # fmt: skip
    except (TypeError, ValueError, FloatingPointError) as err:
        print(f"train: {err}", file=sys.stderr)
        return 2
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(net.predict(images[test]) == labels[test]))
    print(f"{net!r}: {train.size} training and {test.size} test images, {args.epochs} epochs "
          f"in {seconds:.2f} s")  # fmt: skip
    print(f"test accuracy: {accuracy:.4f}")
    return 0
