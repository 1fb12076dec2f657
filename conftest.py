"""pytest configuration: scipy's array API mode, and the doctests of missing extras left out.

scikit-learn's array API dispatch (``tests/test_array_api.py``, the array API checks of
``check_estimator``) needs ``SCIPY_ARRAY_API=1`` before scipy is first imported: set here, unless
the environment says otherwise, so that a plain ``pytest`` runs them.

``--doctest-modules`` imports every module of the package; ``sktanhnet.onnx`` (and its
``_onnx_graph``) needs skl2onnx, ``sktanhnet._numba_kernels`` and ``_numba_math`` numba,
``sktanhnet.dask`` dask and distributed, and ``TrainingCurveDisplay``'s example draws with
matplotlib. Their tests in ``tests/`` skip with the reason on their own
(``pytest.importorskip``).
"""

import os
from importlib.util import find_spec

os.environ.setdefault("SCIPY_ARRAY_API", "1")

collect_ignore = []
if find_spec("skl2onnx") is None or find_spec("onnx") is None:
    collect_ignore += ["sktanhnet/onnx.py", "sktanhnet/_onnx_graph.py"]
if find_spec("matplotlib") is None:
    collect_ignore.append("sktanhnet/_plot.py")
if find_spec("dask") is None or find_spec("distributed") is None:  # the distributed extra
    collect_ignore.append("sktanhnet/dask")
if find_spec("numba") is None:  # the compiled kernels (the fast extra) import numba
    collect_ignore += [
        "sktanhnet/_numba_kernels.py",
        "sktanhnet/_numba_math.py",
        "sktanhnet/_numba_epoch.py",
    ]
