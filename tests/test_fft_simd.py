"""The FFT butterflies compile to packed SIMD arithmetic (x86-64 with AVX2).

A Numba or LLVM upgrade that silently stops vectorizing the butterflies (the noalias pipeline
feature detection failing, a changed slice lowering, ...) would halve fastgrad's FFT speed
without failing any correctness test; this test makes it fail loudly. Each butterfly is compiled
afresh from its Python source through ``_pipeline.butterfly`` (the noalias pipeline where
available; no disk cache: cached objects carry no assembly), for float64 and float32, and its
assembly must contain packed (``...pd``/``...ps`` on ymm or zmm registers) arithmetic and
packed FMAs.
"""

import platform
import re

import numba
import numpy as np
import pytest

from fastgrad._kernels import fft as fft_kernels
from fastgrad._kernels._pipeline import butterfly

pytestmark = pytest.mark.skipif(
    numba.config.DISABLE_JIT, reason="NUMBA_DISABLE_JIT=1: nothing is compiled"
)


def _host_has_avx2() -> bool:
    try:
        import llvmlite.binding as llvm

        features = llvm.get_host_cpu_features()
    except Exception:  # pragma: no cover - exotic llvmlite builds
        return False
    return bool(features.get("avx2")) and bool(features.get("fma"))


requires_avx2 = pytest.mark.skipif(
    platform.machine().lower() not in ("x86_64", "amd64") or not _host_has_avx2(),
    reason="packed-SIMD check is for x86-64 CPUs with AVX2 and FMA",
)

PACKED_ARITHMETIC = re.compile(r"\bv(add|sub|mul)p[sd]\s[^\n]*%[yz]mm")
PACKED_FMA = re.compile(r"\bv(fmadd|fmsub|fnmadd|fnmsub)\w*p[sd]\s[^\n]*%[yz]mm")


def _fresh_asm(dispatcher, args) -> str:
    fresh = butterfly(dispatcher.py_func, cache=False)
    fresh(*args)
    return fresh.inspect_asm(fresh.signatures[0])


def _stage_args(radix, *constants):
    def make(dtype, n=1024):
        m = 4
        stride = n // (radix * m)
        buffers = [np.zeros(n, dtype) for _ in range(4)]
        return (*buffers, np.ones(2 * (radix - 1) * m, dtype), m, stride, *map(dtype, constants))

    return make


def _first_args(dtype, n=256):
    return (
        np.zeros(2 * n, dtype),
        np.zeros(n, dtype),
        np.zeros(n, dtype),
        np.ones(6 * (n // 4), dtype),
        dtype(1),
    )


def _first8_args(dtype, n=256):
    return (*_first_args(dtype, n)[:3], np.ones(14 * (n // 8), dtype), dtype(1), dtype(0.7))


def _last_args(dtype, n=256):
    return (np.zeros(n, dtype), np.zeros(n, dtype), np.zeros(2 * n, dtype), dtype(1), dtype(1))


def _last8_args(dtype, n=512):
    split = [np.zeros(n, dtype) for _ in range(4)]
    return (*split, np.zeros(2 * n, dtype), dtype(1), dtype(1), dtype(0.7))


#: name -> (argument maker, whether it multiplies by twiddles, i.e. must contain FMAs)
BUTTERFLIES = {
    "_radix4_first": (_first_args, True),
    "_radix8_first": (_first8_args, True),
    "_radix8_first_long": (_first8_args, True),
    "_radix4_stage": (_stage_args(4), True),
    "_radix3_stage": (_stage_args(3, 0.8, 0.5), True),
    "_radix5_stage": (_stage_args(5, 0.3, -0.8, 0.9, 0.6), True),
    "_radix8_stage": (_stage_args(8, 0.7), True),
    "_radix4_last": (_last_args, False),
    "_radix2_last": (_last_args, False),
    "_radix8_last": (_last8_args, False),
}


def test_simd_path_is_reported():
    assert fft_kernels.SIMD_PATH in ("noalias", "plain")


@requires_avx2
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name", list(BUTTERFLIES))
def test_butterfly_compiles_to_packed_simd(name, dtype):
    make_args, multiplies = BUTTERFLIES[name]
    asm = _fresh_asm(getattr(fft_kernels, name), make_args(dtype))
    assert PACKED_ARITHMETIC.search(asm), f"{name}[{dtype.__name__}]: no packed add/sub/mul"
    # FMA contraction is part of the noalias path only
    if multiplies and fft_kernels.SIMD_PATH == "noalias":
        assert PACKED_FMA.search(asm), f"{name}[{dtype.__name__}]: no packed FMA"
