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

_ACTIVATIONS = {"identity": 0, "sigmoid": 1, "tanh": 2, "relu": 3, "softmax": 4}
_LOSSES = {"quadratic": 0, "cross_entropy": 1, "softmax_cross_entropy": 2}
_FD_METHODS = ("central", "forward")
_FLOAT32 = np.dtype(np.float32)
_FLOAT64 = np.dtype(np.float64)
_INT64 = np.dtype(np.int64)


def activation_code(name, arg: str = "activation") -> int:
    """Map an activation name to its kernel code, or raise naming ``arg``."""
    if not isinstance(name, str):
        raise TypeError(f"{arg} must be a string, got {type(name).__name__}")
    if name not in _ACTIVATIONS:
        raise ValueError(f"{arg} must be one of {sorted(_ACTIVATIONS)}, got {name!r}")
    return _ACTIVATIONS[name]


def loss_code(name) -> int:
    """Map a loss name to its kernel code, or raise naming ``loss``."""
    if not isinstance(name, str):
        raise TypeError(f"loss must be a string, got {type(name).__name__}")
    if name not in _LOSSES:
        raise ValueError(f"loss must be one of {sorted(_LOSSES)}, got {name!r}")
    return _LOSSES[name]


def output_activation_for_loss(loss: str, output_activation, hidden: str) -> str:
    """The output activation an MLP uses: the default for ``loss``, or a compatible choice."""
    required = {"cross_entropy": "sigmoid", "softmax_cross_entropy": "softmax"}.get(loss)
    if output_activation is None:
        return required or hidden
    activation_code(output_activation, "output_activation")
    if required is not None and output_activation != required:
        raise ValueError(
            f"output_activation must be {required!r} (or None) for loss={loss!r}, "
            f"got {output_activation!r}"
        )
    return output_activation


def fd_method(method) -> bool:
    """True for ``"central"``, False for ``"forward"``; anything else raises naming ``method``."""
    if method not in _FD_METHODS:
        raise ValueError(f"method must be 'central' or 'forward', got {method!r}")
    return method == "central"


def float_dtype(dtype, name: str = "dtype") -> np.dtype:
    """``numpy.float32`` or ``numpy.float64`` as a dtype, or raise naming ``name``."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64, got {dtype!r}") from None
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"{name} must be numpy.float32 or numpy.float64, got {resolved}")
    return resolved


def common_float_dtype(*arrays) -> np.dtype:
    """float32 if every array is float16/float32, else float64 (ints and bools become float64)."""
    if all(np.asarray(a).dtype.char in "ef" for a in arrays):  # float16, float32
        return _FLOAT32
    return _FLOAT64


def real_array(value, name: str) -> np.ndarray:
    """``value`` as an ndarray of bools, ints or floats, or TypeError naming ``name``."""
    try:
        array = np.asarray(value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be an array of real numbers ({err})") from None
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be an array of real numbers, got dtype {array.dtype}")
    return array


def float_array(value, name: str, dtype) -> np.ndarray:
    """A C-contiguous copy-if-needed of ``value`` in ``dtype`` (float32/float64)."""
    return np.ascontiguousarray(real_array(value, name), dtype=dtype)


def ndim(array: np.ndarray, name: str, expected: int) -> None:
    """Raise ValueError naming ``name`` unless ``array`` has ``expected`` dimensions."""
    if array.ndim != expected:
        raise ValueError(f"{name} must be {expected}-D, got shape {array.shape}")


def nonempty(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming ``name`` if ``array`` has no elements (an empty batch)."""
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")


def finite(array: np.ndarray, name: str) -> None:
    """Raise ValueError naming ``name`` if ``array`` holds NaN or Inf."""
    from fastgrad._kernels.dense import all_finite  # imported here: keeps this module light

    if not all_finite(array.reshape(-1)):
        raise ValueError(f"{name} must be finite, but it contains NaN or Inf")


