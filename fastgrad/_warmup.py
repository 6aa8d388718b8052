"""fastgrad.warmup: compile, or load from Numba's disk cache, the kernels a worker runs.

A Dask worker (or any fresh process) that calls a fastgrad function for the first time pays for
Numba: seconds to load the cached machine code, much longer to compile it when there is no
cache. Calling :func:`warmup` once per process moves that cost out of the first real task, where
it would otherwise make one chunk look slow (and could trip a scheduler's timeouts).
"""

from __future__ import annotations

import time

import numpy as np

__all__ = ["warmup"]

# Numba compiles one version per argument types, not per size, but each length picks one of several
# drivers (see fastgrad._kernels.fft_plan.pow2_kernel): single and double precision, and the powers
# of two 4 (no stages), 8 (radix 4 first), 16 (radix 8 first in single precision), 4096 (radix 4
# first and radix-8 middle stages in double precision, all stages radix 8 in single), 8192 (radix 8
# first and radix-8 middle stages in single precision), 2^17 and 2^18 (the same two kinds from
# _LONG_FIRST_FROM, with the long first stage, in both precisions), 12 and 24 (mixed-radix direct
# lengths; 24 is a real length with a direct half) and two Bluestein lengths (even and odd, which
# take different paths in the real transforms) run every transform in both directions. The
# mixed-radix kernels also compile one version per set of radices (their radix flags, see
# fastgrad._kernels.fft_plan.radix_flags): radix 3, 5 or both, with or without radix-8 middle
# stages, and Bluestein's driver also by the radix of its last stage (2, 4, or 3 or 5).
# _DIRECT_LENGTHS has a length for each set of the direct driver (12, 20, 60, 4608, 5120, 4800),
# _BLUESTEIN_LENGTHS one for each of Bluestein's 16 sets (3 to 4501: padded lengths 8 to 9216);
# _REAL_LENGTHS for the halves of real lengths (24, 40, 120, 9216, 10240, 9600), and for the real
# kernels of powers of two, which follow the half plan as the complex drivers do: 64 (radix 8 first
# in single precision), 8192 (radix-8 middle stages) and 2^18 (both, in double precision).
_DTYPES = (np.float32, np.float64)
_FFT_LENGTHS = (4, 8, 16, 12, 24, 6, 5)
_LONG_LENGTHS = (1 << 12, 1 << 13, 1 << 17, 1 << 18)
_DIRECT_LENGTHS = (20, 60, 4608, 5120, 4800)
_BLUESTEIN_LENGTHS = (3, 5, 7, 11, 19, 21, 25, 37, 55, 109, 2251, 2305, 2501, 2701, 3841, 4501)
_REAL_LENGTHS = (40, 120, 9216, 10240, 9600, 64, 1 << 13, 1 << 18)


def warmup() -> float:
    """Compile, or load from Numba's cache, every kernel :mod:`fastgrad.dask` runs.

    Runs each transform (:func:`fastgrad.fft`, ``ifft``, ``rfft``, ``irfft``, ``fftn``,
    ``ifftn``) and each network pass (:meth:`fastgrad.MLP.forward`, ``predict``, ``loss``,
    ``gradient`` with class labels and with target rows) on tiny inputs, in single and double
    precision. Calling it again is cheap.

    Returns
    -------
    float
        Seconds it took (about a second with a warm cache; minutes on a first install).

    Notes
    -----
    On a Dask cluster, run it on every worker before the first computation::

        client.run(fastgrad.warmup)

    Workers that join later (or are restarted) run it on their first task instead, or register
    it with ``client.register_plugin`` (a ``WorkerPlugin`` whose ``setup`` calls it).

    Examples
    --------
    >>> import fastgrad
    >>> fastgrad.warmup() >= 0.0
    True
    """
    from . import fourier
    from .network import MLP

    start = time.perf_counter()
    for dtype in _DTYPES:
        for n in _FFT_LENGTHS:
            signal = np.ones((2, n), dtype=dtype)
            fourier.fft(signal)
            fourier.ifft(signal)
            fourier.irfft(fourier.rfft(signal), n=n)
            fourier.ifftn(fourier.fftn(signal))
        for n in _LONG_LENGTHS + _DIRECT_LENGTHS + _BLUESTEIN_LENGTHS:
            fourier.fft(np.ones(n, dtype=dtype))
        for n in _REAL_LENGTHS:
            fourier.irfft(fourier.rfft(np.ones(n, dtype=dtype)), n=n)
        net = MLP([3, 2, 2], dtype=dtype, seed=0)
        x = np.ones((4, 3), dtype=dtype)
        labels = np.array([0, 1, 0, 1])
        net.forward(x)
        net.predict(x)
        net.loss(x, labels)
        net.gradient(x, labels)
        net.gradient(x, np.eye(2, dtype=dtype)[labels])
    return time.perf_counter() - start
