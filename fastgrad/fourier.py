"""Discrete Fourier transforms with scipy.fft's signatures, computed by fastgrad's Numba kernels.

Every function here checks and normalizes its arguments through :mod:`fastgrad._helper`, moves
the transformed axis last into a C-contiguous working array, and hands that array to a kernel in
:mod:`fastgrad._kernels.fft`. There are no data loops in this module, so a kernel can be swapped
without touching it.

Semantics shared by all transforms (as scipy.fft):

* dtypes: float16/float32/complex64 are computed in single precision (complex64 out), all other
  numeric input in double (complex128 out); bool and integers are promoted to float64.
  longdouble/clongdouble input is computed in *double* precision and returns complex128/float64
  (fastgrad has no extended-precision kernels; :mod:`fastgrad.scipy_fft` hands such input back
  to scipy instead).
* ``norm``: "backward" (default: forward unscaled, inverse scaled by 1/n), "ortho" (1/sqrt(n)
  both ways) or "forward" (forward scaled by 1/n).
* ``n``/``s`` crop or zero-pad the input along the transformed axes.
* the input is never modified unless ``overwrite_x=True`` (and even then it may not be).
* ``workers``: threads over independent 1-D transforms (default 1; negative values count back
  from ``os.cpu_count()``, -1 meaning all cores). Results do not depend on it.
* NaN and Inf propagate as in any FFT: a non-finite value anywhere in a 1-D input generally makes
  every value of that transform NaN or Inf, as in scipy.fft.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from . import _helper
from ._kernels import fft as _fft
from ._kernels import fft_plan as _fft_plan

__all__ = [
    "fft",
    "ifft",
    "rfft",
    "irfft",
    "fft2",
    "ifft2",
    "fftn",
    "ifftn",
    "rfft2",
    "irfft2",
    "rfftn",
    "irfftn",
    "dft",
    "idft",
    "fftfreq",
    "rfftfreq",
    "fftshift",
    "ifftshift",
    "next_fast_len",
]

Norm = str | None
Axes = Sequence[int] | int | None
Shape = Sequence[int] | int | None

# ---------------------------------------------------------------------------------------------
# Plans (tables per length and dtype, built by the kernels module, cached here) and threads
# ---------------------------------------------------------------------------------------------

_PLAN_CACHE_SIZE = 32

# Plain dicts rather than functools.lru_cache: a lookup costs one tuple hash. Each cache holds at
# most _PLAN_CACHE_SIZE plans and drops its oldest entry first; two threads racing on a new key
# at worst both build the same plan.
_c2c_plans: dict = {}
_r2c_plans: dict = {}
_dft_tables: dict = {}


def _remember(cache: dict, key, value):
    if len(cache) >= _PLAN_CACHE_SIZE:
        try:
            del cache[next(iter(cache))]
        except (KeyError, RuntimeError, StopIteration):  # another thread got there first
            pass
    cache[key] = value
    return value


def _c2c_plan(n: int, dtype: np.dtype):
    """``(kernel, plan, scratch length)`` for complex transforms of length n: powers of two,
    other direct lengths and Bluestein's lengths each get their own kernel (see
    :mod:`fastgrad._kernels.fft_plan`), so a first call compiles only the code its length
    runs; plans are built with NumPy."""
    entry = _c2c_plans.get((n, dtype))
    if entry is None:
        if n & (n - 1) == 0:
            plan = _fft_plan.pow2_plan(n, dtype)
            kernel = _fft_plan.pow2_kernel(plan)
        else:
            plan = _fft_plan.c2c_plan(n, dtype)
            kernel = _fft_plan.c2c_kernel(plan)
        entry = (kernel, plan, _fft_plan.c2c_work_length(n))
        _remember(_c2c_plans, (n, dtype), entry)
    return entry


#: Scratch arrays of at least this many values (32 MiB of float64) are kept per thread: a fresh
#: one costs page faults on every call (0.6-0.7x the time at 2^20 with a kept one). Smaller
#: ones the kernels allocate themselves. A kept NumPy buffer once measured 10-30% slower from
#: 2^14 to 2^19: NumPy's huge pages made the split buffers, then n values apart, collide in the
#: L2 cache. With the gap between them (fastgrad._kernels.fft._GAP) both run alike.
_KEEP_SCRATCH = 1 << 22
_scratch_local = threading.local()
_NO_SCRATCH = {real: np.empty(0, real) for real in (np.dtype(np.float64), np.dtype(np.float32))}


def _scratch(size: int, real: np.dtype) -> np.ndarray:
    """A scratch array of ``size`` values for this thread's kernel calls (reused)."""
    if size < _KEEP_SCRATCH:
        return _NO_SCRATCH[real]
    buffers = getattr(_scratch_local, "buffers", None)
    if buffers is None:
        buffers = _scratch_local.buffers = {}
    buffer = buffers.get(real)
    if buffer is None or buffer.shape[0] < size:
        buffer = buffers[real] = np.empty(size, real)
    return buffer


