"""``python -m fastgrad validate`` in a subprocess, on a small size range.

The subprocesses always run with the JIT on (``NUMBA_DISABLE_JIT=0``): the command's fixed n-D
and dtype tables are far too slow as plain Python, and the command line, not the kernels, is
what these tests check.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
MAX_LOG2 = 10


def run_python(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPOSITORY,
        env={**os.environ, "NUMBA_DISABLE_JIT": "0", "PYTHONWARNINGS": "error"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_validate_command_prints_a_table_and_exits_zero():
    completed = run_python(
        "-m", "fastgrad", "validate", "--max-log2", str(MAX_LOG2), "--reference-max-log2", "6"
    )
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    output = completed.stdout
    for word in ("fft", "ifft", "rfft", "irfft", "dft", "idft", "scipy", "numpy", "numba"):
        assert word in output, word
    sizes = [int(size) for size in re.findall(r"^\s+(\d+)\s+\d\.\d", output, re.MULTILINE)]
    # one row per size for each precision, up to 2^MAX_LOG2 and no further
    assert sizes.count(2**MAX_LOG2) == 2
    assert sizes.count(97) == 2
    assert max(sizes) == 2**MAX_LOG2


def test_validate_command_exits_non_zero_when_a_transform_is_wrong():
    """The command has teeth: fft off by a factor 1 + 1e-9 makes it fail."""
    script = (
        "import sys, fastgrad.fourier, fastgrad.__main__\n"
        "original = fastgrad.fourier.fft\n"
        "fastgrad.fourier.fft = lambda x, *a, **k: original(x, *a, **k) * (1 + 1e-9)\n"
        "sys.exit(fastgrad.__main__.main(['validate', '--max-log2', '4',"
        " '--reference-max-log2', '4']))\n"
    )
    completed = run_python("-c", script)
    assert completed.returncode == 1, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "fft" in completed.stdout
