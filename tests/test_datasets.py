"""fastgrad.datasets: the bundled digits and the IDX (MNIST) reader."""

import gzip
import struct

import numpy as np
import pytest

from fastgrad import datasets


def test_load_digits_shape_range_and_labels():
    images, labels = datasets.load_digits()
    assert images.dtype == np.float64 and images.shape == (1797, 64)
    assert labels.dtype.kind == "i" and labels.shape == (1797,)
    assert images.min() == 0.0 and images.max() == 1.0
    assert np.all(np.isin(np.round(images * 16), np.arange(17)))  # counts 0..16 over 16
    np.testing.assert_array_equal(np.bincount(labels),
                                  [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])  # fmt: skip
    np.testing.assert_array_equal(labels[:10], np.arange(10))
    assert images[0].reshape(8, 8)[0, 2] == 5 / 16  # first row of the CSV starts 0,0,5,13


def idx_bytes(array, type_code):
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim)
    header += struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def write_mnist(directory, rng, n=5, compress=False, kind="train"):
    images = rng.integers(0, 256, (n, 4, 3)).astype(np.uint8)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    stems = {"train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
             "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}[kind]  # fmt: skip
    for stem, array in zip(stems, (images, labels), strict=True):
        data = idx_bytes(array, 0x08)
        if compress:
            (directory / (stem + ".gz")).write_bytes(gzip.compress(data))
        else:
            (directory / stem).write_bytes(data)
    return images, labels


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("kind", ["train", "test"])
def test_load_mnist_reads_what_was_written(rng, tmp_path, compress, kind):
    images, labels = write_mnist(tmp_path, rng, compress=compress, kind=kind)
    x, y = datasets.load_mnist(tmp_path, kind)
    assert x.dtype == np.float64 and x.shape == (5, 12)
    assert y.dtype == np.int64
    np.testing.assert_array_equal(x, images.reshape(5, 12) / 255.0)
    np.testing.assert_array_equal(y, labels)


def test_read_idx_other_types(tmp_path):
    values = np.arange(6, dtype=np.float64).reshape(2, 3) / 7
    (tmp_path / "f.idx").write_bytes(idx_bytes(values, 0x0E))
    np.testing.assert_array_equal(datasets.read_idx(tmp_path / "f.idx"), values)
    ints = np.array([-3, 70000], dtype=np.int32)
    (tmp_path / "i.idx").write_bytes(idx_bytes(ints, 0x0C))
    np.testing.assert_array_equal(datasets.read_idx(tmp_path / "i.idx"), ints)


def test_bad_idx_files_give_clear_errors(rng, tmp_path):
    good = idx_bytes(np.zeros((2, 2), np.uint8), 0x08)
    cases = {
        "magic": (b"\x01\x00" + good[2:], "bad magic number"),
        "type": (good[:2] + b"\x07" + good[3:], "unknown IDX type code 0x07"),
        "short": (good[:-1], r"holds 15 bytes, its IDX header \(2, 2\) needs 16"),
        "header": (good[:6], "truncated inside its IDX header"),
        "gzip": (b"\x1f\x8b\x08garbage", "damaged gzip file"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ValueError, match=message):
            datasets.read_idx(tmp_path / name)


def test_load_mnist_rejects_inconsistent_files(rng, tmp_path):
    with pytest.raises(FileNotFoundError, match="has no train-images-idx3-ubyte"):
        datasets.load_mnist(tmp_path)
    with pytest.raises(FileNotFoundError, match="is not a directory"):
        datasets.load_mnist(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="kind must be 'train' or 'test'"):
        datasets.load_mnist(tmp_path, "validation")
    write_mnist(tmp_path, rng)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.zeros(4, np.uint8), 0x08))
    with pytest.raises(ValueError, match="has 4 labels for 5 images"):
        datasets.load_mnist(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(np.full(5, 11, np.uint8), 0x08))
    with pytest.raises(ValueError, match="labels outside 0..9"):
        datasets.load_mnist(tmp_path)
    (tmp_path / "train-images-idx3-ubyte").write_bytes(idx_bytes(np.zeros((5, 4)), 0x0E))
    with pytest.raises(ValueError, match="must hold 3-D unsigned bytes"):
        datasets.load_mnist(tmp_path)
