"""fastgrad: Numba-JIT numerical kernels for two classic speed stories.

* The FFT family: O(n log n) transforms behind a scipy.fft-compatible API
  (:func:`fft`, :func:`rfft`, :func:`fftn`, ...), the O(n^2) :func:`dft` beside them, a scipy.fft
  backend (:mod:`fastgrad.scipy_fft`) and kernels callable from your own ``@njit`` code
  (:mod:`fastgrad.jit`).
* Backpropagation: dense-layer forward/backward kernels and a small multilayer perceptron
  (:class:`MLP`) whose exact gradient can be checked against finite differences.
"""

# --- Fourier transforms ---

# --- dense layers and networks ---

__version__ = "0.1.0"

__all__ = [
    # --- Fourier transforms ---
    # --- dense layers and networks ---
]
