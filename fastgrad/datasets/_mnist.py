"""Readers for the IDX format of MNIST (http://yann.lecun.com/exdb/mnist/), gzipped or not."""

from __future__ import annotations

import gzip
import os

import numpy as np

# IDX type byte -> big-endian dtype
_IDX_TYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read one IDX file (optionally gzip-compressed, detected from its first bytes).

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    ndarray
        Native-endian array of the dtype and shape the header declares.

    Raises
    ------
    ValueError
        The file is not IDX: bad magic number, unknown type code, or a size that does not match
        the header (the message names the path).
    FileNotFoundError
        No such file.
    """
    with open(path, "rb") as handle:
        data = handle.read()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise ValueError(f"path {os.fspath(path)!r} is a damaged gzip file: {err}") from None
    if len(data) < 4 or data[0] != 0 or data[1] != 0:
        raise ValueError(f"path {os.fspath(path)!r} is not an IDX file (bad magic number)")
    type_code, n_dims = data[2], data[3]
    if type_code not in _IDX_TYPES:
        raise ValueError(f"path {os.fspath(path)!r} has unknown IDX type code 0x{type_code:02x}")
    header = 4 + 4 * n_dims
    if len(data) < header:
        raise ValueError(f"path {os.fspath(path)!r} is truncated inside its IDX header")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=n_dims, offset=4))
    dtype = _IDX_TYPES[type_code]
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        raise ValueError(
            f"path {os.fspath(path)!r} holds {len(data)} bytes, its IDX header {shape} "
            f"needs {expected}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _find(directory: str | os.PathLike, stem: str) -> str:
    dotted = stem.replace("-idx", ".idx")  # some mirrors name them train-images.idx3-ubyte
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        candidate = os.path.join(directory, name)
        if os.path.isfile(candidate):
            return candidate
    raise FileNotFoundError(f"path {os.fspath(directory)!r} has no {stem}[.gz]")


def load_mnist(path: str | os.PathLike, kind: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """Load MNIST from its standard IDX files in a local directory.

    Parameters
    ----------
    path : str or os.PathLike
        Directory holding ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (for
        ``kind="train"``) or ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``
        (``kind="test"``), each optionally gzipped (``.gz``). Nothing is downloaded.
    kind : {"train", "test"}

    Returns
    -------
    images : ndarray of float64, shape (n, rows * cols)
        Pixels 0..255 divided by 255, in [0, 1], each image flattened row-major.
    labels : ndarray of int64, shape (n,)

    Raises
    ------
    ValueError
        Unknown ``kind``; files that are not IDX; images that are not 3-D unsigned bytes; labels
        that are not 1-D; counts that disagree; labels outside 0..9.
    FileNotFoundError
        A file is missing.
    """
    if kind not in _FILES:
        raise ValueError(f"kind must be 'train' or 'test', got {kind!r}")
    if not os.path.isdir(path):
        raise FileNotFoundError(f"path {os.fspath(path)!r} is not a directory")
    image_file, label_file = (_find(path, stem) for stem in _FILES[kind])
    images = read_idx(image_file)
    labels = read_idx(label_file)
    if images.ndim != 3 or images.dtype != np.uint8:
        raise ValueError(
            f"path {image_file!r} must hold 3-D unsigned bytes (n, rows, cols), got "
            f"{images.dtype} of shape {images.shape}"
        )
    if labels.ndim != 1:
        raise ValueError(f"path {label_file!r} must hold 1-D labels, got shape {labels.shape}")
    if labels.shape[0] != images.shape[0]:
        raise ValueError(
            f"path {label_file!r} has {labels.shape[0]} labels for {images.shape[0]} images"
        )
    if labels.size and (labels.min() < 0 or labels.max() > 9):
        raise ValueError(f"path {label_file!r} has labels outside 0..9")
    flat = images.reshape(images.shape[0], -1).astype(np.float64) / 255.0
    return flat, labels.astype(np.int64)
