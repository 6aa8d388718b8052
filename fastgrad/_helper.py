"""All argument checking and normalization for fastgrad's public API.

Public modules call these functions and hand clean, contiguous arrays to the kernels in
:mod:`fastgrad._kernels`; the kernels themselves never validate. One function per rule, one
message per rule, and each message names the offending argument.
"""

from __future__ import annotations

import operator

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


# ---------------------------------------------------------------------------------------------
# dense layers and networks (fastgrad.dense, fastgrad.network, fastgrad.gradcheck)
# ---------------------------------------------------------------------------------------------
