"""The mixed-radix Stockham FFT (lengths 4 * 2^a 3^b 5^c) and Bluestein on a 5-smooth length.

tests/test_fourier.py covers the public grid; these cases reach every radix-3/5 stage order the
kernels build (radix 3 or 5 as the last stage, a radix-2 last stage after radix 3/5, Bluestein
padded to a mixed length), in both precisions, against scipy.fft and the naive oracle.
"""

import numpy as np
import pytest
import reference
import scipy.fft
from conftest import JIT_DISABLED, assert_fft_close, make_input

import fastgrad
from fastgrad._kernels import fft as fft_kernels

MIXED_SIZES = (12, 20, 24, 40, 48, 60, 72, 100, 120, 180, 200, 360, 500, 1000)
LARGE_MIXED_SIZES = () if JIT_DISABLED else (3 * 5**5 * 4, 10**5)
BLUESTEIN_SIZES = (6, 11, 31, 101)  # padded to 12, 24, 72, 216


@pytest.mark.parametrize("last8", [False, True])
@pytest.mark.parametrize("single", [False, True])
@pytest.mark.parametrize(
    "n", [1, 2, 4, 8, 12, 16, 20, 32, 40, 64, 100, 512, 4096, 6000, 2**15, 2**17, 2**18, 2**21]
)
def test_radices_multiply_to_n(n, single, last8):
    """Radix 8 first only for powers of two from 16 in single precision and from 2^17 in
    double; the last stage is radix 4 or 2 whenever n has a factor of two left, except in the
    plans of pow2_rows_last8 (``last8``), which end with radix 8 from 2^9 when the bits after
    a radix-8 first stage are a multiple of 3."""
    radices = fft_kernels._radices(n, single, last8).tolist()
    assert int(np.prod(radices)) == (n if n > 4 else 1)
    if n > 4:
        power_of_two = n & (n - 1) == 0
        eight_first = power_of_two and n >= (16 if single else 2**17)
        assert radices[0] == (8 if eight_first else 4)
        assert set(radices) <= {2, 3, 4, 5, 8}
        eight_last = last8 and eight_first and n >= 2**9 and (n.bit_length() - 4) % 3 == 0
        assert 8 not in radices[1:-1] or n >= 4096 or eight_last
        if eight_last:
            assert radices == [8] * len(radices)
        elif power_of_two and len(radices) > 1:
            assert radices[-1] in (2, 4)


@pytest.mark.parametrize("n", [6, 7, 11, 31, 33, 101, 997])
def test_bluestein_length_is_direct_and_long_enough(n):
    m = fft_kernels._bluestein_length(n)
    assert m >= 2 * n - 1
    assert fft_kernels._is_direct(m)
    assert m < 16 or m & (m - 1) != 0  # its plan starts with radix 4 (see _suits_bluestein)
    radices = list(fft_kernels._radices(m, True, False))
    assert radices[0] == 4
    assert 4 not in radices[1:-1]  # no radix-4 middle stage
    # the smallest such length: every shorter direct length has a radix-4 middle stage
    for shorter in range(2 * n - 1, m):
        if fft_kernels._is_direct(shorter) and (shorter < 16 or shorter & (shorter - 1)):
            assert 4 in list(fft_kernels._radices(shorter, True, False))[1:-1], shorter


def test_python_length_rules_equal_the_compiled_ones():
    """The planner's Python copies of _is_direct and _bluestein_length (which compile nothing)
    give the compiled answers."""
    from fastgrad._kernels import fft_plan

    for n in range(1, 3000):
        assert fft_plan.is_direct(n) == fft_kernels._is_direct(n), n
        assert fft_plan.bluestein_length(n) == fft_kernels._bluestein_length(n), n


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", MIXED_SIZES + LARGE_MIXED_SIZES + BLUESTEIN_SIZES)
def test_fft_and_ifft_of_mixed_lengths_match_scipy(n, dtype, rng):
    x = make_input(rng, n, dtype)
    for ours, theirs in ((fastgrad.fft, scipy.fft.fft), (fastgrad.ifft, scipy.fft.ifft)):
        result = ours(x)
        assert result.dtype == np.dtype(dtype)
        assert result.shape == (n,)
        assert_fft_close(result, theirs(x), n)
    if n <= 200:
        assert_fft_close(fastgrad.fft(x), reference.dft(x), n)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [24, 40, 120, 200, 1000])