def _r2c_plan(n: int, dtype: np.dtype):
    """``(r2c kernel, c2r kernel, plan, scratch length)`` for real transforms of length n
    (``dtype`` complex): powers of two and even lengths with a direct half get their own
    kernels, without Bluestein's code (see :func:`fastgrad._kernels.fft_plan.r2c_kernels`);
    plans are built with NumPy, as in :func:`_c2c_plan`."""
    entry = _r2c_plans.get((n, dtype))
    if entry is None:
        plan = _fft_plan.r2c_plan(n, dtype)
        kernels = _fft_plan.r2c_kernels(n, plan)
        entry = (*kernels, plan, _fft_plan.real_work_length(n))
        _remember(_r2c_plans, (n, dtype), entry)
    return entry


def _dft_roots(n: int, dtype: np.dtype, forward: bool) -> np.ndarray:
    roots = _dft_tables.get((n, dtype, forward))
    if roots is None:
        table = _fft.unit_roots(n, -1.0 if forward else 1.0).astype(dtype)
        roots = _remember(_dft_tables, (n, dtype, forward), table)
    return roots


_pools: dict[int, ThreadPoolExecutor] = {}
_pools_lock = threading.Lock()


def _pool(workers: int) -> ThreadPoolExecutor:
    with _pools_lock:
        pool = _pools.get(workers)
        if pool is None:
            pool = _pools[workers] = ThreadPoolExecutor(workers, thread_name_prefix="fastgrad")
        return pool


def _run_rows(kernel, x: np.ndarray, out: np.ndarray, workers: int, *tables) -> None:
    """Run ``kernel(x, out, *tables)``, splitting the rows over ``workers`` threads."""
    n_rows = x.shape[0]
    if workers <= 1 or n_rows < 2:
        kernel(x, out, *tables)
        return
    bounds = np.linspace(0, n_rows, min(workers, n_rows) + 1).astype(int)
    chunks = [slice(lo, hi) for lo, hi in zip(bounds[:-1], bounds[1:], strict=True)]
    futures = [_pool(workers).submit(kernel, x[c], out[c], *tables) for c in chunks]
    for future in futures:
        future.result()


# ---------------------------------------------------------------------------------------------
# Moving the transformed axis last and back
# ---------------------------------------------------------------------------------------------


def _rows(array: np.ndarray, axis: int, length: int, dtype: np.dtype):
    """``array`` with ``axis`` moved last, cropped or zero-padded to ``length``, as a C-contiguous
    2-D array of ``dtype`` (rows, length), and the n-D shape to give the result back."""
    if (
        axis == array.ndim - 1
        and array.shape[-1] == length
        and array.dtype == dtype
        and array.flags.c_contiguous
    ):  # already in place: no move, no copy
        return array.reshape(-1, length), array.shape[:-1]
    moved = np.moveaxis(array, axis, -1)
    current = moved.shape[-1]
    if current >= length:
        rows = np.ascontiguousarray(moved[..., :length], dtype=dtype)
    else:
        rows = np.zeros(moved.shape[:-1] + (length,), dtype=dtype)
        rows[..., :current] = moved
    return rows.reshape(-1, length), moved.shape[:-1]


def _unrows(out: np.ndarray, batch_shape: tuple, axis: int) -> np.ndarray:
    shaped = out.reshape(batch_shape + (out.shape[-1],))
    return shaped if axis == len(batch_shape) else np.moveaxis(shaped, -1, axis)


