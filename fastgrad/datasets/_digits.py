"""The UCI ML handwritten digits, bundled as package data."""

from __future__ import annotations

import gzip
from importlib import resources

import numpy as np

N_SAMPLES = 1797
N_FEATURES = 64


def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Load the UCI handwritten digits: 1,797 images of 8x8 pixels, 10 classes.

    Returns
    -------
    images : ndarray of float64, shape (1797, 64)
        Pixel counts 0..16 divided by 16, so in [0, 1]; row-major 8x8 images
        (``images[k].reshape(8, 8)``).
    labels : ndarray of int64, shape (1797,)
        The digit, 0 to 9.

    Notes
    -----
    The test set of "Optical Recognition of Handwritten Digits" by E. Alpaydin and C. Kaynak
    (1998), UCI Machine Learning Repository, https://doi.org/10.24432/C50P49 (CC BY 4.0), in the
    ``digits.csv.gz`` packaging of scikit-learn (BSD-3-Clause). 32x32 bitmaps were divided into
    4x4 blocks and the on pixels in each counted. The data contain no NaN or Inf.

    Examples
    --------
    >>> from fastgrad.datasets import load_digits
    >>> images, labels = load_digits()
    >>> images.shape, labels[:5]
    ((1797, 64), array([0, 1, 2, 3, 4]))
    """
    source = resources.files(__package__).joinpath("data", "digits.csv.gz")
    with source.open("rb") as raw, gzip.open(raw, "rt") as text:
        table = np.loadtxt(text, delimiter=",", dtype=np.int64)
    if table.shape != (N_SAMPLES, N_FEATURES + 1):  # a damaged installation, not user input
        raise RuntimeError(f"the bundled digits.csv.gz has shape {table.shape}, expected "
                           f"({N_SAMPLES}, {N_FEATURES + 1}); reinstall fastgrad")  # fmt: skip
    images = table[:, :N_FEATURES].astype(np.float64) / 16.0
    labels = np.ascontiguousarray(table[:, N_FEATURES])
    return images, labels