def test_real_transforms_of_mixed_lengths_match_scipy(n, dtype, rng):
    x = make_input(rng, n, dtype)
    spectrum = fastgrad.rfft(x)
    assert_fft_close(spectrum, scipy.fft.rfft(x), n)
    assert_fft_close(fastgrad.irfft(spectrum, n), scipy.fft.irfft(scipy.fft.rfft(x), n), n)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", [1, 2, 4, 8, 16, 32, 1024, 2**13, 2**16, 2**18])
def test_numpy_pow2_plan_equals_the_compiled_one(n, dtype):
    from fastgrad._kernels import fft_plan

    ours = fft_plan.pow2_plan(n, dtype)
    compiled = fft_kernels.make_pow2_plan(n, np.empty(0, dtype))
    assert ours.dtype == compiled.dtype
    np.testing.assert_array_equal(ours, compiled)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize(
    "n", [1, 2, 4, 8, 16, 64, 512, 1024, 2048, 4096, 8192, 2**14, 2**17, 2**18, 2**19]
)
def test_pow2_driver_follows_the_first_radix_and_matches_the_general_one(n, dtype, rng):
    """Each power-of-two driver compiles one first-stage kernel, and the radix-8 middle stage
    only if it runs one: the plan's first radix and its radix-8 middle stages pick the driver
    (n <= 4: the one without stages; a radix-8 last stage too: pow2_rows_last8; radix 8 first
    from _LONG_FIRST_FROM: the _long drivers), and each gives what the general Stockham driver
    gives for the same length, within rounding where the stages differ."""
    from fastgrad._kernels import fft_plan

    if JIT_DISABLED and n > 2**14:
        pytest.skip("long transforms")
    plan = fft_plan.pow2_plan(n, dtype)
    radices = fft_kernels._radices(n, dtype == np.complex64, True)
    kernel = fft_plan.pow2_kernel(plan)
    long_first = n >= fft_kernels._LONG_FIRST_FROM
    if radices.shape[0] == 0:
        assert kernel is fft_kernels.pow2_rows_small
    elif radices[0] == 8 and radices[-1] == 8:
        expected = fft_kernels.pow2_rows_last8_long if long_first else fft_kernels.pow2_rows_last8
        assert kernel is expected
    else:
        middle_eights = 8 in radices[1:-1].tolist()
        radix8_mid8 = fft_kernels.pow2_rows_radix8_mid8
        expected = {
            (False, False): fft_kernels.pow2_rows,
            (False, True): fft_kernels.pow2_rows_mid8,
            (True, False): fft_kernels.pow2_rows_radix8,
            (True, True): fft_kernels.pow2_rows_radix8_mid8_long if long_first else radix8_mid8,
        }[(bool(radices[0] == 8), middle_eights)]
        assert kernel is expected
    same_stages = radices.tolist() == fft_kernels._radices(n, dtype == np.complex64, False).tolist()
    # the long drivers' first stage multiplies twiddles that the general driver reads: rounding
    same_stages = same_stages and not (long_first and radices[0] == 8)
    x = make_input(rng, (3, n), dtype)
    real = np.float32 if dtype == np.complex64 else np.float64
    general_plan = fft_kernels.make_c2c_plan(n, np.empty(0, dtype))
    for forward in (True, False):
        ours = np.empty_like(x)
        kernel(x, ours, plan, 1.0 if forward else -1.0, np.empty(0, real))
        general = np.empty_like(x)
        work = np.empty(fft_kernels.c2c_work_length(n), real)
        fft_kernels.c2c_rows(x, general, general_plan, 1.0 if forward else -1.0, work)
        if same_stages:
            np.testing.assert_array_equal(ours, general)
        else:
            assert_fft_close(ours, general, n)
        unscaled = scipy.fft.fft(x[1]) if forward else scipy.fft.ifft(x[1], norm="forward")
        assert_fft_close(ours[1], unscaled, n)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_long_first_stage_is_as_accurate_as_scipy(dtype, rng):
    """From ``_LONG_FIRST_FROM`` the long drivers' radix-8 first stage reads three of its seven
    twiddles and multiplies the other four (``_radix8_first_long``): one more rounding each.
    The transform stays within the issue's accuracy limit, 1.2 times scipy.fft's RMS error
    against a long-double FFT, forward and inverse."""
    if JIT_DISABLED:
        pytest.skip("long transforms")
    from fastgrad._kernels import fft_plan

    n = fft_kernels._LONG_FIRST_FROM
    long_drivers = (fft_kernels.pow2_rows_radix8_mid8_long, fft_kernels.pow2_rows_last8_long)
    assert fft_plan.pow2_kernel(fft_plan.pow2_plan(n, dtype)) in long_drivers
    x = make_input(rng, (2, n), dtype)
    exact = reference.long_double_fft(x)
    exact_inverse = np.conj(reference.long_double_fft(np.conj(x))) / n

    def rms(actual, desired):
        difference = np.sum(np.abs(np.asarray(actual, np.clongdouble) - desired) ** 2, axis=-1)
        return float(np.sqrt(np.mean(difference / np.sum(np.abs(desired) ** 2, axis=-1))))

    assert rms(fastgrad.fft(x), exact) <= 1.2 * rms(scipy.fft.fft(x), exact)
    assert rms(fastgrad.ifft(x), exact_inverse) <= 1.2 * rms(scipy.fft.ifft(x), exact_inverse)