def _output_buffer(rows: np.ndarray, source: np.ndarray, overwrite_x: bool) -> np.ndarray:
    """``rows`` itself when the kernel may write into it, else a new array like it."""
    if rows.flags.writeable and (overwrite_x or not np.may_share_memory(rows, source)):
        return rows
    return np.empty_like(rows)


def _scale_inplace(out: np.ndarray, norm: str, n: int, forward: bool) -> None:
    factor = _helper.fft_scale(norm, n, forward)
    if factor != 1.0:
        with np.errstate(invalid="ignore"):  # inf * factor is inf: NaN/Inf pass through quietly
            out *= out.real.dtype.type(factor)


#: Working dtype -> the real dtype of its interleaved view, for the kernels' scale argument.
_REAL_OF = {
    np.dtype(np.complex128): np.dtype(np.float64),
    np.dtype(np.complex64): np.dtype(np.float32),
}


#: 1 in each real working dtype (the scale of an unnormalized transform). Numba types a Python
#: float as float64, like a NumPy float64, and reads it faster (about 40 ns a call).
_FLOAT64 = np.dtype(np.float64)
_ONE = {_FLOAT64: 1.0, np.dtype(np.float32): np.float32(1.0)}


def _kernel_scale(norm: str, n: int, forward: bool, real: np.dtype):
    """The factor the FFT kernels multiply their output by, as a scalar of the working dtype."""
    return real.type(_helper.fft_scale(norm, n, forward))


def _signed_scale(norm, n: int, forward: bool) -> float:
    """The complex kernels' ``signed_scale`` (see :func:`fastgrad._kernels.fft._conj_and_scale`):
    the output factor of ``norm`` (unchecked; None is "backward") as a Python float, negative
    for the inverse transform."""
    if norm is None:
        return 1.0 if forward else -1.0 / n
    factor = float(_helper.fft_scale(_helper.fft_norm(norm), n, forward))
    return factor if forward else -factor


def _default_scale(norm, n: int, forward: bool, real: np.dtype):
    """:func:`_kernel_scale` for an unchecked ``norm``, without the helpers' calls when it is
    None (the common case of the fast paths): 1 forward, 1/n inverse."""
    if norm is None:
        if forward:
            return _ONE[real]
        return 1.0 / n if real is _FLOAT64 else real.type(1.0 / n)
    return _kernel_scale(_helper.fft_norm(norm), n, forward, real)


# ---------------------------------------------------------------------------------------------
# One-dimensional transforms
# ---------------------------------------------------------------------------------------------


def _takes_fast_path(x, n, axis, workers, plan, dtypes) -> bool:
    """Whether a 1-D transform may skip argument normalization and data movement: defaults for
    ``n``/``plan``, one worker (None or the int 1), a C-contiguous ndarray of a dtype in
    ``dtypes`` (the kernels' own), transformed along its last axis. Every such call is valid
    (``norm`` is still checked), and the slow path would only have made views of it."""
    if n is not None or plan is not None or type(x) is not np.ndarray or x.dtype not in dtypes:
        return False
    if workers is not None and (type(workers) is not int or workers != 1):
        return False
    ndim = x.ndim
    return (
        ndim >= 1
        and type(axis) is int
        and (axis == -1 or axis == ndim - 1)
        and x.shape[-1] > 0
        and x.flags.c_contiguous
    )


#: Real input dtypes the real-FFT fast path takes as they are (the kernels' own dtypes).
_REAL_INPUT = frozenset((np.dtype(np.float64), np.dtype(np.float32)))
_COMPLEX_OF = {
    np.dtype(np.float64): np.dtype(np.complex128),
    np.dtype(np.float32): np.dtype(np.complex64),
}


