"""Every Python example of the README and of the user guide runs, as a user would paste it; the
API reference (``docs/api.rst``) lists every public name.

Each code block runs on its own, in a fresh interpreter and an empty working directory (some
write files: ``model.skops``, ``curves.png``). A block that imports an optional package this
environment lacks (torch, dask, skops, skl2onnx, scikit-learn >= 1.9's callbacks...) is skipped,
naming it. The gallery's examples (``examples/``) run when the documentation is built. The
callbacks' design note (``docs/user_guide/callbacks_design.rst``) shows fragments of code, not
examples.
"""

import ast
import glob
import os
import re
import subprocess
import sys
from importlib.util import find_spec

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..")


def _markdown_blocks(text):
    return re.findall(r"^```python\n(.*?)^```$", text, flags=re.M | re.S)


def _rst_blocks(text):
    blocks = []
    for match in re.finditer(r"^\.\. code-block:: python\n((?:[ \t]*\n|   .*\n)+)", text, re.M):
        lines = match.group(1).splitlines()
        blocks.append("\n".join(line[3:] for line in lines).strip() + "\n")
    return blocks


def _examples():
    sources = [os.path.join(ROOT, "README.md")]
    sources += sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.rst"), recursive=True))
    found = []
    for path in sources:
        generated = any(part in path for part in ("_build", "auto_examples", "generated"))
        if generated or path.endswith("callbacks_design.rst"):
            continue
        text = open(path, encoding="utf-8").read()
        blocks = _markdown_blocks(text) if path.endswith(".md") else _rst_blocks(text)
        name = os.path.relpath(path, ROOT)
        found += [pytest.param(code, id=f"{name}-{k}") for k, code in enumerate(blocks)]
    return found


def _missing_module(code):
    # a package an example uses without importing it (the command line's --save: skops)
    for name in re.findall(r"^# needs (\w+)", code, flags=re.MULTILINE):
        if find_spec(name) is None:
            return name
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module]
        else:
            continue
        for name in names:
            try:
                if find_spec(name) is None:
                    return name
            except ModuleNotFoundError:
                return name
    return None


EXAMPLES = _examples()


def test_the_examples_are_found():
    # the README's example, and the user guide's (pipelines, regression, GPU, ecosystem...)
    assert len(EXAMPLES) >= 12


@pytest.mark.parametrize("code", EXAMPLES)
def test_example_runs(code, tmp_path):
    missing = _missing_module(code)
    if missing:
        pytest.skip(f"needs {missing}")
    env = dict(os.environ, MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", code],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    if "device = " in code and "torch" in code:  # the GPU page's example: what it prints
        score, labels = result.stdout.splitlines()
        assert float(score) > 0.95 and labels == "[0 1 2 3 4]"


def test_the_api_reference_lists_every_public_name():
    import sktanhnet

    api = open(os.path.join(ROOT, "docs", "api.rst"), encoding="utf-8").read()
    listed = set(re.findall(r"^   (\w+)$", api, flags=re.M))
    public = set(sktanhnet.__all__) - {"__version__"}
    assert public | {"onnx"} == listed
