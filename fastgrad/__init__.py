"""fastgrad: Numba-JIT numerical kernels for two classic speed stories.

* The FFT family: O(n log n) transforms behind a scipy.fft-compatible API
  (:func:`fft`, :func:`rfft`, :func:`fftn`, ...), the O(n^2) :func:`dft` beside them, a scipy.fft
  backend (:mod:`fastgrad.scipy_fft`) and kernels callable from your own ``@njit`` code
  (:mod:`fastgrad.kernels`).
* Backpropagation: dense-layer forward/backward kernels and a small multilayer perceptron
  (:class:`MLP`) whose exact gradient can be checked against finite differences.
"""

# One sorted import block; __all__ below groups the names by family. fastgrad.dask is not
# imported here: it imports Dask, an optional extra.
from . import datasets, kernels, scipy_fft
from ._warmup import warmup
from .dense import dense_backward, dense_forward
from .fourier import (
    dft,
    fft,
    fft2,
    fftfreq,
    fftn,
    fftshift,
    idft,
    ifft,
    ifft2,
    ifftn,
    ifftshift,
    irfft,
    irfft2,
    irfftn,
    next_fast_len,
    rfft,
    rfft2,
    rfftfreq,
    rfftn,
)
from .gradcheck import GradientCheckError, check_gradient
from .network import MLP

__version__ = "0.1.0"

__all__ = [
    # --- Fourier transforms ---
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
    "kernels",
    "scipy_fft",
    # --- dense layers and networks ---
    "dense_forward",
    "dense_backward",
    "MLP",
    "check_gradient",
    "GradientCheckError",
    "datasets",
    # --- distributed ---
    "warmup",
]