def _c2c(x, n, axis, norm, overwrite_x, workers, plan, forward: bool, direct: bool):
    if (
        type(x) is np.ndarray
        and n is None
        and plan is None
        and not direct
        and (workers is None or (type(workers) is int and workers == 1))
    ):
        # The conditions of _takes_fast_path, written out: at small n every step counts (the
        # whole call costs about 1.5 us; a function call is 70 ns of it). Complex input already
        # C-contiguous along the last axis needs no moving, copying or overlap check, only a
        # 2-D (rows, n) view.
        dtype = x.dtype
        real = _REAL_OF.get(dtype)
        ndim = x.ndim
        length = x.shape[-1] if ndim >= 1 else 0
        if (
            real is not None
            and length > 0
            and type(axis) is int
            and (axis == -1 or axis == ndim - 1)
            and x.flags.c_contiguous
        ):
            scale = 1.0 if norm is None and forward else _signed_scale(norm, length, forward)
            if overwrite_x and x.flags.writeable:
                out = x
            else:
                out = np.empty(length if ndim == 1 else x.shape, dtype)
            entry = _c2c_plans.get((length, dtype))  # _c2c_plan, without a call when cached
            kernel, plan_, work = _c2c_plan(length, dtype) if entry is None else entry
            work = _NO_SCRATCH[real] if work < _KEEP_SCRATCH else _scratch(work, real)
            if ndim == 1:  # x[None] is a cheaper (1, n) view than a reshape
                kernel(x[None], out[None], plan_, scale, work)
            elif ndim == 2:
                kernel(x, out, plan_, scale, work)
            else:
                rows = x.reshape(-1, length)
                kernel(rows, out.reshape(-1, length), plan_, scale, work)
            return out
    array = _helper.fft_input(x)
    norm = _helper.fft_norm(norm)
    workers = _helper.fft_workers(workers)
    _helper.fft_plan(plan)
    axis = _helper.fft_axis(axis, array.ndim)
    length = _helper.fft_length(array.shape[axis] if n is None else n, "n")
    dtype = _helper.complex_dtype_for(array.dtype)
    rows, batch_shape = _rows(array, axis, length, dtype)
    if direct:  # the O(n^2) DFT reads a whole row for every output: never in place
        out = np.empty_like(rows)
        _run_rows(_fft.dft_rows, rows, out, workers, _dft_roots(length, dtype, forward))
        _scale_inplace(out, norm, length, forward)
    else:
        out = _output_buffer(rows, array, overwrite_x)
        real = _REAL_OF[dtype]
        scale = _signed_scale(norm, length, forward)
        kernel, plan_, work = _c2c_plan(length, dtype)
        # threads allocate their own scratch
        work = _scratch(work, real) if workers == 1 else _NO_SCRATCH[real]
        _run_rows(kernel, rows, out, workers, plan_, scale, work)
    return _unrows(out, batch_shape, axis)


