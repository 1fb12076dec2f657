"""Training on a dask cluster: ``DaskTanhMLPClassifier`` and ``DaskTanhMLPRegressor``.

The core estimators with every parameter and fitted attribute of theirs, fitted on the current
``distributed.Client`` when given dask arrays, DataFrames or Series: the data stays on the
workers. ``solver="lbfgs"`` is data-parallel (the loss and gradient of each partition summed in
a tree, the optimizer on the client), "adam" and "sgd" carry the model from partition to
partition. Needs the ``distributed`` extra (``pip install ".[distributed]"`` from a clone);
``import sktanhnet`` alone never imports dask. See the user guide's "On a cluster".
"""

import sys

try:
    import dask  # noqa: F401
    import distributed  # noqa: F401
except ImportError as error:  # pragma: no cover - the extra is missing
    raise ImportError(
        f"sktanhnet.dask needs dask and distributed ({error}): "
        'pip install ".[distributed]" (from a clone)'
    ) from error

from .._classifier import TanhMLPClassifier
from .._regressor import TanhMLPRegressor
from ._estimators import partial_fit_method
from ._heads import DaskClassifierMixin, DaskRegressorMixin

_SEE_ALSO = """\
    See Also
    --------
    {core} : The same estimator, fitted in memory.
    {other} : The same network for {other_task}, on a cluster.

    Examples
    --------
    >>> import dask.array as da
    >>> from distributed import Client
    >>> from sklearn.datasets import {dataset}
    >>> from sktanhnet.dask import {name}
    >>> client = Client(processes=False, n_workers=1, dashboard_address=None)
    >>> X, y = {dataset}(n_samples=200, random_state=0)
    >>> X, y = da.from_array(X, chunks=50), da.from_array(y, chunks=50)
    >>> model = {name}((8,), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).compute().shape
    (3,)
    >>> client.close()
"""


def _docstring(core_class, name, summary, other, other_task, dataset):
    """The core class's parameters and attributes under a summary of the dask class's own."""
    core = core_class.__doc__
    sections = core[core.index("    Parameters\n") : core.index("    See Also\n")]
    tail = _SEE_ALSO.format(
        core=f"sktanhnet.{core_class.__name__}",
        other=other,
        other_task=other_task,
        dataset=dataset,
        name=name,
    )
    return summary + "\n" + sections + tail


class DaskTanhMLPClassifier(DaskClassifierMixin, TanhMLPClassifier):
    _core_class = TanhMLPClassifier
    partial_fit = partial_fit_method(TanhMLPClassifier)
    __doc__ = _docstring(
        TanhMLPClassifier,
        "DaskTanhMLPClassifier",
        """TanhMLPClassifier fitted on a dask cluster: the data stays on the workers.

    Every parameter and fitted attribute of :class:`~sktanhnet.TanhMLPClassifier`. ``fit``
    on dask arrays, DataFrames or Series runs on the current ``distributed.Client``: "lbfgs"
    sums the loss and gradient of each partition on the workers (the same model as the core
    estimator's in-memory fit, to rounding), "adam" and "sgd" carry the model from partition
    to partition. ``predict``, ``predict_proba`` and ``predict_log_proba`` return lazy dask
    arrays for dask input, and ``score`` is summed on the workers. On NumPy or pandas input
    every method is the core estimator's. ``scoring`` must be None or "loss" where there is
    validation data on dask; callbacks (``set_callbacks``) run on in-memory fits only.
""",
        "DaskTanhMLPRegressor",
        "regression",
        "make_classification",
    )


class DaskTanhMLPRegressor(DaskRegressorMixin, TanhMLPRegressor):
    _core_class = TanhMLPRegressor
    partial_fit = partial_fit_method(TanhMLPRegressor)
    __doc__ = _docstring(
        TanhMLPRegressor,
        "DaskTanhMLPRegressor",
        """TanhMLPRegressor fitted on a dask cluster: the data stays on the workers.

    Every parameter and fitted attribute of :class:`~sktanhnet.TanhMLPRegressor`. ``fit`` on
    dask arrays, DataFrames or Series runs on the current ``distributed.Client``: "lbfgs"
    sums the loss and gradient of each partition on the workers (the same model as the core
    estimator's in-memory fit, to rounding), "adam" and "sgd" carry the model from partition
    to partition. ``predict`` returns a lazy dask array for dask input, and ``score`` (R^2)
    is summed on the workers. On NumPy or pandas input every method is the core estimator's.
    ``scoring`` must be None or "loss" where there is validation data on dask; callbacks
    (``set_callbacks``) run on in-memory fits only.
""",
        "DaskTanhMLPClassifier",
        "classification",
        "make_regression",
    )


for _cls in (DaskTanhMLPClassifier, DaskTanhMLPRegressor):
    _cls.__module__ = "sktanhnet.dask"

if "sktanhnet.onnx" in sys.modules:  # else ``sktanhnet.onnx`` registers these on import
    sys.modules["sktanhnet.onnx"].register(DaskTanhMLPClassifier, DaskTanhMLPRegressor)

__all__ = ["DaskTanhMLPClassifier", "DaskTanhMLPRegressor"]
