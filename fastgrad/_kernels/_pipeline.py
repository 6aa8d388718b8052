"""The SIMD compilation path of the FFT butterflies, and its feature detection.

Numba marks no array argument ``noalias``, so LLVM must assume that a butterfly's output may
overlap its inputs: it then wraps each loop in run-time overlap checks or gives up on vectorizing
a loop with many memory streams. Numba has an internal flag, ``Flags.noalias`` (parfors uses it),
that adds ``noalias`` to every pointer argument of a compiled function. :class:`NoAliasCompiler`
is a minimal compiler pipeline that switches it on; with it, and FMA contraction, the butterfly
loops of :mod:`fastgrad._kernels.fft` compile to packed AVX2/AVX-512 arithmetic.

Because this leans on Numba internals (``numba.core.compiler.CompilerBase``,
``DefaultPassBuilder`` and the ``noalias`` compiler flag, stable from 0.59 to at least 0.68),
everything is feature-detected: where any piece is missing, :func:`butterfly` compiles exactly
like :func:`fastgrad._jit.kernel` and :data:`SIMD_PATH` says ``"plain"``. The results are the
same on both paths up to rounding (FMA contraction).

A function compiled with :func:`butterfly` must never be called with overlapping arrays (it
promises LLVM they do not overlap); disjoint slices of one buffer are fine.

``fastmath={"contract"}`` only allows ``a*b + c`` to be fused into one FMA (rounded once
instead of twice). It does not let LLVM assume that values are finite, so NaN and Inf
propagate exactly as without it; the rounding error of a butterfly can only shrink.
"""

from __future__ import annotations

import functools

import numba
import numpy as np

from .._jit import KERNEL_OPTIONS, kernel

#: FMA contraction only: no "nnan"/"ninf", so NaN and Inf still propagate (see module docstring).
BUTTERFLY_FASTMATH = {"contract"}


def _noalias_compiler():
    """Return a compiler class that sets Numba's ``noalias`` flag, or None if unsupported."""
    try:
        from numba.core.compiler import CompilerBase, DefaultPassBuilder, Flags
    except ImportError:
        return None
    if not hasattr(CompilerBase, "define_pipelines"):
        return None
    if not hasattr(DefaultPassBuilder, "define_nopython_pipeline"):
        return None
    if "noalias" not in getattr(Flags, "options", {}):
        return None

    class NoAliasCompiler(CompilerBase):
        """Numba's nopython pipeline with every pointer argument marked ``noalias``."""

        def define_pipelines(self):
            self.state.flags.noalias = True
            return [DefaultPassBuilder.define_nopython_pipeline(self.state)]

    return NoAliasCompiler


NoAliasCompiler = None if numba.config.DISABLE_JIT else _noalias_compiler()

#: Which path the FFT butterflies were compiled on: "noalias" (Numba's noalias flag and FMA
#: contraction: packed SIMD arithmetic), "plain" (the options of fastgrad._jit only) or
#: "python" (NUMBA_DISABLE_JIT=1).
if numba.config.DISABLE_JIT:
    SIMD_PATH = "python"
else:
    SIMD_PATH = "plain" if NoAliasCompiler is None else "noalias"


def butterfly(function, *, cache=True):
    """Compile a butterfly loop on the SIMD path when available, else as a plain kernel.

    ``cache=False`` compiles afresh (tests read the assembly, which cached code does not keep).
    """
    if NoAliasCompiler is None:
        return kernel(function, cache=cache)
    options = {
        **KERNEL_OPTIONS,
        "cache": cache,
        "fastmath": BUTTERFLY_FASTMATH,
        "pipeline_class": NoAliasCompiler,
    }
    return numba.njit(**options)(function)


def quiet_when_interpreted(function):
    """Under ``NUMBA_DISABLE_JIT=1``, run ``function`` with NumPy's floating-point warnings off.

    Interpreted kernels compute on NumPy scalars, which warn where compiled code silently gives
    Inf/NaN (``inf - inf``, ``inf * 0``); compiled kernels are returned unchanged.
    """
    if not numba.config.DISABLE_JIT:
        return function

    @functools.wraps(function)
    def quiet(*args):
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            return function(*args)

    return quiet
