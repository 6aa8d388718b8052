"""The documentation runs: README code blocks, docstring examples, and the CI/README contract."""

import doctest
import importlib
import pathlib
import re

import pytest
import scipy.fft

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _python_blocks(text: str) -> list[tuple[bool, str]]:
    """Every ```python block, with whether it runs here: a block right under an
    ``<!-- illustrative: why -->`` comment (it needs a cluster, say) is only compiled."""
    pattern = r"^(<!-- illustrative:[^\n]*-->\n)?```python\n(.*?)^```$"
    return [(not mark, code) for mark, code in re.findall(pattern, text, flags=re.S | re.M)]


@pytest.mark.parametrize("index", range(len(_python_blocks(README))))
def test_readme_python_blocks_run(index):
    runs, block = _python_blocks(README)[index]
    code = compile(block, f"README.md python block {index}", "exec")
    if not runs:
        return  # illustrative: compiling it checked its syntax
    namespace: dict = {}
    try:
        exec(code, namespace)
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
    assert f"test_command='{commands['test-command']}'" in ci
    assert 'eval "$test_command"' in ci


DOCUMENTED_MODULES = [
    "fastgrad.fourier",
    "fastgrad.kernels",
    "fastgrad.scipy_fft",
    "fastgrad.dense",
    "fastgrad.network",
    "fastgrad.gradcheck",
    "fastgrad.dask",
]


@pytest.mark.parametrize("module_name", DOCUMENTED_MODULES)
def test_docstring_examples_run(module_name):
    if module_name == "fastgrad.dask":
        pytest.importorskip("dask", reason="fastgrad.dask needs the optional extra 'dask'")
    module = importlib.import_module(module_name)
    try:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    finally:
        scipy.fft.set_global_backend("scipy")
    assert result.attempted > 0, f"{module.__name__} has no examples"
    assert result.failed == 0