PLAN_SIZES = (1, 2, 3, 5, 6, 7, 12, 20, 31, 97, 100, 360, 997, 1000, 1009, 2301, 4096, 4800)
PLAN_SIZES += (6000, 10007)


def _assert_plans_match(ours, compiled, length):
    """The NumPy-built plan equals the compiled one bit for bit, except the filter spectrum of
    a Bluestein length (the last 2m values of its plan; NumPy's FFT): within a few ulps of its
    largest value. ``length`` is the complex transform length of the plan at the end."""
    assert ours.dtype == compiled.dtype
    assert ours.shape == compiled.shape
    bluestein = not fft_kernels._is_direct(length)
    spectrum = 2 * fft_kernels._bluestein_length(length) if bluestein else 0
    exact = ours.shape[0] - spectrum  # header, twiddles and (Bluestein) chirp
    np.testing.assert_array_equal(ours[:exact], compiled[:exact])
    tolerance = 4 * np.finfo(ours.dtype).eps * max(np.abs(compiled[exact:]).max(initial=0), 1)
    np.testing.assert_allclose(ours[exact:], compiled[exact:], rtol=0, atol=tolerance)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", PLAN_SIZES)
def test_numpy_plan_of_any_length_equals_the_compiled_one(n, dtype):
    """Every length's plan (direct, or Bluestein's with its chirp and filter spectrum) is built
    with NumPy for the public layer; the compiled builder gives the same values, bit for bit
    except Bluestein's filter spectrum (NumPy's FFT there): within rounding."""
    from fastgrad._kernels import fft_plan

    ours = fft_plan.c2c_plan(n, dtype)
    compiled = fft_kernels.make_c2c_plan(n, np.empty(0, dtype))
    _assert_plans_match(ours, compiled, n)
    if n > 1 and n & (n - 1):
        kernel = fft_plan.c2c_kernel(ours)
        bluestein = not fft_kernels._is_direct(n)
        assert kernel.func is (fft_kernels.bluestein_rows if bluestein else fft_kernels.direct_rows)
        radices = list(ours[fft_kernels._HEADER : fft_kernels._HEADER + int(ours[9])])
        present = (3 in radices, 5 in radices, 8 in radices[1:-1])
        if bluestein:  # and the radix of the last stage: 2, 4, or 3 or 5
            present += (radices[-1] == 2, radices[-1] == 4, radices[-1] % 2 == 1)
        assert kernel.args == tuple(True if flag else None for flag in present)
        assert fft_plan.c2c_work_length(n) == fft_kernels.c2c_work_length(n)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", PLAN_SIZES + (8, 16, 2**13, 2**16))
