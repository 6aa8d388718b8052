"""Fourier kernels callable from your own Numba ``@njit`` functions.

Each function takes a 1-D complex64 or complex128 array (any length, any stride) and returns a
new array of the same dtype; nothing is validated inside compiled code, so pass complex input
(``x.astype(np.complex128)``). Normalization is scipy's default ("backward"): :func:`fft` and
:func:`dft` are unscaled, :func:`ifft` and :func:`idft` divide by n. The tables each transform
needs are computed on every call (compiled code cannot reach the plan cache of
:mod:`fastgrad.fourier`), which costs about as much as one transform: for many transforms of one
length from Python, use :func:`fastgrad.fft` on a 2-D batch instead. NaN/Inf propagate as in
:func:`fastgrad.fft`.

Examples
--------
>>> import numba, numpy as np
>>> from fastgrad import kernels
>>> @numba.njit
... def power_spectrum(signal):
...     spectrum = kernels.fft(signal.astype(np.complex128))
...     return np.abs(spectrum) ** 2
>>> power_spectrum(np.array([1.0, 0.0, -1.0, 0.0]))
array([0., 4., 0., 4.])
"""

from ._kernels.fft import dft_1d as dft
from ._kernels.fft import fft_1d as fft
from ._kernels.fft import idft_1d as idft
from ._kernels.fft import ifft_1d as ifft

__all__ = ["fft", "ifft", "dft", "idft"]