def dense_array(value, name: str, dtype, ndim_: int) -> np.ndarray:
    """A non-empty, C-contiguous float array of ``ndim_`` dimensions (finiteness not checked)."""
    if type(value) is np.ndarray and value.dtype == dtype and value.flags.c_contiguous:
        array = value  # the common case, without the conversions
    else:
        array = float_array(value, name, dtype)
    ndim(array, name, ndim_)
    nonempty(array, name)
    return array


def dense_input(value, name: str, dtype, ndim_: int) -> np.ndarray:
    """A finite, non-empty, C-contiguous float array of ``ndim_`` dimensions."""
    array = dense_array(value, name, dtype, ndim_)
    finite(array, name)
    return array


# The fast paths below cost about 0.1 us per array (attribute checks only), against several
# microseconds for the general conversions; anything unusual (lists, other dtypes, subclasses,
# views of unknown ownership, bad shapes) takes the general path, which converts or raises with
# the usual messages.


def _ready(array, dtype, ndim_: int) -> bool:
    """``array`` is already what the kernels take: a non-empty C-contiguous ndarray (not a
    subclass) of exactly ``dtype`` with ``ndim_`` dimensions."""
    return (
        type(array) is np.ndarray
        and array.dtype is dtype
        and array.ndim == ndim_
        and array.size != 0
        and array.flags.c_contiguous
    )


def layer_inputs(x, weight, bias) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.dtype]:
    """``(x, weight, bias, dtype)`` for :func:`fastgrad.dense_forward`: C-contiguous, non-empty
    arrays of one float dtype with ``x (n, n_in)``, ``weight (n_in, n_out)``, ``bias (n_out,)``.

    Finiteness is left to the kernel, which reports non-finite results; then
    :func:`finite_inputs` names the argument.
    """
    dtype = x.dtype if type(x) is np.ndarray else None
    if (
        (dtype is _FLOAT64 or dtype is _FLOAT32)
        and _ready(x, dtype, 2)
        and _ready(weight, dtype, 2)
        and _ready(bias, dtype, 1)
        and x.shape[1] == weight.shape[0]
        and bias.shape[0] == weight.shape[1]
    ):
        return x, weight, bias, dtype
    dtype = common_float_dtype(real_array(x, "x"), real_array(weight, "weight"),
                               real_array(bias, "bias"))  # fmt: skip
    x = dense_array(x, "x", dtype, 2)
    weight = dense_array(weight, "weight", dtype, 2)
    bias = dense_array(bias, "bias", dtype, 1)
    dense_shapes(x, weight, bias)
    return x, weight, bias, dtype


def layer_backward_inputs(grad_out, x, weight, out) -> tuple:
    """``(grad_out, x, weight, out, dtype)`` for :func:`fastgrad.dense_backward`, as
    :func:`layer_inputs`: ``grad_out`` and ``out`` of shape ``(n_samples, n_out)`` from ``x``
    and ``weight``. Finiteness is left to the kernel."""
    dtype = x.dtype if type(x) is np.ndarray else None
    if (
        (dtype is _FLOAT64 or dtype is _FLOAT32)
        and _ready(grad_out, dtype, 2)
        and _ready(x, dtype, 2)
        and _ready(weight, dtype, 2)
        and _ready(out, dtype, 2)
        and x.shape[1] == weight.shape[0]
        and out.shape == grad_out.shape
        and out.shape[0] == x.shape[0]
        and out.shape[1] == weight.shape[1]
    ):
        return grad_out, x, weight, out, dtype
    names = ("grad_out", "x", "weight", "out")
    values = (grad_out, x, weight, out)
    dtype = common_float_dtype(*(real_array(v, n) for v, n in zip(values, names, strict=True)))
    grad_out, x, weight, out = (
        dense_array(v, n, dtype, 2) for v, n in zip(values, names, strict=True)
    )
    n_samples, n_in = x.shape
    n_out = weight.shape[1]
    if weight.shape[0] != n_in:
        same_shape(weight, "weight", (n_in, n_out), "n_in = x.shape[1]")
    same_shape(out, "out", (n_samples, n_out), "(n_samples, n_out) from x and weight")
    same_shape(grad_out, "grad_out", (n_samples, n_out), "the shape of out")
    return grad_out, x, weight, out, dtype


