"""fastgrad as a scipy.fft backend (the ``uarray`` protocol scipy.fft dispatches through).

Examples
--------
>>> import numpy as np, scipy.fft, fastgrad
>>> with scipy.fft.set_backend(fastgrad.scipy_fft):
...     spectrum = scipy.fft.fft(np.ones(8))     # computed by fastgrad
>>> spectrum[0]
np.complex128(8+0j)

To make it the default for the whole process, set it as the global backend and register
scipy's own backend as the fallback (a global backend replaces scipy's, so without the second
line the functions fastgrad does not implement would find no backend at all):

>>> scipy.fft.set_global_backend(fastgrad.scipy_fft)
>>> scipy.fft.register_backend("scipy")

What fastgrad does not implement returns ``NotImplemented``, and scipy then falls back to its
own backend: the other transforms (dct, dst, hfft, ...), extended-precision input
(longdouble/clongdouble, which fastgrad would compute in double), and input scipy would reject
anyway for a type fastgrad cannot take (e.g. Python objects scipy converts element by element).
"""

from __future__ import annotations

import numpy as np

from . import fourier

__ua_domain__ = "numpy.scipy.fft"

_IMPLEMENTED = {
    name: getattr(fourier, name)
    for name in (
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
    )
}


def __ua_function__(method, args, kwargs):
    """Run scipy.fft's ``method`` with fastgrad, or return NotImplemented to let scipy do it."""
    function = _IMPLEMENTED.get(getattr(method, "__name__", None))
    if function is None:
        return NotImplemented
    x = args[0] if args else kwargs.get("x")
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        dtype = np.asarray(x).dtype
    extended = (dtype.kind == "f" and dtype.itemsize > 8) or (
        dtype.kind == "c" and dtype.itemsize > 16
    )
    if dtype.kind not in "biufc" or extended:
        return NotImplemented
    return function(*args, **kwargs)
