"""Gradient checking: an analytic gradient against central finite differences.

In the spirit of ``torch.autograd.gradcheck``: every checked partial derivative must satisfy
``|analytic - numerical| <= atol + rtol * |numerical|``; the result is True, or an exception
naming the worst parameter.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike

from fastgrad import _helper
from fastgrad.network import MLP

__all__ = ["check_gradient", "GradientCheckError"]


class GradientCheckError(RuntimeError):
    """An analytic gradient disagrees with finite differences (raised by :func:`check_gradient`)."""


def _central_differences(fun, params: np.ndarray, eps: float, indices: np.ndarray) -> np.ndarray:
    """``(f(p + eps e_j) - f(p - eps e_j)) / step`` for each flat index ``j``, on a copy of p."""
    work = params.copy()
    flat = work.reshape(-1)
    values = np.empty(indices.size)
    for k, j in enumerate(indices):
        old = flat[j]
        flat[j] = old + eps
        step = float(flat[j]) - float(old)
        plus = _scalar(fun(work))
        flat[j] = old - eps
        step += float(old) - float(flat[j])
        minus = _scalar(fun(work))
        flat[j] = old
        values[k] = (plus - minus) / step
    return values


def _scalar(value) -> float:
    array = np.asarray(value)
    if array.size != 1 or array.dtype.kind not in "biuf":
        raise TypeError(f"fun must return a real scalar, got {array.dtype} of shape {array.shape}")
    return float(array.reshape(()))


def check_gradient(
    fun: MLP | Callable[[np.ndarray], float],
    *args: ArrayLike,
    grad: Callable[[np.ndarray], ArrayLike] | None = None,
    eps: float | None = None,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    subset: int | None = None,
    seed: int | np.random.Generator | None = None,
    raise_exception: bool = True,
) -> bool:
    """Check an analytic gradient against central finite differences.

    Two forms:

    * ``check_gradient(net, x, y)`` for an :class:`MLP`: :meth:`MLP.gradient` (backprop) against
      :meth:`MLP.numerical_gradient` of :meth:`MLP.loss`.
    * ``check_gradient(fun, params, grad=grad)`` for any function: ``fun(params) -> float`` and
      its analytic gradient ``grad(params) -> array`` shaped like ``params``.

    Parameters
    ----------
    fun : MLP or callable
    *args : array_like
        ``x, y`` for an MLP; ``params`` (float array of any shape, not modified) otherwise.
    grad : callable, optional
        Required for a callable ``fun``; not allowed with an MLP.
    eps : float, optional
        Finite-difference step. Default: 1e-6 for a callable (differences in float64, like
        torch's gradcheck), ``cbrt(finfo.eps)`` of the network dtype for an MLP.
    atol, rtol : float
        Each partial derivative passes if ``|analytic - numerical| <= atol + rtol * |numerical|``.
        For float32 networks use looser values (e.g. ``atol=1e-3, rtol=1e-2``).
    subset : int, optional
        Check only this many randomly chosen parameters (drawn with ``seed``).
    seed : int, numpy.random.Generator or None
    raise_exception : bool
        Raise :class:`GradientCheckError` on failure (default) instead of returning False.

    Returns
    -------
    bool
        True when every checked partial derivative passes.

    Raises
    ------
    GradientCheckError
        A partial derivative fails; the message names the worst parameter (largest ratio of
        error to tolerance) with both values.
    TypeError, ValueError
        Bad arguments, ``grad`` of the wrong shape, or a non-finite analytic gradient.

    Examples
    --------
    >>> import numpy as np
    >>> import fastgrad
    >>> fastgrad.check_gradient(lambda p: np.sum(p**3), np.array([1.0, 2.0]),
    ...                         grad=lambda p: 3 * p**2)
    True
    """
    atol = _helper.nonnegative_float(atol, "atol")
    rtol = _helper.nonnegative_float(rtol, "rtol")
    if isinstance(fun, MLP):
        if grad is not None:
            raise TypeError("grad must not be given when fun is an MLP (backprop is checked)")
        if len(args) != 2:
            raise TypeError("check_gradient(net, x, y) needs exactly x and y after the MLP")
        x, y = args
        analytic_w, analytic_b = fun.gradient(x, y)
        indices = None
        if subset is not None:
            count = min(_helper.positive_int(subset, "subset"), fun.n_params)
            rng = _helper.random_generator(seed)
            indices = np.sort(rng.choice(fun.n_params, size=count, replace=False))
        numeric_w, numeric_b = fun.numerical_gradient(x, y, eps=eps, subset=indices)
        names = [f"weights[{k}]" for k in range(len(analytic_w))]
        names += [f"biases[{k}]" for k in range(len(analytic_b))]
        analytic = np.concatenate([g.ravel() for g in analytic_w + analytic_b])
        numeric = np.concatenate([g.ravel() for g in numeric_w + numeric_b])
        shapes = [g.shape for g in analytic_w + analytic_b]
        checked = np.flatnonzero(~np.isnan(numeric)) if indices is not None else None
    else:
        if not callable(fun):
            raise TypeError(f"fun must be an MLP or a callable, got {type(fun).__name__}")
        if grad is None or not callable(grad):
            raise TypeError("grad must be a callable returning the analytic gradient of fun")
        if len(args) != 1:
            raise TypeError("check_gradient(fun, params, grad=...) needs exactly one params array")
        params = _helper.float_array(args[0], "params", np.float64)
        _helper.nonempty(params, "params")
        _helper.finite(params, "params")
        eps = 1e-6 if eps is None else _helper.positive_float(eps, "eps")
        analytic_full = _helper.real_array(grad(params.copy()), "grad(params)")
        _helper.same_shape(analytic_full, "grad(params)", params.shape, "the shape of params")
        analytic = np.asarray(analytic_full, dtype=np.float64).reshape(-1)
        if subset is None:
            checked = np.arange(params.size)
        else:
            count = min(_helper.positive_int(subset, "subset"), params.size)
            checked = np.sort(_helper.random_generator(seed).choice(params.size, count, False))
        numeric = np.full(params.size, np.nan)
        numeric[checked] = _central_differences(fun, params, eps, checked)
        names, shapes = ["params"], [params.shape]
        checked = None if subset is None else checked
    if checked is None:
        checked = np.arange(analytic.size)
    if not np.all(np.isfinite(analytic[checked])):
        raise ValueError("the analytic gradient contains NaN or Inf")
    error = np.abs(analytic[checked] - numeric[checked])
    tolerance = atol + rtol * np.abs(numeric[checked])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(error > tolerance, error / np.maximum(tolerance, 1e-300), 0.0)
    ratio[~np.isfinite(numeric[checked])] = np.inf
    if not np.any(ratio > 0):
        return True
    worst = int(checked[np.argmax(ratio)])
    failing = int(np.count_nonzero(ratio > 0))
    message = (
        f"gradient check failed for {failing} of {checked.size} checked parameters; worst is "
        f"{_locate(worst, names, shapes)}: analytic {analytic[worst]!r}, numerical "
        f"{numeric[worst]!r}, |difference| {abs(analytic[worst] - numeric[worst]):.3g} > "
        f"atol + rtol * |numerical| = {atol + rtol * abs(numeric[worst]):.3g}"
    )
    if raise_exception:
        raise GradientCheckError(message)
    return False


def _locate(flat_index: int, names: list[str], shapes: list[tuple]) -> str:
    """``"weights[1][3, 4]"`` for a flat index into the concatenation of arrays of ``shapes``."""
    offset = 0
    for name, shape in zip(names, shapes, strict=True):
        size = int(np.prod(shape, dtype=np.int64))
        if flat_index < offset + size:
            position = np.unravel_index(flat_index - offset, shape)
            return f"{name}[{', '.join(str(int(p)) for p in position)}]"
        offset += size
    raise IndexError(flat_index)