def finite_inputs(*named: tuple) -> None:
    """Raise ValueError naming the first of ``(array, name)`` pairs that holds NaN or Inf.

    Called when a kernel reported non-finite values; if every input is finite, they came from
    an overflow inside the computation, which is not an error (the result saturates)."""
    for array, name in named:
        finite(array, name)


def dense_shapes(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> None:
    """``weight`` must be ``(x.shape[1], n_out)`` and ``bias`` ``(n_out,)``."""
    if weight.shape[0] != x.shape[1]:
        raise ValueError(
            f"weight must have shape (n_in, n_out) with n_in = x.shape[1] = {x.shape[1]}, "
            f"got {weight.shape}"
        )
    if bias.shape != (weight.shape[1],):
        raise ValueError(
            f"bias must have shape (n_out,) = ({weight.shape[1]},) to match weight, "
            f"got {bias.shape}"
        )


def same_shape(array: np.ndarray, name: str, shape: tuple, what: str) -> None:
    """Raise ValueError naming ``name`` unless ``array.shape == shape`` (``what`` explains why)."""
    if array.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)} ({what}), got {array.shape}")


def output_buffer(out, name: str, shape: tuple, dtype, inputs=()) -> np.ndarray:
    """A preallocated output: a writeable C-contiguous ndarray of ``shape`` and ``dtype``.

    It must not overlap any of ``inputs`` (the kernels read inputs while writing outputs).
    """
    if (
        type(out) is np.ndarray
        and out.base is None  # owns its memory: it can only overlap itself
        and out.dtype is dtype
        and out.shape == shape
        and out.flags.c_contiguous
        and out.flags.writeable
    ):
        for other in inputs:
            if other is out or other.base is not None:
                break
        else:
            return out  # the fast path: a fresh buffer, distinct from inputs that own theirs
    if not isinstance(out, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(out).__name__}")
    if out.dtype != dtype:
        raise TypeError(f"{name} must have dtype {np.dtype(dtype)}, got {out.dtype}")
    if out.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {out.shape}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError(f"{name} must be C-contiguous and writeable")
    for other in inputs:
        if np.may_share_memory(out, other):
            raise ValueError(f"{name} must not share memory with the inputs")
    return out


def layer_sizes(sizes) -> np.ndarray:
    """At least two layer widths, each an integer >= 1, as an int64 array."""
    if isinstance(sizes, str) or not hasattr(sizes, "__len__"):
        raise TypeError(f"sizes must be a sequence of integers, got {type(sizes).__name__}")
    values = [as_int(size, "sizes") for size in sizes]
    if len(values) < 2:
        raise ValueError(f"sizes must list at least two layer widths, got {values}")
    if min(values) < 1:
        raise ValueError(f"sizes must all be >= 1, got {values}")
    return np.array(values, dtype=np.int64)


def positive_int(value, name: str) -> int:
    """An integer >= 1, or raise naming ``name``."""
    value = as_int(value, name)
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}")
    return value


def real_scalar(value, name: str) -> float:
    """A finite real number as float, or raise naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    if isinstance(value, complex | np.complexfloating):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return value


def positive_float(value, name: str) -> float:
    """A finite real number > 0, or raise naming ``name``."""
    value = real_scalar(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0, got {value}")
    return value


def nonnegative_float(value, name: str) -> float:
    """A finite real number >= 0, or raise naming ``name``."""
    value = real_scalar(value, name)
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return value


def random_generator(seed, name: str = "seed") -> np.random.Generator:
    """``numpy.random.default_rng(seed)`` for None, an int or a Generator, or raise naming it."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    return np.random.default_rng(as_int(seed, name))


def network_input(x, name: str, n_in: int, dtype, scan: bool = True) -> np.ndarray:
    """A non-empty, C-contiguous ``(n_samples, n_in)`` float array of ``dtype`` (an MLP's input);
    finite unless ``scan`` is false (then the kernel detects NaN/Inf, see :func:`network_batch`)."""
    if not _ready(x, dtype, 2):
        x = dense_array(x, name, dtype, 2)
    if x.shape[1] != n_in:
        raise ValueError(
            f"{name} must have {n_in} columns (the input layer width), got shape {x.shape}"
        )
    if scan:
        finite(x, name)
    return x