def test_numpy_real_plan_equals_the_compiled_one(n, dtype):
    """The real transforms take the plan built with NumPy; the compiled plan builder gives the
    same values (bit for bit but Bluestein's filter spectrum: see _assert_plans_match)."""
    from fastgrad._kernels import fft_plan

    ours = fft_plan.r2c_plan(n, dtype)
    compiled = fft_kernels.make_r2c_plan(n, np.empty(0, dtype))
    _assert_plans_match(ours, compiled, n if n % 2 else n // 2)


@pytest.mark.skipif(JIT_DISABLED, reason="long transforms")
def test_kept_scratch_of_a_longer_transform_serves_a_shorter_one(rng):
    """The public layer keeps one scratch array per thread; kernels must use only its head."""
    for n in (1_200_000, 2**20, 1_125_000, 10_000):  # scratch kept from 4.2 million values
        x = make_input(rng, n, np.complex128)
        assert_fft_close(fastgrad.fft(x), scipy.fft.fft(x), n)
        assert_fft_close(fastgrad.ifft(x), scipy.fft.ifft(x), n)


@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
@pytest.mark.parametrize("n", [8, 4096, 2**18, 1000, 4800, 997, 2301])
def test_scratch_of_exactly_the_work_length_is_enough(n, dtype, rng):
    """Each driver, handed scratch of exactly c2c_work_length(n) values (split buffers with the
    gaps between them), uses it in place of its own and writes nothing past it."""
    from fastgrad._kernels import fft_plan

    if JIT_DISABLED and n > 2**13:
        pytest.skip("long transforms")
    real = np.float32 if dtype == np.complex64 else np.float64
    plan = fft_plan.pow2_plan(n, dtype) if n & (n - 1) == 0 else fft_plan.c2c_plan(n, dtype)
    kernel = fft_plan.pow2_kernel(plan) if n & (n - 1) == 0 else fft_plan.c2c_kernel(plan)
    x = make_input(rng, (2, n), dtype)
    size = fft_plan.c2c_work_length(n)
    guarded = np.full(size + 64, 7.0, real)  # 64 sentinels after the scratch
    exact = np.empty_like(x)
    kernel(x, exact, plan, 1.0, guarded[:size])
    own = np.empty_like(x)
    kernel(x, own, plan, 1.0, np.empty(0, real))
    np.testing.assert_array_equal(exact, own)
    assert not np.all(guarded[:size] == 7.0)  # the driver used the scratch it was given
    assert np.all(guarded[size:] == 7.0)
    assert_fft_close(exact[1], scipy.fft.fft(x[1]), n)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [8, 4096, 1000, 9600, 1994, 997, 2**17])
