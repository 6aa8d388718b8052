"""The documentation runs: README code blocks, docstring examples, and the CI/README contract."""

import doctest
import pathlib
import re

import pytest
import scipy.fft

import fastgrad
import fastgrad.fourier
import fastgrad.kernels
import fastgrad.scipy_fft

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.S | re.M)


@pytest.mark.parametrize("index", range(len(_python_blocks(README))))
def test_readme_python_blocks_run(index):
    block = _python_blocks(README)[index]
    namespace: dict = {}
    try:
        exec(compile(block, f"README.md python block {index}", "exec"), namespace)
    finally:
        scipy.fft.set_global_backend("scipy")


def test_readme_has_the_two_commands_and_ci_runs_the_test_command():
    commands = {}
    for marker in ("main-command", "test-command"):
        match = re.search(rf"^<!-- {marker} -->\n```bash\n(.+)\n```$", README, flags=re.M)
        assert match, f"README.md lacks a ```bash block right under <!-- {marker} -->"
        commands[marker] = match.group(1)
    assert "pip install" in commands["main-command"]
    assert "python -m fastgrad" in commands["main-command"]
    assert "pytest" in commands["test-command"]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- test-command -->" in ci
    assert 'eval "$test_command"' in ci


@pytest.mark.parametrize("module", [fastgrad.fourier, fastgrad.kernels, fastgrad.scipy_fft])
def test_docstring_examples_run(module):
    try:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    finally:
        scipy.fft.set_global_backend("scipy")
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0