def network_batch(x, y, n_in: int, n_out: int, dtype) -> tuple:
    """``(x, labels, rows)`` for the checked network kernels; exactly one of ``labels`` (int64
    class labels) and ``rows`` (target rows of ``dtype``) is None.

    The fast path, for an ``x`` and a ``y`` that are already what the kernels take (C-contiguous
    ndarrays of ``dtype`` with the right shapes; labels of int64), checks attributes only and
    leaves the scans to the kernel: it reports NaN/Inf in ``x`` (through the first layer's
    ``z``) or in ``rows`` and labels out of range, and :func:`batch_status` then names the
    argument. Anything else is converted and checked here, with the usual messages.
    """
    if (
        type(y) is np.ndarray
        and _ready(x, dtype, 2)
        and x.shape[1] == n_in
        and y.flags.c_contiguous
        and y.shape[0] == x.shape[0]
    ):
        if y.ndim == 1 and y.dtype is _INT64:
            return x, y, None
        if y.ndim == 2 and y.dtype is dtype and y.shape[1] == n_out:
            return x, None, y
    x = network_input(x, "x", n_in, dtype)
    labels, rows = target_arrays(y, "y", x.shape[0], n_out, dtype)
    return x, labels, rows


def batch_status(status: int, x: np.ndarray, labels, rows) -> None:
    """Raise for what a checked network kernel reported (its ``BATCH_*`` status), naming the
    argument as the general path would (``x`` first). A non-finite first-layer ``z`` with a
    finite ``x`` is an overflow inside the network: not an error, nothing is raised."""
    from fastgrad._kernels import dense as kernels  # imported here: keeps this module light

    finite(x, "x")
    if status == kernels.BATCH_BAD_LABELS:
        class_labels(labels, "y", x.shape[0], -1 if rows is None else rows.shape[1])
    elif status == kernels.BATCH_BAD_Y:
        finite(rows, "y")


def class_labels(array: np.ndarray, name: str, n_samples: int, n_out: int) -> np.ndarray:
    """Integer class labels ``(n_samples,)`` in ``[0, n_out)`` as a C-contiguous int64 array."""
    if array.dtype.kind not in "iu":
        raise TypeError(
            f"{name} with one dimension must hold integer class labels, got dtype "
            f"{array.dtype} (pass target rows as a 2-D array)"
        )
    if array.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have {n_samples} labels (one per row of x), got {array.shape[0]}"
        )
    if array.size and (array.min() < 0 or array.max() >= n_out):
        raise ValueError(
            f"{name} labels must be in [0, {n_out}) for {n_out} outputs, got "
            f"min {array.min()} and max {array.max()}"
        )
    return np.ascontiguousarray(array, dtype=np.int64)


def target_arrays(y, name: str, n_samples: int, n_out: int, dtype) -> tuple:
    """``(labels, rows)``: 1-D integer ``y`` as checked int64 class labels in ``[0, n_out)``
    (``rows`` None), or 2-D ``y`` as finite target rows ``(n_samples, n_out)`` of ``dtype``
    (``labels`` None)."""
    array = real_array(y, name)
    if array.ndim == 1:
        return class_labels(array, name, n_samples, n_out), None
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D class labels or 2-D target rows, got shape {array.shape}"
        )
    if array.shape != (n_samples, n_out):
        raise ValueError(
            f"{name} must have shape (n_samples, n_out) = ({n_samples}, {n_out}), got {array.shape}"
        )
    rows = np.ascontiguousarray(array, dtype=dtype)
    finite(rows, name)
    return None, rows


def targets(y, name: str, n_samples: int, n_out: int, dtype) -> tuple[np.ndarray, bool]:
    """Targets as one-hot/target rows ``(n_samples, n_out)`` of ``dtype``, and whether they are
    class labels (integer labels, or rows that are exactly one-hot).

    1-D integer ``y`` holds class labels in ``[0, n_out)``; 2-D ``y`` holds target rows.
    """
    labels, rows = target_arrays(y, name, n_samples, n_out, dtype)
    if labels is not None:
        rows = np.zeros((n_samples, n_out), dtype=dtype)
        rows[np.arange(n_samples), labels] = 1
        return rows, True
    one_hot = bool(np.all((rows == 0) | (rows == 1)) and np.all(rows.sum(axis=1) == 1))
    return rows, one_hot


