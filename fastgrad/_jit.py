"""The one place where Numba compilation options live.

Every kernel in :mod:`fastgrad._kernels` is compiled through :func:`kernel`, so the options below
apply everywhere:

``cache=True``
    Compiled machine code is written next to the sources (``__pycache__``) and reused by later
    processes, so only the first run after an install pays for compilation.
``nogil=True``
    Kernels release the GIL, so independent transforms can run on several Python threads at once
    (this is how ``workers=`` is implemented) and callers can use their own thread pools.
no ``fastmath``
    Results are validated against scipy, and ``fastmath`` lets LLVM assume there is no NaN or Inf,
    which breaks their propagation. Kernels that need FMA contraction ask for it explicitly.
``error_model="numpy"``
    Division by zero gives Inf/NaN as in NumPy instead of raising, and avoids a branch per division.
"""

from __future__ import annotations

import numba

KERNEL_OPTIONS = {"cache": True, "nogil": True, "error_model": "numpy"}


def kernel(*args, **overrides):
    """Compile with :data:`KERNEL_OPTIONS`; use as ``@kernel`` or ``@kernel(option=...)``."""
    options = {**KERNEL_OPTIONS, **overrides}
    if len(args) == 1 and callable(args[0]) and not overrides:
        return numba.njit(**options)(args[0])
    return numba.njit(*args, **options)