def test_real_kernels_use_scratch_of_exactly_the_real_work_length(n, dtype, rng):
    """The real kernels (powers of two, direct halves, Bluestein halves, odd n), handed
    scratch of exactly real_work_length(n) values (the Python and compiled lengths agree), use
    it in place of their own and write nothing past it; their inverse goes back."""
    from fastgrad._kernels import fft_plan

    if JIT_DISABLED and n > 2**13:
        pytest.skip("long transforms")
    complex_dtype = np.complex64 if dtype == np.float32 else np.complex128
    plan = fft_plan.r2c_plan(n, complex_dtype)
    r2c, c2r = fft_plan.r2c_kernels(n, plan)
    size = fft_plan.real_work_length(n)
    assert size == fft_kernels.real_work_length(n)
    x = rng.standard_normal((2, n)).astype(dtype)
    guarded = np.full(size + 64, 7.0, dtype)  # 64 sentinels after the scratch
    spectrum = np.empty((2, n // 2 + 1), complex_dtype)
    r2c(x, spectrum, plan, dtype(1), guarded[:size])
    own = np.empty_like(spectrum)
    r2c(x, own, plan, dtype(1), np.empty(0, dtype))
    np.testing.assert_array_equal(spectrum, own)
    assert not np.all(guarded[:size] == 7.0)
    assert np.all(guarded[size:] == 7.0)
    assert_fft_close(spectrum[1], scipy.fft.rfft(x[1]), n)
    guarded[:] = 7.0
    back = np.empty_like(x)
    c2r(spectrum, back, plan, dtype(1.0 / n), guarded[:size])
    assert np.all(guarded[size:] == 7.0)
    assert_fft_close(back, x, n)


@pytest.mark.skipif(JIT_DISABLED, reason="nothing is compiled")
def test_warmup_compiles_every_row_kernel_in_both_precisions():
    """fastgrad.warmup (run on each Dask worker) must leave no transform kernel to compile in a
    task: each power-of-two driver, the general driver and the real-transform kernels, in each
    precision that has lengths for it (radix 4 first with radix-8 middle stages: double only;
    radix 8 first without them: single only; see fastgrad._kernels.fft._radices), and the
    mixed-radix kernels for every set of radix flags."""
    from numba import types

    both = {"float32", "float64"}
    only = {"pow2_rows_mid8": {"float64"}, "pow2_rows_radix8": {"float32"}}
    # radix 8 first below _LONG_FIRST_FROM: single precision only
    only.update({name: {"float32"} for name in ("pow2_rows_radix8_mid8", "pow2_rows_last8")})
    only.update({f"pow2_{kind}_rows_mid8": {"float64"} for kind in ("r2c", "c2r")})
    only.update({f"pow2_{kind}_rows_radix8": {"float32"} for kind in ("r2c", "c2r")})
    fastgrad.warmup()
    for name in (
        "pow2_rows", "pow2_rows_mid8", "pow2_rows_radix8", "pow2_rows_radix8_mid8",
        "pow2_rows_last8", "pow2_rows_radix8_mid8_long", "pow2_rows_last8_long",
        "pow2_rows_small", "direct_rows", "bluestein_rows", "pow2_r2c_rows",
        "pow2_c2r_rows", "r2c_split_rows", "c2r_pack_rows", "r2c_rows_direct", "c2r_rows_direct",
        "pow2_r2c_rows_mid8", "pow2_c2r_rows_mid8",
        "pow2_r2c_rows_radix8", "pow2_c2r_rows_radix8", "pow2_r2c_rows_radix8_mid8",
        "pow2_c2r_rows_radix8_mid8", "pow2_r2c_rows_small", "pow2_c2r_rows_small",
    ):  # fmt: skip
        dispatcher = getattr(fft_kernels, name)
        dtypes = {  # of the array arguments: the plan is float32 or float64
            str(arg.dtype) for signature in dispatcher.signatures for arg in signature
            if hasattr(arg, "dtype")
        }  # fmt: skip
        assert dtypes >= only.get(name, both), name
    # the mixed-radix kernels: one version per dtype and set of radix flags (threes, fives,
    # eights): every set with radix 3 or 5; Bluestein's also by the radix of its last stage
    # (twos_last, fours_last, odd_last): 2 or 4 with radix-8 middle stages, 2, 4, 3 or 5
    # without, and its padded length 8 (radices 4, 2)
    odd_sets = [(True, None), (None, True), (True, True)]
    flag_sets = {(threes, fives, eights) for threes, fives in odd_sets for eights in (None, True)}
    two, four, odd = (True, None, None), (None, True, None), (None, None, True)
    lasts = {None: (two, four, odd), True: (two, four)}  # by eights
    bluestein_sets = {(None, None, None) + two} | {
        flags + last for flags in flag_sets for last in lasts[flags[2]]
    }
    for name in ("direct_rows", "bluestein_rows", "r2c_rows_direct", "c2r_rows_direct"):
        n_flags = 6 if name == "bluestein_rows" else 3
        expected = bluestein_sets if name == "bluestein_rows" else flag_sets
        compiled = {
            (str(signature[n_flags + 2].dtype), tuple(None if flag == types.none else True
                                                      for flag in signature[:n_flags]))
            for signature in getattr(fft_kernels, name).signatures
        }  # fmt: skip
        for real in both:
            assert {flags for dtype, flags in compiled if dtype == real} == expected, (name, real)


def test_general_real_kernels_match_scipy_at_every_kind_of_length(rng):
    """r2c_rows and c2r_rows, the compiled real kernels of any length for users' own @njit code
    (with make_r2c_plan; the public layer runs the specialized ones), match scipy: odd, even
    with a Bluestein half, with a direct half, powers of two, n = 1."""
    for n in (1, 7, 997, 6, 22, 24, 1000, 2, 16, 8192):
        x = make_input(rng, (3, n), np.float64)
        plan = fft_kernels.make_r2c_plan(n, np.empty(0, np.complex128))
        work = np.empty(fft_kernels.real_work_length(n))
        spectrum = np.empty((3, n // 2 + 1), np.complex128)
        fft_kernels.r2c_rows(x, spectrum, plan, 1.0, work)
        assert_fft_close(spectrum, scipy.fft.rfft(x), n)
        back = np.empty((3, n))
        fft_kernels.c2r_rows(spectrum, back, plan, 1.0 / n, np.empty(0))
        assert_fft_close(back, x, n)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("n", [2, 8, 64, 8192, 2**18, 24, 1000, 9600, 6, 22, 7, 997])
def test_real_kernel_follows_the_length_and_matches_scipy(n, dtype, rng):
    """Real transforms of even length with a direct half (24, 1000, 9600) run kernels without
    Bluestein's code and with the half plan's radix flags; powers of two theirs, by the half
    plan's first radix and radix-8 middle stages; the others (odd, or a Bluestein half: 6, 22)
    Bluestein's complex driver (composed in fft_plan). Each matches scipy both ways."""
    from fastgrad._kernels import fft_plan

    if JIT_DISABLED and n > 2**13:
        pytest.skip("long transforms")
    complex_dtype = np.result_type(dtype, np.complex64)
    r2c, c2r = fft_plan.r2c_kernels(n, fft_plan.r2c_plan(n, complex_dtype))
    if n & (n - 1) == 0:
        # the half plan's first radix and radix-8 middle stages (see _radices)
        suffix = {
            (np.float64, 8192): "_mid8",
            (np.float64, 2**18): "_radix8_mid8",
            (np.float32, 64): "_radix8",
            (np.float32, 8192): "_radix8_mid8",
            (np.float32, 2**18): "_radix8_mid8",
        }.get((dtype, n), "_small" if n <= 8 else "")
        assert (r2c.__name__, c2r.__name__) == (f"pow2_r2c_rows{suffix}", f"pow2_c2r_rows{suffix}")
    elif n % 2 == 0 and fft_kernels._is_direct(n // 2):
        assert (r2c.func, c2r.func) == (fft_kernels.r2c_rows_direct, fft_kernels.c2r_rows_direct)
        # 24: half 12 = 4 * 3; 1000: 500 = 4 * 125; 9600: 4800 = 4 * 3 * 5^2 * 2^4 (radix 8)
        flags = {24: (True, None, None), 1000: (None, True, None), 9600: (True, True, True)}[n]
        assert r2c.args == c2r.args == flags
    else:  # through Bluestein's complex driver, with the radix flags of its plan
        odd = n % 2 == 1
        plan = fft_plan.r2c_plan(n, complex_dtype)
        complex_plan = plan if odd else plan[n + 2 :]
        expected = fft_plan.c2c_kernel(complex_plan)
        assert expected.func is fft_kernels.bluestein_rows
        for kernel in (r2c, c2r):
            assert kernel.args[0].func is expected.func
            assert kernel.args[0].args == expected.args
        composed = ("_r2c_odd", "_c2r_odd") if odd else ("_r2c_by_halves", "_c2r_by_halves")
        assert (r2c.func.__name__, c2r.func.__name__) == composed
    x = make_input(rng, (3, n), dtype)
    spectrum = fastgrad.rfft(x)
    assert_fft_close(spectrum, scipy.fft.rfft(x), n)
    assert_fft_close(fastgrad.irfft(spectrum, n), scipy.fft.irfft(scipy.fft.rfft(x), n), n)