def parameter_list(values, name: str, shapes: list[tuple], dtype) -> list[np.ndarray]:
    """A list of finite float arrays with exactly ``shapes`` (the shapes of weights or biases)."""
    if isinstance(values, np.ndarray) or not isinstance(values, list | tuple):
        raise TypeError(f"{name} must be a list of {len(shapes)} arrays")
    if len(values) != len(shapes):
        raise ValueError(
            f"{name} must hold {len(shapes)} arrays (one per layer), got {len(values)}"
        )
    arrays = []
    for k, (value, shape) in enumerate(zip(values, shapes, strict=True)):
        array = float_array(value, f"{name}[{k}]", dtype)
        same_shape(array, f"{name}[{k}]", shape, "one per layer, like the parameters")
        finite(array, f"{name}[{k}]")
        arrays.append(array)
    return arrays


def parameter_indices(indices, name: str, n_params: int) -> np.ndarray:
    """Flat parameter indices: unique integers in ``[0, n_params)`` as int64."""
    array = real_array(indices, name)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{name} must hold integer indices, got dtype {array.dtype}")
    ndim(array, name, 1)
    if array.size and (array.min() < 0 or array.max() >= n_params):
        raise ValueError(f"{name} must be in [0, {n_params}) (the number of parameters)")
    return np.ascontiguousarray(array, dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# dask (fastgrad.dask): chunked inputs. Dask itself is imported only inside these functions,
# which only fastgrad.dask calls, so ``import fastgrad`` never imports it.
# ---------------------------------------------------------------------------------------------


class RechunkWarning(UserWarning):
    """fastgrad.dask merged the chunks of an axis that must be one chunk (a transformed axis)."""


def _chunks_text(chunks: tuple) -> str:
    """A chunk tuple for a message, shortened when long."""
    if len(chunks) <= 6:
        return str(tuple(chunks))
    head = ", ".join(str(c) for c in chunks[:3])
    return f"({head}, ..., {chunks[-1]}) ({len(chunks)} chunks)"


def flag(value, name: str) -> bool:
    """``value`` as a bool; TypeError naming ``name`` for anything but True/False."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def dask_array(x, name: str = "x"):
    """Return ``x`` if it is a ``dask.array.Array``, else raise TypeError naming ``name``."""
    from dask.array import Array

    if not isinstance(x, Array):
        raise TypeError(
            f"{name} must be a dask.array.Array, got {type(x).__module__}.{type(x).__name__} "
            f"(wrap in-memory data with dask.array.from_array(data, chunks=...), or call "
            f"fastgrad's NumPy API directly)"
        )
    return x


def dask_fft_input(x, name: str = "x"):
    """A dask array that :func:`fft_input` would accept: numeric dtype, at least 1-D.

    The rule and its message are :func:`fft_input`'s, applied to an empty array of ``x``'s
    dtype and number of dimensions (nothing is computed).
    """
    dask_array(x, name)
    fft_input(np.empty((0,) * x.ndim, dtype=x.dtype), name)
    return x


def known_chunks(x, axes, name: str = "x") -> None:
    """Raise ValueError naming ``name`` if the chunk sizes along any of ``axes`` are unknown
    (NaN, as after boolean indexing)."""
    for axis in axes:
        if any(np.isnan(size) for size in x.chunks[axis]):
            raise ValueError(
                f"{name} has unknown chunk sizes along axis {axis}; call "
                f"{name}.compute_chunk_sizes() first"
            )


def whole_axes(x, axes, rechunk, func: str, name: str = "x", stacklevel: int = 4):
    """``x`` with each of ``axes`` in a single chunk (a transform needs whole rows).

    A split axis is merged with ``x.rechunk({axis: -1})`` (the other axes keep their chunks) and
    a :class:`RechunkWarning` naming the axis, or, with ``rechunk=False``, a ValueError.
    """
    rechunk = flag(rechunk, "rechunk")
    known_chunks(x, axes, name)
    split = [axis for axis in axes if len(x.chunks[axis]) > 1]
    if not split:
        return x
    where = ", ".join(f"axis {axis} ({len(x.chunks[axis])} chunks)" for axis in split)
    merge = "{" + ", ".join(f"{axis}: -1" for axis in split) + "}"
    if not rechunk:
        raise ValueError(
            f"{func}: {name} is split into several chunks along {where}, which it transforms; "
            f"a transformed axis must be a single chunk. Rechunk it ({name}.rechunk({merge})) "
            f"or pass rechunk=True"
        )
    import warnings

    warnings.warn(
        f"{func}: {name} is split into several chunks along {where}, which it transforms; "
        f"rechunking with {name}.rechunk({merge}) (the other axes keep their chunks). Rechunk "
        f"{name} yourself to choose the chunks, or pass rechunk=False to make this an error",
        RechunkWarning,
        stacklevel=stacklevel,
    )
    return x.rechunk({axis: -1 for axis in split})


def network(mlp, name: str = "mlp"):
    """Return ``mlp`` if it is a :class:`fastgrad.MLP`, else raise TypeError naming ``name``."""
    from fastgrad.network import MLP

    if not isinstance(mlp, MLP):
        raise TypeError(f"{name} must be a fastgrad.MLP, got {type(mlp).__name__}")
    return mlp


def dask_inputs(x, n_in: int, name: str = "x"):
    """Network inputs as a dask array ``(n_samples, n_in)`` of real numbers, its columns in one
    chunk (merged if needed: that moves no example to another chunk)."""
    dask_array(x, name)
    real_array(np.empty(0, dtype=x.dtype), name)
    ndim(x, name, 2)
    if x.shape[1] != n_in:
        raise ValueError(
            f"{name} must have {n_in} columns (the input layer width), got shape {x.shape}"
        )
    known_chunks(x, (0,), name)
    nonempty(x, name)
    return x.rechunk({1: -1}) if len(x.chunks[1]) > 1 else x


def dask_targets(y, x, n_out: int, name: str = "y"):
    """Targets for the examples ``x`` (a checked :func:`dask_inputs`): 1-D integer class labels
    or 2-D rows ``(n_samples, n_out)``, as a dask array chunked exactly like ``x`` along axis 0.

    Label ranges and finiteness are checked by the network on each chunk, when it is computed.
    """
    dask_array(y, name)
    real_array(np.empty(0, dtype=y.dtype), name)
    n_samples = x.shape[0]
    if y.ndim == 1 and y.dtype.kind not in "iu":
        raise TypeError(
            f"{name} with one dimension must hold integer class labels, got dtype {y.dtype} "
            f"(pass target rows as a 2-D array)"
        )
    if y.ndim not in (1, 2):
        raise ValueError(f"{name} must be 1-D class labels or 2-D target rows, got shape {y.shape}")
    known_chunks(y, (0,), name)
    if y.ndim == 2 and y.shape != (n_samples, n_out):
        raise ValueError(
            f"{name} must have shape (n_samples, n_out) = ({n_samples}, {n_out}), got {y.shape}"
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"{name} must have {n_samples} labels (one per row of x), got {y.shape[0]}"
        )
    if y.chunks[0] != x.chunks[0]:
        raise ValueError(
            f"{name} must be chunked like x along axis 0 (the examples): x has chunks "
            f"{_chunks_text(x.chunks[0])} and {name} has {_chunks_text(y.chunks[0])}; "
            f"rechunk one of them, e.g. {name} = {name}.rechunk({{0: x.chunks[0]}})"
        )
    return y.rechunk({1: -1}) if y.ndim == 2 and len(y.chunks[1]) > 1 else y


def split_every(value) -> int | None:
    """The fan-in of a tree reduction: None (Dask's default) or an integer >= 2."""
    if value is None:
        return None
    value = as_int(value, "split_every")
    if value < 2:
        raise ValueError(f"split_every must be >= 2, got {value}")
    return value
