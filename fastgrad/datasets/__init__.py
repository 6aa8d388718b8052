"""Datasets: the UCI handwritten digits (bundled) and an MNIST reader for local IDX files.

* :func:`load_digits`: 1,797 8x8 images of handwritten digits, shipped with fastgrad (the copy
  scikit-learn ships as ``digits.csv.gz``; see ``fastgrad/datasets/data/README.md`` for the
  citation and licence).
* :func:`load_mnist`: MNIST (or any IDX file pair) from files you downloaded yourself.
"""

from ._digits import load_digits
from ._mnist import load_mnist, read_idx

__all__ = ["load_digits", "load_mnist", "read_idx"]
