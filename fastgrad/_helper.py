"""All argument checking and normalization for fastgrad's public API.

Public modules call these functions and hand clean, contiguous arrays to the kernels in
:mod:`fastgrad._kernels`; the kernels themselves never validate. One function per rule, one
message per rule, and each message names the offending argument.
"""

from __future__ import annotations

import operator
import os

import numpy as np

# ---------------------------------------------------------------------------------------------
# shared
# ---------------------------------------------------------------------------------------------


def as_int(value, name: str) -> int:
    """Return ``value`` as a Python int, or raise TypeError naming ``name``."""
    if isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}") from None


# ---------------------------------------------------------------------------------------------
# Fourier transforms (fastgrad.fourier, fastgrad.scipy_fft)
# ---------------------------------------------------------------------------------------------

_NORMS = ("backward", "ortho", "forward")

# Input dtype -> working complex dtype, as scipy.fft: half and single precision are computed in
# single precision, everything else real in double. longdouble is computed in double (fastgrad
# has no extended-precision kernels); this is documented in fastgrad.fourier.
_COMPLEX_FOR_KIND = {"b": np.complex128, "i": np.complex128, "u": np.complex128}


def fft_input(x, name: str = "x") -> np.ndarray:
    """Return ``x`` as an ndarray with ndim >= 1 and a numeric dtype (not yet converted).

    Raises TypeError for dtypes no FFT can take (object, strings, bytes, datetimes, structured)
    and ValueError for 0-d input.
    """
    array = np.asarray(x)
    if array.dtype.kind not in "biufc":
        raise TypeError(
            f"{name} must be an array of numbers (bool, integer, float or complex), "
            f"got dtype {array.dtype}"
        )
    if array.ndim == 0:
        raise ValueError(f"{name} must be at least 1-D, got a 0-d array")
    return array


def complex_dtype_for(dtype: np.dtype) -> np.dtype:
    """The complex dtype an FFT of ``dtype`` is computed and returned in."""
    if dtype.kind in _COMPLEX_FOR_KIND:
        return np.dtype(np.complex128)
    if dtype.kind == "f":
        return np.dtype(np.complex64 if dtype.itemsize <= 4 else np.complex128)
    return np.dtype(np.complex64 if dtype == np.complex64 else np.complex128)


def real_dtype_for(dtype: np.dtype) -> np.dtype:
    """The real dtype matching :func:`complex_dtype_for` (float32 or float64)."""
    return np.dtype(np.float32 if complex_dtype_for(dtype) == np.complex64 else np.float64)


def require_real(array: np.ndarray, name: str = "x") -> None:
    """Raise TypeError (scipy's wording) when a real-input transform gets complex data."""
    if array.dtype.kind == "c":
        raise TypeError(f"{name} must be a real sequence, got dtype {array.dtype}")


def fft_norm(norm) -> str:
    """Return the normalization mode, None meaning "backward"; ValueError for anything else."""
    if norm is None:
        return "backward"
    if not isinstance(norm, str) or norm not in _NORMS:
        raise ValueError(f'Invalid norm value {norm!r}, should be "backward", "ortho" or "forward"')
    return norm


def fft_scale(norm: str, n: int, forward: bool) -> float:
    """The factor an unscaled transform of length ``n`` is multiplied by under ``norm``."""
    if norm == "ortho":
        return 1.0 / np.sqrt(n)
    if (norm == "backward") != forward:  # backward-inverse or forward-forward
        return 1.0 / n
    return 1.0


def fft_length(n, name: str = "n") -> int:
    """Return a transform length as an int >= 1 (scipy's message for n < 1)."""
    value = as_int(n, name)
    if value < 1:
        raise ValueError(f"Invalid number of data points ({value}) specified in {name}")
    return value


def fft_axis(axis, ndim: int, name: str = "axis") -> int:
    """Return ``axis`` as a non-negative index into ``ndim`` dimensions.

    Raises numpy's AxisError, which is both a ValueError and an IndexError (scipy raises
    IndexError here), with a message naming the axis.
    """
    value = as_int(axis, name)
    if not -ndim <= value < ndim:
        raise np.exceptions.AxisError(value, ndim, name)
    return value % ndim


def fft_workers(workers) -> int:
    """Return the number of threads for ``workers`` (None -> 1, negative counts from the cores)."""
    if workers is None:
        return 1
    value = as_int(workers, "workers")
    if value == 0:
        raise ValueError("workers must not be zero")
    if value < 0:
        cores = os.cpu_count() or 1
        value += cores + 1
        if value <= 0:
            raise ValueError(
                f"workers value out of range; got {workers}, must not be less than {-cores}"
            )
    return value


def fft_plan(plan) -> None:
    """fastgrad, like scipy.fft, plans internally: an explicit ``plan`` is not supported."""
    if plan is not None:
        raise NotImplementedError(
            "Passing a precomputed plan is not supported by fastgrad (plans are cached internally)"
        )


def sample_spacing(d, name: str = "d") -> float:
    """Return a sample spacing as a non-zero float (fftfreq, rfftfreq)."""
    try:
        value = float(d)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a real number, got {type(d).__name__}") from None
    if value == 0.0:
        raise ValueError(f"{name} must be non-zero")
    return value


def fft_shape_and_axes(array: np.ndarray, s, axes) -> tuple[list[int], list[int]]:
    """Normalize the ``s`` and ``axes`` of an n-D transform as scipy.fft does.

    ``axes=None`` means the last ``len(s)`` axes (all axes when ``s`` is None too); ``s=None``
    means the current lengths along ``axes``. Axes must be unique; ``s`` and ``axes`` must have
    the same length when both are given; every length must be >= 1.
    """
    ndim = array.ndim
    if s is not None:
        if np.ndim(s) == 0:
            s = [s]
        shape = [as_int(length, "s") for length in s]
    if axes is None:
        if s is None:
            axes_list = list(range(ndim))
        else:
            if len(shape) > ndim:
                raise ValueError(f"s has {len(shape)} entries but x has only {ndim} dimensions")
            axes_list = list(range(ndim - len(shape), ndim))
    else:
        if np.ndim(axes) == 0:
            axes = [axes]
        axes_list = [fft_axis(axis, ndim, "axes") for axis in axes]
        if len(set(axes_list)) != len(axes_list):
            raise ValueError(f"axes must be unique, got {tuple(axes)}")
    if s is None:
        shape = [array.shape[axis] for axis in axes_list]
    elif len(shape) != len(axes_list):
        raise ValueError(
            f"s and axes must have the same length when both are given "
            f"(got {len(shape)} and {len(axes_list)})"
        )
    for length in shape:
        if length < 1:
            raise ValueError(f"Invalid number of data points ({length}) specified in s")
    return shape, axes_list


# ---------------------------------------------------------------------------------------------
# dense layers and networks (fastgrad.dense, fastgrad.network, fastgrad.gradcheck)
# ---------------------------------------------------------------------------------------------
