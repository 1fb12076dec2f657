"""pytest configuration: leave out the doctests of modules whose optional extra is missing.

``--doctest-modules`` imports every module of the package; ``sktanhnet.onnx`` needs skl2onnx
and ``TrainingCurveDisplay``'s example draws with matplotlib. Their tests in ``tests/`` skip
with the reason on their own (``pytest.importorskip``).
"""

from importlib.util import find_spec

collect_ignore = []
if find_spec("skl2onnx") is None or find_spec("onnx") is None:
    collect_ignore.append("sktanhnet/onnx.py")
if find_spec("matplotlib") is None:
    collect_ignore.append("sktanhnet/_plot.py")