def fft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 1-D discrete Fourier transform in O(n log n) for every n.

    .. math:: X_k = \\sum_{j=0}^{n-1} x_j \\, e^{-2\\pi i jk/n}

    Parameters
    ----------
    x : array_like
        Input, real or complex, at least 1-D.
    n : int, optional
        Length of the transformed axis; the input is cropped or zero-padded to it. Default: the
        input's length along ``axis``.
    axis : int, optional
        Axis over which to compute the transform (default: the last).
    norm : {"backward", "ortho", "forward"}, optional
        Normalization mode (default "backward": no scaling of the forward transform).
    overwrite_x : bool, optional
        Allow the input's memory to be reused for the result.
    workers : int, optional
        Threads over independent 1-D transforms (default 1; negative counts from the cores).
    plan : None
        Only None is accepted, as in scipy.fft.

    Returns
    -------
    numpy.ndarray
        complex64 for float16/float32/complex64 input, complex128 otherwise; the shape of ``x``
        with ``axis`` of length ``n``.

    Raises
    ------
    TypeError
        ``x`` of a non-numeric dtype, a non-integer ``n``/``axis``/``workers``.
    ValueError
        0-d ``x``, ``n < 1``, an unknown ``norm``, ``workers=0``, ``axis`` out of range
        (numpy's AxisError, also an IndexError).
    NotImplementedError
        ``plan`` other than None.

    Notes
    -----
    Lengths ``4 * 2^a * 3^b * 5^c`` (and 1, 2, 4) run a mixed-radix Stockham FFT (radix 4, 8,
    2, 3 and 5 stages on split real/imaginary arrays); every other length runs Bluestein's
    chirp-z algorithm on such a length >= 2n - 1 (see :func:`next_fast_len`). NaN/Inf in an
    input row make its whole transform non-finite, as in scipy.fft; at lengths that run
    Bluestein's algorithm an Inf input gives NaN outputs (its chirp products meet ``inf * 0``),
    where scipy's direct algorithms may keep Inf.

    See Also
    --------
    scipy.fft.fft, ifft, dft

    Examples
    --------
    >>> import numpy as np, fastgrad
    >>> np.round(fastgrad.fft([1.0, 2.0, 3.0, 4.0]), 12)
    array([10.+0.j, -2.+2.j, -2.+0.j, -2.-2.j])
    """
    return _c2c(x, n, axis, norm, overwrite_x, workers, plan, True, False)


def ifft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 1-D inverse discrete Fourier transform in O(n log n) for every n.

    .. math:: x_j = \\frac{1}{n} \\sum_{k=0}^{n-1} X_k \\, e^{+2\\pi i jk/n}
              \\quad\\text{(norm="backward")}

    Parameters, return type, errors and NaN/Inf handling as :func:`fft`.

    See Also
    --------
    scipy.fft.ifft, fft, idft

    Examples
    --------
    >>> import numpy as np, fastgrad
    >>> np.allclose(fastgrad.ifft(fastgrad.fft([1.0, 2.0, 3.0])), [1.0, 2.0, 3.0])
    True
    """
    return _c2c(x, n, axis, norm, overwrite_x, workers, plan, False, False)


def dft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 1-D discrete Fourier transform by its definition, in O(n^2) operations.

    The same transform as :func:`fft` (same signature, dtypes, errors, NaN/Inf handling), summed
    directly: ``X_k = sum_j x_j w^(jk mod n)`` with ``w^m`` read from a correctly rounded table
    of the n roots of unity. It is the slow baseline of the FFT's speed story: about n^2
    complex multiply-adds against the FFT's ~n log2 n.

    See Also
    --------
    fft, idft

    Examples
    --------
    >>> import numpy as np, fastgrad
    >>> x = np.arange(8.0)
    >>> np.allclose(fastgrad.dft(x), fastgrad.fft(x))
    True
    """
    return _c2c(x, n, axis, norm, overwrite_x, workers, plan, forward=True, direct=True)


def idft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 1-D inverse discrete Fourier transform by its definition, in O(n^2).

    The same transform as :func:`ifft`; see :func:`dft`.

    See Also
    --------
    ifft, dft
    """
    return _c2c(x, n, axis, norm, overwrite_x, workers, plan, forward=False, direct=True)


def rfft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 1-D discrete Fourier transform of real input (the n//2 + 1 non-negative
    frequencies).

    Parameters as :func:`fft`; ``x`` must be real.

    Returns
    -------
    numpy.ndarray
        complex64 for float16/float32 input, complex128 otherwise, with ``axis`` of length
        ``n // 2 + 1``.

    Raises
    ------
    TypeError
        complex ``x`` (as scipy.fft), and everything :func:`fft` raises.

    Notes
    -----
    Even n packs the input into a complex vector of length n/2, runs one complex FFT and splits
    the result; odd n runs a complex FFT of length n. NaN/Inf as :func:`fft`.

    See Also
    --------
    scipy.fft.rfft, irfft, fft

    Examples
    --------
    >>> import numpy as np, fastgrad
    >>> np.round(fastgrad.rfft([1.0, 2.0, 3.0, 4.0]), 12)
    array([10.+0.j, -2.+2.j, -2.+0.j])
    """
    if _takes_fast_path(x, n, axis, workers, plan, _REAL_INPUT):
        length = x.shape[-1]
        real = x.dtype
        out = np.empty(x.shape[:-1] + (length // 2 + 1,), _COMPLEX_OF[real])
        scale = _default_scale(norm, length, True, real)
        kernel, _, plan_, work = _r2c_plan(length, out.dtype)
        work = _NO_SCRATCH[real] if work < _KEEP_SCRATCH else _scratch(work, real)
        if x.ndim == 2:
            kernel(x, out, plan_, scale, work)
        elif x.ndim == 1:
            kernel(x[None], out[None], plan_, scale, work)
        else:
            rows = x.reshape(-1, length)
            kernel(rows, out.reshape(-1, length // 2 + 1), plan_, scale, work)
        return out
    array = _helper.fft_input(x)
    _helper.require_real(array)
    norm = _helper.fft_norm(norm)
    workers = _helper.fft_workers(workers)
    _helper.fft_plan(plan)
    axis = _helper.fft_axis(axis, array.ndim)
    length = _helper.fft_length(array.shape[axis] if n is None else n, "n")
    complex_dtype = _helper.complex_dtype_for(array.dtype)
    real = _REAL_OF[complex_dtype]
    rows, batch_shape = _rows(array, axis, length, real)
    out = np.empty((rows.shape[0], length // 2 + 1), dtype=complex_dtype)
    scale = _kernel_scale(norm, length, True, real)
    kernel, _, plan_, work = _r2c_plan(length, complex_dtype)
    # threads allocate their own scratch
    work = _scratch(work, real) if workers == 1 else _NO_SCRATCH[real]
    _run_rows(kernel, rows, out, workers, plan_, scale, work)
    return _unrows(out, batch_shape, axis)


def irfft(
    x: npt.ArrayLike,
    n: int | None = None,
    axis: int = -1,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the inverse of :func:`rfft`: a real signal of length n from its n//2 + 1
    non-negative frequencies.

    Parameters
    ----------
    x : array_like
        The half spectrum (real input is taken as complex with zero imaginary part).
    n : int, optional
        Output length along ``axis`` (default ``2 * (m - 1)`` for an input of length m); the
        input is cropped or zero-padded to ``n // 2 + 1`` values.

    Other parameters, errors and NaN/Inf handling as :func:`fft`.

    Returns
    -------
    numpy.ndarray
        float32 for single-precision input, float64 otherwise.

    Notes
    -----
    The imaginary parts of the zero-frequency value (and of the Nyquist value for even n) are
    ignored, as in scipy.fft.irfft.

    See Also
    --------
    scipy.fft.irfft, rfft

    Examples
    --------
    >>> import numpy as np, fastgrad
    >>> x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    >>> np.allclose(fastgrad.irfft(fastgrad.rfft(x), n=5), x)
    True
    """
    if _takes_fast_path(x, n, axis, workers, plan, _REAL_OF) and x.shape[-1] > 1:
        half = x.shape[-1]
        length = 2 * (half - 1)
        real = _REAL_OF[x.dtype]
        out = np.empty(x.shape[:-1] + (length,), real)
        scale = _default_scale(norm, length, False, real)
        _, kernel, plan_, work = _r2c_plan(length, x.dtype)
        work = _NO_SCRATCH[real] if work < _KEEP_SCRATCH else _scratch(work, real)
        if x.ndim == 2:
            kernel(x, out, plan_, scale, work)
        elif x.ndim == 1:
            kernel(x[None], out[None], plan_, scale, work)
        else:
            kernel(x.reshape(-1, half), out.reshape(-1, length), plan_, scale, work)
        return out
    array = _helper.fft_input(x)
    norm = _helper.fft_norm(norm)
    workers = _helper.fft_workers(workers)
    _helper.fft_plan(plan)
    axis = _helper.fft_axis(axis, array.ndim)
    length = _helper.fft_length(2 * (array.shape[axis] - 1) if n is None else n, "n")
    complex_dtype = _helper.complex_dtype_for(array.dtype)
    real = _REAL_OF[complex_dtype]
    rows, batch_shape = _rows(array, axis, length // 2 + 1, complex_dtype)
    out = np.empty((rows.shape[0], length), dtype=real)
    scale = _kernel_scale(norm, length, False, real)
    _, kernel, plan_, work = _r2c_plan(length, complex_dtype)
    work = _scratch(work, real) if workers == 1 else _NO_SCRATCH[real]
    _run_rows(kernel, rows, out, workers, plan_, scale, work)
    return _unrows(out, batch_shape, axis)


# ---------------------------------------------------------------------------------------------
# n-dimensional transforms: 1-D transforms along each axis in turn
# ---------------------------------------------------------------------------------------------


def _c2cn(x, s, axes, norm, overwrite_x, workers, plan, forward: bool):
    array = _helper.fft_input(x)
    _helper.fft_norm(norm)
    _helper.fft_plan(plan)
    shape, axes = _helper.fft_shape_and_axes(array, s, axes)
    result = array
    for length, axis in zip(reversed(shape), reversed(axes), strict=True):
        result = _c2c(result, length, axis, norm, overwrite_x, workers, None, forward, False)
        overwrite_x = True  # from here on ``result`` is our own array
    if result is array:  # no axes: scipy returns the data unchanged; give a copy
        return array.copy()
    return result


def fftn(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the n-D discrete Fourier transform: :func:`fft` along each of ``axes``.

    Parameters
    ----------
    x : array_like
        Input, at least 1-D.
    s : sequence of ints, optional
        Lengths along ``axes`` (crop or zero-pad). Default: the input's lengths.
    axes : sequence of ints, optional
        Axes to transform (unique). Default: the last ``len(s)`` axes, or all axes.

    ``norm``, ``overwrite_x``, ``workers``, ``plan``, dtypes and NaN/Inf as :func:`fft`.

    Raises
    ------
    ValueError
        duplicate ``axes``, ``s`` and ``axes`` of different lengths, a length in ``s`` < 1, and
        everything :func:`fft` raises.

    See Also
    --------
    scipy.fft.fftn, ifftn, fft2
    """
    return _c2cn(x, s, axes, norm, overwrite_x, workers, plan, forward=True)


def ifftn(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the n-D inverse discrete Fourier transform (:func:`ifft` along each axis).

    Parameters as :func:`fftn`.

    See Also
    --------
    scipy.fft.ifftn, fftn
    """
    return _c2cn(x, s, axes, norm, overwrite_x, workers, plan, forward=False)


def fft2(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 2-D discrete Fourier transform (:func:`fftn` over the last two axes).

    See Also
    --------
    scipy.fft.fft2, fftn
    """
    return _c2cn(x, s, axes, norm, overwrite_x, workers, plan, forward=True)


def ifft2(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 2-D inverse discrete Fourier transform (:func:`ifftn` over two axes).

    See Also
    --------
    scipy.fft.ifft2, ifftn
    """
    return _c2cn(x, s, axes, norm, overwrite_x, workers, plan, forward=False)


def rfftn(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the n-D discrete Fourier transform of real input.

    :func:`rfft` along the last of ``axes`` (which gets length ``s[-1] // 2 + 1``), then
    :func:`fft` along the others. Parameters as :func:`fftn`; ``x`` must be real.

    See Also
    --------
    scipy.fft.rfftn, irfftn
    """
    array = _helper.fft_input(x)
    _helper.require_real(array)
    _helper.fft_norm(norm)
    _helper.fft_plan(plan)
    shape, axes = _helper.fft_shape_and_axes(array, s, axes)
    if not axes:
        raise ValueError("axes must name at least one axis to transform")
    result = rfft(array, shape[-1], axes[-1], norm, overwrite_x, workers)
    for length, axis in zip(reversed(shape[:-1]), reversed(axes[:-1]), strict=True):
        result = _c2c(result, length, axis, norm, True, workers, None, True, False)
    return result


def irfftn(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = None,
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the inverse of :func:`rfftn`.

    :func:`ifft` along all but the last of ``axes``, then :func:`irfft` along the last, whose
    output length is ``s[-1]`` (default ``2 * (m - 1)`` for an input of length m there).
    Parameters as :func:`fftn`.

    See Also
    --------
    scipy.fft.irfftn, rfftn
    """
    array = _helper.fft_input(x)
    _helper.fft_norm(norm)
    _helper.fft_plan(plan)
    shape, axes = _helper.fft_shape_and_axes(array, s, axes)
    if not axes:
        raise ValueError("axes must name at least one axis to transform")
    if s is None:
        shape[-1] = 2 * (array.shape[axes[-1]] - 1)
    result = array
    for length, axis in zip(shape[:-1], axes[:-1], strict=True):
        result = _c2c(result, length, axis, norm, overwrite_x, workers, None, False, False)
        overwrite_x = True
    return irfft(result, shape[-1], axes[-1], norm, overwrite_x, workers)


def rfft2(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the 2-D discrete Fourier transform of real input (:func:`rfftn`, two axes).

    See Also
    --------
    scipy.fft.rfft2, rfftn
    """
    return rfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


def irfft2(
    x: npt.ArrayLike,
    s: Shape = None,
    axes: Axes = (-2, -1),
    norm: Norm = None,
    overwrite_x: bool = False,
    workers: int | None = None,
    *,
    plan=None,
) -> np.ndarray:
    """Compute the inverse of :func:`rfft2` (:func:`irfftn` over two axes).

    See Also
    --------
    scipy.fft.irfft2, irfftn
    """
    return irfftn(x, s, axes, norm, overwrite_x, workers, plan=plan)


# ---------------------------------------------------------------------------------------------
# Helpers: frequencies, shifts, fast lengths
# ---------------------------------------------------------------------------------------------


def fftfreq(n: int, d: float = 1.0) -> np.ndarray:
    """Return the sample frequencies of an n-point :func:`fft` with sample spacing ``d``.

    ``[0, 1, ..., ceil(n/2) - 1, -floor(n/2), ..., -1] / (d * n)``, float64.

    See Also
    --------
    scipy.fft.fftfreq, rfftfreq
    """
    n = _helper.fft_length(n, "n")
    d = _helper.sample_spacing(d)
    indices = np.arange(n, dtype=np.int64)
    indices[(n + 1) // 2 :] -= n
    return indices / (d * n)


def rfftfreq(n: int, d: float = 1.0) -> np.ndarray:
    """Return the sample frequencies of an n-point :func:`rfft`: ``[0, 1, ..., n//2] / (d*n)``.

    See Also
    --------
    scipy.fft.rfftfreq, fftfreq
    """
    n = _helper.fft_length(n, "n")
    d = _helper.sample_spacing(d)
    return np.arange(n // 2 + 1, dtype=np.int64) / (d * n)


def _shift(x, axes, inverse: bool) -> np.ndarray:
    array = np.asarray(x)
    if axes is None:
        axes = list(range(array.ndim))
    elif np.ndim(axes) == 0:
        axes = [axes]
    axes = [_helper.fft_axis(axis, array.ndim, "axes") for axis in axes]
    shifts = [(-(array.shape[a] // 2) if inverse else array.shape[a] // 2) for a in axes]
    return np.roll(array, shifts, axes) if axes else array.copy()


def fftshift(x: npt.ArrayLike, axes: Axes = None) -> np.ndarray:
    """Shift the zero-frequency term to the centre: roll each of ``axes`` by ``n // 2``.

    See Also
    --------
    scipy.fft.fftshift, ifftshift
    """
    return _shift(x, axes, inverse=False)


def ifftshift(x: npt.ArrayLike, axes: Axes = None) -> np.ndarray:
    """Undo :func:`fftshift`: roll each of ``axes`` by ``-(n // 2)``.

    See Also
    --------
    scipy.fft.ifftshift, fftshift
    """
    return _shift(x, axes, inverse=True)


def next_fast_len(target: int, real: bool = False) -> int:
    """Return the smallest length >= ``target`` that fastgrad transforms without padding.

    fastgrad's mixed-radix FFT runs lengths ``n = 4 * 2^a * 3^b * 5^c`` (and 1, 2, 4) directly;
    every other length runs Bluestein's algorithm on a padded length >= 2n - 1, which costs a
    few times more. With ``real=True`` the length is for :func:`rfft`/:func:`irfft`, which run a
    complex FFT of half an even length: the result is then 1 or twice a direct length. Powers
    of two are always direct. Like scipy.fft.next_fast_len, ``target=0`` returns 0; unlike it,
    the answer follows fastgrad's kernels (scipy's are fast at every 5-smooth length).

    Raises
    ------
    TypeError
        a non-integer ``target``.
    ValueError
        a negative ``target``.

    Examples
    --------
    >>> import fastgrad
    >>> fastgrad.next_fast_len(1000), fastgrad.next_fast_len(1001)
    (1000, 1024)
    >>> fastgrad.next_fast_len(12), fastgrad.next_fast_len(12, real=True)
    (12, 16)
    """
    target = _helper.as_int(target, "target")
    if target < 0:
        raise ValueError(f"target must be non-negative, got {target}")
    if target == 0:
        return 0
    return int(_fft.next_direct_length(target, bool(real)))
